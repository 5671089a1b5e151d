//! The attempt's clock: the server's deadline (start + duration + accommodation + extra time
//! + time paused), time left, and how each change moves the state and the clock. No IO here.

use super::model::{AttemptEvent, AttemptState};

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
    /// The session's window ended while the attempt stood paused (nobody resumed it): the
    /// server submitted it with its saved answers. The proctor may still reopen it.
    WindowEnded,
}

impl EndCause {
    pub fn as_str(self) -> &'static str {
        match self {
            EndCause::Candidate => "candidate",
            EndCause::Deadline => "deadline",
            EndCause::SessionClosed => "session_closed",
            EndCause::Terminated => "terminated",
            EndCause::WindowEnded => "window_ended",
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
    /// Read as a typed state (see `store`): a row holding any other text fails to read, an
    /// error naming the value, never a guess such as "not arrived".
    pub state: AttemptState,
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
            state: AttemptState::NotArrived,
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
        self.state
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

    /// Whether `change` is allowed now: the state machine says so, and a submitted attempt
    /// reopens only when the server submitted it at the window's end (never a candidate's own
    /// submission, nor one at the deadline).
    pub fn allows(&self, change: &Change) -> bool {
        let before = self.state();
        before.after(change.event()).is_some()
            && (before != AttemptState::Submitted
                || self.end_cause.as_deref() == Some(EndCause::WindowEnded.as_str()))
    }

    /// Applies a change at `at` (the server's time; for a pause after a restart, the last
    /// moment the server was alive). Returns the state before, or None when not allowed now.
    pub fn apply(&mut self, change: &Change, at: i64) -> Option<AttemptState> {
        let before = self.state();
        if !self.allows(change) {
            return None;
        }
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
                // The clock stood still while the attempt was closed; it stands still from
                // now on, so a later sweep sees a pause that began after the window's end.
                let frozen = self.paused_since.or(if before == AttemptState::Submitted {
                    self.ended_at
                } else {
                    None
                });
                if let Some(since) = frozen {
                    let held = (at - since).max(0);
                    self.paused_ms += held;
                    self.deadline_at = self.deadline_at.map(|d| d + held);
                    self.paused_since = Some(at);
                }
                self.ended_at = None;
                self.end_cause = None;
                if self.started_at.is_none() {
                    // Terminated before starting: back to the check-in desk.
                    after = AttemptState::CheckedIn;
                }
            }
        }
        self.state = after;
        self.revision += 1;
        Some(before)
    }
}

#[cfg(test)]
mod tests {
    use super::{AttemptState as S, *};

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
    fn only_a_submission_at_the_window_end_reopens_with_its_time_intact() {
        let submit = |cause| Change::Submit { cause };
        let mut own = started();
        own.apply(&submit(EndCause::Candidate), 5 * 60_000).unwrap();
        assert!(!own.allows(&Change::Reopen));
        assert_eq!(own.apply(&Change::Reopen, 6 * 60_000), None);

        let mut forgotten = started();
        forgotten.apply(&Change::Pause, 10 * 60_000).unwrap();
        forgotten
            .apply(&submit(EndCause::WindowEnded), 90 * 60_000)
            .unwrap();
        assert!(forgotten.allows(&Change::Reopen));
        forgotten.apply(&Change::Reopen, 95 * 60_000).unwrap();
        assert_eq!(forgotten.state(), S::Paused);
        assert_eq!(
            forgotten.paused_since,
            Some(95 * 60_000),
            "paused from the reopening"
        );
        assert_eq!(forgotten.time_left_ms(99 * 60_000), Some(40 * 60_000));
        forgotten.apply(&Change::Resume, 100 * 60_000).unwrap();
        assert_eq!(forgotten.time_left_ms(100 * 60_000), Some(40 * 60_000));
    }

    #[test]
    fn a_paused_clock_stands_still() {
        assert_eq!(time_left_ms(10_000, None, 4_000), 6_000);
        assert_eq!(time_left_ms(10_000, Some(7_000), 9_500), 3_000);
        assert_eq!(time_left_ms(10_000, None, 12_000), 0);
        assert_eq!(format_duration(3_723_000), "1:02:03");
        assert_eq!(format_duration(59_999), "00:59");
    }
}
