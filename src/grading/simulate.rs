//! Simulated candidates, so scoring and item statistics can be seen end to end before real
//! attempts exist: each has an ability, answers an item right with a probability that falls
//! with the item's declared difficulty, and otherwise gives a plausible wrong answer.

use std::collections::HashMap;

use serde::Serialize;

use super::{
    model::{Outcome, Response},
    score::{Paper, score},
    stats::{AttemptRecord, FormStats, ItemRecord, ItemStats, statistics},
};
use crate::{
    banks::model::{Body, Item, NumericKey, matching_targets},
    blueprints::{
        draw::{DrawError, DrawInputs, Excluded, Exposure, PoolItem, draw},
        model::Blueprint,
        rng::DrawRng,
        simulate::{Simulation, simulate},
    },
};

#[derive(Debug, Serialize)]
pub struct CandidateSimulation {
    pub candidates: usize,
    pub passed: usize,
    pub pending: usize,
    pub form: FormStats,
    pub items: Vec<ItemStats>,
}

impl CandidateSimulation {
    pub fn flagged(&self) -> impl Iterator<Item = &ItemStats> {
        self.items.iter().filter(|i| i.check_key)
    }
}

/// What `blueprint simulate` prints and the blueprint page shows: papers drawn in a row and,
/// when asked, simulated candidates answering papers of their own.
#[derive(Debug, Serialize)]
pub struct Report {
    pub papers: Simulation,
    pub candidates: Option<CandidateSimulation>,
}

/// Draws `forms` papers in a row and, when `candidates` > 0, simulates that many candidates,
/// both from `seed`.
pub fn simulate_blueprint(
    blueprint: &Blueprint,
    pool: &[PoolItem],
    forms: usize,
    candidates: usize,
    seed: [u8; 32],
) -> Result<Report, DrawError> {
    Ok(Report {
        papers: simulate(blueprint, pool, forms, seed)?,
        candidates: (candidates > 0)
            .then(|| simulate_candidates(blueprint, pool, candidates, seed))
            .transpose()?,
    })
}

/// A uniform number in [0, 1).
fn unit(rng: &mut DrawRng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A simulated answer to an item, right or plausibly wrong (in the item's own indices, as
/// saved answers are); the demo's past sittings answer with it too.
pub fn respond(item: &Item, right: bool, rng: &mut DrawRng) -> Response {
    let pick_other = |n: usize, not: usize, rng: &mut DrawRng| {
        (not + 1 + rng.below(n.max(2) as u64 - 1) as usize) % n.max(1)
    };
    match &item.body {
        Body::Single { options } | Body::Multiple { options, .. } => {
            let correct: Vec<usize> = options
                .iter()
                .enumerate()
                .filter(|(_, o)| o.correct)
                .map(|(i, _)| i)
                .collect();
            if right {
                Response::Choices(correct)
            } else {
                Response::Choices(vec![pick_other(options.len(), correct[0], rng)])
            }
        }
        Body::TrueFalse { answer } => Response::TrueFalse(*answer == right),
        Body::GroupedTrueFalse { statements } => {
            let miss = rng.below(statements.len() as u64) as usize;
            Response::Statements(
                statements
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        Some(if right || i != miss {
                            s.correct
                        } else {
                            !s.correct
                        })
                    })
                    .collect(),
            )
        }
        Body::ShortText { answers, .. } => Response::Text(if right {
            answers[0].clone()
        } else {
            "không biết".into()
        }),
        Body::Numeric { key } => {
            let value = match key {
                NumericKey::Exact { value, .. } => *value,
                NumericKey::Range { min, .. } => *min,
            };
            Response::Text(if right {
                value.to_string()
            } else {
                (value + 1000.5).to_string()
            })
        }
        Body::Matching { pairs, distractors } => {
            let (targets, key) = matching_targets(pairs, distractors);
            let mut given: Vec<Option<usize>> = key.iter().copied().map(Some).collect();
            if !right {
                // Another text for the first left: wrong whatever the others share.
                given[0] = Some((key[0] + 1) % targets.len());
            }
            Response::Matching(given)
        }
        Body::Ordering { sequence } => {
            let mut given: Vec<Option<usize>> = (0..sequence.len()).map(Some).collect();
            if !right && sequence.len() > 1 {
                given.swap(0, 1);
            }
            Response::Ordering(given)
        }
    }
}

/// Draws a paper for each of `n` simulated candidates, answers it, scores it, and computes
/// the statistics over all of them.
pub fn simulate_candidates(
    blueprint: &Blueprint,
    pool: &[PoolItem],
    n: usize,
    seed: [u8; 32],
) -> Result<CandidateSimulation, DrawError> {
    let mut rng = DrawRng::from_seed(seed);
    let items: HashMap<String, Item> = pool
        .iter()
        .map(|p| (p.version_id.clone(), p.item.clone()))
        .collect();
    let mut exposure = Exposure::default();
    let excluded = Excluded::default();
    let (mut passed, mut pending) = (0, 0);
    let mut attempts = Vec::with_capacity(n);
    for _ in 0..n {
        let paper_seed = rng.next_seed();
        let form = draw(&DrawInputs {
            blueprint,
            pool,
            exposure: &exposure,
            excluded: &excluded,
            seed: paper_seed,
        })?;
        let ability = (unit(&mut rng) + unit(&mut rng) + unit(&mut rng) - 1.5) * 2.0;
        let mut responses = HashMap::new();
        for fi in form.items() {
            *exposure.entry(fi.item_id.clone()).or_default() += 1;
            let item = &items[&fi.version_id];
            let difficulty = (f64::from(item.difficulty.scale_permille()) / 1000.0 - 0.5) * 4.0;
            let p_right = 1.0 / (1.0 + (-1.7 * (ability - difficulty)).exp());
            let right = unit(&mut rng) < p_right;
            responses.insert(fi.item_id.clone(), respond(item, right, &mut rng));
        }
        let result = score(
            &Paper {
                blueprint,
                form: &form,
                items: &items,
            },
            &responses,
            &HashMap::new(),
        );
        match result.outcome {
            Outcome::Pass => passed += 1,
            Outcome::Pending => pending += 1,
            Outcome::Fail => {}
        }
        let records = result
            .items
            .iter()
            .map(|s| {
                let fraction =
                    *s.points.numer() as f64 / *s.points.denom() as f64 / s.max.max(1) as f64;
                let choices = match responses.get(&s.item_id) {
                    Some(Response::Choices(c)) => c.clone(),
                    _ => vec![],
                };
                ItemRecord {
                    item_id: s.item_id.clone(),
                    fraction,
                    points: fraction * s.max as f64,
                    choices,
                    answered: true,
                }
            })
            .collect();
        attempts.push(AttemptRecord { items: records });
    }
    let (item_stats, form) = statistics(&attempts);
    Ok(CandidateSimulation {
        candidates: n,
        passed,
        pending,
        form,
        items: item_stats,
    })
}
