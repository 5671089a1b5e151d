//! The Moodle XML reader on Moodle's own fixtures and on an export with every supported type.

use base64::Engine;

use super::*;
use crate::{
    banks::{
        foreign::{Defaults, read_drafts},
        model::{Body, Difficulty},
        word::sample::PICTURE_PNG,
    },
    vocab::Lang,
};

const NESTED: &str = include_str!(
    "../../../../tests/fixtures/import/moodlexml/moodle-nested_categories_with_questions.xml"
);
const MATCH: &str = include_str!(
    "../../../../tests/fixtures/import/moodlexml/moodle-qtype_match-testquestion.moodle.xml"
);

use crate::test_fixtures::foreign_defaults as defaults;

#[test]
fn nested_categories_true_false_and_a_skipped_essay() {
    let found = read(NESTED);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let names: Vec<(&str, &str)> = found
        .drafts
        .iter()
        .map(|d| (d.name.as_deref().unwrap(), d.category.as_deref().unwrap()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("Iota Question", "Iota"),
            ("Kappa Question", "Iota/Kappa"),
            ("Lambda Question", "Iota/Kappa/Lambda"),
            ("Mu Question", "Iota/Mu"),
        ]
    );
    assert!(
        found
            .drafts
            .iter()
            .all(|d| d.body == DraftBody::TrueFalse { answer: true })
    );
    assert_eq!(found.skipped.len(), 1);
    assert_eq!(
        (
            found.skipped[0].name.as_str(),
            found.skipped[0].kind.as_str()
        ),
        ("Kappa Essay Question", "essay")
    );
    let (parsed, report) = read_drafts("nested.xml", "moodle", found, &defaults());
    assert!(!report.has_errors(), "{:?}", report.lines(Lang::En));
    assert_eq!(
        parsed.unwrap().items[0].stem.source,
        "Testing Iota Question"
    );
    let summary = report.summary(Lang::En);
    assert!(
        summary.ends_with("— by type: True/false 4; skipped (not supported): essay 1"),
        "{summary}"
    );
    assert!(report.lines(Lang::Vi).iter().any(|l| {
        l.contains("bỏ qua câu “Kappa Essay Question”: sathach chưa hỗ trợ câu tự luận (essay)")
    }));
}

#[test]
fn matching_with_a_shared_answer_reads() {
    let found = read(MATCH);
    assert!(found.skipped.is_empty() && found.errors.is_empty());
    let (parsed, report) = read_drafts("match.xml", "moodle", found, &defaults());
    assert!(!report.has_errors(), "{:?}", report.lines(Lang::En));
    let items = parsed.unwrap().items;
    let Body::Matching { pairs, distractors } = &items[0].body else {
        panic!("{:?}", items[0].body)
    };
    let rights: Vec<&str> = pairs.iter().map(|p| p.right.source.as_str()).collect();
    assert_eq!(rights, ["amphibian", "mammal", "amphibian"]);
    assert_eq!(distractors[0].source, "insect");
}

