//! Organisations and rooms through the admin's pages.

use reqwest::StatusCode;

use crate::helpers::{ADMIN, location, spawn_app_with_demo};

#[tokio::test]
async fn admin_creates_a_centre_and_its_rooms_with_names_stored_as_nfc() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(ADMIN).await;
    // "Trung tâm Tin học Đông Á" typed with combining marks (NFD), as some input methods send it.
    let nfd = "Trung ta\u{302}m Tin ho\u{323}c \u{110}o\u{302}ng A\u{301}";
    let res = app
        .post_form(
            "/orgs",
            &[("kind", "centre"), ("code", "tt-donga"), ("name", nfd)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = location(&res);
    let org = sathach::orgs::store::by_code(&app.db.read, "TT-DONGA")
        .await
        .unwrap()
        .expect("stored with an upper-case code");
    assert_eq!(org.name, "Trung tâm Tin học Đông Á");
    assert_eq!(page, format!("/orgs/{}", org.id));

    let res = app
        .post_form(
            &format!("/orgs/{}/rooms", org.id),
            &[("name", "Phòng máy 2"), ("seats", "35")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = app.get_text(&page).await;
    assert!(
        html.contains("Phòng máy 2") && html.contains(">35<"),
        "{html}"
    );
    assert!(
        app.get_text("/orgs")
            .await
            .contains("Trung tâm Tin học Đông Á")
    );
}

#[tokio::test]
async fn bad_room_input_is_explained_next_to_the_field() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(ADMIN).await;
    let centre = app.org_id("TT-SAOMAI").await;
    let res = app
        .post_form(
            &format!("/orgs/{centre}/rooms"),
            &[("name", "Phòng máy 1"), ("seats", "ba mươi")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Số chỗ ngồi là một số nguyên từ 1 đến 500."),
        "{html}"
    );
    assert!(html.contains("value=\"ba mươi\""), "what was typed is kept");
    let res = app
        .post_form(
            &format!("/orgs/{centre}/rooms"),
            &[("name", "Phòng máy 1"), ("seats", "30")],
        )
        .await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Đơn vị đã có phòng thi mang tên này.")
    );
}

#[tokio::test]
async fn a_taken_code_is_reported_and_schools_have_no_rooms() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(ADMIN).await;
    let res = app
        .post_form(
            "/orgs",
            &[
                ("kind", "school"),
                ("code", "TT-SAOMAI"),
                ("name", "Trùng mã"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Mã đơn vị này đã được dùng")
    );
    let school = app.org_id("THPT-CVA").await;
    let res = app
        .post_form(
            &format!("/orgs/{school}/rooms"),
            &[("name", "P1"), ("seats", "10")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}
