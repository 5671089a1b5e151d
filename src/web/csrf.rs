//! CSRF protection for every state-changing request: each browser holds a random value in an
//! HttpOnly cookie, and every form carries HMAC(server secret, that value). A request whose
//! method is not GET/HEAD/OPTIONS must present the matching token in the `csrf` form field,
//! the `csrf` query parameter (multipart uploads) or the `X-CSRF-Token` header.

use actix_web::{
    Error, FromRequest, HttpMessage,
    body::{EitherBody, MessageBody},
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::{Method, StatusCode},
    middleware::Next,
    web::{self, Bytes},
};

use super::{AppError, AppState};
use crate::vocab::token::random_token;

/// The token forms of this request must carry.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

const PURPOSE: &str = "csrf";

/// Middleware: sets the browser's CSRF cookie when missing and rejects unsafe requests whose
/// token does not match it.
pub async fn guard<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .expect("AppState registered");
    let names = state.cookies();
    let existing = req
        .cookie(names.csrf())
        .map(|c| c.value().to_string())
        .filter(|v| v.len() >= 43);
    let (seed, fresh) = match existing {
        Some(seed) => (seed, false),
        None => (random_token(), true),
    };
    let expected = state.keyed_digest(PURPOSE, &seed);
    req.extensions_mut().insert(CsrfToken(expected.clone()));

    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let req = if safe {
        req
    } else {
        let (req, submitted) = match submitted_token(req).await {
            Ok(read) => read,
            // A body that cannot be read (over the limit, cut off) gets a page (or JSON) in
            // the visitor's language, not the framework's plain text.
            Err((req, unreadable)) => {
                return Ok(req.error_response(unreadable).map_into_right_body());
            }
        };
        let valid = !fresh
            && submitted.is_some_and(|s| constant_time_eq(s.as_bytes(), expected.as_bytes()));
        if !valid {
            tracing::warn!(
                path = req.path(),
                "request refused: missing or wrong CSRF token"
            );
            let mut res = req.error_response(AppError::CsrfRejected);
            if fresh {
                res.response_mut()
                    .add_cookie(&names.build(names.csrf(), seed))?;
            }
            return Ok(res.map_into_right_body());
        }
        req
    };

    let mut res = next.call(req).await?;
    if fresh {
        res.response_mut()
            .add_cookie(&names.build(names.csrf(), seed))?;
    }
    Ok(res.map_into_left_body())
}

/// A new CSRF cookie, issued at sign-in and sign-out so tokens from before stop working.
pub fn rotated_cookie(state: &AppState) -> actix_web::cookie::Cookie<'static> {
    let names = state.cookies();
    names.build(names.csrf(), random_token())
}

/// The token the request carries; or, when its body cannot be read, the request back with
/// the error to answer.
async fn submitted_token(
    req: ServiceRequest,
) -> Result<(ServiceRequest, Option<String>), (ServiceRequest, AppError)> {
    if let Some(header) = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        let header = header.to_string();
        return Ok((req, Some(header)));
    }
    let from_query = web::Query::<TokenField>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.0.csrf);
    if from_query.is_some() {
        return Ok((req, from_query));
    }
    if req.content_type() != "application/x-www-form-urlencoded" {
        return Ok((req, None));
    }
    let (http_req, mut payload) = req.into_parts();
    let body = match Bytes::from_request(&http_req, &mut payload).await {
        Ok(body) => body,
        Err(e) => {
            let too_large = e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE;
            tracing::warn!(path = http_req.path(), error = %e, "request body refused");
            let req = ServiceRequest::from_parts(http_req, Payload::None);
            let error = if too_large {
                AppError::TooLarge
            } else {
                AppError::BadRequest("error.bad_request")
            };
            return Err((req, error));
        }
    };
    let token = serde_urlencoded::from_bytes::<TokenField>(&body)
        .ok()
        .and_then(|f| f.csrf);
    let req = ServiceRequest::from_parts(http_req, Payload::from(body));
    Ok((req, token))
}

#[derive(serde::Deserialize)]
struct TokenField {
    csrf: Option<String>,
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}
