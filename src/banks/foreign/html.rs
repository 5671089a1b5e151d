//! HTML from other platforms (Moodle's editors, QTI item bodies, GIFT `[html]`) turned into
//! the Markdown subset of stems and options: paragraphs, line breaks, bold, italic, code,
//! lists, tables and pictures are kept; links keep their text; scripts and styles are dropped;
//! everything else keeps its text, escaped so that nothing becomes markup. The HTML is parsed
//! by html5ever (through `scraper`), as a browser would parse it, once `nesting` has found
//! it no deeper than `MAX_HTML_NESTING`: the conversion recurses along the nesting.

use scraper::{ElementRef, Html, Node};

pub use super::html_nesting::nesting;
use super::html_nesting::without_tags;
pub use crate::banks::markdown::escape;
use crate::{
    banks::markdown::{self, emphasized, subscript, superscript},
    limits::MAX_HTML_NESTING,
};

/// Markdown for an HTML fragment. `picture` maps an `<img src>` to the bank's media path
/// (`media/NAME`), or None to keep the address (the native reader then refuses a picture
/// from another site with its own message). HTML nested past the limit (which readers report
/// with `nesting`) is not parsed: its text is kept, without its tags.
pub fn to_markdown(html: &str, picture: &mut dyn FnMut(&str) -> Option<String>) -> String {
    if nesting(html).is_err() {
        return escape(&without_tags(html));
    }
    let fragment = Html::parse_fragment(html);
    let mut out = Writer {
        blocks: Vec::new(),
        inline: String::new(),
        picture,
        level: 0,
    };
    out.children(fragment.root_element(), 0);
    out.flush();
    out.blocks.join("\n\n")
}

struct Writer<'p> {
    blocks: Vec<String>,
    inline: String,
    picture: &'p mut dyn FnMut(&str) -> Option<String>,
    /// How deep the element being written is: past a bound (which `nesting` keeps real HTML
    /// well under), content is written as text without descending further.
    level: usize,
}

const BLOCKS: [&str; 14] = [
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "section",
    "article",
    "center",
    "figure",
];

