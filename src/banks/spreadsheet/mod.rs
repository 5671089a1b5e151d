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
    MediaFile, ParsedBank, native,
    report::{FileReport, args},
};
use crate::sheets::Table;

mod template;

pub use template::template_rows;

pub const FORMAT: &str = "spreadsheet";

/// A column of the item rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Field {
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

fn fold(text: &str) -> String {
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

/// TOML text written from the rows, and where each of its lines came from.
struct Writer {
    text: String,
    /// For each TOML line (1-based, index + 1): the row and column it came from.
    places: Vec<(usize, Option<String>)>,
}

impl Writer {
    fn line(&mut self, text: String, row: usize, column: Option<usize>) {
        self.text.push_str(&text);
        self.text.push('\n');
        self.places.push((row, column.map(column_letter)));
    }
}

/// A TOML basic string on one line (line breaks escaped), so TOML lines map to cells one to one.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Reads a bank from a table of rows (`name` is the file, and the sheet for a workbook).
pub fn read_table(
    name: &str,
    table: &Table,
    media: Vec<MediaFile>,
) -> (Option<ParsedBank>, FileReport) {
    let mut out = Writer {
        text: String::new(),
        places: Vec::new(),
    };
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
            out.line(format!("{field} = {}", quoted(&value)), row, Some(1));
        }
    }
    let mut report_extra = Vec::new();
    for (row, cells) in &rows[header_at + 1..] {
        write_row(&mut out, &columns, row, cells, &mut report_extra);
    }
    let (parsed, mut report) = native::read_bank(name, &out.text, media);
    report.format = FORMAT.into();
    for d in report.errors.iter_mut().chain(report.warnings.iter_mut()) {
        if let Some((row, column)) = d.line.checked_sub(1).and_then(|i| out.places.get(i)) {
            d.line = *row;
            d.column = column.clone();
        }
    }
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

