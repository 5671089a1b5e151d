//! The sample paper ("Rút thử một đề"): every item type whole with its key, the key mark on
//! its own option, printable (no navigation, no question split across pages), and, with the
//! blueprint page, clean under axe-core with JavaScript on and off.

use std::{collections::HashMap, process::Command};

use fantoccini::Locator;
use scraper::{ElementRef, Html, Selector};
use unicode_normalization::UnicodeNormalization;

use crate::{
    blueprint_page::{every_type_blueprint, page_of},
    browser::{axe_source, browser, no_axe_violations, wait_for_text},
    browser_practical::staff_signed_in,
    helpers::{MANAGER, spawn_app_with_demo},
    printing::{chromium, print_to_pdf},
    tools::browser_tool,
};

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

fn text(element: ElementRef) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn all(element: ElementRef, css: &str) -> Vec<String> {
    element.select(&sel(css)).map(text).collect()
}

/// The questions of a sample paper by item id (the first word of their facts line).
fn questions(doc: &Html) -> HashMap<String, ElementRef<'_>> {
    doc.select(&sel("ol.paper > li.question"))
        .map(|q| {
            let facts = text(q.select(&sel("p.muted")).next().expect("a facts line"));
            (facts.split(' ').next().unwrap().to_string(), q)
        })
        .collect()
}

/// The texts of the options marked as the key, and checks that every mark sits on the
/// option it belongs to (its ✓ and its words for screen readers inside the same line).
fn keyed_options(q: ElementRef) -> Vec<String> {
    let mut keys = Vec::new();
    for option in q.select(&sel("ul.options li.option")) {
        let mark = all(option, ".key-mark").join("");
        let hidden = all(option, ".visually-hidden").join("");
        let words = all(option, ".text").join(" ");
        if option.value().classes().any(|c| c == "is-key") {
            assert_eq!(mark, "✓", "the mark on {words}");
            assert_eq!(
                hidden, "Đáp án đúng:",
                "words for screen readers on {words}"
            );
            keys.push(words);
        } else {
            assert!(mark.is_empty() && hidden.is_empty(), "no mark on {words}");
        }
    }
    keys
}

