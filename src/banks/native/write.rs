//! Writes a bank back to the native TOML format; reading the output gives the same items.

use serde::Serialize;

use crate::banks::{
    BankMeta,
    model::{Body, Item, NumericKey},
};

#[derive(Serialize)]
struct File<'a> {
    bank: &'a BankMeta,
    items: Vec<ItemOut<'a>>,
}

#[derive(Serialize)]
struct ItemOut<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    topic: &'a str,
    difficulty: &'static str,
    points: u32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: &'a Vec<String>,
    stem: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    media: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scoring: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    options: Vec<OptionOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<AnswerOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    statements: Vec<StatementOut<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    answers: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ignore_diacritics: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tolerance: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pairs: Vec<PairOut<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    distractors: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sequence: Vec<&'a str>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum AnswerOut {
    Bool(bool),
    Number(f64),
}

#[derive(Serialize)]
struct OptionOut<'a> {
    text: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    correct: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pinned: bool,
}

#[derive(Serialize)]
struct StatementOut<'a> {
    text: &'a str,
    correct: bool,
}

#[derive(Serialize)]
struct PairOut<'a> {
    left: &'a str,
    right: &'a str,
}

/// The bank as native TOML text.
pub fn write_bank(meta: &BankMeta, items: &[Item]) -> String {
    let items = items.iter().map(item_out).collect();
    let body =
        toml::to_string_pretty(&File { bank: meta, items }).expect("banks serialise to TOML");
    format!(
        "# Exported by sathach {}\n\n{body}",
        env!("CARGO_PKG_VERSION")
    )
}

fn item_out(item: &Item) -> ItemOut<'_> {
    let mut out = ItemOut {
        id: &item.id,
        kind: item.body.kind().as_str(),
        topic: &item.topic,
        difficulty: item.difficulty.code(),
        points: item.points,
        tags: &item.tags,
        stem: &item.stem.source,
        explanation: item.explanation.as_ref().map(|e| e.source.as_str()),
        media: item.media.iter().map(|m| m.path.as_str()).collect(),
        scoring: None,
        options: vec![],
        answer: None,
        statements: vec![],
        answers: vec![],
        ignore_diacritics: None,
        tolerance: None,
        min: None,
        max: None,
        pairs: vec![],
        distractors: vec![],
        sequence: vec![],
    };
    match &item.body {
        Body::Single { options } | Body::Multiple { options, .. } => {
            out.options = options
                .iter()
                .map(|o| OptionOut {
                    text: &o.text.source,
                    correct: o.correct,
                    pinned: o.pinned,
                })
                .collect();
            if let Body::Multiple { partial: true, .. } = item.body {
                out.scoring = Some("partial");
            }
        }
        Body::TrueFalse { answer } => out.answer = Some(AnswerOut::Bool(*answer)),
        Body::GroupedTrueFalse { statements } => {
            out.statements = statements
                .iter()
                .map(|s| StatementOut {
                    text: &s.text.source,
                    correct: s.correct,
                })
                .collect();
        }
        Body::ShortText {
            answers,
            ignore_diacritics,
        } => {
            out.answers = answers.iter().map(String::as_str).collect();
            out.ignore_diacritics = Some(*ignore_diacritics);
        }
        Body::Numeric {
            key: NumericKey::Exact { value, tolerance },
        } => {
            out.answer = Some(AnswerOut::Number(*value));
            out.tolerance = Some(*tolerance);
        }
        Body::Numeric {
            key: NumericKey::Range { min, max },
        } => {
            out.min = Some(*min);
            out.max = Some(*max);
        }
        Body::Matching { pairs, distractors } => {
            out.pairs = pairs
                .iter()
                .map(|p| PairOut {
                    left: &p.left.source,
                    right: &p.right.source,
                })
                .collect();
            out.distractors = distractors.iter().map(|d| d.source.as_str()).collect();
        }
        Body::Ordering { sequence } => {
            out.sequence = sequence.iter().map(|s| s.source.as_str()).collect()
        }
    }
    out
}
