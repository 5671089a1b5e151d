//! A teacher's plain Word file (no bank lines, no topics or levels) read with the importer's
//! choices, and what is said, once, when there are none.

use super::{
    sample::{Docx, Run},
    *,
};
use crate::{banks::model::Difficulty, vocab::Lang};

/// Questions as teachers type them: "Câu N:", options A.–D., the key underlined.
pub(crate) fn plain() -> Docx {
    let mut doc = Docx::new();
    doc.text("ĐỀ KIỂM TRA TIN HỌC LỚP 10")
        .text("Câu 1: Đơn vị đo tốc độ xử lý của CPU là gì?")
        .runs(&[Run::new("A. GHz").underline()])
        .text("B. GB")
        .text("C. Mbps")
        .text("D. dpi")
        .text("Câu 2: Thiết bị nào là thiết bị nhập?")
        .text("A. Màn hình")
        .runs(&[Run::new("B. Bàn phím").underline()])
        .text("C. Loa")
        .text("D. Máy in")
        .text("Câu 3: Phần mềm nào là hệ điều hành?")
        .text("A. Word")
        .text("B. Excel")
        .runs(&[Run::new("C. Windows").underline()])
        .text("D. Paint");
    doc
}

#[test]
fn a_plain_word_file_imports_with_the_chosen_module_topic_and_level() {
    let defaults = crate::test_fixtures::foreign_defaults();
    let (parsed, report) = read_docx("de-kiem-tra.docx", &plain().bytes(), &defaults);
    assert!(!report.has_errors(), "{:#?}", report.lines(Lang::Vi));
    let bank = parsed.unwrap();
    assert_eq!(
        (bank.meta.code.as_str(), bank.meta.title.as_str()),
        ("DE-KIEM-TRA", "de-kiem-tra")
    );
    assert_eq!(bank.meta.module, "IU01");
    assert_eq!(bank.items.len(), 3);
    assert!(
        bank.items
            .iter()
            .all(|i| i.topic == "IU01.1" && i.difficulty == Difficulty::TH)
    );
    // What the file says wins over the choice: a part naming its topic and level.
    let mut doc = Docx::new();
    doc.text("PHẦN I. IU01.2 (VD)")
        .text("Câu 1: Hỏi?")
        .text("*A. x")
        .text("B. y");
    let chosen = Defaults {
        code: Some("CHON".into()),
        ..defaults
    };
    let (parsed, report) = read_docx("de.docx", &doc.bytes(), &chosen);
    assert!(!report.has_errors(), "{:#?}", report.lines(Lang::Vi));
    let bank = parsed.unwrap();
    assert_eq!(bank.meta.code, "CHON");
    assert_eq!(
        (bank.items[0].topic.as_str(), bank.items[0].difficulty),
        ("IU01.2", Difficulty::VD)
    );
}

#[test]
fn without_choices_each_missing_thing_is_said_once() {
    let (parsed, report) = read_docx("de.docx", &plain().bytes(), &Defaults::default());
    assert!(parsed.is_none());
    let lines = report.lines(Lang::Vi);
    assert_eq!(lines.len(), 3, "module, topic, level: {lines:#?}");
    assert!(lines[0].starts_with("de.docx: lỗi: chưa biết ngân hàng thuộc mô đun nào"));
    assert!(lines.iter().any(|l| l.contains(
        "3 câu hỏi chưa có chủ đề (Câu 1, Câu 2, Câu 3): hãy chọn Chủ đề mặc định ở trang tải lên (dòng lệnh: --topic IU01.1)"
    )), "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("3 câu hỏi chưa có mức độ") && l.contains("--level NB")),
        "{lines:#?}"
    );
    // A chosen topic names the module too.
    let topic_only = Defaults {
        topic: Some("IU03.2".into()),
        level: Some(Difficulty::NB),
        ..Defaults::default()
    };
    let (parsed, report) = read_docx("de.docx", &plain().bytes(), &topic_only);
    assert!(!report.has_errors(), "{:#?}", report.lines(Lang::Vi));
    assert_eq!(parsed.unwrap().meta.module, "IU03");
}

#[test]
fn messages_name_the_question_as_word_shows_it() {
    let mut doc = plain();
    doc.text("Câu 4: Đơn vị đo tốc độ truyền dữ liệu trong mạng máy tính là?")
        .text("A. bps")
        .text("B. Hz");
    let defaults = crate::test_fixtures::foreign_defaults();
    let (_, report) = read_docx("de.docx", &doc.bytes(), &defaults);
    assert_eq!(
        report.lines(Lang::Vi),
        [
            "de.docx: Câu 4 (“Đơn vị đo tốc độ truyền dữ liệu…”): lỗi: câu này chưa có đáp án: \
          hãy gạch chân hoặc tô đỏ phương án đúng, đặt * trước nó, hoặc ghi vào mục ĐÁP ÁN cuối tệp"
        ]
    );
    let json = serde_json::to_value(report.json(Lang::En)).unwrap();
    assert_eq!(
        json["errors"][0]["column"],
        "Câu 4 (“Đơn vị đo tốc độ truyền dữ liệu…”)"
    );
    // A native message about an item speaks of "this question", not of TOML.
    let mut doc = plain();
    doc.text("Câu 4:").text("*A. x").text("B. y");
    let (_, report) = read_docx("de.docx", &doc.bytes(), &defaults);
    let lines = report.lines(Lang::Vi);
    assert!(
        lines
            == [
                "de.docx: Câu 4: lỗi: câu này chưa có nội dung: hãy viết câu hỏi ngay sau “Câu N:” hoặc ở đoạn tiếp theo"
            ],
        "{lines:#?}"
    );
}
