//! The blueprint page and the sample paper, as a manager reads them: the rules in words (pass
//! rules, review, attempts, navigation, shuffling), warnings about a small bank and a full
//! review, the simulation of the CLI with its figures, and a sample paper showing every item
//! type whole with its key.

use reqwest::StatusCode;
use scraper::{ElementRef, Html, Selector};

use crate::helpers::{MANAGER, TestApp, location, spawn_app_with_demo};

/// A bank with one item of every type, on topic IU01.1.
pub const EVERY_TYPE: &str = r#"
[bank]
code = "DU-LOAI"
title = "Mỗi dạng một câu"
module = "IU01"
language = "vi"

[[items]]
id = "DL-1"
type = "single"
topic = "IU01.1"
difficulty = "NB"
stem = "Thiết bị nào là thiết bị nhập?"
options = [{ text = "Bàn phím", correct = true }, { text = "Màn hình" }, { text = "Loa" }, { text = "Máy in" }]
explanation = "Bàn phím đưa dữ liệu vào máy tính."

[[items]]
id = "DL-2"
type = "multiple"
topic = "IU01.1"
difficulty = "TH"
stem = "Những việc nào bảo vệ tài khoản?"
options = [{ text = "Bật xác thực hai yếu tố", correct = true }, { text = "Dùng mật khẩu dài", correct = true }, { text = "Gửi mật khẩu qua Zalo" }]

[[items]]
id = "DL-3"
type = "true_false"
topic = "IU01.1"
difficulty = "NB"
stem = "Sao chép phần mềm có bản quyền để bán lại là vi phạm pháp luật."
answer = false

[[items]]
id = "DL-4"
type = "grouped_true_false"
topic = "IU01.1"
difficulty = "VD"
stem = "Xét các nhận định về máy tính:"
statements = [
  { text = "RAM lưu dữ liệu khi tắt máy.", correct = false },
  { text = "SSD là bộ nhớ ngoài.", correct = true },
  { text = "Windows 11 là phần mềm hệ thống.", correct = true },
  { text = "Tăng RAM làm tăng dung lượng lưu trữ.", correct = false },
]

[[items]]
id = "DL-5"
type = "short_text"
topic = "IU01.1"
difficulty = "TH"
stem = "Phần mở rộng mặc định của tệp Word?"
answers = ["docx", "DOCX"]
ignore_diacritics = true

[[items]]
id = "DL-6"
type = "numeric"
topic = "IU01.1"
difficulty = "VD"
stem = "1 KB bằng bao nhiêu byte (sai số cho phép)?"
answer = 1024.5
tolerance = 0.5

[[items]]
id = "DL-7"
type = "matching"
topic = "IU01.1"
difficulty = "TH"
stem = "Ghép tổ hợp phím với tác dụng."
pairs = [{ left = "Ctrl + C", right = "Sao chép" }, { left = "Ctrl + V", right = "Dán" }, { left = "Ctrl + Z", right = "Hoàn tác" }]
distractors = ["Đóng cửa sổ"]

[[items]]
id = "DL-8"
type = "ordering"
topic = "IU01.1"
difficulty = "VD"
stem = "Sắp xếp các bước trộn thư."
sequence = ["Chọn loại văn bản", "Chọn danh sách người nhận", "Chèn các trường trộn", "Hoàn tất trộn"]
"#;

/// A blueprint drawing all eight items, with a practical part, a full review and every rule.
pub const EVERY_TYPE_BLUEPRINT: &str = r#"
[blueprint]
code = "DU-LOAI-THI"
title = "Đề đủ dạng câu hỏi"
modules = ["IU01"]
duration_minutes = 25
navigation = "sequential"
review = "full"
attempts_allowed = 3
retake_wait_days = 14
shuffle_items = false
shuffle_options = true
pass = "60%"

[[parts]]
code = "ly-thuyet"
title = "Phần trắc nghiệm"
pass = "5/10"
sections = [
  { title = "Mọi dạng câu hỏi", banks = ["DU-LOAI"], count = 8 },
]

[[parts]]
code = "thuc-hanh"
title = "Phần thực hành"
external = true
max_points = 10
pass = "5/10"
graders = 2
max_difference = "1"
"#;

