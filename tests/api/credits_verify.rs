//! The public verification page, signed out: a valid certificate shows only what it prints;
//! numbers typed another way lead to the printed form; unknown and malformed numbers get a
//! page that says so; revoked, replaced and expired certificates say so in plain words; and
//! look-ups beyond the per-address budget wait with 429 and `Retry-After`.

use reqwest::StatusCode;
use sathach::credits::store::{Cause, Change};

use crate::{
    credits_fixture::{History, history, passes},
    helpers::{MANAGER, TestApp, location, spawn_app_with, spawn_app_with_demo},
};

/// The person's certificates, oldest first: (id, number, register number).
pub async fn held(app: &TestApp, person: &str) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "SELECT id, number, register_number FROM certificates
         WHERE person_id = $1 ORDER BY created_at, id",
    )
    .bind(person)
    .fetch_all(&app.db.read)
    .await
    .unwrap()
}

/// A person holding the ICDL-style profile from one module (ICDL-CE at TT-B, 2 March 2026):
/// their history and the certificate's (id, number, register number).
pub async fn profile_holder(app: &TestApp) -> (History, (String, String, String)) {
    let history = history(app).await;
    passes(app, &history, &[("ICDL-CE", "TT-B", "2026-03-02")]).await;
    let mut held = held(app, &history.person).await;
    assert_eq!(held.len(), 1, "the profile is issued from its first module");
    (history, held.remove(0))
}

async fn person_facts(app: &TestApp, person: &str) -> (String, String) {
    sqlx::query_as("SELECT full_name, national_id FROM people WHERE id = $1")
        .bind(person)
        .fetch_one(&app.db.read)
        .await
        .unwrap()
}

/// An answer that must be neither cached nor indexed.
fn unlisted(res: &reqwest::Response) {
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert_eq!(res.headers()["x-robots-tag"], "noindex");
}

