//! The scoring rule of each item type, on the fixture bank's items: choices, the national
//! grouped true/false scale, text, numbers, matching (shared right texts too), ordering.

use proptest::prelude::*;

use super::{
    model::{Points, Response, Rule},
    rules::score_item,
    tests::{fixture, frac},
};
use crate::banks::model::Item;

fn item(id: &str) -> Item {
    fixture().into_iter().find(|i| i.id == id).unwrap()
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
        .unwrap_or_else(|| panic!("{:?}", report.lines(crate::vocab::Lang::En)))
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
