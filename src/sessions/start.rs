//! Starting an attempt: the server checks the session's rules, draws the candidate's paper and
//! starts the clock, all in one transaction (no paper without a started attempt, and back).
//! Everything a start reads that other starts do not change is read before that transaction,
//! and a room pressing "Bắt đầu" at once is bounded: a start that cannot have the writer soon
//! is told the server is busy (and the lobby tries again) instead of waiting without end.

use anyhow::Context;

use crate::{
    attempts::{
        clock::{AttemptClock, Change},
        detail::Detail,
        guessing,
        model::{StartRefusal, may_retake, may_start},
        store::{self as attempts, ChangeError, LogEntry, Note, RosterEntry},
    },
    blueprints::papers,
    db::{Db, Refused, WritePlace, WriteTx},
    orgs,
    people::{model::extra_percent_on, store as people},
    sessions::model::ExamSession,
};

/// The blueprint's retake rules, against the person's submitted attempts of the same blueprint.
pub async fn retake_rules(
    db: &Db,
    entry: &RosterEntry,
    session: &ExamSession,
    now: i64,
) -> Result<(), StartError> {
    let blueprint =
        crate::blueprints::store::version_blueprint(&db.read, &session.blueprint_version_id)
            .await?;
    let (previous, last_ended): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MAX(a.ended_at) FROM attempts a
         JOIN exam_sessions s ON s.id = a.session_id
         JOIN blueprint_versions v ON v.id = s.blueprint_version_id
         WHERE a.person_id = $1 AND a.state = 'submitted' AND a.id <> $2
           AND v.blueprint_id = (SELECT blueprint_id FROM blueprint_versions WHERE id = $3)",
    )
    .bind(&entry.person_id)
    .bind(&entry.id)
    .bind(&session.blueprint_version_id)
    .fetch_one(&db.read)
    .await
    .context("cannot read earlier attempts")?;
    let previous = u32::try_from(previous).unwrap_or(u32::MAX);
    may_retake(
        previous,
        last_ended,
        blueprint.attempts_allowed,
        blueprint.retake_wait_days,
        now,
    )
    .map_err(StartError::Refused)
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("start refused: {0:?}")]
    Refused(StartRefusal),
    #[error(transparent)]
    Change(#[from] ChangeError),
    /// Too many starts wait for the writer, or this one could not have it in time: nothing
    /// was written; the same start may be tried again after this many seconds.
    #[error("the server is busy; the start may be tried again")]
    Busy(u32),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<Refused> for StartError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::Busy(seconds) => StartError::Busy(seconds),
            Refused::Failed(e) => anyhow::Error::from(e).context("cannot begin").into(),
        }
    }
}

/// Starts an authorised attempt at `now`: the person's accommodation on the session's day is
/// frozen into the deadline, and a paper is drawn that avoids items they have seen. It first
/// takes a place in the writer's line (`Db::write_place`).
pub async fn start(db: &Db, attempt_id: &str, now: i64) -> Result<AttemptClock, StartError> {
    let place = db.write_place().await?;
    let entry = attempts::entry(&db.read, attempt_id)
        .await
        .context("cannot read the attempt")?
        .ok_or(ChangeError::NotFound)?;
    let session = super::store::by_id(&db.read, &entry.session_id)
        .await
        .context("cannot read the session")?
        .ok_or(ChangeError::NotFound)?;
    start_in(db, place, entry, session, now).await
}

/// `start` in a place the caller took before reading the attempt's roster entry and its
/// session (as the exam's pages do for every request).
pub async fn start_in(
    db: &Db,
    place: WritePlace,
    entry: RosterEntry,
    mut session: ExamSession,
    now: i64,
) -> Result<AttemptClock, StartError> {
    let attempt_id = entry.id.as_str();
    // A candidate the proctor unlocked or gave a new code may start after the cut-off.
    let late_by = guessing::late_entry_by(&db.read, attempt_id)
        .await
        .context("cannot read the attempt")?
        .filter(|_| now > session.cut_off_at());
    if late_by.is_some() {
        session.without_cut_off();
    }
    may_start(entry.clock.state(), session.window(), now).map_err(StartError::Refused)?;
    retake_rules(db, &entry, &session, now).await?;
    let org = orgs::store::by_id(&db.read, &session.organisation_id)
        .await
        .context("cannot read the centre")?
        .context("the session's centre is missing")?;
    let prepared = papers::prepare(
        db,
        &org,
        &session.blueprint_version_id,
        Some(&entry.person_id),
    )
    .await?;
    let accommodations = {
        let mut conn = db.read.acquire().await.context("cannot read")?;
        people::accommodations(&mut conn, &entry.person_id, Some(&session.organisation_id))
            .await
            .context("cannot read accommodations")?
    };
    let plan = Plan {
        attempt_id: attempt_id.to_string(),
        session_id: session.id.clone(),
        duration_minutes: u32::try_from(session.duration_minutes).unwrap_or(u32::MAX),
        accommodation_percent: extra_percent_on(&accommodations, session.day()),
        late_by,
        org,
        prepared,
        now,
    };
    match db.request_write(place, |tx| write_start(tx, plan)).await {
        Ok(started) => started,
        Err(refused) => {
            tracing::warn!(attempt.id = attempt_id, "start refused: {refused:?}");
            Err(refused.into())
        }
    }
}

/// What a start writes, all read before its transaction.
struct Plan {
    attempt_id: String,
    session_id: String,
    duration_minutes: u32,
    accommodation_percent: u32,
    /// The proctor who let the candidate start after the cut-off.
    late_by: Option<String>,
    org: orgs::model::Organisation,
    prepared: papers::Prepared,
    now: i64,
}

/// The start's transaction: the session still open, the paper drawn, the clock started.
async fn write_start(mut tx: WriteTx, plan: Plan) -> Result<AttemptClock, StartError> {
    let Plan {
        attempt_id,
        session_id,
        late_by,
        now,
        ..
    } = &plan;
    if super::store::is_closed(&mut tx, session_id)
        .await
        .context("cannot read the session")?
    {
        return Err(StartError::Refused(StartRefusal::SessionClosed));
    }
    let paper = papers::draw_in(&mut tx, &plan.org, &plan.prepared).await?;
    let item_count = paper.form()?.items().count() as i64;
    let change = Change::Start {
        duration_minutes: plan.duration_minutes,
        accommodation_percent: plan.accommodation_percent,
        paper_id: paper.id.clone(),
        item_count,
    };
    let note = Note {
        detail: Detail::Paper(paper.id.clone()).into(),
        ..Note::default()
    };
    let clock = attempts::apply(&mut tx, attempt_id, &change, *now, note).await?;
    if let Some(proctor) = late_by {
        let note = Note {
            actor: Some(proctor),
            detail: Detail::LateStart.into(),
            ..Note::default()
        };
        let entry = LogEntry {
            session_id,
            attempt_id: Some(attempt_id),
            action: "late_start",
            states: None,
            note,
        };
        attempts::log(&mut tx, entry).await.context("cannot log")?;
    }
    tx.commit().await.context("cannot commit")?;
    tracing::info!(attempt.id = attempt_id, paper.id = %paper.id, "attempt started");
    Ok(clock)
}
