//! Banks kept in spreadsheets, through the pages: the template downloads, imports as it is,
//! and a spreadsheet with mistakes is refused with each one placed at its row and column.

use reqwest::StatusCode;

use crate::helpers::{MANAGER, spawn_app_with_demo};

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
