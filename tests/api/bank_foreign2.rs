//! Files from other platforms as teachers have them: a picture only their feedback shows, a
//! QTI package with one bad picture, Moodle's cloze questions, a file of types sathach does
//! not support, and a file no reader knows (a PDF), through the upload page and the CLI.

use std::io::Write;

use reqwest::StatusCode;

use crate::{
    cli::{sathach, text},
    helpers::{MANAGER, TestApp, spawn_app_with_demo},
};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");
const DEFAULTS: [(&str, &str); 3] = [("module", "IU01"), ("topic", "IU01.1"), ("level", "NB")];

/// Items of a bank, by its code.
async fn items_of(app: &TestApp, code: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM items i JOIN banks b ON b.id = i.bank_id WHERE b.code = '{code}'"
    ))
    .await
}

/// Uploads, expects the report to offer the import, confirms it.
async fn upload_and_confirm(app: &TestApp, name: &str, bytes: Vec<u8>, code: &str) -> String {
    let fields = [&DEFAULTS[..], &[("code", code)]].concat();
    let (status, page) = app.upload_bank(name, bytes, &fields).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let res = app.confirm_upload(&page).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    page
}

#[tokio::test]
async fn a_gift_file_with_a_picture_only_in_its_feedback_imports_with_a_warning() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let gift = "::Q1:: Phím tắt sao chép là? {=Ctrl+C ~Ctrl+V ~Ctrl+X \
                ####[html]<p>Xem <img src=\"@@PLUGINFILE@@/phim.png\"> bàn phím.</p>}\n\n\
                ::Q2:: Phím tắt dán là? {=Ctrl+V ~Ctrl+C}\n";
    let page = upload_and_confirm(&app, "phim-tat.gift", gift.into(), "IU01-GIFT").await;
    assert!(
        page.contains(
            "cảnh báo: hình phim.png trong lời giải thích không có trong tệp nên được bỏ đi"
        ),
        "{page}"
    );
    assert_eq!(items_of(&app, "IU01-GIFT").await, 2);
    let kept = "SELECT COUNT(*) FROM item_versions v JOIN items i ON i.id = v.item_id \
                JOIN banks b ON b.id = i.bank_id WHERE b.code = 'IU01-GIFT' \
                AND v.body LIKE '%bàn phím%' AND v.body NOT LIKE '%PLUGINFILE%'";
    assert_eq!(app.count(kept).await, 1, "the explanation's text is kept");
    // In the stem, the picture is the question: the file is refused, saying what to do.
    let stem = "::Q1:: Đây là gì? <img src=\"@@PLUGINFILE@@/may.png\"> {=Chuột ~Bàn phím}\n";
    let (status, page) = app.upload_bank("hinh.gift", stem.into(), &DEFAULTS).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("hãy xuất câu hỏi dạng Moodle XML"), "{page}");
}

fn zip_folder(dir: &std::path::Path) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.start_file(name, options).unwrap();
            out.write_all(&std::fs::read(&path).unwrap()).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

#[tokio::test]
async fn a_qti_package_with_one_bad_picture_imports_the_rest_and_names_the_item() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let package = zip_folder(std::path::Path::new(&format!(
        "{FIXTURES}/qtipkg/qti21-apip-entrytest"
    )));
    let page = upload_and_confirm(&app, "apip.zip", package, "IU01-QTI").await;
    assert!(
        page.contains("câu “VE-IP-02” không được nhập: media/apip_VE_IP_02.svg"),
        "{page}"
    );
    assert!(
        page.contains("các câu khác của gói vẫn được nhập"),
        "{page}"
    );
    assert!(
        page.contains("sathach chưa hỗ trợ câu tự luận (extendedTextInteraction)"),
        "{page}"
    );
    assert!(
        page.contains(
            "đáp án “Michigan” chỉ được một phần điểm trong tệp nên không được tính là đúng"
        ),
        "{page}"
    );
    assert_eq!(items_of(&app, "IU01-QTI").await, 3);
    let partial = "SELECT COUNT(*) FROM item_versions WHERE body LIKE '%Michigan%' \
                   AND body NOT LIKE '%\"Michigan\"%'";
    assert_eq!(app.count(partial).await, 1, "only “Lake Michigan” is right");
}

#[tokio::test]
async fn a_moodle_cloze_question_imports_as_an_item_per_gap() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let bytes = std::fs::read(format!(
        "{FIXTURES}/moodlexml/moodle-multianswer-all-types.xml"
    ))
    .unwrap();
    let page = upload_and_confirm(&app, "cloze.xml", bytes, "IU01-CLOZE").await;
    assert!(
        page.contains("Tệp hợp lệ: 16 câu hỏi.")
            && page.matches("cảnh báo: chỗ trống").count() == 4,
        "{page}"
    );
    assert!(!page.contains("bỏ qua câu"), "{page}");
    assert_eq!(items_of(&app, "IU01-CLOZE").await, 16);
    let stems = "SELECT COUNT(*) FROM item_versions v JOIN items i ON i.id = v.item_id \
                 JOIN banks b ON b.id = i.bank_id WHERE b.code = 'IU01-CLOZE' \
                 AND v.body LIKE '%Asterix%' AND v.body LIKE '%Anders Celsius%'";
    assert_eq!(app.count(stems).await, 16, "every gap shares the passage");
}

#[tokio::test]
async fn a_pdf_is_refused_as_unrecognised_on_the_upload_page() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".to_vec();
    let (status, page) = app.upload_bank("de-thi.pdf", pdf, &DEFAULTS).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(
        page.contains("không đọc được tệp PDF “de-thi.pdf”"),
        "{page}"
    );
    assert!(
        page.contains("tải lên tệp Word (.docx) hoặc Excel (.xlsx) gốc"),
        "{page}"
    );
    assert!(!page.contains("TCVN3") && !page.contains("UTF-8"), "{page}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM banks WHERE code LIKE 'DE-THI%'")
            .await,
        0
    );
}

#[test]
fn the_cli_says_what_a_pdf_and_a_file_of_unsupported_types_are() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("de-thi.pdf"), b"%PDF-1.7\n1 0 obj << >> endobj\n").unwrap();
    let out = sathach(d, &["bank", "check", "de-thi.pdf", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("de-thi.pdf:0: error: the PDF file “de-thi.pdf” cannot be read"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("(unknown)"), "{}", text(&out));
    std::fs::write(
        d.join("ghi-chu.txt"),
        "Chỉ là ghi chú, không phải câu hỏi.\n",
    )
    .unwrap();
    let out = sathach(d, &["bank", "check", "ghi-chu.txt", "--lang", "vi"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("không nhận ra định dạng của tệp “ghi-chu.txt”"),
        "{}",
        text(&out)
    );

    std::fs::write(
        d.join("tu-luan.gift"),
        "::TL1:: Trình bày cách sao lưu dữ liệu. {}\n\n::TL2:: Nêu lợi ích của mật khẩu mạnh. {}\n",
    )
    .unwrap();
    let out = sathach(d, &["bank", "check", "tu-luan.gift", "--lang", "vi"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = text(&out);
    assert!(
        all.contains("lỗi: tệp chỉ có câu hỏi loại chưa hỗ trợ: tự luận 2"),
        "{all}"
    );
    assert!(
        all.contains("bỏ qua câu “TL1”: sathach chưa hỗ trợ câu tự luận (essay)"),
        "{all}"
    );
    assert!(
        !all.contains("chưa chọn mô đun") && !all.contains("hãy kiểm tra tệp"),
        "{all}"
    );
    assert!(all.contains("bỏ qua (chưa hỗ trợ): tự luận 2"), "{all}");
}
