//! Vietnamese typed before Unicode, in the 8-bit fonts of the 1990s and 2000s that old exam
//! files still use: TCVN3 (ABC) fonts `.VnTime`, `.VnArial`… (the `…H` fonts such as
//! `.VnTimeH` draw every letter in upper case) and VNI fonts `VNI-Times`, `VNI-Helve`….
//! Word keeps such text as the Windows-1252 characters of the font's bytes, so `Câu` typed in
//! `.VnTime` reads `C©u`; the run's font name says which text to convert.

use unicode_normalization::UnicodeNormalization;

/// A legacy encoding, known by a font name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Legacy {
    /// TCVN 5712:1993 (VN3); `capitals` for the `…H` fonts.
    Tcvn3 { capitals: bool },
    /// VNI for Windows: a base letter followed by a mark character.
    Vni,
}

impl Legacy {
    /// The encoding a font draws, if it is a legacy Vietnamese font.
    pub fn of_font(font: &str) -> Option<Self> {
        let font = font.trim();
        let lower = font.to_ascii_lowercase();
        if lower.starts_with(".vn") {
            Some(Legacy::Tcvn3 {
                capitals: font.ends_with('H'),
            })
        } else if lower.starts_with("vni-") || lower.starts_with("vni ") {
            Some(Legacy::Vni)
        } else {
            None
        }
    }

    /// The name a report gives the encoding.
    pub fn name(self) -> &'static str {
        match self {
            Legacy::Tcvn3 { .. } => "TCVN3",
            Legacy::Vni => "VNI",
        }
    }

    /// The text in Unicode NFC.
    pub fn convert(self, text: &str) -> String {
        match self {
            Legacy::Tcvn3 { capitals } => {
                let converted: String = text.chars().map(tcvn3).collect();
                let converted = if capitals {
                    converted.to_uppercase()
                } else {
                    converted
                };
                converted.nfc().collect()
            }
            Legacy::Vni => vni(text),
        }
    }
}

/// TCVN3 characters (as Windows-1252 shows them) and the letters they stand for. The font has
/// the seven capitals Ă Â Đ Ê Ô Ơ Ư; other capitals with marks need a `…H` font.
#[rustfmt::skip]
const TCVN3: [(char, char); 74] = [
    ('µ', 'à'), ('¸', 'á'), ('¶', 'ả'), ('·', 'ã'), ('¹', 'ạ'),
    ('¨', 'ă'), ('»', 'ằ'), ('¾', 'ắ'), ('¼', 'ẳ'), ('½', 'ẵ'), ('Æ', 'ặ'),
    ('©', 'â'), ('Ç', 'ầ'), ('Ê', 'ấ'), ('È', 'ẩ'), ('É', 'ẫ'), ('Ë', 'ậ'),
    ('®', 'đ'),
    ('Ì', 'è'), ('Ð', 'é'), ('Î', 'ẻ'), ('Ï', 'ẽ'), ('Ñ', 'ẹ'),
    ('ª', 'ê'), ('Ò', 'ề'), ('Õ', 'ế'), ('Ó', 'ể'), ('Ô', 'ễ'), ('Ö', 'ệ'),
    ('×', 'ì'), ('Ý', 'í'), ('Ø', 'ỉ'), ('Ü', 'ĩ'), ('Þ', 'ị'),
    ('ß', 'ò'), ('ã', 'ó'), ('á', 'ỏ'), ('â', 'õ'), ('ä', 'ọ'),
    ('«', 'ô'), ('å', 'ồ'), ('è', 'ố'), ('æ', 'ổ'), ('ç', 'ỗ'), ('é', 'ộ'),
    ('¬', 'ơ'), ('ê', 'ờ'), ('í', 'ớ'), ('ë', 'ở'), ('ì', 'ỡ'), ('î', 'ợ'),
    ('ï', 'ù'), ('ó', 'ú'), ('ñ', 'ủ'), ('ò', 'ũ'), ('ô', 'ụ'),
    ('\u{AD}', 'ư'), ('õ', 'ừ'), ('ø', 'ứ'), ('ö', 'ử'), ('÷', 'ữ'), ('ù', 'ự'),
    ('ú', 'ỳ'), ('ý', 'ý'), ('û', 'ỷ'), ('ü', 'ỹ'), ('þ', 'ỵ'),
    ('¡', 'Ă'), ('¢', 'Â'), ('§', 'Đ'), ('£', 'Ê'), ('¤', 'Ô'), ('¥', 'Ơ'), ('¦', 'Ư'),
];

fn tcvn3(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    TCVN3
        .iter()
        .find(|(from, _)| *from == c)
        .map_or(c, |(_, to)| *to)
}

