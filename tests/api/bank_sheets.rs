//! Banks kept in spreadsheets, through the pages and the command line: the template (with its
//! instructions sheet) downloads and imports as it is, a teacher's workbook without the rows
//! naming the bank imports with the page's choices (or the flags), columns that look like
//! options but are not read refuse their rows, and mistakes are placed at row and column.

use reqwest::StatusCode;
use sathach::sheets::{Sheet, xlsx};

use crate::{
    cli::{sathach, text},
    helpers::{MANAGER, spawn_app_with_demo},
};

/// A workbook of one sheet holding these rows.
fn workbook(rows: &[&[&str]]) -> Vec<u8> {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let sheet = Sheet {
        name: "Sheet1",
        header: &[],
        rows: &rows,
    };
    xlsx(&[sheet]).unwrap()
}

/// Questions as teachers keep them in Excel: no rows naming the bank, no topics or levels,
/// options under "Phương án A…D", one answer given as the option's text.
fn teachers_workbook() -> Vec<u8> {
    workbook(&[
        &[
            "STT",
            "Câu hỏi",
            "Phương án A",
            "Phương án B",
            "Phương án C",
            "Phương án D",
            "Đáp án",
        ],
        &[
            "1",
            "Thiết bị nào là thiết bị nhập?",
            "Màn hình",
            "Bàn phím",
            "Loa",
            "Máy in",
            "B",
        ],
        &[
            "2",
            "Hệ điều hành nào sau đây?",
            "Word",
            "Excel",
            "Windows",
            "Paint",
            "Windows",
        ],
    ])
}

#[tokio::test]
async fn the_template_downloads_and_imports_as_it_is() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    assert!(
        app.get_text("/banks")
            .await
            .contains("/banks/template.xlsx")
    );
    let res = app.get("/banks/template.xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    let template = res.bytes().await.unwrap().to_vec();
    let (status, page) = app.upload_bank("mau.xlsx", template, &[]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let res = app.confirm_upload(&page).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let items: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM items i JOIN banks b ON b.id = i.bank_id WHERE b.code = 'IU01-EXCEL'",
    )
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert_eq!(items, 5);
}

#[tokio::test]
async fn a_csv_with_mistakes_is_refused_with_rows_and_columns() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let csv = "\u{feff}Mã ngân hàng,IU01-CSV\nTên ngân hàng,Thử\nMô đun,IU01\n\
               Câu hỏi,A,B,Đáp án,Chủ đề,Mức độ\n\
               \"Câu có dấu phẩy, trong ngoặc kép\",Một,Hai,C,IU01.1,NB\n\
               Câu thứ hai,Một,Hai,A,IU01.9,NB\n";
    let (status, page) = app
        .upload_bank("cau-hoi.csv", csv.as_bytes().to_vec(), &[])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("cau-hoi.csv:5:D: lỗi: Đáp án là C nhưng câu này không có phương án C"),
        "{page}"
    );
    assert!(
        page.contains("cau-hoi.csv:6:E: lỗi:"),
        "the unknown topic, at its cell: {page}"
    );
    let banks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM banks WHERE code = 'IU01-CSV'")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    assert_eq!(banks, 0);
}

#[tokio::test]
async fn the_template_carries_an_instructions_sheet() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let bytes = app.get("/banks/template.xlsx").await.bytes().await.unwrap();
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["Ngân hàng câu hỏi", "Hướng dẫn"]);
    let help = book.worksheet_range("Hướng dẫn").unwrap();
    let cells: Vec<String> = help.cells().map(|(_, _, c)| c.to_string()).collect();
    for value in ["Trả lời ngắn", "NB (Nhận biết)", "IU01.1", "Phương án A"] {
        assert!(
            cells.iter().any(|c| c.contains(value)),
            "{value}: {cells:?}"
        );
    }
}

