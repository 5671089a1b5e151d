//! Starting regrades: the published key corrections no regrade has taken yet, grouped by the
//! bank version that published them, each becoming a regrade, which then lists (in short
//! batches) the attempts whose current result may depend on them.

use std::collections::BTreeMap;

use sqlx::{AnyConnection, FromRow};

use crate::{
    audit::{self, AuditEntry},
    clock,
    db::{Db, values_list},
};

#[derive(FromRow)]
struct Correction {
    version_id: String,
    reason: Option<String>,
    bank_version_id: Option<String>,
}

/// Published key corrections that no regrade has taken yet become regrades, one per bank
/// version that published them, and every regrade not fully listed yet is listed. Returns how
/// many were started.
pub(super) async fn start_new(db: &Db) -> anyhow::Result<usize> {
    let corrections: Vec<Correction> = sqlx::query_as(
        "SELECT iv.id AS version_id, iv.reason,
                (SELECT bv.id FROM bank_version_items bvi
                 JOIN bank_versions bv ON bv.id = bvi.bank_version_id
                 WHERE bvi.item_version_id = iv.id
                   AND NOT EXISTS (SELECT 1 FROM bank_imports bi WHERE bi.id = bv.import_id)
                 ORDER BY bv.number LIMIT 1) AS bank_version_id
         FROM item_versions iv
         WHERE iv.key_correction = 1
           AND NOT EXISTS (SELECT 1 FROM regrade_items ri WHERE ri.item_version_id = iv.id)",
    )
    .fetch_all(&db.read)
    .await?;
    // Staged corrections (no published version yet) wait for their publication.
    let mut by_version: BTreeMap<String, Vec<Correction>> = BTreeMap::new();
    for c in corrections {
        if let Some(bank_version) = c.bank_version_id.clone() {
            by_version.entry(bank_version).or_default().push(c);
        }
    }
    let mut started = 0;
    for (bank_version, corrections) in by_version {
        let mut tx = db.begin_write().await?;
        // Another node may have started the same regrade a moment ago: it stays theirs.
        if start(&mut tx, &bank_version, &corrections).await? {
            tx.commit().await?;
            started += 1;
        }
    }
    let unlisted: Vec<String> =
        sqlx::query_scalar("SELECT id FROM regrades WHERE listed_at IS NULL ORDER BY created_at")
            .fetch_all(&db.read)
            .await?;
    for regrade in unlisted {
        list(db, &regrade).await?;
    }
    Ok(started)
}

/// Attempts listed per write transaction: the list is read first, then written in batches
/// short enough that a candidate's save never waits long behind one.
const LISTED_PER_BATCH: usize = 500;

/// Lists the attempts whose current result may depend on the regrade's corrected items (any
/// attempt with a result whose paper holds one of the items), then marks the regrade listed
/// with its total. Listing again after an interruption adds only what is missing.
async fn list(db: &Db, regrade: &str) -> anyhow::Result<()> {
    let attempts: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT a.id FROM attempts a
         JOIN paper_items pi ON pi.paper_id = a.paper_id
         JOIN item_versions iv ON iv.item_id = pi.item_id
         JOIN regrade_items ri ON ri.item_version_id = iv.id
         WHERE ri.regrade_id = $1
           AND EXISTS (SELECT 1 FROM results r WHERE r.attempt_id = a.id)",
    )
    .bind(regrade)
    .fetch_all(&db.read)
    .await?;
    for batch in attempts.chunks(LISTED_PER_BATCH) {
        let sql = format!(
            "INSERT INTO regrade_attempts (regrade_id, attempt_id) VALUES {}
             ON CONFLICT (regrade_id, attempt_id) DO NOTHING",
            values_list(batch.len(), 2)
        );
        let mut query = sqlx::query(&sql);
        for attempt in batch {
            query = query.bind(regrade).bind(attempt);
        }
        let mut tx = db.begin_write().await?;
        query.execute(&mut *tx).await?;
        tx.commit().await?;
    }
    let mut tx = db.begin_write().await?;
    let marked = sqlx::query(
        "UPDATE regrades SET listed_at = $2,
                total = (SELECT COUNT(*) FROM regrade_attempts WHERE regrade_id = $1)
         WHERE id = $1 AND listed_at IS NULL",
    )
    .bind(regrade)
    .bind(clock::now_ms())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if marked == 0 {
        // Another node listed it meanwhile (and recorded it).
        return Ok(());
    }
    audit::record(
        &mut tx,
        AuditEntry {
            actor: None,
            action: "results.regrade_listed",
            subject_id: regrade,
            detail: format!("{} results to score again", attempts.len()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Creates the regrade of one bank version: its corrected item versions and the attempts
/// whose current result may depend on them. False when another node created it first.
async fn start(
    conn: &mut AnyConnection,
    bank_version: &str,
    corrections: &[Correction],
) -> anyhow::Result<bool> {
    let reason = corrections
        .iter()
        .find_map(|c| c.reason.clone())
        .unwrap_or_default();
    let created = sqlx::query(
        "INSERT INTO regrades (id, reason, requested_by, created_at, total)
         SELECT id, $2, imported_by, $3, 0 FROM bank_versions WHERE id = $1
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(bank_version)
    .bind(&reason)
    .bind(clock::now_ms())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if created == 0 {
        return Ok(false);
    }
    for c in corrections {
        sqlx::query("INSERT INTO regrade_items (regrade_id, item_version_id) VALUES ($1, $2)")
            .bind(bank_version)
            .bind(&c.version_id)
            .execute(&mut *conn)
            .await?;
    }
    audit::record(
        conn,
        AuditEntry {
            actor: None,
            action: "results.regrade_started",
            subject_id: bank_version,
            detail: format!("{} corrected keys (reason: {reason})", corrections.len()),
        },
    )
    .await?;
    Ok(true)
}
