//! The proctor's console over HTTP: every action changes the attempt as the state machine says
//! and lands in the session's log with who, what and why; the server's start rules; the
//! deadline; and a restart that pauses the room without charging downtime (two staff acting at
//! once: `console_races.rs`).

use reqwest::StatusCode;
use sathach::{
    attempts::{liveness, model::StartRefusal},
    clock,
    sessions::start::{StartError, start},
};

use crate::helpers::{PROCTOR, TestApp, location, spawn_app_with_demo};

/// Posts a console action and returns the redirect target (asserting it is one).
async fn act(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> String {
    let res = app.post_form(path, fields).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{path}: {}",
        res.text().await.unwrap()
    );
    location(&res)
}

/// Checks in and authorises an attempt, opens the session and starts the attempt.
pub(crate) async fn started(app: &TestApp, session: &str, attempt: &str) {
    let base = format!("/sessions/{session}");
    act(app, &format!("{base}/attempts/{attempt}/check-in"), &[]).await;
    act(app, &format!("{base}/attempts/{attempt}/authorise"), &[]).await;
    act(app, &format!("{base}/open"), &[]).await;
    start(&app.db, attempt, clock::now_ms())
        .await
        .expect("starts");
}

#[tokio::test]
async fn every_console_action_changes_the_attempt_and_lands_in_the_log() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let (session, attempts) = app.demo_session().await;
    let (base, a) = (format!("/sessions/{session}"), attempts[0].as_str());
    let to = |action: &str| format!("{base}/attempts/{a}/{action}");

    assert!(
        act(&app, &to("check-in"), &[])
            .await
            .contains("notice=staff.more.done_check_in")
    );
    assert_eq!(app.clock_of(a).await.state.as_str(), "checked_in");
    act(&app, &to("authorise"), &[]).await;
    let refused = start(&app.db, a, clock::now_ms()).await;
    assert!(
        matches!(
            refused,
            Err(StartError::Refused(StartRefusal::SessionNotOpen))
        ),
        "{refused:?}"
    );
    act(&app, &format!("{base}/open"), &[]).await;
    let clock_at_start = start(&app.db, a, clock::now_ms()).await.unwrap();
    let started_at = clock_at_start.started_at.unwrap();
    assert_eq!(clock_at_start.deadline_at, Some(started_at + 30 * 60_000));
    assert!(clock_at_start.item_count > 0 && clock_at_start.paper_id.is_some());

    // A reason is required, and its absence is explained on the form.
    let res = app
        .post_form(&to("pause"), &[("reason", ""), ("comment", "")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Hãy chọn lý do trong danh mục.")
    );
    assert_eq!(app.clock_of(a).await.state.as_str(), "in_progress");

    act(
        &app,
        &to("pause"),
        &[
            ("reason", "technical.freeze"),
            ("comment", "Máy 12 bị treo"),
        ],
    )
    .await;
    assert_eq!(app.clock_of(a).await.state.as_str(), "paused");
    act(
        &app,
        &to("resume"),
        &[("reason", "technical.freeze"), ("comment", "")],
    )
    .await;
    let resumed = app.clock_of(a).await;
    assert_eq!(resumed.state.as_str(), "in_progress");
    assert_eq!(
        resumed.deadline_at,
        Some(started_at + 30 * 60_000 + resumed.paused_ms)
    );
    let fields = [
        ("minutes", "5"),
        ("reason", "environment.noise"),
        ("comment", ""),
    ];
    act(&app, &to("extra-time"), &fields).await;
    let extended = app.clock_of(a).await;
    assert_eq!(extended.extra_ms, 5 * 60_000);
    assert_eq!(
        extended.deadline_at,
        Some(resumed.deadline_at.unwrap() + 5 * 60_000)
    );
    act(
        &app,
        &to("terminate"),
        &[("reason", "candidate.behaviour"), ("comment", "")],
    )
    .await;
    assert_eq!(app.clock_of(a).await.state.as_str(), "terminated");
    act(
        &app,
        &to("reopen"),
        &[("reason", "staff.error"), ("comment", "Nhầm thí sinh")],
    )
    .await;
    assert_eq!(app.clock_of(a).await.state.as_str(), "paused");

    // The whole room: the confirmation names how many candidates it affects.
    let confirm = app.get_text(&format!("{base}/room/resume")).await;
    assert!(
        confirm.contains("Thao tác này áp dụng cho 1 thí sinh."),
        "{confirm}"
    );
    act(
        &app,
        &format!("{base}/room/resume"),
        &[("reason", "staff.error"), ("comment", "")],
    )
    .await;
    assert_eq!(app.clock_of(a).await.state.as_str(), "in_progress");
    let incident = [
        ("attempt", a),
        ("reason", "environment.noise"),
        ("comment", "Khoan tường"),
    ];
    act(&app, &format!("{base}/incidents"), &incident).await;

    let confirm = app.get_text(&format!("{base}/room/close")).await;
    assert!(
        confirm.contains("Thao tác này áp dụng cho 1 thí sinh."),
        "{confirm}"
    );
    act(
        &app,
        &format!("{base}/room/close"),
        &[("reason", "schedule.end"), ("comment", "")],
    )
    .await;
    let closed = app.clock_of(a).await;
    assert_eq!(
        (closed.state.as_str(), closed.end_cause.as_deref()),
        ("submitted", Some("session_closed"))
    );

    // A closed session accepts nothing, but can still be looked at.
    let res = app
        .post_form(&format!("{base}/attempts/{}/check-in", attempts[1]), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.clock_of(&attempts[1]).await.state.as_str(),
        "not_arrived"
    );
    assert_eq!(
        app.get(&format!("{base}/console")).await.status(),
        StatusCode::OK
    );

    let log: Vec<(String, Option<String>, Option<String>)> = app
        .log_of(&session)
        .await
        .into_iter()
        .filter(|l| l.action != "roster_add")
        .map(|l| (l.action, l.reason, l.email))
        .collect();
    let proctor = Some(PROCTOR.0.to_string());
    let line = |action: &str, reason: Option<&str>, who: &Option<String>| {
        (action.to_string(), reason.map(str::to_string), who.clone())
    };
    let expected = vec![
        line("attempt_check_in", None, &proctor),
        line("attempt_authorise", None, &proctor),
        line("session_open", None, &proctor),
        line("attempt_start", None, &None),
        line("attempt_pause", Some("technical.freeze"), &proctor),
        line("attempt_resume", Some("technical.freeze"), &proctor),
        line("attempt_extra_time", Some("environment.noise"), &proctor),
        line("attempt_terminate", Some("candidate.behaviour"), &proctor),
        line("attempt_reopen", Some("staff.error"), &proctor),
        line("attempt_resume", Some("staff.error"), &proctor),
        line("incident", Some("environment.noise"), &proctor),
        line("attempt_submit", Some("schedule.end"), &proctor),
        line("session_close", Some("schedule.end"), &proctor),
    ];
    assert_eq!(log, expected);
}

