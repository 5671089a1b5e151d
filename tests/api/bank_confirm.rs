//! Confirming an import: the confirm page's preview (the bank, its counts by type, its first
//! questions as candidates see them, key corrections only for a bank that exists), counts by
//! type in every format's report, the item list's rendered stems, the format help page and the
//! shipped banks marked as shipped with sathach.

use reqwest::StatusCode;

use crate::{
    banks::{fixture_toml, zip_with},
    cli::{sathach, text},
    helpers::{MANAGER, TestApp, location, spawn_app, spawn_app_with_demo},
};

/// Uploads a bank as a .zip; the report page, which must offer the import.
async fn upload(app: &TestApp, bytes: Vec<u8>) -> String {
    let (status, html) = app.upload_bank("bank.zip", bytes, &[]).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    html
}

/// The pending upload's id, from the confirm form's address.
fn pending_id(html: &str) -> String {
    let start = html.find("/confirm\"").expect("confirm form") - 36;
    html[start..start + 36].to_string()
}

#[tokio::test]
async fn the_confirm_page_previews_the_bank_and_its_first_questions_without_keys() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let toml = fixture_toml().replace(
        "title = \"Ngân hàng thử: mọi loại câu hỏi\"",
        "title = \"Ngân hàng thử <b>mọi loại</b>\"",
    );
    let html = upload(&app, zip_with(&toml)).await;
    // The bank: code, title (escaped), module with its name.
    assert!(html.contains("<dd>TEST-ALL</dd>"), "{html}");
    assert!(
        html.contains("Ngân hàng thử &#60;b&#62;mọi loại&#60;/b&#62;"),
        "{html}"
    );
    assert!(
        html.contains("<dd>IU01 Hiểu biết về CNTT cơ bản</dd>"),
        "{html}"
    );
    // Counts by type, in the types' order.
    let counts = &html[html.find("id=\"counts\"").expect("counts table")..];
    let counts = &counts[..counts.find("</table>").unwrap()];
    assert!(
        counts.contains("<td>Trắc nghiệm một đáp án</td><td class=\"num\">1</td>"),
        "{counts}"
    );
    assert_eq!(counts.matches("<tr><td>").count(), 8, "{counts}");
    // The first five questions, rendered, without their keys.
    assert!(
        html.contains("5 câu hỏi đầu tiên (trong tổng số 8 câu)"),
        "{html}"
    );
    for id in ["T-001", "T-002", "T-003", "T-004", "T-005"] {
        assert!(html.contains(&format!("Mã câu {id}</h3>")), "{id}: {html}");
    }
    assert!(!html.contains("T-006"), "only the first five");
    assert!(
        html.contains("<strong>thiết bị nhập</strong>"),
        "Markdown rendered"
    );
    assert!(!html.contains("**thiết bị nhập**"));
    assert!(
        !html.contains('✓') && !html.contains("class=\"key\""),
        "no key: {html}"
    );
    assert!(!html.contains("eGov"), "no accepted answer");
    // The picture is served from the pending upload, to its uploader.
    let id = pending_id(&html);
    let prefix = format!("src=\"/banks/upload/{id}/media/");
    let at = html.find(&prefix).expect("picture from the upload") + 5;
    let src = &html[at..at + prefix.len() - 5 + 64];
    let picture = app.get(src).await;
    assert_eq!(picture.status(), StatusCode::OK);
    assert_eq!(picture.headers()["content-type"], "image/png");
    assert_eq!(
        app.get(&src.replace(&id, &uuid_like())).await.status(),
        StatusCode::NOT_FOUND
    );
    // A new bank: no key correction to offer.
    assert!(html.contains("xác nhận sẽ tạo ngân hàng mới"), "{html}");
    assert!(!html.contains("name=\"key_correction\""), "{html}");

    let res = app
        .post_form(&format!("/banks/upload/{id}/confirm"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let bank_page = location(&res);
    // The same code again: the bank exists, key corrections are offered.
    let html = upload(&app, zip_with(&toml)).await;
    assert!(
        html.contains("Đơn vị đã có ngân hàng mang mã này (8 câu hỏi, 1 phiên bản)"),
        "{html}"
    );
    assert!(html.contains("name=\"key_correction\""), "{html}");
    let bank_id = bank_page.split('?').next().unwrap();
    assert!(
        html.contains(&format!("href=\"{bank_id}\"")),
        "links the existing bank"
    );
}

fn uuid_like() -> String {
    "00000000-0000-4000-8000-000000000000".to_string()
}

#[tokio::test]
async fn the_item_list_shows_stems_rendered_not_markdown() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let html = upload(&app, zip_with(&fixture_toml())).await;
    let id = pending_id(&html);
    let res = app
        .post_form(&format!("/banks/upload/{id}/confirm"), &[])
        .await;
    let page = app.get_text(&location(&res)).await;
    assert!(
        page.contains("Thiết bị nào sau đây là thiết bị nhập?"),
        "{page}"
    );
    assert!(
        !page.contains("**thiết bị nhập**") && !page.contains("![Máy tính"),
        "{page}"
    );
}

