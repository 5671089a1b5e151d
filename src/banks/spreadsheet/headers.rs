//! The header row of a spreadsheet bank: which column holds what, named in Vietnamese or
//! English, with or without diacritics (`Câu hỏi`, `cau hoi`, `Question`); option columns as
//! teachers name them (`A`…`H`, `Phương án A`, `Đáp án B`, `PA1`, `opt1`); and the columns that
//! look like options but are none of these, whose rows are refused rather than misread.

use super::fold;

/// A column of the item rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Field {
    Id,
    Kind,
    Topic,
    Level,
    Points,
    Question,
    Option(usize),
    Answer,
    Explanation,
    Tags,
}

/// Folded header words for each field (lower case, no diacritics).
const HEADERS: [(Field, &[&str]); 9] = [
    (Field::Id, &["ma cau", "ma cau hoi", "id", "question id"]),
    (
        Field::Kind,
        &["loai", "loai cau hoi", "dang cau hoi", "type"],
    ),
    (Field::Topic, &["chu de", "noi dung kien thuc", "topic"]),
    (
        Field::Level,
        &["muc do", "muc do nhan thuc", "level", "difficulty"],
    ),
    (Field::Points, &["diem", "points"]),
    (
        Field::Question,
        &["cau hoi", "noi dung", "noi dung cau hoi", "question"],
    ),
    (
        Field::Answer,
        &[
            "dap an",
            "dap an dung",
            "dap an chinh xac",
            "phuong an dung",
            "answer",
            "correct answer",
            "key",
        ],
    ),
    (Field::Explanation, &["giai thich", "explanation"]),
    (Field::Tags, &["the", "tags"]),
];

/// Words naming an option column before its letter or number, without spaces:
/// `Phương án A`, `Đáp án B`, `Lựa chọn C`, `PA1`, `Option D`, `opt4`, `Choice 2`.
const OPTION_WORDS: [&str; 7] = [
    "phuongan", "dapan", "luachon", "pa", "option", "opt", "choice",
];

/// A header folded and without spaces or punctuation: `Phương án A` → `phuongana`.
fn compact(header: &str) -> String {
    fold(header)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The option a header names: a letter `a`…`h`, or an option word and a letter `a`…`h` or a
/// number `1`…`8`.
fn option_index(compact: &str) -> Option<usize> {
    let one = |rest: &str, digits: bool| -> Option<usize> {
        let mut chars = rest.chars();
        let c = chars.next()?;
        if chars.next().is_some() {
            return None;
        }
        match c {
            'a'..='h' => Some(c as usize - 'a' as usize),
            '1'..='8' if digits => Some(c as usize - '1' as usize),
            _ => None,
        }
    };
    one(compact, false).or_else(|| {
        OPTION_WORDS
            .iter()
            .find_map(|w| compact.strip_prefix(w).and_then(|rest| one(rest, true)))
    })
}

/// The field a header names, if any.
pub(crate) fn field_of(header: &str) -> Option<Field> {
    if let Some(k) = option_index(&compact(header)) {
        return Some(Field::Option(k));
    }
    let folded = fold(header);
    HEADERS
        .iter()
        .find(|(_, names)| names.contains(&folded.as_str()))
        .map(|(f, _)| *f)
}

/// A header that is no field but looks like an option column: an option word with something
/// after it (`Phương án 9`, `PA I`, `Đáp án sai 1`), or a single letter past `h`.
pub(crate) fn option_like(header: &str) -> bool {
    let compact = compact(header);
    if field_of(header).is_some() || compact.is_empty() {
        return false;
    }
    let letter = compact.chars().count() == 1 && compact.chars().all(|c| c.is_ascii_lowercase());
    let worded = OPTION_WORDS
        .iter()
        .any(|w| compact.strip_prefix(w).is_some_and(|rest| !rest.is_empty()));
    letter || worded
}

/// Whether an answer names an option column by its header (`PA2`, `Phương án B`).
pub(crate) fn names_column(answer: &str, header: &str) -> bool {
    let answer = compact(answer);
    !answer.is_empty() && answer == compact(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_columns_as_teachers_name_them() {
        let cases = [
            ("A", Some(0)),
            ("d", Some(3)),
            ("Phương án A", Some(0)),
            ("PHƯƠNG ÁN D", Some(3)),
            ("Phuong an C", Some(2)),
            ("Đáp án A", Some(0)),
            ("Đáp án B", Some(1)),
            ("PA1", Some(0)),
            ("PA 4", Some(3)),
            ("opt1", Some(0)),
            ("Opt4", Some(3)),
            ("Option B", Some(1)),
            ("Lựa chọn 2", Some(1)),
            ("Đáp án", None),
            ("Đáp án đúng", None),
            ("I", None),
        ];
        for (header, expected) in cases {
            let got = match field_of(header) {
                Some(Field::Option(k)) => Some(k),
                _ => None,
            };
            assert_eq!(got, expected, "{header}");
        }
        assert_eq!(field_of("Đáp án đúng"), Some(Field::Answer));
        assert_eq!(field_of("ĐÁP ÁN"), Some(Field::Answer));
        assert_eq!(field_of("Phương án đúng"), Some(Field::Answer));
        assert_eq!(field_of("Nội dung câu hỏi"), Some(Field::Question));
    }

    #[test]
    fn unknown_columns_that_look_like_options() {
        for header in [
            "Phương án 9",
            "PA9",
            "opt10",
            "Đáp án sai 1",
            "I",
            "Lựa chọn thứ năm",
        ] {
            assert!(option_like(header), "{header}");
        }
        for header in [
            "Ghi chú",
            "Nguồn",
            "A",
            "Đáp án",
            "Phương án B",
            "",
            "Answer",
        ] {
            assert!(!option_like(header), "{header}");
        }
        assert!(names_column("pa 2", "PA2") && names_column("Phương án B", "phuong an b"));
        assert!(!names_column("", "A"));
    }
}
