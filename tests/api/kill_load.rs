//! The SIGKILL test under load: the real binary (`sathach serve`) runs as a child process while
//! 20 candidates save answers in a loop as the page's script does (JSON replies); the server
//! is killed with SIGKILL at a random moment of each of 20 cycles and started again on the
//! same data folder; the proctor resumes the room and the candidates go on. At the end every
//! acknowledged save is stored (its seq or a later one of the same candidate; the same answer
//! when the same seq), and SQLite's `PRAGMA integrity_check` says `ok`. On PostgreSQL
//! (`TEST_DATABASE_URL`) the same without the integrity check.

use std::{
    collections::HashMap,
    io::{BufRead, BufReader},
    process::{Child, Stdio},
    sync::{
        Arc, Mutex, RwLock,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use rand::RngExt;
use reqwest::StatusCode;
use sathach::{config::Settings, db::Db, sessions::start::start};
use sqlx::Connection;

use crate::{
    helpers::{PROCTOR, TestApp, csrf_in, fresh_settings, sathach_on},
    room::{Seat, room},
};

const CANDIDATES: usize = 20;
const CYCLES: usize = 20;
/// Questions each candidate answers, over and over.
pub(crate) const QUESTIONS: usize = 3;
/// Refusals a restart explains (nothing acknowledged): the attempt paused until the proctor
/// resumes (said as paused, or as not running when the pause lands while the save is on its
/// way), the writer busy, the database not reachable yet.
const RESTART_REFUSALS: [&str; 4] = [
    "\"exam.paused\"",
    "\"exam.not_running\"",
    "\"exam.busy\"",
    "\"exam.not_saved_retrying\"",
];

/// `sathach serve` as a child process on the settings' database and data folder.
pub(crate) struct Server(Child);

impl Server {
    /// Starts the server on a free port; returns it and its address once it is ready.
    fn start(settings: &Settings) -> (Server, String) {
        Self::start_with(settings, &[])
    }

    /// As `start`, with these environment variables (a node name, a shared key).
    pub(crate) fn start_with(settings: &Settings, env: &[(&str, &str)]) -> (Server, String) {
        let mut child = sathach_on(settings)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .envs(env.iter().copied())
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("sathach serve starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let address = stdout
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                let address = line.strip_prefix("sathach is ready at ")?;
                Some(address.trim_end_matches('/').to_string())
            })
            .expect("sathach got ready");
        std::thread::spawn(move || stdout.for_each(drop));
        (Server(child), address)
    }

    /// SIGKILL: no clean-up of any kind.
    pub(crate) fn kill(mut self) {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A save the server acknowledged: the answer stored for `item` must be this one or newer.
pub(crate) struct Ack {
    pub(crate) attempt: String,
    item: String,
    seq: i64,
    /// The stored value this save's answer gives (learnt before the kills).
    value: Option<String>,
    /// When the acknowledgement arrived.
    pub(crate) at: Instant,
}

/// A question a candidate answers: its number, item, and the stored value of each option.
struct Question {
    n: usize,
    item: String,
    options: Vec<(String, Option<String>)>,
}

/// One candidate's desk: their browser, the page's CSRF token, their questions, their seq.
pub(crate) struct Desk {
    seat: Seat,
    csrf: String,
    questions: Vec<Question>,
    seq: i64,
}

/// The radio group of a single-choice question page: its field name and option tokens.
fn radios(page: &str) -> Option<(String, Vec<String>)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(tag[start..start + tag[start..].find('"')?].to_string())
    };
    let mut group: Option<(String, Vec<String>)> = None;
    for tag in page.split("<input").skip(1) {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        if !tag.contains("type=\"radio\"") {
            continue;
        }
        let (name, value) = (attr(tag, "name")?, attr(tag, "value")?);
        match &mut group {
            Some((known, values)) if *known == name => values.push(value),
            Some(_) => return None,
            None => group = Some((name, vec![value])),
        }
    }
    group.filter(|(_, values)| values.len() >= 2)
}

async fn save(
    address: &str,
    desk: &Desk,
    n: usize,
    fields: &[(String, String)],
) -> reqwest::Result<reqwest::Response> {
    desk.seat
        .client
        .post(format!("{address}/thi/q/{n}"))
        .header("accept", "application/json")
        .timeout(Duration::from_secs(10))
        .form(fields)
        .send()
        .await
}

fn fields(desk: &Desk, name: &str, token: &str, seq: i64) -> Vec<(String, String)> {
    vec![
        (name.to_string(), token.to_string()),
        ("seq".into(), seq.to_string()),
        ("csrf".into(), desk.csrf.clone()),
    ]
}

/// Finds the candidate's first single-choice questions and learns, by saving each option once
/// while nothing is killed, which stored value each option gives.
pub(crate) async fn sit_down(address: &str, db: &Db, seat: Seat) -> (Desk, Vec<(usize, String)>) {
    let mut desk = Desk {
        seat,
        csrf: String::new(),
        questions: Vec::new(),
        seq: 0,
    };
    let mut names = Vec::new();
    for n in 1..=40 {
        if desk.questions.len() == QUESTIONS {
            break;
        }
        let page = desk.seat.page(address, &format!("/thi/q/{n}")).await;
        desk.csrf = csrf_in(&page).expect("a question page");
        let Some((name, tokens)) = radios(&page) else {
            continue;
        };
        let mut question = Question {
            n,
            item: String::new(),
            options: Vec::new(),
        };
        for token in tokens {
            desk.seq += 1;
            let res = save(address, &desk, n, &fields(&desk, &name, &token, desk.seq))
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::OK,
                "{}",
                res.text().await.unwrap()
            );
            let (item, value): (String, Option<String>) = sqlx::query_as(
                "SELECT item_id, value FROM responses WHERE attempt_id = $1 AND seq = $2",
            )
            .bind(&desk.seat.attempt)
            .bind(desk.seq)
            .fetch_one(&db.read)
            .await
            .unwrap();
            question.item = item;
            question.options.push((token, value));
        }
        names.push((n, name));
        desk.questions.push(question);
    }
    assert_eq!(desk.questions.len(), QUESTIONS, "single-choice questions");
    (desk, names)
}

