//! Each interaction and key rule on small items: QTI 2.1, 2.2 and 3.0 spellings, templates
//! and inline response processing, numbers with tolerances and bounds, and what is skipped.

use super::tests::{keys, manifest_for, no_errors, zip_of};
use super::*;
use crate::banks::{
    foreign::{DraftBody, DraftOption},
    model::Body,
};

/// A QTI 2.x item (namespace of `version`) with these declarations and body.
pub(super) fn item(version: &str, head: &str, body: &str, tail: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_{version}" identifier="q1" title="Q">
{head}
<itemBody>{body}</itemBody>
{tail}
</assessmentItem>"#
    )
}

pub(super) fn one(xml: &str) -> DraftBody {
    let found = read("q.xml", xml.as_bytes());
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    assert!(found.skipped.is_empty(), "{:?}", found.skipped);
    found.drafts.into_iter().next().expect("one draft").body
}

pub(super) fn skipped(xml: &str) -> String {
    let found = read("q.xml", xml.as_bytes());
    assert!(found.drafts.is_empty(), "{:?}", found.drafts);
    found.skipped[0].kind.clone()
}

pub(super) fn option(text: &str, correct: bool) -> DraftOption {
    DraftOption {
        text: text.into(),
        correct,
        pinned: false,
    }
}

pub(super) const MATCH_CORRECT: &str = r#"<responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>"#;

pub(super) fn declare(base: &str, cardinality: &str, correct: &[&str], mapping: &str) -> String {
    let values: String = correct
        .iter()
        .map(|v| format!("<value>{v}</value>"))
        .collect();
    let correct = if values.is_empty() {
        String::new()
    } else {
        format!("<correctResponse>{values}</correctResponse>")
    };
    format!(
        r#"<responseDeclaration identifier="RESPONSE" cardinality="{cardinality}" baseType="{base}">{correct}{mapping}</responseDeclaration>"#
    )
}

#[test]
fn choices_single_multiple_mapped_and_true_false() {
    let choices = r#"<choiceInteraction responseIdentifier="RESPONSE" maxChoices="0"><prompt>Chọn?</prompt>
        <simpleChoice identifier="a">Một</simpleChoice><simpleChoice identifier="b"><p><b>Hai</b></p></simpleChoice>
        <simpleChoice identifier="c">Ba</simpleChoice></choiceInteraction>"#;
    // A mapping without a correct response: positive entries are the key; map_response
    // gives partial credit.
    let mapping = r#"<mapping defaultValue="0"><mapEntry mapKey="a" mappedValue="0.5"/><mapEntry mapKey="b" mappedValue="0.5"/><mapEntry mapKey="c" mappedValue="-1"/></mapping>"#;
    let rp = r#"<responseProcessing template="https://purl.imsglobal.org/spec/qti/v2p2/rptemplates/map_response.xml"/>"#;
    let xml = item(
        "v2p2",
        &declare("identifier", "multiple", &[], mapping),
        choices,
        rp,
    );
    let expected = vec![
        option("Một", true),
        option("**Hai**", true),
        option("Ba", false),
    ];
    assert_eq!(
        one(&xml),
        DraftBody::Choice {
            options: expected.clone(),
            multiple: true,
            partial: true
        }
    );
    // The inline rule authoring tools write for match_correct: all or nothing.
    let inline = r#"<responseProcessing><responseCondition><responseIf><match><variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></match>
        <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue></responseIf></responseCondition></responseProcessing>"#;
    let xml = item(
        "v2p1",
        &declare("identifier", "multiple", &["a", "b"], ""),
        choices,
        inline,
    );
    assert_eq!(
        one(&xml),
        DraftBody::Choice {
            options: expected,
            multiple: true,
            partial: false
        }
    );
    let single = choices.replace("maxChoices=\"0\"", "maxChoices=\"1\"");
    let xml = item(
        "v2p1",
        &declare("identifier", "single", &["c"], ""),
        &single,
        MATCH_CORRECT,
    );
    assert!(matches!(
        one(&xml),
        DraftBody::Choice {
            multiple: false,
            ..
        }
    ));
    // Two choices saying true and false (by identifier or by text) are a true/false item.
    let tf = r#"<choiceInteraction responseIdentifier="RESPONSE" maxChoices="1"><simpleChoice identifier="c1">Đúng</simpleChoice><simpleChoice identifier="c2">Sai</simpleChoice></choiceInteraction>"#;
    let xml = item(
        "v2p1",
        &declare("identifier", "single", &["c2"], ""),
        tf,
        MATCH_CORRECT,
    );
    assert_eq!(one(&xml), DraftBody::TrueFalse { answer: false });
}

