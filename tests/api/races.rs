//! Races on one attempt and one room, on SQLite and PostgreSQL alike: saves racing the end of
//! an attempt (the candidate's submission, the deadline sweep, the proctor closing the room),
//! a room of 40 pressing "Bắt đầu" at once, and two computers signing in at once.

use std::collections::HashMap;

use futures_util::future::join_all;
use reqwest::StatusCode;
use sathach::attempts::{finish, responses};
use sqlx::Connection;

use crate::{
    candidates::{Answering, admit, answering, ready, save_json},
    helpers::{MANAGER, PROCTOR, TestApp, csrf_in, location, spawn_app_with_demo},
};

/// Fires `count` saves (questions 1–3 in turn, newer sequence numbers each) all at once;
/// returns the acknowledged ones as (question, seq).
async fn saves(a: &Answering, first_seq: i64, count: i64) -> Vec<(usize, i64)> {
    let sent = (first_seq..first_seq + count).map(|seq| {
        let n = (seq as usize % 3) + 1;
        async move {
            let res = save_json(&a.s, n, &a.pages[n - 1], seq, &a.csrf).await;
            let status = res.status();
            assert!(
                status == StatusCode::OK || status == StatusCode::CONFLICT,
                "a save racing the end got {status}: {}",
                res.text().await.unwrap_or_default()
            );
            (status == StatusCode::OK).then_some((n, seq))
        }
    });
    join_all(sent).await.into_iter().flatten().collect()
}

/// Asserts that the stored result's digest is the digest of the answers stored now (so no save
/// landed after grading) and that every acknowledged save is among them.
async fn assert_graded_with(app: &TestApp, a: &Answering, acked: &[(usize, i64)], end: &str) {
    let mut conn = sqlx::AnyConnection::connect(app.settings.database_url.expose())
        .await
        .unwrap();
    let (state, paper_id, ended_at): (String, String, i64) =
        sqlx::query_as("SELECT state, paper_id, ended_at FROM attempts WHERE id = $1")
            .bind(&a.s.attempt)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(state, "submitted", "{end}");
    let (form, _) = finish::paper_of(&mut conn, &paper_id).await.unwrap();
    let stored: HashMap<String, responses::Stored> = responses::all(&mut conn, &a.s.attempt)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.item_id.clone(), r))
        .collect();
    let items: Vec<String> = form.items().map(|p| p.item_id.clone()).collect();
    let answers: Vec<_> = items
        .iter()
        .map(|id| (id.clone(), stored.get(id).and_then(|r| r.response())))
        .collect();
    let digest: String = sqlx::query_scalar(
        "SELECT responses_digest FROM results WHERE attempt_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(&a.s.attempt)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        digest,
        finish::responses_digest(&a.s.attempt, ended_at, &answers),
        "{end}: an answer was stored after grading"
    );
    for (n, seq) in acked {
        let kept = stored.get(&items[n - 1]).map_or(0, |r| r.seq);
        assert!(
            kept >= *seq,
            "{end}: acknowledged save {seq} of question {n} was not graded"
        );
    }
    conn.close().await.ok();
}

