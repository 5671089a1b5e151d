//! A session's results over HTTP: totals and verdicts against scores worked out by hand, the
//! same in the report and its CSV and `.xlsx` files; sorting and paging by plain links; and
//! the approval, refused before the close, while a practical score is missing and a second
//! time, recorded once and audited, and only for the centre manager or an admin.

use reqwest::StatusCode;

use crate::{
    candidates::ready,
    helpers::{ADMIN, MANAGER, PROCTOR, TestApp, location, spawn_app_with_demo},
    results_fixture::{close, numbers_in, proctor_acts, row_of, scored_session, sit},
    sessions::upload,
};

async fn numbers(app: &TestApp, session: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT candidate_number FROM attempts WHERE session_id = $1 ORDER BY candidate_number",
    )
    .bind(session)
    .fetch_all(&app.db.read)
    .await
    .unwrap()
}

async fn approvals(app: &TestApp) -> (i64, i64) {
    (
        app.count("SELECT COUNT(*) FROM result_approvals").await,
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'results.approve'")
            .await,
    )
}

/// A report file's cell, by column heading, in the row of a candidate number.
fn cell(table: &sathach::sheets::Table, heading: &str, number: &str) -> String {
    let header = &table[0].1;
    let column = header.iter().position(|h| h == heading).expect(heading);
    let row = table
        .iter()
        .find(|(_, cells)| cells.first().map(String::as_str) == Some(number))
        .unwrap_or_else(|| panic!("no row for {number}"));
    row.1.get(column).cloned().unwrap_or_default()
}

