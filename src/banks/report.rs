//! Validation reports: `path:line: error: message` lines a teacher can act on, a summary,
//! and the same as JSON. Findings keep a catalog key and its arguments, not finished text,
//! so the same report is shown in Vietnamese or English (`locales/*.toml`, `[report]`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::vocab::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// The word shown in a report line, in a language.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Severity::Error => lang.t("report.severity.error"),
            Severity::Warning => lang.t("report.severity.warning"),
        }
    }
}

/// What fills a `{name}` placeholder: text as the file has it, or another message (a
/// phrase such as "item B-001" or "a whole number") rendered in the same language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Arg {
    Text(String),
    Msg(
        #[serde(deserialize_with = "crate::wire::key")] crate::wire::Name,
        #[serde(deserialize_with = "crate::wire::pairs")] Args,
    ),
}

/// The placeholders of a message, by name.
pub type Args = Vec<(&'static str, Arg)>;

/// A message not yet in any language: its catalog key and its placeholders.
pub type Msg = (&'static str, Args);

impl Arg {
    /// A phrase from the catalog, e.g. `Arg::msg("report.what.item", args![id = "B-001"])`.
    pub fn msg(key: &'static str, args: Args) -> Self {
        Arg::Msg(key, args)
    }

    pub fn render(&self, lang: Lang) -> String {
        match self {
            Arg::Text(text) => text.clone(),
            Arg::Msg(key, args) => render(lang, key, args),
        }
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Self {
        Arg::Text(text)
    }
}

impl From<&str> for Arg {
    fn from(text: &str) -> Self {
        Arg::Text(text.to_string())
    }
}

impl From<&String> for Arg {
    fn from(text: &String) -> Self {
        Arg::Text(text.clone())
    }
}

impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Text(n.to_string())
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Text(n.to_string())
    }
}

impl From<i32> for Arg {
    fn from(n: i32) -> Self {
        Arg::Text(n.to_string())
    }
}

impl From<Msg> for Arg {
    fn from((key, args): Msg) -> Self {
        Arg::Msg(key, args)
    }
}

/// Builds message arguments: `args![id = item.id, line = 6]`.
macro_rules! args {
    ($($name:ident = $value:expr),* $(,)?) => {
        $crate::banks::report::Args::from([$(
            (stringify!($name), $crate::banks::report::Arg::from($value))
        ),*])
    };
}
pub(crate) use args;

/// A message rendered in a language, its arguments first.
pub fn render(lang: Lang, key: &str, args: &[(&'static str, Arg)]) -> String {
    let values: Vec<(&str, String)> = args
        .iter()
        .map(|(name, arg)| (*name, arg.render(lang)))
        .collect();
    let pairs: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
    lang.fill(key, &pairs)
}

/// One finding, tied to a line of the file (0 when the file as a whole is concerned).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The line of a text file, or the row of a spreadsheet.
    pub line: usize,
    /// The spreadsheet column (`C`), for readers of tables.
    pub column: Option<String>,
    pub severity: Severity,
    #[serde(deserialize_with = "crate::wire::key")]
    pub key: crate::wire::Name,
    #[serde(deserialize_with = "crate::wire::pairs")]
    pub args: Args,
}

impl Diagnostic {
    pub fn message(&self, lang: Lang) -> String {
        render(lang, self.key, &self.args)
    }
}

/// The report for one file.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FileReport {
    pub path: String,
    pub format: String,
    pub items: usize,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    /// Items read per type (`single`, `matching`…), in every format: see [`FileReport::count`].
    pub counts: BTreeMap<String, usize>,
    /// Items skipped per type, by the other format's own type name (`essay`, `cloze`…).
    pub skipped: BTreeMap<String, usize>,
}

impl FileReport {
    pub fn new(path: impl Into<String>, format: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            format: format.into(),
            ..Self::default()
        }
    }

    pub fn error(&mut self, line: usize, key: &'static str, args: Args) {
        self.errors.push(Diagnostic {
            line,
            column: None,
            severity: Severity::Error,
            key,
            args,
        });
    }

    pub fn warning(&mut self, line: usize, key: &'static str, args: Args) {
        self.warnings.push(Diagnostic {
            line,
            column: None,
            severity: Severity::Warning,
            key,
            args,
        });
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Counts the items read, in all and per type. Every format's items pass through the
    /// native reader, which calls this: the one place reports are counted.
    pub fn count(&mut self, items: &[crate::banks::model::Item]) {
        self.items = items.len();
        self.counts.clear();
        for item in items {
            *self
                .counts
                .entry(item.body.kind().as_str().to_string())
                .or_default() += 1;
        }
    }

    /// The items per type in the order of the types, each with its name in a language.
    pub fn per_type(&self, lang: Lang) -> Vec<(String, usize)> {
        let known = crate::banks::model::ItemKind::ALL
            .into_iter()
            .filter_map(|k| {
                Some((
                    lang.t(k.label_key()).to_string(),
                    *self.counts.get(k.as_str())?,
                ))
            });
        let other = self
            .counts
            .iter()
            .filter(|(kind, _)| crate::banks::model::ItemKind::parse(kind).is_none())
            .map(|(kind, n)| (kind.clone(), *n));
        known.chain(other).collect()
    }

    /// Errors and warnings merged in line order, as `path:line: severity: message` (a Word
    /// file shows no paragraph numbers: `path: Câu 5 (“…”): severity: message`).
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        let mut all: Vec<&Diagnostic> = self.errors.iter().chain(&self.warnings).collect();
        all.sort_by_key(|d| (d.line, d.severity == Severity::Warning));
        let numbered = self.format != crate::banks::word::FORMAT;
        all.iter()
            .map(|d| {
                let place = match (&d.column, numbered) {
                    (Some(column), true) => format!("{}:{}:{column}", self.path, d.line),
                    (None, true) => format!("{}:{}", self.path, d.line),
                    (Some(column), false) => format!("{}: {column}", self.path),
                    (None, false) => self.path.clone(),
                };
                format!("{place}: {}: {}", d.severity.label(lang), d.message(lang))
            })
            .collect()
    }

    /// `path: N items, E errors, W warnings (format)`, then the items per type and the
    /// skipped ones (a format from another platform may have items sathach does not take).
    pub fn summary(&self, lang: Lang) -> String {
        let mut summary = self.totals(lang);
        if !self.counts.is_empty() || !self.skipped.is_empty() {
            let joined = |list: Vec<(String, usize)>| {
                list.iter()
                    .map(|(label, n)| format!("{label} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let skipped = self
                .skipped
                .iter()
                .map(|(k, n)| (crate::banks::foreign::kinds::label(k).render(lang), *n))
                .collect();
            let args = args![
                counts = joined(self.per_type(lang)),
                skipped = joined(skipped),
            ];
            let key = if self.skipped.is_empty() {
                "report.counts"
            } else {
                "report.counts_skipped"
            };
            summary.push_str(&format!(" — {}", render(lang, key, &args)));
        }
        summary
    }

    fn totals(&self, lang: Lang) -> String {
        render(
            lang,
            "report.summary",
            &args![
                path = &self.path,
                items = self.items,
                errors = self.errors.len(),
                warnings = self.warnings.len(),
                format = &self.format,
            ],
        )
    }

    /// The report as `--format json` prints it, its messages in a language.
    pub fn json(&self, lang: Lang) -> JsonReport<'_> {
        let findings = |list: &[Diagnostic]| {
            list.iter()
                .map(|d| JsonDiagnostic {
                    line: d.line,
                    column: d.column.clone(),
                    severity: d.severity,
                    key: d.key,
                    message: d.message(lang),
                    args: d.args.iter().map(|(n, a)| (*n, a.render(lang))).collect(),
                })
                .collect()
        };
        JsonReport {
            path: &self.path,
            format: &self.format,
            lang: lang.code(),
            items: self.items,
            counts: &self.counts,
            skipped: &self.skipped,
            errors: findings(&self.errors),
            warnings: findings(&self.warnings),
        }
    }
}

/// A report ready for JSON.
#[derive(Debug, Serialize)]
pub struct JsonReport<'r> {
    pub path: &'r str,
    pub format: &'r str,
    pub lang: &'static str,
    pub items: usize,
    pub counts: &'r BTreeMap<String, usize>,
    pub skipped: &'r BTreeMap<String, usize>,
    pub errors: Vec<JsonDiagnostic>,
    pub warnings: Vec<JsonDiagnostic>,
}

/// A finding in JSON: the catalog key for programs, the message for people.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic {
    pub line: usize,
    /// The spreadsheet column, or the question as a Word file shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub severity: Severity,
    pub key: &'static str,
    pub message: String,
    pub args: BTreeMap<&'static str, String>,
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
