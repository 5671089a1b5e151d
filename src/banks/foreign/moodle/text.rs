//! Moodle's text fields (`<questiontext format="html"><text>…</text><file …/></questiontext>`)
//! as the Markdown subset, with the pictures they embed taken into the bank's media.

use base64::Engine;
use roxmltree::Node;

pub use crate::banks::xml::child;
use crate::banks::{
    MediaFile,
    foreign::{
        add_picture,
        html::{escape, nesting, to_markdown},
        left_out::{PLUGINFILE, drop_pictures, media_in},
    },
    report::{Msg, args},
};

/// The text of a child element (`<name><text>…</text></name>` → its `text`), CDATA included.
pub fn child_text(node: Node, name: &str) -> Option<String> {
    let element = child(node, name)?;
    Some(
        element
            .descendants()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect(),
    )
}

/// The pictures and problems found while reading text fields.
#[derive(Default)]
pub struct Texts {
    pub media: Vec<MediaFile>,
    pub errors: Vec<(usize, Msg)>,
    /// Content left out: audio, video, pictures the file does not carry.
    pub warnings: Vec<(usize, Msg)>,
}

impl Texts {
    /// A child field of `node` (`questiontext`, `generalfeedback`) as Markdown.
    pub fn rich(&mut self, node: Node, field: &str) -> String {
        child(node, field).map_or_else(String::new, |f| self.rich_node(f))
    }

    /// A node with a `format` attribute, a `<text>` and `<file>`s (a field, an answer, a
    /// subquestion) as Markdown.
    pub fn rich_node(&mut self, node: Node) -> String {
        let text = child_text(node, "text").unwrap_or_default();
        self.rich_text(node, &text)
    }

    /// A text of a field (`node`, whose `format` and `<file>`s apply) as Markdown.
    pub fn rich_text(&mut self, node: Node, text: &str) -> String {
        let text = text.trim();
        match node.attribute("format").unwrap_or("html") {
            "plain_text" => escape(text),
            "markdown" => text.to_string(),
            format => {
                // Moodle's auto-format is plain text in which HTML is allowed; line breaks count.
                let html = if format == "moodle_auto_format" {
                    text.replace('\n', "<br>")
                } else {
                    text.to_string()
                };
                let line = node.document().text_pos_at(node.range().start).row as usize;
                if let Err(too_deep) = nesting(&html) {
                    self.errors.push((line, too_deep));
                    return String::new();
                }
                let media = media_in(&html);
                if !media.is_empty() {
                    let args = args![what = media.join(", ")];
                    self.warnings
                        .push((line, ("bank.foreign2.media_left_out", args)));
                }
                let mut picture = |src: &str| self.embedded(node, src, line);
                to_markdown(&html, &mut picture)
            }
        }
    }

    /// Feedback as Markdown, without the pictures the file refers to but does not carry
    /// (which would refuse the file for what the candidate never needs): they are named.
    pub fn feedback(&mut self, node: Node, field: &str) -> String {
        let text = self.rich(node, field);
        let (text, dropped) = drop_pictures(&text, PLUGINFILE);
        if !dropped.is_empty() {
            let line = node.document().text_pos_at(node.range().start).row as usize;
            let args = args![names = dropped.join(", ")];
            self.warnings
                .push((line, ("bank.foreign2.feedback_picture_dropped", args)));
        }
        text
    }

    /// A field as plain text (short answers, matching answers): tags dropped, entities read.
    pub fn plain(&mut self, node: Node) -> String {
        let text = child_text(node, "text").unwrap_or_default();
        if let Err(too_deep) = nesting(&text) {
            let line = node.document().text_pos_at(node.range().start).row as usize;
            self.errors.push((line, too_deep));
            return String::new();
        }
        plain_text(&text)
    }

    /// The picture `@@PLUGINFILE@@/name` refers to, from the `<file>`s of the field.
    fn embedded(&mut self, node: Node, src: &str, line: usize) -> Option<String> {
        let name = src.strip_prefix("@@PLUGINFILE@@/")?;
        let name = percent_decode(name);
        let file = node.children().find(|f| {
            f.tag_name().name() == "file" && f.attribute("name") == Some(name.as_str())
        })?;
        let bytes = decode_base64(file.text().unwrap_or_default())?;
        self.add(&name, bytes, line)
    }

    /// The old single picture of a question: `<image>name</image>` with `<image_base64>`.
    pub fn old_image(&mut self, question: Node) -> Option<String> {
        let name = child_text(question, "image").filter(|n| !n.trim().is_empty())?;
        let line = question.document().text_pos_at(question.range().start).row as usize;
        let data = child_text(question, "image_base64").and_then(|d| decode_base64(&d));
        let Some(bytes) = data else {
            // Only the picture's path: the file does not carry it.
            let args = args![names = name.trim()];
            let warning = ("bank.foreign2.picture_as_text", args);
            self.warnings.push((line, warning));
            return None;
        };
        let name = name.rsplit('/').next().unwrap_or(&name).to_string();
        let path = self.add(&name, bytes, line)?;
        Some(format!("![Hình]({path})"))
    }

    /// Adds a picture under a unique media name; a file that is not a picture is an error.
    fn add(&mut self, name: &str, bytes: Vec<u8>, line: usize) -> Option<String> {
        add_picture(&mut self.media, name, bytes)
            .map_err(|msg| self.errors.push((line, msg)))
            .ok()
    }
}

/// HTML as plain text: tags dropped, entities read, white space collapsed (HTML nested past
/// the limit, which readers report with `nesting`, loses its tags unparsed).
pub fn plain_text(text: &str) -> String {
    if !text.contains('<') {
        return text.trim().to_string();
    }
    let text = match nesting(text) {
        Ok(()) => scraper::Html::parse_fragment(text)
            .root_element()
            .text()
            .collect::<String>(),
        Err(_) => text.replace(['<', '>'], " "),
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let cleaned: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(cleaned)
        .ok()
}

/// `a%20b.png` → `a b.png` (Moodle writes file names URL-encoded in `src`).
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}
