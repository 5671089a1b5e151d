//! The spreadsheet reader against rows as Excel and CSV files give them.

use super::*;
use crate::{banks::model::Body, sheets::read_csv, vocab::Lang};

const BANK: &str = "Mã ngân hàng;IU01-EXCEL\nTên ngân hàng;IU01 từ Excel\nMô đun;IU01\n\n\
    Mã câu;Câu hỏi;A;B;C;D;Đáp án;Chủ đề;Mức độ;Giải thích\n\
    C1;\"Thiết bị nào là thiết bị nhập; chọn một\";Bàn phím;Màn hình;Loa;#Tất cả các đáp án trên;A;IU01.1;NB;Bàn phím nhập dữ liệu.\n\
    C2;\"Những thiết bị nào\nlà thiết bị xuất?\";Màn hình;Bàn phím;Loa;;A, C;IU01.1;TH;\n\
    C3;Phần mềm diệt virus là phần mềm ứng dụng.;;;;;Đúng;IU01.1;NB;\n\
    C4;Viết tắt của Random Access Memory?;;;;;RAM | bộ nhớ RAM;IU01.1;NB;\n";

#[test]
fn a_spreadsheet_bank_reads_like_the_native_format() {
    let (parsed, report) = read_table(
        "ngan-hang.csv",
        None,
        &read_csv(BANK).unwrap(),
        &Default::default(),
    );
    assert!(report.errors.is_empty(), "{:?}", report.lines(Lang::En));
    let bank = parsed.unwrap();
    assert_eq!(
        (
            bank.meta.code.as_str(),
            bank.meta.module.as_str(),
            bank.meta.language.as_str()
        ),
        ("IU01-EXCEL", "IU01", "vi")
    );
    let kinds: Vec<_> = bank.items.iter().map(|i| i.body.kind()).collect();
    assert_eq!(
        format!("{kinds:?}"),
        "[Single, Multiple, TrueFalse, ShortText]"
    );
    let Body::Single { options } = &bank.items[0].body else {
        panic!()
    };
    assert!(options[0].correct && !options[1].correct && options[3].pinned);
    assert_eq!(options[3].text.source, "Tất cả các đáp án trên");
    let Body::Multiple { options, .. } = &bank.items[1].body else {
        panic!()
    };
    assert_eq!(
        options.iter().map(|o| o.correct).collect::<Vec<_>>(),
        [true, false, true]
    );
    assert!(
        bank.items[1].stem.source.contains('\n'),
        "a line break inside a quoted cell is kept"
    );
}

#[test]
fn problems_name_their_row_and_column() {
    let text = BANK
        .replace(";A;IU01.1;NB;Bàn", ";E;IU01.1;NB;Bàn")
        .replace("RAM | bộ nhớ RAM;IU01.1;NB", "RAM;IU01.1;Khó");
    let (parsed, report) = read_table(
        "ngan-hang.csv",
        None,
        &read_csv(&text).unwrap(),
        &Default::default(),
    );
    assert!(parsed.is_none());
    let lines = report.lines(Lang::Vi);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("ngan-hang.csv:6:G: lỗi: Đáp án là E")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("ngan-hang.csv:10:I: lỗi: không có mức độ")),
        "{lines:#?}"
    );
}

#[test]
fn another_tools_layout_gets_the_columns_sathach_expects() {
    let text = include_str!(
        "../../../tests/fixtures/import/csv/gopalsharma-qformat_csv-extended_sample.csv"
    );
    let (parsed, report) = read_table(
        "moodle.csv",
        None,
        &read_csv(text).unwrap(),
        &Default::default(),
    );
    assert!(parsed.is_none());
    let line = &report.lines(Lang::En)[0];
    assert!(
        line.contains("questionname, questiontext") && line.contains("Câu hỏi / Question"),
        "{line}"
    );
}

#[test]
fn a_workbook_reads_from_its_first_sheet_and_names_it() {
    let rows: Vec<Vec<String>> = read_csv(BANK)
        .unwrap()
        .into_iter()
        .map(|(_, cells)| cells)
        .collect();
    let sheet = crate::sheets::Sheet {
        name: "Câu hỏi",
        header: &[],
        rows: &rows,
    };
    let bytes = crate::sheets::xlsx(&[sheet]).unwrap();
    let (parsed, report) =
        crate::banks::formats::read("ngan-hang.xlsx", &bytes, &Default::default());
    assert!(parsed.is_some(), "{:?}", report.lines(Lang::En));
    assert_eq!(report.path, "ngan-hang.xlsx [Câu hỏi]");
    let (parsed, report) =
        crate::banks::formats::read("ngan-hang.xlsx", b"not a workbook", &Default::default());
    assert!(parsed.is_none() && report.lines(Lang::Vi)[0].contains("Không đọc được bảng tính"));
}

#[test]
fn the_template_is_a_valid_bank() {
    let table: Table = template_rows()
        .into_iter()
        .enumerate()
        .map(|(i, r)| (i + 1, r))
        .collect();
    let (parsed, report) = read_table("template.xlsx", None, &table, &Default::default());
    assert!(report.errors.is_empty(), "{:?}", report.lines(Lang::En));
    assert_eq!(parsed.unwrap().items.len(), 5);
    // The CSV copy in question_banks/ holds the same rows.
    let shipped = read_csv(include_str!(
        "../../../question_banks/mau-ngan-hang-cau-hoi.csv"
    ))
    .unwrap();
    let cells = |t: &Table| {
        t.iter()
            .map(|(_, r)| {
                r.iter()
                    .filter(|c| !c.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .filter(|r| !r.is_empty())
            .collect::<Vec<_>>()
    };
    assert_eq!(cells(&shipped), cells(&table));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

    #[test]
    fn arbitrary_bytes_never_panic_the_spreadsheet_readers(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
        let _ = crate::banks::formats::read("fuzz.csv", &bytes, &Default::default());
        let _ = crate::banks::formats::read("fuzz.xlsx", &bytes, &Default::default());
        let mut zipped = b"PK\x03\x04".to_vec();
        zipped.extend(&bytes);
        let _ = crate::banks::formats::read("fuzz.xlsx", &zipped, &Default::default());
    }

    #[test]
    fn arbitrary_cells_never_panic(cells in proptest::collection::vec("\\PC{0,20}", 0..40)) {
        let mut text = String::from("Câu hỏi,A,B,Đáp án,Chủ đề,Mức độ,Loại\n");
        for row in cells.chunks(7) {
            text.push_str(&row.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect::<Vec<_>>().join(","));
            text.push('\n');
        }
        if let Ok(table) = read_csv(&text) {
            let _ = read_table("fuzz.csv", None, &table, &Default::default());
        }
    }
}

#[test]
fn column_letters_go_past_z() {
    assert_eq!(
        (
            column_letter(0),
            column_letter(25),
            column_letter(26),
            column_letter(27)
        ),
        ("A".into(), "Z".into(), "AA".into(), "AB".into())
    );
}
