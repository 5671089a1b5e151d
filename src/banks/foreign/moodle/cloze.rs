//! Moodle's cloze questions (`multianswer`, exported as type `cloze`): a passage with gaps
//! written `{1:MULTICHOICE:=right#feedback~wrong#feedback}`. When every gap is a choice
//! (`MULTICHOICE…`, `MULTIRESPONSE…`), a short answer (`SHORTANSWER…`) or a number
//! (`NUMERICAL`), each gap becomes an item of its own sharing the passage: the gap asked is
//! shown as **(n) _____**, the others as (m) _____. Answers worth part of the marks are left
//! out (sathach marks each gap right or wrong), and said so.

use roxmltree::Node;

use super::text::{Texts, child, child_text, plain_text};
use crate::banks::{
    answers::{fold_text, parse_number},
    foreign::{DraftBody, DraftOption, html::to_markdown},
    report::{Msg, args},
};

/// One gap as an item.
pub struct Gap {
    pub number: usize,
    pub stem: String,
    pub body: DraftBody,
    pub points: Option<u32>,
}

/// The kinds of gap Moodle writes, by their long and short names.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Single,
    Multiple,
    Short { case: bool },
    Number,
}

fn kind(name: &str) -> Option<Kind> {
    Some(match name {
        "MULTICHOICE" | "MC" | "MULTICHOICE_H" | "MCH" | "MULTICHOICE_V" | "MCV"
        | "MULTICHOICE_S" | "MCS" | "MULTICHOICE_HS" | "MCHS" | "MULTICHOICE_VS" | "MCVS" => {
            Kind::Single
        }
        "MULTIRESPONSE" | "MR" | "MULTIRESPONSE_H" | "MRH" | "MULTIRESPONSE_S" | "MRS"
        | "MULTIRESPONSE_HS" | "MRHS" => Kind::Multiple,
        "SHORTANSWER" | "SA" | "MW" => Kind::Short { case: false },
        "SHORTANSWER_C" | "SAC" | "MWC" => Kind::Short { case: true },
        "NUMERICAL" | "NM" => Kind::Number,
        _ => return None,
    })
}

/// Where a gap is in the passage: its byte range, weight, kind and answers as written.
struct Written<'t> {
    range: std::ops::Range<usize>,
    weight: Option<u32>,
    kind: Kind,
    answers: &'t str,
}

/// The gaps of a passage, in order. A `{…}` that is not a gap stays text.
fn gaps(text: &str) -> Vec<Written<'_>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find('{').map(|at| from + at) {
        from = open + 1;
        let Some(end) = closing(&text[open + 1..]).map(|e| open + 1 + e) else {
            break;
        };
        let inner = &text[open + 1..end];
        let mut parts = inner.splitn(3, ':');
        let (Some(weight), Some(name), Some(answers)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let weight = weight.trim();
        let (Some(kind), true) = (
            kind(name.trim()),
            weight.chars().all(|c| c.is_ascii_digit()),
        ) else {
            continue;
        };
        found.push(Written {
            range: open..end + 1,
            weight: weight.parse().ok(),
            kind,
            answers,
        });
        from = end + 1;
    }
    found
}

/// Where the `}` closing a gap is (a `\}` is a brace in an answer).
fn closing(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in text.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '}' if !escaped => return Some(at),
            _ => escaped = false,
        }
    }
    None
}

/// Splits at `mark` not escaped by a backslash.
fn split(text: &str, mark: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut escaped) = (0, false);
    for (at, c) in text.char_indices() {
        if c == mark && !escaped {
            parts.push(&text[start..at]);
            start = at + c.len_utf8();
        }
        escaped = c == '\\' && !escaped;
    }
    parts.push(&text[start..]);
    parts
}

/// `\~ \} \# \/ \\` as the characters they stand for.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, chars.clone().next()) {
            ('\\', Some(next)) if "~}{#/\\\":".contains(next) => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// A gap's answers: weight in percent and text (HTML), feedback left out.
fn answers(written: &str) -> Vec<(f64, String)> {
    split(written, '~')
        .into_iter()
        .filter(|a| !a.trim().is_empty())
        .map(|answer| {
            let answer = answer.trim();
            let (weight, rest) = if let Some(rest) = answer.strip_prefix('=') {
                (100.0, rest)
            } else if let Some(rest) = answer.strip_prefix('%')
                && let Some((w, rest)) = rest.split_once('%')
                && let Ok(w) = w.trim().parse::<f64>()
            {
                (w, rest)
            } else {
                (0.0, answer)
            };
            let text = split(rest, '#').into_iter().next().unwrap_or_default();
            (weight, unescape(text.trim()))
        })
        .collect()
}

fn full(weight: f64) -> bool {
    weight >= 99.99
}

/// Stands for gap `n` in the passage while it is turned into Markdown.
fn marker(n: usize) -> String {
    format!("\u{F0030}{n}\u{F0031}")
}

