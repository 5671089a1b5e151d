//! The grading board enters practical scores over HTTP: two graders within and beyond the
//! blueprint's threshold, a third marking, rounding, a correction, refused entries named on
//! the candidate's row, each change a new result row, and `results verify` still clean.

use reqwest::StatusCode;
use sathach::grading::{
    self,
    model::{Outcome, Points, ResultKind},
};

use crate::{
    candidates::ready,
    cli::text,
    helpers::{MANAGER, PROCTOR, TestApp, location, spawn_app_with_demo},
    results_verify::verify,
};

/// IU01's exam with a practical part marked by two graders: the theory part has no pass rule
/// of its own, so the practical part alone decides.
const BLUEPRINT: &str = r#"
[blueprint]
code = "IU01-TH"
title = "IU01 có phần thực hành"
modules = ["IU01"]
duration_minutes = 30
review = "score_by_topic"

[[parts]]
code = "ly-thuyet"
title = "Phần trắc nghiệm"
sections = [{ title = "IU01", banks = ["IU01-MAU"], count = 2 }]

[[parts]]
code = "thuc-hanh"
title = "Phần thực hành"
external = true
max_points = 10
pass = "5/10"
graders = 2
max_difference = "1"
rounding = "0,5"
"#;

/// The demo session set to the blueprint above; candidate 0 submits, candidate 1 never starts.
pub(crate) async fn sat(app: &TestApp) -> (String, String, String) {
    app.signed_in_as(MANAGER).await;
    let res = app.post_form("/blueprints", &[("source", BLUEPRINT)]).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let (session, attempts) = app.demo_session().await;
    sqlx::query(
        "UPDATE exam_sessions SET blueprint_version_id =
           (SELECT v.id FROM blueprint_versions v JOIN blueprints b ON b.id = v.blueprint_id
            WHERE b.code = 'IU01-TH') WHERE id = $1",
    )
    .bind(&session)
    .execute(&app.db.write)
    .await
    .unwrap();
    (session, submit(app, 0).await, attempts[1].clone())
}

/// Candidate `index` of the demo session starts and submits; their attempt.
pub(crate) async fn submit(app: &TestApp, index: usize) -> String {
    let s = ready(app, index).await;
    s.started().await;
    s.submits().await;
    s.attempt
}

async fn enter(
    app: &TestApp,
    session: &str,
    attempt: &str,
    marking: &str,
    points: &str,
) -> reqwest::Response {
    app.post_form(
        &format!("/sessions/{session}/practical"),
        &[
            ("attempt", attempt),
            ("part", "thuc-hanh"),
            ("marking", marking),
            ("points", points),
            ("grader", &format!("Giám khảo {marking}")),
        ],
    )
    .await
}

pub(crate) async fn current(app: &TestApp, attempt: &str) -> (ResultKind, Outcome, Points) {
    let r = grading::store::current(&app.db.read, attempt)
        .await
        .unwrap()
        .unwrap();
    let score = r.score.unwrap();
    let practical = score.parts.iter().find(|p| p.code == "thuc-hanh").unwrap();
    (r.kind, score.outcome, practical.tally.points)
}

#[tokio::test]
async fn two_graders_a_third_and_a_correction_each_give_a_new_result() {
    let app = spawn_app_with_demo().await;
    let (session, attempt, absent) = sat(&app).await;
    let page = app
        .get_text(&format!("/sessions/{session}/practical"))
        .await;
    assert!(
        page.contains("Chờ điểm thực hành") && page.contains("Chưa nhập"),
        "{page}"
    );
    assert!(page.contains("chênh nhau không quá 1 điểm"), "{page}");
    assert_eq!(current(&app, &attempt).await.1, Outcome::Pending);

    let res = enter(&app, &session, &attempt, "1", "6").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.get_text(&location(&res)).await;
    assert!(page.contains("Đã lưu điểm của thí sinh"), "{page}");
    assert!(
        page.contains("GK1: 6 (Giám khảo 1)") && page.contains("Chờ điểm của giám khảo thứ hai"),
        "{page}"
    );
    enter(&app, &session, &attempt, "2", "8,5").await;
    let page = app
        .get_text(&format!("/sessions/{session}/practical"))
        .await;
    assert!(
        page.contains("Hai điểm chênh nhau 2,5: chờ giám khảo thứ ba"),
        "{page}"
    );
    assert_eq!(
        current(&app, &attempt).await.1,
        Outcome::Pending,
        "no score counts yet"
    );

    enter(&app, &session, &attempt, "3", "7,2").await;
    assert_eq!(
        current(&app, &attempt).await,
        (
            ResultKind::Practical,
            Outcome::Pass,
            Points::from_integer(7)
        ),
        "the third marking decides, rounded to 0,5"
    );
    // A correction of the third marking: a new entry, a new result.
    enter(&app, &session, &attempt, "3", "4").await;
    assert_eq!(
        current(&app, &attempt).await,
        (
            ResultKind::Practical,
            Outcome::Fail,
            Points::from_integer(4)
        )
    );
    let kinds: Vec<ResultKind> = grading::store::history(&app.db.read, &attempt)
        .await
        .unwrap()
        .iter()
        .map(|r| r.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            ResultKind::Submitted,
            ResultKind::Practical,
            ResultKind::Practical
        ]
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'practical.enter'")
            .await,
        4
    );

    // Refused entries are named on the candidate's row, and nothing is stored.
    for (marking, points, needle) in [
        ("1", "11", "Điểm phải từ 0 đến 10."),
        ("1", "bảy", "Điểm phải là một số"),
        ("4", "5", "phần này có 2 giám khảo chấm"),
    ] {
        let res = enter(&app, &session, &attempt, marking, points).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = res.text().await.unwrap();
        assert!(page.contains(needle), "{points}: {page}");
    }
    let res = enter(&app, &session, &absent, "1", "5").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("không dự thi hoặc chưa nộp bài")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM practical_entries").await, 4);

    let out = verify(&app, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    assert_eq!(
        proctor
            .get(&format!("/sessions/{session}/practical"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}
