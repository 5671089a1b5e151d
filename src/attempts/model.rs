//! An attempt (one person in one session): its state machine, the server's clock, the rules
//! for starting, and the candidate's access code. No IO here.

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
    /// Proctor: more time for this candidate (the state stays).
    ExtraTime,
    /// Proctor: misconduct (đình chỉ thi).
    Terminate,
    /// Proctor, when policy allows: a terminated attempt continues, paused.
    Reopen,
}

impl AttemptState {
    pub const ALL: [AttemptState; 7] = [
        AttemptState::NotArrived,
        AttemptState::CheckedIn,
        AttemptState::Authorised,
        AttemptState::InProgress,
        AttemptState::Paused,
        AttemptState::Submitted,
        AttemptState::Terminated,
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
            (S::Terminated, E::Reopen) => S::Paused,
            _ => return None,
        })
    }

    /// Nothing more happens to the attempt (short of a reopening).
    pub fn is_final(self) -> bool {
        matches!(self, AttemptState::Submitted | AttemptState::Terminated)
    }
}

impl AttemptEvent {
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

/// Time left on an attempt that has started, in milliseconds (never below zero). A paused
/// attempt's clock stands still at the moment the pause began.
pub fn time_left_ms(deadline_at: i64, paused_since: Option<i64>, now: i64) -> i64 {
    (deadline_at - paused_since.unwrap_or(now)).max(0)
}

/// `h:mm:ss` or `mm:ss`, for the console and the candidate's page.
pub fn format_duration(ms: i64) -> String {
    let seconds = ms.max(0) / 1000;
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
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
}

impl StartRefusal {
    pub fn key(self) -> &'static str {
        match self {
            StartRefusal::NotAuthorised => "attempt.refused_not_authorised",
            StartRefusal::SessionNotOpen => "attempt.refused_not_open",
            StartRefusal::SessionClosed => "attempt.refused_closed",
            StartRefusal::BeforeWindow => "attempt.refused_before_window",
            StartRefusal::AfterCutOff => "attempt.refused_after_cut_off",
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

/// How an attempt ended (stored in `end_cause`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndCause {
    /// The candidate submitted.
    Candidate,
    /// The server's deadline passed.
    Deadline,
    /// The proctor closed the session while the attempt was still open.
    SessionClosed,
    /// The proctor terminated the attempt.
    Terminated,
}

impl EndCause {
    pub fn as_str(self) -> &'static str {
        match self {
            EndCause::Candidate => "candidate",
            EndCause::Deadline => "deadline",
            EndCause::SessionClosed => "session_closed",
            EndCause::Terminated => "terminated",
        }
    }
}

/// A change asked of an attempt, with what it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    CheckIn {
        by: String,
    },
    Authorise,
    Start {
        duration_minutes: u32,
        accommodation_percent: u32,
        paper_id: String,
        item_count: i64,
    },
    Pause,
    Resume,
    ExtraTime {
        ms: i64,
    },
    Submit {
        cause: EndCause,
    },
    Terminate,
    Reopen,
}

impl Change {
    pub fn event(&self) -> AttemptEvent {
        match self {
            Change::CheckIn { .. } => AttemptEvent::CheckIn,
            Change::Authorise => AttemptEvent::Authorise,
            Change::Start { .. } => AttemptEvent::Start,
            Change::Pause => AttemptEvent::Pause,
            Change::Resume => AttemptEvent::Resume,
            Change::ExtraTime { .. } => AttemptEvent::ExtraTime,
            Change::Submit { .. } => AttemptEvent::Submit,
            Change::Terminate => AttemptEvent::Terminate,
            Change::Reopen => AttemptEvent::Reopen,
        }
    }
}

/// The part of an attempt that changes: its state and its clock. `revision` goes up by one
/// with every change, so two proctors acting at once cannot both write from the same state.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct AttemptClock {
    pub state: String,
    pub checked_in_at: Option<i64>,
    pub checked_in_by: Option<String>,
    pub authorised_at: Option<i64>,
    pub started_at: Option<i64>,
    pub accommodation_percent: i64,
    pub extra_ms: i64,
    pub paused_ms: i64,
    pub paused_since: Option<i64>,
    pub deadline_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub end_cause: Option<String>,
    pub paper_id: Option<String>,
    pub item_count: i64,
    pub revision: i64,
}

