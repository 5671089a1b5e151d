//! End to end in headless Chromium, driven through WebDriver (fantoccini + chromedriver): a
//! candidate signs in, answers every item type, reloads in the middle, loses the network for
//! a moment (the page keeps the answer and saves it when the network is back) and submits; the
//! same with JavaScript switched off; axe-core checks every candidate page for accessibility.

use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

use fantoccini::{Client, ClientBuilder, Locator, wd::WebDriverCompatibleCommand};
use serde_json::{Value, json};

use crate::{
    browser_practical::staff_signed_in,
    candidates::{Sitting, ready},
    helpers::{MANAGER, TestApp, spawn_app_with_demo},
    tools::{SKIP_BROWSER_TESTS, browser_tests_skipped, browser_tool},
};

/// chromedriver on a free port, stopped when dropped.
pub(crate) struct Driver {
    child: Child,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A chromedriver and a browser session, or None (with a notice) when the browser tests are
/// skipped by `SATHACH_SKIP_BROWSER_TESTS=1`; otherwise missing tools fail the test.
pub(crate) async fn browser(test: &str, javascript: bool) -> Option<(Driver, Client)> {
    if browser_tests_skipped(test) {
        return None;
    }
    let binary = browser_tool(
        &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
        "apt-get install chromium-driver",
    );
    let chromium = browser_tool(&["/usr/bin/chromium"], "apt-get install chromium");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver { child };
    let mut options = json!({
        "binary": chromium,
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-extensions", "--disable-sync",
                 "--no-first-run", "--window-size=1024,768"],
    });
    if !javascript {
        options["prefs"] = json!({"profile.managed_default_content_settings.javascript": 2});
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..50 {
        if let Ok(client) = ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            return Some((driver, client));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not answer");
}

/// A Chrome DevTools command through chromedriver (to cut the network, to print).
#[derive(Debug)]
pub(crate) struct Cdp(pub(crate) Value);

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.0.to_string()))
    }
}

pub(crate) async fn network(client: &Client, offline: bool) {
    client
        .issue_cmd(Cdp(json!({"cmd": "Network.enable", "params": {}})))
        .await
        .unwrap();
    let params =
        json!({"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1});
    client
        .issue_cmd(Cdp(
            json!({"cmd": "Network.emulateNetworkConditions", "params": params}),
        ))
        .await
        .unwrap();
}

/// Waits (up to five seconds) until an element's text contains `text`.
pub(crate) async fn wait_for_text(client: &Client, css: &str, text: &str) -> String {
    wait_until(client, css, text, 5).await
}

/// Waits (up to `secs`) until an element's text contains `text`.
pub(crate) async fn wait_until(client: &Client, css: &str, text: &str, secs: u64) -> String {
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

/// axe-core's script (downloaded from npm by `.ci/run` into `target/axe/axe.min.js`, or `AXE_CORE`).
pub(crate) fn axe_source() -> String {
    let path = std::env::var("AXE_CORE")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/target/axe/axe.min.js").into());
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is missing ({path}: {e}): run the axe-core part of .ci/run, or set \
             {SKIP_BROWSER_TESTS}=1 to skip the browser tests"
        )
    })
}

