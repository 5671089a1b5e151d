//! Banks kept in Word (`.docx`), laid out the way Vietnamese teachers learnt from Azota and
//! similar platforms (documented in `question_banks/README.md`, with a sample file): "Câu 1."
//! labels, options "A." to "H.", keys underlined, red, starred or listed in an answer section,
//! parts as topics, levels in brackets, grouped true/false statements, pictures and tables.
//! The questions are written as native TOML and read by the native reader, so every rule is
//! the same; messages name the paragraph and the question (`de.docx:23:Câu 5: lỗi: …`).

mod answers;
mod document;
mod layout;
pub mod legacy;
mod markdown;
mod numbering;
mod package;
mod questions;
pub mod sample;
mod write;

use std::collections::BTreeMap;

use super::{
    MediaFile, ParsedBank,
    report::{FileReport, Msg, args},
    source::media_file,
    toml_lines::TomlLines,
};

pub const FORMAT: &str = "word";

/// Reads a bank from a Word document.
pub fn read_docx(name: &str, bytes: &[u8]) -> (Option<ParsedBank>, FileReport) {
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
    let mut out = TomlLines::speaking_for(&["code", "module", "topic", "difficulty"], false);
    let mut problems = found.errors.clone();
    let stem = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .trim_end_matches(".docx")
        .to_string();
    write::write(&found, &stem, &mut out, &mut problems);
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
mod malformed_tests;
#[cfg(test)]
mod other_tests;
#[cfg(test)]
mod tests;
