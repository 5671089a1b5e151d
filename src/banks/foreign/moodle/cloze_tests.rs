//! Moodle's cloze questions as an item per gap, and what Moodle credits in part, on Moodle's
//! own cloze fixture and on small exports.

use super::*;
use crate::{
    banks::{
        foreign::{DraftOption, read_drafts},
        model::{Body, ItemKind},
    },
    test_fixtures::foreign_defaults as defaults,
    vocab::Lang,
};

const CLOZE: &str =
    include_str!("../../../../tests/fixtures/import/moodlexml/moodle-multianswer-all-types.xml");

fn quiz(questions: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n{questions}\n</quiz>")
}

fn right(options: &[DraftOption]) -> Vec<&str> {
    options
        .iter()
        .filter(|o| o.correct)
        .map(|o| o.text.as_str())
        .collect()
}

#[test]
fn every_gap_of_moodles_cloze_fixture_is_an_item_sharing_the_passage() {
    let found = read(CLOZE);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    assert!(found.skipped.is_empty());
    assert_eq!(found.drafts.len(), 16);
    let first = &found.drafts[0];
    assert_eq!(
        first.name.as_deref(),
        Some("All CLOZE types in one question (1)")
    );
    // The gap asked stands out; the others are numbered blanks; the passage is whole.
    assert!(
        first
            .stem
            .contains("imagine the times **(1) \\_\\_\\_\\_\\_**"),
        "{}",
        first.stem
    );
    assert!(
        first
            .stem
            .contains("With his best friend (2) \\_\\_\\_\\_\\_ he")
    );
    assert!(first.stem.contains("(16) \\_\\_\\_\\_\\_"));
    assert!(!first.stem.contains(":MULTICHOICE") && !first.stem.contains('{'));
    assert!(
        found.drafts[1]
            .stem
            .contains("best friend **(2) \\_\\_\\_\\_\\_** he")
    );
    let DraftBody::Choice {
        options,
        multiple: false,
        ..
    } = &first.body
    else {
        panic!("{:?}", first.body)
    };
    assert_eq!(options.len(), 4);
    assert_eq!(right(options), ["50 B.C."]);
    // MULTIRESPONSE: several right; weights below 100 % give partial scoring.
    assert!(matches!(
        &found.drafts[6].body,
        DraftBody::Choice { multiple: true, partial: false, options } if right(options) == ["Marge", "Lisa"]
    ));
    assert!(matches!(
        &found.drafts[7].body,
        DraftBody::Choice {
            multiple: true,
            partial: true,
            ..
        }
    ));
    // NUMERICAL: the full-marks answer with its tolerance; the half-marks one left out.
    assert_eq!(
        found.drafts[11].body,
        DraftBody::Numeric {
            value: 212.0,
            tolerance: 0.0
        }
    );
    // The gap's weight is its points.
    assert_eq!(found.drafts[12].points, Some(3));
    assert_eq!(found.drafts[0].points, Some(1));
    // SHORTANSWER: HTML in an answer is its text; a misspelling worth part is left out.
    assert_eq!(
        found.drafts[14].body,
        DraftBody::ShortText {
            answers: vec!["H2O".into()]
        }
    );
    assert_eq!(
        found.drafts[15].body,
        DraftBody::ShortText {
            answers: vec!["Whisky".into(), "Whiskey".into()]
        }
    );
    assert!(
        found.drafts[0]
            .explanation
            .as_deref()
            .is_some_and(|e| e.starts_with("To get to know more about Asterix"))
    );

    let (parsed, report) = read_drafts("cloze.xml", "moodle-xml", found, &defaults());
    let lines = report.lines(Lang::Vi);
    let bank = parsed.unwrap_or_else(|| panic!("{lines:?}"));
    assert_eq!(bank.items.len(), 16);
    let kinds: Vec<ItemKind> = bank.items.iter().map(|i| i.body.kind()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == ItemKind::Single).count(), 6);
    assert_eq!(report.counts.get("numeric"), Some(&3));
    assert!(
        lines.iter().any(|l| l.contains(
            "cảnh báo: chỗ trống (16): các đáp án chỉ được một phần điểm (“Wiskey | Wisky”) không được tính là đúng"
        )),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("chỗ trống (15) phân biệt chữ hoa, chữ thường")),
        "{lines:?}"
    );
    let Body::Numeric { .. } = &bank.items[10].body else {
        panic!("{:?}", bank.items[10].body)
    };
}

