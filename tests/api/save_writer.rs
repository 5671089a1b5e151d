//! The group-commit writer under faults: a writer stalled by a lock acknowledges nothing until
//! its batch commits, and turns away the saves beyond its queue at once (503, `Retry-After`,
//! "máy chủ đang bận"), for the script and for a plain form; a batch that cannot be written
//! fails every one of its saves, none stored, and the next batch is written.

use std::time::Duration;

use reqwest::StatusCode;
use sqlx::{Connection, Executor};

use crate::{
    candidates::{Answering, answering, post_question, save_json},
    helpers::{TestApp, fresh_settings, spawn_demo_on},
};

async fn room(limit: usize, candidates: usize) -> (TestApp, Vec<Answering>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = fresh_settings(dir.path()).await;
    settings.save_queue_limit = limit;
    let app = spawn_demo_on(settings, dir).await;
    // The demo session has six candidates; more are enrolled as the benchmarks enrol theirs.
    if candidates > 6 {
        let session = crate::bench_support::demo_session(&app.db).await;
        crate::bench_support::enrolled(&app.db, &session, candidates - 6).await;
    }
    let mut sittings = Vec::new();
    for index in 0..candidates {
        sittings.push(answering(&app, index).await);
    }
    (app, sittings)
}

fn postgres(app: &TestApp) -> bool {
    app.settings.database_url.expose().starts_with("postgres")
}

/// A connection of the test's own that holds what every save needs: SQLite's write lock, or
/// on PostgreSQL the attempts' rows.
async fn stall(app: &TestApp, attempts: &[&str]) -> sqlx::AnyConnection {
    let mut conn = sqlx::AnyConnection::connect(app.settings.database_url.expose())
        .await
        .expect("the test's own connection");
    if postgres(app) {
        conn.execute("BEGIN").await.unwrap();
        for attempt in attempts {
            sqlx::query("SELECT id FROM attempts WHERE id = $1 FOR UPDATE")
                .bind(*attempt)
                .fetch_one(&mut conn)
                .await
                .unwrap();
        }
    } else {
        conn.execute("BEGIN IMMEDIATE").await.unwrap();
    }
    conn
}

/// Saves question `n` of `a` as the page's script does, in a task of its own.
fn save_task(a: &Answering, n: usize, seq: i64) -> tokio::task::JoinHandle<reqwest::Response> {
    let mut fields = a.pages[n - 1].clone();
    fields.push(("seq".into(), seq.to_string()));
    fields.push(("csrf".into(), a.csrf.clone()));
    let request =
        a.s.browser
            .client
            .post(a.s.browser.url(&format!("/thi/q/{n}")))
            .header("accept", "application/json")
            .form(&fields);
    tokio::spawn(async move { request.send().await.expect("a save is answered") })
}

/// Questions 1 and 2 of every candidate saved as one batch on SQLite: the saves wait for the
/// writer's connection, which the test holds (after running `statements` on it), and are
/// written together once it is released. Returns the replies.
async fn one_batch(
    app: &TestApp,
    room: &[Answering],
    statements: &[&str],
) -> Vec<reqwest::Response> {
    let mut writer = app.db.write.acquire().await.unwrap();
    for statement in statements {
        writer.execute(*statement).await.unwrap();
    }
    let saves: Vec<_> = room
        .iter()
        .flat_map(|a| [save_task(a, 1, 1), save_task(a, 2, 1)])
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(writer);
    let mut replies = Vec::new();
    for save in saves {
        replies.push(save.await.unwrap());
    }
    replies
}

