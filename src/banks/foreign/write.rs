//! Drafts written as native TOML lines, each placed at the draft's line in the original, and
//! read by the native reader; the bank's code, module, topics and levels come from the file
//! where it names them, else from the importer's defaults.

use std::collections::BTreeMap;

use super::{Defaults, DraftBody, Foreign, Skipped, code_from_name, kinds};
use crate::banks::{
    ParsedBank,
    catalog::{catalog, topic_in},
    model::Difficulty,
    report::{FileReport, Msg, args},
    toml_lines::{TomlLines, quoted},
};

/// The level a tag names.
fn level_of(tags: &[String]) -> Option<Difficulty> {
    tags.iter().find_map(|t| Difficulty::parse(t))
}

/// Writes the drafts as native TOML and reads them with the native reader (which counts the
/// items per type); the report adds the items skipped per type.
pub fn read_drafts(
    name: &str,
    format: &str,
    found: Foreign,
    defaults: &Defaults,
) -> (Option<ParsedBank>, FileReport) {
    // Module, topic, level and an empty file are said below in terms of the other format.
    let mut out = TomlLines::speaking_for(&["module", "topic", "difficulty"], true);
    let unreadable = !found.errors.is_empty();
    let mut errors: Vec<(usize, Msg)> = found.errors;
    // The module: chosen, else the module of the first topic a category or tag names.
    let module = defaults.module.clone().or_else(|| {
        found.drafts.iter().find_map(|d| {
            let named = d
                .category
                .iter()
                .chain(&d.tags)
                .find_map(|t| topic_in(t, None))?;
            catalog().topic(&named).map(|(m, _)| m.code.clone())
        })
    });
    let module_ref = module.as_deref().and_then(|m| catalog().module(m));
    let first = found.drafts.first().map_or(1, |d| d.line);
    out.line("[bank]".into(), first, None);
    let code = defaults
        .code
        .clone()
        .or(found.code.clone())
        .unwrap_or_else(|| code_from_name(name));
    let title = found
        .title
        .clone()
        .unwrap_or_else(|| name.rsplit(['/', '\\']).next().unwrap_or(name).to_string());
    out.line(format!("code = {}", quoted(&code)), first, None);
    out.line(format!("title = {}", quoted(&title)), first, None);
    match &module {
        Some(module) => out.line(format!("module = {}", quoted(module)), first, None),
        // A file with nothing to import is told so, not asked for a module.
        None if found.drafts.is_empty() => {}
        None => errors.push((0, ("report.foreign_no_module", vec![]))),
    }
    let mut without_topic = Vec::new();
    let mut without_level = Vec::new();
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    for (position, draft) in found.drafts.iter().enumerate() {
        let at = draft.line;
        let mut line = |text: String| out.line(text, at, None);
        line(String::new());
        line("[[items]]".into());
        let base = draft
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| format!("#{}", position + 1));
        let seen = ids.entry(base.clone()).or_insert(0);
        *seen += 1;
        let id = if *seen == 1 {
            base
        } else {
            format!("{base} ({seen})")
        };
        line(format!("id = {}", quoted(&id)));
        line(format!("type = {}", quoted(draft.body.kind())));
        let topic = draft
            .category
            .iter()
            .chain(&draft.tags)
            .find_map(|t| topic_in(t, module_ref))
            .or_else(|| defaults.topic.clone());
        match topic {
            Some(topic) => line(format!("topic = {}", quoted(&topic))),
            None => without_topic.push(at),
        }
        match draft.level.or(level_of(&draft.tags)).or(defaults.level) {
            Some(level) => line(format!("difficulty = {}", quoted(&format!("{level:?}")))),
            None => without_level.push(at),
        }
        if let Some(points) = draft.points {
            line(format!("points = {points}"));
        }
        let tags: Vec<String> = draft.tags.iter().map(|t| quoted(t)).collect();
        if !tags.is_empty() {
            line(format!("tags = [{}]", tags.join(", ")));
        }
        line(format!("stem = {}", quoted(&draft.stem)));
        write_body(&draft.body, &mut line);
        if let Some(explanation) = &draft.explanation {
            line(format!("explanation = {}", quoted(explanation)));
        }
    }
    for (missing, key) in [
        (&without_topic, "report.foreign_no_topic"),
        (&without_level, "report.foreign_no_level"),
    ] {
        if let Some(first) = missing.first() {
            errors.push((*first, (key, args![count = missing.len()])));
        }
    }
    if found.drafts.is_empty() && !unreadable {
        errors.push((0, nothing_read(&found.skipped, format)));
    }
    let (parsed, mut report) = out.read(name, format, found.media);
    for (line, (key, args)) in errors {
        report.error(line, key, args);
    }
    for skipped in &found.skipped {
        let (key, args) = kinds::skipped_message(&skipped.name, &skipped.kind);
        report.warning(skipped.line, key, args);
    }
    for (line, (key, args)) in found.warnings {
        report.warning(line, key, args);
    }
    for draft in &found.drafts {
        let names = pictures_as_text(draft);
        if !names.is_empty() {
            let args = args![names = names.join(", ")];
            report.warning(draft.line, "bank.foreign2.picture_as_text", args);
        }
    }
    for skipped in &found.skipped {
        *report.skipped.entry(skipped.kind.clone()).or_default() += 1;
    }
    let parsed = parsed.filter(|_| !report.has_errors());
    (parsed, report)
}