#[tokio::test]
async fn nobody_starts_before_authorisation_outside_the_window_or_after_the_cut_off() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let (session, attempts) = app.demo_session().await;
    let base = format!("/sessions/{session}");
    act(&app, &format!("{base}/open"), &[]).await;
    let refusal = |result: Result<_, StartError>| match result {
        Err(StartError::Refused(r)) => Some(r),
        _ => None,
    };
    let now = clock::now_ms();
    assert_eq!(
        refusal(start(&app.db, &attempts[0], now).await),
        Some(StartRefusal::NotAuthorised)
    );
    act(
        &app,
        &format!("{base}/attempts/{}/check-in", attempts[0]),
        &[],
    )
    .await;
    assert_eq!(
        refusal(start(&app.db, &attempts[0], now).await),
        Some(StartRefusal::NotAuthorised)
    );
    act(
        &app,
        &format!("{base}/attempts/{}/authorise", attempts[0]),
        &[],
    )
    .await;
    // The demo session began five minutes ago and allows two hours' late entry.
    let window = app.db.write.clone();
    let set_start = |offset_ms: i64| {
        let window = window.clone();
        async move {
            sqlx::query("UPDATE exam_sessions SET starts_at = $1, ends_at = $2")
                .bind(clock::now_ms() + offset_ms)
                .bind(clock::now_ms() + offset_ms + 4 * 3_600_000)
                .execute(&window)
                .await
                .unwrap();
        }
    };
    set_start(3_600_000).await;
    assert_eq!(
        refusal(start(&app.db, &attempts[0], clock::now_ms()).await),
        Some(StartRefusal::BeforeWindow)
    );
    set_start(-(120 * 60_000 + 1_000)).await;
    assert_eq!(
        refusal(start(&app.db, &attempts[0], clock::now_ms()).await),
        Some(StartRefusal::AfterCutOff)
    );
    set_start(-60_000).await;
    assert!(start(&app.db, &attempts[0], clock::now_ms()).await.is_ok());
    assert_eq!(
        app.clock_of(&attempts[0]).await.state.as_str(),
        "in_progress"
    );
    act(
        &app,
        &format!("{base}/room/close"),
        &[("reason", "schedule.end"), ("comment", "")],
    )
    .await;
    assert_eq!(
        refusal(start(&app.db, &attempts[1], clock::now_ms()).await),
        Some(StartRefusal::SessionClosed)
    );
}

