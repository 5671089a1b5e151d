//! Answer saves written together (group commit). On SQLite one task takes every save waiting
//! and writes them in one transaction, then answers each request only once that transaction
//! has committed: one fsync serves every save of the batch, and a batch that cannot commit
//! fails all its saves, none acknowledged (the pages keep them and send them again). On
//! PostgreSQL each save is one statement committed on its own, and the server groups the
//! commits of concurrent connections itself. Either way at most `limit` saves wait: beyond
//! that a save is refused at once as busy, and the page retries.

use std::sync::Arc;

use tokio::sync::{
    Semaphore,
    mpsc::{self, error::TrySendError},
    oneshot,
};

use super::responses::{Landed, Write};
use crate::db::{Backend, Db, WriteTx, is_outage};

/// The most saves one transaction takes.
const BATCH_MAX: usize = 512;

/// Why a save was not taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveError {
    /// Too many saves wait already: nothing was tried; the same save may be sent again.
    Busy,
    /// The database could not store the batch (a full disk, a lock held too long, no
    /// connection): nothing of it was kept; the same save may be sent again.
    Unavailable(String),
    /// This save itself was refused by the database.
    Failed(String),
}

type Reply = Result<Option<Landed>, SaveError>;

struct Job {
    write: Write,
    reply: oneshot::Sender<Reply>,
}

/// Where a node's answer saves go.
pub struct SaveWriter {
    route: Route,
}

enum Route {
    /// SQLite: the queue of the task writing batches.
    Batched(mpsc::Sender<Job>),
    /// PostgreSQL: one statement per save, with at most as many waiting as there are slots.
    Alone { db: Box<Db>, slots: Arc<Semaphore> },
}

impl SaveWriter {
    /// The writer for `db`, letting at most `limit` saves wait; on SQLite its task runs until
    /// the writer is dropped.
    pub fn start(db: &Db, limit: usize) -> Self {
        let limit = limit.max(1);
        let route = match db.backend {
            Backend::Sqlite => {
                let (queue, waiting) = mpsc::channel(limit);
                tokio::spawn(write_batches(db.clone(), waiting));
                Route::Batched(queue)
            }
            Backend::Postgres => Route::Alone {
                db: Box::new(db.clone()),
                slots: Arc::new(Semaphore::new(limit)),
            },
        };
        Self { route }
    }

    /// Writes one save; returns once it is committed (or refused). None: the attempt takes
    /// no answers now.
    pub async fn save(&self, write: Write) -> Reply {
        match &self.route {
            Route::Batched(queue) => {
                let (reply, answer) = oneshot::channel();
                queue.try_send(Job { write, reply }).map_err(|e| match e {
                    TrySendError::Full(_) => SaveError::Busy,
                    TrySendError::Closed(_) => stopped(),
                })?;
                answer.await.unwrap_or_else(|_| Err(stopped()))
            }
            Route::Alone { db, slots } => {
                let _slot = slots.try_acquire().map_err(|_| SaveError::Busy)?;
                let written = write.apply_alone(&db.write).await;
                db.health.autocommitted(&written);
                written.map_err(|e| refusal(&e))
            }
        }
    }
}

fn stopped() -> SaveError {
    SaveError::Unavailable("the save writer has stopped".into())
}

/// What a save's requester is told of `error`: the database could not do the work (retry),
/// or refused this save itself.
fn refusal(error: &sqlx::Error) -> SaveError {
    let refused_by_database = matches!(error, sqlx::Error::Database(_)) && !specific(error);
    if is_outage(error) || refused_by_database {
        SaveError::Unavailable(error.to_string())
    } else {
        SaveError::Failed(error.to_string())
    }
}

/// True for errors caused by one statement's own data (a constraint, a value out of range),
/// which the other saves of its batch need not share.
fn specific(error: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = error else {
        return false;
    };
    let Some(code) = db.code() else {
        return false;
    };
    if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        // SQLITE_CONSTRAINT 19, SQLITE_MISMATCH 20, SQLITE_RANGE 25.
        return code
            .parse::<i64>()
            .is_ok_and(|n| matches!(n & 0xff, 19 | 20 | 25));
    }
    code.starts_with("22") || code.starts_with("23")
}

/// The SQLite writer task: takes every save waiting, up to `BATCH_MAX`, with those that
/// arrive while it waits for the write connection, and writes them.
async fn write_batches(db: Db, mut waiting: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(BATCH_MAX);
    while waiting.recv_many(&mut jobs, BATCH_MAX).await > 0 {
        let tx = db.begin_write().await;
        while jobs.len() < BATCH_MAX {
            let Ok(job) = waiting.try_recv() else { break };
            jobs.push(job);
        }
        let batch = std::mem::take(&mut jobs);
        tracing::trace!(saves = batch.len(), "writing a batch of saves");
        let writes: Vec<&Write> = batch.iter().map(|j| &j.write).collect();
        match commit(tx, &writes).await {
            Ok(landed) => {
                for (job, landed) in batch.into_iter().zip(landed) {
                    let _ = job.reply.send(Ok(landed));
                }
            }
            Err(e) if batch.len() > 1 && specific(&e) => {
                // One save's own data failed the batch: write each alone, so only it fails.
                tracing::warn!(error = %e, "a batch of saves failed; writing them one by one");
                for job in batch {
                    let alone = commit(db.begin_write().await, &[&job.write]).await;
                    let reply = alone.map(|mut l| l.remove(0)).map_err(|e| refusal(&e));
                    let _ = job.reply.send(reply);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, saves = batch.len(), "a batch of saves was not stored");
                let refused = refusal(&e);
                for job in batch {
                    let _ = job.reply.send(Err(refused.clone()));
                }
            }
        }
    }
}

/// Writes `writes` in `tx` (if it could begin); the results count only once it has committed.
async fn commit(tx: sqlx::Result<WriteTx>, writes: &[&Write]) -> sqlx::Result<Vec<Option<Landed>>> {
    let mut tx = tx?;
    let landed = super::save_batch::apply(&mut tx, writes).await?;
    tx.commit().await?;
    Ok(landed)
}
