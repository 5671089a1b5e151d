//! Uploads are checked in a child process: whatever the child does (abort, exhaust its memory
//! or CPU time, hang), the uploader reads "Không kiểm tra được tệp này", the server keeps
//! serving and a candidate keeps saving; a confirmation imports what was checked, without
//! reading the file again.

use std::{
    io::Write,
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use reqwest::StatusCode;
use sathach::{checker::Fault, config::Settings};

use crate::{
    candidates::{Answering, answering, save_json},
    helpers::{MANAGER, TestApp, location, spawn_app_with},
};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/banks/all-types"
);

/// The fixture bank with its picture, as a .zip.
fn bank_zip() -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    out.start_file("bank/bank.toml", options).unwrap();
    out.write_all(&std::fs::read(format!("{FIXTURE}/bank.toml")).unwrap())
        .unwrap();
    out.start_file("bank/media/may-tinh.png", options).unwrap();
    out.write_all(&std::fs::read(format!("{FIXTURE}/media/may-tinh.png")).unwrap())
        .unwrap();
    out.finish().unwrap().into_inner()
}

const ROSTER: &str = "Họ và tên,Ngày sinh\nNguyễn Thị Lan,02/03/2008\n";

/// The demo on a server whose checker misbehaves as `tune` says, a candidate answering, and
/// the centre's manager signed in.
async fn demo_with(tune: impl FnOnce(&mut Settings)) -> (TestApp, Answering, TestApp) {
    let app = spawn_app_with(tune).await;
    sathach::demo::load(&app.db).await.expect("demo loads");
    let candidate = answering(&app, 0).await;
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    (app, candidate, manager)
}

async fn upload_roster(manager: &TestApp, session: &str) -> (StatusCode, String) {
    let token = manager.csrf().await;
    let path = format!("/sessions/{session}/roster?csrf={token}");
    manager
        .post_file(&path, ("danh-sach.csv", ROSTER.as_bytes().to_vec()), &[])
        .await
}

/// Saves question 1 again and again until `done`; every save must be acknowledged. Returns
/// how many saves were made.
pub(crate) async fn keep_saving(a: &Answering, done: &AtomicBool) -> i64 {
    let mut seq = 0;
    while !done.load(Ordering::SeqCst) || seq < 2 {
        seq += 1;
        let res = save_json(&a.s, 1, &a.pages[0], seq, &a.csrf).await;
        assert_eq!(res.status(), StatusCode::OK, "save {seq} refused");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["answered"].as_i64(), Some(1), "save {seq}: {body}");
    }
    seq
}

/// The server still answers a page and a save after the failed checks.
async fn still_serving(app: &TestApp, manager: &TestApp, a: &Answering, seq: i64) {
    assert_eq!(manager.get("/banks").await.status(), StatusCode::OK);
    let res = save_json(&a.s, 2, &a.pages[1], seq + 1, &a.csrf).await;
    assert_eq!(res.status(), StatusCode::OK);
    let pending = app.count("SELECT COUNT(*) FROM pending_imports").await;
    assert_eq!(
        pending, 0,
        "nothing awaits confirmation from a failed check"
    );
}

