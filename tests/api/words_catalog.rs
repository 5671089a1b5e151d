//! Every message of both catalogs, as the two-language text test reads them (issue 24): the
//! same placeholders in Vietnamese and English, and no English in the Vietnamese message
//! beyond code, file keys, flags and the named technical terms.

use std::collections::BTreeMap;

/// Every message of both catalogs: the same placeholders in both languages, and no English in
/// the Vietnamese one (code in backticks and quoted examples aside).
#[test]
fn every_catalog_message_has_the_same_placeholders_and_vietnamese_words() {
    let read = |name: &str| -> toml::Table {
        let path = format!("{}/locales/{name}.toml", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).unwrap().parse().unwrap()
    };
    let (vi, en) = (flatten(&read("vi")), flatten(&read("en")));
    let mut findings = Vec::new();
    for (key, text) in &vi {
        let other = en.get(key).map(String::as_str).unwrap_or_default();
        if placeholders(text) != placeholders(other) {
            findings.push(format!("{key}: {text} | {other}"));
        }
        let words = without_code(text);
        let english = crate::words_check::english_words(&words);
        let english = english
            .iter()
            .filter(|w| !CATALOG_TERMS.contains(&w.to_ascii_lowercase().as_str()));
        for word in english {
            findings.push(format!("{key}: English “{word}” in {text}"));
        }
    }
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

/// Terms catalog messages name as they are, beyond those pages may use: keys of the bank,
/// blueprint and catalog files and of other platforms' formats, menu names of Word and
/// Notepad, API parameters and headers, the `sathach` commands, and the language switch.
const CATALOG_TERMS: &[&str] = &[
    "since",
    "next",
    "limit",
    "authorization",
    "video",
    "credential",
    "verify",
    "english",
    "title",
    "module",
    "modules",
    "bank",
    "all",
    "any",
    "certificate",
    "certificates",
    "profile",
    "file",
    "save",
    "as",
    "document",
    "home",
    "numbering",
    "notepad",
    "encoding",
    "false",
    "max",
    "min",
    "answer",
    "answers",
    "tolerance",
    "points",
    "correctresponse",
    "mapentry",
    "data",
    "questestinterop",
    "fraction",
    "quiz",
    "unicode",
    "unikey",
    "webp",
    "div",
    "correct",
    "items",
    "graders",
    "rounding",
];

fn flatten(table: &toml::Table) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in table {
        match v {
            toml::Value::String(s) => {
                out.insert(k.clone(), s.clone());
            }
            toml::Value::Table(t) => {
                out.extend(
                    flatten(t)
                        .into_iter()
                        .map(|(kk, vv)| (format!("{k}.{kk}"), vv)),
                );
            }
            _ => {}
        }
    }
    out
}

fn placeholders(text: &str) -> std::collections::BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .collect()
}

/// A message without its placeholders, code in backticks, text quoted as typed in a file,
/// tables (`[bank]`), tags, command-line flags and the keys of `key = value`.
fn without_code(text: &str) -> String {
    let quoted = without_quotes(text);
    let chunks: Vec<&str> = quoted.split_whitespace().collect();
    chunks
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            let flag = c.trim_start_matches(['(', '“']).starts_with('-');
            !flag && chunks.get(i + 1) != Some(&"=")
        })
        .map(|(_, c)| *c)
        .collect::<Vec<_>>()
        .join(" ")
}

fn without_quotes(text: &str) -> String {
    let mut out = String::new();
    let mut skip_to: Option<char> = None;
    for c in text.chars() {
        match skip_to {
            Some(end) if c == end => skip_to = None,
            Some(_) => {}
            None => match c {
                '`' => skip_to = Some('`'),
                '{' => skip_to = Some('}'),
                '“' => skip_to = Some('”'),
                '"' => skip_to = Some('"'),
                '[' => skip_to = Some(']'),
                '<' => skip_to = Some('>'),
                _ => out.push(c),
            },
        }
    }
    out
}
