//! The shown order never gives the key away: over thousands of papers drawn from fixed seeds,
//! where the right answer is shown is independent of the key (χ² against the uniform order).
//! Run with `--nocapture` to print the figures.

use super::{
    draw::{DrawInputs, Excluded, Exposure, PoolItem, draw},
    read::read_blueprint,
    rng::DrawRng,
};
use crate::banks::model::{Body, ItemKind};

/// Papers drawn per layout.
const PAPERS: usize = 2400;

/// χ² critical values at p = 0.001 by degrees of freedom (1–5): a uniform draw passes each
/// bound with probability 0.999, and the seeds are fixed, so the outcome never changes.
const CRITICAL: [f64; 6] = [0.0, 10.83, 13.82, 16.27, 18.47, 20.52];

/// The fixture item of `kind`, its body changed by `edit`, as the only item of the pool.
fn pool_of(kind: ItemKind, edit: impl Fn(&mut Body)) -> Vec<PoolItem> {
    let mut pool: Vec<PoolItem> = crate::test_fixtures::all_types_pool()
        .into_iter()
        .filter(|p| p.item.body.kind() == kind)
        .collect();
    edit(&mut pool[0].item.body);
    pool
}

/// The orders shown for the pool's one item over `PAPERS` papers from a fixed master seed.
fn shown_orders(pool: &[PoolItem], kind: &str, shuffle_options: bool) -> Vec<Vec<usize>> {
    let text = format!(
        "[blueprint]\ncode = \"S\"\ntitle = \"S\"\nmodules = [\"IU01\"]\nshuffle_options = {shuffle_options}\n\n\
         [[parts]]\ncode = \"a\"\nsections = [{{ title = \"x\", banks = [\"TEST-ALL\"], types = [\"{kind}\"], count = 1 }}]\n"
    );
    let blueprint = read_blueprint("s.toml", &text)
        .0
        .expect("a valid blueprint");
    let mut master = DrawRng::from_seed([17; 32]);
    (0..PAPERS)
        .map(|_| {
            let form = draw(&DrawInputs {
                blueprint: &blueprint,
                pool,
                exposure: &Exposure::default(),
                excluded: &Excluded::default(),
                seed: master.next_seed(),
            })
            .expect("the draw succeeds");
            form.sections[0].items[0].order.clone()
        })
        .collect()
}

/// χ² of observed counts against equal expected counts.
fn chi_square(counts: &[usize]) -> f64 {
    let expected = counts.iter().sum::<usize>() as f64 / counts.len() as f64;
    counts
        .iter()
        .map(|c| (*c as f64 - expected).powi(2) / expected)
        .sum()
}

/// For each key position (a left row, a statement, a step), in which slot it was shown: every
/// row must be uniform over the slots.
fn assert_slots_uniform(layout: &str, orders: &[Vec<usize>], keys: &[usize], slots: usize) {
    for (row, key) in keys.iter().enumerate() {
        let mut counts = vec![0usize; slots];
        for order in orders {
            let slot = order.iter().position(|i| i == key).expect("key shown");
            counts[slot] += 1;
        }
        let chi = chi_square(&counts);
        eprintln!(
            "{layout}: key of row {row} shown at slots {counts:?}, χ² = {chi:.2} (df {})",
            slots - 1
        );
        assert!(
            chi < CRITICAL[slots - 1],
            "{layout}: the shown slot of row {row}'s key is not uniform: {counts:?}, χ² = {chi:.2}"
        );
    }
}

/// Every permutation of `n` shown equally often, the key's own order included.
fn assert_permutations_uniform(layout: &str, orders: &[Vec<usize>], n: usize) {
    let mut all: Vec<Vec<usize>> = Vec::new();
    permutations(&mut (0..n).collect(), 0, &mut all);
    let counts: Vec<usize> = all
        .iter()
        .map(|p| orders.iter().filter(|o| *o == p).count())
        .collect();
    let chi = chi_square(&counts);
    eprintln!(
        "{layout}: orders {all:?} shown {counts:?} times, χ² = {chi:.2} (df {})",
        all.len() - 1
    );
    assert_eq!(
        counts.iter().sum::<usize>(),
        PAPERS,
        "{layout}: not a permutation"
    );
    assert!(
        chi < CRITICAL[all.len() - 1],
        "{layout}: the shown order depends on the key: {counts:?}, χ² = {chi:.2}"
    );
}

fn permutations(items: &mut Vec<usize>, k: usize, out: &mut Vec<Vec<usize>>) {
    if k == items.len() {
        out.push(items.clone());
        return;
    }
    for i in k..items.len() {
        items.swap(k, i);
        permutations(items, k + 1, out);
        items.swap(k, i);
    }
}

#[test]
fn matching_without_option_shuffle_still_shuffles_the_right_column() {
    let pool = pool_of(ItemKind::Matching, |_| {});
    let Body::Matching { pairs, distractors } = &pool[0].item.body else {
        unreachable!()
    };
    let (targets, keys) = crate::banks::model::matching_targets(pairs, distractors);
    let orders = shown_orders(&pool, "matching", false);
    assert_slots_uniform(
        "matching, shuffle_options = false",
        &orders,
        &keys,
        targets.len(),
    );
}

#[test]
fn ordering_items_are_shown_in_any_order_with_equal_chance() {
    for steps in [2, 3] {
        let pool = pool_of(ItemKind::Ordering, |body| {
            if let Body::Ordering { sequence } = body {
                sequence.truncate(steps);
            }
        });
        for shuffle in [true, false] {
            let orders = shown_orders(&pool, "ordering", shuffle);
            let layout = format!("ordering, {steps} steps, shuffle_options = {shuffle}");
            assert_permutations_uniform(&layout, &orders, steps);
        }
    }
}

#[test]
fn statements_are_shuffled_when_options_are_and_kept_otherwise() {
    let pool = pool_of(ItemKind::GroupedTrueFalse, |_| {});
    let Body::GroupedTrueFalse { statements } = &pool[0].item.body else {
        unreachable!()
    };
    let n = statements.len();
    let keys: Vec<usize> = (0..n).collect();
    let orders = shown_orders(&pool, "grouped_true_false", true);
    assert_slots_uniform("statements, shuffle_options = true", &orders, &keys, n);
    let kept = shown_orders(&pool, "grouped_true_false", false);
    assert!(
        kept.iter().all(|o| *o == keys),
        "false keeps the file's order"
    );
}

#[test]
fn check_warns_that_a_full_review_shows_the_keys_to_every_candidate() {
    let pool = crate::test_fixtures::all_types_pool();
    for (review, warned) in [("full", true), ("score_by_topic", false)] {
        let text = format!(
            "[blueprint]\ncode = \"S\"\ntitle = \"S\"\nmodules = [\"IU01\"]\nreview = \"{review}\"\n\n\
             [[parts]]\ncode = \"a\"\nsections = [{{ title = \"x\", banks = [\"TEST-ALL\"], count = 2 }}]\n"
        );
        let (bp, mut report) = read_blueprint("s.toml", &text);
        super::check::check_against_pool(&bp.unwrap(), &pool, &mut report);
        let lines = report.lines(crate::vocab::Lang::En).join("\n");
        assert_eq!(
            lines.contains("shows every candidate the key"),
            warned,
            "{lines}"
        );
        assert!(!report.has_errors(), "{lines}");
    }
}
