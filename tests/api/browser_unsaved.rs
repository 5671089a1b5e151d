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
        total_questions, wait_for_text,
    },
    candidates::{Sitting, ready},
    exam::TELLTALES,
    helpers::{PROCTOR, TestApp, spawn_app_with_demo},
};

/// Waits (up to `secs`) until an element's text contains `text`.
async fn wait_until(client: &Client, css: &str, text: &str, secs: u64) -> String {
    let mut last = String::new();
    for _ in 0..secs * 10 {
        if let Ok(el) = client.find(Locator::Css(css)).await {
            last = el.text().await.unwrap_or_default();
            if last.contains(text) {
                return last;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never said {text:?} within {secs} s; it says {last:?}");
}

async fn text_of(client: &Client, css: &str) -> String {
    match client.find(Locator::Css(css)).await {
        Ok(el) => el.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Every entry the page keeps in localStorage, as (key, value).
async fn stored(client: &Client) -> Vec<(String, String)> {
    let all = client
        .execute(
            "return Object.keys(localStorage).sort().map(k => [k, localStorage.getItem(k)]);",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(all).unwrap()
}

/// Texts a candidate must never find in browser storage: every option, statement, pair and
/// stem text of the bank, and the key's telltales.
pub(crate) async fn bank_texts(app: &TestApp) -> Vec<String> {
    fn walk(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (name, v) in map {
                    match v.as_str() {
                        Some(text) if ["source", "html"].contains(&name.as_str()) => {
                            let text = text.trim();
                            if text.chars().count() >= 8 {
                                out.push(text.to_string());
                            }
                        }
                        _ => walk(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM item_versions")
        .fetch_all(&app.db.read)
        .await
        .unwrap();
    let mut texts = Vec::new();
    for body in bodies {
        walk(&serde_json::from_str(&body).unwrap(), &mut texts);
    }
    assert!(texts.len() > 10, "the demo bank has option texts");
    texts
}

/// The key-leak check for browser storage: entries are `sathach:<attempt-key>:q<n>` holding
/// only the form's own values, never a text of the bank, the key or the exam cookie.
/// Returns how many entries there are.
pub(crate) async fn storage_holds_no_secret(client: &Client, texts: &[String]) -> usize {
    let entries = stored(client).await;
    let cookies = client.get_all_cookies().await.unwrap();
    for (key, value) in &entries {
        let (prefix, question) = key.rsplit_once(":q").expect("a question entry");
        let attempt_key = prefix.strip_prefix("sathach:").expect("the page's prefix");
        assert!(
            attempt_key.len() == 12 && attempt_key.chars().all(|c| c.is_ascii_hexdigit()),
            "{key}"
        );
        assert!(question.parse::<usize>().is_ok(), "{key}");
        let entry: Value = serde_json::from_str(value).unwrap();
        let fields = entry["fields"].as_array().expect("fields");
        assert!(entry["seq"].is_i64(), "{value}");
        for pair in fields {
            let name = pair[0].as_str().unwrap();
            assert!(!["csrf", "seq", "go"].contains(&name), "{value}");
        }
        for telltale in TELLTALES {
            assert!(
                !value.contains(telltale),
                "browser storage holds {telltale}: {value}"
            );
        }
        for text in texts {
            assert!(
                !value.contains(text.as_str()),
                "browser storage holds {text:?}"
            );
        }
        for cookie in &cookies {
            assert!(
                !value.contains(cookie.value()),
                "browser storage holds a cookie"
            );
        }
    }
    entries.len()
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
async fn proctor(app: &TestApp, s: &Sitting, step: &str) {
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let path = format!("/sessions/{}/attempts/{}/{step}", s.session, s.attempt);
    let res = proctor
        .post_form(&path, &[("reason", "technical.server"), ("comment", "")])
        .await;
    assert_eq!(res.status(), 303, "{step}: {}", res.text().await.unwrap());
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
    proctor(&app, &s, "resume").await;
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
    proctor(&app, &s, "pause").await;
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
    proctor(&app, &s, "resume").await;
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
    let too_large = sathach::web::i18n::Lang::Vi.t("exam.too_large");
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
    let second = Sitting {
        browser: app.another_browser(),
        session: s.session.clone(),
        attempt: s.attempt.clone(),
        number: s.number.clone(),
        code: s.code.clone(),
    };
    second.sign_in().await;
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let approve = format!(
        "/sessions/{}/attempts/{}/approve-device",
        s.session, s.attempt
    );
    assert_eq!(proctor.post_form(&approve, &[]).await.status(), 303);
    click(&client, "#flag").await;
    let replaced = sathach::web::i18n::Lang::Vi.t("exam.device_replaced");
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
