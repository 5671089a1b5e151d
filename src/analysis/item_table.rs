//! The item analysis table, no IO: attempts rebuilt from the taken-apart rows, one line per
//! item (its figures hidden below the minimum of responses), sorting by a column either way,
//! and the cells of the CSV and `.xlsx` downloads.

use std::{cmp::Ordering, collections::HashMap};

use super::store::{Label, Row};
use crate::{
    banks::model::{Body, Item},
    grading::stats::{AttemptRecord, FormStats, ItemRecord, ItemStats},
    results::table::Dir,
    vocab::Lang,
};

/// The rows (ordered by attempt) as scored attempts.
pub fn records(rows: Vec<Row>) -> Vec<AttemptRecord> {
    let mut attempts: Vec<AttemptRecord> = Vec::new();
    let mut last: Option<String> = None;
    for row in rows {
        if last.as_deref() != Some(row.attempt_id.as_str()) {
            attempts.push(AttemptRecord::default());
            last = Some(row.attempt_id.clone());
        }
        if let Some(attempt) = attempts.last_mut() {
            attempt.items.push(ItemRecord {
                item_id: row.item_id,
                fraction: row.fraction,
                points: row.points,
                choices: super::model::parse_choices(&row.choices),
                answered: row.answered != 0,
            });
        }
    }
    attempts
}

/// One option's share: its letter (or Đúng/Sai), the share of those who answered, and
/// whether it is (part of) the key.
#[derive(Clone, Debug)]
pub struct OptionShare {
    pub label: String,
    pub share: f64,
    pub key: bool,
}

/// One item's line.
#[derive(Clone, Debug)]
pub struct Line {
    pub item_id: String,
    pub native_id: String,
    pub bank_id: String,
    pub bank_code: String,
    pub version_id: String,
    pub topic: String,
    pub responses: usize,
    /// Enough responses for its figures to be shown.
    pub shown: bool,
    pub facility: f64,
    pub point_biserial: Option<f64>,
    pub upper_lower: Option<f64>,
    pub options: Vec<OptionShare>,
    pub check_key: bool,
}

