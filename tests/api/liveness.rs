//! Restarts and liveness over real HTTP: a node restarted within seconds charges no downtime,
//! a restart while another node is alive pauses nothing, pauses written in bulk are what the
//! clock would write one by one, and attempts left paused are graded at the window's end.

use std::time::{Duration, Instant};

use sathach::{
    attempts::{
        clock::{AttemptClock, Change},
        liveness::BEAT,
        restart::{pause_after_restart, pause_moment},
    },
    clock,
    db::{Backend, Db},
    grading::{self, model::ResultKind},
};

use crate::{
    candidates::{admit, answers_on, post_question, ready, seq_on},
    helpers::{PROCTOR, TestApp, fresh_settings, location, spawn_app_with_demo},
};

/// Checks in, authorises and starts an attempt (the session opened by the proctor).
async fn running(app: &TestApp, session: &str, attempt: &str) {
    admit(app, session, attempt).await;
    sathach::sessions::start::start(&app.db, attempt, clock::now_ms())
        .await
        .expect("starts");
}

async fn act(app: &TestApp, path: &str, reason: &str) {
    let res = app
        .post_form(path, &[("reason", reason), ("comment", "")])
        .await;
    assert_eq!(res.status(), 303, "{path}: {}", res.text().await.unwrap());
}

#[tokio::test]
async fn a_node_killed_and_restarted_within_seconds_charges_no_downtime() {
    let app = spawn_app_with_demo().await;
    let (session, attempts) = app.demo_session().await;
    running(&app, &session, &attempts[0]).await;
    let a = attempts[0].clone();
    let left_at_stop = app
        .clock_of(&a)
        .await
        .time_left_ms(clock::now_ms())
        .unwrap();
    // Stopped without a final heartbeat, back four seconds later under the same node name.
    let app = app
        .restart(|_| async { tokio::time::sleep(Duration::from_secs(4)).await })
        .await;
    let beat = BEAT.as_millis() as i64;
    let clock = app.clock_of(&a).await;
    assert_eq!(
        clock.state.as_str(),
        "paused",
        "the downtime is not charged"
    );
    let left = clock.time_left_ms(clock::now_ms()).unwrap();
    assert!(
        (left_at_stop..=left_at_stop + beat + 500).contains(&left),
        "paused from the last heartbeat: {left} ms left, {left_at_stop} at the stop"
    );
    app.signed_in_as(PROCTOR).await;
    act(
        &app,
        &format!("/sessions/{session}/room/resume"),
        "technical.server",
    )
    .await;
    let left = app
        .clock_of(&a)
        .await
        .time_left_ms(clock::now_ms())
        .unwrap();
    assert!(
        (left_at_stop - 1_000..=left_at_stop + beat + 500).contains(&left),
        "0 s charged: {left} ms left after resuming, {left_at_stop} at the stop"
    );
}

#[tokio::test]
async fn while_another_node_is_alive_a_restart_pauses_nothing() {
    let app = spawn_app_with_demo().await;
    let (session, attempts) = app.demo_session().await;
    running(&app, &session, &attempts[0]).await;
    let other = match app.another_node("node-b").await {
        Ok(other) => other,
        Err(refused) => {
            // SQLite: one server per database, so there is never another node to trust.
            assert_eq!(app.db.backend, Backend::Sqlite, "{refused:#}");
            let message = refused.to_string();
            assert!(
                message.contains(&format!("process {}", std::process::id())),
                "{message}"
            );
            return;
        }
    };
    assert_eq!(app.db.backend, Backend::Postgres);
    assert_eq!(
        app.clock_of(&attempts[0]).await.state.as_str(),
        "in_progress"
    );
    // Once another node has served, a node starts only with the shared key configured.
    let mut app = app;
    app.settings.server_key = other.settings.server_key.clone();
    let app = app
        .restart(|_| async { tokio::time::sleep(Duration::from_secs(1)).await })
        .await;
    assert_eq!(
        app.clock_of(&attempts[0]).await.state.as_str(),
        "in_progress",
        "node-b served throughout: nothing to pause"
    );
    let names: Vec<String> = sqlx::query_scalar("SELECT DISTINCT node_name FROM node_heartbeats")
        .fetch_all(&other.db.read)
        .await
        .unwrap();
    assert!(
        names.contains(&"node-b".to_string()) && names.len() == 2,
        "{names:?}"
    );
}

