//! The hostile files of issue 16 (each under 300 KB) uploaded to a running server as banks, and
//! the spreadsheet also as a roster, while a candidate keeps saving: each gets a 422 page naming
//! the limit it passes, the server keeps answering and every save is acknowledged. Before the limits, each of them took the whole server down (stack
//! overflow, a 512 GB allocation, a 1.2 GB entity expansion).

use std::{
    io::Write,
    sync::atomic::{AtomicBool, Ordering},
};

use reqwest::StatusCode;

use crate::{
    candidates::answering,
    checker::keep_saving,
    helpers::{MANAGER, TestApp, spawn_app_with_demo},
    sessions::{schedule, upload as upload_roster},
};

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        out.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn nested(open: &str, close: &str, depth: usize) -> (String, String) {
    (open.repeat(depth), close.repeat(depth))
}

fn gift() -> Vec<u8> {
    let (open, close) = nested("<b>", "</b>", 40_000);
    format!("::Sâu::[html]{open}Câu hỏi{close} {{=Đúng ~Sai}}\n").into_bytes()
}

fn moodle() -> Vec<u8> {
    let (open, close) = nested("<b>", "</b>", 40_000);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><quiz><question type="multichoice"><name><text>Sâu</text></name><questiontext format="html"><text><![CDATA[{open}Câu hỏi{close}]]></text></questiontext><single>true</single><answer fraction="100"><text>Đúng</text></answer><answer fraction="0"><text>Sai</text></answer></question></quiz>"#
    )
    .into_bytes()
}

fn docx() -> Vec<u8> {
    let (open, close) = nested("<w:sdt><w:sdtContent>", "</w:sdtContent></w:sdt>", 6_000);
    let document = format!(
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{open}<w:p><w:r><w:t>Câu 1. Hỏi?</w:t></w:r></w:p>{close}</w:body></w:document>"#
    );
    zip_of(&[("word/document.xml", document.as_bytes())])
}

/// Cells A1 and XFD1048576 only: the used range is the whole sheet.
pub(crate) fn xlsx() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Họ và tên").unwrap();
    sheet.write_string(1_048_575, 16_383, "xa").unwrap();
    workbook.save_to_buffer().unwrap()
}

/// One entity of 100,000 characters, referred to 12,000 times: 1.2 GB once expanded.
fn qti() -> Vec<u8> {
    format!(
        r#"<?xml version="1.0"?><!DOCTYPE assessmentItem [<!ENTITY a "{}">]><assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="a" title="A"><responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier"><correctResponse><value>x</value></correctResponse></responseDeclaration><itemBody><p>{}</p><choiceInteraction responseIdentifier="RESPONSE" maxChoices="1"><simpleChoice identifier="x">X</simpleChoice><simpleChoice identifier="y">Y</simpleChoice></choiceInteraction></itemBody></assessmentItem>"#,
        "a".repeat(100_000),
        "&a;".repeat(12_000)
    )
    .into_bytes()
}

/// A bank archive whose one picture inflates to 60 MB of zeros.
pub(crate) fn zip_bomb() -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    out.start_file("bank.toml", options).unwrap();
    out.write_all(b"[bank]\ncode = \"IU01-BOM\"\n").unwrap();
    out.start_file("media/hinh.png", options).unwrap();
    let chunk = vec![0u8; 1024 * 1024];
    for _ in 0..60 {
        out.write_all(&chunk).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The server still serves pages after a refused upload.
async fn still_serving(app: &TestApp) {
    let res = app.get("/banks").await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn each_hostile_bank_file_is_refused_with_its_limit_and_the_server_keeps_serving() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let fields = [("module", "IU01"), ("topic", "IU01.1"), ("level", "NB")];
    let cases: [(&str, Vec<u8>, &str); 6] = [
        (
            "sau.gift.txt",
            gift(),
            "sau.gift.txt:1: lỗi: nội dung HTML có quá nhiều cấp lồng nhau (hơn 64 cấp",
        ),
        (
            "sau.xml",
            moodle(),
            "sau.xml:1: lỗi: nội dung HTML có quá nhiều cấp lồng nhau (hơn 64 cấp",
        ),
        (
            "sau.docx",
            docx(),
            "sau.docx: lỗi: tệp có quá nhiều cấp lồng nhau (hơn 128 cấp",
        ),
        (
            "ngan-hang.xlsx",
            xlsx(),
            "ngan-hang.xlsx:0: lỗi: bảng tính có dữ liệu ở quá 50000 hàng",
        ),
        ("cau.xml", qti(), "cau.xml: tệp XML có khai báo DTD"),
        (
            "ngan-hang.zip",
            zip_bomb(),
            "tệp nén có một mục khi giải nén lớn hơn 50 MB",
        ),
    ];
    let candidate = answering(&app, 0).await;
    let done = AtomicBool::new(false);
    let uploads = async {
        for (name, bytes, message) in cases {
            assert!(bytes.len() < 300 * 1024, "{name}: {} bytes", bytes.len());
            let (status, page) = app.upload_bank(name, bytes, &fields).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {page}");
            assert!(
                page.contains(message),
                "{name}: {message} missing from {page}"
            );
            still_serving(&app).await;
        }
        done.store(true, Ordering::SeqCst);
    };
    let ((), saves) = tokio::join!(uploads, keep_saving(&candidate, &done));
    assert!(saves >= 2, "the candidate saved throughout ({saves} saves)");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM banks WHERE code LIKE 'SAU%'")
            .await,
        0
    );
}

#[tokio::test]
async fn a_spreadsheet_with_a_cell_at_xfd1048576_is_refused_as_a_roster() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    // The demo's candidate starts before a second session exists.
    let candidate = answering(&app, 0).await;
    let session = schedule(&app, "Ca có danh sách quá lớn").await;
    let done = AtomicBool::new(false);
    let upload = async {
        let reply = upload_roster(&app, &session, "danh-sach.xlsx", xlsx()).await;
        done.store(true, Ordering::SeqCst);
        reply
    };
    let ((status, page), saves) = tokio::join!(upload, keep_saving(&candidate, &done));
    assert!(saves >= 2, "the candidate saved throughout ({saves} saves)");
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(
        page.contains("bảng tính có dữ liệu ở quá 50000 hàng: sathach đọc tối đa 50000 hàng"),
        "{page}"
    );
    let sql = format!("SELECT COUNT(*) FROM attempts WHERE session_id = '{session}'");
    assert_eq!(app.count(&sql).await, 0);
    still_serving(&app).await;
}
