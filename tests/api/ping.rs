//! The page's heartbeat over HTTP: what it tells the page (state, the server's time left, which
//! stands still while paused, where to go), refusals as JSON, and that it writes nothing
//! itself: each node writes its candidates' last-seen times in one transaction every few
//! seconds, never moving a stored time backwards.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sathach::{clock, db::Backend};
use serde_json::Value;

use crate::{
    candidates::{Sitting, answers_on, ready, save_json},
    helpers::{PROCTOR, TestApp, location, spawn_app_with_demo},
};

/// The page's heartbeat as the script sends it, with the page's CSRF token: (status, reply).
pub async fn ping(browser: &TestApp, csrf: &str) -> (StatusCode, Value) {
    let res = browser
        .client
        .post(browser.url("/thi/ping"))
        .header("accept", "application/json")
        .timeout(Duration::from_secs(20))
        .form(&[("csrf", csrf)])
        .send()
        .await
        .expect("the heartbeat is answered (it waits for no write)");
    let status = res.status();
    let body = res.text().await.unwrap();
    let reply = serde_json::from_str(&body)
        .unwrap_or_else(|_| panic!("{status}: the reply is not JSON: {body}"));
    (status, reply)
}

/// The proctor acts on one candidate with a reason.
async fn act(proctor: &TestApp, s: &Sitting, action: &str) {
    let path = format!("/sessions/{}/attempts/{}/{action}", s.session, s.attempt);
    let res = proctor
        .post_form(&path, &[("reason", "technical.freeze"), ("comment", "")])
        .await;
    assert_eq!(res.status(), 303, "{action}");
}

#[tokio::test]
async fn the_heartbeat_tells_the_page_its_state_the_time_left_and_where_to_go() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    let page = s.started().await;
    let csrf = s.browser.csrf().await;
    let (status, reply) = ping(&s.browser, &csrf).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    let items = app.clock_of(&s.attempt).await.item_count;
    assert_eq!(reply["state"], "in_progress");
    assert_eq!(
        (reply["answered"].as_i64(), reply["total"].as_i64()),
        (Some(0), Some(items))
    );
    assert!(reply["go"].is_null(), "{reply}");
    let left = reply["left_ms"].as_i64().expect("time left");
    assert!((1..=30 * 60_000).contains(&left), "{left}");
    let saved = save_json(&s, 1, &answers_on(&page), 1, &csrf).await;
    assert_eq!(saved.status(), StatusCode::OK);
    assert_eq!(ping(&s.browser, &csrf).await.1["answered"], 1);

    // Paused: the time left stands still from one beat to the next, and the page belongs in
    // the lobby.
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    act(&proctor, &s, "pause").await;
    let (_, first) = ping(&s.browser, &csrf).await;
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let (_, second) = ping(&s.browser, &csrf).await;
    assert_eq!(
        (first["state"].as_str(), first["go"].as_str()),
        (Some("paused"), Some("/thi/lobby"))
    );
    assert_eq!(first["left_ms"], second["left_ms"], "frozen while paused");

    act(&proctor, &s, "resume").await;
    assert_eq!(ping(&s.browser, &csrf).await.1["state"], "in_progress");
    s.submits().await;
    let (status, reply) = ping(&s.browser, &csrf).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["state"], "submitted");
    assert_eq!(reply["go"], "/thi/receipt");
}

