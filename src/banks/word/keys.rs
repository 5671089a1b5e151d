//! How the key of a Word question is settled: the answer section's entries matched to their
//! questions, and a listed key checked against the marks (underline, red, star) in the question.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    answers::{Entry, truths},
    questions::{Choice, Found, Question},
    write::Problem,
};
use crate::banks::report::{Msg, args};

/// The answer section's entries matched to questions (by index): by number when numbers are
/// unique in the file; else by part, the part advancing at a part heading of the answer
/// section or when numbering restarts.
pub fn match_answers(found: &Found, problems: &mut Vec<Problem>) -> BTreeMap<usize, Entry> {
    let numbers: BTreeSet<u32> = found.questions.iter().map(|q| q.number).collect();
    let unique = numbers.len() == found.questions.len();
    let parts: Vec<usize> = found
        .questions
        .iter()
        .map(|q| q.part)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut matched = BTreeMap::new();
    let mut ordinal = 0;
    let mut previous: Option<u32> = None;
    for entry in &found.answers {
        if let Some(part) = entry.part {
            ordinal = part;
        } else if previous.is_some_and(|p| entry.number <= p) {
            ordinal += 1;
        }
        previous = Some(entry.number);
        let index = found.questions.iter().position(|q| {
            q.number == entry.number && (unique || parts.get(ordinal) == Some(&q.part))
        });
        let Some(index) = index else {
            problems.push((
                entry.paragraph,
                None,
                (
                    "report.word_answer_without_question",
                    args![number = entry.number as usize, paragraph = entry.paragraph],
                ),
            ));
            continue;
        };
        if matched.insert(index, entry.clone()).is_some() {
            let label = &found.questions[index].label;
            problems.push((
                entry.paragraph,
                Some(found.questions[index].place()),
                (
                    "report.word_answer_twice",
                    args![label = label, paragraph = entry.paragraph],
                ),
            ));
        }
    }
    matched
}

pub fn letter_list(keys: &[usize]) -> String {
    keys.iter()
        .map(|k| char::from(b'A' + *k as u8).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which statements are true: from the answer section (or a "Đáp án:" line), else the marked
/// ones; the two must agree when both are given.
pub fn statement_truths(
    q: &Question,
    given: &Option<(String, usize)>,
    problem: &mut impl FnMut(usize, Msg),
) -> Vec<bool> {
    let marked: Vec<bool> = q.statements.iter().map(|s: &Choice| s.marked).collect();
    let any_marked = marked.iter().any(|m| *m);
    let Some((raw, paragraph)) = given else {
        if !any_marked {
            problem(q.paragraph, ("report.word_no_key", args![label = &q.label]));
        }
        return marked;
    };
    match truths(raw) {
        Some(listed) if listed.len() == q.statements.len() => {
            let show = |v: &[bool]| v.iter().map(|t| if *t { "Đ" } else { "S" }).collect();
            agree(listed, &marked, any_marked, show, *paragraph, problem)
        }
        _ => {
            problem(
                *paragraph,
                (
                    "report.word_truths_unreadable",
                    args![label = &q.label, key = raw, count = q.statements.len()],
                ),
            );
            marked
        }
    }
}

/// The key the answer section (or a "Đáp án:" line) gives, which must agree with the marks in
/// the question when there are any.
pub fn agree<T: PartialEq>(
    listed: Vec<T>,
    marked: &[T],
    has_marks: bool,
    show: impl Fn(&[T]) -> String,
    paragraph: usize,
    problem: &mut impl FnMut(usize, Msg),
) -> Vec<T> {
    if has_marks && listed != marked {
        let args = args![listed = show(&listed), marked = show(marked)];
        problem(paragraph, ("report.word_key_conflict", args));
    }
    listed
}
