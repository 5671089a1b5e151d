//! The builder's errors at their fields: every finding of the reader and the bank check,
//! found at the line of the written TOML, is moved to the field that line came from and
//! worded for the form (no keys of a file, no line numbers); the summary at the top of the
//! page names where each one is and links to it.

use super::write::{Place, Written};
use crate::{
    banks::report::{Arg, Diagnostic, render},
    vocab::Lang,
};

/// One problem: the id of its field, the message beside the field, and the line of the
/// summary (where it is, then the message).
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub field: String,
    pub message: String,
    pub summary: String,
}

/// The problems of one submit, in the order of the form.
#[derive(Clone, Debug, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message(s) beside a field.
    pub fn at(&self, field: &str) -> Option<String> {
        let found: Vec<&str> = self
            .0
            .iter()
            .filter(|p| p.field == field)
            .map(|p| p.message.as_str())
            .collect();
        (!found.is_empty()).then(|| found.join(" "))
    }

    /// (field, summary line) pairs, as the error summary macro takes them.
    pub fn summary(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .map(|p| (p.field.clone(), p.summary.clone()))
            .collect()
    }

    fn add(&mut self, lang: Lang, place: &Place, key: &str, message: String) {
        let field = place.id(key);
        if self
            .0
            .iter()
            .any(|p| p.field == field && p.message == message)
        {
            return;
        }
        let summary = format!("{}: {message}", where_is(lang, place, key));
        self.0.push(Problem {
            field,
            message,
            summary,
        });
    }

    /// A problem of the blueprint as a whole, found by the page (a code already taken).
    pub fn add_at(&mut self, lang: Lang, field: &str, message: &str) {
        self.add(lang, &Place::default(), field, message.to_string());
    }

    /// The fields the writer refused (words in a number field).
    pub fn add_refused(&mut self, lang: Lang, written: &Written) {
        for (place, key) in &written.problems {
            self.add(lang, place, &place.key, lang.t(key).to_string());
        }
    }

    /// Findings of the reader or the bank check on `written`, each at its field; none for a
    /// field that already shows a problem of its own.
    pub fn add_findings(&mut self, lang: Lang, written: &Written, findings: &[Diagnostic]) {
        let refused: Vec<String> = self.0.iter().map(|p| p.field.clone()).collect();
        for finding in findings {
            let mut place = written.place(finding.line);
            let key = field_of(finding, &place.key);
            if key == "target_difficulty" || key == "modules" {
                place.prefix.clear();
            }
            if refused.contains(&place.id(&key)) {
                continue;
            }
            self.add(lang, &place, &key, message(lang, finding));
        }
        self.0.sort_by_key(|p| order(&p.field));
    }
}

/// Where a field is, in words: "Phần thi 1, nhóm câu hỏi 2 – Số câu".
fn where_is(lang: Lang, place: &Place, key: &str) -> String {
    let mut numbers = place
        .prefix
        .split('-')
        .filter_map(|n| n.get(1..).and_then(|n| n.parse::<usize>().ok()));
    let n = |i: usize| (i + 1).to_string();
    let (whole, depth) = match (numbers.next(), numbers.next()) {
        (Some(p), Some(s)) => (
            lang.fill(
                "blueprint.builder.where_section",
                &[("part", &n(p)), ("section", &n(s))],
            ),
            2,
        ),
        (Some(p), None) => (
            lang.fill("blueprint.builder.where_part", &[("part", &n(p))]),
            1,
        ),
        _ => (String::new(), 0),
    };
    let label = field_label(key, depth).map(|k| lang.t(k));
    match (whole.is_empty(), label) {
        (true, Some(label)) => label.to_string(),
        (false, Some(label)) => format!("{whole} – {label}"),
        (_, None) => whole,
    }
}

/// The label of a field, by its key and where it is (0 the blueprint, 1 a part, 2 a section).
fn field_label(key: &str, depth: usize) -> Option<&'static str> {
    Some(match (key, depth) {
        ("code", 1) => "blueprint.builder.part_code",
        ("title", 1) => "blueprint.builder.part_title",
        ("pass", 1) => "blueprint.builder.part_pass",
        ("title", 2) => "blueprint.builder.section_title",
        ("banks", 2) => "blueprint.builder.section_banks",
        (key, _) => return top_label(key),
    })
}

