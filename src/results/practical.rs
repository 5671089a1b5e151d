//! Entering a practical score (phần thực hành): an entry is checked against the attempt and
//! the blueprint, stored (never changed: a correction is a new entry) and audited; when the
//! score that counts changes, the attempt gets a new result scored with it.

use std::collections::HashMap;

use sqlx::{AnyConnection, FromRow};

use crate::{
    attempts::{
        clock::AttemptClock,
        finish::{Against, grade},
        model::AttemptState,
        store,
    },
    audit::{self, AuditEntry},
    blueprints::{model::Blueprint, store::version_blueprint},
    credits::{
        ledger,
        store::{Cause, Change},
    },
    grading::{
        self,
        model::{Points, ResultKind, points_vi},
        practical::{Counted, counted},
        store::NewResult,
    },
};

/// One score as the board enters it.
pub struct Entry<'a> {
    pub attempt_id: &'a str,
    pub part_code: &'a str,
    /// 1, 2 or 3: which grader's marking.
    pub marking: u8,
    pub points: Points,
    pub grader: &'a str,
    pub entered_by: &'a str,
    /// "page" or "import".
    pub source: &'a str,
    pub at: i64,
}

/// Why an entry is refused; each has a message for the board.
#[derive(Debug, thiserror::Error)]
pub enum EntryRefusal {
    #[error("the candidate did not sit the exam")]
    NotSubmitted(AttemptState),
    #[error("no such practical part")]
    UnknownPart,
    #[error("score out of range")]
    OutOfRange { max: u32 },
    #[error("no such marking")]
    UnknownMarking { graders: u8 },
    #[error("no grader named")]
    NoGrader,
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<sqlx::Error> for EntryRefusal {
    fn from(e: sqlx::Error) -> Self {
        EntryRefusal::Failed(e.into())
    }
}

#[derive(FromRow)]
struct Target {
    blueprint_version_id: String,
    #[sqlx(flatten)]
    clock: AttemptClock,
}

/// Stores an entry in the caller's write transaction, audited, and appends a new result when
/// the score that counts for the part changes. Returns where the part's marking now stands.
pub async fn enter(conn: &mut AnyConnection, entry: Entry<'_>) -> Result<Counted, EntryRefusal> {
    // Held first, so the state checked below is the one the entry is written against.
    store::hold(conn, entry.attempt_id).await?;
    let target: Target = sqlx::query_as(&format!(
        "SELECT s.blueprint_version_id, {}
         FROM attempts a JOIN exam_sessions s ON s.id = a.session_id WHERE a.id = $1",
        store::clock_columns("a")
    ))
    .bind(entry.attempt_id)
    .fetch_one(&mut *conn)
    .await?;
    let state = target.clock.state();
    if state != AttemptState::Submitted {
        return Err(EntryRefusal::NotSubmitted(state));
    }
    let blueprint = version_blueprint(&mut *conn, &target.blueprint_version_id).await?;
    let part = blueprint
        .parts
        .iter()
        .find(|p| p.code == entry.part_code && p.external_max_points.is_some())
        .ok_or(EntryRefusal::UnknownPart)?;
    let max = part.external_max_points.unwrap_or_default();
    if entry.points < Points::from_integer(0) || entry.points > Points::from(i64::from(max)) {
        return Err(EntryRefusal::OutOfRange { max });
    }
    let marking = part.marking.unwrap_or_default();
    let markings = if marking.graders == 1 { 1 } else { 3 };
    if !(1..=markings).contains(&entry.marking) {
        return Err(EntryRefusal::UnknownMarking {
            graders: marking.graders,
        });
    }
    if entry.grader.trim().is_empty() {
        return Err(EntryRefusal::NoGrader);
    }
    sqlx::query(
        "INSERT INTO practical_entries (id, attempt_id, part_code, marking, points_num, points_den,
                                        grader, entered_by, entered_at, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(entry.attempt_id)
    .bind(entry.part_code)
    .bind(i64::from(entry.marking))
    .bind(*entry.points.numer())
    .bind(*entry.points.denom())
    .bind(entry.grader.trim())
    .bind(entry.entered_by)
    .bind(entry.at)
    .bind(entry.source)
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        AuditEntry {
            actor: Some(entry.entered_by),
            action: "practical.enter",
            subject_id: entry.attempt_id,
            detail: format!(
                "part {} marking {}: {} by {} ({})",
                entry.part_code,
                entry.marking,
                points_vi(entry.points),
                entry.grader.trim(),
                entry.source
            ),
        },
    )
    .await?;
    let entries = latest(&mut *conn, Scope::Attempt(entry.attempt_id)).await?;
    let standing = standings(&blueprint, &entries.iter().collect::<Vec<_>>());
    rescore(conn, entry.attempt_id, &target.clock, &standing, &entry).await?;
    Ok(standing
        .get(entry.part_code)
        .copied()
        .unwrap_or(Counted::Missing))
}

/// The latest entry of one marking of one part.
#[derive(Clone, Debug, FromRow)]
pub struct Latest {
    pub attempt_id: String,
    pub part_code: String,
    pub marking: i64,
    pub points_num: i64,
    pub points_den: i64,
    pub grader: String,
}

impl Latest {
    pub fn points(&self) -> Points {
        Points::new(self.points_num, self.points_den)
    }
}

/// The latest entry of each marking, of one attempt or of every attempt of a session.
pub async fn latest<'e, E>(executor: E, scope: Scope<'_>) -> sqlx::Result<Vec<Latest>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let (filter, id) = match scope {
        Scope::Attempt(id) => ("e.attempt_id = $1", id),
        Scope::Session(id) => (
            "e.attempt_id IN (SELECT id FROM attempts WHERE session_id = $1)",
            id,
        ),
    };
    sqlx::query_as(&format!(
        "SELECT e.attempt_id, e.part_code, e.marking, e.points_num, e.points_den, e.grader
         FROM practical_entries e
         WHERE {filter}
           AND e.entered_at = (SELECT MAX(entered_at) FROM practical_entries l
                               WHERE l.attempt_id = e.attempt_id AND l.part_code = e.part_code
                                 AND l.marking = e.marking)
         ORDER BY e.attempt_id, e.part_code, e.marking, e.entered_at, e.id"
    ))
    .bind(id)
    .fetch_all(executor)
    .await
}

