//! The data folder and the SQLite files in it: where a `sqlite:` URL points, a folder created
//! with a message a person can act on, and everything private to its owner (folder 0700; the
//! database, its `-wal` and `-shm` and backups 0600).

use std::path::Path;

use anyhow::Context;

/// The server key's file in the data folder (see `server_key`).
pub const KEY_FILE: &str = "server.key";

/// The file of a `sqlite:` URL (None for other engines and in-memory databases).
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let path = rest
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

/// Creates the folder that will hold the SQLite file, with a message a person can act on
/// (private to its owner when it is the data folder), and the file itself private.
pub(super) fn prepare_sqlite_folder(url: &str, data_dir: &Path) -> anyhow::Result<()> {
    let Some(path) = sqlite_file(url) else {
        return Ok(());
    };
    let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    std::fs::create_dir_all(folder).with_context(|| {
        format!(
            "cannot create the data folder {}; choose a writable folder with --data-dir",
            folder.display()
        )
    })?;
    let probe = folder.join(".sathach-write-test");
    std::fs::write(&probe, b"").with_context(|| {
        format!(
            "the data folder {} is not writable; fix its permissions or choose another with --data-dir",
            folder.display()
        )
    })?;
    let _ = std::fs::remove_file(probe);
    if folder == data_dir {
        private_folder(folder)?;
    }
    restrict_database_files(&path)
}

/// Creates a folder (and its parents) and makes it private to its owner (0700).
pub fn private_folder(folder: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(folder).with_context(|| {
        format!(
            "cannot create the data folder {}; choose a writable folder with --data-dir",
            folder.display()
        )
    })?;
    // A folder owned by another account (a mounted volume) stays as it is: the files in it
    // are private anyway.
    if let Err(e) = set_mode(folder, 0o700) {
        tracing::warn!(folder = %folder.display(), error = %e, "cannot make the data folder private");
    }
    Ok(())
}

/// The database and its `-wal` and `-shm` files readable by their owner only (0600): created
/// so before SQLite opens them (it gives the `-wal` and `-shm` files the database's mode), and
/// narrowed if an older sathach left them readable by everyone.
fn restrict_database_files(path: &Path) -> anyhow::Result<()> {
    if !path.exists() {
        create_private_file(path)
            .with_context(|| format!("cannot create the database {}", path.display()))?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let file = std::path::PathBuf::from(file);
        if file.exists() {
            set_mode(&file, 0o600)
                .with_context(|| format!("cannot make {} private", file.display()))?;
        }
    }
    Ok(())
}

/// A new, empty file readable by its owner only.
pub(super) fn create_private_file(path: &Path) -> std::io::Result<()> {
    open_private_file(path).map(drop)
}

/// A new file readable by its owner only (0600); refused if the file exists.
fn open_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Writes a new secret file (a key) readable by its owner only (0600), durably; refused if
/// the file exists, so a key is never overwritten.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = open_private_file(path)?;
    file.write_all(bytes).and_then(|()| file.sync_all())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::sqlite_file;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_file("sqlite://data/sathach.db?mode=rwc"),
            Some(PathBuf::from("data/sathach.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:///srv/x.db"),
            Some(PathBuf::from("/srv/x.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://u@h/db"), None);
    }
}
