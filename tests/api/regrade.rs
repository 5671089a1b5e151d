//! Regrading after a key correction: a correction imported by the manager turns a pass into
//! a fail and a fail into a pass in the background, with a new result row, the audit trail,
//! the regrade's page, the candidate's receipt and score report; correcting back restores
//! them; `results verify` stays clean; a later submission scores with the correction; access;
//! the page passes axe. (Across a restart: `regrade_restart.rs`.)

use std::time::Duration;

use reqwest::StatusCode;
use sathach::accounts::model::Role;

use crate::{
    browser::{axe_source, browser, no_axe_violations, wait_for_text},
    browser_practical::staff_signed_in,
    cli::text,
    helpers::{MANAGER, PROCTOR, TestApp, spawn_app_with_demo},
    results_fixture::{bank, close, scored_session, sit},
    results_verify::verify,
};

/// The fixture bank with the nine true/false keys set to `key`.
pub(crate) fn keyed(key: bool) -> Vec<u8> {
    bank()
        .replace("answer = true", &format!("answer = {key}"))
        .into_bytes()
}

/// The manager uploads the bank as a key correction; returns the new bank version's id.
pub(crate) async fn correct_keys(app: &TestApp, key: bool, reason: &str) -> String {
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let (_, report) = manager.upload_bank("kq.toml", keyed(key), &[]).await;
    let res = manager
        .confirm_upload_with(&report, &[("key_correction", "1"), ("reason", reason)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{report}");
    newest_version(app).await
}

pub(crate) async fn newest_version(app: &TestApp) -> String {
    sqlx::query_scalar(
        "SELECT bv.id FROM bank_versions bv JOIN banks b ON b.id = bv.bank_id
         WHERE b.code = 'KQ-DS' ORDER BY bv.number DESC LIMIT 1",
    )
    .fetch_one(&app.db.read)
    .await
    .unwrap()
}

/// Waits (up to 30 s) until the server has finished the regrade of `version`.
pub(crate) async fn finished(app: &TestApp, version: &str) {
    for _ in 0..300 {
        let done: Option<Option<i64>> =
            sqlx::query_scalar("SELECT finished_at FROM regrades WHERE id = $1")
                .bind(version)
                .fetch_optional(&app.db.read)
                .await
                .unwrap();
        if matches!(done, Some(Some(_))) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the regrade of {version} did not finish");
}

/// The attempt's current outcome and points ("pass", 5).
pub(crate) async fn current(app: &TestApp, attempt: &str) -> (String, String, i64) {
    sqlx::query_as(
        "SELECT outcome, kind, points_num / points_den FROM results
         WHERE attempt_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(attempt)
    .fetch_one(&app.db.read)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_key_correction_regrades_fails_into_passes_and_back() {
    let app = spawn_app_with_demo().await;
    let (session, attempts) = scored_session(&app, false).await;
    let passing = sit(&app, 0, 5, 0).await;
    let failing = sit(&app, 1, 4, 0).await;
    close(&app, &session).await;
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let res = manager
        .post_form(&format!("/sessions/{session}/results/approve"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "approved");
    assert_eq!(current(&app, &attempts[0]).await.0, "pass");
    assert_eq!(current(&app, &attempts[1]).await.0, "fail");

    let version = correct_keys(&app, false, "Đáp án câu đúng/sai ghi nhầm").await;
    finished(&app, &version).await;
    assert_eq!(
        current(&app, &attempts[0]).await,
        ("fail".into(), "regraded".into(), 4)
    );
    assert_eq!(
        current(&app, &attempts[1]).await,
        ("pass".into(), "regraded".into(), 5)
    );
    let (who, why, approved): (Option<String>, Option<String>, i64) = sqlx::query_as(
        "SELECT recorded_by, reason, after_approval FROM results
         WHERE attempt_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(&attempts[0])
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert_eq!(who, Some(app.user_id(MANAGER.0).await), "the importer");
    assert_eq!(why.as_deref(), Some("Đáp án câu đúng/sai ghi nhầm"));
    assert_eq!(approved, 1, "written after the session's approval");
    let audited = app
        .count("SELECT COUNT(*) FROM audit_events WHERE action = 'results.regrade'")
        .await;
    assert_eq!(audited, 2, "one entry per changed result");

    let page = manager.get_text(&format!("/regrades/{version}")).await;
    for needle in [
        "Đáp án câu đúng/sai ghi nhầm",
        "Đã chấm lại 2/2 bài.",
        "Từ Không đạt thành Đạt: 1 thí sinh",
        "Từ Đạt thành Không đạt: 1 thí sinh",
        "2 kết quả thay đổi thuộc ca thi đã phê duyệt",
        "5/10",
        "4/10",
    ] {
        assert!(
            page.contains(needle),
            "{needle:?} on the regrade page: {page}"
        );
    }
    let results = manager
        .get_text(&format!("/sessions/{session}/results"))
        .await;
    assert!(
        results.contains(&format!("/regrades/{version}")),
        "{results}"
    );
    let bank_page = manager.get_text("/banks").await;
    assert!(bank_page.contains("KQ-DS"), "{bank_page}");

    let receipt = passing.browser.get_text("/thi/receipt").await;
    assert!(
        receipt.contains("Bài thi đã được chấm lại ngày")
            && receipt.contains("vì đáp án được sửa: Đáp án câu đúng/sai ghi nhầm")
            && receipt.contains("Không đạt"),
        "{receipt}"
    );
    let report = manager
        .get_text(&format!(
            "/sessions/{session}/results/{}/report",
            attempts[1]
        ))
        .await;
    assert!(
        report.contains("id=\"regraded\"") && report.contains("because a key was corrected"),
        "{report}"
    );
    let out = verify(&app, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let back = correct_keys(&app, true, "Khôi phục đáp án ban đầu").await;
    finished(&app, &back).await;
    assert_eq!(current(&app, &attempts[0]).await.0, "pass");
    assert_eq!(current(&app, &attempts[1]).await.0, "fail");
    let receipt = failing.browser.get_text("/thi/receipt").await;
    assert!(receipt.contains("Khôi phục đáp án ban đầu"), "{receipt}");
    let out = verify(&app, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let rows = app
        .count("SELECT COUNT(*) FROM results WHERE kind = 'regraded'")
        .await;
    assert_eq!(rows, 4, "two corrections, two changed results each");
}

#[tokio::test]
async fn a_later_submission_scores_with_the_correction_and_only_managers_see_the_regrade() {
    let app = spawn_app_with_demo().await;
    let (_, attempts) = scored_session(&app, false).await;
    sit(&app, 0, 5, 0).await;
    let version = correct_keys(&app, false, "Sửa đáp án").await;
    finished(&app, &version).await;
    sit(&app, 1, 4, 0).await;
    assert_eq!(
        current(&app, &attempts[1]).await,
        ("pass".into(), "submitted".into(), 5),
        "scored with the corrected keys at once"
    );
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let res = proctor.get(&format!("/regrades/{version}")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let other = app
        .browser_for_new_account("TT-HONGHA", Role::CentreManager, "quanly@hongha.vn")
        .await;
    let res = other.get(&format!("/regrades/{version}")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let res = manager.get("/regrades/no-such-version").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_regrade_keeps_the_practical_score_entered() {
    let app = spawn_app_with_demo().await;
    let (session, attempts) = scored_session(&app, true).await;
    sit(&app, 0, 5, 0).await;
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let res = manager
        .post_form(
            &format!("/sessions/{session}/practical"),
            &[
                ("attempt", attempts[0].as_str()),
                ("part", "thuc-hanh"),
                ("marking", "1"),
                ("points", "7"),
                ("grader", "Giám khảo 1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        current(&app, &attempts[0]).await,
        ("pass".into(), "practical".into(), 12),
        "5 + 7 of 20"
    );
    let version = correct_keys(&app, false, "Sửa đáp án").await;
    finished(&app, &version).await;
    assert_eq!(
        current(&app, &attempts[0]).await,
        ("fail".into(), "regraded".into(), 11),
        "4 + 7: the theory part fails its own pass rule, the practical score stays"
    );
    let out = verify(&app, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[tokio::test]
async fn the_regrade_page_passes_axe() {
    let test = "the_regrade_page_passes_axe";
    let Some((_driver, client)) = browser(test, true).await else {
        return;
    };
    let axe = axe_source();
    let app = spawn_app_with_demo().await;
    scored_session(&app, false).await;
    sit(&app, 0, 5, 0).await;
    sit(&app, 1, 4, 0).await;
    let version = correct_keys(&app, false, "Đáp án ghi nhầm").await;
    finished(&app, &version).await;
    staff_signed_in(&client, &app, None, MANAGER).await;
    let page = format!("/regrades/{version}");
    client.goto(&app.url(&page)).await.unwrap();
    wait_for_text(&client, "main h1", "Chấm lại sau khi sửa đáp án").await;
    no_axe_violations(&client, Some(&axe), &page).await;
    client.close().await.unwrap();
}
