//! The page's heartbeat, `POST /thi/ping`: the attempt's state, the server's time left and
//! where the candidate belongs, so a pause stops the page's timer within one beat. It writes
//! nothing: the candidate extractor records the sighting in memory (`seen`), written with the
//! node's other sightings every few seconds.

use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, web};
use serde_json::{Value, json};

use super::pages::Exam;
use crate::attempts::devices::Candidate;
use crate::{
    clock,
    vocab::Lang,
    web::{AppError, AppState, Chrome},
};

/// What the page is told of its attempt now.
pub fn reply(exam: &Exam, now: i64) -> Value {
    let clock = &exam.entry.clock;
    json!({
        "state": exam.state().as_str(),
        "left_ms": clock.time_left_ms(now),
        "answered": exam.entry.answered,
        "total": clock.paper_id.as_ref().map(|_| clock.item_count),
        "go": exam.elsewhere(),
    })
}

/// A refusal in the shape the page's script reads for every reply that is not a result.
fn refusal(status: u16, key: &str, lang: Lang, go: Option<&str>) -> Result<HttpResponse, AppError> {
    crate::web::json(status, &json!({"error": lang.t(key), "key": key, "go": go}))
}

pub async fn ping(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let lang = Chrome::lang_of(&req);
    match answer(&req, &state).await {
        Ok(reply) => crate::web::json(200, &reply),
        Err(AppError::CandidateSignInRequired) => {
            match crate::attempts::devices::replaced(&req).await {
                Ok(true) => refusal(403, "exam.device_replaced", lang, Some("/thi")),
                Ok(false) => refusal(401, "exam.sign_in_required", lang, Some("/thi")),
                Err(e) => Err(e.into()),
            }
        }
        Err(AppError::Unavailable(cause)) => {
            tracing::warn!(error = %cause, "a page's heartbeat could not be answered");
            refusal(503, "exam.not_saved_retrying", lang, None)
        }
        Err(AppError::Internal(cause)) => {
            tracing::error!(error = format!("{cause:#}"), "a page's heartbeat failed");
            refusal(500, "error.internal", lang, None)
        }
        Err(other) => Err(other),
    }
}

async fn answer(req: &HttpRequest, state: &AppState) -> Result<Value, AppError> {
    let candidate = Candidate::from_request(req, &mut Payload::None).await?;
    let exam = Exam::load(&candidate, state).await?;
    Ok(reply(&exam, clock::now_ms()))
}
