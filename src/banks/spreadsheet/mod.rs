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
    ParsedBank,
    foreign::Defaults,
    report::{Arg, FileReport, Msg, args},
    toml_lines::{Rewrite, TomlLines, quoted},
    unsaid::{self, How, Missing},
};
use crate::sheets::Table;

mod headers;
mod row;
mod template;

use headers::{Field, field_of, option_like};
use row::write_row;

pub use template::{INSTRUCTIONS, template_rows, template_xlsx};

pub const FORMAT: &str = "spreadsheet";

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

/// Messages about a row's answer, shown at its Answer column.
const ANSWER_MESSAGES: [&str; 3] = [
    "bank.sheets.sheet_no_key",
    "bank.sheets.sheet_no_answer",
    "bank.sheets.sheet_single_many",
];

/// How a spreadsheet itself says the module, a topic, a level.
const HOW: How = How {
    module: "bank.sheets.sheet_how_module",
    topic: "bank.sheets.sheet_how_topic",
    level: "bank.sheets.sheet_how_level",
};

/// Native messages that speak of TOML keys, said in terms of rows and columns.
const REWRITES: &[Rewrite] = &[
    ("report.no_key_option", None, "bank.sheets.sheet_no_key"),
    (
        "report.single_many_correct",
        None,
        "bank.sheets.sheet_single_many",
    ),
    (
        "report.no_key_short_text",
        None,
        "bank.sheets.sheet_no_answer",
    ),
    (
        "report.field_missing",
        Some("stem"),
        "bank.sheets.sheet_no_question",
    ),
    (
        "report.field_empty",
        Some("stem"),
        "bank.sheets.sheet_no_question",
    ),
    (
        "report.list_too_short",
        Some("options"),
        "bank.sheets.sheet_few_options",
    ),
    ("report.duplicate_id", None, "bank.sheets.sheet_duplicate"),
    (
        "report.field_not_integer",
        Some("points"),
        "bank.sheets.sheet_points",
    ),
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

/// The file name without folders and extension, as a title.
fn file_stem(file: &str) -> &str {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// Reads a bank from a table of rows: `file` is the file's name, `sheet` the worksheet's
/// (for a workbook); `defaults` gives what the sheet does not say.
pub fn read_table(
    file: &str,
    sheet: Option<&str>,
    table: &Table,
    defaults: &Defaults,
) -> (Option<ParsedBank>, FileReport) {
    let name = match sheet {
        Some(sheet) => format!("{file} [{sheet}]"),
        None => file.to_string(),
    };
    let name = name.as_str();
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
    let mut meta: HashMap<&str, (String, usize)> = HashMap::new();
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
    let unknown: Vec<usize> = (0..header.len())
        .filter(|i| option_like(&header[*i]))
        .collect();
    let mut out = TomlLines::speaking_for(&["code", "module", "topic", "difficulty"], true)
        .rewording(REWRITES, &[], "bank.sheets.this_row");
    let mut errors: Vec<(usize, Option<usize>, Msg)> = Vec::new();
    let items = &rows[header_at + 1..];
    let said = |field: &str| meta.get(field).filter(|(v, _)| !v.is_empty()).cloned();
    let topic_col = columns
        .iter()
        .find(|(_, f)| *f == Field::Topic)
        .map(|c| c.0);
    let file_topics = items
        .iter()
        .filter_map(|(_, cells)| topic_col.and_then(|i| cells.get(i)))
        .map(|t| t.as_str());
    let module = unsaid::module(
        said("module").map(|m| m.0).as_deref(),
        defaults,
        file_topics,
    );
    let code = unsaid::code(said("code").map(|c| c.0).as_deref(), defaults, file);
    out.line("[bank]".into(), *header_row, None);
    let fields = [
        ("code", Some(code)),
        (
            "title",
            Some(said("title").map_or(file_stem(file).into(), |t| t.0)),
        ),
        ("module", module.clone()),
        (
            "language",
            Some(said("language").map_or("vi".into(), |l| l.0)),
        ),
    ];
    for (field, value) in fields {
        let (row, column) = said(field).map_or((*header_row, None), |(_, r)| (r, Some("B")));
        if let Some(value) = value {
            let line = format!("{field} = {}", quoted(&value));
            out.line(line, row, column.map(String::from));
        }
    }
    if module.is_none() {
        errors.push((*header_row, None, unsaid::no_module(&HOW)));
    }
    let mut missing = Missing::default();
    let mut refused: Vec<usize> = Vec::new();
    for (row, cells) in items {
        let filled_unknown = unknown
            .iter()
            .any(|i| cells.get(*i).is_some_and(|c| !c.trim().is_empty()));
        if filled_unknown {
            refused.push(*row);
            continue;
        }
        let context = row::Context {
            columns: &columns,
            header,
            defaults,
        };
        write_row(&mut out, &context, *row, cells, &mut errors, &mut missing);
    }
    if !refused.is_empty() {
        errors.push(unknown_columns(*header_row, header, &unknown, &refused));
    }
    if items.is_empty() {
        errors.push((*header_row, None, ("bank.sheets.sheet_no_rows", vec![])));
    }
    let first = |field: Field| {
        let col = columns.iter().find(|(_, f)| *f == field).map(|c| c.0);
        (missing_row(&missing, field), col)
    };
    let messages = missing.messages(&HOW, "bank.sheets.sheet_which");
    for msg in messages {
        let field = match msg.0 {
            "bank.sheets.no_topic" => Field::Topic,
            _ => Field::Level,
        };
        let (row, col) = first(field);
        errors.push((row, col, msg));
    }
    let (parsed, mut report) = out.read(name, FORMAT, vec![]);
    // Messages about a row's answer point at its Answer column.
    let answer_col = columns
        .iter()
        .find(|(_, f)| *f == Field::Answer)
        .map(|c| c.0);
    for d in report.errors.iter_mut().filter(|d| d.column.is_none()) {
        if ANSWER_MESSAGES.contains(&d.key) && d.line != *header_row {
            d.column = answer_col.map(column_letter);
        }
    }
    for (row, column, (key, args)) in errors {
        report.error(row, key, args);
        if let Some(last) = report.errors.last_mut() {
            last.column = column.map(column_letter);
        }
    }
    let parsed = parsed.filter(|_| !report.has_errors());
    (parsed, report)
}

/// The first row missing a topic (or a level), as `Missing` lists rows by number.
fn missing_row(missing: &Missing, field: Field) -> usize {
    let rows = match field {
        Field::Topic => &missing.topic,
        _ => &missing.level,
    };
    rows.first().and_then(|r| r.parse().ok()).unwrap_or(0)
}

/// One error for the rows refused because they fill columns that look like options but are
/// not recognised: the columns by letter and header, and the rows.
fn unknown_columns(
    header_row: usize,
    header: &[String],
    unknown: &[usize],
    refused: &[usize],
) -> (usize, Option<usize>, Msg) {
    let columns = unknown
        .iter()
        .map(|i| format!("{} (“{}”)", column_letter(*i), header[*i].trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut rows: Vec<String> = refused.iter().take(5).map(|r| r.to_string()).collect();
    if refused.len() > 5 {
        rows.push("…".into());
    }
    let rows = Arg::msg("bank.sheets.sheet_which", args![list = rows.join(", ")]);
    let args = args![columns = columns, count = refused.len(), rows = rows];
    (
        header_row,
        unknown.first().copied(),
        ("bank.sheets.sheet_unknown_columns", args),
    )
}

#[cfg(test)]
mod reading_tests;
#[cfg(test)]
mod tests;
