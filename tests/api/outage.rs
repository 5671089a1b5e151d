//! PostgreSQL unreachable in the middle of an exam: requests fail within seconds with a page
//! (or, for the exam page's script, JSON) saying nothing was saved, `/healthz` says 503, and
//! everything recovers by itself when the database answers again. The test puts a TCP relay
//! it controls between the server and PostgreSQL, and makes it stop answering.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use reqwest::StatusCode;
use tokio::{
    io::copy_bidirectional,
    net::{TcpListener, TcpStream},
    sync::Notify,
};

use crate::{
    candidates::{answers_on, ready, save_json},
    helpers::{fresh_settings, spawn_demo_on},
};

/// A relay to PostgreSQL that can go silent: connections it holds are cut, new ones are
/// accepted and never answered (a database that does not answer).
struct Relay {
    port: u16,
    down: Arc<AtomicBool>,
    cut: Arc<Notify>,
}

impl Relay {
    async fn to(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let down = Arc::new(AtomicBool::new(false));
        let cut = Arc::new(Notify::new());
        let (flag, cutter) = (down.clone(), cut.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                let (flag, cutter, target) = (flag.clone(), cutter.clone(), target.clone());
                tokio::spawn(async move {
                    if flag.load(Ordering::Acquire) {
                        // Silent: hold the connection, answer nothing.
                        tokio::time::sleep(Duration::from_secs(60)).await;
                        return;
                    }
                    let Ok(mut server) = TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = copy_bidirectional(&mut client, &mut server) => {}
                        () = cutter.notified() => {}
                    }
                });
            }
        });
        Self { port, down, cut }
    }

    fn go_silent(&self) {
        self.down.store(true, Ordering::Release);
        self.cut.notify_waiters();
    }

    fn come_back(&self) {
        self.down.store(false, Ordering::Release);
    }
}

async fn until_status(app: &crate::helpers::TestApp, path: &str, want: StatusCode) -> Duration {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if app.get(path).await.status() == want {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} never answered {want}");
}

#[tokio::test]
async fn an_unreachable_database_fails_fast_and_recovers_by_itself() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        eprintln!("the unreachable-database test needs PostgreSQL (TEST_DATABASE_URL)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut settings = fresh_settings(dir.path()).await;
    let mut url = url::Url::parse(settings.database_url.expose()).unwrap();
    let target = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
    let relay = Relay::to(target).await;
    url.set_port(Some(relay.port)).unwrap();
    settings.database_url = sathach::config::Secret::new(url.to_string());
    let app = spawn_demo_on(settings, dir).await;
    let s = ready(&app, 0).await;
    let page = s.started().await;
    let csrf = s.browser.csrf().await;
    let fields = answers_on(&page);
    assert_eq!(
        save_json(&s, 1, &fields, 1, &csrf).await.status(),
        StatusCode::OK
    );

    relay.go_silent();
    let noticed = until_status(&app, "/healthz", StatusCode::SERVICE_UNAVAILABLE).await;
    assert!(
        noticed < Duration::from_secs(5),
        "noticed after {noticed:?}"
    );
    let said = app.get_text("/healthz").await;
    assert!(said.contains("cannot be reached"), "{said}");
    let asked = Instant::now();
    let res = save_json(&s, 1, &fields, 2, &csrf).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("đang thử lại"),
        "{body}"
    );
    let page = s.browser.get("/thi/q/1").await;
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    let text = page.text().await.unwrap();
    assert!(text.contains("câu trả lời chưa được lưu"), "{text}");
    assert!(
        asked.elapsed() < Duration::from_secs(3),
        "{:?}",
        asked.elapsed()
    );

    relay.come_back();
    until_status(&app, "/healthz", StatusCode::OK).await;
    let res = save_json(&s, 1, &fields, 3, &csrf).await;
    assert_eq!(res.status(), StatusCode::OK);
    let seq: i64 = sqlx::query_scalar("SELECT seq FROM responses WHERE attempt_id = $1")
        .bind(&s.attempt)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    assert_eq!(seq, 3);
}