#[tokio::test]
async fn results_report_and_files_show_hand_computed_scores_and_approval_comes_once() {
    let app = spawn_app_with_demo().await;
    let (session, attempts) = scored_session(&app, false).await;
    let n = numbers(&app, &session).await;
    // 9 right + 3 of 4 statements (½ on the national scale) = 9,5; 4 + 1 = 5 (the pass mark
    // exactly); 2 + 1 statement (1/10) = 2,1.
    sit(&app, 0, 9, 3).await;
    sit(&app, 1, 4, 4).await;
    sit(&app, 2, 2, 1).await;
    // Candidate 4 is terminated, reopened by mistake… and terminated again; 5 and 6 never start.
    ready(&app, 3).await.started().await;
    proctor_acts(
        &app,
        &session,
        &attempts[3],
        "terminate",
        "candidate.behaviour",
    )
    .await;
    proctor_acts(&app, &session, &attempts[3], "reopen", "staff.error").await;
    proctor_acts(
        &app,
        &session,
        &attempts[3],
        "terminate",
        "candidate.behaviour",
    )
    .await;

    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let base = format!("/sessions/{session}/results");
    let page = manager.get_text(&base).await;
    let a = row_of(&page, &n[0]);
    assert!(a.contains("9,5/10") && a.contains("Đạt"), "{a}");
    assert!(a.contains(&format!("{base}/{}", attempts[0])), "{a}");
    let b = row_of(&page, &n[1]);
    assert!(b.contains("5/10") && b.contains("Đạt"), "{b}");
    let c = row_of(&page, &n[2]);
    assert!(c.contains("2,1/10") && c.contains("Không đạt"), "{c}");
    assert!(row_of(&page, &n[3]).contains("Đình chỉ"));
    assert!(
        row_of(&page, &n[4]).contains("Chưa có kết quả"),
        "not absent while open"
    );

    // Not before the close.
    let res = manager.post_form(&format!("{base}/approve"), &[]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let text = res.text().await.unwrap();
    assert!(
        text.contains("Chỉ phê duyệt được kết quả khi ca thi đã kết thúc."),
        "{text}"
    );
    assert_eq!(approvals(&app).await, (0, 0));

    close(&app, &session).await;
    let page = manager.get_text(&base).await;
    assert!(row_of(&page, &n[4]).contains("Vắng thi"));
    assert!(row_of(&page, &n[5]).contains("Vắng thi"));
    assert!(row_of(&page, &n[3]).contains("Đình chỉ"));

    // Sorting by plain links, both ways; ties and missing totals keep the number order.
    let order = |ix: &[usize]| ix.iter().map(|&i| n[i].clone()).collect::<Vec<_>>();
    assert!(
        page.contains(&format!("{base}?sort=total&#38;dir=asc")),
        "{page}"
    );
    let sorted = manager
        .get_text(&format!("{base}?sort=total&dir=desc"))
        .await;
    assert_eq!(numbers_in(&sorted), order(&[0, 1, 2, 3, 4, 5]));
    let sorted = manager
        .get_text(&format!("{base}?sort=total&dir=asc"))
        .await;
    assert_eq!(numbers_in(&sorted), order(&[2, 1, 0, 3, 4, 5]));
    assert!(sorted.contains("aria-sort=\"ascending\""));
    let sorted = manager.get_text(&format!("{base}?sort=outcome")).await;
    assert_eq!(numbers_in(&sorted), order(&[0, 1, 2, 4, 5, 3]));
    // An, Bình, Cường, Dung, Đức, Hà: by given name, Đ after D.
    let sorted = manager
        .get_text(&format!("{base}?sort=name&dir=desc"))
        .await;
    assert_eq!(numbers_in(&sorted), order(&[5, 4, 3, 2, 1, 0]));

    // The report and its files carry the same totals and verdicts.
    let report = manager
        .get_text(&format!("/sessions/{session}/report"))
        .await;
    assert!(
        report.contains("9,5/10") && report.contains("Vắng thi"),
        "{report}"
    );
    assert!(report.contains(&format!("href=\"{base}\"")));
    let csv = manager
        .get(&format!("/sessions/{session}/report.csv"))
        .await
        .bytes()
        .await
        .unwrap();
    let csv = sathach::sheets::read_csv(std::str::from_utf8(&csv).unwrap()).unwrap();
    let xlsx = manager
        .get(&format!("/sessions/{session}/report.xlsx"))
        .await
        .bytes()
        .await
        .unwrap();
    let xlsx = sathach::sheets::read_xlsx(&xlsx).unwrap();
    for table in [&csv, &xlsx] {
        assert_eq!(cell(table, "Tổng điểm", &n[0]), "9,5/10");
        assert_eq!(cell(table, "Kết quả", &n[0]), "Đạt");
        assert_eq!(cell(table, "Tổng điểm", &n[1]), "5/10");
        assert_eq!(cell(table, "Tổng điểm", &n[2]), "2,1/10");
        assert_eq!(cell(table, "Kết quả", &n[2]), "Không đạt");
        assert_eq!(cell(table, "Kết quả", &n[3]), "Đình chỉ");
        assert_eq!(cell(table, "Kết quả", &n[4]), "Vắng thi");
        assert_eq!(cell(table, "Tổng điểm", &n[4]), "");
        let history = cell(table, "Đình chỉ / mở lại", &n[3]);
        assert_eq!(history.matches("Đình chỉ thi").count(), 2, "{history}");
        assert_eq!(history.matches("Mở lại bài").count(), 1, "{history}");
        assert_eq!(cell(table, "Đình chỉ / mở lại", &n[0]), "");
    }

    // A proctor sees the results but may not approve them.
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let seen = proctor.get_text(&base).await;
    assert!(seen.contains("9,5/10") && !seen.contains("/results/approve"));
    let res = proctor.post_form(&format!("{base}/approve"), &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The centre manager approves, once; it is audited and shown with who and when.
    assert!(page.contains("Chưa phê duyệt") && page.contains("/results/approve"));
    let res = manager.post_form(&format!("{base}/approve"), &[]).await;
    assert_eq!(location(&res), format!("{base}?notice=result.approved"));
    let page = manager.get_text(&location(&res)).await;
    assert!(page.contains("Đã phê duyệt kết quả của ca thi."), "{page}");
    assert!(page.contains("Phê duyệt bởi") && !page.contains("/results/approve"));
    assert_eq!(approvals(&app).await, (1, 1));
    let admin = app.another_browser();
    admin.signed_in_as(ADMIN).await;
    let res = admin.post_form(&format!("{base}/approve"), &[]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Kết quả của ca thi này đã được phê duyệt.")
    );
    assert_eq!(approvals(&app).await, (1, 1));
}

#[tokio::test]
async fn approval_waits_for_every_practical_score() {
    let app = spawn_app_with_demo().await;
    let (session, _) = scored_session(&app, true).await;
    let n = numbers(&app, &session).await;
    sit(&app, 0, 9, 4).await;
    close(&app, &session).await;
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let base = format!("/sessions/{session}/results");
    let page = manager.get_text(&base).await;
    let row = row_of(&page, &n[0]);
    assert!(row.contains("Chờ điểm thực hành"), "{row}");
    assert!(row.contains("10/10"), "the theory part is scored: {row}");
    assert!(page.contains("Phần thực hành"), "a column per part");
    let res = manager.post_form(&format!("{base}/approve"), &[]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("còn thí sinh chờ điểm thực hành")
    );
    assert_eq!(approvals(&app).await, (0, 0));
}

#[tokio::test]
async fn a_long_results_table_pages_by_fifty_and_keeps_its_order() {
    let app = spawn_app_with_demo().await;
    let (session, _) = app.demo_session().await;
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let mut csv = String::from("Họ và tên,Ngày sinh,Giới tính,Số CCCD,Mã khác,Trường,Đối tượng\n");
    for i in 0..55 {
        csv.push_str(&format!(
            "Thí Sinh Số {i},01/01/2008,Nam,001208{:06},,Trường THPT A,Học sinh\n",
            500_000 + i
        ));
    }
    let (status, html) = upload(&manager, &session, "ds.csv", csv.into_bytes()).await;
    assert!(status.is_redirection() || status.is_success(), "{html}");
    let all = numbers(&app, &session).await;
    assert_eq!(all.len(), 61);
    let base = format!("/sessions/{session}/results");
    let first = manager.get_text(&base).await;
    assert_eq!(numbers_in(&first), all[..50].to_vec());
    assert!(first.contains("aria-current=\"page\">1<"));
    let second_link = format!("{base}?sort=number&#38;dir=asc&#38;page=2");
    assert!(first.contains(&second_link), "{first}");
    let second = manager.get_text(&format!("{base}?page=2")).await;
    assert_eq!(numbers_in(&second), all[50..].to_vec());
    let reversed = manager
        .get_text(&format!("{base}?sort=number&dir=desc&page=2"))
        .await;
    let mut tail: Vec<String> = all[..11].to_vec();
    tail.reverse();
    assert_eq!(numbers_in(&reversed), tail);
    assert!(reversed.contains(&format!("{base}?sort=number&#38;dir=desc&#38;page=1")));
    // A page past the end, or no number at all, is still a page.
    assert_eq!(
        numbers_in(&manager.get_text(&format!("{base}?page=9")).await).len(),
        11
    );
    assert_eq!(
        numbers_in(&manager.get_text(&format!("{base}?page=x")).await).len(),
        50
    );
}
