//! The blueprint builder in headless Chromium with JavaScript: banks, sections and a practical
//! part are added in place (no page load), a section's matching count follows its pickers, a
//! shortage is shown at its field, and the saved blueprint is stored; axe-core finds nothing
//! on the builder, with and without errors. Without JavaScript every button posts the form and
//! the same blueprint is built page by page.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::{
    browser::{axe_source, browser, click, no_axe_violations, wait_for_text},
    browser_practical::staff_signed_in,
    helpers::{MANAGER, shipped_items, spawn_app_with_demo},
};

/// Waits (up to five seconds) until an element is on the page.
async fn wait_for(client: &Client, css: &str) {
    for _ in 0..50 {
        if client.find(Locator::Css(css)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never appeared");
}

async fn type_into(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn script(client: &Client, js: &str) -> serde_json::Value {
    client.execute(js, vec![]).await.unwrap()
}

/// Waits until an element's text differs from `before`.
async fn wait_for_change(client: &Client, css: &str, before: &str) -> String {
    for _ in 0..50 {
        let now = text_of(client, css).await;
        if now != before {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} still says {before:?}");
}

async fn choose_module(client: &Client, section: &str, module: &str) {
    let css = format!("#{section}-module");
    let select = client.find(Locator::Css(&css)).await.unwrap();
    select.select_by_value(module).await.unwrap();
    let topic = format!("#{section}-topics input[value='{module}.2']");
    wait_for(client, &topic).await;
}

#[tokio::test]
async fn with_javascript_a_blueprint_is_built_in_place_and_the_builder_passes_axe() {
    let test = "with_javascript_a_blueprint_is_built_in_place_and_the_builder_passes_axe";
    let Some((_driver, client)) = browser(test, true).await else {
        return;
    };
    let axe = axe_source();
    let app = spawn_app_with_demo().await;
    staff_signed_in(&client, &app, None, MANAGER).await;
    client.goto(&app.url("/blueprints/new")).await.unwrap();
    no_axe_violations(&client, Some(&axe), "/blueprints/new").await;
    // A page load would forget this.
    script(&client, "window.sameLoad = true;").await;

    type_into(&client, "#code", "TIN-HOC-JS").await;
    type_into(&client, "#title", "Thi thử có JavaScript").await;
    click(&client, "#banks input[value='IU01-MAU']").await;
    wait_for_text(&client, "#modules", "IU01").await;
    click(&client, "#banks input[value='IU03-MAU']").await;
    wait_for_text(&client, "#modules", "IU03").await;

    type_into(&client, "#p0-s0-title", "Máy tính").await;
    let before = text_of(&client, "#p0-s0-matches").await;
    click(&client, "#p0-s0-topics input[value='IU01.1']").await;
    let after = wait_for_change(&client, "#p0-s0-matches", &before).await;
    let have = shipped_items("IU01-MAU", Some("IU01.1"));
    assert!(
        after.starts_with(&format!("Hiện có {have} câu khớp")),
        "{before} → {after}"
    );
    type_into(&client, "#p0-s0-count", "300").await;

    click(&client, "button[value='add_section-0']").await;
    wait_for(&client, "#p0-s1-title").await;
    let focused = script(&client, "return document.activeElement.id;").await;
    assert_eq!(focused, "p0-s1-title", "the new row has the focus");
    type_into(&client, "#p0-s1-title", "Soạn thảo").await;
    choose_module(&client, "p0-s1", "IU03").await;
    click(&client, "#p0-s1-topics input[value='IU03.2']").await;
    type_into(&client, "#p0-s1-count", "3").await;

    click(&client, "button[value='add_section-0']").await;
    wait_for(&client, "#p0-s2-title").await;
    type_into(&client, "#p0-s2-title", "Nhận biết văn bản").await;
    choose_module(&client, "p0-s2", "IU03").await;
    click(&client, "#p0-s2-difficulties input[value='NB']").await;
    type_into(&client, "#p0-s2-count", "5").await;

    click(&client, "#add-part").await;
    wait_for(&client, "#p1-code").await;
    type_into(&client, "#p1-code", "thuc-hanh").await;
    click(&client, "#p1-practical").await;
    wait_for(&client, "#p1-max_points").await;
    type_into(&client, "#p1-max_points", "10").await;
    assert_eq!(
        script(&client, "return window.sameLoad === true;").await,
        true
    );

    click(&client, "button[value='save']").await;
    let summary = wait_for_text(&client, ".error-summary", "Cần 300 câu").await;
    assert!(
        summary.contains(&format!(
            "Phần thi 1, nhóm câu hỏi 1 – Số câu rút: Cần 300 câu nhưng chỉ có {have} câu khớp"
        )),
        "{summary}"
    );
    no_axe_violations(&client, Some(&axe), "the builder with errors").await;
    type_into(&client, "#p0-s0-count", "4").await;
    click(&client, "button[value='save']").await;
    wait_for_text(&client, "main", "Đã lưu phiên bản 1").await;

    let source: String = sqlx::query_scalar(
        "SELECT v.source FROM blueprint_versions v JOIN blueprints b ON b.id = v.blueprint_id WHERE b.code = 'TIN-HOC-JS'",
    )
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    let bp = sathach::blueprints::read::read_blueprint("stored", &source)
        .0
        .unwrap();
    let counts: Vec<u32> = bp.parts[0].sections.iter().map(|s| s.count).collect();
    assert_eq!(counts, [4, 3, 5]);
    assert_eq!(bp.parts[1].external_max_points, Some(10));
    client.close().await.unwrap();
}

#[tokio::test]
async fn without_javascript_every_builder_button_posts_the_form() {
    let test = "without_javascript_every_builder_button_posts_the_form";
    let Some((_driver, client)) = browser(test, false).await else {
        return;
    };
    let app = spawn_app_with_demo().await;
    staff_signed_in(&client, &app, None, MANAGER).await;
    client.goto(&app.url("/blueprints/new")).await.unwrap();
    type_into(&client, "#code", "TIN-HOC-HTML").await;
    type_into(&client, "#title", "Thi thử không có JavaScript").await;
    click(&client, "#banks input[value='IU01-MAU']").await;
    assert!(
        client.find(Locator::Css("#modules")).await.is_err(),
        "no script: nothing changes yet"
    );
    click(&client, "button[value='refresh']").await;
    wait_for_text(&client, "#modules", "IU01").await;
    type_into(&client, "#p0-s0-title", "Máy tính").await;
    click(&client, "#p0-s0-topics input[value='IU01.1']").await;
    type_into(&client, "#p0-s0-count", "300").await;
    click(&client, "#add-part").await;
    wait_for(&client, "#p1-code").await;
    let matches = text_of(&client, "#p0-s0-matches").await;
    let have = shipped_items("IU01-MAU", Some("IU01.1"));
    assert_eq!(
        matches,
        format!("Hiện có {have} câu khớp, chưa đủ 300 câu.")
    );
    type_into(&client, "#p1-code", "thuc-hanh").await;
    click(&client, "#p1-practical").await;
    click(&client, ".actions button[value='refresh']").await;
    wait_for(&client, "#p1-max_points").await;
    type_into(&client, "#p1-max_points", "10").await;
    click(&client, "button[value='save']").await;
    wait_for_text(
        &client,
        ".error-summary",
        &format!("Cần 300 câu nhưng chỉ có {have} câu khớp"),
    )
    .await;
    // axe-core needs scripts: the same page with errors is checked in the test above.
    type_into(&client, "#p0-s0-count", "5").await;
    click(&client, "button[value='save']").await;
    wait_for_text(&client, "main", "Đã lưu phiên bản 1").await;
    let versions = app
        .count("SELECT COUNT(*) FROM blueprint_versions v JOIN blueprints b ON b.id = v.blueprint_id WHERE b.code = 'TIN-HOC-HTML'")
        .await;
    assert_eq!(versions, 1);
    client.close().await.unwrap();
}
