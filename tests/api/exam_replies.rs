//! What the candidate is told when a save or a page is refused: JSON `{error, key, go}` for
//! the page's script, and without JavaScript a redirect with a notice or a Vietnamese page in
//! the candidate's chrome (never a 400 page, never a link to the staff sign-in); exam pages
//! are never stored; a pause returns the candidate to their question.

use reqwest::{Response, StatusCode};
use serde_json::Value;

use crate::{
    candidates::{Answering, answering, post_json, post_question, save_json},
    helpers::{PROCTOR, TestApp, location, spawn_app_with_demo},
};

pub(crate) async fn proctor(app: &TestApp) -> TestApp {
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    proctor
}

/// A console action with a reason, as the proctor's form posts it.
pub(crate) async fn act(proctor: &TestApp, path: &str, reason: &str) {
    let res = proctor
        .post_form(path, &[("reason", reason), ("comment", "")])
        .await;
    assert_eq!(res.status(), 303, "{path}: {}", res.text().await.unwrap());
}

/// A refusal's status and JSON body (asserting it is JSON).
pub(crate) async fn refusal(res: Response) -> (StatusCode, Value) {
    let status = res.status();
    let kind = res.headers()["content-type"].to_str().unwrap().to_string();
    assert!(kind.starts_with("application/json"), "{status} {kind}");
    (status, res.json().await.unwrap())
}

/// A question's fields with a `seq`.
pub(crate) fn with_seq(fields: &[(String, String)], seq: i64) -> Vec<(String, String)> {
    let mut all = fields.to_vec();
    all.push(("seq".into(), seq.to_string()));
    all
}

/// A candidate page, as the candidate sees it: Vietnamese, no way to the staff sign-in.
pub(crate) fn candidate_page(page: &str) {
    assert!(page.contains("<html lang=\"vi\""), "{page}");
    assert!(
        !page.contains("href=\"/\"") && !page.contains("/sign-in"),
        "a candidate page links to the staff side: {page}"
    );
}

#[tokio::test]
async fn a_save_refused_while_paused_names_its_question_and_the_resume_returns_there() {
    let app = spawn_app_with_demo().await;
    let Answering { s, csrf, pages } = answering(&app, 0).await;
    let res = save_json(&s, 1, &pages[0], 1, &csrf).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    let total: i64 = app
        .count(&format!(
            "SELECT item_count FROM attempts WHERE id = '{}'",
            s.attempt
        ))
        .await;
    assert_eq!(
        (body["answered"].as_i64(), body["total"].as_i64()),
        (Some(1), Some(total))
    );
    // Without JavaScript the candidate saves question 2 and jumps to question 3.
    let res = post_question(&s, 2, &with_seq(&pages[1], 1), "3").await;
    assert_eq!(location(&res), "/thi/q/3");
    let proctor = proctor(&app).await;
    let attempt = format!("/sessions/{}/attempts/{}", s.session, s.attempt);
    act(&proctor, &format!("{attempt}/pause"), "technical.freeze").await;

    let (status, body) = refusal(save_json(&s, 3, &pages[2], 1, &csrf).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        (body["key"].as_str(), body["go"].is_null()),
        (Some("exam.paused"), true)
    );
    let res = post_question(&s, 3, &with_seq(&pages[2], 1), "next").await;
    assert_eq!(
        location(&res),
        "/thi/lobby?notice=exam.not_saved_paused&q=3"
    );
    let lobby = s.browser.get_text(&location(&res)).await;
    assert!(
        lobby.contains(
            "Câu 3 chưa được lưu vì bài thi đang tạm dừng; hãy chọn lại khi giám thị cho tiếp tục"
        ),
        "{lobby}"
    );
    assert!(
        lobby.contains("<h2 id=\"lobby-title\">Bài thi đang tạm dừng</h2>")
            && !lobby.contains("Trước khi bắt đầu")
            && !lobby.contains("Bắt đầu làm bài"),
        "{lobby}"
    );
    candidate_page(&lobby);

    act(&proctor, &format!("{attempt}/resume"), "technical.freeze").await;
    assert_eq!(
        location(&s.browser.get("/thi/lobby").await),
        "/thi/q/3",
        "back on the question of the last save, not question 1"
    );
    assert_eq!(location(&s.browser.get("/thi/lobby?q=3").await), "/thi/q/3");
}

