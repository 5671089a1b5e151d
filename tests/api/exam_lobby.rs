//! The lobby and the sign-in page tell the candidate where they stand: a closed session
//! instead of waiting for ever, another computer that took over, and signing out on a shared
//! computer.

use reqwest::StatusCode;

use crate::{
    candidates::{Answering, answering, post_question, ready, save_json, unadmitted},
    exam_replies::{act, candidate_page, proctor, refusal, with_seq},
    helpers::{location, spawn_app_with_demo},
};

#[tokio::test]
async fn the_lobby_says_when_the_session_has_closed() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    assert_eq!(location(&s.sign_in().await), "/thi/lobby");
    let lobby = s.browser.get_text("/thi/lobby").await;
    assert!(
        lobby.contains("<h2 id=\"lobby-title\">Trước khi bắt đầu</h2>"),
        "{lobby}"
    );
    assert!(lobby.contains("Bắt đầu làm bài") && lobby.contains("id=\"exam-sign-out\""));
    candidate_page(&lobby);
    let proctor = proctor(&app).await;
    act(
        &proctor,
        &format!("/sessions/{}/room/close", s.session),
        "schedule.end",
    )
    .await;
    let late = unadmitted(&app, 1).await;
    assert_eq!(location(&late.sign_in().await), "/thi/lobby");
    for browser in [&s.browser, &late.browser] {
        let lobby = browser.get_text("/thi/lobby").await;
        assert!(
            lobby.contains("<h2 id=\"lobby-title\">Ca thi đã kết thúc</h2>"),
            "{lobby}"
        );
        assert!(lobby.contains("không thể bắt đầu làm bài nữa"), "{lobby}");
        assert!(
            !lobby.contains("http-equiv=\"refresh\"") && !lobby.contains("Bắt đầu làm bài"),
            "nothing more will happen here: no waiting for ever"
        );
    }
}

#[tokio::test]
async fn a_replaced_computer_is_told_so_and_signing_out_ends_this_computers_sign_in() {
    let app = spawn_app_with_demo().await;
    let Answering { s, csrf, pages } = answering(&app, 0).await;
    let second = s.on_another_computer(&app);
    assert_eq!(location(&second.sign_in().await), "/thi/lobby");
    let lobby = second.browser.get_text("/thi/lobby").await;
    assert!(
        lobby.contains("Tiếp tục làm bài trên máy này") && !lobby.contains("Trước khi bắt đầu"),
        "{lobby}"
    );
    let proctor = proctor(&app).await;
    let path = format!(
        "/sessions/{}/attempts/{}/approve-device",
        s.session, s.attempt
    );
    assert_eq!(proctor.post_form(&path, &[]).await.status(), 303);

    let (status, body) = refusal(save_json(&s, 1, &pages[0], 1, &csrf).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        (body["key"].as_str(), body["go"].as_str()),
        (Some("exam.device_replaced"), Some("/thi"))
    );
    let res = post_question(&s, 1, &with_seq(&pages[0], 1), "next").await;
    assert_eq!(location(&res), "/thi?notice=exam.device_replaced");
    let page = s.browser.get_text(&location(&res)).await;
    assert!(
        page.contains("Máy này không còn giữ bài thi của bạn"),
        "{page}"
    );

    // The new computer signs out: its sign-in ends, and the sign-in page says so.
    let res = second.browser.post_form("/thi/sign-out", &[]).await;
    assert_eq!(location(&res), "/thi?notice=exam.signed_out");
    let page = second.browser.get_text(&location(&res)).await;
    assert!(page.contains("Bạn đã đăng xuất"), "{page}");
    assert_eq!(location(&second.browser.get("/thi/lobby").await), "/thi");
    let active = app
        .count(&format!(
            "SELECT COUNT(*) FROM candidate_devices WHERE attempt_id = '{}' AND status = 'active'",
            s.attempt
        ))
        .await;
    assert_eq!(active, 0, "no computer holds the attempt any more");
    let log = app.log_of(&s.session).await;
    assert!(log.iter().any(|l| l.action == "device_sign_out"));
}

#[tokio::test]
async fn a_sign_in_sent_again_by_the_same_computer_is_the_same_sign_in() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    // The sign-in page gives the computer its cookie; the form is sent from there.
    assert_eq!(s.browser.get("/thi").await.status(), StatusCode::OK);
    assert_eq!(location(&s.sign_in().await), "/thi/lobby");
    assert_eq!(
        location(&s.browser.post_form("/thi/start", &[]).await),
        "/thi/q/1"
    );
    let devices = |status: &'static str| {
        let sql = format!(
            "SELECT COUNT(*) FROM candidate_devices WHERE attempt_id = '{}' AND status = '{status}'",
            s.attempt
        );
        let app = &app;
        async move { app.count(&sql).await }
    };

    // The reply was lost (or nginx sent the request again to another node): the same computer
    // sends the same form again. It is let straight back in, not made to wait behind itself.
    assert_eq!(location(&s.sign_in().await), "/thi/lobby");
    let page = s.browser.get("/thi/q/1").await;
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "the question, not the waiting room"
    );
    assert_eq!((devices("active").await, devices("revoked").await), (1, 1));
    assert_eq!(devices("pending").await, 0);
    let log = app.log_of(&s.session).await;
    assert_eq!(
        log.iter()
            .filter(|l| l.action == "device_sign_in_repeated")
            .count(),
        1
    );

    // Another computer still waits for the proctor.
    let second = s.on_another_computer(&app);
    second.browser.get("/thi").await;
    assert_eq!(location(&second.sign_in().await), "/thi/lobby");
    assert_eq!(devices("pending").await, 1);

    // Long after its sign-in, the same computer signing in again is a return, as before: it
    // waits for the proctor too.
    sqlx::query("UPDATE candidate_devices SET created_at = created_at - $1 WHERE attempt_id = $2")
        .bind(sathach::attempts::devices::REPEAT_WITHIN_MS + 1_000)
        .bind(&s.attempt)
        .execute(&app.db.write)
        .await
        .unwrap();
    assert_eq!(location(&s.sign_in().await), "/thi/lobby");
    assert_eq!((devices("active").await, devices("pending").await), (1, 2));
}
