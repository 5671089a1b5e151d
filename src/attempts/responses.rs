//! SQL for a candidate's answers. A save carries a sequence number per item: it lands only if
//! it is newer than what is stored, so a retried or late older save never overwrites a newer
//! one, and a retry of the same save is answered as saved.

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

/// Takes the attempt for one save, in the save's own transaction: true when the attempt is in
/// progress, its deadline (plus `grace_ms`) has not passed at `now`, and `device` is its
/// active device; the attempt's last activity becomes `now` and its current question
/// `question` (where a resume brings the candidate back). Because the check is the write
/// (on PostgreSQL it also holds the attempt's row until the save commits), a submission
/// (by the candidate, the deadline or the proctor) either comes after the save and grades it,
/// or comes first and the save is refused: no save is acknowledged after grading.
pub async fn claim_open(
    conn: &mut AnyConnection,
    attempt_id: &str,
    device: &str,
    now: i64,
    grace_ms: i64,
    question: i64,
) -> sqlx::Result<bool> {
    let claimed = sqlx::query(
        "UPDATE attempts SET last_seen_at = $1, last_question = $6
         WHERE id = $2 AND state = $3 AND deadline_at + $4 >= $1
           AND EXISTS (SELECT 1 FROM candidate_devices d
                       WHERE d.token_digest = $5 AND d.attempt_id = $2 AND d.status = 'active')",
    )
    .bind(now)
    .bind(attempt_id)
    .bind(crate::attempts::model::AttemptState::InProgress.as_str())
    .bind(grace_ms)
    .bind(device)
    .bind(question)
    .execute(&mut *conn)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// What became of a save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Saved {
    /// Stored now, or stored before by the same save (a retry).
    Stored { seq: i64, saved_at: i64 },
    /// A newer save of this item is already stored.
    Stale { seq: i64 },
}

/// One save of one item's answer (None clears it) and its review flag, in the caller's
/// transaction after `claim_open`; keeps the attempt's answered count up to date.
pub async fn save(
    conn: &mut AnyConnection,
    attempt_id: &str,
    item_id: &str,
    seq: i64,
    answer: Option<&Response>,
    flagged: bool,
    now: i64,
) -> sqlx::Result<Saved> {
    let value = answer.map(|r| serde_json::to_string(r).expect("responses serialise"));
    let written = sqlx::query(
        "INSERT INTO responses (attempt_id, item_id, seq, value, flagged, saved_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (attempt_id, item_id) DO UPDATE
         SET seq = excluded.seq, value = excluded.value, flagged = excluded.flagged, saved_at = excluded.saved_at
         WHERE responses.seq < excluded.seq",
    )
    .bind(attempt_id)
    .bind(item_id)
    .bind(seq)
    .bind(&value)
    .bind(i64::from(flagged))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if written.rows_affected() == 0 {
        let (stored_seq, stored_value, saved_at): (i64, Option<String>, i64) = sqlx::query_as(
            "SELECT seq, value, saved_at FROM responses WHERE attempt_id = $1 AND item_id = $2",
        )
        .bind(attempt_id)
        .bind(item_id)
        .fetch_one(&mut *conn)
        .await?;
        return Ok(if stored_seq == seq && stored_value == value {
            Saved::Stored { seq, saved_at }
        } else {
            Saved::Stale { seq: stored_seq }
        });
    }
    sqlx::query(
        "UPDATE attempts
         SET answered = (SELECT COUNT(*) FROM responses WHERE attempt_id = $1 AND value IS NOT NULL)
         WHERE id = $1",
    )
    .bind(attempt_id)
    .execute(&mut *conn)
    .await?;
    Ok(Saved::Stored { seq, saved_at: now })
}

/// One save as it is written: the attempt is claimed (still open, on this device), the answer
/// stored, and on a sequential paper the position moved on, in one transaction.
pub struct Write<'a> {
    pub attempt_id: &'a str,
    pub device: &'a str,
    pub item_id: &'a str,
    pub seq: i64,
    pub answer: Option<&'a Response>,
    pub flagged: bool,
    pub now: i64,
    pub grace_ms: i64,
    /// The question the candidate is on after this save (1-based).
    pub question: usize,
    pub moves_on_from: Option<usize>,
}

impl Write<'_> {
    /// What became of the save once committed, with the attempt's answered count after it;
    /// None when the attempt no longer takes answers.
    pub async fn commit(&self, db: &crate::db::Db) -> sqlx::Result<Option<(Saved, i64)>> {
        let mut tx = db.begin_write().await?;
        let open = claim_open(
            &mut tx,
            self.attempt_id,
            self.device,
            self.now,
            self.grace_ms,
            self.question as i64,
        )
        .await?;
        if !open {
            tx.rollback().await?;
            return Ok(None);
        }
        let saved = save(
            &mut tx,
            self.attempt_id,
            self.item_id,
            self.seq,
            self.answer,
            self.flagged,
            self.now,
        )
        .await?;
        if let Some(n) = self.moves_on_from {
            sqlx::query("UPDATE attempts SET position = $1 WHERE id = $2 AND position = $3")
                .bind(n as i64)
                .bind(self.attempt_id)
                .bind(n as i64 - 1)
                .execute(&mut *tx)
                .await?;
        }
        let answered: i64 = sqlx::query_scalar("SELECT answered FROM attempts WHERE id = $1")
            .bind(self.attempt_id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some((saved, answered)))
    }
}