async fn page(app: &TestApp, path: &str, status: StatusCode) -> String {
    let res = app.get(path).await;
    assert_eq!(res.status(), status, "{path}");
    unlisted(&res);
    let body = res.text().await.unwrap();
    assert!(body.contains(r#"<meta name="robots" content="noindex">"#));
    body
}

#[tokio::test]
async fn a_valid_certificate_shows_only_what_it_prints_and_typed_numbers_find_it() {
    let app = spawn_app_with_demo().await;
    let (history, (_, number, register)) = profile_holder(&app).await;
    let (name, national_id) = person_facts(&app, &history.person).await;

    let form = page(&app, "/verify", StatusCode::OK).await;
    assert!(form.contains("Tra cứu chứng chỉ") && form.contains("Certificate verification"));
    assert!(form.contains(r#"<form method="get" action="/verify""#));

    let body = page(&app, &format!("/verify/{number}"), StatusCode::OK).await;
    for shown in [
        "Còn hiệu lực",
        "Valid",
        "Hồ sơ kỹ năng số theo chuẩn ICDL",
        "ICDL-style digital skills profile",
        number.as_str(),
        register.as_str(),
        name.as_str(),
        "ICDL-CE",
        "02/03/2026",
        "Trung tâm TT-B",
        &format!("********{}", &national_id[national_id.len() - 4..]),
    ] {
        assert!(body.contains(shown), "{shown:?} on the page");
    }
    assert!(!body.contains(&national_id), "the national ID only in part");
    assert!(!body.contains(&history.person), "no internal ids");
    assert!(
        !body.contains("<script"),
        "works without JavaScript: it has none"
    );

    // Typed in lower case, without dashes, with O for 0 and spaces: to the printed form.
    let typed = number.replace('-', " ").to_lowercase().replace('0', "o");
    let res = app
        .get(&format!("/verify/{}", typed.replace(' ', "")))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/verify/{number}"));
    let res = app
        .client
        .get(app.url("/verify"))
        .query(&[("number", &typed)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/verify/{number}"));

    // A well-formed number no certificate has, and things that are not numbers.
    let unknown = if number.starts_with('Z') {
        "Y000-0000-0000"
    } else {
        "Z000-0000-0000"
    };
    for path in [
        format!("/verify/{unknown}"),
        "/verify/abc".to_string(),
        "/verify?number=12345".to_string(),
        format!("/verify/{number}X"),
    ] {
        let body = page(&app, &path, StatusCode::NOT_FOUND).await;
        assert!(
            body.contains("Không có chứng chỉ mang số hiệu này")
                && body.contains("ba nhóm bốn ký tự (ví dụ 7KQ2-M9XD-4TRB)"),
            "{path}: {body}"
        );
        assert!(!body.contains(&name));
    }
}

#[tokio::test]
async fn a_certificate_revoked_for_misconduct_says_when_and_why_in_a_word_only() {
    let app = spawn_app_with_demo().await;
    let (history, (_, number, _)) = profile_holder(&app).await;
    let entry: String = sqlx::query_scalar(
        "SELECT id FROM credit_entries WHERE person_id = $1 AND module = 'ICDL-CE'",
    )
    .bind(&history.person)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    let manager = app.user_id(MANAGER.0).await;
    let reason = "Thí sinh mang tài liệu của Trần Văn Khoa vào phòng thi";
    let mut tx = app.db.begin_write().await.unwrap();
    let change = Change {
        cause: Cause::Misconduct,
        reason,
        by: Some(&manager),
    };
    assert!(
        sathach::credits::earlier::revoke(&mut tx, &history.person, &entry, change)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();

    let body = page(&app, &format!("/verify/{number}"), StatusCode::OK).await;
    let today =
        sathach::vocab::display_date(&sathach::clock::local_date(sathach::clock::now_ms()).iso());
    for shown in [
        "Đã thu hồi",
        "Revoked",
        &format!("Chứng chỉ đã bị thu hồi ngày {today}, lý do: vi phạm quy chế thi."),
        number.as_str(),
    ] {
        assert!(body.contains(shown), "{shown:?} on the page");
    }
    assert!(!body.contains("Còn hiệu lực"));
    assert!(
        !body.contains("Trần Văn Khoa"),
        "the reason as written is not shown"
    );
}

#[tokio::test]
async fn a_replaced_certificate_links_to_its_successor_and_an_expired_one_says_since_when() {
    let app = spawn_app_with_demo().await;
    let (history, (first_id, first, _)) = profile_holder(&app).await;
    passes(&app, &history, &[("ICDL-OE", "TT-C", "2026-03-09")]).await;
    let now = held(&app, &history.person).await;
    assert_eq!(
        now.len(),
        2,
        "the profile is issued again with both modules"
    );
    let (_, second, _) = &now[1];

    let body = page(&app, &format!("/verify/{first}"), StatusCode::OK).await;
    assert!(body.contains("Đã được thay thế") && body.contains("Replaced"));
    assert!(
        body.contains(&format!(
            r#"Đã được thay bằng chứng chỉ số <a href="/verify/{second}">{second}</a>"#
        )),
        "{body}"
    );
    let body = page(&app, &format!("/verify/{second}"), StatusCode::OK).await;
    assert!(body.contains("Còn hiệu lực") && body.contains("ICDL-OE") && body.contains("ICDL-CE"));

    // The shipped catalog sets no validity: a certificate past an expiry of its own.
    let expired = "EXP0-0000-0001";
    sqlx::query(
        "INSERT INTO certificates (id, number, register_number, person_id, certificate,
                                   issuer_id, issued_on, expires_on, holder_name,
                                   holder_birth_date, holder_id_tail, modules, basis, created_at)
         SELECT 'expired', $1, 'TT-B-2018-00001', person_id, certificate, issuer_id,
                '2018-01-02', '2020-01-01', holder_name, holder_birth_date, holder_id_tail,
                modules, basis, created_at
         FROM certificates WHERE id = $2",
    )
    .bind(expired)
    .bind(&first_id)
    .execute(&app.db.write)
    .await
    .unwrap();
    let body = page(&app, &format!("/verify/{expired}"), StatusCode::OK).await;
    for shown in [
        "Hết hạn",
        "Expired",
        "Chứng chỉ đã hết hạn ngày 01/01/2020.",
        "TT-B-2018-00001",
    ] {
        assert!(body.contains(shown), "{shown:?} on the page");
    }
    assert!(!body.contains("Còn hiệu lực"));
}

#[tokio::test]
async fn lookups_beyond_the_budget_of_an_address_wait_with_429_and_retry_after() {
    let app = spawn_app_with(|s| {
        s.verify_per_minute = 3;
        s.proxy.trusted = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let from = |who: &'static str| {
        let client = app.client.clone();
        let url = app.url("/verify/AAAA-BBBB-CCCC");
        async move {
            client
                .get(url)
                .header("X-Forwarded-For", who)
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..3 {
        assert_eq!(from("203.0.113.5").await.status(), StatusCode::NOT_FOUND);
    }
    let refused = from("203.0.113.5").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    unlisted(&refused);
    let wait: i64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body = refused.text().await.unwrap();
    assert!(body.contains("Bạn đã tra cứu quá nhiều lần"), "{body}");
    assert!(body.contains(&format!("thử lại sau {wait} giây")));
    // Another address has its own budget; the empty form is not a look-up.
    assert_eq!(from("198.51.100.7").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/verify").await.status(), StatusCode::OK);
}
