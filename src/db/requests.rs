//! The line of request writes (sign-ins, starts, submissions): a few places worked on at once,
//! taken before the request reads anything, a bounded line waiting for them, and each write's
//! transaction run on the node's own runtime; beyond the line or the waits a request is told
//! the server is busy, having read and written nothing. Answer saves have their own queue
//! (`attempts::group_commit`).

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{Db, WriteTx, comebacks::Comebacks};

/// How many request writes (sign-ins, starts, submissions…) are worked on at once, from their
/// first read to their commit; answer saves have their own queue (`attempts::group_commit`). A
/// few dozen keep a batch of saves from waiting behind a crowd of sign-ins.
pub const REQUEST_WRITE_PLACES: usize = 64;

/// How many more request writes may wait in line for a place (first come, first served);
/// beyond, a request is told at once to try again.
pub const REQUEST_WRITES_IN_LINE: usize = 1024;

/// How long a request write waits for the writer before its requester is told to try again
/// (well under the pool's own timeout, which counts as the database failing).
pub const WRITER_WAIT: Duration = Duration::from_secs(5);

/// A request write's place in the line for the writer (`Db::write_place`); given back when
/// dropped, which sets the pace busy requests are told to come back at.
pub struct WritePlace {
    _place: OwnedSemaphorePermit,
    comebacks: Arc<Comebacks>,
}

impl Drop for WritePlace {
    fn drop(&mut self) {
        self.comebacks.given_back();
    }
}

/// Why a request write was not begun.
#[derive(Debug)]
pub enum Refused {
    /// Too many writes wait already, or the writer stayed busy: nothing was written, and the
    /// same request may be sent again after this many seconds (its turn, `Retry-After`).
    Busy(u32),
    Failed(sqlx::Error),
}

/// The node's places, its line, and the runtime the writes run on.
#[derive(Clone, Debug)]
pub(super) struct RequestLine {
    /// Places for request writes, from their first read to their commit.
    places: Arc<Semaphore>,
    /// Requests waiting for a place.
    line: Arc<Semaphore>,
    /// Not the HTTP workers' runtime, so a transaction holding SQLite's writer never waits
    /// behind a queue of page requests.
    writes_on: tokio::runtime::Handle,
    /// When requests turned away should come back.
    comebacks: Arc<Comebacks>,
}

impl RequestLine {
    /// The line of a node connecting now (on the runtime that will run its writes).
    pub(super) fn new() -> Self {
        Self {
            places: Arc::new(Semaphore::new(REQUEST_WRITE_PLACES)),
            line: Arc::new(Semaphore::new(REQUEST_WRITES_IN_LINE)),
            writes_on: tokio::runtime::Handle::current(),
            comebacks: Arc::new(Comebacks::new(Instant::now())),
        }
    }

    /// Turns a request away: busy, with its turn to come back (after everyone holding or
    /// waiting for a place, and everyone told to come back before it).
    fn busy(&self) -> Refused {
        let taken = REQUEST_WRITE_PLACES - self.places.available_permits();
        let waiting = REQUEST_WRITES_IN_LINE - self.line.available_permits();
        let wait = self.comebacks.wait(Instant::now(), taken + waiting);
        Refused::Busy(super::comebacks::whole_seconds(wait))
    }
}

impl Db {
    /// A place among the request writes worked on at once (`REQUEST_WRITE_PLACES`), taken
    /// before the request reads what it needs. A request waits for one in a line of at most
    /// `REQUEST_WRITES_IN_LINE`, first come first served, for at most `WRITER_WAIT`; beyond
    /// either it is told busy, having read nothing, so a crowd costs neither reads nor memory,
    /// with a turn to come back at the pace places are given back.
    pub async fn write_place(&self) -> Result<WritePlace, Refused> {
        let line = &self.requests;
        let _in_line = line.line.try_acquire().map_err(|_| line.busy())?;
        let place = tokio::time::timeout(WRITER_WAIT, line.places.clone().acquire_owned()).await;
        match place {
            Ok(Ok(place)) => Ok(WritePlace {
                _place: place,
                comebacks: line.comebacks.clone(),
            }),
            _ => Err(line.busy()),
        }
    }

    /// Runs a request's write transaction (`work`, given the transaction to use and commit) in
    /// its `place`, on the node's own runtime rather than the HTTP worker that asked, so each
    /// of its statements resumes at once and the writer is held for as short a time as
    /// possible, however many pages that worker serves. It waits at most `WRITER_WAIT` for
    /// the writer; beyond, the request is refused as busy, before anything is written. The
    /// work runs to its end even if the requester goes away.
    pub async fn request_write<T, Work, Done>(
        &self,
        place: WritePlace,
        work: Work,
    ) -> Result<T, Refused>
    where
        Work: FnOnce(WriteTx) -> Done + Send + 'static,
        Done: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        let task = self.requests.writes_on.spawn(async move {
            match tokio::time::timeout(WRITER_WAIT, db.begin_write()).await {
                Ok(Ok(tx)) => Ok(work(tx.holding(place)).await),
                Ok(Err(e)) => Err(Refused::Failed(e)),
                Err(_) => {
                    drop(place);
                    Err(db.requests.busy())
                }
            }
        });
        match task.await {
            Ok(done) => done,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(Refused::Failed(sqlx::Error::Protocol(format!(
                "the write was stopped: {e}"
            )))),
        }
    }
}
