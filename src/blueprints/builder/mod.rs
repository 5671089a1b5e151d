//! The blueprint builder: a form for a centre manager (banks, parts, sections, pass rules,
//! timing) that writes the same TOML experts write, checked by the same reader and bank check,
//! with every error shown at its field. Works without JavaScript; `static/builder.js` only
//! adds rows and refreshes the matching counts in place.

mod errors;
pub mod form;
mod pages;
mod stored;
mod view;
mod write;

pub use errors::{Problem, Problems};
pub use pages::routes;
pub use write::write;

use super::{
    check::check_against_pool,
    draw::{PoolItem, candidates},
    model::{Blueprint, Filter, Section},
    read::read_blueprint,
};
use crate::{
    banks::{
        model::{Difficulty, ItemKind},
        report::FileReport,
    },
    vocab::Lang,
};
use form::{BuilderForm, SectionForm};

/// Checks the form as the TOML editor's save would: the written TOML through the reader, and
/// the draw rules against the pool even while other fields are still wrong, so one submit
/// shows every problem. Gives the blueprint and its TOML when there is none.
pub fn check(
    lang: Lang,
    form: &BuilderForm,
    pool: &[PoolItem],
) -> (Problems, Option<(Blueprint, String)>) {
    let mut problems = Problems::default();
    let full = write(form, false);
    problems.add_refused(lang, &full);
    let (blueprint, report) = read_blueprint("builder", &full.text);
    problems.add_findings(lang, &full, &report.errors);
    let rules = write(form, true);
    if let (Some(rules_blueprint), _) = read_blueprint("builder", &rules.text) {
        let mut checked = FileReport::default();
        check_against_pool(&rules_blueprint, pool, &mut checked);
        problems.add_findings(lang, &rules, &checked.errors);
    }
    let saved = blueprint
        .filter(|_| problems.is_empty())
        .map(|b| (b, full.text));
    (problems, saved)
}

/// The module a section draws from: its own, else the blueprint's first.
pub fn module_of<'a>(form: &'a BuilderForm, section: &'a SectionForm) -> &'a str {
    if form.modules.contains(&section.module) {
        &section.module
    } else {
        form.modules.first().map_or("", String::as_str)
    }
}

/// How many items of the pool a section's pickers match now, whatever else is still wrong.
pub fn matching(form: &BuilderForm, section: &SectionForm, pool: &[PoolItem]) -> usize {
    let rule = Section {
        title: section.title.clone(),
        module: module_of(form, section).to_string(),
        banks: section.banks.clone(),
        filter: Filter {
            topics: section.topics.clone(),
            difficulties: section
                .difficulties
                .iter()
                .filter_map(|d| Difficulty::parse(d))
                .collect(),
            kinds: section
                .types
                .iter()
                .filter_map(|k| ItemKind::parse(k))
                .collect(),
            tags: section.tag_list(),
        },
        count: 0,
        points: None,
        line: 0,
    };
    candidates(&rule, pool).len()
}

#[cfg(test)]
mod tests;
