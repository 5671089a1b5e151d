//! An attempt (one person in one session): its state machine, the server's clock, the rules
//! for starting, and the candidate's access code. No IO here.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

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
    /// Taken off the roster before starting (kept, since the log refers to it).
    Removed,
}

/// A state read from the database that is none of ours: reading the attempt fails with it.
#[derive(Debug, PartialEq, Eq)]
pub struct UnknownState(pub String);

impl std::fmt::Display for UnknownState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown attempt state {:?}", self.0)
    }
}

impl std::error::Error for UnknownState {}

impl TryFrom<String> for AttemptState {
    type Error = UnknownState;

    fn try_from(text: String) -> Result<Self, UnknownState> {
        Self::parse(&text).ok_or(UnknownState(text))
    }
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
    /// Proctor: more time for this candidate (the state stays).
    ExtraTime,
    /// Proctor: misconduct (đình chỉ thi).
    Terminate,
    /// Proctor, when policy allows: a terminated attempt, or one the server submitted at the
    /// window's end, continues, paused.
    Reopen,
}

impl AttemptState {
    pub const ALL: [AttemptState; 8] = [
        AttemptState::NotArrived,
        AttemptState::CheckedIn,
        AttemptState::Authorised,
        AttemptState::InProgress,
        AttemptState::Paused,
        AttemptState::Submitted,
        AttemptState::Terminated,
        AttemptState::Removed,
    ];

    /// The stored form (and the suffix of the catalog key `attempt.state_*`).
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptState::NotArrived => "not_arrived",
            AttemptState::CheckedIn => "checked_in",
            AttemptState::Authorised => "authorised",
            AttemptState::InProgress => "in_progress",
            AttemptState::Paused => "paused",
            AttemptState::Submitted => "submitted",
            AttemptState::Terminated => "terminated",
            AttemptState::Removed => "removed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            AttemptState::NotArrived => "attempt.state_not_arrived",
            AttemptState::CheckedIn => "attempt.state_checked_in",
            AttemptState::Authorised => "attempt.state_authorised",
            AttemptState::InProgress => "attempt.state_in_progress",
            AttemptState::Paused => "attempt.state_paused",
            AttemptState::Submitted => "attempt.state_submitted",
            AttemptState::Terminated => "attempt.state_terminated",
            AttemptState::Removed => "session.more.state_removed",
        }
    }

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
            (S::Authorised | S::InProgress | S::Paused, E::ExtraTime) => self,
            (S::CheckedIn | S::Authorised | S::InProgress | S::Paused, E::Terminate) => {
                S::Terminated
            }
            // From Submitted only when the server submitted it at the window's end (the
            // clock's `allows` checks the end cause).
            (S::Terminated | S::Submitted, E::Reopen) => S::Paused,
            _ => return None,
        })
    }

    /// The candidate may still be taken off the roster: they have not started.
    pub fn removable(self) -> bool {
        matches!(
            self,
            AttemptState::NotArrived | AttemptState::CheckedIn | AttemptState::Authorised
        )
    }

    /// Nothing more happens to the attempt (short of a reopening).
    pub fn is_final(self) -> bool {
        matches!(self, AttemptState::Submitted | AttemptState::Terminated)
    }
}

impl AttemptEvent {
    pub const ALL: [AttemptEvent; 9] = [
        AttemptEvent::CheckIn,
        AttemptEvent::Authorise,
        AttemptEvent::Start,
        AttemptEvent::Pause,
        AttemptEvent::Resume,
        AttemptEvent::Submit,
        AttemptEvent::ExtraTime,
        AttemptEvent::Terminate,
        AttemptEvent::Reopen,
    ];

    /// The name in the event log and the audit trail.
    pub fn action(self) -> &'static str {
        match self {
            AttemptEvent::CheckIn => "attempt_check_in",
            AttemptEvent::Authorise => "attempt_authorise",
            AttemptEvent::Start => "attempt_start",
            AttemptEvent::Pause => "attempt_pause",
            AttemptEvent::Resume => "attempt_resume",
            AttemptEvent::Submit => "attempt_submit",
            AttemptEvent::ExtraTime => "attempt_extra_time",
            AttemptEvent::Terminate => "attempt_terminate",
            AttemptEvent::Reopen => "attempt_reopen",
        }
    }

    /// Whether the proctor must give a reason from the irregularity list.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            AttemptEvent::Pause
                | AttemptEvent::Resume
                | AttemptEvent::ExtraTime
                | AttemptEvent::Terminate
                | AttemptEvent::Reopen
        )
    }
}

