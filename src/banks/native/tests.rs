//! The native reader and writer: round trips, reports, and no panic on any input.

use proptest::prelude::*;

use super::{read_bank, write_bank};
use crate::vocab::Lang::{En, Vi};

use crate::test_fixtures::all_types_text;

#[test]
fn writing_then_reading_gives_the_same_items() {
    let text = all_types_text();
    let (parsed, report) = read_bank("all.toml", &text, vec![]);
    assert!(!report.has_errors(), "{:?}", report.lines(En));
    let bank = parsed.unwrap();
    let written = write_bank(&bank.meta, &bank.items);
    let (again, report) = read_bank("again.toml", &written, vec![]);
    assert!(!report.has_errors(), "{:?}\n{written}", report.lines(En));
    let again = again.unwrap();
    assert_eq!(bank.meta, again.meta);
    let hashes = |items: &[crate::banks::model::Item]| {
        items.iter().map(|i| i.content_hash()).collect::<Vec<_>>()
    };
    assert_eq!(hashes(&bank.items), hashes(&again.items));
}

#[test]
fn malformed_toml_is_reported_with_its_line() {
    let (parsed, report) = read_bank(
        "bad.toml",
        "[bank]\ncode = \"X\"\ntitle = \"unterminated\n",
        vec![],
    );
    assert!(parsed.is_none());
    assert!(
        report.lines(En)[0].starts_with("bad.toml:3: error: this is not valid TOML"),
        "{:?}",
        report.lines(En)
    );
    assert!(
        report.lines(Vi)[0].starts_with("bad.toml:3: lỗi: nội dung không đúng cú pháp TOML"),
        "{:?}",
        report.lines(Vi)
    );
}

#[test]
fn a_blueprint_file_is_not_a_bank() {
    let (_, report) = read_bank("bp.toml", "[blueprint]\ntitle = \"x\"\n", vec![]);
    assert!(report.lines(En)[0].contains("holds a [blueprint], not a question bank"));
    assert_eq!(
        report.lines(Vi)[0],
        "bp.toml:1: lỗi: tệp này chứa [blueprint], không phải ngân hàng câu hỏi"
    );
}

const BROKEN: &str = include_str!("../../../tests/fixtures/banks/broken.toml");

#[test]
fn the_broken_fixture_reads_the_same_in_both_languages() {
    let (parsed, report) = read_bank("broken.toml", BROKEN, vec![]);
    assert!(parsed.is_none());
    let keys: Vec<(usize, &str)> = report.errors.iter().map(|d| (d.line, d.key)).collect();
    assert_eq!(
        keys,
        vec![
            (12, "report.no_key_option"),
            (14, "report.duplicate_id"),
            (17, "report.unknown_topic_of_module"),
            (18, "report.unknown_difficulty"),
            (20, "report.unknown_key_did_you_mean"),
            (20, "report.field_empty"),
            (27, "report.in_text"),
        ]
    );
    let en = report.lines(En);
    let vi = report.lines(Vi);
    assert_eq!(en.len(), vi.len());
    for line in [
        "broken.toml:12: error: item B-001 has no answer key: mark the right option with correct = true",
        "broken.toml:14: error: duplicate id \"B-001\": line 6 already uses it; give each item its own id",
        "broken.toml:20: error: `text` of an option of item B-001 is empty",
        "broken.toml:20: error: unknown key `corect` in an option of item B-001; did you mean `correct`?",
        "broken.toml:27: error: item B-003: raw HTML is not allowed (<script>); use Markdown such as **bold** or `code`",
    ] {
        assert!(en.contains(&line.to_string()), "{line}\n{en:#?}");
    }
    for line in [
        "broken.toml:12: lỗi: câu hỏi B-001 chưa có đáp án: hãy đánh dấu phương án đúng bằng correct = true",
        "broken.toml:14: lỗi: mã câu hỏi \"B-001\" bị trùng: dòng 6 đã dùng mã này; mỗi câu hỏi cần một mã riêng",
        "broken.toml:20: lỗi: `text` của một phương án của câu hỏi B-001 đang để trống; hãy điền nội dung",
        "broken.toml:20: lỗi: khoá `corect` trong một phương án của câu hỏi B-001 không hợp lệ; có phải ý bạn là `correct`?",
        "broken.toml:27: lỗi: câu hỏi B-003: không được dùng mã HTML (<script>); hãy dùng Markdown, ví dụ **chữ đậm** hoặc `mã`",
    ] {
        assert!(vi.contains(&line.to_string()), "{line}\n{vi:#?}");
    }
    assert!(
        vi.iter().all(|l| !l.contains("⟦missing message⟧")),
        "{vi:#?}"
    );
}

#[test]
fn stems_are_stored_as_nfc() {
    let nfd_stem = "Ba\u{300}n phi\u{301}m la\u{300} gi\u{300}?";
    let text = all_types_text().replacen("Thiết bị nào sau đây là **thiết bị nhập**?", nfd_stem, 1);
    let (parsed, report) = read_bank("nfd.toml", &text, vec![]);
    assert!(!report.has_errors(), "{:?}", report.lines(En));
    assert_eq!(parsed.unwrap().items[0].stem.source, "Bàn phím là gì?");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC*") {
        let _ = read_bank("fuzz.toml", &text, vec![]);
    }

    #[test]
    fn mutated_banks_never_panic(cut in 0usize..3000, insert in "[\\[\\]={}\",.a-z0-9 \\n]{0,12}") {
        let base = all_types_text();
        let mut at = cut.min(base.len());
        while !base.is_char_boundary(at) { at -= 1; }
        let text = format!("{}{}{}", &base[..at], insert, &base[at..]);
        let _ = read_bank("fuzz.toml", &text, vec![]);
    }
}
