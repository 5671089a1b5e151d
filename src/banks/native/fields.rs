//! Reading values out of a parsed TOML tree while keeping their line numbers, so every
//! problem is reported at the line a teacher must fix.

use std::{borrow::Cow, ops::Range};

use toml::{
    Spanned,
    de::{DeTable, DeValue},
};
use unicode_normalization::UnicodeNormalization;

use crate::banks::{
    lines::LineIndex,
    report::{Arg, Args, FileReport, args},
};

pub type Value<'i> = Spanned<DeValue<'i>>;

/// The file's text and its report: where lines are counted and findings collected.
pub struct Ctx {
    pub lines: LineIndex,
    pub report: FileReport,
}

impl Ctx {
    /// Parses `text` as TOML for a reader of `format`: every syntax error is reported at its
    /// line, and the document is returned only when there is none.
    pub fn parse<'t>(
        path: &str,
        format: &str,
        text: &'t str,
    ) -> (Self, Option<Spanned<DeTable<'t>>>) {
        let mut ctx = Ctx {
            lines: LineIndex::new(text),
            report: FileReport::new(path, format),
        };
        let (root, errors) = DeTable::parse_recoverable(text);
        for error in errors {
            let line = error.span().map(|s| ctx.line(s)).unwrap_or(0);
            let detail = error.message().trim();
            ctx.report
                .error(line, "report.invalid_toml", args![detail = detail]);
        }
        let root = (!ctx.report.has_errors()).then_some(root);
        (ctx, root)
    }

    pub fn line(&self, span: Range<usize>) -> usize {
        self.lines.line(span.start)
    }

    pub fn error_at(&mut self, span: Range<usize>, key: &'static str, args: Args) {
        let line = self.line(span);
        self.report.error(line, key, args);
    }

    pub fn warning_at(&mut self, span: Range<usize>, key: &'static str, args: Args) {
        let line = self.line(span);
        self.report.warning(line, key, args);
    }
}

/// A table being read: reports wrong types and, at the end, keys nobody asked for. `what`
/// names the table in messages ("item B-001", "an option of item B-001").
pub struct Fields<'a, 'i> {
    pub table: &'a DeTable<'i>,
    pub span: Range<usize>,
    pub what: Arg,
    asked: Vec<&'static str>,
}

impl<'a, 'i> Fields<'a, 'i> {
    pub fn new(table: &'a DeTable<'i>, span: Range<usize>, what: impl Into<Arg>) -> Self {
        Self {
            table,
            span,
            what: what.into(),
            asked: Vec::new(),
        }
    }

    pub fn get(&mut self, key: &'static str) -> Option<&'a Value<'i>> {
        self.asked.push(key);
        self.table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }

    /// A text value, NFC-normalised and trimmed; an empty required text is an error.
    pub fn text(
        &mut self,
        ctx: &mut Ctx,
        key: &'static str,
        required: bool,
    ) -> Option<(String, Range<usize>)> {
        match self.get(key) {
            None if required => {
                ctx.error_at(
                    self.span.clone(),
                    "report.field_missing",
                    args![what = self.what.clone(), key = key],
                );
                None
            }
            None => None,
            Some(value) => match value.get_ref() {
                DeValue::String(s) => {
                    let text: String = s.trim().nfc().collect();
                    if text.is_empty() && required {
                        ctx.error_at(
                            value.span(),
                            "report.field_empty",
                            args![key = key, what = self.what.clone()],
                        );
                        return None;
                    }
                    Some((text, value.span()))
                }
                other => {
                    ctx.error_at(
                        value.span(),
                        "report.field_not_text",
                        args![key = key, what = self.what.clone(), kind = kind(other)],
                    );
                    None
                }
            },
        }
    }

