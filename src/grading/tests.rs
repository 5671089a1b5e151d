//! Scoring rules, threshold edges, pending parts, and statistics against a hand-computed example.

use std::collections::HashMap;

use proptest::prelude::*;

use super::{
    model::{Outcome, Points, Response, Rule},
    rules::score_item,
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
fn fixture() -> Vec<Item> {
    crate::test_fixtures::all_types_items()
}

fn item(id: &str) -> Item {
    fixture().into_iter().find(|i| i.id == id).unwrap()
}

fn frac(n: i64, d: i64) -> Points {
    Points::new(n, d)
}

fn points_of(id: &str, response: Response, partial: bool) -> (Points, Rule) {
    let it = item(id);
    let order: Vec<usize> = (0..8).collect();
    let (p, rule, _, _) = score_item(&it, &order, partial, Some(&response));
    (p, rule)
}

#[test]
fn choice_rules() {
    assert_eq!(
        points_of("T-001", Response::Choices(vec![0]), false).0,
        frac(1, 1)
    );
    assert_eq!(
        points_of("T-001", Response::Choices(vec![0, 1]), false).0,
        frac(0, 1),
        "two picks on single choice"
    );
    // T-002 asks for partial credit itself: 2 correct of 3 options.
    assert_eq!(
        points_of("T-002", Response::Choices(vec![0]), false),
        (frac(1, 2), Rule::PartialWithPenalty)
    );
    assert_eq!(
        points_of("T-002", Response::Choices(vec![0, 2]), false).0,
        frac(0, 1),
        "a wrong pick cancels a right one"
    );
    assert_eq!(
        points_of("T-002", Response::Choices(vec![2]), false).0,
        frac(0, 1),
        "floored at zero"
    );
    assert_eq!(
        points_of("T-002", Response::Choices(vec![0, 1]), false).0,
        frac(1, 1)
    );
    assert_eq!(
        points_of("T-002", Response::Choices(vec![0, 0, 0]), false).0,
        frac(1, 2),
        "a repeated choice counts once"
    );
    assert_eq!(
        points_of("T-001", Response::Choices(vec![0, 0]), false).0,
        frac(1, 1)
    );
    assert_eq!(
        points_of("T-002", Response::Choices(vec![0, 1, 9]), false).0,
        frac(1, 2),
        "an index outside the item is wrong"
    );
    assert_eq!(
        points_of("T-003", Response::TrueFalse(true), false).0,
        frac(1, 1)
    );
    assert_eq!(
        points_of("T-003", Response::TrueFalse(false), false).0,
        frac(0, 1)
    );
}

#[test]
fn grouped_true_false_follows_the_national_scale() {
    // Key: S Đ Đ S.
    let cases = [
        (
            vec![Some(true), Some(false), Some(false), Some(true)],
            frac(0, 1),
        ),
        (
            vec![Some(false), Some(false), Some(false), Some(true)],
            frac(1, 10),
        ),
        (
            vec![Some(false), Some(true), Some(false), Some(true)],
            frac(1, 4),
        ),
        (vec![Some(false), Some(true), Some(true), None], frac(1, 2)),
        (
            vec![Some(false), Some(true), Some(true), Some(false)],
            frac(1, 1),
        ),
    ];
    for (given, expected) in cases {
        assert_eq!(
            points_of("T-004", Response::Statements(given), false),
            (expected, Rule::NationalGroupedScale)
        );
    }
}

#[test]
fn text_number_matching_and_ordering() {
    assert_eq!(
        points_of("T-005", Response::Text("  egov ".into()), false).0,
        frac(1, 1)
    );
    assert_eq!(
        points_of("T-005", Response::Text("e-government".into()), false).0,
        frac(0, 1)
    );
    assert_eq!(
        points_of("T-006", Response::Text("2 048".into()), false).0,
        frac(1, 1)
    );
    assert_eq!(
        points_of("T-006", Response::Text("2048,5".into()), false).0,
        frac(0, 1)
    );
    let half = Response::Matching(vec![Some(0), Some(2)]);
    assert_eq!(
        points_of("T-007", half.clone(), false),
        (frac(0, 1), Rule::AllOrNothing)
    );
    assert_eq!(
        points_of("T-007", half, true),
        (frac(1, 2), Rule::PartialPerPair)
    );
    let order = Response::Ordering(vec![Some(0), Some(1), Some(3), Some(2)]);
    assert_eq!(
        points_of("T-008", order.clone(), true),
        (frac(1, 2), Rule::PartialPerPosition)
    );
    assert_eq!(points_of("T-008", order, false).0, frac(0, 1));
    assert_eq!(
        points_of("T-001", Response::TrueFalse(true), false).0,
        frac(0, 1),
        "a response of the wrong shape earns nothing"
    );
    let (p, rule, _, _) = score_item(&item("T-001"), &[0, 1, 2, 3], false, None);
    assert_eq!((p, rule), (frac(0, 1), Rule::Unanswered));
}

#[test]
fn explanations_use_the_letters_the_candidate_saw() {
    // Displayed order C, A, B, D: the key (original A) was shown as B.
    let (_, _, response, key) = score_item(
        &item("T-001"),
        &[2, 0, 1, 3],
        false,
        Some(&Response::Choices(vec![2])),
    );
    assert_eq!((response.as_str(), key.as_str()), ("A", "B"));
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn points_stay_within_zero_and_the_maximum_and_ignore_display_order(
        which in 0usize..8,
        picks in proptest::collection::vec(0usize..6, 0..5),
        flags in proptest::collection::vec(proptest::option::of(any::<bool>()), 0..5),
        seed in any::<u64>(),
        partial in any::<bool>(),
    ) {
        let items = fixture();
        let it = &items[which];
        let response = match which {
            0 | 1 => Response::Choices(picks.clone()),
            2 => Response::TrueFalse(seed % 2 == 0),
            3 => Response::Statements(flags.clone()),
            4 | 5 => Response::Text(format!("{seed}")),
            6 => Response::Matching(picks.iter().map(|p| Some(*p)).collect()),
            _ => Response::Ordering(flags.iter().enumerate().map(|(i, f)| f.map(|_| i)).collect()),
        };
        let mut order: Vec<usize> = (0..6).collect();
        let shift = (seed % 6) as usize;
        order.rotate_left(shift);
        let (a, _, _, _) = score_item(it, &(0..6).collect::<Vec<_>>(), partial, Some(&response));
        let (b, _, _, _) = score_item(it, &order, partial, Some(&response));
        prop_assert!(a >= frac(0, 1) && a <= frac(1, 1));
        prop_assert_eq!(a, b);
    }
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

/// "Classify the animals": two lefts share one right text, shown once; either left is right
/// only with that text, and the key names it for both.
#[test]
fn matching_with_a_shared_right_text() {
    let toml = r#"
[bank]
code = "CHIA-SE"
title = "Ghép chung"
module = "IU01"

[[items]]
id = "M-1"
type = "matching"
topic = "IU01.1"
difficulty = "NB"
stem = "Phân loại"
pairs = [
  { left = "ếch", right = "lưỡng cư" },
  { left = "mèo", right = "thú" },
  { left = "sa giông", right = "lưỡng cư" },
]
distractors = ["côn trùng"]
"#;
    let (parsed, report) = crate::banks::native::read_bank("m.toml", toml, vec![]);
    let item = &parsed
        .unwrap_or_else(|| panic!("{:?}", report.lines(crate::web::i18n::Lang::En)))
        .items[0];
    let crate::banks::model::Body::Matching { pairs, distractors } = &item.body else {
        panic!()
    };
    let (targets, key) = crate::banks::model::matching_targets(pairs, distractors);
    let shown: Vec<&str> = targets.iter().map(|t| t.source.as_str()).collect();
    assert_eq!(shown, ["lưỡng cư", "thú", "côn trùng"]);
    assert_eq!(key, [0, 1, 0]);
    let order = [0, 1, 2];
    let right = Response::Matching(vec![Some(0), Some(1), Some(0)]);
    let (points, rule, _, key_text) = score_item(item, &order, true, Some(&right));
    assert_eq!((points, rule), (frac(1, 1), Rule::PartialPerPair));
    assert_eq!(key_text, "1→A, 2→B, 3→A");
    let two_of_three = Response::Matching(vec![Some(0), Some(1), Some(2)]);
    assert_eq!(
        score_item(item, &order, true, Some(&two_of_three)).0,
        frac(2, 3)
    );
    // A distractor that is also a right text, or a single text for all, is refused.
    for broken in [
        toml.replace(r#"distractors = ["côn trùng"]"#, r#"distractors = ["thú"]"#),
        toml.replace("\"thú\"", "\"lưỡng cư\"")
            .replace(r#"distractors = ["côn trùng"]"#, ""),
    ] {
        let (parsed, _) = crate::banks::native::read_bank("m.toml", &broken, vec![]);
        assert!(parsed.is_none(), "{broken}");
    }
}
