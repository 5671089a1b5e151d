//! Text as people type it: Unicode NFC (so "Nguyễn" typed with combining marks equals the
//! precomposed form) and white space folded.

use unicode_normalization::UnicodeNormalization;

/// NFC, trimmed, inner runs of white space folded to one space.
pub fn single_line(raw: &str) -> String {
    raw.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A required name of at most `max` characters, or the catalog key of what is wrong.
pub fn required_name(raw: &str, max: usize) -> Result<String, &'static str> {
    let name = single_line(raw);
    match name.chars().count() {
        0 => Err("error.name_required"),
        n if n <= max => Ok(name),
        _ => Err("error.name_too_long"),
    }
}

/// `n` characters drawn uniformly from `alphabet` with the thread's OS-seeded generator: for
/// temporary passwords and access codes.
pub fn random_chars(alphabet: &[u8], n: usize) -> String {
    use rand::RngExt;
    let mut rng = rand::rng();
    (0..n)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
        .collect()
}

/// A number with at most `places` decimals, trailing zeros dropped, written with `comma` as
/// its decimal separator ("9,5", "0.833", "7"). For display only.
pub fn decimal_text(value: f64, places: usize, comma: char) -> String {
    let text = format!("{value:.places$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    let text = if text == "-0" { "0" } else { text };
    text.replace('.', &comma.to_string())
}

/// Elements whose start separates words.
const BLOCKS: [&str; 12] = [
    "p", "br", "div", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3",
];

/// The text of an HTML fragment as a browser parses it (through `scraper`): tags dropped (a
/// block's start becomes a space), entities decoded, runs of white space made one space.
pub fn plain_text(html: &str) -> String {
    let fragment = scraper::Html::parse_fragment(html);
    let mut out = String::with_capacity(html.len());
    for node in fragment.tree.root().descendants() {
        match node.value() {
            scraper::Node::Text(text) => out.push_str(text),
            scraper::Node::Element(e) if BLOCKS.contains(&e.name()) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_plain_text_for_select_options() {
        assert_eq!(
            plain_text(
                "<p>Nhấn <strong>Ctrl</strong>+<code>&lt;C&gt;</code>&nbsp;rồi&amp;</p><p>B</p>\n"
            ),
            "Nhấn Ctrl+<C> rồi& B"
        );
    }

    #[test]
    fn folds_and_normalises() {
        assert_eq!(
            single_line("  Nguye\u{302}\u{303}n \t Va\u{306}n  "),
            "Nguyễn Văn"
        );
        assert_eq!(required_name("   ", 10), Err("error.name_required"));
        assert_eq!(required_name("abcdef", 5), Err("error.name_too_long"));
    }
}