impl Writer<'_> {
    /// Ends the paragraph being written.
    fn flush(&mut self) {
        let text = self.inline.trim().trim_end_matches('\\').trim().to_string();
        if !text.is_empty() {
            self.blocks.push(text);
        }
        self.inline.clear();
    }

    fn children(&mut self, element: ElementRef, depth: usize) {
        if self.level > 4 * MAX_HTML_NESTING {
            let text: String = element.text().collect();
            return self.text(&text);
        }
        self.level += 1;
        self.descend(element, depth);
        self.level -= 1;
    }

    fn descend(&mut self, element: ElementRef, depth: usize) {
        for child in element.children() {
            match child.value() {
                Node::Text(text) => self.text(text),
                Node::Element(_) => {
                    if let Some(element) = ElementRef::wrap(child) {
                        self.element(element, depth);
                    }
                }
                _ => {}
            }
        }
    }

    fn text(&mut self, text: &str) {
        // HTML collapses white space.
        let mut collapsed = String::with_capacity(text.len());
        for (i, word) in text.split_whitespace().enumerate() {
            if i > 0 {
                collapsed.push(' ');
            }
            collapsed.push_str(word);
        }
        if text.starts_with(char::is_whitespace) && !self.inline.ends_with([' ', '\n']) {
            self.inline.push(' ');
        }
        self.inline.push_str(&escape(&collapsed));
        if text.ends_with(char::is_whitespace) && !collapsed.is_empty() {
            self.inline.push(' ');
        }
    }

    /// Writes an element's content inline, wrapped in `marker` (spaces kept outside).
    fn wrapped(&mut self, element: ElementRef, depth: usize, marker: &str) {
        let outer = std::mem::take(&mut self.inline);
        self.children(element, depth);
        let inner = std::mem::replace(&mut self.inline, outer);
        self.inline.push_str(&emphasized(&inner, marker));
    }

    fn element(&mut self, element: ElementRef, depth: usize) {
        let name = element.value().name();
        match name {
            "script" | "style" | "head" | "title" | "noscript" | "template" => {}
            "br" => self.inline.push_str("\\\n"),
            "b" | "strong" => self.wrapped(element, depth, "**"),
            "i" | "em" => self.wrapped(element, depth, "*"),
            "code" | "tt" | "kbd" | "samp" => {
                let text: String = element.text().collect();
                if text.contains('`') || text.trim().is_empty() {
                    self.text(&text);
                } else {
                    self.inline.push_str(&format!("`{}`", text.trim()));
                }
            }
            "sup" | "sub" => {
                let text: String = element.text().collect();
                let raise = if name == "sup" {
                    superscript
                } else {
                    subscript
                };
                let mapped: Option<String> = text.chars().map(raise).collect();
                match mapped {
                    Some(mapped) if !mapped.is_empty() => self.inline.push_str(&mapped),
                    _ => self.text(&text),
                }
            }
            "img" => {
                let src = element.value().attr("src").unwrap_or_default();
                let alt = element.value().attr("alt").unwrap_or_default().trim();
                let alt = if alt.is_empty() {
                    "Hình".to_string()
                } else {
                    escape(alt)
                };
                let path = (self.picture)(src).unwrap_or_else(|| src.to_string());
                // A path with spaces goes in angle brackets, which Markdown reads literally.
                let path = if path.contains(' ') {
                    format!("<{path}>")
                } else {
                    path
                };
                self.inline.push_str(&format!("![{alt}]({path})"));
            }
            "ul" | "ol" => self.list(element, depth, name == "ol"),
            "table" => self.table(element),
            "hr" => self.flush(),
            _ if BLOCKS.contains(&name) => {
                self.flush();
                self.children(element, depth);
                self.flush();
            }
            _ => self.children(element, depth),
        }
    }

    fn list(&mut self, list: ElementRef, depth: usize, ordered: bool) {
        self.flush();
        let indent = "   ".repeat(depth);
        let mut lines = Vec::new();
        let items = list
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "li");
        for (n, item) in items.enumerate() {
            let mut inner = Writer {
                blocks: Vec::new(),
                inline: String::new(),
                picture: &mut *self.picture,
                level: self.level + 1,
            };
            inner.children(item, depth + 1);
            inner.flush();
            let marker = if ordered {
                format!("{}.", n + 1)
            } else {
                "-".into()
            };
            let text = inner.blocks.join(&format!("\n{indent}   "));
            lines.push(format!("{indent}{marker} {text}"));
        }
        if !lines.is_empty() {
            self.blocks.push(lines.join("\n"));
        }
    }

    fn table(&mut self, table: ElementRef) {
        self.flush();
        let rows: Vec<Vec<String>> = table
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "tr")
            .map(|row| {
                row.children()
                    .filter_map(ElementRef::wrap)
                    .filter(|c| matches!(c.value().name(), "td" | "th"))
                    .map(|cell| {
                        let mut inner = Writer {
                            blocks: Vec::new(),
                            inline: String::new(),
                            picture: &mut *self.picture,
                            level: self.level + 1,
                        };
                        inner.children(cell, 0);
                        inner.flush();
                        inner.blocks.join(" ").replace("\\\n", " ")
                    })
                    .collect()
            })
            .collect();
        if !rows.is_empty() {
            self.blocks.push(markdown::table(&rows));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str) -> String {
        to_markdown(html, &mut |src| {
            src.strip_prefix("@@PLUGINFILE@@/")
                .map(|f| format!("media/{f}"))
        })
    }

    fn rendered(markdown: &str) -> String {
        let media = [("media/a b.png".to_string(), "/media/x".to_string())].into();
        crate::banks::markdown::render(markdown, &media, &mut vec![]).unwrap()
    }

    #[test]
    fn moodle_html_becomes_the_subset() {
        assert_eq!(
            md("<p>Nhấn <b>Ctrl + S</b> để lưu</p>"),
            "Nhấn **Ctrl + S** để lưu"
        );
        assert_eq!(md("<p>a</p><p>b<br>c</p>"), "a\n\nb\\\nc");
        assert_eq!(md("<ul><li>một</li><li>hai</li></ul>"), "- một\n- hai");
        assert_eq!(md("<ol><li>x</li><li>y</li></ol>"), "1. x\n2. y");
        assert_eq!(md("m<sup>2</sup>, H<sub>2</sub>O"), "m², H₂O");
        assert_eq!(
            md(r#"<a href="http://x">xem</a> <script>alert(1)</script>"#),
            "xem"
        );
        assert_eq!(
            md(r#"<img src="@@PLUGINFILE@@/a b.png" alt="Hình 1">"#),
            "![Hình 1](<media/a b.png>)"
        );
        let shown = rendered(&md(r#"<img src="@@PLUGINFILE@@/a b.png" alt="x">"#));
        assert!(shown.contains(r#"src="/media/x""#), "{shown}");
        let table = md("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>");
        assert!(rendered(&table).contains("<table>"), "{table}");
    }

    #[test]
    fn nesting_is_counted_as_a_browser_nests() {
        let deep =
            |open: &str, close: &str, n: usize| format!("{}x{}", open.repeat(n), close.repeat(n));
        assert!(nesting(&deep("<div>", "</div>", MAX_HTML_NESTING)).is_ok());
        assert!(nesting(&deep("<div class=\"a\">", "</div>", MAX_HTML_NESTING + 1)).is_err());
        // Elements a browser closes by itself, void elements and comments do not nest.
        assert!(nesting(&"<p>một<li>hai<br><img src=x><!-- <div> -->".repeat(1_000)).is_ok());
        // A stray end tag closes nothing; `<div/>` opens a div.
        assert!(nesting(&"<b></i>".repeat(MAX_HTML_NESTING + 1)).is_err());
        assert!(nesting(&"<div/>".repeat(MAX_HTML_NESTING + 1)).is_err());
        // Text with < in it is text.
        assert!(nesting(&"a < b, 1<2 ".repeat(1_000)).is_ok());
        // Too deep to parse: the text is kept, without crashing.
        let md = to_markdown(&deep("<b>", "</b>", 100_000), &mut |_| None);
        assert_eq!(md, "x");
    }

    #[test]
    fn typed_characters_stay_text() {
        let markdown = md("<p>=A1*B1 &lt;b&gt; # 1. [x] a_b</p>");
        assert_eq!(rendered(&markdown), "<p>=A1*B1 &lt;b&gt; # 1. [x] a_b</p>");
        // Broken HTML is parsed as a browser would.
        assert_eq!(md("<p>một <b>hai</p> ba"), "một **hai**\n\n**ba**");
    }
}
