//! SQL for item analysis and the overview: the taken-apart rows of a bank or a blueprint, the
//! labels of their items, each sitting's counts, credits and certificates issued, and the
//! per-item sums the "check the key" list reads. Every query is limited to what one staff
//! member sees (`Scope`) and to a period.

use std::collections::HashMap;

use sqlx::{AnyPool, FromRow};

use super::model::{Issued, IssuedKind, Period, SessionFigures, Sums};
use crate::sessions::store::Scope;

/// Whose rows an item analysis reads.
#[derive(Clone, Copy)]
pub enum Subject<'a> {
    Bank(&'a str),
    Blueprint(&'a str),
}

/// One item of one attempt.
#[derive(FromRow)]
pub struct Row {
    pub attempt_id: String,
    pub item_id: String,
    pub fraction: f64,
    pub points: f64,
    pub choices: String,
    pub answered: i64,
}

/// The analysed items of a bank or a blueprint, in the sessions this staff member sees within
/// the period, attempt by attempt.
pub async fn rows(
    pool: &AnyPool,
    subject: Subject<'_>,
    scope: Scope<'_>,
    period: Period,
) -> sqlx::Result<Vec<Row>> {
    let (seen, id) = scope.condition(2);
    let of = match subject {
        Subject::Bank(_) => "si.item_id IN (SELECT id FROM items WHERE bank_id = $1)",
        Subject::Blueprint(_) => {
            "s.blueprint_version_id IN (SELECT id FROM blueprint_versions WHERE blueprint_id = $1)"
        }
    };
    let (Subject::Bank(subject) | Subject::Blueprint(subject)) = subject;
    let (from, to) = period.bounds_ms();
    sqlx::query_as(&format!(
        "SELECT si.attempt_id, si.item_id, si.fraction, si.points, si.choices, si.answered
         FROM scored_items si JOIN exam_sessions s ON s.id = si.session_id
         WHERE {of} AND {seen} AND s.starts_at >= $3 AND s.starts_at < $4
         ORDER BY si.attempt_id"
    ))
    .bind(subject)
    .bind(id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await
}

/// What the tables say about an item: its id in the bank, its bank, its type and topic, and
/// its newest published version (what the preview link opens).
#[derive(Clone, Debug, FromRow)]
pub struct Label {
    pub item_id: String,
    pub native_id: String,
    pub bank_id: String,
    pub bank_code: String,
    pub version_id: String,
    pub kind: String,
    pub body: String,
}

/// Labels of these items, by item id.
pub async fn labels(pool: &AnyPool, items: &[String]) -> sqlx::Result<HashMap<String, Label>> {
    let mut labels = HashMap::new();
    for chunk in items.chunks(500) {
        let list = crate::db::placeholders(chunk.len());
        let sql = format!(
            "SELECT i.id AS item_id, i.native_id, i.bank_id, b.code AS bank_code,
                    iv.id AS version_id, iv.kind, iv.body
             FROM items i JOIN banks b ON b.id = i.bank_id
             JOIN item_versions iv ON iv.item_id = i.id
             WHERE i.id IN ({list})
               AND iv.number = (SELECT MAX(v.number) FROM item_versions v
                                JOIN bank_version_items bvi ON bvi.item_version_id = v.id
                                JOIN bank_versions bv ON bv.id = bvi.bank_version_id
                                WHERE v.item_id = i.id AND bv.import_id IS NULL)"
        );
        let mut query = sqlx::query_as::<_, Label>(&sql);
        for id in chunk {
            query = query.bind(id);
        }
        for label in query.fetch_all(pool).await? {
            labels.insert(label.item_id.clone(), label);
        }
    }
    Ok(labels)
}

/// The condition on an organisation column for what this staff member sees (a centre, or
/// the department and its organisations), with the id to bind as `$n`.
fn organisations(scope: Scope<'_>, column: &str, n: usize) -> (String, String) {
    match scope {
        Scope::Centre(id) | Scope::Proctor(id) => (format!("{column} = ${n}"), id.to_string()),
        Scope::Department(id) => (
            format!(
                "({column} = ${n} OR {column} IN (SELECT id FROM organisations WHERE department_id = ${n}))"
            ),
            id.to_string(),
        ),
    }
}

#[derive(FromRow)]
struct SessionRow {
    organisation_id: String,
    blueprint_version_id: String,
    starts_at: i64,
    approved: i64,
    sat: i64,
    passed: i64,
    failed: i64,
}

/// Each sitting held in the period (opened, not cancelled) with its counts; outcomes only once
/// its results are approved and taken apart (`index::catch_up` first).
pub async fn sittings(
    pool: &AnyPool,
    scope: Scope<'_>,
    period: Period,
) -> sqlx::Result<Vec<SessionFigures>> {
    let (seen, id) = scope.condition(1);
    let (from, to) = period.bounds_ms();
    // One pass over the sittings' attempts (not a subquery per sitting, which SQLite may
    // answer by scanning every submitted attempt each time). The outcomes are those of the
    // results item analysis took apart: the current results of approved sessions' submitted
    // attempts (the caller catches up first), found by id instead of by the latest seq.
    let decided =
        |o: &str| format!("CAST(SUM(CASE WHEN r.outcome = '{o}' THEN 1 ELSE 0 END) AS BIGINT)");
    let rows: Vec<SessionRow> = sqlx::query_as(&format!(
        "SELECT s.organisation_id, s.blueprint_version_id, s.starts_at,
                CAST(CASE WHEN ra.session_id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS approved,
                CAST(SUM(CASE WHEN a.started_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS sat,
                {} AS passed, {} AS failed
         FROM exam_sessions s LEFT JOIN result_approvals ra ON ra.session_id = s.id
         LEFT JOIN attempts a ON a.session_id = s.id
         LEFT JOIN analysed_attempts aa ON aa.attempt_id = a.id
         LEFT JOIN results r ON r.id = aa.result_id
         WHERE {seen} AND s.cancelled_at IS NULL AND s.opened_at IS NOT NULL
           AND s.starts_at >= $2 AND s.starts_at < $3
         GROUP BY s.id, s.organisation_id, s.blueprint_version_id, s.starts_at, ra.session_id",
        decided("pass"),
        decided("fail")
    ))
    .bind(id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SessionFigures {
            organisation_id: r.organisation_id,
            blueprint_version_id: r.blueprint_version_id,
            starts_at: r.starts_at,
            approved: r.approved != 0,
            sat: r.sat,
            passed: r.passed,
            failed: r.failed,
        })
        .collect())
}

/// People who started at least one attempt in the period (each counted once).
pub async fn people(pool: &AnyPool, scope: Scope<'_>, period: Period) -> sqlx::Result<i64> {
    let (seen, id) = scope.condition(1);
    let (from, to) = period.bounds_ms();
    sqlx::query_scalar(&format!(
        "SELECT COUNT(DISTINCT a.person_id) FROM attempts a JOIN exam_sessions s ON s.id = a.session_id
         WHERE {seen} AND s.cancelled_at IS NULL AND a.started_at IS NOT NULL
           AND s.starts_at >= $2 AND s.starts_at < $3"
    ))
    .bind(id)
    .bind(from)
    .bind(to)
    .fetch_one(pool)
    .await
}

#[derive(FromRow)]
struct IssuedRow {
    organisation_id: String,
    month: String,
    module: String,
    kind: String,
    count: i64,
}

/// Credit lines earned and revoked (by the centre that examined) and certificates issued (by
/// their issuer) in the period, counted by organisation, month and module or certificate.
pub async fn issued(pool: &AnyPool, scope: Scope<'_>, period: Period) -> sqlx::Result<Vec<Issued>> {
    let (from, to) = period.bounds_iso();
    // A revocation names the entry it cancels: its centre and module are that entry's.
    let (org, module) = (
        "COALESCE(e.organisation_id, o.organisation_id)",
        "COALESCE(e.module, o.module)",
    );
    let (credit_org, id) = organisations(scope, org, 1);
    let (issuer, _) = organisations(scope, "issuer_id", 1);
    let rows: Vec<IssuedRow> = sqlx::query_as(&format!(
        "SELECT {org} AS organisation_id, substr(e.earned_on, 1, 7) AS month, {module} AS module,
                e.kind, COUNT(*) AS count
         FROM credit_entries e LEFT JOIN credit_entries o ON o.id = e.revokes_id
         WHERE e.kind IN ('earned', 'revoked') AND {module} IS NOT NULL
           AND {credit_org} AND e.earned_on >= $2 AND e.earned_on < $3
         GROUP BY {org}, substr(e.earned_on, 1, 7), {module}, e.kind
         UNION ALL
         SELECT issuer_id, substr(issued_on, 1, 7), certificate, 'certificate', COUNT(*)
         FROM certificates WHERE {issuer} AND issued_on >= $2 AND issued_on < $3
         GROUP BY issuer_id, substr(issued_on, 1, 7), certificate"
    ))
    .bind(id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Issued {
            kind: match r.kind.as_str() {
                "earned" => IssuedKind::Credit,
                "revoked" => IssuedKind::Revoked,
                _ => IssuedKind::Certificate,
            },
            organisation_id: r.organisation_id,
            month: r.month,
            module: r.module,
            count: r.count,
        })
        .collect())
}

#[derive(FromRow)]
struct SumsRow {
    blueprint_id: String,
    item_id: String,
    n: i64,
    sum_x: f64,
    sum_y: f64,
    sum_xx: f64,
    sum_yy: f64,
    sum_xy: f64,
}

/// Each item's sums per blueprint, over the centres this staff member sees and the period.
pub async fn item_sums(
    pool: &AnyPool,
    scope: Scope<'_>,
    period: Period,
) -> sqlx::Result<Vec<(String, String, Sums)>> {
    let (seen, id) = organisations(scope, "organisation_id", 1);
    let (from, to) = (period.from.iso(), period.to.iso());
    let rows: Vec<SumsRow> = sqlx::query_as(&format!(
        "SELECT blueprint_id, item_id, CAST(SUM(n) AS BIGINT) AS n, SUM(sum_x) AS sum_x, SUM(sum_y) AS sum_y,
                SUM(sum_xx) AS sum_xx, SUM(sum_yy) AS sum_yy, SUM(sum_xy) AS sum_xy
         FROM item_sums WHERE {seen} AND month >= $2 AND month <= $3
         GROUP BY blueprint_id, item_id HAVING SUM(n) > 0"
    ))
    .bind(id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let sums = Sums {
                n: r.n,
                x: r.sum_x,
                y: r.sum_y,
                xx: r.sum_xx,
                yy: r.sum_yy,
                xy: r.sum_xy,
            };
            (r.blueprint_id, r.item_id, sums)
        })
        .collect())
}

/// Names of organisations and blueprints by id.
pub async fn names(pool: &AnyPool, table: &str) -> sqlx::Result<HashMap<String, String>> {
    let column = if table == "blueprints" {
        "code"
    } else {
        "name"
    };
    let rows: Vec<(String, String)> = sqlx::query_as(&format!("SELECT id, {column} FROM {table}"))
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().collect())
}
