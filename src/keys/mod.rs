//! Organisations' Ed25519 signing keys: one current key per department, centre and school from
//! the moment it exists, older ones retired but still published (did:web document and JWKS).
//! The public keys are in the database, so every node publishes the same ones; the private
//! keys are in key files outside it (see `files`). A node without the current key's file
//! refuses to sign and never creates another key: a key is created only for an organisation
//! that has never had one, or by an explicit rotation.

pub mod cli;
pub mod files;
pub mod model;
pub mod pages;
pub mod store;

use anyhow::Context;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use sqlx::AnyConnection;

use crate::{audit, clock, db::Db};
pub use files::{Holding, KeyFileError, KeyFolder};
pub use model::PublicKey;
pub use pages::routes;

/// An organisation's current private key, read from its key file: what credentials are
/// signed with.
pub struct Signer {
    pub kid: String,
    /// The organisation's code, which names its did:web identifier (`model::did_web`).
    pub organisation_code: String,
    key: SigningKey,
}

impl Signer {
    /// A signer for `key`, the current key of the organisation `organisation_code`.
    pub fn from_key(organisation_code: &str, key: SigningKey) -> Signer {
        Signer {
            kid: model::thumbprint(&key.verifying_key()),
            organisation_code: organisation_code.into(),
            key,
        }
    }

    /// An Ed25519 signature (RFC 8032) of `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }

    /// The key as the JOSE library signs with it (PKCS#8 inside).
    pub fn jose_key(&self) -> anyhow::Result<jsonwebtoken::EncodingKey> {
        use pkcs8::EncodePrivateKey;
        let der = self
            .key
            .to_pkcs8_der()
            .context("cannot encode the signing key")?;
        Ok(jsonwebtoken::EncodingKey::from_ed_der(der.as_bytes()))
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// The verification method this key is published as: `did:web:…:orgs:CODE#KID`.
    pub fn verification_method(&self, public_url: &url::Url) -> String {
        let did = model::did_web(public_url, &self.organisation_code);
        format!("{did}#{}", self.kid)
    }
}

/// Why an organisation's records cannot be signed on this node.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("the organisation {0} has no signing key")]
    NoKey(String),
    #[error(transparent)]
    File(#[from] KeyFileError),
    #[error("cannot read the signing keys")]
    Database(#[from] sqlx::Error),
}

/// The organisation's current key, if this node holds its file (and can open it).
pub async fn signer(db: &Db, organisation_id: &str) -> Result<Signer, SignError> {
    let current: Option<(String, String, String)> = sqlx::query_as(
        "SELECT k.kid, k.public_key, o.code FROM signing_keys k
         JOIN organisations o ON o.id = k.organisation_id
         WHERE k.organisation_id = $1 AND k.retired_at IS NULL",
    )
    .bind(organisation_id)
    .fetch_optional(&db.read)
    .await?;
    let Some((kid, public_key, code)) = current else {
        return Err(SignError::NoKey(organisation_id.into()));
    };
    let folder = db.keys.signing.clone();
    let path = folder.path(&code, &kid);
    let read = {
        let path = path.clone();
        tokio::task::spawn_blocking(move || files::read(&folder, &path)).await
    };
    let key = read.map_err(|e| KeyFileError::Unreadable(path.clone(), e.to_string()))??;
    if model::encode_public(&key.verifying_key()) != public_key {
        return Err(KeyFileError::Mismatch(path).into());
    }
    Ok(Signer {
        kid,
        organisation_code: code,
        key,
    })
}

/// Every key of the organisation, current and retired, oldest first: what is published.
pub async fn published(db: &Db, organisation_id: &str) -> sqlx::Result<Vec<PublicKey>> {
    store::published(&db.read, organisation_id).await
}

/// Creates the organisation's first key inside the caller's transaction (the one creating the
/// organisation, or the upgrade's), unless it has ever had one; returns the new kid. The key
/// file is written before the row: a transaction that then rolls back leaves an unused file.
pub async fn issue_first(
    conn: &mut AnyConnection,
    keys: &KeyFolder,
    organisation_id: &str,
    code: &str,
) -> anyhow::Result<Option<String>> {
    if store::count(conn, organisation_id).await? > 0 {
        return Ok(None);
    }
    let kid = issue(conn, keys, organisation_id, code).await?;
    audit::record(
        conn,
        audit::AuditEntry {
            actor: None,
            action: "key.create",
            subject_id: organisation_id,
            detail: format!("{code} {kid}"),
        },
    )
    .await?;
    Ok(Some(kid))
}

/// Writes a new key file and records its public key as the organisation's current key.
async fn issue(
    conn: &mut AnyConnection,
    keys: &KeyFolder,
    organisation_id: &str,
    code: &str,
) -> anyhow::Result<String> {
    let key = files::generate();
    let public = PublicKey {
        kid: model::thumbprint(&key.verifying_key()),
        organisation_id: organisation_id.into(),
        public_key: model::encode_public(&key.verifying_key()),
        created_at: clock::now_ms(),
        retired_at: None,
    };
    let path = keys.path(code, &public.kid);
    let written = {
        let (keys, path) = (keys.clone(), path.clone());
        tokio::task::spawn_blocking(move || files::write(&keys, &path, &key)).await
    };
    written.context("cannot write the signing key")??;
    if let Err(e) = store::insert(conn, &public).await {
        let _ = std::fs::remove_file(&path);
        return Err(e).context("cannot record the signing key");
    }
    Ok(public.kid)
}

/// Gives every organisation that has never had a key its first one (at the first start after
/// the upgrade that brought keys, and by `sathach migrate`), one transaction each; another
/// node doing the same at once makes this one's attempt fail harmlessly.
pub async fn ensure_all(db: &Db) -> anyhow::Result<usize> {
    let missing = store::without_keys(&db.read)
        .await
        .context("cannot read the organisations' signing keys")?;
    let mut created = 0;
    for (id, code) in missing {
        let mut tx = db.begin_write().await?;
        let issued = issue_first(&mut tx, &db.keys.signing, &id, &code).await;
        match issued {
            Ok(Some(kid)) => {
                tx.commit().await?;
                tracing::info!(organisation.code = %code, key.kid = %kid, "created the organisation's signing key");
                created += 1;
            }
            Ok(None) => {}
            Err(e)
                if e.downcast_ref::<sqlx::Error>()
                    .is_some_and(crate::db::is_unique_violation) =>
            {
                tracing::info!(organisation.code = %code, "another server created this organisation's signing key");
            }
            Err(e) => return Err(e.context(format!("cannot create the signing key of {code}"))),
        }
    }
    Ok(created)
}

/// Makes a new current key for the organisation; the old one is retired and stays published.
/// Returns the retired and the new kid.
pub async fn rotate(
    db: &Db,
    organisation_id: &str,
    code: &str,
    actor: Option<&str>,
) -> anyhow::Result<(Option<String>, String)> {
    let mut tx = db.begin_write().await?;
    let old = store::retire_current(&mut tx, organisation_id, clock::now_ms()).await?;
    let new = issue(&mut tx, &db.keys.signing, organisation_id, code).await?;
    let detail = format!("{code} {} → {new}", old.as_deref().unwrap_or("-"));
    let entry = audit::AuditEntry {
        actor,
        action: "key.rotate",
        subject_id: organisation_id,
        detail,
    };
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    tracing::info!(organisation.code = %code, key.kid = %new, "rotated the organisation's signing key");
    Ok((old, new))
}