/// Why a file in which nothing was broken gave no item: only types sathach does not
/// support, or nothing read at all in this format.
fn nothing_read(skipped: &[Skipped], format: &str) -> Msg {
    let questions: Vec<&Skipped> = skipped.iter().filter(|s| s.kind != "description").collect();
    if questions.is_empty() {
        return ("report.foreign_no_items", args![format = format]);
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for s in questions {
        *counts.entry(s.kind.clone()).or_default() += 1;
    }
    (
        "bank.foreign2.only_unsupported",
        args![skipped = kinds::counted(&counts)],
    )
}

/// Picture file names a draft's text gives as text, not as pictures.
fn pictures_as_text(draft: &super::Draft) -> Vec<String> {
    let mut texts = vec![draft.stem.as_str()];
    if let DraftBody::Choice { options, .. } = &draft.body {
        texts.extend(options.iter().map(|o| o.text.as_str()));
    }
    let mut names: Vec<String> = Vec::new();
    for name in texts.into_iter().flat_map(super::left_out::pictures_named) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

fn write_body(body: &DraftBody, line: &mut impl FnMut(String)) {
    match body {
        DraftBody::Choice {
            options,
            multiple,
            partial,
        } => {
            if *multiple && *partial {
                line(format!("scoring = {}", quoted("partial")));
            }
            line("options = [".into());
            for option in options {
                let correct = if option.correct {
                    ", correct = true"
                } else {
                    ""
                };
                let pinned = if option.pinned { ", pinned = true" } else { "" };
                line(format!(
                    "  {{ text = {}{correct}{pinned} }},",
                    quoted(&option.text)
                ));
            }
            line("]".into());
        }
        DraftBody::TrueFalse { answer } => line(format!("answer = {answer}")),
        DraftBody::GroupedTrueFalse { statements } => {
            line("statements = [".into());
            for s in statements {
                line(format!(
                    "  {{ text = {}, correct = {} }},",
                    quoted(&s.text),
                    s.correct
                ));
            }
            line("]".into());
        }
        DraftBody::ShortText { answers } => {
            let answers: Vec<String> = answers.iter().map(|a| quoted(a)).collect();
            line(format!("answers = [{}]", answers.join(", ")));
        }
        DraftBody::Numeric { value, tolerance } => {
            line(format!("answer = {}", number(*value)));
            line(format!("tolerance = {}", number(*tolerance)));
        }
        DraftBody::NumericRange { min, max } => {
            line(format!("min = {}", number(*min)));
            line(format!("max = {}", number(*max)));
        }
        DraftBody::Matching { pairs, distractors } => {
            line("pairs = [".into());
            for (left, right) in pairs {
                line(format!(
                    "  {{ left = {}, right = {} }},",
                    quoted(left),
                    quoted(right)
                ));
            }
            line("]".into());
            if !distractors.is_empty() {
                let d: Vec<String> = distractors.iter().map(|d| quoted(d)).collect();
                line(format!("distractors = [{}]", d.join(", ")));
            }
        }
        DraftBody::Ordering { sequence } => {
            let s: Vec<String> = sequence.iter().map(|s| quoted(s)).collect();
            line(format!("sequence = [{}]", s.join(", ")));
        }
    }
}

/// A number as TOML writes it (a float always has a point: `2.0`, `0.5`).
fn number(value: f64) -> String {
    if value.is_finite() {
        format!("{value:?}")
    } else {
        "nan".into()
    }
}