/// What the session allows at a moment, for the start rule.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub starts_at: i64,
    pub ends_at: i64,
    pub late_entry_minutes: i64,
    pub opened: bool,
    pub closed: bool,
}

/// Why a candidate may not start now (catalog keys under `attempt.`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartRefusal {
    NotAuthorised,
    SessionNotOpen,
    SessionClosed,
    BeforeWindow,
    AfterCutOff,
    /// The blueprint's attempts are used up.
    NoAttemptsLeft,
    /// The blueprint's wait before a retake has not passed.
    RetakeTooSoon,
}

impl StartRefusal {
    pub fn key(self) -> &'static str {
        match self {
            StartRefusal::NotAuthorised => "attempt.refused_not_authorised",
            StartRefusal::SessionNotOpen => "attempt.refused_not_open",
            StartRefusal::SessionClosed => "attempt.refused_closed",
            StartRefusal::BeforeWindow => "attempt.refused_before_window",
            StartRefusal::AfterCutOff => "attempt.refused_after_cut_off",
            StartRefusal::NoAttemptsLeft => "attempt.refused_no_attempts_left",
            StartRefusal::RetakeTooSoon => "attempt.refused_retake_too_soon",
        }
    }
}

/// Nobody starts before authorisation, outside the window, after the late-entry cut-off, or
/// in a session that is not open.
pub fn may_start(state: AttemptState, window: Window, now: i64) -> Result<(), StartRefusal> {
    let cut_off = (window.starts_at + window.late_entry_minutes * 60_000).min(window.ends_at);
    if window.closed {
        Err(StartRefusal::SessionClosed)
    } else if !window.opened {
        Err(StartRefusal::SessionNotOpen)
    } else if state.after(AttemptEvent::Start).is_none() {
        Err(StartRefusal::NotAuthorised)
    } else if now < window.starts_at {
        Err(StartRefusal::BeforeWindow)
    } else if now > cut_off {
        Err(StartRefusal::AfterCutOff)
    } else {
        Ok(())
    }
}

/// The blueprint's retake rules: `previous` attempts submitted already (the last one ended
/// at `last_ended`), `allowed` in all, `wait_days` between them.
pub fn may_retake(
    previous: u32,
    last_ended: Option<i64>,
    allowed: u32,
    wait_days: u32,
    now: i64,
) -> Result<(), StartRefusal> {
    if allowed > 0 && previous >= allowed {
        return Err(StartRefusal::NoAttemptsLeft);
    }
    match last_ended {
        Some(ended) if now < ended + i64::from(wait_days) * 86_400_000 => {
            Err(StartRefusal::RetakeTooSoon)
        }
        _ => Ok(()),
    }
}

/// Letters and digits no one confuses on a printed slip (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
pub const CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";

/// An access code made from 32 secret bytes (a keyed digest of the attempt and the code's
/// generation, so a slip can be printed again without the code being stored): 10 characters
/// from 25, about 46 bits, printed as `XXXXX-XXXXX`.
pub fn access_code_from(secret: [u8; 32]) -> String {
    let mut value = u128::from_le_bytes(secret[..16].try_into().expect("16 bytes"));
    let mut chars = String::with_capacity(11);
    for i in 0..10 {
        if i == 5 {
            chars.push('-');
        }
        let n = CODE_ALPHABET.len() as u128;
        chars.push(char::from(CODE_ALPHABET[(value % n) as usize]));
        value /= n;
    }
    chars
}

/// A typed code in its canonical form: upper case, without spaces or dashes.
pub fn normalise_access_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A candidate number: the session's code and a three-digit sequence (`K7QM-012`).
pub fn candidate_number(session_code: &str, sequence: i64) -> String {
    format!("{session_code}-{sequence:03}")
}

/// A typed candidate number in its canonical form: upper case, without spaces.
pub fn normalise_candidate_number(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// What is stored and looked up: an HMAC of the canonical code under the server key, which
/// is kept out of the database, so a copy of the database alone cannot be searched for codes
/// (codes carry enough entropy that no slow hash is needed, and guessing is throttled).
pub fn access_code_digest(key: &[u8], typed: &str) -> String {
    URL_SAFE_NO_PAD.encode(crate::vocab::token::keyed_bytes(
        key,
        "access-code-digest",
        &normalise_access_code(typed),
    ))
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