#[tokio::test]
async fn a_teachers_workbook_imports_with_the_pages_choices() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let (status, page) = app
        .upload_bank("kiem-tra-15-phut.xlsx", teachers_workbook(), &[])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.matches("lỗi:").count(),
        3,
        "module, topic, level once: {page}"
    );
    assert!(
        page.contains(
            "2 câu hỏi chưa có mức độ (hàng 3, 4): hãy chọn Mức độ mặc định ở trang tải lên"
        ),
        "{page}"
    );
    let fields = [("module", "IU01"), ("topic", "IU01.1"), ("level", "NB")];
    app.import_bank_file("kiem-tra-15-phut.xlsx", teachers_workbook(), &fields)
        .await;
    let items = "SELECT COUNT(*) FROM item_versions v JOIN items i ON i.id = v.item_id \
                 JOIN banks b ON b.id = i.bank_id WHERE b.code = 'KIEM-TRA-15-PHUT' \
                 AND b.title = 'kiem-tra-15-phut' AND v.kind = 'single' \
                 AND v.topic = 'IU01.1' AND v.difficulty = 'NB'";
    assert_eq!(app.count(items).await, 2);
    // "Windows", the option's text, is the key of the second question.
    let body: String = sqlx::query_scalar(
        "SELECT v.body FROM item_versions v JOIN items i ON i.id = v.item_id \
         JOIN banks b ON b.id = i.bank_id \
         WHERE b.code = 'KIEM-TRA-15-PHUT' AND v.body LIKE '%Hệ điều hành%'",
    )
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    let keys: Vec<bool> = body["body"]["options"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|o| o["correct"].as_bool().unwrap_or(false))
        .collect();
    assert_eq!(keys, [false, false, true, false], "{body}");
}

#[tokio::test]
async fn unknown_option_columns_are_refused_and_named() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let bytes = workbook(&[
        &[
            "Câu hỏi",
            "Phương án I",
            "Phương án II",
            "Phương án III",
            "Đáp án",
            "Chủ đề",
            "Mức độ",
        ],
        &[
            "Thiết bị nhập?",
            "Bàn phím",
            "Loa",
            "Máy in",
            "Bàn phím",
            "IU01.1",
            "NB",
        ],
    ]);
    let fields = [("module", "IU01")];
    let (status, page) = app.upload_bank("de.xlsx", bytes, &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains(
            "de.xlsx [Sheet1]:2:B: lỗi: cột B (“Phương án I”), C (“Phương án II”), D (“Phương án III”) \
             trông như cột phương án nhưng Sát hạch không đọc được tên cột: 1 hàng có nội dung ở các \
             cột này (hàng 3) chưa được nhận"
        ),
        "{page}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM banks WHERE code = 'DE'")
            .await,
        0
    );
}

#[test]
fn bank_import_takes_the_flags_for_a_workbook_without_bank_rows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("de.xlsx"), teachers_workbook()).unwrap();
    let out = sathach(d, &["bank", "check", "de.xlsx", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let all = text(&out);
    assert!(
        all.contains("2 questions have no topic (rows 3, 4)") && all.contains("--topic IU01.1"),
        "{all}"
    );
    crate::cli::department_and_centre(d);
    let out = sathach(
        d,
        &[
            "bank", "import", "de.xlsx", "--org", "TT", "--module", "IU01", "--topic", "IU01.1",
            "--level", "VD", "--code", "EXCEL-15", "--lang", "en",
        ],
    );
    assert!(
        text(&out).contains("EXCEL-15: version 1: 2 added"),
        "{}",
        text(&out)
    );
}

#[tokio::test]
async fn the_upload_form_with_its_choices_passes_axe() {
    let test = "the_upload_form_with_its_choices_passes_axe";
    let Some((_driver, client)) = crate::browser::browser(test, true).await else {
        return;
    };
    let axe = crate::browser::axe_source();
    let app = spawn_app_with_demo().await;
    crate::browser_practical::staff_signed_in(&client, &app, None, MANAGER).await;
    client.goto(&app.url("/banks")).await.unwrap();
    let legend = client
        .find(fantoccini::Locator::Css("fieldset legend"))
        .await
        .unwrap();
    assert_eq!(legend.text().await.unwrap(), "Điều tệp không ghi");
    crate::browser::no_axe_violations(&client, Some(&axe), "bank upload").await;
    client.close().await.unwrap();
}
