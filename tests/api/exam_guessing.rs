//! Guessing access codes over HTTP: a burst of parallel guesses gets no more tries than the
//! limit, a guesser cannot lock a candidate out (failures count per computer, with a looser
//! ceiling per candidate number that the console shows), and the proctor unlocks a number or
//! reissues its code from the console; a new sign-in does not cancel a computer already waiting.

use futures_util::future::join_all;
use reqwest::StatusCode;
use sathach::clock;

use crate::{
    candidates::{Sitting, ready},
    helpers::{PROCTOR, TestApp, csrf_in, location, spawn_app_with_demo},
};

async fn proctor(app: &TestApp) -> TestApp {
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    proctor
}

/// A guesser's browser: the sign-in page visited (its computer cookie) and its CSRF token.
async fn guesser(app: &TestApp) -> (TestApp, String) {
    let browser = app.another_browser();
    let page = browser.get_text("/thi").await;
    let token = csrf_in(&page).expect("the sign-in page carries a CSRF token");
    (browser, token)
}

/// Sends `n` wrong codes for `number` at once; the statuses.
async fn burst(browser: &TestApp, token: &str, number: &str, n: usize) -> Vec<StatusCode> {
    let codes: Vec<String> = (0..n).map(|i| format!("WRONG-{i:05}")).collect();
    let posts = codes.iter().map(|code| async move {
        let fields = [("number", number), ("code", code.as_str()), ("csrf", token)];
        browser.post_raw("/thi", &fields).await
    });
    join_all(posts).await.iter().map(|r| r.status()).collect()
}

