//! One candidate's result for staff: every item with its question, the answer and the key as
//! the candidate saw them and hand-computed points; the verdict; the result history with who,
//! why and "after approval"; who may see it; and the score report printed to PDF.

use reqwest::StatusCode;
use sathach::{
    accounts::model::Role,
    banks::{
        catalog::catalog,
        model::{Body, Item, matching_targets, option_letter},
    },
    grading::{self, model::ResultKind, store::NewResult},
    text::plain_text,
};

use crate::{
    helpers::{ADMIN, MANAGER, PROCTOR, TestApp, spawn_app_with_demo},
    printing::{chromium, pdf_text, print_to_pdf},
    scored::{Scored, answered, submitted_and_closed},
};

/// The cells of row `id` of a page's table, markup stripped.
fn row(page: &str, id: &str) -> Vec<String> {
    let start = page
        .find(&format!("<tr id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no row {id}"));
    let row = &page[start..start + page[start..].find("</tr>").unwrap()];
    row.split("<td")
        .skip(1)
        .map(|cell| plain_text(&cell[cell.find('>').unwrap() + 1..]))
        .collect()
}

/// The letter shown for option `index` of an item displayed in reverse.
fn reversed_letter(item: &Item, index: usize) -> String {
    let Body::Single { options } = &item.body else {
        unreachable!()
    };
    option_letter(options.len() - 1 - index).to_string()
}

async fn scored_and_closed(app: &TestApp) -> Scored {
    let scored = answered(app).await;
    submitted_and_closed(app, &scored).await;
    scored
}

#[tokio::test]
async fn the_staff_page_shows_each_item_with_hand_computed_points_and_the_history() {
    let app = spawn_app_with_demo().await;
    let scored = scored_and_closed(&app).await;
    let (s, items) = (&scored.s, &scored.items);
    let path = format!("/sessions/{}/results/{}", s.session, s.attempt);

    // The manager approves, then regrades with a reason: a second row, after approval.
    let manager = app.user_id(MANAGER.0).await;
    let mut tx = app.db.begin_write().await.unwrap();
    sathach::results::approval::approve(&mut tx, &s.session, &manager)
        .await
        .unwrap();
    let current = grading::store::current(&mut *tx, &s.attempt)
        .await
        .unwrap()
        .unwrap();
    let new = NewResult {
        attempt_id: &s.attempt,
        kind: ResultKind::Regraded,
        score: current.score.as_ref(),
        responses_digest: &current.responses_digest,
        recorded_by: Some(&manager),
        reason: Some("Kiểm tra lại đáp án câu 5"),
        at: current.created_at + 1,
    };
    grading::store::append(&mut tx, new).await.unwrap();
    tx.commit().await.unwrap();

    app.signed_in_as(MANAGER).await;
    let page = app.get_text(&path).await;
    assert!(
        page.contains("<dd id=\"total\">1,5/5</dd>"),
        "1 + 0,5 + 0 + 0 + 0: {page}"
    );
    assert!(
        page.contains("<strong>Không đạt</strong>"),
        "1,5 < 5/10 of 5"
    );

    // 1. True/false, answered right.
    let (Body::TrueFalse { answer }, _) = (&items[0].body, ()) else {
        unreachable!()
    };
    let word = if *answer { "Đúng" } else { "Sai" };
    let cells = row(&page, "item-1");
    assert!(
        cells[1].contains(&plain_text(&items[0].stem.html)),
        "{cells:?}"
    );
    assert_eq!(cells[2..], [word, word, "Đúng hết mới có điểm", "1/1"]);
    // 2. Statements shown d), c), b), a): a) is statement 4, the one answered wrong.
    let Body::GroupedTrueFalse { statements } = &items[1].body else {
        unreachable!()
    };
    let yes = |b: bool| if b { "Đúng" } else { "Sai" };
    let given: Vec<String> = (0..4)
        .map(|slot| {
            let i = 3 - slot;
            let answer = statements[i].correct != (i == 3);
            format!("{}) {}", ["a", "b", "c", "d"][slot], yes(answer))
        })
        .collect();
    let cells = row(&page, "item-2");
    assert_eq!(cells[2], given.join("; "));
    assert_eq!(
        cells[5], "0,5/1",
        "three statements of four: half the point"
    );
    // 3. Matching: only the first pair given, as texts.
    let Body::Matching { pairs, distractors } = &items[2].body else {
        unreachable!()
    };
    let (targets, key) = matching_targets(pairs, distractors);
    let first = format!(
        "{} → {}",
        plain_text(&pairs[0].left.html),
        plain_text(&targets[key[0]].html)
    );
    let cells = row(&page, "item-3");
    assert!(cells[2].starts_with(&format!("{first}; ")), "{cells:?}");
    assert!(cells[2].ends_with(" → –") && cells[3].starts_with(&first));
    assert_eq!(cells[5], "0/1");
    // 4. Ordering: steps 1 and 2 both given first.
    let Body::Ordering { sequence } = &items[3].body else {
        unreachable!()
    };
    let cells = row(&page, "item-4");
    let both = format!(
        "1. {} / {}; 2. –",
        plain_text(&sequence[0].html),
        plain_text(&sequence[1].html)
    );
    assert!(cells[2].starts_with(&both), "{cells:?}");
    assert_eq!(cells[5], "0/1");
    // 5. Single choice answered wrong, letters as displayed (reversed).
    let Body::Single { options } = &items[4].body else {
        unreachable!()
    };
    let wrong = options.iter().position(|o| !o.correct).unwrap();
    let right = options.iter().position(|o| o.correct).unwrap();
    let cells = row(&page, "item-5");
    assert_eq!(
        cells[2..],
        [
            reversed_letter(&items[4], wrong),
            reversed_letter(&items[4], right),
            "Đúng hết mới có điểm".into(),
            "0/1".into()
        ]
    );

    // Topics by name with their totals; the part with its outcome.
    for item in items {
        let (_, topic) = catalog().topic(&item.topic).unwrap();
        assert!(page.contains(&topic.name_vi), "topic {}", item.topic);
    }
    assert!(page.contains("Phần trắc nghiệm</td><td class=\"num\">1,5/5</td><td>Không đạt"));

    // The history: the submission by the system, then the regrade after approval.
    let history = &page[page.find("id=\"history\"").unwrap()..];
    for text in [
        "Chấm khi nộp bài",
        "Hệ thống",
        "Chấm lại",
        "sau khi đã phê duyệt",
        "Kiểm tra lại đáp án câu 5",
        "1,5/5",
    ] {
        assert!(history.contains(text), "history lacks {text}: {history}");
    }
    assert_eq!(history.matches("sau khi đã phê duyệt").count(), 1);
    let manager_name: String = sqlx::query_scalar("SELECT full_name FROM users WHERE id = $1")
        .bind(&manager)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    assert!(history.contains(&manager_name));
}

