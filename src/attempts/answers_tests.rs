//! Tests of answers in words: true/false, statements in the order shown, matching and ordering
//! as texts, and the review's warnings.

use super::*;
use crate::{
    banks::model::{Pair, Statement},
    grading::model::{Points, Rule},
    test_fixtures::{item_with as item, rich},
};

fn scored(response: &str, key: &str) -> ItemScore {
    ItemScore {
        item_id: "i".into(),
        version_id: "v".into(),
        part: "p".into(),
        section: "s".into(),
        topic: "IU01.1".into(),
        module: "IU01".into(),
        response: response.into(),
        key: key.into(),
        rule: Rule::AllOrNothing,
        points: Points::from_integer(0),
        max: 1,
    }
}

#[test]
fn true_false_reads_dung_sai_in_both_languages() {
    let it = item(Body::TrueFalse { answer: false });
    let s = scored("true", "false");
    let given = Response::TrueFalse(true);
    assert_eq!(
        readable(&it, &[], Some(&given), &s, Lang::Vi),
        ("Đúng".into(), "Sai".into())
    );
    assert_eq!(
        readable(&it, &[], Some(&given), &s, Lang::En).1,
        Lang::En.t("bank.false")
    );
    assert_eq!(readable(&it, &[], None, &s, Lang::Vi).0, "");
}

#[test]
fn statements_read_in_the_order_shown() {
    let statements = ["một", "hai", "ba"]
        .iter()
        .enumerate()
        .map(|(i, t)| Statement {
            text: rich(t),
            correct: i == 0,
        })
        .collect();
    let it = item(Body::GroupedTrueFalse { statements });
    let given = Response::Statements(vec![Some(true), None, Some(true)]);
    // Shown as c), a), b): statement 2 first.
    let (answer, key) = readable(&it, &[2, 0, 1], Some(&given), &scored("", ""), Lang::Vi);
    assert_eq!(answer, "a) Đúng; b) Đúng; c) –");
    assert_eq!(key, "a) Sai; b) Đúng; c) Sai");
}

#[test]
fn matching_and_ordering_read_as_the_texts_chosen() {
    let it = item(Body::Matching {
        pairs: vec![
            Pair {
                left: rich("CPU"),
                right: rich("xử lý"),
            },
            Pair {
                left: rich("RAM"),
                right: rich("bộ nhớ"),
            },
        ],
        distractors: vec![rich("máy in")],
    });
    let given = Response::Matching(vec![Some(2), None]);
    let (answer, key) = readable(&it, &[2, 1, 0], Some(&given), &scored("1→A", ""), Lang::Vi);
    assert_eq!(answer, "CPU → máy in; RAM → –");
    assert_eq!(key, "CPU → xử lý; RAM → bộ nhớ");

    let it = item(Body::Ordering {
        sequence: vec![rich("Mở"), rich("Sửa"), rich("Lưu")],
    });
    let given = Response::Ordering(vec![Some(1), Some(1), None]);
    let (answer, key) = readable(&it, &[2, 0, 1], Some(&given), &scored("", ""), Lang::Vi);
    assert_eq!(answer, "1. –; 2. Mở / Sửa; 3. –");
    assert_eq!(key, "1. Mở; 2. Sửa; 3. Lưu");
}

#[test]
fn the_review_flags_half_done_matching_and_ranks_given_twice() {
    use Unfinished::*;
    let cases = [
        (Response::Matching(vec![Some(0), None]), Some(Partly)),
        (Response::Matching(vec![Some(0), Some(0)]), None),
        (
            Response::Ordering(vec![Some(0), Some(0), Some(2)]),
            Some(RankTwice),
        ),
        (
            Response::Ordering(vec![Some(1), None, Some(1)]),
            Some(RankTwice),
        ),
        (
            Response::Ordering(vec![Some(1), None, Some(0)]),
            Some(Partly),
        ),
        (Response::Ordering(vec![Some(1), Some(2), Some(0)]), None),
        (Response::Choices(vec![0]), None),
    ];
    for (response, expected) in cases {
        assert_eq!(unfinished(&response), expected, "{response:?}");
    }
    for lang in [Lang::Vi, Lang::En] {
        for w in [Partly, RankTwice] {
            assert_ne!(lang.t(w.key()), "⟦missing message⟧");
        }
    }
}
