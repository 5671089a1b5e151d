//! The API's refusals, always JSON (`{"error": code, "message": …, "message_en": …}`), never
//! an error page: 401 with `WWW-Authenticate: Bearer` without a valid token, 400 for a
//! malformed cursor or limit, 404 for what the token does not see.

use actix_web::{HttpResponse, ResponseError, http::StatusCode, http::header};

use crate::{
    vocab::Lang,
    web::{AppError, error::Rendered},
};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No token, not one of ours, or revoked.
    #[error("a valid API token is required")]
    Unauthorized,
    #[error("malformed cursor")]
    BadCursor,
    #[error("malformed limit")]
    BadLimit,
    /// Not there, or not in the token's scope (the two are not told apart).
    #[error("not found")]
    NotFound,
    /// What only a Department's token may have (a transcript spans its centres).
    #[error("a Department's token is required")]
    DepartmentOnly,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::App(e.into())
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::App(e.into())
    }
}

impl ApiError {
    /// The stable code and the catalog key of the message.
    fn code_and_key(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::Unauthorized => ("unauthorized", "api.error.unauthorized"),
            ApiError::BadCursor => ("bad_cursor", "api.error.bad_cursor"),
            ApiError::BadLimit => ("bad_limit", "api.error.bad_limit"),
            ApiError::NotFound => ("not_found", "api.error.not_found"),
            ApiError::DepartmentOnly => ("department_token_required", "api.error.department_only"),
            ApiError::App(AppError::Conflict(key)) => ("conflict", key),
            ApiError::App(AppError::Unavailable(_)) => ("unavailable", "error.unavailable"),
            ApiError::App(_) => ("internal", "error.internal"),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::BadCursor | ApiError::BadLimit => StatusCode::BAD_REQUEST,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::DepartmentOnly => StatusCode::FORBIDDEN,
            ApiError::App(AppError::Conflict(_)) => StatusCode::CONFLICT,
            ApiError::App(AppError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::App(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::App(inner) = self {
            // Logs the cause once, as every other failed request does.
            drop(inner.error_response());
        }
        let (code, key) = self.code_and_key();
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        if matches!(self, ApiError::Unauthorized) {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"sathach\""));
        }
        let mut response = response.json(serde_json::json!({
            "error": code,
            "message": Lang::Vi.t(key),
            "message_en": Lang::En.t(key),
        }));
        response.extensions_mut().insert(Rendered);
        response
    }
}
