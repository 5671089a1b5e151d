//! Spreadsheets as teachers keep them: option columns by their usual names, answers given as
//! an option's text, no rows naming the bank (the importer's choices fill in), columns that
//! look like options but are not read, and messages in terms of rows and columns.

use super::{
    template::{TYPES, instructions},
    *,
};
use crate::{
    banks::{foreign::Defaults, model::Body},
    sheets::read_csv,
    vocab::Lang,
};

fn read(name: &str, csv: &str, defaults: &Defaults) -> (Option<ParsedBank>, Vec<String>) {
    let (parsed, report) = read_table(name, None, &read_csv(csv).unwrap(), defaults);
    (parsed, report.lines(Lang::Vi))
}

fn chosen() -> Defaults {
    crate::test_fixtures::foreign_defaults()
}

fn correct(body: &Body) -> Vec<bool> {
    match body {
        Body::Single { options } | Body::Multiple { options, .. } => {
            options.iter().map(|o| o.correct).collect()
        }
        other => panic!("not a choice: {other:?}"),
    }
}

#[test]
fn option_columns_under_their_usual_names() {
    for header in [
        "Câu hỏi;Phương án A;Phương án B;Phương án C;Phương án D;Đáp án",
        "Nội dung câu hỏi;PA1;PA2;PA3;PA4;Đáp án đúng",
        "question;opt1;opt2;opt3;opt4;answer",
        "CÂU HỎI;Đáp án A;Đáp án B;Đáp án C;Đáp án D;ĐÁP ÁN",
    ] {
        let csv = format!("{header}\nThiết bị nhập?;Màn hình;Bàn phím;Loa;Máy in;B\n");
        let (parsed, lines) = read("de.csv", &csv, &chosen());
        assert!(lines.is_empty(), "{header}: {lines:#?}");
        let item = &parsed.unwrap().items[0];
        assert_eq!(correct(&item.body), [false, true, false, false], "{header}");
    }
}

#[test]
fn an_answer_may_be_an_options_text_or_its_columns_name() {
    let csv = "Câu hỏi;PA1;PA2;PA3;Đáp án\n\
               Thiết bị nhập?;Màn hình;Bàn phím;Loa;bàn phím\n\
               Thiết bị xuất?;Màn hình;Bàn phím;Loa;Màn hình; Loa\n\
               Thiết bị âm thanh?;Màn hình;Bàn phím;Loa;PA3\n";
    let csv = csv.replace("Màn hình; Loa", "\"Màn hình; Loa\"");
    let (parsed, lines) = read("de.csv", &csv, &chosen());
    assert!(lines.is_empty(), "{lines:#?}");
    let items = parsed.unwrap().items;
    assert_eq!(correct(&items[0].body), [false, true, false]);
    assert!(matches!(items[1].body, Body::Multiple { .. }));
    assert_eq!(correct(&items[1].body), [true, false, true]);
    assert_eq!(correct(&items[2].body), [false, false, true]);
    // An answer naming no option is refused where it stands, once.
    let csv = "Câu hỏi;A;B;Đáp án\nThiết bị nhập?;Màn hình;Bàn phím;Chuột\n";
    let (parsed, lines) = read("de.csv", csv, &chosen());
    assert!(parsed.is_none());
    assert_eq!(
        lines,
        [
            "de.csv:2:D: lỗi: không hiểu đáp án “Chuột”: hãy ghi chữ cái của phương án đúng \
          (B; nhiều đáp án: A, C) hoặc chép đúng nội dung của phương án đó"
        ]
    );
}

#[test]
fn unknown_option_columns_refuse_their_rows_and_are_named() {
    let csv = "Câu hỏi;Phương án 1;Phương án 9;Lựa chọn thứ hai;PA2;Đáp án\n\
               Thiết bị nhập?;Bàn phím;;Loa;Chuột;A\n\
               Thiết bị xuất?;Loa;;;Chuột;A\n\
               Hệ điều hành?;Windows;Word;;Excel;A\n";
    let (parsed, lines) = read("de.csv", csv, &chosen());
    assert!(parsed.is_none(), "never a short-answer item in their place");
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].starts_with(
            "de.csv:1:C: lỗi: cột C (“Phương án 9”), D (“Lựa chọn thứ hai”) trông như cột \
             phương án nhưng Sát hạch không đọc được tên cột: 2 hàng có nội dung ở các cột \
             này (hàng 2, 4) chưa được nhận"
        ),
        "{lines:#?}"
    );
    // Letters for an answer with no option read: refused, never a short answer "A".
    let csv = "Câu hỏi;Ý 1;Ý 2;Đáp án\nThiết bị nhập?;Bàn phím;Loa;A\n";
    let (parsed, lines) = read("de.csv", csv, &chosen());
    assert!(parsed.is_none());
    assert!(
        lines[0].starts_with("de.csv:2:D: lỗi: đáp án là A nhưng hàng này không có phương án nào"),
        "{lines:#?}"
    );
}

