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

#[cfg(test)]
mod tests {
    use super::*;

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
