//! The receipt under `review = "full"`: while the room sits, only the computer the proctor let
//! in sees it, and never the keys; once the session is closed, anyone signing in with the
//! slip's current code sees it with the review, without the proctor.

use crate::{
    candidates::{Sitting, admit, unadmitted},
    helpers::{PROCTOR, TestApp, location, spawn_app_with_demo},
};

const KEYS: &str = "Điểm từng câu";
const LATER: &str = "Đáp án từng câu được hiển thị sau khi ca thi kết thúc";

/// Makes the session's blueprint show the full review (before anything reads it).
pub async fn full_review(app: &TestApp, session: &str) {
    let (id, source): (String, String) = sqlx::query_as(
        "SELECT v.id, v.source FROM blueprint_versions v
         JOIN exam_sessions s ON s.blueprint_version_id = v.id WHERE s.id = $1",
    )
    .bind(session)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    let full: Vec<String> = source
        .lines()
        .map(|l| {
            if l.starts_with("review =") {
                "review = \"full\"".to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    assert_ne!(
        full.join("\n"),
        source,
        "the demo blueprint names its review"
    );
    sqlx::query("UPDATE blueprint_versions SET source = $1 WHERE id = $2")
        .bind(full.join("\n"))
        .bind(&id)
        .execute(&app.db.write)
        .await
        .unwrap();
}

async fn submitted(app: &TestApp) -> Sitting {
    let s = unadmitted(app, 0).await;
    full_review(app, &s.session).await;
    admit(app, &s.session, &s.attempt).await;
    s.started().await;
    s.submits().await;
    s
}

#[tokio::test]
async fn full_review_keys_wait_for_the_close_and_only_the_approved_computer_sees_the_receipt() {
    let app = spawn_app_with_demo().await;
    let s = submitted(&app).await;
    let receipt = s.browser.get_text("/thi/receipt").await;
    assert!(receipt.contains("Đã nộp bài"), "{receipt}");
    assert!(
        !receipt.contains(KEYS) && receipt.contains(LATER),
        "no keys while the room sits: {receipt}"
    );

    // Another computer with the slip waits for the proctor and sees no receipt.
    let other = s.on_another_computer(&app);
    assert_eq!(location(&other.sign_in().await), "/thi/lobby");
    assert_eq!(
        location(&other.browser.get("/thi/receipt").await),
        "/thi/lobby"
    );
    let lobby = other.browser.get_text("/thi/lobby").await;
    assert!(lobby.contains("Bài đã được nộp"), "{lobby}");
    assert!(!lobby.contains(KEYS) && !lobby.contains("Điểm"), "{lobby}");
    assert!(location(&other.browser.get("/thi/q/1").await).starts_with("/thi/lobby"));

    // The proctor closes the room: now the review shows, on any computer signed in with the slip.
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let close = format!("/sessions/{}/room/close", s.session);
    let res = proctor
        .post_form(&close, &[("reason", "schedule.end"), ("comment", "")])
        .await;
    assert_eq!(res.status(), 303);
    for browser in [&s.browser, &other.browser] {
        assert_eq!(location(&browser.get("/thi/lobby").await), "/thi/receipt");
        let receipt = browser.get_text("/thi/receipt").await;
        assert!(
            receipt.contains(KEYS) && !receipt.contains(LATER),
            "{receipt}"
        );
    }
    let later = s.on_another_computer(&app);
    assert_eq!(location(&later.sign_in().await), "/thi/lobby");
    assert_eq!(
        location(&later.browser.get("/thi/lobby").await),
        "/thi/receipt"
    );
    assert!(later.browser.get_text("/thi/receipt").await.contains(KEYS));
}

#[tokio::test]
async fn after_a_reissue_only_the_new_code_opens_the_closed_sessions_receipt() {
    let app = spawn_app_with_demo().await;
    let s = submitted(&app).await;
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let reissue = format!("/sessions/{}/attempts/{}/code", s.session, s.attempt);
    assert_eq!(proctor.post_form(&reissue, &[]).await.status(), 303);
    let close = format!("/sessions/{}/room/close", s.session);
    let res = proctor
        .post_form(&close, &[("reason", "schedule.end"), ("comment", "")])
        .await;
    assert_eq!(res.status(), 303);

    let old = s.on_another_computer(&app);
    assert_eq!(
        old.sign_in().await.status(),
        422,
        "the reissued code is void"
    );
    assert_eq!(location(&old.browser.get("/thi/receipt").await), "/thi");
    let secret = sathach::startup::server_secret(&app.db).await.unwrap();
    let new = Sitting {
        code: sathach::attempts::access_code(&secret, &s.attempt, 2),
        ..s.on_another_computer(&app)
    };
    assert_eq!(location(&new.sign_in().await), "/thi/lobby");
    let receipt = new.browser.get_text("/thi/receipt").await;
    assert!(receipt.contains(KEYS), "{receipt}");
}
