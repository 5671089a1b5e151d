//! Write transactions that tell the truth: a write counts only once its own commit succeeded,
//! a failed commit leaves no broken writer behind, and the node's write health (read by
//! `/healthz` from memory) follows what the last commit and the last heartbeat did.
//!
//! Why the writer is replaced: on SQLite, after a commit fails for lack of disk space
//! (SQLITE_FULL), later commits on the same connection report success while nothing reaches
//! the file (a fresh connection, or a restart, finds none of them). A transaction that ends
//! without committing (an error, a refusal) may have been cut short the same way, so on SQLite
//! its connection is closed too and the pool opens a clean one for the next write.

use std::{
    ops::{Deref, DerefMut},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicI64, Ordering},
    },
};

use sqlx::{Any, AnyConnection, Transaction};

use super::Backend;

/// How many missed heartbeats make a node unhealthy.
pub const BEATS_BEFORE_UNHEALTHY: i64 = 3;

/// What a node knows of its own writes and of its database, kept in memory.
#[derive(Debug)]
pub struct Health {
    backend: Backend,
    /// The last commit failed (cleared by the next one that succeeds).
    last_commit_failed: AtomicBool,
    /// When the node's heartbeat last committed (UTC ms); 0 before the first beat.
    last_beat_at: AtomicI64,
    /// The heartbeat period in ms; 0 while no heartbeat runs (CLI commands, some tests).
    beat_every_ms: AtomicI64,
    /// SQLite: the writer connection must be replaced before it is used again.
    replace_writer: AtomicBool,
    /// PostgreSQL: the database cannot be reached (set by the monitor).
    unreachable: AtomicBool,
    /// Wakes the requests waiting on this database when it becomes unreachable.
    outage: tokio::sync::Notify,
}

/// Why a node says it is unhealthy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unhealthy {
    /// The last commit failed (a full disk, say).
    CommitFailed,
    /// The heartbeat has not committed for several beats.
    HeartbeatLate,
    /// The database does not answer.
    Unreachable,
}

impl Unhealthy {
    /// A one-line explanation for monitors.
    pub fn describe(self) -> &'static str {
        match self {
            Unhealthy::CommitFailed => "the last database commit failed",
            Unhealthy::HeartbeatLate => "the heartbeat has not been written for several beats",
            Unhealthy::Unreachable => "the database cannot be reached",
        }
    }
}

impl Health {
    pub fn new(backend: Backend) -> Self {
        Self {
            backend,
            last_commit_failed: AtomicBool::new(false),
            last_beat_at: AtomicI64::new(0),
            beat_every_ms: AtomicI64::new(0),
            replace_writer: AtomicBool::new(false),
            unreachable: AtomicBool::new(false),
            outage: tokio::sync::Notify::new(),
        }
    }

    /// Whether the node may say it is healthy at `now`, from memory only.
    pub fn check(&self, now: i64) -> Result<(), Unhealthy> {
        if self.unreachable.load(Ordering::Acquire) {
            return Err(Unhealthy::Unreachable);
        }
        if self.last_commit_failed.load(Ordering::Acquire) {
            return Err(Unhealthy::CommitFailed);
        }
        let every = self.beat_every_ms.load(Ordering::Acquire);
        let last = self.last_beat_at.load(Ordering::Acquire);
        if every > 0 && now - last > BEATS_BEFORE_UNHEALTHY * every {
            return Err(Unhealthy::HeartbeatLate);
        }
        Ok(())
    }

    /// The heartbeat starts: it is expected every `every_ms` from `now` on.
    pub fn heartbeat_started(&self, now: i64, every_ms: i64) {
        self.last_beat_at.store(now, Ordering::Release);
        self.beat_every_ms.store(every_ms, Ordering::Release);
    }

    /// A heartbeat committed at `at`.
    pub fn heartbeat_committed(&self, at: i64) {
        self.last_beat_at.fetch_max(at, Ordering::AcqRel);
    }

    pub fn is_unreachable(&self) -> bool {
        self.unreachable.load(Ordering::Acquire)
    }

    /// Set by the reachability monitor; returns the previous value. Becoming unreachable
    /// wakes the requests waiting in `outage()`.
    pub fn set_unreachable(&self, unreachable: bool) -> bool {
        let was = self.unreachable.swap(unreachable, Ordering::AcqRel);
        if unreachable && !was {
            self.outage.notify_waiters();
        }
        was
    }

