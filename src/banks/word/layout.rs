//! What a paragraph of a Word bank is, by the convention teachers know from Azota and similar
//! platforms: a question label ("Câu 1:", "Question 1."), options ("A." … "H.", also "A)",
//! several on a line separated by tabs), statements ("a)" … "h)") of a grouped true/false
//! question, a part ("PHẦN I …", or a Word heading), the answer section ("ĐÁP ÁN"), a line
//! naming the bank ("Mã ngân hàng: …"), an explanation ("Giải thích: …") or plain text.

use super::document::{Look, Paragraph};
use crate::banks::{answers::fold_text, model::Difficulty};

/// Characters of a paragraph with their look.
pub type Chars = [(char, Look)];

/// An option found on a line: its letter (0 = A), markers and where its text is.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionSpan {
    pub letter: usize,
    /// Marked as the key: a leading `*`, or the letter (or all the text) underlined or red.
    pub marked: bool,
    /// A leading `#`: shuffling never moves it.
    pub pinned: bool,
    /// Char range of the option's text (after the label).
    pub text: std::ops::Range<usize>,
}

/// What a paragraph is.
#[derive(Clone, Debug, PartialEq)]
pub enum Line {
    Blank,
    /// A question label; `rest` is where the stem starts; `level` a level in brackets.
    Question {
        number: u32,
        label: String,
        rest: usize,
        level: Option<(Difficulty, std::ops::Range<usize>)>,
    },
    /// Options "A." … (the first's letter is checked against what the question expects).
    Options(Vec<OptionSpan>),
    /// A statement "a)" of a grouped true/false question.
    Statement(OptionSpan),
    Part,
    AnswerSection,
    /// `Mã ngân hàng: …`, `Chủ đề: …` and the like: the field and the value.
    Field(Field, String),
    /// `Đáp án: B` under a question.
    Key(String),
    /// `Giải thích: …`: where the explanation's text starts.
    Explanation(usize),
    /// "HẾT", "--- Hết ---": the end of the questions.
    End,
    Text,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Code,
    Title,
    Module,
    Language,
    Topic,
    Level,
}

const FIELDS: [(Field, &[&str]); 6] = [
    (Field::Code, &["ma ngan hang", "bank code"]),
    (Field::Title, &["ten ngan hang", "bank title"]),
    (Field::Module, &["mo dun", "module"]),
    (Field::Language, &["ngon ngu", "language"]),
    (Field::Topic, &["chu de", "topic"]),
    (Field::Level, &["muc do", "level"]),
];

const ANSWER_HEADINGS: [&str; 8] = [
    "dap an",
    "bang dap an",
    "dap an tham khao",
    "huong dan cham",
    "dap an va huong dan cham",
    "answer key",
    "answers",
    "key",
];

const KEY_WORDS: [&str; 4] = ["dap an", "dap an dung", "answer", "key"];

const EXPLANATION_WORDS: [&str; 5] = [
    "giai thich",
    "loi giai",
    "huong dan giai",
    "huong dan",
    "explanation",
];

pub fn fold(text: &str) -> String {
    fold_text(text, true)
}

/// The words of a line before its first colon, folded, and the text after it.
fn before_colon(text: &str) -> Option<(String, String)> {
    let (head, tail) = text.split_once(':')?;
    Some((fold(head), tail.trim().to_string()))
}

