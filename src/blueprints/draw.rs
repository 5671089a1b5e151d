//! The draw: `draw(inputs) -> Form`, a pure function of the blueprint, the pool of item
//! versions, exposure counts, the items this person must not see again, and a seed.

use serde::{Deserialize, Serialize};

use super::{
    display::display_order,
    model::{Blueprint, Section},
    rng::{DrawRng, Generator, seed_to_hex},
};
use crate::banks::model::Item;

/// Draw counts by item id. Keys are internal ids, never user input, so a fast non-keyed hash
/// is safe here and keeps a draw well under a millisecond.
pub type Exposure = std::collections::HashMap<String, u32, rustc_hash::FxBuildHasher>;

/// Item ids a person must not see again.
pub type Excluded = std::collections::HashSet<String, rustc_hash::FxBuildHasher>;

/// One item version the draw may use.
#[derive(Clone, Debug)]
pub struct PoolItem {
    pub version_id: String,
    /// The item's identity across versions (exposure and exclusions count by it).
    pub item_id: String,
    pub bank: String,
    pub item: Item,
}

pub struct DrawInputs<'a> {
    pub blueprint: &'a Blueprint,
    pub pool: &'a [PoolItem],
    /// How often each item (by `item_id`) was drawn before.
    pub exposure: &'a Exposure,
    /// Items this person saw in an earlier attempt of the same module.
    pub excluded: &'a Excluded,
    pub seed: [u8; 32],
}

