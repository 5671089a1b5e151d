use super::*;
use crate::{sheets::read_csv, vocab::Lang};

fn keys(file: &PracticalFile) -> Vec<(usize, &str)> {
    file.problems.iter().map(|p| (p.line, p.key)).collect()
}

#[test]
fn reads_vietnamese_headers_decimal_commas_and_markings() {
    let csv = "\u{feff}STT;Số báo danh;Họ và tên;Lần chấm;Điểm;Giám khảo\n\
               1;K7QM-001;Nguyễn Văn An;1;7,5;Trần Thị Hoa\n\
               2;K7QM-001;Nguyễn Văn An;GK2;8;Lê Văn Minh\n\
               3;K7QM-002;Phạm Thị Bình;;;\n\
               4;K7QM-003;Vũ Văn Cường;;6.25;Trần Thị Hoa\n";
    let file = parse(&read_csv(csv).unwrap());
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    assert_eq!(file.header_row, 1);
    assert!(!file.has_part_column);
    let got: Vec<(usize, &str, u32, u8, &str)> = file
        .rows
        .iter()
        .map(|r| {
            (
                r.row,
                r.number.as_str(),
                r.points.0,
                r.marking,
                r.grader.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (2, "K7QM-001", 7500, 1, "Trần Thị Hoa"),
            (3, "K7QM-001", 8000, 2, "Lê Văn Minh"),
            (5, "K7QM-003", 6250, 1, "Trần Thị Hoa"),
        ],
        "the template row without a score or grader is left out"
    );
}

#[test]
fn headers_are_read_without_case_or_diacritics_in_any_order() {
    let csv = "PHAN,can bo cham thi,Score,SBD\n\
               Phần thực hành,Nguyễn Thị Lan,10,012\n";
    let file = parse(&read_csv(csv).unwrap());
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    assert!(file.has_part_column);
    let row = &file.rows[0];
    assert_eq!(
        (row.number.as_str(), row.points, row.grader.as_str()),
        ("012", Thousandths(10_000), "Nguyễn Thị Lan")
    );
    assert_eq!(row.part.as_deref(), Some("Phần thực hành"));
}

#[test]
fn missing_columns_name_what_is_expected_and_what_was_found() {
    let file = parse(&read_csv("Mã thí sinh;Điểm số\nK7QM-001;5\n").unwrap());
    assert!(file.rows.is_empty());
    assert_eq!(
        keys(&file),
        [
            (1, "practical.file.no_column"),
            (1, "practical.file.no_column")
        ]
    );
    let text = file.problems[0].message(Lang::Vi);
    assert!(text.contains("Số báo danh"), "{text}");
    assert!(text.contains("Mã thí sinh, Điểm số"), "{text}");
    assert!(file.problems[1].message(Lang::En).contains("Grader"));
}

#[test]
fn every_bad_row_is_named_and_no_row_is_kept() {
    let csv = "Số báo danh,Điểm,Giám khảo,Lần chấm\n\
               K7QM-001,7,GK A,1\n\
               ,6,GK A,1\n\
               K7QM-003,bảy,GK A,\n\
               K7QM-004,5,,2\n\
               K7QM-005,5,GK A,4\n\
               K7QM-006,,GK A,\n\
               K7QM-007,7.1234,GK A,\n";
    let file = parse(&read_csv(csv).unwrap());
    assert!(file.rows.is_empty(), "a file with errors imports nothing");
    assert_eq!(
        keys(&file),
        [
            (3, "practical.file.no_number"),
            (4, "practical.file.bad_points"),
            (5, "practical.file.no_grader"),
            (6, "practical.file.bad_marking"),
            (7, "practical.file.no_points"),
            (8, "practical.file.bad_points"),
        ]
    );
    assert!(
        file.problems[1]
            .message(Lang::Vi)
            .contains("Điểm “bảy” không đọc được")
    );
}

#[test]
fn an_empty_file_or_one_without_scores_says_so() {
    assert_eq!(
        keys(&parse(&read_csv("").unwrap())),
        [(0, "practical.file.empty")]
    );
    let blank = "Số báo danh,Điểm,Giám khảo\nK7QM-001,,\n";
    assert_eq!(
        keys(&parse(&read_csv(blank).unwrap())),
        [(0, "practical.file.no_scores")]
    );
}

#[test]
fn the_templates_headings_in_both_languages_are_recognised() {
    for lang in [Lang::Vi, Lang::En] {
        for column in [
            Column::Number,
            Column::Points,
            Column::Grader,
            Column::Marking,
            Column::Part,
        ] {
            let heading = lang.t(heading_key(column));
            assert_eq!(column_of(heading), Some(column), "{heading}");
        }
    }
}

#[test]
fn a_file_that_is_not_a_table_is_one_problem() {
    let file = read_file("diem.xlsx", b"PK\x03\x04 not really a zip");
    assert_eq!(keys(&file), [(0, "sheet.xlsx_unreadable")]);
    let file = read_file("diem.csv", b"\xff\xfe bad");
    assert_eq!(keys(&file), [(0, "sheet.not_utf8")]);
}

#[test]
fn markings_are_read_as_boards_write_them() {
    for (text, marking) in [
        ("", Some(1)),
        ("2", Some(2)),
        ("GK2", Some(2)),
        ("Giám khảo 3", Some(3)),
        ("lần 1", Some(1)),
        ("4", None),
        ("hai", None),
    ] {
        assert_eq!(marking_of(text), marking, "{text:?}");
    }
}
