//! The printable certificate: staff of the person's Department print it on one A4 landscape
//! page that reads back (number, holder, register number) from the PDF; its QR code decodes
//! to the verification address; a revoked certificate says so across the page; a proctor and
//! another Department cannot print it.

use fantoccini::Locator;
use reqwest::StatusCode;
use sathach::accounts::model::Role;

use crate::{
    browser::{axe_source, browser, click, no_axe_violations, wait_for_text},
    browser_practical::staff_signed_in,
    credits_fixture::passes,
    credits_verify::profile_holder,
    helpers::{ADMIN, MANAGER, PROCTOR, TestApp, spawn_app_with_demo},
    printing::{chromium, pdf_text, print_to_pdf},
    tools::browser_tool,
};

/// The dark modules of the page's QR code (as `qrcode` draws it: one `M x y h w v h …` per
/// rectangle) decoded by `rqrr`.
pub fn decode_qr(html: &str) -> String {
    let svg = &html[html.find("<svg role=\"img\"").expect("an inline QR code")..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    let number_after = |key: &str| -> Vec<u32> {
        let rest = &svg[svg.find(key).unwrap() + key.len()..];
        rest[..rest.find('"').unwrap()]
            .split(' ')
            .map(|n| n.parse().unwrap())
            .collect()
    };
    let view = number_after("viewBox=\"");
    let (width, height) = (view[2], view[3]);
    let d = &svg[svg.find(" d=\"").unwrap() + 4..];
    let d = &d[..d.find('"').unwrap()];
    let mut dark = vec![false; (width * height) as usize];
    for rect in d.split('M').filter(|r| !r.is_empty()) {
        let nums: Vec<u32> = rect
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().unwrap())
            .collect();
        let (left, top, w, h) = (nums[0], nums[1], nums[2], nums[3]);
        for y in top..top + h {
            for x in left..left + w {
                dark[(y * width + x) as usize] = true;
            }
        }
    }
    let scale = 3;
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(
        (width * scale) as usize,
        (height * scale) as usize,
        |x, y| {
            let (x, y) = (x as u32 / scale, y as u32 / scale);
            if dark[(y * width + x) as usize] {
                0
            } else {
                255
            }
        },
    );
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("the QR code decodes").1
}

/// Pages, and the page size in points, of a PDF as `pdfinfo` reads it.
fn pdf_pages(pdf: &[u8]) -> (usize, f64, f64) {
    let tool = browser_tool(&["/usr/bin/pdfinfo"], "apt-get install poppler-utils");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new(tool)
        .arg(&file)
        .output()
        .unwrap();
    let info = String::from_utf8(out.stdout).unwrap();
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap()
            .trim()
            .to_string()
    };
    let pages = field("Pages:").parse().unwrap();
    let size = field("Page size:");
    let dims: Vec<f64> = size
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (pages, dims[0], dims[1])
}

async fn certificate_html(app: &TestApp, id: &str) -> String {
    let res = app.get(&format!("/certificates/{id}/print")).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

#[tokio::test]
async fn a_certificate_prints_on_one_a4_landscape_page_with_a_qr_code_of_its_verification_address()
{
    let app = spawn_app_with_demo().await;
    let (history, (id, number, register)) = profile_holder(&app).await;
    let name: String = sqlx::query_scalar("SELECT full_name FROM people WHERE id = $1")
        .bind(&history.person)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    app.signed_in_as(MANAGER).await;
    let html = certificate_html(&app, &id).await;
    let address = format!("http://127.0.0.1/verify/{number}");
    assert_eq!(decode_qr(&html), address);
    assert!(html.contains(&address), "the address is printed too");
    assert!(!html.contains("id=\"void\""), "a valid certificate");

    let Some(browser) = chromium("a_certificate_prints_on_one_a4_landscape_page") else {
        return;
    };
    let pdf = print_to_pdf(&app, &browser, &format!("/certificates/{id}/print")).await;
    let text = pdf_text(&pdf);
    for printed in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập – Tự do – Hạnh phúc",
        "HỒ SƠ KỸ NĂNG SỐ THEO CHUẨN ICDL",
        "ICDL-style digital skills profile",
        "TRUNG TÂM TT-B",
        "GIÁM ĐỐC",
        "DIRECTOR",
        "ICDL-CE",
        "Trung tâm TT-B",
        name.as_str(),
        number.as_str(),
        register.as_str(),
    ] {
        assert!(text.contains(printed), "{printed:?} in the PDF: {text}");
    }
    let (pages, width, height) = pdf_pages(&pdf);
    assert_eq!(pages, 1, "one page: {text}");
    assert!(
        (width - 841.9).abs() < 2.0 && (height - 595.3).abs() < 2.0,
        "A4 landscape: {width} x {height}"
    );
}

