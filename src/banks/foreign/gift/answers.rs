//! The answer block of a GIFT question, `{…}` without its braces and general feedback, read
//! as Moodle reads it: its type by the characters it holds, then its answers, with their
//! weights (`%50%`) and feedback (`#…`, not kept). The text is protected (see `text`).

use super::text::{Format, markdown, plain, restore, with_format};
use crate::banks::{
    foreign::{DraftBody, DraftOption},
    model::parse_number,
    report::{Msg, args},
};

/// What an answer block makes of its question: a body, nothing (an essay), or a message.
pub type Answer = Result<Option<DraftBody>, Msg>;

/// Reads an answer block; `format` is the question text's, the default for its answers.
pub fn read(block: &str, format: Format) -> Answer {
    let block = block.trim();
    if block.is_empty() {
        return Ok(None);
    }
    let body = if let Some(numbers) = block.strip_prefix('#') {
        numeric(numbers)?
    } else if block.contains('~') {
        choice(block, format)?
    } else if block.contains('=') && block.contains("->") {
        matching(block, format)?
    } else if let Some(answer) = true_false(block) {
        DraftBody::TrueFalse { answer }
    } else {
        short_text(block)?
    };
    Ok(Some(body))
}

/// Answers that earn part of the marks in Moodle but cannot here (an option of a
/// single-choice question, a short or numeric answer weighted between 0 and 100 %): the
/// reader says they were left out.
pub fn partial_credit(block: &str) -> Vec<String> {
    let block = block.trim();
    let multiple_response = block.contains('~') && !block.contains('=');
    if multiple_response || (block.contains('=') && block.contains("->")) {
        return vec![];
    }
    let block = match block.strip_prefix('#') {
        // In a numeric block `~` starts the feedback for any other answer.
        Some(numbers) => numbers.split('~').next().unwrap_or_default(),
        None => block,
    };
    block
        .split(['=', '~'])
        .filter_map(|answer| {
            let (weight, rest) = weight(answer.trim())?;
            let text = restore(without_feedback(rest)).trim().to_string();
            (weight > 0.0 && weight < 100.0).then_some(text)
        })
        .collect()
}

/// The answers of a block split at `mark`, the empty text before the first one dropped.
fn answers(block: &str, mark: char) -> Vec<&str> {
    let mut parts: Vec<&str> = block.split(mark).map(str::trim).collect();
    if parts.first().is_some_and(|p| p.is_empty()) {
        parts.remove(0);
    }
    parts
}

/// A leading weight, `%50%` or `%-33.3%` (in percent), and the rest of the answer.
fn weight(answer: &str) -> Option<(f64, &str)> {
    let rest = answer.strip_prefix('%')?;
    let end = rest.find('%')?;
    let written = &rest[..end];
    let digits = written.trim_start_matches('-');
    let negative = digits.len() != written.len();
    let well_formed = digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1;
    let value: f64 = digits.parse().ok().filter(|_| well_formed)?;
    Some((if negative { -value } else { value }, &rest[end + 1..]))
}

/// An answer's text without its feedback (`#…`).
fn without_feedback(answer: &str) -> &str {
    answer.split('#').next().unwrap_or_default().trim()
}

/// Full credit.
fn full(weight: f64) -> bool {
    weight >= 100.0
}

fn choice(block: &str, format: Format) -> Result<DraftBody, Msg> {
    // Moodle: a block with `=` is single choice, `=` marking the right answer.
    let single = block.contains('=');
    let marked = block.replace('=', "~=");
    let mut options: Vec<(f64, String)> = Vec::new();
    for answer in answers(&marked, '~') {
        let (weight, rest) = match answer.strip_prefix('=') {
            Some(rest) => (100.0, rest),
            None => weight(answer).unwrap_or((0.0, answer)),
        };
        let (format, text) = with_format(without_feedback(rest), format);
        options.push((weight, markdown(text, format)));
    }
    if options.len() < 2 {
        return Err(("report.gift_too_few_options", args![]));
    }
    let right = options.iter().filter(|(w, _)| full(*w)).count();
    let positive = options.iter().filter(|(w, _)| *w > 0.0).count();
    let (multiple, partial) = if single {
        if right > 1 {
            return Err(("report.gift_single_many_right", args![n = right]));
        }
        (false, false)
    } else if positive == 0 {
        return Err(("report.gift_no_right_answer", args![]));
    } else if positive == 1 && right == 1 {
        (false, false)
    } else {
        let partial = options.iter().any(|(w, _)| *w != 0.0 && *w != 100.0);
        (true, partial)
    };
    let options = options
        .into_iter()
        .map(|(weight, text)| {
            DraftOption::new(text, if multiple { weight > 0.0 } else { full(weight) })
        })
        .collect();
    Ok(DraftBody::Choice {
        options,
        multiple,
        partial,
    })
}

