//! Staff password hashing with Argon2id, always off the async threads, and at most
//! `CONCURRENT_HASHES` at once: each costs 19 MiB and a core's worth of time, so a crowd of
//! sign-ins waits its turn instead of exhausting memory.

use std::sync::LazyLock;

use anyhow::anyhow;
use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};

/// How many Argon2 computations may run at the same time, on the whole server.
pub const CONCURRENT_HASHES: usize = 3;

static PERMITS: LazyLock<tokio::sync::Semaphore> =
    LazyLock::new(|| tokio::sync::Semaphore::new(CONCURRENT_HASHES));

/// Runs one Argon2 computation on a blocking thread once a permit is free.
async fn limited<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let _permit = PERMITS.acquire().await?;
    Ok(tokio::task::spawn_blocking(work).await?)
}

/// Hashes a password to a PHC string (Argon2id, random salt).
pub async fn hash(password: String) -> anyhow::Result<String> {
    limited(move || {
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
    limited(move || {
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_than_the_limit_hash_at_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static RUNNING: AtomicUsize = AtomicUsize::new(0);
        static MOST: AtomicUsize = AtomicUsize::new(0);
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                tokio::spawn(limited(|| {
                    let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
                    MOST.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(30));
                    RUNNING.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(MOST.load(Ordering::SeqCst), CONCURRENT_HASHES);
    }

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
