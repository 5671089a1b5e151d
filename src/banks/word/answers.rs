//! The answer section at the end of a Word bank ("ĐÁP ÁN"): lists such as `1-A 2.B 3C`,
//! `Câu 4: A, C`, `5: a) Đ, b) S, c) Đ, d) S`, `Câu 6: 2048`, and tables, either of such
//! entries or of question numbers over their answers (rows or columns).

use super::{document::Paragraph, layout::fold};
use crate::banks::report::{Msg, args};

/// One answer: the question's number, the answer as written, where.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The k-th part heading of the answer section it follows, if any.
    pub part: Option<usize>,
    pub number: u32,
    pub raw: String,
    pub paragraph: usize,
}

type Found = (Vec<Entry>, Vec<(usize, Msg)>);

/// Words of a table's header cells, not answers.
const HEADER_WORDS: [&str; 6] = ["cau", "cau hoi", "dap an", "question", "answer", "so cau"];

pub fn paragraph(p: &Paragraph, part: Option<usize>) -> Found {
    let text = p.text();
    line(&text, p.number, part)
}

/// The entries of one line of text.
fn line(text: &str, paragraph: usize, part: Option<usize>) -> Found {
    let folded = fold(text);
    let bare = folded.trim_matches(|c: char| !c.is_alphanumeric());
    if bare.is_empty() || HEADER_WORDS.contains(&bare) {
        return (vec![], vec![]);
    }
    let cleaned = without_question_words(text);
    let starts = entry_starts(&cleaned);
    if starts.is_empty() {
        let args = args![text = text.trim(), paragraph = paragraph];
        return (
            vec![],
            vec![(paragraph, ("report.word_answer_unreadable", args))],
        );
    }
    let chars: Vec<char> = cleaned.chars().collect();
    let mut entries = Vec::new();
    for (k, &(start, digits_end)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(chars.len(), |s| s.0);
        let number: String = chars[start..digits_end].iter().collect();
        let raw: String = chars[digits_end..end].iter().collect();
        let raw = raw
            .trim()
            .trim_start_matches(['-', '.', ':', ')', '='])
            .trim()
            .trim_end_matches([',', ';', '|'])
            .trim()
            .to_string();
        if let Ok(number) = number.parse() {
            entries.push(Entry {
                part,
                number,
                raw,
                paragraph,
            });
        }
    }
    (entries, vec![])
}

/// The text without "Câu"/"Question" before numbers.
fn without_question_words(text: &str) -> String {
    let mut out = text.to_string();
    for word in [
        "Câu hỏi",
        "câu hỏi",
        "CÂU HỎI",
        "Câu",
        "câu",
        "CÂU",
        "Question",
        "question",
        "QUESTION",
    ] {
        out = out.replace(word, " ");
    }
    out
}

/// Where entries begin: a number at the start or after a space or separator, followed by a
/// separator (`-`, `.`, `:`, `)`) and not a digit, or directly by a letter `A`–`H`.
/// Returns (start, end of digits) in chars.
fn entry_starts(text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut starts = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let boundary = i == 0 || matches!(chars[i - 1], ' ' | '\t' | ',' | ';' | '|' | '\u{a0}');
        if !(boundary && chars[i].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        let mut k = j;
        while chars.get(k) == Some(&' ') {
            k += 1;
        }
        let is_entry = match chars.get(k) {
            Some('-' | ':' | ')' | '=') => true,
            Some('.') => !chars.get(k + 1).is_some_and(char::is_ascii_digit),
            Some(c) if k == j => {
                ('A'..='H').contains(c) && !chars.get(k + 1).is_some_and(|n| n.is_alphanumeric())
            }
            _ => false,
        };
        // A number that is an answer (`Câu 6: 2048`) is not the start of an entry.
        let answer_of_previous = starts.last().is_some_and(|_| {
            let before: String = chars[..i].iter().collect();
            before.trim_end().ends_with([':', '-', '='])
        });
        if is_entry && !answer_of_previous {
            starts.push((i, j));
        }
        i = j;
    }
    starts
}

