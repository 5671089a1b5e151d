//! The database: one code path for SQLite and PostgreSQL through sqlx `Any`, migrations, the
//! guard against databases written by a newer sathach, and online SQLite backups.
//!
//! On SQLite every write goes through a pool of exactly one connection, so concurrent requests
//! queue in the process instead of failing with "database is locked"; reads use a separate
//! pool and see committed data through WAL. Writes go through [`Db::begin_write`], whose
//! [`WriteTx`] keeps the node's write health (see `writer.rs`).

mod comebacks;
mod counters;
mod files;
mod monitor;
mod requests;
mod writer;

use std::{path::Path, sync::Arc, time::Duration};

use anyhow::{Context, anyhow, bail};
use sqlx::{
    AnyPool, Executor,
    any::{AnyConnectOptions, AnyPoolOptions},
    migrate::Migrator,
};

use crate::config::Settings;

pub use counters::{next_number, serialize_on};
pub use files::{KEY_FILE, private_folder, sqlite_file, write_private_file};
use files::{create_private_file, prepare_sqlite_folder};
pub use monitor::watch_reachability;
use requests::RequestLine;
pub use requests::{
    REQUEST_WRITE_PLACES, REQUEST_WRITES_IN_LINE, Refused, WRITER_WAIT, WritePlace,
};
pub use writer::{BEATS_BEFORE_UNHEALTHY, Health, Unhealthy, WriteTx};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which engine is behind the pools.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The pools: `write` for anything that changes data (through [`Db::begin_write`]), `read` for
/// the rest. On PostgreSQL both are the same pool.
#[derive(Clone, Debug)]
pub struct Db {
    pub read: AnyPool,
    pub write: AnyPool,
    pub backend: Backend,
    /// What this node knows of its writes and its database, shared by every clone.
    pub health: Arc<Health>,
    /// Connection options, for the reachability monitor's own connection.
    options: AnyConnectOptions,
    /// Where the server key is kept (see `server_key`): never in the database.
    pub keys: KeySource,
    /// Sign-ins, starts and submissions in line for the writer (`requests.rs`).
    requests: RequestLine,
}

/// The server key's place: the configured `server_key`, or else the key file; and where the
/// organisations' signing keys are kept (see `keys`).
#[derive(Clone, Debug)]
pub struct KeySource {
    pub configured: Option<crate::config::Secret>,
    pub file: std::path::PathBuf,
    pub signing: crate::keys::KeyFolder,
}

impl Db {
    /// Connects (creating the SQLite file and its folder if needed) without migrating.
    pub async fn connect(settings: &Settings) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let url = settings.database_url.expose();
        let shown = settings.database_url_redacted();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        if backend == Backend::Sqlite {
            prepare_sqlite_folder(url, &settings.data_dir)?;
        }
        let options: AnyConnectOptions = url
            .parse()
            .with_context(|| format!("DATABASE_URL {shown} cannot be used"))?;
        let health = Arc::new(Health::new(backend));
        let keys = KeySource {
            configured: settings.server_key.clone(),
            file: settings.data_dir.join(KEY_FILE),
            signing: crate::keys::KeyFolder::of(settings),
        };
        let db = match backend {
            Backend::Sqlite => {
                let writer_health = health.clone();
                let write = sqlite_pool(1)
                    .before_acquire(move |_conn, _meta| {
                        let clean = writer_health.writer_is_clean();
                        if !clean {
                            tracing::warn!(
                                "replacing the SQLite writer connection after a failed write"
                            );
                        }
                        Box::pin(async move { Ok(clean) })
                    })
                    .connect_with(options.clone())
                    .await;
                let write = write.map_err(|e| explain_connect_error(e, &shown))?;
                let read = sqlite_pool(8).connect_with(options.clone()).await;
                let read = read.map_err(|e| explain_connect_error(e, &shown))?;
                Db {
                    read,
                    write,
                    backend,
                    health,
                    options,
                    keys,
                    requests: RequestLine::new(),
                }
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options.clone())
                    .await
                    .map_err(|e| explain_connect_error(e, &shown))?;
                Db {
                    read: pool.clone(),
                    write: pool,
                    backend,
                    health,
                    options,
                    keys,
                    requests: RequestLine::new(),
                }
            }
        };
        Ok(db)
    }

    /// Connects, refuses a database from a newer sathach, and applies pending migrations.
    pub async fn connect_and_migrate(settings: &Settings) -> anyhow::Result<Self> {
        let db = Self::connect(settings).await?;
        db.migrate().await?;
        Ok(db)
    }

    fn migrator(&self) -> &'static Migrator {
        match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// Applies pending migrations, after checking the database is not newer than this binary.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let known = self.migrator().iter().map(|m| m.version).max().unwrap_or(0);
        let applied: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
            .fetch_one(&self.read)
            .await
            .unwrap_or(None);
        if let Some(applied) = applied
            && applied > known
        {
            bail!(
                "this database was written by a newer version of sathach (migration {applied}, \
                 this program knows up to {known}); run the newer sathach, or restore a backup \
                 made by this version"
            );
        }
        self.migrator()
            .run(&self.write)
            .await
            .map_err(|e| anyhow!("cannot apply the database migrations: {e}"))
    }

    /// Writes a consistent copy of a live SQLite database with `VACUUM INTO`.
    pub async fn backup_to(&self, target: &Path) -> anyhow::Result<()> {
        if self.backend != Backend::Sqlite {
            bail!(
                "sathach backup copies SQLite databases; for PostgreSQL use pg_dump (see README, Backups)"
            );
        }
        if target.exists() {
            bail!(
                "{} already exists; choose a new file name so no backup is overwritten",
                target.display()
            );
        }
        let target_text = target
            .to_str()
            .ok_or_else(|| anyhow!("the backup path {} is not valid UTF-8", target.display()))?;
        create_private_file(target)
            .with_context(|| format!("cannot create the backup {}", target.display()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target_text)
            .execute(&self.read)
            .await
            .with_context(|| format!("cannot write the backup to {}", target.display()))?;
        Ok(())
    }

    /// Starts a write transaction; see [`WriteTx`] for what its commit guarantees.
    pub async fn begin_write(&self) -> sqlx::Result<WriteTx> {
        let tx = self.write.begin().await.inspect_err(|e| {
            if is_outage(e) {
                self.health.commit_failed(e);
            }
        })?;
        Ok(WriteTx::new(tx, self.health.clone()))
    }

    /// What a `SELECT` that takes a row for this transaction ends with, so that nodes sharing
    /// the database split background work instead of racing for it: on PostgreSQL the row is
    /// locked and a row another transaction holds is skipped (`FOR UPDATE SKIP LOCKED`); on
    /// SQLite nothing, as the one write transaction at a time already excludes every other.
    pub fn skip_locked(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// As `skip_locked`, but waiting for a row another transaction holds (` FOR UPDATE`).
    pub fn wait_locked(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }

    /// Closes both pools, letting SQLite checkpoint its WAL.
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

fn sqlite_pool(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .min_connections(1)
        // An embedded connection does not go away by itself: no ping (a round trip to its
        // thread) before each use. sqlx still checks it when it is given back.
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute("PRAGMA journal_mode = WAL").await?;
                conn.execute("PRAGMA synchronous = FULL").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                conn.execute("PRAGMA busy_timeout = 10000").await?;
                Ok(())
            })
        })
}