#[tokio::test]
async fn an_aborting_checker_is_reported_while_the_server_serves_and_a_candidate_saves() {
    let (app, a, manager) = demo_with(|s| s.checker.fault = Some(Fault::Abort)).await;
    let done = AtomicBool::new(false);
    let uploads = async {
        let bank = manager.upload_bank("bank.zip", bank_zip(), &[]).await;
        let roster = upload_roster(&manager, &a.s.session).await;
        done.store(true, Ordering::SeqCst);
        (bank, roster)
    };
    let ((bank, roster), seq) = tokio::join!(uploads, keep_saving(&a, &done));
    let told = "Không kiểm tra được tệp này: chương trình kiểm tra bị dừng (tín hiệu 6)";
    assert_eq!(bank.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bank.1.contains(told), "{}", bank.1);
    assert!(
        !bank.1.contains("/banks/upload/"),
        "no confirmation is offered"
    );
    assert_eq!(roster.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(roster.1.contains(told), "{}", roster.1);
    still_serving(&app, &manager, &a, seq).await;
    let lan = app
        .count("SELECT COUNT(*) FROM people WHERE full_name = 'Nguyễn Thị Lan'")
        .await;
    assert_eq!(lan, 0, "nothing of the roster is enrolled");
}

#[tokio::test]
async fn a_checker_that_allocates_without_bound_stops_at_its_memory_limit() {
    let (app, a, manager) = demo_with(|s| {
        s.checker.fault = Some(Fault::Allocate);
        s.checker.memory_bytes = 512 * 1024 * 1024;
    })
    .await;
    let (status, page) = manager.upload_bank("bank.zip", bank_zip(), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Không kiểm tra được tệp này: hết giới hạn bộ nhớ (512 MB)"),
        "{page}"
    );
    let (status, page) = upload_roster(&manager, &a.s.session).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("hết giới hạn bộ nhớ (512 MB)"), "{page}");
    still_serving(&app, &manager, &a, 0).await;
}

#[tokio::test]
async fn a_spinning_checker_stops_at_its_cpu_limit_while_the_candidate_keeps_saving() {
    let (app, a, manager) = demo_with(|s| {
        s.checker.fault = Some(Fault::Spin);
        s.checker.cpu_seconds = 1;
    })
    .await;
    let done = AtomicBool::new(false);
    let upload = async {
        let page = manager.upload_bank("bank.zip", bank_zip(), &[]).await;
        done.store(true, Ordering::SeqCst);
        page
    };
    let ((status, page), seq) = tokio::join!(upload, keep_saving(&a, &done));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Không kiểm tra được tệp này: hết giới hạn thời gian xử lý (1 giây)"),
        "{page}"
    );
    assert!(seq >= 3, "the candidate saved {seq} times during the check");
    still_serving(&app, &manager, &a, seq).await;
}

#[tokio::test]
async fn a_checker_past_its_wall_clock_timeout_is_killed() {
    let (app, a, manager) = demo_with(|s| {
        s.checker.fault = Some(Fault::Spin);
        s.checker.timeout = Duration::from_millis(700);
    })
    .await;
    let (status, page) = upload_roster(&manager, &a.s.session).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("quá thời gian chờ"), "{page}");
    still_serving(&app, &manager, &a, 0).await;
}

#[tokio::test]
async fn the_confirmation_imports_what_was_checked_without_reading_the_file_again() {
    let mut app = spawn_app_with(|_| {}).await;
    sathach::demo::load(&app.db).await.expect("demo loads");
    app.signed_in_as(MANAGER).await;
    let (status, report) = app.upload_bank("bank.zip", bank_zip(), &[]).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let start = report.find("/banks/upload/").expect("a confirm form") + "/banks/upload/".len();
    let id = report[start..start + 36].to_string();
    // Were the file read again, it would now be read as GIFT, by a checker that cannot start.
    app.settings.checker.program = "/nonexistent/sathach".into();
    let app = app
        .restart(|db| async move {
            sqlx::query("UPDATE pending_imports SET read_options = '{\"from\":\"gift\"}'")
                .execute(&db.write)
                .await
                .unwrap();
        })
        .await;
    app.signed_in_as(MANAGER).await;
    let res = app
        .post_form(&format!("/banks/upload/{id}/confirm"), &[])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    assert!(location(&res).contains("imported="));
    let items = app
        .count("SELECT v.item_count FROM bank_versions v JOIN banks b ON b.id = v.bank_id WHERE b.code = 'TEST-ALL'")
        .await;
    assert_eq!(items, 8);
    let pictures = app.count("SELECT COUNT(*) FROM media").await;
    assert!(pictures >= 1, "the picture travelled through the check");
}
