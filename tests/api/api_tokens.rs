//! API tokens: an admin creates one on `/api-tokens` (shown once, stored as a digest,
//! audited), revokes it (audited; calls with it get 401 from then on); centre managers and
//! proctors may not manage tokens; a call without a valid token gets 401 JSON with
//! `WWW-Authenticate: Bearer`; staff cookies do nothing on the API and a token does nothing on
//! staff pages; a malformed cursor or limit is a 400 JSON answer.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{ADMIN, MANAGER, PROCTOR, TestApp, location, spawn_app_with_demo};

/// A token for the organisation with this code, made as the page makes it (by the demo admin).
pub async fn token_for(app: &TestApp, code: &str) -> String {
    let org = app.org_id(code).await;
    let admin = app.user_id(ADMIN.0).await;
    let mut tx = app.db.begin_write().await.unwrap();
    let token = sathach::api::tokens::create(&mut tx, &org, &format!("CSDL {code}"), &admin)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    token
}

/// A GET with this bearer token (if any): the status, the `WWW-Authenticate` header and the
/// body as JSON.
pub async fn api(app: &TestApp, token: Option<&str>, path: &str) -> (StatusCode, String, Value) {
    let mut request = reqwest::Client::new().get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let res = request.send().await.expect("GET");
    let status = res.status();
    let challenge = res
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = res.json().await.expect("a JSON body");
    (status, challenge, body)
}

fn token_in(html: &str) -> String {
    let marker = "id=\"api-token\">";
    let start = html.find(marker).expect("the token is shown") + marker.len();
    let end = html[start..].find('<').unwrap() + start;
    html[start..end].to_string()
}

