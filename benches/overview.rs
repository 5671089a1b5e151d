//! The overview over 100,000 stored results, against a baseline measured in the same run: the
//! people list (`/people`), a plain list page over as many rows (one person per result, all
//! read and paged by fifty). Both are asked for by a signed-in admin over HTTP, on SQLite in
//! a temporary folder, after the results are taken apart (the time that takes is reported
//! too); the figure to quote is the ratio of the medians.
//! `OVERVIEW_RESULTS=N` changes the number of results (default 100,000).
//!
//! Run: `cargo bench --bench overview`.

use std::time::{Duration, Instant};

use sathach::{
    analysis::{
        index,
        synthetic::{Sitting, seed},
    },
    clock,
    config::Settings,
    db::Db,
    startup::Application,
    vocab::Date,
};

/// Candidates per sitting, items per paper, requests timed per page.
const CANDIDATES: usize = 50;
const ITEMS: usize = 10;
const TIMED: usize = 20;

async fn scalar(db: &Db, sql: &str) -> String {
    sqlx::query_scalar(sql).fetch_one(&db.read).await.unwrap()
}

/// Sittings across both demo centres and the twelve months of 2026; candidate c of a sitting
/// is right on the first (c mod 11) items.
async fn seed_results(db: &Db, results: usize) {
    let department = scalar(db, "SELECT id FROM organisations WHERE kind = 'department'").await;
    let admin = scalar(db, "SELECT id FROM users WHERE role = 'admin'").await;
    let centres: Vec<(String, String)> = sqlx::query_as(
        "SELECT o.id, MIN(r.id) FROM organisations o JOIN rooms r ON r.organisation_id = o.id
         WHERE o.kind = 'centre' GROUP BY o.id ORDER BY o.id",
    )
    .fetch_all(&db.read)
    .await
    .unwrap();
    let version = scalar(
        db,
        "SELECT MAX(v.id) FROM blueprint_versions v JOIN blueprints b ON b.id = v.blueprint_id
         WHERE b.code = 'IU01-THI'",
    )
    .await;
    let items: Vec<(String, String)> = sqlx::query_as(
        "SELECT i.id, MAX(iv.id) FROM items i JOIN banks b ON b.id = i.bank_id
         JOIN item_versions iv ON iv.item_id = i.id WHERE b.code = 'IU01-MAU'
         GROUP BY i.id ORDER BY i.id LIMIT 10",
    )
    .fetch_all(&db.read)
    .await
    .unwrap();
    assert_eq!(items.len(), ITEMS);
    let answers: Vec<Vec<bool>> = (0..CANDIDATES)
        .map(|c| (0..ITEMS).map(|i| i < c % (ITEMS + 1)).collect())
        .collect();
    for n in 0..results.div_ceil(CANDIDATES) {
        let (centre, room) = &centres[n % centres.len()];
        let month = (n / centres.len()) % 12 + 1;
        let at =
            clock::local_to_ms(Date(2026, month as u32, 1 + (n % 27) as u32), "08:00").unwrap();
        seed(
            db,
            &Sitting {
                department_id: &department,
                centre_id: centre,
                room_id: room,
                blueprint_version_id: &version,
                starts_at: at,
                items: &items,
                answers: &answers,
                absent: 0,
                approved_by: Some(&admin),
                credit: Some(("IU01", 1)),
                certificates: None,
            },
        )
        .await
        .unwrap();
    }
}

/// The median and slowest of `TIMED` requests for `path` (after two unmeasured ones).
async fn time(client: &reqwest::Client, base: &str, path: &str) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(TIMED);
    for n in 0..TIMED + 2 {
        let started = Instant::now();
        let res = client.get(format!("{base}{path}")).send().await.unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res.bytes().await.unwrap();
        if n >= 2 {
            times.push(started.elapsed());
        }
    }
    times.sort();
    (times[TIMED / 2], times[TIMED - 1])
}

async fn signed_in_admin(base: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = client.get(format!("{base}/sign-in")).send().await.unwrap();
    let html = form.text().await.unwrap();
    let start = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = &html[start..start + html[start..].find('"').unwrap()];
    let res = client
        .post(format!("{base}/sign-in"))
        .form(&[
            ("csrf", csrf),
            ("email", "admin@demo.sathach.vn"),
            ("password", "demo-admin-2026"),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "signed in");
    client
}

#[tokio::main]
async fn main() {
    let results: usize = std::env::var("OVERVIEW_RESULTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings::for_data_dir(dir.path());
    let db = Db::connect_and_migrate(&settings).await.unwrap();
    sathach::demo::load(&db).await.unwrap();
    let started = Instant::now();
    seed_results(&db, results).await;
    println!(
        "seeded {results} results in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let taken = index::catch_up(&db).await.unwrap();
    println!(
        "took apart {taken} results ({} item rows) in {:.1} s",
        taken * ITEMS,
        started.elapsed().as_secs_f64()
    );
    let app = Application::build(settings, db.clone()).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = signed_in_admin(&base).await;
    let (list, list_max) = time(&client, &base, "/people?page=2").await;
    let (overview, overview_max) = time(&client, &base, "/overview?from=2026-01&to=2026-12").await;
    let (workbook, _) = time(&client, &base, "/overview.xlsx?from=2026-01&to=2026-12").await;
    // The item analysis of the blueprint every result used: it reads every item row.
    let blueprint = scalar(&db, "SELECT id FROM blueprints WHERE code = 'IU01-THI'").await;
    let analysis_path = format!("/blueprints/{blueprint}/analysis?from=2026-01&to=2026-12");
    let (analysis, _) = time(&client, &base, &analysis_path).await;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "baseline  /people?page=2 ({results} people): median {:.1} ms, slowest {:.1} ms",
        ms(list),
        ms(list_max)
    );
    println!(
        "overview  /overview (12 months): median {:.1} ms, slowest {:.1} ms",
        ms(overview),
        ms(overview_max)
    );
    println!("workbook  /overview.xlsx: median {:.1} ms", ms(workbook));
    println!(
        "analysis  /blueprints/…/analysis ({} item rows): median {:.1} ms",
        results * ITEMS,
        ms(analysis)
    );
    println!(
        "ratio: overview ÷ list {:.2}×, workbook ÷ list {:.2}×, item analysis ÷ list {:.2}×",
        ms(overview) / ms(list),
        ms(workbook) / ms(list),
        ms(analysis) / ms(list)
    );
}
