//! Slips that can go out: a print button, a warning on the page (never printed) while the
//! public address is this server's own, and whether the date of birth is asked; the roster
//! template and the categories it takes; the admin's list naming each session's centre.

use reqwest::StatusCode;
use sathach::{sessions::roster::TEMPLATE_HEADER, sheets};

use crate::{
    helpers::{ADMIN, MANAGER, fresh_settings, spawn_app_with_demo, spawn_demo_on},
    sessions::{schedule, upload},
};

#[tokio::test]
async fn slips_warn_on_the_page_while_the_public_address_is_loopback() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    assert!(
        app.settings
            .public_url
            .as_str()
            .starts_with("http://127.0.0.1")
    );
    let (session, _) = app.demo_session().await;
    let page = app.get_text(&format!("/sessions/{session}/slips")).await;
    let warning = page.find("id=\"slip-loopback\"").expect("the warning");
    let screen_only = page.find("class=\"no-print\"").unwrap();
    let slips = page.find("class=\"slips\"").unwrap();
    assert!(
        screen_only < warning && warning < slips,
        "inside the part not printed"
    );
    assert!(page.contains("public_url") && page.contains("SATHACH_PUBLIC_URL"));
    assert!(page.contains("data-print hidden") && page.contains("/print.js"));
    assert!(page.contains("Khi đăng nhập không cần nhập ngày sinh."));
    assert!(!page.contains("nhập cả ngày sinh"));

    let dir = tempfile::tempdir().unwrap();
    let mut settings = fresh_settings(dir.path()).await;
    settings.public_url = url::Url::parse("http://192.168.1.10:8080/").unwrap();
    let lan = spawn_demo_on(settings, dir).await;
    lan.signed_in_as(MANAGER).await;
    let (session, _) = lan.demo_session().await;
    let page = lan.get_text(&format!("/sessions/{session}/slips")).await;
    assert!(!page.contains("slip-loopback"), "{page}");
    assert!(page.contains("http://192.168.1.10:8080/thi"));
}

#[tokio::test]
async fn the_roster_template_has_the_columns_the_import_reads_and_every_category_imports() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let session = schedule(&app, "Ca người lớn").await;
    let detail = app.get_text(&format!("/sessions/{session}")).await;
    assert!(detail.contains("/sessions/roster-template.xlsx"));
    let res = app.get("/sessions/roster-template.xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    let (_, table) = sheets::first_sheet(&bytes).unwrap();
    assert_eq!(table.len(), 1, "a header and nothing to delete");
    assert_eq!(table[0].1, TEMPLATE_HEADER.map(String::from).to_vec());
    let csv = app.get("/sessions/roster-template.csv").await;
    let text = csv.text().await.unwrap();
    assert!(text.starts_with('\u{feff}') && text.contains("Họ và tên,Ngày sinh"));
    assert_eq!(
        app.get("/sessions/roster-template.pdf").await.status(),
        StatusCode::NOT_FOUND
    );

    // The template filled in, with each category.
    let rows = "\n\
        Lý Thị Mai,01/02/2003,Nữ,,SV-2021-001,Đại học Sư phạm,Sinh viên,\n\
        Đỗ Văn Hùng,15/06/1980,Nam,,NLĐ-77,Công ty May 10,Người lao động,\n\
        Trần Văn Nam,03/03/2009,Nam,,HS-1,Trường THCS Láng Thượng,,\n";
    let file = format!("{}{rows}", text.trim_start_matches('\u{feff}').trim_end());
    let (status, page) = upload(&app, &session, "ds.csv", file.into_bytes()).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let categories: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.full_name, p.category FROM attempts a JOIN people p ON p.id = a.person_id
         WHERE a.session_id = $1 ORDER BY a.candidate_number",
    )
    .bind(&session)
    .fetch_all(&app.db.read)
    .await
    .unwrap();
    let kinds: Vec<&str> = categories.iter().map(|(_, c)| c.as_str()).collect();
    assert_eq!(kinds, ["university_student", "worker", "student"]);
    let form = app.get_text(&format!("/sessions/{session}")).await;
    assert!(form.contains("value=\"university_student\"") && form.contains("Người lao động"));
}

#[tokio::test]
async fn the_admins_list_names_each_sessions_centre() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(ADMIN).await;
    let list = app.get_text("/sessions").await;
    assert!(list.contains("<th scope=\"col\">Trung tâm</th>"), "{list}");
    assert!(
        list.contains("<td>Trung tâm Tin học Sao Mai</td>"),
        "{list}"
    );
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let list = manager.get_text("/sessions").await;
    assert!(!list.contains("<th scope=\"col\">Trung tâm</th>"));
}
