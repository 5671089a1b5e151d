//! How typed answers are compared: Unicode NFC, case and white-space folding, optionally
//! without Vietnamese diacritics, and numbers typed with a decimal comma.

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// NFC, case folded, inner white space collapsed; optionally without Vietnamese diacritics
/// (so "Địa chỉ" and "dia  chi" compare equal).
pub fn fold_text(text: &str, ignore_diacritics: bool) -> String {
    let spaced = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let lowered: String = spaced.nfc().collect::<String>().to_lowercase();
    if !ignore_diacritics {
        return lowered;
    }
    lowered
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// Does a typed answer match one of the accepted answers?
pub fn short_text_matches(given: &str, accepted: &[String], ignore_diacritics: bool) -> bool {
    let given = fold_text(given, ignore_diacritics);
    accepted
        .iter()
        .any(|a| fold_text(a, ignore_diacritics) == given)
}

/// Reads a number as a candidate types it: decimal comma or point, spaces as thousands gaps.
pub fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text.trim().chars().filter(|c| !c.is_whitespace()).collect();
    let cleaned = if cleaned.contains(',') && !cleaned.contains('.') {
        cleaned.replace(',', ".")
    } else {
        cleaned
    };
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::banks::model::NumericKey;

    #[test]
    fn short_text_folds_case_space_nfc_and_optionally_diacritics() {
        let accepted = vec!["Địa chỉ IP".to_string()];
        assert!(short_text_matches("  địa   CHỈ ip ", &accepted, false));
        let nfd: String = "địa chỉ ip".nfd().collect();
        assert!(short_text_matches(&nfd, &accepted, false));
        assert!(!short_text_matches("dia chi ip", &accepted, false));
        assert!(short_text_matches("dia chi ip", &accepted, true));
    }

    #[test]
    fn numbers_take_a_decimal_comma() {
        assert_eq!(parse_number("3,5"), Some(3.5));
        assert_eq!(parse_number(" 1 024 "), Some(1024.0));
        assert_eq!(parse_number("abc"), None);
        let key = NumericKey::Exact {
            value: 0.3,
            tolerance: 0.0,
        };
        assert!(key.accepts(0.1 + 0.2));
        assert!(NumericKey::Range { min: 1.0, max: 2.0 }.accepts(2.0));
    }
}
