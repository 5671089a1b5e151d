//! A candidate's paper as their browser sees it, and back. Each drawn item becomes a question
//! with HTML controls whose values are opaque tokens, random per attempt and item (never a
//! letter, an option id or a position that could reveal the key); a submitted form becomes a
//! `Response` in the item's own indices, or a clear refusal. No keys, no explanations and no
//! points leave this module. No IO here.

use std::collections::HashMap;

use crate::{
    banks::model::{Body, Item, matching_targets},
    blueprints::draw::FormItem,
    grading::model::Response,
};

/// An option (or right-hand text, or step) as shown: its token, its HTML, whether chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    pub token: String,
    pub html: String,
    /// The same as plain text, for places that take no markup (a `<select>`'s options).
    pub text: String,
    pub chosen: bool,
}

/// The controls of a question, in display order, holding the saved answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Control {
    Single(Vec<Shown>),
    Multiple(Vec<Shown>),
    TrueFalse(Option<bool>),
    /// Statements lettered a)–d) in the drawn order, each with its token (the field name, so
    /// the markup does not tell the file's order) and its answer.
    Statements(Vec<(String, String, Option<bool>)>),
    Text {
        value: String,
        numeric: bool,
    },
    /// Left-hand texts with the token of the right-hand text chosen; the right-hand texts.
    Matching {
        lefts: Vec<(String, Option<String>)>,
        rights: Vec<Shown>,
    },
    /// Steps shown shuffled, each with its token (the field name) and the position given (1-based).
    Ordering(Vec<(String, String, Option<usize>)>),
}

/// One question of the paper, ready to render.
#[derive(Clone, Debug)]
pub struct Question {
    pub item_id: String,
    pub stem_html: String,
    pub control: Control,
}

/// Mints the token of an item's option `index` for this attempt (a keyed digest).
pub type Tokens<'a> = dyn Fn(&str, usize) -> String + 'a;

/// Builds a question from an item, its place on the paper and the saved response.
pub fn question(
    item: &Item,
    placed: &FormItem,
    saved: Option<&Response>,
    tokens: &Tokens,
) -> Question {
    let token = |i: usize| tokens(&placed.item_id, i);
    let shown = |texts: &[&str], chosen: &dyn Fn(usize) -> bool| -> Vec<Shown> {
        placed
            .order
            .iter()
            .filter(|i| **i < texts.len())
            .map(|&i| Shown {
                token: token(i),
                html: texts[i].to_string(),
                text: crate::text::plain_text(texts[i]),
                chosen: chosen(i),
            })
            .collect()
    };
    let chosen_set: Vec<usize> = match saved {
        Some(Response::Choices(c)) => c.clone(),
        _ => vec![],
    };
    let control = match &item.body {
        Body::Single { options } | Body::Multiple { options, .. } => {
            let texts: Vec<&str> = options.iter().map(|o| o.text.html.as_str()).collect();
            let list = shown(&texts, &|i| chosen_set.contains(&i));
            if matches!(item.body, Body::Single { .. }) {
                Control::Single(list)
            } else {
                Control::Multiple(list)
            }
        }
        Body::TrueFalse { .. } => Control::TrueFalse(match saved {
            Some(Response::TrueFalse(b)) => Some(*b),
            _ => None,
        }),
        Body::GroupedTrueFalse { statements } => {
            let given = match saved {
                Some(Response::Statements(v)) => v.clone(),
                _ => vec![],
            };
            Control::Statements(
                shown_indices(&placed.order, statements.len())
                    .map(|i| {
                        (
                            token(i),
                            statements[i].text.html.clone(),
                            given.get(i).copied().flatten(),
                        )
                    })
                    .collect(),
            )
        }
        Body::ShortText { .. } | Body::Numeric { .. } => Control::Text {
            value: match saved {
                Some(Response::Text(t)) => t.clone(),
                _ => String::new(),
            },
            numeric: matches!(item.body, Body::Numeric { .. }),
        },
        Body::Matching { pairs, distractors } => {
            let (targets, _) = matching_targets(pairs, distractors);
            let texts: Vec<&str> = targets.iter().map(|t| t.html.as_str()).collect();
            let given = match saved {
                Some(Response::Matching(v)) => v.clone(),
                _ => vec![],
            };
            let lefts = pairs
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    (
                        p.left.html.clone(),
                        given.get(i).copied().flatten().map(token),
                    )
                })
                .collect();
            Control::Matching {
                lefts,
                rights: shown(&texts, &|_| false),
            }
        }
        Body::Ordering { sequence } => {
            let given = match saved {
                Some(Response::Ordering(v)) => v.clone(),
                _ => vec![],
            };
            Control::Ordering(
                placed
                    .order
                    .iter()
                    .filter(|i| **i < sequence.len())
                    .map(|&i| {
                        (
                            token(i),
                            sequence[i].html.clone(),
                            given.get(i).copied().flatten().map(|p| p + 1),
                        )
                    })
                    .collect(),
            )
        }
    };
    Question {
        item_id: placed.item_id.clone(),
        stem_html: item.stem.html.clone(),
        control,
    }
}

