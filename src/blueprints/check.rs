//! Checks of a blueprint against the banks it draws from (enough items for every rule, no
//! rule starving another, then a reachable difficulty target), and of a drawn form against its
//! blueprint (used by `simulate` and the property tests).

use std::collections::HashSet;

use super::{
    draw::{Form, PoolItem, candidates},
    model::Blueprint,
};
use crate::banks::report::{FileReport, args};

/// Adds to `report` every way the pool cannot serve the blueprint. A shortage is reported
/// alone: the difficulty target is judged only once every rule finds its items, since the
/// range of a paper that cannot be drawn means nothing and would hide the real problem.
pub fn check_against_pool(blueprint: &Blueprint, pool: &[PoolItem], report: &mut FileReport) {
    let errors_before = report.errors.len();
    let banks: HashSet<&str> = pool.iter().map(|p| p.bank.as_str()).collect();
    let sections: Vec<_> = blueprint.sections().map(|(_, s)| s).collect();
    let mut supply: Vec<HashSet<usize>> = Vec::new();
    for section in &sections {
        for bank in section.banks.iter().filter(|b| !banks.contains(b.as_str())) {
            report.error(
                section.line,
                "report.bp.unknown_bank",
                args![bank = bank.as_str(), section = section.title.as_str()],
            );
        }
        let found: HashSet<usize> = candidates(section, pool).into_iter().collect();
        if found.len() < section.count as usize {
            let short = section.count as usize - found.len();
            report.error(
                section.line,
                "report.bp.shortfall",
                args![
                    section = section.title.as_str(),
                    needed = section.count as usize,
                    available = found.len(),
                    short = short
                ],
            );
        }
        supply.push(found);
    }
    for (a, first) in sections.iter().enumerate() {
        for (b, second) in sections.iter().enumerate().skip(a + 1) {
            if supply[a].is_disjoint(&supply[b]) {
                continue;
            }
            let together = supply[a].union(&supply[b]).count();
            let needed = (first.count + second.count) as usize;
            if together < needed {
                report.error(
                    second.line,
                    "report.bp.starves",
                    args![
                        first = first.title.as_str(),
                        second = second.title.as_str(),
                        needed = needed,
                        available = together
                    ],
                );
            }
        }
    }
    if blueprint.review == super::model::Review::Full {
        report.warning(1, "report.bp.review_full", args![]);
    }
    let short = report.errors.len() > errors_before;
    if let Some(target) = blueprint.difficulty.filter(|_| !short) {
        let (low, high) = difficulty_range(blueprint, pool, &supply);
        let (lo, hi) = (
            f64::from(target.target) - f64::from(target.tolerance),
            f64::from(target.target) + f64::from(target.tolerance),
        );
        if high < lo || low > hi {
            report.error(
                1,
                "report.bp.difficulty_unreachable",
                args![
                    target = per_cent(f64::from(target.target)),
                    tolerance = per_cent(f64::from(target.tolerance)),
                    low = per_cent(low),
                    high = per_cent(high)
                ],
            );
        }
    }
}

fn per_cent(permille: f64) -> String {
    format!("{:.2}", permille / 1000.0)
}

/// The easiest and the hardest paper the pool allows (each section alone, equal points).
fn difficulty_range(
    blueprint: &Blueprint,
    pool: &[PoolItem],
    supply: &[HashSet<usize>],
) -> (f64, f64) {
    let (mut low, mut high, mut weight) = (0.0, 0.0, 0.0);
    for ((_, section), found) in blueprint.sections().zip(supply) {
        let mut levels: Vec<u16> = found
            .iter()
            .map(|i| pool[*i].item.difficulty.scale_permille())
            .collect();
        levels.sort_unstable();
        let n = (section.count as usize).min(levels.len());
        if n == 0 {
            continue;
        }
        low += levels[..n].iter().map(|l| f64::from(*l)).sum::<f64>();
        high += levels[levels.len() - n..]
            .iter()
            .map(|l| f64::from(*l))
            .sum::<f64>();
        weight += n as f64;
    }
    if weight == 0.0 {
        (0.0, 0.0)
    } else {
        (low / weight, high / weight)
    }
}

/// Every way a drawn form breaks its blueprint (empty for a correct form).
pub fn violations(blueprint: &Blueprint, pool: &[PoolItem], form: &Form) -> Vec<String> {
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    let by_version = |id: &str| pool.iter().find(|p| p.version_id == id);
    for ((_, section), drawn) in blueprint.sections().zip(&form.sections) {
        if drawn.items.len() != section.count as usize {
            found.push(format!(
                "section {:?} has {} items, not {}",
                section.title,
                drawn.items.len(),
                section.count
            ));
        }
        let allowed: HashSet<usize> = candidates(section, pool).into_iter().collect();
        for item in &drawn.items {
            if !seen.insert(item.item_id.clone()) {
                found.push(format!("item {} appears twice", item.item_id));
            }
            let Some(index) = pool.iter().position(|p| p.version_id == item.version_id) else {
                found.push(format!(
                    "item version {} is not in the pool",
                    item.version_id
                ));
                continue;
            };
            if !allowed.contains(&index) {
                found.push(format!(
                    "item {} does not match the rule of section {:?}",
                    item.item_id, section.title
                ));
            }
            if let Some(p) = by_version(&item.version_id)
                && let crate::banks::model::Body::Single { options }
                | crate::banks::model::Body::Multiple { options, .. } = &p.item.body
            {
                for (slot, option) in item.order.iter().enumerate() {
                    if options[*option].pinned && slot != *option {
                        found.push(format!("a pinned option of {} moved", item.item_id));
                    }
                }
            }
        }
    }
    if let Some(target) = blueprint.difficulty {
        let picks = form.pool_indices(pool);
        let level = super::draw::form_difficulty(blueprint, pool, &picks);
        if !target.accepts(level) {
            found.push(format!(
                "difficulty {level:.0} is outside {}±{}",
                target.target, target.tolerance
            ));
        }
    }
    found
}
