//! CSRF: every state-changing request needs the token tied to this browser's cookie.

use reqwest::StatusCode;

use crate::helpers::{ADMIN, spawn_app_with_demo};

#[tokio::test]
async fn a_post_without_a_token_is_refused_and_changes_nothing() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(ADMIN).await;
    let before = sathach::orgs::store::of_department(&app.db.read, &app.org_id("SGD-DEMO").await)
        .await
        .unwrap()
        .len();
    let res = app
        .post_raw(
            "/orgs",
            &[
                ("kind", "centre"),
                ("code", "TT-X"),
                ("name", "Trung tâm X"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let html = res.text().await.unwrap();
    assert!(html.contains("Biểu mẫu đã hết hạn"), "{html}");
    let after = sathach::orgs::store::of_department(&app.db.read, &app.org_id("SGD-DEMO").await)
        .await
        .unwrap()
        .len();
    assert_eq!(before, after);
}

#[tokio::test]
async fn a_forged_token_is_refused() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(ADMIN).await;
    let res = app
        .post_raw(
            "/orgs",
            &[
                ("kind", "centre"),
                ("code", "TT-X"),
                ("name", "X"),
                ("csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn another_browsers_token_is_refused() {
    let app = spawn_app_with_demo().await;
    let other = app.another_browser();
    let other_token = other.csrf().await;
    let res = app
        .post_raw(
            "/sign-in",
            &[
                ("email", ADMIN.0),
                ("password", ADMIN.1),
                ("csrf", &other_token),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_token_from_before_sign_in_is_not_accepted_after_it() {
    let app = spawn_app_with_demo().await;
    let old = app.csrf().await;
    app.signed_in_as(ADMIN).await;
    let res = app
        .post_raw(
            "/orgs",
            &[
                ("kind", "centre"),
                ("code", "TT-Y"),
                ("name", "Y"),
                ("csrf", &old),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "a replayed token must fail after the cookie rotates"
    );
    let res = app
        .post_form(
            "/orgs",
            &[("kind", "centre"), ("code", "TT-Y"), ("name", "Y")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_header_form_of_the_token_works_for_scripts() {
    let app = spawn_app_with_demo().await;
    let token = app.csrf().await;
    let res = app
        .client
        .post(app.url("/lang"))
        .header("x-csrf-token", token)
        .form(&[("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}
