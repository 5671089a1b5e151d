//! The one item model every format reader produces: item types, their keys, difficulty,
//! content hashes. No IO here.

pub use super::answers::{fold_text, parse_number, short_text_matches};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Text in the Markdown subset, with its HTML rendered once at import.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rich {
    pub source: String,
    pub html: String,
}

/// An option of a choice item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub text: Rich,
    pub correct: bool,
    /// Shuffling never moves a pinned option ("Tất cả các đáp án trên").
    pub pinned: bool,
}

/// A statement a)–d) of a grouped true/false item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub text: Rich,
    pub correct: bool,
}

/// A left–right pair of a matching item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    pub left: Rich,
    pub right: Rich,
}

/// What a numeric answer must be.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NumericKey {
    Exact { value: f64, tolerance: f64 },
    Range { min: f64, max: f64 },
}

impl NumericKey {
    /// Is the number within the key (boundaries included)?
    pub fn accepts(&self, given: f64) -> bool {
        match *self {
            NumericKey::Exact { value, tolerance } => {
                (given - value).abs() <= tolerance + f64::EPSILON * value.abs().max(1.0)
            }
            NumericKey::Range { min, max } => (min..=max).contains(&given),
        }
    }
}

impl std::fmt::Display for NumericKey {
    /// As staff and candidates read the key: `2048`, `3.5 ± 0.1`, `10 – 12`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NumericKey::Exact { value, tolerance } if *tolerance > 0.0 => {
                write!(f, "{value} ± {tolerance}")
            }
            NumericKey::Exact { value, .. } => write!(f, "{value}"),
            NumericKey::Range { min, max } => write!(f, "{min} – {max}"),
        }
    }
}

/// The right-hand texts of a matching item, each once (several lefts may share one, as in
/// "classify the animals"), then its distractors; and, for each pair, the index of its right
/// text among them. Without shared texts the index of pair `i` is `i`.
pub fn matching_targets<'a>(
    pairs: &'a [Pair],
    distractors: &'a [Rich],
) -> (Vec<&'a Rich>, Vec<usize>) {
    let mut targets: Vec<&Rich> = Vec::new();
    let mut index = Vec::with_capacity(pairs.len());
    for pair in pairs {
        match targets.iter().position(|t| t.source == pair.right.source) {
            Some(at) => index.push(at),
            None => {
                index.push(targets.len());
                targets.push(&pair.right);
            }
        }
    }
    targets.extend(distractors);
    (targets, index)
}

/// The letter of the option shown in `slot` (A, B, C…), as printed on papers.
pub fn option_letter(slot: usize) -> char {
    (b'A' + (slot % 26) as u8) as char
}

/// The letter of statement `slot` of a grouped true/false item (a, b, c, d).
pub fn statement_letter(slot: usize) -> char {
    (b'a' + (slot % 26) as u8) as char
}

/// The type-specific part of an item, with its key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Body {
    Single {
        options: Vec<Choice>,
    },
    Multiple {
        options: Vec<Choice>,
        partial: bool,
    },
    TrueFalse {
        answer: bool,
    },
    GroupedTrueFalse {
        statements: Vec<Statement>,
    },
    ShortText {
        answers: Vec<String>,
        ignore_diacritics: bool,
    },
    Numeric {
        key: NumericKey,
    },
    Matching {
        pairs: Vec<Pair>,
        distractors: Vec<Rich>,
    },
    Ordering {
        sequence: Vec<Rich>,
    },
}

impl Body {
    pub fn kind(&self) -> ItemKind {
        match self {
            Body::Single { .. } => ItemKind::Single,
            Body::Multiple { .. } => ItemKind::Multiple,
            Body::TrueFalse { .. } => ItemKind::TrueFalse,
            Body::GroupedTrueFalse { .. } => ItemKind::GroupedTrueFalse,
            Body::ShortText { .. } => ItemKind::ShortText,
            Body::Numeric { .. } => ItemKind::Numeric,
            Body::Matching { .. } => ItemKind::Matching,
            Body::Ordering { .. } => ItemKind::Ordering,
        }
    }
}

/// The item types, by their names in files and in the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Single,
    Multiple,
    TrueFalse,
    GroupedTrueFalse,
    ShortText,
    Numeric,
    Matching,
    Ordering,
}

impl ItemKind {
    pub const ALL: [ItemKind; 8] = [
        ItemKind::Single,
        ItemKind::Multiple,
        ItemKind::TrueFalse,
        ItemKind::GroupedTrueFalse,
        ItemKind::ShortText,
        ItemKind::Numeric,
        ItemKind::Matching,
        ItemKind::Ordering,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Single => "single",
            ItemKind::Multiple => "multiple",
            ItemKind::TrueFalse => "true_false",
            ItemKind::GroupedTrueFalse => "grouped_true_false",
            ItemKind::ShortText => "short_text",
            ItemKind::Numeric => "numeric",
            ItemKind::Matching => "matching",
            ItemKind::Ordering => "ordering",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ItemKind::Single => "bank.type.single",
            ItemKind::Multiple => "bank.type.multiple",
            ItemKind::TrueFalse => "bank.type.true_false",
            ItemKind::GroupedTrueFalse => "bank.type.grouped_true_false",
            ItemKind::ShortText => "bank.type.short_text",
            ItemKind::Numeric => "bank.type.numeric",
            ItemKind::Matching => "bank.type.matching",
            ItemKind::Ordering => "bank.type.ordering",
        }
    }
}

