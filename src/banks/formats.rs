//! Which format a bank file is in, and reading it: by content first (GIFT and Aiken are both
//! `.txt`), or as the importer says (`--from`, or the choice on the upload page). Files in any
//! format but TOML take what they lack (module, topic, level, code) from `ReadOptions`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{
    ParsedBank,
    foreign::{self, Defaults},
    report::FileReport,
    source,
};

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

/// The format of a file, from its content (and, for zips and spreadsheets, its name).
pub fn detect(name: &str, bytes: &[u8]) -> Format {
    let lower = name.to_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".xlsx") {
        return Format::Spreadsheet;
    }
    if lower.ends_with(".docx") || lower.ends_with(".doc") {
        return Format::Word;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return match super::archive::zip_entries(bytes) {
            names if names.iter().any(|n| n == "word/document.xml") => Format::Word,
            names if names.iter().any(|n| n == "xl/workbook.xml") => Format::Spreadsheet,
            names if names.iter().any(|n| n.ends_with("imsmanifest.xml")) => Format::Qti,
            _ => Format::Toml,
        };
    }
    let Ok(text) = source::decode(bytes) else {
        return Format::Toml;
    };
    let head = text.trim_start();
    if head.starts_with('<') {
        let root = xml_root(text);
        return match root.as_deref() {
            Some("quiz") => Format::MoodleXml,
            _ => Format::Qti,
        };
    }
    if text.lines().any(|l| l.trim_start().starts_with("[bank]")) {
        return Format::Toml;
    }
    let aiken = text
        .lines()
        .any(|l| l.trim_start().to_ascii_uppercase().starts_with("ANSWER:"));
    let gift = text.contains('{') && text.contains('}');
    match (aiken, gift) {
        (true, false) => Format::Aiken,
        (_, true) => Format::Gift,
        _ => Format::Toml,
    }
}

/// The name of the root element of an XML text.
fn xml_root(text: &str) -> Option<String> {
    let doc = super::xml::parse(text).ok()?;
    Some(doc.root_element().tag_name().name().to_string())
}

/// Reads a file in its format (detected, or as chosen).
pub fn read(name: &str, bytes: &[u8], options: &ReadOptions) -> (Option<ParsedBank>, FileReport) {
    let format = options.from.unwrap_or_else(|| detect(name, bytes));
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
            let format = options.from.unwrap_or_else(|| detect(&name, &bytes));
            if format == Format::Toml {
                return source::read_path(path, limit);
            }
            if format == Format::Qti && !bytes.starts_with(b"PK\x03\x04") {
                // An item file on disk: its pictures are beside it.
                let found = foreign::qti::read_item_file(path);
                return vec![foreign::read_drafts(
                    &name,
                    format.name(),
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
    fn every_fixture_is_recognised_by_its_content() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let cases = [
            ("import/gift/moodle-examples.txt", Format::Gift),
            ("import/gift/moodle-questions.gift.txt", Format::Gift),
            ("import/aiken/moodle-questions.aiken.txt", Format::Aiken),
            ("import/aiken/moodle-aiken_errors.txt", Format::Aiken),
            (
                "import/moodlexml/moodle-multianswer-all-types.xml",
                Format::MoodleXml,
            ),
            ("import/qti21/ims-choice.xml", Format::Qti),
            (
                "import/csv/gopalsharma-qformat_csv-extended_sample.csv",
                Format::Spreadsheet,
            ),
            ("word/mau-libreoffice.docx", Format::Word),
            ("banks/all-types/bank.toml", Format::Toml),
        ];
        for (path, format) in cases {
            let bytes = std::fs::read(format!("{root}/{path}")).unwrap();
            // Named neutrally, the content alone decides (but for CSV, known by its name).
            let name = if format == Format::Spreadsheet {
                path
            } else {
                "tep"
            };
            assert_eq!(detect(name, &bytes), format, "{path}");
        }
        let package = crate::test_fixtures::zip_of(&[("goi/imsmanifest.xml", b"<manifest/>")]);
        assert_eq!(detect("goi.zip", &package), Format::Qti);
        let word = crate::banks::word::sample::template();
        assert_eq!(detect("tai-len.zip", &word), Format::Word);
    }

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
