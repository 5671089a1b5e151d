//! The session actions in Chromium, each with its refusal, axe-core clean on every page:
//! scheduling (a start in the past, an overlap confirmed), cancelling a session, removing a
//! candidate, opening too early; and the slips' warning, shown on screen but never printed.

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::{
    browser::{Cdp, axe_source, browser, click, no_axe_violations, wait_for_text},
    browser_practical::staff_signed_in,
    helpers::{MANAGER, TestApp, spawn_app_with_demo},
};

async fn fill(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Fills the scheduling form (first blueprint, room and proctor) and submits it.
async fn schedule(client: &Client, app: &TestApp, title: &str, when: (&str, &str, &str)) {
    client.goto(&app.url("/sessions/new")).await.unwrap();
    fill(client, "#title", title).await;
    for select in ["#blueprint", "#room"] {
        let el = client.find(Locator::Css(select)).await.unwrap();
        el.select_by_index(1).await.unwrap();
    }
    fill(client, "#date", when.0).await;
    fill(client, "#start", when.1).await;
    fill(client, "#end", when.2).await;
    let proctor = client.find(Locator::Css("#proctor-1")).await.unwrap();
    if proctor.prop("checked").await.unwrap().as_deref() != Some("true") {
        proctor.click().await.unwrap();
    }
    click(client, "main form button[type=submit]").await;
}

/// The page's path (the session id is the second segment of `/sessions/{id}`).
async fn path(client: &Client) -> String {
    client.current_url().await.unwrap().path().to_string()
}

#[tokio::test]
async fn every_session_action_and_its_refusal_in_the_browser() {
    let test = "every_session_action_and_its_refusal_in_the_browser";
    let Some((_driver, client)) = browser(test, true).await else {
        return;
    };
    let axe = axe_source();
    let axe = Some(axe.as_str());
    let app = spawn_app_with_demo().await;
    let (demo, attempts) = app.demo_session().await;
    staff_signed_in(&client, &app, axe, MANAGER).await;

    // Scheduling: the form's defaults, a start in the past refused, an overlap confirmed.
    client.goto(&app.url("/sessions/new")).await.unwrap();
    no_axe_violations(&client, axe, "new session").await;
    schedule(&client, &app, "Ca sáng", ("01/01/2020", "07:30", "09:00")).await;
    wait_for_text(&client, ".error-summary", "Giờ bắt đầu đã qua").await;
    no_axe_violations(&client, axe, "a start in the past").await;
    schedule(&client, &app, "Ca sáng", ("05/12/2030", "07:30", "09:00")).await;
    wait_for_text(&client, "main h1", "Ca sáng").await;
    let first = path(&client).await;
    schedule(&client, &app, "Ca trùng", ("05/12/2030", "08:00", "09:30")).await;
    wait_for_text(&client, "#overlaps", "Phòng thi đã có ca thi trùng giờ").await;
    no_axe_violations(&client, axe, "an overlap to confirm").await;
    click(&client, "#overlap_ok").await;
    click(&client, "main form button[type=submit]").await;
    wait_for_text(&client, "main h1", "Ca trùng").await;

    // Opening more than open_early_minutes (0) before the start: refused, saying from when.
    client
        .goto(&app.url(&format!("{first}/console")))
        .await
        .unwrap();
    click(&client, "form[action$='/open'] button").await;
    wait_for_text(&client, "main", "ca thi này mở được từ 05/12/2030 07:30").await;
    no_axe_violations(&client, axe, "opening too early").await;

    // Cancelling: the reason is required, then the session shows as cancelled.
    client.goto(&app.url(&first)).await.unwrap();
    click(&client, &format!("a[href='{first}/cancel']")).await;
    wait_for_text(&client, "main h1", "Huỷ ca thi").await;
    no_axe_violations(&client, axe, "cancel a session").await;
    click(&client, "main form button[type=submit]").await;
    wait_for_text(&client, ".error-summary", "Hãy nhập lý do").await;
    no_axe_violations(&client, axe, "cancel without a reason").await;
    fill(&client, "#reason", "Phòng thi mất điện").await;
    click(&client, "main form button[type=submit]").await;
    wait_for_text(&client, "#cancelled", "Phòng thi mất điện").await;
    no_axe_violations(&client, axe, "a cancelled session").await;
    client.goto(&app.url("/sessions")).await.unwrap();
    wait_for_text(&client, "main table", "Đã huỷ").await;
    no_axe_violations(&client, axe, "the list with a cancelled session").await;
    client
        .goto(&app.url(&format!("{first}/cancel")))
        .await
        .unwrap();
    wait_for_text(&client, "main", "Ca thi đã bị huỷ").await;
    no_axe_violations(&client, axe, "cancelling twice").await;

    // Removing a candidate who has not started.
    let remove = format!("/sessions/{demo}/attempts/{}/remove", attempts[0]);
    client
        .goto(&app.url(&format!("/sessions/{demo}")))
        .await
        .unwrap();
    no_axe_violations(&client, axe, "a roster with remove links").await;
    click(&client, &format!("a[href='{remove}']")).await;
    wait_for_text(&client, "main h1", "Rút thí sinh khỏi danh sách").await;
    no_axe_violations(&client, axe, "remove a candidate").await;
    fill(&client, "#reason", "Đăng ký nhầm ca thi").await;
    click(&client, "main form button[type=submit]").await;
    wait_for_text(&client, "main", "khỏi danh sách").await;
    no_axe_violations(&client, axe, "a candidate removed").await;
    client.goto(&app.url(&remove)).await.unwrap();
    wait_for_text(&client, "main", "Chỉ rút được thí sinh chưa bắt đầu").await;
    no_axe_violations(&client, axe, "removing twice").await;

    // Slips: the loopback warning on screen, gone when printed; a print button with JS.
    client
        .goto(&app.url(&format!("/sessions/{demo}/slips")))
        .await
        .unwrap();
    wait_for_text(&client, "#slip-loopback", "public_url").await;
    no_axe_violations(&client, axe, "slips with the loopback warning").await;
    let shown = "return [document.getElementById('slip-loopback').offsetParent !== null,
                         !document.querySelector('[data-print]').hidden]";
    assert_eq!(
        client.execute(shown, vec![]).await.unwrap(),
        json!([true, true])
    );
    client
        .issue_cmd(Cdp(json!({"cmd": "Emulation.setEmulatedMedia",
                              "params": {"media": "print"}})))
        .await
        .unwrap();
    assert_eq!(
        client.execute(shown, vec![]).await.unwrap()[0],
        json!(false),
        "the warning is never printed"
    );
    client.close().await.unwrap();
}