#[tokio::test]
async fn the_sample_paper_shows_every_item_type_with_its_key() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let page = every_type_blueprint(&app).await;
    let html = app.get_text(&format!("{page}/sample")).await;
    let doc = Html::parse_document(&html);
    let q = questions(&doc);
    assert_eq!(q.len(), 8, "one item of every type");

    assert_eq!(keyed_options(q["DL-1"]), ["Bàn phím"]);
    assert!(text(q["DL-1"]).contains("Giải thích: Bàn phím đưa dữ liệu vào máy tính."));
    let mut multiple = keyed_options(q["DL-2"]);
    multiple.sort();
    assert_eq!(
        multiple,
        ["Bật xác thực hai yếu tố", "Dùng mật khẩu dài"],
        "both keys of a multiple-response item"
    );
    assert_eq!(keyed_options(q["DL-3"]), ["Sai"], "a true/false key");

    let truths: HashMap<String, String> = q["DL-4"]
        .select(&sel("table.keyed-statements tbody tr"))
        .map(|row| (all(row, "td.text").join(""), all(row, "td.tf-key").join("")))
        .collect();
    assert_eq!(truths.len(), 4);
    assert_eq!(truths["RAM lưu dữ liệu khi tắt máy."], "SSai");
    assert_eq!(truths["SSD là bộ nhớ ngoài."], "ĐĐúng");
    assert_eq!(truths["Windows 11 là phần mềm hệ thống."], "ĐĐúng");
    assert_eq!(truths["Tăng RAM làm tăng dung lượng lưu trữ."], "SSai");
    let letters = all(q["DL-4"], "table.keyed-statements tbody th");
    assert_eq!(letters, ["a)", "b)", "c)", "d)"], "lettered as shown");

    assert_eq!(
        all(q["DL-5"], "p.key-line"),
        ["✓ Đáp án chấp nhận: docx / DOCX (chấp nhận gõ không dấu)"]
    );
    assert_eq!(
        all(q["DL-6"], "p.key-line"),
        ["✓ Đáp án: 1024,5 (sai số cho phép ± 0,5)"]
    );

    // Matching: the right-hand column as drawn, and each pair's key by that column's letter.
    let column: HashMap<String, String> = q["DL-7"]
        .select(&sel("ul.options li.option"))
        .map(|li| (all(li, ".letter").join(""), all(li, ".text").join("")))
        .collect();
    assert_eq!(column.len(), 4, "three texts and a distractor");
    assert!(text(q["DL-7"]).contains("Đóng cửa sổ (phương án nhiễu)"));
    let pairs: Vec<(String, String)> = q["DL-7"]
        .select(&sel("table.keyed-pairs tbody tr"))
        .map(|row| {
            let cells = all(row, "td");
            let letter = all(row, "td strong").join("");
            (cells[0].clone(), column[&letter].clone())
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("Ctrl + C".to_string(), "Sao chép".to_string()),
            ("Ctrl + V".to_string(), "Dán".to_string()),
            ("Ctrl + Z".to_string(), "Hoàn tác".to_string()),
        ]
    );

    // Ordering: the steps as drawn, then the right order by the letters drawn.
    let shown: HashMap<String, String> = q["DL-8"]
        .select(&sel("ul.options li.option"))
        .map(|li| (all(li, ".letter").join(""), all(li, ".text").join("")))
        .collect();
    let order: Vec<String> = q["DL-8"]
        .select(&sel("ol.key-steps li"))
        .map(|li| {
            let letter = all(li, "strong").join("");
            assert_eq!(shown[&letter], all(li, ".text").join(""), "{letter}");
            shown[&letter].clone()
        })
        .collect();
    assert_eq!(
        order,
        [
            "Chọn loại văn bản",
            "Chọn danh sách người nhận",
            "Chèn các trường trộn",
            "Hoàn tất trộn"
        ]
    );
}

/// Only the letters and digits of a text (a PDF's text keeps the words, not every quote
/// mark or space).
fn letters(text: &str) -> String {
    text.nfc().filter(|c| c.is_alphanumeric()).collect()
}

