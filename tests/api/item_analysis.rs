//! Item analysis over real attempts, against a hand-computed example. Five candidates sit the
//! results fixture (nine true/false statements, key "true", and one grouped item they all get
//! right): candidate c is right on statements 1…R[c] with R = 8, 6, 4, 2, 0, and statement 9
//! is right only for the weakest, so its key looks wrong. Totals 9, 7, 5, 3, 2.
//!
//! By hand (population moments, rest score = total − the item):
//! - test: mean 26/5 = 5,2; variance 168/5 − 5,2² = 6,56, SD 2,56; item variances p(1 − p)
//!   sum to 1,76, so KR-20 = 10/9 · (1 − 1,76/6,56) = 0,81 and SEM = 2,56 · √0,19 = 1,11;
//! - statement 1 (right for four): facility 0,8; rest 8, 6, 4, 2, 2: r = 0,48/(0,4 · 2,33)
//!   = 0,51; upper 27 % (one candidate) minus lower: 1 − 0 = 1; "true" chosen by 80 %;
//! - statement 9 (right for the weakest only): facility 0,2; rest 9, 7, 5, 3, 1: r = −0,8 /
//!   (0,4 · 2,83) = −0,71; upper − lower = 0 − 1 = −1: flagged "check the key".

use reqwest::StatusCode;

use crate::{
    candidates::{post_question, ready, seq_on},
    helpers::{MANAGER, PROCTOR, TestApp, spawn_app_with},
    results_fixture::{close, scored_session},
};

const RIGHT_UP_TO: [usize; 5] = [8, 6, 4, 2, 0];

/// Candidate `index` answers statement k "true" when `right(k)`, and every grouped statement
/// "true"; then submits.
async fn sit_by_stem(app: &TestApp, index: usize, right: impl Fn(usize) -> bool) {
    let s = ready(app, index).await;
    s.started().await;
    for n in 1..=10 {
        let page = s.browser.get_text(&format!("/thi/q/{n}")).await;
        let mut fields: Vec<(String, String)> = vec![("seq".into(), seq_on(&page))];
        if page.contains("Xét bốn nhận định sau") {
            fields.extend((0..4).map(|i| (format!("s{i}"), "true".to_string())));
        } else {
            let k = (1..=9)
                .find(|k| page.contains(&format!("Phát biểu đúng sai số {k}.")))
                .expect("a numbered statement");
            let answer = if right(k) { "true" } else { "false" };
            fields.push(("answer".into(), answer.into()));
        }
        let res = post_question(&s, n, &fields, "next").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "question {n}");
    }
    s.submits().await;
}

/// The table row of an item (its cells, as HTML).
fn row<'a>(page: &'a str, item: &str) -> &'a str {
    page.split("<tr>")
        .find(|r| r.contains(&format!("KQ-DS {item}</a>")))
        .unwrap_or_else(|| panic!("no row for {item}: {page}"))
}

