//! API tokens: stored by their digest only, created and revoked by admins (audited), and the
//! `ApiClient` extractor that turns `Authorization: Bearer sth_…` into the token's scope, or a
//! 401 JSON answer. Staff cookies mean nothing here, and a token is never a staff sign-in.

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use sqlx::{AnyConnection, AnyPool, FromRow};

use super::{
    errors::ApiError,
    model::{self, Scope},
};
use crate::{
    audit, clock,
    vocab::token::token_digest,
    web::{AppError, AppState},
};

/// A token as the list shows it (never the token itself).
#[derive(Clone, Debug, FromRow)]
pub struct TokenRow {
    pub id: String,
    pub organisation_id: String,
    pub organisation_code: String,
    pub organisation_name: String,
    pub name: String,
    pub hint: String,
    pub created_by: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_by: Option<String>,
    pub revoked_at: Option<i64>,
}

impl TokenRow {
    pub fn created(&self) -> String {
        clock::format_local(self.created_at)
    }

    pub fn last_used(&self) -> Option<String> {
        self.last_used_at.map(clock::format_local)
    }

    pub fn revoked(&self) -> Option<String> {
        self.revoked_at.map(clock::format_local)
    }
}

/// The tokens of a Department and its centres, newest first.
pub async fn of_department(pool: &AnyPool, department_id: &str) -> sqlx::Result<Vec<TokenRow>> {
    sqlx::query_as(
        "SELECT t.id, t.organisation_id, o.code AS organisation_code,
                o.name AS organisation_name, t.name, t.hint, u.full_name AS created_by,
                t.created_at, t.last_used_at, r.full_name AS revoked_by, t.revoked_at
         FROM api_tokens t
         JOIN organisations o ON o.id = t.organisation_id
         JOIN users u ON u.id = t.created_by
         LEFT JOIN users r ON r.id = t.revoked_by
         WHERE o.id = $1 OR o.department_id = $1
         ORDER BY t.created_at DESC, t.id",
    )
    .bind(department_id)
    .fetch_all(pool)
    .await
}

/// Creates a token for an organisation in the caller's transaction, audited; returns the
/// token, which is shown once and never stored.
pub async fn create(
    conn: &mut AnyConnection,
    organisation_id: &str,
    name: &str,
    by: &str,
) -> sqlx::Result<String> {
    let token = model::new_token();
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO api_tokens (id, organisation_id, name, hint, digest, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(organisation_id)
    .bind(name)
    .bind(model::hint(&token))
    .bind(token_digest(&token))
    .bind(by)
    .bind(clock::now_ms())
    .execute(&mut *conn)
    .await?;
    let entry = audit::AuditEntry {
        actor: Some(by),
        action: "api_token.create",
        subject_id: &id,
        detail: format!("{name} for {organisation_id}"),
    };
    audit::record(conn, entry).await?;
    Ok(token)
}

/// Revokes a token of the Department (or one of its centres) that is still in force, audited;
/// false when there is no such token.
pub async fn revoke(
    conn: &mut AnyConnection,
    department_id: &str,
    token_id: &str,
    by: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1, revoked_by = $2
         WHERE id = $3 AND revoked_at IS NULL AND organisation_id IN
               (SELECT id FROM organisations WHERE id = $4 OR department_id = $4)",
    )
    .bind(clock::now_ms())
    .bind(by)
    .bind(token_id)
    .bind(department_id)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if done {
        let entry = audit::AuditEntry {
            actor: Some(by),
            action: "api_token.revoke",
            subject_id: token_id,
            detail: String::new(),
        };
        audit::record(conn, entry).await?;
    }
    Ok(done)
}

/// The caller of an API route: a token in force, and whose data it sees.
#[derive(Clone, Debug)]
pub struct ApiClient {
    pub token_id: String,
    pub scope: Scope,
}

#[derive(FromRow)]
struct Found {
    id: String,
    organisation_id: String,
    kind: String,
    last_used_at: Option<i64>,
}

/// The token in force with this digest.
async fn authenticate(state: &AppState, token: &str) -> Result<ApiClient, ApiError> {
    let found: Option<Found> = sqlx::query_as(
        "SELECT t.id, t.organisation_id, o.kind, t.last_used_at
         FROM api_tokens t JOIN organisations o ON o.id = t.organisation_id
         WHERE t.digest = $1 AND t.revoked_at IS NULL",
    )
    .bind(token_digest(token))
    .fetch_optional(&state.db.read)
    .await
    .map_err(AppError::from)?;
    let found = found.ok_or(ApiError::Unauthorized)?;
    let scope = Scope::of(&found.kind, &found.organisation_id).ok_or(ApiError::Unauthorized)?;
    let now = clock::now_ms();
    if found
        .last_used_at
        .is_none_or(|at| now - at >= model::LAST_USED_EVERY_MS)
    {
        note_use(state, &found.id, now).await?;
    }
    Ok(ApiClient {
        token_id: found.id,
        scope,
    })
}

/// Records that a token was used (not more often than `LAST_USED_EVERY_MS`, whichever node
/// serves the call).
async fn note_use(state: &AppState, token_id: &str, now: i64) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "UPDATE api_tokens SET last_used_at = $1
         WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)",
    )
    .bind(now)
    .bind(token_id)
    .bind(now - model::LAST_USED_EVERY_MS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

impl FromRequest for ApiClient {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(model::bearer)
            .map(str::to_string);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let token = token.ok_or(ApiError::Unauthorized)?;
            let state = state.expect("AppState registered");
            let client = authenticate(&state, &token).await?;
            tracing::debug!(api_token.id = %client.token_id, "API call authenticated");
            Ok(client)
        })
    }
}