#[tokio::test]
async fn no_save_is_acknowledged_after_grading_whoever_ends_the_attempt() {
    let app = spawn_app_with_demo().await;
    let (session, _) = app.demo_session().await;
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let mut sitting = Vec::new();
    for index in 0..6 {
        sitting.push(answering(&app, index).await);
    }
    // The candidate submits while their saves are in flight (twice).
    for a in &sitting[0..2] {
        let submit = async {
            tokio::task::yield_now().await;
            a.s.browser
                .post_form("/thi/submit", &[("confirm", "1")])
                .await
                .status()
        };
        let (acked, submitted) = tokio::join!(saves(a, 1, 24), submit);
        assert_eq!(submitted, StatusCode::SEE_OTHER);
        assert_graded_with(&app, a, &acked, "submitted by the candidate").await;
    }
    // The deadline sweep (whose clock runs past the grace) ends them while saves are in flight.
    for a in &sitting[2..4] {
        let now = sathach::clock::now_ms();
        sqlx::query("UPDATE attempts SET deadline_at = $1 WHERE id = $2")
            .bind(now)
            .bind(&a.s.attempt)
            .execute(&app.db.write)
            .await
            .unwrap();
        let sweep = async {
            tokio::task::yield_now().await;
            sathach::attempts::liveness::submit_overdue(&app.db, now + 31_000, 30_000)
                .await
                .unwrap()
        };
        let (acked, swept) = tokio::join!(saves(a, 1, 24), sweep);
        assert!(swept.submitted >= 1);
        assert_graded_with(&app, a, &acked, "submitted at the deadline").await;
    }
    // The proctor closes the room while the last two candidates are saving.
    let close = async {
        tokio::task::yield_now().await;
        let path = format!("/sessions/{session}/room/close");
        let page = proctor.get_text(&path).await;
        let token = csrf_in(&page).unwrap();
        let fields = [
            ("reason", "schedule.end"),
            ("comment", ""),
            ("csrf", &token),
        ];
        proctor.post_raw(&path, &fields).await.status()
    };
    let (acked4, acked5, closed) =
        tokio::join!(saves(&sitting[4], 1, 24), saves(&sitting[5], 1, 24), close);
    assert_eq!(closed, StatusCode::SEE_OTHER);
    assert_graded_with(&app, &sitting[4], &acked4, "closed by the proctor").await;
    assert_graded_with(&app, &sitting[5], &acked5, "closed by the proctor").await;
}

/// Adds people to the demo session's roster until it has `total` candidates.
async fn fill_roster(app: &TestApp, session: &str, total: usize) {
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let mut csv = String::from("Họ và tên;Ngày sinh;Giới tính;Số CCCD;Trường\n");
    for i in 0..total - 6 {
        csv.push_str(&format!(
            "Học sinh Thứ {i};05/03/2008;Nam;001208{:06};THPT A\n",
            100 + i
        ));
    }
    let page = manager.get_text(&format!("/sessions/{session}")).await;
    let token = csrf_in(&page).unwrap();
    let path = format!("/sessions/{session}/roster?csrf={token}");
    let (status, page) = manager
        .post_file(&path, ("ds.csv", csv.into_bytes()), &[])
        .await;
    assert!(status.is_success() || status.is_redirection(), "{page}");
}

#[tokio::test]
async fn a_room_of_40_starts_at_once_without_an_error() {
    let app = spawn_app_with_demo().await;
    let (session, _) = app.demo_session().await;
    fill_roster(&app, &session, 40).await;
    let (_, attempts) = app.demo_session().await;
    assert_eq!(attempts.len(), 40);
    let mut room = Vec::new();
    for index in 0..40 {
        let s = ready(&app, index).await;
        assert_eq!(location(&s.sign_in().await), "/thi/lobby");
        room.push(s);
    }
    let pressed = room.iter().map(|s| async move {
        let res = s.browser.post_form("/thi/start", &[]).await;
        (res.status(), location(&res))
    });
    let answers = join_all(pressed).await;
    for (status, target) in &answers {
        assert_eq!(
            (*status, target.as_str()),
            (StatusCode::SEE_OTHER, "/thi/q/1")
        );
    }
    let sequences: Vec<i64> = sqlx::query_scalar("SELECT sequence FROM papers ORDER BY sequence")
        .fetch_all(&app.db.read)
        .await
        .unwrap();
    assert_eq!(
        sequences,
        (1..=40).collect::<Vec<i64>>(),
        "one paper each, numbered in turn"
    );
}

#[tokio::test]
async fn two_computers_signing_in_at_once_leave_exactly_one_active() {
    let app = spawn_app_with_demo().await;
    let (session, attempts) = app.demo_session().await;
    for attempt in &attempts {
        admit(&app, &session, attempt).await;
    }
    for index in 0..attempts.len() {
        let first = ready(&app, index).await;
        let second = first.on_another_computer(&app);
        let (a, b) = tokio::join!(first.sign_in(), second.sign_in());
        assert_eq!(
            (a.status(), b.status()),
            (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER)
        );
        let active: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM candidate_devices WHERE attempt_id = $1 AND status = 'active'",
        )
        .bind(&first.attempt)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
        assert_eq!(active, 1, "candidate {index}");
    }
}
