//! Regrading across a stopped server: a regrade cut short resumes after a restart without
//! scoring anyone twice, the terminal does what no server has done, and a practical score
//! entered between a regrade's scoring and its write is not lost.

use sathach::{
    banks::{
        formats::{ReadOptions, read},
        import::{ImportOptions, import_bank},
    },
    grading::model::Points,
    results::{
        practical::{self, Entry},
        regrade,
    },
};

use crate::{
    cli::{sathach, text},
    helpers::{MANAGER, TestApp, spawn_app_with_demo},
    regrade::{current, finished, keyed, newest_version},
    results_fixture::{scored_session, sit},
    results_verify::verify,
};

#[tokio::test]
async fn a_regrade_cut_short_resumes_after_a_restart_without_scoring_twice() {
    let app = spawn_app_with_demo().await;
    let (attempts, org) = three_scored(&app).await;
    let app = app
        .restart(|db| async move {
            let (parsed, report) = read("kq.toml", &keyed(false), &ReadOptions::default());
            let parsed = parsed.unwrap_or_else(|| panic!("{report:?}"));
            let options = ImportOptions {
                key_correction: Some("Sửa khi máy chủ dừng"),
                actor: None,
            };
            import_bank(&db, &org, "kq.toml", &parsed, options)
                .await
                .unwrap();
            let worked = regrade::run_pending_dying_after(&db, 1).await.unwrap();
            assert_eq!((worked.started, worked.rescored), (1, 1));
        })
        .await;
    let version = newest_version(&app).await;
    finished(&app, &version).await;
    let expected = [("fail", 4), ("pass", 5), ("fail", 3)];
    for (attempt, (outcome, points)) in attempts.iter().zip(expected) {
        let (now, kind, total) = current(&app, attempt).await;
        assert_eq!(
            (now.as_str(), kind.as_str(), total),
            (outcome, "regraded", points)
        );
        let regraded = app
            .count(&format!(
                "SELECT COUNT(*) FROM results WHERE attempt_id = '{attempt}' AND kind = 'regraded'"
            ))
            .await;
        assert_eq!(regraded, 1, "scored again exactly once");
    }
    let out = verify(&app, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[tokio::test]
async fn the_terminal_regrades_what_no_server_has() {
    let app = spawn_app_with_demo().await;
    let (_, attempts) = scored_session(&app, false).await;
    sit(&app, 0, 5, 0).await;
    let org: String = sqlx::query_scalar("SELECT organisation_id FROM banks WHERE code = 'KQ-DS'")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let (settings, data_dir) = (app.settings.clone(), app.settings.data_dir.clone());
    let app = app
        .restart(|db| async move {
            let (parsed, _) = read("kq.toml", &keyed(false), &ReadOptions::default());
            let options = ImportOptions {
                key_correction: Some("Sửa từ dòng lệnh"),
                actor: None,
            };
            import_bank(&db, &org, "kq.toml", &parsed.unwrap(), options)
                .await
                .unwrap();
            db.close().await;
            let dir = data_dir.to_str().unwrap();
            let url = settings.database_url.expose();
            let args = ["results", "regrade", "--database-url", url, "--data-dir", dir];
            let out = sathach(&data_dir, &args);
            assert!(
                text(&out).contains(
                    "Chấm lại sau khi sửa đáp án: 1 lần sửa mới, 1 bài đã chấm lại, 1 kết quả thay đổi."
                ),
                "{}",
                text(&out)
            );
            let out = sathach(&data_dir, &args);
            assert!(text(&out).contains("0 lần sửa mới, 0 bài đã chấm lại"), "{}", text(&out));
        })
        .await;
    assert_eq!(
        current(&app, &attempts[0]).await,
        ("fail".into(), "regraded".into(), 4)
    );
}

#[tokio::test]
async fn a_practical_score_entered_while_an_attempt_is_regraded_is_not_lost() {
    let app = spawn_app_with_demo().await;
    let (_, attempts) = scored_session(&app, true).await;
    sit(&app, 0, 5, 0).await;
    let org: String = sqlx::query_scalar("SELECT organisation_id FROM banks WHERE code = 'KQ-DS'")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let manager = app.user_id(MANAGER.0).await;
    let attempt = attempts[0].clone();
    let app = app
        .restart(|db| async move {
            let (parsed, _) = read("kq.toml", &keyed(false), &ReadOptions::default());
            let options = ImportOptions {
                key_correction: Some("Sửa đáp án"),
                actor: None,
            };
            import_bank(&db, &org, "kq.toml", &parsed.unwrap(), options)
                .await
                .unwrap();
            // Listed, nothing scored yet.
            regrade::run_pending_dying_after(&db, 0).await.unwrap();
            let version: String = sqlx::query_scalar("SELECT id FROM regrades")
                .fetch_one(&db.read)
                .await
                .unwrap();
            // The board enters the practical score after the regrade scored the attempt and
            // before it writes.
            let board = async {
                let mut tx = db.begin_write().await.unwrap();
                let entry = Entry {
                    attempt_id: &attempt,
                    part_code: "thuc-hanh",
                    marking: 1,
                    points: Points::from_integer(7),
                    grader: "Giám khảo 1",
                    entered_by: &manager,
                    source: "page",
                    at: sathach::clock::now_ms(),
                };
                practical::enter(&mut tx, entry).await.unwrap();
                tx.commit().await.unwrap();
            };
            let written = regrade::rescore_one_racing(&db, &version, &attempt, board)
                .await
                .unwrap();
            assert!(!written, "the result changed meanwhile: nothing is written");
        })
        .await;
    let version = newest_version(&app).await;
    finished(&app, &version).await;
    assert_eq!(
        current(&app, &attempts[0]).await,
        ("fail".into(), "regraded".into(), 11),
        "scored again with the practical score: 4 + 7"
    );
    let out = verify(&app, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// Three candidates of the results session scored (5, 4 and 6 right answers): their attempts,
/// and the organisation of the bank whose keys get corrected.
async fn three_scored(app: &TestApp) -> (Vec<String>, String) {
    let (_, attempts) = scored_session(app, false).await;
    for (index, right) in [(0, 5), (1, 4), (2, 6)] {
        sit(app, index, right, 0).await;
    }
    let org = sqlx::query_scalar("SELECT organisation_id FROM banks WHERE code = 'KQ-DS'")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    (attempts, org)
}

/// The bank's organisation, and its key correction imported (as the manager's upload does).
async fn import_correction(db: &sathach::db::Db, org: &str, reason: &str) {
    let (parsed, report) = read("kq.toml", &keyed(false), &ReadOptions::default());
    let parsed = parsed.unwrap_or_else(|| panic!("{report:?}"));
    let options = ImportOptions {
        key_correction: Some(reason),
        actor: None,
    };
    import_bank(db, org, "kq.toml", &parsed, options)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_batch_claimed_by_a_node_that_stopped_is_taken_once_its_claim_runs_out() {
    let app = spawn_app_with_demo().await;
    let (attempts, org) = three_scored(&app).await;
    let app = app
        .restart(|db| async move {
            import_correction(&db, &org, "Sửa khi một máy chủ dừng").await;
            // Listed, nothing scored yet.
            regrade::run_pending_dying_after(&db, 0).await.unwrap();
            // A node took every attempt and stopped: its claim holds for another minute.
            let now = sathach::clock::now_ms();
            sqlx::query("UPDATE regrade_attempts SET claimed_by = 'node-a', claimed_until = $1")
                .bind(now + 60_000)
                .execute(&db.write)
                .await
                .unwrap();
            let worked = regrade::run_pending(&db).await.unwrap();
            assert_eq!(worked.rescored, 0, "held by node-a");
            let left: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM regrade_attempts WHERE done_at IS NULL")
                    .fetch_one(&db.read)
                    .await
                    .unwrap();
            assert_eq!(left, 3);
            // The claim ran out: another node takes the batch.
            sqlx::query("UPDATE regrade_attempts SET claimed_until = $1")
                .bind(now - 1)
                .execute(&db.write)
                .await
                .unwrap();
            let worked = regrade::run_pending(&db).await.unwrap();
            assert_eq!(worked.rescored, 3);
        })
        .await;
    let version = newest_version(&app).await;
    finished(&app, &version).await;
    for attempt in &attempts[..3] {
        let regraded = app
            .count(&format!(
                "SELECT COUNT(*) FROM results WHERE attempt_id = '{attempt}' AND kind = 'regraded'"
            ))
            .await;
        assert_eq!(regraded, 1, "scored again exactly once");
    }
}

#[tokio::test]
async fn two_nodes_regrading_at_once_start_list_and_score_each_attempt_once() {
    let app = spawn_app_with_demo().await;
    let (attempts, org) = three_scored(&app).await;
    let settings = app.settings.clone();
    let app = app
        .restart(|db| async move {
            import_correction(&db, &org, "Sửa khi hai máy chủ cùng chạy").await;
            // SQLite has one node per database: two passes of the one node stand in for two.
            let other = match db.backend {
                sathach::db::Backend::Sqlite => db.clone(),
                sathach::db::Backend::Postgres => {
                    sathach::db::Db::connect(&settings).await.unwrap()
                }
            };
            let (a, b) = tokio::join!(regrade::run_pending(&db), regrade::run_pending(&other));
            let (a, b) = (a.unwrap(), b.unwrap());
            assert_eq!(a.started + b.started, 1, "{a:?} {b:?}");
            assert_eq!(a.rescored + b.rescored, 3, "{a:?} {b:?}");
            other.close().await;
        })
        .await;
    let version = newest_version(&app).await;
    finished(&app, &version).await;
    for action in [
        "results.regrade_started",
        "results.regrade_listed",
        "results.regrade_finished",
    ] {
        let recorded = app
            .count(&format!(
                "SELECT COUNT(*) FROM audit_events WHERE action = '{action}'"
            ))
            .await;
        assert_eq!(recorded, 1, "{action}");
    }
    let expected = [("fail", 4), ("pass", 5), ("fail", 3)];
    for (attempt, (outcome, points)) in attempts.iter().zip(expected) {
        assert_eq!(
            current(&app, attempt).await,
            (outcome.to_string(), "regraded".to_string(), points)
        );
        let regraded = app
            .count(&format!(
                "SELECT COUNT(*) FROM results WHERE attempt_id = '{attempt}' AND kind = 'regraded'"
            ))
            .await;
        assert_eq!(regraded, 1, "scored again exactly once");
    }
}