/// Why a submitted answer was refused (catalog keys under `exam.`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// A token that is not one of this item's, for this attempt.
    UnknownToken,
    /// A value that no control of this item can send.
    Malformed,
}

impl Refused {
    pub fn key(self) -> &'static str {
        match self {
            Refused::UnknownToken => "exam.unknown_token",
            Refused::Malformed => "exam.malformed",
        }
    }
}

/// The most a typed answer may hold.
const MAX_TEXT: usize = 500;

/// Reads the answer fields of a submitted question (`fields`: name → values) as a response in
/// the item's own indices; None when nothing is answered. `item_id` is the item's identity on
/// the paper (what its tokens are minted for).
pub fn read_answer(
    item: &Item,
    item_id: &str,
    fields: &HashMap<String, Vec<String>>,
    tokens: &Tokens,
) -> Result<Option<Response>, Refused> {
    let count = option_count(&item.body);
    let index_of: HashMap<String, usize> = (0..count).map(|i| (tokens(item_id, i), i)).collect();
    let lookup = |t: &str| index_of.get(t).copied().ok_or(Refused::UnknownToken);
    let values = |name: &str| fields.get(name).map(Vec::as_slice).unwrap_or(&[]);
    let one = |name: &str| -> Result<Option<&str>, Refused> {
        match values(name) {
            [] => Ok(None),
            [v] if v.is_empty() => Ok(None),
            [v] => Ok(Some(v.as_str())),
            _ => Err(Refused::Malformed),
        }
    };
    let boolean = |v: Option<&str>| match v {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(Refused::Malformed),
    };
    Ok(match &item.body {
        Body::Single { .. } => one("answer")?
            .map(|t| lookup(t).map(|i| Response::Choices(vec![i])))
            .transpose()?,
        Body::Multiple { .. } => {
            let mut chosen = values("answer")
                .iter()
                .map(|t| lookup(t))
                .collect::<Result<Vec<_>, _>>()?;
            chosen.sort_unstable();
            chosen.dedup();
            (!chosen.is_empty()).then_some(Response::Choices(chosen))
        }
        Body::TrueFalse { .. } => boolean(one("answer")?)?.map(Response::TrueFalse),
        Body::GroupedTrueFalse { statements } => {
            // `s{i}`: the field names of pages rendered before statements were shuffled.
            let given = (0..statements.len())
                .map(|i| match one(&tokens(item_id, i))? {
                    None => boolean(one(&format!("s{i}"))?),
                    some => boolean(some),
                })
                .collect::<Result<Vec<_>, _>>()?;
            given
                .iter()
                .any(Option::is_some)
                .then_some(Response::Statements(given))
        }
        Body::ShortText { .. } | Body::Numeric { .. } => {
            let text = one("answer")?
                .map(crate::text::single_line)
                .unwrap_or_default();
            if text.chars().count() > MAX_TEXT {
                return Err(Refused::Malformed);
            }
            (!text.is_empty()).then_some(Response::Text(text))
        }
        Body::Matching { pairs, .. } => {
            let given = (0..pairs.len())
                .map(|i| one(&format!("m{i}"))?.map(lookup).transpose())
                .collect::<Result<Vec<_>, _>>()?;
            given
                .iter()
                .any(Option::is_some)
                .then_some(Response::Matching(given))
        }
        Body::Ordering { sequence } => {
            let positions = (0..sequence.len())
                .map(|i| {
                    one(&tokens(item_id, i))?
                        .map(|v| {
                            v.parse::<usize>()
                                .ok()
                                .filter(|p| (1..=sequence.len()).contains(p))
                                .map(|p| p - 1)
                                .ok_or(Refused::Malformed)
                        })
                        .transpose()
                })
                .collect::<Result<Vec<_>, _>>()?;
            positions
                .iter()
                .any(Option::is_some)
                .then_some(Response::Ordering(positions))
        }
    })
}

/// How many tokens an item has: options, right-hand texts, steps, or statements.
fn option_count(body: &Body) -> usize {
    match body {
        Body::Single { options } | Body::Multiple { options, .. } => options.len(),
        Body::Matching { pairs, distractors } => matching_targets(pairs, distractors).0.len(),
        Body::Ordering { sequence } => sequence.len(),
        Body::GroupedTrueFalse { statements } => statements.len(),
        _ => 0,
    }
}

/// The item's indices in the drawn order; the item's own order when the paper stored none
/// that fits (statements of papers drawn before they were shuffled).
pub(super) fn shown_indices(order: &[usize], len: usize) -> impl Iterator<Item = usize> {
    let mut sorted = order.to_vec();
    sorted.sort_unstable();
    let fits = sorted.len() == len && sorted.iter().enumerate().all(|(i, v)| i == *v);
    let list: Vec<usize> = if fits {
        order.to_vec()
    } else {
        (0..len).collect()
    };
    list.into_iter()
}

#[cfg(test)]
#[path = "paper_tests.rs"]
mod tests;
