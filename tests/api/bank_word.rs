//! Banks kept in Word, through the pages and the command line: the template downloads and
//! imports as it is (pictures included), an old TCVN3 file is converted and says so, a
//! teacher's plain file imports with the page's choices (or the command line's flags), and a
//! file with mistakes is refused with each one placed at its question as Word shows it.

use reqwest::StatusCode;
use sathach::banks::word::sample::{Docx, Run};

use crate::{
    cli::{sathach, text},
    helpers::{MANAGER, spawn_app_with_demo},
};

#[tokio::test]
async fn the_word_template_downloads_and_imports_with_its_picture() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    assert!(
        app.get_text("/banks")
            .await
            .contains("/banks/template.docx")
    );
    let res = app.get("/banks/template.docx").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let template = res.bytes().await.unwrap().to_vec();
    app.import_bank_file("mau.docx", template, &[]).await;
    let bank = "SELECT COUNT(*) FROM items i JOIN banks b ON b.id = i.bank_id \
                WHERE b.code = 'IU01-WORD-MAU'";
    assert_eq!(app.count(bank).await, 8);
    let id: String = sqlx::query_scalar("SELECT id FROM banks WHERE code = 'IU01-WORD-MAU'")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let detail = app.get_text(&format!("/banks/{id}")).await;
    assert!(detail.contains("Hình dưới đây là thiết bị gì?"), "{detail}");
    // Re-importing the same file changes nothing (ids come from the question numbers).
    app.import_bank_file("mau.docx", sathach::banks::word::sample::template(), &[])
        .await;
    let versions = "SELECT COUNT(*) FROM item_versions v JOIN items i ON i.id = v.item_id \
                    JOIN banks b ON b.id = i.bank_id WHERE b.code = 'IU01-WORD-MAU'";
    assert_eq!(app.count(versions).await, 8);
}

#[tokio::test]
async fn an_old_tcvn3_file_is_converted_and_says_so() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let mut doc = Docx::new();
    doc.default_font = Some(".VnTime".into());
    doc.text("M· ng©n hµng: IU01-CU")
        .text("M« ®un: IU01")
        .text("Chñ ®Ò: IU01.1")
        .text("C©u 1 (NB): ThiÕt bÞ nµo lµ thiÕt bÞ nhËp?")
        .runs(&[Run::new("A. Bµn phÝm").red()])
        .text("B. Mµn h×nh");
    let (status, page) = app.upload_bank("de-cu.docx", doc.bytes(), &[]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("đoạn gõ bằng phông TCVN3 (.VnTime) đã được chuyển sang Unicode"),
        "{page}"
    );
    assert_eq!(
        app.confirm_upload(&page).await.status(),
        StatusCode::SEE_OTHER
    );
    let stem: String = sqlx::query_scalar(
        "SELECT v.body FROM item_versions v JOIN items i ON i.id = v.item_id \
         JOIN banks b ON b.id = i.bank_id WHERE b.code = 'IU01-CU'",
    )
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert!(stem.contains("Thiết bị nào là thiết bị nhập?"), "{stem}");
}

#[tokio::test]
async fn a_word_file_with_mistakes_is_refused_naming_paragraph_and_question() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let mut doc = Docx::new();
    doc.text("Mã ngân hàng: IU01-LOI")
        .text("Mô đun: IU01")
        .text("PHẦN I. IU01.1 (NB)")
        .text("Câu 1: Thiết bị nhập?")
        .text("A. Bàn phím")
        .text("B. Loa")
        .text("Câu 2: Đơn vị lớn nhất?")
        .text("*A. GB\t*B. MB");
    let (status, page) = app.upload_bank("de-loi.docx", doc.bytes(), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("de-loi.docx: Câu 1 (“Thiết bị nhập?”): lỗi: câu này chưa có đáp án"),
        "{page}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM banks WHERE code = 'IU01-LOI'")
            .await,
        0
    );
}

#[test]
fn bank_check_reads_word_files() {
    let dir = tempfile::tempdir().unwrap();
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/question_banks/mau-ngan-hang-cau-hoi.docx"
    );
    let out = sathach(dir.path(), &["bank", "check", sample, "--lang", "en"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("8 items, 0 errors, 0 warnings (word)"),
        "{}",
        text(&out)
    );
}

/// A Word bank as teachers type it: "Câu N:", options A.–D., the key underlined; no bank
/// lines, no topics, no levels.
fn plain_word_file() -> Vec<u8> {
    let mut doc = Docx::new();
    doc.text("ĐỀ KIỂM TRA TIN HỌC")
        .text("Câu 1: Đơn vị đo tốc độ xử lý của CPU là gì?")
        .runs(&[Run::new("A. GHz").underline()])
        .text("B. GB")
        .text("C. Mbps")
        .text("D. dpi")
        .text("Câu 2: Thiết bị nào là thiết bị nhập?")
        .text("A. Màn hình")
        .runs(&[Run::new("B. Bàn phím").underline()])
        .text("C. Loa")
        .text("D. Máy in");
    doc.bytes()
}

#[tokio::test]
async fn a_teachers_plain_word_file_imports_with_the_pages_choices() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    // The choices sit on the upload form itself, not in a box for Moodle files.
    let form = app.get_text("/banks").await;
    assert!(!form.contains("<details"), "{form}");
    assert!(
        form.contains(r#"<select id="module" name="module""#),
        "{form}"
    );
    let (status, page) = app
        .upload_bank("de-kiem-tra.docx", plain_word_file(), &[])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.matches("lỗi:").count(),
        3,
        "module, topic, level once: {page}"
    );
    assert!(
        page.contains(
            "2 câu hỏi chưa có chủ đề (Câu 1, Câu 2): hãy chọn Chủ đề mặc định ở trang tải lên"
        ),
        "{page}"
    );
    assert!(
        page.contains("chưa biết ngân hàng thuộc mô đun nào"),
        "{page}"
    );
    let fields = [("module", "IU01"), ("topic", "IU01.2"), ("level", "TH")];
    app.import_bank_file("de-kiem-tra.docx", plain_word_file(), &fields)
        .await;
    let items = "SELECT COUNT(*) FROM item_versions v JOIN items i ON i.id = v.item_id \
                 JOIN banks b ON b.id = i.bank_id WHERE b.code = 'DE-KIEM-TRA' \
                 AND b.module = 'IU01' AND b.title = 'de-kiem-tra' \
                 AND v.topic = 'IU01.2' AND v.difficulty = 'TH'";
    assert_eq!(app.count(items).await, 2);
}

#[test]
fn bank_check_and_import_take_the_flags_for_a_plain_word_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("de.docx"), plain_word_file()).unwrap();
    let out = sathach(d, &["bank", "check", "de.docx", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let all = text(&out);
    assert!(
        all.contains("de.docx: error: the bank's module is not known"),
        "{all}"
    );
    assert!(
        all.contains("--module IU01") && all.contains("--topic IU01.1"),
        "{all}"
    );
    assert!(all.contains("0 items, 3 errors"), "{all}");
    crate::cli::department_and_centre(d);
    let flags = [
        "--module", "IU01", "--topic", "IU01.1", "--level", "NB", "--code", "TIN-10",
    ];
    let mut args = vec!["bank", "import", "de.docx", "--org", "TT", "--lang", "en"];
    args.extend(flags);
    let out = sathach(d, &args);
    assert!(
        text(&out).contains("TIN-10: version 1: 2 added"),
        "{}",
        text(&out)
    );
}