#[tokio::test]
async fn a_heartbeat_without_a_sign_in_or_from_a_replaced_computer_is_refused_as_json() {
    let app = spawn_app_with_demo().await;
    let stranger = app.another_browser();
    let csrf = stranger.csrf().await;
    let (status, reply) = ping(&stranger, &csrf).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{reply}");
    assert_eq!(
        (reply["key"].as_str(), reply["go"].as_str()),
        (Some("exam.sign_in_required"), Some("/thi"))
    );
    assert!(
        reply["error"].as_str().unwrap().contains("đăng nhập"),
        "{reply}"
    );

    // The candidate moves to another computer, which the proctor lets in.
    let s = ready(&app, 0).await;
    s.started().await;
    let second = s.on_another_computer(&app);
    assert_eq!(location(&second.sign_in().await), "/thi/lobby");
    let (_, waiting) = ping(&second.browser, &second.browser.csrf().await).await;
    assert_eq!(
        (waiting["state"].as_str(), waiting["go"].as_str()),
        (Some("in_progress"), Some("/thi/lobby"))
    );
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let approve = format!(
        "/sessions/{}/attempts/{}/approve-device",
        s.session, s.attempt
    );
    proctor.post_form(&approve, &[]).await;
    let (status, reply) = ping(&s.browser, &s.browser.csrf().await).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{reply}");
    assert_eq!(
        (reply["key"].as_str(), reply["go"].as_str()),
        (Some("exam.device_replaced"), Some("/thi"))
    );
    let (_, moved) = ping(&second.browser, &second.browser.csrf().await).await;
    assert!(moved["go"].is_null(), "{moved}");
}

/// An attempt's stored last-seen time, and on PostgreSQL the transaction that last wrote it.
async fn stored(app: &TestApp, attempt: &str) -> Seen {
    stored_both(app, attempt, attempt).await.0
}

/// Two attempts' stored last-seen times (with PostgreSQL's `xmin`), read in one statement so
/// that a flush cannot land between the two readings.
async fn stored_both(app: &TestApp, a: &str, b: &str) -> (Seen, Seen) {
    let xmin = |table: &str| match app.db.backend {
        Backend::Postgres => format!("{table}.xmin::text"),
        Backend::Sqlite => "NULL".to_string(),
    };
    let sql = format!(
        "SELECT x.last_seen_at, {}, y.last_seen_at, {}
         FROM attempts x, attempts y WHERE x.id = $1 AND y.id = $2",
        xmin("x"),
        xmin("y")
    );
    let (at_a, xmin_a, at_b, xmin_b) = sqlx::query_as(&sql)
        .bind(a)
        .bind(b)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    ((at_a, xmin_a), (at_b, xmin_b))
}

type Seen = (Option<i64>, Option<String>);

#[tokio::test]
async fn heartbeats_write_nothing_and_one_flush_writes_every_candidate_seen() {
    let app = spawn_app_with_demo().await;
    let mut room = Vec::new();
    for i in 0..3 {
        let s = ready(&app, i).await;
        s.started().await;
        let csrf = s.browser.csrf().await;
        room.push((s, csrf));
    }
    // Another node (or a save) already stored a later time for the third: it stays.
    let ahead = clock::now_ms() + 3_600_000;
    sqlx::query("UPDATE attempts SET last_seen_at = $1 WHERE id = $2")
        .bind(ahead)
        .bind(&room[2].0.attempt)
        .execute(&app.db.write)
        .await
        .unwrap();

    // Nothing can write to the attempts while the heartbeats arrive: each is answered anyway.
    let mut hold = app.db.begin_write().await.unwrap();
    if app.db.backend == Backend::Postgres {
        sqlx::query("LOCK TABLE attempts IN EXCLUSIVE MODE")
            .execute(&mut *hold)
            .await
            .unwrap();
    }
    let pinged_at = clock::now_ms();
    for (s, csrf) in &room {
        let (status, reply) = ping(&s.browser, csrf).await;
        assert_eq!(status, StatusCode::OK, "{reply}");
    }
    hold.rollback().await.unwrap();

    // Within the flush period, both times arrive together (one transaction).
    let waited = Instant::now();
    let (first, second) = loop {
        let (first, second) = stored_both(&app, &room[0].0.attempt, &room[1].0.attempt).await;
        let arrived = |(at, _): &(Option<i64>, _)| at.is_some_and(|t| t >= pinged_at);
        if arrived(&first) || arrived(&second) {
            assert!(arrived(&first) && arrived(&second), "{first:?} {second:?}");
            break (first, second);
        }
        assert!(
            waited.elapsed() < Duration::from_secs(30),
            "never written: {first:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(
        first.1, second.1,
        "one transaction wrote both (PostgreSQL xmin)"
    );
    assert_eq!(
        stored(&app, &room[2].0.attempt).await.0,
        Some(ahead),
        "never backwards"
    );
}