/// The text of each page of a PDF, as `pdftotext` reads it.
fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    let tool = browser_tool(&["/usr/bin/pdftotext"], "apt-get install poppler-utils");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("paper.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new(tool)
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8(out.stdout)
        .unwrap()
        .split('\u{c}')
        .map(|p| p.nfc().collect::<String>())
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

#[tokio::test]
async fn the_sample_paper_prints_without_navigation_and_keeps_each_question_on_one_page() {
    let test = "the_sample_paper_prints_without_navigation_and_keeps_each_question_on_one_page";
    let Some(chromium) = chromium(test) else {
        return;
    };
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    // 40 items from six banks: several pages.
    let page = page_of(&app, "CNTT-CO-BAN").await;
    let html = app.get_text(&format!("{page}/sample")).await;
    let seed_at = html.find("?seed=").unwrap() + 6;
    let path = format!("{page}/sample?seed={}", &html[seed_at..seed_at + 64]);
    let pages = pdf_pages(&print_to_pdf(&app, &chromium, &path).await);
    assert!(pages.len() > 1, "{} pages", pages.len());
    let whole = pages.join(" ");
    assert!(whole.contains("Đề rút thử"));
    // The header (the signed-in name, the tagline) and the page's own actions and notes.
    for absent in [
        "Trần Văn Quản Lý",
        "Thi và cấp chứng chỉ kỹ năng số",
        "Rút đề khác",
        "Địa chỉ để rút lại đúng đề này",
        "Để in đề kèm đáp án",
        "Đề này không được lưu",
    ] {
        assert!(!whole.contains(absent), "{absent} is not printed");
    }
    // Every question's stem paragraphs, facts line and last option are on one page.
    let doc = Html::parse_document(&app.get_text(&path).await);
    let questions = questions(&doc);
    assert_eq!(questions.len(), 40);
    for (id, q) in questions {
        let on: Vec<usize> = (0..pages.len())
            .filter(|p| pages[*p].contains(&format!("{id} ·")))
            .collect();
        assert_eq!(on.len(), 1, "{id} printed once");
        let page = letters(&pages[on[0]]);
        // Each paragraph of the stem (a table in a stem comes out of the PDF in another order).
        let mut paragraphs = all(q, ".stem p");
        if paragraphs.is_empty() {
            paragraphs = all(q, ".stem");
        }
        for paragraph in paragraphs {
            assert!(
                page.contains(&letters(&paragraph)),
                "{id}'s stem paragraph {paragraph:?} on its page"
            );
        }
        if let Some(last) = all(q, "ul.options li .text").pop() {
            assert!(
                page.contains(&letters(&last)),
                "{id}'s last option {last:?} on its page"
            );
        }
    }
}

#[tokio::test]
async fn the_sample_paper_and_the_blueprint_page_pass_axe_with_and_without_javascript() {
    let test = "the_sample_paper_and_the_blueprint_page_pass_axe_with_and_without_javascript";
    for javascript in [true, false] {
        let Some((_driver, client)) = browser(test, javascript).await else {
            return;
        };
        // axe-core itself needs scripts; without them the pages are the same.
        let axe = javascript.then(axe_source);
        let app = spawn_app_with_demo().await;
        let manager = app.another_browser();
        manager.signed_in_as(MANAGER).await;
        let page = every_type_blueprint(&manager).await;
        staff_signed_in(&client, &app, None, MANAGER).await;

        client.goto(&app.url(&page)).await.unwrap();
        wait_for_text(&client, "main h1", "Đề đủ dạng câu hỏi").await;
        let warnings = client.find(Locator::Css("ul.warnings")).await.unwrap();
        assert!(warnings.text().await.unwrap().contains("sau 1 đề"));
        client
            .find(Locator::Css(".simulation form button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_text(&client, ".simulation table caption", "50 đề rút liên tiếp").await;
        let url = client.current_url().await.unwrap();
        assert_eq!(url.query(), Some("simulate=1"), "a plain GET form");
        no_axe_violations(&client, axe.as_deref(), &page).await;

        client
            .goto(&app.url(&format!("{page}/sample")))
            .await
            .unwrap();
        wait_for_text(&client, "main h1", "Đề rút thử").await;
        let print = client.find(Locator::Css("[data-print]")).await.unwrap();
        assert_eq!(
            print.is_displayed().await.unwrap(),
            javascript,
            "the print button needs JavaScript; the hint does not"
        );
        // Each ✓ sits on the line of its own option's text, not between two options.
        let keys = client.find_all(Locator::Css("li.is-key")).await.unwrap();
        assert_eq!(keys.len(), 4, "single, both multiple keys, true/false");
        for key in keys {
            let mark = key.find(Locator::Css(".key-mark")).await.unwrap();
            let words = key.find(Locator::Css(".text")).await.unwrap();
            let (_, my, _, mh) = mark.rectangle().await.unwrap();
            let (_, ty, _, th) = words.rectangle().await.unwrap();
            let middle = my + mh / 2.0;
            assert!(
                ty <= middle && middle <= ty + th,
                "the mark ({my}+{mh}) beside its text ({ty}+{th})"
            );
        }
        let hint = client.find(Locator::Css("#print-hint")).await.unwrap();
        assert!(hint.text().await.unwrap().contains("Ctrl + P"));
        no_axe_violations(&client, axe.as_deref(), "sample paper").await;
        client.close().await.unwrap();
    }
}
