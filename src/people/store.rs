//! SQL for people and accommodations.

use sqlx::{AnyConnection, AnyPool};

use super::model::{
    Accommodation, Category, FLAG_CONFLICT, FLAG_NO_NATIONAL_ID, Person, RosterClaim, RosterRow,
    same_person,
};
use crate::{clock, vocab::Date};

const COLUMNS: &str = "id, department_id, national_id, other_id, full_name, birth_date, sex, unit, \
                       category, email, flag, flag_detail";

/// The person a roster row names: the department's record with the same CCCD (flagged for a
/// manager when name or birth date disagree), the record with the same other identifier and
/// birth date, or a new record (flagged when it has no CCCD).
pub async fn resolve_roster_row(
    conn: &mut AnyConnection,
    department_id: &str,
    row: &RosterRow,
) -> sqlx::Result<String> {
    let birth = Date(row.birth_date.0, row.birth_date.1, row.birth_date.2).iso();
    let claim = RosterClaim {
        full_name: row.full_name.clone(),
        birth_date: birth.clone(),
    };
    let known: Option<Person> = match (&row.national_id, &row.other_id) {
        (Some(id), _) => {
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM people WHERE department_id = $1 AND national_id = $2"
            ))
            .bind(department_id)
            .bind(&id.digits)
            .fetch_optional(&mut *conn)
            .await?
        }
        (None, Some(other)) => {
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM people
                 WHERE department_id = $1 AND national_id IS NULL AND other_id = $2 AND birth_date = $3"
            ))
            .bind(department_id)
            .bind(other)
            .bind(&birth)
            .fetch_optional(&mut *conn)
            .await?
        }
        (None, None) => None,
    };
    if let Some(person) = known {
        if !same_person(&person, &claim) {
            flag_conflict(&mut *conn, &person.id, &claim).await?;
        }
        return Ok(person.id);
    }
    let id = uuid::Uuid::new_v4().to_string();
    let flag = row.national_id.is_none().then_some(FLAG_NO_NATIONAL_ID);
    sqlx::query(
        "INSERT INTO people (id, department_id, national_id, other_id, full_name, birth_date, sex, unit,
                             is_teacher, category, email, flag, flag_detail, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '', $13)",
    )
    .bind(&id)
    .bind(department_id)
    .bind(row.national_id.as_ref().map(|n| n.digits.clone()))
    .bind(&row.other_id)
    .bind(&row.full_name)
    .bind(&birth)
    .bind(row.sex.map(|s| s.as_str()))
    .bind(&row.unit)
    .bind(i64::from(row.category == Category::Teacher))
    .bind(row.category.as_str())
    .bind(&row.email)
    .bind(flag)
    .bind(clock::now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn by_id(pool: &AnyPool, id: &str) -> sqlx::Result<Option<Person>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM people WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Does the person appear on a roster of this centre's sessions?
pub async fn on_centre_roster(
    pool: &AnyPool,
    person_id: &str,
    centre_id: &str,
) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM attempts a JOIN exam_sessions s ON s.id = a.session_id
         WHERE a.person_id = $1 AND s.organisation_id = $2",
    )
    .bind(person_id)
    .bind(centre_id)
    .fetch_one(pool)
    .await?;
    Ok(n > 0)
}

/// The people a staff member may see, flagged first: a department's (for its admin) or those
/// on the rosters of one centre's sessions.
pub async fn listed(
    pool: &AnyPool,
    department_id: &str,
    centre_id: Option<&str>,
) -> sqlx::Result<Vec<Person>> {
    let order = "ORDER BY CASE WHEN flag IS NULL THEN 1 ELSE 0 END, full_name";
    match centre_id {
        None => {
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM people WHERE department_id = $1 {order}"
            ))
            .bind(department_id)
            .fetch_all(pool)
            .await
        }
        Some(centre) => {
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM people WHERE id IN (
                     SELECT a.person_id FROM attempts a JOIN exam_sessions s ON s.id = a.session_id
                     WHERE s.organisation_id = $1) {order}"
            ))
            .bind(centre)
            .fetch_all(pool)
            .await
        }
    }
}

