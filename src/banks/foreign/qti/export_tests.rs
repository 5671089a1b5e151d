//! The exporter: packages are well-formed QTI 2.1, and native TOML → items → package →
//! reader → drafts → items gives the items back.

use super::tests::no_errors;
use super::*;
use crate::banks::{
    ParsedBank,
    archive::unzip,
    foreign::{Defaults, DraftBody},
    model::{Body, Item},
    native,
    source::media_file,
};

fn fixture_bank() -> ParsedBank {
    let dir = format!(
        "{}/tests/fixtures/banks/all-types",
        env!("CARGO_MANIFEST_DIR")
    );
    let png = std::fs::read(format!("{dir}/media/may-tinh.png")).unwrap();
    let media = vec![media_file("media/may-tinh.png".into(), png).unwrap()];
    let (parsed, report) =
        native::read_bank("all-types.toml", crate::test_fixtures::ALL_TYPES, media);
    parsed.unwrap_or_else(|| panic!("{:?}", report.lines(crate::vocab::Lang::En)))
}

fn bank_of(toml: &str) -> ParsedBank {
    let (parsed, report) = native::read_bank("b.toml", toml, vec![]);
    parsed.unwrap_or_else(|| panic!("{:?}", report.lines(crate::vocab::Lang::En)))
}

/// Exports a bank and reads the package back through the whole pipeline, with only the
/// module chosen: topics, levels, points and tags come from the package.
fn round_trip(bank: &ParsedBank) -> (Foreign, ParsedBank) {
    let zip = export_package(&bank.meta, &bank.items, &bank.media);
    let found = read("goi.zip", &zip);
    let again = read("goi.zip", &zip);
    let defaults = Defaults {
        module: Some(bank.meta.module.clone()),
        ..Default::default()
    };
    let (parsed, report) = crate::banks::foreign::read_drafts("goi.zip", "qti", again, &defaults);
    let parsed = parsed.unwrap_or_else(|| panic!("{:#?}", report.lines(crate::vocab::Lang::En)));
    (found, parsed)
}

/// An item's JSON with every text known by its HTML only: Markdown sources may differ in
/// escapes (`a & b` comes back as `a \& b`) and still show the same.
fn as_shown(item: &Item) -> serde_json::Value {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                if map.contains_key("html") {
                    map.remove("source");
                }
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(list) => list.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(item).unwrap();
    strip(&mut value);
    value
}

#[test]
fn the_all_types_bank_comes_back_the_same() {
    let bank = fixture_bank();
    let (found, back) = round_trip(&bank);
    assert!(found.skipped.is_empty(), "{:?}", found.skipped);
    assert_eq!(back.items.len(), bank.items.len());
    for (got, expected) in back.items.iter().zip(&bank.items) {
        assert_eq!(got, expected);
    }
    assert_eq!(
        back.meta, bank.meta,
        "the same bank: code, title, module, language"
    );
    assert_eq!(back.media, bank.media);
}