#[test]
fn qti_3_items_read_like_qti_2() {
    let xml = r#"<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="q3" title="Q3">
  <qti-response-declaration identifier="RESPONSE" cardinality="multiple" base-type="identifier">
    <qti-correct-response><qti-value>A</qti-value><qti-value>C</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-outcome-declaration identifier="MAXSCORE" cardinality="single" base-type="float"><qti-default-value><qti-value>2</qti-value></qti-default-value></qti-outcome-declaration>
  <qti-item-body><p>Những thiết bị nào là <em>thiết bị nhập</em>?</p>
    <qti-choice-interaction response-identifier="RESPONSE" max-choices="0">
      <qti-simple-choice identifier="A">Bàn phím</qti-simple-choice>
      <qti-simple-choice identifier="B">Loa</qti-simple-choice>
      <qti-simple-choice identifier="C">Chuột</qti-simple-choice>
    </qti-choice-interaction></qti-item-body>
  <qti-response-processing template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml"/>
  <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="X" show-hide="show"><qti-content-body><p>Loa là thiết bị xuất.</p></qti-content-body></qti-modal-feedback>
</qti-assessment-item>"#;
    let found = read("q3.xml", xml.as_bytes());
    let draft = &found.drafts[0];
    assert_eq!(
        (draft.name.as_deref(), draft.line, draft.points),
        (Some("q3"), 1, Some(2))
    );
    assert_eq!(draft.stem, "Những thiết bị nào là *thiết bị nhập*?");
    assert_eq!(draft.explanation.as_deref(), Some("Loa là thiết bị xuất."));
    let options = vec![
        option("Bàn phím", true),
        option("Loa", false),
        option("Chuột", true),
    ];
    assert_eq!(
        draft.body,
        DraftBody::Choice {
            options,
            multiple: true,
            partial: true
        }
    );
    // A QTI 3 package: items in a sub-folder, found through the test.
    let test = r#"<qti-assessment-test xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="T" title="Đề thử">
      <qti-test-part identifier="P"><qti-assessment-section identifier="S" title="IU01.3" visible="true">
      <qti-assessment-item-ref identifier="q3" href="../items/q3.xml"/></qti-assessment-section></qti-test-part></qti-assessment-test>"#;
    let manifest = r#"<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1" identifier="M"><resources>
      <resource identifier="T" type="imsqti_test_xmlv3p0" href="tests/test.xml"><file href="tests/test.xml"/></resource></resources></manifest>"#;
    let zip = zip_of(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("tests/test.xml", test.as_bytes()),
        ("items/q3.xml", xml.as_bytes()),
    ]);
    let found = read("qti3.zip", &zip);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    assert_eq!(found.title.as_deref(), Some("Đề thử"));
    assert_eq!(found.drafts[0].category.as_deref(), Some("IU01.3"));
    let bank = no_errors("qti3.zip", found);
    let item = &bank.items[0];
    assert_eq!(
        (item.topic.as_str(), item.points, bank.meta.title.as_str()),
        ("IU01.3", 2, "Đề thử")
    );
    assert!(matches!(item.body, Body::Multiple { partial: true, .. }));
}

#[test]
fn inline_choice_order_and_associate() {
    let inline = r#"<p>Thủ đô của Việt Nam là <inlineChoiceInteraction responseIdentifier="RESPONSE">
        <inlineChoice identifier="h">Hà Nội</inlineChoice><inlineChoice identifier="s">Huế</inlineChoice></inlineChoiceInteraction>.</p>"#;
    let xml = item(
        "v2p1",
        &declare("identifier", "single", &["h"], ""),
        inline,
        MATCH_CORRECT,
    );
    let found = read("q.xml", xml.as_bytes());
    assert_eq!(
        found.drafts[0].stem,
        "Thủ đô của Việt Nam là \\_\\_\\_\\_\\_."
    );
    assert_eq!(
        found.drafts[0].body,
        DraftBody::Choice {
            options: vec![option("Hà Nội", true), option("Huế", false)],
            multiple: false,
            partial: false
        }
    );
    let associate = r#"<associateInteraction responseIdentifier="RESPONSE" maxAssociations="2"><prompt>Ghép</prompt>
        <simpleAssociableChoice identifier="A" matchMax="1">Ctrl+C</simpleAssociableChoice>
        <simpleAssociableChoice identifier="B" matchMax="1">Sao chép</simpleAssociableChoice>
        <simpleAssociableChoice identifier="C" matchMax="1">Ctrl+V</simpleAssociableChoice>
        <simpleAssociableChoice identifier="D" matchMax="1">Dán</simpleAssociableChoice>
        <simpleAssociableChoice identifier="E" matchMax="1">In</simpleAssociableChoice></associateInteraction>"#;
    let xml = item(
        "v2p1",
        &declare("pair", "multiple", &["A B", "D C"], ""),
        associate,
        MATCH_CORRECT,
    );
    let pairs = vec![
        ("Ctrl+C".into(), "Sao chép".into()),
        ("Dán".into(), "Ctrl+V".into()),
    ];
    assert_eq!(
        one(&xml),
        DraftBody::Matching {
            pairs,
            distractors: vec!["In".into()]
        }
    );
    let xml = item(
        "v2p1",
        &declare("pair", "multiple", &["A B", "B C"], ""),
        associate,
        MATCH_CORRECT,
    );
    assert_eq!(skipped(&xml), "associateInteraction (not one-to-one)");
    let order = r#"<orderInteraction responseIdentifier="RESPONSE"><simpleChoice identifier="x">Hai</simpleChoice><simpleChoice identifier="y">Một</simpleChoice></orderInteraction>"#;
    let xml = item(
        "v2p1",
        &declare("identifier", "ordered", &["y", "z"], ""),
        order,
        MATCH_CORRECT,
    );
    let found = read("q.xml", xml.as_bytes());
    assert_eq!(keys(&found.errors), [(2, "report.qti_bad_key")]);
}

