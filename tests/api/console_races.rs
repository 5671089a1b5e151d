//! Two staff acting on one attempt at once: racing requests over HTTP, and the interleaving the
//! single SQLite writer never produces by itself (a change read before another one commits and
//! written after it), driven through `attempts::store::apply` on two connections. No change is
//! lost and every logged change starts where the last one ended.

use std::time::Duration;

use reqwest::StatusCode;
use sathach::{
    attempts::{
        clock::Change,
        store::{ChangeError, Note, apply},
    },
    clock,
};

use crate::{
    console::started,
    helpers::{MANAGER, PROCTOR, TestApp, spawn_app_with_demo},
};

fn note() -> Note<'static> {
    Note {
        reason: Some("technical.network"),
        ..Note::default()
    }
}

/// One staff member's `first` change is written but not committed while another reads the
/// attempt and writes `second` from what they read; then the first commits. The second write
/// rests on a stale read, so it must be refused (without the revision check it would land and
/// overwrite the first).
async fn stale_write_is_refused(app: &TestApp, attempt: &str, first: Change, second: Change) {
    let mut tx = app.db.write.begin().await.unwrap();
    apply(&mut tx, attempt, &first, clock::now_ms(), note())
        .await
        .expect("the first change applies");
    let (db, id) = (app.db.clone(), attempt.to_string());
    let other = tokio::spawn(async move {
        let mut conn = db.read.acquire().await.unwrap();
        apply(&mut conn, &id, &second, clock::now_ms(), note()).await
    });
    // The other staff member has read the attempt and now waits for the first one's lock.
    tokio::time::sleep(Duration::from_millis(500)).await;
    tx.commit().await.unwrap();
    let outcome = other.await.unwrap();
    assert!(
        matches!(outcome, Err(ChangeError::Conflict)),
        "a change read before another committed is refused: {outcome:?}"
    );
}

#[tokio::test]
async fn two_staff_acting_at_once_never_corrupt_an_attempt() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let (session, attempts) = app.demo_session().await;
    let a = attempts[0].clone();
    started(&app, &session, &a).await;
    let extra = Change::ExtraTime { ms: 60_000 };
    // A lost grant of extra time; a lost pause; a lost resume.
    stale_write_is_refused(&app, &a, extra.clone(), extra.clone()).await;
    stale_write_is_refused(&app, &a, Change::Pause, extra.clone()).await;
    stale_write_is_refused(&app, &a, Change::Resume, extra.clone()).await;
    assert_eq!(app.clock_of(&a).await.state.as_str(), "in_progress");

    let extra = [
        ("minutes", "1"),
        ("reason", "technical.network"),
        ("comment", ""),
    ];
    let reason = [("reason", "technical.network"), ("comment", "")];
    let mut requests = Vec::new();
    for i in 0..12 {
        let browser = if i % 2 == 0 { &app } else { &manager };
        let action = ["extra-time", "pause", "resume"][i % 3];
        let path = format!("/sessions/{session}/attempts/{a}/{action}");
        let fields: &[(&str, &str)] = if action == "extra-time" {
            &extra
        } else {
            &reason
        };
        requests.push(async move { browser.post_form(&path, fields).await.status() });
    }
    for status in futures_util::future::join_all(requests).await {
        assert_eq!(
            status,
            StatusCode::SEE_OTHER,
            "each request is answered, applied or refused"
        );
    }
    let clock = app.clock_of(&a).await;
    let log: Vec<_> = app
        .log_of(&session)
        .await
        .into_iter()
        .filter(|l| l.attempt_id.as_deref() == Some(&a))
        .collect();
    let changes: Vec<_> = log.iter().filter(|l| l.from_state.is_some()).collect();
    for pair in changes.windows(2) {
        assert_eq!(
            pair[0].to_state, pair[1].from_state,
            "every change starts where the last ended: {log:#?}"
        );
    }
    assert_eq!(
        changes.last().unwrap().to_state.as_deref(),
        Some(clock.state.as_str())
    );
    let grants = log
        .iter()
        .filter(|l| l.action == "attempt_extra_time")
        .count() as i64;
    assert!(grants >= 1, "the grant written first stands");
    assert_eq!(
        clock.extra_ms,
        grants * 60_000,
        "no grant of extra time is lost"
    );
    assert_eq!(
        clock.revision,
        changes.len() as i64,
        "one revision per logged change"
    );
}
