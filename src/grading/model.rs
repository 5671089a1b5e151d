//! What scoring works on and produces: a candidate's responses, exact point tallies, each
//! item's explained contribution, and the outcome under the blueprint's pass rules.

use std::collections::BTreeMap;

use num_rational::Ratio;
use serde::{Deserialize, Serialize};

/// Points as exact fractions: partial credit and pass decisions never drift.
pub type Points = Ratio<i64>;

/// A candidate's answer to one item, in terms of the item's own (unshuffled) indices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Response {
    /// Chosen options of a single-choice or multiple-response item.
    Choices(Vec<usize>),
    TrueFalse(bool),
    /// For each statement a)–d): true, false, or not answered.
    Statements(Vec<Option<bool>>),
    /// Typed text: short-text and numeric items.
    Text(String),
    /// For each left-hand text: the index of the right-hand text chosen (pairs, then distractors).
    Matching(Vec<Option<usize>>),
    /// For each step: the position (0-based) the candidate gave it.
    Ordering(Vec<Option<usize>>),
}

/// Points earned out of a maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Tally {
    #[serde(serialize_with = "as_decimal")]
    pub points: Points,
    pub max: i64,
}

impl Default for Tally {
    fn default() -> Self {
        Self {
            points: Points::from_integer(0),
            max: 0,
        }
    }
}

impl Tally {
    pub fn add(&mut self, points: Points, max: i64) {
        self.points += points;
        self.max += max;
    }

    /// Is the share at least `num/den`? Compared as exact fractions.
    pub fn meets(&self, share: crate::blueprints::model::Ratio) -> bool {
        self.points * i64::from(share.den) >= Points::from_integer(self.max * i64::from(share.num))
    }

    /// For display only: never used for a decision.
    pub fn percent(&self) -> f64 {
        if self.max == 0 {
            0.0
        } else {
            100.0 * *self.points.numer() as f64 / *self.points.denom() as f64 / self.max as f64
        }
    }
}

fn as_decimal<S: serde::Serializer>(points: &Points, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&decimal(*points))
}

/// A fraction written as a decimal with up to four places ("2.25", "1.3333").
pub fn decimal(points: Points) -> String {
    let value = *points.numer() as f64 / *points.denom() as f64;
    let text = format!("{value:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Which rule gave an item its points (a catalog key under `score.rule`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Unanswered,
    AllOrNothing,
    PartialWithPenalty,
    NationalGroupedScale,
    ProportionalStatements,
    TextMatch,
    NumericTolerance,
    PartialPerPair,
    PartialPerPosition,
}

/// One item's contribution, explainable to a candidate who disputes it.
#[derive(Clone, Debug, Serialize)]
pub struct ItemScore {
    pub item_id: String,
    pub version_id: String,
    pub part: String,
    pub section: String,
    pub topic: String,
    pub module: String,
    /// The response and the key, as the candidate saw them (letters in displayed order).
    pub response: String,
    pub key: String,
    pub rule: Rule,
    #[serde(serialize_with = "as_decimal")]
    pub points: Points,
    pub max: i64,
}

/// Pass, fail, or waiting for a part scored outside sathach.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    Pending,
}

#[derive(Clone, Debug, Serialize)]
pub struct PartResult {
    pub code: String,
    pub tally: Tally,
    /// None: no score yet (a practical part not yet entered).
    pub recorded: bool,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, Serialize)]
pub struct ScoreResult {
    pub items: Vec<ItemScore>,
    pub total: Tally,
    pub parts: Vec<PartResult>,
    pub sections: Vec<(String, Tally)>,
    pub topics: BTreeMap<String, Tally>,
    /// Per certified module, when the blueprint has several: its tally and whether it passed.
    pub modules: Vec<(String, Tally, bool)>,
    pub outcome: Outcome,
}
