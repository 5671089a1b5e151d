//! Text entry: numbers with tolerances and bounds, short answers from mappings.

use super::interaction_tests::{MATCH_CORRECT, declare, item, one};
use super::tests::{keys, no_errors};
use super::*;
use crate::banks::{
    foreign::DraftBody,
    model::{Body, NumericKey},
};

#[test]
fn text_entry_numbers_with_tolerances_and_bounds() {
    let entry = r#"<p>Bao nhiêu? <textEntryInteraction responseIdentifier="RESPONSE"/></p>"#;
    let exact = item(
        "v2p1",
        &declare("integer", "single", &["2048"], ""),
        entry,
        MATCH_CORRECT,
    );
    assert_eq!(
        one(&exact),
        DraftBody::Numeric {
            value: 2048.0,
            tolerance: 0.0
        }
    );
    let equal = |mode: &str, tolerance: &str, other: &str| {
        let rp = format!(
            r#"<responseProcessing><responseCondition><responseIf><equal toleranceMode="{mode}" tolerance="{tolerance}"><variable identifier="RESPONSE"/>{other}</equal>
            <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue></responseIf></responseCondition></responseProcessing>"#
        );
        item(
            "v2p1",
            &declare("float", "single", &["3.5"], ""),
            entry,
            &rp,
        )
    };
    let correct = r#"<correct identifier="RESPONSE"/>"#;
    assert_eq!(
        one(&equal("absolute", "0.1", correct)),
        DraftBody::Numeric {
            value: 3.5,
            tolerance: 0.1
        }
    );
    assert_eq!(
        one(&equal("absolute", "0.5 1", correct)),
        DraftBody::NumericRange { min: 3.0, max: 4.5 }
    );
    assert_eq!(
        one(&equal("relative", "10", correct)),
        DraftBody::Numeric {
            value: 3.5,
            tolerance: 0.35
        }
    );
    let base = r#"<baseValue baseType="float">10</baseValue>"#;
    assert_eq!(
        one(&equal("exact", "", base)),
        DraftBody::Numeric {
            value: 10.0,
            tolerance: 0.0
        }
    );
    // Bounds, the variable on either side: 10 <= x and 12 >= x.
    let bounds = r#"<responseProcessing><responseCondition><responseIf><and>
        <gte><variable identifier="RESPONSE"/><baseValue baseType="float">10</baseValue></gte>
        <gte><baseValue baseType="float">12</baseValue><variable identifier="RESPONSE"/></gte></and>
        <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue></responseIf></responseCondition></responseProcessing>"#;
    let range = item("v2p1", &declare("float", "single", &[], ""), entry, bounds);
    assert_eq!(
        one(&range),
        DraftBody::NumericRange {
            min: 10.0,
            max: 12.0
        }
    );
    let bank = no_errors("cau-hoi.xml", read("cau-hoi.xml", range.as_bytes()));
    assert_eq!(
        bank.items[0].body,
        Body::Numeric {
            key: NumericKey::Range {
                min: 10.0,
                max: 12.0
            }
        }
    );
    // A decimal comma reads; a key that is no number is an error naming the item.
    let comma = item(
        "v2p1",
        &declare("float", "single", &["3,5"], ""),
        entry,
        MATCH_CORRECT,
    );
    assert_eq!(
        one(&comma),
        DraftBody::Numeric {
            value: 3.5,
            tolerance: 0.0
        }
    );
    let bad = item(
        "v2p1",
        &declare("float", "single", &["ba"], ""),
        entry,
        MATCH_CORRECT,
    );
    let found = read("q.xml", bad.as_bytes());
    assert_eq!(keys(&found.errors), [(2, "report.qti_bad_number")]);
    let (_, report) = super::tests::pipeline("cau-hoi.xml", found);
    let lines = report.lines(crate::vocab::Lang::Vi);
    assert!(
        lines
            .iter()
            .any(|l| l.contains(":2: lỗi: câu “q1”: đáp án “ba” không phải là số")),
        "{lines:?}"
    );
}

#[test]
fn short_text_takes_every_positive_mapping() {
    let entry = r#"<p>Viết tắt: <textEntryInteraction responseIdentifier="RESPONSE"/></p>"#;
    let mapping = r#"<mapping defaultValue="0"><mapEntry mapKey="e-Gov" mappedValue="1"/><mapEntry mapKey="eGov" mappedValue="1"/><mapEntry mapKey="EGOV" mappedValue="1"/><mapEntry mapKey="gov" mappedValue="0"/></mapping>"#;
    let xml = item(
        "v2p1",
        &declare("string", "single", &[], mapping),
        entry,
        "",
    );
    assert_eq!(
        one(&xml),
        DraftBody::ShortText {
            answers: vec!["e-Gov".into(), "eGov".into()]
        }
    );
    let none = item("v2p1", &declare("string", "single", &[], ""), entry, "");
    let found = read("q.xml", none.as_bytes());
    assert_eq!(keys(&found.errors), [(2, "report.qti_no_key")]);
}
