//! Which topic of the bank's module a part heading or a `Chủ đề:` line names.

use super::layout::fold;
use crate::banks::catalog::{Module, catalog};

/// The topic a heading or a `Chủ đề:` line names: a topic code written in it (`IU01.3`),
/// else the topic of the module whose name it holds.
pub fn topic_in(text: &str, module: Option<&Module>) -> Option<String> {
    let codes: Vec<&str> = match module {
        Some(m) => m.topics.iter().map(|t| t.code.as_str()).collect(),
        None => catalog()
            .modules
            .iter()
            .flat_map(|m| m.topics.iter().map(|t| t.code.as_str()))
            .collect(),
    };
    let words = text.split(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ':' | ';' | '(' | ')' | '[' | ']' | '–' | '—')
    });
    for word in words {
        let word = word.trim_end_matches(['.', '-']);
        if let Some(code) = codes.iter().find(|c| c.eq_ignore_ascii_case(word)) {
            return Some(code.to_string());
        }
    }
    let folded = fold(text);
    module?.topics.iter().find_map(|t| {
        let names = [fold(&t.name_vi), fold(&t.name_en)];
        names
            .iter()
            .any(|n| !n.is_empty() && folded.contains(n.as_str()))
            .then(|| t.code.clone())
    })
}
