//! Taking approved results apart for item analysis: each queued attempt's current result
//! becomes one `scored_items` row per item, and `item_sums` follows (the old rows' sums out,
//! the new ones' in), in short write transactions. Scoring JSON and answers are read first,
//! on the read pool; the write then checks that the result is still the attempt's current one
//! (a newer one waits for the next round). Nodes sharing PostgreSQL split the queue
//! (`SKIP LOCKED`).

use std::collections::BTreeMap;

use sqlx::{AnyConnection, FromRow};

use super::model::{Month, ScoredItem, Sums, choices_text, take_apart};
use crate::{
    attempts::responses,
    db::{Db, values_list},
    grading::model::ScoreResult,
};

/// Attempts read, then written, per round: a candidate's save waits behind one short round.
const BATCH: i64 = 50;

#[derive(FromRow)]
struct Queued {
    attempt_id: String,
    session_id: String,
    state: String,
    organisation_id: String,
    blueprint_id: String,
    starts_at: i64,
    result_id: Option<String>,
    score: Option<String>,
}

/// An `item_sums` row: blueprint, item, centre and month.
type Cell = (String, String, String, String);

/// Rounds a page does itself before reading (500 attempts, well under a second): a backlog
/// larger than that (a whole province approved at once, the first start after an upgrade) is
/// left to the background task, and the page says how much is still waiting.
const PAGE_ROUNDS: usize = 10;

/// Before a page reads: takes apart what is queued, up to `PAGE_ROUNDS` rounds; returns how
/// many attempts still wait. When taking apart fails (a conflict with another node's round,
/// say), logs why and lets the page show what was taken apart already.
pub async fn before_reading(db: &Db) -> anyhow::Result<i64> {
    if let Err(e) = catch_up_rounds(db, PAGE_ROUNDS).await {
        tracing::warn!(error = %e, "item analysis: the page shows the results taken apart so far");
    }
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM analysis_queue")
        .fetch_one(&db.read)
        .await?)
}

/// Takes apart every queued attempt; returns how many were done. Stops when a round makes no
/// progress (another node holds what is left).
pub async fn catch_up(db: &Db) -> anyhow::Result<usize> {
    catch_up_rounds(db, usize::MAX).await
}

async fn catch_up_rounds(db: &Db, rounds: usize) -> anyhow::Result<usize> {
    let mut done = 0;
    for _ in 0..rounds {
        let queued: Vec<Queued> = sqlx::query_as(
            "SELECT q.attempt_id, a.session_id, a.state, s.organisation_id, bv.blueprint_id,
                    s.starts_at, r.id AS result_id, r.score
             FROM analysis_queue q JOIN attempts a ON a.id = q.attempt_id
             JOIN exam_sessions s ON s.id = a.session_id
             JOIN blueprint_versions bv ON bv.id = s.blueprint_version_id
             LEFT JOIN results r ON r.attempt_id = a.id
                 AND r.seq = (SELECT MAX(seq) FROM results WHERE attempt_id = a.id)
             ORDER BY q.queued_at, q.attempt_id LIMIT $1",
        )
        .bind(BATCH)
        .fetch_all(&db.read)
        .await?;
        if queued.is_empty() {
            return Ok(done);
        }
        let mut taken = Vec::with_capacity(queued.len());
        let mut conn = db.read.acquire().await?;
        for q in &queued {
            taken.push(items_of(&mut conn, q).await?);
        }
        drop(conn);
        let mut tx = db.begin_write().await?;
        let mut round = 0;
        let mut deltas = BTreeMap::new();
        for (q, items) in queued.iter().zip(&taken) {
            round += usize::from(write_one(db, &mut tx, q, items.as_deref(), &mut deltas).await?);
        }
        // The round's sums last and in key order: two PostgreSQL nodes' rounds then take the
        // rows they share in the same order, and never wait for each other in a circle.
        for (cell, d) in &deltas {
            add_sums(&mut tx, cell, d).await?;
        }
        tx.commit().await?;
        done += round;
        if round == 0 {
            return Ok(done);
        }
    }
    Ok(done)
}

/// The attempt's items, or None when it has nothing to analyse (not submitted, or its result
/// withdrawn).
async fn items_of(conn: &mut AnyConnection, q: &Queued) -> anyhow::Result<Option<Vec<ScoredItem>>> {
    let Some(score) = q.score.as_deref().filter(|_| q.state == "submitted") else {
        return Ok(None);
    };
    let score: ScoreResult = serde_json::from_str(score)?;
    let answers = responses::all(conn, &q.attempt_id)
        .await?
        .into_iter()
        .filter_map(|s| s.response().map(|r| (s.item_id, r)))
        .collect();
    Ok(Some(take_apart(&score, &answers)))
}