/// Each option of a choice or true/false item with its share (0 when nobody chose it).
fn options(item: Option<&Item>, shares: &[(usize, f64)], lang: Lang) -> Vec<OptionShare> {
    let share = |i: usize| {
        shares
            .iter()
            .find(|(o, _)| *o == i)
            .map_or(0.0, |(_, s)| *s)
    };
    match item.map(|i| &i.body) {
        Some(Body::Single { options } | Body::Multiple { options, .. }) => options
            .iter()
            .enumerate()
            .map(|(i, o)| OptionShare {
                label: char::from(b'A' + (i % 26) as u8).to_string(),
                share: share(i),
                key: o.correct,
            })
            .collect(),
        Some(Body::TrueFalse { answer }) => [(true, "analysis.true"), (false, "analysis.false")]
            .iter()
            .enumerate()
            .map(|(i, (value, label))| OptionShare {
                label: lang.t(label).to_string(),
                share: share(i),
                key: *answer == *value,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The lines of the items analysed, in no particular order.
pub fn lines(
    stats: Vec<ItemStats>,
    labels: &HashMap<String, Label>,
    min_responses: usize,
    lang: Lang,
) -> Vec<Line> {
    stats
        .into_iter()
        .map(|s| {
            let label = labels.get(&s.item_id);
            let item: Option<Item> = label.and_then(|l| serde_json::from_str(&l.body).ok());
            let shown = s.attempts >= min_responses;
            Line {
                native_id: label.map_or_else(|| s.item_id.clone(), |l| l.native_id.clone()),
                bank_id: label.map(|l| l.bank_id.clone()).unwrap_or_default(),
                bank_code: label.map(|l| l.bank_code.clone()).unwrap_or_default(),
                version_id: label.map(|l| l.version_id.clone()).unwrap_or_default(),
                topic: item.as_ref().map(|i| i.topic.clone()).unwrap_or_default(),
                options: options(item.as_ref(), &s.option_shares, lang),
                responses: s.attempts,
                shown,
                facility: s.facility,
                point_biserial: s.point_biserial,
                upper_lower: s.upper_lower,
                check_key: shown && s.check_key,
                item_id: s.item_id,
            }
        })
        .collect()
}

/// The column the table is sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    /// Flagged items first, then by bank and item id.
    #[default]
    Flag,
    Item,
    Responses,
    Facility,
    Discrimination,
}

impl SortBy {
    pub const ALL: [SortBy; 5] = [
        SortBy::Flag,
        SortBy::Item,
        SortBy::Responses,
        SortBy::Facility,
        SortBy::Discrimination,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortBy::Flag => "flag",
            SortBy::Item => "item",
            SortBy::Responses => "responses",
            SortBy::Facility => "facility",
            SortBy::Discrimination => "discrimination",
        }
    }

    pub fn parse(text: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .unwrap_or_default()
    }
}

/// Sorts in place. Lines whose figures are hidden come last on a figure's column, either way;
/// ties stay in bank and item order.
pub fn sort(lines: &mut [Line], by: SortBy, dir: Dir) {
    let directed = |o: Ordering| if dir == Dir::Desc { o.reverse() } else { o };
    let figure = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => directed(a.total_cmp(&b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    let shown = |l: &Line, v: Option<f64>| v.filter(|_| l.shown);
    lines.sort_by(|a, b| {
        let primary = match by {
            SortBy::Flag => directed(b.check_key.cmp(&a.check_key)),
            SortBy::Item => Ordering::Equal,
            SortBy::Responses => directed(a.responses.cmp(&b.responses)),
            SortBy::Facility => figure(shown(a, Some(a.facility)), shown(b, Some(b.facility))),
            SortBy::Discrimination => {
                figure(shown(a, a.point_biserial), shown(b, b.point_biserial))
            }
        };
        let natural = (&a.bank_code, &a.native_id).cmp(&(&b.bank_code, &b.native_id));
        primary.then(if by == SortBy::Item {
            directed(natural)
        } else {
            natural
        })
    });
}

/// A figure with its decimals, or empty when hidden or undefined.
fn figure(lang: Lang, value: Option<f64>, shown: bool) -> String {
    value
        .filter(|_| shown)
        .map(|v| lang.number(v, 2))
        .unwrap_or_default()
}

impl Line {
    pub fn facility_text(&self, lang: Lang) -> String {
        figure(lang, Some(self.facility), self.shown)
    }
    pub fn point_biserial_text(&self, lang: Lang) -> String {
        figure(lang, self.point_biserial, self.shown)
    }
    pub fn upper_lower_text(&self, lang: Lang) -> String {
        figure(lang, self.upper_lower, self.shown)
    }
    /// "A 20 % · B* 60 %": the key marked with a star.
    pub fn options_text(&self, lang: Lang) -> String {
        if !self.shown {
            return String::new();
        }
        self.options
            .iter()
            .map(|o| {
                let star = if o.key { "*" } else { "" };
                format!("{}{star} {} %", o.label, lang.number(o.share * 100.0, 0))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// The downloads' heading row.
pub fn header(lang: Lang) -> Vec<&'static str> {
    [
        "analysis.col_bank",
        "analysis.col_item",
        "analysis.col_topic",
        "analysis.col_responses",
        "analysis.col_facility",
        "analysis.col_point_biserial",
        "analysis.col_upper_lower",
        "analysis.col_options",
        "analysis.col_flag",
    ]
    .into_iter()
    .map(|k| lang.t(k))
    .collect()
}

/// A line's cells in the downloads (figures with the language's decimal mark).
pub fn cells(line: &Line, lang: Lang) -> Vec<String> {
    vec![
        line.bank_code.clone(),
        line.native_id.clone(),
        line.topic.clone(),
        line.responses.to_string(),
        line.facility_text(lang),
        line.point_biserial_text(lang),
        line.upper_lower_text(lang),
        line.options_text(lang),
        if line.check_key {
            lang.t("analysis.flag").to_string()
        } else {
            String::new()
        },
    ]
}

/// The test's figures as (what, value) rows; None below the minimum of attempts.
pub fn form_rows(
    form: &FormStats,
    min_responses: usize,
    lang: Lang,
) -> Option<Vec<(String, String)>> {
    if form.attempts < min_responses {
        return None;
    }
    let num = |v: f64| lang.number(v, 2);
    let or_dash = |v: Option<f64>| v.map_or_else(|| "—".to_string(), num);
    let reliability = if form.reliability_kind == "kr20" {
        "analysis.kr20"
    } else {
        "analysis.alpha"
    };
    Some(vec![
        (
            lang.t("analysis.attempts").into(),
            form.attempts.to_string(),
        ),
        (lang.t("analysis.mean").into(), num(form.mean)),
        (lang.t("analysis.sd").into(), num(form.sd)),
        (lang.t(reliability).into(), or_dash(form.reliability)),
        (lang.t("analysis.sem").into(), or_dash(form.sem)),
    ])
}