/// Writes one item row as TOML lines; answers naming a missing option go to `missing`
/// (row, answer column, letter).
fn write_row(
    out: &mut Writer,
    columns: &[(usize, Field)],
    row: &usize,
    cells: &[String],
    report_extra: &mut Vec<(usize, Option<usize>, String)>,
) {
    let cell = |f: Field| -> Option<(usize, String)> {
        columns
            .iter()
            .find(|(_, g)| *g == f)
            .and_then(|(i, _)| cells.get(*i).map(|v| (*i, v.trim().to_string())))
    };
    let value = |f: Field| cell(f).map(|(_, v)| v).unwrap_or_default();
    let col = |f: Field| cell(f).map(|(i, _)| i);
    out.line(String::new(), *row, None);
    out.line("[[items]]".into(), *row, None);
    let question = value(Field::Question);
    let id = match value(Field::Id) {
        id if !id.is_empty() => id,
        // Without an id column, an item is known by its question's text.
        _ => format!("R-{}", text_digest(&fold(&question))),
    };
    out.line(
        format!("id = {}", quoted(&id)),
        *row,
        col(Field::Id).or(col(Field::Question)),
    );
    let options: Vec<(usize, String)> = (0..8)
        .filter_map(|k| {
            cell(Field::Option(k))
                .filter(|(_, v)| !v.is_empty())
                .map(|(_, v)| (k, v))
        })
        .collect();
    let answer = value(Field::Answer);
    let kind = kind_of(&value(Field::Kind), &answer, options.len());
    out.line(
        format!("type = {}", quoted(kind)),
        *row,
        col(Field::Kind).or(col(Field::Answer)),
    );
    for (field, key) in [(Field::Topic, "topic"), (Field::Level, "difficulty")] {
        let v = value(field);
        if !v.is_empty() {
            out.line(format!("{key} = {}", quoted(&v)), *row, col(field));
        }
    }
    if let Some(points) = Some(value(Field::Points)).filter(|p| !p.is_empty()) {
        let written = points
            .parse::<i64>()
            .map(|p| p.to_string())
            .unwrap_or_else(|_| quoted(&points));
        out.line(format!("points = {written}"), *row, col(Field::Points));
    }
    out.line(
        format!("stem = {}", quoted(&question)),
        *row,
        col(Field::Question),
    );
    let answer_col = col(Field::Answer);
    match kind {
        "single" | "multiple" => {
            let letters: Vec<usize> = answer
                .split([',', ';', ' ', '/'])
                .filter(|l| !l.is_empty())
                .filter_map(|l| {
                    let l = l.trim().to_uppercase();
                    (l.len() == 1 && ('A'..='H').contains(&l.chars().next().unwrap_or(' ')))
                        .then(|| usize::from(l.as_bytes()[0] - b'A'))
                })
                .collect();
            for k in &letters {
                if !options.iter().any(|(o, _)| o == k) {
                    report_extra.push((*row, answer_col, column_letter(*k)));
                }
            }
            out.line("options = [".into(), *row, None);
            for (k, text) in &options {
                let (pinned, text) = match text.strip_prefix('#') {
                    Some(rest) => (true, rest.trim()),
                    None => (false, text.as_str()),
                };
                let mut fields = vec![format!("text = {}", quoted(text))];
                if letters.contains(k) {
                    fields.push("correct = true".into());
                }
                if pinned {
                    fields.push("pinned = true".into());
                }
                out.line(
                    format!("  {{ {} }},", fields.join(", ")),
                    *row,
                    col(Field::Option(*k)),
                );
            }
            out.line("]".into(), *row, None);
        }
        "true_false" => {
            let truth = matches!(fold(&answer).as_str(), "dung" | "d" | "true" | "t" | "đ");
            out.line(format!("answer = {truth}"), *row, answer_col);
        }
        "numeric" => {
            let number = answer.replace(',', ".");
            let written = number
                .parse::<f64>()
                .map(|n| n.to_string())
                .unwrap_or_else(|_| quoted(&answer));
            out.line(format!("answer = {written}"), *row, answer_col);
        }
        _ => {
            let accepted: Vec<String> = answer
                .split('|')
                .map(|a| quoted(a.trim()))
                .filter(|a| a != "\"\"")
                .collect();
            out.line(
                format!("answers = [{}]", accepted.join(", ")),
                *row,
                answer_col,
            );
        }
    }
    let explanation = value(Field::Explanation);
    if !explanation.is_empty() {
        out.line(
            format!("explanation = {}", quoted(&explanation)),
            *row,
            col(Field::Explanation),
        );
    }
    let tags: Vec<String> = value(Field::Tags)
        .split([',', ';'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(quoted)
        .collect();
    if !tags.is_empty() {
        out.line(
            format!("tags = [{}]", tags.join(", ")),
            *row,
            col(Field::Tags),
        );
    }
}

/// The first ten hex digits of the SHA-256 of a text: a stable id for a row without one.
fn text_digest(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .take(5)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The item type a row asks for (`Loại`), or the one its answer implies.
fn kind_of(typed: &str, answer: &str, options: usize) -> &'static str {
    match fold(typed).as_str() {
        "mot lua chon" | "mot dap an" | "single" => return "single",
        "nhieu lua chon" | "nhieu dap an" | "multiple" => return "multiple",
        "dung/sai" | "dung sai" | "true/false" | "true_false" => return "true_false",
        "tra loi ngan" | "short_text" | "short" => return "short_text",
        "so" | "numeric" | "number" => return "numeric",
        _ => {}
    }
    let letters = answer
        .split([',', ';', ' ', '/'])
        .filter(|l| !l.trim().is_empty())
        .count();
    if options > 0 {
        if letters > 1 { "multiple" } else { "single" }
    } else if matches!(fold(answer).as_str(), "dung" | "sai" | "true" | "false") {
        "true_false"
    } else {
        "short_text"
    }
}

#[cfg(test)]
mod tests;
