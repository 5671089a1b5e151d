//! The simulation on the blueprint page: a modest run of `blueprint simulate` (papers drawn
//! in a row, then simulated candidates), its figures in words.

use super::{draw::PoolItem, model::Blueprint, rng};
use crate::{
    grading::simulate::{Report, simulate_blueprint},
    vocab::Lang,
};

/// Papers drawn in a row on the page: enough to see exposure and the difficulty spread, few
/// enough to answer at once.
pub const PAGE_FORMS: usize = 50;
/// Simulated candidates on the page: enough for a first reliability estimate.
pub const PAGE_CANDIDATES: usize = 200;

/// The simulation's figures as the page shows them.
pub struct SimulationView {
    pub forms: usize,
    pub candidates: usize,
    pub seed: String,
    /// (what, figure) rows about the papers.
    pub papers: Vec<(String, String)>,
    /// (what, figure) rows about the simulated candidates.
    pub scores: Vec<(String, String)>,
    pub violations: usize,
    pub first_violations: Vec<String>,
    /// Items whose simulated discrimination says "check the key".
    pub flagged: Vec<String>,
}

/// Runs the simulation from `seed`; None when the banks cannot serve the blueprint (the check
/// says why).
pub fn run(
    blueprint: &Blueprint,
    pool: &[PoolItem],
    seed: [u8; 32],
    lang: Lang,
) -> Option<SimulationView> {
    let report = simulate_blueprint(blueprint, pool, PAGE_FORMS, PAGE_CANDIDATES, seed).ok()?;
    Some(view(&report, pool, seed, lang))
}

fn view(report: &Report, pool: &[PoolItem], seed: [u8; 32], lang: Lang) -> SimulationView {
    let p = &report.papers;
    let fill = |key: &str, args: &[(&str, &str)]| lang.fill(key, args);
    let num = |v: f64, places: usize| lang.number(v, places);
    let row = |key: &str, value: String| (lang.t(key).to_string(), value);
    let papers = vec![
        row(
            "blueprint.page.sim_items_used",
            fill(
                "blueprint.page.sim_items_used_value",
                &[
                    ("used", &p.distinct_items_used.to_string()),
                    ("pool", &p.items_in_pool.to_string()),
                ],
            ),
        ),
        row(
            "blueprint.page.sim_exposure",
            fill(
                "blueprint.page.sim_exposure_value",
                &[
                    ("max", &p.exposure_max.to_string()),
                    ("mean", &num(p.exposure_mean, 2)),
                ],
            ),
        ),
        row(
            "blueprint.page.sim_difficulty",
            fill(
                "blueprint.page.sim_difficulty_value",
                &[
                    ("min", &num(p.difficulty_min, 3)),
                    ("mean", &num(p.difficulty_mean, 3)),
                    ("max", &num(p.difficulty_max, 3)),
                ],
            ),
        ),
        row(
            "blueprint.page.sim_topics",
            fill(
                "blueprint.page.sim_topics_value",
                &[
                    ("covered", &p.topics_covered.to_string()),
                    ("total", &p.topics_total.to_string()),
                ],
            ),
        ),
        row("blueprint.page.sim_violations", p.violations.to_string()),
    ];
    let mut scores = Vec::new();
    let mut flagged = Vec::new();
    if let Some(c) = &report.candidates {
        let f = &c.form;
        let percent = 100.0 * c.passed as f64 / c.candidates.max(1) as f64;
        scores.push(row(
            "blueprint.page.sim_passed",
            fill(
                if c.pending > 0 {
                    "blueprint.page.sim_passed_pending"
                } else {
                    "blueprint.page.sim_passed_value"
                },
                &[
                    ("passed", &c.passed.to_string()),
                    ("n", &c.candidates.to_string()),
                    ("percent", &num(percent, 1)),
                    ("pending", &c.pending.to_string()),
                ],
            ),
        ));
        scores.push(row(
            "blueprint.page.sim_score",
            fill(
                "blueprint.page.sim_score_value",
                &[("mean", &num(f.mean, 2)), ("sd", &num(f.sd, 2))],
            ),
        ));
        let measure = |v: Option<f64>| v.map_or_else(|| "–".to_string(), |v| num(v, 3));
        let kind = if f.reliability_kind == "kr20" {
            "KR-20"
        } else {
            "Cronbach α"
        };
        scores.push((
            fill("blueprint.page.sim_reliability", &[("kind", kind)]),
            measure(f.reliability),
        ));
        scores.push(row("blueprint.page.sim_sem", measure(f.sem)));
        // By the bank's own item ids, as staff know them.
        flagged = c
            .flagged()
            .map(|i| {
                pool.iter()
                    .find(|p| p.item_id == i.item_id)
                    .map_or_else(|| i.item_id.clone(), |p| p.item.id.clone())
            })
            .collect();
        scores.push(row("blueprint.page.sim_flagged", flagged.len().to_string()));
    }
    SimulationView {
        forms: p.forms,
        candidates: report.candidates.as_ref().map_or(0, |c| c.candidates),
        seed: rng::seed_to_hex(&seed),
        papers,
        scores,
        violations: p.violations,
        first_violations: p.first_violations.clone(),
        flagged,
    }
}
