//! Aiken, the simplest text format Moodle reads: a question on one or more lines, options
//! `A)` or `A.` (Moodle tolerates a missing space after the mark, and blank lines anywhere),
//! then `ANSWER: B`. Text is plain: anything that looks like HTML is shown as typed. A broken
//! block (too few options, options without a question, an answer that is not an option's
//! letter, a question never given its answer) is an error at its line; reading goes on.

use super::{Draft, DraftBody, DraftOption, Foreign, html::escape};
use crate::banks::report::args;

#[derive(Default)]
struct Block {
    line: usize,
    stem: Vec<String>,
    options: Vec<(char, String)>,
    /// Options came before any question text: the block is reported once, then skipped.
    orphan: bool,
}

/// An option line: a capital letter, `)` or `.`, then the text.
fn option(line: &str) -> Option<(char, &str)> {
    let mut chars = line.chars();
    let letter = chars.next().filter(char::is_ascii_uppercase)?;
    let mark = chars.next()?;
    if mark != ')' && mark != '.' {
        return None;
    }
    let rest = chars.as_str();
    // "A.B" or "U.S." are not options; "A)B" (no space) is, as Moodle reads it.
    if mark == '.' && !rest.starts_with([' ', '\t']) {
        return None;
    }
    Some((letter, rest.trim()))
}

/// `ANSWER: B` (any case), and what follows the colon.
fn answer(line: &str) -> Option<&str> {
    let (head, tail) = line.split_once(':')?;
    head.trim()
        .eq_ignore_ascii_case("answer")
        .then(|| tail.trim())
}

pub fn read(text: &str) -> Foreign {
    let mut found = Foreign::default();
    let mut block = Block::default();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() {
            continue;
        }
        if let Some(given) = answer(line) {
            finish(&mut found, std::mem::take(&mut block), given, number);
            continue;
        }
        if let Some((letter, option_text)) = option(line) {
            if block.stem.is_empty() && !block.orphan {
                let args = args![text = line];
                found
                    .errors
                    .push((number, ("report.aiken_option_without_question", args)));
                block = Block {
                    line: number,
                    orphan: true,
                    ..Block::default()
                };
            }
            block.options.push((letter, option_text.to_string()));
            continue;
        }
        if !block.options.is_empty() && !block.orphan {
            let args = args![question = block.stem.join(" ")];
            found
                .errors
                .push((block.line, ("report.aiken_unfinished", args)));
            block = Block::default();
        }
        if block.orphan {
            block = Block::default();
        }
        if block.stem.is_empty() {
            block.line = number;
        }
        block.stem.push(line.to_string());
    }
    if !block.options.is_empty() && !block.orphan {
        let args = args![question = block.stem.join(" ")];
        found
            .errors
            .push((block.line, ("report.aiken_unfinished", args)));
    }
    found
}

/// A block closed by its `ANSWER:` line.
fn finish(found: &mut Foreign, block: Block, given: &str, line: usize) {
    if block.orphan {
        return;
    }
    if block.stem.is_empty() {
        found
            .errors
            .push((line, ("report.aiken_answer_without_question", vec![])));
        return;
    }
    if block.options.len() < 2 {
        let args = args![count = block.options.len()];
        found
            .errors
            .push((block.line, ("report.aiken_too_few_options", args)));
        return;
    }
    let key = given.chars().next().filter(|_| given.chars().count() == 1);
    let Some(key) = key.filter(|k| block.options.iter().any(|(l, _)| l == k)) else {
        let letters: Vec<String> = block.options.iter().map(|(l, _)| l.to_string()).collect();
        let args = args![answer = given, letters = letters.join(", ")];
        found
            .errors
            .push((line, ("report.aiken_answer_not_an_option", args)));
        return;
    };
    let stem: Vec<String> = block.stem.iter().map(|l| escape(l)).collect();
    found.drafts.push(Draft {
        line: block.line,
        name: None,
        category: None,
        tags: vec![],
        level: None,
        stem: stem.join("\\\n"),
        body: DraftBody::Choice {
            options: block
                .options
                .iter()
                .map(|(letter, text)| DraftOption {
                    text: escape(text),
                    correct: *letter == key,
                    pinned: false,
                })
                .collect(),
            multiple: false,
            partial: false,
        },
        explanation: None,
        points: None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        banks::{foreign::read_drafts, model::Body},
        vocab::Lang,
    };

    const QUESTIONS: &str =
        include_str!("../../../tests/fixtures/import/aiken/moodle-questions.aiken.txt");
    const ERRORS: &str =
        include_str!("../../../tests/fixtures/import/aiken/moodle-aiken_errors.txt");

    use crate::test_fixtures::foreign_defaults as defaults;

    #[test]
    fn moodles_fixture_reads_with_html_shown_as_text() {
        let found = read(QUESTIONS);
        assert!(found.errors.is_empty(), "{:?}", found.errors);
        assert_eq!(found.drafts.len(), 2);
        let (parsed, report) = read_drafts("questions.aiken.txt", "aiken", found, &defaults());
        assert!(!report.has_errors(), "{:?}", report.lines(Lang::En));
        let items = parsed.unwrap().items;
        let Body::Single { options } = &items[0].body else {
            panic!()
        };
        assert_eq!(options.iter().position(|o| o.correct), Some(1));
        assert_eq!(options[1].text.source, "Martin Dougiamas");
        assert_eq!(
            items[1].stem.html,
            "<p>Moodle's abilities include handling user input that includes &lt;html class=\"cool\"&gt; &amp; images:</p>"
        );
        assert_eq!(items[0].id, "#1");
    }

    #[test]
    fn broken_blocks_are_errors_and_the_good_ones_are_read() {
        let found = read(ERRORS);
        let good: Vec<&str> = found.drafts.iter().map(|d| d.stem.as_str()).collect();
        assert_eq!(good, vec!["A good question", "A second good question"]);
        let errors: Vec<(usize, &str)> = found.errors.iter().map(|(l, (k, _))| (*l, *k)).collect();
        assert_eq!(
            errors,
            vec![
                (1, "report.aiken_too_few_options"),
                (5, "report.aiken_option_without_question"),
                (14, "report.aiken_unfinished"),
            ]
        );
        // All or nothing: the file as a whole imports nothing.
        let (parsed, report) = read_drafts("aiken_errors.txt", "aiken", found, &defaults());
        assert!(parsed.is_none());
        let lines = report.lines(Lang::Vi);
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("aiken_errors.txt:1: lỗi: câu hỏi chỉ có 1 phương án")),
            "{lines:#?}"
        );
    }

    #[test]
    fn answers_must_name_an_option() {
        let found = read("Câu hỏi?\nA. Một\nB. Hai\nANSWER: E\n");
        assert_eq!(found.errors[0].1.0, "report.aiken_answer_not_an_option");
        let found = read("ANSWER: A\n");
        assert_eq!(found.errors[0].1.0, "report.aiken_answer_without_question");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "(?s).{0,400}") {
            let _ = read(&text);
        }
    }
}
