//! A crowd pressing "Bắt đầu" at once, on SQLite and PostgreSQL alike: 200 candidates all
//! start, none with an error (a start told the server is busy tries again, as the lobby's
//! script does), one paper each, numbered in turn, the exposure counters matching the papers;
//! and a start that cannot have the writer in time is told so (503, `Retry-After`, the lobby
//! with the notice and the form its script presses again) instead of failing; in Chromium the
//! lobby's script then starts the exam by itself.

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use reqwest::{StatusCode, header};
use sathach::db::Backend;

use crate::{
    browser::{axe_source, browser, click, no_axe_violations, sign_in_to_lobby, wait_until},
    candidates::ready,
    helpers::{csrf_in, spawn_app_with_demo},
    room::{Seat, room},
};

/// What pressing "Bắt đầu" on the lobby gave: how many times the server said it was busy
/// before the start, and where the start led.
async fn press_start(address: &str, seat: &Seat) -> (usize, String) {
    let lobby = seat.page(address, "/thi/lobby").await;
    let token = csrf_in(&lobby).expect("the lobby's start form");
    let mut busy = 0;
    loop {
        let res = seat
            .client
            .post(format!("{address}/thi/start"))
            .form(&[("csrf", token.as_str())])
            .send()
            .await
            .unwrap();
        match res.status() {
            StatusCode::SEE_OTHER => {
                let target = res.headers()[header::LOCATION].to_str().unwrap();
                return (busy, target.to_string());
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                let wait: u64 = res.headers()[header::RETRY_AFTER]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                busy += 1;
                tokio::time::sleep(Duration::from_secs(wait)).await;
            }
            other => panic!("a start got {other}: {}", res.text().await.unwrap()),
        }
    }
}

#[tokio::test]
async fn a_crowd_of_200_starts_at_once_without_an_error() {
    crowd_starts(200).await;
}

/// The figure for a bigger room: `cargo test --test api crowd_of_1000 -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "a figure, not a check: about a minute in debug"]
async fn a_crowd_of_1000_starts_at_once() {
    crowd_starts(1000).await;
}

/// `size` candidates press "Bắt đầu" at once: all start, one paper each, numbered in turn, and
/// the exposure counters are the papers' items counted.
async fn crowd_starts(size: usize) {
    let app = spawn_app_with_demo().await;
    let (_, seats) = room(&app.db, size).await;
    let began = Instant::now();
    let pressed = join_all(seats.iter().map(|s| press_start(&app.address, s))).await;
    let took = began.elapsed();
    for (_, target) in &pressed {
        assert_eq!(target, "/thi/q/1");
    }
    let busy: usize = pressed.iter().map(|(b, _)| b).sum();
    println!("{size} starts at once: {took:?}, told busy {busy} times");
    let sequences: Vec<i64> = sqlx::query_scalar("SELECT sequence FROM papers ORDER BY sequence")
        .fetch_all(&app.db.read)
        .await
        .unwrap();
    assert_eq!(
        sequences,
        (1..=size as i64).collect::<Vec<i64>>(),
        "one paper each"
    );
    let running: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM attempts WHERE state = 'in_progress' AND paper_id IS NOT NULL",
    )
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert_eq!(running, size as i64);
    // Every draw counted its items: the counters are the papers' items, counted.
    let differ: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM item_exposure e LEFT JOIN (
             SELECT p.organisation_id, pi.item_id, COUNT(*) AS n FROM paper_items pi
             JOIN papers p ON p.id = pi.paper_id GROUP BY p.organisation_id, pi.item_id
         ) c ON c.organisation_id = e.organisation_id AND c.item_id = e.item_id
         WHERE c.n IS NULL OR c.n <> e.drawn",
    )
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert_eq!(differ, 0, "exposure counters that differ from the papers");
    let drawn: i64 = sqlx::query_scalar("SELECT CAST(SUM(drawn) AS BIGINT) FROM item_exposure")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let placed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM paper_items")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    assert_eq!(drawn, placed);
}

#[tokio::test]
async fn a_start_that_cannot_have_the_writer_is_told_to_wait_and_tries_again() {
    let app = spawn_app_with_demo().await;
    if app.db.backend != Backend::Sqlite {
        // PostgreSQL has a pool of writers: holding one does not hold a start back.
        return;
    }
    let (_, seats) = room(&app.db, 1).await;
    let seat = &seats[0];
    let lobby = seat
        .client
        .get(app.url("/thi/lobby"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_in(&lobby).unwrap();
    // Another write holds SQLite's one writer longer than a start waits.
    let held = app.db.begin_write().await.unwrap();
    let began = Instant::now();
    let res = seat
        .client
        .post(app.url("/thi/start"))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    let waited = began.elapsed();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        waited >= sathach::db::WRITER_WAIT && waited < Duration::from_secs(15),
        "{waited:?}"
    );
    // Nobody else holds or waits for a place: its turn is the shortest wait.
    assert_eq!(res.headers()[header::RETRY_AFTER], "1");
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Máy chủ đang bận, đang thử lại.") && page.contains("khoảng 1 giây nữa"),
        "the busy notice with the wait: {page}"
    );
    assert!(
        page.contains("action=\"/thi/start\" data-retry-after=\"1\""),
        "the form the page's script presses again: {page}"
    );
    let again = csrf_in(&page).unwrap();
    drop(held);
    let running: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM attempts WHERE state = 'in_progress'")
            .fetch_one(&app.db.read)
            .await
            .unwrap();
    assert_eq!(running, 0, "nothing was started");
    // Pressed again (by the script, or by hand), it starts.
    let res = seat
        .client
        .post(app.url("/thi/start"))
        .form(&[("csrf", again.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/thi/q/1");
}

#[tokio::test]
async fn in_a_browser_the_busy_lobby_starts_the_exam_by_itself() {
    let test = "in_a_browser_the_busy_lobby_starts_the_exam_by_itself";
    let app = spawn_app_with_demo().await;
    if app.db.backend != Backend::Sqlite {
        // Only SQLite's one writer can be held from the test (see above).
        return;
    }
    let Some((_driver, client)) = browser(test, true).await else {
        return;
    };
    let axe = axe_source();
    let s = ready(&app, 0).await;
    sign_in_to_lobby(&client, &app, &s, Some(&axe)).await;
    let held = app.db.begin_write().await.unwrap();
    click(&client, "form[action='/thi/start'] button").await;
    wait_until(
        &client,
        "#lobby-notice",
        "Máy chủ đang bận, đang thử lại.",
        15,
    )
    .await;
    no_axe_violations(&client, Some(&axe), "the busy lobby").await;
    drop(held);
    // Nobody presses anything: the page's script does, a few seconds later.
    wait_until(&client, "#q-label", "Câu 1/", 10).await;
    client.close().await.unwrap();
}