/// Runs axe-core on the current page: the rules of WCAG 2.1 A and AA must all pass.
pub(crate) async fn no_axe_violations(client: &Client, axe: Option<&str>, page: &str) {
    let Some(axe) = axe else { return };
    let script = format!(
        "{axe}\nconst done = arguments[arguments.length - 1];
         axe.run(document, {{runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
            .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
            .catch(e => done(['axe failed: ' + e]));"
    );
    let violations = client
        .execute_async(&script, vec![])
        .await
        .expect("axe runs");
    assert_eq!(violations, json!([]), "axe-core violations on {page}");
}

/// Answers whatever the current question asks, the way a candidate would with mouse and keys.
pub(crate) async fn answer(client: &Client) {
    let css = "input[name='answer'][type=radio], input[name='answer'][type=checkbox]";
    if let Ok(el) = client.find(Locator::Css(css)).await {
        el.click().await.unwrap();
    }
    // Statements are named by their tokens: the first radio of each.
    for statement in client
        .find_all(Locator::Css("fieldset.statement"))
        .await
        .unwrap()
    {
        statement
            .find(Locator::Css("input[type=radio]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    for select in client
        .find_all(Locator::Css("form#answer-form select"))
        .await
        .unwrap()
    {
        select.select_by_index(1).await.unwrap();
    }
    if let Ok(text) = client.find(Locator::Css("input#answer")).await {
        text.send_keys("42").await.unwrap();
        // Leaving the field is a change: the page saves it.
        client
            .find(Locator::Css("#flag"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
}

pub(crate) async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css} on the page"))
        .click()
        .await
        .unwrap();
}

pub(crate) async fn sign_in_and_start(
    client: &Client,
    app: &TestApp,
    s: &Sitting,
    axe: Option<&str>,
) {
    sign_in_to_lobby(client, app, s, axe).await;
    click(client, "form[action='/thi/start'] button").await;
    wait_for_text(client, "#q-label", "Câu 1/").await;
}

/// Signs in with the slip's number and code and waits on the lobby.
pub(crate) async fn sign_in_to_lobby(
    client: &Client,
    app: &TestApp,
    s: &Sitting,
    axe: Option<&str>,
) {
    client.goto(&app.url("/thi")).await.unwrap();
    no_axe_violations(client, axe, "sign-in").await;
    client
        .find(Locator::Css("#number"))
        .await
        .unwrap()
        .send_keys(&s.number)
        .await
        .unwrap();
    client
        .find(Locator::Css("#code"))
        .await
        .unwrap()
        .send_keys(&s.code)
        .await
        .unwrap();
    click(client, "main button[type=submit]").await;
    wait_for_text(client, "main", "Ca thi mẫu").await;
    no_axe_violations(client, axe, "lobby").await;
}

pub(crate) async fn total_questions(client: &Client) -> usize {
    let label = client
        .find(Locator::Css("#q-label"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    label.rsplit('/').next().unwrap().trim().parse().unwrap()
}

pub(crate) async fn answered_in_db(app: &TestApp, attempt: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM responses WHERE attempt_id = $1 AND value IS NOT NULL")
        .bind(attempt)
        .fetch_one(&app.db.read)
        .await
        .unwrap()
}

pub(crate) async fn review_and_submit(client: &Client, axe: Option<&str>) {
    click(client, "button[name=go][value=review]").await;
    wait_for_text(client, "main h1", "Xem lại bài làm").await;
    no_axe_violations(client, axe, "review").await;
    click(client, "#confirm-submit").await;
    click(client, "form[action='/thi/submit'] button[type=submit]").await;
    wait_for_text(client, ".panel-confirm h1", "Đã nộp bài").await;
    no_axe_violations(client, axe, "receipt").await;
}

#[tokio::test]
async fn with_javascript_answers_save_as_they_change_and_survive_reloads_and_lost_networks() {
    let test = "with_javascript_answers_save_as_they_change_and_survive_reloads_and_lost_networks";
    let Some((_driver, client)) = browser(test, true).await else {
        return;
    };
    let axe = Some(axe_source());
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    sign_in_and_start(&client, &app, &s, axe.as_deref()).await;
    let texts = crate::browser_storage::bank_texts(&app).await;
    let total = total_questions(&client).await;
    for n in 1..=total {
        let url = client.current_url().await.unwrap();
        no_axe_violations(&client, axe.as_deref(), &format!("question {n}")).await;
        answer(&client).await;
        wait_for_text(&client, "#save-state", "Đã lưu lúc").await;
        assert_eq!(
            client.current_url().await.unwrap(),
            url,
            "saved without leaving the page"
        );
        assert_eq!(
            answered_in_db(&app, &s.attempt).await,
            n as i64,
            "question {n} is in the database"
        );
        if n == 2 {
            client.refresh().await.unwrap();
            wait_for_text(&client, "#save-state", "Đã lưu lúc").await;
            let kept = client.execute("return document.querySelectorAll('#answer-form input:checked, #answer-form select option:checked:not([value=\"\"]), #answer[value=\"42\"]').length", vec![]).await.unwrap();
            assert!(
                kept.as_u64().unwrap() > 0,
                "the answer is still there after a reload"
            );
        }
        if n == 3 {
            // The network drops, the candidate changes their answer, the network comes back.
            network(&client, true).await;
            client
                .execute("document.getElementById('flag').click()", vec![])
                .await
                .unwrap();
            wait_for_text(&client, "#connection", "Mất kết nối").await;
            // The unsaved change waits in browser storage, with nothing of the key.
            let kept = crate::browser_storage::storage_holds_no_secret(&client, &texts).await;
            assert_eq!(kept, 1, "the unsaved change is kept in the browser");
            let flagged = || async {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM responses WHERE attempt_id = $1 AND flagged = 1",
                )
                .bind(&s.attempt)
                .fetch_one(&app.db.read)
                .await
                .unwrap()
            };
            let before = flagged().await;
            network(&client, false).await;
            client
                .execute("window.dispatchEvent(new Event('online'))", vec![])
                .await
                .unwrap();
            wait_for_text(&client, "#save-state", "Đã lưu lúc").await;
            assert_ne!(
                flagged().await,
                before,
                "the change made offline reached the server"
            );
        }
        if n < total {
            click(&client, "button[name=go][value=next]").await;
            wait_for_text(&client, "#q-label", &format!("Câu {}/", n + 1)).await;
        }
    }
    review_and_submit(&client, axe.as_deref()).await;
    assert_eq!(app.clock_of(&s.attempt).await.state.as_str(), "submitted");
    client.close().await.unwrap();
}

#[tokio::test]
async fn without_javascript_every_button_saves_and_the_exam_can_be_finished() {
    let test = "without_javascript_every_button_saves_and_the_exam_can_be_finished";
    let Some((_driver, client)) = browser(test, false).await else {
        return;
    };
    let axe = None; // axe-core itself needs scripts; the pages are the same as with them.
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 1).await;
    sign_in_and_start(&client, &app, &s, axe).await;
    let total = total_questions(&client).await;
    for n in 1..=total {
        answer(&client).await;
        assert!(
            client
                .find(Locator::Css("#time-left strong"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
                .contains(':')
        );
        if n < total {
            click(&client, "button[name=go][value=next]").await;
            wait_for_text(&client, "#q-label", &format!("Câu {}/", n + 1)).await;
            assert_eq!(
                answered_in_db(&app, &s.attempt).await,
                n as i64,
                "moving on saved question {n}"
            );
        }
    }
    // Back to the first question by the grid: the saved answer is shown.
    click(&client, "button[name=go][value='1']").await;
    wait_for_text(&client, "#q-label", "Câu 1/").await;
    wait_for_text(&client, "#save-state", "Đã lưu lúc").await;
    review_and_submit(&client, axe).await;
    assert_eq!(answered_in_db(&app, &s.attempt).await, total as i64);
    client.close().await.unwrap();
}

#[tokio::test]
async fn the_proctor_and_manager_pages_pass_axe() {
    let Some((_driver, client)) = browser("the_proctor_and_manager_pages_pass_axe", true).await
    else {
        return;
    };
    let axe = axe_source();
    let app = spawn_app_with_demo().await;
    let (session, attempts) = app.demo_session().await;
    staff_signed_in(&client, &app, Some(&axe), MANAGER).await;
    let pages = [
        "/sessions".to_string(),
        "/sessions/new".to_string(),
        format!("/sessions/{session}"),
        format!("/sessions/{session}/console"),
        format!("/sessions/{session}/attempts/{}/pause", attempts[0]),
        format!("/sessions/{session}/room/close"),
        format!("/sessions/{session}/slips"),
        format!("/sessions/{session}/report"),
        format!("/sessions/{session}/results"),
        format!("/sessions/{session}/results/{}", attempts[0]),
        format!("/sessions/{session}/results/{}/report", attempts[0]),
        format!("/sessions/{session}/practical"),
        "/people".to_string(),
    ];
    for page in pages {
        client.goto(&app.url(&page)).await.unwrap();
        no_axe_violations(&client, Some(&axe), &page).await;
    }
    client.close().await.unwrap();
}
