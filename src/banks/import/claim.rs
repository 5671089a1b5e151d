//! An import's claim on its bank: one import of a bank at a time, every batch renewing the
//! claim, and the sweep of imports abandoned half-way (their future dropped, their process
//! gone, or silent past the lease), whose staged rows nobody ever saw.

use std::{
    collections::HashSet,
    sync::{LazyLock, Mutex},
    time::Duration,
};

use super::ImportError;
use crate::{
    banks::{
        BankMeta,
        report::args,
        store::{self, ClaimRow},
    },
    clock,
    db::{Db, serialize_on},
};

/// How long an import may go without committing a batch before another may sweep it. A batch
/// commits in well under a second, so only a dead import stays silent this long.
pub const LEASE_MS: i64 = 120_000;
/// How often an import waiting for another import of the same bank looks again.
const WAIT: Duration = Duration::from_millis(200);
/// Staged rows deleted per sweep transaction (item texts included: a small write).
const SWEEP_ROWS: i64 = 200;
/// The owner a sweep gives the claims it takes over.
const ABANDONED: &str = "abandoned";

/// This process, as the owner of the claims it takes.
static OWNER: LazyLock<String> = LazyLock::new(|| uuid::Uuid::new_v4().to_string());
/// The claims of this process whose import is still running.
static LIVE: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Default::default);

/// Whether an unpublished import is abandoned, as process `me` (running `live`) sees it at `now`.
pub fn abandoned(claim: &ClaimRow, me: &str, live: &HashSet<String>, now: i64) -> bool {
    claim.owner == ABANDONED
        || (claim.owner == me && !live.contains(&claim.id))
        || now - claim.touched_at > LEASE_MS
}

/// A claim this process holds; dropping it (the import's future dropped, or returned) tells the
/// sweep that its import no longer runs.
pub struct Claim {
    pub id: String,
    pub bank_id: String,
    pub organisation_id: String,
    pub code: String,
    /// The newest published version when the claim was taken (0: none).
    pub base_number: i64,
    pub scope: String,
}

impl Drop for Claim {
    fn drop(&mut self) {
        if let Ok(mut live) = LIVE.lock() {
            live.remove(&self.id);
        }
    }
}

impl Claim {
    pub fn owner() -> &'static str {
        &OWNER
    }

    /// Takes the bank's claim in one short transaction, first creating the bank (unlisted until
    /// it has a published version) if need be; waits while another import of it runs.
    pub async fn take(
        db: &Db,
        organisation_id: &str,
        meta: &BankMeta,
    ) -> Result<Claim, ImportError> {
        let scope = store::import_scope(organisation_id, &meta.code);
        let mut waited = false;
        loop {
            sweep(db).await?;
            let mut tx = db.begin_write().await?;
            serialize_on(&mut tx, &scope).await?;
            let bank_id = match store::bank_for_import(&mut tx, organisation_id, &meta.code).await?
            {
                Some((_, module)) if module != meta.module => {
                    tx.rollback().await?;
                    let args = args![
                        code = &meta.code,
                        module = &module,
                        file_module = &meta.module
                    ];
                    return Err(ImportError::Content(vec![("report.module_mismatch", args)]));
                }
                Some((id, _)) => id,
                None => {
                    let new = store::NewBank {
                        organisation_id,
                        code: &meta.code,
                        title: &meta.title,
                        module: &meta.module,
                        language: &meta.language,
                    };
                    store::insert_bank(&mut tx, new).await?
                }
            };
            if store::claim_on(&mut tx, &bank_id).await?.is_some() {
                tx.rollback().await?;
                if !std::mem::replace(&mut waited, true) {
                    tracing::info!(bank.id = %bank_id, "an import waits for another import of the same bank");
                }
                tokio::time::sleep(WAIT).await;
                continue;
            }
            let base_number = store::published_number(&mut tx, &bank_id).await?;
            let id = uuid::Uuid::new_v4().to_string();
            if let Ok(mut live) = LIVE.lock() {
                live.insert(id.clone());
            }
            let claim = Claim {
                id,
                bank_id,
                organisation_id: organisation_id.to_string(),
                code: meta.code.clone(),
                base_number,
                scope,
            };
            store::insert_claim(&mut tx, &claim.id, &claim.bank_id, &OWNER, base_number).await?;
            tx.commit().await?;
            return Ok(claim);
        }
    }

    /// Gives the claim up, deleting what the import staged (in short transactions).
    pub async fn release(self, db: &Db) -> sqlx::Result<()> {
        clear(db, &self.id, &self.bank_id).await
    }
}

/// Sweeps every abandoned import: takes its claim over (so its owner, should it still run,
/// writes nothing more), deletes its staged rows in short transactions, then the claim.
pub async fn sweep(db: &Db) -> sqlx::Result<()> {
    let now = clock::now_ms();
    let claims = store::claims(&db.read).await?;
    let gone: Vec<ClaimRow> = {
        let live = LIVE.lock().map(|l| l.clone()).unwrap_or_default();
        claims
            .into_iter()
            .filter(|c| abandoned(c, &OWNER, &live, now))
            .collect()
    };
    for claim in gone {
        if claim.owner != ABANDONED {
            let mut tx = db.begin_write().await?;
            let taken = store::take_over(&mut tx, &claim).await?;
            tx.commit().await?;
            if !taken {
                continue;
            }
        }
        tracing::warn!(import.id = %claim.id, bank.id = %claim.bank_id, "sweeping an abandoned bank import");
        clear(db, &claim.id, &claim.bank_id).await?;
    }
    Ok(())
}

/// Deletes an unpublished import's rows, a few at a time, then its claim.
async fn clear(db: &Db, claim_id: &str, bank_id: &str) -> sqlx::Result<()> {
    loop {
        let mut tx = db.begin_write().await?;
        let deleted = store::sweep_step(&mut tx, claim_id, SWEEP_ROWS).await?;
        if deleted == 0 {
            if let Some(scope) = store::bank_scope(&mut tx, bank_id).await? {
                serialize_on(&mut tx, &scope).await?;
            }
            store::end_claim(&mut tx, claim_id, bank_id).await?;
        }
        tx.commit().await?;
        if deleted == 0 {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::{ABANDONED, LEASE_MS, abandoned};
    use crate::banks::store::ClaimRow;

    fn claim(owner: &str, touched_at: i64) -> ClaimRow {
        ClaimRow {
            id: "c".into(),
            bank_id: "b".into(),
            owner: owner.into(),
            touched_at,
        }
    }

    #[test]
    fn an_import_is_abandoned_when_its_runner_is_known_gone_or_silent_past_the_lease() {
        let running: HashSet<String> = ["c".to_string()].into();
        let none = HashSet::new();
        let now = 1_000_000;
        assert!(!abandoned(&claim("me", now), "me", &running, now));
        assert!(
            abandoned(&claim("me", now), "me", &none, now),
            "its future was dropped"
        );
        assert!(!abandoned(
            &claim("other", now - LEASE_MS),
            "me",
            &none,
            now
        ));
        assert!(abandoned(
            &claim("other", now - LEASE_MS - 1),
            "me",
            &none,
            now
        ));
        assert!(abandoned(&claim(ABANDONED, now), "me", &none, now));
    }
}
