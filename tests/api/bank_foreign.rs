//! Banks from other platforms through the upload page and the command line: the format is
//! recognised from the content, the topic and level the file lacks come from the form (or
//! flags), unsupported items are reported by name and skipped, broken files import nothing.

use reqwest::StatusCode;

use crate::{
    cli::{sathach, text},
    helpers::{MANAGER, TestApp, spawn_app_with_demo},
};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");

async fn upload(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let bytes = std::fs::read(format!("{FIXTURES}/{path}")).unwrap();
    let name = path.rsplit('/').next().unwrap();
    app.upload_bank(name, bytes, fields).await
}

#[tokio::test]
async fn a_moodle_export_imports_with_the_chosen_topic_and_level_and_names_its_skips() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let page = app.get_text("/banks").await;
    assert!(page.contains(r#"<select id="format" name="format">"#) && page.contains("Moodle XML"));
    let fixture = "moodlexml/moodle-nested_categories_with_questions.xml";
    let (status, page) = upload(&app, fixture, &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("chưa chọn mô đun cho ngân hàng"), "{page}");
    let fields = [
        ("module", "IU01"),
        ("topic", "IU01.2"),
        ("level", "TH"),
        ("code", "IU01-MOODLE"),
    ];
    let (status, page) = upload(&app, fixture, &fields).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("bỏ qua câu “Kappa Essay Question”: sathach chưa hỗ trợ câu tự luận (essay)"),
        "{page}"
    );
    let res = app.confirm_upload(&page).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let items = "SELECT COUNT(*) FROM item_versions v JOIN items i ON i.id = v.item_id \
                 JOIN banks b ON b.id = i.bank_id \
                 WHERE b.code = 'IU01-MOODLE' AND v.topic = 'IU01.2' AND v.difficulty = 'TH'";
    assert_eq!(
        app.count(items).await,
        4,
        "read again at confirm with the same options"
    );
}

#[tokio::test]
async fn a_broken_aiken_file_imports_nothing_and_says_where() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let fields = [("module", "IU01"), ("topic", "IU01.1"), ("level", "NB")];
    let (status, page) = upload(&app, "aiken/moodle-aiken_errors.txt", &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("moodle-aiken_errors.txt:1: lỗi: câu hỏi chỉ có 1 phương án"),
        "{page}"
    );
    assert!(page.contains("moodle-aiken_errors.txt:14: lỗi: câu hỏi “A question started but not finished” chưa có dòng đáp án"), "{page}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM banks WHERE code LIKE 'MOODLE-AIKEN%'")
            .await,
        0
    );
    // The same file read as GIFT, by choice, is another story: the choice is honoured.
    let (_, page) = upload(
        &app,
        "aiken/moodle-questions.aiken.txt",
        &[("format", "gift"), ("topic", "IU01.1"), ("level", "NB")],
    )
    .await;
    assert!(page.contains("(định dạng gift)"), "{page}");
}

#[test]
fn bank_check_reads_other_platforms_with_flags() {
    let dir = tempfile::tempdir().unwrap();
    let aiken = format!("{FIXTURES}/aiken/moodle-questions.aiken.txt");
    let out = sathach(dir.path(), &["bank", "check", &aiken, "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("no module chosen for the bank"),
        "{}",
        text(&out)
    );
    let flags = [
        "--module", "IU01", "--topic", "IU01.1", "--level", "NB", "--lang", "en",
    ];
    let out = sathach(
        dir.path(),
        &[&["bank", "check", &aiken][..], &flags[..]].concat(),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("2 items, 0 errors, 0 warnings (aiken) — by type: Single choice 2"),
        "{}",
        text(&out)
    );
    let out = sathach(dir.path(), &["bank", "check", &aiken, "--level", "easyish"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn gift_exports_from_moodle_check_with_their_counts_and_skips() {
    let dir = tempfile::tempdir().unwrap();
    let flags = [
        "--module", "IU01", "--topic", "IU01.1", "--level", "TH", "--lang", "en",
    ];
    let examples = format!("{FIXTURES}/gift/moodle-examples.txt");
    let out = sathach(
        dir.path(),
        &[&["bank", "check", &examples][..], &flags[..]].concat(),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("43 items, 0 errors"), "{}", text(&out));
    let questions = format!("{FIXTURES}/gift/moodle-questions.gift.txt");
    let out = sathach(
        dir.path(),
        &[&["bank", "check", &questions][..], &flags[..]].concat(),
    );
    assert!(out.status.success(), "{}", text(&out));
    let all = text(&out);
    assert!(
        all.contains("8 items, 0 errors") && all.contains("skipped (not supported): essay 1"),
        "{all}"
    );
    assert!(
        all.contains("item “Q8” skipped: sathach does not support essay questions (essay)"),
        "{all}"
    );
}

/// `bank export --to qti` writes a package that imports back to the same bank, unchanged.
#[test]
fn a_bank_exported_as_qti_imports_back_to_the_same_bank() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    crate::cli::department_and_centre(d);
    let banks = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/banks/all-types"
    );
    let out = sathach(d, &["bank", "import", banks, "--org", "TT", "--lang", "en"]);
    assert!(
        text(&out).contains("TEST-ALL: version 1: 8 added"),
        "{}",
        text(&out)
    );
    let out = sathach(
        d,
        &["bank", "export", "test-all", "--org", "TT", "--to", "qti"],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "a package needs -o: {}",
        text(&out)
    );
    let export = [
        "bank", "export", "test-all", "--org", "TT", "--to", "qti", "-o", "goi.zip",
    ];
    let out = sathach(d, &export);
    assert!(out.status.success(), "{}", text(&out));
    let out = sathach(d, &["bank", "check", "goi.zip", "--lang", "en"]);
    assert!(
        text(&out).contains("8 items, 0 errors, 0 warnings (qti)"),
        "the package says its bank, topics and levels: {}",
        text(&out)
    );
    let out = sathach(
        d,
        &["bank", "import", "goi.zip", "--org", "TT", "--lang", "en"],
    );
    assert!(
        text(&out).contains("TEST-ALL: unchanged (8 items)"),
        "{}",
        text(&out)
    );
}

/// A QTI item file checked from disk takes its pictures from beside it.
#[test]
fn a_qti_item_on_disk_brings_the_pictures_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(
        format!("{FIXTURES}/qti21/ims-choice.xml"),
        d.join("choice.xml"),
    )
    .unwrap();
    let flags = [
        "--module", "IU01", "--topic", "IU01.1", "--level", "NB", "--lang", "en",
    ];
    let out = sathach(
        d,
        &[&["bank", "check", "choice.xml"][..], &flags[..]].concat(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the picture is missing: {}",
        text(&out)
    );
    std::fs::create_dir(d.join("images")).unwrap();
    let png = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/banks/all-types/media/may-tinh.png"
    );
    std::fs::copy(png, d.join("images/sign.png")).unwrap();
    let out = sathach(
        d,
        &[&["bank", "check", "choice.xml"][..], &flags[..]].concat(),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("1 items, 0 errors, 0 warnings (qti)"),
        "{}",
        text(&out)
    );
}
