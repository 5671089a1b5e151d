//! Keeping time fair while a node runs: its heartbeat (read after a restart by `restart`),
//! attempts whose deadline has passed submitted by the server, and attempts left paused when
//! their session's window ended submitted too.

use std::time::Duration;

use super::{
    clock::EndCause,
    detail::Detail,
    finish::finish,
    model::AttemptState,
    reasons,
    store::{ChangeError, Note},
};
use crate::{
    clock,
    db::{Backend, Db},
};

/// How often a node records that it is alive, looks for nodes that went down, and submits
/// overdue attempts.
pub const BEAT: Duration = Duration::from_secs(2);
/// Old heartbeats are pruned every this many beats (an hour).
const PRUNE_EVERY: u64 = 1_800;

/// This server among the nodes sharing a database: a stable name (configuration; the host
/// name by default) and a new instance id at every start.
#[derive(Clone, Debug)]
pub struct Node {
    pub name: String,
    pub instance: String,
    pub started_at: i64,
}

impl Node {
    /// A new instance of the node called `name`, starting now.
    pub fn start(name: &str) -> Self {
        Self {
            name: name.to_string(),
            instance: uuid::Uuid::new_v4().to_string(),
            started_at: clock::now_ms(),
        }
    }
}

/// Records that this node is alive now.
pub async fn beat(db: &Db, node: &Node) -> sqlx::Result<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO node_heartbeats (node_id, node_name, started_at, seen_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (node_id) DO UPDATE SET seen_at = excluded.seen_at",
    )
    .bind(&node.instance)
    .bind(&node.name)
    .bind(node.started_at)
    .bind(clock::now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// What one pass of a sweep did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    /// Attempts this node submitted.
    pub submitted: usize,
    /// Attempts no longer due when it came to them: another node had submitted them, or
    /// someone paused, resumed or submitted them meanwhile.
    pub taken: usize,
    /// Attempts it could claim but not change in the end: someone else changed them between
    /// the claim and the write. With the claim this does not happen between sweeping nodes.
    pub raced: usize,
}

/// Submits (and grades) every attempt in progress whose deadline passed more than `grace_ms`
/// ago (saves already on their way are accepted until then); each ends at its deadline.
pub async fn submit_overdue(db: &Db, now: i64, grace_ms: i64) -> anyhow::Result<Swept> {
    let overdue: Vec<String> =
        sqlx::query_scalar("SELECT id FROM attempts WHERE state = $1 AND deadline_at <= $2")
            .bind(AttemptState::InProgress.as_str())
            .bind(now - grace_ms)
            .fetch_all(&db.read)
            .await?;
    let due = overdue.into_iter().map(|id| {
        let note = Note {
            reason: Some(reasons::DEADLINE),
            ..Note::default()
        };
        (id, now, note)
    });
    submit_each(db, due, AttemptState::InProgress, EndCause::Deadline).await
}

/// Submits (and grades, with their saved answers) the attempts still paused when their
/// session's window ended: a pause nobody resumed (after a restart, say) must not leave an
/// attempt ungraded for ever. Each ends at the window's end. Attempts paused after the end
/// (a reopening, extra time running past the window) are left to the proctor, who closes the
/// session.
pub async fn submit_forgotten(db: &Db, now: i64) -> anyhow::Result<Swept> {
    let forgotten: Vec<(String, i64)> = sqlx::query_as(
        "SELECT a.id, s.ends_at FROM attempts a JOIN exam_sessions s ON s.id = a.session_id
         WHERE a.state = $1 AND s.ends_at <= $2 AND a.paused_since <= s.ends_at",
    )
    .bind(AttemptState::Paused.as_str())
    .bind(now)
    .fetch_all(&db.read)
    .await?;
    let due = forgotten.into_iter().map(|(id, ends_at)| {
        let note = Note {
            reason: Some(reasons::WINDOW_ENDED),
            detail: Detail::WindowEnded(clock::format_local(ends_at)).into(),
            ..Note::default()
        };
        (id, ends_at, note)
    });
    submit_each(db, due, AttemptState::Paused, EndCause::WindowEnded).await
}

