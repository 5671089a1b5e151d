//! A request budget per client address for public look-ups that must not be scraped
//! (certificate verification), kept in this node's memory by `governor` (GCRA: a burst of
//! `limit`, then one more every minute / `limit`), where a database write per request would
//! be the wrong price. Each node counts on its own, so N nodes allow up to N × limit.

use std::num::NonZeroU32;

use governor::{
    Quota, RateLimiter,
    clock::{Clock, DefaultClock},
    middleware::NoOpMiddleware,
    state::keyed::DefaultKeyedStateStore,
};

/// Clients remembered before those whose budget is whole again are forgotten, so invented
/// addresses cannot grow the map without bound.
const PRUNE_AT: usize = 10_000;

pub struct RateLimit<C: Clock = DefaultClock> {
    limiter: RateLimiter<String, DefaultKeyedStateStore<String>, C, NoOpMiddleware<C::Instant>>,
    clock: C,
}

impl RateLimit {
    /// At most `limit` requests a minute per client (at least 1).
    pub fn per_minute(limit: u32) -> Self {
        Self::with_clock(limit, DefaultClock::default())
    }
}

impl<C: Clock + Clone> RateLimit<C> {
    fn with_clock(limit: u32, clock: C) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(limit).unwrap_or(NonZeroU32::MIN));
        Self {
            limiter: RateLimiter::dashmap_with_clock(quota, clock.clone()),
            clock,
        }
    }

    /// Counts one request from `client`. `Err(seconds)` when the client is over its budget:
    /// how long until it may ask again (at least one second, for `Retry-After`).
    pub fn take(&self, client: &str) -> Result<(), u64> {
        if self.limiter.len() >= PRUNE_AT {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&client.to_string())
            .map_err(|later| {
                let wait = later.wait_time_from(self.clock.now());
                wait.as_millis().div_ceil(1000).max(1) as u64
            })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use governor::clock::FakeRelativeClock;

    use super::*;

    #[test]
    fn a_client_over_its_budget_waits_and_others_are_not_affected() {
        let clock = FakeRelativeClock::default();
        let limit = RateLimit::with_clock(3, clock.clone());
        for _ in 0..3 {
            assert_eq!(limit.take("198.51.100.7"), Ok(()));
        }
        assert_eq!(limit.take("198.51.100.7"), Err(20), "one more every 20 s");
        clock.advance(Duration::from_secs(19));
        assert_eq!(limit.take("198.51.100.7"), Err(1));
        assert_eq!(limit.take("203.0.113.5"), Ok(()), "another client");
        clock.advance(Duration::from_secs(1));
        assert_eq!(limit.take("198.51.100.7"), Ok(()));
    }

    #[test]
    fn clients_whose_budget_is_whole_again_are_forgotten_when_many_are_remembered() {
        let clock = FakeRelativeClock::default();
        let limit = RateLimit::with_clock(1, clock.clone());
        for i in 0..PRUNE_AT {
            assert!(limit.take(&i.to_string()).is_ok());
        }
        clock.advance(Duration::from_secs(121));
        assert!(limit.take("late").is_ok());
        assert_eq!(limit.limiter.len(), 1);
    }
}
