//! One `serve` per SQLite database: an advisory lock (flock) on `sathach.db.lock` beside the
//! database, held for as long as the server runs and released by the kernel when the process
//! ends, however it ends. CLI commands (backup, imports) never take it.

use std::{
    fs::{File, OpenOptions},
    io::{Read, Seek, Write},
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use fs4::{FileExt, TryLockError};

use crate::{config::Settings, db::sqlite_file};

/// Held while this process serves a SQLite database; dropping it releases the lock.
#[derive(Debug)]
pub struct ServeLock {
    _file: File,
}

impl ServeLock {
    /// Takes the lock of the settings' SQLite database (None for PostgreSQL, where several
    /// nodes serve one database, and for in-memory databases). Fails, naming the process that
    /// holds it, when another `serve` runs on the same database.
    pub fn acquire(settings: &Settings) -> anyhow::Result<Option<Self>> {
        match sqlite_file(settings.database_url.expose()) {
            Some(database) => Self::acquire_beside(&database).map(Some),
            None => Ok(None),
        }
    }

    fn acquire_beside(database: &Path) -> anyhow::Result<Self> {
        let mut name = database.as_os_str().to_owned();
        name.push(".lock");
        let path = PathBuf::from(name);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        match FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = match holder.trim() {
                    "" => "another process".to_string(),
                    pid => format!("process {pid}"),
                };
                bail!(
                    "another sathach serve ({holder}) is using the database {}; stop it first, \
                     or give this one another --data-dir",
                    database.display()
                );
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        // Only for the message a second server shows: the lock itself is the kernel's.
        file.set_len(0)?;
        file.rewind()?;
        writeln!(file, "{}", std::process::id())?;
        file.flush()?;
        tracing::debug!(lock = %path.display(), "database locked for this server");
        Ok(Self { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_holder_and_given_after_release() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("sathach.db");
        let first = ServeLock::acquire_beside(&database).unwrap();
        let refused = ServeLock::acquire_beside(&database)
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains(&format!("process {}", std::process::id())),
            "{refused}"
        );
        drop(first);
        assert!(ServeLock::acquire_beside(&database).is_ok());
    }
}
