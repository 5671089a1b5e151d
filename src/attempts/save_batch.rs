//! SQLite's batch of answer saves (see `group_commit`) as a few statements instead of two per
//! save: up to 64 saves are the rows of one statement that stores those their attempts take,
//! and of a second that claims the attempts, each save checked as `Write` describes. A batch
//! holding several saves of one attempt is written in rounds, each attempt once per round,
//! in the order the saves came, so each sees the one before it.

use std::{
    collections::{HashMap, HashSet},
    sync::LazyLock,
};

use sqlx::{AnyConnection, Arguments, any::AnyArguments};

use super::{
    model::AttemptState,
    responses::{CLAIM, Landed, OPEN, Saved, UPSERT_CONFLICT, Write, fill, not_written},
};

/// The columns of a save as a row of `v` (`rows` binds them in this order).
const COLUMNS: [&str; 11] = [
    "attempt", "device", "item", "seq", "answer", "flagged", "now", "grace", "reached", "question",
    "moved",
];

/// The names of `OPEN` and `CLAIM` as the columns of `v` (and `:state`, the state written in).
const ROW_NAMES: [(&str, &str); 7] = [
    (":now", "v.now"),
    (":attempt", "v.attempt"),
    (":grace", "v.grace"),
    (":device", "v.device"),
    (":reached", "v.reached"),
    (":question", "v.question"),
    (":moved", "v.moved"),
];

/// Rows one statement takes: a round is written in chunks of this many at most, and a
/// shorter chunk is padded to a power of two, so a few statements serve every batch and stay
/// prepared.
const CHUNK: usize = 64;

/// The statements for `rows` saves (a power of two up to `CHUNK`): store, then claim.
struct Statements {
    /// Stores each answer its attempt takes; returns the attempts whose answer landed.
    store: String,
    /// Claims each attempt that takes its save; returns them with their answered counts.
    claim: String,
}

static BY_SIZE: LazyLock<Vec<Statements>> = LazyLock::new(|| {
    let state = format!("'{}'", AttemptState::InProgress.as_str());
    let mut names = ROW_NAMES.to_vec();
    names.push((":state", &state));
    let (open, claim) = (fill(OPEN, &names), fill(CLAIM, &names));
    (0..=CHUNK.ilog2())
        .map(|power| {
            let rows = rows_of(1 << power);
            Statements {
                store: format!(
                    "{rows} INSERT INTO responses (attempt_id, item_id, seq, value, flagged, saved_at)
                     SELECT v.attempt, v.item, v.seq, v.answer, v.flagged, v.now
                     FROM v JOIN attempts a ON a.id = v.attempt WHERE {open}
                     {UPSERT_CONFLICT} RETURNING attempt_id"
                ),
                claim: format!(
                    "{rows} UPDATE attempts AS a SET {claim} FROM v WHERE {open}
                     RETURNING id, answered"
                ),
            }
        })
        .collect()
});

/// `WITH v(columns) AS (VALUES …)` with `n` rows of parameters.
fn rows_of(n: usize) -> String {
    let values = crate::db::values_list(n, COLUMNS.len());
    format!("WITH v({}) AS (VALUES {values})", COLUMNS.join(", "))
}

/// Writes `writes` in the caller's transaction (the group-commit writer's), in order; for
/// each, what became of it, or None when its attempt takes no answers now.
pub async fn apply(
    conn: &mut AnyConnection,
    writes: &[&Write],
) -> sqlx::Result<Vec<Option<Landed>>> {
    let mut landed = vec![None; writes.len()];
    for round in rounds(writes) {
        for indexes in round.chunks(CHUNK) {
            let chunk: Vec<&Write> = indexes.iter().map(|&i| writes[i]).collect();
            let written = write_chunk(conn, &chunk).await?;
            for (&i, done) in indexes.iter().zip(written) {
                landed[i] = done;
            }
        }
    }
    Ok(landed)
}

/// Writes saves of distinct attempts (at most `CHUNK`) with one store and one claim.
async fn write_chunk(
    conn: &mut AnyConnection,
    chunk: &[&Write],
) -> sqlx::Result<Vec<Option<Landed>>> {
    let size = chunk.len().next_power_of_two();
    let statements = &BY_SIZE[size.ilog2() as usize];
    let stored: HashSet<String> = sqlx::query_scalar_with(&statements.store, rows(chunk, size)?)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    let claimed: HashMap<String, i64> = sqlx::query_as_with(&statements.claim, rows(chunk, size)?)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    let mut written = Vec::with_capacity(chunk.len());
    for write in chunk {
        let Some(&answered) = claimed.get(&write.attempt_id) else {
            written.push(None);
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
        written.push(Some(Landed { saved, answered }));
    }
    Ok(written)
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

/// `chunk`'s saves as the parameters of `v`'s rows, padded to `size` rows with saves of no
/// attempt.
fn rows<'q>(chunk: &[&'q Write], size: usize) -> sqlx::Result<AnyArguments<'q>> {
    let mut args = AnyArguments::default();
    let mut add = |value: Cell<'q>| {
        match value {
            Cell::Text(text) => args.add(text),
            Cell::Int(n) => args.add(n),
        }
        .map_err(sqlx::Error::Encode)
    };
    for write in chunk {
        add(Cell::Text(Some(&write.attempt_id)))?;
        add(Cell::Text(Some(&write.device)))?;
        add(Cell::Text(Some(&write.item_id)))?;
        add(Cell::Int(write.seq))?;
        add(Cell::Text(write.value.as_deref()))?;
        add(Cell::Int(i64::from(write.flagged)))?;
        add(Cell::Int(write.now))?;
        add(Cell::Int(write.grace_ms))?;
        add(Cell::Int(write.sequential_at.map_or(-1, |n| n as i64 - 1)))?;
        add(Cell::Int(write.question as i64))?;
        add(Cell::Int(write.moves_on_from.map_or(0, |n| n as i64)))?;
    }
    for _ in chunk.len()..size {
        // No attempt has an empty id: the row matches nothing.
        add(Cell::Text(Some("")))?;
        for _ in 1..COLUMNS.len() {
            add(Cell::Int(0))?;
        }
    }
    Ok(args)
}

/// One parameter of a row.
enum Cell<'q> {
    Text(Option<&'q str>),
    Int(i64),
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
