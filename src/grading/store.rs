//! SQL for stored results: append-only rows (the database refuses to change or remove one),
//! points as exact fractions, the typed scoring as JSON. An attempt's current result is its
//! latest row.

use std::collections::HashMap;

use anyhow::{Context, anyhow};
use sqlx::{AnyConnection, FromRow};

use super::model::{ResultKind, SCORING_VERSION, ScoreResult, StoredResult};

/// A result to append.
pub struct NewResult<'a> {
    pub attempt_id: &'a str,
    pub kind: ResultKind,
    /// None withdraws the attempt's result (it was reopened).
    pub score: Option<&'a ScoreResult>,
    pub responses_digest: &'a str,
    pub recorded_by: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub at: i64,
}

/// Appends a result inside the caller's transaction, as the attempt's next row; marks it as
/// written after approval when the attempt's session has been approved. Returns the row's id.
pub async fn append(conn: &mut AnyConnection, new: NewResult<'_>) -> anyhow::Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    let score = new.score.map(serde_json::to_string).transpose()?;
    let total = new.score.map(|s| s.total);
    let after_approval: i64 = sqlx::query_scalar(
        "INSERT INTO results (id, attempt_id, seq, kind, scoring_version, outcome, points_num,
                              points_den, max_points, score, responses_digest, recorded_by,
                              reason, after_approval, created_at)
         SELECT $1, $2, COALESCE((SELECT MAX(seq) FROM results WHERE attempt_id = $2), 0) + 1,
                $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
                CASE WHEN EXISTS (SELECT 1 FROM result_approvals ra
                                  JOIN attempts a ON a.session_id = ra.session_id
                                  WHERE a.id = $2) THEN 1 ELSE 0 END,
                $13
         RETURNING after_approval",
    )
    .bind(&id)
    .bind(new.attempt_id)
    .bind(new.kind.as_str())
    .bind(SCORING_VERSION)
    .bind(new.score.map(|s| s.outcome.as_str()))
    .bind(total.map(|t| *t.points.numer()))
    .bind(total.map(|t| *t.points.denom()))
    .bind(total.map(|t| t.max))
    .bind(score)
    .bind(new.responses_digest)
    .bind(new.recorded_by)
    .bind(new.reason)
    .bind(new.at)
    .fetch_one(&mut *conn)
    .await?;
    // Only a result written after approval (a regrade, a practical score) changes what item
    // analysis has taken apart; a submission before it adds nothing more to its transaction.
    if after_approval != 0 {
        crate::analysis::queue::result_written(conn, new.attempt_id).await?;
    }
    Ok(id)
}

const SELECT: &str = "SELECT r.id, r.attempt_id, r.seq, r.kind, r.scoring_version, r.outcome,
        r.points_num, r.points_den, r.max_points, r.score, r.responses_digest, r.recorded_by,
        u.full_name AS recorded_by_name, r.reason, r.after_approval, r.created_at
    FROM results r LEFT JOIN users u ON u.id = r.recorded_by";

#[derive(FromRow)]
struct Row {
    id: String,
    attempt_id: String,
    seq: i64,
    kind: String,
    scoring_version: String,
    outcome: Option<String>,
    points_num: Option<i64>,
    points_den: Option<i64>,
    max_points: Option<i64>,
    score: Option<String>,
    responses_digest: String,
    recorded_by: Option<String>,
    recorded_by_name: Option<String>,
    reason: Option<String>,
    after_approval: i64,
    created_at: i64,
}

impl Row {
    /// The typed result; a row whose columns disagree with its scoring is damaged, and says so.
    fn typed(self) -> anyhow::Result<StoredResult> {
        let damaged = |what: &str| {
            anyhow!(
                "stored result {} (attempt {}): {what}",
                self.id,
                self.attempt_id
            )
        };
        let kind = ResultKind::parse(&self.kind)
            .ok_or_else(|| damaged(&format!("unknown kind {:?}", self.kind)))?;
        let score: Option<ScoreResult> = self
            .score
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .with_context(|| damaged("its scoring cannot be read"))?;
        let columns = (
            self.outcome.as_deref(),
            self.points_num,
            self.points_den,
            self.max_points,
        );
        let agrees = match &score {
            Some(s) => {
                columns
                    == (
                        Some(s.outcome.as_str()),
                        Some(*s.total.points.numer()),
                        Some(*s.total.points.denom()),
                        Some(s.total.max),
                    )
            }
            None => columns == (None, None, None, None),
        };
        if !agrees {
            return Err(damaged("its outcome and total disagree with its scoring"));
        }
        if score.is_none() != (kind == ResultKind::Withdrawn) {
            return Err(damaged("only a withdrawal has no scoring"));
        }
        Ok(StoredResult {
            id: self.id,
            attempt_id: self.attempt_id,
            seq: self.seq,
            kind,
            scoring_version: self.scoring_version,
            score,
            responses_digest: self.responses_digest,
            recorded_by: self.recorded_by,
            recorded_by_name: self.recorded_by_name,
            reason: self.reason,
            created_at: self.created_at,
            after_approval: self.after_approval != 0,
        })
    }
}

/// The attempt's current result: its latest row (a withdrawal when it was reopened since).
pub async fn current<'e, E>(executor: E, attempt_id: &str) -> anyhow::Result<Option<StoredResult>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row: Option<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE r.attempt_id = $1 ORDER BY r.seq DESC LIMIT 1"
    ))
    .bind(attempt_id)
    .fetch_optional(executor)
    .await?;
    row.map(Row::typed).transpose()
}

/// Every result the attempt has had, oldest first.
pub async fn history<'e, E>(executor: E, attempt_id: &str) -> anyhow::Result<Vec<StoredResult>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows: Vec<Row> =
        sqlx::query_as(&format!("{SELECT} WHERE r.attempt_id = $1 ORDER BY r.seq"))
            .bind(attempt_id)
            .fetch_all(executor)
            .await?;
    rows.into_iter().map(Row::typed).collect()
}

/// The current result of each attempt of a session that has one, by attempt id.
pub async fn of_session<'e, E>(
    executor: E,
    session_id: &str,
) -> anyhow::Result<HashMap<String, StoredResult>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    currents(executor, "a.session_id = $1", session_id).await
}

/// The current result of each attempt of a person that has one, by attempt id.
pub async fn of_person<'e, E>(
    executor: E,
    person_id: &str,
) -> anyhow::Result<HashMap<String, StoredResult>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    currents(executor, "a.person_id = $1", person_id).await
}

/// The latest row of each attempt matching `condition` (on attempts aliased `a`, binding `$1`).
async fn currents<'e, E>(
    executor: E,
    condition: &str,
    id: &str,
) -> anyhow::Result<HashMap<String, StoredResult>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} JOIN attempts a ON a.id = r.attempt_id
         WHERE {condition}
           AND r.seq = (SELECT MAX(seq) FROM results WHERE attempt_id = r.attempt_id)"
    ))
    .bind(id)
    .fetch_all(executor)
    .await?;
    rows.into_iter()
        .map(|row| row.typed().map(|r| (r.attempt_id.clone(), r)))
        .collect()
}
