//! Reading a grading board's file of practical scores (CSV or `.xlsx`, one score a row):
//! Số báo danh, Điểm, Giám khảo, and optionally Lần chấm and Phần, headers in Vietnamese or
//! English in any order, case and diacritics ignored. Pure: it runs in the upload checker's
//! child (see `checker`), and each problem names its sheet row.

use serde::{Deserialize, Serialize};

use crate::{
    banks::{
        answers::fold_text,
        report::{Arg, Args, Diagnostic, Severity, args},
    },
    blueprints::model::Thousandths,
    sheets::Table,
    text::single_line,
};

/// One score as the file gives it, not yet matched against a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreRow {
    /// The row's number in the sheet.
    pub row: usize,
    /// The candidate number as written (trimmed).
    pub number: String,
    pub points: Thousandths,
    pub grader: String,
    /// 1, 2 or 3 (1 when the file has no Lần chấm).
    pub marking: u8,
    /// The part's code or title as written, when the file says.
    pub part: Option<String>,
}

/// A board's file, read: its score rows, or the problems that keep it from being imported.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PracticalFile {
    /// The header's row in the sheet.
    pub header_row: usize,
    /// The file has a Phần column.
    pub has_part_column: bool,
    pub rows: Vec<ScoreRow>,
    /// Errors, each at its row (0: the file as a whole).
    pub problems: Vec<Diagnostic>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Column {
    Number,
    Points,
    Grader,
    Marking,
    Part,
}

/// Header words, folded (lower case, no diacritics), for each column. The template's
/// headings (`practical.column.*` in both catalogs) are among them.
const HEADERS: [(Column, &[&str]); 5] = [
    (
        Column::Number,
        &[
            "so bao danh",
            "sbd",
            "so bd",
            "candidate number",
            "candidate no",
            "number",
        ],
    ),
    (
        Column::Points,
        &[
            "diem",
            "diem thuc hanh",
            "diem so",
            "score",
            "points",
            "mark",
        ],
    ),
    (
        Column::Grader,
        &[
            "giam khao",
            "can bo cham thi",
            "can bo cham",
            "nguoi cham",
            "grader",
            "examiner",
            "marker",
        ],
    ),
    (
        Column::Marking,
        &["lan cham", "luot cham", "marking", "grader no"],
    ),
    (Column::Part, &["phan", "phan thi", "ma phan", "part"]),
];

/// The catalog key of a column's heading, as messages and the template name it.
pub fn heading_key(column: Column) -> &'static str {
    match column {
        Column::Number => "practical.column.number",
        Column::Points => "practical.column.points",
        Column::Grader => "practical.column.grader",
        Column::Marking => "practical.column.marking",
        Column::Part => "practical.column.part",
    }
}

fn column_of(header: &str) -> Option<Column> {
    let folded = fold_text(header.trim().trim_end_matches([':', '*']), true);
    HEADERS
        .iter()
        .find(|(_, names)| names.contains(&folded.as_str()))
        .map(|(column, _)| *column)
}

/// An error at a row of the file.
pub fn problem(row: usize, key: &'static str, args: Args) -> Diagnostic {
    Diagnostic {
        line: row,
        column: None,
        severity: Severity::Error,
        key,
        args,
    }
}

