//! The banks shipped in `question_banks/` (sized for certification papers and reviewed item by
//! item, `question_banks/review/`): pages mark a bank as one of them by its code, so a centre
//! knows it did not write it (the demo and `bank import question_banks/` both keep the shipped
//! code, and centres give their own banks their own codes).

use std::sync::OnceLock;

/// The codes of the shipped banks, as the importer stores them (upper case).
pub fn codes() -> &'static [String] {
    static CODES: OnceLock<Vec<String>> = OnceLock::new();
    CODES.get_or_init(|| {
        super::SHIPPED
            .iter()
            .filter_map(|(_, text)| {
                let table: toml::Table = toml::from_str(text).ok()?;
                let code = table.get("bank")?.get("code")?.as_str()?;
                Some(code.to_uppercase())
            })
            .collect()
    })
}

/// Whether a bank is one of the shipped banks.
pub fn is_sample(code: &str) -> bool {
    codes().iter().any(|c| c == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_bank_is_known_by_its_code() {
        assert_eq!(codes().len(), super::super::SHIPPED.len());
        assert!(is_sample("IU01-MAU"));
        assert!(is_sample("ICDL-CE-SAMPLE"));
        assert!(!is_sample("IU01-TTSM"));
    }

    #[test]
    fn the_word_templates_picture_is_a_real_picture() {
        let png = crate::banks::word::sample::PICTURE_PNG;
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && &png[12..16] == b"IHDR");
        let side = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
        let (width, height) = (side(16), side(20));
        // Square, as the template places it (one inch by one inch), and large enough to see.
        assert_eq!(width, height);
        assert!(width >= 128, "{width}×{height}");
        let (parsed, _) = crate::banks::word::read_docx(
            "mau.docx",
            &crate::banks::word::sample::template(),
            &Default::default(),
        );
        assert_eq!(parsed.unwrap().media[0].bytes, png);
    }
}
