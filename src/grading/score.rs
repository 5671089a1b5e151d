//! `score(paper, responses, external) -> ScoreResult`: every item by its type's rule (see
//! `rules`), totals by part, section, topic and module, then the blueprint's pass rules.

use std::collections::HashMap;

use super::{
    model::{ItemScore, Outcome, PartResult, Points, Response, ScoreResult, Tally},
    rules::score_item,
};
use crate::{
    banks::{catalog::catalog, model::Item},
    blueprints::{draw::Form, model::Blueprint},
};

/// A frozen paper: the blueprint, the drawn form, and the item versions it uses (by version id).
pub struct Paper<'a> {
    pub blueprint: &'a Blueprint,
    pub form: &'a Form,
    pub items: &'a HashMap<String, Item>,
}

/// Scores a paper. `responses` are by item id; `external` holds the points of parts scored
/// outside sathach (by part code) once they are entered.
pub fn score(
    paper: &Paper,
    responses: &HashMap<String, Response>,
    external: &HashMap<String, Points>,
) -> ScoreResult {
    let bp = paper.blueprint;
    let mut items = Vec::new();
    let mut sections = Vec::new();
    let mut topics = std::collections::BTreeMap::new();
    let mut part_tallies: HashMap<&str, Tally> = HashMap::new();
    let mut module_tallies: Vec<(String, Tally)> = bp
        .modules
        .iter()
        .map(|m| (m.clone(), Tally::default()))
        .collect();
    for ((part, section), drawn) in bp.sections().zip(&paper.form.sections) {
        let mut tally = Tally::default();
        for fi in &drawn.items {
            let Some(item) = paper.items.get(&fi.version_id) else {
                continue;
            };
            let (fraction, rule, response, key) = score_item(
                item,
                &fi.order,
                bp.partial_credit,
                responses.get(&fi.item_id),
            );
            let max = i64::from(fi.points);
            let points = fraction * max;
            tally.add(points, max);
            topics
                .entry(item.topic.clone())
                .or_insert_with(Tally::default)
                .add(points, max);
            if let Some((_, t)) = module_tallies
                .iter_mut()
                .find(|(m, _)| *m == section.module)
            {
                t.add(points, max);
            }
            items.push(ItemScore {
                item_id: fi.item_id.clone(),
                version_id: fi.version_id.clone(),
                part: part.code.clone(),
                section: section.title.clone(),
                topic: item.topic.clone(),
                module: catalog()
                    .topic(&item.topic)
                    .map(|(m, _)| m.code.clone())
                    .unwrap_or_default(),
                response,
                key,
                rule,
                points,
                max,
            });
        }
        part_tallies
            .entry(part.code.as_str())
            .or_default()
            .add(tally.points, tally.max);
        sections.push((section.title.clone(), tally));
    }

    let mut total = Tally::default();
    let mut checks: Vec<Option<bool>> = Vec::new();
    let mut parts = Vec::new();
    for part in &bp.parts {
        let (tally, recorded) = match part.external_max_points {
            Some(max) => match external.get(&part.code) {
                Some(points) => (
                    Tally {
                        points: *points,
                        max: i64::from(max),
                    },
                    true,
                ),
                None => (
                    Tally {
                        points: Points::from_integer(0),
                        max: i64::from(max),
                    },
                    false,
                ),
            },
            None => (
                part_tallies
                    .get(part.code.as_str())
                    .copied()
                    .unwrap_or_default(),
                true,
            ),
        };
        total.add(tally.points, tally.max);
        let check = part.pass.map(|rule| recorded.then(|| tally.meets(rule)));
        if let Some(check) = check {
            checks.push(check);
        }
        let outcome = match check {
            Some(Some(true)) | None if recorded => Outcome::Pass,
            Some(Some(false)) => Outcome::Fail,
            _ => Outcome::Pending,
        };
        parts.push(PartResult {
            code: part.code.clone(),
            tally,
            recorded,
            outcome,
        });
    }
    let all_recorded = parts.iter().all(|p| p.recorded);
    if let Some(rule) = bp.pass {
        checks.push(all_recorded.then(|| total.meets(rule)));
    }
    let module_rule = bp.pass.or_else(|| {
        bp.parts
            .iter()
            .find(|p| p.external_max_points.is_none())
            .and_then(|p| p.pass)
    });
    let modules: Vec<(String, Tally, bool)> = if bp.modules.len() > 1 {
        module_tallies
            .into_iter()
            .map(|(m, t)| {
                let passed = module_rule.is_none_or(|rule| t.meets(rule));
                (m, t, passed)
            })
            .collect()
    } else {
        vec![]
    };
    if bp.separate_module_pass {
        checks.extend(modules.iter().map(|(_, _, passed)| Some(*passed)));
    }
    let outcome = if checks.contains(&Some(false)) {
        Outcome::Fail
    } else if checks.contains(&None) || !all_recorded {
        Outcome::Pending
    } else {
        Outcome::Pass
    };
    ScoreResult {
        items,
        total,
        parts,
        sections,
        topics,
        modules,
        outcome,
    }
}