#[tokio::test]
async fn a_revoked_certificate_says_so_across_the_page_and_only_its_department_prints_it() {
    let app = spawn_app_with_demo().await;
    let (history, (id, _, _)) = profile_holder(&app).await;
    let admin = app.another_browser();
    admin.signed_in_as(ADMIN).await;
    certificate_html(&admin, &id).await;

    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let res = proctor.get(&format!("/certificates/{id}/print")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let elsewhere = other_department_admin(&app).await;
    let res = elsewhere.get(&format!("/certificates/{id}/print")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let entry: String = sqlx::query_scalar(
        "SELECT id FROM credit_entries WHERE person_id = $1 AND module = 'ICDL-CE'",
    )
    .bind(&history.person)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    let by = app.user_id(ADMIN.0).await;
    let mut tx = app.db.begin_write().await.unwrap();
    let change = sathach::credits::store::Change {
        cause: sathach::credits::store::Cause::Correction,
        reason: "Nhập nhầm người",
        by: Some(&by),
    };
    sathach::credits::earlier::revoke(&mut tx, &history.person, &entry, change)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let html = certificate_html(&admin, &id).await;
    let void = &html[html.find("id=\"void\"").expect("the state across the page")..];
    assert!(void.contains("ĐÃ THU HỒI") && void.contains("đính chính sai sót khi cấp"));
}

/// An admin of a second Department, signed in.
pub async fn other_department_admin(app: &TestApp) -> TestApp {
    sathach::orgs::cli_add(
        &app.db,
        "SGD-KHAC",
        "Sở Giáo dục và Đào tạo Khác",
        sathach::orgs::model::OrgKind::Department,
        None,
    )
    .await
    .unwrap();
    app.browser_for_new_account("SGD-KHAC", Role::Admin, "admin@khac.sathach.vn")
        .await
}

#[tokio::test]
async fn the_verification_certificate_and_register_pages_pass_axe() {
    let Some((_driver, client)) = browser(
        "the_verification_certificate_and_register_pages_pass_axe",
        true,
    )
    .await
    else {
        return;
    };
    let axe = axe_source();
    let app = spawn_app_with_demo().await;
    let (history, (id, number, _)) = profile_holder(&app).await;
    passes(&app, &history, &[("ICDL-OE", "TT-C", "2026-03-09")]).await;

    // Signed out: type the number into the form as a person would, in lower case.
    client.goto(&app.url("/verify")).await.unwrap();
    no_axe_violations(&client, Some(&axe), "/verify").await;
    client
        .find(Locator::Css("#number"))
        .await
        .unwrap()
        .send_keys(&number.to_lowercase())
        .await
        .unwrap();
    click(&client, "main button[type=submit]").await;
    wait_for_text(&client, "#state", "Đã được thay thế").await;
    no_axe_violations(&client, Some(&axe), "a replaced certificate").await;
    client
        .find(Locator::Css("#state a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&client, "#state", "Còn hiệu lực").await;
    no_axe_violations(&client, Some(&axe), "a valid certificate").await;
    client.goto(&app.url("/verify/nope")).await.unwrap();
    no_axe_violations(&client, Some(&axe), "an unknown number").await;

    staff_signed_in(&client, &app, None, MANAGER).await;
    let centre = app.org_id("TT-B").await;
    for page in [
        format!("/certificates/{id}/print"),
        format!("/orgs/{centre}/certificates"),
    ] {
        client.goto(&app.url(&page)).await.unwrap();
        no_axe_violations(&client, Some(&axe), &page).await;
    }
    client.close().await.unwrap();
}
