//! Signing-key files: `{CODE}-{kid}.pem` in the key folder (`signing_keys_dir`, or `keys/` in
//! the data folder), PKCS#8 PEM (v1) readable by its owner only (0600), encrypted (PBES2: scrypt
//! and AES-256-CBC, which `openssl pkey` also opens) when a passphrase is configured.

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use pkcs8::{
    DecodePrivateKey, EncodePrivateKey, EncryptedPrivateKeyInfo, LineEnding, PrivateKeyInfo,
    pkcs5::{pbes2, scrypt},
};
use rand::Rng;

use crate::config::{Secret, Settings};

const ENCRYPTED_LABEL: &str = "ENCRYPTED PRIVATE KEY";

/// Where this node keeps the private keys, and the passphrase that encrypts them.
#[derive(Clone, Debug)]
pub struct KeyFolder {
    pub folder: PathBuf,
    pub passphrase: Option<Secret>,
}

impl KeyFolder {
    pub fn of(settings: &Settings) -> Self {
        Self {
            folder: settings
                .signing_keys_dir
                .clone()
                .unwrap_or_else(|| settings.data_dir.join("keys")),
            passphrase: settings.signing_key_passphrase.clone(),
        }
    }

    /// The file of one organisation's key.
    pub fn path(&self, code: &str, kid: &str) -> PathBuf {
        self.folder.join(format!("{code}-{kid}.pem"))
    }
}

/// Why this node cannot use a private key: each names the file and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error(
        "this server does not hold the signing key {}: copy it here from the server that \
         created it (or set signing_keys_dir to the folder the servers share); a new key is never \
         created while the database publishes this one",
        .0.display()
    )]
    Missing(PathBuf),
    #[error(
        "the signing key {} is encrypted: set signing_key_passphrase \
         (SATHACH_SIGNING_KEY_PASSPHRASE) to the passphrase it was written with",
        .0.display()
    )]
    Locked(PathBuf),
    #[error("cannot read the signing key {}: {}", .0.display(), .1)]
    Unreadable(PathBuf, String),
    #[error(
        "the signing key {} is not the key the database publishes under its name",
        .0.display()
    )]
    Mismatch(PathBuf),
}

/// What this node holds of a key, for the admin page (no decryption).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holding {
    Held,
    /// Encrypted, and this node has no passphrase.
    Locked,
    Missing,
}

impl Holding {
    pub fn label_key(self) -> &'static str {
        match self {
            Holding::Held => "keys.held",
            Holding::Locked => "keys.locked",
            Holding::Missing => "keys.missing",
        }
    }
}

/// A fresh Ed25519 key from the operating system's random source.
pub fn generate() -> SigningKey {
    let mut seed = [0u8; 32];
    rand::rng().fill_bytes(&mut seed);
    SigningKey::from_bytes(&seed)
}

/// Writes a new key file (never replacing one), 0600 in a private folder (0700).
pub fn write(keys: &KeyFolder, path: &Path, key: &SigningKey) -> anyhow::Result<()> {
    use anyhow::Context;
    crate::db::private_folder(&keys.folder)?;
    // PKCS#8 v1 (the seed alone): OpenSSL 3.0 cannot read the v2 form with the public key.
    let seed = ed25519_dalek::pkcs8::KeypairBytes {
        secret_key: key.to_bytes(),
        public_key: None,
    };
    let der = seed
        .to_pkcs8_der()
        .context("cannot encode the signing key")?;
    let pem = match &keys.passphrase {
        None => der
            .to_pem("PRIVATE KEY", LineEnding::LF)
            .context("cannot encode the signing key")?,
        Some(phrase) => {
            let mut salt = [0u8; 16];
            let mut iv = [0u8; 16];
            rand::rng().fill_bytes(&mut salt);
            rand::rng().fill_bytes(&mut iv);
            let params = pbes2::Parameters::scrypt_aes256cbc(scrypt_params(), &salt, &iv)
                .map_err(|e| anyhow::anyhow!("cannot set up the key encryption: {e}"))?;
            let info = PrivateKeyInfo::try_from(der.as_bytes())
                .map_err(|e| anyhow::anyhow!("cannot encode the signing key: {e}"))?;
            info.encrypt_with_params(params, phrase.expose().as_bytes())
                .map_err(|e| anyhow::anyhow!("cannot encrypt the signing key: {e}"))?
                .to_pem(ENCRYPTED_LABEL, LineEnding::LF)
                .context("cannot encode the signing key")?
        }
    };
    crate::db::write_private_file(path, pem.as_bytes())
        .with_context(|| format!("cannot write the signing key {}", path.display()))
}

/// Reads a key file, decrypting it with the configured passphrase if it is encrypted (slow by
/// design: run it off the async threads).
pub fn read(keys: &KeyFolder, path: &Path) -> Result<SigningKey, KeyFileError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => pkcs8::der::zeroize::Zeroizing::new(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(KeyFileError::Missing(path.into()));
        }
        Err(e) => return Err(KeyFileError::Unreadable(path.into(), e.to_string())),
    };
    let unreadable = |e: pkcs8::Error| KeyFileError::Unreadable(path.into(), e.to_string());
    if !is_encrypted(&text) {
        return SigningKey::from_pkcs8_pem(&text).map_err(unreadable);
    }
    let Some(phrase) = &keys.passphrase else {
        return Err(KeyFileError::Locked(path.into()));
    };
    let (_, der) = pkcs8::SecretDocument::from_pem(&text)
        .map_err(|e| KeyFileError::Unreadable(path.into(), e.to_string()))?;
    let info = EncryptedPrivateKeyInfo::try_from(der.as_bytes()).map_err(unreadable)?;
    let plain = info.decrypt(phrase.expose().as_bytes()).map_err(|_| {
        KeyFileError::Unreadable(
            path.into(),
            "the passphrase (signing_key_passphrase) does not open it".into(),
        )
    })?;
    SigningKey::from_pkcs8_der(plain.as_bytes()).map_err(unreadable)
}

/// Whether this node holds the key file, without decrypting it.
pub fn holding(keys: &KeyFolder, path: &Path) -> Holding {
    match std::fs::read_to_string(path) {
        Ok(text) if is_encrypted(&text) && keys.passphrase.is_none() => Holding::Locked,
        Ok(_) => Holding::Held,
        Err(_) => Holding::Missing,
    }
}

/// scrypt with N = 2^14, r = 8, p = 1 (16 MiB): OpenSSL's own choice for `pkcs8 -scrypt`, which
/// its 32 MiB limit lets `openssl pkey` open.
fn scrypt_params() -> scrypt::Params {
    scrypt::Params::new(14, 8, 1, 32).expect("valid scrypt parameters")
}

fn is_encrypted(pem: &str) -> bool {
    pem.contains(&format!("BEGIN {ENCRYPTED_LABEL}"))
}
