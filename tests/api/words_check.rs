//! What the two-language text test looks for in a page or a file: a placeholder left unfilled
//! (`{value}`), a missing message, markup shown as text (`</div>` in a title), and, in
//! Vietnamese, an English word outside the allowed terms. A word counts as English when it is
//! written in plain ASCII letters and cannot be a Vietnamese syllable without its accents
//! (`paper`, `attempts`, `roster`), so a Vietnamese word typed without diacritics passes.
//! What people wrote is not the interface: the text of question banks (shown in their own
//! language, some in English) and the shipped catalog and samples are `Data`, left out.

use scraper::{Html, Node};

/// Terms a Vietnamese page may use as they are: names of products, formats and standards, and
/// the words of the app's own name and addresses.
pub const ALLOWED: &[&str] = &[
    "sathach", "email", "mail", "excel", "word", "moodle", "gift", "aiken", "internet", "online",
    "windows", "chrome", "chromium", "firefox", "edge", "wifi", "password", "docx", "xlsx", "csv",
    "toml", "json", "html", "xml", "pdf", "zip", "jwks", "did", "web", "badges", "open", "bearer",
    "token", "api", "demo", "ok", "enter", "ctrl", "shift", "tab", "delete", "markdown",
    // Names of fields and folders in the files staff write, and the command that checks a key.
    "code", "seed", "media", "kid", "openssl", "pkey", "pubout", "outform",
    // The names of the reliability coefficients item analysis reports (KR-20, Cronbach's α).
    "cronbach",
];

/// Text people wrote rather than the interface: every string of the shipped banks, blueprint
/// samples and credit catalog (`question_banks/*.toml`), which a page may show whole or in
/// pieces.
pub struct Data(Vec<String>);

impl Data {
    /// No data: every word is the interface's.
    pub fn none() -> &'static Data {
        static NONE: Data = Data(Vec::new());
        &NONE
    }

    /// The shipped files' strings, read once.
    pub fn shipped() -> &'static Data {
        static SHIPPED: std::sync::LazyLock<Data> = std::sync::LazyLock::new(Data::read_shipped);
        &SHIPPED
    }

    fn read_shipped() -> Data {
        let folder = format!("{}/question_banks", env!("CARGO_MANIFEST_DIR"));
        let mut phrases = Vec::new();
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let table: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
                strings(&toml::Value::Table(table), &mut phrases);
            }
        }
        let mut phrases: Vec<String> = phrases.iter().map(|p| plain(p)).collect();
        phrases.retain(|p| p.chars().count() >= 3);
        phrases.sort_by_key(|p| std::cmp::Reverse(p.len()));
        Data(phrases)
    }

    /// English words of a Vietnamese text once the data in it is taken out.
    fn english_in(&self, text: &str) -> Vec<String> {
        let found = english_words(text);
        if found.is_empty() {
            return found;
        }
        let text = plain(text);
        let piece = text.trim_end_matches('…').trim();
        if self.0.iter().any(|p| p.contains(piece)) {
            return Vec::new();
        }
        let mut rest = text.clone();
        for phrase in self.0.iter().filter(|p| text.contains(p.as_str())) {
            rest = rest.replace(phrase.as_str(), " ");
        }
        english_words(&rest)
    }
}

