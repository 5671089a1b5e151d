//! A request budget per client address, kept in this node's memory: at most `limit` requests
//! in a fixed window; beyond it the client waits for the window to end. For public pages whose
//! look-ups must not be scraped (certificate verification), where a database write per request
//! would be the wrong price. Each node counts on its own, so N nodes allow up to N × limit.

use std::{collections::HashMap, sync::Mutex};

/// Clients remembered before windows that have ended are dropped, so invented addresses
/// cannot grow the map without bound.
const PRUNE_AT: usize = 10_000;

pub struct RateLimit {
    limit: u32,
    window_ms: i64,
    /// Client → (start of its current window, requests in it).
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl RateLimit {
    pub fn new(limit: u32, window_ms: i64) -> Self {
        Self {
            limit: limit.max(1),
            window_ms: window_ms.max(1),
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request from `client` at `now` (ms). `Err(seconds)` when the client is over
    /// its budget: how long until its window ends (at least one second, for `Retry-After`).
    pub fn take(&self, client: &str, now: i64) -> Result<(), i64> {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= PRUNE_AT {
            let window_ms = self.window_ms;
            windows.retain(|_, (start, _)| now - *start < window_ms);
        }
        let (start, count) = windows.entry(client.to_string()).or_insert((now, 0));
        if now - *start >= self.window_ms {
            (*start, *count) = (now, 0);
        }
        if *count >= self.limit {
            let wait_ms = *start + self.window_ms - now;
            return Err((wait_ms + 999).div_euclid(1000).max(1));
        }
        *count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_over_its_budget_waits_for_its_window_to_end_and_others_are_not_affected() {
        let limit = RateLimit::new(3, 60_000);
        for t in [0, 10, 20] {
            assert_eq!(limit.take("198.51.100.7", t), Ok(()));
        }
        assert_eq!(limit.take("198.51.100.7", 30_000), Err(30));
        assert_eq!(limit.take("198.51.100.7", 59_999), Err(1));
        assert_eq!(limit.take("203.0.113.5", 30_000), Ok(()), "another client");
        assert_eq!(limit.take("198.51.100.7", 60_000), Ok(()), "a new window");
    }

    #[test]
    fn ended_windows_are_forgotten_when_many_clients_are_remembered() {
        let limit = RateLimit::new(1, 1_000);
        for i in 0..PRUNE_AT {
            assert!(limit.take(&i.to_string(), 0).is_ok());
        }
        assert!(limit.take("late", 5_000).is_ok());
        assert_eq!(limit.windows.lock().unwrap().len(), 1);
    }
}
