use super::*;
use crate::{
    blueprints::model::{Marking, Thousandths},
    results::practical_file::parse,
    sheets::read_csv,
    vocab::Lang,
};

fn part(code: &str, title: &str, graders: u8) -> Part {
    Part {
        code: code.into(),
        title: title.into(),
        external_max_points: Some(10),
        marking: Some(Marking {
            graders,
            max_difference: Thousandths(1000),
            rounding: None,
        }),
        pass: None,
        sections: vec![],
    }
}

const ROSTER: [OnRoster<'static>; 3] = [
    OnRoster {
        attempt_id: "a1",
        number: "K7QM-001",
        submitted: true,
    },
    OnRoster {
        attempt_id: "a2",
        number: "K7QM-002",
        submitted: true,
    },
    OnRoster {
        attempt_id: "a3",
        number: "K7QM-003",
        submitted: false,
    },
];

fn matched(csv: &str, parts: &[&Part]) -> Result<Vec<Matched>, Vec<(usize, String)>> {
    let file = parse(&read_csv(csv).unwrap());
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    match_rows(&file, "K7QM", &ROSTER, parts)
        .map_err(|ps| ps.iter().map(|p| (p.line, p.message(Lang::Vi))).collect())
}

#[test]
fn full_numbers_or_sequences_match_and_the_only_part_is_implied() {
    let p = part("thuc-hanh", "Phần thực hành", 2);
    let csv = "SBD,Lần chấm,Điểm,Giám khảo\nk7qm-001,1,7,A\n2,1,8,B\nK7QM 001,2,7.5,C\n";
    let rows = matched(csv, &[&p]).unwrap();
    let got: Vec<(&str, &str, u8, Points)> = rows
        .iter()
        .map(|m| {
            (
                m.attempt_id.as_str(),
                m.part_code.as_str(),
                m.marking,
                m.points,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("a1", "thuc-hanh", 1, Points::from_integer(7)),
            ("a2", "thuc-hanh", 1, Points::from_integer(8)),
            ("a1", "thuc-hanh", 2, Points::new(15, 2)),
        ]
    );
}

#[test]
fn every_row_that_does_not_fit_the_session_is_named() {
    let p = part("thuc-hanh", "Phần thực hành", 1);
    let csv = "Số báo danh,Điểm,Giám khảo,Lần chấm\n\
               K7QM-001,7,A,1\n\
               K7QM-099,7,A,1\n\
               K7QM-003,5,A,1\n\
               K7QM-002,10.5,A,1\n\
               K7QM-002,10,A,2\n\
               001,6,B,1\n";
    let problems = matched(csv, &[&p]).unwrap_err();
    assert_eq!(
        problems,
        [
            (
                3,
                "Số báo danh K7QM-099 không có trong ca thi này.".to_string()
            ),
            (
                4,
                "Thí sinh K7QM-003 không dự thi hoặc chưa nộp bài nên không nhập được điểm thực hành."
                    .to_string()
            ),
            (5, "Điểm 10,5 ngoài khoảng từ 0 đến 10.".to_string()),
            (
                6,
                "Không có lần chấm 2: phần thuc-hanh chỉ do một giám khảo chấm.".to_string()
            ),
            (
                7,
                "Trùng với dòng 2: cùng thí sinh K7QM-001, cùng phần thi và lần chấm.".to_string()
            ),
        ]
    );
}

#[test]
fn with_several_parts_each_row_names_its_part_by_code_or_title() {
    let (a, b) = (
        part("word", "Soạn thảo văn bản", 1),
        part("excel", "Bảng tính", 1),
    );
    let csv = "SBD,Phần,Điểm,Giám khảo\n1,soan thao van ban,7,A\n1,EXCEL,8,A\n2,powerpoint,5,A\n";
    let problems = matched(csv, &[&a, &b]).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, 4);
    assert!(
        problems[0].1.contains("“powerpoint”") && problems[0].1.contains("excel (Bảng tính)"),
        "{}",
        problems[0].1
    );
    let ok = matched(&csv.replace("powerpoint", "word"), &[&a, &b]).unwrap();
    assert_eq!(ok[1].part_code, "excel");
    let no_column = matched("SBD,Điểm,Giám khảo\n1,7,A\n", &[&a, &b]).unwrap_err();
    assert_eq!(no_column[0].0, 1, "the header row: {no_column:?}");
    assert!(no_column[0].1.contains("cột Phần"), "{no_column:?}");
}

#[test]
fn a_row_repeating_the_latest_score_of_its_marking_is_unchanged() {
    let p = part("thuc-hanh", "Phần thực hành", 2);
    let rows = matched("SBD,Điểm,Giám khảo\n1,7,A\n", &[&p]).unwrap();
    let latest = |num: i64, marking: i64| Latest {
        attempt_id: "a1".into(),
        part_code: "thuc-hanh".into(),
        marking,
        points_num: num,
        points_den: 1,
        grader: "A".into(),
    };
    assert!(rows[0].unchanged(&[latest(7, 1)]));
    assert!(!rows[0].unchanged(&[latest(6, 1)]));
    assert!(!rows[0].unchanged(&[latest(7, 2)]));
}
