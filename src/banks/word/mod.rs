//! Banks kept in Word (`.docx`), laid out the way Vietnamese teachers learnt from Azota and
//! similar platforms (documented in `question_banks/README.md`, with a sample file): "Câu 1."
//! labels, options "A." to "H.", keys underlined, red, starred or listed in an answer section,
//! parts as topics, levels in brackets, grouped true/false statements, pictures and tables.
//! The questions are written as native TOML and read by the native reader, so every rule is
//! the same; messages name the question as Word shows it (`de.docx: Câu 5 (“Đơn vị…”): lỗi: …`).
//! What the file does not say (bank code, module, topics, levels) comes from the importer's
//! choices (`Defaults`), as for files from other platforms.

mod answers;
mod document;
mod keys;
mod layout;
pub mod legacy;
mod markdown;
mod numbering;
mod package;
mod place;
mod questions;
pub mod sample;
mod write;

use std::collections::BTreeMap;

use super::{
    MediaFile, ParsedBank,
    foreign::Defaults,
    report::{FileReport, Msg, args},
    source::media_file,
    toml_lines::{Rewrite, TomlLines},
};

pub const FORMAT: &str = "word";

/// Native messages that speak of TOML keys, said in Word's terms.
const REWRITES: &[Rewrite] = &[
    (
        "report.field_missing",
        Some("stem"),
        "bank.sheets.word_no_stem",
    ),
    (
        "report.field_empty",
        Some("stem"),
        "bank.sheets.word_no_stem",
    ),
    (
        "report.list_too_short",
        Some("options"),
        "bank.sheets.word_few_options",
    ),
    (
        "report.list_too_short",
        Some("statements"),
        "bank.sheets.word_few_options",
    ),
];

/// Reads a bank from a Word document; `defaults` gives what the file does not say.
pub fn read_docx(
    name: &str,
    bytes: &[u8],
    defaults: &Defaults,
) -> (Option<ParsedBank>, FileReport) {
    let failed = |msg: Msg| {
        let mut report = FileReport::new(name, FORMAT);
        report.error(0, msg.0, msg.1);
        (None, report)
    };
    let package = match package::open(bytes) {
        Ok(package) => package,
        Err(msg) => return failed(msg),
    };
    let targets = package::targets(&package);
    let parts = (package.styles.as_deref(), package.numbering.as_deref());
    let body = match document::read(&package.document, parts.0, parts.1, &targets) {
        Ok(body) => body,
        Err(msg) => return failed(msg),
    };
    let found = questions::read(&body.blocks);
    if found.questions.is_empty() {
        return failed(("report.word_no_questions", vec![]));
    }
    // The Word writer names missing bank lines, topics and levels in the document's terms.
    let mut out = TomlLines::speaking_for(&["code", "module", "topic", "difficulty"], false)
        .rewording(
            REWRITES,
            &["report.no_key_option"],
            "bank.sheets.this_question",
        );
    let mut problems = found.errors.clone();
    write::write(&found, name, defaults, &mut out, &mut problems);
    let media = pictures(&found, &package.files, &mut problems);
    let (parsed, mut report) = out.read(name, FORMAT, media);
    for (paragraph, label, (key, args)) in problems {
        report.error(paragraph, key, args);
        if let Some(last) = report.errors.last_mut() {
            last.column = label;
        }
    }
    for (encoding, (fonts, paragraphs)) in &body.converted {
        let fonts = fonts.iter().cloned().collect::<Vec<_>>().join(", ");
        let first = paragraphs.iter().next().copied().unwrap_or(0);
        let args = args![
            count = paragraphs.len(),
            encoding = *encoding,
            fonts = fonts
        ];
        report.warning(first, "report.word_converted", args);
    }
    let parsed = parsed.filter(|_| !report.has_errors());
    (parsed, report)
}

/// The pictures the questions show, as the bank's media (PNG, JPEG, GIF or WebP).
fn pictures(
    found: &questions::Found,
    files: &BTreeMap<String, Vec<u8>>,
    problems: &mut Vec<write::Problem>,
) -> Vec<MediaFile> {
    let mut media: Vec<MediaFile> = Vec::new();
    for (path, paragraph) in &found.pictures {
        let media_path = markdown::media_path(path);
        if media.iter().any(|m| m.path == media_path) {
            continue;
        }
        let Some(bytes) = files.get(path) else {
            continue;
        };
        match media_file(media_path, bytes.clone()) {
            Ok(file) => media.push(file),
            Err(msg) => problems.push((*paragraph, None, msg)),
        }
    }
    media
}

#[cfg(test)]
mod defaults_tests;
#[cfg(test)]
mod malformed_tests;
#[cfg(test)]
mod other_tests;
#[cfg(test)]
mod tests;