async fn stored_seq(app: &TestApp, attempt: &str) -> Vec<i64> {
    sqlx::query_scalar("SELECT seq FROM responses WHERE attempt_id = $1 ORDER BY seq")
        .bind(attempt)
        .fetch_all(&app.db.read)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_stalled_writer_acknowledges_nothing_until_it_commits_and_turns_the_overflow_away() {
    let (app, room) = room(2, 4).await;
    let attempts: Vec<&str> = room.iter().map(|a| a.s.attempt.as_str()).collect();
    let mut holder = stall(&app, &attempts).await;
    // Saves sent one after another while the writer is stalled: they wait, until one finds
    // the queue full and is answered at once.
    let mut waiting = Vec::new();
    let mut turned_away = None;
    for (i, a) in room.iter().enumerate() {
        let save = save_task(a, 1, 1);
        tokio::time::sleep(Duration::from_millis(400)).await;
        if save.is_finished() {
            turned_away = Some((i, save.await.unwrap()));
            break;
        }
        waiting.push((i, save));
    }
    let (busy_index, busy) = turned_away.expect("a save beyond the queue is turned away");
    assert!(waiting.len() >= 2, "the queue holds its limit");
    assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(busy.headers()["retry-after"], "1");
    let body: serde_json::Value = busy.json().await.unwrap();
    assert_eq!(body["key"], "exam.busy", "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("đang bận"),
        "{body}"
    );

    // A plain form is given a page that sends the same answer again.
    let plain = &room[busy_index];
    let mut form = plain.pages[1].clone();
    form.push(("seq".into(), "1".into()));
    let res = post_question(&plain.s, 2, &form, "next").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = res.text().await.unwrap();
    assert!(page.contains("Gửi lại câu trả lời"), "{page}");
    assert!(page.contains(r#"action="/thi/q/2""#), "{page}");
    for (name, value) in &form {
        let field = format!(r#"name="{name}" value="{value}""#);
        assert!(page.contains(&field), "{field} in {page}");
    }

    // Nothing waiting was acknowledged, nor stored.
    for (i, save) in &waiting {
        assert!(!save.is_finished(), "save {i} answered during the stall");
    }
    for (i, _) in &waiting {
        assert!(stored_seq(&app, attempts[*i]).await.is_empty());
    }
    holder.execute("ROLLBACK").await.unwrap();
    for (i, save) in waiting {
        let res = save.await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "save {i} once the writer ran");
        assert_eq!(stored_seq(&app, attempts[i]).await, vec![1]);
    }

    // The turned-away save, sent again, is stored; so is the plain form, sent again.
    let a = &room[busy_index];
    let res = save_json(&a.s, 1, &a.pages[0], 1, &a.csrf).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = post_question(&a.s, 2, &form, "next").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored_seq(&app, attempts[busy_index]).await.len(), 2);
}

#[tokio::test]
async fn a_batch_that_cannot_be_written_fails_every_save_in_it_and_the_next_batch_is_written() {
    let (app, room) = room(4096, 4).await;
    if postgres(&app) {
        eprintln!("PostgreSQL writes each save alone: no batch to fail");
        return;
    }
    // The writer's connection (the pool's only one) finds its disk full at the next answer it
    // stores: a trigger of its own fills a temporary table capped by `max_page_count`. The
    // writer replaces the connection after the failed batch, and the trigger goes with it.
    let full_disk = [
        "PRAGMA temp.max_page_count = 8",
        "CREATE TEMP TABLE ballast (b BLOB)",
        "CREATE TEMP TRIGGER full_disk AFTER INSERT ON main.responses \
         BEGIN INSERT INTO ballast VALUES (zeroblob(1000000)); END",
    ];
    let attempts: Vec<&str> = room.iter().map(|a| a.s.attempt.as_str()).collect();
    for res in one_batch(&app, &room, &full_disk).await {
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["key"], "exam.not_saved_retrying", "{body}");
    }
    for attempt in &attempts {
        assert!(
            stored_seq(&app, attempt).await.is_empty(),
            "nothing of the batch"
        );
    }
    // The same saves sent again are written.
    for a in &room {
        let res = save_json(&a.s, 1, &a.pages[0], 1, &a.csrf).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(stored_seq(&app, &a.s.attempt).await, vec![1]);
    }
}

#[tokio::test]
async fn a_save_the_database_refuses_fails_alone_and_its_batch_is_written() {
    let (app, room) = room(4096, 4).await;
    if postgres(&app) {
        eprintln!("PostgreSQL writes each save alone: no batch to share a failure");
        return;
    }
    // One save of the batch breaks a rule of the database (a trigger of the writer's
    // connection refuses it): the batch is written again one save at a time. The connection
    // is replaced after the failed batch, so the refused save itself lands on its own too.
    let refuse_one = format!(
        "CREATE TEMP TRIGGER refuse_one BEFORE INSERT ON main.responses \
         WHEN NEW.attempt_id = '{}' BEGIN SELECT RAISE(ABORT, 'refused'); END",
        room[0].s.attempt
    );
    for res in one_batch(&app, &room, &[&refuse_one]).await {
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "no save shares another's failure"
        );
    }
    for a in &room {
        let stored = stored_seq(&app, &a.s.attempt).await;
        assert_eq!(stored, vec![1, 1], "questions 1 and 2 of {}", a.s.attempt);
    }
}

