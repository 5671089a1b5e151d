//! Logs that explain an incident: the real binary (`sathach serve --log-format json`) runs as a
//! child process; every line logged while it handles a candidate's answer save carries the
//! request id, the route and the attempt id, with date and second; after a crash and restart
//! the pause is logged with the moment it pauses from.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use reqwest::StatusCode;
use sathach::{config::Settings, db::Db};
use serde_json::Value;

use crate::{
    candidates::{answers_on, ready},
    helpers::{TestApp, csrf_in, fresh_settings, sathach_on},
};

/// `sathach serve` as a child process, its JSON log (stderr) collected line by line.
struct Server {
    child: Child,
    address: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts the server on the settings' database with the demo data, on a free port.
    fn start(settings: &Settings) -> Server {
        let mut child = sathach_on(settings)
            .args(["--log-format", "json"])
            .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
            .env_remove("SATHACH_LOG_FORMAT")
            // Debug lines and SQL statements too, but only those logged while handling a
            // request (SQLite's statements run on sqlx's worker thread, outside it).
            .env("RUST_LOG", "info,sqlx=warn,[request]=debug")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sathach serve starts");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (lines, stderr) = (log.clone(), child.stderr.take().unwrap());
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut lines) = lines.lock() {
                    lines.push(line);
                }
            }
        });
        // The demo's import report comes first; then the line naming the address.
        let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let address = stdout
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                let address = line.strip_prefix("sathach is ready at ")?;
                Some(address.trim_end_matches('/').to_string())
            })
            .unwrap_or_else(|| panic!("sathach never got ready: {:?}", log.lock().unwrap()));
        std::thread::spawn(move || stdout.for_each(drop));
        Server {
            child,
            address,
            log,
        }
    }

    fn lines(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Waits (up to five seconds) for a log line that `wanted` accepts; all lines so far.
    async fn wait_for(&self, wanted: impl Fn(&Value) -> bool) -> Vec<Value> {
        for _ in 0..50 {
            let lines: Vec<Value> = self.lines().iter().map(|l| json(l)).collect();
            if lines.iter().any(&wanted) {
                return lines;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the awaited line never came: {:#?}", self.lines());
    }
}

fn json(line: &str) -> Value {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"))
}

/// A field of the line's request span (from the span list the JSON formatter writes).
/// Saves question 1 with `fields` as the page's script does; returns the request's id and the
/// server's lines from the save's start to the request's own line.
async fn logged_save(
    server: &Server,
    s: &crate::candidates::Sitting,
    fields: &[(String, String)],
) -> (String, Vec<Value>) {
    let before = server.lines().len();
    let res = s
        .browser
        .client
        .post(s.browser.url("/thi/q/1"))
        .header("accept", "application/json")
        .form(fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let is_end = |l: &Value| {
        l["message"] == "request" && span_field(l, "request_id").is_some_and(|id| id == request_id)
    };
    let lines = server.wait_for(is_end).await;
    let end = lines.iter().position(is_end).unwrap();
    // Another request's lines may fall in between (the question page's own last line can be
    // written after its answer arrived): they name their request, not this one.
    let other = |l: &Value| span_field(l, "request_id").is_some_and(|id| id != request_id);
    let mine = lines[before..=end].iter().filter(|l| !other(l));
    (request_id.clone(), mine.cloned().collect())
}

fn span_field<'a>(line: &'a Value, name: &str) -> Option<&'a str> {
    line["spans"]
        .as_array()?
        .iter()
        .find(|s| s["name"] == "request")?
        .get(name)?
        .as_str()
}

/// `YYYY-MM-DDTHH:MM:SS…`: a date and a time to the second.
fn has_date_and_second(moment: &str) -> bool {
    let b = moment.as_bytes();
    b.len() >= 19
        && [4, 7].iter().all(|&i| b[i] == b'-')
        && b[10] == b'T'
        && [13, 16].iter().all(|&i| b[i] == b':')
        && [0..4, 5..7, 8..10, 11..13, 14..16, 17..19]
            .into_iter()
            .all(|r| b[r].iter().all(u8::is_ascii_digit))
}

#[tokio::test]
async fn every_line_of_an_answer_save_names_the_request_route_and_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let settings = fresh_settings(dir.path()).await;
    let server = Server::start(&settings);
    let db = Db::connect(&settings).await.unwrap();
    let app = TestApp::on_running_server(server.address.clone(), db.clone(), settings.clone());
    let s = ready(&app, 0).await;
    let page = s.started().await;
    let mut fields = answers_on(&page);
    fields.push(("seq".into(), "1".into()));
    fields.push(("csrf".into(), csrf_in(&page).expect("a token")));
    let (request_id, request) = logged_save(&server, &s, &fields).await;
    let request = &request[..];
    let end = request.len() - 1;
    let shown = || serde_json::to_string_pretty(request).unwrap();
    let statements: Vec<&str> = request
        .iter()
        .filter(|l| l["target"] == "sqlx::query")
        .map(|l| l["db.statement"].as_str().unwrap_or_default().trim())
        .collect();
    // The paper and the item were kept when the question page was shown: the save looks up
    // the device once, then writes; on PostgreSQL the write is one statement (one round
    // trip), on SQLite the group-commit writer runs it outside the request.
    assert!(statements[0].contains("candidate_devices"), "{}", shown());
    if settings.database_url.expose().starts_with("postgres") {
        assert_eq!(statements.len(), 2, "the save's statements: {}", shown());
        assert!(statements[1].starts_with("WITH claim"), "{}", shown());
    } else {
        assert_eq!(statements.len(), 1, "the save's statements: {}", shown());
    }
    assert!(request.len() > 1, "{}", shown());
    for line in request {
        assert_eq!(
            span_field(line, "request_id"),
            Some(request_id.as_str()),
            "{line}"
        );
        assert_eq!(span_field(line, "route"), Some("/thi/q/{n}"), "{line}");
        assert!(
            has_date_and_second(line["timestamp"].as_str().unwrap_or_default()),
            "{line}"
        );
    }
    // The attempt is known once the candidate's device is looked up; from then on every line
    // names it, down to the request's own line.
    let named = request
        .iter()
        .position(|l| span_field(l, "attempt.id").is_some())
        .expect("lines name the attempt");
    for line in &request[..named] {
        let statement = line["db.statement"].as_str().unwrap_or_default();
        assert!(
            statement.contains("candidate_devices"),
            "only the device lookup precedes the attempt id: {line}"
        );
    }
    for line in &request[named..] {
        assert_eq!(
            span_field(line, "attempt.id"),
            Some(s.attempt.as_str()),
            "{line}"
        );
    }
    assert_eq!(request[end]["status"], 200);

    // The next save reads nothing: everything it needs that cannot change is kept.
    let seq = fields.iter().position(|(k, _)| k == "seq").unwrap();
    fields[seq].1 = "2".into();
    let (request_id, request) = logged_save(&server, &s, &fields).await;
    let statements: Vec<&str> = request
        .iter()
        .filter(|l| l["target"] == "sqlx::query")
        .filter(|l| span_field(l, "request_id").is_some_and(|id| id == request_id))
        .map(|l| l["db.statement"].as_str().unwrap_or_default().trim())
        .collect();
    let one_statement = settings.database_url.expose().starts_with("postgres");
    assert_eq!(
        statements.len(),
        usize::from(one_statement),
        "{statements:?}"
    );

    // A crash, then a restart after the last heartbeat ten minutes ago: the pause is logged with
    // the moment it pauses from, to the second.
    drop(server);
    sqlx::query("UPDATE node_heartbeats SET seen_at = seen_at - 600000")
        .execute(&db.write)
        .await
        .unwrap();
    db.close().await;
    let server = Server::start(&settings);
    let paused = |l: &Value| {
        l["message"]
            .as_str()
            .is_some_and(|m| m.contains("paused after a restart"))
    };
    let lines = server.wait_for(paused).await;
    let line = lines.iter().find(|l| paused(l)).unwrap();
    assert_eq!(line["attempts"], 1, "{line}");
    let from = line["paused_from"].as_str().unwrap_or_default();
    assert!(
        has_date_and_second(from) && from.ends_with("+07:00"),
        "{line}"
    );
    assert!(
        has_date_and_second(line["timestamp"].as_str().unwrap_or_default()),
        "{line}"
    );
}
