//! SQL for staff accounts, their sign-in sessions and the sign-in failure log.

use sqlx::{AnyConnection, AnyPool, FromRow};

use super::{
    SessionUser,
    model::{Email, FailureCounts, Role},
};
use crate::clock;

/// A user as listed for administrators.
#[derive(Clone, Debug, FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub role: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub department_id: String,
    pub disabled_at: Option<i64>,
}

impl UserRow {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Proctor)
    }
}

/// What sign-in needs to know about an account.
#[derive(Debug, FromRow)]
pub struct Credentials {
    pub id: String,
    pub password_hash: String,
    pub disabled_at: Option<i64>,
    pub must_change_password: i64,
    /// When a temporary password stops working (NULL: the owner chose this password).
    pub temporary_until: Option<i64>,
}

const USER_COLUMNS: &str = "u.id, u.email, u.full_name, u.role, u.organisation_id,
    o.name AS organisation_name, COALESCE(o.department_id, o.id) AS department_id, u.disabled_at
    FROM users u JOIN organisations o ON o.id = u.organisation_id";

pub async fn credentials(pool: &AnyPool, email: &Email) -> sqlx::Result<Option<Credentials>> {
    sqlx::query_as(
        "SELECT id, password_hash, disabled_at, must_change_password, temporary_until
         FROM users WHERE email = $1",
    )
    .bind(email.as_str())
    .fetch_optional(pool)
    .await
}

pub async fn user(pool: &AnyPool, id: &str) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(&format!("SELECT {USER_COLUMNS} WHERE u.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Every account of a department (its own staff and its centres' staff), by name.
pub async fn users_of_department(
    pool: &AnyPool,
    department_id: &str,
) -> sqlx::Result<Vec<UserRow>> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} WHERE COALESCE(o.department_id, o.id) = $1 ORDER BY o.name, u.full_name"
    ))
    .bind(department_id)
    .fetch_all(pool)
    .await
}

/// A new account to insert.
pub struct NewUser<'a> {
    pub organisation_id: &'a str,
    pub email: &'a Email,
    pub full_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub must_change_password: bool,
}

pub async fn insert_user(conn: &mut AnyConnection, user: NewUser<'_>) -> sqlx::Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    let now = clock::now_ms();
    sqlx::query(
        "INSERT INTO users (id, organisation_id, email, full_name, role, password_hash,
                            must_change_password, created_at, temporary_until)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(user.organisation_id)
    .bind(user.email.as_str())
    .bind(user.full_name)
    .bind(user.role.as_str())
    .bind(user.password_hash)
    .bind(i64::from(user.must_change_password))
    .bind(now)
    .bind(user.must_change_password.then(|| temporary_until(now)))
    .execute(conn)
    .await?;
    Ok(id)
}

/// When a temporary password handed out at `now_ms` stops working.
fn temporary_until(now_ms: i64) -> i64 {
    now_ms + super::model::TEMPORARY_PASSWORD_HOURS * 3_600_000
}

