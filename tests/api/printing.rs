//! Printing: access slips and the session report print to PDF in headless Chromium without
//! error, and the report's exports open in Excel with Vietnamese intact.

use std::{path::PathBuf, process::Command};

use reqwest::StatusCode;
use sathach::sheets;

use unicode_normalization::UnicodeNormalization;

use crate::{
    helpers::{PROCTOR, TestApp, spawn_app_with_demo},
    tools::{browser_tests_skipped, browser_tool},
};

/// The Chromium binary (`CHROMIUM` overrides), or None when the browser tests are skipped by
/// `SATHACH_SKIP_BROWSER_TESTS=1`; otherwise a missing Chromium fails the test.
pub fn chromium(test: &str) -> Option<PathBuf> {
    if browser_tests_skipped(test) {
        return None;
    }
    let chosen = std::env::var("CHROMIUM").unwrap_or_default();
    Some(browser_tool(
        &[
            &chosen,
            "/usr/bin/chromium",
            "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome",
        ],
        "apt-get install chromium",
    ))
}

/// The text of a PDF as `pdftotext` (poppler-utils) reads it back: NFC, whitespace collapsed.
pub fn pdf_text(pdf: &[u8]) -> String {
    let tool = browser_tool(&["/usr/bin/pdftotext"], "apt-get install poppler-utils");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.pdf");
    std::fs::write(&file, pdf).unwrap();
    let output = Command::new(tool)
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(
        output.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text: String = String::from_utf8(output.stdout).unwrap().nfc().collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Prints a page as this browser sees it (signed in) to PDF; returns the PDF's bytes.
pub async fn print_to_pdf(app: &TestApp, browser: &std::path::Path, path: &str) -> Vec<u8> {
    let html = app.get_text(path).await;
    // The page's own links (the stylesheet) resolve against the running server.
    let html = html.replacen(
        "<head>",
        &format!("<head><base href=\"{}/\">", app.address),
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let (page, pdf) = (dir.path().join("page.html"), dir.path().join("page.pdf"));
    std::fs::write(&page, html).unwrap();
    let output = Command::new(browser)
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-extensions",
            "--no-pdf-header-footer",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("Chromium runs");
    assert!(
        output.status.success(),
        "Chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(&pdf).expect("a PDF was written")
}

#[tokio::test]
async fn slips_and_the_session_report_print_to_pdf_with_every_candidate() {
    let Some(browser) = chromium("slips_and_the_session_report_print_to_pdf_with_every_candidate")
    else {
        return;
    };
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let (session, _) = app.demo_session().await;
    let (title,): (String,) = sqlx::query_as("SELECT title FROM exam_sessions WHERE id = $1")
        .bind(&session)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let roster: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.candidate_number, p.full_name FROM attempts a JOIN people p ON p.id = a.person_id
         WHERE a.session_id = $1 ORDER BY a.candidate_number",
    )
    .bind(&session)
    .fetch_all(&app.db.read)
    .await
    .unwrap();
    assert_eq!(roster.len(), 6, "the demo room");
    assert!(roster.iter().any(|(_, name)| name == "Trần Thị Bình"));
    let headings = [
        (
            "slips",
            vec!["Phiếu dự thi", "Số báo danh", "Mật khẩu dự thi"],
        ),
        (
            "report",
            vec![
                "Biên bản ca thi",
                title.as_str(),
                "Thí sinh",
                "Nhật ký ca thi",
            ],
        ),
    ];
    for (page, headings) in headings {
        let pdf = print_to_pdf(&app, &browser, &format!("/sessions/{session}/{page}")).await;
        assert!(pdf.starts_with(b"%PDF-"), "{page} is a PDF");
        let text = pdf_text(&pdf);
        for heading in headings {
            assert!(text.contains(heading), "{page} lacks {heading:?}: {text}");
        }
        for (number, name) in &roster {
            assert!(
                text.contains(number.as_str()) && text.contains(name.as_str()),
                "{page} lacks candidate {number} {name}: {text}"
            );
        }
    }
}

#[tokio::test]
async fn the_report_exports_to_csv_with_a_bom_and_to_xlsx() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let (session, _) = app.demo_session().await;
    let res = app.get(&format!("/sessions/{session}/report.csv")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".csv")
    );
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a UTF-8 BOM for Excel");
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(
        text.contains("Số báo danh") && text.contains("Trần Thị Bình") && text.contains("Chưa đến")
    );
    let bytes = app
        .get(&format!("/sessions/{session}/report.xlsx"))
        .await
        .bytes()
        .await
        .unwrap();
    let table = sheets::read_xlsx(&bytes).unwrap();
    assert_eq!(table.len(), 7, "a header and six candidates");
    assert_eq!(table[1].1[1], "Nguyễn Văn An");
    let events = app
        .get_text(&format!("/sessions/{session}/events.csv"))
        .await;
    assert!(events.contains("Thêm vào danh sách"));
    let report = app.get_text(&format!("/sessions/{session}/report")).await;
    assert!(
        report.contains("Số thí sinh vắng</dt><dd>6</dd>"),
        "who was absent"
    );
}
