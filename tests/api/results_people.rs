//! A person's exams and results, as each staff member may see them (centre X's manager and
//! proctor: X's sessions; centre Y's manager: Y's; the department's admin: all), and the
//! people list's search by name, CCCD and candidate number.

use reqwest::StatusCode;

use crate::{
    candidates::ready,
    centres::{centre_y, person_id, roster},
    helpers::{ADMIN, MANAGER, PROCTOR, TestApp, spawn_app_with_demo},
    sessions::{schedule, upload},
};

async fn code_of(app: &TestApp, session: &str) -> String {
    sqlx::query_scalar("SELECT code FROM exam_sessions WHERE id = $1")
        .bind(session)
        .fetch_one(&app.db.read)
        .await
        .unwrap()
}

async fn seen_by(app: &TestApp, who: (&str, &str), page: &str) -> String {
    let browser = app.another_browser();
    browser.signed_in_as(who).await;
    browser.get_text(page).await
}

#[tokio::test]
async fn a_person_s_results_are_seen_only_through_one_s_own_sessions() {
    let app = spawn_app_with_demo().await;
    let person = person_id(&app).await;
    // Trần Thị Bình sits X's demo session (a blank paper: 0 points).
    let s = ready(&app, 1).await;
    s.started().await;
    s.submits().await;
    let code_x = code_of(&app, &s.session).await;
    // Centre Y enrols her too; someone only X knows stays hidden from Y.
    let y = centre_y(&app).await;
    let session_y = schedule(&y, "Ca Hồng Hà").await;
    let code_y = code_of(&app, &session_y).await;
    let page = format!("/people/{person}/results");
    assert_eq!(y.get(&page).await.status(), StatusCode::NOT_FOUND);
    let (status, html) = upload(
        &y,
        &session_y,
        "ds.csv",
        roster("Trần Thị Bình", "12/11/1985"),
    )
    .await;
    assert!(status.is_redirection() || status.is_success(), "{html}");

    let x = seen_by(&app, MANAGER, &page).await;
    assert!(x.contains(&code_x) && !x.contains(&code_y), "{x}");
    assert!(x.contains("Không đạt"), "{x}");
    let proctor = seen_by(&app, PROCTOR, &page).await;
    assert!(
        proctor.contains(&code_x) && !proctor.contains(&code_y),
        "{proctor}"
    );
    let admin = seen_by(&app, ADMIN, &page).await;
    assert!(
        admin.contains(&code_x) && admin.contains(&code_y),
        "{admin}"
    );
    let by_y = y.get_text(&page).await;
    assert!(by_y.contains(&code_y) && !by_y.contains(&code_x), "{by_y}");
    assert!(!by_y.contains("Không đạt"), "{by_y}");
    // Someone on X's roster only: Y does not learn they exist.
    let an: String = sqlx::query_scalar(
        "SELECT person_id FROM attempts WHERE session_id = $1 ORDER BY candidate_number",
    )
    .bind(&s.session)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert_eq!(
        y.get(&format!("/people/{an}/results")).await.status(),
        StatusCode::NOT_FOUND
    );
    // The person's record links to the page.
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    assert!(
        manager
            .get_text(&format!("/people/{person}"))
            .await
            .contains(&page)
    );
}

#[tokio::test]
async fn the_people_list_finds_by_name_cccd_and_candidate_number() {
    let app = spawn_app_with_demo().await;
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let everyone = manager.get_text("/people").await;
    assert!(everyone.contains("Nguyễn Văn An") && everyone.contains("Trần Thị Bình"));
    let found = manager.get_text("/people?q=thi+binh").await;
    assert!(
        found.contains("Trần Thị Bình") && !found.contains("Nguyễn Văn An"),
        "{found}"
    );
    assert!(found.contains("Tìm thấy 1 người"), "{found}");
    let found = manager.get_text("/people?q=B%C3%ACNH").await;
    assert!(
        found.contains("Trần Thị Bình"),
        "diacritics typed count, case does not"
    );
    let found = manager.get_text("/people?q=B%C3%8DNH").await;
    assert!(
        !found.contains("Trần Thị Bình"),
        "another tone mark is another name"
    );
    let found = manager.get_text("/people?q=036185").await;
    assert!(found.contains("Trần Thị Bình") && !found.contains("Nguyễn Văn An"));
    let (session, _) = app.demo_session().await;
    let number: String = sqlx::query_scalar(
        "SELECT candidate_number FROM attempts WHERE session_id = $1 ORDER BY candidate_number",
    )
    .bind(&session)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    let found = manager
        .get_text(&format!("/people?q={}", number.to_lowercase()))
        .await;
    assert!(
        found.contains("Nguyễn Văn An") && !found.contains("Trần Thị Bình"),
        "{found}"
    );
    // Centre Y's manager searches only the people on Y's rosters.
    let y = centre_y(&app).await;
    let found = y.get_text("/people?q=036185").await;
    assert!(!found.contains("Trần Thị Bình"), "{found}");
}