/// Sets a password; a temporary one (`must_change`) works for 72 hours.
pub async fn set_password(
    conn: &mut AnyConnection,
    user_id: &str,
    password_hash: &str,
    must_change: bool,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = $2, temporary_until = $3
         WHERE id = $4",
    )
    .bind(password_hash)
    .bind(i64::from(must_change))
    .bind(must_change.then(|| temporary_until(clock::now_ms())))
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_disabled(
    conn: &mut AnyConnection,
    user_id: &str,
    disabled: bool,
) -> sqlx::Result<()> {
    let at = disabled.then(clock::now_ms);
    sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
        .bind(at)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn insert_session(
    conn: &mut AnyConnection,
    digest: &str,
    user_id: &str,
    lifetime_ms: i64,
) -> sqlx::Result<()> {
    let now = clock::now_ms();
    sqlx::query(
        "INSERT INTO staff_sessions (token_digest, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(digest)
    .bind(user_id)
    .bind(now)
    .bind(now + lifetime_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(FromRow)]
struct SessionRow {
    id: String,
    email: String,
    full_name: String,
    role: String,
    organisation_id: String,
    organisation_name: String,
    department_id: String,
    must_change_password: i64,
}

/// The signed-in user behind a session digest, if the session and the account are both live.
pub async fn session_user(pool: &AnyPool, digest: &str) -> sqlx::Result<Option<SessionUser>> {
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT u.id, u.email, u.full_name, u.role, u.organisation_id, o.name AS organisation_name,
                COALESCE(o.department_id, o.id) AS department_id, u.must_change_password
         FROM staff_sessions s
         JOIN users u ON u.id = s.user_id
         JOIN organisations o ON o.id = u.organisation_id
         WHERE s.token_digest = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
           AND u.disabled_at IS NULL",
    )
    .bind(digest)
    .bind(clock::now_ms())
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|r| {
        Some(SessionUser {
            role: Role::parse(&r.role)?,
            id: r.id,
            email: r.email,
            full_name: r.full_name,
            organisation_id: r.organisation_id,
            organisation_name: r.organisation_name,
            department_id: r.department_id,
            must_change_password: r.must_change_password != 0,
        })
    }))
}

pub async fn revoke_session(conn: &mut AnyConnection, digest: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE staff_sessions SET revoked_at = $1 WHERE token_digest = $2 AND revoked_at IS NULL",
    )
    .bind(clock::now_ms())
    .bind(digest)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Ends every session of a user except, optionally, the one making the change.
pub async fn revoke_sessions_of(
    conn: &mut AnyConnection,
    user_id: &str,
    except_digest: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE staff_sessions SET revoked_at = $1
         WHERE user_id = $2 AND revoked_at IS NULL AND token_digest <> $3",
    )
    .bind(clock::now_ms())
    .bind(user_id)
    .bind(except_digest.unwrap_or(""))
    .execute(conn)
    .await?;
    Ok(())
}

/// Failures within the window for this account and this client address.
pub async fn recent_failures(
    conn: &mut AnyConnection,
    account_key: &str,
    client_addr: &str,
    since_ms: i64,
) -> sqlx::Result<FailureCounts> {
    let (account, account_oldest_ms): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(at) FROM sign_in_failures WHERE account_key = $1 AND at > $2",
    )
    .bind(account_key)
    .bind(since_ms)
    .fetch_one(&mut *conn)
    .await?;
    let (client, client_oldest_ms): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(at) FROM sign_in_failures WHERE client_addr = $1 AND at > $2",
    )
    .bind(client_addr)
    .bind(since_ms)
    .fetch_one(&mut *conn)
    .await?;
    Ok(FailureCounts {
        account: u32::try_from(account).unwrap_or(u32::MAX),
        account_oldest_ms,
        client: u32::try_from(client).unwrap_or(u32::MAX),
        client_oldest_ms,
    })
}

/// Records an attempt as a failure (before its password is checked) and returns its id.
pub async fn record_failure(
    conn: &mut AnyConnection,
    account_key: &str,
    client_addr: &str,
) -> sqlx::Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO sign_in_failures (id, account_key, client_addr, at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&id)
    .bind(account_key)
    .bind(client_addr)
    .bind(clock::now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Withdraws one recorded attempt (its password turned out right).
pub async fn delete_failure(conn: &mut AnyConnection, id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Drops failures that have left the window, so the log stays the size of one window.
pub async fn prune_failures(conn: &mut AnyConnection, older_than_ms: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
        .bind(older_than_ms)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// After a successful sign-in the account's count starts again; old rows are pruned.
pub async fn clear_failures(
    conn: &mut AnyConnection,
    account_key: &str,
    older_than_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE account_key = $1 OR at < $2")
        .bind(account_key)
        .bind(older_than_ms)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Sets an account's name, role and organisation.
pub async fn update_user(
    conn: &mut AnyConnection,
    user_id: &str,
    full_name: &str,
    role: Role,
    organisation_id: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET full_name = $1, role = $2, organisation_id = $3 WHERE id = $4")
        .bind(full_name)
        .bind(role.as_str())
        .bind(organisation_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}
