//! Scoring papers: threshold edges, pending parts, and statistics against a hand-computed
//! example (the rules for single items are in `rules_tests.rs`).

use std::collections::HashMap;

use super::{
    model::{Outcome, Points, Response, Tally, decimal, points_vi},
    score::{Paper, score},
    stats::{AttemptRecord, ItemRecord, statistics},
};
use crate::{
    banks::model::Item,
    blueprints::{
        draw::{DrawInputs, Excluded, Exposure, draw},
        read::read_blueprint,
    },
};

/// The fixture bank: T-001 single, T-002 multiple (partial), T-003 true/false, T-004 grouped,
/// T-005 short text, T-006 numeric, T-007 matching, T-008 ordering.
pub(super) fn fixture() -> Vec<Item> {
    crate::test_fixtures::all_types_items()
}

pub(super) fn frac(n: i64, d: i64) -> Points {
    Points::new(n, d)
}

/// A paper over the fixture items with the given blueprint parts.
fn paper_result(
    parts: &str,
    answers: &[(&str, Response)],
    external: &[(&str, Points)],
) -> super::model::ScoreResult {
    let pool = crate::test_fixtures::all_types_pool();
    let text = format!("[blueprint]\ncode = \"P\"\ntitle = \"P\"\nmodules = [\"IU01\"]\n{parts}");
    let bp = read_blueprint("p.toml", &text)
        .0
        .expect("valid test blueprint");
    let form = draw(&DrawInputs {
        blueprint: &bp,
        pool: &pool,
        exposure: &Exposure::default(),
        excluded: &Excluded::default(),
        seed: [5; 32],
    })
    .unwrap();
    let items: HashMap<String, Item> = pool.into_iter().map(|p| (p.version_id, p.item)).collect();
    let responses: HashMap<String, Response> = answers
        .iter()
        .map(|(id, r)| (id.to_string(), r.clone()))
        .collect();
    let external: HashMap<String, Points> =
        external.iter().map(|(c, p)| (c.to_string(), *p)).collect();
    score(
        &Paper {
            blueprint: &bp,
            form: &form,
            items: &items,
        },
        &responses,
        &external,
    )
}

const FOUR_ITEMS: &str = "[[parts]]\ncode = \"a\"\npass = \"75%\"\nsections = [{ title = \"s\", banks = [\"TEST-ALL\"], types = [\"single\", \"true_false\", \"short_text\", \"numeric\"], count = 4 }]\n";

#[test]
fn exactly_the_threshold_passes_and_one_point_below_fails() {
    let right = [
        ("T-001", Response::Choices(vec![0])),
        ("T-003", Response::TrueFalse(true)),
        ("T-005", Response::Text("eGov".into())),
    ];
    let result = paper_result(FOUR_ITEMS, &right, &[]);
    assert_eq!((result.total.points, result.total.max), (frac(3, 1), 4));
    assert_eq!(result.outcome, Outcome::Pass, "3/4 is exactly 75 %");
    let result = paper_result(FOUR_ITEMS, &right[..2], &[]);
    assert_eq!(result.outcome, Outcome::Fail);
    assert_eq!(result.topics.values().map(|t| t.max).sum::<i64>(), 4);
}

#[test]
fn a_practical_part_is_pending_until_entered_and_each_part_must_pass() {
    let parts = "[[parts]]\ncode = \"ly-thuyet\"\npass = \"5/10\"\nsections = [{ title = \"s\", banks = [\"TEST-ALL\"], types = [\"single\", \"true_false\"], count = 2, points = 5 }]\n\n[[parts]]\ncode = \"thuc-hanh\"\nexternal = true\nmax_points = 10\npass = \"5/10\"\n";
    let half = [("T-003", Response::TrueFalse(true))];
    assert_eq!(
        paper_result(parts, &half, &[]).outcome,
        Outcome::Pending,
        "never pass before the practical is entered"
    );
    assert_eq!(
        paper_result(parts, &half, &[("thuc-hanh", frac(5, 1))]).outcome,
        Outcome::Pass,
        "exactly 5/10 in each part"
    );
    assert_eq!(
        paper_result(parts, &half, &[("thuc-hanh", frac(49, 10))]).outcome,
        Outcome::Fail,
        "4.9/10 fails"
    );
    assert_eq!(
        paper_result(parts, &[], &[]).outcome,
        Outcome::Fail,
        "a failed theory part fails at once"
    );
}

#[test]
fn statistics_match_a_hand_computed_example() {
    let table = [
        [1.0, 1.0, 1.0],
        [1.0, 1.0, 0.0],
        [1.0, 0.0, 0.0],
        [0.0, 0.0, 0.0],
        [1.0, 1.0, 1.0],
    ];
    let attempts: Vec<AttemptRecord> = table
        .iter()
        .map(|row| AttemptRecord {
            items: row
                .iter()
                .enumerate()
                .map(|(i, f)| ItemRecord {
                    item_id: format!("q{i}"),
                    fraction: *f,
                    points: *f,
                    choices: vec![if *f == 1.0 { 0 } else { 1 }],
                    answered: true,
                })
                .collect(),
        })
        .collect();
    let (items, form) = statistics(&attempts);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-5;
    assert!(close(form.mean, 1.8) && close(form.sd, 1.36f64.sqrt()));
    assert_eq!(form.reliability_kind, "kr20");
    assert!(
        close(form.reliability.unwrap(), 0.794118),
        "{:?}",
        form.reliability
    );
    assert!(close(form.sem.unwrap(), 0.529150), "{:?}", form.sem);
    assert!(
        close(items[0].facility, 0.8)
            && close(items[1].facility, 0.6)
            && close(items[2].facility, 0.4)
    );
    assert!(
        close(items[0].point_biserial.unwrap(), 0.559017),
        "{:?}",
        items[0].point_biserial
    );
    assert_eq!(items[0].option_shares, vec![(0, 0.8), (1, 0.2)]);
    assert!(!items[0].check_key);

    // An item the best candidates miss and the weakest get right: check its key.
    let mut flipped = attempts.clone();
    for attempt in &mut flipped {
        let total_others: f64 = attempt.items[..2].iter().map(|i| i.points).sum();
        let odd = if total_others >= 1.0 { 0.0 } else { 1.0 };
        attempt.items[2] = ItemRecord {
            item_id: "q2".into(),
            fraction: odd,
            points: odd,
            choices: vec![],
            answered: true,
        };
    }
    let (items, _) = statistics(&flipped);
    assert!(items[2].check_key, "{:?}", items[2]);
}

#[test]
fn points_are_stored_exactly_and_shown_with_a_decimal_comma() {
    let tally = Tally {
        points: Points::new(19, 2),
        max: 10,
    };
    let json = serde_json::to_string(&tally).unwrap();
    assert_eq!(json, r#"{"points":"19/2","max":10}"#);
    let back: Tally = serde_json::from_str(&json).unwrap();
    assert_eq!(back, tally);
    assert_eq!(tally.display(), "9,5/10");
    assert_eq!(points_vi(Points::new(4, 3)), "1,33");
    assert_eq!(points_vi(Points::from_integer(7)), "7");
    assert_eq!(points_vi(Points::new(-1, 1000)), "0");
    assert_eq!(decimal(Points::new(4, 3)), "1.3333");
    assert!(serde_json::from_str::<Tally>(r#"{"points":"1.5","max":2}"#).is_err());
}
