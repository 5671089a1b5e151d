//! The rule of each item type, in exact fractions of the item's points, with the response
//! and the key written as the candidate saw them (option letters in the displayed order).

use super::model::{Points, Response, Rule};
use crate::banks::model::{
    Body, Item, matching_targets, option_letter, parse_number, short_text_matches,
};

/// The national exam scale for four statements: 1 → 10 %, 2 → 25 %, 3 → 50 %, 4 → 100 %.
const NATIONAL_SCALE: [(i64, i64); 5] = [(0, 1), (1, 10), (1, 4), (1, 2), (1, 1)];

/// Letters of the given original indices, as displayed (by the form's option order).
fn letters(order: &[usize], indices: impl Iterator<Item = usize>) -> String {
    let mut slots: Vec<usize> = indices
        .map(|i| order.iter().position(|o| *o == i).unwrap_or(i))
        .collect();
    slots.sort_unstable();
    slots
        .into_iter()
        .map(|s| option_letter(s).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn share(num: i64, den: i64) -> Points {
    if den == 0 {
        Points::from_integer(0)
    } else {
        Points::new(num, den)
    }
}

/// One item: (fraction of its points earned, rule, the response and the key as shown).
pub fn score_item(
    item: &Item,
    order: &[usize],
    partial: bool,
    response: Option<&Response>,
) -> (Points, Rule, String, String) {
    let zero = Points::from_integer(0);
    let one = Points::from_integer(1);
    let key = key_text(item, order);
    let Some(response) = response.filter(|r| !is_blank(r)) else {
        return (zero, Rule::Unanswered, String::new(), key);
    };
    // A tampered or repeated choice counts once; indices outside the item count as wrong.
    let deduplicated;
    let response = match response {
        Response::Choices(chosen) => {
            let mut unique = chosen.clone();
            unique.sort_unstable();
            unique.dedup();
            deduplicated = Response::Choices(unique);
            &deduplicated
        }
        other => other,
    };
    let (fraction, rule, shown) = match (&item.body, response) {
        (Body::Single { options }, Response::Choices(chosen)) => {
            let right = chosen.len() == 1 && options.get(chosen[0]).is_some_and(|o| o.correct);
            (
                if right { one } else { zero },
                Rule::AllOrNothing,
                letters(order, chosen.iter().copied()),
            )
        }
        (
            Body::Multiple {
                options,
                partial: own,
            },
            Response::Choices(chosen),
        ) => {
            let correct = options.iter().filter(|o| o.correct).count() as i64;
            let right = chosen
                .iter()
                .filter(|i| options.get(**i).is_some_and(|o| o.correct))
                .count() as i64;
            let wrong = chosen.len() as i64 - right;
            let shown = letters(order, chosen.iter().copied());
            if partial || *own {
                (
                    share((right - wrong).max(0), correct),
                    Rule::PartialWithPenalty,
                    shown,
                )
            } else {
                (
                    if right == correct && wrong == 0 {
                        one
                    } else {
                        zero
                    },
                    Rule::AllOrNothing,
                    shown,
                )
            }
        }
        (Body::TrueFalse { answer }, Response::TrueFalse(given)) => (
            if answer == given { one } else { zero },
            Rule::AllOrNothing,
            given.to_string(),
        ),
        (Body::GroupedTrueFalse { statements }, Response::Statements(given)) => {
            let right = statements
                .iter()
                .zip(given)
                .filter(|(s, g)| **g == Some(s.correct))
                .count();
            let shown = given
                .iter()
                .map(|g| g.map_or("–", |b| if b { "Đ" } else { "S" }))
                .collect::<Vec<_>>()
                .join(" ");
            if statements.len() == 4 {
                let (n, d) = NATIONAL_SCALE[right];
                (share(n, d), Rule::NationalGroupedScale, shown)
            } else {
                (
                    share(right as i64, statements.len() as i64),
                    Rule::ProportionalStatements,
                    shown,
                )
            }
        }
        (
            Body::ShortText {
                answers,
                ignore_diacritics,
            },
            Response::Text(text),
        ) => (
            if short_text_matches(text, answers, *ignore_diacritics) {
                one
            } else {
                zero
            },
            Rule::TextMatch,
            text.clone(),
        ),
        (Body::Numeric { key }, Response::Text(text)) => {
            let right = parse_number(text).is_some_and(|n| key.accepts(n));
            (
                if right { one } else { zero },
                Rule::NumericTolerance,
                text.clone(),
            )
        }
        (Body::Matching { pairs, distractors }, Response::Matching(given)) => {
            let (_, key) = matching_targets(pairs, distractors);
            let right = (0..pairs.len())
                .filter(|i| given.get(*i) == Some(&Some(key[*i])))
                .count() as i64;
            let shown = given
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    format!(
                        "{}→{}",
                        i + 1,
                        g.map_or('–', |r| option_letter(
                            order.iter().position(|o| *o == r).unwrap_or(r)
                        ))
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            per_part(
                right,
                pairs.len() as i64,
                partial,
                Rule::PartialPerPair,
                shown,
            )
        }
        (Body::Ordering { sequence }, Response::Ordering(given)) => {
            let right = (0..sequence.len())
                .filter(|i| given.get(*i) == Some(&Some(*i)))
                .count() as i64;
            let shown = given
                .iter()
                .map(|g| g.map_or("–".to_string(), |p| (p + 1).to_string()))
                .collect::<Vec<_>>()
                .join(", ");
            per_part(
                right,
                sequence.len() as i64,
                partial,
                Rule::PartialPerPosition,
                shown,
            )
        }
        // A response of the wrong shape (a tampered request) earns nothing.
        _ => (zero, Rule::AllOrNothing, String::new()),
    };
    (fraction, rule, shown, key)
}

fn per_part(
    right: i64,
    total: i64,
    partial: bool,
    rule: Rule,
    shown: String,
) -> (Points, Rule, String) {
    if partial {
        (share(right, total), rule, shown)
    } else {
        let all = if right == total { 1 } else { 0 };
        (Points::from_integer(all), Rule::AllOrNothing, shown)
    }
}

fn is_blank(response: &Response) -> bool {
    match response {
        Response::Choices(c) => c.is_empty(),
        Response::Text(t) => t.trim().is_empty(),
        Response::Statements(s) => s.iter().all(Option::is_none),
        Response::Matching(m) | Response::Ordering(m) => m.iter().all(Option::is_none),
        Response::TrueFalse(_) => false,
    }
}

/// The key as the candidate would have seen it.
fn key_text(item: &Item, order: &[usize]) -> String {
    match &item.body {
        Body::Single { options } | Body::Multiple { options, .. } => letters(
            order,
            options
                .iter()
                .enumerate()
                .filter(|(_, o)| o.correct)
                .map(|(i, _)| i),
        ),
        Body::TrueFalse { answer } => answer.to_string(),
        Body::GroupedTrueFalse { statements } => statements
            .iter()
            .map(|s| if s.correct { "Đ" } else { "S" })
            .collect::<Vec<_>>()
            .join(" "),
        Body::ShortText { answers, .. } => answers.join(" / "),
        Body::Numeric { key } => key.to_string(),
        Body::Matching { pairs, distractors } => matching_targets(pairs, distractors)
            .1
            .into_iter()
            .enumerate()
            .map(|(i, target)| {
                format!(
                    "{}→{}",
                    i + 1,
                    option_letter(order.iter().position(|o| *o == target).unwrap_or(target))
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        Body::Ordering { sequence } => (1..=sequence.len())
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    }
}
