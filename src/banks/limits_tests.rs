//! The hostile files of issue 16, built here (each under 300 KB), read by every bank reader
//! and the roster reader: each is refused with the message of the limit it passes, and a
//! proptest per reader pushes nesting and sizes past the limits and finds a report, never a
//! panic. Before the limits, the Word, GIFT and Moodle files overflowed the stack, the
//! spreadsheet asked for 512 GB and the QTI item expanded to 1.2 GB.

use proptest::prelude::*;

use super::{
    formats::{ReadOptions, read},
    report::{Arg, FileReport},
};
use crate::{
    limits::{MAX_COLUMNS, MAX_HTML_NESTING, MAX_ROWS, MAX_XML_NESTING},
    sheets,
    test_fixtures::{foreign_defaults, zip_of},
    vocab::Lang,
};

/// A GIFT question whose stem is HTML `tag`s nested `depth` deep.
pub fn gift_nested(tag: &str, depth: usize) -> Vec<u8> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    format!(
        "::Sâu::[html]{}Câu hỏi{} {{=Đúng ~Sai}}\n",
        open.repeat(depth),
        close.repeat(depth)
    )
    .into_bytes()
}

/// A Moodle XML question whose text is HTML `tag`s nested `depth` deep.
pub fn moodle_nested(tag: &str, depth: usize) -> Vec<u8> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><quiz><question type="multichoice"><name><text>Sâu</text></name><questiontext format="html"><text><![CDATA[{}Câu hỏi{}]]></text></questiontext><single>true</single><answer fraction="100"><text>Đúng</text></answer><answer fraction="0"><text>Sai</text></answer></question></quiz>"#,
        open.repeat(depth),
        close.repeat(depth)
    )
    .into_bytes()
}

/// A `.docx` whose question sits inside content controls nested `depth` deep.
pub fn docx_nested(depth: usize) -> Vec<u8> {
    let document = format!(
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}<w:p><w:r><w:t>Câu 1. Hỏi?</w:t></w:r></w:p>{}</w:body></w:document>"#,
        "<w:sdt><w:sdtContent>".repeat(depth),
        "</w:sdtContent></w:sdt>".repeat(depth)
    );
    zip_of(&[("word/document.xml", document.as_bytes())])
}

/// An `.xlsx` holding "Họ và tên" in A1 and one more value at a 0-based (row, column).
pub fn xlsx_far(row: u32, column: u16) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Họ và tên").unwrap();
    sheet.write_string(row, column, "xa").unwrap();
    workbook.save_to_buffer().unwrap()
}

/// A QTI item whose one entity, `size` characters long, is referred to `times` times.
pub fn qti_entity(size: usize, times: usize) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0"?><!DOCTYPE assessmentItem [<!ENTITY a "{}">]><assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="a" title="A"><responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier"><correctResponse><value>x</value></correctResponse></responseDeclaration><itemBody><p>{}</p><choiceInteraction responseIdentifier="RESPONSE" maxChoices="1"><simpleChoice identifier="x">X</simpleChoice><simpleChoice identifier="y">Y</simpleChoice></choiceInteraction></itemBody></assessmentItem>"#,
        "a".repeat(size),
        "&a;".repeat(times)
    )
    .into_bytes()
}

/// Reads a bank file as the upload does.
fn report_of(name: &str, bytes: &[u8]) -> FileReport {
    let options = ReadOptions {
        from: None,
        defaults: foreign_defaults(),
    };
    let (parsed, report) = read(name, bytes, &options);
    if report.has_errors() {
        assert!(parsed.is_none(), "{name}");
    }
    report
}

/// The catalog keys of a report's errors, with those of the messages they quote.
fn keys(report: &FileReport) -> Vec<&'static str> {
    let mut keys = Vec::new();
    for error in &report.errors {
        keys.push(error.key);
        for (_, arg) in &error.args {
            if let Arg::Msg(key, _) = arg {
                keys.push(*key);
            }
        }
    }
    keys
}

