//! The server key (derives access codes and option tokens, keys the stored access-code
//! digests): kept outside the database, in configuration (`server_key`, shared by several
//! PostgreSQL nodes) or in the key file `server.key` (0600) in the data folder, so a copy of
//! the database alone yields no access code.
//!
//! Databases from before the key left them still hold it in `server_secrets`: the first start
//! writes it to the key file (or checks it against the configured one), re-keys every stored
//! access-code digest, and removes it from the database, in one transaction. Printed slips keep
//! working, since the codes derive from the same key. A fingerprint of the key (a keyed digest,
//! which does not give the key away) stays in the database so a start with another key, or
//! without the key file, is refused instead of silently invalidating every printed slip.

use std::path::Path;

use anyhow::{Context, anyhow, bail};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::{attempts, db::Db};

/// The key: from configuration, the key file, or (once) the database; created on a first start.
pub async fn load(db: &Db) -> anyhow::Result<Vec<u8>> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = 'hmac'")
            .fetch_optional(&db.read)
            .await
            .context("cannot read the server secret")?;
    let outside = match &db.keys.configured {
        Some(text) => {
            Some(decode(text.expose()).context("the configured server_key is not valid")?)
        }
        None => read_key_file(&db.keys.file)?,
    };
    if let Some(stored) = stored {
        let key = decode(&stored).context("the stored server secret is damaged")?;
        match &outside {
            Some(outside) if *outside != key => bail!(
                "the server key in {} differs from the one in the database that printed the slips; \
                 use the database's key (or remove the other key) and start again",
                source_name(db)
            ),
            Some(_) => {}
            None => write_key_file(&db.keys.file, &stored)?,
        }
        move_out_of_database(db, &key).await?;
        return Ok(key);
    }
    let fingerprint: Option<String> =
        sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = 'fingerprint'")
            .fetch_optional(&db.read)
            .await
            .context("cannot read the server key's fingerprint")?;
    match (outside, fingerprint) {
        (Some(key), Some(known)) if known == fingerprint_of(&key) => Ok(key),
        (Some(_), Some(_)) => Err(anyhow!(
            "the server key in {} is not the key this database was used with; restore the key \
             file backed up with it (without it every printed slip must be reissued)",
            source_name(db)
        )),
        (None, Some(_)) => Err(anyhow!(
            "the server key is missing: restore {} from the backup made with this database, or \
             set server_key in the configuration (without it every printed slip must be reissued)",
            db.keys.file.display()
        )),
        (Some(key), None) => {
            record_fingerprint(db, &key).await?;
            Ok(key)
        }
        (None, None) => {
            let text = crate::vocab::token::random_token();
            write_key_file(&db.keys.file, &text)?;
            let key = decode(&text)?;
            if let Err(e) = record_fingerprint(db, &key).await {
                // Another node recorded its own key first: this one was never used.
                let _ = std::fs::remove_file(&db.keys.file);
                return Err(e);
            }
            Ok(key)
        }
    }
}

fn source_name(db: &Db) -> String {
    match db.keys.configured {
        Some(_) => "the configuration (server_key)".into(),
        None => db.keys.file.display().to_string(),
    }
}

fn decode(text: &str) -> anyhow::Result<Vec<u8>> {
    let key = URL_SAFE_NO_PAD
        .decode(text.trim())
        .map_err(|e| anyhow!("not URL-safe base64 without padding ({e})"))?;
    anyhow::ensure!(key.len() >= 32, "a server key has at least 32 bytes");
    Ok(key)
}

/// A digest that tells keys apart without giving one away.
fn fingerprint_of(key: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(crate::vocab::token::keyed_bytes(key, "key-fingerprint", ""))
}

/// Records the key's fingerprint, unless another node starting at the same moment recorded
/// its own first: then this node's key is not the database's, and it must not start.
async fn record_fingerprint(db: &Db, key: &[u8]) -> anyhow::Result<()> {
    let mine = fingerprint_of(key);
    sqlx::query(
        "INSERT INTO server_secrets (name, value) VALUES ('fingerprint', $1)
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(&mine)
    .execute(&db.write)
    .await
    .context("cannot record the server key's fingerprint")?;
    let recorded: String =
        sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = 'fingerprint'")
            .fetch_one(&db.write)
            .await
            .context("cannot read the server key's fingerprint")?;
    if recorded != mine {
        bail!(
            "another node started on this database at the same moment with another server key;              set the same server_key in the configuration of every node and start again"
        );
    }
    Ok(())
}

/// Re-keys every stored access-code digest and removes the key from the database.
async fn move_out_of_database(db: &Db, key: &[u8]) -> anyhow::Result<()> {
    let mut tx = db.begin_write().await?;
    let codes: Vec<(String, i64)> = sqlx::query_as("SELECT id, code_generation FROM attempts")
        .fetch_all(&mut *tx)
        .await?;
    for (id, generation) in &codes {
        let digest =
            attempts::model::access_code_digest(key, &attempts::access_code(key, id, *generation));
        sqlx::query("UPDATE attempts SET access_code_digest = $1 WHERE id = $2")
            .bind(digest)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM server_secrets WHERE name = 'hmac'")
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO server_secrets (name, value) VALUES ('fingerprint', $1)
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(fingerprint_of(key))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(
        attempts = codes.len(),
        "moved the server key out of the database and re-keyed the access codes"
    );
    Ok(())
}

fn read_key_file(path: &Path) -> anyhow::Result<Option<Vec<u8>>> {
    match std::fs::read_to_string(path) {
        Ok(text) => decode(&text)
            .map(Some)
            .with_context(|| format!("the key file {} is damaged", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read the key file {}", path.display())),
    }
}

/// Writes the key file readable by its owner only (0600), in a private data folder (0700).
fn write_key_file(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::db::private_folder(folder)?;
    }
    crate::db::write_private_file(path, format!("{text}\n").as_bytes())
        .with_context(|| format!("cannot write the key file {}", path.display()))
}