/// The people who hold this candidate number (at any session; callers keep to those they see).
pub async fn with_candidate_number(pool: &AnyPool, number: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT DISTINCT person_id FROM attempts WHERE candidate_number = $1")
        .bind(number.trim().to_uppercase())
        .fetch_all(pool)
        .await
}

/// A person's accommodations that one centre sees and that apply at its sessions: its own
/// and those an admin granted for the whole department (`centre` None: every one, for an admin).
pub async fn accommodations(
    conn: &mut AnyConnection,
    person_id: &str,
    centre: Option<&str>,
) -> sqlx::Result<Vec<Accommodation>> {
    sqlx::query_as(
        "SELECT id, extra_percent, reason, expires_on, created_at FROM accommodations
         WHERE person_id = $1 AND ($2 IS NULL OR organisation_id IS NULL OR organisation_id = $2)
         ORDER BY created_at DESC",
    )
    .bind(person_id)
    .bind(centre)
    .fetch_all(conn)
    .await
}

/// Roster rows naming a CCCD the department already knows under another name or birth date:
/// (row, person id, what the row claimed). Such rows are refused, and only an admin settles them.
pub async fn mismatched_rows(
    conn: &mut AnyConnection,
    department_id: &str,
    rows: &[RosterRow],
) -> sqlx::Result<Vec<(usize, Person, RosterClaim)>> {
    let mut found = Vec::new();
    for row in rows {
        let Some(id) = &row.national_id else {
            continue;
        };
        let known: Option<Person> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM people WHERE department_id = $1 AND national_id = $2"
        ))
        .bind(department_id)
        .bind(&id.digits)
        .fetch_optional(&mut *conn)
        .await?;
        let claim = RosterClaim {
            full_name: row.full_name.clone(),
            birth_date: Date(row.birth_date.0, row.birth_date.1, row.birth_date.2).iso(),
        };
        if let Some(person) = known.filter(|p| !same_person(p, &claim)) {
            found.push((row.row, person, claim));
        }
    }
    Ok(found)
}

/// Flags a person for an admin with what a roster claimed.
pub async fn flag_conflict(
    conn: &mut AnyConnection,
    person_id: &str,
    claim: &RosterClaim,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET flag = $1, flag_detail = $2 WHERE id = $3")
        .bind(FLAG_CONFLICT)
        .bind(serde_json::to_string(claim).unwrap_or_default())
        .bind(person_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub struct NewAccommodation<'a> {
    pub person_id: &'a str,
    /// The granting centre, or None for an admin's department-wide accommodation.
    pub centre_id: Option<&'a str>,
    pub extra_percent: i64,
    pub reason: &'a str,
    pub expires_on: Date,
    pub created_by: Option<&'a str>,
}

pub async fn add_accommodation(
    conn: &mut AnyConnection,
    new: NewAccommodation<'_>,
) -> sqlx::Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO accommodations (id, person_id, extra_percent, reason, expires_on, created_by,
                                     created_at, organisation_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(new.person_id)
    .bind(new.extra_percent)
    .bind(new.reason)
    .bind(new.expires_on.iso())
    .bind(new.created_by)
    .bind(clock::now_ms())
    .bind(new.centre_id)
    .execute(conn)
    .await?;
    Ok(id)
}

/// Settles a flag: keeps the record as it is, or takes the name and birth date the roster gave.
pub async fn resolve_flag(
    conn: &mut AnyConnection,
    person: &Person,
    take_roster: bool,
) -> sqlx::Result<()> {
    let claim: Option<RosterClaim> = serde_json::from_str(&person.flag_detail).ok();
    match claim.filter(|_| take_roster) {
        Some(claim) => {
            sqlx::query(
                "UPDATE people SET full_name = $1, birth_date = $2, flag = NULL, flag_detail = '' WHERE id = $3",
            )
            .bind(&claim.full_name)
            .bind(&claim.birth_date)
            .bind(&person.id)
            .execute(conn)
            .await?;
        }
        None => {
            sqlx::query("UPDATE people SET flag = NULL, flag_detail = '' WHERE id = $1")
                .bind(&person.id)
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}
