//! The candidate's page in headless Chromium when things go wrong: an answer changed while the
//! server is down is kept in the page and in browser storage, marked "chưa lưu", held through
//! the pause that follows the restart (the timer stops), saved once the proctor resumes, put
//! back after a reload and gone from the browser once acknowledged and at submission; a
//! refusal (a body too large, another device taking over) is said for what it is, never
//! "Mất kết nối". Browser storage never holds an option text or anything of the key.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::{
    browser::{
        answer, answered_in_db, axe_source, browser, click, no_axe_violations, sign_in_and_start,
        total_questions, wait_for_text, wait_until,
    },
    browser_storage::{bank_texts, storage_holds_no_secret, stored},
    candidates::{Sitting, ready},
    exam_replies::{act, proctor},
    helpers::{TestApp, spawn_app_with_demo},
};

async fn text_of(client: &Client, css: &str) -> String {
    match client.find(Locator::Css(css)).await {
        Ok(el) => el.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

async fn timer(client: &Client) -> String {
    text_of(client, "#time-left strong").await
}

/// The countdown shown, in seconds.
fn seconds(shown: &str) -> i64 {
    shown
        .split(':')
        .fold(0, |total, part| total * 60 + part.parse::<i64>().unwrap())
}

/// Reloads the page after checking that leaving now asks first (the `beforeunload` handler
/// objects; WebDriver itself accepts the browser's question when navigating).
async fn reload_past_the_warning(client: &Client) {
    let objects = client
        .execute(
            "const e = document.createEvent('BeforeUnloadEvent');
             e.initEvent('beforeunload', false, true);
             window.dispatchEvent(e);
             return e.defaultPrevented && e.returnValue !== '';",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        objects,
        Value::Bool(true),
        "leaving with an unsaved answer warns"
    );
    client.refresh().await.unwrap();
    if client.get_alert_text().await.is_ok() {
        client.accept_alert().await.unwrap();
    }
}

/// The countdown shows the same figure 2.5 s apart (a ping may correct it once in between).
async fn timer_stops(client: &Client) {
    let mut seen = Vec::new();
    for _ in 0..3 {
        let shown = timer(client).await;
        tokio::time::sleep(Duration::from_millis(2500)).await;
        if timer(client).await == shown {
            return;
        }
        seen.push(shown);
    }
    panic!("the timer does not stop while paused: {seen:?}");
}

async fn flagged_in_db(app: &TestApp, attempt: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM responses WHERE attempt_id = $1 AND flagged = 1")
        .bind(attempt)
        .fetch_one(&app.db.read)
        .await
        .unwrap()
}

/// The proctor pauses or resumes one attempt.
async fn proctor_does(app: &TestApp, s: &Sitting, step: &str) {
    let path = format!("/sessions/{}/attempts/{}/{step}", s.session, s.attempt);
    act(&proctor(app).await, &path, "technical.server").await;
}

#[tokio::test]
async fn an_answer_changed_during_an_outage_is_kept_through_restart_and_pause_and_saved_after_resume()
 {
    let test = "an_answer_changed_during_an_outage_is_kept_through_restart_and_pause_and_saved_after_resume";
    let Some((_driver, client)) = browser(test, true).await else {
        return;
    };
    let mut app = spawn_app_with_demo().await;
    // The restarted server listens where the open page expects it.
    app.settings.listen = app.address.trim_start_matches("http://").to_string();
    let s = ready(&app, 0).await;
    let texts = bank_texts(&app).await;
    sign_in_and_start(&client, &app, &s, None).await;
    let total = total_questions(&client).await;
    answer(&client).await;
    wait_for_text(&client, "#save-state", "Đã lưu lúc").await;
    wait_for_text(
        &client,
        "#answered-count",
        &format!("Đã trả lời 1/{total} câu"),
    )
    .await;
    assert_eq!(
        stored(&client).await,
        vec![],
        "an acknowledged answer leaves the browser"
    );
    click(&client, "button[name=go][value=next]").await;
    wait_for_text(&client, "#q-label", "Câu 2/").await;

    // The server stops; the candidate answers question 2 meanwhile.
    let app = app
        .restart(|_| async {
            answer(&client).await;
            wait_until(&client, "#connection", "Mất kết nối", 10).await;
            wait_for_text(&client, "#q-label", "chưa lưu").await;
            wait_for_text(&client, ".grid li:nth-child(2) .cell", "chưa lưu").await;
            let kept = stored(&client).await;
            assert_eq!(kept.len(), 1, "{kept:?}");
            assert!(kept[0].0.ends_with(":q2"), "{kept:?}");
            storage_holds_no_secret(&client, &texts).await;
        })
        .await;

    // Back up, the restart has paused the attempt: the answer is kept, the timer stops.
    wait_until(&client, "#save-state", "tạm dừng", 20).await;
    assert!(
        !text_of(&client, "#connection")
            .await
            .contains("Mất kết nối")
    );
    timer_stops(&client).await;
    no_axe_violations(
        &client,
        Some(&axe_source()),
        "a question with an unsaved answer",
    )
    .await;
    assert_eq!(stored(&client).await.len(), 1, "still kept while paused");
    assert_eq!(answered_in_db(&app, &s.attempt).await, 1);

    // The proctor resumes: the page learns it from its ping and saves the kept answer.
    proctor_does(&app, &s, "resume").await;
    wait_until(&client, "#save-state", "Đã lưu lúc", 15).await;
    wait_for_text(
        &client,
        "#answered-count",
        &format!("Đã trả lời 2/{total} câu"),
    )
    .await;
    assert_eq!(
        answered_in_db(&app, &s.attempt).await,
        2,
        "the change reached the server"
    );
    assert_eq!(stored(&client).await, vec![]);
    assert!(!text_of(&client, "#q-label").await.contains("chưa lưu"));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let server = app.clock_of(&s.attempt).await;
    let left = server.time_left_ms(sathach::clock::now_ms()).unwrap() / 1000;
    let shown = seconds(&timer(&client).await);
    assert!(
        (shown - left).abs() <= 2,
        "the page shows {shown} s, the server has {left} s"
    );

    // Paused again, the candidate flags the question: kept; a reload (after a warning) finds the
    // lobby, and the answer is still in the browser.
    proctor_does(&app, &s, "pause").await;
    let flags = flagged_in_db(&app, &s.attempt).await;
    click(&client, "#flag").await;
    let flag = client
        .execute("return document.getElementById('flag').checked", vec![])
        .await
        .unwrap();
    wait_until(&client, "#save-state", "tạm dừng", 10).await;
    storage_holds_no_secret(&client, &texts).await;
    // An entry an earlier candidate's crashed page left on this shared PC goes at the next load.
    client
        .execute(
            "localStorage.setItem('sathach:0123456789ab:q1', '{\"seq\":1,\"fields\":[]}')",
            vec![],
        )
        .await
        .unwrap();
    reload_past_the_warning(&client).await;
    wait_for_text(&client, "main", "tạm dừng").await;
    assert_eq!(
        stored(&client).await.len(),
        1,
        "the lobby keeps the unsaved answer"
    );
    assert_eq!(flagged_in_db(&app, &s.attempt).await, flags);

    // Resumed: back on the same question, where the kept flag is put back and saved.
    proctor_does(&app, &s, "resume").await;
    click(&client, "main a[href='/thi/lobby']").await;
    wait_for_text(&client, "#q-label", "Câu 2/").await;
    wait_until(&client, "#save-state", "Đã lưu lúc", 10).await;
    assert_ne!(
        flagged_in_db(&app, &s.attempt).await,
        flags,
        "the kept flag is saved"
    );
    assert_eq!(stored(&client).await, vec![]);
    client.refresh().await.unwrap();
    wait_for_text(&client, "#q-label", "Câu 2/").await;
    let shown = client
        .execute(
            "return [document.getElementById('flag').checked, document.querySelectorAll(
               '#answer-form input:checked:not(#flag), #answer-form select option:checked:not([value=\"\"]), #answer[value=\"42\"]').length > 0]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        shown,
        serde_json::json!([flag, true]),
        "the answer and the flag are shown after a reload"
    );

    // Submitting forgets every entry of the attempt, even one the page never sent; signing out too.
    let key =
        "sathach:' + document.querySelector('[data-attempt]').getAttribute('data-attempt') + ':q";
    let leave = format!(
        "localStorage.setItem('{key}9', JSON.stringify({{seq: 1, fields: [['flag', '1']]}}))"
    );
    client.execute(&leave, vec![]).await.unwrap();
    click(&client, "button[name=go][value=review]").await;
    wait_for_text(&client, "main h1", "Xem lại bài làm").await;
    click(&client, "#confirm-submit").await;
    click(&client, "form[action='/thi/submit'] button[type=submit]").await;
    wait_for_text(&client, ".panel-confirm h1", "Đã nộp bài").await;
    assert_eq!(
        stored(&client).await,
        vec![],
        "nothing of the attempt stays after submission"
    );
    client.execute(&leave, vec![]).await.unwrap();
    click(&client, "#exam-sign-out button").await;
    wait_for_text(&client, "main h1", "Đăng nhập").await;
    assert_eq!(
        stored(&client).await,
        vec![],
        "nothing stays after signing out"
    );
    client.close().await.unwrap();
}

