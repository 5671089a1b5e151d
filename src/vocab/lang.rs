//! Languages and message catalogs: Vietnamese first, English second. Messages live in
//! `locales/vi.toml` and `locales/en.toml` (embedded at build time), never in code.

use std::{collections::HashMap, sync::LazyLock};

/// An interface language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language, offered by the switch in the page header.
    pub fn other(self) -> Self {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }

    /// A measure (a mean, a reliability) for display: at most `places` decimals, with a
    /// decimal comma in Vietnamese and a point in English.
    pub fn number(self, value: f64, places: usize) -> String {
        let comma = match self {
            Lang::Vi => ',',
            Lang::En => '.',
        };
        crate::text::decimal_text(value, places, comma)
    }

    /// Looks a message up; a missing key shows itself so it is noticed, never panics.
    pub fn t(self, key: &str) -> &'static str {
        let catalog = match self {
            Lang::Vi => &*VI,
            Lang::En => &*EN,
        };
        catalog.get(key).copied().unwrap_or_else(|| {
            tracing::warn!(
                message.key = key,
                lang = self.code(),
                "message missing from catalog"
            );
            "⟦missing message⟧"
        })
    }

    /// A message with `{name}` placeholders filled in.
    /// Placeholders are filled in one pass, so a value that itself contains `{name}` (a
    /// teacher's text quoted in a report) is left as it is.
    pub fn fill(self, key: &str, args: &[(&str, &str)]) -> String {
        let mut rest = self.t(key);
        let mut out = String::with_capacity(rest.len() + 16);
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let value = after.find('}').and_then(|close| {
                let name = &after[..close];
                args.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v, close))
            });
            match value {
                Some((value, close)) => {
                    out.push_str(value);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

type Catalog = HashMap<String, &'static str>;

static VI: LazyLock<Catalog> = LazyLock::new(|| load(include_str!("../../locales/vi.toml")));
static EN: LazyLock<Catalog> = LazyLock::new(|| load(include_str!("../../locales/en.toml")));

fn load(source: &str) -> Catalog {
    let table: toml::Table = toml::from_str(source).expect("message catalog is valid TOML");
    let mut out = HashMap::new();
    flatten("", &table, &mut out);
    out
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalog) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&full, inner, out),
            toml::Value::String(text) => {
                out.insert(full, Box::leak(text.clone().into_boxed_str()));
            }
            other => panic!("catalog entry {full} must be text, found {other}"),
        }
    }
}

/// Every key either catalog has (for tests).
pub fn all_keys() -> Vec<String> {
    let mut keys: Vec<String> = VI.keys().chain(EN.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Vietnamese text with its English subtitle, for pages printed in both (score reports,
/// certificates, the public verification page).
pub struct Both {
    pub vi: String,
    pub en: String,
}

impl Both {
    /// A catalog message in both languages.
    pub fn key(key: &str) -> Self {
        Self::with(|lang| lang.t(key).to_string())
    }

    /// Text made in each language.
    pub fn with(text: impl Fn(Lang) -> String) -> Self {
        Self {
            vi: text(Lang::Vi),
            en: text(Lang::En),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::is_nfc;

    #[test]
    fn both_catalogs_have_the_same_keys() {
        let vi: std::collections::BTreeSet<_> = VI.keys().collect();
        let en: std::collections::BTreeSet<_> = EN.keys().collect();
        let only_vi: Vec<_> = vi.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&vi).collect();
        assert!(
            only_vi.is_empty() && only_en.is_empty(),
            "vi only: {only_vi:?}; en only: {only_en:?}"
        );
    }

    #[test]
    fn placeholders_are_filled_once() {
        let text = Lang::En.fill("page.welcome", &[("name", "{name} {x")]);
        assert_eq!(text, "Welcome, {name} {x");
    }

    #[test]
    fn vietnamese_messages_are_nfc() {
        for (key, text) in VI.iter() {
            assert!(is_nfc(text), "{key} is not NFC");
        }
    }

    #[test]
    fn every_key_used_in_code_and_templates_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let keys: std::collections::HashSet<String> = all_keys().into_iter().collect();
        let mut missing = Vec::new();
        for dir in ["src", "templates"] {
            for path in walk(&root.join(dir)) {
                // Source and templates only (pictures embedded by the code live beside it).
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                for key in quoted_keys(&text) {
                    if !keys.contains(&key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from the catalogs: {missing:#?}"
        );
    }

    /// Quoted strings that look like catalog keys: `"area.name"` with a known area.
    fn quoted_keys(text: &str) -> Vec<String> {
        const AREAS: [&str; 21] = [
            "app.",
            "person.",
            "nav.",
            "error.",
            "role.",
            "org.",
            "sign_in.",
            "account.",
            "users.",
            "page.",
            "bank.",
            "report.",
            "blueprint.",
            "session.",
            "console.",
            "attempt.",
            "reason.",
            "minutes.",
            "slip.",
            "sheet.",
            "exam.",
        ];
        text.split('"')
            .skip(1)
            .step_by(2)
            .filter(|s| AREAS.iter().any(|a| s.starts_with(a)))
            // Tracing field names look like keys but are not messages.
            .filter(|s| !["session.id", "attempt.id"].contains(s))
            .filter(|s| {
                s.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_' || c.is_ascii_digit())
            })
            .filter(|s| !s.ends_with('.') && !s.ends_with(".html"))
            .map(str::to_string)
            .collect()
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
        out
    }
}
