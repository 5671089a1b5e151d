//! Administrators manage accounts; users change their own passwords.

use reqwest::StatusCode;

use crate::helpers::{ADMIN, PROCTOR, location, spawn_app_with_demo, temporary_password_in};

#[tokio::test]
async fn admin_creates_an_account_that_must_change_its_temporary_password() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(ADMIN).await;
    let centre = app.org_id("TT-HONGHA").await;
    let res = app
        .post_form(
            "/users",
            &[
                ("full_name", "Phạm  Thu Hà"),
                ("email", "Thu.Ha@HongHa.edu.vn"),
                ("role", "proctor"),
                ("organisation_id", &centre),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let temporary = temporary_password_in(&res.text().await.unwrap());
    assert_eq!(temporary.len(), 14);

    let listed = app.get_text("/users").await;
    assert!(listed.contains("Phạm Thu Hà") && listed.contains("thu.ha@hongha.edu.vn"));

    let newcomer = app.another_browser();
    newcomer
        .signed_in_as(("thu.ha@hongha.edu.vn", &temporary))
        .await;
    let res = newcomer.get("/").await;
    assert_eq!(
        location(&res),
        "/account/password",
        "a temporary password must be changed first"
    );
    let res = newcomer
        .post_form(
            "/account/password",
            &[
                ("current", &temporary),
                ("new", "ngắn"),
                ("confirm", "ngắn"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("ít nhất 10 ký tự"));
    let new = "Mật khẩu mới của cô Hà";
    let res = newcomer
        .post_form(
            "/account/password",
            &[("current", &temporary), ("new", new), ("confirm", new)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(newcomer.get("/").await.status(), StatusCode::OK);

    let later = app.another_browser();
    assert_eq!(
        later
            .sign_in(("thu.ha@hongha.edu.vn", &temporary))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    // The same password typed in decomposed (NFD) form still matches: passwords are NFC.
    let nfd: String = unicode_normalization::UnicodeNormalization::nfd(new).collect();
    later.signed_in_as(("thu.ha@hongha.edu.vn", &nfd)).await;
}

#[tokio::test]
async fn form_errors_are_listed_and_nothing_is_created() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(ADMIN).await;
    let department = app.org_id("SGD-DEMO").await;
    let res = app
        .post_form(
            "/users",
            &[
                ("full_name", ""),
                ("email", "khong-hop-le"),
                ("role", "proctor"),
                ("organisation_id", &department),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Có lỗi cần sửa"));
    assert!(html.contains("Hãy nhập tên."));
    assert!(html.contains("Hãy nhập email đúng dạng"));
    assert!(
        html.contains("Vai trò không hợp với đơn vị"),
        "a proctor cannot belong to the department"
    );
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    assert_eq!(count, 3);
}

#[tokio::test]
async fn a_duplicate_email_is_reported_on_the_field() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(ADMIN).await;
    let centre = app.org_id("TT-SAOMAI").await;
    let res = app
        .post_form(
            "/users",
            &[
                ("full_name", "Ai Đó"),
                ("email", PROCTOR.0),
                ("role", "proctor"),
                ("organisation_id", &centre),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Email này đã có tài khoản.")
    );
}

#[tokio::test]
async fn disabling_ends_sessions_and_blocks_sign_in_until_re_enabled() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(ADMIN).await;
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let id = app.user_id(PROCTOR.0).await;

    let res = app.post_form(&format!("/users/{id}/disable"), &[]).await;
    assert_eq!(location(&res), "/users?done=disabled");
    assert_eq!(
        proctor.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "the live session ends"
    );
    let res = proctor.sign_in(PROCTOR).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Tài khoản này đã bị khoá")
    );

    app.post_form(&format!("/users/{id}/enable"), &[]).await;
    proctor.signed_in_as(PROCTOR).await;
    let audit: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE subject_id = $1 AND action IN ('user.disable', 'user.enable')")
        .bind(&id)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    assert_eq!(audit, 2, "both changes are audited");
}

#[tokio::test]
async fn a_reset_gives_a_temporary_password_and_ends_old_sessions() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(ADMIN).await;
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let id = app.user_id(PROCTOR.0).await;
    let res = app
        .post_form(&format!("/users/{id}/reset-password"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let temporary = temporary_password_in(&res.text().await.unwrap());
    assert_eq!(proctor.get("/").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        proctor.sign_in(PROCTOR).await.status(),
        StatusCode::UNAUTHORIZED
    );
    proctor.signed_in_as((PROCTOR.0, &temporary)).await;
    assert_eq!(location(&proctor.get("/").await), "/account/password");
}

#[tokio::test]
async fn an_admin_cannot_disable_themself() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(ADMIN).await;
    let id = app.user_id(ADMIN.0).await;
    let res = app.post_form(&format!("/users/{id}/disable"), &[]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("không thể tự khoá"));
}

#[tokio::test]
async fn changing_ones_password_signs_out_other_browsers() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let other = app.another_browser();
    other.signed_in_as(PROCTOR).await;
    let new = "một mật khẩu rất mới";
    let res = app
        .post_form(
            "/account/password",
            &[("current", PROCTOR.1), ("new", new), ("confirm", new)],
        )
        .await;
    assert_eq!(location(&res), "/?done=password");
    assert!(
        app.get_text("/?done=password")
            .await
            .contains("Đã đổi mật khẩu")
    );
    assert_eq!(other.get("/").await.status(), StatusCode::SEE_OTHER);
}
