//! Attempts (bài thi): one person in one session, from the check-in desk to submission. The
//! state machine (`model`) and the clock (`clock`) are pure; `store` applies changes with their log entry in
//! one transaction; `liveness` and `restart` keep time fair across server restarts, deadlines and
//! the session's end; `seen` tells the proctor whose page is open and reachable. The
//! candidate's pages that use them live in `exam`.

pub mod answers;
pub mod clock;
pub mod detail;
pub mod devices;
pub mod finish;
pub mod group_commit;
pub mod guessing;
pub mod kept;
pub mod liveness;
pub mod model;
pub mod paper;
pub mod reasons;
pub mod responses;
pub mod restart;
pub mod save_batch;
pub mod seen;
pub mod store;

/// A candidate's access code for one generation of an attempt's code: derived from the
/// server secret, so it can be printed again, and stored only as a digest. Reissuing moves to
/// the next generation, and the old code stops working.
pub fn access_code(secret: &[u8], attempt_id: &str, generation: i64) -> String {
    let bytes = crate::vocab::token::keyed_bytes(
        secret,
        "access-code",
        &format!("{attempt_id}/{generation}"),
    );
    model::access_code_from(bytes)
}