/// Imports the every-type bank and saves its blueprint as the signed-in manager; the
/// blueprint page's address.
pub async fn every_type_blueprint(app: &TestApp) -> String {
    app.import_bank_file("du-loai.toml", EVERY_TYPE.as_bytes().to_vec(), &[])
        .await;
    let res = app
        .post_form("/blueprints", &[("source", EVERY_TYPE_BLUEPRINT)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    location(&res).split('?').next().unwrap().to_string()
}

/// The page of a blueprint listed under `code`.
pub async fn page_of(app: &TestApp, code: &str) -> String {
    let list = app.get_text("/blueprints").await;
    let end = list.find(&format!(">{code}</a>")).expect("listed");
    let href = list[..end].rsplit("href=\"").next().unwrap();
    href.split('"').next().unwrap().to_string()
}

/// An element's text as read aloud: its text pieces apart, white space folded.
fn text_of(element: ElementRef) -> String {
    element
        .text()
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of every element `css` selects, in document order.
fn texts(html: &str, css: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let selector = Selector::parse(css).unwrap();
    doc.select(&selector).map(text_of).collect()
}

#[tokio::test]
async fn the_page_states_the_rules_and_warns_of_a_small_bank_and_a_full_review() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let page = every_type_blueprint(&app).await;
    let html = app.get_text(&page).await;
    let facts = texts(&html, "#policy + dl.facts dd");
    for expected in [
        "Lần lượt: đã sang câu sau thì không quay lại câu trước được",
        "Giữ thứ tự câu hỏi như khi rút",
        "Trộn phương án và các ý a)–d); phương án được ghim giữ nguyên vị trí",
        "Tối đa 3 lần",
        "Sau ít nhất 14 ngày kể từ lần thi trước",
    ] {
        assert!(
            facts.iter().any(|f| f == expected),
            "{expected} in {facts:?}"
        );
    }
    assert!(
        facts.iter().any(|f| f.starts_with(
            "Tổng điểm, kết quả, điểm theo chủ đề và, khi ca thi đã kết thúc, từng câu hỏi"
        )),
        "{facts:?}"
    );
    let rules = texts(&html, "ul.pass-rules li");
    assert_eq!(
        rules,
        [
            "Phần trắc nghiệm: đạt khi được từ 5/10 (50 %) số điểm của phần này trở lên.",
            "Phần thực hành: ban chấm thi chấm ngoài hệ thống và nhập điểm sau (tối đa 10 điểm). Hai giám khảo chấm; nếu hai điểm chênh nhau không quá 1 điểm thì lấy trung bình, nếu không thì giám khảo thứ ba chấm và điểm của lần chấm thứ ba được tính.",
            "Phần thực hành: đạt khi được từ 5/10 (50 %) số điểm của phần này trở lên.",
            "Toàn bài: đạt khi được từ 60 % tổng điểm trở lên.",
            "Thí sinh phải đạt tất cả các điều kiện trên.",
            "Kết quả chờ cho đến khi nhập đủ điểm phần thực hành.",
        ]
    );
    let warnings = texts(&html, "ul.warnings li");
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].contains("8 câu, đề 8 câu: sau 1 đề thí sinh đã thấy hết ngân hàng"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].contains("review = \"full\"") && warnings[1].contains("kèm đáp án"),
        "{warnings:?}"
    );

    // The shipped IU01 bank is large enough for its blueprint, and the review is of the score
    // by topic: nothing to warn of.
    let iu01 = app.get_text(&page_of(&app, "IU01-THI").await).await;
    let warnings = texts(&iu01, "ul.warnings li");
    assert!(warnings.is_empty(), "{warnings:?}");
    // Six large banks for a 40-item paper, a review of the score: nothing to warn of either.
    let basic = app.get_text(&page_of(&app, "CNTT-CO-BAN").await).await;
    assert!(texts(&basic, "ul.warnings li").is_empty(), "no warnings");
    assert_eq!(
        texts(&basic, "ul.pass-rules li")[1],
        "Phần thực hành (ban chấm thi nhập điểm): ban chấm thi chấm ngoài hệ thống và nhập điểm sau (tối đa 10 điểm). Một giám khảo chấm."
    );
    let facts = texts(&basic, "#policy + dl.facts dt");
    assert!(
        facts.contains(&"Số lần thi".to_string()) && !facts.contains(&"Thi lại".to_string()),
        "one attempt, no retake: {facts:?}"
    );
}