#[tokio::test]
async fn the_server_submits_an_attempt_at_its_deadline() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let (session, attempts) = app.demo_session().await;
    started(&app, &session, &attempts[0]).await;
    // Past the deadline and the 30 seconds' grace for saves in flight.
    let deadline = clock::now_ms() - 31_000;
    sqlx::query("UPDATE attempts SET deadline_at = $1 WHERE id = $2")
        .bind(deadline)
        .bind(&attempts[0])
        .execute(&app.db.write)
        .await
        .unwrap();
    // The node's own background sweep (every two seconds) submits it.
    let mut waited = 0;
    while app.clock_of(&attempts[0]).await.state.as_str() != "submitted" && waited < 100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    let clock = app.clock_of(&attempts[0]).await;
    assert_eq!(
        (clock.state.as_str(), clock.end_cause.as_deref()),
        ("submitted", Some("deadline"))
    );
    assert_eq!(
        clock.ended_at,
        Some(deadline),
        "ended at the deadline, not when noticed"
    );
    assert_eq!(
        liveness::submit_overdue(&app.db, clock::now_ms(), 30_000)
            .await
            .unwrap()
            .submitted,
        0
    );
    let (outcome, digest): (String, String) = sqlx::query_as(
        "SELECT outcome, responses_digest FROM results WHERE attempt_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(&attempts[0])
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert_eq!(
        (outcome.as_str(), digest.len()),
        ("fail", 64),
        "graded, nothing answered"
    );
    let log = app.log_of(&session).await;
    let last = log.last().unwrap();
    assert_eq!(
        (
            last.action.as_str(),
            last.reason.as_deref(),
            last.email.as_deref()
        ),
        ("attempt_submit", Some("schedule.deadline"), None)
    );
}

#[tokio::test]
async fn a_restart_pauses_the_room_from_the_last_heartbeat_until_the_proctor_resumes() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let (session, attempts) = app.demo_session().await;
    started(&app, &session, &attempts[0]).await;
    started(&app, &session, &attempts[1]).await;
    let now = clock::now_ms();
    let (went_down, began) = (now - 10 * 60_000, now - 15 * 60_000);
    let app = app
        .restart(|db| async move {
            // The server died ten minutes ago, five minutes into the attempts.
            sqlx::query("UPDATE node_heartbeats SET seen_at = $1").bind(went_down).execute(&db.write).await.unwrap();
            sqlx::query("UPDATE attempts SET started_at = $1, deadline_at = $2, last_seen_at = $3 WHERE state = 'in_progress'")
                .bind(began)
                .bind(began + 30 * 60_000)
                .bind(went_down - 20_000)
                .execute(&db.write)
                .await
                .unwrap();
        })
        .await;
    for attempt in &attempts[..2] {
        let clock = app.clock_of(attempt).await;
        assert_eq!(
            (clock.state.as_str(), clock.paused_since),
            ("paused", Some(went_down))
        );
        assert_eq!(
            clock.time_left_ms(clock::now_ms()),
            Some(25 * 60_000),
            "downtime is not charged"
        );
    }
    let log = app.log_of(&session).await;
    let pauses: Vec<_> = log
        .iter()
        .filter(|l| l.reason.as_deref() == Some("technical.server_restart"))
        .collect();
    assert_eq!(pauses.len(), 2);
    assert!(
        pauses
            .iter()
            .all(|l| l.email.is_none() && l.action == "attempt_pause")
    );

    app.signed_in_as(PROCTOR).await;
    let console = app.get_text(&format!("/sessions/{session}/console")).await;
    assert!(
        console.contains("Tiếp tục cả phòng"),
        "the room resumes together"
    );
    act(
        &app,
        &format!("/sessions/{session}/room/resume"),
        &[("reason", "technical.server"), ("comment", "")],
    )
    .await;
    for attempt in &attempts[..2] {
        let clock = app.clock_of(attempt).await;
        assert_eq!(clock.state.as_str(), "in_progress");
        let left = clock.time_left_ms(clock::now_ms()).unwrap();
        assert!(
            (25 * 60_000 - 10_000..=25 * 60_000).contains(&left),
            "{left}"
        );
    }
}

