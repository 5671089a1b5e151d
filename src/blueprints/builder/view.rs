//! The builder's page: the form, the pickers filled from the chosen banks (modules, topics
//! with their item counts, levels and types found in them), each section's matching count,
//! and the problems at their fields.

use std::collections::BTreeMap;

use askama::Template;

use super::{
    Problems,
    form::{BuilderForm, SectionForm},
    matching, module_of,
};
use crate::{
    accounts::{Staff, model::Role},
    banks::{self, catalog::catalog, model::Difficulty, store::BankRow},
    blueprints::{draw::PoolItem, store::BlueprintRow},
    orgs::{self, model::Organisation},
    vocab::Lang,
    web::{AppError, AppState, Chrome},
};

/// A picker's option: the value posted, its label, and (for topics) its module.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub module: String,
}

impl Choice {
    fn is_in(&self, chosen: &[String]) -> bool {
        chosen.contains(&self.value)
    }
}

#[derive(Template)]
#[template(path = "blueprints/builder.html")]
pub(super) struct BuilderPage {
    chrome: Chrome,
    form: BuilderForm,
    /// The blueprint a new version is for; None for a new blueprint.
    editing: Option<BlueprintRow>,
    organisations: Vec<Organisation>,
    banks: Vec<Choice>,
    modules: Vec<Choice>,
    topics: Vec<Choice>,
    levels: Vec<Choice>,
    types: Vec<Choice>,
    /// Items each section matches now, by part and section.
    matches: Vec<Vec<usize>>,
    problems: Problems,
}

impl BuilderPage {
    fn err(&self, field: &str) -> Option<String> {
        self.problems.at(field)
    }
    fn module_of<'a>(&'a self, section: &'a SectionForm) -> &'a str {
        module_of(&self.form, section)
    }
    fn matched(&self, part: usize, section: usize) -> usize {
        self.matches
            .get(part)
            .and_then(|m| m.get(section))
            .copied()
            .unwrap_or(0)
    }
    /// The chosen banks, the ones a section may pick.
    fn chosen_banks(&self) -> Vec<&Choice> {
        self.banks
            .iter()
            .filter(|b| b.is_in(&self.form.banks))
            .collect()
    }
    /// The topics of the section's module.
    fn topics_of(&self, section: &SectionForm) -> Vec<&Choice> {
        let module = self.module_of(section);
        self.topics.iter().filter(|t| t.module == module).collect()
    }
    fn matches_text(&self, part: usize, section: usize) -> String {
        let n = self.matched(part, section).to_string();
        let count = self.form.parts[part].sections[section].count.as_str();
        let short = count
            .parse::<usize>()
            .is_ok_and(|c| c > self.matched(part, section));
        let key = if short {
            "blueprint.builder.matching_short"
        } else {
            "blueprint.builder.matching"
        };
        self.chrome.fill(key, &[("n", &n), ("count", count)])
    }
    fn total_text(&self) -> String {
        let items: u64 = self
            .form
            .parts
            .iter()
            .flat_map(|p| p.sections.iter())
            .filter_map(|s| s.count.parse::<u64>().ok())
            .sum();
        self.chrome
            .fill("blueprint.builder.total", &[("n", &items.to_string())])
    }
    fn action(&self) -> String {
        match &self.editing {
            Some(row) => format!("/blueprints/{}/builder", row.id),
            None => "/blueprints/new".into(),
        }
    }
}

pub(super) async fn page(
    staff: Staff,
    state: &AppState,
    form: BuilderForm,
    editing: Option<BlueprintRow>,
    banks: Vec<BankRow>,
    pool: &[PoolItem],
    problems: Problems,
) -> Result<BuilderPage, AppError> {
    let lang = staff.chrome.lang;
    let organisations = if staff.user.role == Role::Admin && editing.is_none() {
        orgs::store::of_department(&state.db.read, &staff.user.department_id).await?
    } else {
        vec![]
    };
    let name = |vi: &str, en: &str| (if lang == Lang::Vi { vi } else { en }).to_string();
    let mut modules: Vec<Choice> = Vec::new();
    let chosen = banks.iter().filter(|b| form.banks.contains(&b.code));
    for code in chosen.map(|b| &b.module).chain(&form.modules) {
        if modules.iter().all(|m| m.value != *code) {
            let label = catalog().module(code).map_or_else(
                || code.clone(),
                |m| format!("{code} – {}", name(&m.name_vi, &m.name_en)),
            );
            modules.push(Choice {
                value: code.clone(),
                label,
                module: code.clone(),
            });
        }
    }
    let mut by_topic: BTreeMap<&str, usize> = BTreeMap::new();
    let mut levels: Vec<Difficulty> = Vec::new();
    let mut kinds = Vec::new();
    for item in pool.iter().map(|p| &p.item) {
        *by_topic.entry(item.topic.as_str()).or_default() += 1;
        levels.push(item.difficulty);
        kinds.push(item.body.kind());
    }
    let topics = by_topic
        .into_iter()
        .map(|(code, n)| {
            let (module, title) = catalog()
                .topic(code)
                .map_or((String::new(), String::new()), |(m, t)| {
                    (m.code.clone(), name(&t.name_vi, &t.name_en))
                });
            let items = lang.fill("blueprint.builder.items_n", &[("n", &n.to_string())]);
            Choice {
                value: code.to_string(),
                label: format!("{code} {title} ({items})"),
                module,
            }
        })
        .collect();
    let ticked: Vec<&str> = form
        .parts
        .iter()
        .flat_map(|p| p.sections.iter())
        .flat_map(|s| s.difficulties.iter().chain(&s.types).map(String::as_str))
        .collect();
    let levels = Difficulty::ALL
        .into_iter()
        .filter(|d| levels.contains(d) || ticked.contains(&d.code()))
        .map(|d| Choice {
            value: d.code().into(),
            label: lang.t(d.label_key()).into(),
            module: String::new(),
        })
        .collect();
    let types = banks::model::ItemKind::ALL
        .into_iter()
        .filter(|k| kinds.contains(k) || ticked.contains(&k.as_str()))
        .map(|k| Choice {
            value: k.as_str().into(),
            label: lang.t(k.label_key()).into(),
            module: String::new(),
        })
        .collect();
    let matches = form
        .parts
        .iter()
        .map(|p| {
            p.sections
                .iter()
                .map(|s| matching(&form, s, pool))
                .collect()
        })
        .collect();
    let banks = banks
        .into_iter()
        .map(|b| {
            let items = lang.fill("blueprint.builder.items_n", &[("n", &b.items.to_string())]);
            Choice {
                label: format!("{} – {} ({items})", b.code, b.title),
                value: b.code,
                module: b.module,
            }
        })
        .collect();
    Ok(BuilderPage {
        chrome: staff.chrome,
        form,
        editing,
        organisations,
        banks,
        modules,
        topics,
        levels,
        types,
        matches,
        problems,
    })
}
