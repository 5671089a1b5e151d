//! The questions of a Word bank, read paragraph by paragraph (see `layout` for what each
//! paragraph can be): stems, options and statements with their marks, parts and their topics
//! and levels, explanations, the lines naming the bank, and the answer section's entries.

use std::collections::BTreeMap;

use super::{
    answers::{self, Entry},
    document::{Block, Paragraph},
    layout::{Field, Line, OptionSpan, classify, fold, level_in},
    markdown,
    place::excerpt,
};
use crate::banks::{
    catalog::{Module, catalog, topic_in},
    model::Difficulty,
    report::{Msg, args},
};

/// An option or a statement.
#[derive(Clone, Debug)]
pub struct Choice {
    pub paragraph: usize,
    pub letter: usize,
    pub text: String,
    pub marked: bool,
    pub pinned: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Question {
    pub number: u32,
    /// "Câu 3", as the file writes it: messages name the question so.
    pub label: String,
    /// The beginning of its stem, so a message names it as Word shows it.
    pub excerpt: String,
    pub paragraph: usize,
    /// The part (0 before any part heading).
    pub part: usize,
    /// The part allows one key only ("trắc nghiệm nhiều phương án lựa chọn").
    pub single_only: bool,
    /// A topic code or what the file says of the topic, and the paragraph saying it.
    pub topic: Option<(String, usize)>,
    pub level: Option<(Difficulty, usize)>,
    pub stem: Vec<String>,
    pub options: Vec<Choice>,
    pub statements: Vec<Choice>,
    /// "Đáp án: …" under the question.
    pub key: Option<(String, usize)>,
    pub explanation: Vec<String>,
    /// Some paragraph of the question uses Word's automatic numbering.
    pub numbered: bool,
}

/// What the reading found.
#[derive(Default)]
pub struct Found {
    pub fields: BTreeMap<&'static str, (String, usize)>,
    pub questions: Vec<Question>,
    pub answers: Vec<Entry>,
    /// Package paths of the pictures the questions show.
    pub pictures: Vec<(String, usize)>,
    /// Errors: paragraph, question label if any, message.
    pub errors: Vec<(usize, Option<String>, Msg)>,
}

#[derive(PartialEq)]
enum Mode {
    Stem,
    Explanation,
    Answers,
}

struct State {
    found: Found,
    mode: Mode,
    part: usize,
    part_single_only: bool,
    topic: Option<(String, usize)>,
    level: Option<(Difficulty, usize)>,
    answer_parts: usize,
}

pub fn read(blocks: &[Block]) -> Found {
    let mut state = State {
        found: Found::default(),
        mode: Mode::Stem,
        part: 0,
        part_single_only: false,
        topic: None,
        level: None,
        answer_parts: 0,
    };
    for block in blocks {
        match block {
            Block::Paragraph(p) => state.paragraph(p),
            Block::Table(rows) if state.mode == Mode::Answers => {
                let part = state.answer_part();
                let (entries, errors) = answers::table(rows, part);
                state.found.answers.extend(entries);
                state
                    .found
                    .errors
                    .extend(errors.into_iter().map(|(p, m)| (p, None, m)));
            }
            Block::Table(rows) if structural(rows, &state) => {
                for p in rows.iter().flatten().flatten() {
                    state.paragraph(p);
                }
            }
            Block::Table(rows) => state.table(rows),
        }
    }
    state.found
}

/// A table laid out with questions or options in its cells (options in a 2 × 2 grid).
fn structural(rows: &[Vec<Vec<Paragraph>>], state: &State) -> bool {
    let expected = state.current().map_or(0, |q| q.statements.len());
    rows.iter().flatten().flatten().any(|p| {
        matches!(
            classify(p, true, expected),
            Line::Question { .. } | Line::Options(_) | Line::Statement(_)
        )
    })
}

impl State {
    fn current(&self) -> Option<&Question> {
        self.found.questions.last()
    }

    fn current_mut(&mut self) -> Option<&mut Question> {
        self.found.questions.last_mut()
    }

