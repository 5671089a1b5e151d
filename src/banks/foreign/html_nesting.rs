//! How deep an HTML fragment nests, found by a lexical scan before html5ever builds a tree (a
//! fragment nested thousands deep is refused, not parsed: parsing it takes time in the square
//! of its depth, and converting it recursion as deep), and the text of such a fragment.

use crate::{
    banks::report::Msg,
    limits::{Exceeded, MAX_HTML_NESTING},
};

/// Elements whose end tag may be left out: a browser closes them when the next one starts,
/// so a run of them does not nest.
const IMPLIED_END: [&str; 21] = [
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "rb",
    "rt", "rp", "rtc", "colgroup", "caption", "html", "head", "body",
];

/// Elements without content.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Checks, without building a tree, that an HTML fragment nests no deeper than the limit: a
/// lexical scan keeping the open elements that need an end tag (an end tag closes its element
/// and those opened inside it, as a browser does; a stray one closes nothing). It counts the
/// nesting html5ever builds but for elements a browser adds itself (a `tbody`, reopened
/// formatting), which the conversion bounds on its own.
pub fn nesting(html: &str) -> Result<(), Msg> {
    let mut open: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let closing = rest.starts_with('/');
        let name: String = rest[usize::from(closing)..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | ':'))
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        if closing {
            if let Some(at) = open.iter().rposition(|n| *n == name) {
                open.truncate(at);
            }
        } else if !VOID.contains(&name.as_str()) && !IMPLIED_END.contains(&name.as_str()) {
            // `<div/>` opens a div in HTML: the slash is ignored.
            open.push(name);
            if open.len() > MAX_HTML_NESTING {
                return Err(Exceeded::HtmlNesting.msg());
            }
        }
    }
    Ok(())
}

/// The text of HTML with its tags left out (for HTML too deep to parse).
pub(super) fn without_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
