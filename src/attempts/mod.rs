//! Attempts (bài thi): one person in one session, from the check-in desk to submission. The
//! state machine (`model`) and the clock (`clock`) are pure; `store` applies changes with their log entry in
//! one transaction; `liveness` and `restart` keep time fair across server restarts, deadlines and
//! the session's end; `ping` and `seen` tell the proctor whose page is open and reachable.

pub mod answers;
pub mod clock;
pub mod devices;
pub mod finish;
pub mod guessing;
pub mod liveness;
pub mod model;
pub mod pages;
pub mod paper;
pub mod ping;
pub mod questions;
pub mod reasons;
pub mod receipt;
pub mod refusal;
pub mod responses;
pub mod restart;
pub mod review;
pub mod seen;
pub mod sheet;
pub mod sign_in;
pub mod store;

/// A candidate's access code for one generation of an attempt's code: derived from the
/// server secret, so it can be printed again, and stored only as a digest. Reissuing moves to
/// the next generation, and the old code stops working.
pub fn access_code(secret: &[u8], attempt_id: &str, generation: i64) -> String {
    let bytes =
        crate::web::keyed_bytes(secret, "access-code", &format!("{attempt_id}/{generation}"));
    model::access_code_from(bytes)
}