fn top_label(key: &str) -> Option<&'static str> {
    Some(match key {
        "code" => "blueprint.builder.code",
        "title" => "blueprint.builder.title",
        "banks" => "blueprint.builder.banks",
        "modules" => "blueprint.builder.modules",
        "module" => "blueprint.builder.module",
        "duration_minutes" => "blueprint.builder.duration",
        "attempts_allowed" => "blueprint.builder.attempts",
        "retake_wait_days" => "blueprint.builder.retake_wait",
        "pass" => "blueprint.builder.pass",
        "target_difficulty" => "blueprint.builder.target_difficulty",
        "difficulty_tolerance" => "blueprint.builder.tolerance",
        "max_points" => "blueprint.builder.max_points",
        "graders" => "blueprint.builder.graders",
        "max_difference" => "blueprint.builder.max_difference",
        "rounding" => "blueprint.builder.rounding",
        "topics" => "blueprint.builder.topics",
        "difficulties" => "blueprint.builder.levels",
        "types" => "blueprint.builder.types",
        "tags" => "blueprint.builder.tags",
        "count" => "blueprint.builder.count",
        "points" => "blueprint.builder.points",
        _ => return None,
    })
}

/// The field a finding belongs to: named by the finding itself, else the line's key.
fn field_of(finding: &Diagnostic, line_key: &str) -> String {
    let named = |arg: &str| {
        finding.args.iter().find_map(|(name, value)| match value {
            Arg::Text(text) if *name == arg => Some(text.clone()),
            _ => None,
        })
    };
    let key = match finding.key {
        "report.bp.shortfall" | "report.bp.starves" => "count",
        "report.bp.unknown_bank" | "report.bp.no_banks" => "banks",
        "report.bp.unknown_topic" => "topics",
        "report.unknown_difficulty" => "difficulties",
        "report.bp.unknown_type" => "types",
        "report.bp.difficulty_unreachable" | "report.bp.bad_difficulty" => "target_difficulty",
        "report.bp.no_modules" | "report.bp.unknown_module" => "modules",
        "report.bp.section_module" => "module",
        "report.bp.duplicate_part" => "code",
        "report.bp.external_part" => "max_points",
        "report.bp.double_marking_needs_difference" => "max_difference",
        "report.bp.difference_needs_two_graders" => "graders",
        "report.bp.drawn_part" | "report.bp.no_sections" => "add",
        "report.bp.no_parts" => "add-part",
        "report.bp.out_of_range"
        | "report.field_missing"
        | "report.bp.bad_choice"
        | "report.bp.bad_ratio"
        | "report.bp.bad_decimal" => return named("key").unwrap_or_else(|| line_key.into()),
        _ => return line_key.into(),
    };
    key.into()
}

/// The finding in the form's words where the builder has its own, else the report's.
fn message(lang: Lang, finding: &Diagnostic) -> String {
    let own = match finding.key {
        "report.bp.shortfall" => "blueprint.builder.shortfall",
        "report.bp.starves" => "blueprint.builder.starves",
        "report.bp.out_of_range" => "blueprint.builder.out_of_range",
        "report.field_missing" => "blueprint.builder.required",
        "report.bp.bad_ratio" => "blueprint.builder.bad_ratio",
        "report.bp.bad_decimal" => "blueprint.builder.bad_decimal",
        "report.bp.no_banks" => "blueprint.builder.no_banks",
        "report.bp.no_modules" => "blueprint.builder.no_modules",
        "report.bp.external_part" => "blueprint.builder.external_part",
        "report.bp.drawn_part" | "report.bp.no_sections" => "blueprint.builder.no_sections",
        "report.bp.difficulty_unreachable" => "blueprint.builder.difficulty_unreachable",
        "report.bp.bad_difficulty" => "blueprint.builder.bad_difficulty",
        "report.bp.double_marking_needs_difference" => "blueprint.builder.needs_difference",
        "report.bp.difference_needs_two_graders" => "blueprint.builder.needs_two_graders",
        key => key,
    };
    render(lang, own, &finding.args)
}

/// Problems in the order of the page: the blueprint's fields, then each part and section.
fn order(field: &str) -> (usize, usize, usize) {
    let mut numbers = field
        .split('-')
        .take(2)
        .filter_map(|n| n.get(1..).and_then(|n| n.parse::<usize>().ok()));
    let is_row = field.starts_with('p') && field[1..].starts_with(|c: char| c.is_ascii_digit());
    if !is_row {
        return (0, 0, 0);
    }
    let part = numbers.next().unwrap_or(0);
    let section = numbers.next().map_or(0, |s| s + 1);
    (1, part, section)
}
