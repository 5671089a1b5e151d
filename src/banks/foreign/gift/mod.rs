//! GIFT, Moodle's text format for questions, read as Moodle reads it
//! (`question/format/gift/format.php`): questions separated by blank lines, `//` comment
//! lines, `$CATEGORY:` lines, an optional `::title::`, the stem with one answer block `{…}`
//! (a missing-word question when text follows the block), general feedback `####…`, format
//! markers and escapes (see `text`), answers by type (see `answers`). Moodle 4's
//! `// [id:…]` and `// [tag:…]` comments in a question name and tag it.
//!
//! Essays (`{}`) and descriptions (text without an answer block) are skipped by name; a
//! block that cannot be read is an error at its line, and reading goes on.

mod answers;
mod text;

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod pipeline_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod text_tests;

use self::text::{BLANK, Format, markdown, protect, restore, summary, with_format};
use super::{
    Draft, Foreign, Skipped,
    left_out::{PLUGINFILE, drop_pictures, media_in},
};
use crate::banks::report::args;

/// Reads a GIFT file.
pub fn read(text: &str) -> Foreign {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader::default();
    let mut block: Vec<(usize, &str)> = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            reader.block(std::mem::take(&mut block));
        } else {
            block.push((index + 1, line));
        }
    }
    reader.block(block);
    reader.found
}

#[derive(Default)]
struct Reader {
    found: Foreign,
    /// The last `$CATEGORY:`.
    category: Option<String>,
    /// The last question had `{` but no `}`: a blank line may have cut it in two, and its
    /// rest (up to a `}`) is not reported again.
    unclosed: bool,
    /// Questions read so far, to name one that has neither title nor text.
    position: usize,
}

impl Reader {
    /// One block of lines between blank lines: comments, categories, a question.
    fn block(&mut self, lines: Vec<(usize, &str)>) {
        if lines.is_empty() {
            return;
        }
        let (comments, mut body): (Vec<_>, Vec<_>) =
            lines.into_iter().partition(|(_, l)| l.starts_with("//"));
        while let Some(category) = body.first().and_then(|(_, l)| l.strip_prefix("$CATEGORY:")) {
            self.category = category_of(category);
            body.remove(0);
        }
        let unclosed = std::mem::take(&mut self.unclosed);
        if body.is_empty() {
            return;
        }
        let numbers: Vec<usize> = body.iter().map(|(n, _)| *n).collect();
        let joined: Vec<&str> = body.iter().map(|(_, l)| *l).collect();
        let comments: Vec<&str> = comments.iter().map(|(_, l)| *l).collect();
        let question = Question {
            text: protect(&joined.join("\n")),
            numbers,
            id: marked(&comments, "id").into_iter().next(),
            tags: marked(&comments, "tag"),
        };
        self.position += 1;
        self.question(question, unclosed);
    }

