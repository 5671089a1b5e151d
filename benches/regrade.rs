//! Regrading 10,000 stored attempts of a 40-item paper after a key correction, against a
//! baseline measured in the same run: scoring the same attempts from scratch (reading each
//! stored paper, item versions and answers and scoring them, as a submission does, without
//! writing; the second of two passes, the first warming the caches). Both run on SQLite in a
//! temporary folder; the figure to quote is the ratio.
//! Then a candidate still writing saves answers, one after another, with no regrade running
//! (the baseline) and while a second correction is regraded: the ratios of their latencies say
//! whether regrading delays saves. `REGRADE_ATTEMPTS=N` changes the number of attempts
//! (default 10,000).
//!
//! Run: `cargo bench --bench regrade`.

use std::time::{Duration, Instant};

mod support;

use sathach::{
    attempts::{
        clock::{AttemptClock, EndCause},
        finish::{Against, finish, grade, paper_of},
        responses,
        store::{self as attempts, Note},
    },
    banks::{
        formats::{ReadOptions, read},
        import::{ImportOptions, import_bank},
    },
    clock,
    config::Settings,
    db::Db,
    grading::model::Response,
    results::regrade::run_pending,
    sessions::start::start,
};

const ITEMS_IN_BANK: usize = 60;

/// A bank of true/false items, every key `true` but those `flipped` (by number).
fn bank(flipped: impl Fn(usize) -> bool) -> Vec<u8> {
    let mut text = String::from(
        "[bank]\ncode = \"RG-DS\"\ntitle = \"Chấm lại – đúng/sai\"\nmodule = \"IU01\"\nlanguage = \"vi\"\n",
    );
    for n in 0..ITEMS_IN_BANK {
        text.push_str(&format!(
            "\n[[items]]\nid = \"RG-{n:03}\"\ntype = \"true_false\"\ntopic = \"IU01.1\"\n\
             difficulty = \"TH\"\nstem = \"Phát biểu số {n}.\"\nanswer = {}\n",
            !flipped(n)
        ));
    }
    text.into_bytes()
}

const BLUEPRINT: &str = r#"[blueprint]
code = "IU01-CHAM-LAI"
title = "Thi mô đun IU01 – chấm lại"
modules = ["IU01"]
duration_minutes = 30
navigation = "free"
review = "score"

[[parts]]
code = "ly-thuyet"
title = "Phần trắc nghiệm"
pass = "50/100"
sections = [
  { title = "Đúng sai", topics = ["IU01.1"], banks = ["RG-DS"], count = 40 },
]
"#;

async fn import(db: &Db, org: &str, bytes: &[u8], correction: Option<&str>) {
    let (parsed, report) = read("rg.toml", bytes, &ReadOptions::default());
    let parsed = parsed.unwrap_or_else(|| panic!("the bench bank reads: {report:?}"));
    let options = ImportOptions {
        key_correction: correction,
        actor: None,
    };
    import_bank(db, org, "rg.toml", &parsed, options)
        .await
        .unwrap();
}

