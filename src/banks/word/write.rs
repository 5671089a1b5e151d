//! The questions of a Word bank written as native TOML, each line placed at the paragraph
//! and question it came from; keys are settled here from the marks in the questions and the
//! answer section, and whatever cannot be settled is an error naming the question.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    answers::{Entry, letters},
    keys::{agree, letter_list, match_answers, statement_truths},
    questions::{Found, Question},
};
use crate::banks::{
    answers::parse_number,
    foreign::Defaults,
    report::{Msg, args},
    toml_lines::{TomlLines, quoted},
    unsaid::{self, How, Missing},
};

/// How a Word file itself says the module, a topic, a level.
const HOW: How = How {
    module: "bank.sheets.word_how_module",
    topic: "bank.sheets.word_how_topic",
    level: "bank.sheets.word_how_level",
};

/// An error: paragraph, the question as Word shows it (`Câu 5 (“…”)`), message.
pub type Problem = (usize, Option<String>, Msg);

/// The bank's fields, then each question, as TOML lines; what the file does not say comes
/// from the importer's choices (`defaults`), and what is still missing is said once.
pub fn write(
    found: &Found,
    name: &str,
    defaults: &Defaults,
    out: &mut TomlLines,
    problems: &mut Vec<Problem>,
) {
    write_bank(found, name, defaults, out, problems);
    let mut missing = Missing::default();
    let listed = match_answers(found, problems);
    let unique_numbers = {
        let numbers: BTreeSet<u32> = found.questions.iter().map(|q| q.number).collect();
        numbers.len() == found.questions.len()
    };
    let mut seen: BTreeMap<(usize, u32), String> = BTreeMap::new();
    for (index, question) in found.questions.iter().enumerate() {
        if let Some(first) = seen.insert((question.part, question.number), question.place()) {
            problems.push((
                question.paragraph,
                Some(question.place()),
                (
                    "report.word_question_twice",
                    args![label = &question.label, first = first],
                ),
            ));
            continue;
        }
        let id = if unique_numbers {
            format!("C{}", question.number)
        } else {
            format!("P{}.C{}", question.part + 1, question.number)
        };
        let question = &with_defaults(question, defaults, &mut missing);
        write_question(question, &id, listed.get(&index), out, problems);
    }
    let first = found.questions.first().map_or(0, |q| q.paragraph);
    for msg in missing.messages(&HOW, "bank.sheets.word_which") {
        problems.push((first, None, msg));
    }
}

/// A question with the chosen topic and level where the file gives none; what is still
/// missing is noted by the question's label.
fn with_defaults(question: &Question, defaults: &Defaults, missing: &mut Missing) -> Question {
    let mut question = question.clone();
    let at = question.paragraph;
    if question.topic.is_none() {
        question.topic = defaults.topic.clone().map(|t| (t, at));
    }
    if question.level.is_none() {
        question.level = defaults.level.map(|l| (l, at));
    }
    if question.topic.is_none() {
        missing.topic.push(question.label.clone());
    }
    if question.level.is_none() {
        missing.level.push(question.label.clone());
    }
    question
}

/// The bank's lines: what the file says, else the importer's choices, else the file name
/// (code and title); a bank whose module nobody says is one error.
fn write_bank(
    found: &Found,
    name: &str,
    defaults: &Defaults,
    out: &mut TomlLines,
    problems: &mut Vec<Problem>,
) {
    let first = found.questions.first().map_or(1, |q| q.paragraph);
    out.line("[bank]".into(), first, None);
    let said = |key: &str| {
        found
            .fields
            .get(key)
            .map(|(v, p)| (v.trim().to_string(), *p))
    };
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let code = unsaid::code(said("code").map(|(v, _)| v).as_deref(), defaults, file);
    let topics = found.questions.iter().filter_map(|q| q.topic.as_ref());
    let module = unsaid::module(
        said("module").map(|(v, _)| v).as_deref(),
        defaults,
        topics.map(|(t, _)| t.as_str()),
    );
    if module.is_none() {
        problems.push((0, None, unsaid::no_module(&HOW)));
    }
    let stem = file.strip_suffix(".docx").unwrap_or(file).to_string();
    let fields = [
        ("code", Some(code)),
        ("title", Some(said("title").map_or(stem, |(v, _)| v))),
        ("module", module),
        (
            "language",
            Some(said("language").map_or("vi".into(), |(v, _)| v)),
        ),
    ];
    for (key, value) in fields {
        let paragraph = said(key).map_or(first, |(_, p)| p);
        if let Some(value) = value {
            out.line(format!("{key} = {}", quoted(&value)), paragraph, None);
        }
    }
}

