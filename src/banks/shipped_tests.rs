//! The shipped banks: each validates without errors, covers every topic of its module, has
//! enough items for certification, several item types and a spread of difficulties; none shows
//! a guessable cue or a near-duplicate, in itself or with another; and every item was reviewed
//! by someone other than its writer, at the level it declares.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    ParsedBank, SHIPPED,
    catalog::catalog,
    model::Item,
    native::read_bank,
    quality::{self, Scope},
};

fn shipped() -> Vec<ParsedBank> {
    SHIPPED
        .iter()
        .map(|(name, text)| read_bank(name, text, vec![]).0.expect("valid bank"))
        .collect()
}

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
        // Papers of 25 (36 in English) from each basic bank with no item on more than about a
        // fifth of them, every content point covered several times; an advanced module's bank
        // at least 60 (its papers draw 20).
        let advanced = catalog()
            .module(&bank.meta.module)
            .is_some_and(|m| m.level == "advanced");
        let minimum = match (advanced, bank.meta.language.as_str()) {
            (true, _) => 60,
            (false, "vi") => 150,
            (false, _) => 180,
        };
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
fn every_circular_03_module_has_topics_a_bank_and_a_blueprint() {
    let modules: BTreeSet<String> = SHIPPED
        .iter()
        .filter_map(|(name, text)| read_bank(name, text, vec![]).0.map(|b| b.meta.module))
        .collect();
    let blueprints: BTreeSet<String> = crate::blueprints::SHIPPED
        .iter()
        .filter_map(|(name, text)| crate::blueprints::read::read_blueprint(name, text).0)
        .flat_map(|b| b.modules)
        .collect();
    let circular: Vec<_> = catalog()
        .modules
        .iter()
        .filter(|m| m.scheme == "TT03")
        .collect();
    assert_eq!(circular.len(), 15, "IU01–IU15");
    for module in circular.iter().map(|m| m.code.as_str()).chain(["ICDL-CE"]) {
        let topics = &catalog().module(module).expect("in the catalog").topics;
        assert!(topics.len() >= 5, "{module} has {} topics", topics.len());
        assert!(modules.contains(module), "no shipped bank for {module}");
        assert!(
            blueprints.contains(module),
            "no shipped blueprint for {module}"
        );
    }
}

#[test]
fn no_shipped_bank_shows_a_cue_or_a_near_duplicate() {
    let banks = shipped();
    for bank in &banks {
        let cues = quality::cues(&bank.items);
        assert!(cues.is_empty(), "{}: {cues:#?}", bank.meta.code);
    }
    let items: Vec<&[Item]> = banks.iter().map(|b| b.items.as_slice()).collect();
    let twins = quality::twins(&items, Scope::All);
    let named: Vec<_> = twins
        .iter()
        .map(|t| (&t.first.1, &t.second.1, t.similarity))
        .collect();
    assert!(named.is_empty(), "near-duplicate stems: {named:#?}");
}

/// A review row: `id,verdict,reviewer_level,note`.
struct Review {
    verdict: String,
    level: String,
}

fn reviews(module: &str) -> BTreeMap<String, Review> {
    let path = format!(
        "{}/question_banks/review/{module}.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        ["id", "verdict", "reviewer_level", "note"],
        "{path}"
    );
    let mut rows = BTreeMap::new();
    for record in reader.records() {
        let record = record.unwrap_or_else(|e| panic!("{path}: {e}"));
        let review = Review {
            verdict: record[1].to_string(),
            level: record[2].to_string(),
        };
        let id = record[0].to_string();
        assert!(
            rows.insert(id.clone(), review).is_none(),
            "{path}: {id} twice"
        );
    }
    rows
}

#[test]
fn every_shipped_item_was_reviewed_and_its_level_is_the_reviewers() {
    for bank in shipped() {
        let rows = reviews(&bank.meta.module);
        let ids: BTreeSet<&str> = bank.items.iter().map(|i| i.id.as_str()).collect();
        for item in &bank.items {
            let review = rows
                .get(&item.id)
                .unwrap_or_else(|| panic!("{} was not reviewed", item.id));
            assert!(
                ["ok", "fixed"].contains(&review.verdict.as_str()),
                "{}: verdict {:?}",
                item.id,
                review.verdict
            );
            assert_eq!(
                review.level,
                item.difficulty.code(),
                "{}: declared {} but the reviewer's level is {}",
                item.id,
                item.difficulty.code(),
                review.level
            );
        }
        for (id, review) in &rows {
            assert!(
                ids.contains(id.as_str()) || review.verdict == "dropped",
                "{id} is reviewed as {:?} but is not in the bank",
                review.verdict
            );
            assert!(
                !ids.contains(id.as_str()) || review.verdict != "dropped",
                "{id} is dropped but still in the bank"
            );
        }
    }
}
