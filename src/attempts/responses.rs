//! SQL for a candidate's answers. A save carries a sequence number per item: it lands only if
//! it is newer than what is stored, so a retried or late older save never overwrites a newer
//! one, and a retry of the same save is answered as saved. A candidate's save is taken only
//! while the attempt takes answers, checked in the write itself (`Write`); the attempt's
//! answered count follows its responses by trigger (migration 0025).

use std::sync::LazyLock;

use sqlx::{AnyConnection, FromRow};

use crate::grading::model::Response;

/// An answer as stored.
#[derive(Clone, Debug, FromRow)]
pub struct Stored {
    pub item_id: String,
    pub seq: i64,
    pub value: Option<String>,
    pub flagged: i64,
    pub saved_at: i64,
}

impl Stored {
    pub fn response(&self) -> Option<Response> {
        self.value
            .as_deref()
            .and_then(|v| serde_json::from_str(v).ok())
    }
}

/// Every answer of an attempt.
pub async fn all(conn: &mut AnyConnection, attempt_id: &str) -> sqlx::Result<Vec<Stored>> {
    sqlx::query_as(
        "SELECT item_id, seq, value, flagged, saved_at FROM responses WHERE attempt_id = $1",
    )
    .bind(attempt_id)
    .fetch_all(conn)
    .await
}

/// How many items of an attempt have an answer.
pub async fn answered(pool: &sqlx::AnyPool, attempt_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM responses WHERE attempt_id = $1 AND value IS NOT NULL")
        .bind(attempt_id)
        .fetch_one(pool)
        .await
}

/// What became of a save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Saved {
    /// Stored now, or stored before by the same save (a retry).
    Stored { seq: i64, saved_at: i64 },
    /// A newer save of this item is already stored.
    Stale { seq: i64 },
}

/// The upsert of one answer: it lands only over an older `seq`.
pub(super) const UPSERT_CONFLICT: &str = "ON CONFLICT (attempt_id, item_id) DO UPDATE
     SET seq = excluded.seq, value = excluded.value, flagged = excluded.flagged,
         saved_at = excluded.saved_at
     WHERE responses.seq < excluded.seq";

/// One save of one item's answer (None clears it) and its review flag, in the caller's
/// transaction, with no check of the attempt (the demo's and the benchmarks' sittings).
pub async fn save(
    conn: &mut AnyConnection,
    attempt_id: &str,
    item_id: &str,
    seq: i64,
    answer: Option<&Response>,
    flagged: bool,
    now: i64,
) -> sqlx::Result<Saved> {
    let value = stored_value(answer);
    let written = sqlx::query(&SAVE)
        .bind(attempt_id)
        .bind(item_id)
        .bind(seq)
        .bind(&value)
        .bind(i64::from(flagged))
        .bind(now)
        .execute(&mut *conn)
        .await?;
    if written.rows_affected() == 0 {
        return not_written(conn, attempt_id, item_id, seq, value.as_deref()).await;
    }
    Ok(Saved::Stored { seq, saved_at: now })
}

/// A save that did not land over what is stored: the same save sent again (stored), or older.
pub(super) async fn not_written(
    conn: &mut AnyConnection,
    attempt_id: &str,
    item_id: &str,
    seq: i64,
    value: Option<&str>,
) -> sqlx::Result<Saved> {
    let (stored_seq, stored_value, saved_at): (i64, Option<String>, i64) = sqlx::query_as(
        "SELECT seq, value, saved_at FROM responses WHERE attempt_id = $1 AND item_id = $2",
    )
    .bind(attempt_id)
    .bind(item_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(same_save(
        seq,
        value,
        stored_seq,
        stored_value.as_deref(),
        saved_at,
    ))
}

fn same_save(
    seq: i64,
    value: Option<&str>,
    stored_seq: i64,
    stored_value: Option<&str>,
    saved_at: i64,
) -> Saved {
    if stored_seq == seq && stored_value == value {
        Saved::Stored { seq, saved_at }
    } else {
        Saved::Stale { seq: stored_seq }
    }
}

/// A candidate's save as it is written: the answer is stored only while the attempt is in
/// progress, its deadline (plus `grace_ms`) has not passed at `now`, `device` is its active
/// device and, on a sequential paper, the question is the one reached; the attempt's last
/// activity becomes `now`, its current question `question` (where a resume brings the
/// candidate back), and its position moves on when the candidate went to the next question.
/// Because the check is the write, a submission (by the candidate, the deadline or the
/// proctor) either comes after the save and grades it, or comes first and the save is
/// refused: no save is acknowledged after grading.
#[derive(Clone, Debug)]
pub struct Write {
    pub attempt_id: String,
    pub device: String,
    pub item_id: String,
    pub seq: i64,
    /// The answer as stored (JSON of a `Response`); None clears it.
    pub value: Option<String>,
    pub flagged: bool,
    pub now: i64,
    pub grace_ms: i64,
    /// The question the candidate is on after this save (1-based).
    pub question: usize,
    /// Sequential papers: the question saved (1-based), which must be the one reached.
    pub sequential_at: Option<usize>,
    /// The question the candidate moved on from (sequential papers, "next").
    pub moves_on_from: Option<usize>,
}

/// A save that was taken, with the attempt's answered count after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Landed {
    pub saved: Saved,
    pub answered: i64,
}