/// Whose entries to read.
#[derive(Clone, Copy)]
pub enum Scope<'a> {
    Attempt(&'a str),
    Session(&'a str),
}

/// Where each practical part of one attempt stands, from its latest entries.
pub fn standings(blueprint: &Blueprint, entries: &[&Latest]) -> HashMap<String, Counted> {
    blueprint
        .parts
        .iter()
        .filter(|p| p.external_max_points.is_some())
        .map(|p| {
            let mut points: [Option<Points>; 3] = [None; 3];
            for e in entries.iter().filter(|e| e.part_code == p.code) {
                if let Some(slot) = usize::try_from(e.marking - 1).ok().filter(|m| *m < 3) {
                    points[slot] = Some(e.points());
                }
            }
            (
                p.code.clone(),
                counted(&p.marking.unwrap_or_default(), points),
            )
        })
        .collect()
}

/// A new result when the counted practical scores differ from those the current result used.
async fn rescore(
    conn: &mut AnyConnection,
    attempt_id: &str,
    clock: &AttemptClock,
    standing: &HashMap<String, Counted>,
    entry: &Entry<'_>,
) -> anyhow::Result<()> {
    let Some(current) = grading::store::current(&mut *conn, attempt_id).await? else {
        return Ok(());
    };
    let Some(score) = current.score.as_ref() else {
        return Ok(());
    };
    let external: HashMap<String, Points> = standing
        .iter()
        .filter_map(|(code, c)| match c {
            Counted::Score(points) => Some((code.clone(), *points)),
            _ => None,
        })
        .collect();
    let used: HashMap<String, Points> = score
        .parts
        .iter()
        .filter(|p| p.recorded && standing.contains_key(&p.code))
        .map(|p| (p.code.clone(), p.tally.points))
        .collect();
    if used == external {
        return Ok(());
    }
    let against = Against {
        external,
        ..Against::recorded_in(score)
    };
    let graded = grade(conn, attempt_id, clock, &against).await?;
    let reason = format!(
        "{} {}: {}",
        entry.part_code,
        entry.marking,
        points_vi(entry.points)
    );
    grading::store::append(
        conn,
        NewResult {
            attempt_id,
            kind: ResultKind::Practical,
            score: Some(&graded.score),
            responses_digest: &graded.digest,
            recorded_by: Some(entry.entered_by),
            reason: Some(&reason),
            at: entry.at,
        },
    )
    .await?;
    let correcting = Change {
        cause: Cause::Correction,
        reason: &reason,
        by: Some(entry.entered_by),
    };
    ledger::follow_attempt(conn, attempt_id, correcting).await?;
    Ok(())
}