/// Text as a page shows it, whatever the Markdown around it: no emphasis marks or escapes,
/// single spaces.
fn plain(text: &str) -> String {
    let kept: String = text.chars().filter(|c| !"*`_\\".contains(*c)).collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn strings(value: &toml::Value, out: &mut Vec<String>) {
    match value {
        toml::Value::String(s) => out.extend(s.lines().map(|l| l.trim().to_string())),
        toml::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        toml::Value::Table(t) => t.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// Vowel runs of Vietnamese syllables with their accents taken off.
const NUCLEI: &[&str] = &[
    "a", "e", "i", "o", "u", "y", "ai", "ao", "au", "ay", "eo", "eu", "ia", "ie", "iu", "oa", "oe",
    "oi", "oo", "ua", "ue", "ui", "uo", "uu", "uy", "ya", "ye", "oai", "oao", "oay", "oeo", "ieu",
    "uoi", "uou", "uya", "uye", "uyu", "yeu", "uay", "uai", "uau", "uao",
];
const INITIALS: &[&str] = &[
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "g", "h",
    "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
];
const FINALS: &[&str] = &["ch", "ng", "nh", "c", "m", "n", "p", "t", ""];

/// Whether lower-case ASCII `word` could be a Vietnamese syllable written without accents.
pub fn vietnamese_syllable(word: &str) -> bool {
    INITIALS.iter().filter(|i| word.starts_with(*i)).any(|i| {
        let rest = &word[i.len()..];
        FINALS
            .iter()
            .filter(|f| rest.ends_with(*f) && rest.len() >= f.len())
            .any(|f| NUCLEI.contains(&&rest[..rest.len() - f.len()]))
    })
}

/// English words in a Vietnamese text: plain-ASCII words that are no Vietnamese syllable and
/// not allowed. Addresses, e-mail addresses, file names, codes (with digits or in capitals)
/// are not words.
pub fn english_words(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for chunk in text.split_whitespace() {
        let inner_dot = chunk
            .trim_end_matches(|c: char| !c.is_alphanumeric())
            .contains('.');
        if chunk.contains('@') || chunk.contains('/') || inner_dot {
            continue;
        }
        for word in chunk.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            let skip = word.chars().count() < 2
                || word
                    .chars()
                    .any(|c| c.is_ascii_digit() || c == '_' || !c.is_ascii())
                || word.chars().all(|c| c.is_ascii_uppercase());
            if skip {
                continue;
            }
            let lower = word.to_ascii_lowercase();
            if !vietnamese_syllable(&lower) && !ALLOWED.contains(&lower.as_str()) {
                found.push(word.to_string());
            }
        }
    }
    found
}

/// Problems of a text in any language: a leftover placeholder, a missing message, markup.
pub fn text_problems(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    if text.contains('⟦') {
        found.push(format!("missing message in “{}”", excerpt(text, '⟦')));
    }
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with('}') {
            found.push(format!("placeholder in “{}”", excerpt(rest, '{')));
        }
        rest = after;
    }
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices('<') {
        let next = bytes.get(i + 1).copied().unwrap_or(b' ');
        let tag = next.is_ascii_alphabetic()
            || (next == b'/' && bytes.get(i + 2).is_some_and(u8::is_ascii_alphabetic));
        if tag {
            found.push(format!("markup in “{}”", excerpt(&text[i..], '<')));
        }
    }
    for entity in ["&lt;", "&gt;", "&amp;", "&quot;", "&#"] {
        if text.contains(entity) {
            found.push(format!("escaped twice in “{}”", excerpt(text, '&')));
        }
    }
    found
}

/// Everything wrong with a text in `lang` ("vi" also looks for English words).
pub fn problems_in(text: &str, lang: &str, data: &Data) -> Vec<String> {
    let mut found = text_problems(text);
    if lang == "vi" {
        found.extend(
            data.english_in(text)
                .into_iter()
                .map(|w| format!("English “{w}” in “{}”", excerpt_at(text, &w))),
        );
    }
    found
}

fn excerpt(text: &str, at: char) -> String {
    excerpt_at(text, &at.to_string())
}

fn excerpt_at(text: &str, at: &str) -> String {
    let start = text.find(at).unwrap_or(0);
    let from = text[..start]
        .char_indices()
        .rev()
        .nth(30)
        .map_or(0, |(i, _)| i);
    text[from..]
        .chars()
        .take(90)
        .collect::<String>()
        .trim()
        .to_string()
}

/// Elements whose text is code, script or a user's source, not the page's words.
const NOT_WORDS: &[&str] = &[
    "script", "style", "code", "pre", "kbd", "samp", "textarea", "template",
];
const WORD_ATTRIBUTES: &[&str] = &["title", "aria-label", "placeholder", "alt"];

/// Everything wrong with an HTML page shown in `lang`: its text and the attributes people read
/// or hear, each in the language of its nearest `lang` (an English aside in a Vietnamese page
/// is not checked for English words).
pub fn page_problems(html: &str, lang: &str, data: &Data) -> Vec<String> {
    let document = Html::parse_document(html);
    let mut found = Vec::new();
    for node in document.root_element().descendants() {
        let code = node.ancestors().chain([node]).any(|n| {
            n.value()
                .as_element()
                .is_some_and(|e| NOT_WORDS.contains(&e.name()))
        });
        if code {
            continue;
        }
        let here = [node]
            .into_iter()
            .chain(node.ancestors())
            .filter_map(|n| n.value().as_element().and_then(|e| e.attr("lang")))
            .next()
            .unwrap_or(lang);
        let here = if here.starts_with("en") { "en" } else { here };
        match node.value() {
            Node::Text(text) => found.extend(problems_in(text, here, data)),
            Node::Element(e) => {
                for name in WORD_ATTRIBUTES {
                    if let Some(value) = e.attr(name) {
                        found.extend(problems_in(value, here, data));
                    }
                }
                let button = matches!(e.attr("type"), Some("submit" | "button"));
                if e.name() == "input"
                    && button
                    && let Some(value) = e.attr("value")
                {
                    found.extend(problems_in(value, here, data));
                }
            }
            _ => {}
        }
    }
    found
}

#[test]
fn the_checker_finds_what_the_issue_names_and_passes_vietnamese() {
    assert!(vietnamese_syllable("nguyen") && vietnamese_syllable("truong"));
    assert!(vietnamese_syllable("khuyen") && vietnamese_syllable("nghieng"));
    let log = "1 attempts submitted · paper 3f9a0c2e · identity document matches the roster";
    let english = english_words(log);
    for word in [
        "attempts",
        "submitted",
        "paper",
        "identity",
        "document",
        "matches",
        "roster",
    ] {
        assert!(english.contains(&word.to_string()), "{word}: {english:?}");
    }
    let vietnamese = "Ca thi đã kết thúc lúc 28/11/2026 10:00; giam thi Nguyen Van An, CCCD 001208012345, \
                      tệp mau-danh-sach.xlsx, admin@demo.sathach.vn, trang /sessions/abc, K7QM-001.";
    assert_eq!(english_words(vietnamese), Vec::<String>::new());
    assert_eq!(text_problems("Ngày sinh không hợp lệ: {value}").len(), 1);
    assert_eq!(text_problems("Biên bản – K7QM</div>").len(), 1);
    assert_eq!(text_problems("a &lt;b&gt;").len(), 2);
    assert!(text_problems("1 < 2, {n }, {}").is_empty());
    let page = "<html lang=\"vi\"><head><title>Biên bản – K7QM</div>\n</title></head><body>\
                <p>Câu <span lang=\"en\">question</span></p><pre>{value}</pre>\
                <input type=\"submit\" value=\"Submit\"></body></html>";
    let problems = page_problems(page, "vi", Data::none());
    assert_eq!(problems.len(), 2, "markup and a button: {problems:?}");
}
