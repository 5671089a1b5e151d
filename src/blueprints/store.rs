//! SQL for the draw's inputs: the newest version of each bank a blueprint names.

use sqlx::AnyPool;

use super::{draw::PoolItem, model::Blueprint};
use crate::banks::store;

/// The newest items of the banks the blueprint names, from the organisation's banks or, for a
/// centre, also its department's.
pub async fn pool_for(
    pool: &AnyPool,
    organisation_id: &str,
    department_id: &str,
    blueprint: &Blueprint,
) -> anyhow::Result<Vec<PoolItem>> {
    let mut codes: Vec<&str> = blueprint
        .sections()
        .flat_map(|(_, s)| s.banks.iter().map(String::as_str))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let mut items = Vec::new();
    for code in codes {
        let bank = match store::bank_by_code(pool, organisation_id, code).await? {
            Some(bank) => Some(bank),
            None => store::bank_by_code(pool, department_id, code).await?,
        };
        let Some(bank) = bank else { continue };
        let Some(latest) = store::versions(pool, &bank.id).await?.into_iter().next() else {
            continue;
        };
        for row in store::version_items(pool, &latest.id).await? {
            let item = row.item()?;
            items.push(PoolItem {
                version_id: row.id,
                item_id: row.item_id,
                bank: bank.code.clone(),
                item,
            });
        }
    }
    Ok(items)
}