    /// The part the answer entries refer to: the k-th part heading seen in the answer
    /// section (None before any).
    fn answer_part(&self) -> Option<usize> {
        self.answer_parts.checked_sub(1)
    }

    fn module(&self) -> Option<&'static Module> {
        let (code, _) = self.found.fields.get("module")?;
        catalog().module(code.trim())
    }

    fn error(&mut self, paragraph: usize, msg: Msg) {
        let label = self.current().map(Question::place);
        self.found.errors.push((paragraph, label, msg));
    }

    fn table(&mut self, rows: &[Vec<Vec<Paragraph>>]) {
        let mut pictures = Vec::new();
        let text = markdown::table(rows, &mut pictures);
        let paragraph = rows
            .iter()
            .flatten()
            .flatten()
            .next()
            .map_or(0, |p| p.number);
        let explanation = self.mode == Mode::Explanation;
        // A table before the first question (a letterhead) is not part of any question.
        let Some(question) = self.current_mut() else {
            return;
        };
        if explanation {
            question.explanation.push(text);
        } else {
            question.stem.push(text);
        }
        self.found
            .pictures
            .extend(pictures.into_iter().map(|p| (p, paragraph)));
    }

    fn render(&mut self, p: &Paragraph, range: std::ops::Range<usize>) -> String {
        let mut pictures = Vec::new();
        let text = markdown::render(p, range, &mut pictures);
        self.found
            .pictures
            .extend(pictures.into_iter().map(|path| (path, p.number)));
        text
    }

    fn paragraph(&mut self, p: &Paragraph) {
        if self.mode == Mode::Answers {
            if classify(p, false, 0) == Line::Part {
                self.answer_parts += 1;
            } else {
                let part = self.answer_part();
                let (entries, errors) = answers::paragraph(p, part);
                self.found.answers.extend(entries);
                self.found
                    .errors
                    .extend(errors.into_iter().map(|(n, m)| (n, None, m)));
            }
            return;
        }
        let expected = self.current().map_or(0, |q| q.statements.len());
        let in_question = self.current().is_some();
        if p.numbered
            && let Some(q) = self.current_mut()
        {
            q.numbered = true;
        }
        match classify(p, in_question, expected) {
            Line::Blank => {}
            Line::Question {
                number,
                label,
                rest,
                level,
            } => {
                self.mode = Mode::Stem;
                let mut stem = Vec::new();
                let mut text = match &level {
                    Some((_, range)) if range.start >= rest => {
                        let before = self.render(p, rest..range.start);
                        let after = self.render(p, range.end..p.chars.len());
                        format!("{before} {after}").trim().to_string()
                    }
                    _ => self.render(p, rest..p.chars.len()),
                };
                if !text.is_empty() {
                    stem.push(std::mem::take(&mut text));
                }
                let paragraph = p.number;
                // The stem as Word shows it, without the level written in it.
                let shown: Vec<_> = (rest.min(p.chars.len())..p.chars.len())
                    .filter(|i| level.as_ref().is_none_or(|(_, r)| !r.contains(i)))
                    .map(|i| p.chars[i])
                    .collect();
                self.found.questions.push(Question {
                    number,
                    label,
                    excerpt: excerpt(&shown),
                    paragraph,
                    part: self.part,
                    single_only: self.part_single_only,
                    topic: self.topic.clone(),
                    level: level.map(|(l, _)| (l, paragraph)).or(self.level),
                    stem,
                    numbered: p.numbered,
                    ..Question::default()
                });
            }
            Line::Options(spans) => self.choices(p, spans, false),
            Line::Statement(span) => self.choices(p, vec![span], true),
            Line::Part => self.part(p),
            Line::AnswerSection => self.mode = Mode::Answers,
            Line::Field(field, value) => self.field(field, value, p.number),
            Line::Key(value) => {
                if let Some(q) = self.current_mut() {
                    q.key = Some((value, p.number));
                }
            }
            Line::Explanation(skip) => {
                self.mode = Mode::Explanation;
                let text = self.render(p, skip.min(p.chars.len())..p.chars.len());
                if let Some(q) = self.current_mut()
                    && !text.is_empty()
                {
                    q.explanation.push(text);
                }
            }
            Line::End => self.mode = Mode::Stem,
            Line::Text => {
                let explanation = self.mode == Mode::Explanation;
                let text = self.render(p, 0..p.chars.len());
                let Some(q) = self.current_mut() else {
                    return;
                };
                if explanation {
                    q.explanation.push(text);
                } else if q.options.is_empty() && q.statements.is_empty() && q.excerpt.is_empty() {
                    q.excerpt = excerpt(&p.chars);
                    q.stem.push(text);
                } else if let Some(last) = q.statements.last_mut().or(q.options.last_mut()) {
                    // A paragraph after the options continues the last one (a picture, say).
                    last.text = format!("{}\\\n{text}", last.text);
                } else {
                    q.stem.push(text);
                }
            }
        }
    }

