//! What the blueprint page says besides the draw rules: timing, navigation, shuffling, review,
//! attempts and the pass rules in words, and warnings when the banks are too small for the
//! blueprint or when the review shows every candidate the items with their keys.

use std::collections::HashSet;

use super::{
    draw::{PoolItem, candidates},
    model::{Blueprint, Marking, Navigation, Part, Ratio, Review, Thousandths},
};
use crate::vocab::Lang;

/// A blueprint whose matching items run out in fewer papers than this gets a warning: after
/// that many papers (retakes, or candidates comparing notes) the whole bank is known.
pub const FEW_PAPERS: usize = 3;

/// The blueprint's rules in words, and what to worry about.
pub struct Overview {
    /// (what, how) rows: navigation, order, review, attempts, retakes, scoring, difficulty.
    pub facts: Vec<(String, String)>,
    pub pass_rules: Vec<String>,
    pub warnings: Vec<String>,
}

pub fn overview(bp: &Blueprint, pool: &[PoolItem], lang: Lang) -> Overview {
    Overview {
        facts: facts(bp, lang),
        pass_rules: pass_rules(bp, lang),
        warnings: warnings(bp, pool, lang),
    }
}

fn t(lang: Lang, key: &str) -> String {
    lang.t(key).to_string()
}

fn facts(bp: &Blueprint, lang: Lang) -> Vec<(String, String)> {
    let n = |v: u32| v.to_string();
    // The duration and the item count are in the page's own facts above these.
    let mut rows = vec![
        (
            t(lang, "blueprint.page.navigation"),
            t(
                lang,
                match bp.navigation {
                    Navigation::Free => "blueprint.page.navigation_free",
                    Navigation::Sequential => "blueprint.page.navigation_sequential",
                },
            ),
        ),
        (
            t(lang, "blueprint.page.item_order"),
            t(
                lang,
                if bp.shuffle_items {
                    "blueprint.page.items_shuffled"
                } else {
                    "blueprint.page.items_kept"
                },
            ),
        ),
        (
            t(lang, "blueprint.page.option_order"),
            t(
                lang,
                if bp.shuffle_options {
                    "blueprint.page.options_shuffled"
                } else {
                    "blueprint.page.options_kept"
                },
            ),
        ),
        (
            t(lang, "blueprint.page.review"),
            t(lang, review_key(bp.review)),
        ),
        (
            t(lang, "blueprint.page.attempts"),
            match bp.attempts_allowed {
                0 => t(lang, "blueprint.page.attempts_unlimited"),
                a => lang.fill("blueprint.page.attempts_n", &[("n", &n(a))]),
            },
        ),
        (
            t(lang, "blueprint.page.partial_credit"),
            t(
                lang,
                if bp.partial_credit {
                    "blueprint.page.partial_yes"
                } else {
                    "blueprint.page.partial_no"
                },
            ),
        ),
    ];
    if bp.attempts_allowed != 1 {
        rows.insert(
            5,
            (
                t(lang, "blueprint.page.retake"),
                match bp.retake_wait_days {
                    0 => t(lang, "blueprint.page.retake_now"),
                    d => lang.fill("blueprint.page.retake_wait", &[("days", &n(d))]),
                },
            ),
        );
    }
    if let Some(d) = bp.difficulty {
        let scale = |v: u16| lang.number(f64::from(v) / 1000.0, 3);
        rows.push((
            t(lang, "blueprint.page.difficulty"),
            lang.fill(
                "blueprint.page.difficulty_target",
                &[
                    ("target", &scale(d.target)),
                    ("tolerance", &scale(d.tolerance)),
                ],
            ),
        ));
    }
    rows
}

/// What a candidate sees after submitting, in words.
pub fn review_key(review: Review) -> &'static str {
    match review {
        Review::Nothing => "blueprint.page.review_nothing",
        Review::Score => "blueprint.page.review_score",
        Review::ScoreByTopic => "blueprint.page.review_by_topic",
        Review::Full => "blueprint.page.review_full",
    }
}

/// A share as people read it: "75 %", or "5/10 (50 %)" when written as a fraction.
pub fn share(ratio: Ratio, lang: Lang) -> String {
    let percent = lang.number(
        f64::from(ratio.num) * 100.0 / f64::from(ratio.den.max(1)),
        2,
    );
    if ratio.den.is_multiple_of(100) {
        format!("{percent} %")
    } else {
        format!("{}/{} ({percent} %)", ratio.num, ratio.den)
    }
}

/// How a part scored outside sathach is marked, in words (the practical page says the same).
pub fn marking_rule(marking: Marking, lang: Lang) -> String {
    let decimal = |t: Thousandths| lang.number(f64::from(t.0) / 1000.0, 3);
    let mut rule = if marking.graders == 2 {
        lang.fill(
            "practical.rule_double",
            &[("difference", &decimal(marking.max_difference))],
        )
    } else {
        t(lang, "practical.rule_single")
    };
    if let Some(step) = marking.rounding {
        rule.push_str(&lang.fill("practical.rule_rounding", &[("step", &decimal(step))]));
    }
    rule
}

