//! An item as a sample paper shows it to staff: its options, statements, pairs or steps in
//! the order drawn, lettered as the candidate sees them, each with its key. No IO here.

use crate::{
    banks::model::{Body, Item, NumericKey, matching_targets, option_letter, statement_letter},
    vocab::Lang,
};

/// One line of a list as drawn: its label ("A.", "a)"), its HTML and whether it is (part
/// of) the key.
pub struct Shown {
    pub label: String,
    pub html: String,
    pub key: bool,
}

/// A left-hand text of a matching item with the right-hand text that matches it.
pub struct Match {
    pub left: String,
    pub label: String,
    pub right: String,
}

/// An item's parts with the key, by type.
pub enum Keyed {
    /// Single and multiple choice, and true/false (the two words as options).
    Choices(Vec<Shown>),
    /// Grouped true/false: each statement, `key` its truth.
    Statements(Vec<Shown>),
    Text {
        answers: Vec<String>,
        ignore_diacritics: bool,
    },
    /// The numeric key in words.
    Numeric(String),
    /// The pairs in the key, then the right-hand column as drawn (`key` false: a distractor).
    Matching {
        pairs: Vec<Match>,
        rights: Vec<Shown>,
    },
    /// The steps as drawn, then in the right order (labelled as drawn).
    Ordering {
        shown: Vec<Shown>,
        right: Vec<Shown>,
    },
}

fn letter(slot: usize) -> String {
    format!("{}.", option_letter(slot))
}

/// The item's parts in the order `order` (the form's display order), with the key.
pub fn keyed(item: &Item, order: &[usize], lang: Lang) -> Keyed {
    // Indices into the item's list in display order; the list's own order when none drawn.
    let shown = |len: usize| -> Vec<usize> {
        if order.len() == len {
            order.to_vec()
        } else {
            (0..len).collect()
        }
    };
    match &item.body {
        Body::Single { options } | Body::Multiple { options, .. } => Keyed::Choices(
            shown(options.len())
                .into_iter()
                .enumerate()
                .map(|(slot, i)| Shown {
                    label: letter(slot),
                    html: options[i].text.html.clone(),
                    key: options[i].correct,
                })
                .collect(),
        ),
        Body::TrueFalse { answer } => Keyed::Choices(
            [true, false]
                .into_iter()
                .map(|value| Shown {
                    label: String::new(),
                    html: lang
                        .t(if value { "bank.true" } else { "bank.false" })
                        .into(),
                    key: value == *answer,
                })
                .collect(),
        ),
        Body::GroupedTrueFalse { statements } => Keyed::Statements(
            shown(statements.len())
                .into_iter()
                .enumerate()
                .map(|(slot, i)| Shown {
                    label: format!("{})", statement_letter(slot)),
                    html: statements[i].text.html.clone(),
                    key: statements[i].correct,
                })
                .collect(),
        ),
        Body::ShortText {
            answers,
            ignore_diacritics,
        } => Keyed::Text {
            answers: answers.clone(),
            ignore_diacritics: *ignore_diacritics,
        },
        Body::Numeric { key } => Keyed::Numeric(numeric(key, lang)),
        Body::Matching { pairs, distractors } => {
            let (targets, key) = matching_targets(pairs, distractors);
            let drawn = shown(targets.len());
            let slot_of = |target: usize| drawn.iter().position(|t| *t == target).unwrap_or(0);
            Keyed::Matching {
                pairs: pairs
                    .iter()
                    .zip(&key)
                    .map(|(pair, target)| Match {
                        left: pair.left.html.clone(),
                        label: letter(slot_of(*target)),
                        right: targets[*target].html.clone(),
                    })
                    .collect(),
                rights: drawn
                    .iter()
                    .enumerate()
                    .map(|(slot, t)| Shown {
                        label: letter(slot),
                        html: targets[*t].html.clone(),
                        key: key.contains(t),
                    })
                    .collect(),
            }
        }
        Body::Ordering { sequence } => {
            let drawn = shown(sequence.len());
            let slot_of = |step: usize| drawn.iter().position(|s| *s == step).unwrap_or(0);
            Keyed::Ordering {
                shown: drawn
                    .iter()
                    .enumerate()
                    .map(|(slot, s)| Shown {
                        label: letter(slot),
                        html: sequence[*s].html.clone(),
                        key: false,
                    })
                    .collect(),
                right: sequence
                    .iter()
                    .enumerate()
                    .map(|(step, text)| Shown {
                        label: letter(slot_of(step)),
                        html: text.html.clone(),
                        key: true,
                    })
                    .collect(),
            }
        }
    }
}