impl AttemptClock {
    /// A new attempt on a roster.
    pub fn not_arrived() -> Self {
        Self {
            state: AttemptState::NotArrived.as_str().into(),
            checked_in_at: None,
            checked_in_by: None,
            authorised_at: None,
            started_at: None,
            accommodation_percent: 0,
            extra_ms: 0,
            paused_ms: 0,
            paused_since: None,
            deadline_at: None,
            ended_at: None,
            end_cause: None,
            paper_id: None,
            item_count: 0,
            revision: 0,
        }
    }

    pub fn state(&self) -> AttemptState {
        AttemptState::parse(&self.state).unwrap_or(AttemptState::NotArrived)
    }

    /// Time left now (None before the start).
    pub fn time_left_ms(&self, now: i64) -> Option<i64> {
        let deadline = self.deadline_at?;
        let frozen = match self.state() {
            AttemptState::Submitted => self.ended_at,
            _ => self.paused_since,
        };
        Some(time_left_ms(deadline, frozen, now))
    }

    /// Applies a change at `at` (the server's time; for a pause after a restart, the last
    /// moment the server was alive). Returns the state before, or None when not allowed now.
    pub fn apply(&mut self, change: &Change, at: i64) -> Option<AttemptState> {
        let before = self.state();
        let mut after = before.after(change.event())?;
        match change {
            Change::CheckIn { by } => {
                self.checked_in_at = Some(at);
                self.checked_in_by = Some(by.clone());
            }
            Change::Authorise => self.authorised_at = Some(at),
            Change::Start {
                duration_minutes,
                accommodation_percent,
                paper_id,
                item_count,
            } => {
                self.started_at = Some(at);
                self.accommodation_percent = i64::from(*accommodation_percent);
                self.deadline_at = Some(deadline_ms(
                    at,
                    *duration_minutes,
                    *accommodation_percent,
                    self.extra_ms,
                    0,
                ));
                self.paper_id = Some(paper_id.clone());
                self.item_count = *item_count;
            }
            Change::Pause => self.paused_since = Some(at),
            Change::Resume => {
                let since = self.paused_since.take().unwrap_or(at);
                let paused = (at - since).max(0);
                self.paused_ms += paused;
                self.deadline_at = self.deadline_at.map(|d| d + paused);
            }
            Change::ExtraTime { ms } => {
                self.extra_ms += ms;
                self.deadline_at = self.deadline_at.map(|d| d + ms);
            }
            Change::Submit { cause } => {
                let deadline = self.deadline_at.unwrap_or(at);
                self.ended_at = Some(if *cause == EndCause::Deadline {
                    deadline.min(at)
                } else {
                    at
                });
                self.end_cause = Some(cause.as_str().into());
            }
            Change::Terminate => {
                if before == AttemptState::InProgress {
                    self.paused_since = Some(at);
                }
                self.ended_at = Some(at);
                self.end_cause = Some(EndCause::Terminated.as_str().into());
            }
            Change::Reopen => {
                self.ended_at = None;
                self.end_cause = None;
                if self.started_at.is_none() {
                    // Terminated before starting: back to the check-in desk.
                    after = AttemptState::CheckedIn;
                }
            }
        }
        self.state = after.as_str().into();
        self.revision += 1;
        Some(before)
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

    fn window(opened: bool, closed: bool) -> Window {
        Window {
            starts_at: 1_000_000,
            ends_at: 1_000_000 + 120 * 60_000,
            late_entry_minutes: 15,
            opened,
            closed,
        }
    }

    #[test]
    fn starting_needs_authorisation_an_open_session_and_the_window() {
        let open = window(true, false);
        let at = open.starts_at + 60_000;
        assert_eq!(may_start(S::Authorised, open, at), Ok(()));
        assert_eq!(
            may_start(S::CheckedIn, open, at),
            Err(StartRefusal::NotAuthorised)
        );
        assert_eq!(
            may_start(S::Authorised, window(false, false), at),
            Err(StartRefusal::SessionNotOpen)
        );
        assert_eq!(
            may_start(S::Authorised, window(true, true), at),
            Err(StartRefusal::SessionClosed)
        );
        assert_eq!(
            may_start(S::Authorised, open, open.starts_at - 1),
            Err(StartRefusal::BeforeWindow)
        );
        let cut_off = open.starts_at + 15 * 60_000;
        assert_eq!(may_start(S::Authorised, open, cut_off), Ok(()));
        assert_eq!(
            may_start(S::Authorised, open, cut_off + 1),
            Err(StartRefusal::AfterCutOff)
        );
    }

    fn started() -> AttemptClock {
        let mut clock = AttemptClock::not_arrived();
        let start = Change::Start {
            duration_minutes: 40,
            accommodation_percent: 25,
            paper_id: "p".into(),
            item_count: 30,
        };
        for change in [Change::CheckIn { by: "u".into() }, Change::Authorise, start] {
            assert!(clock.apply(&change, 0).is_some(), "{change:?}");
        }
        clock
    }

    #[test]
    fn the_clock_counts_accommodation_extra_time_and_pauses() {
        let mut clock = started();
        assert_eq!(clock.deadline_at, Some(50 * 60_000));
        clock.apply(&Change::Pause, 10 * 60_000).unwrap();
        assert_eq!(clock.time_left_ms(30 * 60_000), Some(40 * 60_000));
        clock.apply(&Change::Resume, 12 * 60_000).unwrap();
        clock
            .apply(&Change::ExtraTime { ms: 5 * 60_000 }, 13 * 60_000)
            .unwrap();
        assert_eq!(clock.deadline_at, Some((50 + 2 + 5) * 60_000));
        assert_eq!(clock.paused_ms, 2 * 60_000);
        assert_eq!(clock.revision, 6);
        assert_eq!(clock.apply(&Change::Authorise, 0), None, "refused");
        assert_eq!(clock.revision, 6, "a refused change changes nothing");
        clock
            .apply(
                &Change::Submit {
                    cause: EndCause::Deadline,
                },
                60 * 60_000,
            )
            .unwrap();
        assert_eq!(
            clock.ended_at,
            Some(57 * 60_000),
            "ended at the deadline, not later"
        );
    }

    #[test]
    fn a_terminated_attempt_reopens_paused_with_its_time_intact() {
        let mut clock = started();
        clock.apply(&Change::Terminate, 20 * 60_000).unwrap();
        assert_eq!(clock.time_left_ms(25 * 60_000), Some(30 * 60_000));
        clock.apply(&Change::Reopen, 26 * 60_000).unwrap();
        assert_eq!(clock.state(), S::Paused);
        clock.apply(&Change::Resume, 27 * 60_000).unwrap();
        assert_eq!(clock.time_left_ms(27 * 60_000), Some(30 * 60_000));
        let mut early = AttemptClock::not_arrived();
        early.apply(&Change::CheckIn { by: "u".into() }, 0).unwrap();
        early.apply(&Change::Terminate, 1).unwrap();
        early.apply(&Change::Reopen, 2).unwrap();
        assert_eq!(early.state(), S::CheckedIn, "not started: back to check-in");
    }

    #[test]
    fn a_paused_clock_stands_still() {
        assert_eq!(time_left_ms(10_000, None, 4_000), 6_000);
        assert_eq!(time_left_ms(10_000, Some(7_000), 9_500), 3_000);
        assert_eq!(time_left_ms(10_000, None, 12_000), 0);
        assert_eq!(format_duration(3_723_000), "1:02:03");
        assert_eq!(format_duration(59_999), "00:59");
    }

    #[test]
    fn extra_time_keeps_the_state_and_reasons_are_asked_for_interventions() {
        assert_eq!(S::InProgress.after(E::ExtraTime), Some(S::InProgress));
        assert_eq!(S::Submitted.after(E::ExtraTime), None);
        assert!(E::Terminate.needs_reason() && !E::CheckIn.needs_reason());
        for state in S::ALL {
            assert_eq!(S::parse(state.as_str()), Some(state));
        }
    }

    #[test]
    fn access_codes_are_long_unambiguous_and_typed_loosely() {
        let code = access_code_from([7; 32]);
        assert_eq!(code.len(), 11);
        assert!(
            code.chars()
                .filter(|c| *c != '-')
                .all(|c| CODE_ALPHABET.contains(&(c as u8)))
        );
        assert!((CODE_ALPHABET.len() as f64).log2() * 10.0 >= 40.0);
        assert_ne!(code, access_code_from([8; 32]));
        assert_eq!(
            access_code_digest(&code),
            access_code_digest(&code.to_lowercase().replace('-', " "))
        );
    }
}