fn explain_connect_error(error: sqlx::Error, shown: &str) -> anyhow::Error {
    match &error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut => anyhow!(
            "cannot reach the database at {shown} ({error}); check that the server is running and the host and port are right"
        ),
        sqlx::Error::Database(db) => anyhow!(
            "the database at {shown} refused the connection: {}; check the user, password and database name",
            db.message()
        ),
        _ => anyhow!("cannot open the database at {shown}: {error}"),
    }
}

/// True when a write failed because a unique constraint already holds the value.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.kind() == sqlx::error::ErrorKind::UniqueViolation
                || db.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

/// True when the database could not do the work at all (disk full, input/output error, no
/// connection, no answer), as opposed to refusing this particular write: the request may be
/// tried again unchanged once the fault is gone.
pub fn is_outage(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let sqlite = db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some();
            db.code().is_some_and(|code| outage_code(&code, sqlite))
        }
        _ => false,
    }
}

/// SQLite's primary result codes (the low byte of extended codes) and PostgreSQL's SQLSTATE
/// classes that mean the storage or the server failed.
fn outage_code(code: &str, sqlite: bool) -> bool {
    if sqlite {
        // SQLITE_NOMEM 7, SQLITE_IOERR 10, SQLITE_FULL 13, SQLITE_CANTOPEN 14.
        return code
            .parse::<i64>()
            .is_ok_and(|number| matches!(number & 0xff, 7 | 10 | 13 | 14));
    }
    // 08: connection exception; 53: insufficient resources (disk full…); 57P: operator
    // intervention (shutdown); 58: system error.
    ["08", "53", "57P", "58"]
        .iter()
        .any(|p| code.starts_with(p))
}

/// `$1, $2, …, $n`: the placeholders of an `IN (…)` list, portable for SQLite and PostgreSQL.
pub fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, $2, …), (…)` for a multi-row insert: portable placeholders for SQLite and PostgreSQL.
pub fn values_list(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=columns)
                .map(|c| format!("${}", r * columns + c))
                .collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_lists_number_placeholders_across_rows() {
        assert_eq!(super::values_list(2, 3), "($1, $2, $3), ($4, $5, $6)");
    }

    use super::outage_code;

    #[test]
    fn storage_faults_are_outages_and_refusals_are_not() {
        for code in ["13", "10", "266", "3338"] {
            assert!(outage_code(code, true), "SQLite {code}");
        }
        for code in ["53100", "08006", "57P01"] {
            assert!(outage_code(code, false), "PostgreSQL {code}");
        }
        for code in ["19", "2067", "1555"] {
            assert!(!outage_code(code, true), "SQLite {code}");
        }
        for code in ["23505", "40001", "22P02", "13"] {
            assert!(!outage_code(code, false), "PostgreSQL {code}");
        }
    }
}
