//! The text of a GIFT question: its escapes (`\~ \= \# \{ \} \: \\ \n`), the format markers
//! `[moodle]`, `[html]`, `[plain]`, `[markdown]`, and the Markdown subset each format becomes.
//!
//! While a question is parsed, each escaped character stands as a private-use character
//! (as Moodle replaces them by `&&NNN;` placeholders), so that splitting on `~`, `=`, `#` or
//! `->` never splits on an escaped one; `restore` gives the characters back.

use crate::banks::foreign::html::{escape, to_markdown};

/// The escaped characters and their stand-ins (`n` stands for `\n`, a line break).
const ESCAPES: [(char, char); 7] = [
    (':', '\u{F0001}'),
    ('#', '\u{F0002}'),
    ('=', '\u{F0003}'),
    ('{', '\u{F0004}'),
    ('}', '\u{F0005}'),
    ('~', '\u{F0006}'),
    ('n', '\u{F0007}'),
];

/// Where a missing-word question's answer block stood: shown as underscores.
pub const BLANK: char = '\u{F0010}';
const BLANK_MARKDOWN: &str = "\\_\\_\\_\\_\\_";

/// The text with each escape replaced by its stand-in; `\\` is a backslash, and any other
/// backslash is kept as written (`\*` in a short answer is Moodle's literal star).
pub fn protect(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('\\') => {
                chars.next();
                out.push('\\');
            }
            Some(next) => match ESCAPES.iter().find(|(e, _)| *e == next) {
                Some((_, stand_in)) => {
                    chars.next();
                    out.push(*stand_in);
                }
                None => out.push('\\'),
            },
            None => out.push('\\'),
        }
    }
    out
}

/// The escaped characters back in place of their stand-ins.
pub fn restore(text: &str) -> String {
    text.chars()
        .map(|c| match ESCAPES.iter().find(|(_, s)| *s == c) {
            Some(('n', _)) => '\n',
            Some((e, _)) => *e,
            None => c,
        })
        .collect()
}

/// How a text is written: Moodle's own format (plain text where HTML is allowed, the
/// default), HTML, plain text, or Markdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Moodle,
    Html,
    Plain,
    Markdown,
}

/// The format a text names with a leading marker (`[html]…`), else `default`, and the text
/// without the marker, trimmed. An unknown marker is text.
pub fn with_format(text: &str, default: Format) -> (Format, &str) {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix('[')
        && let Some(end) = rest.find(']')
    {
        let format = match &rest[..end] {
            "moodle" => Some(Format::Moodle),
            "html" => Some(Format::Html),
            "plain" => Some(Format::Plain),
            "markdown" => Some(Format::Markdown),
            _ => None,
        };
        if let Some(format) = format {
            return (format, rest[end + 1..].trim());
        }
    }
    (default, text)
}

/// A (protected) text in the Markdown subset of stems and options.
pub fn markdown(text: &str, format: Format) -> String {
    let text = restore(text.trim());
    let out = match format {
        Format::Markdown => text.trim().to_string(),
        Format::Html => to_markdown(&text, &mut |_| None),
        Format::Moodle if has_html(&text) => to_markdown(&moodle_html(&text), &mut |_| None),
        Format::Moodle | Format::Plain => plain(&text),
    };
    out.replace(BLANK, BLANK_MARKDOWN)
}

/// Plain text as Markdown: every character shown as typed, each line break kept (Moodle
/// shows them), an empty line starting a new paragraph.
pub fn plain(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').map(str::trim).collect();
    let paragraphs: Vec<String> = lines
        .split(|l| l.is_empty())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let escaped: Vec<String> = p.iter().map(|l| escape(l)).collect();
            escaped.join("\\\n")
        })
        .collect();
    paragraphs.join("\n\n")
}

/// Moodle-format text with HTML in it as the HTML Moodle shows (its `text_to_html`): a line
/// break beside a tag is a space, any other is `<br>`.
fn moodle_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').map(str::trim).enumerate() {
        if i > 0 {
            let beside_tag = out.ends_with('>') || line.starts_with('<');
            out.push_str(if beside_tag { " " } else { "<br>" });
        }
        out.push_str(line);
    }
    out
}

/// The elements whose tags make Moodle-format text HTML.
const TAGS: [&str; 40] = [
    "a",
    "b",
    "big",
    "blockquote",
    "br",
    "center",
    "code",
    "div",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "tt",
    "u",
    "ul",
    "del",
];

/// Does the text have an HTML tag (`<b>`, `</p>`, `<br/>`) or character reference
/// (`&lt;`, `&#8211;`)? `x<y` or `AT&T` are text.
pub fn has_html(text: &str) -> bool {
    let tag = text.match_indices('<').any(|(at, _)| {
        let rest = &text[at + 1..];
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let name = rest[..name_len].to_ascii_lowercase();
        let after = rest[name_len..].chars().next();
        TAGS.contains(&name.as_str())
            && after.is_some_and(|c| c == '>' || c == '/' || c.is_whitespace())
            && rest.contains('>')
    });
    let reference = text.match_indices('&').any(|(at, _)| {
        let rest = &text[at + 1..];
        let Some(end) = rest.find(';') else {
            return false;
        };
        let name = &rest[..end];
        match name.strip_prefix('#') {
            Some(number) => match number.strip_prefix(['x', 'X']) {
                Some(hex) => !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()),
                None => !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()),
            },
            None => (2..=8).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphabetic()),
        }
    });
    tag || reference
}

/// A short plain summary of a (protected) text, to name an item that has no title.
pub fn summary(text: &str) -> String {
    let text = restore(text).replace(BLANK, "_____");
    let html = has_html(&text);
    let mut plain = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' if html => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => plain.push(c),
            _ => {}
        }
    }
    // Whole words up to a length, then an ellipsis.
    const LIMIT: usize = 60;
    let mut out = String::new();
    for word in plain.split_whitespace() {
        let length = out.chars().count() + word.chars().count() + 1;
        if length > LIMIT && !out.is_empty() {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
