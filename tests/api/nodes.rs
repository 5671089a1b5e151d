//! Several nodes on one database: the background work they share is split between them, not
//! raced (on SQLite, one node only, two sweeps of the same node stand in for them).

use sathach::{
    attempts::liveness::{Node, submit_overdue},
    clock,
    db::Backend,
    nodes::Down,
};

use crate::{
    helpers::{TestApp, spawn_app_with_demo},
    room::room,
};

/// A room of `size` candidates of the demo session, every attempt started.
async fn running_room(app: &TestApp, size: usize) {
    let (_, seats) = room(&app.db, size).await;
    for seat in &seats {
        sathach::sessions::start::start(&app.db, &seat.attempt, clock::now_ms())
            .await
            .expect("starts");
    }
}

#[tokio::test]
async fn two_nodes_split_the_deadline_sweep_and_submit_each_attempt_once() {
    const SIZE: usize = 40;
    let app = spawn_app_with_demo().await;
    running_room(&app, SIZE).await;
    let other = match app.another_node("node-b").await {
        Ok(other) => Some(other),
        Err(refused) => {
            // SQLite: one server per database.
            assert_eq!(app.db.backend, Backend::Sqlite, "{refused:#}");
            None
        }
    };
    let second = other.as_ref().map_or(&app.db, |o| &o.db);
    let now = clock::now_ms();
    sqlx::query("UPDATE attempts SET deadline_at = $1 WHERE state = 'in_progress'")
        .bind(now - 60_000)
        .execute(&app.db.write)
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        submit_overdue(&app.db, now, 30_000),
        submit_overdue(second, now, 30_000)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    // The nodes' own sweeps (every 2 s) may have taken some: taken, never raced.
    assert_eq!(a.raced + b.raced, 0, "{a:?} {b:?}");
    assert!(a.submitted + b.submitted > 0, "{a:?} {b:?}");
    // Each found due what the nodes' own sweeps had not taken before it looked.
    assert!(a.submitted + a.taken <= SIZE, "{a:?}");
    assert!(b.submitted + b.taken <= SIZE, "{b:?}");
    if app.db.backend == Backend::Postgres {
        println!("two nodes' sweeps: {a:?} and {b:?}");
    }
    let per_attempt: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT a.id,
                (SELECT COUNT(*) FROM session_events e
                  WHERE e.attempt_id = a.id AND e.to_state = 'submitted'),
                (SELECT COUNT(*) FROM results r WHERE r.attempt_id = a.id)
         FROM attempts a WHERE a.paper_id IS NOT NULL",
    )
    .fetch_all(&app.db.read)
    .await
    .unwrap();
    assert_eq!(per_attempt.len(), SIZE);
    for (id, submitted, results) in per_attempt {
        assert_eq!((submitted, results), (1, 1), "attempt {id}");
    }
    let ended: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM attempts WHERE state = 'submitted' AND end_cause = 'deadline'
         AND ended_at = $1",
    )
    .bind(now - 60_000)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert_eq!(ended, SIZE as i64, "each ended at its deadline");
}

