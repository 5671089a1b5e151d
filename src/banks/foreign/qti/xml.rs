//! The XML side of QTI: element and attribute names the same in every version (QTI 3's
//! `qti-choice-interaction` and `max-choices` read as `choiceInteraction` and `maxChoices`),
//! and item-body XHTML written back as an HTML string for `html::to_markdown`, with
//! interactions, feedback and MathML dealt with on the way.

use roxmltree::{Document, Node};

use crate::banks::{
    report::{Msg, args},
    xml::Unparsed,
};

/// Parses XML text within the limits (no DTD: see `banks::xml::parse`); a failure is a message
/// at the line where the XML breaks, or about the whole file for a limit.
pub(super) fn parse<'i>(path: &str, text: &'i str) -> Result<Document<'i>, (usize, Msg)> {
    crate::banks::xml::parse(text).map_err(|e| match e {
        Unparsed::Syntax(e) => {
            let args = args![path = path, detail = e.to_string()];
            (e.pos().row as usize, ("report.qti_xml_invalid", args))
        }
        Unparsed::Limit(limit) => {
            let args = args![path = path, problem = limit.msg()];
            (0, ("report.qti_in_file", args))
        }
    })
}

/// An element's name as QTI 2 spells it: `qti-simple-choice` → `simpleChoice`.
pub(super) fn name(node: Node) -> String {
    let local = node.tag_name().name();
    match local.strip_prefix("qti-") {
        Some(rest) => camel(rest),
        None => local.to_string(),
    }
}

