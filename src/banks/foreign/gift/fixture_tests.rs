//! The GIFT reader on Moodle's own example files (`tests/fixtures/import/gift`).

use super::*;
use crate::banks::foreign::DraftBody;

pub(super) const EXAMPLES: &str =
    include_str!("../../../../tests/fixtures/import/gift/moodle-examples.txt");
pub(super) const QUESTIONS: &str =
    include_str!("../../../../tests/fixtures/import/gift/moodle-questions.gift.txt");

/// Each draft's line, type and name.
fn summary(found: &Foreign) -> Vec<(usize, &'static str, Option<&str>)> {
    found
        .drafts
        .iter()
        .map(|d| {
            let kind = match &d.body {
                DraftBody::Choice {
                    multiple: false, ..
                } => "single",
                DraftBody::Choice { .. } => "multiple",
                DraftBody::TrueFalse { .. } => "true_false",
                DraftBody::GroupedTrueFalse { .. } => "grouped",
                DraftBody::ShortText { .. } => "short_text",
                DraftBody::Numeric { .. } => "numeric",
                DraftBody::NumericRange { .. } => "range",
                DraftBody::Matching { .. } => "matching",
                DraftBody::Ordering { .. } => "ordering",
            };
            (d.line, kind, d.name.as_deref())
        })
        .collect()
}

fn at(found: &Foreign, line: usize) -> &Draft {
    found.drafts.iter().find(|d| d.line == line).unwrap()
}

/// Options as (text, correct), with the flags of the choice.
fn choice(draft: &Draft) -> (Vec<(&str, bool)>, bool, bool) {
    let DraftBody::Choice {
        options,
        multiple,
        partial,
    } = &draft.body
    else {
        panic!("not a choice: {draft:?}");
    };
    let options = options
        .iter()
        .map(|o| (o.text.as_str(), o.correct))
        .collect();
    (options, *multiple, *partial)
}

