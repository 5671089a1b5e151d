//! Submitting an attempt, whoever ends it (the candidate, the deadline, the proctor closing the
//! session): the state change, the score and a digest of the submitted responses are written
//! in the caller's transaction, so there is never a submitted attempt without its result.

use std::collections::HashMap;

use anyhow::Context;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use super::{
    clock::{AttemptClock, Change, EndCause},
    responses,
    store::{self, ChangeError, Note},
};
use crate::{
    banks::model::Item,
    blueprints::{draw::Form, store::version_blueprint},
    grading::{
        self,
        model::{Points, Response, ResultKind, ScoreResult},
        score::{Paper, score},
        store::NewResult,
    },
};

/// SHA-256 (hex) of the canonical JSON of what was submitted: an object with the keys
/// `attempt`, `responses` and `submitted_at` (UTC milliseconds), `responses` being the paper's
/// items in order as `{"item": item id, "response": answer or null}`; keys sorted, no spaces.
pub fn responses_digest(
    attempt_id: &str,
    submitted_at: i64,
    answers: &[(String, Option<Response>)],
) -> String {
    let responses: Vec<_> = answers
        .iter()
        .map(|(item, response)| json!({"item": item, "response": response}))
        .collect();
    let canonical =
        json!({"attempt": attempt_id, "responses": responses, "submitted_at": submitted_at})
            .to_string();
    hex(&Sha256::digest(canonical.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The paper of an attempt: its form and blueprint version.
pub async fn paper_of(conn: &mut AnyConnection, paper_id: &str) -> anyhow::Result<(Form, String)> {
    let (form, blueprint_version_id): (String, String) =
        sqlx::query_as("SELECT form, blueprint_version_id FROM papers WHERE id = $1")
            .bind(paper_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok((
        serde_json::from_str(&form).context("a stored paper is damaged")?,
        blueprint_version_id,
    ))
}

/// One stored item version.
pub async fn item<'e, E>(executor: E, version_id: &str) -> anyhow::Result<Item>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let body: String = sqlx::query_scalar("SELECT body FROM item_versions WHERE id = $1")
        .bind(version_id)
        .fetch_one(executor)
        .await?;
    serde_json::from_str(&body).context("a stored item is damaged")
}

/// Version ids per `WHERE id IN (…)` statement: well under both engines' limits.
const IDS_PER_STATEMENT: usize = 500;

/// The distinct version ids a form places, in chunks of at most `IDS_PER_STATEMENT`.
fn version_chunks(form: &Form) -> Vec<Vec<&str>> {
    let mut ids: Vec<&str> = form.items().map(|p| p.version_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.chunks(IDS_PER_STATEMENT)
        .map(<[&str]>::to_vec)
        .collect()
}

/// The item versions a form uses, by version id: one query (per 500 versions).
pub async fn items_of(
    conn: &mut AnyConnection,
    form: &Form,
) -> anyhow::Result<HashMap<String, Item>> {
    let mut items = HashMap::new();
    for chunk in version_chunks(form) {
        let sql = format!(
            "SELECT id, body FROM item_versions WHERE id IN {}",
            crate::db::values_list(1, chunk.len())
        );
        let mut query = sqlx::query_as::<_, (String, String)>(&sql);
        for id in &chunk {
            query = query.bind(*id);
        }
        for (id, body) in query.fetch_all(&mut *conn).await? {
            let item = serde_json::from_str(&body).context("a stored item is damaged")?;
            items.insert(id, item);
        }
        if let Some(missing) = chunk.iter().find(|id| !items.contains_key(**id)) {
            anyhow::bail!("the paper's item version {missing} is missing");
        }
    }
    Ok(items)
}

/// The item versions a form is scored with, by version id, each placed item's version giving
/// way to the one whose key counts for it: the latest published key correction of the same
/// item that candidates see exactly as they saw the placed version (same presentation).
/// The form is changed to name the versions used. One query (per 500 versions).
async fn corrected_items(
    conn: &mut AnyConnection,
    form: &mut Form,
) -> anyhow::Result<HashMap<String, Item>> {
    // Placed version → (number, id, body) of the newest version that counts for it.
    let mut counting: HashMap<String, (i64, String, String)> = HashMap::new();
    for chunk in version_chunks(form) {
        let sql = format!(
            "SELECT v.id, c.number, c.id, c.body FROM item_versions v
             JOIN item_versions c ON c.item_id = v.item_id
                                 AND c.presentation_hash = v.presentation_hash
                                 AND (c.id = v.id OR (c.key_correction = 1 AND c.number > v.number))
             WHERE v.id IN {}
               AND NOT EXISTS (SELECT 1 FROM bank_imports bi WHERE bi.id = c.import_id)",
            crate::db::values_list(1, chunk.len())
        );
        let mut query = sqlx::query_as::<_, (String, i64, String, String)>(&sql);
        for id in &chunk {
            query = query.bind(*id);
        }
        for (placed, number, id, body) in query.fetch_all(&mut *conn).await? {
            match counting.get(&placed) {
                Some((newest, _, _)) if *newest >= number => {}
                _ => {
                    counting.insert(placed, (number, id, body));
                }
            }
        }
    }
    let mut items = HashMap::new();
    for placed in form.sections.iter_mut().flat_map(|s| s.items.iter_mut()) {
        let (_, id, body) = counting.get(&placed.version_id).with_context(|| {
            format!("the paper's item version {} is missing", placed.version_id)
        })?;
        if !items.contains_key(id) {
            let item = serde_json::from_str(body).context("a stored item is damaged")?;
            items.insert(id.clone(), item);
        }
        placed.version_id.clone_from(id);
    }
    Ok(items)
}

/// Submits an attempt at `at` and stores its result. Fails as `apply` does when the attempt
/// cannot be submitted now (already submitted, say), and then nothing is written.
pub async fn finish(
    conn: &mut AnyConnection,
    attempt_id: &str,
    cause: EndCause,
    at: i64,
    note: Note<'_>,
) -> Result<AttemptClock, ChangeError> {
    let clock = store::apply(conn, attempt_id, &Change::Submit { cause }, at, note).await?;
    let graded = grade(conn, attempt_id, &clock, &Against::default()).await?;
    grading::store::append(
        conn,
        NewResult {
            attempt_id,
            kind: ResultKind::Submitted,
            score: Some(&graded.score),
            responses_digest: &graded.digest,
            recorded_by: None,
            reason: None,
            at,
        },
    )
    .await?;
    Ok(clock)
}

/// A submitted attempt scored from what is stored now.
pub struct Graded {
    pub score: ScoreResult,
    /// Of the stored answers with the submission time (`responses_digest`).
    pub digest: String,
}

/// What a scoring uses beyond the stored paper and answers: none at submission; a stored
/// result's item versions and entered parts when it is recomputed.
#[derive(Default)]
pub struct Against {
    /// Item id → the item version to score with instead of the paper's.
    pub versions: HashMap<String, String>,
    /// Part code → the points entered for a part scored outside sathach.
    pub external: HashMap<String, Points>,
    /// Score with exactly these versions. Otherwise (a submission, a regrade) each version
    /// gives way to its latest key correction (`corrected_items`).
    pub exact_versions: bool,
}

impl Against {
    /// What a stored scoring was scored against, exactly: its item versions and the parts
    /// entered.
    pub fn recorded_in(score: &ScoreResult) -> Self {
        Self {
            versions: score
                .items
                .iter()
                .map(|i| (i.item_id.clone(), i.version_id.clone()))
                .collect(),
            external: score
                .parts
                .iter()
                .filter(|p| p.recorded)
                .map(|p| (p.code.clone(), p.tally.points))
                .collect(),
            exact_versions: true,
        }
    }

    /// A stored scoring done again with the keys as corrected since.
    pub fn corrected(score: &ScoreResult) -> Self {
        Self {
            exact_versions: false,
            ..Self::recorded_in(score)
        }
    }
}

/// Scores a submitted attempt from its stored paper and answers.
pub async fn grade(
    conn: &mut AnyConnection,
    attempt_id: &str,
    clock: &AttemptClock,
    against: &Against,
) -> anyhow::Result<Graded> {
    let paper_id = clock
        .paper_id
        .as_deref()
        .context("a submitted attempt has a paper")?;
    let (mut form, blueprint_version_id) = paper_of(conn, paper_id).await?;
    for placed in form.sections.iter_mut().flat_map(|s| s.items.iter_mut()) {
        if let Some(version) = against.versions.get(&placed.item_id) {
            placed.version_id.clone_from(version);
        }
    }
    let blueprint = version_blueprint(&mut *conn, &blueprint_version_id).await?;
    let items = if against.exact_versions {
        items_of(conn, &form).await?
    } else {
        corrected_items(conn, &mut form).await?
    };
    let stored: HashMap<String, Option<Response>> = responses::all(conn, attempt_id)
        .await?
        .into_iter()
        .map(|r| (r.item_id.clone(), r.response()))
        .collect();
    let answers: Vec<(String, Option<Response>)> = form
        .items()
        .map(|p| (p.item_id.clone(), stored.get(&p.item_id).cloned().flatten()))
        .collect();
    let given: HashMap<String, Response> = answers
        .iter()
        .filter_map(|(id, r)| r.clone().map(|r| (id.clone(), r)))
        .collect();
    let score = score(
        &Paper {
            blueprint: &blueprint,
            form: &form,
            items: &items,
        },
        &given,
        &against.external,
    );
    let submitted_at = clock.ended_at.unwrap_or_default();
    Ok(Graded {
        score,
        digest: responses_digest(attempt_id, submitted_at, &answers),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_sha256_of_documented_canonical_json() {
        let answers = vec![
            ("i1".to_string(), Some(Response::Choices(vec![2]))),
            ("i2".to_string(), None),
        ];
        let canonical = r#"{"attempt":"a","responses":[{"item":"i1","response":{"kind":"choices","value":[2]}},{"item":"i2","response":null}],"submitted_at":5}"#;
        assert_eq!(
            responses_digest("a", 5, &answers),
            hex(&Sha256::digest(canonical.as_bytes()))
        );
        assert_ne!(
            responses_digest("a", 6, &answers),
            responses_digest("a", 5, &answers)
        );
    }
}
