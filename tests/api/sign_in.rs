//! Staff sign-in and sign-out: cookies, wrong passwords, throttling, revocation.

use reqwest::StatusCode;

use crate::helpers::{ADMIN, MANAGER, PROCTOR, location, spawn_app_with, spawn_app_with_demo};

#[tokio::test]
async fn signing_in_sets_a_session_cookie_and_lands_on_the_home_page() {
    let app = spawn_app_with_demo().await;
    let res = app.get("/users").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/sign-in?next=%2Fusers");

    let token = app.csrf().await;
    let res = app
        .post_raw(
            "/sign-in",
            &[
                ("email", " Admin@Demo.Sathach.VN "),
                ("password", ADMIN.1),
                ("next", "/users"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/users");
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("sathach_session="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let token_value = cookie
        .trim_start_matches("sathach_session=")
        .split(';')
        .next()
        .unwrap();
    assert!(token_value.len() >= 22, "at least 128 bits of token");

    let home = app.get_text("/").await;
    assert!(home.contains("Xin chào, Nguyễn Thị Quản Trị"), "{home}");
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_digest FROM staff_sessions")
        .fetch_all(&app.db.read)
        .await
        .unwrap();
    assert!(
        !stored.iter().any(|d| d == token_value),
        "only the digest is stored"
    );
}

#[tokio::test]
async fn secure_cookies_with_the_host_prefix_when_public_url_is_https() {
    let app =
        spawn_app_with(|s| s.public_url = url::Url::parse("https://thi.example.edu.vn/").unwrap())
            .await;
    let res = app.get("/sign-in").await;
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.starts_with("__Host-sathach_csrf=") && cookie.contains("Secure"),
        "{cookie}"
    );
}

#[tokio::test]
async fn a_wrong_password_says_so_without_revealing_which_part_was_wrong() {
    let app = spawn_app_with_demo().await;
    for (email, password) in [(ADMIN.0, "sai-mat-khau"), ("khongco@demo.sathach.vn", "x")] {
        let res = app.sign_in((email, password)).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let html = res.text().await.unwrap();
        assert!(html.contains("Email hoặc mật khẩu không đúng"), "{html}");
        assert!(
            html.contains(&format!("value=\"{email}\"")),
            "the e-mail is kept in the form"
        );
    }
}

#[tokio::test]
async fn an_account_is_throttled_after_repeated_failures_and_told_when_to_retry() {
    let app = spawn_app_with_demo().await;
    for _ in 0..10 {
        assert_eq!(
            app.sign_in((MANAGER.0, "sai")).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let res = app.sign_in(MANAGER).await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Đã nhập sai quá nhiều lần") && html.contains("phút nữa"),
        "{html}"
    );
    // Another account from the same address (a lab) is not locked out.
    assert_eq!(app.sign_in(PROCTOR).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_client_address_is_throttled_only_at_its_loose_limit() {
    let app = spawn_app_with(|s| s.throttle.client_failures = 5).await;
    sathach::demo::load(&app.db).await.unwrap();
    for i in 0..5 {
        let email = format!("khach{i}@demo.sathach.vn");
        assert_eq!(
            app.sign_in((&email, "sai")).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.sign_in(ADMIN).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn signing_out_revokes_the_session_on_the_server() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let cookie: String = sqlx::query_scalar("SELECT token_digest FROM staff_sessions")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    assert!(!cookie.is_empty());
    let res = app.post_form("/sign-out", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/").await.status(), StatusCode::SEE_OTHER);
    let revoked: Option<i64> = sqlx::query_scalar("SELECT revoked_at FROM staff_sessions")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    assert!(revoked.is_some());
}

#[tokio::test]
async fn a_stolen_cookie_stops_working_after_sign_out() {
    let app = spawn_app_with_demo().await;
    let res = app.sign_in(ADMIN).await;
    let session = res
        .cookies()
        .find(|c| c.name() == "sathach_session")
        .map(|c| c.value().to_string())
        .expect("session cookie");
    app.post_form("/sign-out", &[]).await;
    let thief = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = thief
        .get(app.url("/users"))
        .header("cookie", format!("sathach_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}
