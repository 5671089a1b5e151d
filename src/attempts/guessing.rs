//! Guessing access codes, counted and decided in one write transaction (the attempt's row held
//! on PostgreSQL, SQLite's single writer otherwise), so a burst of parallel sign-ins gets no
//! more tries than the limit: five wrong codes per (candidate number, computer), and a looser
//! ceiling per candidate number that the proctor sees on the console and can lift.

use sqlx::{AnyConnection, AnyPool};
use subtle::ConstantTimeEq;

use super::{
    model::normalise_candidate_number,
    store::{self as attempts, RosterEntry},
};

/// Wrong codes allowed per candidate number and computer within `WINDOW_MS`.
pub const DEVICE_FAILURES: i64 = 5;
/// Wrong codes allowed per candidate number, from all computers, within `WINDOW_MS`.
pub const NUMBER_FAILURES: i64 = 30;
pub const WINDOW_MS: i64 = 15 * 60_000;
/// A typed candidate number is cut to this many characters (no number is longer).
pub const NUMBER_CHARS: usize = 64;

/// The candidate number as typed, normalised and bounded in length.
pub fn bounded_number(typed: &str) -> String {
    normalise_candidate_number(&typed.chars().take(4 * NUMBER_CHARS).collect::<String>())
        .chars()
        .take(NUMBER_CHARS)
        .collect()
}

/// What a sign-in attempt with a code comes to.
pub enum Verdict {
    /// Too many wrong codes: try again in this many minutes (the code was not looked at).
    Wait {
        minutes: i64,
    },
    /// Wrong code (or birth date); this many tries are left on this computer.
    Wrong {
        left: i64,
    },
    Right,
}

/// Checks the typed code (its keyed digest, `AppState::access_code_digest`) and the birth date
/// when the session asks, for `entry`, typed on `device` (the
/// digest of its computer cookie, or empty), within the caller's write transaction: counts the
/// failures, decides, and records a wrong code before anyone else may count.
pub async fn try_code(
    conn: &mut AnyConnection,
    entry: &RosterEntry,
    device: &str,
    (typed, birth_date): (&str, Option<&str>),
    now: i64,
) -> sqlx::Result<Verdict> {
    attempts::hold(&mut *conn, &entry.id).await?;
    let number = &entry.candidate_number;
    let since = now - WINDOW_MS;
    let (all, oldest, mine, my_oldest): (i64, Option<i64>, Option<i64>, Option<i64>) =
        sqlx::query_as(
            "SELECT COUNT(*), MIN(at), SUM(CASE WHEN device = $2 THEN 1 ELSE 0 END),
                    MIN(CASE WHEN device = $2 THEN at END)
             FROM candidate_failures WHERE candidate_number = $1 AND at > $3",
        )
        .bind(number)
        .bind(device)
        .bind(since)
        .fetch_one(&mut *conn)
        .await?;
    let mine = mine.unwrap_or(0);
    let until = if mine >= DEVICE_FAILURES {
        Some(my_oldest.unwrap_or(now) + WINDOW_MS)
    } else if all >= NUMBER_FAILURES {
        Some(oldest.unwrap_or(now) + WINDOW_MS)
    } else {
        None
    };
    if let Some(until) = until {
        let minutes = ((until - now).max(60_000) + 59_999) / 60_000;
        return Ok(Verdict::Wait { minutes });
    }
    let (stored, ask_birth): (String, i64) = sqlx::query_as(
        "SELECT a.access_code_digest, s.ask_birth_date FROM attempts a
         JOIN exam_sessions s ON s.id = a.session_id WHERE a.id = $1",
    )
    .bind(&entry.id)
    .fetch_one(&mut *conn)
    .await?;
    let code_right = bool::from(typed.as_bytes().ct_eq(stored.as_bytes()));
    let birth_right = ask_birth == 0 || birth_date == Some(entry.birth_date.as_str());
    if code_right && birth_right {
        return Ok(Verdict::Right);
    }
    record(conn, number, device, now).await?;
    Ok(Verdict::Wrong {
        left: (DEVICE_FAILURES - mine - 1)
            .min(NUMBER_FAILURES - all - 1)
            .max(0),
    })
}

/// Stores a wrong code and forgets those older than the window.
async fn record(
    conn: &mut AnyConnection,
    number: &str,
    device: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO candidate_failures (id, candidate_number, device, at) VALUES ($1, $2, $3, $4)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(number)
    .bind(device)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM candidate_failures WHERE at <= $1")
        .bind(now - WINDOW_MS)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The attempt a typed candidate number names, if any.
pub async fn named(pool: &AnyPool, number: &str) -> sqlx::Result<Option<RosterEntry>> {
    let id: Option<String> =
        sqlx::query_scalar("SELECT id FROM attempts WHERE candidate_number = $1")
            .bind(number)
            .fetch_optional(pool)
            .await?;
    match id {
        Some(id) => attempts::entry(pool, &id).await,
        None => Ok(None),
    }
}

/// A candidate number's wrong codes in the window, for the console.
pub struct Guessed {
    pub attempt_id: String,
    pub candidate_number: String,
    pub failures: i64,
    pub devices: i64,
}

/// The session's candidate numbers with wrong codes in the window, most first.
pub async fn guessed(pool: &AnyPool, session_id: &str, now: i64) -> sqlx::Result<Vec<Guessed>> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT a.id, a.candidate_number, COUNT(*), COUNT(DISTINCT f.device)
         FROM candidate_failures f JOIN attempts a ON a.candidate_number = f.candidate_number
         WHERE a.session_id = $1 AND f.at > $2
         GROUP BY a.id, a.candidate_number ORDER BY COUNT(*) DESC, a.candidate_number",
    )
    .bind(session_id)
    .bind(now - WINDOW_MS)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(attempt_id, candidate_number, failures, devices)| Guessed {
                attempt_id,
                candidate_number,
                failures,
                devices,
            },
        )
        .collect())
}

/// The proctor lifts a number's lock (its wrong codes are forgotten) and lets the candidate
/// start after the late-entry cut-off. Returns how many wrong codes were forgotten.
pub async fn unlock(
    conn: &mut AnyConnection,
    entry: &RosterEntry,
    proctor: &str,
) -> sqlx::Result<u64> {
    let forgotten = sqlx::query("DELETE FROM candidate_failures WHERE candidate_number = $1")
        .bind(&entry.candidate_number)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    allow_late_entry(conn, &entry.id, proctor).await?;
    Ok(forgotten)
}

/// Lets the candidate start after the late-entry cut-off (a proctor's decision).
pub async fn allow_late_entry(
    conn: &mut AnyConnection,
    attempt_id: &str,
    proctor: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE attempts SET late_entry_by = $1 WHERE id = $2")
        .bind(proctor)
        .bind(attempt_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Who let the candidate start after the late-entry cut-off, if anyone.
pub async fn late_entry_by(pool: &AnyPool, attempt_id: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar::<_, Option<String>>("SELECT late_entry_by FROM attempts WHERE id = $1")
        .bind(attempt_id)
        .fetch_optional(pool)
        .await
        .map(Option::flatten)
}