/// The demo session switched to the bench blueprint, with `n` candidates who each answered
/// every question ("true" to every other one) and submitted, and one more who started and is
/// still writing. Returns the submitted attempts and the one still writing with its items.
async fn sat(db: &Db, n: usize) -> (Vec<String>, (String, Vec<String>)) {
    let mut session = support::demo_session(db).await;
    import(db, &session.organisation_id, &bank(|_| false), None).await;
    let version = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO blueprint_versions (id, blueprint_id, number, source, content_hash, created_at)
         SELECT $1, v.blueprint_id, v.number + 100, $2, 'bench', v.created_at
         FROM blueprint_versions v WHERE v.id = $3",
    )
    .bind(&version)
    .bind(BLUEPRINT)
    .bind(&session.blueprint_version_id)
    .execute(&db.write)
    .await
    .unwrap();
    sqlx::query("UPDATE exam_sessions SET blueprint_version_id = $1 WHERE id = $2")
        .bind(&version)
        .bind(&session.id)
        .execute(&db.write)
        .await
        .unwrap();
    session.blueprint_version_id = version;
    let mut ids = support::enrolled(db, &session, n + 1).await;
    let proctor = support::proctor(db).await;
    let writing = ids.last().unwrap().clone();
    for (done, id) in ids.clone().iter().enumerate() {
        support::admit_all(db, std::slice::from_ref(id), &proctor).await;
        let started = start(db, id, clock::now_ms()).await.unwrap();
        let mut tx = db.write.begin().await.unwrap();
        let (form, _) = paper_of(&mut tx, started.paper_id.as_deref().unwrap())
            .await
            .unwrap();
        if *id == writing {
            let items = form.items().map(|p| p.item_id.clone()).collect();
            ids.pop();
            return (ids, (writing, items));
        }
        for (n, placed) in form.items().enumerate() {
            let answer = Response::TrueFalse(n % 2 == 0);
            let now = clock::now_ms();
            responses::save(&mut tx, id, &placed.item_id, 1, Some(&answer), false, now)
                .await
                .unwrap();
        }
        finish(
            &mut tx,
            id,
            EndCause::Candidate,
            clock::now_ms(),
            Note::default(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        if (done + 1) % 1000 == 0 {
            eprintln!("{} attempts sat", done + 1);
        }
    }
    unreachable!("the attempt still writing comes last")
}

/// `count` saves of the attempt still writing, one after another, each in its own write
/// transaction as a candidate's save is; returns each save's latency, sorted.
async fn save_latencies(
    db: &Db,
    (attempt, items): &(String, Vec<String>),
    seq: &mut i64,
    count: usize,
) -> Vec<Duration> {
    let mut latencies = Vec::with_capacity(count);
    for n in 0..count {
        *seq += 1;
        let answer = Response::TrueFalse(n % 2 == 0);
        let began = Instant::now();
        let mut tx = db.begin_write().await.unwrap();
        let item = &items[n % items.len()];
        responses::save(
            &mut tx,
            attempt,
            item,
            *seq,
            Some(&answer),
            false,
            clock::now_ms(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        latencies.push(began.elapsed());
    }
    latencies.sort();
    latencies
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

/// Scores every attempt from its stored paper and answers, writing nothing.
async fn score_from_scratch(db: &Db, ids: &[String]) {
    let mut conn = db.read.acquire().await.unwrap();
    for id in ids {
        let clock: AttemptClock = sqlx::query_as(&format!(
            "SELECT {} FROM attempts a WHERE a.id = $1",
            attempts::clock_columns("a")
        ))
        .bind(id)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        grade(&mut conn, id, &clock, &Against::default())
            .await
            .unwrap();
    }
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("REGRADE_ATTEMPTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings::for_data_dir(dir.path());
    let db = Db::connect_and_migrate(&settings).await.unwrap();
    sathach::demo::load(&db).await.unwrap();
    let (ids, writing) = sat(&db, n).await;
    let org: String = sqlx::query_scalar("SELECT organisation_id FROM banks WHERE code = 'RG-DS'")
        .fetch_one(&db.read)
        .await
        .unwrap();

    // The first pass warms the caches; the second is the baseline.
    score_from_scratch(&db, &ids).await;
    let began = Instant::now();
    score_from_scratch(&db, &ids).await;
    let scratch = began.elapsed();

    // A third of the keys were wrong.
    import(&db, &org, &bank(|n| n % 3 == 0), Some("Đáp án ghi nhầm")).await;
    let began = Instant::now();
    let worked = run_pending(&db).await.unwrap();
    let regrade = began.elapsed();

    println!("attempts: {} (40 items each, SQLite)", ids.len());
    println!("scoring from scratch: {:.2} s", scratch.as_secs_f64());
    println!(
        "regrading: {:.2} s ({} attempts scored again, {} results changed)",
        regrade.as_secs_f64(),
        worked.rescored,
        worked.changed
    );
    println!(
        "regrade / scoring from scratch: {:.2}",
        regrade.as_secs_f64() / scratch.as_secs_f64()
    );

    const SAVES: usize = 300;
    let mut seq = 0;
    let idle = save_latencies(&db, &writing, &mut seq, SAVES).await;
    // The keys corrected back: every result changes again.
    import(&db, &org, &bank(|_| false), Some("Khôi phục đáp án")).await;
    let regrading = tokio::spawn({
        let db = db.clone();
        async move { run_pending(&db).await.unwrap() }
    });
    let during = save_latencies(&db, &writing, &mut seq, SAVES).await;
    let overlapped = !regrading.is_finished();
    let second = regrading.await.unwrap();
    println!(
        "{SAVES} saves of a candidate still writing{}:",
        if overlapped {
            ""
        } else {
            " (the regrade ended before the saves did)"
        }
    );
    for (name, p) in [("p50", 50), ("p99", 99), ("max", 100)] {
        let (a, b) = (percentile(&idle, p), percentile(&during, p));
        println!(
            "  {name}: {:.2} ms alone, {:.2} ms during a regrade of {} attempts: {:.2}x",
            a.as_secs_f64() * 1e3,
            b.as_secs_f64() * 1e3,
            second.rescored,
            b.as_secs_f64() / a.as_secs_f64()
        );
    }
}
