//! After a load run: is every acknowledged save in the database? Each must be stored (table
//! `responses`) with its `seq` or a newer one (a later save of the same candidate), and when
//! the `seq` is the same, with the same value: the answer the server reads from the fields
//! the candidate sent (`attempts::paper::read_answer`, with the attempt's option tokens).

use std::collections::HashMap;

use sathach::{attempts::finish, config::Settings, db::Db, web::AppState};

use super::{prep::Seat, stats::Ack};

/// The check's verdict.
#[derive(Debug, Default, serde::Serialize)]
pub struct Verdict {
    pub acknowledged: usize,
    pub lost: usize,
    /// The first few losses, explained.
    pub examples: Vec<String>,
    /// Attempts submitted (state `submitted`) and results stored, among the run's attempts.
    pub submitted: i64,
    pub results: i64,
}

/// Checks `acks` of candidates `seats` against the database.
pub async fn check(settings: &Settings, seats: &[Seat], acks: &[Ack]) -> anyhow::Result<Verdict> {
    let db = Db::connect(settings).await?;
    let key = sathach::startup::server_secret(&db).await?;
    let state = AppState::new(db.clone(), settings.clone(), key);
    let rows: Vec<(String, String, i64, Option<String>)> =
        sqlx::query_as("SELECT attempt_id, item_id, seq, value FROM responses")
            .fetch_all(&db.read)
            .await?;
    let stored: HashMap<(String, String), (i64, Option<String>)> = rows
        .into_iter()
        .map(|(a, i, seq, v)| ((a, i), (seq, v)))
        .collect();
    let mut papers: HashMap<usize, Vec<(String, String)>> = HashMap::new();
    let mut items = HashMap::new();
    let mut verdict = Verdict {
        acknowledged: acks.len(),
        ..Verdict::default()
    };
    let mut conn = db.read.acquire().await?;
    for ack in acks {
        let seat = &seats[ack.candidate];
        if let std::collections::hash_map::Entry::Vacant(entry) = papers.entry(ack.candidate) {
            let paper: String = sqlx::query_scalar("SELECT paper_id FROM attempts WHERE id = $1")
                .bind(&seat.attempt)
                .fetch_one(&mut *conn)
                .await?;
            let (form, _) = finish::paper_of(&mut conn, &paper).await?;
            let placed = form
                .items()
                .map(|p| (p.item_id.clone(), p.version_id.clone()))
                .collect();
            entry.insert(placed);
        }
        let (item_id, version_id) = &papers[&ack.candidate][ack.question - 1];
        let mut lost = |why: String| {
            verdict.lost += 1;
            if verdict.examples.len() < 10 {
                let who = &seat.number;
                verdict.examples.push(format!(
                    "{who} question {} seq {}: {why}",
                    ack.question, ack.seq
                ));
            }
        };
        let Some((seq, value)) = stored.get(&(seat.attempt.clone(), item_id.clone())) else {
            lost("no answer stored".into());
            continue;
        };
        if *seq < ack.seq {
            lost(format!("stored seq {seq} is older"));
            continue;
        }
        if *seq > ack.seq {
            continue;
        }
        if !items.contains_key(version_id) {
            items.insert(
                version_id.clone(),
                finish::item(&mut *conn, version_id).await?,
            );
        }
        let mut fields: HashMap<String, Vec<String>> = HashMap::new();
        for (name, v) in &ack.fields {
            fields.entry(name.clone()).or_default().push(v.clone());
        }
        let tokens = |item: &str, i: usize| state.option_token(&seat.attempt, item, i);
        let sent =
            sathach::attempts::paper::read_answer(&items[version_id], item_id, &fields, &tokens)
                .map_err(|e| anyhow::anyhow!("an acknowledged answer does not read: {e:?}"))?;
        let sent = serde_json::to_value(sent)?;
        let kept: serde_json::Value = match value {
            Some(v) => serde_json::from_str(v)?,
            None => serde_json::Value::Null,
        };
        if sent != kept {
            lost(format!(
                "stored value {kept} is not the acknowledged {sent}"
            ));
        }
    }
    drop(conn);
    let attempts: Vec<&str> = seats.iter().map(|s| s.attempt.as_str()).collect();
    for chunk in attempts.chunks(500) {
        let list = sathach::db::values_list(chunk.len(), 1);
        let submitted =
            format!("SELECT COUNT(*) FROM attempts WHERE state = 'submitted' AND id IN ({list})");
        let results =
            format!("SELECT COUNT(DISTINCT attempt_id) FROM results WHERE attempt_id IN ({list})");
        verdict.submitted += count(&db, &submitted, chunk).await?;
        verdict.results += count(&db, &results, chunk).await?;
    }
    db.close().await;
    Ok(verdict)
}

async fn count(db: &Db, sql: &str, ids: &[&str]) -> sqlx::Result<i64> {
    let mut query = sqlx::query_scalar(sql);
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_one(&db.read).await
}