/// Puts a running attempt for a new person straight into the database.
async fn insert_running(db: &Db, session: &str, n: i64, started: i64, seen: Option<i64>) {
    let department: String = sqlx::query_scalar("SELECT department_id FROM people LIMIT 1")
        .fetch_one(&db.read)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO people (id, department_id, full_name, birth_date, unit, is_teacher, created_at)
         VALUES ($1, $2, $3, '2000-01-01', '', 0, 0)",
    )
    .bind(format!("bulk-person-{n}"))
    .bind(department)
    .bind(format!("Bulk {n}"))
    .execute(&db.write)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO attempts (id, session_id, person_id, candidate_number, code_generation,
                               access_code_digest, state, started_at, deadline_at, last_seen_at,
                               created_at)
         VALUES ($1, $2, $3, $4, 1, '', 'in_progress', $5, $6, $7, 0)",
    )
    .bind(format!("bulk-{n}"))
    .bind(session)
    .bind(format!("bulk-person-{n}"))
    .bind(format!("BULK{n:05}"))
    .bind(started)
    .bind(started + 45 * 60_000)
    .bind(seen)
    .execute(&db.write)
    .await
    .unwrap();
}

/// A migrated database with the demo loaded and no server running.
async fn demo_db(dir: &std::path::Path) -> (Db, String) {
    let db = Db::connect_and_migrate(&fresh_settings(dir).await)
        .await
        .unwrap();
    sathach::demo::load(&db).await.unwrap();
    let session = sqlx::query_scalar("SELECT id FROM exam_sessions")
        .fetch_one(&db.read)
        .await
        .unwrap();
    (db, session)
}

async fn clock_of(db: &Db, attempt: &str) -> AttemptClock {
    sqlx::query_as(
        "SELECT state, checked_in_at, checked_in_by, authorised_at, started_at,
                accommodation_percent, extra_ms, paused_ms, paused_since, deadline_at, ended_at,
                end_cause, paper_id, item_count, revision FROM attempts WHERE id = $1",
    )
    .bind(attempt)
    .fetch_one(&db.read)
    .await
    .unwrap()
}

#[tokio::test]
async fn pauses_written_in_bulk_are_what_the_clock_writes_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let (db, session) = demo_db(dir.path()).await;
    let now = clock::now_ms();
    let alive = now - 60_000;
    sqlx::query("INSERT INTO node_heartbeats (node_id, node_name, started_at, seen_at) VALUES ('old', 'me', 0, $1)")
        .bind(alive)
        .execute(&db.write)
        .await
        .unwrap();
    // Started and seen before, after the last heartbeat, never seen, seen "in the future".
    let cases = [
        (alive - 600_000, Some(alive - 5_000)),
        (alive - 600_000, Some(alive + 1_500)),
        (alive + 800, None),
        (alive - 600_000, None),
        (alive - 600_000, Some(now + 90_000)),
    ];
    let mut expected = Vec::new();
    for (n, (started, seen)) in cases.into_iter().enumerate() {
        insert_running(&db, &session, n as i64, started, seen).await;
        let mut clock = clock_of(&db, &format!("bulk-{n}")).await;
        clock.apply(
            &Change::Pause,
            pause_moment(Some(alive), Some(started), seen, now),
        );
        expected.push(clock);
    }
    assert_eq!(
        pause_after_restart(&db, "me", now).await.unwrap(),
        cases.len()
    );
    for (n, clock) in expected.iter().enumerate() {
        assert_eq!(
            &clock_of(&db, &format!("bulk-{n}")).await,
            clock,
            "case {n}"
        );
    }
    let logged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM session_events WHERE reason = 'technical.server_restart'
         AND action = 'attempt_pause' AND from_state = 'in_progress' AND to_state = 'paused'
         AND actor_user_id IS NULL AND attempt_id LIKE 'bulk-%'",
    )
    .fetch_one(&db.read)
    .await
    .unwrap();
    assert_eq!(logged, cases.len() as i64);
    assert_eq!(
        pause_after_restart(&db, "me", now).await.unwrap(),
        0,
        "once"
    );
    db.close().await;
}