/// The four levels Vietnamese teachers use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Difficulty {
    /// Nhận biết (recognition).
    NB,
    /// Thông hiểu (comprehension).
    TH,
    /// Vận dụng (application).
    VD,
    /// Vận dụng cao (advanced application).
    VDC,
}

impl Difficulty {
    pub const ALL: [Difficulty; 4] = [
        Difficulty::NB,
        Difficulty::TH,
        Difficulty::VD,
        Difficulty::VDC,
    ];

    /// Accepts the codes, the Vietnamese names (with or without diacritics) and English words.
    pub fn parse(text: &str) -> Option<Self> {
        let folded = fold_text(text, true).replace(['_', '-'], " ");
        match folded.as_str() {
            "nb" | "nhan biet" | "easy" | "recognition" => Some(Difficulty::NB),
            "th" | "thong hieu" | "medium" | "comprehension" => Some(Difficulty::TH),
            "vd" | "van dung" | "hard" | "application" => Some(Difficulty::VD),
            "vdc" | "van dung cao" | "very hard" | "advanced" => Some(Difficulty::VDC),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Difficulty::NB => "NB",
            Difficulty::TH => "TH",
            Difficulty::VD => "VD",
            Difficulty::VDC => "VDC",
        }
    }

    /// The documented scale, in thousandths: the expected share of candidates who miss the item.
    pub fn scale_permille(self) -> u16 {
        match self {
            Difficulty::NB => 250,
            Difficulty::TH => 500,
            Difficulty::VD => 750,
            Difficulty::VDC => 900,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Difficulty::NB => "bank.level.nb",
            Difficulty::TH => "bank.level.th",
            Difficulty::VD => "bank.level.vd",
            Difficulty::VDC => "bank.level.vdc",
        }
    }
}

/// A picture an item uses: its name in the bank's `media/` folder and its content hash.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MediaRef {
    pub path: String,
    pub sha256: String,
}

/// One validated item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    pub topic: String,
    pub difficulty: Difficulty,
    pub points: u32,
    pub tags: Vec<String>,
    pub stem: Rich,
    pub explanation: Option<Rich>,
    pub media: Vec<MediaRef>,
    pub body: Body,
}

impl Item {
    /// SHA-256 of the whole item: equal hashes mean nothing changed.
    pub fn content_hash(&self) -> String {
        digest_json(&serde_json::to_value(self).expect("items serialise"))
    }

    /// SHA-256 of what a candidate sees, without the key: equal presentation hashes with
    /// different content hashes mean only the answer key changed.
    pub fn presentation_hash(&self) -> String {
        let mut value = serde_json::to_value(self).expect("items serialise");
        strip_key(&mut value);
        digest_json(&value)
    }
}

fn digest_json(value: &serde_json::Value) -> String {
    let bytes = serde_json::to_vec(value).expect("JSON serialises");
    let digest = Sha256::digest(&bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Removes every part of an item's JSON that reveals or defines the key.
fn strip_key(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for key in ["correct", "answer", "answers", "key", "explanation"] {
                map.remove(key);
            }
            if let Some(Value::Array(sequence)) = map.get_mut("sequence") {
                sequence.sort_by_key(|v| v.to_string());
            }
            if let Some(Value::Array(pairs)) = map.remove("pairs") {
                let mut sides: Vec<Value> = pairs
                    .into_iter()
                    .flat_map(|p| [p.get("left").cloned(), p.get("right").cloned()])
                    .flatten()
                    .collect();
                sides.sort_by_key(|v| v.to_string());
                map.insert("pair_texts".into(), Value::Array(sides));
            }
            map.values_mut().for_each(strip_key);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_key),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::rich;

    fn single(correct: usize) -> Item {
        let options = (0..4)
            .map(|i| Choice {
                text: rich(&format!("Phương án {i}")),
                correct: i == correct,
                pinned: false,
            })
            .collect();
        Item {
            id: "X-1".into(),
            topic: "IU01.1".into(),
            difficulty: Difficulty::NB,
            points: 1,
            tags: vec![],
            stem: rich("Câu hỏi?"),
            explanation: None,
            media: vec![],
            body: Body::Single { options },
        }
    }

    #[test]
    fn difficulty_accepts_what_teachers_write() {
        assert_eq!(Difficulty::parse("Nhận biết"), Some(Difficulty::NB));
        assert_eq!(Difficulty::parse("nhan biet"), Some(Difficulty::NB));
        assert_eq!(Difficulty::parse("VDC"), Some(Difficulty::VDC));
        assert_eq!(Difficulty::parse("Vận dụng cao"), Some(Difficulty::VDC));
        assert_eq!(Difficulty::parse("thông  hiểu"), Some(Difficulty::TH));
        assert_eq!(Difficulty::parse("khó"), None);
        assert!(Difficulty::NB.scale_permille() < Difficulty::VDC.scale_permille());
    }

    #[test]
    fn a_key_change_keeps_the_presentation_hash() {
        let a = single(0);
        let b = single(1);
        assert_ne!(a.content_hash(), b.content_hash());
        assert_eq!(a.presentation_hash(), b.presentation_hash());
        let mut c = single(0);
        c.stem = rich("Câu hỏi khác?");
        assert_ne!(a.presentation_hash(), c.presentation_hash());
    }
}