#[tokio::test]
async fn pages_and_files_show_the_hand_computed_figures_and_flag_the_wrong_key() {
    let app = spawn_app_with(|s| s.analysis_min_responses = 5).await;
    sathach::demo::load(&app.db).await.expect("demo loads");
    let (session, _) = scored_session(&app, false).await;
    for (c, r) in RIGHT_UP_TO.into_iter().enumerate() {
        sit_by_stem(&app, c, |k| if k == 9 { c == 4 } else { k <= r }).await;
    }
    close(&app, &session).await;
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let blueprint: String = sqlx::query_scalar(
        "SELECT bv.blueprint_id FROM exam_sessions s
         JOIN blueprint_versions bv ON bv.id = s.blueprint_version_id WHERE s.id = $1",
    )
    .bind(&session)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    let bank: String = sqlx::query_scalar("SELECT id FROM banks WHERE code = 'KQ-DS'")
        .fetch_one(&app.db.read)
        .await
        .unwrap();

    // Before the approval nothing is analysed.
    let before = manager
        .get_text(&format!("/blueprints/{blueprint}/analysis"))
        .await;
    assert!(
        before.contains("Chưa có kết quả thi đã phê duyệt"),
        "{before}"
    );
    let res = manager
        .post_form(&format!("/sessions/{session}/results/approve"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let page = manager
        .get_text(&format!("/blueprints/{blueprint}/analysis"))
        .await;
    for (what, value) in [
        ("Số bài thi", "5"),
        ("Điểm trung bình", "5,2"),
        ("Độ lệch chuẩn", "2,56"),
        ("Độ tin cậy KR-20", "0,81"),
        ("Sai số chuẩn của phép đo", "1,11"),
    ] {
        let cell = format!("<th scope=\"row\">{what}</th><td class=\"num\">{value}</td>");
        assert!(page.contains(&cell), "{cell} on the page: {page}");
    }
    assert!(page.contains("ít nhất 5 lượt làm"), "the minimum is stated");
    assert!(page.contains("10 câu, 1 câu cần kiểm tra đáp án"));
    let nine = row(&page, "KQ-09");
    for shown in [
        "0,2",
        "-0,71",
        "-1",
        "Đúng* 20 % · Sai 80 %",
        "Kiểm tra đáp án",
        "/banks#upload",
    ] {
        assert!(nine.contains(shown), "{shown} in {nine}");
    }
    let version: String = sqlx::query_scalar(
        "SELECT iv.id FROM item_versions iv JOIN items i ON i.id = iv.item_id
         WHERE i.native_id = 'KQ-09' AND i.bank_id = $1",
    )
    .bind(&bank)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert!(
        nine.contains(&format!("/banks/{bank}/items/{version}")),
        "links the item"
    );
    let one = row(&page, "KQ-01");
    for shown in ["0,8", "0,51", ">1<", "Đúng* 80 % · Sai 20 %"] {
        assert!(one.contains(shown), "{shown} in {one}");
    }
    assert!(!one.contains("Kiểm tra đáp án"));
    // Flagged first (the default order), then by item; sorted by facility, the easiest last.
    let first = page.find("KQ-DS KQ-09</a>").unwrap();
    assert!(first < page.find("KQ-DS KQ-01</a>").unwrap());
    let by_facility = manager
        .get_text(&format!(
            "/blueprints/{blueprint}/analysis?sort=facility&dir=desc"
        ))
        .await;
    assert!(
        by_facility.find("KQ-NHOM</a>").unwrap() < by_facility.find("KQ-09</a>").unwrap(),
        "the grouped item (facility 1) before statement 9 (0,2)"
    );

    // The bank's page: this bank's items are the whole paper, so the same figures.
    let bank_page = manager.get_text(&format!("/banks/{bank}/analysis")).await;
    assert!(row(&bank_page, "KQ-09").contains("-0,71"));
    assert!(bank_page.contains("<td class=\"num\">0,81</td>"));

    // The downloads hold every line, in the page's order.
    let csv = manager
        .get(&format!("/blueprints/{blueprint}/analysis.csv"))
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 11, "{csv}");
    assert!(lines[0].contains("Độ khó") && lines[1].contains("KQ-09"));
    assert!(lines[1].contains("-0,71"), "{}", lines[1]);
    let xlsx = manager
        .get(&format!("/banks/{bank}/analysis.xlsx"))
        .await
        .bytes()
        .await
        .unwrap();
    let (_, table) = sathach::sheets::first_sheet(&xlsx).expect("a workbook");
    let flagged = table
        .iter()
        .find(|(_, cells)| cells.iter().any(|c| c == "KQ-09"))
        .expect("KQ-09 in the workbook");
    assert!(flagged.1.iter().any(|c| c == "-0,71"), "{flagged:?}");
    assert!(flagged.1.iter().any(|c| c == "Kiểm tra đáp án"));

    // A key correction after the approval: the regrade's new results are taken apart again,
    // their old rows' sums taken out. With every key "false", statement 1 is right for the
    // weakest only (facility 0,2) and statement 9 for the four others (0,8).
    let version = crate::regrade::correct_keys(&app, false, "Đáp án đúng là Sai").await;
    crate::regrade::finished(&app, &version).await;
    let after = manager
        .get_text(&format!("/blueprints/{blueprint}/analysis"))
        .await;
    assert!(row(&after, "KQ-01").contains(">0,2<"), "{after}");
    assert!(row(&after, "KQ-09").contains(">0,8<"));
    assert_eq!(app.count("SELECT COUNT(*) FROM scored_items").await, 50);
    assert_eq!(
        app.count("SELECT CAST(SUM(n) AS BIGINT) FROM item_sums")
            .await,
        50,
        "each attempt's items counted once after the regrade"
    );
    let nine_right: f64 = sqlx::query_scalar(
        "SELECT SUM(s.sum_x) FROM item_sums s JOIN items i ON i.id = s.item_id
         WHERE i.native_id = 'KQ-09'",
    )
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert!((nine_right - 4.0).abs() < 1e-9, "{nine_right}");

    // A proctor may not.
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    for path in [
        format!("/blueprints/{blueprint}/analysis"),
        format!("/banks/{bank}/analysis.csv"),
    ] {
        assert_eq!(proctor.get(&path).await.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn an_unreadable_period_is_explained_and_the_last_twelve_months_are_shown() {
    let app = spawn_app_with(|_| {}).await;
    sathach::demo::load(&app.db).await.expect("demo loads");
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let bank: String = sqlx::query_scalar("SELECT id FROM banks ORDER BY code LIMIT 1")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let res = manager
        .get(&format!("/banks/{bank}/analysis?from=2026-13&to=2026-12"))
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body = res.text().await.unwrap();
    assert!(body.contains("Không đọc được tháng"), "{body}");
    let res = manager
        .get(&format!("/banks/{bank}/analysis?from=2026-12&to=2026-01"))
        .await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Tháng bắt đầu ở sau tháng kết thúc")
    );
}
