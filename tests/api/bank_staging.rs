//! Imports in short write transactions: a bank with many pictures is imported while a candidate
//! keeps saving, and saves are acknowledged between the import's batches; an import that dies
//! half-way leaves nothing anyone can see, and the next import works.

use std::io::Write;

use reqwest::StatusCode;
use sathach::banks::{formats, import};

use crate::{
    candidates::{answering, save_json},
    helpers::{MANAGER, TestApp, location, spawn_app_with_demo},
};

const CODE: &str = "ANH-NHIEU";

/// A PNG-looking picture of `size` bytes, different for every `seed`.
fn picture(seed: u32, size: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    while bytes.len() < size {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes
}

/// A bank package (.zip) of `count` questions, each with its own 256 KB picture; `edition`
/// changes every question's wording.
fn bank_with_pictures(count: u32, edition: u32) -> Vec<u8> {
    let mut toml = format!(
        "[bank]\ncode = \"{CODE}\"\ntitle = \"Nhiều hình\"\nmodule = \"IU01\"\nlanguage = \"vi\"\n"
    );
    for i in 0..count {
        toml.push_str(&format!(
            "\n[[items]]\nid = \"H-{i:03}\"\ntype = \"single\"\ntopic = \"IU01.1\"\ndifficulty = \"Nhận biết\"\n\
             stem = \"Hình {i} (lần {edition}) là gì? ![Hình {i}](media/h{i}.png)\"\n\
             options = [{{ text = \"Máy tính\", correct = true }}, {{ text = \"Con mèo\" }}]\n"
        ));
    }
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file("bank/bank.toml", options).unwrap();
    out.write_all(toml.as_bytes()).unwrap();
    for i in 0..count {
        out.start_file(format!("bank/media/h{i}.png"), options)
            .unwrap();
        out.write_all(&picture(i, 256 * 1024)).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Uploads a bank as the signed-in manager; the report page offering the confirmation.
async fn uploaded(manager: &TestApp, bytes: Vec<u8>) -> String {
    let (status, report) = manager.upload_bank("anh.zip", bytes, &[]).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    report
}

/// Whether the bank is listed on the manager's bank page.
async fn listed(manager: &TestApp) -> bool {
    manager.get_text("/banks").await.contains(CODE)
}

#[tokio::test]
async fn a_candidate_s_saves_are_acknowledged_between_the_batches_of_an_import() {
    let app = spawn_app_with_demo().await;
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let a = answering(&app, 0).await;
    // 48 pictures of 256 KB: 12 MB, several picture batches.
    let report = uploaded(&manager, bank_with_pictures(48, 1)).await;
    let pictures_before = app.count("SELECT COUNT(*) FROM media").await;

    let done = std::sync::atomic::AtomicBool::new(false);
    let confirm = async {
        let res = manager.confirm_upload(&report).await;
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        res
    };
    let saving = async {
        let (mut acked, mut between) = (0, 0);
        let mut seq = 1;
        while !done.load(std::sync::atomic::Ordering::SeqCst) {
            // A save counts as "between" when the import had already committed a picture
            // before it was sent, and had not yet published its version when it was answered:
            // impossible while the import is one transaction.
            let started = app.count("SELECT COUNT(*) FROM media").await > pictures_before;
            let n = (seq as usize % 3) + 1;
            let res = save_json(&a.s, n, &a.pages[n - 1], seq, &a.csrf).await;
            assert_eq!(res.status(), StatusCode::OK, "save {seq} is acknowledged");
            acked += 1;
            if started && !listed(&manager).await {
                between += 1;
            }
            seq += 1;
        }
        (acked, between)
    };
    let (res, (acked, between)) = tokio::join!(confirm, saving);
    eprintln!("{acked} saves acknowledged during the confirmation, {between} between batches");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&res).ends_with("?imported=1"),
        "{}",
        location(&res)
    );
    assert!(
        between > 0,
        "no save was acknowledged between the import's batches ({acked} during the confirmation)"
    );
    let html = manager.get_text(&location(&res)).await;
    assert!(html.contains("Hiển thị 48 trên 48 câu hỏi"), "{html}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM media").await,
        pictures_before + 48
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM bank_imports").await, 0);
}

#[tokio::test]
async fn an_import_that_dies_half_way_leaves_no_trace_and_the_next_one_works() {
    let app = spawn_app_with_demo().await;
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let centre: String = sqlx::query_scalar("SELECT organisation_id FROM users WHERE email = $1")
        .bind(MANAGER.0)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let parse = |edition| {
        formats::read(
            "anh.zip",
            &bank_with_pictures(12, edition),
            &Default::default(),
        )
        .0
        .expect("the bank reads")
    };
    let staged = "SELECT COUNT(*) FROM bank_versions WHERE import_id IS NOT NULL";

    // A new bank: two picture batches, one of items, the staged version and its contents are
    // written (5 batches), then the import dies before publishing.
    let dead = import::import_bank_dying_after(
        &app.db,
        &centre,
        "anh.zip",
        &parse(1),
        Default::default(),
        5,
    )
    .await;
    assert!(dead.is_err());
    assert_eq!(
        app.count(staged).await,
        1,
        "the import died with its version staged"
    );
    assert!(
        !listed(&manager).await,
        "a bank being created is not listed"
    );
    assert!(
        import::import_bank_dying_after(
            &app.db,
            &centre,
            "anh.zip",
            &parse(1),
            Default::default(),
            1
        )
        .await
        .is_err()
    );
    // As if that one ran in another process that died: swept once silent past the lease.
    sqlx::query(
        "UPDATE bank_imports SET owner = 'a process that died', touched_at = touched_at - $1",
    )
    .bind(import::LEASE_MS + 1)
    .execute(&app.db.write)
    .await
    .unwrap();
    let res = manager
        .confirm_upload(&uploaded(&manager, bank_with_pictures(12, 1)).await)
        .await;
    assert!(
        location(&res).ends_with("?imported=1"),
        "{}",
        location(&res)
    );
    assert_eq!(app.count(staged).await, 0, "the dead imports were swept");
    assert_eq!(app.count("SELECT COUNT(*) FROM bank_imports").await, 0);
    let bank_page = location(&res).split('?').next().unwrap().to_string();

    // A new version dies after its items: version 1 stays the bank's, all of it.
    let dead = import::import_bank_dying_after(
        &app.db,
        &centre,
        "anh.zip",
        &parse(2),
        Default::default(),
        1,
    )
    .await;
    assert!(dead.is_err());
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM item_versions iv JOIN items i ON i.id = iv.item_id
             WHERE i.native_id LIKE 'H-%' AND iv.number = 2"
        )
        .await,
        12,
        "the dead import's item versions were written"
    );
    let html = manager.get_text(&bank_page).await;
    assert!(
        html.contains("Hiển thị 12 trên 12 câu hỏi") && html.contains("(lần 1)"),
        "{html}"
    );
    assert!(!html.contains("(lần 2)"), "{html}");

    let res = manager
        .confirm_upload(&uploaded(&manager, bank_with_pictures(12, 2)).await)
        .await;
    assert!(
        location(&res).ends_with("?imported=2"),
        "{}",
        location(&res)
    );
    let numbers: Vec<i64> = sqlx::query_scalar(
        "SELECT iv.number FROM item_versions iv JOIN items i ON i.id = iv.item_id WHERE i.native_id = 'H-000' ORDER BY iv.number",
    )
    .fetch_all(&app.db.read)
    .await
    .unwrap();
    assert_eq!(
        numbers,
        [1, 2],
        "the dead import's versions are gone, not skipped"
    );
    let html = manager.get_text(&location(&res)).await;
    assert!(
        html.contains("(lần 2)") && !html.contains("(lần 1)"),
        "{html}"
    );
    assert_eq!(app.count(staged).await, 0);
}

#[tokio::test]
async fn two_imports_of_one_bank_at_once_take_turns() {
    let app = spawn_app_with_demo().await;
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let first = uploaded(&manager, bank_with_pictures(6, 1)).await;
    let second = uploaded(&manager, bank_with_pictures(6, 2)).await;
    let (a, b) = tokio::join!(
        manager.confirm_upload(&first),
        manager.confirm_upload(&second)
    );
    let mut imported = [location(&a), location(&b)];
    imported.sort();
    assert!(
        imported[0].ends_with("?imported=1") && imported[1].ends_with("?imported=2"),
        "{imported:?}"
    );
    let versions: Vec<i64> = sqlx::query_scalar(
        "SELECT v.number FROM bank_versions v JOIN banks b ON b.id = v.bank_id WHERE b.code = $1 ORDER BY v.number",
    )
    .bind(CODE)
    .fetch_all(&app.db.read)
    .await
    .unwrap();
    assert_eq!(versions, [1, 2]);
    assert_eq!(app.count("SELECT COUNT(*) FROM bank_imports").await, 0);
}