#[test]
fn a_cloze_with_one_gap_a_broken_gap_or_none() {
    let one = quiz(
        r#"<question type="cloze"><name><text>Một chỗ</text></name>
<questiontext format="html"><text><![CDATA[<p>Phím tắt sao chép là {1:SHORTANSWER:=Ctrl+C#Đúng~%50%Ctrl C}.</p>]]></text></questiontext></question>"#,
    );
    let found = read(&one);
    assert_eq!(found.drafts.len(), 1);
    assert_eq!(
        found.drafts[0].stem,
        "Phím tắt sao chép là **\\_\\_\\_\\_\\_**."
    );
    assert_eq!(found.warnings.len(), 1, "the half-marks answer");

    let broken = quiz(
        r#"<question type="cloze"><name><text>Hỏng</text></name>
<questiontext format="html"><text><![CDATA[<p>A {1:MULTICHOICE:x~y} B {1:NUMERICAL:=abc}</p>]]></text></questiontext></question>"#,
    );
    let found = read(&broken);
    assert!(found.drafts.is_empty());
    assert_eq!(found.errors[0].1.0, "bank.foreign2.cloze_no_key");

    let none = quiz(
        r#"<question type="cloze"><name><text>Không chỗ trống</text></name>
<questiontext format="html"><text>Chỉ có {chữ} thôi</text></questiontext></question>"#,
    );
    let found = read(&none);
    assert_eq!(found.skipped[0].kind, "cloze");
    let (_, report) = read_drafts("x.xml", "moodle-xml", found, &defaults());
    let lines = report.lines(Lang::Vi).join("\n");
    assert!(
        lines.contains("sathach chưa hỗ trợ câu điền khuyết nhiều chỗ (cloze)"),
        "{lines}"
    );
    assert!(
        lines.contains("tệp chỉ có câu hỏi loại chưa hỗ trợ: điền khuyết nhiều chỗ 1"),
        "{lines}"
    );
}

#[test]
fn answers_moodle_credits_in_part_are_never_taken_as_right() {
    let xml = quiz(
        r#"<question type="multichoice"><name><text>MC</text></name>
<questiontext format="html"><text>Phím nào?</text></questiontext><single>true</single>
<answer fraction="100"><text>Ctrl</text></answer>
<answer fraction="50"><text>Shift</text></answer>
<answer fraction="0"><text>Tab</text></answer></question>
<question type="multichoice"><name><text>MC-nửa</text></name>
<questiontext format="html"><text>Phím nào?</text></questiontext><single>true</single>
<answer fraction="50"><text>Shift</text></answer>
<answer fraction="0"><text>Tab</text></answer></question>
<question type="shortanswer"><name><text>SA</text></name>
<questiontext format="html"><text>Thủ đô?</text></questiontext>
<answer fraction="100"><text>Hà Nội</text></answer>
<answer fraction="50"><text>Ha Noi</text></answer></question>
<question type="numerical"><name><text>NM</text></name>
<questiontext format="html"><text>2+2?</text></questiontext>
<answer fraction="100"><text>4</text></answer>
<answer fraction="50"><text>5</text><tolerance>0</tolerance></answer></question>"#,
    );
    let found = read(&xml);
    let DraftBody::Choice { options, .. } = &found.drafts[0].body else {
        panic!()
    };
    assert_eq!(right(options), ["Ctrl"]);
    // A single choice whose best answer earns half is not given a key it does not have.
    assert_eq!(found.errors.len(), 1);
    assert_eq!(found.errors[0].1.0, "report.moodle_no_key");
    assert_eq!(
        found.drafts[1].body,
        DraftBody::ShortText {
            answers: vec!["Hà Nội".into()]
        }
    );
    let dropped: Vec<String> = found
        .warnings
        .iter()
        .map(|(_, (key, args))| format!("{key} {:?}", args[0].1))
        .collect();
    assert_eq!(dropped.len(), 3, "{dropped:?}");
    assert!(
        dropped
            .iter()
            .all(|d| d.starts_with("report.foreign_partial_dropped"))
    );
    assert!(
        dropped[1].contains("Ha Noi") && dropped[2].contains('5'),
        "{dropped:?}"
    );
}

#[test]
fn feedback_pictures_the_file_lacks_and_audio_are_named_not_refused() {
    let xml = quiz(
        r#"<question type="truefalse"><name><text>TF</text></name>
<questiontext format="html"><text><![CDATA[<p>Nghe: <audio controls src="@@PLUGINFILE@@/bai1.mp3"></audio> Đúng không?</p>]]></text></questiontext>
<generalfeedback format="html"><text><![CDATA[<p>Xem hình <img src="@@PLUGINFILE@@/giai.png"> để hiểu.</p>]]></text></generalfeedback>
<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>
<question type="truefalse"><name><text>Cũ</text></name>
<questiontext format="html"><text>Hình cũ</text></questiontext><image>images/so-do.gif</image>
<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>"#,
    );
    let found = read(&xml);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    assert_eq!(
        found.drafts[0].explanation.as_deref(),
        Some("Xem hình để hiểu.")
    );
    let (parsed, report) = read_drafts("x.xml", "moodle-xml", found, &defaults());
    let lines = report.lines(Lang::Vi);
    assert!(parsed.is_some(), "{lines:?}");
    let all = lines.join("\n");
    assert!(
        all.contains(
            "cảnh báo: hình giai.png trong lời giải thích không có trong tệp nên được bỏ đi"
        ),
        "{all}"
    );
    assert!(
        all.contains("cảnh báo: âm thanh, video hoặc nội dung nhúng (@@PLUGINFILE@@/bai1.mp3)"),
        "{all}"
    );
    assert!(
        all.contains("ghi tên tệp hình (images/so-do.gif) dưới dạng chữ"),
        "{all}"
    );
}