/// The entries of a table: a table of numbers over answers (numbers in a row, answers in the
/// row below; or numbers down the first column), or cells each holding entries.
pub fn table(rows: &[Vec<Vec<Paragraph>>], part: Option<usize>) -> Found {
    let cell = |cell: &Vec<Paragraph>| -> (String, usize) {
        let text = cell
            .iter()
            .map(Paragraph::text)
            .collect::<Vec<_>>()
            .join(" ");
        (
            text.trim().to_string(),
            cell.first().map_or(0, |p| p.number),
        )
    };
    let grid: Vec<Vec<(String, usize)>> =
        rows.iter().map(|r| r.iter().map(cell).collect()).collect();
    let is_number = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    let is_label =
        |t: &str| HEADER_WORDS.contains(&fold(t).trim_matches(|c: char| !c.is_alphanumeric()));
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    // Numbers in a row, their answers in the next row.
    let number_row = |row: &Vec<(String, usize)>| {
        let cells: Vec<&(String, usize)> = row.iter().filter(|(t, _)| !is_label(t)).collect();
        !cells.is_empty() && cells.iter().all(|(t, _)| is_number(t))
    };
    if grid.len() >= 2 && number_row(&grid[0]) {
        let mut r = 0;
        while r + 1 < grid.len() {
            if number_row(&grid[r]) {
                for (c, (number, _)) in grid[r].iter().enumerate() {
                    if let (Ok(n), Some((raw, paragraph))) = (number.parse(), grid[r + 1].get(c))
                        && !raw.is_empty()
                    {
                        entries.push(Entry {
                            part,
                            number: n,
                            raw: raw.clone(),
                            paragraph: *paragraph,
                        });
                    }
                }
                r += 2;
            } else {
                r += 1;
            }
        }
        return (entries, errors);
    }
    // Numbers down the first column, answers beside them.
    let body: Vec<&Vec<(String, usize)>> = grid
        .iter()
        .filter(|r| !r.first().is_some_and(|(t, _)| is_label(t)))
        .collect();
    if !body.is_empty() && body.iter().all(|r| r.len() >= 2 && is_number(&r[0].0)) {
        for row in body {
            let raw = row[1..]
                .iter()
                .map(|(t, _)| t.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            if let Ok(n) = row[0].0.parse()
                && !raw.trim().is_empty()
            {
                entries.push(Entry {
                    part,
                    number: n,
                    raw: raw.trim().to_string(),
                    paragraph: row[1].1,
                });
            }
        }
        return (entries, errors);
    }
    for (text, paragraph) in grid.iter().flatten() {
        let (found, problems) = line(text, *paragraph, part);
        entries.extend(found);
        errors.extend(problems);
    }
    (entries, errors)
}

/// Option letters: `B`, `A, C`, `A và C`, `AC` (0 = A).
pub fn letters(raw: &str) -> Option<Vec<usize>> {
    let words: Vec<&str> = raw
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !matches!(fold(w).as_str(), "va" | "and"))
        .collect();
    let mut out = Vec::new();
    for word in words {
        if !word.chars().all(|c| ('A'..='H').contains(&c)) {
            return None;
        }
        out.extend(word.chars().map(|c| c as usize - 'A' as usize));
    }
    (!out.is_empty()).then_some(out)
}

/// True/false values of statements: `a) Đ, b) S, c) Đ, d) S`, `a-Đ b-S`, `Đ S Đ S`, `ĐSĐS`,
/// `Đúng, Sai, …`, `T F`.
pub fn truths(raw: &str) -> Option<Vec<bool>> {
    let folded = fold(raw);
    let tokens: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let value = |t: &str| match t {
        "d" | "dung" | "t" | "true" => Some(true),
        "s" | "sai" | "f" | "false" => Some(false),
        _ => None,
    };
    let labelled = tokens.len() >= 2
        && tokens.len().is_multiple_of(2)
        && tokens
            .iter()
            .step_by(2)
            .enumerate()
            .all(|(i, t)| t.len() == 1 && t.as_bytes()[0] == b'a' + i as u8);
    let values: Vec<&str> = if labelled {
        tokens.iter().skip(1).step_by(2).copied().collect()
    } else {
        tokens
    };
    if let [single] = values.as_slice()
        && single.len() > 1
        && single.chars().all(|c| matches!(c, 'd' | 's' | 't' | 'f'))
    {
        return single.chars().map(|c| value(&c.to_string())).collect();
    }
    let out: Option<Vec<bool>> = values.iter().map(|t| value(t)).collect();
    out.filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(text: &str) -> Vec<(u32, String)> {
        let (found, errors) = line(text, 1, None);
        assert!(errors.is_empty(), "{text}: {errors:?}");
        found.into_iter().map(|e| (e.number, e.raw)).collect()
    }

    #[test]
    fn answer_lists_in_the_usual_forms() {
        let abc = vec![(1, "A".to_string()), (2, "B".into()), (3, "C".into())];
        assert_eq!(entries("1-A 2-B 3-C"), abc);
        assert_eq!(entries("1.A, 2.B, 3.C"), abc);
        assert_eq!(entries("1A 2B 3C"), abc);
        assert_eq!(entries("1. A\t2. B\t3. C"), abc);
        assert_eq!(entries("Câu 1: A"), vec![(1, "A".to_string())]);
        assert_eq!(entries("Câu 4: A, C"), vec![(4, "A, C".to_string())]);
        assert_eq!(
            entries("5: a) Đ, b) S, c) Đ, d) S"),
            vec![(5, "a) Đ, b) S, c) Đ, d) S".to_string())]
        );
        assert_eq!(entries("Câu 6: 2048"), vec![(6, "2048".to_string())]);
        assert_eq!(entries("Câu 7: 3.14"), vec![(7, "3.14".to_string())]);
        assert_eq!(entries("Câu 8: 12,5"), vec![(8, "12,5".to_string())]);
        let (_, errors) = line("xem lời giải chi tiết", 9, None);
        assert_eq!(errors[0].1.0, "report.word_answer_unreadable");
    }

    #[test]
    fn letters_and_truths() {
        assert_eq!(letters("B"), Some(vec![1]));
        assert_eq!(letters("A, C"), Some(vec![0, 2]));
        assert_eq!(letters("A và C"), Some(vec![0, 2]));
        assert_eq!(letters("AC"), Some(vec![0, 2]));
        assert_eq!(letters("Bàn phím"), None);
        let dsds = Some(vec![true, false, true, false]);
        assert_eq!(truths("a) Đ, b) S, c) Đ, d) S"), dsds);
        assert_eq!(truths("a-Đ b-S c-Đ d-S"), dsds);
        assert_eq!(truths("Đ S Đ S"), dsds);
        assert_eq!(truths("ĐSĐS"), dsds);
        assert_eq!(truths("Đúng, Sai, Đúng, Sai"), dsds);
        assert_eq!(truths("a) Đ, b) S, c) Đ, d) Sai"), dsds);
        assert_eq!(truths("không rõ"), None);
    }
}