#[tokio::test]
async fn every_refusal_has_its_status_key_and_page() {
    let app = spawn_app_with_demo().await;
    let Answering { s, csrf, pages } = answering(&app, 0).await;
    assert_eq!(save_json(&s, 1, &pages[0], 5, &csrf).await.status(), 200);
    let (status, body) = refusal(save_json(&s, 1, &pages[0], 3, &csrf).await).await;
    assert_eq!(
        (status, body["key"].as_str()),
        (StatusCode::CONFLICT, Some("exam.stale"))
    );
    assert!(body["go"].is_null() && body["error"].as_str().unwrap().contains("mới hơn"));

    // An expired form: JSON with the way back to the question; a page without.
    let (status, body) = refusal(post_json(&s, 1, &with_seq(&pages[0], 6), "stale").await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        (body["key"].as_str(), body["go"].as_str()),
        (Some("error.csrf"), Some("/thi/q/1"))
    );
    let res = s
        .browser
        .post_raw("/thi/q/1", &[("seq", "6"), ("csrf", "stale")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let page = res.text().await.unwrap();
    assert!(page.contains("Biểu mẫu đã hết hạn") && page.contains("href=\"/thi/q/1\""));
    candidate_page(&page);

    // A body over the limit: Vietnamese, JSON for the script, a page without.
    let huge = vec![("answer".to_string(), "x".repeat(300_000))];
    let (status, body) = refusal(save_json(&s, 1, &huge, 7, &csrf).await).await;
    assert_eq!(
        (status, body["key"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("exam.too_large"))
    );
    assert!(
        body["error"].as_str().unwrap().contains("quá dài"),
        "{body}"
    );
    let mut plain = with_seq(&huge, 7);
    plain.push(("csrf".into(), csrf.clone()));
    let res = s
        .browser
        .client
        .post(s.browser.url("/thi/q/1"))
        .form(&plain)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = res.text().await.unwrap();
    assert!(page.contains("quá dài nên chưa được lưu"), "{page}");
    candidate_page(&page);

    // No exam cookie.
    let stranger = app.another_browser();
    let token = stranger.csrf().await;
    let res = stranger
        .client
        .post(stranger.url("/thi/q/1"))
        .header("accept", "application/json")
        .form(&[("seq", "1"), ("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    let (status, body) = refusal(res).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        (body["key"].as_str(), body["go"].as_str()),
        (Some("exam.sign_in_required"), Some("/thi"))
    );

    // Exam pages are never stored: Back after the submission asks the server again.
    for path in ["/thi/q/1", "/thi/review", "/thi/lobby"] {
        let res = s.browser.get(path).await;
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
    }
    let res = s
        .browser
        .post_form("/thi/submit", &[("confirm", "1")])
        .await;
    assert_eq!(res.headers()["cache-control"], "no-store");
    for path in ["/thi/q/1", "/thi/review"] {
        assert_eq!(
            location(&s.browser.get(path).await),
            "/thi/receipt",
            "{path}"
        );
    }
    let (status, body) = refusal(save_json(&s, 1, &pages[0], 9, &csrf).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        (body["key"].as_str(), body["go"].as_str()),
        (Some("exam.ended"), Some("/thi/receipt"))
    );
    let res = post_question(&s, 2, &with_seq(&pages[1], 9), "next").await;
    assert_eq!(location(&res), "/thi/receipt?notice=exam.ended");
    let res = s.browser.get(&location(&res)).await;
    assert_eq!(res.headers()["cache-control"], "no-store");
    let receipt = res.text().await.unwrap();
    let text = "Ca thi đã kết thúc; bài của bạn đã được nộp lúc ";
    let at = receipt.find(text).unwrap_or_else(|| panic!("{receipt}")) + text.len();
    let time = &receipt[at..at + 8];
    assert!(time.chars().filter(|c| *c == ':').count() == 2, "{time}");
    assert!(
        receipt[at + 8..].starts_with(" với các câu trả lời đã lưu"),
        "{receipt}"
    );
    assert!(receipt.contains("id=\"exam-sign-out\""));
    candidate_page(&receipt);
}
