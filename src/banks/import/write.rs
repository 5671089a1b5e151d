//! The import's writes, each batch its own short transaction that first renews the claim:
//! pictures, then items and item versions, then the staged bank version and its contents; and
//! last the publication, one short transaction that makes the version current. Reads between
//! batches go to the read pool, so the writer is free for candidates' saves in between.

use std::collections::{HashMap, HashSet};

use super::{
    ImportError, ImportOptions, ImportOutcome,
    claim::Claim,
    plan::{self, Plan},
};
use crate::{
    audit,
    banks::{BankMeta, MediaFile, ParsedBank, native, store},
    db::{Db, WriteTx, serialize_on},
};

/// Why the writes stopped.
pub enum Halt {
    /// Stopped as if the process had died (a test's choice): nothing is cleaned up.
    Died,
    Failed(ImportError),
}

impl From<sqlx::Error> for Halt {
    fn from(e: sqlx::Error) -> Self {
        Halt::Failed(e.into())
    }
}

pub struct Writer<'a> {
    db: &'a Db,
    claim: &'a Claim,
    dies_after: Option<usize>,
    committed: usize,
    /// When the open batch's transaction began (for the log: how long it held the writer).
    began: std::time::Instant,
}

impl<'a> Writer<'a> {
    pub fn new(db: &'a Db, claim: &'a Claim, dies_after: Option<usize>) -> Self {
        Self {
            db,
            claim,
            dies_after,
            committed: 0,
            began: std::time::Instant::now(),
        }
    }

    /// Plans against the published bank, stages everything and publishes; an unchanged file
    /// writes nothing (its outcome has no version).
    pub async fn import(
        &mut self,
        source_name: &str,
        parsed: &ParsedBank,
        options: &ImportOptions<'_>,
    ) -> Result<ImportOutcome, Halt> {
        let bank_id = &self.claim.bank_id;
        let published = plan::Published {
            latest: store::latest_item_versions(&self.db.read, bank_id).await?,
            previous: store::latest_version_contents(&self.db.read, bank_id)
                .await?
                .map(|(_, title, ids)| (title, ids)),
        };
        let mut plan = plan::plan(parsed, published, options)
            .map_err(|problems| Halt::Failed(ImportError::Content(problems)))?;
        plan.outcome.bank_id = bank_id.clone();
        plan.outcome.code = parsed.meta.code.clone();
        if plan.unchanged {
            return Ok(plan.outcome);
        }
        self.pictures(&parsed.media).await?;
        self.items(&plan).await?;
        let number = self.claim.base_number + 1;
        let version = store::NewBankVersion {
            bank_id,
            number,
            title: &parsed.meta.title,
            source_name,
            source_format: native::FORMAT,
            imported_by: options.actor,
            item_count: plan.version_ids.len(),
        };
        let version_id = self.contents(version, &plan.version_ids).await?;
        let detail = format!(
            "{} v{number} from {source_name}: {} added, {} changed, {} key corrections{}",
            parsed.meta.code,
            plan.outcome.added,
            plan.outcome.changed,
            plan.outcome.key_corrections,
            options
                .key_correction
                .map(|r| format!(" (reason: {r})"))
                .unwrap_or_default()
        );
        let action = if plan.outcome.key_corrections > 0 {
            "banks.key_correction"
        } else {
            "banks.import"
        };
        let entry = audit::AuditEntry {
            actor: options.actor,
            action,
            subject_id: &version_id,
            detail,
        };
        self.publish(&parsed.meta, &version_id, entry).await?;
        plan.outcome.version = Some(number);
        Ok(plan.outcome)
    }

    /// A batch's transaction, once the claim is renewed in it (refused if a sweep took it).
    async fn begin(&mut self) -> Result<WriteTx, Halt> {
        let mut tx = self.db.begin_write().await?;
        self.began = std::time::Instant::now();
        if !store::touch_claim(&mut tx, &self.claim.id, Claim::owner()).await? {
            tx.rollback().await?;
            return Err(Halt::Failed(ImportError::interrupted(&self.claim.code)));
        }
        Ok(tx)
    }

    async fn commit(&mut self, tx: WriteTx) -> Result<(), Halt> {
        tx.commit().await?;
        self.committed += 1;
        tracing::debug!(
            import.id = %self.claim.id,
            batch = self.committed,
            ms = self.began.elapsed().as_millis() as u64,
            "an import batch committed"
        );
        if self.dies_after == Some(self.committed) {
            return Err(Halt::Died);
        }
        Ok(())
    }