pub fn classify(paragraph: &Paragraph, in_question: bool, expected: usize) -> Line {
    let chars = &paragraph.chars;
    let text = paragraph.text();
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Line::Blank;
    }
    let folded = fold(trimmed);
    let bare = folded.trim_end_matches([':', '.', '-', ' ']);
    if let Some(question) = question(chars) {
        return question;
    }
    if ANSWER_HEADINGS.contains(&bare) || bare.starts_with("bang dap an") {
        return Line::AnswerSection;
    }
    if let Some(statement) = statement(chars, expected) {
        return Line::Statement(statement);
    }
    if let Some(options) = options(chars) {
        return Line::Options(options);
    }
    if let Some((head, tail)) = before_colon(trimmed) {
        if let Some((field, _)) = FIELDS
            .iter()
            .find(|(_, words)| words.contains(&head.as_str()))
        {
            return Line::Field(*field, tail);
        }
        if in_question && KEY_WORDS.contains(&head.as_str()) && !tail.is_empty() {
            return Line::Key(tail);
        }
    }
    if let Some(word) = EXPLANATION_WORDS
        .iter()
        .find(|w| folded.starts_with(*w) && folded[w.len()..].trim_start().starts_with(':'))
    {
        let skip = text.chars().take_while(|c| *c != ':').count() + 1;
        let _ = word;
        return Line::Explanation(skip);
    }
    let letters: String = folded.chars().filter(|c| c.is_alphanumeric()).collect();
    if letters == "het" || letters == "theend" {
        return Line::End;
    }
    if is_part(&folded) || paragraph.heading {
        return Line::Part;
    }
    Line::Text
}

/// "PHẦN I", "Phần 2.", "PART III": a part of the document.
fn is_part(folded: &str) -> bool {
    let rest = folded
        .strip_prefix("phan ")
        .or_else(|| folded.strip_prefix("part "));
    rest.and_then(|r| r.split([' ', '.', ':', '-', ')']).next())
        .is_some_and(|n| {
            !n.is_empty()
                && (n.chars().all(|c| c.is_ascii_digit()) || n.chars().all(|c| "ivx".contains(c)))
        })
}

/// A level in parentheses or brackets somewhere in the text: `(NB)`, `[Thông hiểu]`.
pub fn level_in(chars: &Chars, from: usize) -> Option<(Difficulty, std::ops::Range<usize>)> {
    let mut i = from;
    while i < chars.len() {
        let close = match chars[i].0 {
            '(' => ')',
            '[' => ']',
            _ => {
                i += 1;
                continue;
            }
        };
        if let Some(len) = chars[i + 1..].iter().position(|(c, _)| *c == close) {
            let inner: String = chars[i + 1..i + 1 + len].iter().map(|(c, _)| *c).collect();
            if let Some(level) = Difficulty::parse(inner.trim()) {
                return Some((level, i..i + len + 2));
            }
        }
        i += 1;
    }
    None
}

/// "Câu 12:", "Câu 12.", "CÂU 3 (NB):", "Question 4)".
fn question(chars: &Chars) -> Option<Line> {
    let start = chars.iter().position(|(c, _)| !c.is_whitespace())?;
    let head: String = chars[start..].iter().take(12).map(|(c, _)| *c).collect();
    let folded = fold(&head);
    let word = ["cau hoi", "cau", "question"]
        .into_iter()
        .find(|w| folded.starts_with(w))?;
    // The label word is as many chars as its folded form (folding keeps the count here).
    let mut i = start + word.chars().count();
    while chars
        .get(i)
        .is_some_and(|(c, _)| *c == ' ' || *c == '\u{a0}')
    {
        i += 1;
    }
    let digits_start = i;
    while chars.get(i).is_some_and(|(c, _)| c.is_ascii_digit()) {
        i += 1;
    }
    if i == digits_start || i - digits_start > 4 {
        return None;
    }
    let number_text: String = chars[digits_start..i].iter().map(|(c, _)| *c).collect();
    let number: u32 = number_text.parse().ok()?;
    if chars.get(i).is_some_and(|(c, _)| c.is_alphanumeric()) {
        return None;
    }
    let label_word: String = chars[start..start + word.chars().count()]
        .iter()
        .map(|(c, _)| *c)
        .collect();
    let label = format!("{} {number}", capitalized(&label_word));
    let level = level_in(chars, i);
    // Skip the punctuation after the number (and a level right there).
    let mut rest = i;
    loop {
        while chars
            .get(rest)
            .is_some_and(|(c, _)| c.is_whitespace() || matches!(c, ':' | '.' | ')' | '-'))
        {
            rest += 1;
        }
        match &level {
            Some((_, range)) if range.start == rest => rest = range.end,
            _ => break,
        }
    }
    Some(Line::Question {
        number,
        label,
        rest,
        level,
    })
}

