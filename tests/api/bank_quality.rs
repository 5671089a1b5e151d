//! A bank's page warns about the cues that make it guessable and about items whose stems
//! nearly repeat another item of the centre's banks; a balanced bank gets no warning.

use crate::{
    cli::{sathach, text},
    helpers::{MANAGER, spawn_app_with_demo},
};

/// A bank of module IU01 holding `items` (TOML `[[items]]` tables).
fn bank(code: &str, items: &str) -> Vec<u8> {
    format!(
        "[bank]\ncode = \"{code}\"\ntitle = \"Ngân hàng {code}\"\nmodule = \"IU01\"\n\
         language = \"vi\"\n\n{items}"
    )
    .into_bytes()
}

/// Single-choice items `from..to` of a bank, their key where `key_at` puts it, and `stem` for
/// each (distinct words per item, so only the stems a test chooses look alike).
fn singles(prefix: &str, n: usize, key_at: impl Fn(usize) -> usize, long_key: bool) -> String {
    let words = [
        "mạng", "tệp", "chuột", "phím", "ổ", "màn", "loa", "máy", "giấy", "mực",
    ];
    (0..n)
        .map(|i| {
            let key = key_at(i);
            let options: Vec<String> = (0..4)
                .map(|o| match (o == key, long_key) {
                    (true, true) => format!(
                        "{{ text = \"Đáp án đầy đủ, chi tiết và dài nhất {i}\", correct = true }}"
                    ),
                    (true, false) => format!("{{ text = \"Phương án {o}{i}\", correct = true }}"),
                    _ => format!("{{ text = \"Phương án {o}{i}\" }}"),
                })
                .collect();
            format!(
                "[[items]]\nid = \"{prefix}-{i:03}\"\ntype = \"single\"\ntopic = \"IU01.1\"\n\
                 difficulty = \"NB\"\nstem = \"{} {} {prefix}{i} {}?\"\noptions = [{}]\n\n",
                words[i % 10],
                words[(i / 10) % 10],
                words[(i + 3) % 10],
                options.join(", ")
            )
        })
        .collect()
}

fn true_false(id: &str, stem: &str) -> String {
    format!(
        "[[items]]\nid = \"{id}\"\ntype = \"true_false\"\ntopic = \"IU01.4\"\ndifficulty = \"TH\"\n\
         stem = \"{stem}\"\nanswer = true\n\n"
    )
}

const OTP: &str = "Mã OTP gửi qua tin nhắn chỉ dùng một lần để xác thực giao dịch ngân hàng.";
const OTP_AGAIN: &str =
    "Mã OTP gửi qua tin nhắn chỉ dùng một lần để xác thực một giao dịch ngân hàng trực tuyến.";
const SCREEN: &str = "Màn hình cảm ứng vừa là thiết bị nhập vừa là thiết bị xuất của máy tính.";

#[tokio::test]
async fn a_biased_bank_is_warned_of_with_figures_and_a_balanced_one_is_not() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let biased = singles("LECH", 20, |_| 0, true)
        + &true_false("LECH-T1", OTP)
        + &true_false("LECH-T2", OTP_AGAIN)
        + &true_false("LECH-T3", SCREEN);
    app.import_bank_file("lech.toml", bank("LECH-01", &biased), &[])
        .await;
    let balanced = singles("CAN", 20, |i| i % 4, false);
    app.import_bank_file("can.toml", bank("CAN-02", &balanced), &[])
        .await;
    let other = true_false("KHAC-1", SCREEN);
    app.import_bank_file("khac.toml", bank("KHAC-03", &other), &[])
        .await;

    let page_of = |code: &'static str| {
        let app = &app;
        async move {
            let id: String = sqlx::query_scalar("SELECT id FROM banks WHERE code = $1")
                .bind(code)
                .fetch_one(&app.db.read)
                .await
                .unwrap();
            app.get_text(&format!("/banks/{id}")).await
        }
    };
    let page = page_of("LECH-01").await;
    assert!(page.contains("Chất lượng ngân hàng"), "{page}");
    assert!(
        page.contains("Đáp án đúng nằm ở phương án A (theo thứ tự trong tệp) ở 20/20 câu một đáp án (100 %, trên 40 %; p &#60; 0,001"),
        "{page}"
    );
    assert!(page.contains("là phương án dài nhất ở 20/20 câu"), "{page}");
    // Within the bank, and with another bank of the centre (named by its code).
    assert!(
        page.contains("Câu LECH-T1 và câu LECH-T2 có phần dẫn gần như trùng nhau"),
        "{page}"
    );
    assert!(
        page.contains(
            "Câu LECH-T3 và câu KHAC-1 (KHAC-03) có phần dẫn gần như trùng nhau (độ giống 1"
        ),
        "{page}"
    );
    let page = page_of("CAN-02").await;
    assert!(!page.contains("Chất lượng ngân hàng"), "{page}");
}

#[test]
fn bank_check_on_a_folder_warns_across_its_files_in_english_too() {
    let dir = tempfile::tempdir().unwrap();
    let biased = singles("LECH", 20, |_| 0, true) + &true_false("LECH-T3", SCREEN);
    std::fs::write(dir.path().join("lech.toml"), bank("LECH-01", &biased)).unwrap();
    let balanced = singles("CAN", 20, |i| i % 4, false);
    std::fs::write(dir.path().join("can.toml"), bank("CAN-02", &balanced)).unwrap();
    let other = true_false("KHAC-1", SCREEN);
    std::fs::write(dir.path().join("khac.toml"), bank("KHAC-03", &other)).unwrap();
    let folder = dir.path().display().to_string();
    let out = sathach(dir.path(), &["bank", "check", &folder, "--lang", "en"]);
    // Warnings do not fail the check.
    assert!(out.status.success(), "{}", text(&out));
    let out = text(&out);
    assert!(
        out.contains("lech.toml:1: warning: The key is option A (in the file's order) in 20 of 20 single-choice items (100 %, above 40 %; p < 0.001 if placed at random)"),
        "{out}"
    );
    let twin = out
        .lines()
        .find(|l| l.contains("have near-identical stems (similarity 1:"))
        .expect("the near-duplicate across the files");
    assert!(
        twin.contains("KHAC-1") && twin.contains("LECH-T3"),
        "{twin}"
    );
    assert!(
        out.contains("can.toml: 20 items, 0 errors, 0 warnings"),
        "{out}"
    );
}

#[tokio::test]
async fn every_shipped_item_renders_for_staff() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let versions: Vec<(String, String)> = sqlx::query_as(
        "SELECT i.bank_id, iv.id FROM item_versions iv JOIN items i ON i.id = iv.item_id",
    )
    .fetch_all(&app.db.read)
    .await
    .unwrap();
    assert!(versions.len() > 1000, "{} item versions", versions.len());
    for (bank, version) in versions {
        let path = format!("/banks/{bank}/items/{version}");
        let res = app.get(&path).await;
        assert_eq!(res.status(), reqwest::StatusCode::OK, "{path}");
    }
}