    pub fn boolean(&mut self, ctx: &mut Ctx, key: &'static str) -> Option<bool> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                ctx.error_at(
                    value.span(),
                    "report.field_not_boolean",
                    args![key = key, what = self.what.clone(), kind = kind(other)],
                );
                None
            }
        }
    }

    pub fn number(&mut self, ctx: &mut Ctx, key: &'static str) -> Option<f64> {
        let value = self.get(key)?;
        let parsed = match value.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f
                .as_str()
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite()),
            _ => None,
        };
        if parsed.is_none() {
            ctx.error_at(
                value.span(),
                "report.field_not_number",
                args![key = key, what = self.what.clone()],
            );
        }
        parsed
    }

    pub fn integer(&mut self, ctx: &mut Ctx, key: &'static str) -> Option<i64> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::Integer(i) => {
                i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok()
            }
            other => {
                ctx.error_at(
                    value.span(),
                    "report.field_not_integer",
                    args![key = key, what = self.what.clone(), kind = kind(other)],
                );
                None
            }
        }
    }

    pub fn array(
        &mut self,
        ctx: &mut Ctx,
        key: &'static str,
    ) -> Option<(&'a [Value<'i>], Range<usize>)> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::Array(items) => Some((items.as_ref(), value.span())),
            other => {
                ctx.error_at(
                    value.span(),
                    "report.field_not_list",
                    args![key = key, what = self.what.clone(), kind = kind(other)],
                );
                None
            }
        }
    }

    /// A list of texts (tags, accepted answers, media).
    pub fn texts(
        &mut self,
        ctx: &mut Ctx,
        key: &'static str,
    ) -> Option<Vec<(String, Range<usize>)>> {
        let (items, _) = self.array(ctx, key)?;
        let what = self.what.clone();
        let mut out = Vec::new();
        for item in items {
            match item.get_ref() {
                DeValue::String(s) => out.push((s.trim().nfc().collect(), item.span())),
                other => ctx.error_at(
                    item.span(),
                    "report.field_not_texts",
                    args![key = key, what = what.clone(), kind = kind(other)],
                ),
            }
        }
        Some(out)
    }

    /// Reports every key that was never asked for: usually a typo.
    pub fn finish(self, ctx: &mut Ctx) {
        for (key, _) in self.table.iter() {
            let name: &Cow<str> = key.get_ref();
            if !self.asked.contains(&name.as_ref()) {
                let what = self.what.clone();
                match self.asked.iter().find(|known| similar(known, name)) {
                    Some(known) => ctx.error_at(
                        key.span(),
                        "report.unknown_key_did_you_mean",
                        args![key = name.as_ref(), what = what, known = *known],
                    ),
                    None => ctx.error_at(
                        key.span(),
                        "report.unknown_key",
                        args![key = name.as_ref(), what = what],
                    ),
                }
            }
        }
    }
}

/// A table inside a value (an option, a statement, a pair), or an error.
pub fn as_table<'a, 'i>(
    ctx: &mut Ctx,
    value: &'a Value<'i>,
    what: impl Into<Arg>,
) -> Option<&'a DeTable<'i>> {
    match value.get_ref() {
        DeValue::Table(table) => Some(table),
        other => {
            ctx.error_at(
                value.span(),
                "report.not_a_table",
                args![what = what.into(), kind = kind(other)],
            );
            None
        }
    }
}

/// The kind of a value, as a phrase for messages ("a whole number").
fn kind(value: &DeValue) -> Arg {
    let key = match value {
        DeValue::String(_) => "report.kind.text",
        DeValue::Integer(_) => "report.kind.whole_number",
        DeValue::Float(_) => "report.kind.number",
        DeValue::Boolean(_) => "report.kind.boolean",
        DeValue::Datetime(_) => "report.kind.date",
        DeValue::Array(_) => "report.kind.list",
        DeValue::Table(_) => "report.kind.table",
    };
    Arg::msg(key, vec![])
}

/// Same length ±1 and at most two differing characters: enough to catch `corect` for `correct`.
fn similar(known: &str, typed: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (
        known.chars().collect(),
        typed.to_lowercase().chars().collect(),
    );
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let common_prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let common_suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    common_prefix + common_suffix + 2 >= a.len().max(b.len())
}