#[tokio::test]
async fn a_node_joining_others_starts_only_with_their_keys_from_its_configuration() {
    let app = spawn_app_with_demo().await;
    if app.db.backend == Backend::Sqlite {
        return; // one node per SQLite database (the serve lock)
    }
    let first = app.settings.node_name.clone();
    // The first node has served (its first heartbeat is written as it starts serving).
    let began = std::time::Instant::now();
    while sathach::nodes::others(&app.db, "node-b")
        .await
        .unwrap()
        .is_empty()
    {
        assert!(began.elapsed().as_secs() < 10, "no heartbeat of {first}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mut settings = app.settings.clone();
    settings.node_name = "node-b".into();

    // The first node's key file (the same data folder), but no server_key configured.
    let refused = app
        .start_node(settings.clone())
        .await
        .err()
        .expect("refused");
    let message = format!("{refused:#}");
    assert!(
        message.contains("set server_key") && message.contains(&first),
        "{message}"
    );

    // The server key configured, but a signing-keys folder of its own, empty.
    let file = settings.data_dir.join(sathach::db::KEY_FILE);
    let key = std::fs::read_to_string(file).unwrap();
    settings.server_key = Some(sathach::config::Secret::new(key.trim()));
    let elsewhere = tempfile::tempdir().unwrap();
    let mut own_keys = settings.clone();
    own_keys.signing_keys_dir = Some(elsewhere.path().to_path_buf());
    let refused = app.start_node(own_keys).await.err().expect("refused");
    let message = format!("{refused:#}");
    assert!(
        message.contains("sign") && message.contains("does not hold the signing key"),
        "{message}"
    );
    let heartbeats: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM node_heartbeats WHERE node_name = 'node-b'")
            .fetch_one(&app.db.read)
            .await
            .unwrap();
    assert_eq!(heartbeats, 0, "a refused node never served");

    // Both shared: it starts and serves.
    let second = app.start_node(settings).await.expect("starts");
    assert_eq!(second.get("/healthz").await.status(), 200);
}

/// A heartbeat row of instance `id` of node `name`, last seen `ago` ms before `now`.
async fn heartbeat(db: &sathach::db::Db, id: &str, name: &str, seen_at: i64, stopped: bool) {
    sqlx::query(
        "INSERT INTO node_heartbeats (node_id, node_name, started_at, seen_at, stopped_at)
         VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(id)
    .bind(name)
    .bind(seen_at)
    .bind(stopped.then_some(seen_at))
    .execute(&db.write)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_node_that_stops_beating_is_noticed_once_and_one_stopped_on_purpose_is_not() {
    let app = spawn_app_with_demo().await;
    let first = app.settings.node_name.clone();
    // While this app is stopped (its own watch would notice too), two other nodes watch.
    let app = app
        .restart(|db| async move {
            let now = clock::now_ms();
            let db = &db;
            heartbeat(db, "x-1", "node-x", now - 20_000, false).await; // killed 20 s ago
            heartbeat(db, "y-1", "node-y", now - 20_000, true).await; // stopped on purpose
            heartbeat(db, "z-1", "node-z", now - 20_000, false).await; // killed, restarted:
            heartbeat(db, "z-2", "node-z", now - 1_000, false).await; //   its new instance
            heartbeat(db, "w-1", "node-w", now - 2_000, false).await; // alive
            heartbeat(db, "v-1", "node-v", now - 3_600_000, false).await; // gone long before
            heartbeat(db, "x-0", "node-x", now - 40 * 86_400_000, false).await; // an old start

            let (node_a, node_b) = (Node::start("node-a"), Node::start("node-b"));
            let (a, b) = tokio::join!(
                sathach::nodes::notice_down(db, &node_a, now),
                sathach::nodes::notice_down(db, &node_b, now)
            );
            let (a, b) = (a.unwrap(), b.unwrap());
            let noticed: Vec<&Down> = a.iter().chain(&b).collect();
            assert_eq!(
                noticed,
                [&Down {
                    node_name: "node-x".into(),
                    seen_at: now - 20_000
                }],
                "{a:?} {b:?}"
            );
            let again = sathach::nodes::notice_down(db, &node_a, now + 10_000)
                .await
                .unwrap();
            assert!(again.is_empty(), "noticed once: {again:?}");
            let audited: Vec<(String, String)> = sqlx::query_as(
                "SELECT subject_id, detail FROM audit_events WHERE action = 'node.down'",
            )
            .fetch_all(&db.read)
            .await
            .unwrap();
            assert_eq!(audited.len(), 1, "{audited:?}");
            assert_eq!(audited[0].0, "node-x");
            assert!(
                audited[0].1.contains("noticed by node-"),
                "{:?}",
                audited[0]
            );

            // Earlier instances older than 30 days go; a node's newest heartbeat stays.
            assert_eq!(sathach::nodes::prune(db, now).await.unwrap(), 1);
            let kept: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM node_heartbeats WHERE node_name = 'node-x'",
            )
            .fetch_one(&db.read)
            .await
            .unwrap();
            assert_eq!(kept, 1);
            // The made-up nodes go, or the app would now need the shared key to start again.
            let made_up = ["node-v", "node-w", "node-x", "node-y", "node-z"];
            for name in made_up {
                sqlx::query("DELETE FROM node_heartbeats WHERE node_name = $1")
                    .bind(name)
                    .execute(&db.write)
                    .await
                    .unwrap();
            }
        })
        .await;
    // The app stopping on purpose (for the restart) said so.
    let stopped: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM node_heartbeats WHERE node_name = $1 AND stopped_at IS NOT NULL",
    )
    .bind(&first)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert!(stopped >= 1, "the stop was recorded");
}

#[tokio::test]
async fn two_nodes_starting_at_once_pause_each_running_attempt_once() {
    const SIZE: usize = 40;
    let app = spawn_app_with_demo().await;
    running_room(&app, SIZE).await;
    let settings = app.settings.clone();
    let app = app
        .restart(|db| async move {
            // Every node stopped ten minutes ago; two start again at the same moment.
            sqlx::query("UPDATE node_heartbeats SET seen_at = seen_at - 600000")
                .execute(&db.write)
                .await
                .unwrap();
            let other = match db.backend {
                Backend::Sqlite => db.clone(),
                Backend::Postgres => sathach::db::Db::connect(&settings).await.unwrap(),
            };
            let now = clock::now_ms();
            let (a, b) = tokio::join!(
                sathach::attempts::restart::pause_after_restart(&db, "node-a", now),
                sathach::attempts::restart::pause_after_restart(&other, "node-b", now)
            );
            let (a, b) = (a.unwrap(), b.unwrap());
            assert_eq!(a + b, SIZE, "{a} + {b}");
        })
        .await;
    let pauses: Vec<i64> = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM session_events e
                  WHERE e.attempt_id = a.id AND e.to_state = 'paused')
         FROM attempts a WHERE a.paper_id IS NOT NULL",
    )
    .fetch_all(&app.db.read)
    .await
    .unwrap();
    assert_eq!(pauses, vec![1; SIZE]);
}