fn camel(kebab: &str) -> String {
    let mut out = String::with_capacity(kebab.len());
    let mut upper = false;
    for c in kebab.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn kebab(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether an element has this (QTI 2) name.
pub(super) fn is(node: Node, wanted: &str) -> bool {
    node.is_element() && name(node) == wanted
}

/// An attribute by its QTI 2 name (`maxChoices`), or its QTI 3 spelling (`max-choices`).
pub(super) fn attr<'a>(node: Node<'a, '_>, wanted: &str) -> Option<&'a str> {
    node.attribute(wanted)
        .or_else(|| node.attribute(kebab(wanted).as_str()))
}

/// The child elements of this name.
pub(super) fn kids<'a, 'i>(
    node: Node<'a, 'i>,
    wanted: &'static str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |n| is(*n, wanted))
}

pub(super) fn kid<'a, 'i>(node: Node<'a, 'i>, wanted: &'static str) -> Option<Node<'a, 'i>> {
    kids(node, wanted).next()
}

/// The first descendant element (the node itself included) of this name.
pub(super) fn find<'a, 'i>(node: Node<'a, 'i>, wanted: &str) -> Option<Node<'a, 'i>> {
    node.descendants().find(|n| is(*n, wanted))
}

/// The trimmed text of an element, white space collapsed.
pub(super) fn text(node: Node) -> String {
    let all: String = node
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    all.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The 1-based line where an element starts.
pub(super) fn line(node: Node) -> usize {
    node.document().text_pos_at(node.range().start).row as usize
}

/// Is this element an interaction (a place where the candidate answers)?
pub(super) fn is_interaction(node: Node) -> bool {
    node.is_element() && {
        let n = name(node);
        n.ends_with("Interaction") && n != "endAttemptInteraction"
    }
}

/// Interactions written inside a line of text rather than as a block.
pub(super) fn is_inline_interaction(node: Node) -> bool {
    matches!(
        name(node).as_str(),
        "textEntryInteraction" | "inlineChoiceInteraction" | "endAttemptInteraction"
    )
}

/// Text escaped for HTML or XML content.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// What stands for an inline interaction in a stem: a blank to fill.
pub(super) const BLANK: &str = "_____";

const VOID: [&str; 10] = [
    "area", "br", "col", "hr", "img", "input", "meta", "param", "source", "wbr",
];

/// Elements whose content a candidate must not see in the stem: conditional feedback, notes
/// for scorers, style sheets, template machinery.
const HIDDEN: [&str; 10] = [
    "feedbackBlock",
    "feedbackInline",
    "modalFeedback",
    "rubricBlock",
    "templateBlock",
    "templateInline",
    "printedVariable",
    "stylesheet",
    "endAttemptInteraction",
    "include",
];

/// How deep elements are written; deeper content is kept as plain text (the file's nesting
/// is already bounded by `banks::xml::parse`, and `html::to_markdown` reports HTML this deep).
const MAX_DEPTH: usize = crate::limits::MAX_HTML_NESTING;

/// Writes XHTML content (the children of `node`) as an HTML string.
pub(super) struct Html<'p> {
    pub out: String,
    /// An `<img src>` (or `<object data>` of a picture) → the src to write, or None to drop
    /// the picture (its problem is reported by the callback).
    picture: &'p mut dyn FnMut(&str) -> Option<String>,
    depth: usize,
}

impl<'p> Html<'p> {
    pub fn new(picture: &'p mut dyn FnMut(&str) -> Option<String>) -> Self {
        Html {
            out: String::new(),
            picture,
            depth: 0,
        }
    }

    pub fn children(&mut self, node: Node) {
        if self.depth >= MAX_DEPTH {
            self.out.push_str(&escape(&text(node)));
            return;
        }
        self.depth += 1;
        for child in node.children() {
            self.node(child);
        }
        self.depth -= 1;
    }

    pub fn node(&mut self, node: Node) {
        if node.is_text() {
            self.out.push_str(&escape(node.text().unwrap_or_default()));
            return;
        }
        if !node.is_element() {
            return;
        }
        let tag = name(node);
        if HIDDEN.contains(&tag.as_str()) {
            return;
        }
        if is_interaction(node) {
            if is_inline_interaction(node) {
                if !self.out.ends_with(char::is_whitespace) {
                    self.out.push(' ');
                }
                self.out.push_str(BLANK);
            } else if let Some(prompt) = kid(node, "prompt") {
                self.out.push_str("<div>");
                self.children(prompt);
                self.out.push_str("</div>");
            }
            return;
        }
        match tag.as_str() {
            "math" => {
                self.out.push(' ');
                self.math(node);
                self.out.push(' ');
            }
            "img" => self.img(node.attribute("src"), node.attribute("alt")),
            "object" if attr(node, "type").is_some_and(|t| t.starts_with("image/")) => {
                self.img(node.attribute("data"), None)
            }
            "table" => {
                // The caption becomes a paragraph above the table, which Markdown lacks.
                if let Some(caption) = kid(node, "caption") {
                    self.out.push_str("<p>");
                    self.children(caption);
                    self.out.push_str("</p>");
                }
                self.out.push_str("<table>");
                for child in node.children().filter(|c| !is(*c, "caption")) {
                    self.node(child);
                }
                self.out.push_str("</table>");
            }
            _ if only_an_inline_interaction(node) => {}
            _ => {
                let tag = node.tag_name().name().to_ascii_lowercase();
                let tag: String = tag
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                if tag.is_empty() {
                    return self.children(node);
                }
                self.out.push_str(&format!("<{tag}>"));
                if !VOID.contains(&tag.as_str()) {
                    self.children(node);
                    self.out.push_str(&format!("</{tag}>"));
                }
            }
        }
    }

    fn img(&mut self, src: Option<&str>, alt: Option<&str>) {
        let Some(src) = src.filter(|s| !s.trim().is_empty()) else {
            return;
        };
        if let Some(src) = (self.picture)(src.trim()) {
            let alt = alt.unwrap_or_default();
            let (src, alt) = (escape(&src), escape(alt));
            self.out
                .push_str(&format!("<img src=\"{src}\" alt=\"{alt}\">"));
        }
    }

    /// MathML as a line of text: `1/6`, `x²`, `√(2)`.
    fn math(&mut self, node: Node) {
        if self.depth >= MAX_DEPTH {
            self.out.push_str(&escape(&text(node)));
            return;
        }
        self.depth += 1;
        self.math_inner(node);
        self.depth -= 1;
    }

    fn math_inner(&mut self, node: Node) {
        let kids: Vec<Node> = node.children().filter(|n| n.is_element()).collect();
        let operand = |this: &mut Self, n: Node| {
            let mut inner = Html {
                out: String::new(),
                picture: &mut *this.picture,
                depth: this.depth,
            };
            inner.math(n);
            let simple = inner.out.chars().all(|c| c.is_alphanumeric() || c == '.');
            if simple {
                inner.out
            } else {
                format!("({})", inner.out)
            }
        };
        match (name(node).as_str(), kids.as_slice()) {
            ("mfrac", [a, b]) => {
                let (a, b) = (operand(self, *a), operand(self, *b));
                self.out.push_str(&format!("{a}/{b}"));
            }
            ("msup", [a, b]) => {
                let a = operand(self, *a);
                self.out
                    .push_str(&format!("{a}<sup>{}</sup>", escape(&text(*b))));
            }
            ("msub", [a, b]) => {
                let a = operand(self, *a);
                self.out
                    .push_str(&format!("{a}<sub>{}</sub>", escape(&text(*b))));
            }
            ("msqrt", _) => {
                self.out.push_str("√(");
                kids.iter().for_each(|k| self.math(*k));
                self.out.push(')');
            }
            ("mi" | "mn" | "mo" | "mtext" | "ms", _) => self.out.push_str(&escape(&text(node))),
            ("annotation" | "annotation-xml", _) => {}
            ("semantics", [first, ..]) => self.math(*first),
            _ => kids.iter().for_each(|k| self.math(*k)),
        }
    }
}

/// A block holding nothing but an inline interaction (`<p><textEntryInteraction/></p>`):
/// dropped from the stem rather than shown as a lone blank.
fn only_an_inline_interaction(node: Node) -> bool {
    let mut interactions = 0;
    for child in node.children() {
        if child.is_text() {
            if !child.text().unwrap_or_default().trim().is_empty() {
                return false;
            }
        } else if child.is_element() {
            if is_inline_interaction(child) {
                interactions += 1;
            } else {
                return false;
            }
        }
    }
    interactions > 0
}
