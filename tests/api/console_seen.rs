//! What the proctor's console tells of candidates' computers: a page that only sends its
//! heartbeat is online, who has signed in and waits in the lobby before check-in, and after a
//! restart that the room is paused because of it, with the resume reason filled in.

use sathach::{attempts, clock, sessions::start::start};

use crate::{
    candidates::{Sitting, ready},
    console::started,
    helpers::{PROCTOR, TestApp, location, spawn_app_with_demo},
    ping::ping,
};

/// A candidate's row in the console (or its refreshed fragment).
fn row<'a>(page: &'a str, number: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"c-{number}\""))
        .unwrap_or_else(|| panic!("no row for {number}"));
    &page[start..start + page[start..].find("</tr>").unwrap()]
}

async fn proctor_of(app: &TestApp) -> TestApp {
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    proctor
}

#[tokio::test]
async fn a_candidate_whose_page_only_sends_its_heartbeat_is_online() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    assert_eq!(location(&s.sign_in().await), "/thi/lobby");
    // Started, and reading the first question for ten minutes: no save, no page load.
    start(&app.db, &s.attempt, clock::now_ms()).await.unwrap();
    sqlx::query("UPDATE attempts SET last_seen_at = $1 WHERE id = $2")
        .bind(clock::now_ms() - 10 * 60_000)
        .bind(&s.attempt)
        .execute(&app.db.write)
        .await
        .unwrap();
    let proctor = proctor_of(&app).await;
    let console = format!("/sessions/{}/console", s.session);
    let before = proctor.get_text(&console).await;
    assert!(row(&before, &s.number).contains("Mất kết nối"), "{before}");

    let (status, reply) = ping(&s.browser, &s.browser.csrf().await).await;
    assert_eq!(status, 200, "{reply}");
    for page in [&console, &format!("{console}?part=rows")] {
        let after = proctor.get_text(page).await;
        let shown = row(&after, &s.number);
        assert!(shown.contains("Kết nối tốt"), "{page}: {shown}");
    }
}

#[tokio::test]
async fn the_console_shows_who_signed_in_and_waits_in_the_lobby_before_check_in() {
    let app = spawn_app_with_demo().await;
    let (session, ids) = app.demo_session().await;
    let secret = sathach::startup::server_secret(&app.db).await.unwrap();
    let mut numbers = Vec::new();
    for id in &ids[..2] {
        let number: String =
            sqlx::query_scalar("SELECT candidate_number FROM attempts WHERE id = $1")
                .bind(id)
                .fetch_one(&app.db.read)
                .await
                .unwrap();
        numbers.push(number);
    }
    let s = Sitting {
        browser: app.another_browser(),
        session: session.clone(),
        attempt: ids[0].clone(),
        number: numbers[0].clone(),
        code: attempts::access_code(&secret, &ids[0], 1),
    };
    let before = clock::now_ms();
    assert_eq!(location(&s.sign_in().await), "/thi/lobby");
    assert!(
        s.browser
            .get_text("/thi/lobby")
            .await
            .contains("Hãy chờ giám thị")
    );
    let after = clock::now_ms();

    let proctor = proctor_of(&app).await;
    let console = proctor
        .get_text(&format!("/sessions/{session}/console"))
        .await;
    let waiting = row(&console, &numbers[0]);
    assert!(
        waiting.contains("Đã đăng nhập, đang chờ ở phòng chờ"),
        "{waiting}"
    );
    let seconds = (before / 1000..=after / 1000).map(|s| clock::format_local_seconds(s * 1000));
    assert!(
        seconds.clone().any(|t| waiting.contains(&t)),
        "seen at {:?}: {waiting}",
        seconds.collect::<Vec<_>>()
    );
    assert!(!row(&console, &numbers[1]).contains("phòng chờ"));

    // Still waiting once checked in; no longer once started.
    let check_in = format!("/sessions/{session}/attempts/{}/check-in", ids[0]);
    proctor.post_form(&check_in, &[]).await;
    let console = proctor
        .get_text(&format!("/sessions/{session}/console?part=rows"))
        .await;
    assert!(row(&console, &numbers[0]).contains("đang chờ ở phòng chờ"));
    started(&proctor, &session, &ids[0]).await;
    let console = proctor
        .get_text(&format!("/sessions/{session}/console?part=rows"))
        .await;
    assert!(!row(&console, &numbers[0]).contains("phòng chờ"));
}

