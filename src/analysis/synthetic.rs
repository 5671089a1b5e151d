//! Synthetic sittings written straight into the database (a session, its candidates, their
//! submitted results with each item's points, the approval, credit lines and certificates)
//! for the overview's tests and benchmark, where sitting each of 100,000 exams through the
//! browser would take hours. The results carry real scoring JSON, so item analysis takes them
//! apart through its own queue. Nothing in `serve` calls this.

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use crate::{
    clock,
    db::{Db, values_list},
    grading::model::{ItemScore, Outcome, Points, Rule, SCORING_VERSION, ScoreResult, Tally},
};

/// One sitting to write.
pub struct Sitting<'a> {
    pub department_id: &'a str,
    pub centre_id: &'a str,
    pub room_id: &'a str,
    pub blueprint_version_id: &'a str,
    pub starts_at: i64,
    /// The paper's items (item id, item version id), one point each.
    pub items: &'a [(String, String)],
    /// Each candidate who sat: right or wrong on each item. At least half right passes.
    pub answers: &'a [Vec<bool>],
    /// Candidates on the roster who never started.
    pub absent: usize,
    /// Approved by this user (credit lines and certificates need an approval).
    pub approved_by: Option<&'a str>,
    /// Each pass earns this module's credit line.
    pub credit: Option<(&'a str, i64)>,
    /// The first this many passes also get a certificate of this code.
    pub certificates: Option<(&'a str, usize)>,
}

fn score(items: &[(String, String)], right: &[bool]) -> ScoreResult {
    let one = |r: bool| Points::from_integer(i64::from(r));
    let scored: Vec<ItemScore> = items
        .iter()
        .zip(right)
        .map(|((item_id, version_id), r)| ItemScore {
            item_id: item_id.clone(),
            version_id: version_id.clone(),
            part: "ly-thuyet".into(),
            section: String::new(),
            topic: String::new(),
            module: String::new(),
            response: String::new(),
            key: String::new(),
            rule: Rule::AllOrNothing,
            points: one(*r),
            max: 1,
        })
        .collect();
    let mut total = Tally::default();
    for s in &scored {
        total.add(s.points, s.max);
    }
    let passed = total.points * 2 >= Points::from_integer(total.max);
    ScoreResult {
        items: scored,
        total,
        parts: Vec::new(),
        sections: Vec::new(),
        topics: BTreeMap::new(),
        modules: Vec::new(),
        outcome: if passed { Outcome::Pass } else { Outcome::Fail },
    }
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Writes one sitting in one transaction; returns the session's id.
pub async fn seed(db: &Db, s: &Sitting<'_>) -> anyhow::Result<String> {
    let session = new_id();
    let now = clock::now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO exam_sessions (id, code, organisation_id, blueprint_version_id, room_id, title,
                                    duration_minutes, starts_at, ends_at, late_entry_minutes,
                                    reauthorise_on_return, allow_reopen, opened_at, closed_at,
                                    created_at)
         VALUES ($1, $2, $3, $4, $5, 'Ca thi tổng hợp', 30, $6, $7, 0, 0, 0, $6, $7, $8)",
    )
    .bind(&session)
    .bind(format!("SYN-{}", &session[..13]))
    .bind(s.centre_id)
    .bind(s.blueprint_version_id)
    .bind(s.room_id)
    .bind(s.starts_at)
    .bind(s.starts_at + 3_600_000)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let candidates = s.answers.len() + s.absent;
    let people: Vec<String> = (0..candidates).map(|_| new_id()).collect();
    let attempts: Vec<String> = (0..candidates).map(|_| new_id()).collect();
    for chunk in (0..candidates).collect::<Vec<_>>().chunks(100) {
        let sql = format!(
            "INSERT INTO people (id, department_id, full_name, birth_date, unit, is_teacher, created_at)
             VALUES {}",
            values_list(chunk.len(), 7)
        );
        let mut q = sqlx::query(&sql);
        for i in chunk {
            q = q
                .bind(&people[*i])
                .bind(s.department_id)
                .bind(format!("Thí sinh {i}"))
                .bind("2000-01-01")
                .bind("")
                .bind(0_i64)
                .bind(now);
        }
        q.execute(&mut *tx).await?;
        let sql = format!(
            "INSERT INTO attempts (id, session_id, person_id, candidate_number, code_generation,
                                   access_code_digest, state, started_at, created_at)
             VALUES {}",
            values_list(chunk.len(), 9)
        );
        let mut q = sqlx::query(&sql);
        for i in chunk {
            let sat = *i < s.answers.len();
            q = q
                .bind(&attempts[*i])
                .bind(&session)
                .bind(&people[*i])
                .bind(attempts[*i][..18].to_uppercase())
                .bind(1_i64)
                .bind("")
                .bind(if sat { "submitted" } else { "not_arrived" })
                .bind(sat.then_some(s.starts_at))
                .bind(now);
        }
        q.execute(&mut *tx).await?;
    }
    let mut passes = Vec::new();
    for (i, right) in s.answers.iter().enumerate() {
        let result = score(s.items, right);
        if result.outcome == Outcome::Pass {
            passes.push(i);
        }
        write_result(&mut tx, &attempts[i], &result, s.starts_at).await?;
    }
    if let Some(by) = s.approved_by {
        sqlx::query(
            "INSERT INTO result_approvals (session_id, approved_by, approved_at) VALUES ($1, $2, $3)",
        )
        .bind(&session)
        .bind(by)
        .bind(s.starts_at + 3_600_000)
        .execute(&mut *tx)
        .await?;
        super::queue::session_approved(&mut tx, &session).await?;
        let on = clock::local_date(s.starts_at).iso();
        for (n, i) in passes.iter().enumerate() {
            if let Some((module, credits)) = s.credit {
                sqlx::query(
                    "INSERT INTO credit_entries (id, person_id, kind, module, credits, earned_on,
                                                 attempt_id, session_id, organisation_id, created_at)
                     VALUES ($1, $2, 'earned', $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(new_id())
                .bind(&people[*i])
                .bind(module)
                .bind(credits)
                .bind(&on)
                .bind(&attempts[*i])
                .bind(&session)
                .bind(s.centre_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            if let Some((certificate, _)) = s.certificates.filter(|(_, c)| n < *c) {
                let id = new_id();
                sqlx::query(
                    "INSERT INTO certificates (id, number, register_number, person_id, certificate,
                                               issuer_id, issued_on, holder_name, holder_birth_date,
                                               modules, basis, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'Thí sinh', '2000-01-01', '[]', '[]', $8)",
                )
                .bind(&id)
                .bind(&id[..18])
                .bind(&id[19..])
                .bind(&people[*i])
                .bind(certificate)
                .bind(s.centre_id)
                .bind(&on)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(session)
}

async fn write_result(
    conn: &mut AnyConnection,
    attempt: &str,
    result: &ScoreResult,
    at: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO results (id, attempt_id, seq, kind, scoring_version, outcome, points_num,
                              points_den, max_points, score, responses_digest, created_at)
         VALUES ($1, $2, 1, 'submitted', $3, $4, $5, $6, $7, $8, '', $9)",
    )
    .bind(new_id())
    .bind(attempt)
    .bind(SCORING_VERSION)
    .bind(result.outcome.as_str())
    .bind(*result.total.points.numer())
    .bind(*result.total.points.denom())
    .bind(result.total.max)
    .bind(serde_json::to_string(result)?)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}