#[test]
fn every_format_counts_its_items_by_type_in_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("de.csv");
    std::fs::write(
        &csv,
        "Mã ngân hàng,IU01-CSV\nTên ngân hàng,Thử\nMô đun,IU01\n\n\
         Mã câu,Loại,Chủ đề,Mức độ,Điểm,Câu hỏi,A,B,C,D,Đáp án\n\
         C1,,IU01.1,NB,1,Thiết bị nhập?,Bàn phím,Loa,,,A\n\
         C2,,IU01.1,NB,1,Thiết bị xuất?,Màn hình,Bàn phím,Loa,,\"A, C\"\n\
         C3,Đúng/Sai,IU01.5,NB,1,Sao chép phần mềm để bán là vi phạm.,,,,,Đúng\n",
    )
    .unwrap();
    let cases = [
        (
            format!(
                "{}/tests/fixtures/banks/all-types/bank.toml",
                env!("CARGO_MANIFEST_DIR")
            ),
            "Single choice 1, Multiple response 1, True/false 1",
            ("single", 1),
        ),
        (
            format!(
                "{}/question_banks/mau-ngan-hang-cau-hoi.docx",
                env!("CARGO_MANIFEST_DIR")
            ),
            "by type: Single choice 4, Multiple response 1",
            ("grouped_true_false", 2),
        ),
        (
            csv.display().to_string(),
            "by type: Single choice 1, Multiple response 1, True/false 1",
            ("true_false", 1),
        ),
    ];
    for (path, summary, (kind, n)) in cases {
        let out = sathach(dir.path(), &["bank", "check", &path, "--lang", "en"]);
        assert!(out.status.success(), "{}", text(&out));
        assert!(text(&out).contains(summary), "{path}: {}", text(&out));
        let out = sathach(
            dir.path(),
            &["bank", "check", &path, "--format", "json", "--lang", "en"],
        );
        let reports: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(reports[0]["counts"][kind], n, "{path}: {reports}");
        let total: u64 = reports[0]["counts"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(total, reports[0]["items"].as_u64().unwrap(), "{path}");
    }
}

#[tokio::test]
async fn the_format_help_is_a_page_of_the_application() {
    let app = spawn_app().await;
    // Public: teachers who write banks read it without an account.
    let res = app.get("/help/banks").await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<h1>Cách viết tệp ngân hàng câu hỏi</h1>"),
        "{html}"
    );
    assert!(
        html.contains("<h3 id=\"word-docx\">Word (.docx)</h3>"),
        "the README rendered"
    );
    assert!(html.contains("href=\"#word-docx\""), "a table of contents");
    assert!(html.contains("<table>"), "the README's tables");
    assert!(html.contains("href=\"/banks/template.docx\""));
    assert!(
        html.contains("<div class=\"guide\" lang=\"en\">"),
        "the README is English"
    );
    app.post_form("/lang", &[("lang", "en"), ("back", "/help/banks")])
        .await;
    let en = app.get_text("/help/banks").await;
    assert!(en.contains("<h1>Writing a question bank file</h1>"), "{en}");
}

#[tokio::test]
async fn the_upload_page_links_the_help_and_shipped_banks_are_marked() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let list = app.get_text("/banks").await;
    assert!(list.contains("href=\"/help/banks\""), "{list}");
    assert!(
        list.contains("đủ số câu cho đề thi chứng chỉ và đã được thẩm định từng câu"),
        "{list}"
    );
    let row = &list[list.find("IU01-MAU").expect("the shipped bank")..];
    assert!(
        row[..row.find("</td>").unwrap()].contains("<span class=\"tag\">đi kèm</span>"),
        "{row}"
    );
    let href = list[..list.find(">IU01-MAU<").unwrap()]
        .rsplit("href=\"")
        .next()
        .unwrap()
        .trim_end_matches('"')
        .to_string();
    let page = app.get_text(&href).await;
    assert!(page.contains("Đây là ngân hàng đi kèm phần mềm"), "{page}");

    // A centre's own bank carries no such notice.
    let html = upload(&app, zip_with(&fixture_toml())).await;
    let id = pending_id(&html);
    assert!(!html.contains("Đây là ngân hàng đi kèm"));
    let res = app
        .post_form(&format!("/banks/upload/{id}/confirm"), &[])
        .await;
    let own = app.get_text(&location(&res)).await;
    assert!(!own.contains("Đây là ngân hàng đi kèm"), "{own}");
}

/// The upload, the confirm page with its preview, the help page and a shipped bank's pages, in
/// a browser: no axe-core violations.
#[tokio::test]
async fn the_confirm_help_and_sample_pages_pass_axe() {
    use fantoccini::Locator;

    use crate::{
        browser::{axe_source, browser, click, no_axe_violations, wait_for_text},
        browser_practical::staff_signed_in,
    };
    let test = "the_confirm_help_and_sample_pages_pass_axe";
    let Some((_driver, client)) = browser(test, true).await else {
        return;
    };
    let axe = axe_source();
    let app = spawn_app_with_demo().await;
    staff_signed_in(&client, &app, Some(&axe), MANAGER).await;
    for page in ["/banks", "/help/banks"] {
        client.goto(&app.url(page)).await.unwrap();
        no_axe_violations(&client, Some(&axe), page).await;
    }
    client.goto(&app.url("/banks")).await.unwrap();
    client
        .find(Locator::LinkText("IU01-MAU"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&client, "main", "Đây là ngân hàng đi kèm").await;
    no_axe_violations(&client, Some(&axe), "a shipped bank").await;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bank.zip");
    std::fs::write(&file, zip_with(&fixture_toml())).unwrap();
    client.goto(&app.url("/banks")).await.unwrap();
    client
        .find(Locator::Css("#file"))
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    click(
        &client,
        "form[enctype='multipart/form-data'] button[type=submit]",
    )
    .await;
    wait_for_text(&client, "main", "5 câu hỏi đầu tiên").await;
    no_axe_violations(&client, Some(&axe), "the confirm page").await;
    client.close().await.unwrap();
}