#[tokio::test]
async fn only_the_sessions_staff_see_a_candidates_result_and_report() {
    let app = spawn_app_with_demo().await;
    let scored = scored_and_closed(&app).await;
    let s = &scored.s;
    let page = format!("/sessions/{}/results/{}", s.session, s.attempt);
    let report = format!("{page}/report");
    for who in [PROCTOR, MANAGER, ADMIN] {
        let browser = app.another_browser();
        browser.signed_in_as(who).await;
        for path in [&page, &report] {
            assert_eq!(browser.get(path).await.status(), StatusCode::OK, "{path}");
        }
    }
    let strangers = [
        app.browser_for_new_account("TT-HONGHA", Role::CentreManager, "quanly@hongha.vn")
            .await,
        app.browser_for_new_account("TT-SAOMAI", Role::Proctor, "giamthi2@saomai.vn")
            .await,
    ];
    for browser in &strangers {
        for path in [&page, &report] {
            assert_eq!(browser.get(path).await.status(), StatusCode::NOT_FOUND);
        }
    }
    // An attempt of no such session, even to the session's own proctor.
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let elsewhere = format!("/sessions/{}/results/{}", s.session, uuid::Uuid::new_v4());
    assert_eq!(
        proctor.get(&elsewhere).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.another_browser().get(&page).await.status().as_u16() / 100,
        3,
        "signed out: to the sign-in page"
    );
}

#[tokio::test]
async fn the_score_report_prints_to_pdf_with_holder_number_scores_and_outcome() {
    let app = spawn_app_with_demo().await;
    let scored = scored_and_closed(&app).await;
    let s = &scored.s;
    app.signed_in_as(MANAGER).await;
    let path = format!("/sessions/{}/results/{}/report", s.session, s.attempt);
    let html = app.get_text(&path).await;
    assert!(html.contains("chưa phê duyệt"), "{html}");
    let Some(browser) =
        chromium("the_score_report_prints_to_pdf_with_holder_number_scores_and_outcome")
    else {
        return;
    };
    let pdf = print_to_pdf(&app, &browser, &path).await;
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf);
    let name: String = sqlx::query_scalar(
        "SELECT p.full_name FROM attempts a JOIN people p ON p.id = a.person_id WHERE a.id = $1",
    )
    .bind(&s.attempt)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    for expected in [
        "Phiếu báo điểm",
        "Score report",
        name.as_str(),
        s.number.as_str(),
        "1,5/5",
        "Không đạt",
        "Fail",
        "IU01",
        "chưa phê duyệt",
        "5/10",
    ] {
        assert!(
            text.contains(expected),
            "the PDF lacks {expected:?}: {text}"
        );
    }
    let (_, topic) = catalog().topic(&scored.items[0].topic).unwrap();
    assert!(text.contains(&topic.name_vi), "topics by name: {text}");
}