/// VNI marks: the character after a vowel and the combining marks it adds (lower case; the
/// upper-case forms are the same characters in upper case).
#[rustfmt::skip]
const VNI_MARKS: [(char, &str); 17] = [
    ('ù', "\u{301}"), ('ø', "\u{300}"), ('û', "\u{309}"), ('õ', "\u{303}"), ('ï', "\u{323}"),
    ('â', "\u{302}"), ('á', "\u{302}\u{301}"), ('à', "\u{302}\u{300}"), ('å', "\u{302}\u{309}"),
    ('ã', "\u{302}\u{303}"), ('ä', "\u{302}\u{323}"),
    ('ê', "\u{306}"), ('é', "\u{306}\u{301}"), ('è', "\u{306}\u{300}"), ('ú', "\u{306}\u{309}"),
    ('ü', "\u{306}\u{303}"), ('ë', "\u{306}\u{323}"),
];

/// VNI characters that are letters of their own (lower case; upper case likewise).
#[rustfmt::skip]
const VNI_LETTERS: [(char, char); 9] = [
    ('ô', 'ơ'), ('ö', 'ư'), ('ñ', 'đ'), ('í', 'í'), ('ì', 'ì'), ('æ', 'ỉ'), ('ó', 'ĩ'),
    ('ò', 'ị'), ('î', 'ỵ'),
];

/// VNI text in Unicode NFC: letters of their own are replaced, and a mark after a vowel
/// becomes combining marks on it, which NFC composes (`Vieät` → `Việt`).
fn vni(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut after_vowel = false;
    for c in text.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        let upper = c.is_uppercase();
        if after_vowel && let Some((_, marks)) = VNI_MARKS.iter().find(|(m, _)| *m == lower) {
            out.push_str(marks);
            continue;
        }
        let letter = VNI_LETTERS
            .iter()
            .find(|(from, _)| *from == lower)
            .map(|(_, to)| {
                if upper {
                    to.to_uppercase().next().unwrap_or(*to)
                } else {
                    *to
                }
            });
        let letter = letter.unwrap_or(c);
        after_vowel = "aeiouyơưAEIOUYƠƯ".contains(letter);
        out.push(letter);
    }
    out.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_name_their_encoding() {
        assert_eq!(
            Legacy::of_font(".VnTime"),
            Some(Legacy::Tcvn3 { capitals: false })
        );
        assert_eq!(
            Legacy::of_font(".VnTimeH"),
            Some(Legacy::Tcvn3 { capitals: true })
        );
        assert_eq!(
            Legacy::of_font(".VnArial NarrowH"),
            Some(Legacy::Tcvn3 { capitals: true })
        );
        assert_eq!(Legacy::of_font("VNI-Times"), Some(Legacy::Vni));
        assert_eq!(Legacy::of_font("Times New Roman"), None);
        assert_eq!(Legacy::of_font("Vnhuong"), None);
    }

    #[test]
    fn tcvn3_text_becomes_unicode() {
        let plain = Legacy::Tcvn3 { capitals: false };
        assert_eq!(plain.convert("C©u 1. TiÕng ViÖt"), "Câu 1. Tiếng Việt");
        assert_eq!(
            plain.convert("B¶o Th¾ng, B×nh, M\u{AD}êng Kh\u{AD}¬ng"),
            "Bảo Thắng, Bình, Mường Khương"
        );
        assert_eq!(
            plain.convert("§óng hay sai? Ph\u{AD}¬ng ¸n ®óng"),
            "Đúng hay sai? Phương án đúng"
        );
        assert_eq!(plain.convert("Ch\u{AD}a cã d÷ liÖu"), "Chưa có dữ liệu");
        let capitals = Legacy::Tcvn3 { capitals: true };
        assert_eq!(
            capitals.convert("phÇn i. hÖ ®iÒu hµnh"),
            "PHẦN I. HỆ ĐIỀU HÀNH"
        );
    }

    #[test]
    fn vni_text_becomes_unicode() {
        let cases = [
            ("Tieáng Vieät", "Tiếng Việt"),
            ("Xin chaøo caùc baïn", "Xin chào các bạn"),
            (
                "Ñaïi hoïc, Ngöôøi, khoâng, Caâu",
                "Đại học, Người, không, Câu",
            ),
            (
                "Thöïc haønh, ñuùng, ít, kyõ, mó, tyû, Mòch, ngaët, ngaúng",
                "Thực hành, đúng, ít, kỹ, mĩ, tỷ, Mịch, ngặt, ngẳng",
            ),
            ("ÑAÙP AÙN, PHAÀN I, CÖÔØNG", "ĐÁP ÁN, PHẦN I, CƯỜNG"),
            ("A. 12 GB", "A. 12 GB"),
        ];
        for (vni_text, unicode) in cases {
            assert_eq!(Legacy::Vni.convert(vni_text), unicode, "{vni_text}");
        }
    }

    #[test]
    fn every_vietnamese_letter_has_one_tcvn3_character() {
        let sources: std::collections::BTreeSet<char> = TCVN3.iter().map(|(f, _)| *f).collect();
        let letters: std::collections::BTreeSet<char> = TCVN3.iter().map(|(_, t)| *t).collect();
        assert_eq!((sources.len(), letters.len()), (74, 74));
        // 67 lower-case letters with marks or a horn/breve/bar, and seven capitals.
        assert!(letters.iter().all(|c| !c.is_ascii()));
    }
}