#[test]
fn a_sheet_without_bank_rows_takes_the_choices_and_the_file_name() {
    let csv = "Câu hỏi;A;B;Đáp án\nThiết bị nhập?;Bàn phím;Loa;A\nThiết bị xuất?;Bàn phím;Loa;B\n";
    let (parsed, lines) = read("thu muc/Đề Tin 10.csv", csv, &chosen());
    assert!(lines.is_empty(), "{lines:#?}");
    let bank = parsed.unwrap();
    assert_eq!(
        (
            bank.meta.code.as_str(),
            bank.meta.title.as_str(),
            bank.meta.module.as_str()
        ),
        ("DE-TIN-10", "Đề Tin 10", "IU01")
    );
    assert!(bank.items.iter().all(|i| i.topic == "IU01.1"));
    // Without choices, each missing thing is said once, in rows and columns.
    let (parsed, lines) = read("de.csv", csv, &Defaults::default());
    assert!(parsed.is_none());
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("chưa biết ngân hàng thuộc mô đun nào")
                && l.contains("--module IU01")
                && l.contains("thêm hàng “Mô đun | IU01” phía trên hàng tiêu đề"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("de.csv:2: lỗi: 2 câu hỏi chưa có chủ đề (hàng 2, 3)")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().all(|l| !l.contains('`') && !l.contains(" = ")),
        "{lines:#?}"
    );
}

#[test]
fn messages_speak_of_rows_and_columns_not_toml() {
    let csv = "Mô đun;IU01\nCâu hỏi;A;B;Đáp án;Chủ đề;Mức độ;Loại;Điểm\n\
               Thiết bị nhập?;Bàn phím;Loa;;IU01.1;NB;;\n\
               ;Bàn phím;Loa;A;IU01.1;NB;;\n\
               RAM là gì?;;;;IU01.1;NB;Trả lời ngắn;\n\
               1 KB?;;;nhiều;IU01.1;NB;Số;\n\
               Đúng không?;;;Có lẽ;IU01.1;NB;Đúng/Sai;\n\
               Chọn một;Bàn phím;Loa;A, B;IU01.1;NB;Một lựa chọn;mười\n";
    let (parsed, lines) = read("de.csv", csv, &Defaults::default());
    assert!(parsed.is_none());
    let expected = [
        "de.csv:3:D: lỗi: hàng này chưa có đáp án: hãy ghi chữ cái của phương án đúng",
        "de.csv:4:A: lỗi: hàng này chưa có nội dung câu hỏi: hãy điền cột Câu hỏi",
        "de.csv:5:D: lỗi: hàng này chưa có đáp án: hãy ghi câu trả lời đúng vào cột Đáp án",
        "de.csv:6:D: lỗi: cột Đáp án của hàng này phải là một số",
        "de.csv:7:D: lỗi: câu đúng/sai cần đáp án Đúng hoặc Sai, không phải “Có lẽ”",
        "de.csv:8:H: lỗi: cột Điểm của hàng này phải là số nguyên",
    ];
    for start in expected {
        assert!(
            lines.iter().any(|l| l.starts_with(start)),
            "{start}\n{lines:#?}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains("hàng này là câu một đáp án nhưng cột Đáp án ghi 2 phương án")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .all(|l| !l.contains('`') && !l.contains("= true")),
        "{lines:#?}"
    );
}

#[test]
fn the_template_has_instructions_the_reader_passes_over() {
    let bytes = template_xlsx().unwrap();
    let (parsed, report) = crate::banks::formats::read("mau.xlsx", &bytes, &Default::default());
    assert!(!report.has_errors(), "{:#?}", report.lines(Lang::Vi));
    assert_eq!(parsed.unwrap().items.len(), 5);
    let help: Vec<String> = instructions().into_iter().flatten().collect();
    for value in [
        "Một lựa chọn",
        "Trả lời ngắn",
        "VDC (Vận dụng cao)",
        "IU01.1",
        "IU06",
        "PA1",
    ] {
        assert!(help.iter().any(|c| c.contains(value)), "{value}");
    }
    // The instructions sheet first: still passed over.
    let bank: Vec<Vec<String>> = template_rows();
    let help = instructions();
    let sheets = [
        crate::sheets::Sheet {
            name: INSTRUCTIONS,
            header: &[],
            rows: &help,
        },
        crate::sheets::Sheet {
            name: "Câu hỏi",
            header: &[],
            rows: &bank,
        },
    ];
    let bytes = crate::sheets::xlsx(&sheets).unwrap();
    let (parsed, report) = crate::banks::formats::read("mau.xlsx", &bytes, &Default::default());
    assert!(parsed.is_some(), "{:#?}", report.lines(Lang::Vi));
    assert_eq!(report.path, "mau.xlsx [Câu hỏi]");
    // Every type the instructions name is one a row may ask for.
    for kind in TYPES {
        let csv =
            format!("Mô đun;IU01\nCâu hỏi;Loại;Đáp án;Chủ đề;Mức độ\nX?;{kind};1;IU01.1;NB\n");
        let (_, lines) = read("de.csv", &csv, &Defaults::default());
        assert!(
            lines.iter().all(|l| !l.contains("không có loại")),
            "{kind}: {lines:#?}"
        );
    }
}
