//! One item drawn as a candidate sees it (stem, options, fields), with its key marked only when
//! staff ask for it: shared by the item preview and the confirm page's first questions.

use askama::Template;

use super::model::{Body, Item, Rich};
use crate::web::Chrome;

/// A stem as one line of the item table: its rendered text without markup, cut at 140
/// characters.
pub fn stem_line(html: &str) -> String {
    let text = crate::text::plain_text(html);
    match text.char_indices().nth(140) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

#[derive(Template)]
#[template(path = "banks/item.html")]
pub struct ItemView<'a> {
    pub chrome: &'a Chrome,
    pub item: &'a Item,
    /// Marks the key (✓), the accepted answers, pinned options: for the item preview only.
    pub show_key: bool,
    /// Keeps the controls' ids apart when several items share a page (`q1-`).
    pub prefix: String,
}

impl ItemView<'_> {
    /// The item as HTML, for a page to place (`|safe`): every text in it is either escaped by
    /// the template or the item's own rendered Markdown.
    pub fn html(&self) -> Result<String, askama::Error> {
        self.render()
    }

    fn letter(&self, index: &usize) -> char {
        super::model::option_letter(*index)
    }

    fn statement_letter(&self, index: &usize) -> char {
        super::model::statement_letter(*index)
    }

    /// The answers a matching item offers: in the file's order for staff, in alphabetical
    /// order otherwise (the file's order would give the key away).
    fn matching_choices(&self) -> Vec<String> {
        let Body::Matching { pairs, distractors } = &self.item.body else {
            return vec![];
        };
        let plain = |r: &Rich| crate::text::plain_text(&r.html);
        let mut choices: Vec<String> = pairs
            .iter()
            .map(|p| plain(&p.right))
            .chain(distractors.iter().map(plain))
            .collect();
        if !self.show_key {
            choices.sort();
        }
        choices
    }

    /// The steps of an ordering item with their place in the right order: in that order for
    /// staff, in alphabetical order otherwise.
    fn ordering_steps(&self) -> Vec<(usize, &Rich)> {
        let Body::Ordering { sequence } = &self.item.body else {
            return vec![];
        };
        let mut steps: Vec<(usize, &Rich)> = sequence
            .iter()
            .enumerate()
            .map(|(i, s)| (i + 1, s))
            .collect();
        if !self.show_key {
            steps.sort_by(|a, b| a.1.source.cmp(&b.1.source));
        }
        steps
    }
}