/// The restart figure the issue asks for: `cargo test --test api restart_with_10000 -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "a measurement, not a check: prints how long pausing 10,000 attempts takes"]
async fn restart_with_10000_running_attempts() {
    let dir = tempfile::tempdir().unwrap();
    let (db, session) = demo_db(dir.path()).await;
    let department: String = sqlx::query_scalar("SELECT department_id FROM people LIMIT 1")
        .fetch_one(&db.read)
        .await
        .unwrap();
    let now = clock::now_ms();
    let numbers = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)";
    sqlx::query(&format!("{numbers} INSERT INTO people (id, department_id, full_name, birth_date, unit, is_teacher, created_at) SELECT 'bulk-person-' || i, $1, 'Bulk', '2000-01-01', '', 0, 0 FROM n"))
        .bind(&department).execute(&db.write).await.unwrap();
    sqlx::query(&format!("{numbers} INSERT INTO attempts (id, session_id, person_id, candidate_number, code_generation, access_code_digest, state, started_at, deadline_at, last_seen_at, created_at) SELECT 'bulk-' || i, $1, 'bulk-person-' || i, 'BULK' || i, 1, '', 'in_progress', $2, $3, $2 + i, 0 FROM n"))
        .bind(&session).bind(now - 600_000).bind(now + 1_800_000).execute(&db.write).await.unwrap();
    let began = Instant::now();
    let paused = pause_after_restart(&db, "me", now).await.unwrap();
    let took = began.elapsed();
    assert_eq!(paused, 10_000);
    println!(
        "{:?}: paused {paused} running attempts at start in {took:?}",
        db.backend
    );
    db.close().await;
}

#[tokio::test]
async fn attempts_left_paused_are_graded_at_the_window_end_and_may_be_reopened() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    let page = s.started().await;
    let mut fields = answers_on(&page);
    fields.push(("seq".into(), seq_on(&page)));
    assert_eq!(post_question(&s, 1, &fields, "next").await.status(), 303);
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let base = format!("/sessions/{}/attempts/{}", s.session, s.attempt);
    act(&proctor, &format!("{base}/pause"), "technical.freeze").await;
    let left_when_paused = app.clock_of(&s.attempt).await.time_left_ms(0).unwrap();
    // The window ends now; nobody resumed the candidate.
    let ends_at = clock::now_ms();
    sqlx::query("UPDATE exam_sessions SET ends_at = $1 WHERE id = $2")
        .bind(ends_at)
        .bind(&s.session)
        .execute(&app.db.write)
        .await
        .unwrap();
    let clock = wait_for(&app, &s.attempt, "submitted").await;
    assert_eq!(
        (clock.end_cause.as_deref(), clock.ended_at),
        (Some("window_ended"), Some(ends_at))
    );
    let graded = grading::store::current(&app.db.read, &s.attempt)
        .await
        .unwrap()
        .and_then(|r| r.score)
        .expect("graded");
    let responses: Vec<&str> = graded.items.iter().map(|i| i.response.as_str()).collect();
    assert_ne!(
        responses[0], responses[1],
        "the saved answer is graded: {responses:?}"
    );
    let report = proctor
        .get_text(&format!("/sessions/{}/report", s.session))
        .await;
    assert!(report.contains("Nộp khi hết ca thi"), "the report says why");

    act(&proctor, &format!("{base}/reopen"), "staff.error").await;
    let clock = app.clock_of(&s.attempt).await;
    assert_eq!(clock.state.as_str(), "paused", "reopened, paused");
    let history = grading::store::history(&app.db.read, &s.attempt)
        .await
        .unwrap();
    let kinds: Vec<_> = history.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [ResultKind::Submitted, ResultKind::Withdrawn],
        "the window's result is withdrawn by a new row, and kept"
    );
    tokio::time::sleep(BEAT * 2).await;
    assert_eq!(
        app.clock_of(&s.attempt).await.state.as_str(),
        "paused",
        "a reopened attempt is the proctor's: no sweep submits it again"
    );
    act(&proctor, &format!("{base}/resume"), "staff.error").await;
    let left = app
        .clock_of(&s.attempt)
        .await
        .time_left_ms(clock::now_ms())
        .unwrap();
    assert!(
        (left_when_paused - 2_000..=left_when_paused).contains(&left),
        "time intact: {left} of {left_when_paused}"
    );
    let res = s.browser.get("/thi/q/1").await;
    assert_eq!(
        res.status(),
        200,
        "the candidate continues: {}",
        location(&res)
    );
}

/// Polls an attempt until it reaches `state` (the background sweep runs every beat).
async fn wait_for(app: &TestApp, attempt: &str, state: &str) -> AttemptClock {
    for _ in 0..40 {
        let clock = app.clock_of(attempt).await;
        if clock.state.as_str() == state {
            return clock;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("{attempt} never reached {state}");
}
