//! Exam sittings: the attempt's state machine, the server's deadline, and candidates' access
//! codes. No IO here.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// Where an attempt (person × session) is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AttemptState {
    NotArrived,
    CheckedIn,
    Authorised,
    InProgress,
    Paused,
    Submitted,
    Terminated,
}

/// What can happen to an attempt, and who makes it happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptEvent {
    /// Proctor: identity document matches the roster.
    CheckIn,
    /// Proctor: the candidate may start.
    Authorise,
    /// Candidate: the paper is drawn and the clock starts.
    Start,
    /// Proctor (or the server after a restart): the clock stops.
    Pause,
    /// Proctor: the clock runs again.
    Resume,
    /// Candidate, the deadline, or the proctor closing the session.
    Submit,
    /// Proctor: misconduct (đình chỉ thi).
    Terminate,
    /// Proctor, when policy allows: a terminated attempt continues, paused.
    Reopen,
}

impl AttemptState {
    /// The state after `event`, or None when the event is not allowed now.
    pub fn after(self, event: AttemptEvent) -> Option<AttemptState> {
        use AttemptEvent as E;
        use AttemptState as S;
        Some(match (self, event) {
            (S::NotArrived, E::CheckIn) => S::CheckedIn,
            (S::CheckedIn, E::Authorise) => S::Authorised,
            (S::Authorised, E::Start) => S::InProgress,
            (S::InProgress, E::Pause) => S::Paused,
            (S::Paused, E::Resume) => S::InProgress,
            (S::InProgress | S::Paused, E::Submit) => S::Submitted,
            (S::CheckedIn | S::Authorised | S::InProgress | S::Paused, E::Terminate) => {
                S::Terminated
            }
            (S::Terminated, E::Reopen) => S::Paused,
            _ => return None,
        })
    }

    /// Nothing more happens to the attempt (short of a reopening).
    pub fn is_final(self) -> bool {
        matches!(self, AttemptState::Submitted | AttemptState::Terminated)
    }
}

/// The server's deadline, in UTC milliseconds: start + duration, lengthened by the person's
/// accommodation (a percentage of the duration), extra time granted, and time spent paused.
pub fn deadline_ms(
    started_ms: i64,
    duration_minutes: u32,
    accommodation_percent: u32,
    extra_ms: i64,
    paused_ms: i64,
) -> i64 {
    let duration_ms = i64::from(duration_minutes) * 60_000;
    let accommodation_ms = duration_ms * i64::from(accommodation_percent) / 100;
    started_ms + duration_ms + accommodation_ms + extra_ms.max(0) + paused_ms.max(0)
}

/// Letters and digits no one confuses on a printed slip (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
const CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";

/// A new access code: 10 characters from 25 (about 46 bits), printed as `XXXXX-XXXXX`.
pub fn new_access_code() -> String {
    let chars = crate::text::random_chars(CODE_ALPHABET, 10);
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// A typed code in its canonical form: upper case, without spaces or dashes.
pub fn normalise_access_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// What is stored and looked up: a SHA-256 digest of the canonical code (codes carry enough
/// entropy that no slow hash is needed, and guessing is throttled per candidate number).
pub fn access_code_digest(typed: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(normalise_access_code(typed).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::{AttemptEvent as E, AttemptState as S, *};

    #[test]
    fn the_normal_path_and_its_detours() {
        let path = [
            E::CheckIn,
            E::Authorise,
            E::Start,
            E::Pause,
            E::Resume,
            E::Submit,
        ];
        let end = path.iter().try_fold(S::NotArrived, |s, e| s.after(*e));
        assert_eq!(end, Some(S::Submitted));
        assert_eq!(S::InProgress.after(E::Terminate), Some(S::Terminated));
        assert_eq!(S::Terminated.after(E::Reopen), Some(S::Paused));
        assert!(S::Submitted.is_final() && S::Terminated.is_final());
    }

    #[test]
    fn nothing_skips_the_proctor() {
        assert_eq!(
            S::NotArrived.after(E::Start),
            None,
            "no start before check-in"
        );
        assert_eq!(
            S::CheckedIn.after(E::Start),
            None,
            "no start before authorisation"
        );
        assert_eq!(S::Submitted.after(E::Resume), None);
        assert_eq!(S::Submitted.after(E::Terminate), None);
        assert_eq!(S::Paused.after(E::Pause), None);
        assert_eq!(S::NotArrived.after(E::Submit), None);
    }

    #[test]
    fn deadline_adds_accommodation_extra_time_and_pauses() {
        let start = 1_000_000;
        assert_eq!(deadline_ms(start, 45, 0, 0, 0), start + 45 * 60_000);
        // 25 % extra time on 40 minutes is 10 minutes; plus 3 granted, plus 2 paused.
        assert_eq!(
            deadline_ms(start, 40, 25, 180_000, 120_000),
            start + (40 + 10 + 3 + 2) * 60_000
        );
    }

    #[test]
    fn access_codes_are_long_unambiguous_and_typed_loosely() {
        let code = new_access_code();
        assert_eq!(code.len(), 11);
        assert!(
            code.chars()
                .filter(|c| *c != '-')
                .all(|c| CODE_ALPHABET.contains(&(c as u8)))
        );
        assert!((CODE_ALPHABET.len() as f64).log2() * 10.0 >= 40.0);
        assert_ne!(code, new_access_code());
        assert_eq!(
            access_code_digest(&code),
            access_code_digest(&code.to_lowercase().replace('-', " "))
        );
    }
}