/// Submits (and grades) each attempt at its moment with its note, each in a transaction of
/// its own that first claims it, still in `state`. A first pass skips at once the attempts
/// whose row another transaction holds, so several nodes split a sweep instead of each
/// grading every attempt and all but one failing to write; a second pass waits for those
/// rows (a save writing at that instant, or another node finishing the attempt, which then
/// is no longer due). One that someone paused, resumed or submitted meanwhile is skipped.
async fn submit_each(
    db: &Db,
    due: impl Iterator<Item = (String, i64, Note<'static>)>,
    state: AttemptState,
    cause: EndCause,
) -> anyhow::Result<Swept> {
    let claim = |lock: &str| format!("SELECT id FROM attempts WHERE id = $1 AND state = $2{lock}");
    let (skipping, waiting) = (claim(db.skip_locked()), claim(db.wait_locked()));
    let mut swept = Swept::default();
    let mut held = Vec::new();
    for due in due {
        if !submit_one(db, &skipping, &due, state, cause, &mut swept).await? {
            held.push(due);
        }
    }
    for due in held {
        if !submit_one(db, &waiting, &due, state, cause, &mut swept).await? {
            swept.taken += 1;
        }
    }
    Ok(swept)
}

/// Claims one due attempt with `claim` and submits it, counting the outcome in `swept`;
/// false (nothing counted) when it could not be claimed.
async fn submit_one(
    db: &Db,
    claim: &str,
    (id, at, note): &(String, i64, Note<'static>),
    state: AttemptState,
    cause: EndCause,
    swept: &mut Swept,
) -> anyhow::Result<bool> {
    let mut tx = db.begin_write().await?;
    let claimed: Option<String> = sqlx::query_scalar(claim)
        .bind(id)
        .bind(state.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    if claimed.is_none() {
        return Ok(false);
    }
    match finish(&mut tx, id, cause, *at, note.clone()).await {
        Ok(_) => {
            tx.commit().await?;
            swept.submitted += 1;
        }
        Err(ChangeError::Other(e)) => tracing::error!(
            attempt.id = %id,
            cause = cause.as_str(),
            error = %format!("{e:#}"),
            "cannot grade an attempt the server submits"
        ),
        Err(_) => swept.raced += 1,
    }
    Ok(true)
}

/// The node's background work, every `BEAT`, for ever: a heartbeat, a look for nodes that
/// went down (and now and then old heartbeats pruned), the deadline sweep, and the sweep of
/// attempts left paused at their window's end.
pub async fn run(db: Db, node: Node, grace_ms: i64) {
    db.health
        .heartbeat_started(clock::now_ms(), BEAT.as_millis() as i64);
    let mut ticks = tokio::time::interval(BEAT);
    let mut beats: u64 = 0;
    loop {
        ticks.tick().await;
        match beat(&db, &node).await {
            Ok(()) => db.health.heartbeat_committed(clock::now_ms()),
            Err(e) => tracing::error!(error = %e, "cannot record the heartbeat"),
        }
        // One node per SQLite database: there is no other node to notice.
        if db.backend == Backend::Postgres
            && let Err(e) = crate::nodes::notice_down(&db, &node, clock::now_ms()).await
        {
            tracing::error!(error = %format!("{e:#}"), "cannot look for nodes that went down");
        }
        if beats.is_multiple_of(PRUNE_EVERY)
            && let Err(e) = crate::nodes::prune(&db, clock::now_ms()).await
        {
            tracing::warn!(error = %e, "cannot prune old heartbeats");
        }
        beats += 1;
        match submit_overdue(&db, clock::now_ms(), grace_ms).await {
            Ok(Swept { submitted: 0, .. }) => {}
            Ok(s) => tracing::info!(attempts = s.submitted, "submitted at the deadline"),
            Err(e) => tracing::error!(error = %e, "cannot submit overdue attempts"),
        }
        match submit_forgotten(&db, clock::now_ms()).await {
            Ok(Swept { submitted: 0, .. }) => {}
            Ok(s) => tracing::info!(
                attempts = s.submitted,
                "paused attempts submitted at the window's end"
            ),
            Err(e) => {
                tracing::error!(error = %e, "cannot submit attempts paused at the window's end")
            }
        }
    }
}