/// Reads the table: the first non-empty row is the header. A row with neither a score nor a
/// grader (a template row not filled in) is left out.
pub fn parse(table: &Table) -> PracticalFile {
    let mut file = PracticalFile::default();
    let mut lines = table
        .iter()
        .filter(|(_, cells)| cells.iter().any(|v| !v.trim().is_empty()));
    let Some((header_row, headers)) = lines.next() else {
        file.problems
            .push(problem(0, "practical.file.empty", args![]));
        return file;
    };
    file.header_row = *header_row;
    let mut columns: Vec<(Column, usize)> = Vec::new();
    for (index, header) in headers.iter().enumerate() {
        if let Some(column) = column_of(header)
            && !columns.iter().any(|(c, _)| *c == column)
        {
            columns.push((column, index));
        }
    }
    file.has_part_column = columns.iter().any(|(c, _)| *c == Column::Part);
    let found: Vec<String> = headers
        .iter()
        .map(|h| single_line(h))
        .filter(|h| !h.is_empty())
        .collect();
    for required in [Column::Number, Column::Points, Column::Grader] {
        if !columns.iter().any(|(c, _)| *c == required) {
            let args = args![
                column = Arg::msg(heading_key(required), args![]),
                found = found.join(", "),
            ];
            file.problems
                .push(problem(*header_row, "practical.file.no_column", args));
        }
    }
    if !file.problems.is_empty() {
        return file;
    }
    for (row, cells) in lines {
        let cell = |wanted: Column| {
            columns
                .iter()
                .find(|(c, _)| *c == wanted)
                .and_then(|(_, i)| cells.get(*i))
                .map(|v| single_line(v))
                .unwrap_or_default()
        };
        if let Some(score) = read_row(*row, &cell, &mut file.problems) {
            file.rows.push(score);
        }
    }
    if file.problems.is_empty() && file.rows.is_empty() {
        file.problems
            .push(problem(0, "practical.file.no_scores", args![]));
    }
    if !file.problems.is_empty() {
        file.rows.clear();
    }
    file
}

/// One row's score, or its problems added.
fn read_row(
    row: usize,
    cell: &dyn Fn(Column) -> String,
    problems: &mut Vec<Diagnostic>,
) -> Option<ScoreRow> {
    let (number, points_text, grader) = (
        cell(Column::Number),
        cell(Column::Points),
        cell(Column::Grader),
    );
    if points_text.is_empty() && grader.is_empty() {
        return None;
    }
    let before = problems.len();
    if number.is_empty() {
        problems.push(problem(row, "practical.file.no_number", args![]));
    }
    let points = Thousandths::parse(&points_text);
    if points_text.is_empty() {
        problems.push(problem(row, "practical.file.no_points", args![]));
    } else if points.is_none() {
        let args = args![points = points_text];
        problems.push(problem(row, "practical.file.bad_points", args));
    }
    if grader.is_empty() {
        problems.push(problem(row, "practical.file.no_grader", args![]));
    }
    let marking_text = cell(Column::Marking);
    let marking = marking_of(&marking_text);
    if marking.is_none() {
        let args = args![marking = marking_text];
        problems.push(problem(row, "practical.file.bad_marking", args));
    }
    let part = cell(Column::Part);
    match (points, marking) {
        (Some(points), Some(marking)) if problems.len() == before => Some(ScoreRow {
            row,
            number,
            points,
            grader,
            marking,
            part: Some(part).filter(|p| !p.is_empty()),
        }),
        _ => None,
    }
}

/// A marking as boards write it: empty (1), "2", "GK2", "Giám khảo 2", "Lần 3".
fn marking_of(text: &str) -> Option<u8> {
    if text.is_empty() {
        return Some(1);
    }
    let folded = fold_text(text, true);
    let rest = ["giam khao", "gk", "lan cham", "lan", "grader", "g"]
        .iter()
        .find_map(|prefix| folded.strip_prefix(prefix))
        .unwrap_or(&folded)
        .trim();
    match rest {
        "1" => Some(1),
        "2" => Some(2),
        "3" => Some(3),
        _ => None,
    }
}

/// Reads an uploaded file of scores; a file that is not a table is one problem at row 0.
pub fn read_file(file_name: &str, bytes: &[u8]) -> PracticalFile {
    match crate::sheets::read_upload(file_name, bytes) {
        Ok(table) => parse(&table),
        Err(e) => PracticalFile {
            problems: vec![problem(0, e.key, args![value = e.detail])],
            ..PracticalFile::default()
        },
    }
}

#[cfg(test)]
#[path = "practical_file_tests.rs"]
mod tests;
