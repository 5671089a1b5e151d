//! Draft bodies from choices and keys: choice and true/false, text entry (short text or a
//! number with its tolerance or bounds), and one-to-one pairs of match and associate
//! interactions.

use super::keys::{Declaration, Scoring};
use crate::banks::{
    answers::{fold_text, parse_number},
    foreign::{DraftBody, DraftOption},
    report::{Msg, args},
};

/// Why an item gives no draft.
pub(super) enum Problem {
    Skip(String),
    Error(Msg),
}

pub(super) fn no_key(response: &str) -> Msg {
    ("report.qti_no_key", args![response = response])
}

pub(super) fn text_of(options: &[(String, String)], id: &str) -> Result<String, Problem> {
    options
        .iter()
        .find(|(i, _)| i == id)
        .map(|(_, t)| t.clone())
        .ok_or_else(|| Problem::Error(("report.qti_bad_key", args![value = id])))
}

/// True or false, when a choice says so by its identifier or its text.
pub(super) fn truth(id: &str, text: &str) -> Option<bool> {
    let id = id.to_ascii_lowercase();
    let text = fold_text(text, false);
    if id == "true" || text == "true" || text == "đúng" {
        Some(true)
    } else if id == "false" || text == "false" || text == "sai" {
        Some(false)
    } else {
        None
    }
}

pub(super) fn choice(
    options: Vec<(String, String)>,
    key: &[String],
    multiple: bool,
    partial: bool,
) -> Result<DraftBody, Problem> {
    if let Some(unknown) = key.iter().find(|k| !options.iter().any(|(id, _)| id == *k)) {
        return Err(Problem::Error((
            "report.qti_bad_key",
            args![value = unknown],
        )));
    }
    if let ([a, b], false, [answer]) = (options.as_slice(), multiple, key)
        && let (Some(x), Some(y)) = (truth(&a.0, &a.1), truth(&b.0, &b.1))
        && x != y
    {
        let answer = if *answer == a.0 { x } else { y };
        return Ok(DraftBody::TrueFalse { answer });
    }
    let options = options
        .into_iter()
        .map(|(id, text)| DraftOption {
            correct: key.contains(&id),
            text,
            pinned: false,
        })
        .collect();
    Ok(DraftBody::Choice {
        options,
        multiple,
        partial: multiple && partial,
    })
}

