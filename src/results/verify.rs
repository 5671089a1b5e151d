//! Proving stored results: every current result is recomputed from the stored paper, the
//! stored answers and the item versions (and entered parts) it recorded, and compared exactly.
//! Answers that no longer match the digest that was graded are told apart from a result that
//! differs from its recomputation.

use sqlx::FromRow;

use crate::{
    attempts::{
        clock::AttemptClock,
        finish::{Against, grade},
        model::AttemptState,
        store,
    },
    db::Db,
    grading::{
        self,
        model::{SCORING_VERSION, ScoreResult, StoredResult, decimal},
    },
};

/// What recomputing one attempt's result found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// Recomputed to the very same result.
    Same,
    /// The stored answers are not the ones that were graded (their digest differs).
    AnswersChanged,
    /// The same answers score differently now: what differs first.
    ResultDiffers(String),
    /// Submitted, but without a current result.
    Missing,
    /// Scored under another version of the scoring rules: not comparable.
    OtherScoringVersion(String),
}

/// One attempt checked.
#[derive(Clone, Debug)]
pub struct Checked {
    pub session_code: String,
    pub candidate_number: String,
    pub attempt_id: String,
    pub finding: Finding,
}

#[derive(FromRow)]
struct Target {
    id: String,
    session_code: String,
    candidate_number: String,
    #[sqlx(flatten)]
    clock: AttemptClock,
}

/// Recomputes the current result of every submitted attempt (of one session, by its code, when
/// given), reading only. Fails when the session code is unknown.
pub async fn verify(db: &Db, session_code: Option<&str>) -> anyhow::Result<Vec<Checked>> {
    if let Some(code) = session_code {
        let known: Option<String> =
            sqlx::query_scalar("SELECT id FROM exam_sessions WHERE code = $1")
                .bind(code)
                .fetch_optional(&db.read)
                .await?;
        anyhow::ensure!(known.is_some(), "no exam session has the code {code:?}");
    }
    let targets: Vec<Target> = sqlx::query_as(&format!(
        "SELECT a.id, s.code AS session_code, a.candidate_number, {}
         FROM attempts a JOIN exam_sessions s ON s.id = a.session_id
         WHERE (a.state = 'submitted' OR EXISTS (SELECT 1 FROM results r WHERE r.attempt_id = a.id))
           AND ($1 IS NULL OR s.code = $1)
         ORDER BY s.code, a.candidate_number",
        store::clock_columns("a")
    ))
    .bind(session_code)
    .fetch_all(&db.read)
    .await?;
    let mut conn = db.read.acquire().await?;
    let mut checked = Vec::with_capacity(targets.len());
    for target in targets {
        let current = grading::store::current(&mut *conn, &target.id).await?;
        let finding = match current {
            Some(stored) if stored.score.is_some() => recheck(&mut conn, &target, &stored).await?,
            // Reopened since: nothing is claimed until it is submitted again.
            _ if target.clock.state() != AttemptState::Submitted => continue,
            _ => Finding::Missing,
        };
        checked.push(Checked {
            session_code: target.session_code,
            candidate_number: target.candidate_number,
            attempt_id: target.id,
            finding,
        });
    }
    Ok(checked)
}

async fn recheck(
    conn: &mut sqlx::AnyConnection,
    target: &Target,
    stored: &StoredResult,
) -> anyhow::Result<Finding> {
    if stored.scoring_version != SCORING_VERSION {
        return Ok(Finding::OtherScoringVersion(stored.scoring_version.clone()));
    }
    let score = stored.score.as_ref().expect("checked by the caller");
    let against = Against::recorded_in(score);
    let graded = grade(conn, &target.id, &target.clock, &against).await?;
    Ok(if graded.digest != stored.responses_digest {
        Finding::AnswersChanged
    } else {
        match first_difference(score, &graded.score) {
            Some(what) => Finding::ResultDiffers(what),
            None => Finding::Same,
        }
    })
}

/// The first thing that differs between a stored scoring and its recomputation, in words.
fn first_difference(stored: &ScoreResult, now: &ScoreResult) -> Option<String> {
    if stored.outcome != now.outcome {
        return Some(format!(
            "outcome {} stored, {} recomputed",
            stored.outcome.as_str(),
            now.outcome.as_str()
        ));
    }
    if stored.total != now.total {
        return Some(format!(
            "total {}/{} stored, {}/{} recomputed",
            decimal(stored.total.points),
            stored.total.max,
            decimal(now.total.points),
            now.total.max
        ));
    }
    for (n, (a, b)) in stored.items.iter().zip(&now.items).enumerate() {
        if a != b {
            return Some(format!(
                "question {}: {}/{} stored, {}/{} recomputed",
                n + 1,
                decimal(a.points),
                a.max,
                decimal(b.points),
                b.max
            ));
        }
    }
    (stored != now).then(|| "the totals by part, section or topic".to_string())
}
