//! Two nodes on one PostgreSQL behind nginx (the deployment the README describes): a room's
//! candidates save through the balancer while one node is killed (SIGKILL); they go on
//! through the other with no error and nothing lost, each losing at most the stated failover
//! time; the dead node is noticed by the other; and every deadline is then swept exactly once.
//! SQLite has one node per database: there the test has nothing to run.

use std::{
    sync::{
        Arc, Mutex, RwLock,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use sqlx::Connection;

use crate::{
    balancer::{Balancer, nginx_binary},
    helpers::{PROCTOR, TestApp, fresh_settings},
    kill_load::{Ack, Server, all_saving, lost, resume, sit_down, started_room},
};

const CANDIDATES: usize = 10;
/// What the README promises a candidate loses when a node dies: nginx sends the request the
/// dead node did not answer to the other node at once (`proxy_next_upstream error`), or after
/// `proxy_connect_timeout` (1 s) when its machine is gone, and the page's script retries after
/// 2 s at most.
const FAILOVER: Duration = Duration::from_secs(3);
/// The setting that lets a machine without nginx skip this test; without it nginx's absence
/// fails it.
const SKIP: &str = "SATHACH_SKIP_NGINX_TESTS";

fn nginx() -> Option<String> {
    match nginx_binary() {
        Some(path) => Some(path),
        None if std::env::var(SKIP).is_ok_and(|v| v == "1") => None,
        None => panic!(
            "nginx is missing: install it (Debian: apt-get install nginx-light), or set {SKIP}=1 \
             to skip the two-node test"
        ),
    }
}

#[tokio::test]
async fn a_node_killed_mid_exam_behind_nginx_loses_nothing_and_its_candidates_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let settings = fresh_settings(dir.path()).await;
    if !settings.database_url.expose().starts_with("postgres") {
        return; // one node per SQLite database
    }
    let Some(nginx) = nginx() else { return };
    let (db, session, seats) = started_room(&settings, CANDIDATES).await;
    // node-a starts first and makes the server key; node-b is given it, as the README says.
    let (node_a, a) = Server::start_with(&settings, &[("SATHACH_NODE_NAME", "node-a")]);
    let key = std::fs::read_to_string(settings.data_dir.join(sathach::db::KEY_FILE)).unwrap();
    let shared = [
        ("SATHACH_NODE_NAME", "node-b"),
        ("SATHACH_SERVER_KEY", key.trim()),
    ];
    let (_node_b, b) = Server::start_with(&settings, &shared);
    let mut balancer = Balancer::start(&nginx, &[&a, &b], 64).unwrap();
    balancer.ready().await.unwrap();
    let front = balancer.address.clone();
    let proctor = TestApp::on_running_server(front.clone(), db.clone(), settings.clone());
    proctor.signed_in_as(PROCTOR).await;
    // Started before any node ran: node-a's start paused them; the proctor resumes the room.
    resume(&proctor, &session).await;
    let desks =
        futures_util::future::join_all(seats.into_iter().map(|s| sit_down(&front, &db, s))).await;

    let stop = Arc::new(AtomicBool::new(false));
    let acks: Arc<Mutex<Vec<Ack>>> = Arc::new(Mutex::new(Vec::new()));
    let address = Arc::new(RwLock::new(front.clone()));
    let sitting = all_saving(&address, desks, &stop, &acks);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before_kill = acks.lock().unwrap().len();
    let killed_at = Instant::now();
    node_a.kill();
    tokio::time::sleep(Duration::from_secs(4)).await;
    stop.store(true, Ordering::Relaxed);
    for errors in futures_util::future::join_all(sitting).await {
        let errors = errors.unwrap();
        assert!(errors.is_empty(), "replies that are errors: {errors:?}");
    }
    let acks = std::mem::take(&mut *acks.lock().unwrap());
    assert!(
        before_kill > 0 && acks.len() > before_kill,
        "saved before and after the kill"
    );

    // Each candidate's longest wait for an acknowledgement across the kill.
    for attempt in acks
        .iter()
        .map(|a| a.attempt.clone())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let mut times: Vec<Instant> = acks
            .iter()
            .filter(|a| a.attempt == attempt)
            .map(|a| a.at)
            .collect();
        times.push(killed_at);
        times.sort();
        let after = times.iter().position(|t| *t == killed_at).unwrap();
        let next = times.get(after + 1).expect("saved after the kill");
        let before = times[..after].last().expect("saved before the kill");
        assert!(
            next.duration_since(*before) <= FAILOVER,
            "attempt {attempt} waited {:?} across the kill",
            next.duration_since(*before)
        );
    }
    let mut conn = sqlx::AnyConnection::connect(settings.database_url.expose())
        .await
        .unwrap();
    let lost = lost(&mut conn, &acks).await;
    assert!(lost.is_empty(), "acknowledged saves lost: {lost:#?}");
    // Nothing paused: node-b served throughout.
    let running: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM attempts WHERE state = 'in_progress'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(running, CANDIDATES as i64);

    // node-b notices node-a went down (15 s of silence, then its next beat).
    let began = Instant::now();
    loop {
        let noticed: Option<String> = sqlx::query_scalar(
            "SELECT down_noticed_by FROM node_heartbeats WHERE node_name = 'node-a'",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        if let Some(by) = noticed {
            assert_eq!(by, "node-b");
            break;
        }
        assert!(
            began.elapsed() < Duration::from_secs(30),
            "node-a's death went unnoticed"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // The deadlines pass: node-b sweeps every attempt, once.
    let deadline = sathach::clock::now_ms() - 60_000;
    sqlx::query("UPDATE attempts SET deadline_at = $1 WHERE state = 'in_progress'")
        .bind(deadline)
        .execute(&mut conn)
        .await
        .unwrap();
    let began = Instant::now();
    loop {
        let submitted: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM attempts WHERE state = 'submitted'")
                .fetch_one(&mut conn)
                .await
                .unwrap();
        if submitted == CANDIDATES as i64 {
            break;
        }
        assert!(
            began.elapsed() < Duration::from_secs(20),
            "{submitted} swept"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let once: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM session_events e
                  WHERE e.attempt_id = a.id AND e.to_state = 'submitted'),
                (SELECT COUNT(*) FROM results r WHERE r.attempt_id = a.id)
         FROM attempts a WHERE a.paper_id IS NOT NULL",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert_eq!(once, vec![(1, 1); CANDIDATES]);
    println!(
        "two nodes behind nginx: {} saves acknowledged, {} after node-a was killed",
        acks.len(),
        acks.len() - before_kill
    );
    conn.close().await.ok();
    db.close().await;
}