/// The condition under which an attempt takes a save, with the save's values named: `:now`,
/// `:attempt`, `:grace` (ms), `:state` (in progress), `:device` (token digest), `:reached`
/// (the sequential position required, or -1). Each statement fills in its own (`fill`).
pub(super) const OPEN: &str = "a.id = :attempt AND a.state = :state AND a.deadline_at + :grace >= :now
     AND (:reached < 0 OR a.position = :reached)
     AND EXISTS (SELECT 1 FROM candidate_devices d
                 WHERE d.token_digest = :device AND d.attempt_id = :attempt AND d.status = 'active')";

/// What the attempt becomes once it took a save (`:question` where it is now, `:moved` the
/// question moved on from or 0).
pub(super) const CLAIM: &str = "last_seen_at = :now, last_question = :question,
     position = CASE WHEN position = :moved - 1 THEN :moved ELSE position END";

/// `template` with each `:name` replaced by what stands for it in a statement.
pub(super) fn fill(template: &str, names: &[(&str, &str)]) -> String {
    names
        .iter()
        .fold(template.to_string(), |text, (name, with)| {
            text.replace(name, with)
        })
}

/// The names of `OPEN` and `CLAIM` as one save's parameters.
const ONE_SAVE: [(&str, &str); 8] = [
    (":now", "$1"),
    (":attempt", "$2"),
    (":grace", "$3"),
    (":state", "$4"),
    (":device", "$5"),
    (":reached", "$6"),
    (":question", "$7"),
    (":moved", "$8"),
];

/// An answer as the `value` column keeps it (None: no answer).
pub fn stored_value(answer: Option<&Response>) -> Option<String> {
    answer.map(|r| serde_json::to_string(r).expect("responses serialise"))
}

/// The statements of a save, written out once (the save path runs them thousands of times a
/// second): `save`'s upsert and PostgreSQL's single statement (`Write::apply_alone`); SQLite's
/// batches have theirs in `save_batch`.
static SAVE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO responses (attempt_id, item_id, seq, value, flagged, saved_at)
         VALUES ($1, $2, $3, $4, $5, $6) {UPSERT_CONFLICT}"
    )
});
static SAVE_IF_OPEN: LazyLock<String> = LazyLock::new(|| {
    let (open, claim) = (fill(OPEN, &ONE_SAVE), fill(CLAIM, &ONE_SAVE));
    format!(
        "WITH claim AS (UPDATE attempts AS a SET {claim} WHERE {open} RETURNING a.answered),
         old AS (SELECT seq, value, saved_at FROM responses
                 WHERE attempt_id = $2 AND item_id = $9),
         up AS (INSERT INTO responses (attempt_id, item_id, seq, value, flagged, saved_at)
                SELECT $2, $9, $10, $11, $12, $1 FROM claim
                {UPSERT_CONFLICT} RETURNING seq)
         SELECT (SELECT answered FROM claim), (SELECT COUNT(*) FROM up),
                (SELECT seq FROM old), (SELECT value FROM old), (SELECT saved_at FROM old)"
    )
});

impl Write {
    fn bind_open<'q>(
        &'q self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        query
            .bind(self.now)
            .bind(&self.attempt_id)
            .bind(self.grace_ms)
            .bind(crate::attempts::model::AttemptState::InProgress.as_str())
            .bind(&self.device)
            .bind(self.sequential_at.map_or(-1, |n| n as i64 - 1))
            .bind(self.question as i64)
            .bind(self.moves_on_from.map_or(0, |n| n as i64))
    }

    /// PostgreSQL: one statement, committed on its own (one round trip); the attempt's row is
    /// held from the claim to the commit, so a submission waits for it. None when the attempt
    /// takes no answers.
    pub async fn apply_alone(&self, pool: &sqlx::AnyPool) -> sqlx::Result<Option<Landed>> {
        let row = self
            .bind_open(sqlx::query(&SAVE_IF_OPEN))
            .bind(&self.item_id)
            .bind(self.seq)
            .bind(&self.value)
            .bind(i64::from(self.flagged))
            .fetch_one(pool)
            .await?;
        use sqlx::Row;
        let before: Option<i64> = row.try_get(0)?;
        let wrote: i64 = row.try_get(1)?;
        let old_seq: Option<i64> = row.try_get(2)?;
        let old_value: Option<String> = row.try_get(3)?;
        let old_saved_at: Option<i64> = row.try_get(4)?;
        let Some(before) = before else {
            return Ok(None);
        };
        if wrote == 1 {
            // The count moves by trigger at the end of the statement: add this save's change.
            let was = i64::from(old_seq.is_some() && old_value.is_some());
            let answered = before - was + i64::from(self.value.is_some());
            let saved = Saved::Stored {
                seq: self.seq,
                saved_at: self.now,
            };
            return Ok(Some(Landed { saved, answered }));
        }
        let saved = match (old_seq, old_saved_at) {
            (Some(seq), Some(at)) => same_save(
                self.seq,
                self.value.as_deref(),
                seq,
                old_value.as_deref(),
                at,
            ),
            // Stored by a save that committed after this statement began: read it.
            _ => {
                let mut conn = pool.acquire().await?;
                let value = self.value.as_deref();
                not_written(&mut conn, &self.attempt_id, &self.item_id, self.seq, value).await?
            }
        };
        Ok(Some(Landed {
            saved,
            answered: before,
        }))
    }
}
