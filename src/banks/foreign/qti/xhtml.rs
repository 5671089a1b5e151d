//! Stored HTML (rendered from the Markdown subset) as the XHTML QTI 2.1 allows: parsed as a
//! browser would, written back well-formed (void elements closed, entities as characters),
//! elements outside QTI's XHTML subset unwrapped, pictures pointing at the package's files.

use scraper::{ElementRef, Html, Node};

use super::xml::escape;

/// The XHTML elements QTI 2.1 item bodies may hold (and sathach's HTML uses).
const ALLOWED: [&str; 35] = [
    "p",
    "div",
    "span",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "kbd",
    "samp",
    "tt",
    "sub",
    "sup",
    "small",
    "big",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
];

/// Elements kept as a `span` (their text stays, their look is QTI's to lose).
const AS_SPAN: [&str; 7] = ["del", "s", "strike", "ins", "u", "mark", "a"];

/// An HTML fragment as XHTML; `picture` maps a stored `src` to the package's.
pub(super) fn xhtml(html: &str, picture: &dyn Fn(&str) -> String) -> String {
    let fragment = Html::parse_fragment(html);
    let mut out = String::with_capacity(html.len() + 16);
    children(fragment.root_element(), picture, &mut out, 0);
    out
}

/// Like `xhtml`, but a fragment that is one paragraph gives its content only (option
/// texts: `Bàn phím`, not `<p>Bàn phím</p>`).
pub(super) fn xhtml_inline(html: &str, picture: &dyn Fn(&str) -> String) -> String {
    let fragment = Html::parse_fragment(html);
    let root = fragment.root_element();
    let significant: Vec<_> = root
        .children()
        .filter(|c| !matches!(c.value(), Node::Text(t) if t.trim().is_empty()))
        .collect();
    let only_p = match significant.as_slice() {
        [one] => ElementRef::wrap(*one).filter(|e| e.value().name() == "p"),
        _ => None,
    };
    let mut out = String::with_capacity(html.len());
    children(only_p.unwrap_or(root), picture, &mut out, 0);
    out
}

/// How deep elements are written; deeper content is kept as text (the stack stays small).
const MAX_DEPTH: usize = 64;

fn children(parent: ElementRef, picture: &dyn Fn(&str) -> String, out: &mut String, depth: usize) {
    if depth >= MAX_DEPTH {
        out.push_str(&escape(&parent.text().collect::<String>()));
        return;
    }
    for child in parent.children() {
        match child.value() {
            Node::Text(text) => out.push_str(&escape(text)),
            Node::Element(_) => {
                if let Some(element) = ElementRef::wrap(child) {
                    self::element(element, picture, out, depth + 1);
                }
            }
            _ => {}
        }
    }
}

fn element(node: ElementRef, picture: &dyn Fn(&str) -> String, out: &mut String, depth: usize) {
    let element = node.value();
    let tag = element.name();
    if matches!(tag, "script" | "style" | "template" | "input") {
        return;
    }
    let written = if ALLOWED.contains(&tag) {
        tag
    } else if AS_SPAN.contains(&tag) {
        "span"
    } else {
        return children(node, picture, out, depth);
    };
    out.push('<');
    out.push_str(written);
    let keep: &[&str] = match tag {
        "img" => &["src", "alt", "width", "height"],
        "td" | "th" => &["colspan", "rowspan"],
        _ => &[],
    };
    for attribute in keep {
        let value = match (element.attr(attribute), *attribute) {
            (Some(src), "src") => picture(src),
            (Some(value), _) => value.to_string(),
            (None, "alt") => String::new(),
            (None, _) => continue,
        };
        out.push_str(&format!(" {attribute}=\"{}\"", escape(&value)));
    }
    if matches!(tag, "br" | "hr" | "img") {
        out.push_str("/>");
        return;
    }
    out.push('>');
    children(node, picture, out, depth);
    out.push_str(&format!("</{written}>"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_well_formed_xhtml() {
        let same = |s: &str| s.to_string();
        let html = "<p>a&nbsp;b<br>c &amp; &lt;d&gt;</p><p><img src=\"/media/x\" alt=\"Hình\"><del>x</del></p><script>bad()</script>";
        let out = xhtml(html, &|s: &str| {
            format!("../media/{}", s.trim_start_matches("/media/"))
        });
        assert_eq!(
            out,
            "<p>a\u{a0}b<br/>c &amp; &lt;d&gt;</p><p><img src=\"../media/x\" alt=\"Hình\"/><span>x</span></p>"
        );
        roxmltree::Document::parse(&format!("<div>{out}</div>")).unwrap();
        let deep = format!(
            "{}x{}",
            "<blockquote>".repeat(5000),
            "</blockquote>".repeat(5000)
        );
        let out = xhtml(&deep, &same);
        assert!(out.contains("x") && out.matches("<blockquote>").count() < 100);
        assert_eq!(
            xhtml_inline("<p>Bàn <strong>phím</strong></p>\n", &same),
            "Bàn <strong>phím</strong>"
        );
        assert_eq!(xhtml_inline("<p>a</p><p>b</p>", &same), "<p>a</p><p>b</p>");
        let table =
            "<table><thead><tr><th style=\"text-align: center\">A</th></tr></thead></table>";
        assert_eq!(
            xhtml(table, &same),
            "<table><thead><tr><th>A</th></tr></thead></table>"
        );
    }
}
