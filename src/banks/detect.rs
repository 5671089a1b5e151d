//! Which format a bank file is in, by its content first (GIFT and Aiken are both `.txt`), by
//! its extension when the content does not say; a file no reader knows (a PDF, a picture,
//! text in no known format) is said to be unrecognised, with what sathach reads instead.

use super::{
    ParsedBank,
    formats::Format,
    report::{FileReport, args},
    source,
};

/// The format of a file, from its content (and, for zips and spreadsheets, its name); when
/// the content does not say, the extension decides, and a file no reader knows (a PDF, a
/// picture, text in no known format) is None.
pub fn detect(name: &str, bytes: &[u8]) -> Option<Format> {
    let ext = extension(name);
    match ext.as_str() {
        "csv" | "xlsx" => return Some(Format::Spreadsheet),
        "docx" | "doc" => return Some(Format::Word),
        _ => {}
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let names = super::archive::zip_entries(bytes);
        let has = |wanted: &dyn Fn(&str) -> bool| names.iter().any(|n| wanted(n));
        return if has(&|n| n == "word/document.xml") {
            Some(Format::Word)
        } else if has(&|n| n == "xl/workbook.xml") {
            Some(Format::Spreadsheet)
        } else if has(&|n| n.ends_with("imsmanifest.xml")) {
            Some(Format::Qti)
        } else if ext == "zip" || has(&|n| n.ends_with(".toml")) {
            Some(Format::Toml)
        } else {
            None
        };
    }
    if binary_kind(bytes).is_some() {
        return None;
    }
    let Ok(text) = source::decode(bytes) else {
        // Text in an old encoding: the native reader says how to convert it.
        return TEXT_EXTENSIONS
            .contains(&ext.as_str())
            .then_some(Format::Toml);
    };
    let head = text.trim_start();
    if head.starts_with('<') {
        let root = xml_root(text);
        return match root.as_deref() {
            Some("quiz") => Some(Format::MoodleXml),
            _ => Some(Format::Qti),
        };
    }
    // A bank, or sathach's other files (the native reader says a blueprint or the catalog is not
    // a bank, instead of a GIFT reader tripping over its braces).
    let native = ["[bank]", "[blueprint]", "[catalog]"];
    if text
        .lines()
        .any(|l| native.iter().any(|t| l.trim_start().starts_with(t)))
    {
        return Some(Format::Toml);
    }
    let aiken = text
        .lines()
        .any(|l| l.trim_start().to_ascii_uppercase().starts_with("ANSWER:"));
    let gift = text.contains('{') && text.contains('}');
    match (aiken, gift) {
        (true, false) => Some(Format::Aiken),
        (_, true) => Some(Format::Gift),
        _ => match ext.as_str() {
            "toml" => Some(Format::Toml),
            "gift" => Some(Format::Gift),
            "aiken" => Some(Format::Aiken),
            _ => None,
        },
    }
}

/// Extensions of text files a bank may come in (an unreadable encoding is explained).
const TEXT_EXTENSIONS: [&str; 6] = ["toml", "txt", "gift", "aiken", "xml", ""];

/// A file name's extension, lower case (`""` without one).
fn extension(name: &str) -> String {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    file.rsplit_once('.')
        .map(|(_, ext)| ext.to_lowercase())
        .unwrap_or_default()
}

/// The type of a binary file no reader reads (a PDF, a picture, an old Office file…).
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    let kind = infer::get(bytes)?;
    let textual = matches!(kind.matcher_type(), infer::MatcherType::Text);
    (!textual && kind.mime_type() != "application/zip").then(|| kind.mime_type())
}

/// The report for a file no reader knows: what sathach reads, and what to do.
pub(super) fn unrecognised(name: &str, bytes: &[u8]) -> (Option<ParsedBank>, FileReport) {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let mut report = FileReport::new(name, UNRECOGNISED);
    let key = match binary_kind(bytes) {
        Some("application/pdf") => "bank.foreign2.unrecognised_pdf",
        Some(_) => "bank.foreign2.unrecognised_binary",
        None if extension(name) == "pdf" => "bank.foreign2.unrecognised_pdf",
        None => "bank.foreign2.unrecognised",
    };
    report.error(0, key, args![file = file]);
    (None, report)
}

/// The format a report names for a file no reader knows.
pub const UNRECOGNISED: &str = "unknown";

/// The name of the root element of an XML text.
fn xml_root(text: &str) -> Option<String> {
    let doc = super::xml::parse(text).ok()?;
    Some(doc.root_element().tag_name().name().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::banks::formats::{ReadOptions, read};

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
            assert_eq!(detect(name, &bytes), Some(format), "{path}");
        }
        let package = crate::test_fixtures::zip_of(&[("goi/imsmanifest.xml", b"<manifest/>")]);
        assert_eq!(detect("goi.zip", &package), Some(Format::Qti));
        let word = crate::banks::word::sample::template();
        assert_eq!(detect("tai-len.zip", &word), Some(Format::Word));
    }

    #[test]
    fn a_file_no_reader_knows_is_unrecognised_and_the_extension_decides_when_unsure() {
        let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj {x}";
        assert_eq!(detect("de-thi.pdf", pdf), None);
        assert_eq!(detect("tep", pdf), None, "known by its content");
        assert_eq!(detect("ASCII.pdf", b"plain text only"), None);
        let png = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/banks/all-types/media/may-tinh.png"
        ))
        .unwrap();
        assert_eq!(detect("hinh.txt", &png), None);
        let slides = crate::test_fixtures::zip_of(&[("ppt/presentation.xml", b"<p/>")]);
        assert_eq!(detect("bai-giang.pptx", &slides), None);
        assert_eq!(detect("bai-giang.zip", &slides), Some(Format::Toml));
        // Text that says nothing: its extension decides, else nobody knows it.
        assert_eq!(detect("a.toml", b"title = 1"), Some(Format::Toml));
        let blueprint =
            b"[blueprint]\ncode = \"X\"\n[[parts]]\nsections = [{ title = \"s\", count = 1 }]\n";
        assert_eq!(detect("iu01-thi.toml", blueprint), Some(Format::Toml));
        assert_eq!(detect("a.gift", b"Hai cong hai?"), Some(Format::Gift));
        assert_eq!(detect("ghi-chu.txt", b"Hai cong hai?"), None);
        // An old encoding in a text file is explained, not called unknown.
        assert_eq!(detect("tcvn3.txt", b"C\xe2u h\xe1i"), Some(Format::Toml));
        assert_eq!(detect("tcvn3.dat", b"C\xe2u h\xe1i"), None);

        let (parsed, report) = read("de-thi.pdf", pdf, &ReadOptions::default());
        assert!(parsed.is_none());
        assert_eq!(report.format, UNRECOGNISED);
        let lines = report.lines(crate::vocab::Lang::Vi).join("\n");
        assert!(
            lines.contains("de-thi.pdf:0: lỗi: không đọc được tệp PDF “de-thi.pdf”"),
            "{lines}"
        );
        assert!(
            !lines.contains("TCVN3") && !lines.contains("UTF-8"),
            "{lines}"
        );
        let (_, report) = read("ghi-chu.txt", b"Hai cong hai?", &ReadOptions::default());
        assert_eq!(report.errors[0].key, "bank.foreign2.unrecognised");
        let (_, report) = read("hinh.txt", &png, &ReadOptions::default());
        assert_eq!(report.errors[0].key, "bank.foreign2.unrecognised_binary");
    }
}
