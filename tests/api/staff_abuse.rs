//! Staff sign-in under attack, without signing in: parallel guessing bursts, a proxy hiding
//! every client, oversized fields, invented HTTP methods, /metrics open to the world, weak and
//! expired passwords, the demo loaded over real data, and redirects off the site.

use reqwest::StatusCode;

use crate::helpers::{
    ADMIN, MANAGER, PROCTOR, location, spawn_app, spawn_app_with, spawn_app_with_demo,
};

/// Fires `n` sign-ins at once with a wrong password; the statuses.
async fn burst(app: &crate::helpers::TestApp, email: &str, n: usize) -> Vec<StatusCode> {
    let token = app.csrf().await;
    let requests = (0..n).map(|i| {
        let client = app.client.clone();
        let url = app.url("/sign-in");
        let token = token.clone();
        let password = format!("doan-sai-{i}");
        let email = email.to_string();
        async move {
            let fields = [
                ("email", email.as_str()),
                ("password", &password),
                ("csrf", &token),
            ];
            client
                .post(url)
                .form(&fields)
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    futures_util::future::join_all(requests).await
}

#[tokio::test]
async fn a_parallel_burst_tries_no_more_passwords_than_the_limit() {
    let app = spawn_app_with_demo().await;
    let limit = app.settings.throttle.account_failures as usize;
    let statuses = burst(&app, MANAGER.0, 46).await;
    let tried = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(
        tried, limit,
        "passwords checked in a burst of 46: {statuses:?}"
    );
    assert_eq!(refused, 46 - limit);
    // The right password now waits too, and the log holds exactly the checked guesses.
    assert_eq!(
        app.sign_in(MANAGER).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    let logged = app.count("SELECT COUNT(*) FROM sign_in_failures").await;
    assert_eq!(logged, limit as i64);
}

/// A sign-in through the proxy, for the client it names.
async fn sign_in_via_proxy(
    app: &crate::helpers::TestApp,
    token: &str,
    client_ip: &str,
    (email, password): (&str, &str),
) -> StatusCode {
    let fields = [("email", email), ("password", password), ("csrf", token)];
    app.client
        .post(app.url("/sign-in"))
        .header("X-Forwarded-For", format!("6.6.6.6, {client_ip}"))
        .form(&fields)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_clients_failures_do_not_lock_out_another() {
    let app = spawn_app_with(|s| s.proxy.trusted = vec!["127.0.0.1".parse().unwrap()]).await;
    sathach::demo::load(&app.db).await.unwrap();
    let token = app.csrf().await;
    let limit = app.settings.throttle.client_failures;
    for chunk in (0..limit).collect::<Vec<_>>().chunks(6) {
        let tries = chunk.iter().map(|i| {
            let email = format!("khach{i}@demo.sathach.vn");
            let token = token.clone();
            let app = &app;
            async move { sign_in_via_proxy(app, &token, "203.0.113.5", (&email, "sai")).await }
        });
        for status in futures_util::future::join_all(tries).await {
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
    }
    let attacker = sign_in_via_proxy(&app, &token, "203.0.113.5", ADMIN).await;
    assert_eq!(attacker, StatusCode::TOO_MANY_REQUESTS);
    let colleague = sign_in_via_proxy(&app, &token, "203.0.113.6", ADMIN).await;
    assert_eq!(
        colleague,
        StatusCode::SEE_OTHER,
        "{limit} failures of another client"
    );
}

#[tokio::test]
async fn an_untrusted_peer_cannot_pick_its_address_with_the_header() {
    let app = spawn_app_with(|s| s.throttle.client_failures = 5).await;
    sathach::demo::load(&app.db).await.unwrap();
    let token = app.csrf().await;
    for i in 0..5 {
        let who = (format!("khach{i}@demo.sathach.vn"), "sai");
        let client = format!("198.51.100.{i}");
        let status = sign_in_via_proxy(&app, &token, &client, (&who.0, who.1)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let status = sign_in_via_proxy(&app, &token, "198.51.100.99", ADMIN).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn oversized_sign_in_fields_are_refused_unhashed_and_unstored() {
    let app = spawn_app_with_demo().await;
    let long_email = format!("{}@demo.sathach.vn", "a".repeat(10_000));
    let res = app.sign_in((&long_email, "sai")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("quá dài"));
    let res = app.sign_in((ADMIN.0, &"x".repeat(5_000))).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) FROM sign_in_failures").await, 0);
}

#[tokio::test]
async fn invented_http_methods_do_not_become_metrics_labels() {
    let app = spawn_app().await;
    for name in ["FOOBARBAZ", "QUUXMETHOD"] {
        let method = reqwest::Method::from_bytes(name.as_bytes()).unwrap();
        app.client
            .request(method, app.url("/"))
            .send()
            .await
            .unwrap();
    }
    let text = app.get_text("/metrics").await;
    assert!(
        !text.contains("FOOBARBAZ") && !text.contains("QUUXMETHOD"),
        "{text}"
    );
    assert!(text.contains("method=\"other\""), "{text}");
}

#[tokio::test]
async fn metrics_need_a_token_on_a_public_server() {
    let app =
        spawn_app_with(|s| s.public_url = url::Url::parse("https://thi.example.edu.vn/").unwrap())
            .await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("metrics_token"));
    // On loopback only (the tests' own default), it stays open.
    assert_eq!(
        spawn_app().await.get("/metrics").await.status(),
        StatusCode::OK
    );
}

/// A browser signed in to a new account with its temporary password (not yet changed).
async fn new_account(app: &crate::helpers::TestApp) -> (crate::helpers::TestApp, String) {
    use sathach::accounts::model::Role;
    let email = "gv.moi@demo.sathach.vn";
    let report = sathach::accounts::cli_add(&app.db, "TT-SAOMAI", Role::Proctor, email, None)
        .await
        .unwrap();
    let temporary = report.rsplit(' ').next().unwrap().to_string();
    let browser = app.another_browser();
    browser.signed_in_as((email, &temporary)).await;
    (browser, temporary)
}

#[tokio::test]
async fn blank_and_common_passwords_are_refused_in_vietnamese() {
    let app = spawn_app_with_demo().await;
    let (browser, temporary) = new_account(&app).await;
    for (new, message) in [
        ("          ", "ít nhất 10 ký tự"),
        ("1234567890", "quá dễ đoán"),
        ("matkhau123", "quá dễ đoán"),
    ] {
        let fields = [
            ("current", temporary.as_str()),
            ("new", new),
            ("confirm", new),
        ];
        let res = browser.post_form("/account/password", &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{new:?}");
        assert!(res.text().await.unwrap().contains(message), "{new:?}");
    }
    let good = "chiều thứ bảy ở Đà Lạt";
    let fields = [
        ("current", temporary.as_str()),
        ("new", good),
        ("confirm", good),
    ];
    assert_eq!(
        location(&browser.post_form("/account/password", &fields).await),
        "/?done=password"
    );
}

#[tokio::test]
async fn guessing_the_current_password_is_throttled() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let new = "chiều thứ bảy ở Đà Lạt";
    for i in 0..app.settings.throttle.account_failures {
        let guess = format!("doan-sai-{i}");
        let fields = [("current", guess.as_str()), ("new", new), ("confirm", new)];
        let res = app.post_form("/account/password", &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let fields = [("current", PROCTOR.1), ("new", new), ("confirm", new)];
    let res = app.post_form("/account/password", &fields).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text().await.unwrap().contains("thử quá nhiều lần"));
}

#[tokio::test]
async fn a_temporary_password_expires_after_72_hours() {
    let app = spawn_app_with_demo().await;
    let (_, temporary) = new_account(&app).await;
    let until: i64 = sqlx::query_scalar(
        "SELECT temporary_until FROM users WHERE email = 'gv.moi@demo.sathach.vn'",
    )
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    let hours = (until - sathach::clock::now_ms()) as f64 / 3_600_000.0;
    assert!((71.9..=72.0).contains(&hours), "{hours}");
    // 72 hours later:
    sqlx::query("UPDATE users SET temporary_until = $1 WHERE email = 'gv.moi@demo.sathach.vn'")
        .bind(sathach::clock::now_ms() - 1)
        .execute(&app.db.write)
        .await
        .unwrap();
    let res = app
        .another_browser()
        .sign_in(("gv.moi@demo.sathach.vn", &temporary))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("đã hết hạn"));
}

#[tokio::test]
async fn the_demo_refuses_a_real_database_and_keeps_changed_passwords() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let new = "chiều thứ bảy ở Đà Lạt";
    let fields = [("current", PROCTOR.1), ("new", new), ("confirm", new)];
    assert_eq!(
        location(&app.post_form("/account/password", &fields).await),
        "/?done=password"
    );
    sathach::demo::load(&app.db).await.unwrap();
    let other = app.another_browser();
    assert_eq!(
        other.sign_in(PROCTOR).await.status(),
        StatusCode::UNAUTHORIZED
    );
    other.signed_in_as((PROCTOR.0, new)).await;

    let real = spawn_app().await;
    use sathach::orgs::model::OrgKind;
    sathach::orgs::cli_add(
        &real.db,
        "SGD-HN",
        "Sở GD&ĐT Hà Nội",
        OrgKind::Department,
        None,
    )
    .await
    .unwrap();
    let refused = sathach::demo::load(&real.db).await.unwrap_err().to_string();
    assert!(
        refused.contains("SGD-HN") && refused.contains("--demo"),
        "{refused}"
    );
    assert_eq!(real.count("SELECT COUNT(*) FROM users").await, 0);
}

#[tokio::test]
async fn redirects_never_leave_the_site() {
    let app = spawn_app_with_demo().await;
    for next in [
        "/\t/evil.example",
        "/%09/evil.example",
        "/%5C/evil.example",
        "/%2F%2Fevil.example",
    ] {
        let res = app
            .post_form(
                "/sign-in",
                &[("email", ADMIN.0), ("password", ADMIN.1), ("next", next)],
            )
            .await;
        assert_eq!(location(&res), "/", "{next:?}");
        let res = app
            .post_form("/lang", &[("lang", "vi"), ("back", next)])
            .await;
        assert_eq!(location(&res), "/", "{next:?}");
        let form = app
            .get_text(&format!(
                "/sign-in?next={}",
                next.replace('%', "%25").replace('\t', "%09")
            ))
            .await;
        assert!(!form.contains("evil.example"), "{next:?}");
    }
    let res = app
        .post_form(
            "/sign-in",
            &[
                ("email", ADMIN.0),
                ("password", ADMIN.1),
                ("next", "/users"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/users");
}