    fn question(&mut self, q: Question, after_unclosed: bool) {
        let line = q.numbers[0];
        let text = q.text.as_str();
        // Checked once for the whole question: its stem, answers and feedback may be HTML.
        if let Err(too_deep) = super::html::nesting(text) {
            self.found.errors.push((line, too_deep));
            return;
        }
        // `::title::`; without its closing `::` there is no title (as in Moodle).
        let (title, rest) = match text.strip_prefix("::") {
            Some(after) => match after.find("::") {
                Some(end) => {
                    let title = restore(&after[..end]);
                    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
                    (Some(title), after[end + 2..].trim())
                }
                None => (None, after),
            },
            None => (None, text),
        };
        let name = title.filter(|t| !t.is_empty()).or_else(|| q.id.clone());
        let at = |rest_offset: usize| q.line_of(text.len() - rest.len() + rest_offset);
        let (open, close) = (rest.find('{'), rest.find('}'));
        let (open, close) = match (open, close) {
            (None, None) => {
                let stem = with_format(rest, Format::Moodle).1;
                self.skip(line, name, stem, "description");
                return;
            }
            (Some(open), Some(close)) if open < close => (open, close),
            (Some(open), None) => {
                self.found
                    .errors
                    .push((at(open), ("report.gift_unclosed", args![])));
                self.unclosed = true;
                return;
            }
            (_, Some(close)) => {
                if !after_unclosed {
                    let error = ("report.gift_stray_brace", args![]);
                    self.found.errors.push((at(close), error));
                }
                return;
            }
        };
        let (before, after) = (&rest[..open], &rest[close + 1..]);
        if let Some(stray) = after.find(['{', '}']) {
            let error = ("report.gift_stray_brace", args![]);
            self.found.errors.push((at(close + 1 + stray), error));
            return;
        }
        // Text after the block makes a missing-word question.
        let stem = if after.is_empty() {
            before.to_string()
        } else {
            format!("{before}{BLANK}{after}")
        };
        let mut block = rest[open + 1..close].trim();
        let mut feedback = "";
        if let Some(at) = block.rfind("####") {
            feedback = &block[at + 4..];
            block = block[..at].trim();
        }
        let (format, stem) = with_format(&stem, Format::Moodle);
        let body = match answers::read(block, format) {
            Ok(Some(body)) => {
                let partial = answers::partial_credit(block);
                if !partial.is_empty() {
                    let args = args![answers = partial.join(" | ")];
                    let warning = ("report.foreign_partial_dropped", args);
                    self.found.warnings.push((line, warning));
                }
                body
            }
            Ok(None) => {
                self.skip(line, name, stem, "essay");
                return;
            }
            Err(message) => {
                self.found.errors.push((line, message));
                return;
            }
        };
        // GIFT carries no pictures: one Moodle keeps (`@@PLUGINFILE@@/…`) cannot come along.
        let (stem, pictures) = drop_pictures(&markdown(stem, format), PLUGINFILE);
        if !pictures.is_empty() {
            let args = args![names = pictures.join(", ")];
            self.found
                .errors
                .push((line, ("bank.foreign2.gift_picture", args)));
            return;
        }
        let media = media_in(&restore(text));
        if !media.is_empty() {
            let args = args![what = media.join(", ")];
            self.found
                .warnings
                .push((line, ("bank.foreign2.media_left_out", args)));
        }
        let (feedback_format, feedback) = with_format(feedback, format);
        let (explanation, pictures) =
            drop_pictures(&markdown(feedback, feedback_format), PLUGINFILE);
        if !pictures.is_empty() {
            let args = args![names = pictures.join(", ")];
            let warning = ("bank.foreign2.feedback_picture_dropped", args);
            self.found.warnings.push((line, warning));
        }
        let explanation = Some(explanation).filter(|e| !e.is_empty());
        self.found.drafts.push(Draft {
            line,
            name,
            category: self.category.clone(),
            tags: q.tags.clone(),
            level: None,
            stem,
            body,
            explanation,
            points: None,
        });
    }

    fn skip(&mut self, line: usize, name: Option<String>, stem: &str, kind: &str) {
        let name = name
            .or_else(|| Some(summary(stem)).filter(|s| !s.is_empty()))
            .unwrap_or_else(|| format!("#{}", self.position));
        self.found.skipped.push(Skipped {
            line,
            name,
            kind: kind.into(),
        });
    }
}

/// A question's lines, joined and protected, and what its comments say.
struct Question {
    text: String,
    /// The line in the file of each line of `text`.
    numbers: Vec<usize>,
    id: Option<String>,
    tags: Vec<String>,
}

impl Question {
    /// The line in the file of a place in `text`.
    fn line_of(&self, offset: usize) -> usize {
        let index = self.text[..offset].matches('\n').count();
        self.numbers[index.min(self.numbers.len() - 1)]
    }
}

/// A category as a topic may be found in it: `$course$/top/IU01.1` → `IU01.1`.
fn category_of(written: &str) -> Option<String> {
    let mut path = written.trim().to_string();
    if path.starts_with('$')
        && let Some(end) = path[1..].find("$/")
    {
        path = path[end + 3..].to_string();
    }
    if let Some(rest) = path.strip_prefix("top/") {
        path = rest.to_string();
    } else if path == "top" {
        path.clear();
    }
    Some(path.trim().to_string()).filter(|p| !p.is_empty())
}

/// The values of Moodle 4's `[id:…]` or `[tag:…]` marks in comment lines (`\]` is a `]`).
fn marked(comments: &[&str], mark: &str) -> Vec<String> {
    let opening = format!("[{mark}:");
    let mut values = Vec::new();
    for comment in comments {
        let mut rest = *comment;
        while let Some(start) = rest.find(&opening) {
            let after = &rest[start + opening.len()..];
            let mut value = String::new();
            let mut chars = after.char_indices();
            let mut end = None;
            while let Some((at, c)) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some((_, next)) => value.push(next),
                        None => value.push('\\'),
                    },
                    ']' => {
                        end = Some(at);
                        break;
                    }
                    c => value.push(c),
                }
            }
            let Some(end) = end else {
                break;
            };
            let value = value.trim().to_string();
            if !value.is_empty() && !values.contains(&value) {
                values.push(value);
            }
            rest = &after[end + 1..];
        }
    }
    values
}