#[tokio::test]
async fn a_body_too_large_and_a_replaced_device_are_said_for_what_they_are() {
    let test = "a_body_too_large_and_a_replaced_device_are_said_for_what_they_are";
    let Some((_driver, client)) = browser(test, true).await else {
        return;
    };
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    sign_in_and_start(&client, &app, &s, None).await;

    // A body over the server's limit: a Vietnamese message, no "offline", no retrying.
    let too_large = sathach::vocab::Lang::Vi.t("exam.too_large");
    client
        .execute(
            "const big = document.createElement('input'); big.type = 'hidden'; big.name = 'pad';
             big.id = 'pad'; big.value = 'x'.repeat(600 * 1024);
             const form = document.getElementById('answer-form'); form.appendChild(big);
             form.dispatchEvent(new Event('change'));",
            vec![],
        )
        .await
        .unwrap();
    wait_until(&client, "#save-state", too_large, 10).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(
        !text_of(&client, "#connection")
            .await
            .contains("Mất kết nối")
    );
    assert_eq!(
        text_of(&client, "#save-state").await,
        too_large,
        "not retried"
    );
    assert_eq!(
        stored(&client).await,
        vec![],
        "an answer the server refuses is not kept"
    );
    client
        .execute("document.getElementById('pad').remove()", vec![])
        .await
        .unwrap();
    answer(&client).await;
    wait_for_text(&client, "#save-state", "Đã lưu lúc").await;

    // The PC is replaced: the candidate signs in elsewhere and the proctor approves.
    let second = s.on_another_computer(&app);
    second.sign_in().await;
    let approve = format!(
        "/sessions/{}/attempts/{}/approve-device",
        s.session, s.attempt
    );
    let proctor = proctor(&app).await;
    assert_eq!(proctor.post_form(&approve, &[]).await.status(), 303);
    click(&client, "#flag").await;
    let replaced = sathach::vocab::Lang::Vi.t("exam.device_replaced");
    wait_until(&client, "#exam-alert", replaced, 10).await;
    assert!(
        !text_of(&client, "#connection")
            .await
            .contains("Mất kết nối")
    );
    assert_eq!(stored(&client).await, vec![], "the old PC keeps nothing");
    no_axe_violations(&client, Some(&axe_source()), "a question after a refusal").await;
    client
        .find(Locator::Css("#exam-alert a[href='/thi']"))
        .await
        .expect("the way to sign in again");
    client.close().await.unwrap();
}
