//! The catalog (`question_banks/catalog.toml`, embedded in the binary): schemes, modules and
//! topics that banks and items refer to, each module's credits, the certificate rules and the
//! recognised earlier certificates. `catalog_read` validates it with line numbers.

use std::sync::LazyLock;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Catalog {
    pub schemes: Vec<Scheme>,
    pub modules: Vec<Module>,
    #[serde(default)]
    pub certificates: Vec<Certificate>,
    #[serde(default)]
    pub equivalences: Vec<Equivalence>,
}

/// A certificate sathach issues once a person's entries meet its rule: `all` the listed
/// modules, `any` N of others, the `certificates` it builds on, or (a `profile`) at least one
/// of its modules, listing every one passed.
#[derive(Debug, Deserialize)]
pub struct Certificate {
    pub code: String,
    pub scheme: String,
    pub name_vi: String,
    pub name_en: String,
    #[serde(default)]
    pub all: Vec<String>,
    pub any: Option<AnyOf>,
    #[serde(default)]
    pub certificates: Vec<String>,
    #[serde(default)]
    pub profile: Vec<String>,
    /// Years it stays valid from the day its rule was met; none: it does not expire.
    pub valid_years: Option<u16>,
}

/// `any = { count = 3, of = [...] }`: any `count` of the modules `of`.
#[derive(Debug, Deserialize)]
pub struct AnyOf {
    pub count: usize,
    pub of: Vec<String>,
}

/// A recognised earlier certificate (issued elsewhere) and what it counts as: modules, or a
/// whole certificate.
#[derive(Debug, Deserialize)]
pub struct Equivalence {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    #[serde(default)]
    pub modules: Vec<String>,
    pub certificate: Option<String>,
    /// Certificates issued on or after this day are not recognised.
    #[serde(default, deserialize_with = "toml_date")]
    pub issued_before: Option<crate::vocab::Date>,
}

/// A TOML local date (`2016-08-10`) as a calendar date.
fn toml_date<'de, D: serde::Deserializer<'de>>(
    de: D,
) -> Result<Option<crate::vocab::Date>, D::Error> {
    let value: Option<toml::value::Datetime> = Option::deserialize(de)?;
    value
        .map(|dt| match dt.date {
            Some(d) if dt.time.is_none() && dt.offset.is_none() => {
                crate::vocab::Date::parse(&format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))
                    .ok_or_else(|| serde::de::Error::custom("not a calendar date"))
            }
            _ => Err(serde::de::Error::custom(
                "a date without a time, such as 2016-08-10",
            )),
        })
        .transpose()
}

#[derive(Debug, Deserialize)]
pub struct Scheme {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

#[derive(Debug, Deserialize)]
pub struct Module {
    pub code: String,
    pub scheme: String,
    pub level: String,
    pub name_vi: String,
    pub name_en: String,
    /// What the module weighs in the credit ledger (a whole number >= 1).
    pub credits: u32,
    #[serde(default)]
    pub topics: Vec<Topic>,
}

#[derive(Debug, Deserialize)]
pub struct Topic {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

/// The shipped catalog's text, and the name its check reports use.
pub const SHIPPED: (&str, &str) = (
    "catalog.toml",
    include_str!("../../question_banks/catalog.toml"),
);

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    let (catalog, report) = super::catalog_read::read_catalog(SHIPPED.0, SHIPPED.1);
    catalog.unwrap_or_else(|| panic!("{}", report.lines(crate::vocab::Lang::En).join("\n")))
});

/// The catalog this binary was built with.
pub fn catalog() -> &'static Catalog {
    &CATALOG
}

impl Catalog {
    pub fn scheme(&self, code: &str) -> Option<&Scheme> {
        self.schemes.iter().find(|s| s.code == code)
    }

    pub fn module(&self, code: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.code == code)
    }

    pub fn certificate(&self, code: &str) -> Option<&Certificate> {
        self.certificates.iter().find(|c| c.code == code)
    }

    pub fn equivalence(&self, code: &str) -> Option<&Equivalence> {
        self.equivalences.iter().find(|e| e.code == code)
    }

    /// The module a topic code belongs to, and the topic.
    pub fn topic(&self, code: &str) -> Option<(&Module, &Topic)> {
        self.modules
            .iter()
            .find_map(|m| m.topics.iter().find(|t| t.code == code).map(|t| (m, t)))
    }
}

/// `name(lang)` for the catalog's named things.
macro_rules! named {
    ($($ty:ty),*) => {$(
        impl $ty {
            pub fn name(&self, lang: crate::vocab::Lang) -> &str {
                match lang {
                    crate::vocab::Lang::Vi => &self.name_vi,
                    crate::vocab::Lang::En => &self.name_en,
                }
            }
        }
    )*};
}
named!(Module, Topic, Certificate, Equivalence);

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
    let folded = crate::banks::answers::fold_text(text, true);
    module?.topics.iter().find_map(|t| {
        let names = [
            crate::banks::answers::fold_text(&t.name_vi, true),
            crate::banks::answers::fold_text(&t.name_en, true),
        ];
        names
            .iter()
            .any(|n| !n.is_empty() && folded.contains(n.as_str()))
            .then(|| t.code.clone())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_has_the_circular_03_modules_with_topics() {
        let catalog = catalog();
        for code in ["IU01", "IU02", "IU03", "IU04", "IU05", "IU06"] {
            let module = catalog
                .module(code)
                .unwrap_or_else(|| panic!("{code} missing"));
            assert!(module.topics.len() >= 5, "{code} has its topics");
            assert_eq!(module.scheme, "TT03");
        }
        for n in 7..=15 {
            assert!(catalog.module(&format!("IU{n:02}")).is_some());
        }
        assert!(catalog.module("ICDL-CE").is_some() && catalog.module("IC3-L1").is_some());
        assert_eq!(catalog.topic("IU04.3").unwrap().0.code, "IU04");
    }

    #[test]
    fn codes_are_unique_and_schemes_known() {
        let catalog = catalog();
        let mut codes: Vec<&str> = catalog.modules.iter().map(|m| m.code.as_str()).collect();
        codes.extend(
            catalog
                .modules
                .iter()
                .flat_map(|m| m.topics.iter().map(|t| t.code.as_str())),
        );
        let before = codes.len();
        codes.sort();
        codes.dedup();
        assert_eq!(before, codes.len());
        for module in &catalog.modules {
            assert!(
                catalog.schemes.iter().any(|s| s.code == module.scheme),
                "{}",
                module.code
            );
            for topic in &module.topics {
                assert!(topic.code.starts_with(&format!("{}.", module.code)));
            }
        }
    }
}
