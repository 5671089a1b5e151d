//! How a message names a question of a Word bank: as Word shows it, `Câu 5 (“Đơn vị đo tốc
//! độ…”)`, never by paragraph number.

use super::{
    document::{Look, PICTURE},
    questions::Question,
};

/// The beginning of a paragraph's text (pictures left out), for a message that must say which
/// paragraph or question it means, as Word shows it.
pub fn excerpt(chars: &[(char, Look)]) -> String {
    let text: String = chars
        .iter()
        .map(|(c, _)| if c.is_control() { ' ' } else { *c })
        .filter(|c| *c != PICTURE)
        .collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text.trim_start_matches([':', '.', ')', ' ']);
    // About 32 characters, cut between words.
    let Some((end, _)) = text.char_indices().nth(32) else {
        return text.to_string();
    };
    let head = &text[..end];
    let head = match text[end..].starts_with(' ') {
        true => head,
        false => head.rsplit_once(' ').map_or(head, |(words, _)| words),
    };
    format!("{}…", head.trim_end())
}

impl Question {
    /// The question as Word shows it: `Câu 5 (“Đơn vị đo tốc độ…”)`.
    pub fn place(&self) -> String {
        match self.excerpt.as_str() {
            "" => self.label.clone(),
            text => format!("{} (“{text}”)", self.label),
        }
    }
}
