//! Cancelling a session that has not opened and taking a candidate who has not started off the
//! roster: each with a reason, logged and audited, and refused where it no longer makes sense.

use reqwest::StatusCode;

use crate::{
    candidates::{ready, unadmitted},
    helpers::{MANAGER, PROCTOR, TestApp, location, spawn_app_with_demo},
};

async fn manager(app: &TestApp) -> TestApp {
    let browser = app.another_browser();
    browser.signed_in_as(MANAGER).await;
    browser
}

async fn audit_count(app: &TestApp, action: &str, subject: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = $1 AND subject_id = $2")
        .bind(action)
        .bind(subject)
        .fetch_one(&app.db.read)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_cancelled_session_shows_as_cancelled_and_nothing_more_happens_in_it() {
    let app = spawn_app_with_demo().await;
    let s = unadmitted(&app, 0).await;
    let manager = manager(&app).await;
    let cancel = format!("/sessions/{}/cancel", s.session);

    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    assert_eq!(proctor.get(&cancel).await.status(), StatusCode::FORBIDDEN);
    let page = manager.get_text(&cancel).await;
    assert!(page.contains("name=\"reason\"") && page.contains("name=\"csrf\""));

    let res = manager.post_form(&cancel, &[("reason", "  ")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Hãy nhập lý do"));
    assert!(
        app.log_of(&s.session)
            .await
            .iter()
            .all(|l| l.action != "session_cancel")
    );

    let res = manager
        .post_form(&cancel, &[("reason", "Phòng thi mất điện")])
        .await;
    assert_eq!(location(&res), format!("/sessions/{}", s.session));
    let detail = manager.get_text(&format!("/sessions/{}", s.session)).await;
    assert!(detail.contains("Đã huỷ") && detail.contains("Phòng thi mất điện"));
    assert!(!detail.contains(&cancel), "no second cancellation offered");
    assert!(manager.get_text("/sessions").await.contains("Đã huỷ"));
    let log = app.log_of(&s.session).await;
    let last = log.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.email.as_deref()),
        ("session_cancel", Some(MANAGER.0))
    );
    assert_eq!(audit_count(&app, "session_cancel", &s.session).await, 1);

    // Nothing more: not cancelled twice, not opened, not rescheduled, no new candidates.
    let again = manager.post_form(&cancel, &[("reason", "lần nữa")]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let open = proctor
        .post_form(&format!("/sessions/{}/open", s.session), &[])
        .await;
    assert_eq!(open.status(), StatusCode::CONFLICT);
    assert!(open.text().await.unwrap().contains("Ca thi đã bị huỷ"));
    let opened: Option<i64> =
        sqlx::query_scalar("SELECT opened_at FROM exam_sessions WHERE id = $1")
            .bind(&s.session)
            .fetch_one(&app.db.read)
            .await
            .unwrap();
    assert_eq!(opened, None);
    let edit = format!("/sessions/{}/edit", s.session);
    assert_eq!(manager.get(&edit).await.status(), StatusCode::CONFLICT);
    let add = format!("/sessions/{}/candidates", s.session);
    let res = manager.post_form(&add, &[("full_name", "Ai Đó")]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // The candidate's right code opens nothing, and they are told why.
    let res = s.sign_in().await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let page = res.text().await.unwrap();
    assert!(page.contains("đã bị huỷ nên không thể đăng nhập"), "{page}");
}

#[tokio::test]
async fn a_session_already_opened_cannot_be_cancelled() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    let manager = manager(&app).await;
    let cancel = format!("/sessions/{}/cancel", s.session);
    assert_eq!(manager.get(&cancel).await.status(), StatusCode::CONFLICT);
    let res = manager.post_form(&cancel, &[("reason", "nhầm")]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Chỉ huỷ được ca thi chưa bắt đầu")
    );
    let detail = manager.get_text(&format!("/sessions/{}", s.session)).await;
    assert!(!detail.contains(&cancel) && !detail.contains("Đã huỷ"));
}

#[tokio::test]
async fn a_candidate_who_has_not_started_is_removed_and_can_be_added_back() {
    let app = spawn_app_with_demo().await;
    let waiting = ready(&app, 0).await;
    assert_eq!(location(&waiting.sign_in().await), "/thi/lobby");
    let manager = manager(&app).await;
    let remove = format!(
        "/sessions/{}/attempts/{}/remove",
        waiting.session, waiting.attempt
    );
    let detail = manager
        .get_text(&format!("/sessions/{}", waiting.session))
        .await;
    assert!(detail.contains(&remove) && detail.contains("Danh sách thí sinh (6)"));

    let res = manager.post_form(&remove, &[("reason", "")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = manager
        .post_form(&remove, &[("reason", "Đăng ký nhầm ca thi")])
        .await;
    assert!(location(&res).contains(&format!("removed={}", waiting.number)));
    let detail = manager.get_text(&location(&res)).await;
    assert!(detail.contains("Danh sách thí sinh (5)"), "{detail}");
    assert!(detail.contains(&format!("Đã rút thí sinh số báo danh {}", waiting.number)));
    assert!(!detail.contains(&remove));
    let log = app.log_of(&waiting.session).await;
    let last = log.last().unwrap();
    assert_eq!(last.action, "roster_remove");
    assert_eq!(last.attempt_id.as_deref(), Some(waiting.attempt.as_str()));
    assert_eq!(
        audit_count(&app, "roster_remove", &waiting.attempt).await,
        1
    );

    // The computer waiting in the lobby is signed out; signing in again is refused with why.
    let lobby = waiting.browser.get("/thi/lobby").await;
    assert!(lobby.status().is_redirection(), "{}", lobby.status());
    let res = waiting.sign_in().await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("không còn trong danh sách thí sinh")
    );
    assert_eq!(
        manager
            .post_form(&remove, &[("reason", "lần nữa")])
            .await
            .status(),
        StatusCode::CONFLICT
    );

    // Added back by mistake's correction: the same person keeps their number.
    let add = format!("/sessions/{}/candidates", waiting.session);
    let fields = [
        ("full_name", "Nguyễn Văn An"),
        ("birth_date", "05/03/2008"),
        ("sex", "male"),
        ("national_id", "001208012345"),
        ("unit", "Trường THPT Chu Văn An"),
        ("group", "student"),
    ];
    let res = manager.post_form(&add, &fields).await;
    assert!(
        location(&res).contains(&format!("added={}", waiting.number)),
        "{}",
        location(&res)
    );
    assert_eq!(location(&waiting.sign_in().await), "/thi/lobby");
}

#[tokio::test]
async fn a_candidate_who_started_cannot_be_removed() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 1).await;
    s.started().await;
    let manager = manager(&app).await;
    let remove = format!("/sessions/{}/attempts/{}/remove", s.session, s.attempt);
    assert_eq!(manager.get(&remove).await.status(), StatusCode::CONFLICT);
    let res = manager.post_form(&remove, &[("reason", "nhầm")]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Chỉ rút được thí sinh chưa bắt đầu")
    );
    let detail = manager.get_text(&format!("/sessions/{}", s.session)).await;
    assert!(!detail.contains(&remove));
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let other = unadmitted(&app, 2).await;
    let path = format!(
        "/sessions/{}/attempts/{}/remove",
        other.session, other.attempt
    );
    assert_eq!(
        proctor.post_form(&path, &[("reason", "x")]).await.status(),
        StatusCode::FORBIDDEN
    );
}