#[tokio::test]
async fn an_admin_creates_a_token_shown_once_and_stored_as_a_digest_then_revokes_it() {
    let app = spawn_app_with_demo().await;
    let admin = app.another_browser();
    admin.signed_in_as(ADMIN).await;
    let centre = app.org_id("TT-SAOMAI").await;
    let res = admin
        .post_form(
            "/api-tokens",
            &[
                ("organisation_id", &centre),
                ("name", "CSDL ngành giáo dục"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let token = token_in(&res.text().await.unwrap());
    assert!(token.starts_with("sth_") && token.len() >= 47, "{token}");

    // Stored by its digest only; the list shows its start, never the whole token.
    let digest = sathach::vocab::token::token_digest(&token);
    let stored: (String, String, String) =
        sqlx::query_as("SELECT digest, hint, organisation_id FROM api_tokens")
            .fetch_one(&app.db.read)
            .await
            .unwrap();
    assert_eq!(stored.0, digest);
    assert_eq!(stored.2, centre);
    assert!(token.starts_with(stored.1.trim_end_matches('…')));
    let all_text = app
        .count(&format!(
            "SELECT COUNT(*) FROM api_tokens WHERE digest = '{token}' OR hint = '{token}' OR name = '{token}'"
        ))
        .await;
    assert_eq!(all_text, 0);
    let list = admin.get_text("/api-tokens").await;
    assert!(list.contains("CSDL ngành giáo dục") && list.contains(&stored.1));
    assert!(!list.contains(&token));
    assert!(list.contains("Chưa dùng"));

    // It works, and its use is noted.
    let (status, _, body) = api(&app, Some(&token), "/api/v1/credits").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["data"].as_array().unwrap().is_empty());
    let used = app
        .count("SELECT COUNT(*) FROM api_tokens WHERE last_used_at IS NOT NULL")
        .await;
    assert_eq!(used, 1);

    // Revoked: refused from then on, and both changes are audited.
    let id: String = sqlx::query_scalar("SELECT id FROM api_tokens")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let res = admin
        .post_form(&format!("/api-tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/api-tokens?notice=revoked");
    let (status, challenge, body) = api(&app, Some(&token), "/api/v1/credits").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(challenge.starts_with("Bearer"));
    assert_eq!(body["error"], "unauthorized");
    let list = admin.get_text("/api-tokens?notice=revoked").await;
    assert!(list.contains("Đã thu hồi mã truy cập"));
    // Revoking twice finds nothing to revoke.
    let res = admin
        .post_form(&format!("/api-tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let audited = app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE subject_id = '{id}'
             AND action IN ('api_token.create', 'api_token.revoke')"
        ))
        .await;
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn only_admins_manage_tokens_and_only_for_their_department_and_its_centres() {
    let app = spawn_app_with_demo().await;
    for who in [MANAGER, PROCTOR] {
        let browser = app.another_browser();
        browser.signed_in_as(who).await;
        assert_eq!(
            browser.get("/api-tokens").await.status(),
            StatusCode::FORBIDDEN
        );
        let centre = app.org_id("TT-SAOMAI").await;
        let res = browser
            .post_form(
                "/api-tokens",
                &[("organisation_id", &centre), ("name", "x")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens").await, 0);

    // Another Department's admin neither sees nor revokes the demo's tokens, nor makes one
    // for the demo's centre or a school.
    let token = token_for(&app, "TT-SAOMAI").await;
    sathach::orgs::cli_add(
        &app.db,
        "SGD-KHAC",
        "Sở khác",
        sathach::orgs::model::OrgKind::Department,
        None,
    )
    .await
    .unwrap();
    let other = app
        .browser_for_new_account(
            "SGD-KHAC",
            sathach::accounts::model::Role::Admin,
            "qt@khac.vn",
        )
        .await;
    let list = other.get_text("/api-tokens").await;
    assert!(!list.contains("CSDL TT-SAOMAI"));
    let id: String = sqlx::query_scalar("SELECT id FROM api_tokens")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let res = other
        .post_form(&format!("/api-tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        api(&app, Some(&token), "/api/v1/credits").await.0,
        StatusCode::OK
    );
    for org in [app.org_id("TT-SAOMAI").await, app.org_id("THPT-CVA").await] {
        let res = other
            .post_form("/api-tokens", &[("organisation_id", &org), ("name", "x")])
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let res = other
        .post_form("/api-tokens", &[("organisation_id", ""), ("name", " ")])
        .await;
    let page = res.text().await.unwrap();
    assert!(page.contains("Hãy nhập tên gọi") && page.contains("Hãy chọn Sở"));
    assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens").await, 1);
}

#[tokio::test]
async fn calls_without_a_valid_token_get_401_json_and_cookies_and_tokens_do_not_cross() {
    let app = spawn_app_with_demo().await;
    let token = token_for(&app, "SGD-DEMO").await;
    let unknown = format!("sth_{}", "A".repeat(43));
    for path in [
        "/api/v1/credits",
        "/api/v1/certificates.csv",
        "/api/v1/people/x/record",
    ] {
        for bad in [None, Some(unknown.as_str()), Some("not-a-token")] {
            let (status, challenge, body) = api(&app, bad, path).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path} {bad:?}");
            assert_eq!(challenge, "Bearer realm=\"sathach\"");
            assert_eq!(body["error"], "unauthorized");
            assert!(body["message"].as_str().unwrap().contains("mã truy cập"));
        }
    }
    // Another scheme with a good token is no token.
    let res = reqwest::Client::new()
        .get(app.url("/api/v1/credits"))
        .header("Authorization", format!("Basic {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // A signed-in admin's cookie is not a token.
    let admin = app.another_browser();
    admin.signed_in_as(ADMIN).await;
    let res = admin.get("/api/v1/credits").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // A token is not a staff sign-in.
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/api-tokens"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/sign-in"));

    // A cursor or limit that is not one of ours.
    for query in [
        "since=abc",
        "since=djEuNS4",
        "limit=0",
        "limit=5000",
        "limit=x",
    ] {
        let (status, _, body) = api(&app, Some(&token), &format!("/api/v1/credits?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(["bad_cursor", "bad_limit"].contains(&body["error"].as_str().unwrap()));
    }
    let (status, _, body) = api(&app, Some(&token), "/api/v1/people/nobody/record").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "not_found");
}
