//! SQLite's batch of answer saves (see `group_commit`) as a few statements instead of two per
//! save: the saves go to SQLite as one JSON array, one statement stores those the attempt
//! takes and a second claims the attempts, each save checked as `Write` describes. A batch
//! holding several saves of one attempt is written in rounds, each attempt once per round,
//! in the order the saves came, so each sees the one before it.

use std::{
    collections::{HashMap, HashSet},
    sync::LazyLock,
};

use sqlx::{AnyConnection, Row};

use super::{
    model::AttemptState,
    responses::{CLAIM, Landed, OPEN, Saved, UPSERT_CONFLICT, Write, fill, not_written},
};

/// The saves of a round, as rows of the JSON array bound to `$1` (`as_row`).
const ROWS: &str = "v AS (SELECT j.value ->> 0 AS attempt, j.value ->> 1 AS device,
         j.value ->> 2 AS item, j.value ->> 3 AS seq, j.value ->> 4 AS answer,
         j.value ->> 5 AS flagged, j.value ->> 6 AS now, j.value ->> 7 AS grace,
         j.value ->> 8 AS reached, j.value ->> 9 AS question, j.value ->> 10 AS moved
       FROM json_each($1) AS j)";

/// The names of `OPEN` and `CLAIM` as the columns of `ROWS` (`$2`: the state in progress).
const ROW_NAMES: [(&str, &str); 8] = [
    (":now", "v.now"),
    (":attempt", "v.attempt"),
    (":grace", "v.grace"),
    (":state", "$2"),
    (":device", "v.device"),
    (":reached", "v.reached"),
    (":question", "v.question"),
    (":moved", "v.moved"),
];

/// Stores each answer its attempt takes; returns the attempts whose answer landed.
static STORE: LazyLock<String> = LazyLock::new(|| {
    let open = fill(OPEN, &ROW_NAMES);
    format!(
        "WITH {ROWS}
         INSERT INTO responses (attempt_id, item_id, seq, value, flagged, saved_at)
         SELECT v.attempt, v.item, v.seq, v.answer, v.flagged, v.now
         FROM v JOIN attempts a ON a.id = v.attempt WHERE {open}
         {UPSERT_CONFLICT} RETURNING attempt_id"
    )
});

/// Claims each attempt that takes its save; returns them with their answered counts.
static CLAIM_ALL: LazyLock<String> = LazyLock::new(|| {
    let (open, claim) = (fill(OPEN, &ROW_NAMES), fill(CLAIM, &ROW_NAMES));
    format!("WITH {ROWS} UPDATE attempts AS a SET {claim} FROM v WHERE {open} RETURNING id, answered")
});

/// Writes `writes` in the caller's transaction (the group-commit writer's), in order; for
/// each, what became of it, or None when its attempt takes no answers now.
pub async fn apply(conn: &mut AnyConnection, writes: &[&Write]) -> sqlx::Result<Vec<Option<Landed>>> {
    let mut landed = vec![None; writes.len()];
    for round in rounds(writes) {
        let rows = serde_json::Value::Array(round.iter().map(|&i| as_row(writes[i])).collect());
        let rows = rows.to_string();
        let in_progress = AttemptState::InProgress.as_str();
        let stored: HashSet<String> = sqlx::query_scalar(&STORE)
            .bind(&rows)
            .bind(in_progress)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
        let claimed: HashMap<String, i64> = sqlx::query(&CLAIM_ALL)
            .bind(&rows)
            .bind(in_progress)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<sqlx::Result<_>>()?;
        for i in round {
            let write = writes[i];
            let Some(&answered) = claimed.get(&write.attempt_id) else {
                continue;
            };
            let saved = if stored.contains(&write.attempt_id) {
                Saved::Stored {
                    seq: write.seq,
                    saved_at: write.now,
                }
            } else {
                let value = write.value.as_deref();
                not_written(conn, &write.attempt_id, &write.item_id, write.seq, value).await?
            };
            landed[i] = Some(Landed { saved, answered });
        }
    }
    Ok(landed)
}

/// The indexes of `writes` in rounds: the n-th save of each attempt goes in round n.
fn rounds(writes: &[&Write]) -> Vec<Vec<usize>> {
    let mut rounds: Vec<Vec<usize>> = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(writes.len());
    for (i, write) in writes.iter().enumerate() {
        let n = seen.entry(write.attempt_id.as_str()).or_default();
        if *n == rounds.len() {
            rounds.push(Vec::new());
        }
        rounds[*n].push(i);
        *n += 1;
    }
    rounds
}

/// One save as a row of `ROWS`.
fn as_row(write: &Write) -> serde_json::Value {
    serde_json::json!([
        write.attempt_id,
        write.device,
        write.item_id,
        write.seq,
        write.value,
        i64::from(write.flagged),
        write.now,
        write.grace_ms,
        write.sequential_at.map_or(-1, |n| n as i64 - 1),
        write.question as i64,
        write.moves_on_from.map_or(0, |n| n as i64),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(attempt: &str) -> Write {
        Write {
            attempt_id: attempt.into(),
            device: String::new(),
            item_id: String::new(),
            seq: 1,
            value: None,
            flagged: false,
            now: 0,
            grace_ms: 0,
            question: 1,
            sequential_at: None,
            moves_on_from: None,
        }
    }

    #[test]
    fn each_attempt_is_once_in_a_round_in_the_order_its_saves_came() {
        let (a, b, c) = (write("a"), write("b"), write("c"));
        let writes = [&a, &b, &a, &c, &a, &b];
        assert_eq!(rounds(&writes), vec![vec![0, 1, 3], vec![2, 5], vec![4]]);
        assert!(rounds(&[]).is_empty());
    }
}
