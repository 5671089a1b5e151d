//! The practical scores page in headless Chromium: the board signs in, picks a file in the
//! page's upload form and submits it; a refused file lists its rows in the error summary, a
//! good one is entered; axe-core finds nothing on either page.

use fantoccini::{Client, Locator};

use crate::{
    browser::{axe_source, browser, click, no_axe_violations, wait_for_text},
    helpers::{MANAGER, TestApp, spawn_app_with_demo},
    practical::sat,
};

/// Signs a member of staff in through the sign-in page.
pub(crate) async fn staff_signed_in(
    client: &Client,
    app: &TestApp,
    axe: Option<&str>,
    (email, password): (&str, &str),
) {
    client.goto(&app.url("/sign-in")).await.unwrap();
    no_axe_violations(client, axe, "staff sign-in").await;
    for (css, text) in [("#email", email), ("#password", password)] {
        client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }
    click(client, "main button[type=submit]").await;
    wait_for_text(client, "main h1", "Xin chào").await;
}

/// Picks a file in the upload form and submits it.
async fn upload(client: &Client, path: &std::path::Path) {
    client
        .find(Locator::Css("#practical-file"))
        .await
        .unwrap()
        .send_keys(path.to_str().unwrap())
        .await
        .unwrap();
    click(
        client,
        "form[enctype='multipart/form-data'] button[type=submit]",
    )
    .await;
}

#[tokio::test]
async fn a_file_of_scores_is_uploaded_through_the_page_and_both_pages_pass_axe() {
    let test = "a_file_of_scores_is_uploaded_through_the_page_and_both_pages_pass_axe";
    let Some((_driver, client)) = browser(test, true).await else {
        return;
    };
    let axe = axe_source();
    let app = spawn_app_with_demo().await;
    let (session, first, _) = sat(&app).await;
    let number: String = sqlx::query_scalar("SELECT candidate_number FROM attempts WHERE id = $1")
        .bind(&first)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    staff_signed_in(&client, &app, None, MANAGER).await;
    let page = format!("/sessions/{session}/practical");
    client.goto(&app.url(&page)).await.unwrap();
    no_axe_violations(&client, Some(&axe), &page).await;

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("diem-sai.csv");
    std::fs::write(
        &bad,
        format!("Số báo danh,Điểm,Giám khảo\n{number},12,GK A\n"),
    )
    .unwrap();
    upload(&client, &bad).await;
    let summary = wait_for_text(&client, ".error-summary", "Chưa nhập điểm nào").await;
    assert!(
        summary.contains("Dòng 2: Điểm 12 ngoài khoảng từ 0 đến 10."),
        "{summary}"
    );
    no_axe_violations(&client, Some(&axe), "practical page, file refused").await;

    let good = dir.path().join("diem.csv");
    std::fs::write(
        &good,
        format!("Số báo danh,Điểm,Giám khảo\n{number},6,GK A\n"),
    )
    .unwrap();
    upload(&client, &good).await;
    wait_for_text(&client, ".notice", "Đã nhập 1 điểm từ tệp").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM practical_entries").await, 1);
    client.close().await.unwrap();
}
