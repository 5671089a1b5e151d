//! One item row of a spreadsheet written as native TOML lines, each remembering the row and
//! column it came from, so the native reader's messages can be placed back on the sheet.

use super::{
    column_letter, fold,
    headers::{Field, names_column},
};
use crate::banks::{
    answers::{fold_text, parse_number},
    foreign::Defaults,
    report::{Arg, Msg, args},
    toml_lines::{TomlLines, quoted},
    unsaid::Missing,
};

/// What every row is read against: the columns, the header row, the importer's choices.
pub(super) struct Context<'a> {
    pub columns: &'a [(usize, Field)],
    pub header: &'a [String],
    pub defaults: &'a Defaults,
}

/// Writes one item row as TOML lines. Problems the native reader cannot see (an answer naming
/// no option, a letter answer without options) go to `errors` as (row, column, message), and
/// such a row is not written; a row without topic or level (after the defaults) is noted in
/// `missing`.
pub(super) fn write_row(
    out: &mut TomlLines,
    ctx: &Context<'_>,
    row: usize,
    cells: &[String],
    errors: &mut Vec<(usize, Option<usize>, Msg)>,
    missing: &mut Missing,
) {
    let columns = ctx.columns;
    let cell = |f: Field| -> Option<(usize, String)> {
        columns
            .iter()
            .find(|(_, g)| *g == f)
            .and_then(|(i, _)| cells.get(*i).map(|v| (*i, v.trim().to_string())))
    };
    let value = |f: Field| cell(f).map(|(_, v)| v).unwrap_or_default();
    let col = |f: Field| cell(f).map(|(i, _)| i).or_else(|| column_of(columns, f));
    let options: Vec<(usize, String)> = (0..8)
        .filter_map(|k| {
            cell(Field::Option(k))
                .filter(|(_, v)| !v.is_empty())
                .map(|(_, v)| (k, v))
        })
        .collect();
    let answer = value(Field::Answer);
    let answer_col = col(Field::Answer);
    let keys = keys_of(&answer, &options, ctx);
    let kind = match kind_of(&value(Field::Kind), &answer, &keys, options.len()) {
        Ok(kind) => kind,
        Err(msg) => return errors.push((row, answer_col, msg)),
    };
    let keys = keys.unwrap_or_default();
    if matches!(kind, "single" | "multiple") {
        if !options.is_empty() && !answer.is_empty() && keys.is_empty() {
            let msg = (
                "bank.sheets.sheet_answer_unreadable",
                args![answer = &answer],
            );
            return errors.push((row, answer_col, msg));
        }
        let absent: Vec<&usize> = keys
            .iter()
            .filter(|k| !options.iter().any(|(o, _)| o == *k))
            .collect();
        if let Some(k) = absent.first() {
            let letter = column_letter(**k);
            let msg = ("report.sheet_key_without_option", args![letter = letter]);
            return errors.push((row, answer_col, msg));
        }
    }
    let truth = match fold(&answer).as_str() {
        "dung" | "d" | "true" | "t" => Some(true),
        "sai" | "s" | "false" | "f" => Some(false),
        _ => None,
    };
    if kind == "true_false" && truth.is_none() {
        let msg = ("bank.sheets.sheet_true_false", args![answer = &answer]);
        return errors.push((row, answer_col, msg));
    }
    let number = parse_number(&answer);
    if kind == "numeric" && number.is_none() {
        let what = Arg::msg("bank.sheets.this_row", vec![]);
        let msg = ("bank.sheets.sheet_not_number", args![what = what]);
        return errors.push((row, answer_col, msg));
    }
    out.cell(String::new(), row, None);
    out.cell("[[items]]".into(), row, None);
    let question = value(Field::Question);
    let id = match value(Field::Id) {
        id if !id.is_empty() => id,
        // Without an id column, an item is known by its question's text.
        _ => format!("R-{}", text_digest(&fold(&question))),
    };
    out.cell(
        format!("id = {}", quoted(&id)),
        row,
        col(Field::Id).or(col(Field::Question)),
    );
    out.cell(
        format!("type = {}", quoted(kind)),
        row,
        col(Field::Kind).or(answer_col),
    );
    let topic = Some(value(Field::Topic))
        .filter(|t| !t.is_empty())
        .or_else(|| ctx.defaults.topic.clone());
    match topic {
        Some(topic) => out.cell(
            format!("topic = {}", quoted(&topic)),
            row,
            col(Field::Topic),
        ),
        None => missing.topic.push(row.to_string()),
    }
    let level = Some(value(Field::Level))
        .filter(|l| !l.is_empty())
        .or_else(|| ctx.defaults.level.map(|l| format!("{l:?}")));
    match level {
        Some(level) => out.cell(
            format!("difficulty = {}", quoted(&level)),
            row,
            col(Field::Level),
        ),
        None => missing.level.push(row.to_string()),
    }
    if let Some(points) = Some(value(Field::Points)).filter(|p| !p.is_empty()) {
        let written = points
            .parse::<i64>()
            .map(|p| p.to_string())
            .unwrap_or_else(|_| quoted(&points));
        out.cell(format!("points = {written}"), row, col(Field::Points));
    }
    out.cell(
        format!("stem = {}", quoted(&question)),
        row,
        col(Field::Question),
    );
    match kind {
        "single" | "multiple" => {
            out.cell("options = [".into(), row, None);
            for (k, text) in &options {
                let (pinned, text) = match text.strip_prefix('#') {
                    Some(rest) => (true, rest.trim()),
                    None => (false, text.as_str()),
                };
                let mut fields = vec![format!("text = {}", quoted(text))];
                if keys.contains(k) {
                    fields.push("correct = true".into());
                }
                if pinned {
                    fields.push("pinned = true".into());
                }
                out.cell(
                    format!("  {{ {} }},", fields.join(", ")),
                    row,
                    col(Field::Option(*k)),
                );
            }
            out.cell("]".into(), row, None);
        }
        "true_false" => {
            let truth = truth.unwrap_or_default();
            out.cell(format!("answer = {truth}"), row, answer_col);
        }
        "numeric" => {
            let number = number.unwrap_or_default();
            out.cell(format!("answer = {number:?}"), row, answer_col);
        }
        _ => {
            let accepted: Vec<String> = answer
                .split('|')
                .map(|a| quoted(a.trim()))
                .filter(|a| a != "\"\"")
                .collect();
            out.cell(
                format!("answers = [{}]", accepted.join(", ")),
                row,
                answer_col,
            );
        }
    }
    let explanation = value(Field::Explanation);
    if !explanation.is_empty() {
        out.cell(
            format!("explanation = {}", quoted(&explanation)),
            row,
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
            row,
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

/// The column of a field, for a message about a cell the row leaves empty.
fn column_of(columns: &[(usize, Field)], field: Field) -> Option<usize> {
    columns.iter().find(|(_, f)| *f == field).map(|(i, _)| *i)
}

/// The letters of an answer (`A`, `A, C`, `b;d`), if it is only letters A–H.
fn letters(answer: &str) -> Option<Vec<usize>> {
    let tokens: Vec<&str> = answer
        .split([',', ';', ' ', '/'])
        .filter(|t| !t.is_empty())
        .collect();
    let letter = |t: &str| {
        let t = t.trim().to_uppercase();
        let c = t.chars().next()?;
        (t.len() == 1 && ('A'..='H').contains(&c)).then(|| c as usize - 'A' as usize)
    };
    let keys: Option<Vec<usize>> = tokens.iter().map(|t| letter(t)).collect();
    keys.filter(|k| !k.is_empty())
}

/// The options an answer names: by letter (`A, C`), by an option column's header (`PA2`,
/// `Phương án B`), or by an option's own text (`Bàn phím`; several separated by `;` or `|`).
/// `None` when it names none of these.
fn keys_of(answer: &str, options: &[(usize, String)], ctx: &Context<'_>) -> Option<Vec<usize>> {
    if let Some(keys) = letters(answer) {
        return Some(keys);
    }
    let same = |a: &str, b: &str| {
        fold_text(a.trim(), false) == fold_text(b.trim().trim_start_matches('#'), false)
    };
    let one = |part: &str| -> Option<usize> {
        options
            .iter()
            .find(|(_, text)| same(part, text))
            .map(|(k, _)| *k)
            .or_else(|| {
                ctx.columns.iter().find_map(|(i, f)| match f {
                    Field::Option(k) if names_column(part, &ctx.header[*i]) => Some(*k),
                    _ => None,
                })
            })
    };
    if answer.trim().is_empty() {
        return None;
    }
    if let Some(k) = one(answer) {
        return Some(vec![k]);
    }
    answer
        .split([';', '|', '\n'])
        .filter(|p| !p.trim().is_empty())
        .map(one)
        .collect()
}

/// The item type a row asks for (`Loại`), or the one its answer implies. A row whose answer
/// is option letters but that has no options is refused: its options are missing (or sit in
/// columns not read as options), and it must not become a short-answer item by mistake.
fn kind_of(
    typed: &str,
    answer: &str,
    keys: &Option<Vec<usize>>,
    options: usize,
) -> Result<&'static str, Msg> {
    match fold(typed).as_str() {
        "mot lua chon" | "mot dap an" | "single" => return Ok("single"),
        "nhieu lua chon" | "nhieu dap an" | "multiple" => return Ok("multiple"),
        "dung/sai" | "dung sai" | "true/false" | "true_false" => return Ok("true_false"),
        "tra loi ngan" | "short_text" | "short" => return Ok("short_text"),
        "so" | "numeric" | "number" => return Ok("numeric"),
        _ => {}
    }
    let many = keys.as_ref().is_some_and(|k| k.len() > 1);
    if options > 0 {
        Ok(if many { "multiple" } else { "single" })
    } else if letters(answer).is_some() {
        Err((
            "bank.sheets.sheet_letters_without_options",
            args![answer = answer],
        ))
    } else if matches!(fold(answer).as_str(), "dung" | "sai" | "true" | "false") {
        Ok("true_false")
    } else {
        Ok("short_text")
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
