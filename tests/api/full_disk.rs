//! A full disk in the middle of an exam (SQLite on a small filesystem mounted for the test):
//! every save acknowledged before, during and after the fault is stored, as a fresh connection
//! sees it without a restart and again after one; saves that could not be stored are refused
//! (503, "đang thử lại"), `/healthz` says so, and the service recovers by itself.

use std::{collections::BTreeMap, io::Write, path::PathBuf, process::Command};

use reqwest::StatusCode;
use sqlx::{Connection, Executor};

use crate::{
    candidates::{Answering, answering, save_json},
    helpers::{TestApp, spawn_demo_on},
};

/// A tmpfs mounted for one test, unmounted when dropped. Mounting needs root (CI runs as
/// root); elsewhere the test fails unless `SATHACH_SKIP_MOUNT_TESTS` is set.
struct SmallDisk {
    root: tempfile::TempDir,
    filler: PathBuf,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> Option<Self> {
        if std::env::var_os("SATHACH_SKIP_MOUNT_TESTS").is_some() {
            eprintln!("SATHACH_SKIP_MOUNT_TESTS is set: the full-disk test is skipped");
            return None;
        }
        let root = tempfile::tempdir().expect("temp dir");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m")])
            .arg("tmpfs")
            .arg(root.path())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            mounted,
            "the full-disk test mounts a tmpfs and needs root; run as root (as CI does) or set \
             SATHACH_SKIP_MOUNT_TESTS=1 to skip it"
        );
        let filler = root.path().join("filler");
        Some(Self { root, filler })
    }

    fn data_dir(&self) -> PathBuf {
        self.root.path().join("data")
    }

    /// Takes every free byte.
    fn fill(&self) {
        let mut file = std::fs::File::create(&self.filler).expect("filler");
        for size in [1 << 20, 64 << 10, 4 << 10, 512, 1] {
            let chunk = vec![0u8; size];
            while file.write_all(&chunk).and_then(|()| file.flush()).is_ok() {}
        }
    }

    fn free(&self) {
        std::fs::remove_file(&self.filler).expect("filler removed");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.root.path())
            .status();
    }
}

/// What the candidates were told was saved: per attempt and question, the newest sequence
/// number acknowledged.
type Acked = BTreeMap<(String, usize), i64>;

struct Room {
    sittings: Vec<Answering>,
    next_seq: i64,
    acked: Acked,
}

impl Room {
    async fn start(app: &TestApp, candidates: usize) -> Self {
        let mut sittings = Vec::new();
        for index in 0..candidates {
            sittings.push(answering(app, index).await);
        }
        Self {
            sittings,
            next_seq: 1,
            acked: Acked::new(),
        }
    }

    /// Every candidate saves one question (the next in turn); returns the statuses.
    async fn save_round(&mut self) -> Vec<StatusCode> {
        let seq = self.next_seq;
        self.next_seq += 1;
        let n = (seq as usize % 3) + 1;
        let mut statuses = Vec::new();
        for Answering { s, csrf, pages } in &self.sittings {
            let mut fields = pages[n - 1].clone();
            if seq % 2 == 0 {
                fields.push(("flag".into(), "1".into()));
            }
            let res = save_json(s, n, &fields, seq, csrf).await;
            let status = res.status();
            let body: serde_json::Value = res.json().await.expect("a JSON answer");
            match status {
                StatusCode::OK => {
                    self.acked.insert((s.attempt.clone(), n), seq);
                }
                StatusCode::SERVICE_UNAVAILABLE => {
                    let said = body["error"].as_str().unwrap_or_default();
                    assert!(said.contains("đang thử lại"), "{body}");
                }
                other => panic!("a save during a full disk got {other}: {body}"),
            }
            statuses.push(status);
        }
        statuses
    }

    /// Asserts that the database, read through a new connection, holds exactly the newest
    /// acknowledged save of every question.
    async fn assert_stored(&self, url: &str, when: &str) {
        let mut conn = sqlx::AnyConnection::connect(url)
            .await
            .expect("fresh connection");
        for Answering { s, .. } in &self.sittings {
            let mut stored: Vec<i64> =
                sqlx::query_scalar("SELECT seq FROM responses WHERE attempt_id = $1")
                    .bind(&s.attempt)
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
            stored.sort();
            let mut acked: Vec<i64> = self
                .acked
                .iter()
                .filter(|((a, _), _)| *a == s.attempt)
                .map(|(_, seq)| *seq)
                .collect();
            acked.sort();
            assert_eq!(
                stored, acked,
                "{when}: {} lost acknowledged saves",
                s.number
            );
            eprintln!(
                "{when}: {}: newest acknowledged {acked:?}, stored {stored:?}",
                s.number
            );
        }
        conn.close().await.ok();
    }
}

async fn health(app: &TestApp) -> StatusCode {
    app.get("/healthz").await.status()
}

#[tokio::test]
async fn a_full_disk_loses_no_acknowledged_answer_and_recovers_by_itself() {
    if std::env::var("TEST_DATABASE_URL").is_ok() {
        eprintln!("the full-disk test runs on SQLite only (its run without TEST_DATABASE_URL)");
        return;
    }
    let Some(disk) = SmallDisk::mount(48) else {
        return;
    };
    let settings = sathach::config::Settings::for_data_dir(&disk.data_dir());
    let url = settings.database_url.expose().to_string();
    let app = spawn_demo_on(settings, tempfile::tempdir().unwrap()).await;
    let mut room = Room::start(&app, 4).await;
    for _ in 0..3 {
        assert!(room.save_round().await.iter().all(|s| *s == StatusCode::OK));
    }
    assert_eq!(health(&app).await, StatusCode::OK);

    // The disk fills up: empty the WAL first so the next commits need new space.
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .unwrap();
    conn.close().await.unwrap();
    disk.fill();
    let mut refused = 0;
    for _ in 0..40 {
        refused += room
            .save_round()
            .await
            .iter()
            .filter(|s| **s == StatusCode::SERVICE_UNAVAILABLE)
            .count();
        if refused >= 8 {
            break;
        }
    }
    assert!(refused >= 8, "the full disk refused only {refused} saves");
    eprintln!("the full disk refused {refused} saves (503)");
    assert_eq!(health(&app).await, StatusCode::SERVICE_UNAVAILABLE);
    let said = app.get_text("/healthz").await;
    assert!(said.contains("commit failed"), "{said}");

    // Space comes back: saves are stored again without a restart.
    disk.free();
    for _ in 0..4 {
        assert!(room.save_round().await.iter().all(|s| *s == StatusCode::OK));
    }
    let mut healthy = false;
    for _ in 0..40 {
        if health(&app).await == StatusCode::OK {
            healthy = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(healthy, "/healthz recovers once commits succeed");
    room.assert_stored(&url, "without a restart").await;

    let app = app.restart(|_| async {}).await;
    room.assert_stored(&url, "after a restart").await;
    assert_eq!(health(&app).await, StatusCode::OK);
}