#[test]
// 3.1415 and 3.141..3.142 are the file's answers, not approximations of π.
#[allow(clippy::approx_constant)]
fn moodle_examples_every_documented_type() {
    let found = read(EXAMPLES);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    assert!(found.skipped.is_empty(), "{:?}", found.skipped);
    let (single, multiple, tf, short) = ("single", "multiple", "true_false", "short_text");
    let (numeric, range, matching) = ("numeric", "range", "matching");
    let expected = [
        (8, single, None),
        (10, single, None),
        (12, tf, None),
        (14, short, None),
        (16, numeric, None),
        (25, single, None),
        (27, single, None),
        (29, single, None),
        (35, single, None),
        (43, short, None),
        (45, short, None),
        (49, tf, None),
        (51, tf, None),
        (55, matching, None),
        (61, matching, None),
        (70, numeric, None),
        (72, numeric, None),
        (74, range, None),
        (76, numeric, None),
        (85, numeric, None),
        (90, short, Some("Kanji Origins")),
        (93, single, Some("Thanksgiving Date")),
        (98, single, None),
        (103, short, None),
        (108, short, None),
        (113, tf, None),
        (115, single, None),
        (117, single, Some("Jesus' hometown")),
        (123, short, Some("Jesus' hometown")),
        (130, multiple, None),
        (136, multiple, None),
        (143, single, None),
        (148, single, Some("GIFT Control Characters")),
        (167, single, None),
        (169, single, None),
        (171, tf, None),
        (173, short, None),
        (175, numeric, None),
        (177, matching, None),
        (184, single, Some("Grant's Tomb")),
        (190, single, None),
        (195, short, Some("Jesus' hometown (Short answer ex.)")),
        (202, numeric, Some("Numerical example")),
    ];
    assert_eq!(summary(&found), expected);
    assert!(found.drafts.iter().all(|d| d.category.is_none()
        && d.tags.is_empty()
        && d.points.is_none()
        && d.explanation.is_none()));

    // Multiple choice and missing word.
    let d = at(&found, 8);
    assert_eq!(d.stem, "Who's buried in Grant's tomb?");
    let options = vec![("Grant", false), ("Jefferson", false), ("no one", true)];
    assert_eq!(choice(d), (options, false, false));
    let d = at(&found, 10);
    assert_eq!(d.stem, "Grant is \\_\\_\\_\\_\\_ in Grant's tomb.");
    assert_eq!(
        choice(d).0,
        [("buried", false), ("entombed", true), ("living", false)]
    );
    // Multi-line questions.
    let d = at(&found, 29);
    let stem = "The American holiday of Thanksgiving is celebrated on the \\_\\_\\_\\_\\_ \
                Thursday of November.";
    assert_eq!(d.stem, stem);
    assert_eq!(
        choice(d).0,
        [("second", false), ("third", false), ("fourth", true)]
    );
    let d = at(&found, 90);
    assert_eq!(
        d.stem,
        "Japanese characters originally\\\ncame from what country?"
    );
    assert_eq!(
        d.body,
        DraftBody::ShortText {
            answers: vec!["China".into()]
        }
    );
    let stem = "The American holiday of Thanksgiving is\\\ncelebrated on the \\_\\_\\_\\_\\_ \
                Thursday of November.";
    assert_eq!(at(&found, 93).stem, stem);
    // Short answers.
    let short = |line| match &at(&found, line).body {
        DraftBody::ShortText { answers } => answers.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(short(14), ["no one", "nobody"]);
    assert_eq!(short(45), ["four", "4"]);
    assert_eq!(at(&found, 45).stem, "Two plus two equals \\_\\_\\_\\_\\_.");
    // Partial-credit misspellings are not accepted answers.
    assert_eq!(short(123), ["Nazareth"]);
    assert_eq!(short(195), ["Nazareth"]);
    assert_eq!(
        at(&found, 195).stem,
        "Jesus Christ was from \\_\\_\\_\\_\\_."
    );
    // Markdown as written.
    assert_eq!(at(&found, 108).stem, "Who's buried in **Grant's tomb**?");
    // True/false, with feedback.
    let tf = |line| at(&found, line).body.clone();
    assert_eq!(tf(12), DraftBody::TrueFalse { answer: false });
    assert_eq!(tf(49), DraftBody::TrueFalse { answer: false });
    assert_eq!(tf(51), DraftBody::TrueFalse { answer: true });
    assert_eq!(tf(113), DraftBody::TrueFalse { answer: false });
    // Matching.
    let DraftBody::Matching { pairs, distractors } = &at(&found, 61).body else {
        panic!()
    };
    let expected = [
        ("Canada", "Ottawa"),
        ("Italy", "Rome"),
        ("Japan", "Tokyo"),
        ("India", "New Delhi"),
    ];
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(l, r)| (l.as_str(), r.as_str()))
        .collect();
    assert_eq!((pairs, distractors.len()), (expected.to_vec(), 0));
    let DraftBody::Matching { pairs, .. } = &at(&found, 177).body else {
        panic!()
    };
    assert_eq!(pairs[2], ("Japan".to_string(), "Tokyo".to_string()));
    assert_eq!(
        at(&found, 177).stem,
        "Match the following countries with their corresponding\\\ncapitals."
    );
    // Numeric: tolerance, exact, range, several answers.
    let numeric = |value, tolerance| DraftBody::Numeric { value, tolerance };
    assert_eq!(tf(16), numeric(1822.0, 1.0));
    assert_eq!(tf(70), numeric(1822.0, 0.0));
    assert_eq!(tf(72), numeric(3.1415, 0.0005));
    assert_eq!(
        at(&found, 72).stem,
        "What is the value of pi (to 3 decimal places)? \\_\\_\\_\\_\\_."
    );
    assert_eq!(
        tf(74),
        DraftBody::NumericRange {
            min: 3.141,
            max: 3.142
        }
    );
    assert_eq!(tf(76), numeric(1822.0, 0.0));
    assert_eq!(tf(85), numeric(4.0, 0.0));
    assert_eq!(tf(175), numeric(1822.0, 5.0));
    assert_eq!(tf(202), numeric(1822.0, 0.0));
    // Weights: `=` beside partial weights stays single choice, its `=` the key.
    let options = vec![
        ("wrong answer", false),
        ("half credit answer", false),
        ("full credit answer", true),
    ];
    assert_eq!(choice(at(&found, 115)), (options.clone(), false, false));
    assert_eq!(choice(at(&found, 190)), (options, false, false));
    assert_eq!(choice(at(&found, 117)).0[3], ("Nazareth", true));
    // Without `=`, positive weights are the keys, with partial credit.
    let options = vec![
        ("No one", false),
        ("Grant", true),
        ("Grant's wife", true),
        ("Grant's father", false),
    ];
    assert_eq!(choice(at(&found, 130)), (options.clone(), true, true));
    assert_eq!(choice(at(&found, 136)), (options, true, true));
    // Escapes: each control character is an option shown as typed.
    let options = vec![
        ("\\= 2 + 2", false),
        ("\\= 2 + 3", true),
        ("\\= 2 + 4", false),
    ];
    assert_eq!(choice(at(&found, 143)).0, options);
    let d = at(&found, 148);
    assert_eq!(
        d.stem,
        "Which of the following is NOT a control character for the GIFT import format?"
    );
    let options = vec![
        ("\\~", false),
        ("\\=", false),
        ("\\#", false),
        ("{", false),
        ("}", false),
        ("\\\\", true),
    ];
    assert_eq!(choice(d).0, options);
}

