//! One item row of a spreadsheet written as native TOML lines, each remembering the row and
//! column it came from, so the native reader's messages can be placed back on the sheet.

use super::{Field, column_letter, fold};
use crate::banks::toml_lines::{TomlLines, quoted};

/// Writes one item row as TOML lines; answers naming a missing option go to `missing`
/// (row, answer column, letter).
pub(super) fn write_row(
    out: &mut TomlLines,
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
    out.cell(String::new(), *row, None);
    out.cell("[[items]]".into(), *row, None);
    let question = value(Field::Question);
    let id = match value(Field::Id) {
        id if !id.is_empty() => id,
        // Without an id column, an item is known by its question's text.
        _ => format!("R-{}", text_digest(&fold(&question))),
    };
    out.cell(
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
    out.cell(
        format!("type = {}", quoted(kind)),
        *row,
        col(Field::Kind).or(col(Field::Answer)),
    );
    for (field, key) in [(Field::Topic, "topic"), (Field::Level, "difficulty")] {
        let v = value(field);
        if !v.is_empty() {
            out.cell(format!("{key} = {}", quoted(&v)), *row, col(field));
        }
    }
    if let Some(points) = Some(value(Field::Points)).filter(|p| !p.is_empty()) {
        let written = points
            .parse::<i64>()
            .map(|p| p.to_string())
            .unwrap_or_else(|_| quoted(&points));
        out.cell(format!("points = {written}"), *row, col(Field::Points));
    }
    out.cell(
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
            out.cell("options = [".into(), *row, None);
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
                out.cell(
                    format!("  {{ {} }},", fields.join(", ")),
                    *row,
                    col(Field::Option(*k)),
                );
            }
            out.cell("]".into(), *row, None);
        }
        "true_false" => {
            let truth = matches!(fold(&answer).as_str(), "dung" | "d" | "true" | "t" | "đ");
            out.cell(format!("answer = {truth}"), *row, answer_col);
        }
        "numeric" => {
            let number = answer.replace(',', ".");
            let written = number
                .parse::<f64>()
                .map(|n| n.to_string())
                .unwrap_or_else(|_| quoted(&answer));
            out.cell(format!("answer = {written}"), *row, answer_col);
        }
        _ => {
            let accepted: Vec<String> = answer
                .split('|')
                .map(|a| quoted(a.trim()))
                .filter(|a| a != "\"\"")
                .collect();
            out.cell(
                format!("answers = [{}]", accepted.join(", ")),
                *row,
                answer_col,
            );
        }
    }
    let explanation = value(Field::Explanation);
    if !explanation.is_empty() {
        out.cell(
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
        out.cell(
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

/// Writing a line from a cell: the column given by its index.
trait CellLines {
    fn cell(&mut self, text: String, row: usize, column: Option<usize>);
}

impl CellLines for TomlLines {
    fn cell(&mut self, text: String, row: usize, column: Option<usize>) {
        self.line(text, row, column.map(column_letter));
    }
}
