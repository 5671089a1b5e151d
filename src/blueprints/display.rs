//! The order an item's options, right-hand texts, steps or statements are shown in, by draw
//! generator: a paper drawn by an earlier generator keeps that generator's rules, so its seed
//! still regenerates it.

use super::rng::{DrawRng, Generator};
use crate::banks::model::{Body, Item, matching_targets};

/// Indices into the item's list in display order (empty for items without a list). Pinned
/// options never move; under v2 no order is excluded, since excluding one (the key's) is what
/// gives the key away.
pub fn display_order(
    item: &Item,
    shuffle: bool,
    rng: &mut DrawRng,
    generator: Generator,
) -> Vec<usize> {
    let v2 = generator == Generator::V2;
    let (len, pinned, shuffled): (usize, Vec<bool>, bool) = match &item.body {
        Body::Single { options } | Body::Multiple { options, .. } => (
            options.len(),
            options.iter().map(|o| o.pinned).collect(),
            shuffle,
        ),
        // Under v2 the setting keeps the left rows in place, never the right-hand column.
        Body::Matching { pairs, distractors } => {
            let count = matching_targets(pairs, distractors).0.len();
            (count, vec![false; count], shuffle || v2)
        }
        Body::Ordering { sequence } => (sequence.len(), vec![false; sequence.len()], true),
        Body::GroupedTrueFalse { statements } => (
            statements.len(),
            vec![false; statements.len()],
            shuffle && v2,
        ),
        _ => return vec![],
    };
    let mut order: Vec<usize> = (0..len).collect();
    if !shuffled {
        return order;
    }
    let mut movable: Vec<usize> = (0..len).filter(|i| !pinned[*i]).collect();
    rng.shuffle(&mut movable);
    let mut next = movable.into_iter();
    for (slot, keep) in order.iter_mut().zip(&pinned) {
        if !keep {
            *slot = next.next().expect("as many movable options as free slots");
        }
    }
    let is_ordering = matches!(item.body, Body::Ordering { .. });
    if !v2 && is_ordering && len > 1 && order.iter().enumerate().all(|(i, v)| i == *v) {
        order.rotate_left(1);
    }
    order
}