fn write_question(
    q: &Question,
    id: &str,
    listed: Option<&Entry>,
    out: &mut TomlLines,
    problems: &mut Vec<Problem>,
) {
    let label = Some(q.place());
    let at = q.paragraph;
    let mut problem = |paragraph: usize, msg: Msg| problems.push((paragraph, label.clone(), msg));
    // The key as the answer section or a "Đáp án:" line gives it.
    let given: Option<(String, usize)> = listed
        .map(|e| (e.raw.clone(), e.paragraph))
        .or_else(|| q.key.clone());
    let place = q.place();
    let mut line = |text: String, paragraph: usize| out.line(text, paragraph, Some(place.clone()));
    line(String::new(), at);
    line("[[items]]".into(), at);
    line(format!("id = {}", quoted(id)), at);
    let kind_at = out_kind(q, &given);
    let Some(kind) = kind_at else {
        let key = if q.numbered {
            "report.word_no_options_numbered"
        } else {
            "report.word_no_options"
        };
        problem(at, (key, args![label = &q.label, paragraph = at]));
        return;
    };
    // A question without topic or level is said once for the whole file (see `write`).
    if let Some((topic, paragraph)) = &q.topic {
        line(format!("topic = {}", quoted(topic)), *paragraph);
    }
    if let Some((level, paragraph)) = &q.level {
        line(
            format!("difficulty = {}", quoted(&format!("{level:?}"))),
            *paragraph,
        );
    }
    line(format!("stem = {}", quoted(&q.stem.join("\n\n"))), at);
    match kind {
        Kind::Choice => {
            let marked: Vec<usize> = q
                .options
                .iter()
                .filter(|o| o.marked)
                .map(|o| o.letter)
                .collect();
            let keys = match &given {
                Some((raw, paragraph)) => match letters(raw) {
                    Some(keys) => {
                        let has_marks = !marked.is_empty();
                        agree(
                            keys,
                            &marked,
                            has_marks,
                            letter_list,
                            *paragraph,
                            &mut problem,
                        )
                    }
                    None => {
                        problem(
                            *paragraph,
                            (
                                "report.word_key_unreadable",
                                args![label = &q.label, key = raw],
                            ),
                        );
                        marked
                    }
                },
                None => marked,
            };
            if keys.is_empty() {
                problem(at, ("report.word_no_key", args![label = &q.label]));
            }
            for key in &keys {
                if *key >= q.options.len() {
                    let letter = letter_list(&[*key]);
                    problem(
                        at,
                        (
                            "report.word_key_without_option",
                            args![label = &q.label, letter = letter],
                        ),
                    );
                }
            }
            if keys.len() > 1 && q.single_only {
                problem(
                    at,
                    (
                        "report.word_keys_in_single_part",
                        args![label = &q.label, keys = letter_list(&keys)],
                    ),
                );
            }
            let kind = if keys.len() > 1 { "multiple" } else { "single" };
            line(format!("type = {}", quoted(kind)), at);
            line("options = [".into(), at);
            for option in &q.options {
                let mut fields = vec![format!("text = {}", quoted(&option.text))];
                if keys.contains(&option.letter) {
                    fields.push("correct = true".into());
                }
                if option.pinned {
                    fields.push("pinned = true".into());
                }
                line(format!("  {{ {} }},", fields.join(", ")), option.paragraph);
            }
            line("]".into(), at);
        }
        Kind::Statements => {
            let truth = statement_truths(q, &given, &mut problem);
            line(format!("type = {}", quoted("grouped_true_false")), at);
            line("statements = [".into(), at);
            for (statement, correct) in q.statements.iter().zip(truth) {
                let text = quoted(&statement.text);
                line(
                    format!("  {{ text = {text}, correct = {correct} }},"),
                    statement.paragraph,
                );
            }
            line("]".into(), at);
        }
        Kind::Typed => {
            let (raw, paragraph) = given.clone().unwrap_or_default();
            match parse_number(&raw) {
                Some(number) => {
                    line(format!("type = {}", quoted("numeric")), at);
                    line(format!("answer = {number:?}"), paragraph);
                }
                None => {
                    line(format!("type = {}", quoted("short_text")), at);
                    let accepted: Vec<String> = raw.split('|').map(|a| quoted(a.trim())).collect();
                    line(format!("answers = [{}]", accepted.join(", ")), paragraph);
                }
            }
        }
    }
    if !q.explanation.is_empty() {
        line(
            format!("explanation = {}", quoted(&q.explanation.join("\n\n"))),
            at,
        );
    }
}

enum Kind {
    Choice,
    Statements,
    Typed,
}

fn out_kind(q: &Question, given: &Option<(String, usize)>) -> Option<Kind> {
    if !q.options.is_empty() {
        Some(Kind::Choice)
    } else if !q.statements.is_empty() {
        Some(Kind::Statements)
    } else if given
        .as_ref()
        .is_some_and(|(raw, _)| !raw.trim().is_empty())
    {
        Some(Kind::Typed)
    } else {
        None
    }
}
