//! Staff password hashing with Argon2id, always off the async threads.

use anyhow::anyhow;
use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};

/// Hashes a password to a PHC string (Argon2id, random salt).
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow!("cannot hash the password: {e}"))
    })
    .await?
}

/// Checks a password against a stored hash. A missing hash still costs one hash computation,
/// so an unknown e-mail cannot be told from a wrong password by timing.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let Some(stored) = stored else {
            let _ = Argon2::default().hash_password(password.as_bytes());
            return false;
        };
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = hash("mật khẩu thử".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, hash("mật khẩu thử".into()).await.unwrap());
        assert!(verify("mật khẩu thử".into(), Some(a.clone())).await);
        assert!(!verify("mat khau thu".into(), Some(a)).await);
        assert!(!verify("x".into(), None).await);
    }
}