/// A numeric key as staff read it: "10", "3,5 (sai số cho phép ± 0,1)", "từ 10 đến 12".
pub fn numeric(key: &NumericKey, lang: Lang) -> String {
    let n = |v: f64| lang.number(v, 6);
    match *key {
        NumericKey::Exact { value, tolerance } if tolerance > 0.0 => lang.fill(
            "blueprint.page.numeric_tolerance",
            &[("value", &n(value)), ("tolerance", &n(tolerance))],
        ),
        NumericKey::Exact { value, .. } => n(value),
        NumericKey::Range { min, max } => lang.fill(
            "blueprint.page.numeric_range",
            &[("min", &n(min)), ("max", &n(max))],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        banks::model::Pair,
        test_fixtures::{item_with as item, rich},
    };

    #[test]
    fn matching_keys_use_the_letters_drawn_and_shared_rights_once() {
        let body = Body::Matching {
            pairs: vec![
                Pair {
                    left: rich("Mèo"),
                    right: rich("Động vật"),
                },
                Pair {
                    left: rich("Hoa hồng"),
                    right: rich("Thực vật"),
                },
                Pair {
                    left: rich("Chó"),
                    right: rich("Động vật"),
                },
            ],
            distractors: vec![rich("Khoáng vật")],
        };
        // Targets: 0 Động vật, 1 Thực vật, 2 Khoáng vật; drawn as C, A, B.
        let Keyed::Matching { pairs, rights } = keyed(&item(body), &[2, 0, 1], Lang::Vi) else {
            panic!("a matching item");
        };
        let labels: Vec<&str> = pairs.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["B.", "C.", "B."]);
        assert_eq!(rights[0].html, "<p>Khoáng vật</p>");
        assert!(!rights[0].key && rights[1].key && rights[2].key);
    }

    #[test]
    fn ordering_keys_list_the_steps_in_order_with_their_drawn_letters() {
        let body = Body::Ordering {
            sequence: vec![rich("Một"), rich("Hai"), rich("Ba")],
        };
        let Keyed::Ordering { shown, right } = keyed(&item(body), &[2, 0, 1], Lang::Vi) else {
            panic!("an ordering item");
        };
        assert_eq!(shown[0].html, "<p>Ba</p>");
        let key: Vec<(&str, &str)> = right
            .iter()
            .map(|s| (s.label.as_str(), s.html.as_str()))
            .collect();
        assert_eq!(
            key,
            [
                ("B.", "<p>Một</p>"),
                ("C.", "<p>Hai</p>"),
                ("A.", "<p>Ba</p>")
            ]
        );
    }

    #[test]
    fn numeric_keys_read_with_a_decimal_comma() {
        let exact = NumericKey::Exact {
            value: 3.5,
            tolerance: 0.1,
        };
        assert!(numeric(&exact, Lang::Vi).starts_with("3,5"));
        assert!(numeric(&exact, Lang::Vi).contains("0,1"));
        let range = NumericKey::Range {
            min: 10.0,
            max: 12.0,
        };
        assert!(
            numeric(&range, Lang::Vi).contains("10") && numeric(&range, Lang::Vi).contains("12")
        );
    }
}