fn part_rules(part: &Part, lang: Lang) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(max) = part.external_max_points {
        lines.push(format!(
            "{} {}",
            lang.fill(
                "blueprint.page.part_external",
                &[("part", &part.title), ("max", &max.to_string())],
            ),
            marking_rule(part.marking.unwrap_or_default(), lang)
        ));
    }
    if let Some(rule) = part.pass {
        lines.push(lang.fill(
            "blueprint.page.pass_part",
            &[("part", &part.title), ("share", &share(rule, lang))],
        ));
    }
    lines
}

/// The rules a paper must meet to pass, as `grading::score` applies them.
fn pass_rules(bp: &Blueprint, lang: Lang) -> Vec<String> {
    let mut lines: Vec<String> = bp.parts.iter().flat_map(|p| part_rules(p, lang)).collect();
    let checks = bp.parts.iter().filter(|p| p.pass.is_some()).count();
    if let Some(rule) = bp.pass {
        lines.push(lang.fill(
            "blueprint.page.pass_total",
            &[("share", &share(rule, lang))],
        ));
    }
    // Each module passes alone under the overall rule, else the first drawn part's.
    let module_rule = bp.pass.or_else(|| {
        bp.parts
            .iter()
            .find(|p| p.external_max_points.is_none())
            .and_then(|p| p.pass)
    });
    let separate = bp.separate_module_pass && bp.modules.len() > 1;
    if let Some(rule) = module_rule.filter(|_| separate) {
        lines.push(lang.fill(
            "blueprint.page.pass_modules",
            &[
                ("modules", &bp.modules.join(", ")),
                ("share", &share(rule, lang)),
            ],
        ));
    }
    if checks + usize::from(bp.pass.is_some()) + usize::from(separate) > 1 {
        lines.push(t(lang, "blueprint.page.pass_all"));
    } else if checks == 0 && bp.pass.is_none() {
        lines.push(t(lang, "blueprint.page.pass_none"));
    }
    if bp.parts.iter().any(|p| p.external_max_points.is_some()) {
        lines.push(t(lang, "blueprint.page.pass_pending"));
    }
    lines
}

/// Papers a candidate sits before having seen all of `available` items, `count` a paper.
fn papers_to_see_all(available: usize, count: usize) -> usize {
    available.div_ceil(count.max(1))
}

fn warnings(bp: &Blueprint, pool: &[PoolItem], lang: Lang) -> Vec<String> {
    let mut lines = Vec::new();
    let count = bp.item_count() as usize;
    let supply: Vec<Vec<usize>> = bp.sections().map(|(_, s)| candidates(s, pool)).collect();
    let matching: HashSet<usize> = supply.iter().flatten().copied().collect();
    let whole = papers_to_see_all(matching.len(), count);
    // A shortage is an error the check reports; these warnings are for banks that suffice.
    if count > 0 && matching.len() >= count && whole < FEW_PAPERS {
        lines.push(lang.fill(
            "blueprint.page.small_bank",
            &[
                ("available", &matching.len().to_string()),
                ("count", &count.to_string()),
                ("papers", &whole.to_string()),
                ("suggested", &(FEW_PAPERS * count).to_string()),
            ],
        ));
    }
    for ((_, section), found) in bp.sections().zip(&supply) {
        let need = section.count as usize;
        let papers = papers_to_see_all(found.len(), need);
        if need > 0 && found.len() >= need && papers < FEW_PAPERS.min(whole) {
            lines.push(lang.fill(
                "blueprint.page.small_section",
                &[
                    ("section", &section.title),
                    ("available", &found.len().to_string()),
                    ("count", &need.to_string()),
                    ("papers", &papers.to_string()),
                ],
            ));
        }
    }
    if bp.review == Review::Full {
        lines.push(t(lang, "blueprint.page.review_full_warning"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_as_written() {
        let vi = Lang::Vi;
        assert_eq!(share(Ratio::parse("75%").unwrap(), vi), "75 %");
        assert_eq!(share(Ratio::parse("62,5%").unwrap(), vi), "62,5 %");
        assert_eq!(share(Ratio::parse("5/10").unwrap(), vi), "5/10 (50 %)");
        assert_eq!(
            share(Ratio::parse("2/3").unwrap(), Lang::En),
            "2/3 (66.67 %)"
        );
    }

    #[test]
    fn papers_until_the_bank_is_seen() {
        assert_eq!(papers_to_see_all(45, 25), 2);
        assert_eq!(papers_to_see_all(50, 25), 2);
        assert_eq!(papers_to_see_all(51, 25), 3);
        assert_eq!(papers_to_see_all(4, 4), 1);
    }
}
