//! The grading board imports practical scores from a file: a CSV (the template, filled in)
//! and an `.xlsx` with both graders' scores give the counted mean and the verdict; a file with
//! bad rows names each with its row and enters nothing; the same file twice enters nothing
//! new; a hostile spreadsheet is refused by the checker; proctors and other centres cannot.

use reqwest::StatusCode;
use sathach::{
    accounts::model::Role,
    grading::{
        self,
        model::{Outcome, Points, ResultKind},
    },
};

use crate::{
    helpers::{PROCTOR, TestApp, csrf_in, location, spawn_app_with_demo},
    hostile_files::{xlsx as sheet_to_xfd1048576, zip_bomb},
    practical::{current, sat, submit},
};

async fn number_of(app: &TestApp, attempt: &str) -> String {
    sqlx::query_scalar("SELECT candidate_number FROM attempts WHERE id = $1")
        .bind(attempt)
        .fetch_one(&app.db.read)
        .await
        .unwrap()
}

/// Uploads a file of scores through the page's form: the status and the page (after a
/// redirect, the page it leads to).
async fn upload(app: &TestApp, session: &str, name: &str, bytes: Vec<u8>) -> (StatusCode, String) {
    let page = app
        .get_text(&format!("/sessions/{session}/practical"))
        .await;
    let token = csrf_in(&page).unwrap();
    let form = format!("/sessions/{session}/practical/import?csrf={token}");
    assert!(page.contains(&form), "the page offers the upload form");
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let res = app
        .client
        .post(app.url(&form))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    let status = res.status();
    if status == StatusCode::SEE_OTHER {
        return (status, app.get_text(&location(&res)).await);
    }
    (status, res.text().await.unwrap())
}

/// An `.xlsx` whose first sheet has these rows (the first is the header).
fn workbook(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(n) => sheet.write_number(r as u32, c as u16, n),
                Err(_) => sheet.write_string(r as u32, c as u16, *cell),
            }
            .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

async fn count_entries(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM practical_entries").await
}

