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
        model::{Response, decimal},
        score::{Paper, score},
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

/// The item versions a form uses, by version id.
pub async fn items_of(
    conn: &mut AnyConnection,
    form: &Form,
) -> anyhow::Result<HashMap<String, Item>> {
    let mut items = HashMap::new();
    for placed in form.items() {
        items.insert(
            placed.version_id.clone(),
            item(&mut *conn, &placed.version_id).await?,
        );
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
    let result = grade(conn, attempt_id, &clock).await?;
    sqlx::query(
        "INSERT INTO attempt_results (attempt_id, outcome, points, max_points, detail, responses_digest, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(attempt_id)
    .bind(&result.outcome)
    .bind(&result.points)
    .bind(result.max)
    .bind(&result.detail)
    .bind(&result.digest)
    .bind(crate::clock::now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(clock)
}

struct Graded {
    outcome: String,
    points: String,
    max: i64,
    detail: String,
    digest: String,
}

async fn grade(
    conn: &mut AnyConnection,
    attempt_id: &str,
    clock: &AttemptClock,
) -> anyhow::Result<Graded> {
    let paper_id = clock
        .paper_id
        .as_deref()
        .context("a submitted attempt has a paper")?;
    let (form, blueprint_version_id) = paper_of(conn, paper_id).await?;
    let blueprint = version_blueprint(&mut *conn, &blueprint_version_id).await?;
    let items = items_of(conn, &form).await?;
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
    let result = score(
        &Paper {
            blueprint: &blueprint,
            form: &form,
            items: &items,
        },
        &given,
        &HashMap::new(),
    );
    let submitted_at = clock.ended_at.unwrap_or_default();
    Ok(Graded {
        outcome: serde_json::to_value(result.outcome)?
            .as_str()
            .unwrap_or_default()
            .to_string(),
        points: decimal(result.total.points),
        max: result.total.max,
        detail: serde_json::to_string(&result)?,
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