#[tokio::test]
async fn live_progress_refreshes_as_a_fragment_and_shows_time_left() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let (session, attempts) = app.demo_session().await;
    started(&app, &session, &attempts[0]).await;
    let page = app.get_text(&format!("/sessions/{session}/console")).await;
    assert!(page.contains("data-refresh=") && page.contains("console.js"));
    let part = app
        .get_text(&format!("/sessions/{session}/console?part=rows"))
        .await;
    assert!(!part.contains("<html") && part.contains("id=\"progress\""));
    assert!(
        part.contains("Đang làm bài") && part.contains("0/"),
        "state and answered count"
    );
    assert!(
        part.contains("29:5") || part.contains("30:00"),
        "time left is shown: {part}"
    );
    let script = app.get(sathach::web::assets::CONSOLE_JS_PATH).await;
    assert_eq!(script.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_session_log_is_append_only_in_the_database_itself() {
    let app = spawn_app_with_demo().await;
    let (session, _) = app.demo_session().await;
    let before = app.log_of(&session).await.len();
    let update = sqlx::query("UPDATE session_events SET comment = 'sửa' WHERE session_id = $1")
        .bind(&session)
        .execute(&app.db.write)
        .await;
    assert!(update.is_err(), "an entry cannot be changed");
    let delete = sqlx::query("DELETE FROM session_events WHERE session_id = $1")
        .bind(&session)
        .execute(&app.db.write)
        .await;
    assert!(delete.is_err(), "an entry cannot be removed");
    assert_eq!(app.log_of(&session).await.len(), before);
}

#[tokio::test]
async fn room_actions_reach_everyone_in_the_right_state_and_log_each_candidate() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let (session, attempts) = app.demo_session().await;
    let base = format!("/sessions/{session}");
    for a in &attempts[..3] {
        act(&app, &format!("{base}/attempts/{a}/check-in"), &[]).await;
    }
    let target = act(&app, &format!("{base}/authorise-all"), &[]).await;
    assert!(
        target.contains("notice=console.authorised_all&who=3"),
        "{target}"
    );
    act(&app, &format!("{base}/open"), &[]).await;
    for a in &attempts[..2] {
        start(&app.db, a, clock::now_ms()).await.unwrap();
    }
    let reason = [
        ("reason", "environment.power_outage"),
        ("comment", "Mất điện tầng 2"),
    ];
    act(&app, &format!("{base}/room/pause"), &reason).await;
    let states: Vec<String> =
        futures_util::future::join_all(attempts[..4].iter().map(|a| app.clock_of(a)))
            .await
            .into_iter()
            .map(|c| c.state.as_str().to_string())
            .collect();
    assert_eq!(states, ["paused", "paused", "authorised", "not_arrived"]);
    let pauses = app
        .log_of(&session)
        .await
        .into_iter()
        .filter(|l| l.action == "attempt_pause")
        .count();
    assert_eq!(pauses, 2, "one entry per candidate paused");
    let page = app.get_text(&format!("{base}/report")).await;
    assert!(
        page.contains("Mất điện")
            && page.contains("Mất điện tầng 2")
            && page.contains("Lê Thị Giám Thị")
    );
}
