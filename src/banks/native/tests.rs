//! The native reader and writer: round trips, reports, and no panic on any input.

use proptest::prelude::*;

use super::{read_bank, write_bank};

const ALL_TYPES: &str = include_str!("../../../tests/fixtures/banks/all-types/bank.toml");

fn without_pictures(text: &str) -> String {
    text.replace(" ![Máy tính để bàn](media/may-tinh.png)", "")
}

#[test]
fn writing_then_reading_gives_the_same_items() {
    let text = without_pictures(ALL_TYPES);
    let (parsed, report) = read_bank("all.toml", &text, vec![]);
    assert!(!report.has_errors(), "{:?}", report.lines());
    let bank = parsed.unwrap();
    let written = write_bank(&bank.meta, &bank.items);
    let (again, report) = read_bank("again.toml", &written, vec![]);
    assert!(!report.has_errors(), "{:?}\n{written}", report.lines());
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
        report.lines()[0].starts_with("bad.toml:3: error: this is not valid TOML"),
        "{:?}",
        report.lines()
    );
}

#[test]
fn a_blueprint_file_is_not_a_bank() {
    let (_, report) = read_bank("bp.toml", "[blueprint]\ntitle = \"x\"\n", vec![]);
    assert!(report.lines()[0].contains("holds a [blueprint], not a question bank"));
}

#[test]
fn stems_are_stored_as_nfc() {
    let nfd_stem = "Ba\u{300}n phi\u{301}m la\u{300} gi\u{300}?";
    let text = without_pictures(ALL_TYPES).replacen(
        "Thiết bị nào sau đây là **thiết bị nhập**?",
        nfd_stem,
        1,
    );
    let (parsed, report) = read_bank("nfd.toml", &text, vec![]);
    assert!(!report.has_errors(), "{:?}", report.lines());
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
        let base = without_pictures(ALL_TYPES);
        let mut at = cut.min(base.len());
        while !base.is_char_boundary(at) { at -= 1; }
        let text = format!("{}{}{}", &base[..at], insert, &base[at..]);
        let _ = read_bank("fuzz.toml", &text, vec![]);
    }
}
