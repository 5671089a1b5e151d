//! Native TOML written line by line by the readers of other formats (spreadsheets, Word),
//! each line remembering where in the original file it came from, so the native reader's
//! rules and messages apply unchanged and each message is placed back on the original.

use super::{
    MediaFile, ParsedBank, native,
    report::{Arg, Diagnostic, FileReport},
};

/// TOML text written from another format, and where each of its lines came from.
#[derive(Default)]
pub struct TomlLines {
    text: String,
    /// For each TOML line (1-based, index + 1): the original line (row, paragraph) and
    /// column (a spreadsheet column, a question number).
    places: Vec<(usize, Option<String>)>,
    /// Fields whose absence the writing reader reports in its own words.
    missing_said: &'static [&'static str],
    /// The writing reader reports a file without items in its own words.
    empty_said: bool,
    /// Native messages the writing reader words in its own terms (rows and columns, Word's
    /// questions) instead of TOML keys.
    rewrites: &'static [Rewrite],
    /// Native messages the writing reader gives itself, in its own terms: left out.
    said: &'static [&'static str],
    /// How the writing reader names an item in `{what}` ("this row", "this question"): the
    /// place the message is shown at already says which one.
    item: Option<&'static str>,
}

/// A native message said in the writing reader's terms: the native key, the value of its
/// `key` argument if only that field is concerned, and the reader's key (same arguments).
pub type Rewrite = (&'static str, Option<&'static str>, &'static str);

impl TomlLines {
    /// Lines for a reader that reports these missing fields (and, if `empty`, a file without
    /// items) in its own terms: the native reader's messages for them, which speak TOML
    /// (`[bank] thiếu \`module\``), are then left out of the report.
    pub fn speaking_for(missing: &'static [&'static str], empty: bool) -> Self {
        TomlLines {
            missing_said: missing,
            empty_said: empty,
            ..TomlLines::default()
        }
    }

    /// Native messages said in the reader's own terms, those it gives itself (left out), and
    /// how it names an item in them.
    pub fn rewording(
        mut self,
        rewrites: &'static [Rewrite],
        said: &'static [&'static str],
        item: &'static str,
    ) -> Self {
        self.rewrites = rewrites;
        self.said = said;
        self.item = Some(item);
        self
    }

    /// A native message in the reader's terms: its key rewritten, an item named the reader's way.
    fn reword(&self, d: &mut Diagnostic) {
        let field = d.args.iter().find_map(|(name, value)| match value {
            Arg::Text(text) if *name == "key" => Some(text.clone()),
            _ => None,
        });
        if let Some((_, _, key)) = self.rewrites.iter().find(|(native, only, _)| {
            *native == d.key && only.is_none_or(|f| field.as_deref() == Some(f))
        }) {
            d.key = key;
        }
        if let Some(item) = self.item {
            for (name, value) in d.args.iter_mut() {
                if *name == "what" && matches!(value, Arg::Msg("report.what.item", _)) {
                    *value = Arg::msg(item, vec![]);
                }
            }
        }
    }

    /// A native message the writing reader has already given in its own terms.
    fn said_by_reader(&self, d: &Diagnostic) -> bool {
        match d.key {
            key if self.said.contains(&key) => true,
            "report.no_items" => self.empty_said,
            "report.field_missing" => d.args.iter().any(|(name, value)| {
                *name == "key" && self.missing_said.iter().any(|f| *value == Arg::from(*f))
            }),
            _ => false,
        }
    }

    pub fn line(&mut self, text: String, place: usize, column: Option<String>) {
        self.text.push_str(&text);
        self.text.push('\n');
        self.places.push((place, column));
    }

    /// Reads the written TOML with the native reader and places every message back on the
    /// original file; the report names the original format.
    pub fn read(
        &self,
        name: &str,
        format: &str,
        media: Vec<MediaFile>,
    ) -> (Option<ParsedBank>, FileReport) {
        let (parsed, mut report) = native::read_bank(name, &self.text, media);
        report.format = format.into();
        report.errors.retain(|d| !self.said_by_reader(d));
        for d in report.errors.iter_mut().chain(report.warnings.iter_mut()) {
            self.reword(d);
            if let Some((place, column)) = d.line.checked_sub(1).and_then(|i| self.places.get(i)) {
                d.line = *place;
                d.column = column.clone();
            }
        }
        (parsed, report)
    }
}

/// A TOML basic string on one line (line breaks escaped), so TOML lines map to the
/// original one to one.
pub fn quoted(text: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn quoted_strings_stay_on_one_line_and_read_back() {
        assert_eq!(quoted("a\"b\\c\nd\te"), r#""a\"b\\c\nd\te""#);
        let value: toml::Table =
            toml::from_str(&format!("x = {}", quoted("dòng 1\ndòng \"2\""))).unwrap();
        assert_eq!(value["x"].as_str(), Some("dòng 1\ndòng \"2\""));
    }
}
