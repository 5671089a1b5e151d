//! The overview as people read it, no IO: each table's rows with names and rates in words,
//! the charts beside them, the "check the key" list, and the same as spreadsheet cells.

use std::collections::HashMap;

use super::{
    chart::{self, BarChart},
    model::{Month, Overview, Sums, Tallies},
    store::Label,
};
use crate::{banks::catalog::catalog, vocab::Lang};

/// One row of a table: what it is about and its counts.
#[derive(Clone, Debug)]
pub struct TallyRow {
    pub label: String,
    pub t: Tallies,
}

/// "75 %", or "—" without a decided result.
pub fn rate_text(t: &Tallies, lang: Lang) -> String {
    t.pass_rate().map_or_else(
        || "—".into(),
        |r| format!("{} %", lang.number(r * 100.0, 1)),
    )
}

pub fn module_name(code: &str, lang: Lang) -> String {
    match catalog().module(code) {
        Some(m) if lang == Lang::Vi => format!("{code} – {}", m.name_vi),
        Some(m) => format!("{code} – {}", m.name_en),
        None => code.to_string(),
    }
}

/// The three tables: by centre (by name), by module (by code), by month (in order).
pub fn tables(o: &Overview, centres: &HashMap<String, String>, lang: Lang) -> [Vec<TallyRow>; 3] {
    let mut by_centre: Vec<TallyRow> = o
        .by_centre
        .iter()
        .map(|(id, t)| TallyRow {
            label: centres.get(id).cloned().unwrap_or_else(|| id.clone()),
            t: *t,
        })
        .collect();
    by_centre.sort_by(|a, b| a.label.cmp(&b.label));
    let by_module = o
        .by_module
        .iter()
        .map(|(code, t)| TallyRow {
            label: module_name(code, lang),
            t: *t,
        })
        .collect();
    let by_month = o
        .by_month
        .iter()
        .map(|(m, t)| TallyRow {
            label: m.display(),
            t: *t,
        })
        .collect();
    [by_centre, by_module, by_month]
}

/// A pass-rate chart of a table's rows.
pub fn rate_chart(id: &str, title: &str, rows: &[TallyRow], lang: Lang) -> BarChart {
    let bars: Vec<(String, Option<f64>, String)> = rows
        .iter()
        .map(|r| (r.label.clone(), r.t.pass_rate(), rate_text(&r.t, lang)))
        .collect();
    chart::bars(id, title.to_string(), &bars, 1.0)
}

/// A chart of attempts sat per row.
pub fn sat_chart(id: &str, title: &str, rows: &[TallyRow]) -> BarChart {
    let max = rows.iter().map(|r| r.t.sat).max().unwrap_or(0) as f64;
    let bars: Vec<(String, Option<f64>, String)> = rows
        .iter()
        .map(|r| (r.label.clone(), Some(r.t.sat as f64), r.t.sat.to_string()))
        .collect();
    chart::bars(id, title.to_string(), &bars, max)
}

/// An item flagged "check the key" in at least one blueprint's results of the period.
#[derive(Clone, Debug)]
pub struct FlaggedItem {
    pub label: Option<Label>,
    pub item_id: String,
    /// Blueprints whose results flag it, by code.
    pub blueprints: Vec<String>,
    pub responses: i64,
    pub facility: f64,
    /// The lowest discrimination among the flagging blueprints.
    pub worst: f64,
}

/// The items flagged most often (in most blueprints), then worst discrimination first.
pub fn flagged(
    sums: &[(String, String, Sums)],
    blueprints: &HashMap<String, String>,
    min_responses: usize,
    limit: usize,
) -> Vec<FlaggedItem> {
    let mut by_item: HashMap<&str, FlaggedItem> = HashMap::new();
    for (blueprint, item, s) in sums {
        if !s.check_key(min_responses) {
            continue;
        }
        let r = s.discrimination().unwrap_or_default();
        let entry = by_item.entry(item).or_insert_with(|| FlaggedItem {
            label: None,
            item_id: item.clone(),
            blueprints: Vec::new(),
            responses: 0,
            facility: 0.0,
            worst: r,
        });
        entry
            .blueprints
            .push(blueprints.get(blueprint).cloned().unwrap_or_default());
        let n = entry.responses + s.n;
        entry.facility = (entry.facility * entry.responses as f64 + s.x) / n as f64;
        entry.responses = n;
        entry.worst = entry.worst.min(r);
    }
    let mut items: Vec<FlaggedItem> = by_item.into_values().collect();
    items.sort_by(|a, b| {
        b.blueprints
            .len()
            .cmp(&a.blueprints.len())
            .then(a.worst.total_cmp(&b.worst))
            .then(b.responses.cmp(&a.responses))
            .then(a.item_id.cmp(&b.item_id))
    });
    items.truncate(limit);
    for i in &mut items {
        i.blueprints.sort();
    }
    items
}

/// The counts' headings, after the row's own ("Trung tâm", "Mô đun", "Tháng").
pub fn tally_header(first: &'static str, lang: Lang) -> Vec<&'static str> {
    let mut header = vec![lang.t(first)];
    header.extend(
        [
            "overview.col_sittings",
            "overview.col_approved",
            "overview.col_sat",
            "overview.col_passed",
            "overview.col_failed",
            "overview.col_rate",
            "overview.col_credits",
            "overview.col_revoked",
            "overview.col_certificates",
        ]
        .map(|k| lang.t(k)),
    );
    header
}

pub fn tally_cells(row: &TallyRow, lang: Lang) -> Vec<String> {
    let t = &row.t;
    vec![
        row.label.clone(),
        t.sittings.to_string(),
        t.approved_sittings.to_string(),
        t.sat.to_string(),
        t.passed.to_string(),
        t.failed.to_string(),
        rate_text(t, lang),
        t.credits.to_string(),
        t.revoked.to_string(),
        t.certificates.to_string(),
    ]
}

pub fn flagged_header(lang: Lang) -> Vec<&'static str> {
    [
        "analysis.col_bank",
        "analysis.col_item",
        "overview.col_blueprints",
        "analysis.col_responses",
        "analysis.col_facility",
        "overview.col_worst",
    ]
    .map(|k| lang.t(k))
    .to_vec()
}

pub fn flagged_cells(item: &FlaggedItem, lang: Lang) -> Vec<String> {
    let (bank, id) = item
        .label
        .as_ref()
        .map_or((String::new(), item.item_id.clone()), |l| {
            (l.bank_code.clone(), l.native_id.clone())
        });
    vec![
        bank,
        id,
        item.blueprints.join(", "),
        item.responses.to_string(),
        lang.number(item.facility, 2),
        lang.number(item.worst, 2),
    ]
}

/// The totals as (what, value) rows.
pub fn totals(t: &Tallies, people: i64, lang: Lang) -> Vec<(String, String)> {
    let row = |k: &str, v: String| (lang.t(k).to_string(), v);
    vec![
        row("overview.col_sittings", t.sittings.to_string()),
        row("overview.col_approved", t.approved_sittings.to_string()),
        row("overview.col_sat", t.sat.to_string()),
        row("overview.people", people.to_string()),
        row("overview.col_passed", t.passed.to_string()),
        row("overview.col_failed", t.failed.to_string()),
        row("overview.col_rate", rate_text(t, lang)),
        row("overview.col_credits", t.credits.to_string()),
        row("overview.col_revoked", t.revoked.to_string()),
        row("overview.col_certificates", t.certificates.to_string()),
    ]
}

/// The month's label for the charts' titles: "01/2026 – 12/2026".
pub fn period_label(from: Month, to: Month) -> String {
    format!("{} – {}", from.display(), to.display())
}
