//! The API's SQL: ledger rows and certificate changes in a token's scope, in the order they
//! were written after a cursor, and whether a person is in scope. A centre's rows are those
//! it wrote: the examining centre of a module, the organisation of the staff member who
//! recorded an earlier certificate, and, for a revocation, those of the row it cancels.

use sqlx::{AnyPool, FromRow};

use super::model::{Cursor, Scope};

/// One ledger row with its person, as the API serves it.
#[derive(Clone, Debug, FromRow)]
pub struct EntryRow {
    pub id: String,
    /// earned | earlier | revoked.
    pub kind: String,
    pub person_id: String,
    pub full_name: String,
    pub birth_date: String,
    pub national_id: Option<String>,
    pub other_id: Option<String>,
    pub module: Option<String>,
    pub credits: i64,
    pub earned_on: String,
    pub attempt_id: Option<String>,
    pub session_id: Option<String>,
    /// The examining centre's code (of the cancelled row, for a revocation).
    pub centre_code: Option<String>,
    /// The code of the organisation that wrote the row (the scope's test).
    pub owner_code: Option<String>,
    pub earlier_id: Option<String>,
    pub equivalence: Option<String>,
    pub earlier_number: Option<String>,
    pub earlier_issuer: Option<String>,
    pub revokes_id: Option<String>,
    pub cause: Option<String>,
    pub reason: Option<String>,
    pub created_at: i64,
}

/// Which rows: a page after a cursor (written no later than `until`), or one person's all.
pub enum Range<'a> {
    After {
        cursor: &'a Cursor,
        until: i64,
        limit: i64,
    },
    Person(&'a str),
}

const OWNER: &str = "COALESCE(e.organisation_id, t.organisation_id, ru.organisation_id)";

/// The ledger rows in scope, in the order written (`created_at`, then id).
pub async fn entries(
    pool: &AnyPool,
    scope: &Scope,
    range: Range<'_>,
) -> sqlx::Result<Vec<EntryRow>> {
    let in_scope = match scope {
        Scope::Department(_) => "p.department_id = $1".to_string(),
        Scope::Centre(_) => format!("{OWNER} = $1"),
    };
    let range_sql = match range {
        Range::After { .. } => {
            "(e.created_at > $2 OR (e.created_at = $2 AND e.id > $3)) AND e.created_at <= $4
             ORDER BY e.created_at, e.id LIMIT $5"
        }
        Range::Person(_) => "e.person_id = $2 ORDER BY e.created_at, e.id",
    };
    let sql = format!(
        "SELECT e.id, e.kind, e.person_id, p.full_name, p.birth_date, p.national_id, p.other_id,
                COALESCE(e.module, t.module) AS module, e.credits, e.earned_on, e.attempt_id,
                e.session_id, o.code AS centre_code, w.code AS owner_code,
                ec.id AS earlier_id, ec.equivalence, ec.number AS earlier_number,
                ec.issuer AS earlier_issuer, e.revokes_id, e.cause, e.reason, e.created_at
         FROM credit_entries e
         JOIN people p ON p.id = e.person_id
         LEFT JOIN credit_entries t ON t.id = e.revokes_id
         LEFT JOIN earlier_certificates ec ON ec.id = COALESCE(e.earlier_id, t.earlier_id)
         LEFT JOIN users ru ON ru.id = ec.recorded_by
         LEFT JOIN organisations o ON o.id = COALESCE(e.organisation_id, t.organisation_id)
         LEFT JOIN organisations w ON w.id = {OWNER}
         WHERE {in_scope} AND {range_sql}"
    );
    let query = sqlx::query_as(&sql).bind(scope.organisation_id());
    match range {
        Range::After {
            cursor,
            until,
            limit,
        } => query
            .bind(cursor.at)
            .bind(&cursor.id)
            .bind(until)
            .bind(limit),
        Range::Person(person_id) => query.bind(person_id),
    }
    .fetch_all(pool)
    .await
}

/// Certificates in scope by the time of their last change (issued, or revoked or replaced),
/// after a cursor: (id, changed_at). A Department sees its people's, a centre those it issued.
pub async fn certificate_changes(
    pool: &AnyPool,
    scope: &Scope,
    cursor: &Cursor,
    until: i64,
    limit: i64,
) -> sqlx::Result<Vec<(String, i64)>> {
    let in_scope = match scope {
        Scope::Department(_) => "p.department_id = $1",
        Scope::Centre(_) => "c.issuer_id = $1",
    };
    let changed = "COALESCE(cr.revoked_at, c.created_at)";
    sqlx::query_as(&format!(
        "SELECT c.id, {changed} AS changed_at FROM certificates c
         JOIN people p ON p.id = c.person_id
         LEFT JOIN certificate_revocations cr ON cr.certificate_id = c.id
         WHERE {in_scope} AND ({changed} > $2 OR ({changed} = $2 AND c.id > $3))
               AND {changed} <= $4
         ORDER BY changed_at, c.id LIMIT $5"
    ))
    .bind(scope.organisation_id())
    .bind(cursor.at)
    .bind(&cursor.id)
    .bind(until)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Whether the person is in scope: of the Department, or with a row the centre wrote or a
/// certificate it issued.
pub async fn person_in_scope(pool: &AnyPool, scope: &Scope, person_id: &str) -> sqlx::Result<bool> {
    let sql = match scope {
        Scope::Department(_) => {
            "SELECT COUNT(*) FROM people p WHERE p.id = $2 AND p.department_id = $1".to_string()
        }
        Scope::Centre(_) => format!(
            "SELECT (SELECT COUNT(*) FROM credit_entries e
                     LEFT JOIN credit_entries t ON t.id = e.revokes_id
                     LEFT JOIN earlier_certificates ec ON ec.id = COALESCE(e.earlier_id, t.earlier_id)
                     LEFT JOIN users ru ON ru.id = ec.recorded_by
                     WHERE e.person_id = $2 AND {OWNER} = $1)
                  + (SELECT COUNT(*) FROM certificates c WHERE c.person_id = $2 AND c.issuer_id = $1)"
        ),
    };
    let count: i64 = sqlx::query_scalar(&sql)
        .bind(scope.organisation_id())
        .bind(person_id)
        .fetch_one(pool)
        .await?;
    Ok(count > 0)
}