fn matching(block: &str, format: Format) -> Result<DraftBody, Msg> {
    let parts = answers(block, '=');
    if parts.len() < 2 {
        return Err(("report.gift_too_few_pairs", args![]));
    }
    let mut pairs = Vec::new();
    let mut distractors = Vec::new();
    for part in parts {
        let Some((left, right)) = part.split_once("->") else {
            let text = restore(part);
            return Err(("report.gift_matching_format", args![text = text]));
        };
        // The right side is plain text in Moodle (a choice in a menu).
        let right = plain(&restore(right.trim()));
        let (format, left) = with_format(left, format);
        if left.is_empty() {
            distractors.push(right);
        } else {
            pairs.push((markdown(left, format), right));
        }
    }
    if pairs.len() < 2 {
        return Err(("report.gift_too_few_pairs", args![]));
    }
    Ok(DraftBody::Matching { pairs, distractors })
}

/// `T`, `TRUE`, `F` or `FALSE` (as written, in capitals), before any feedback.
fn true_false(block: &str) -> Option<bool> {
    match without_feedback(block) {
        "T" | "TRUE" => Some(true),
        "F" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Accepted answers, as typed (not Markdown): those with full credit.
fn short_text(block: &str) -> Result<DraftBody, Msg> {
    let mut accepted = Vec::new();
    for answer in answers(block, '=') {
        let (weight, rest) = weight(answer).unwrap_or((100.0, answer));
        if !full(weight) {
            continue;
        }
        let (_, text) = with_format(without_feedback(rest), Format::Plain);
        let text = restore(text);
        // Moodle's `*` matches anything; `\*` is a star.
        let wildcard = text
            .char_indices()
            .any(|(at, c)| c == '*' && !text[..at].ends_with('\\'));
        if wildcard {
            return Err(("report.gift_wildcard", args![text = text]));
        }
        let text = text.replace("\\*", "*").trim().to_string();
        if !text.is_empty() && !accepted.contains(&text) {
            accepted.push(text);
        }
    }
    if accepted.is_empty() {
        return Err(("report.gift_no_right_answer", args![]));
    }
    Ok(DraftBody::ShortText { answers: accepted })
}

/// A numeric block (its `#` removed): the first answer with full credit, checking that
/// every answer is a number (`3.14:0.01`, `1..5`, `2`).
fn numeric(block: &str) -> Result<DraftBody, Msg> {
    // `~` starts the feedback for any other answer.
    let block = block.split('~').next().unwrap_or_default();
    let mut key = None;
    for answer in answers(block, '=') {
        let (weight, rest) = weight(answer).unwrap_or((100.0, answer));
        let (_, text) = with_format(without_feedback(rest), Format::Plain);
        let body = number_key(text)?;
        if full(weight) && key.is_none() {
            key = Some(body);
        }
    }
    key.ok_or(("report.gift_no_right_answer", args![]))
}

fn number_key(text: &str) -> Result<DraftBody, Msg> {
    let number = |text: &str| {
        parse_number(&restore(text)).ok_or_else(|| {
            let text = restore(text.trim());
            ("report.gift_number", args![text = text])
        })
    };
    if let Some(at) = text.find("..").filter(|at| *at > 0) {
        let min = number(&text[..at])?;
        let max = number(&text[at + 2..])?;
        return Ok(DraftBody::NumericRange { min, max });
    }
    if let Some(at) = text.find(':').filter(|at| *at > 0) {
        let value = number(&text[..at])?;
        let tolerance = number(&text[at + 1..])?;
        return Ok(DraftBody::Numeric { value, tolerance });
    }
    let value = number(text)?;
    Ok(DraftBody::Numeric {
        value,
        tolerance: 0.0,
    })
}
