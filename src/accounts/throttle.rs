//! The staff sign-in throttle, counted and decided atomically: each attempt is recorded as a
//! failure *before* its password is checked, in a transaction that holds the account's and the
//! client's lock rows, so a burst of parallel requests cannot all pass the count at once. A
//! right password withdraws its record.

use sha2::{Digest, Sha256};

use super::{
    model::{self, Throttle},
    store,
};
use crate::{config::ThrottleSettings, db::Db};

/// Lock rows per kind: bounded, so invented e-mails and addresses add no rows of their own.
const LOCK_BUCKETS: u8 = 64;

/// An attempt allowed to check its password, recorded as a failure until `succeeded`.
#[must_use]
pub struct Attempt {
    id: String,
}

/// Takes a turn for `account_key` from `client`, or says until when it must wait.
pub async fn begin(
    db: &Db,
    limits: ThrottleSettings,
    account_key: &str,
    client: &str,
    now: i64,
) -> anyhow::Result<Result<Attempt, i64>> {
    let since = now - i64::from(limits.window_minutes) * 60_000;
    let mut tx = db.begin_write().await?;
    // Always the account's row before the client's: two attempts never wait on each other
    // in opposite orders.
    crate::db::serialize_on(&mut tx, &lock_scope("account", account_key)).await?;
    crate::db::serialize_on(&mut tx, &lock_scope("client", client)).await?;
    let counts = store::recent_failures(&mut tx, account_key, client, since).await?;
    if let Throttle::WaitUntil(until) = model::throttle(counts, limits) {
        return Ok(Err(until));
    }
    let id = store::record_failure(&mut tx, account_key, client).await?;
    store::prune_failures(&mut tx, since).await?;
    tx.commit().await?;
    Ok(Ok(Attempt { id }))
}

impl Attempt {
    /// The password was right: this attempt is not a failure.
    pub async fn succeeded(self, conn: &mut sqlx::AnyConnection) -> sqlx::Result<()> {
        store::delete_failure(conn, &self.id).await
    }
}

fn lock_scope(kind: &str, key: &str) -> String {
    let bucket = Sha256::digest(key.as_bytes())[0] % LOCK_BUCKETS;
    format!("sign-in-{kind}-{bucket}")
}