/// A candidate's paper, frozen: stored with the attempt, rendered the same years later.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Form {
    pub generator: String,
    pub seed: String,
    pub sections: Vec<FormSection>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormSection {
    pub part: String,
    pub title: String,
    pub items: Vec<FormItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormItem {
    pub version_id: String,
    pub item_id: String,
    pub points: u32,
    /// Display order of the options (or right-hand texts, or steps): indices into the item's list.
    pub order: Vec<usize>,
}

impl Form {
    /// Where each drawn item is in the pool, section by section.
    pub fn pool_indices(&self, pool: &[PoolItem]) -> Vec<Vec<usize>> {
        self.sections
            .iter()
            .map(|s| {
                s.items
                    .iter()
                    .filter_map(|i| pool.iter().position(|p| p.version_id == i.version_id))
                    .collect()
            })
            .collect()
    }

    pub fn items(&self) -> impl Iterator<Item = &FormItem> {
        self.sections.iter().flat_map(|s| s.items.iter())
    }
}

#[derive(Debug, PartialEq, thiserror::Error)]
pub enum DrawError {
    #[error("section {section:?} needs {needed} items but only {available} match its rule")]
    Shortfall {
        section: String,
        needed: u32,
        available: usize,
    },
    #[error("no paper within the difficulty target {target}±{tolerance} (closest: {reached:.0})")]
    Difficulty {
        target: u16,
        tolerance: u16,
        reached: f64,
    },
}

/// The pool indices a section may draw, in the pool's order.
pub fn candidates(section: &Section, pool: &[PoolItem]) -> Vec<usize> {
    pool.iter()
        .enumerate()
        .filter(|(_, p)| section.filter.accepts(&p.item) && section.banks.contains(&p.bank))
        .filter(|(_, p)| topic_of_module(&p.item.topic, &section.module))
        .map(|(i, _)| i)
        .collect()
}

/// Topic codes are the module's code, a dot and a number (the catalog's test keeps them so).
fn topic_of_module(topic: &str, module: &str) -> bool {
    topic.len() > module.len()
        && topic.starts_with(module)
        && topic.as_bytes()[module.len()] == b'.'
}

/// Draws one paper with the current generator.
pub fn draw(inputs: &DrawInputs) -> Result<Form, DrawError> {
    draw_by(inputs, Generator::CURRENT)
}

/// Draws one paper as `generator` did: how a stored paper is drawn again.
pub fn draw_by(inputs: &DrawInputs, generator: Generator) -> Result<Form, DrawError> {
    let rules = prepare(inputs.blueprint, inputs.pool);
    draw_prepared_by(inputs, &rules, generator)
}

/// Each section's candidates, computed once for a blueprint and a pool: a session draws the
/// papers of all its candidates from the same pool.
pub fn prepare(blueprint: &Blueprint, pool: &[PoolItem]) -> Vec<Vec<usize>> {
    blueprint
        .sections()
        .map(|(_, section)| candidates(section, pool))
        .collect()
}

/// Draws one paper with candidates from `prepare` for the same blueprint and pool.
pub fn draw_prepared(inputs: &DrawInputs, rules: &[Vec<usize>]) -> Result<Form, DrawError> {
    draw_prepared_by(inputs, rules, Generator::CURRENT)
}

fn draw_prepared_by(
    inputs: &DrawInputs,
    rules: &[Vec<usize>],
    generator: Generator,
) -> Result<Form, DrawError> {
    let DrawInputs {
        blueprint,
        pool,
        exposure,
        excluded,
        seed,
    } = *inputs;
    let mut rng = DrawRng::from_seed(seed);
    let mut taken = vec![false; pool.len()];
    let mut picks: Vec<Vec<usize>> = Vec::new();
    let mut spares: Vec<Vec<usize>> = Vec::new();
    for ((_, section), matching) in blueprint.sections().zip(rules) {
        let mut fresh: Vec<usize> = Vec::new();
        let mut seen: Vec<usize> = Vec::new();
        for index in matching.iter().copied().filter(|i| !taken[*i]) {
            if excluded.contains(&pool[index].item_id) {
                seen.push(index)
            } else {
                fresh.push(index)
            }
        }
        let available = fresh.len() + seen.len();
        if available < section.count as usize {
            return Err(DrawError::Shortfall {
                section: section.title.clone(),
                needed: section.count,
                available,
            });
        }
        // Random order, then the least-used first; items already seen only when nothing else is left.
        for list in [&mut fresh, &mut seen] {
            rng.shuffle(list);
            if !exposure.is_empty() {
                list.sort_by_cached_key(|i| exposure.get(&pool[*i].item_id).copied().unwrap_or(0));
            }
        }
        let mut ordered = fresh;
        let fresh_count = ordered.len();
        ordered.extend(seen);
        let mut spare = ordered.split_off(section.count as usize);
        // Spares for difficulty repair are fresh items only: the front of what is left.
        spare.truncate(fresh_count.saturating_sub(ordered.len()));
        ordered.iter().for_each(|i| taken[*i] = true);
        picks.push(ordered);
        spares.push(spare);
    }
    if let Some(target) = blueprint.difficulty {
        balance_difficulty(blueprint, pool, &mut picks, &mut spares, target)?;
    }

    let mut sections = Vec::new();
    for ((part, section), mut chosen) in blueprint.sections().zip(picks) {
        if blueprint.shuffle_items {
            rng.shuffle(&mut chosen);
        } else {
            chosen.sort_unstable();
        }
        let items = chosen
            .into_iter()
            .map(|i| {
                let p = &pool[i];
                FormItem {
                    version_id: p.version_id.clone(),
                    item_id: p.item_id.clone(),
                    points: section.points.unwrap_or(p.item.points),
                    order: display_order(&p.item, blueprint.shuffle_options, &mut rng, generator),
                }
            })
            .collect();
        sections.push(FormSection {
            part: part.code.clone(),
            title: section.title.clone(),
            items,
        });
    }
    Ok(Form {
        generator: generator.name().into(),
        seed: seed_to_hex(&seed),
        sections,
    })
}

/// Points-weighted mean declared difficulty of the drawn items, in thousandths.
pub fn form_difficulty(blueprint: &Blueprint, pool: &[PoolItem], picks: &[Vec<usize>]) -> f64 {
    let (mut weighted, mut total) = (0.0, 0.0);
    for ((_, section), chosen) in blueprint.sections().zip(picks) {
        for i in chosen {
            let points = f64::from(section.points.unwrap_or(pool[*i].item.points));
            weighted += points * f64::from(pool[*i].item.difficulty.scale_permille());
            total += points;
        }
    }
    if total == 0.0 { 0.0 } else { weighted / total }
}

/// Swaps drawn items for spares of the same section until the paper is within tolerance.
fn balance_difficulty(
    blueprint: &Blueprint,
    pool: &[PoolItem],
    picks: &mut [Vec<usize>],
    spares: &mut [Vec<usize>],
    target: super::model::DifficultyTarget,
) -> Result<(), DrawError> {
    let level = |i: usize| pool[i].item.difficulty.scale_permille();
    let limit = picks.iter().map(Vec::len).sum::<usize>() * 4 + 8;
    for _ in 0..limit {
        let mean = form_difficulty(blueprint, pool, picks);
        if target.accepts(mean) {
            return Ok(());
        }
        let too_hard = mean > f64::from(target.target);
        // The first section (in order) that can move the mean toward the target.
        let swap = picks
            .iter()
            .zip(spares.iter())
            .enumerate()
            .find_map(|(s, (chosen, spare))| {
                let (c, out) = chosen.iter().enumerate().max_by_key(|(_, i)| {
                    if too_hard {
                        level(**i)
                    } else {
                        u16::MAX - level(**i)
                    }
                })?;
                let better = |i: &usize| {
                    if too_hard {
                        level(*i) < level(*out)
                    } else {
                        level(*i) > level(*out)
                    }
                };
                spare.iter().position(better).map(|sp| (s, c, sp))
            });
        let Some((s, c, sp)) = swap else {
            return Err(DrawError::Difficulty {
                target: target.target,
                tolerance: target.tolerance,
                reached: mean,
            });
        };
        std::mem::swap(&mut picks[s][c], &mut spares[s][sp]);
    }
    let reached = form_difficulty(blueprint, pool, picks);
    Err(DrawError::Difficulty {
        target: target.target,
        tolerance: target.tolerance,
        reached,
    })
}
