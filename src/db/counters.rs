//! Numbers taken in sequence without races, and rows that serialise concurrent writers of one
//! record. On SQLite every write already runs one at a time; on PostgreSQL two transactions
//! that read `MAX(n) + 1` at once would take the same number, so the number (or the right to
//! compute one) is taken from a row of `counters`, which the second transaction waits for.

use sqlx::AnyConnection;

/// The next number of `scope`, in the caller's transaction. `floor` is the largest number
/// already in use by records made before the counter existed (0 when none).
pub async fn next_number(conn: &mut AnyConnection, scope: &str, floor: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO counters (scope, value) VALUES ($1, $2)
         ON CONFLICT (scope) DO UPDATE SET value =
             CASE WHEN counters.value >= excluded.value THEN counters.value + 1 ELSE excluded.value END
         RETURNING value",
    )
    .bind(scope)
    .bind(floor + 1)
    .fetch_one(conn)
    .await
}

/// Holds `scope`'s row until the caller's transaction ends, so writers of the same record
/// (an import of one bank, a new version of one blueprint) take turns.
pub async fn serialize_on(conn: &mut AnyConnection, scope: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO counters (scope, value) VALUES ($1, 0)
         ON CONFLICT (scope) DO UPDATE SET value = counters.value",
    )
    .bind(scope)
    .execute(conn)
    .await?;
    Ok(())
}
