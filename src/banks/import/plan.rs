//! What an import will write, decided without touching the database: which items and item
//! versions are new, the new bank version's contents, the outcome, the problems; and how the
//! writes are cut into batches small enough to commit quickly.

use std::collections::{HashMap, HashSet};

use super::{ImportOptions, ImportOutcome};
use crate::banks::{
    MediaFile, ParsedBank,
    report::{Msg, args},
    store::{ItemVersionRow, NewItemVersion},
};

/// The writes of one import.
#[derive(Default)]
pub struct Plan {
    /// New item rows: (item id, native id).
    pub new_items: Vec<(String, String)>,
    pub new_versions: Vec<NewItemVersion>,
    /// The new bank version's item versions, in file order.
    pub version_ids: Vec<String>,
    pub outcome: ImportOutcome,
    /// Same items and title as the published version: nothing to write.
    pub unchanged: bool,
}

/// The bank as published: the newest version of every item it has ever had, and its newest
/// version's (title, item-version ids), if any.
pub struct Published {
    pub latest: Vec<ItemVersionRow>,
    pub previous: Option<(String, Vec<String>)>,
}

/// Compares the file with the published bank; the problems stop the import.
pub fn plan(
    parsed: &ParsedBank,
    published: Published,
    options: &ImportOptions<'_>,
) -> Result<Plan, Vec<Msg>> {
    let latest: HashMap<&str, &ItemVersionRow> = published
        .latest
        .iter()
        .map(|row| (row.native_id.as_str(), row))
        .collect();
    let mut plan = Plan::default();
    let mut problems = Vec::new();
    for item in &parsed.items {
        let Some(previous) = latest.get(item.id.as_str()) else {
            let item_id = uuid::Uuid::new_v4().to_string();
            plan.new_items.push((item_id.clone(), item.id.clone()));
            plan.push(item_id, 1, item.clone(), None);
            plan.outcome.added += 1;
            continue;
        };
        if previous.content_hash == item.content_hash() {
            plan.version_ids.push(previous.id.clone());
            plan.outcome.unchanged += 1;
            continue;
        }
        let key_only = previous.presentation_hash == item.presentation_hash();
        if key_only && options.key_correction.is_none() {
            problems.push(("report.key_only_changed", args![id = &item.id]));
            continue;
        }
        let reason = options.key_correction.filter(|_| key_only);
        plan.push(
            previous.item_id.clone(),
            previous.number + 1,
            item.clone(),
            reason,
        );
        if key_only {
            plan.outcome.key_corrections += 1;
        } else {
            plan.outcome.changed += 1;
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let Some((title, ids)) = &published.previous else {
        return Ok(plan);
    };
    let previous_ids: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let in_file: HashSet<&str> = parsed.items.iter().map(|i| i.id.as_str()).collect();
    plan.outcome.dropped = latest
        .values()
        .filter(|row| {
            previous_ids.contains(row.id.as_str()) && !in_file.contains(row.native_id.as_str())
        })
        .count();
    plan.unchanged = *ids == plan.version_ids && *title == parsed.meta.title;
    Ok(plan)
}

impl Plan {
    fn push(
        &mut self,
        item_id: String,
        number: i64,
        item: crate::banks::Item,
        reason: Option<&str>,
    ) {
        let id = uuid::Uuid::new_v4().to_string();
        self.version_ids.push(id.clone());
        self.new_versions.push(NewItemVersion {
            id,
            item_id,
            number,
            item,
            key_correction: reason.is_some(),
            reason: reason.map(str::to_string),
        });
    }
}

/// How much one write transaction carries. SQLite appends a transaction to its write-ahead log
/// and syncs it to disk at commit (synchronous = FULL) while every other write waits; at the
/// tens of MB/s even a modest disk writes, 2 MiB of pictures or 1 MiB of item text (plus
/// index entries) commits in a few tens of milliseconds, so a candidate's save waits behind at
/// most one batch, never behind the whole import. The row caps bound the statements of a
/// batch (and PostgreSQL's bind parameters) when rows are small.
pub const PICTURE_BATCH_BYTES: usize = 2 * 1024 * 1024;
pub const PICTURES_PER_BATCH: usize = 64;
pub const ITEM_BATCH_BYTES: usize = 1024 * 1024;
pub const ITEMS_PER_BATCH: usize = 200;
/// Rows of `bank_version_items` (two ids and a position each) per batch.
pub const POSITIONS_PER_BATCH: usize = 2_000;

/// Cuts `rows` into consecutive batches of at most `max_rows` rows and, unless one row alone
/// is larger, at most `max_bytes` bytes.
pub fn batches<T>(
    rows: &[T],
    size: impl Fn(&T) -> usize,
    max_bytes: usize,
    max_rows: usize,
) -> Vec<&[T]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, row) in rows.iter().enumerate() {
        let n = size(row);
        if i > start && (i - start == max_rows || bytes + n > max_bytes) {
            out.push(&rows[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += n;
    }
    if start < rows.len() {
        out.push(&rows[start..]);
    }
    out
}

/// A picture's weight in a batch.
pub fn picture_size(file: &MediaFile) -> usize {
    file.bytes.len()
}

/// An item version's weight in a batch: its stored text.
pub fn version_size(version: &NewItemVersion) -> usize {
    serde_json::to_string(&version.item).map_or(0, |s| s.len())
}

#[cfg(test)]
mod tests {
    use super::batches;

    #[test]
    fn batches_respect_bytes_and_rows_and_keep_order() {
        let sizes = [3, 3, 3, 10, 1, 1, 1, 1];
        let cut: Vec<Vec<usize>> = batches(&sizes, |s| *s, 6, 3)
            .into_iter()
            .map(<[usize]>::to_vec)
            .collect();
        assert_eq!(cut, [vec![3, 3], vec![3], vec![10], vec![1, 1, 1], vec![1]]);
        assert!(batches(&[] as &[usize], |s| *s, 6, 3).is_empty());
    }
}