#[test]
fn unsupported_and_combined_interactions_are_skipped_by_name() {
    let cases = [
        (
            r#"<extendedTextInteraction responseIdentifier="RESPONSE"/>"#,
            "extendedTextInteraction",
        ),
        (
            r#"<hotspotInteraction responseIdentifier="RESPONSE"/>"#,
            "hotspotInteraction",
        ),
        (
            r#"<gapMatchInteraction responseIdentifier="RESPONSE"/>"#,
            "gapMatchInteraction",
        ),
        (r#"<p>Chỉ đọc.</p>"#, "assessmentItem (no interaction)"),
        (
            r#"<p><textEntryInteraction responseIdentifier="R1"/> <textEntryInteraction responseIdentifier="R2"/></p>"#,
            "2 × textEntryInteraction",
        ),
        (
            r#"<choiceInteraction responseIdentifier="R1"/><p><textEntryInteraction responseIdentifier="R2"/></p>"#,
            "choiceInteraction + textEntryInteraction",
        ),
    ];
    for (body, kind) in cases {
        let xml = item("v2p1", &declare("string", "single", &["x"], ""), body, "");
        assert_eq!(skipped(&xml), kind);
    }
    let found = read(
        "q.xml",
        item("v2p1", "", "<p><hottextInteraction/></p>", "").as_bytes(),
    );
    let (parsed, report) = super::tests::pipeline("q.xml", found);
    assert!(parsed.is_none(), "nothing to import");
    let lines = report.lines(crate::vocab::Lang::Vi);
    assert!(
        lines.iter().any(|l| l.contains(
            "bỏ qua câu “q1”: sathach chưa hỗ trợ câu chọn chữ trong đoạn văn (hottextInteraction)"
        )),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains(
            "lỗi: tệp chỉ có câu hỏi loại chưa hỗ trợ: chọn chữ trong đoạn văn 1; sathach không nhập được câu nào"
        )),
        "a file of unsupported items says so: {lines:?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("hãy kiểm tra tệp")),
        "{lines:?}"
    );
}

#[test]
fn pictures_in_sub_folders_get_unique_names() {
    let png = super::tests::png();
    let body = |src: &str| {
        format!(
            r#"<p><img src="{src}" alt="Hình"/></p><choiceInteraction responseIdentifier="RESPONSE"><simpleChoice identifier="a">A</simpleChoice><simpleChoice identifier="b"><img src="../shared/h%201.png"/></simpleChoice></choiceInteraction>"#
        )
    };
    let decl = declare("identifier", "single", &["a"], "");
    let one_item = item("v2p1", &decl, &body("img/h 1.png"), MATCH_CORRECT);
    let two_item = item(
        "v2p1",
        &decl,
        &body("data:image/png;base64,iVBORw0KGgoAAAAN"),
        MATCH_CORRECT,
    )
    .replace("q1", "q2");
    let zip = zip_of(&[
        (
            "imsmanifest.xml",
            manifest_for(&["items/a/one.xml", "items/b/two.xml"]).as_bytes(),
        ),
        ("items/a/one.xml", one_item.as_bytes()),
        ("items/a/img/h 1.png", &png),
        ("items/shared/h 1.png", &png[..png.len() / 2]),
        ("items/b/two.xml", two_item.as_bytes()),
    ]);
    let found = read("goi.zip", &zip);
    let paths: Vec<&str> = found.media.iter().map(|m| m.path.as_str()).collect();
    assert_eq!(
        paths,
        ["media/h-1.png", "media/h-1-2.png", "media/hinh-3.png"]
    );
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    // Options are read before stems: the shared picture came first.
    assert_eq!(found.drafts[0].stem, "![Hình](media/h-1-2.png)");
    assert_eq!(found.drafts[1].stem, "![Hình](media/hinh-3.png)");
    let DraftBody::Choice { options, .. } = &found.drafts[1].body else {
        panic!()
    };
    assert_eq!(options[1].text, "![Hình](media/h-1.png)");
    let bank = no_errors("goi.zip", found);
    assert_eq!(bank.media.len(), 3);
}
