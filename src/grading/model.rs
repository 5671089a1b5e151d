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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    #[serde(with = "exact")]
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

    /// "9,5/10": Vietnamese decimal comma, for display only.
    pub fn display(&self) -> String {
        format!("{}/{}", points_vi(self.points), self.max)
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

/// Points stored exactly, as "n/d" (or "n" when whole): a stored result reads back to the very
/// fraction that was scored, so recomputing it compares exactly.
pub mod exact {
    use super::Points;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(points: &Points, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&points.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Points, D::Error> {
        let text = String::deserialize(d)?;
        text.parse()
            .map_err(|_| D::Error::custom(format!("not an exact fraction: {text:?}")))
    }
}

/// A fraction written as a decimal with up to four places ("2.25", "1.3333"), for logs and
/// machine-readable exports.
pub fn decimal(points: Points) -> String {
    rounded(points, 4, '.')
}

/// Points as Vietnamese readers write them: a decimal comma and up to two places ("9,5",
/// "1,33", "7"). For display only.
pub fn points_vi(points: Points) -> String {
    rounded(points, 2, ',')
}

fn rounded(points: Points, places: usize, comma: char) -> String {
    crate::text::decimal_text(
        *points.numer() as f64 / *points.denom() as f64,
        places,
        comma,
    )
}

/// Which rule gave an item its points (a catalog key under `score.rule`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

impl Rule {
    /// The message-catalog key of the rule's name (`result.rule.*`).
    pub fn label_key(self) -> &'static str {
        match self {
            Rule::Unanswered => "result.rule.unanswered",
            Rule::AllOrNothing => "result.rule.all_or_nothing",
            Rule::PartialWithPenalty => "result.rule.partial_with_penalty",
            Rule::NationalGroupedScale => "result.rule.national_grouped_scale",
            Rule::ProportionalStatements => "result.rule.proportional_statements",
            Rule::TextMatch => "result.rule.text_match",
            Rule::NumericTolerance => "result.rule.numeric_tolerance",
            Rule::PartialPerPair => "result.rule.partial_per_pair",
            Rule::PartialPerPosition => "result.rule.partial_per_position",
        }
    }
}

/// One item's contribution, explainable to a candidate who disputes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    #[serde(with = "exact")]
    pub points: Points,
    pub max: i64,
}

/// Pass, fail, or waiting for a part scored outside sathach.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    Pending,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartResult {
    pub code: String,
    pub tally: Tally,
    /// None: no score yet (a practical part not yet entered).
    pub recorded: bool,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

/// The rules `score` applies, as recorded on every stored result: a result is only compared
/// with a recomputation under the same version.
pub const SCORING_VERSION: &str = "sathach-score-1";

/// Why a result row was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultKind {
    /// Scored when the attempt was submitted.
    Submitted,
    /// Recomputed from a result stored before results were kept exact.
    Migrated,
    /// The attempt was reopened: it has no result until it is submitted again.
    Withdrawn,
    /// Scored again by staff (a key correction).
    Regraded,
    /// A part scored outside sathach was entered.
    Practical,
}

impl ResultKind {
    pub const ALL: [ResultKind; 5] = [
        ResultKind::Submitted,
        ResultKind::Migrated,
        ResultKind::Withdrawn,
        ResultKind::Regraded,
        ResultKind::Practical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResultKind::Submitted => "submitted",
            ResultKind::Migrated => "migrated",
            ResultKind::Withdrawn => "withdrawn",
            ResultKind::Regraded => "regraded",
            ResultKind::Practical => "practical",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The message-catalog key of the kind's name.
    pub fn label_key(self) -> &'static str {
        match self {
            ResultKind::Submitted => "result.kind_submitted",
            ResultKind::Migrated => "result.kind_migrated",
            ResultKind::Withdrawn => "result.kind_withdrawn",
            ResultKind::Regraded => "result.kind_regraded",
            ResultKind::Practical => "result.kind_practical",
        }
    }
}

/// One stored result row. An attempt's current result is its latest row.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredResult {
    pub id: String,
    pub attempt_id: String,
    /// 1, 2, 3… per attempt.
    pub seq: i64,
    pub kind: ResultKind,
    pub scoring_version: String,
    /// None when the row withdraws the result (the attempt was reopened).
    pub score: Option<ScoreResult>,
    /// Of the answers this result was scored from (see `attempts::finish::responses_digest`).
    pub responses_digest: String,
    /// The staff member who wrote it; None for the system.
    pub recorded_by: Option<String>,
    pub recorded_by_name: Option<String>,
    pub reason: Option<String>,
    pub created_at: i64,
    /// Written after the session's results were approved.
    pub after_approval: bool,
}

impl StoredResult {
    pub fn outcome(&self) -> Option<Outcome> {
        self.score.as_ref().map(|s| s.outcome)
    }

    pub fn total(&self) -> Option<Tally> {
        self.score.as_ref().map(|s| s.total)
    }
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Pending => "pending",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Outcome::Pass, Outcome::Fail, Outcome::Pending]
            .into_iter()
            .find(|o| o.as_str() == text)
    }
}

/// The sentence telling a reader that the attempt was scored again after a key correction
/// ("Bài thi đã được chấm lại ngày … vì đáp án được sửa: …"), from the attempt's results
/// oldest first; None when its latest submission was never regraded.
pub fn regrade_note(history: &[StoredResult], lang: crate::vocab::Lang) -> Option<String> {
    history
        .iter()
        .rev()
        .take_while(|r| r.kind != ResultKind::Withdrawn)
        .find(|r| r.kind == ResultKind::Regraded)
        .map(|r| {
            lang.fill(
                "regrade.receipt_note",
                &[
                    ("date", &crate::clock::format_local(r.created_at)),
                    ("reason", r.reason.as_deref().unwrap_or_default()),
                ],
            )
        })
}
