//! Printing: access slips and the session report print to PDF in headless Chromium without
//! error, and the report's exports open in Excel with Vietnamese intact.

use std::{path::PathBuf, process::Command};

use reqwest::StatusCode;
use sathach::sheets;

use crate::helpers::{PROCTOR, TestApp, spawn_app_with_demo};

/// The Chromium binary (`CHROMIUM` overrides). CI installs it; elsewhere its absence skips.
fn chromium() -> Option<PathBuf> {
    let candidates = [
        std::env::var("CHROMIUM").unwrap_or_default(),
        "/usr/bin/chromium".into(),
        "/usr/bin/chromium-browser".into(),
        "/usr/bin/google-chrome".into(),
    ];
    let found = candidates
        .into_iter()
        .filter(|c| !c.is_empty())
        .map(PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "CI must install Chromium (apt-get install chromium)"
        );
        eprintln!("skipping: no Chromium on this machine");
    }
    found
}

/// Prints a page as this browser sees it (signed in) to PDF; returns the PDF's bytes.
async fn print_to_pdf(app: &TestApp, browser: &std::path::Path, path: &str) -> Vec<u8> {
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
async fn slips_and_the_session_report_print_to_pdf() {
    let Some(browser) = chromium() else { return };
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let (session, _) = app.demo_session().await;
    for page in ["slips", "report"] {
        let pdf = print_to_pdf(&app, &browser, &format!("/sessions/{session}/{page}")).await;
        assert!(pdf.starts_with(b"%PDF-"), "{page} is a PDF");
        let pages = pdf
            .windows(10)
            .filter(|w| w == b"/Type /Pag" || w == b"/Type/Page")
            .count();
        assert!(
            pdf.len() > 5_000 && pages >= 1,
            "{page}: {} bytes",
            pdf.len()
        );
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