/// Saves in a loop until `stop`: a random question and option, a newer seq each time; returns
/// the acknowledged saves and any reply that is neither an acknowledgement nor a refusal a
/// restart explains (the server away, 503, the attempt paused until the proctor resumes).
async fn keep_saving(
    address: Arc<RwLock<String>>,
    mut desk: Desk,
    names: Vec<(usize, String)>,
    stop: Arc<AtomicBool>,
    acks: Arc<Mutex<Vec<Ack>>>,
) -> Vec<String> {
    let mut errors = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let (q, o, think) = {
            let mut rng = rand::rng();
            let q = rng.random_range(0..desk.questions.len());
            let o = rng.random_range(0..desk.questions[q].options.len());
            (q, o, rng.random_range(5..30))
        };
        desk.seq += 1;
        let question = &desk.questions[q];
        let (token, value) = question.options[o].clone();
        let name = &names.iter().find(|(n, _)| *n == question.n).unwrap().1;
        let sent = fields(&desk, name, &token, desk.seq);
        let here = address.read().unwrap().clone();
        match save(&here, &desk, question.n, &sent).await {
            Ok(res) if res.status() == StatusCode::OK => acks.lock().unwrap().push(Ack {
                attempt: desk.seat.attempt.clone(),
                item: question.item.clone(),
                seq: desk.seq,
                value,
                at: Instant::now(),
            }),
            Ok(res)
                if [StatusCode::CONFLICT, StatusCode::SERVICE_UNAVAILABLE]
                    .contains(&res.status()) =>
            {
                let body = res.text().await.unwrap_or_default();
                if !RESTART_REFUSALS.iter().any(|key| body.contains(key)) {
                    errors.push(body);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Ok(res) => errors.push(format!(
                "{}: {}",
                res.status(),
                res.text().await.unwrap_or_default()
            )),
            // Killed, or not started again yet.
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
        tokio::time::sleep(Duration::from_millis(think)).await;
    }
    errors
}

/// The demo on a new database, and a room of `size` of its candidates with every attempt
/// started: the database, the session and the seats.
pub(crate) async fn started_room(settings: &Settings, size: usize) -> (Db, String, Vec<Seat>) {
    let db = Db::connect_and_migrate(settings).await.unwrap();
    sathach::demo::load(&db).await.unwrap();
    let (session, seats) = room(&db, size).await;
    for seat in &seats {
        start(&db, &seat.attempt, sathach::clock::now_ms())
            .await
            .unwrap();
    }
    (db, session, seats)
}

/// Every desk saving in a loop (`keep_saving`) until `stop`, into `acks`.
pub(crate) fn all_saving(
    address: &Arc<RwLock<String>>,
    desks: Vec<(Desk, Vec<(usize, String)>)>,
    stop: &Arc<AtomicBool>,
    acks: &Arc<Mutex<Vec<Ack>>>,
) -> Vec<tokio::task::JoinHandle<Vec<String>>> {
    desks
        .into_iter()
        .map(|(desk, names)| {
            tokio::spawn(keep_saving(
                address.clone(),
                desk,
                names,
                stop.clone(),
                acks.clone(),
            ))
        })
        .collect()
}

/// The restart paused every running attempt; the proctor resumes the room.
pub(crate) async fn resume(proctor: &TestApp, session: &str) {
    let res = proctor
        .post_form(
            &format!("/sessions/{session}/room/resume"),
            &[("reason", "technical.server"), ("comment", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn every_acknowledged_save_survives_20_sigkills_under_load() {
    let began = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let settings = fresh_settings(dir.path()).await;
    let (db, session, seats) = started_room(&settings, CANDIDATES).await;
    let (mut server, first) = Server::start(&settings);
    let address = Arc::new(RwLock::new(first.clone()));
    let mut proctor = TestApp::on_running_server(first.clone(), db.clone(), settings.clone());
    proctor.signed_in_as(PROCTOR).await;
    // Started before any server ran: the first start pauses them too.
    resume(&proctor, &session).await;
    let desks =
        futures_util::future::join_all(seats.into_iter().map(|s| sit_down(&first, &db, s))).await;

    let stop = Arc::new(AtomicBool::new(false));
    let acks = Arc::new(Mutex::new(Vec::new()));
    let sitting = all_saving(&address, desks, &stop, &acks);
    let mut acked_by_cycle = Vec::new();
    for _ in 0..CYCLES {
        let wait = rand::rng().random_range(200..1500);
        let before = acks.lock().unwrap().len();
        tokio::time::sleep(Duration::from_millis(wait)).await;
        server.kill();
        acked_by_cycle.push(acks.lock().unwrap().len() - before);
        let (again, at) = Server::start(&settings);
        server = again;
        *address.write().unwrap() = at.clone();
        proctor.address = at;
        resume(&proctor, &session).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    for errors in futures_util::future::join_all(sitting).await {
        let errors = errors.unwrap();
        assert!(errors.is_empty(), "replies that are errors: {errors:?}");
    }
    server.kill();

    let acks = std::mem::take(&mut *acks.lock().unwrap());
    println!(
        "{} saves acknowledged over {CYCLES} SIGKILLs in {:?}; per cycle: {acked_by_cycle:?}",
        acks.len(),
        began.elapsed()
    );
    assert!(
        acked_by_cycle.iter().all(|n| *n > 0),
        "candidates saved in every cycle: {acked_by_cycle:?}"
    );
    db.close().await;
    let mut conn = sqlx::AnyConnection::connect(settings.database_url.expose())
        .await
        .unwrap();
    let lost = lost(&mut conn, &acks).await;
    assert!(lost.is_empty(), "acknowledged saves lost: {lost:#?}");
    if settings.database_url.expose().starts_with("sqlite") {
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(check, "ok");
    }
    conn.close().await.ok();
}

/// The acknowledged saves not stored as acknowledged (neither their seq and value, nor a
/// later seq of the same question).
pub(crate) async fn lost(conn: &mut sqlx::AnyConnection, acks: &[Ack]) -> Vec<String> {
    let stored: HashMap<(String, String), (i64, Option<String>)> =
        sqlx::query_as::<_, (String, String, i64, Option<String>)>(
            "SELECT attempt_id, item_id, seq, value FROM responses",
        )
        .fetch_all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|(a, i, seq, value)| ((a, i), (seq, value)))
        .collect();
    let mut lost = Vec::new();
    for ack in acks {
        match stored.get(&(ack.attempt.clone(), ack.item.clone())) {
            Some((seq, _)) if *seq > ack.seq => {}
            Some((seq, value)) if *seq == ack.seq && *value == ack.value => {}
            other => lost.push(format!(
                "{} {} seq {}: stored {other:?}",
                ack.attempt, ack.item, ack.seq
            )),
        }
    }
    lost
}