    /// Pictures not stored yet, by content: a picture written by an import that then fails is
    /// harmless (nothing refers to it; the next import of it reuses it).
    async fn pictures(&mut self, media: &[MediaFile]) -> Result<(), Halt> {
        let hashes: Vec<&str> = media.iter().map(|m| m.sha256.as_str()).collect();
        let stored = store::existing_media(&self.db.read, &hashes).await?;
        let mut seen = HashSet::new();
        let missing: Vec<&MediaFile> = media
            .iter()
            .filter(|m| !stored.contains(&m.sha256) && seen.insert(m.sha256.as_str()))
            .collect();
        let batches = plan::batches(
            &missing,
            |m| plan::picture_size(m),
            plan::PICTURE_BATCH_BYTES,
            plan::PICTURES_PER_BATCH,
        );
        for batch in batches {
            let mut tx = self.begin().await?;
            store::insert_media(&mut tx, batch).await?;
            self.commit(tx).await?;
        }
        Ok(())
    }

    /// New items and item versions, staged under the claim.
    async fn items(&mut self, plan: &Plan) -> Result<(), Halt> {
        let new_items: HashMap<&str, &str> = plan
            .new_items
            .iter()
            .map(|(id, native_id)| (id.as_str(), native_id.as_str()))
            .collect();
        let batches = plan::batches(
            &plan.new_versions,
            plan::version_size,
            plan::ITEM_BATCH_BYTES,
            plan::ITEMS_PER_BATCH,
        );
        for batch in batches {
            let items: Vec<(String, String)> = batch
                .iter()
                .filter_map(|v| {
                    let native_id = new_items.get(v.item_id.as_str())?;
                    Some((v.item_id.clone(), native_id.to_string()))
                })
                .collect();
            let mut tx = self.begin().await?;
            store::insert_items(&mut tx, &self.claim.bank_id, &items, &self.claim.id).await?;
            store::insert_item_versions(&mut tx, batch, &self.claim.id).await?;
            self.commit(tx).await?;
        }
        Ok(())
    }

    /// The staged bank version and its item versions in order.
    async fn contents(
        &mut self,
        version: store::NewBankVersion<'_>,
        ids: &[String],
    ) -> Result<String, Halt> {
        let mut tx = self.begin().await?;
        let version_id = store::insert_staged_version(&mut tx, version, &self.claim.id).await?;
        self.commit(tx).await?;
        for (i, chunk) in ids.chunks(plan::POSITIONS_PER_BATCH).enumerate() {
            let mut tx = self.begin().await?;
            let first = i * plan::POSITIONS_PER_BATCH;
            store::insert_version_items(&mut tx, &version_id, first, chunk).await?;
            self.commit(tx).await?;
        }
        Ok(version_id)
    }

    /// Makes the staged version current, in one short transaction taken in the bank's turn,
    /// after checking that the claim is still this import's, that the bank still has the file's
    /// module and that no other version was published since the claim was taken.
    async fn publish(
        &mut self,
        meta: &BankMeta,
        version_id: &str,
        entry: audit::AuditEntry<'_>,
    ) -> Result<(), Halt> {
        let claim = self.claim;
        let mut tx = self.db.begin_write().await?;
        let began = std::time::Instant::now();
        serialize_on(&mut tx, &claim.scope).await?;
        let ours = store::touch_claim(&mut tx, &claim.id, Claim::owner()).await?;
        let bank = store::bank_for_import(&mut tx, &claim.organisation_id, &meta.code).await?;
        let base = store::published_number(&mut tx, &claim.bank_id).await?;
        if !ours
            || bank != Some((claim.bank_id.clone(), meta.module.clone()))
            || base != claim.base_number
        {
            tx.rollback().await?;
            return Err(Halt::Failed(ImportError::interrupted(&claim.code)));
        }
        store::publish_version(&mut tx, version_id).await?;
        store::set_bank_title(&mut tx, &claim.bank_id, &meta.title).await?;
        audit::record(&mut tx, entry).await?;
        store::end_claim(&mut tx, &claim.id, &claim.bank_id).await?;
        tx.commit().await?;
        let ms = began.elapsed().as_millis() as u64;
        tracing::debug!(import.id = %claim.id, ms, "an import published its bank version");
        Ok(())
    }
}
