//! Which format a bank file is in, and reading it: by content first (GIFT and Aiken are both
//! `.txt`), or as the importer says (`--from`, or the choice on the upload page). Files in any
//! format but TOML take what they lack (module, topic, level, code) from `ReadOptions`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{
    ParsedBank,
    detect::unrecognised,
    foreign::{self, Defaults},
    report::FileReport,
    source,
};

pub use super::detect::{UNRECOGNISED, detect};

/// The formats sathach reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
#[value(rename_all = "kebab-case")]
pub enum Format {
    /// sathach's TOML (or a .zip with its media folder).
    Toml,
    /// Word (.docx).
    Word,
    /// Excel (.xlsx) or CSV.
    Spreadsheet,
    Gift,
    Aiken,
    /// Moodle XML.
    MoodleXml,
    /// IMS QTI 2.1, 2.2, 3.0: an item file or a content package.
    Qti,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Toml,
        Format::Word,
        Format::Spreadsheet,
        Format::Gift,
        Format::Aiken,
        Format::MoodleXml,
        Format::Qti,
    ];

    /// The name reports and forms use (`gift`, `moodle-xml`…).
    pub fn name(self) -> &'static str {
        match self {
            Format::Toml => "toml",
            Format::Word => "word",
            Format::Spreadsheet => "spreadsheet",
            Format::Gift => "gift",
            Format::Aiken => "aiken",
            Format::MoodleXml => "moodle-xml",
            Format::Qti => "qti",
        }
    }

    /// How the upload page names the format (the same in both languages).
    pub fn label(self) -> &'static str {
        match self {
            Format::Toml => "sathach TOML (.toml, .zip)",
            Format::Word => "Word (.docx)",
            Format::Spreadsheet => "Excel (.xlsx), CSV",
            Format::Gift => "GIFT (Moodle)",
            Format::Aiken => "Aiken (Moodle)",
            Format::MoodleXml => "Moodle XML",
            Format::Qti => "IMS QTI 2.1 / 2.2 / 3.0",
        }
    }

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// How to read a file: its format if the importer chose one, and the defaults for what
/// the file does not say (Word, spreadsheets, files from other platforms).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ReadOptions {
    pub from: Option<Format>,
    #[serde(flatten)]
    pub defaults: Defaults,
}

/// Reads a file in its format (detected, or as chosen).
pub fn read(name: &str, bytes: &[u8], options: &ReadOptions) -> (Option<ParsedBank>, FileReport) {
    let Some(format) = options.from.or_else(|| detect(name, bytes)) else {
        return unrecognised(name, bytes);
    };
    let text = || source::decode(bytes);
    let foreign = |format: Format, found: foreign::Foreign| {
        foreign::read_drafts(name, format.name(), found, &options.defaults)
    };
    match format {
        Format::Toml => source::read_upload(name, bytes),
        Format::Word => super::word::read_docx(name, bytes, &options.defaults),
        Format::Spreadsheet => source::read_spreadsheet(name, bytes, &options.defaults),
        Format::Qti => foreign(format, foreign::qti::read(name, bytes)),
        Format::Gift | Format::Aiken | Format::MoodleXml => match text() {
            Ok(text) => {
                let found = match format {
                    Format::Gift => foreign::gift::read(text),
                    Format::Aiken => foreign::aiken::read(text),
                    _ => foreign::moodle::read(text),
                };
                foreign(format, found)
            }
            Err(msg) => source::failed(name, msg),
        },
    }
}

/// Reads a file or every bank of a folder: a folder holding `imsmanifest.xml` is a QTI
/// package; otherwise its `.toml` banks are read (see `source::read_path`).
pub fn read_path(
    path: &Path,
    limit: usize,
    options: &ReadOptions,
) -> Vec<(Option<ParsedBank>, FileReport)> {
    if path.is_dir() && path.join("imsmanifest.xml").is_file() {
        let name = path.display().to_string();
        let found = foreign::qti::read_folder(path);
        return vec![foreign::read_drafts(
            &name,
            Format::Qti.name(),
            found,
            &options.defaults,
        )];
    }
    if path.is_dir() {
        return source::read_path(path, limit);
    }
    match source::read_limited(path, limit) {
        Ok(bytes) => {
            let name = path.display().to_string();
            let format = options.from.or_else(|| detect(&name, &bytes));
            if format == Some(Format::Toml) {
                return source::read_path(path, limit);
            }
            if format == Some(Format::Qti) && !bytes.starts_with(b"PK\x03\x04") {
                // An item file on disk: its pictures are beside it.
                let found = foreign::qti::read_item_file(path);
                return vec![foreign::read_drafts(
                    &name,
                    Format::Qti.name(),
                    found,
                    &options.defaults,
                )];
            }
            vec![read(&name, &bytes, options)]
        }
        Err(msg) => vec![source::failed(&path.display().to_string(), msg)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_overrides_the_content() {
        let aiken = b"Q?\nA) x\nB) y\nANSWER: A\n";
        let options = ReadOptions {
            from: Some(Format::Gift),
            defaults: crate::test_fixtures::foreign_defaults(),
        };
        let (_, report) = read("q.txt", aiken, &options);
        assert_eq!(report.format, "gift");
        let (parsed, report) = read(
            "q.txt",
            aiken,
            &ReadOptions {
                from: None,
                ..options
            },
        );
        assert_eq!(report.format, "aiken");
        assert!(parsed.is_some());
    }
}