fn text(report: &FileReport) -> String {
    report.lines(Lang::Vi).join("\n")
}

#[test]
fn each_hostile_file_is_refused_by_the_limit_it_passes() {
    let cases: [(&str, Vec<u8>, &str, &str); 5] = [
        (
            "sau.gift.txt",
            gift_nested("b", 40_000),
            "limit.html_nesting",
            "sau.gift.txt:1: lỗi: nội dung HTML có quá nhiều cấp lồng nhau (hơn 64 cấp",
        ),
        (
            "sau.xml",
            moodle_nested("b", 40_000),
            "limit.html_nesting",
            "sau.xml:1: lỗi: nội dung HTML có quá nhiều cấp lồng nhau (hơn 64 cấp",
        ),
        (
            "sau.docx",
            docx_nested(6_000),
            "limit.xml_nesting",
            "sau.docx: lỗi: tệp có quá nhiều cấp lồng nhau (hơn 128 cấp",
        ),
        (
            "ngan-hang.xlsx",
            xlsx_far(1_048_575, 16_383),
            "limit.rows",
            "ngan-hang.xlsx:0: lỗi: bảng tính có dữ liệu ở quá 50000 hàng",
        ),
        (
            "cau.xml",
            qti_entity(100_000, 12_000),
            "limit.xml_dtd",
            "cau.xml:0: lỗi: cau.xml: tệp XML có khai báo DTD",
        ),
    ];
    for (name, bytes, key, message) in cases {
        assert!(bytes.len() < 300 * 1024, "{name}: {} bytes", bytes.len());
        let report = report_of(name, &bytes);
        assert!(keys(&report).contains(&key), "{name}: {:?}", keys(&report));
        assert!(text(&report).contains(message), "{name}: {}", text(&report));
    }
    // The spreadsheet as a roster: the same limit, for the roster page.
    let refused = sheets::read_xlsx(&xlsx_far(1_048_575, 16_383)).unwrap_err();
    assert_eq!(
        (refused.key, refused.detail.as_str()),
        ("limit.rows", "50000")
    );
    let refused = sheets::read_xlsx(&xlsx_far(0, 16_383)).unwrap_err();
    assert_eq!(
        (refused.key, refused.detail.as_str()),
        ("limit.columns", "64")
    );
}

#[test]
fn files_just_within_the_limits_read() {
    let report = report_of("ok.gift.txt", &gift_nested("b", MAX_HTML_NESTING));
    assert!(!report.has_errors(), "{}", text(&report));
    let report = report_of("ok.xml", &moodle_nested("div", MAX_HTML_NESTING));
    assert!(!report.has_errors(), "{}", text(&report));
    let table = sheets::read_xlsx(&xlsx_far(MAX_ROWS as u32 - 1, MAX_COLUMNS as u16 - 1)).unwrap();
    assert_eq!(table.last().unwrap().0, MAX_ROWS);
    assert_eq!(table.last().unwrap().1.len(), MAX_COLUMNS);
}

