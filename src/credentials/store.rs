//! The SQL of signed records: each exported credential's place in its issuer's status list
//! (taken once, kept for good), the places whose credential is revoked today, and the
//! earned module credits that credentials are made from.

use sqlx::{AnyConnection, AnyPool, FromRow};

use crate::{clock, credits::store::STANDING};

/// What a status-list place belongs to.
#[derive(Clone, Copy, Debug)]
pub enum Subject<'a> {
    Credit(&'a str),
    Certificate(&'a str),
}

impl Subject<'_> {
    fn column(self) -> &'static str {
        match self {
            Subject::Credit(_) => "credit_entry_id",
            Subject::Certificate(_) => "certificate_id",
        }
    }

    fn id(&self) -> &str {
        match self {
            Subject::Credit(id) | Subject::Certificate(id) => id,
        }
    }
}

/// The credential's place, if it has been exported before.
pub async fn known_place<'e, E>(executor: E, subject: Subject<'_>) -> sqlx::Result<Option<u64>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let place: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT list_index FROM credential_status WHERE {} = $1",
        subject.column()
    ))
    .bind(subject.id())
    .fetch_optional(executor)
    .await?;
    Ok(place.map(i64::unsigned_abs))
}

/// The credential's place among everything `organisation_id` has exported, taken in the
/// caller's transaction the first time (numbered from 0 without gaps or races).
pub async fn place(
    conn: &mut AnyConnection,
    organisation_id: &str,
    subject: Subject<'_>,
) -> sqlx::Result<u64> {
    // Taken in turn per organisation: a second export of the same credential waits here,
    // then finds the first one's place.
    let scope = format!("credential-status:{organisation_id}");
    crate::db::serialize_on(&mut *conn, &scope).await?;
    if let Some(place) = known_place(&mut *conn, subject).await? {
        return Ok(place);
    }
    let column = subject.column();
    let index = crate::db::next_number(&mut *conn, &scope, 0).await? - 1;
    sqlx::query(&format!(
        "INSERT INTO credential_status (organisation_id, list_index, {column}, created_at)
         VALUES ($1, $2, $3, $4)"
    ))
    .bind(organisation_id)
    .bind(index)
    .bind(subject.id())
    .bind(clock::now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(index.unsigned_abs())
}

/// The places in `[from, to)` of `organisation_id`'s credentials that are revoked now: a
/// credit a later ledger line cancels, a certificate revoked or replaced.
pub async fn revoked(
    pool: &AnyPool,
    organisation_id: &str,
    from: u64,
    to: u64,
) -> sqlx::Result<Vec<u64>> {
    let places: Vec<i64> = sqlx::query_scalar(
        "SELECT s.list_index FROM credential_status s
         LEFT JOIN credit_entries r ON r.revokes_id = s.credit_entry_id
         LEFT JOIN certificate_revocations cr ON cr.certificate_id = s.certificate_id
         WHERE s.organisation_id = $1 AND s.list_index >= $2 AND s.list_index < $3
           AND (r.id IS NOT NULL OR cr.certificate_id IS NOT NULL)
         ORDER BY s.list_index",
    )
    .bind(organisation_id)
    .bind(i64::try_from(from).unwrap_or(i64::MAX))
    .bind(i64::try_from(to).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await?;
    Ok(places.into_iter().map(i64::unsigned_abs).collect())
}

/// How many places `organisation_id` has given out.
pub async fn places_used(pool: &AnyPool, organisation_id: &str) -> sqlx::Result<u64> {
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM credential_status WHERE organisation_id = $1")
            .bind(organisation_id)
            .fetch_one(pool)
            .await?;
    Ok(count.unsigned_abs())
}

/// A module earned at a centre, as its credential states it.
#[derive(Clone, Debug, FromRow)]
pub struct EarnedCredit {
    pub id: String,
    pub person_id: String,
    pub holder_name: String,
    pub module: String,
    pub credits: i64,
    /// The exam day (YYYY-MM-DD).
    pub earned_on: String,
    /// When the approval recorded it (UTC ms).
    pub created_at: i64,
    pub centre_id: String,
    pub centre_name: String,
}

const EARNED: &str = "SELECT e.id, e.person_id, p.full_name AS holder_name, e.module, e.credits,
        e.earned_on, e.created_at, e.organisation_id AS centre_id, o.name AS centre_name
    FROM credit_entries e
    JOIN people p ON p.id = e.person_id
    JOIN organisations o ON o.id = e.organisation_id";

/// The person's earned module `entry_id`, if it stands (no later line cancels it).
pub async fn standing_credit(
    pool: &AnyPool,
    person_id: &str,
    entry_id: &str,
) -> sqlx::Result<Option<EarnedCredit>> {
    sqlx::query_as(&format!(
        "{EARNED} WHERE e.id = $1 AND e.person_id = $2 AND e.kind = 'earned' AND {STANDING}"
    ))
    .bind(entry_id)
    .bind(person_id)
    .fetch_optional(pool)
    .await
}

/// Every module the person has earned here and still holds, oldest first.
pub async fn standing_credits(pool: &AnyPool, person_id: &str) -> sqlx::Result<Vec<EarnedCredit>> {
    sqlx::query_as(&format!(
        "{EARNED} WHERE e.person_id = $1 AND e.kind = 'earned' AND {STANDING}
         ORDER BY e.earned_on, e.created_at, e.id"
    ))
    .bind(person_id)
    .fetch_all(pool)
    .await
}