#[tokio::test]
async fn the_filled_in_template_and_an_xlsx_enter_both_graders_and_a_second_upload_changes_nothing()
{
    let app = spawn_app_with_demo().await;
    let (session, first, absent) = sat(&app).await;
    let (_, attempts) = app.demo_session().await;
    let third = submit(&app, 2).await;
    assert_eq!(third, attempts[2]);
    let (n1, n2, n3) = (
        number_of(&app, &first).await,
        number_of(&app, &absent).await,
        number_of(&app, &third).await,
    );

    // The template lists those who submitted, a row per marking of the first round.
    let res = app
        .get(&format!("/sessions/{session}/practical/template.csv"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("mau-diem-thuc-hanh-")
    );
    let template = res.text().await.unwrap();
    let lines: Vec<&str> = template.trim_end().split("\r\n").collect();
    assert_eq!(
        lines,
        [
            "\u{feff}Số báo danh,Họ và tên,Lần chấm,Điểm,Giám khảo".to_string(),
            format!("{n1},Nguyễn Văn An,1,,"),
            format!("{n1},Nguyễn Văn An,2,,"),
            format!("{n3},Lê Hoàng Cường,1,,"),
            format!("{n3},Lê Hoàng Cường,2,,"),
        ]
    );
    assert!(
        !template.contains(&n2),
        "the absent candidate is not listed"
    );

    // The board fills in the first candidate's two scores (decimal comma) and uploads it;
    // the third candidate's rows stay empty and are skipped.
    let filled = template
        .replacen(
            &format!("{n1},Nguyễn Văn An,1,,"),
            &format!("{n1},Nguyễn Văn An,1,\"6,5\",Trần Thị Hoa"),
            1,
        )
        .replacen(
            &format!("{n1},Nguyễn Văn An,2,,"),
            &format!("{n1},Nguyễn Văn An,2,7,Lê Văn Minh"),
            1,
        );
    let (status, page) = upload(&app, &session, "diem.csv", filled.clone().into_bytes()).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert!(
        page.contains("Đã nhập 2 điểm từ tệp; 0 điểm giống điểm đã nhập nên không nhập lại."),
        "{page}"
    );
    assert!(
        page.contains("GK1: 6,5 (Trần Thị Hoa)") && page.contains("GK2: 7 (Lê Văn Minh)"),
        "{page}"
    );
    // Mean 6,75 within the threshold of 1, rounded to 0,5 (halves up): 7, a pass.
    assert_eq!(
        current(&app, &first).await,
        (
            ResultKind::Practical,
            Outcome::Pass,
            Points::from_integer(7)
        )
    );
    let results = app.get_text(&format!("/sessions/{session}/results")).await;
    let row = &results[results.find(&n1).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        !row.contains("Chờ điểm thực hành") && row.contains("Đạt"),
        "{row}"
    );

    // An .xlsx with English headings in another order, numbers as numbers: 4 and 4,5 give
    // 4,25, rounded to 4,5: below the pass mark.
    let xlsx = workbook(&[
        &["Grader", "Score", "Marking", "Candidate number"],
        &["Nguyễn Thị Lan", "4", "1", &n3],
        &["Đỗ Văn Hùng", "4.5", "2", &n3],
    ]);
    let (status, page) = upload(&app, &session, "diem.xlsx", xlsx).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert!(page.contains("Đã nhập 2 điểm từ tệp"), "{page}");
    assert_eq!(
        current(&app, &third).await,
        (ResultKind::Practical, Outcome::Fail, Points::new(9, 2))
    );
    let sources: Vec<String> =
        sqlx::query_scalar("SELECT source FROM practical_entries ORDER BY source")
            .fetch_all(&app.db.read)
            .await
            .unwrap();
    assert_eq!(sources, ["import"; 4]);
    let audited = "SELECT COUNT(*) FROM audit_events WHERE action = 'practical.enter' AND detail LIKE '%(import)'";
    assert_eq!(app.count(audited).await, 4);

    // The same file again: every row unchanged, nothing entered, no new result.
    let (status, page) = upload(&app, &session, "diem.csv", filled.into_bytes()).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert!(
        page.contains("Đã nhập 0 điểm từ tệp; 2 điểm giống điểm đã nhập nên không nhập lại."),
        "{page}"
    );
    assert_eq!(count_entries(&app).await, 4);
    assert_eq!(app.count(audited).await, 4);
    let history = grading::store::history(&app.db.read, &first).await.unwrap();
    assert_eq!(history.len(), 2, "submitted, then one practical result");
}

#[tokio::test]
async fn a_file_with_bad_rows_names_each_and_enters_nothing() {
    let app = spawn_app_with_demo().await;
    let (session, first, absent) = sat(&app).await;
    let (n1, n2) = (
        number_of(&app, &first).await,
        number_of(&app, &absent).await,
    );
    let missing = format!("{}-099", &n1[..n1.rfind('-').unwrap()]);
    let csv = format!(
        "Số báo danh;Điểm;Giám khảo\n\
         {n1};7;GK A\n\
         {missing};7;GK A\n\
         {n1};11;GK B\n\
         {n2};5;GK A\n\
         {n1};bảy;GK C\n"
    );
    let (status, page) = upload(&app, &session, "diem.csv", csv.into_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("Dòng 6: Điểm “bảy” không đọc được"), "{page}");
    assert!(
        !page.contains("Dòng 3:"),
        "rows are matched only once the file reads: {page}"
    );
    let csv = csv_without_row_6(&n1, &n2, &missing);
    let (status, page) = upload(&app, &session, "diem.csv", csv.into_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    for needle in [
        "Chưa nhập điểm nào: tệp có 4 lỗi.".to_string(),
        format!("Dòng 3: Số báo danh {missing} không có trong ca thi này."),
        "Dòng 4: Điểm 11 ngoài khoảng từ 0 đến 10.".to_string(),
        format!("Dòng 4: Trùng với dòng 2: cùng thí sinh {n1}, cùng phần thi và lần chấm."),
        format!("Dòng 5: Thí sinh {n2} không dự thi hoặc chưa nộp bài"),
    ] {
        assert!(page.contains(&needle), "{needle} missing from {page}");
    }
    assert!(!page.contains("Dòng 2:"), "the good row is not named");
    assert_eq!(count_entries(&app).await, 0, "nothing is entered");
    assert_eq!(current(&app, &first).await.1, Outcome::Pending);

    // A file without the grader's column names what it found.
    let (status, page) = upload(&app, &session, "diem.csv", b"SBD,Diem\n1,7\n".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Dòng 1: Thiếu cột Giám khảo.")
            && page.contains("hàng tiêu đề của tệp có: SBD, Diem."),
        "{page}"
    );
    // No file at all.
    let (status, page) = upload(&app, &session, "", vec![]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Hãy chọn tệp điểm"), "{page}");
    assert_eq!(count_entries(&app).await, 0);
}

fn csv_without_row_6(n1: &str, n2: &str, missing: &str) -> String {
    format!(
        "Số báo danh;Điểm;Giám khảo\n{n1};7;GK A\n{missing};7;GK A\n{n1};11;GK B\n{n2};5;GK A\n"
    )
}

#[tokio::test]
async fn hostile_spreadsheets_are_refused_by_the_checker_and_the_server_keeps_serving() {
    let app = spawn_app_with_demo().await;
    let (session, ..) = sat(&app).await;
    for (name, bytes, needle) in [
        (
            "diem.xlsx",
            sheet_to_xfd1048576(),
            "bảng tính có dữ liệu ở quá 50000 hàng",
        ),
        (
            "diem.xlsx",
            zip_bomb(),
            "tệp nén có một mục khi giải nén lớn hơn 50 MB",
        ),
        (
            "diem.csv",
            format!("Số báo danh,Điểm,Giám khảo\n{}", "1,5,A\n".repeat(60_000)).into_bytes(),
            "bảng tính có dữ liệu ở quá 50000 hàng",
        ),
    ] {
        let (status, page) = upload(&app, &session, name, bytes).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {page}");
        assert!(
            page.contains(needle),
            "{name}: {needle} missing from {page}"
        );
    }
    assert_eq!(count_entries(&app).await, 0);
    let page = app
        .get_text(&format!("/sessions/{session}/practical"))
        .await;
    assert!(page.contains("Chưa nhập"), "still serving: {page}");
}

#[tokio::test]
async fn proctors_and_other_centres_can_neither_import_nor_download_the_template() {
    let app = spawn_app_with_demo().await;
    let (session, first, _) = sat(&app).await;
    let n1 = number_of(&app, &first).await;
    let csv = format!("Số báo danh,Điểm,Giám khảo\n{n1},7,GK A\n").into_bytes();
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let stranger = app
        .browser_for_new_account("TT-HONGHA", Role::CentreManager, "quanly@hongha.vn")
        .await;
    for (who, expected) in [
        (&proctor, StatusCode::FORBIDDEN),
        (&stranger, StatusCode::NOT_FOUND),
    ] {
        let template = who
            .get(&format!("/sessions/{session}/practical/template.csv"))
            .await;
        assert_eq!(template.status(), expected);
        let token = who.csrf().await;
        let path = format!("/sessions/{session}/practical/import?csrf={token}");
        let (status, _) = who.post_file(&path, ("diem.csv", csv.clone()), &[]).await;
        assert_eq!(status, expected);
    }
    assert_eq!(count_entries(&app).await, 0);
}