    /// Completes when the database becomes unreachable (register before checking
    /// `is_unreachable`, as `Notify::notified` explains).
    pub fn outage(&self) -> tokio::sync::futures::Notified<'_> {
        self.outage.notified()
    }

    /// Records what a write committed on its own (one statement outside `WriteTx`) did.
    pub fn autocommitted<T>(&self, outcome: &sqlx::Result<T>) {
        match outcome {
            Ok(_) => self.committed(),
            Err(e) if super::is_outage(e) => self.commit_failed(e),
            Err(_) => {}
        }
    }

    fn committed(&self) {
        if self.last_commit_failed.swap(false, Ordering::AcqRel) {
            tracing::info!("database commits succeed again");
        }
    }

    /// A write could not be committed (or not even begun) for want of the database.
    pub(super) fn commit_failed(&self, error: &sqlx::Error) {
        tracing::error!(error = %error, "a database commit failed; nothing of that write was kept");
        self.last_commit_failed.store(true, Ordering::Release);
        self.abandoned();
    }

    fn abandoned(&self) {
        if self.backend == Backend::Sqlite {
            self.replace_writer.store(true, Ordering::Release);
        }
    }

    /// Called by the writer pool before it hands out its connection: false means "close it
    /// and open a clean one".
    pub(super) fn writer_is_clean(&self) -> bool {
        !self.replace_writer.swap(false, Ordering::AcqRel)
    }
}

/// A write transaction. Use it as a connection (`&mut *tx`); `commit` records the outcome in
/// the node's health, and dropping it uncommitted rolls it back and, on SQLite, replaces the
/// writer connection.
pub struct WriteTx {
    tx: Option<Transaction<'static, Any>>,
    health: Arc<Health>,
    /// A request write's place among those waiting (see `Db::request_write`), given
    /// back when the transaction ends.
    _place: Option<super::WritePlace>,
}

impl WriteTx {
    pub(super) fn new(tx: Transaction<'static, Any>, health: Arc<Health>) -> Self {
        Self {
            tx: Some(tx),
            health,
            _place: None,
        }
    }

    pub(super) fn holding(mut self, place: super::WritePlace) -> Self {
        self._place = Some(place);
        self
    }

    /// Commits; only after this returns Ok may anyone be told the write was saved.
    pub async fn commit(mut self) -> sqlx::Result<()> {
        let tx = self.tx.take().expect("a transaction is committed once");
        match tx.commit().await {
            Ok(()) => {
                self.health.committed();
                Ok(())
            }
            Err(e) => {
                self.health.commit_failed(&e);
                Err(e)
            }
        }
    }

    /// Rolls back on purpose (nothing went wrong with the connection).
    pub async fn rollback(mut self) -> sqlx::Result<()> {
        let tx = self.tx.take().expect("a transaction ends once");
        let rolled = tx.rollback().await;
        if rolled.is_err() {
            self.health.abandoned();
        }
        rolled
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        if self.tx.is_some() {
            self.health.abandoned();
        }
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        self.tx.as_ref().expect("an open transaction")
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        self.tx.as_mut().expect("an open transaction")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_commit_is_unhealthy_until_the_next_success() {
        let health = Health::new(Backend::Sqlite);
        assert_eq!(health.check(0), Ok(()));
        health.commit_failed(&sqlx::Error::PoolClosed);
        assert_eq!(health.check(0), Err(Unhealthy::CommitFailed));
        assert!(!health.writer_is_clean(), "the writer is replaced");
        assert!(health.writer_is_clean(), "once");
        health.committed();
        assert_eq!(health.check(0), Ok(()));
    }

    #[test]
    fn a_late_heartbeat_is_unhealthy_after_three_beats() {
        let health = Health::new(Backend::Postgres);
        health.heartbeat_started(1_000, 2_000);
        assert_eq!(health.check(7_000), Ok(()));
        assert_eq!(health.check(7_001), Err(Unhealthy::HeartbeatLate));
        health.heartbeat_committed(7_000);
        assert_eq!(health.check(7_001), Ok(()));
        health.abandoned();
        assert!(
            health.writer_is_clean(),
            "PostgreSQL connections are not replaced"
        );
    }

    #[test]
    fn unreachable_comes_first() {
        let health = Health::new(Backend::Postgres);
        health.commit_failed(&sqlx::Error::PoolClosed);
        assert!(!health.set_unreachable(true));
        assert_eq!(health.check(0), Err(Unhealthy::Unreachable));
    }
}