/// The gaps of a cloze question as items; none when it has no gap sathach reads (the
/// question is then skipped by its type), a message when a gap cannot be read.
pub fn read(question: Node, line: usize, texts: &mut Texts) -> Result<Vec<Gap>, Msg> {
    let Some(field) = child(question, "questiontext") else {
        return Ok(vec![]);
    };
    let text = child_text(field, "text").unwrap_or_default();
    let written = gaps(&text);
    if written.is_empty() {
        return Ok(vec![]);
    }
    let mut bodies = Vec::new();
    for (i, gap) in written.iter().enumerate() {
        bodies.push(body(gap, i + 1, line, texts)?);
    }
    // The passage once, each gap a marker.
    let mut passage = String::with_capacity(text.len());
    let mut last = 0;
    for (i, gap) in written.iter().enumerate() {
        passage.push_str(&text[last..gap.range.start]);
        passage.push_str(&marker(i + 1));
        last = gap.range.end;
    }
    passage.push_str(&text[last..]);
    let passage = texts.rich_text(field, &passage);
    let count = written.len();
    Ok(written
        .iter()
        .zip(bodies)
        .enumerate()
        .map(|(i, (gap, body))| {
            let number = i + 1;
            let mut stem = passage.clone();
            for n in 1..=count {
                let blank = match (n == number, count) {
                    (true, 1) => "**\\_\\_\\_\\_\\_**".to_string(),
                    (true, _) => format!("**({n}) \\_\\_\\_\\_\\_**"),
                    (false, _) => format!("({n}) \\_\\_\\_\\_\\_"),
                };
                stem = stem.replace(&marker(n), &blank);
            }
            Gap {
                number,
                stem,
                body,
                points: gap.weight.filter(|w| *w >= 1),
            }
        })
        .collect())
}

/// A gap's draft body; answers worth part of the marks left out with a warning.
fn body(gap: &Written, number: usize, line: usize, texts: &mut Texts) -> Result<DraftBody, Msg> {
    let answers = answers(gap.answers);
    let no_key = || ("bank.foreign2.cloze_no_key", args![gap = number]);
    let partial: Vec<String> = answers
        .iter()
        .filter(|(w, _)| *w > 0.0 && !full(*w) && gap.kind != Kind::Multiple)
        .map(|(_, a)| plain_text(a))
        .collect();
    if !partial.is_empty() {
        let args = args![gap = number, answers = partial.join(" | ")];
        let warning = ("bank.foreign2.cloze_partial_dropped", args);
        texts.warnings.push((line, warning));
    }
    match gap.kind {
        Kind::Single | Kind::Multiple => {
            let multiple =
                gap.kind == Kind::Multiple && answers.iter().filter(|(w, _)| *w > 0.0).count() > 1;
            let options: Vec<DraftOption> = answers
                .iter()
                .map(|(w, text)| {
                    let right = if gap.kind == Kind::Multiple {
                        *w > 0.0
                    } else {
                        full(*w)
                    };
                    DraftOption::new(to_markdown(text, &mut |_| None), right)
                })
                .collect();
            if !options.iter().any(|o| o.correct) {
                return Err(no_key());
            }
            let partial = multiple && answers.iter().any(|(w, _)| *w > 0.0 && !full(*w));
            Ok(DraftBody::Choice {
                options,
                multiple,
                partial,
            })
        }
        Kind::Short { case } => {
            let mut accepted: Vec<String> = Vec::new();
            for (_, text) in answers.iter().filter(|(w, _)| full(*w)) {
                let text = plain_text(text);
                if text.contains('*') {
                    return Err(("report.moodle_wildcard", args![answer = text]));
                }
                let folded = fold_text(&text, false);
                if !text.is_empty() && !accepted.iter().any(|a| fold_text(a, false) == folded) {
                    accepted.push(text);
                }
            }
            if accepted.is_empty() {
                return Err(no_key());
            }
            // Moodle told these apart by case; sathach's matching does not.
            let same: Vec<String> = answers
                .iter()
                .filter(|(w, _)| !full(*w))
                .map(|(_, a)| plain_text(a))
                .filter(|a| {
                    let folded = fold_text(a, false);
                    accepted.iter().any(|r| fold_text(r, false) == folded)
                })
                .collect();
            if case && !same.is_empty() {
                let args = args![gap = number, answers = same.join(" | ")];
                texts
                    .warnings
                    .push((line, ("bank.foreign2.cloze_case", args)));
            }
            Ok(DraftBody::ShortText { answers: accepted })
        }
        Kind::Number => {
            let (_, text) = answers.iter().find(|(w, _)| full(*w)).ok_or_else(no_key)?;
            let text = plain_text(text);
            let (value, tolerance) = text.split_once(':').unwrap_or((&text, "0"));
            let number = |t: &str| {
                parse_number(t.trim()).ok_or_else(|| {
                    (
                        "bank.foreign2.cloze_number",
                        args![gap = number, text = &text],
                    )
                })
            };
            Ok(DraftBody::Numeric {
                value: number(value)?,
                tolerance: number(tolerance)?.abs(),
            })
        }
    }
}
