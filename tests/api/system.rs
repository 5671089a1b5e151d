//! Health, metrics, static assets, the language switch and error pages.

use reqwest::StatusCode;

use crate::helpers::{location, spawn_app, spawn_app_with};

#[tokio::test]
async fn healthz_follows_the_last_write() {
    let app = spawn_app().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "ok\n");
    // The database stops taking writes: the next write fails, and says nothing was saved.
    app.db.write.close().await;
    let res = app
        .post_raw("/thi", &[("number", "AAAA-001"), ("code", "x")])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "no CSRF token: refused first"
    );
    let res = app.sign_in(("ai@truong.edu.vn", "sai mật khẩu rồi")).await;
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{text}");
    assert!(text.contains("chưa được lưu"), "{text}");
    // (On PostgreSQL reads share the pool and fail first; the node's next write fails too.)
    assert!(app.db.begin_write().await.is_err());
    // A write that began before the fault may still commit after it (and count as the last);
    // the node's next heartbeat fails then, so within a beat or two /healthz must say 503.
    let mut said = None;
    for _ in 0..30 {
        let res = app.get("/healthz").await;
        said = Some((res.status(), res.text().await.unwrap()));
        if said.as_ref().is_some_and(|(s, _)| *s != StatusCode::OK) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(
        said,
        Some((
            StatusCode::SERVICE_UNAVAILABLE,
            "the last database commit failed\n".to_string()
        ))
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_show_the_pool() {
    let app = spawn_app().await;
    app.get("/sign-in").await;
    app.get("/orgs/some-id").await;
    let text = app.get_text("/metrics").await;
    assert!(
        text.contains(
            r#"sathach_http_requests_total{method="GET",route="/sign-in",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"route="/orgs/{id}""#),
        "routes are labelled by pattern, not by path"
    );
    assert!(text.contains("sathach_http_request_duration_seconds_bucket"));
    assert!(text.contains(r#"sathach_db_pool_connections{pool="write",state="max"}"#));
}

#[tokio::test]
async fn metrics_token_is_enforced_when_set() {
    let app =
        spawn_app_with(|s| s.metrics_token = Some(sathach::config::Secret::new("s3cret-token")))
            .await;
    assert_eq!(app.get("/metrics").await.status(), StatusCode::UNAUTHORIZED);
    let res = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("s3cret-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn stylesheet_is_cached_for_a_year() {
    let app = spawn_app().await;
    let res = app.get(sathach::web::assets::CSS_PATH).await;
    assert_eq!(res.status(), StatusCode::OK);
    let cache = res.headers()["cache-control"].to_str().unwrap().to_string();
    assert!(
        cache.contains("immutable") && cache.contains("max-age=31536000"),
        "{cache}"
    );
    assert!(res.text().await.unwrap().contains("font-family"));
}

#[tokio::test]
async fn every_response_has_a_request_id_and_security_headers() {
    let app = spawn_app().await;
    let res = app.get("/sign-in").await;
    assert_eq!(res.headers()["x-request-id"].len(), 32);
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    assert!(
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
}

#[tokio::test]
async fn not_found_page_is_vietnamese_then_english_after_the_switch() {
    let app = spawn_app().await;
    let res = app.get("/khong-co-trang-nay").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<html lang=\"vi\">") && html.contains("Không tìm thấy trang"),
        "{html}"
    );

    let res = app
        .post_form("/lang", &[("lang", "en"), ("back", "/sign-in")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/sign-in");
    let html = app.get_text("/khong-co-trang-nay").await;
    assert!(
        html.contains("<html lang=\"en\">") && html.contains("Page not found"),
        "{html}"
    );
    assert!(app.get_text("/sign-in").await.contains("E-mail address"));
}

#[tokio::test]
async fn language_switch_never_redirects_off_site() {
    let app = spawn_app().await;
    let res = app
        .post_form("/lang", &[("lang", "en"), ("back", "//evil.example/")])
        .await;
    assert_eq!(location(&res), "/");
}

#[tokio::test]
async fn wrong_method_gets_a_page_not_a_panic() {
    let app = spawn_app().await;
    let res = app
        .client
        .delete(app.url("/healthz"))
        .header("x-csrf-token", app.csrf().await)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error());
    assert!(res.text().await.unwrap().contains("<html"));
}

/// The `nice` value of each thread of this process whose name starts with `prefix`.
#[cfg(target_os = "linux")]
fn niceness_of_threads(prefix: &str) -> Vec<i64> {
    let mut found = Vec::new();
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let name = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if !name.starts_with(prefix) {
            continue;
        }
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        // After the name in parentheses come the fields from the third on; `nice` is the 19th.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .unwrap()
            .1
            .split_whitespace()
            .collect();
        found.push(fields[16].parse().unwrap());
    }
    found
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn http_workers_run_below_the_writers_priority() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    let lowered = sathach::web::priority::HTTP_WORKER_NICENESS as i64;
    // Other tests' servers may be starting alongside: their workers lower themselves as they
    // start, so the threads are looked at again for a few seconds.
    let mut workers = Vec::new();
    for _ in 0..50 {
        workers = niceness_of_threads("actix-server wo");
        if !workers.is_empty() && workers.iter().all(|&n| n == lowered) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("HTTP workers' nice values {workers:?}, all {lowered} expected");
}
