//! SQL for organisations and rooms.

use sqlx::{AnyConnection, AnyPool};

use super::model::{OrgKind, Organisation, Room};
use crate::clock;

const COLUMNS: &str = "id, kind, code, name, department_id";

pub async fn by_id<'e, E>(executor: E, id: &str) -> sqlx::Result<Option<Organisation>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM organisations WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(executor)
    .await
}

pub async fn by_code(pool: &AnyPool, code: &str) -> sqlx::Result<Option<Organisation>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM organisations WHERE code = $1"
    ))
    .bind(code)
    .fetch_optional(pool)
    .await
}

/// The department itself, then its centres and schools, by kind and name.
pub async fn of_department(pool: &AnyPool, department_id: &str) -> sqlx::Result<Vec<Organisation>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM organisations WHERE id = $1 OR department_id = $1
         ORDER BY CASE kind WHEN 'department' THEN 0 WHEN 'centre' THEN 1 ELSE 2 END, name"
    ))
    .bind(department_id)
    .fetch_all(pool)
    .await
}

/// Inserts an organisation; `department_id` is None exactly for a department.
pub async fn insert(
    conn: &mut AnyConnection,
    kind: OrgKind,
    code: &str,
    name: &str,
    department_id: Option<&str>,
) -> sqlx::Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO organisations (id, kind, code, name, department_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(kind.as_str())
    .bind(code)
    .bind(name)
    .bind(department_id)
    .bind(clock::now_ms())
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn rooms(pool: &AnyPool, organisation_id: &str) -> sqlx::Result<Vec<Room>> {
    sqlx::query_as("SELECT id, name, seats FROM rooms WHERE organisation_id = $1 ORDER BY name")
        .bind(organisation_id)
        .fetch_all(pool)
        .await
}

pub async fn insert_room(
    conn: &mut AnyConnection,
    organisation_id: &str,
    name: &str,
    seats: i64,
) -> sqlx::Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query("INSERT INTO rooms (id, organisation_id, name, seats, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(organisation_id)
        .bind(name)
        .bind(seats)
        .bind(clock::now_ms())
        .execute(conn)
        .await?;
    Ok(id)
}
