//! Validation reports: `path:line: error: message` lines a teacher can act on, a summary,
//! and the same as JSON.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding, tied to a line of the file (0 when the file as a whole is concerned).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub line: usize,
    pub severity: Severity,
    pub message: String,
}

/// The report for one file.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FileReport {
    pub path: String,
    pub format: String,
    pub items: usize,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

impl FileReport {
    pub fn new(path: impl Into<String>, format: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            format: format.into(),
            ..Self::default()
        }
    }

    pub fn error(&mut self, line: usize, message: impl Into<String>) {
        self.errors.push(Diagnostic {
            line,
            severity: Severity::Error,
            message: message.into(),
        });
    }

    pub fn warning(&mut self, line: usize, message: impl Into<String>) {
        self.warnings.push(Diagnostic {
            line,
            severity: Severity::Warning,
            message: message.into(),
        });
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Errors and warnings merged in line order, as `path:line: severity: message`.
    pub fn lines(&self) -> Vec<String> {
        let mut all: Vec<&Diagnostic> = self.errors.iter().chain(&self.warnings).collect();
        all.sort_by_key(|d| (d.line, d.severity == Severity::Warning));
        all.iter()
            .map(|d| {
                let severity = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                format!("{}:{}: {severity}: {}", self.path, d.line, d.message)
            })
            .collect()
    }

    /// `path: N items, E errors, W warnings`.
    pub fn summary(&self) -> String {
        format!(
            "{}: {} items, {} errors, {} warnings ({})",
            self.path,
            self.items,
            self.errors.len(),
            self.warnings.len(),
            self.format
        )
    }
}

/// The 1-based line of a byte offset in a text.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_sorted_and_prefixed_with_the_path() {
        let mut report = FileReport::new("iu01.toml", "sathach-toml");
        report.warning(3, "duplicate stem");
        report.error(7, "missing key");
        report.error(2, "unknown topic");
        assert_eq!(
            report.lines(),
            vec![
                "iu01.toml:2: error: unknown topic",
                "iu01.toml:3: warning: duplicate stem",
                "iu01.toml:7: error: missing key",
            ]
        );
        assert_eq!(line_of("a\nb\nc", 4), 3);
    }
}
