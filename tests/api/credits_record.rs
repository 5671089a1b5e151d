//! A person's credit record through its pages: an earlier certificate counting through an
//! equivalence (A/B/C before 10/08/2016 + three advanced modules → the advanced certificate,
//! and no basic certificate issued by sathach), one issued too late or with a bad scan
//! refused with nothing stored, and revoking a module for misconduct revokes the certificate.

use reqwest::StatusCode;

use crate::{
    credits::certificates,
    credits_fixture::{approve, history, passes},
    helpers::{ADMIN, MANAGER, TestApp, location, spawn_app_with_demo},
};

/// The first bytes of a PNG: what the type check reads.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

/// Posts the earlier-certificate form with a scan; the status, the page (or redirect).
pub async fn record_earlier(
    browser: &TestApp,
    person: &str,
    fields: &[(&str, &str)],
    scan: (&str, Vec<u8>),
) -> (StatusCode, String) {
    let token = browser.csrf().await;
    let path = format!("/people/{person}/credits/earlier?csrf={token}");
    browser.post_file(&path, scan, fields).await
}

fn abc(issued_on: &str) -> [(&'static str, &str); 4] {
    [
        ("equivalence", "CNTT-ABC"),
        ("number", "B-123456"),
        ("issuer", "Trung tâm Tin học Bách Khoa"),
        ("issued_on", issued_on),
    ]
}

/// The demo admin, signed in on a browser of their own.
pub async fn admin(app: &TestApp) -> TestApp {
    let admin = app.another_browser();
    admin.signed_in_as(ADMIN).await;
    admin
}

#[tokio::test]
async fn an_earlier_abc_certificate_and_three_advanced_modules_issue_the_advanced_certificate() {
    let app = spawn_app_with_demo().await;
    let history = history(&app).await;
    let admin = admin(&app).await;
    let (status, _) = record_earlier(
        &admin,
        &history.person,
        &abc("15/06/2015"),
        ("bang-b.png", PNG.to_vec()),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        certificates(&app, &history.person).await.is_empty(),
        "the basic certificate is theirs already: sathach does not issue it again"
    );
    passes(
        &app,
        &history,
        &[
            ("IU07", "TT-B", "2026-03-02"),
            ("IU08", "TT-B", "2026-03-09"),
            ("IU10", "TT-C", "2026-04-06"),
        ],
    )
    .await;
    let held: Vec<(String, i64)> = certificates(&app, &history.person)
        .await
        .into_iter()
        .map(|(code, _, _, in_force)| (code, in_force))
        .collect();
    assert_eq!(held, [("TT03-NC".to_string(), 1)]);
    let audited = app
        .count("SELECT COUNT(*) FROM audit_events WHERE action = 'credits.earlier_record'")
        .await;
    assert_eq!(audited, 1);

    let page = admin
        .get_text(&format!("/people/{}/credits", history.person))
        .await;
    assert!(page.contains("Chứng chỉ ứng dụng công nghệ thông tin nâng cao"));
    assert!(!page.contains("Chứng chỉ ứng dụng công nghệ thông tin cơ bản<"));
    assert!(page.contains("6 tín chỉ"), "three advanced modules, 2 each");
    assert!(page.contains("Ghi nhận chứng chỉ đã có: Chứng chỉ ứng dụng tin học trình độ A, B, C"));
    assert!(page.contains("B-123456") && page.contains("Trung tâm Tin học Bách Khoa"));
    assert!(page.contains("Đạt mô đun IU07"));
    let number: String = sqlx::query_scalar("SELECT number FROM certificates")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    assert!(page.contains(&format!("href=\"/verify/{number}\"")));

    // The scan opens for staff, never through the public pictures' address.
    let start = page.find("/credits/earlier/").expect("a scan link");
    let end = start + page[start..].find('"').unwrap();
    let scan = admin
        .get(&format!("/people/{}{}", history.person, &page[start..end]))
        .await;
    assert_eq!(scan.status(), StatusCode::OK);
    assert_eq!(scan.headers()["content-type"], "image/png");
    assert_eq!(scan.bytes().await.unwrap().as_ref(), PNG);
    let sha: String = sqlx::query_scalar("SELECT scan_sha256 FROM earlier_certificates")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    assert_eq!(
        admin.get(&format!("/media/{sha}")).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_abc_certificate_issued_too_late_or_a_bad_scan_is_refused_with_nothing_stored() {
    let app = spawn_app_with_demo().await;
    let history = history(&app).await;
    let admin = admin(&app).await;
    let person = &history.person;
    let (status, page) =
        record_earlier(&admin, person, &abc("20/09/2016"), ("b.png", PNG.to_vec())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains(
            "Chứng chỉ ứng dụng tin học trình độ A, B, C chỉ được công nhận khi cấp trước ngày \
             10/08/2016; chứng chỉ này cấp ngày 20/09/2016."
        ),
        "{page}"
    );
    assert!(page.contains("value=\"B-123456\""), "the form is kept");

    let text = b"Day khong phai tep PDF".to_vec();
    let (status, page) = record_earlier(&admin, person, &abc("15/06/2015"), ("b.pdf", text)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Tệp bản chụp phải là PDF, JPEG hoặc PNG"),
        "{page}"
    );

    let (status, page) = record_earlier(&admin, person, &abc("15/06/2015"), ("", vec![])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Chọn tệp bản chụp chứng chỉ"), "{page}");

    let mut huge = PNG.to_vec();
    huge.resize(10 * 1024 * 1024 + 1, 0);
    let (status, page) = record_earlier(&admin, person, &abc("15/06/2015"), ("b.png", huge)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Tệp bản chụp lớn hơn 10 MB"), "{page}");

    let fields = [
        ("equivalence", "CNTT-XYZ"),
        ("number", ""),
        ("issuer", "Nơi cấp"),
        ("issued_on", "31/02/2015"),
    ];
    let (status, page) = record_earlier(&admin, person, &fields, ("b.png", PNG.to_vec())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Chọn loại chứng chỉ trong danh sách.",
        "Nhập số hiệu chứng chỉ.",
        "Nhập ngày cấp theo dạng ngày/tháng/năm",
    ] {
        assert!(page.contains(message), "{message}: {page}");
    }
    for table in ["earlier_certificates", "credit_entries", "certificates"] {
        let n = app.count(&format!("SELECT COUNT(*) FROM {table}")).await;
        assert_eq!(n, 0, "{table}");
    }
    let media = app.count("SELECT COUNT(*) FROM media").await;
    let (status, _) =
        record_earlier(&admin, person, &abc("15/06/2015"), ("b.png", PNG.to_vec())).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT COUNT(*) FROM media").await, media + 1);
    let (status, page) =
        record_earlier(&admin, person, &abc("15/06/2015"), ("b.png", PNG.to_vec())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Chứng chỉ số này đã được ghi nhận"), "{page}");
}

/// The ledger line of a module on the record page: its revoke link's entry id.
pub fn revoke_link(page: &str, module: &str) -> Option<String> {
    let row = page
        .split("<tr class=\"ledger-earned\"")
        .find(|row| row.contains(&format!("Đạt mô đun {module}")))?;
    let row = &row[..row.find("</tr>")?];
    let start = row.find("/credits/entries/")? + "/credits/entries/".len();
    Some(row[start..start + 36].to_string())
}

#[tokio::test]
async fn revoking_a_module_for_misconduct_revokes_the_certificate() {
    let app = spawn_app_with_demo().await;
    let history = history(&app).await;
    approve(&app, &history.session).await;
    passes(
        &app,
        &history,
        &[
            ("IU02", "TT-B", "2026-03-02"),
            ("IU03", "TT-B", "2026-03-09"),
            ("IU04", "TT-C", "2026-04-06"),
            ("IU06", "TT-C", "2026-04-20"),
            ("IU05", "TT-D", "2026-05-04"),
        ],
    )
    .await;
    assert_eq!(certificates(&app, &history.person).await.len(), 1);
    let record = format!("/people/{}/credits", history.person);

    // The demo centre's manager may revoke the module examined there, not one examined elsewhere.
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let page = manager.get_text(&record).await;
    assert!(revoke_link(&page, "IU05").is_none(), "examined at TT-D");
    let own = revoke_link(&page, "IU01").expect("examined at the demo centre");
    let admin = admin(&app).await;
    let page = admin.get_text(&record).await;
    let entry = revoke_link(&page, "IU05").expect("an admin may revoke any line");
    let path = format!("{record}/entries/{entry}/revoke");
    assert_eq!(manager.get(&path).await.status(), StatusCode::NOT_FOUND);
    let refused = manager
        .post_form(&path, &[("cause", "misconduct"), ("reason", "x")])
        .await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        manager
            .get(&format!("{record}/entries/{own}/revoke"))
            .await
            .status(),
        StatusCode::OK
    );

    let form = admin.get_text(&path).await;
    assert!(form.contains("Vi phạm quy chế thi") && form.contains("IU05"));
    let res = admin
        .post_form(&path, &[("cause", "misconduct"), ("reason", " ")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Nhập giải trình cho việc thu hồi.")
    );
    let reason = "Quyết định 12/QĐ-SGDĐT: sử dụng tài liệu trong phòng thi";
    let res = admin
        .post_form(&path, &[("cause", "misconduct"), ("reason", reason)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with(&format!("{record}?notice=credit.revoke.done")));

    let (cause, why): (String, String) = sqlx::query_as(
        "SELECT cr.cause, cr.reason FROM certificate_revocations cr
         JOIN certificates c ON c.id = cr.certificate_id WHERE c.person_id = $1",
    )
    .bind(&history.person)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert_eq!((cause.as_str(), why.as_str()), ("misconduct", reason));
    let audited = app
        .count("SELECT COUNT(*) FROM audit_events WHERE action = 'credits.revoke'")
        .await;
    assert_eq!(audited, 1);
    let page = admin
        .get_text(&format!("{record}?notice=credit.revoke.done"))
        .await;
    assert!(page.contains("Đã thu hồi. Chứng chỉ của thí sinh đã được cập nhật theo."));
    assert!(page.contains("Thu hồi mô đun IU05"));
    assert!(page.contains(&format!("Vi phạm quy chế thi</strong>: {reason}")));
    assert!(page.contains("data-state=\"credit.state.revoked\""));
    assert!(page.contains("5 tín chỉ"), "IU05 no longer counts");
    assert!(revoke_link(&page, "IU05").is_none(), "revoked once");
    // Revoking the same line again finds nothing to revoke.
    let again = admin
        .post_form(&path, &[("cause", "misconduct"), ("reason", reason)])
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}
