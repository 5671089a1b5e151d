//! The shipped banks: each validates without errors, covers every topic of its module, has
//! enough items, several item types and a spread of difficulties.

use std::collections::BTreeSet;

use super::{SHIPPED, catalog::catalog, native::read_bank};

#[test]
fn every_shipped_bank_validates_and_covers_its_module() {
    for (name, text) in SHIPPED {
        let (parsed, report) = read_bank(name, text, vec![]);
        assert!(
            !report.has_errors(),
            "{name}: {:#?}",
            report.lines(crate::vocab::Lang::En)
        );
        let bank = parsed.expect("valid bank");
        let module = catalog().module(&bank.meta.module).expect("known module");
        let covered: BTreeSet<&str> = bank.items.iter().map(|i| i.topic.as_str()).collect();
        for topic in &module.topics {
            assert!(
                covered.contains(topic.code.as_str()),
                "{name} has no item on topic {}",
                topic.code
            );
        }
        let minimum = if bank.meta.language == "vi" { 40 } else { 30 };
        assert!(
            bank.items.len() >= minimum,
            "{name} has {} items",
            bank.items.len()
        );
        let kinds: BTreeSet<_> = bank.items.iter().map(|i| i.body.kind()).collect();
        assert!(kinds.len() >= 3, "{name} uses {} item types", kinds.len());
        let levels: BTreeSet<_> = bank.items.iter().map(|i| i.difficulty).collect();
        assert!(levels.len() >= 3, "{name} has a spread of difficulties");
    }
}

#[test]
fn the_circular_03_basic_modules_all_have_a_bank() {
    let modules: BTreeSet<String> = SHIPPED
        .iter()
        .filter_map(|(name, text)| read_bank(name, text, vec![]).0.map(|b| b.meta.module))
        .collect();
    for code in ["IU01", "IU02", "IU03", "IU04", "IU05", "IU06", "ICDL-CE"] {
        assert!(modules.contains(code), "no shipped bank for {code}");
    }
}
