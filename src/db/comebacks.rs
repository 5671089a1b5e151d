//! When a request turned away as busy should come back: at the pace places are given back,
//! each in its own turn after those already waiting, so a crowd told "busy" returns spread
//! out instead of all at once every few seconds.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

/// The fewest places taken per second assumed, before any were measured or when the writer
/// seems stuck: low enough that a slow node is not flooded by returning requests.
const SLOWEST_PACE: f64 = 20.0;
/// How long the places given back are counted before the pace is measured again.
const MEASURED_OVER: Duration = Duration::from_secs(1);
/// The shortest and longest waits a busy answer asks for (`Retry-After`, whole seconds).
const SHORTEST_COMEBACK: Duration = Duration::from_secs(1);
const LONGEST_COMEBACK: Duration = Duration::from_secs(60);

/// The measured pace of the line and the next free turn for a request told to come back.
#[derive(Debug)]
pub(super) struct Comebacks(Mutex<Turns>);

#[derive(Debug)]
struct Turns {
    /// Places given back per second, smoothed over the last few measures.
    pace: f64,
    given_back: u64,
    counted_since: Instant,
    /// The earliest moment a request told to come back now may be given.
    next_turn: Instant,
}

impl Comebacks {
    pub(super) fn new(now: Instant) -> Self {
        Self(Mutex::new(Turns {
            pace: SLOWEST_PACE,
            given_back: 0,
            counted_since: now,
            next_turn: now,
        }))
    }

    /// A place was given back (its write committed, failed or was refused).
    pub(super) fn given_back(&self) {
        self.turns().given_back += 1;
    }

    /// How long a request turned away at `now` should wait before coming back, with `ahead`
    /// requests holding or waiting for a place: after those, behind every request already
    /// told to come back, at the measured pace.
    pub(super) fn wait(&self, now: Instant, ahead: usize) -> Duration {
        let mut turns = self.turns();
        turns.measure(now);
        let step = Duration::from_secs_f64(1.0 / turns.pace);
        let after_line = now + step.mul_f64(ahead as f64);
        let turn = turns.next_turn.max(after_line);
        let wait = (turn - now).clamp(SHORTEST_COMEBACK, LONGEST_COMEBACK);
        // The next turn follows the one given, even when that was moved up to the shortest
        // wait or back to the longest: turns beyond the longest are not handed out, those
        // told to come back then share the last ones and measure again when they return.
        turns.next_turn = now + wait + step;
        wait
    }

    fn turns(&self) -> std::sync::MutexGuard<'_, Turns> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Turns {
    /// Folds the places given back since the last measure into the pace, once a measure's
    /// time has passed.
    fn measure(&mut self, now: Instant) {
        let over = now - self.counted_since;
        if over < MEASURED_OVER {
            return;
        }
        let measured = self.given_back as f64 / over.as_secs_f64();
        self.pace = ((self.pace + measured) / 2.0).max(SLOWEST_PACE);
        self.given_back = 0;
        self.counted_since = now;
    }
}

/// Whole seconds for `Retry-After`, rounded up.
pub(super) fn whole_seconds(wait: Duration) -> u32 {
    u32::try_from(wait.as_millis().div_ceil(1000)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crowd_turned_away_at_once_is_given_turns_spread_at_the_measured_pace() {
        let start = Instant::now();
        let comebacks = Comebacks::new(start);
        for _ in 0..200 {
            comebacks.given_back();
        }
        // Measured: 200 places given back in the second; smoothed with the floor, 110/s.
        let now = start + Duration::from_secs(1);
        let first = comebacks.wait(now, 1088);
        assert_eq!(
            whole_seconds(first),
            10,
            "after the 1,088 ahead at 110/s: {first:?}"
        );
        let waits: Vec<Duration> = (0..1100).map(|_| comebacks.wait(now, 1088)).collect();
        assert!(
            waits.windows(2).all(|w| w[0] <= w[1]),
            "later turns are later"
        );
        let last = *waits.last().unwrap();
        assert_eq!(whole_seconds(last), 20, "1,100 more at 110/s: {last:?}");
    }

    #[test]
    fn waits_are_at_least_a_second_and_at_most_the_longest() {
        let now = Instant::now();
        let comebacks = Comebacks::new(now);
        assert_eq!(comebacks.wait(now, 0), SHORTEST_COMEBACK);
        assert_eq!(comebacks.wait(now, 1_000_000), LONGEST_COMEBACK);
        // Beyond the longest wait, later requests are not pushed further out without end.
        for _ in 0..10_000 {
            assert!(comebacks.wait(now, 1_000_000) <= LONGEST_COMEBACK);
        }
        let later = now + Duration::from_secs(30);
        assert!(comebacks.wait(later, 0) <= LONGEST_COMEBACK);
    }
}
