//! Banks kept in spreadsheets (`.xlsx` or `.csv`), one item per row, as Vietnamese teachers
//! keep them in Excel. The rows are written out as the native TOML format, one field per line,
//! and read by the native reader, so every rule and message is the same; each message is then
//! placed back at the row and column it came from (`file.xlsx:7:C: lỗi: …`).
//!
//! The layout (documented in `question_banks/README.md`, with a template to download): a few
//! rows naming the bank (`Mã ngân hàng`, `Tên ngân hàng`, `Mô đun`, `Ngôn ngữ`), then a header
//! row, then the items. Headers are Vietnamese or English, in any order.

use std::collections::HashMap;

use super::{
    MediaFile, ParsedBank,
    report::{FileReport, args},
};
use crate::sheets::Table;

mod row;
mod template;

use super::toml_lines::{TomlLines, quoted};
use row::write_row;

pub use template::template_rows;

pub const FORMAT: &str = "spreadsheet";

/// A column of the item rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Field {
    Id,
    Kind,
    Topic,
    Level,
    Points,
    Question,
    Option(usize),
    Answer,
    Explanation,
    Tags,
}

/// Folded header words for each field (lower case, no diacritics).
const HEADERS: [(Field, &[&str]); 9] = [
    (Field::Id, &["ma cau", "ma cau hoi", "id", "question id"]),
    (Field::Kind, &["loai", "loai cau hoi", "type"]),
    (Field::Topic, &["chu de", "topic"]),
    (Field::Level, &["muc do", "level", "difficulty"]),
    (Field::Points, &["diem", "points"]),
    (
        Field::Question,
        &["cau hoi", "noi dung", "noi dung cau hoi", "question"],
    ),
    (Field::Answer, &["dap an", "answer", "key"]),
    (Field::Explanation, &["giai thich", "explanation"]),
    (Field::Tags, &["the", "tags"]),
];

/// What the header row must hold, as the message names it.
const EXPECTED: &str = "Câu hỏi / Question, A … H, Đáp án / Answer, Chủ đề / Topic, Mức độ / Level \
                        (và nếu cần / and if needed: Mã câu / ID, Loại / Type, Điểm / Points, \
                        Giải thích / Explanation, Thẻ / Tags)";

/// The rows naming the bank, before the header.
const META: [(&str, &[&str]); 4] = [
    ("code", &["ma ngan hang", "ma", "bank code", "code"]),
    ("title", &["ten ngan hang", "ten", "bank title", "title"]),
    ("module", &["mo dun", "module"]),
    ("language", &["ngon ngu", "language"]),
];

pub(super) fn fold(text: &str) -> String {
    super::answers::fold_text(text.trim().trim_end_matches(':'), true)
}

/// The spreadsheet column letter of a 0-based index (`A`, …, `Z`, `AA`, …).
pub fn column_letter(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(char::from(b'A' + (index % 26) as u8));
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().collect()
}

fn field_of(header: &str) -> Option<Field> {
    let folded = fold(header);
    if folded.len() == 1 && ('a'..='h').contains(&folded.chars().next()?) {
        return Some(Field::Option(usize::from(folded.as_bytes()[0] - b'a')));
    }
    HEADERS
        .iter()
        .find(|(_, names)| names.contains(&folded.as_str()))
        .map(|(f, _)| *f)
}

/// Reads a bank from a table of rows (`name` is the file, and the sheet for a workbook).
pub fn read_table(
    name: &str,
    table: &Table,
    media: Vec<MediaFile>,
) -> (Option<ParsedBank>, FileReport) {
    let mut out = TomlLines::default();
    let mut meta: HashMap<&str, (String, usize)> = HashMap::new();
    let rows: Vec<&(usize, Vec<String>)> = table
        .iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .collect();
    let header_at = rows.iter().position(|(_, cells)| {
        let fields: Vec<Field> = cells.iter().filter_map(|c| field_of(c)).collect();
        fields.contains(&Field::Question) && fields.contains(&Field::Answer)
    });
    let Some(header_at) = header_at else {
        let mut report = FileReport::new(name, FORMAT);
        let found = rows
            .first()
            .map(|(_, cells)| {
                cells
                    .iter()
                    .filter(|c| !c.trim().is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let row = rows.first().map_or(1, |(r, _)| *r);
        report.error(
            row,
            "report.sheet_layout",
            args![found = found, expected = EXPECTED],
        );
        return (None, report);
    };
    for (row, cells) in &rows[..header_at] {
        let key = cells.first().map(|c| fold(c)).unwrap_or_default();
        if let Some((field, _)) = META.iter().find(|(_, names)| names.contains(&key.as_str())) {
            let value = cells
                .iter()
                .skip(1)
                .find(|c| !c.trim().is_empty())
                .cloned()
                .unwrap_or_default();
            meta.insert(field, (value.trim().to_string(), *row));
        }
    }
    let (header_row, header) = rows[header_at];
    let columns: Vec<(usize, Field)> = header
        .iter()
        .enumerate()
        .filter_map(|(i, h)| field_of(h).map(|f| (i, f)))
        .collect();
    out.line("[bank]".into(), *header_row, None);
    for (field, _) in META {
        let (value, row) = meta.get(field).cloned().unwrap_or_else(|| {
            (
                if field == "language" {
                    "vi".into()
                } else {
                    String::new()
                },
                *header_row,
            )
        });
        if !value.is_empty() {
            out.line(
                format!("{field} = {}", quoted(&value)),
                row,
                Some("B".into()),
            );
        }
    }
    let mut report_extra = Vec::new();
    for (row, cells) in &rows[header_at + 1..] {
        write_row(&mut out, &columns, row, cells, &mut report_extra);
    }
    let (parsed, mut report) = out.read(name, FORMAT, media);
    for (row, column, letter) in report_extra {
        report.error(
            row,
            "report.sheet_key_without_option",
            args![letter = letter],
        );
        if let Some(last) = report.errors.last_mut() {
            last.column = column.map(column_letter);
        }
    }
    let parsed = parsed.filter(|_| !report.has_errors());
    (parsed, report)
}

#[cfg(test)]
mod tests;