#[test]
fn every_supported_type_with_pictures_tags_and_topics() {
    let png = base64::engine::general_purpose::STANDARD.encode(PICTURE_PNG);
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/IU01.4 An toàn thông tin</text></category></question>
  <question type="multichoice">
    <name><text>MC-1</text></name>
    <questiontext format="html"><text><![CDATA[<p>Hình <img src="@@PLUGINFILE@@/may%20tinh.png" alt="máy tính"> là gì?</p>]]></text>
      <file name="may tinh.png" path="/" encoding="base64">{png}</file></questiontext>
    <generalfeedback format="html"><text>Máy tính để bàn.</text></generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <single>true</single>
    <answer fraction="100" format="html"><text>Máy tính</text></answer>
    <answer fraction="0" format="html"><text>Máy in</text></answer>
    <tags><tag><text>NB</text></tag><tag><text>phần cứng</text></tag></tags>
  </question>
  <question type="multichoice">
    <name><text>MR-1</text></name>
    <questiontext format="moodle_auto_format"><text>Chọn hai:
dòng hai</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>A</text></answer>
    <answer fraction="50"><text>B</text></answer>
    <answer fraction="-100"><text>C</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>SA-1</text></name>
    <questiontext format="plain_text"><text>Phần mở rộng của tệp Word? &lt;b&gt;</text></questiontext>
    <answer fraction="100"><text>docx</text></answer>
    <answer fraction="100"><text>.docx</text></answer>
    <answer fraction="50"><text>doc</text></answer>
  </question>
  <question type="numerical">
    <name><text>NU-1</text></name>
    <questiontext format="html"><text>Pi?</text></questiontext>
    <answer fraction="100"><text>3.14</text><tolerance>0.01</tolerance></answer>
  </question>
  <question type="matching">
    <name><text>MA-1</text></name>
    <questiontext format="html"><text>Ghép</text></questiontext>
    <subquestion format="html"><text>Ctrl + C</text><answer><text>Sao chép</text></answer></subquestion>
    <subquestion format="html"><text>Ctrl + V</text><answer><text>Dán</text></answer></subquestion>
    <subquestion format="html"><text></text><answer><text>Xoá</text></answer></subquestion>
  </question>
  <question type="ordering">
    <name><text>OR-1</text></name>
    <questiontext format="html"><text>Sắp xếp</text></questiontext>
    <answer fraction="1"><text>Mở</text></answer>
    <answer fraction="2"><text>Sửa</text></answer>
    <answer fraction="3"><text>Lưu</text></answer>
  </question>
  <question type="truefalse">
    <name><text>TF-1</text></name>
    <questiontext format="html"><text>Đúng?</text></questiontext>
    <image>cu.png</image><image_base64>{png}</image_base64>
    <answer fraction="0"><text>true</text></answer>
    <answer fraction="100"><text>false</text></answer>
  </question>
</quiz>"#
    );
    let found = read(&xml);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    assert_eq!(found.drafts.len(), 7);
    assert_eq!(found.media.len(), 2, "one file per embedded picture name");
    assert_eq!(found.drafts[0].line, 4);
    let (parsed, report) = read_drafts(
        "moodle.xml",
        "moodle",
        found,
        &Defaults {
            level: Some(Difficulty::VD),
            ..Defaults::default()
        },
    );
    assert!(!report.has_errors(), "{:?}", report.lines(Lang::En));
    let bank = parsed.unwrap();
    assert_eq!(
        bank.meta.module, "IU01",
        "the module of the category's topic"
    );
    let items = &bank.items;
    assert!(items.iter().all(|i| i.topic == "IU01.4"));
    assert_eq!(
        (items[0].difficulty, items[1].difficulty),
        (Difficulty::NB, Difficulty::VD)
    );
    assert_eq!(items[0].points, 2);
    assert!(
        items[0]
            .stem
            .source
            .contains("![máy tính](media/may-tinh.png)"),
        "{}",
        items[0].stem.source
    );
    assert_eq!(
        items[0].explanation.as_ref().unwrap().source,
        "Máy tính để bàn."
    );
    assert!(
        matches!(&items[1].body, Body::Multiple { partial: true, options } if options.iter().filter(|o| o.correct).count() == 2)
    );
    assert_eq!(items[1].stem.source, "Chọn hai:\\\ndòng hai");
    assert!(
        matches!(&items[2].body, Body::ShortText { answers, .. } if answers == &["docx", ".docx"])
    );
    assert_eq!(
        items[2].stem.html,
        "<p>Phần mở rộng của tệp Word? &lt;b&gt;</p>"
    );
    assert!(
        matches!(&items[3].body, Body::Numeric { key } if key.accepts(3.15) && !key.accepts(3.2))
    );
    assert!(
        matches!(&items[4].body, Body::Matching { pairs, distractors } if pairs.len() == 2 && distractors.len() == 1)
    );
    assert!(matches!(&items[5].body, Body::Ordering { sequence } if sequence[2].source == "Lưu"));
    assert!(matches!(&items[6].body, Body::TrueFalse { answer: false }));
    assert!(
        items[6].stem.source.ends_with("![Hình](media/cu.png)"),
        "{}",
        items[6].stem.source
    );
}

#[test]
fn broken_files_are_messages() {
    let found = read("<quiz><question");
    assert_eq!(found.errors[0].1.0, "report.xml_unreadable");
    let found = read("<html/>");
    assert_eq!(found.errors[0].1.0, "report.moodle_not_quiz");
}

proptest::proptest! {
    #[test]
    fn arbitrary_xml_never_panics(body in "(?s).{0,300}") {
        let _ = read(&format!("<quiz><question type=\"multichoice\">{body}</question></quiz>"));
        let _ = read(&body);
    }
}