#[tokio::test]
async fn the_page_runs_the_cli_s_simulation_with_its_figures() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let page = page_of(&app, "IU01-THI").await;
    let before = app.get_text(&page).await;
    assert!(before.contains("Chạy mô phỏng") && before.contains("name=\"simulate\""));
    assert!(
        texts(&before, ".simulation table caption").is_empty(),
        "not run yet"
    );

    let seed = "07".repeat(32);
    let html = app
        .get_text(&format!("{page}?simulate=1&seed={seed}"))
        .await;
    // The same figures as the library behind `blueprint simulate`, for the same seed.
    let source: String = sqlx::query_scalar(
        "SELECT v.source FROM blueprint_versions v JOIN blueprints b ON b.id = v.blueprint_id
         WHERE b.code = 'IU01-THI' ORDER BY v.number DESC",
    )
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    let (blueprint, _) = sathach::blueprints::read::read_blueprint("x", &source);
    let blueprint = blueprint.unwrap();
    let org = sathach::orgs::store::by_id(&app.db.read, &app.org_id("TT-SAOMAI").await)
        .await
        .unwrap()
        .unwrap();
    let pool =
        sathach::blueprints::store::pool_for(&app.db.read, &org.id, org.department(), &blueprint)
            .await
            .unwrap();
    let seed_bytes = sathach::blueprints::rng::seed_from_hex(&seed).unwrap();
    let report =
        sathach::grading::simulate::simulate_blueprint(&blueprint, &pool, 50, 200, seed_bytes)
            .unwrap();
    let vi = |v: f64, places: usize| sathach::vocab::Lang::Vi.number(v, places);

    let captions = texts(&html, ".simulation table caption");
    assert_eq!(captions, ["50 đề rút liên tiếp", "200 thí sinh giả lập"]);
    let cells = texts(&html, ".simulation table tr");
    let row = |label: &str| {
        cells
            .iter()
            .find(|c| c.starts_with(label))
            .unwrap_or_else(|| panic!("{label} in {cells:?}"))
            .clone()
    };
    let p = &report.papers;
    assert_eq!(
        row("Số đề chứa cùng một câu"),
        format!(
            "Số đề chứa cùng một câu nhiều nhất {}, trung bình {}",
            p.exposure_max,
            vi(p.exposure_mean, 2)
        )
    );
    assert_eq!(
        row("Độ khó của đề"),
        format!(
            "Độ khó của đề thấp nhất {}, trung bình {}, cao nhất {}",
            vi(p.difficulty_min, 3),
            vi(p.difficulty_mean, 3),
            vi(p.difficulty_max, 3)
        )
    );
    assert_eq!(
        row("Chủ đề có trong các đề"),
        format!(
            "Chủ đề có trong các đề {} trên {} chủ đề của mô đun",
            p.topics_covered, p.topics_total
        )
    );
    assert_eq!(row("Đề sai ma trận"), "Đề sai ma trận 0");
    let c = report.candidates.as_ref().unwrap();
    assert!(c.passed > 0 && c.passed < 200, "a spread of results");
    assert!(row("Đạt").starts_with(&format!("Đạt {}/200 thí sinh", c.passed)));
    let reliability = c.form.reliability.unwrap();
    let kind = if c.form.reliability_kind == "kr20" {
        "KR-20"
    } else {
        "Cronbach α"
    };
    assert_eq!(
        row("Độ tin cậy"),
        format!("Độ tin cậy ({kind}) {}", vi(reliability, 3))
    );
    assert_eq!(
        row("Sai số chuẩn"),
        format!(
            "Sai số chuẩn của phép đo (SEM) {}",
            vi(c.form.sem.unwrap(), 3)
        )
    );
    // The seed in the address runs the very same simulation again.
    let again = app
        .get_text(&format!("{page}?simulate=1&seed={seed}"))
        .await;
    assert_eq!(texts(&again, ".simulation table tr"), cells);
}

#[tokio::test]
async fn a_blueprint_the_banks_cannot_serve_is_not_simulated() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let page = every_type_blueprint(&app).await;
    // The bank loses two items after the blueprint was saved: 6 items for a rule of 8.
    let smaller = EVERY_TYPE.split("[[items]]\nid = \"DL-8\"").next().unwrap();
    let smaller = smaller.split("[[items]]\nid = \"DL-7\"").next().unwrap();
    app.import_bank_file("du-loai.toml", smaller.as_bytes().to_vec(), &[])
        .await;
    let html = app.get_text(&format!("{page}?simulate=1")).await;
    assert!(html.contains("Chưa mô phỏng được"), "{html}");
    assert!(texts(&html, ".simulation table caption").is_empty());
}