/// The reason a resume form starts with, if any.
async fn prefilled(proctor: &TestApp, path: &str) -> Option<String> {
    let form = proctor.get_text(path).await;
    let at = form.find("\" selected>")?;
    let start = form[..at].rfind("value=\"")? + 7;
    Some(form[start..at].to_string())
}

#[tokio::test]
async fn after_a_restart_the_console_says_so_and_the_resume_reason_is_filled_in() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let (session, ids) = app.demo_session().await;
    started(&app, &session, &ids[0]).await;
    started(&app, &session, &ids[1]).await;
    let app = app.restart(|_| async {}).await;
    let at: i64 = sqlx::query_scalar(
        "SELECT MAX(at) FROM session_events WHERE reason = 'technical.server_restart'",
    )
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    let notice = format!(
        "Máy chủ đã khởi động lại lúc {}; phòng thi đang tạm dừng",
        clock::format_local_seconds(at)
    );
    app.signed_in_as(PROCTOR).await;
    let base = format!("/sessions/{session}");
    let console = app.get_text(&format!("{base}/console")).await;
    assert!(console.contains(&notice), "{console}");
    let server = Some("technical.server".to_string());
    let room = format!("{base}/room/resume");
    assert_eq!(prefilled(&app, &room).await, server);
    let one = format!("{base}/attempts/{}/resume", ids[0]);
    assert_eq!(prefilled(&app, &one).await, server);

    // One candidate resumed: the other is still paused by the restart.
    let reason = [("reason", "technical.server"), ("comment", "")];
    app.post_form(&one, &reason).await;
    let part = app.get_text(&format!("{base}/console?part=rows")).await;
    assert!(part.contains(&notice), "{part}");
    app.post_form(&room, &reason).await;
    assert!(
        !app.get_text(&format!("{base}/console"))
            .await
            .contains("khởi động lại")
    );

    // A pause by the proctor is not a restart.
    let freeze = [("reason", "technical.freeze"), ("comment", "")];
    app.post_form(&format!("{base}/room/pause"), &freeze).await;
    assert!(
        !app.get_text(&format!("{base}/console"))
            .await
            .contains("khởi động lại")
    );
    assert_eq!(prefilled(&app, &room).await, None);
}

#[tokio::test]
async fn a_flush_writes_every_sighting_in_chunks_and_never_moves_a_time_back() {
    use crate::bench_support as support;
    use sathach::attempts::seen::{LastSeen, flush};
    let app = spawn_app_with_demo().await;
    let session = support::demo_session(&app.db).await;
    // More attempts than one statement of a flush takes (400).
    let ids = support::enrolled(&app.db, &session, 450).await;
    let now = clock::now_ms();
    let (ahead, others) = ids.split_first().unwrap();
    // Another node already wrote a later time for one of them.
    sqlx::query("UPDATE attempts SET last_seen_at = $1 WHERE id = $2")
        .bind(now + 60_000)
        .bind(ahead)
        .execute(&app.db.write)
        .await
        .unwrap();
    let seen = LastSeen::default();
    for (i, id) in ids.iter().enumerate() {
        seen.saw(id, now + i as i64);
    }
    let moved = flush(&app.db, &seen).await.unwrap();
    assert_eq!(
        moved,
        others.len() as u64,
        "every attempt but the one ahead"
    );
    let stored: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT id, last_seen_at FROM attempts WHERE session_id = $1")
            .bind(&session.id)
            .fetch_all(&app.db.read)
            .await
            .unwrap();
    let stored: std::collections::HashMap<String, Option<i64>> = stored.into_iter().collect();
    assert_eq!(stored[ahead], Some(now + 60_000), "a later time is kept");
    for (i, id) in ids.iter().enumerate().skip(1) {
        assert_eq!(stored[id], Some(now + i as i64), "attempt {i}");
    }
    // Written once: the next flush has nothing to write.
    assert_eq!(flush(&app.db, &seen).await.unwrap(), 0);
}
