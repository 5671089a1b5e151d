//! Question banks: the catalog, the item model, the native format, validation reports,
//! versioned storage, and the pages and commands that use them.

pub mod answers;
pub mod archive;
pub mod catalog;
pub mod catalog_cli;
pub mod catalog_read;
pub mod cli;
pub mod detail;
pub mod detect;
pub mod export;
pub mod foreign;
pub mod formats;
pub mod help;
pub mod import;
pub mod item_view;
pub mod lines;
pub mod markdown;
pub mod model;
pub mod native;
pub mod pages;
pub mod quality;
pub mod report;
pub mod shipped;
pub mod source;
pub mod spreadsheet;
pub mod store;
pub mod toml_lines;
pub mod unsaid;
pub mod upload;
pub mod upload_preview;
pub mod word;
pub mod xml;

#[cfg(test)]
mod limits_tests;

use serde::{Deserialize, Serialize};

use model::Item;

/// The banks shipped in `question_banks/`, embedded so `serve --demo` works from anywhere.
pub const SHIPPED: [(&str, &str); 16] = [
    (
        "question_banks/iu01.toml",
        include_str!("../../question_banks/iu01.toml"),
    ),
    (
        "question_banks/iu02.toml",
        include_str!("../../question_banks/iu02.toml"),
    ),
    (
        "question_banks/iu03.toml",
        include_str!("../../question_banks/iu03.toml"),
    ),
    (
        "question_banks/iu04.toml",
        include_str!("../../question_banks/iu04.toml"),
    ),
    (
        "question_banks/iu05.toml",
        include_str!("../../question_banks/iu05.toml"),
    ),
    (
        "question_banks/iu06.toml",
        include_str!("../../question_banks/iu06.toml"),
    ),
    (
        "question_banks/iu07.toml",
        include_str!("../../question_banks/iu07.toml"),
    ),
    (
        "question_banks/iu08.toml",
        include_str!("../../question_banks/iu08.toml"),
    ),
    (
        "question_banks/iu09.toml",
        include_str!("../../question_banks/iu09.toml"),
    ),
    (
        "question_banks/iu10.toml",
        include_str!("../../question_banks/iu10.toml"),
    ),
    (
        "question_banks/iu11.toml",
        include_str!("../../question_banks/iu11.toml"),
    ),
    (
        "question_banks/iu12.toml",
        include_str!("../../question_banks/iu12.toml"),
    ),
    (
        "question_banks/iu13.toml",
        include_str!("../../question_banks/iu13.toml"),
    ),
    (
        "question_banks/iu14.toml",
        include_str!("../../question_banks/iu14.toml"),
    ),
    (
        "question_banks/iu15.toml",
        include_str!("../../question_banks/iu15.toml"),
    ),
    (
        "question_banks/icdl-ce.toml",
        include_str!("../../question_banks/icdl-ce.toml"),
    ),
];

/// What a bank file says about the bank itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BankMeta {
    pub code: String,
    pub title: String,
    pub module: String,
    pub language: String,
}

/// A picture of a bank, stored once by its SHA-256.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MediaFile {
    /// As items refer to it: `media/NAME`.
    pub path: String,
    #[serde(deserialize_with = "crate::wire::key")]
    pub mime: crate::wire::Name,
    #[serde(with = "crate::wire::base64")]
    pub bytes: Vec<u8>,
    pub sha256: String,
}

impl MediaFile {
    /// Where the picture is served; the address never changes for the same bytes.
    pub fn url(&self) -> String {
        format!("/media/{}", self.sha256)
    }
}

/// A bank file that validated: ready to import.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ParsedBank {
    pub meta: BankMeta,
    pub items: Vec<Item>,
    pub media: Vec<MediaFile>,
}

#[cfg(test)]
mod shipped_tests;