fn checked(statuses: &[StatusCode]) -> usize {
    statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count()
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_gets_no_more_than_five_tries() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    let (attacker, token) = guesser(&app).await;
    let statuses = burst(&attacker, &token, &s.number, 50).await;
    let tried = checked(&statuses);
    eprintln!(
        "guesses accepted beyond the limit in a burst: {}",
        tried.saturating_sub(5)
    );
    assert_eq!(tried, 5, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| [
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::TOO_MANY_REQUESTS
        ]
        .contains(s)),
        "{statuses:?}"
    );
    let stored = app.count("SELECT COUNT(*) FROM candidate_failures").await;
    assert_eq!(stored, 5);
    // The guesser's computer is refused even the right code; the candidate's is not.
    let res = attacker
        .post_raw(
            "/thi",
            &[("number", &s.number), ("code", &s.code), ("csrf", &token)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(location(&s.sign_in().await), "/thi/lobby");
}

#[tokio::test]
async fn a_guesser_on_many_computers_meets_the_ceiling_the_console_shows_and_the_proctor_unlocks() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    let mut tried = 0;
    for _ in 0..7 {
        let (attacker, token) = guesser(&app).await;
        tried += checked(&burst(&attacker, &token, &s.number, 6).await);
    }
    assert_eq!(tried, 30, "the ceiling per candidate number");
    assert_eq!(
        s.sign_in().await.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "past the ceiling even the candidate waits, until the proctor unlocks"
    );
    let proctor = proctor(&app).await;
    let console = proctor
        .get_text(&format!("/sessions/{}/console", s.session))
        .await;
    let warning = format!("SBD {}: 30 lần nhập sai mã từ 6 máy", s.number);
    assert!(console.contains(&warning), "{console}");
    let unlock = format!("/sessions/{}/attempts/{}/unlock", s.session, s.attempt);
    assert!(console.contains(&format!("href=\"{unlock}\"")), "{console}");
    assert!(
        proctor
            .get_text(&unlock)
            .await
            .contains(&format!("action=\"{unlock}\""))
    );
    let res = proctor
        .post_form(
            &unlock,
            &[("reason", "candidate.identity"), ("comment", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&s.sign_in().await), "/thi/lobby");
    let log = app.log_of(&s.session).await;
    assert!(
        log.iter()
            .any(|l| l.action == "sign_in_unlocked" && l.email.as_deref() == Some(PROCTOR.0)),
        "{log:?}"
    );
    // Failed sign-ins store the typed number bounded in length.
    let (attacker, token) = guesser(&app).await;
    let long = "9".repeat(100_000);
    burst(&attacker, &token, &long, 1).await;
    let longest: Option<i64> =
        sqlx::query_scalar("SELECT MAX(LENGTH(candidate_number)) FROM candidate_failures")
            .fetch_one(&app.db.read)
            .await
            .unwrap();
    assert!(longest.unwrap_or(0) <= 64, "{longest:?}");
}

#[tokio::test]
async fn the_proctor_reissues_from_the_console_signing_out_every_computer_and_allowing_a_late_start()
 {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    assert_eq!(location(&s.sign_in().await), "/thi/lobby");
    let second = s.on_another_computer(&app);
    assert_eq!(location(&second.sign_in().await), "/thi/lobby");
    // The session began 20 minutes ago and allows 15 minutes' late entry.
    let now = clock::now_ms();
    sqlx::query("UPDATE exam_sessions SET starts_at = $1, ends_at = $2, late_entry_minutes = 15")
        .bind(now - 20 * 60_000)
        .bind(now + 3_600_000)
        .execute(&app.db.write)
        .await
        .unwrap();
    let proctor = proctor(&app).await;
    let console = proctor
        .get_text(&format!("/sessions/{}/console", s.session))
        .await;
    let reissue = format!("/sessions/{}/attempts/{}/reissue", s.session, s.attempt);
    assert!(
        console.contains(&format!("href=\"{reissue}\"")),
        "{console}"
    );
    assert!(
        proctor
            .get_text(&reissue)
            .await
            .contains(&format!("action=\"{reissue}\""))
    );
    let res = proctor
        .post_form(&reissue, &[("reason", "candidate.other"), ("comment", "")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    for browser in [&s.browser, &second.browser] {
        assert_ne!(
            location(&browser.get("/thi/lobby").await),
            "",
            "every computer that used the old code is signed out"
        );
    }
    assert_eq!(
        s.sign_in().await.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the old code no longer works"
    );
    let secret = sathach::startup::server_secret(&app.db).await.unwrap();
    let renewed = Sitting {
        code: sathach::attempts::access_code(&secret, &s.attempt, 2),
        ..s.on_another_computer(&app)
    };
    let page = renewed.started().await;
    assert!(page.contains("name=\"seq\""), "{page}");
    let log = app.log_of(&s.session).await;
    assert!(log.iter().any(|l| l.action == "late_start"), "{log:?}");
}

#[tokio::test]
async fn a_new_sign_in_does_not_cancel_a_computer_already_waiting() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    assert_eq!(location(&s.sign_in().await), "/thi/lobby");
    let first = s.on_another_computer(&app);
    assert_eq!(location(&first.sign_in().await), "/thi/lobby");
    let then = s.on_another_computer(&app);
    assert_eq!(location(&then.sign_in().await), "/thi/lobby");
    for waiting in [&first, &then] {
        let lobby = waiting.browser.get_text("/thi/lobby").await;
        assert!(
            lobby.contains("id=\"lobby-title\""),
            "still waiting: {lobby}"
        );
    }
    let proctor = proctor(&app).await;
    let console = proctor
        .get_text(&format!("/sessions/{}/console", s.session))
        .await;
    let approve = format!(
        "/sessions/{}/attempts/{}/approve-device",
        s.session, s.attempt
    );
    let forms: Vec<&str> = console.split(&format!("action=\"{approve}\"")).collect();
    assert_eq!(
        forms.len(),
        3,
        "one approval per waiting computer: {console}"
    );
    assert!(
        console.contains("127.0.0.1"),
        "each waiting computer's address"
    );
    // The proctor approves the first computer that waited (the console lists them in order).
    let device = forms[1]
        .split("name=\"device\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form names the computer")
        .to_string();
    let res = proctor.post_form(&approve, &[("device", &device)]).await;
    assert!(location(&res).contains("console.device_approved"));
    let lobby = first.browser.get_text("/thi/lobby").await;
    assert!(lobby.contains("Bắt đầu làm bài"), "{lobby}");
    assert_eq!(
        location(&s.browser.get("/thi/lobby").await),
        "/thi?notice=exam.device_replaced",
        "the computer it replaced"
    );
}