#[test]
fn moodle_questions_fixture() {
    let found = read(QUESTIONS);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    // The essay is skipped by name.
    assert_eq!(
        found.skipped,
        [Skipped {
            line: 2,
            name: "Q8".into(),
            kind: "essay".into()
        }]
    );
    let expected = [
        (5, "matching", Some("Moodle activities")),
        (14, "single", Some("Q2")),
        (22, "multiple", Some("colours")),
        (31, "numeric", Some("Q5")),
        (34, "short_text", Some("Shortanswer")),
        (41, "true_false", Some("Q1")),
        (46, "true_false", Some("2-08 TSL")),
        (49, "true_false", Some("2-08 TSL")),
    ];
    assert_eq!(summary(&found), expected);
    // Matching with a format per answer and a distractor.
    let d = at(&found, 5);
    assert_eq!(d.stem, "Match the **activity** to the description.");
    let DraftBody::Matching { pairs, distractors } = &d.body else {
        panic!()
    };
    let rights: Vec<&str> = pairs.iter().map(|(_, r)| r.as_str()).collect();
    assert_eq!(rights, ["Forum", "Choice", "Database", "Wiki"]);
    assert_eq!(
        pairs[0].0,
        "An activity supporting asynchronous discussions."
    );
    assert_eq!(
        pairs[3].0,
        "A collection of web pages that anyone can add to or edit."
    );
    assert_eq!(distractors, &["Chat".to_string()]);
    // Feedback and formats of answers.
    let options = vec![("yellow", true), ("red", false), ("blue", false)];
    assert_eq!(choice(at(&found, 14)), (options, false, false));
    // Negative weights: multiple response with partial credit.
    let options = vec![
        ("yellow", true),
        ("red", false),
        ("off-beige", true),
        ("blue", false),
    ];
    assert_eq!(choice(at(&found, 22)), (options, true, true));
    // The file's stray `";` after two blocks (copied from PHP) makes them missing-word
    // questions, as Moodle reads them.
    let d = at(&found, 31);
    assert_eq!(
        d.body,
        DraftBody::Numeric {
            value: 3.0,
            tolerance: 2.0
        }
    );
    assert_eq!(d.stem, "What is a number from 1 to 5? \\_\\_\\_\\_\\_\";");
    // The wildcard answer has no credit: only "Frog" is accepted.
    let d = at(&found, 34);
    assert_eq!(
        d.body,
        DraftBody::ShortText {
            answers: vec!["Frog".into()]
        }
    );
    let d = at(&found, 41);
    assert_eq!(d.body, DraftBody::TrueFalse { answer: false });
    assert_eq!(
        d.explanation.as_deref(),
        Some("This is, of course, a Hitchiker's Guide to the Galaxy reference.")
    );
    assert_eq!(at(&found, 46).body, DraftBody::TrueFalse { answer: true });
    assert_eq!(at(&found, 49).body, DraftBody::TrueFalse { answer: true });
}
