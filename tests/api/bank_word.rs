//! Banks kept in Word, through the pages and the command line: the template downloads and
//! imports as it is (pictures included), an old TCVN3 file is converted and says so, and a
//! file with mistakes is refused with each one placed at its paragraph and question.

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
    let (status, page) = app.upload_bank("mau.docx", template, &[]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        app.confirm_upload(&page).await.status(),
        StatusCode::SEE_OTHER
    );
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
    let (status, page) = app
        .upload_bank("mau.docx", sathach::banks::word::sample::template(), &[])
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        app.confirm_upload(&page).await.status(),
        StatusCode::SEE_OTHER
    );
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
        page.contains("de-loi.docx:4:Câu 1: lỗi: câu này chưa có đáp án"),
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