/// Replaces one attempt's rows inside the round's transaction and adds what that changes in
/// `item_sums` to `deltas`; false when another node holds it or a newer result came in.
async fn write_one(
    db: &Db,
    conn: &mut AnyConnection,
    q: &Queued,
    items: Option<&[ScoredItem]>,
    deltas: &mut BTreeMap<Cell, Sums>,
) -> anyhow::Result<bool> {
    let claimed: Option<String> = sqlx::query_scalar(&format!(
        "SELECT attempt_id FROM analysis_queue WHERE attempt_id = $1{}",
        db.skip_locked()
    ))
    .bind(&q.attempt_id)
    .fetch_optional(&mut *conn)
    .await?;
    let current: Option<String> = sqlx::query_scalar(
        "SELECT id FROM results WHERE attempt_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(&q.attempt_id)
    .fetch_optional(&mut *conn)
    .await?;
    if claimed.is_none() || current != q.result_id {
        return Ok(false);
    }
    let month = Month::of_ms(q.starts_at).iso();
    let cell = |item: &str| {
        (
            q.blueprint_id.clone(),
            item.to_string(),
            q.organisation_id.clone(),
            month.clone(),
        )
    };
    let old: Vec<(String, f64, f64)> =
        sqlx::query_as("SELECT item_id, fraction, rest FROM scored_items WHERE attempt_id = $1")
            .bind(&q.attempt_id)
            .fetch_all(&mut *conn)
            .await?;
    for (item, x, y) in &old {
        add(deltas.entry(cell(item)).or_default(), *x, *y, -1);
    }
    for i in items.unwrap_or_default() {
        add(
            deltas.entry(cell(&i.item_id)).or_default(),
            i.fraction,
            i.rest,
            1,
        );
    }
    for table in ["scored_items", "analysed_attempts"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE attempt_id = $1"))
            .bind(&q.attempt_id)
            .execute(&mut *conn)
            .await?;
    }
    if let (Some(items), Some(result_id)) = (items, &q.result_id) {
        insert_rows(conn, q, items).await?;
        sqlx::query(
            "INSERT INTO analysed_attempts (attempt_id, result_id, session_id) VALUES ($1, $2, $3)",
        )
        .bind(&q.attempt_id)
        .bind(result_id)
        .bind(&q.session_id)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("DELETE FROM analysis_queue WHERE attempt_id = $1")
        .bind(&q.attempt_id)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

fn add(s: &mut Sums, x: f64, y: f64, sign: i64) {
    let f = sign as f64;
    s.n += sign;
    s.x += f * x;
    s.y += f * y;
    s.xx += f * x * x;
    s.yy += f * y * y;
    s.xy += f * x * y;
}

async fn insert_rows(
    conn: &mut AnyConnection,
    q: &Queued,
    items: &[ScoredItem],
) -> sqlx::Result<()> {
    for chunk in items.chunks(100) {
        let sql = format!(
            "INSERT INTO scored_items (attempt_id, item_id, item_version_id, session_id, fraction,
                                       points, rest, choices, answered) VALUES {}",
            values_list(chunk.len(), 9)
        );
        let mut insert = sqlx::query(&sql);
        for i in chunk {
            insert = insert
                .bind(&q.attempt_id)
                .bind(&i.item_id)
                .bind(&i.version_id)
                .bind(&q.session_id)
                .bind(i.fraction)
                .bind(i.points)
                .bind(i.rest)
                .bind(choices_text(&i.choices))
                .bind(i64::from(i.answered));
        }
        insert.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn add_sums(conn: &mut AnyConnection, cell: &Cell, d: &Sums) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO item_sums (blueprint_id, item_id, organisation_id, month, n, sum_x, sum_y,
                               sum_xx, sum_yy, sum_xy)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (blueprint_id, item_id, organisation_id, month) DO UPDATE SET
             n = item_sums.n + excluded.n, sum_x = item_sums.sum_x + excluded.sum_x,
             sum_y = item_sums.sum_y + excluded.sum_y, sum_xx = item_sums.sum_xx + excluded.sum_xx,
             sum_yy = item_sums.sum_yy + excluded.sum_yy, sum_xy = item_sums.sum_xy + excluded.sum_xy",
    )
    .bind(&cell.0)
    .bind(&cell.1)
    .bind(&cell.2)
    .bind(&cell.3)
    .bind(d.n)
    .bind(d.x)
    .bind(d.y)
    .bind(d.xx)
    .bind(d.yy)
    .bind(d.xy)
    .execute(conn)
    .await?;
    Ok(())
}