fn capitalized(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut chars = lower.chars();
    chars
        .next()
        .map(|f| f.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A label at `at`: markers `*` and `#`, a letter in `letters`, then `.` or `)`. Returns the
/// letter's index, star, pin, whether the label is marked, and where the text starts.
fn label_at(chars: &Chars, at: usize, letters: &str) -> Option<(usize, bool, bool, bool, usize)> {
    let mut i = at;
    let (mut star, mut pin) = (false, false);
    while let Some((c, _)) = chars.get(i) {
        match c {
            '*' if !star => star = true,
            '#' if !pin => pin = true,
            ' ' => {}
            _ => break,
        }
        i += 1;
    }
    let (letter, look) = chars.get(i)?;
    let index = letters.chars().position(|l| l == *letter)?;
    let mut j = i + 1;
    while chars.get(j).is_some_and(|(c, _)| *c == ' ') {
        j += 1;
    }
    let (punct, punct_look) = chars.get(j)?;
    if !matches!(punct, '.' | ')') {
        return None;
    }
    // "A.B" (an abbreviation) is not a label; "A.Bàn" with a lower-case letter is.
    if let (Some((next, _)), Some((after, _))) = (chars.get(j + 1), chars.get(j + 2))
        && next.is_uppercase()
        && *after == '.'
    {
        return None;
    }
    let marked = look.marked || punct_look.marked;
    Some((index, star, pin, marked, j + 1))
}

/// Is all the visible text of a range marked?
fn all_marked(chars: &Chars, range: std::ops::Range<usize>) -> bool {
    let mut visible = chars[range]
        .iter()
        .filter(|(c, _)| !c.is_whitespace())
        .peekable();
    visible.peek().is_some() && visible.all(|(_, look)| look.marked)
}

/// Options on a line: the first at the line's start, the next ones after a tab or two spaces,
/// each with the next letter.
fn options(chars: &Chars) -> Option<Vec<OptionSpan>> {
    let start = chars.iter().position(|(c, _)| !c.is_whitespace())?;
    let (first, star, pin, marked, text_at) = label_at(chars, start, "ABCDEFGH")?;
    let mut found = vec![(first, star, pin, marked, start, text_at)];
    let mut i = text_at;
    while i < chars.len() {
        let gap = chars[i].0 == '\t'
            || (chars[i].0 == ' ' && chars.get(i + 1).is_some_and(|(c, _)| c.is_whitespace()));
        if gap {
            let mut j = i;
            while chars.get(j).is_some_and(|(c, _)| c.is_whitespace()) {
                j += 1;
            }
            let next = found.last().map_or(0, |f| f.0 + 1);
            if let Some((letter, star, pin, marked, text_at)) = label_at(chars, j, "ABCDEFGH")
                && letter == next
            {
                found.push((letter, star, pin, marked, i, text_at));
                i = text_at;
                continue;
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    let ends: Vec<usize> = found
        .iter()
        .skip(1)
        .map(|f| f.4)
        .chain(std::iter::once(chars.len()))
        .collect();
    Some(
        found
            .iter()
            .zip(ends)
            .map(
                |(&(letter, star, pin, marked, _, text_at), end)| OptionSpan {
                    letter,
                    marked: star || marked || all_marked(chars, text_at..end),
                    pinned: pin,
                    text: text_at..end,
                },
            )
            .collect(),
    )
}

/// A statement "a)" (or "a.") with the letter a question expects next.
fn statement(chars: &Chars, expected: usize) -> Option<OptionSpan> {
    let start = chars.iter().position(|(c, _)| !c.is_whitespace())?;
    let (letter, star, _, marked, text_at) = label_at(chars, start, "abcdefgh")?;
    (letter == expected || letter == 0).then(|| OptionSpan {
        letter,
        marked: star || marked || all_marked(chars, text_at..chars.len()),
        pinned: false,
        text: text_at..chars.len(),
    })
}