#[test]
fn exported_items_are_qti_2_1_with_the_expected_interactions() {
    let bank = fixture_bank();
    let files = unzip(&export_package(&bank.meta, &bank.items, &bank.media)).unwrap();
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "imsmanifest.xml",
            "items/T-001.xml",
            "items/T-002.xml",
            "items/T-003.xml",
            "items/T-004.xml",
            "items/T-005.xml",
            "items/T-006.xml",
            "items/T-007.xml",
            "items/T-008.xml",
            "media/may-tinh.png",
            "tests/test.xml",
        ]
    );
    let text = |name: &str| String::from_utf8(files[name].clone()).unwrap();
    for (name, _) in files.iter().filter(|(n, _)| n.ends_with(".xml")) {
        let xml = text(name);
        roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{name}: {e}\n{xml}"));
    }
    let manifest = text("imsmanifest.xml");
    assert_eq!(manifest.matches("type=\"imsqti_item_xmlv2p1\"").count(), 8);
    assert!(
        manifest.contains(
            "<file href=\"items/T-001.xml\"/>\n      <file href=\"media/may-tinh.png\"/>"
        )
    );
    let single = text("items/T-001.xml");
    assert!(single.contains(
        "<choiceInteraction responseIdentifier=\"RESPONSE\" shuffle=\"true\" maxChoices=\"1\">"
    ));
    assert!(single.contains(
        "<simpleChoice identifier=\"D\" fixed=\"true\">Tất cả các đáp án trên</simpleChoice>"
    ));
    assert!(single.contains("<img src=\"../media/may-tinh.png\" alt=\"Máy tính để bàn\"/>"));
    assert!(
        single.contains(
            "showHide=\"hide\"><p>Bàn phím đưa dữ liệu vào máy tính.</p></modalFeedback>"
        )
    );
    assert_eq!(single.matches("fixed=\"true\"").count(), 1);
    let tf = text("items/T-003.xml");
    assert!(tf.contains("<simpleChoice identifier=\"true\">Đúng</simpleChoice><simpleChoice identifier=\"false\">Sai</simpleChoice>"));
    assert!(tf.contains("<correctResponse><value>true</value></correctResponse>"));
    let grouped = text("items/T-004.xml");
    assert!(
        grouped.contains("<value>S1 false</value><value>S2 true</value>"),
        "{grouped}"
    );
    let short = text("items/T-005.xml");
    assert!(
        short.contains("<mapEntry mapKey=\"eGov\" mappedValue=\"1\" caseSensitive=\"false\"/>")
    );
    let numeric = text("items/T-006.xml");
    assert!(numeric.contains("baseType=\"float\"><correctResponse><value>2048</value>"));
    assert!(text("items/T-007.xml").contains("<value>L1 R1</value><value>L2 R2</value>"));
    assert!(text("items/T-008.xml").contains("cardinality=\"ordered\""));
    let test = text("tests/test.xml");
    assert_eq!(
        test.matches("<assessmentSection ").count(),
        8,
        "sections follow topic runs"
    );
}

const OTHER: &str = r#"[bank]
code = "EN-1"
title = "English bank"
module = "IU01"
language = "en"

[[items]]
id = "Câu 1/a"
type = "true_false"
topic = "IU01.2"
difficulty = "VDC"
points = 3
stem = "Sao chép là **hợp pháp**?"
answer = false

[[items]]
id = "N-1"
type = "numeric"
topic = "IU01.2"
difficulty = "NB"
stem = "e?"
answer = 2.72
tolerance = 0.01

[[items]]
id = "N-2"
type = "numeric"
topic = "IU01.2"
difficulty = "NB"
stem = "Between 10 and 12.5"
min = 10
max = 12.5

[[items]]
id = "S-1"
type = "multiple"
topic = "IU01.2"
difficulty = "TH"
stem = "Pick"
options = [{ text = "a & b", correct = true }, { text = "\\<c\\> 1. *x*", correct = true }, { text = "d" }]

[[items]]
id = "M-1"
type = "matching"
topic = "IU01.2"
difficulty = "TH"
stem = "| A | B |\n| --- | --- |\n| 1 | 2 |"
pairs = [{ left = "x", right = "y" }, { left = "z", right = "w" }]
"#;

#[test]
fn ids_numbers_and_english_labels_round_trip() {
    let bank = bank_of(OTHER);
    let zip = export_package(&bank.meta, &bank.items, &bank.media);
    let files = unzip(&zip).unwrap();
    let tf = String::from_utf8(files["items/C_u_1_a.xml"].clone()).unwrap();
    assert!(tf.contains("identifier=\"C_u_1_a\" title=\"Câu 1/a\" label=\"Câu 1/a\""));
    assert!(tf.contains(">True</simpleChoice>") && tf.contains(">False</simpleChoice>"));
    assert!(tf.contains("<value>3</value></defaultValue></outcomeDeclaration>"));
    let (found, back) = round_trip(&bank);
    assert_eq!(
        found.drafts[1].body,
        DraftBody::Numeric {
            value: 2.72,
            tolerance: 0.01
        }
    );
    assert_eq!(
        found.drafts[2].body,
        DraftBody::NumericRange {
            min: 10.0,
            max: 12.5
        }
    );
    let expected: Vec<_> = bank.items.iter().map(as_shown).collect();
    let got: Vec<_> = back.items.iter().map(as_shown).collect();
    assert_eq!(got, expected);
    let Body::Multiple { options, .. } = &back.items[3].body else {
        panic!()
    };
    assert_eq!(options[0].text.source, "a \\& b");
    // The package read as a folder gives the same drafts.
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in &files {
        let file = dir.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, bytes).unwrap();
    }
    assert_eq!(read_folder(dir.path()).drafts, found.drafts);
    no_errors("goi", read_folder(dir.path()));
}
