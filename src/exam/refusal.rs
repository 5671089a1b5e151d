//! Why a save is refused, and how each refusal is told: JSON `{error, key, go}` with its own
//! status for the page's script, and for a plain form a redirect to where the candidate
//! belongs, with a notice that says what happened to the answer (never a 400 page).

use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

use super::pages::see_other;
use crate::attempts::model::AttemptState;
use crate::{vocab::Lang, web::AppError};

/// A save that did not land, by what the candidate should be told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The attempt is paused: the script keeps the answer and sends it after the resume.
    Paused,
    /// A newer save of this question is stored (another tab saved later).
    Stale,
    /// Submitted, past the deadline and its grace, or terminated: nothing more is saved.
    Ended {
        terminated: bool,
    },
    /// Not started, or this device waits for the proctor.
    NotRunning,
    /// Another device holds the attempt now (or this one signed out).
    DeviceReplaced,
    NoSuchQuestion,
    /// A sequential paper's question already left behind.
    QuestionClosed,
    /// An answer that cannot be read (a catalog key: `exam.unknown_token`, `exam.malformed`).
    Unreadable(&'static str),
    /// The database could not store it: the script keeps it and retries.
    Retrying,
}

impl Refusal {
    pub fn status(self) -> u16 {
        match self {
            Refusal::Paused
            | Refusal::Stale
            | Refusal::Ended { .. }
            | Refusal::NotRunning
            | Refusal::QuestionClosed => 409,
            Refusal::DeviceReplaced => 403,
            Refusal::NoSuchQuestion => 404,
            Refusal::Unreadable(_) => 422,
            Refusal::Retrying => 503,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Refusal::Paused => "exam.paused",
            Refusal::Stale => "exam.stale",
            Refusal::Ended { .. } => "exam.ended",
            Refusal::NotRunning => "exam.not_running",
            Refusal::DeviceReplaced => "exam.device_replaced",
            Refusal::NoSuchQuestion => "exam.no_such_question",
            Refusal::QuestionClosed => "exam.question_closed",
            Refusal::Unreadable(key) => key,
            Refusal::Retrying => "exam.not_saved_retrying",
        }
    }

    /// Where the script should send the candidate, if anywhere.
    pub fn go(self) -> Option<&'static str> {
        match self {
            Refusal::Ended { terminated: false } => Some("/thi/receipt"),
            Refusal::Ended { terminated: true } | Refusal::NotRunning => Some("/thi/lobby"),
            Refusal::DeviceReplaced => Some("/thi"),
            _ => None,
        }
    }

    /// Where a plain form goes instead: `n` is the question posted, `current` the one the
    /// candidate is on.
    pub fn redirect(self, n: usize, current: &str) -> String {
        match self {
            Refusal::Paused => format!("/thi/lobby?notice=exam.not_saved_paused&q={n}"),
            Refusal::Stale | Refusal::Unreadable(_) => {
                format!("/thi/q/{n}?notice={}", self.key())
            }
            Refusal::Ended { terminated: false } => "/thi/receipt?notice=exam.ended".into(),
            Refusal::Ended { terminated: true } | Refusal::NotRunning => "/thi/lobby".into(),
            Refusal::DeviceReplaced => "/thi?notice=exam.device_replaced".into(),
            Refusal::NoSuchQuestion => current.into(),
            Refusal::QuestionClosed => format!("{current}?notice=exam.question_closed"),
            Refusal::Retrying => format!("/thi/q/{n}?notice=exam.not_saved"),
        }
    }

    /// The reply: JSON for the script, a redirect for a plain form.
    pub fn reply(
        self,
        script: bool,
        lang: Lang,
        n: usize,
        current: &str,
    ) -> Result<HttpResponse, AppError> {
        tracing::info!(refusal = self.key(), question = n, "a save was refused");
        if script {
            let body = json!({"error": lang.t(self.key()), "key": self.key(), "go": self.go()});
            return crate::web::json(self.status(), &body);
        }
        Ok(see_other(&self.redirect(n, current)))
    }
}

/// Why an attempt in `state` does not take answers now (`overdue`: past the deadline and its
/// grace), or None when it does.
pub fn closed(state: AttemptState, overdue: bool) -> Option<Refusal> {
    match state {
        AttemptState::InProgress if overdue => Some(Refusal::Ended { terminated: false }),
        AttemptState::InProgress => None,
        AttemptState::Paused => Some(Refusal::Paused),
        AttemptState::Submitted => Some(Refusal::Ended { terminated: false }),
        AttemptState::Terminated => Some(Refusal::Ended { terminated: true }),
        AttemptState::NotArrived
        | AttemptState::CheckedIn
        | AttemptState::Authorised
        | AttemptState::Removed => Some(Refusal::NotRunning),
    }
}

/// Whether the page's script asked (it wants JSON, not a redirect).
pub fn from_script(req: &HttpRequest) -> bool {
    crate::web::wants_json(req)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_that_takes_no_answers_has_its_refusal() {
        assert_eq!(closed(AttemptState::InProgress, false), None);
        assert_eq!(
            closed(AttemptState::InProgress, true),
            Some(Refusal::Ended { terminated: false })
        );
        assert_eq!(closed(AttemptState::Paused, false), Some(Refusal::Paused));
        assert_eq!(
            closed(AttemptState::Terminated, false).and_then(Refusal::go),
            Some("/thi/lobby")
        );
        assert_eq!(
            closed(AttemptState::Authorised, false),
            Some(Refusal::NotRunning)
        );
    }

    #[test]
    fn a_plain_form_is_never_left_on_an_error_page() {
        assert_eq!(
            Refusal::Paused.redirect(5, "/thi/q/5"),
            "/thi/lobby?notice=exam.not_saved_paused&q=5"
        );
        assert_eq!(
            Refusal::Ended { terminated: false }.redirect(5, "/thi/q/5"),
            "/thi/receipt?notice=exam.ended"
        );
        assert_eq!(
            Refusal::QuestionClosed.redirect(2, "/thi/q/4"),
            "/thi/q/4?notice=exam.question_closed"
        );
        assert_eq!(Refusal::Stale.status(), 409);
        assert_eq!(Refusal::DeviceReplaced.status(), 403);
    }
}