pub(super) fn text_entry(
    declaration: &Declaration,
    scoring: Scoring,
    response: &str,
    notes: &mut Vec<Msg>,
) -> Result<DraftBody, Problem> {
    let numeric = matches!(declaration.base_type.as_str(), "float" | "integer");
    if !numeric {
        let best = declaration.mapping.iter().map(|m| m.1).fold(0.0, f64::max);
        let is_correct = |answer: &str| declaration.correct.iter().any(|c| c.trim() == answer);
        let mut answers: Vec<String> = Vec::new();
        let mut partial: Vec<&str> = Vec::new();
        let positive = declaration.positive();
        for answer in declaration.correct.iter().chain(&positive) {
            let answer = answer.trim();
            if answer.is_empty() {
                continue;
            }
            let score = declaration.mapping.iter().find(|m| m.0 == answer);
            // An answer worth part of the score is never taken as right.
            if score.is_some_and(|m| m.1 < best) && !is_correct(answer) {
                partial.push(answer);
                continue;
            }
            let folded = fold_text(answer, false);
            if !answers.iter().any(|a| fold_text(a, false) == folded) {
                answers.push(answer.to_string());
            }
        }
        let mut dropped: Vec<&str> = Vec::new();
        for answer in partial {
            let folded = fold_text(answer, false);
            if let Some(right) = answers.iter().find(|a| fold_text(a, false) == folded) {
                // sathach's matching cannot tell them apart: say so.
                let args = args![answer = answer, right = right];
                notes.push(("bank.foreign2.partial_same_as_right", args));
            } else if !dropped.iter().any(|d| fold_text(d, false) == folded) {
                dropped.push(answer);
            }
        }
        if !dropped.is_empty() {
            let args = args![answers = dropped.join(" | ")];
            notes.push(("bank.foreign2.qti_partial_dropped", args));
        }
        if answers.is_empty() {
            return Err(Problem::Error(no_key(response)));
        }
        return Ok(DraftBody::ShortText { answers });
    }
    let number = |text: &str| {
        parse_number(text)
            .ok_or_else(|| Problem::Error(("report.qti_bad_number", args![value = text])))
    };
    let correct = match declaration.correct.first() {
        Some(value) => Some(number(value)?),
        None => {
            let best = declaration
                .mapping
                .iter()
                .filter(|(_, score)| *score > 0.0)
                .max_by(|a, b| a.1.total_cmp(&b.1));
            best.map(|(value, _)| number(value)).transpose()?
        }
    };
    let best = declaration.mapping.iter().map(|m| m.1).fold(0.0, f64::max);
    let partial: Vec<&str> = declaration
        .mapping
        .iter()
        .filter(|(_, score)| *score > 0.0 && *score < best)
        .map(|(value, _)| value.as_str())
        .collect();
    if !partial.is_empty() {
        let args = args![answers = partial.join(" | ")];
        notes.push(("bank.foreign2.qti_partial_dropped", args));
    }
    match scoring {
        Scoring::Range { min, max } => Ok(DraftBody::NumericRange { min, max }),
        Scoring::Tolerance {
            below,
            above,
            relative,
            value,
        } => {
            let value = value
                .or(correct)
                .ok_or_else(|| Problem::Error(no_key(response)))?;
            let (below, above) = if relative {
                (value.abs() * below / 100.0, value.abs() * above / 100.0)
            } else {
                (below, above)
            };
            if below == above {
                Ok(DraftBody::Numeric {
                    value,
                    tolerance: below,
                })
            } else {
                Ok(DraftBody::NumericRange {
                    min: value - below,
                    max: value + above,
                })
            }
        }
        _ => {
            let value = correct.ok_or_else(|| Problem::Error(no_key(response)))?;
            Ok(DraftBody::Numeric {
                value,
                tolerance: 0.0,
            })
        }
    }
}

/// Pairs from a match (sources × targets, `directed`) or an associate interaction (one pool):
/// one-to-one only; targets left unpaired are distractors.
pub(super) fn pairing(
    kind: &str,
    lefts: &[(String, String)],
    rights: &[(String, String)],
    key: &[String],
    directed: bool,
) -> Result<DraftBody, Problem> {
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for value in key {
        let ids: Vec<&str> = value.split_whitespace().collect();
        let position = |list: &[(String, String)], id: &str| list.iter().position(|(i, _)| i == id);
        let found = match ids.as_slice() {
            [a, b] => position(lefts, a).zip(position(rights, b)).or_else(|| {
                position(lefts, b)
                    .zip(position(rights, a))
                    .filter(|_| directed)
            }),
            _ => None,
        };
        let Some(pair) = found else {
            return Err(Problem::Error(("report.qti_bad_key", args![value = value])));
        };
        pairs.push(pair);
    }
    let used = |side: fn(&(usize, usize)) -> usize, i: usize| {
        pairs.iter().filter(|p| side(p) == i).count()
    };
    // A directed match gives each source one target; a target may serve several sources
    // ("classify the animals"), which sathach's matching allows.
    let one_to_one = if directed {
        (0..lefts.len()).all(|i| used(|p| p.0, i) == 1)
    } else {
        (0..lefts.len()).all(|i| used(|p| p.0, i) + used(|p| p.1, i) <= 1)
    };
    if !one_to_one {
        return Err(Problem::Skip(format!("{kind} (not one-to-one)")));
    }
    if directed {
        pairs.sort_by_key(|p| p.0);
    }
    let distractors = rights
        .iter()
        .enumerate()
        .filter(|(i, _)| !pairs.iter().any(|p| p.1 == *i || (!directed && p.0 == *i)))
        .map(|(_, (_, t))| t.clone())
        .collect();
    let pairs = pairs
        .into_iter()
        .map(|(l, r)| (lefts[l].1.clone(), rights[r].1.clone()))
        .collect();
    Ok(DraftBody::Matching { pairs, distractors })
}
