//! `blueprint simulate`: draw many papers in a row, as a day of sessions would, and measure
//! item exposure, the spread of paper difficulty, topic coverage and rule violations.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{
    check::violations,
    draw::{DrawError, DrawInputs, Excluded, Exposure, PoolItem, draw, form_difficulty},
    model::Blueprint,
    rng::DrawRng,
};
use crate::banks::catalog::catalog;

#[derive(Debug, Serialize)]
pub struct Simulation {
    pub forms: usize,
    pub items_in_pool: usize,
    pub distinct_items_used: usize,
    pub exposure_max: u32,
    pub exposure_mean: f64,
    pub difficulty_min: f64,
    pub difficulty_max: f64,
    pub difficulty_mean: f64,
    pub topics_covered: usize,
    pub topics_total: usize,
    pub violations: usize,
    pub first_violations: Vec<String>,
}

/// Draws `forms` papers from seeds derived from `master_seed`, each seeing the exposure of
/// the ones before.
pub fn simulate(
    blueprint: &Blueprint,
    pool: &[PoolItem],
    forms: usize,
    master_seed: [u8; 32],
) -> Result<Simulation, DrawError> {
    let mut seeds = DrawRng::from_seed(master_seed);
    let mut exposure = Exposure::default();
    let excluded = Excluded::default();
    let mut levels = Vec::with_capacity(forms);
    let mut topics = BTreeSet::new();
    let mut found = Vec::new();
    for _ in 0..forms {
        let seed = seeds.next_seed();
        let form = draw(&DrawInputs {
            blueprint,
            pool,
            exposure: &exposure,
            excluded: &excluded,
            seed,
        })?;
        let picks = form.pool_indices(pool);
        levels.push(form_difficulty(blueprint, pool, &picks) / 1000.0);
        for item in form.items() {
            *exposure.entry(item.item_id.clone()).or_default() += 1;
        }
        for index in picks.iter().flatten() {
            topics.insert(pool[*index].item.topic.clone());
        }
        found.extend(violations(blueprint, pool, &form));
    }
    let used = exposure.len();
    let total_draws: u32 = exposure.values().sum();
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let topics_total = blueprint
        .modules
        .iter()
        .filter_map(|m| catalog().module(m))
        .map(|m| m.topics.len())
        .sum();
    Ok(Simulation {
        forms,
        items_in_pool: pool.len(),
        distinct_items_used: used,
        exposure_max: exposure.values().copied().max().unwrap_or(0),
        exposure_mean: if used == 0 {
            0.0
        } else {
            f64::from(total_draws) / used as f64
        },
        difficulty_min: levels.iter().copied().fold(f64::INFINITY, f64::min),
        difficulty_max: levels.iter().copied().fold(0.0, f64::max),
        difficulty_mean: mean(&levels),
        topics_covered: topics.len(),
        topics_total,
        violations: found.len(),
        first_violations: found.into_iter().take(10).collect(),
    })
}
