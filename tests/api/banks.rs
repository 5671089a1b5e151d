//! Question banks through the pages: upload, report, confirm, versions, key corrections,
//! previews, media, scoping; all-or-nothing imports.

use std::io::Write;

use reqwest::{StatusCode, multipart};

use crate::helpers::{MANAGER, PROCTOR, TestApp, location, spawn_app_with, spawn_app_with_demo};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/banks/all-types"
);

pub fn fixture_toml() -> String {
    std::fs::read_to_string(format!("{FIXTURE}/bank.toml")).unwrap()
}

/// The fixture bank (with its picture) as a .zip, with the bank text replaced by `toml`.
pub fn zip_with(toml: &str) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    out.start_file("bank/bank.toml", options).unwrap();
    out.write_all(toml.as_bytes()).unwrap();
    out.start_file("bank/media/may-tinh.png", options).unwrap();
    out.write_all(&std::fs::read(format!("{FIXTURE}/media/may-tinh.png")).unwrap())
        .unwrap();
    out.finish().unwrap().into_inner()
}

async fn upload(
    app: &TestApp,
    name: &str,
    bytes: Vec<u8>,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let token = app.csrf().await;
    let mut form = multipart::Form::new().part(
        "file",
        multipart::Part::bytes(bytes).file_name(name.to_string()),
    );
    for (k, v) in extra {
        form = form.text(k.to_string(), v.to_string());
    }
    app.client
        .post(app.url(&format!("/banks/upload?csrf={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Uploads and confirms; returns the confirm response.
async fn upload_and_confirm(
    app: &TestApp,
    bytes: Vec<u8>,
    confirm: &[(&str, &str)],
) -> reqwest::Response {
    let res = upload(app, "bank.zip", bytes, &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    let start = html.find("/banks/upload/").expect("confirm form") + "/banks/upload/".len();
    let id = &html[start..start + 36];
    app.post_form(&format!("/banks/upload/{id}/confirm"), confirm)
        .await
}

#[tokio::test]
async fn a_manager_uploads_checks_and_confirms_a_bank_with_pictures() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let res = upload(&app, "bank.zip", zip_with(&fixture_toml()), &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("Tệp hợp lệ: 8 câu hỏi"), "{html}");
    let banks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM banks WHERE code = 'TEST-ALL'")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    assert_eq!(banks, 0, "nothing is imported before the manager confirms");

    let res = upload_and_confirm(&app, zip_with(&fixture_toml()), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = location(&res);
    assert!(page.ends_with("?imported=1"), "{page}");
    let html = app.get_text(&page).await;
    assert!(
        html.contains("Đã nhập ngân hàng: phiên bản 1")
            && html.contains("Hiển thị 8 trên 8 câu hỏi"),
        "{html}"
    );

    let filtered = app
        .get_text(&format!(
            "{}&kind=matching",
            page.replace("?imported=1", "?version=1")
        ))
        .await;
    assert!(filtered.contains("Hiển thị 1 trên 8 câu hỏi"), "{filtered}");

    let preview_link = html
        .split("href=\"")
        .find(|s| s.contains("/items/"))
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let preview = app.get_text(&preview_link).await;
    assert!(
        preview.contains("<strong>thiết bị nhập</strong>"),
        "Markdown rendered"
    );
    assert!(preview.contains("✓ Đáp án"), "staff see the key");
    let src_start = preview
        .find("src=\"/media/")
        .expect("picture served from media")
        + 5;
    let src = &preview[src_start..src_start + 7 + 64];
    let picture = app.get(src).await;
    assert_eq!(picture.status(), StatusCode::OK);
    assert_eq!(picture.headers()["content-type"], "image/png");
    assert!(
        picture.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
}

#[tokio::test]
async fn the_same_file_again_changes_nothing_and_an_edit_makes_version_2() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    upload_and_confirm(&app, zip_with(&fixture_toml()), &[]).await;
    let res = upload_and_confirm(&app, zip_with(&fixture_toml()), &[]).await;
    assert!(location(&res).ends_with("?imported=0"));
    assert!(
        app.get_text(&location(&res))
            .await
            .contains("Nội dung không thay đổi")
    );

    let edited = fixture_toml().replace(
        "Theo quy ước nhị phân, 2 KB",
        "Theo quy ước nhị phân (1 KB = 1024 byte), 2 KB",
    );
    let res = upload_and_confirm(&app, zip_with(&edited), &[]).await;
    assert!(
        location(&res).ends_with("?imported=2"),
        "{}",
        location(&res)
    );
    let versions: Vec<i64> = sqlx::query_scalar(
        "SELECT iv.number FROM item_versions iv JOIN items i ON i.id = iv.item_id WHERE i.native_id = 'T-006' ORDER BY iv.number",
    )
    .fetch_all(&app.db.read)
    .await
    .unwrap();
    assert_eq!(versions, vec![1, 2], "the old version stays");
}

#[tokio::test]
async fn a_key_change_needs_an_explicit_key_correction_and_keeps_the_old_version() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    upload_and_confirm(&app, zip_with(&fixture_toml()), &[]).await;
    let body_v1: String = sqlx::query_scalar(
        "SELECT iv.body FROM item_versions iv JOIN items i ON i.id = iv.item_id WHERE i.native_id = 'T-003'",
    )
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    let rekeyed = fixture_toml().replace("answer = true", "answer = false");

    let res = upload_and_confirm(&app, zip_with(&rekeyed), &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("câu hỏi T-003: chỉ có đáp án thay đổi"),
        "the page speaks the manager's language: {html}"
    );
    let versions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bank_versions v JOIN banks b ON b.id = v.bank_id WHERE b.code = 'TEST-ALL'").fetch_one(&app.db.read).await.unwrap();
    assert_eq!(versions, 1, "nothing imported");

    let res = upload_and_confirm(
        &app,
        zip_with(&rekeyed),
        &[("key_correction", "1"), ("reason", "Đáp án ghi nhầm")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (flag, reason): (i64, Option<String>) = sqlx::query_as(
        "SELECT iv.key_correction, iv.reason FROM item_versions iv JOIN items i ON i.id = iv.item_id
         WHERE i.native_id = 'T-003' AND iv.number = 2",
    )
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert_eq!((flag, reason.as_deref()), (1, Some("Đáp án ghi nhầm")));
    let still: String = sqlx::query_scalar(
        "SELECT iv.body FROM item_versions iv JOIN items i ON i.id = iv.item_id WHERE i.native_id = 'T-003' AND iv.number = 1",
    )
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert_eq!(still, body_v1, "version 1 is never modified");
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'banks.key_correction'",
    )
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn a_file_with_any_error_imports_nothing_and_says_where() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let broken = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/banks/broken.toml"
    ))
    .unwrap();
    let res = upload(&app, "broken.toml", broken.clone(), &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("broken.toml:12: lỗi: câu hỏi B-001 chưa có đáp án: hãy đánh dấu phương án đúng bằng correct = true"),
        "Vietnamese by default: {html}"
    );
    assert!(html.contains("có phải ý bạn là `correct`?"), "{html}");
    assert!(!html.contains("has no answer key"), "{html}");
    assert!(
        !html.contains("/confirm"),
        "no way to confirm a broken file"
    );

    app.post_form("/lang", &[("lang", "en"), ("back", "/banks")])
        .await;
    let html = upload(&app, "broken.toml", broken, &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("broken.toml:12: error: item B-001 has no answer key"),
        "{html}"
    );
    assert!(html.contains("did you mean `correct`?"));
    app.post_form("/lang", &[("lang", "vi"), ("back", "/banks")])
        .await;

    // The bank text without its picture: the stem refers to media the upload lacks.
    let res = upload(&app, "bank.toml", fixture_toml().into_bytes(), &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(
            "hình media/may-tinh.png không phải là tệp trong thư mục media/ của ngân hàng này"
        ),
        "{html}"
    );
    let banks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM banks WHERE code = 'TEST-ALL'")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    assert_eq!(banks, 0);
}

#[tokio::test]
async fn encodings_and_sizes_are_explained() {
    let app = spawn_app_with(|s| s.upload_limit_bytes = 2048).await;
    sathach::demo::load(&app.db).await.unwrap();
    app.signed_in_as(MANAGER).await;
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("[bank]".encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    let html = upload(&app, "utf16.toml", utf16, &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("UTF-16"), "{html}");
    let big = format!("# {}\n", "đệm ".repeat(1000));
    let res = upload(&app, "big.toml", big.into_bytes(), &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Tệp lớn hơn giới hạn 2 KB"), "{html}");
}

#[tokio::test]
async fn banks_are_seen_only_by_their_centre_and_the_department() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let page = location(&upload_and_confirm(&app, zip_with(&fixture_toml()), &[]).await);
    let bank_page = page.split('?').next().unwrap().to_string();

    let admin = app.another_browser();
    admin.signed_in_as(crate::helpers::ADMIN).await;
    assert_eq!(admin.get(&bank_page).await.status(), StatusCode::OK);
    assert!(admin.get_text("/banks").await.contains("TEST-ALL"));

    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    assert_eq!(proctor.get("/banks").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        proctor.get(&bank_page).await.status(),
        StatusCode::FORBIDDEN
    );

    let other = app
        .browser_for_new_account(
            "TT-HONGHA",
            sathach::accounts::model::Role::CentreManager,
            "ql2@hongha.vn",
        )
        .await;
    assert_eq!(other.get(&bank_page).await.status(), StatusCode::NOT_FOUND);
    assert!(!other.get_text("/banks").await.contains("TEST-ALL"));
}