#[tokio::test]
async fn a_sign_in_and_a_submission_that_cannot_have_the_writer_are_told_to_try_again() {
    let (app, room) = room(4096, 1).await;
    if postgres(&app) {
        eprintln!("PostgreSQL has a pool of writers: holding one holds nobody back");
        return;
    }
    let submitting = &room[0];
    let signing_in = crate::candidates::ready(&app, 1).await;
    // Another write holds SQLite's one writer longer than a request write waits.
    let held = app.db.begin_write().await.unwrap();
    let (signed_in, submitted) = tokio::join!(
        signing_in.sign_in(),
        submitting
            .s
            .browser
            .post_form("/thi/submit", &[("confirm", "1")]),
    );
    for res in [signed_in, submitted] {
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        // Its turn: after the other request turned away with it, at the slowest pace assumed.
        let turn: u32 = res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=2).contains(&turn), "Retry-After {turn}");
        let page = res.text().await.unwrap();
        assert!(
            page.contains("<h1>Máy chủ đang bận</h1>"),
            "busy, not broken: {page}"
        );
        assert!(page.contains("Máy chủ đang bận, đang thử lại."), "{page}");
    }
    drop(held);
    let devices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM candidate_devices")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    assert_eq!(devices, 1, "only the first candidate's computer");
    // Sent again, both go through.
    assert_eq!(
        crate::helpers::location(&signing_in.sign_in().await),
        "/thi/lobby"
    );
    submitting.s.submits().await;
}

#[tokio::test]
async fn a_batch_of_more_saves_than_one_statement_takes_with_several_per_attempt_is_written_in_order()
 {
    // 70 candidates, three saves each, all waiting for the writer at once: more than one
    // statement's 64 rows, and each attempt three times in the batch (question 1 saved twice).
    let (app, room) = room(4096, 70).await;
    if postgres(&app) {
        eprintln!("PostgreSQL writes each save alone: no batch");
        return;
    }
    let writer = app.db.write.acquire().await.unwrap();
    let mut saves = Vec::new();
    for a in &room {
        saves.push(save_task(a, 1, 1));
        saves.push(save_task(a, 2, 1));
        tokio::time::sleep(Duration::from_millis(2)).await;
        saves.push(save_task(a, 1, 2));
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        saves.iter().all(|s| !s.is_finished()),
        "all wait for the writer"
    );
    drop(writer);
    for (i, save) in saves.into_iter().enumerate() {
        let res = save.await.unwrap();
        let status = res.status();
        let body: serde_json::Value = res.json().await.unwrap();
        // The first save of question 1 may reach the writer after the second: it is then
        // older than what is stored, and said so.
        let stale = i % 3 == 0 && body["key"] == "exam.stale";
        assert!(
            status == StatusCode::OK || stale,
            "save {i}: {status} {body}"
        );
    }
    for a in &room {
        let stored: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT r.seq, a.answered FROM responses r JOIN attempts a ON a.id = r.attempt_id
             WHERE r.attempt_id = $1 ORDER BY r.seq",
        )
        .bind(&a.s.attempt)
        .fetch_all(&app.db.read)
        .await
        .unwrap();
        assert_eq!(
            stored,
            vec![(1, 2), (2, 2)],
            "questions 2 and 1 of {}",
            a.s.attempt
        );
    }
}