    /// Options (or statements) of the current question, checked to come in order.
    fn choices(&mut self, p: &Paragraph, spans: Vec<OptionSpan>, statements: bool) {
        let first = if statements { 'a' } else { 'A' };
        let Some(question) = self.current() else {
            let letter = letter(spans[0].letter, first);
            let args = args![letter = letter, text = excerpt(&p.chars)];
            return self.error(p.number, ("report.word_option_before_question", args));
        };
        let (own, other) = if statements {
            (&question.statements, &question.options)
        } else {
            (&question.options, &question.statements)
        };
        if !other.is_empty() {
            let args = args![paragraph = p.number];
            return self.error(p.number, ("report.word_options_and_statements", args));
        }
        let next = own.len();
        if spans[0].letter != next {
            let args = args![
                letter = letter(spans[0].letter, first),
                expected = letter(next, first)
            ];
            return self.error(p.number, ("report.word_option_order", args));
        }
        self.mode = Mode::Stem;
        for span in spans {
            let choice = Choice {
                paragraph: p.number,
                letter: span.letter,
                text: self.render(p, span.text.clone()),
                marked: span.marked,
                pinned: span.pinned,
            };
            if let Some(q) = self.current_mut() {
                if statements {
                    &mut q.statements
                } else {
                    &mut q.options
                }
                .push(choice);
            }
        }
    }

    /// A part heading: numbering may restart; its topic and level (if it names them)
    /// apply to its questions.
    fn part(&mut self, p: &Paragraph) {
        self.mode = Mode::Stem;
        let text = p.text();
        if self.found.questions.iter().any(|q| q.part == self.part) {
            self.part += 1;
        }
        let folded = fold(&text);
        self.part_single_only = ["nhieu phuong an lua chon", "mot phuong an", "mot dap an"]
            .iter()
            .any(|w| folded.contains(w));
        if let Some(topic) = topic_in(&text, self.module()) {
            self.topic = Some((topic, p.number));
        }
        if let Some((level, _)) = level_in(&p.chars, 0) {
            self.level = Some((level, p.number));
        }
    }

    fn field(&mut self, field: Field, value: String, paragraph: usize) {
        match field {
            Field::Topic => {
                let topic = topic_in(&value, self.module()).unwrap_or(value);
                self.topic = Some((topic, paragraph));
            }
            Field::Level => match Difficulty::parse(&value) {
                Some(level) => self.level = Some((level, paragraph)),
                None => self.error(
                    paragraph,
                    ("report.word_level_unknown", args![level = value]),
                ),
            },
            _ => {
                let key = match field {
                    Field::Code => "code",
                    Field::Title => "title",
                    Field::Module => "module",
                    _ => "language",
                };
                self.found.fields.insert(key, (value, paragraph));
            }
        }
    }
}

fn letter(index: usize, first: char) -> String {
    char::from_u32(first as u32 + index as u32)
        .unwrap_or(first)
        .to_string()
}
