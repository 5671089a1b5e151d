//! The Markdown subset of stems and options, rendered to safe HTML once at import: raw HTML
//! is refused, links are refused, pictures must be the bank's own media.

use std::collections::BTreeMap;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

use super::report::{Msg, args};

/// Renders Markdown to HTML, or says what is not allowed (a `report.*` message). `media`
/// maps the bank's files
/// (paths like `media/hinh-1.png`) to the URLs they are served at; `used` collects the media
/// the text refers to.
pub fn render(
    source: &str,
    media: &BTreeMap<String, String>,
    used: &mut Vec<String>,
) -> Result<String, Msg> {
    let parser = Parser::new_ext(
        source,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut events = Vec::new();
    for mut event in parser {
        match &mut event {
            Event::Html(raw) | Event::InlineHtml(raw) => {
                return Err(("report.raw_html", args![html = raw.trim()]));
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                return Err(("report.link", args![url = dest_url.as_ref()]));
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let path = dest_url.trim_start_matches("./").to_string();
                let Some(url) = media.get(&path) else {
                    return Err(("report.foreign_picture", args![url = dest_url.as_ref()]));
                };
                *dest_url = CowStr::from(url.clone());
                if !used.contains(&path) {
                    used.push(path);
                }
            }
            _ => {}
        }
        events.push(event);
    }
    let mut out = String::with_capacity(source.len() + 16);
    html::push_html(&mut out, events.into_iter());
    Ok(out.trim_end().to_string())
}

/// Text with every character Markdown could read as markup escaped, including, on every
/// line, a start that would begin a list, a heading or a quote (`1. `, `- `, `+ `, `=`).
pub fn escape(text: &str) -> String {
    text.split('\n')
        .map(escape_line)
        .collect::<Vec<_>>()
        .join("\n")
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let indent = line.len() - line.trim_start().len();
    out.push_str(&line[..indent]);
    for (i, c) in line[indent..].chars().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    // "1. text" at the start would be a numbered list: escape the point.
    let digits = out[indent..]
        .chars()
        .take_while(char::is_ascii_digit)
        .count();
    if digits > 0 && matches!(out[indent + digits..].chars().next(), Some('.' | ')')) {
        out.insert(indent + digits, '\\');
    }
    out
}

/// Text (already Markdown) in an emphasis `marker` (`**`, `*`), the spaces around it kept
/// outside the markers, where Markdown needs them; blank text stays as it is.
pub fn emphasized(text: &str, marker: &str) -> String {
    let core = text.trim();
    if marker.is_empty() || core.is_empty() {
        return text.to_string();
    }
    let lead = &text[..text.len() - text.trim_start().len()];
    let trail = &text[text.trim_end().len()..];
    format!("{lead}{marker}{core}{marker}{trail}")
}

/// A table of cells (already Markdown, one line each), the first row as the header.
pub fn table(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    if width == 0 {
        return String::new();
    }
    let line = |cells: &[String]| {
        let mut cells = cells.to_vec();
        cells.resize(width, String::new());
        format!("| {} |", cells.join(" | "))
    };
    let mut lines = vec![line(&rows[0]), line(&vec!["---".to_string(); width])];
    lines.extend(rows[1..].iter().map(|r| line(r)));
    lines.join("\n")
}

/// A digit (or sign) written raised, as `m²` or `10⁻³` need without markup.
pub fn superscript(c: char) -> Option<char> {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    match c {
        '+' => Some('⁺'),
        '-' => Some('⁻'),
        c => c.to_digit(10).map(|d| DIGITS[d as usize]),
    }
}

/// A digit written lowered, as in `H₂O`.
pub fn subscript(c: char) -> Option<char> {
    const DIGITS: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
    c.to_digit(10).map(|d| DIGITS[d as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_subset() {
        let mut used = vec![];
        let none = BTreeMap::new();
        let html = render("Nhấn **Ctrl + S** để `lưu`", &none, &mut used).unwrap();
        assert_eq!(
            html,
            "<p>Nhấn <strong>Ctrl + S</strong> để <code>lưu</code></p>"
        );
        let html = render("a < b & c", &none, &mut used).unwrap();
        assert_eq!(html, "<p>a &lt; b &amp; c</p>");
    }

    #[test]
    fn refuses_html_scripts_links_and_foreign_pictures() {
        let mut used = vec![];
        let none = BTreeMap::new();
        let refused = |text: &str, used: &mut Vec<String>| render(text, &none, used).unwrap_err();
        let (key, args) = refused("<script>alert(1)</script>", &mut used);
        assert_eq!(key, "report.raw_html");
        assert_eq!(args, args![html = "<script>alert(1)</script>"]);
        assert_eq!(refused("xem <b>đây</b>", &mut used).0, "report.raw_html");
        let (key, args) = refused("[bấm](https://evil.example)", &mut used);
        assert_eq!(
            (key, args),
            ("report.link", args![url = "https://evil.example"])
        );
        assert_eq!(
            refused("![x](https://evil.example/a.png)", &mut used).0,
            "report.foreign_picture"
        );
        assert_eq!(
            refused("[x](javascript:alert(1))", &mut used).0,
            "report.link"
        );
        let (key, args) = refused("![x](media/khong-co.png)", &mut used);
        let vi = crate::banks::report::render(crate::vocab::Lang::Vi, key, &args);
        assert!(
            vi.starts_with("hình media/khong-co.png không phải là tệp trong thư mục media/"),
            "{vi}"
        );
        assert!(used.is_empty());
    }

    #[test]
    fn accepts_bank_media_and_records_it() {
        let media = BTreeMap::from([("media/hinh-1.png".to_string(), "/media/abc".to_string())]);
        let mut used = vec![];
        let html = render("![Màn hình Windows](media/hinh-1.png)", &media, &mut used).unwrap();
        assert!(
            html.contains("<img src=\"/media/abc\" alt=\"Màn hình Windows\""),
            "{html}"
        );
        assert_eq!(used, vec!["media/hinh-1.png".to_string()]);
    }
}
