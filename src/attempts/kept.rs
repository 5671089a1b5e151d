//! What a save needs that never changes during an attempt, kept in memory: each device's
//! attempt and paper, each paper's drawn form, and item versions (shared by every candidate).
//! Nothing kept can go stale: a device token belongs to one attempt for good, a started
//! attempt keeps its paper, a paper and an item version are never edited. Whatever can change
//! (the attempt's state and deadline, the device's standing, a sequential paper's position)
//! is checked by the save's write itself (`responses::Write`).

use std::sync::Arc;

use anyhow::Context;
use quick_cache::sync::Cache;

use super::finish;
use crate::{
    banks::model::Item,
    blueprints::{draw::Form, model::Navigation, store::version_blueprint},
    db::Db,
};

/// How many item versions and papers are kept (about 10 KB a paper of 40 questions).
const ITEMS_KEPT: usize = 20_000;
const PAPERS_KEPT: usize = 30_000;

/// A started attempt, as its device's save finds it.
#[derive(Clone, Debug)]
pub struct Sitting {
    pub attempt_id: String,
    pub paper_id: String,
}

/// A drawn paper and its navigation rule.
#[derive(Debug)]
pub struct KeptPaper {
    pub form: Form,
    pub navigation: Navigation,
}

impl KeptPaper {
    pub fn total(&self) -> usize {
        self.form.items().count()
    }
}

/// Why a device has no sitting to save into.
pub enum NoSitting {
    /// No such device (never signed in here).
    Unknown,
    /// Its attempt has not started (no paper yet).
    NotStarted,
    Failed(anyhow::Error),
}

impl From<sqlx::Error> for NoSitting {
    fn from(e: sqlx::Error) -> Self {
        NoSitting::Failed(e.into())
    }
}

impl From<anyhow::Error> for NoSitting {
    fn from(e: anyhow::Error) -> Self {
        NoSitting::Failed(e)
    }
}

/// The node's memory of sittings, papers and item versions.
pub struct Kept {
    sittings: Cache<String, Arc<Sitting>>,
    papers: Cache<String, Arc<KeptPaper>>,
    items: Cache<String, Arc<Item>>,
}

impl Default for Kept {
    fn default() -> Self {
        Self {
            sittings: Cache::new(PAPERS_KEPT),
            papers: Cache::new(PAPERS_KEPT),
            items: Cache::new(ITEMS_KEPT),
        }
    }
}

impl Kept {
    /// The started attempt of the device whose token digest is `device`.
    pub async fn sitting(&self, db: &Db, device: &str) -> Result<Arc<Sitting>, NoSitting> {
        self.sittings
            .get_or_insert_async(device, async {
                let row: Option<(String, Option<String>)> = sqlx::query_as(
                    "SELECT d.attempt_id, a.paper_id FROM candidate_devices d
                     JOIN attempts a ON a.id = d.attempt_id WHERE d.token_digest = $1",
                )
                .bind(device)
                .fetch_optional(&db.read)
                .await?;
                match row {
                    None => Err(NoSitting::Unknown),
                    Some((_, None)) => Err(NoSitting::NotStarted),
                    Some((attempt_id, Some(paper_id))) => Ok(Arc::new(Sitting {
                        attempt_id,
                        paper_id,
                    })),
                }
            })
            .await
    }

    /// A drawn paper with its navigation rule.
    pub async fn paper(&self, db: &Db, paper_id: &str) -> anyhow::Result<Arc<KeptPaper>> {
        self.papers
            .get_or_insert_async(paper_id, async {
                let mut conn = db.read.acquire().await?;
                let (form, version) = finish::paper_of(&mut conn, paper_id).await?;
                let navigation = version_blueprint(&mut *conn, &version).await?.navigation;
                Ok(Arc::new(KeptPaper { form, navigation }))
            })
            .await
    }

    /// An item version.
    pub async fn item(&self, db: &Db, version_id: &str) -> anyhow::Result<Arc<Item>> {
        self.items
            .get_or_insert_async(version_id, async {
                let item = finish::item(&db.read, version_id)
                    .await
                    .with_context(|| format!("item version {version_id}"))?;
                Ok(Arc::new(item))
            })
            .await
    }
}
