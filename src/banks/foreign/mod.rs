//! Banks from other platforms (GIFT, Aiken, Moodle XML, IMS QTI): each reader turns its file
//! into drafts on one small model, and this module writes the drafts as native TOML, each line
//! placed at the draft's line in the original, so the native reader's rules and messages apply
//! unchanged. What such files lack (our topic codes, levels, a bank code) comes from their
//! categories and tags when they name them, else from the defaults the importer chooses.
//! Items of a type sathach does not support are skipped by name and type, never silently.

pub mod aiken;
pub mod gift;
pub mod html;
mod html_nesting;
pub mod kinds;
pub mod left_out;
pub mod moodle;
pub mod qti;
mod write;

pub use write::read_drafts;

use super::{MediaFile, model::Difficulty, report::Msg};

/// An item as another format gives it; text is already in the Markdown subset (see `html`
/// for HTML, `html::escape` for plain text).
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    /// Where the item starts in the file (1-based line).
    pub line: usize,
    /// The format's identity for the item: a GIFT title, a Moodle question name, a QTI
    /// identifier. Without one, the item is known by its position.
    pub name: Option<String>,
    /// A category (Moodle, GIFT `$CATEGORY`) or section: a topic when it names one.
    pub category: Option<String>,
    /// Tags: a tag naming a level (`NB`, `Thông hiểu`) or a topic code sets it.
    pub tags: Vec<String>,
    /// A level the format itself gives (a QTI package's LOM difficulty).
    pub level: Option<Difficulty>,
    pub stem: String,
    pub body: DraftBody,
    pub explanation: Option<String>,
    pub points: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DraftOption {
    pub text: String,
    pub correct: bool,
    /// Stays in place when options are shuffled (QTI `fixed="true"`).
    pub pinned: bool,
}

impl DraftOption {
    pub fn new(text: String, correct: bool) -> Self {
        DraftOption {
            text,
            correct,
            pinned: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum DraftBody {
    /// One correct option (`multiple` false) or several; `partial` gives partial credit.
    Choice {
        options: Vec<DraftOption>,
        multiple: bool,
        partial: bool,
    },
    TrueFalse {
        answer: bool,
    },
    /// Statements a)–d), each true (`correct`) or false.
    GroupedTrueFalse {
        statements: Vec<DraftOption>,
    },
    ShortText {
        answers: Vec<String>,
    },
    Numeric {
        value: f64,
        tolerance: f64,
    },
    NumericRange {
        min: f64,
        max: f64,
    },
    Matching {
        pairs: Vec<(String, String)>,
        distractors: Vec<String>,
    },
    Ordering {
        sequence: Vec<String>,
    },
}

impl DraftBody {
    fn kind(&self) -> &'static str {
        match self {
            DraftBody::Choice {
                multiple: false, ..
            } => "single",
            DraftBody::Choice { .. } => "multiple",
            DraftBody::TrueFalse { .. } => "true_false",
            DraftBody::GroupedTrueFalse { .. } => "grouped_true_false",
            DraftBody::ShortText { .. } => "short_text",
            DraftBody::Numeric { .. } | DraftBody::NumericRange { .. } => "numeric",
            DraftBody::Matching { .. } => "matching",
            DraftBody::Ordering { .. } => "ordering",
        }
    }
}

/// An item of a type sathach does not support: reported and skipped.
#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    pub line: usize,
    /// Its name or title, or `#N` by position.
    pub name: String,
    /// The format's own name for the type (`essay`, `cloze`, `hotspotInteraction`…).
    pub kind: String,
}

/// What a reader found in a file.
#[derive(Debug, Default)]
pub struct Foreign {
    pub drafts: Vec<Draft>,
    pub skipped: Vec<Skipped>,
    /// Problems placed at a line: a broken block, an unreadable answer…
    pub errors: Vec<(usize, Msg)>,
    /// What the reader had to leave out or approximate (partial-credit answers…).
    pub warnings: Vec<(usize, Msg)>,
    /// Pictures the items refer to as `media/NAME`.
    pub media: Vec<MediaFile>,
    /// A title the file gives itself (a QTI test's title), if any.
    pub title: Option<String>,
    /// The bank code a file written by sathach carries (a QTI package's test).
    pub code: Option<String>,
}

/// What the importer supplies for what the file does not say.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Defaults {
    pub code: Option<String>,
    pub module: Option<String>,
    pub topic: Option<String>,
    pub level: Option<Difficulty>,
}

/// Adds a picture to the bank's media under a name safe in a Markdown address and unique
/// (`h 1.png` → `media/h-1.png`, then `media/h-1-2.png`); the same picture under the same name
/// is one file. A file that is not a picture is refused with `media_file`'s message.
pub fn add_picture(media: &mut Vec<MediaFile>, name: &str, bytes: Vec<u8>) -> Result<String, Msg> {
    let file: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let (stem, ext) = match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem.to_string(), format!(".{ext}")),
        _ => (file.clone(), String::new()),
    };
    let mut path = format!("media/{file}");
    let mut n = 1;
    while let Some(existing) = media.iter().find(|m| m.path == path) {
        if existing.bytes == bytes {
            return Ok(path);
        }
        n += 1;
        path = format!("media/{stem}-{n}{ext}");
    }
    media.push(super::source::media_file(path.clone(), bytes)?);
    Ok(path)
}

/// A bank code from a file name: `moodle-questions.gift.txt` → `MOODLE-QUESTIONS`.
pub fn code_from_name(name: &str) -> String {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = file.split('.').next().unwrap_or(file);
    let code: String = super::answers::fold_text(stem, true)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '-'
            }
        })
        .collect();
    let mut code = code.trim_matches('-').to_string();
    code.truncate(40);
    match code.len() {
        0 => "NGAN-HANG".into(),
        1 => format!("NGAN-HANG-{code}"),
        _ => code.trim_end_matches('-').to_string(),
    }
}