#[test]
fn csv_line_numbers_count_blank_lines() {
    // Numbered in one pass (each row used to rescan the file: 20,000 rows took 8 s); the
    // time is measured in benches/import.rs.
    let mut csv = String::from("Họ và tên;Ngày sinh\n");
    for i in 0..20_000 {
        csv.push_str(&format!("Thí sinh {i};01/01/2008\n\n"));
    }
    let table = sheets::read_csv(&csv).unwrap();
    assert_eq!(table.last().unwrap().0, 40_000);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn gift_and_moodle_report_html_nested_past_the_limit(
        depth in 0usize..3_000,
        tag in prop::sample::select(vec!["b", "div", "span", "i", "ul", "blockquote"]),
        moodle in any::<bool>(),
    ) {
        let (name, bytes) = if moodle {
            ("q.xml", moodle_nested(tag, depth))
        } else {
            ("q.gift.txt", gift_nested(tag, depth))
        };
        let report = report_of(name, &bytes);
        let refused = keys(&report).contains(&"limit.html_nesting");
        prop_assert_eq!(refused, depth > MAX_HTML_NESTING, "{}", text(&report));
    }

    #[test]
    fn word_reports_content_controls_nested_past_the_limit(depth in 0usize..3_000) {
        let report = report_of("q.docx", &docx_nested(depth));
        let refused = keys(&report).contains(&"limit.xml_nesting");
        // document, body, then two elements per content control, then p, r, t.
        prop_assert_eq!(refused, 2 + 2 * depth + 3 > MAX_XML_NESTING, "{}", text(&report));
    }

    #[test]
    fn qti_refuses_any_entity(size in 0usize..2_000, times in 0usize..2_000) {
        let report = report_of("q.xml", &qti_entity(size, times));
        prop_assert!(keys(&report).contains(&"limit.xml_dtd"), "{}", text(&report));
    }

    #[test]
    fn spreadsheets_report_cells_past_the_limits(
        row in prop::sample::select(vec![1u32, 1_000, MAX_ROWS as u32 - 1, MAX_ROWS as u32, 1_048_575]),
        column in prop::sample::select(vec![1u16, MAX_COLUMNS as u16 - 1, MAX_COLUMNS as u16, 16_383]),
    ) {
        let bytes = xlsx_far(row, column);
        let expected = if row as usize >= MAX_ROWS {
            Some("limit.rows")
        } else if column as usize >= MAX_COLUMNS {
            Some("limit.columns")
        } else {
            None
        };
        prop_assert_eq!(sheets::read_xlsx(&bytes).err().map(|e| e.key), expected);
        let report = report_of("q.xlsx", &bytes);
        if let Some(key) = expected {
            prop_assert!(keys(&report).contains(&key), "{}", text(&report));
        }
    }

    #[test]
    fn csv_reports_rows_and_columns_past_the_limits(
        blank_lines in 0usize..(2 * MAX_ROWS),
        columns in 1usize..(2 * MAX_COLUMNS),
    ) {
        let csv = format!("Tên\n{}{}\n", "\n".repeat(blank_lines), "x,".repeat(columns));
        let expected = if blank_lines + 2 > MAX_ROWS {
            Some("limit.rows")
        } else if columns > MAX_COLUMNS {
            Some("limit.columns")
        } else {
            None
        };
        prop_assert_eq!(sheets::read_csv(&csv).err().map(|e| e.key), expected);
    }
}

#[test]
fn native_banks_nested_deep_are_reported_not_crashed_on() {
    let bank = |stem: &str, value: &str| {
        format!(
            "[bank]\ncode = \"IU01-SAU\"\ntitle = \"Sâu\"\nmodule = \"IU01\"\n\n[[items]]\nid = \"S-1\"\ntype = \"single\"\ntopic = \"IU01.1\"\ndifficulty = \"NB\"\nstem = '''{stem}'''\noptions = [{{ text = \"a\", correct = true }}, {{ text = \"b\" }}]\n{value}\n"
        )
    };
    let cases = [
        bank(&"> ".repeat(50_000), ""),
        bank(&"- ".repeat(50_000), ""),
        bank(&"*".repeat(50_000), ""),
        bank(&"[".repeat(50_000), ""),
        bank(
            "x",
            &format!("x = {}1{}", "[".repeat(50_000), "]".repeat(50_000)),
        ),
        bank(
            "x",
            &format!("x = {}1{}", "{a=".repeat(50_000), "}".repeat(50_000)),
        ),
    ];
    for bank in cases {
        let report = report_of("sau.toml", bank.as_bytes());
        assert!(
            report.has_errors() || report.items == 1,
            "{}",
            text(&report)
        );
    }
}
