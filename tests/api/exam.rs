//! The candidate's exam over HTTP (no browser): sign-in and its throttle, the lobby, answering
//! every item type, ordered idempotent saves, tampered fields, submission with its digest and
//! result, and that no page a candidate can reach carries anything that identifies a key.

use crate::{
    candidates::{answers_on, first_with_options, post_json, post_question, ready, seq_on},
    helpers::{csrf_in, location, spawn_app_with_demo},
};
use reqwest::StatusCode;

/// Every option control of a page looks the same apart from its token, id and whether the
/// candidate chose it: nothing in the markup tells a key from a distractor.
fn options_look_alike(page: &str) {
    let mut shapes: std::collections::HashMap<String, std::collections::HashSet<String>> =
        Default::default();
    for tag in page.split('<').skip(1) {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        let kind = if tag.starts_with("input")
            && !tag.contains("type=\"hidden\"")
            && !tag.contains("id=\"flag\"")
        {
            "input"
        } else if tag.starts_with("option") {
            "option"
        } else {
            continue;
        };
        let shape: String = tag
            .split(' ')
            .filter(|a| {
                !a.starts_with("value=")
                    && !a.starts_with("id=")
                    && !a.starts_with("name=")
                    && *a != "checked"
                    && *a != "selected"
            })
            .collect::<Vec<_>>()
            .join(" ");
        shapes.entry(kind.into()).or_default().insert(shape);
    }
    for (kind, set) in shapes {
        assert!(set.len() <= 1, "{kind} controls differ in markup: {set:?}");
    }
}

/// Words and marks that would give a key away.
pub(crate) const TELLTALES: [&str; 7] = [
    "correct",
    "\"key\"",
    "✓",
    "Đáp án",
    "explanation",
    "is_key",
    "data-key",
];

#[tokio::test]
async fn a_candidate_answers_every_question_and_submits_with_a_digest() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    let mut page = s.started().await;
    let after = page.split("Câu 1/").nth(1).unwrap();
    let total: usize = after[..after.find(|c: char| !c.is_ascii_digit()).unwrap()]
        .parse()
        .unwrap();
    let mut seen = Vec::new();
    for n in 1..=total {
        let fields = answers_on(&page);
        assert!(!fields.is_empty(), "question {n} has controls: {page}");
        let mut with_seq = fields.clone();
        with_seq.push(("seq".into(), seq_on(&page)));
        let res = post_question(&s, n, &with_seq, if n < total { "next" } else { "review" }).await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "question {n}: {}",
            res.text().await.unwrap()
        );
        seen.push(page);
        page = s.browser.get_text(&location(&res)).await;
    }
    assert!(
        page.contains(&format!("Đã trả lời {total}/{total} câu")),
        "{page}"
    );
    seen.push(page);
    let res = s.browser.post_form("/thi/submit", &[]).await;
    assert_eq!(
        location(&res),
        "/thi/review#confirm",
        "submitting needs a confirmation"
    );
    s.submits().await;
    let receipt = s.browser.get_text("/thi/receipt").await;
    assert!(
        receipt.contains("Đã nộp bài") && receipt.contains("Điểm theo chủ đề"),
        "{receipt}"
    );
    seen.push(receipt.clone());
    let (digest, outcome): (String, String) = sqlx::query_as(
        "SELECT responses_digest, outcome FROM results WHERE attempt_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(&s.attempt)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert!(receipt.contains(&digest) && digest.len() == 64);
    assert!(["pass", "fail"].contains(&outcome.as_str()));
    let answered: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM responses WHERE attempt_id = $1 AND value IS NOT NULL",
    )
    .bind(&s.attempt)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert_eq!(answered, total as i64, "every answer is in the database");
    // Submitting again finds the receipt; the question pages send the candidate there too.
    assert_eq!(
        location(
            &s.browser
                .post_form("/thi/submit", &[("confirm", "1")])
                .await
        ),
        "/thi/receipt"
    );
    assert_eq!(location(&s.browser.get("/thi/q/1").await), "/thi/receipt");
    let explanations: Vec<String> = sqlx::query_scalar("SELECT body FROM item_versions")
        .fetch_all(&app.db.read)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|body: String| {
            let item: serde_json::Value = serde_json::from_str(&body).ok()?;
            item["explanation"]["html"].as_str().map(str::to_string)
        })
        .collect();
    assert!(!explanations.is_empty());
    for page in &seen {
        for telltale in TELLTALES {
            assert!(
                !page.contains(telltale),
                "a candidate page contains {telltale}"
            );
        }
        let leaked = explanations.iter().any(|e| page.contains(e.as_str()));
        assert!(!leaked, "an explanation reached the candidate");
        options_look_alike(page);
    }
}

#[tokio::test]
async fn saves_are_ordered_idempotent_and_refuse_tampering() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    let page = s.started().await;
    let fields = answers_on(&page);
    let save = |seq: &str, fields: &[(String, String)]| {
        let mut all: Vec<(String, String)> = fields.to_vec();
        all.push(("seq".into(), seq.into()));
        let browser = &s.browser;
        async move {
            let token = csrf_in(&browser.get_text("/thi/lobby").await).unwrap_or_default();
            let token = if token.is_empty() {
                browser.csrf().await
            } else {
                token
            };
            all.push(("csrf".into(), token));
            browser
                .client
                .post(browser.url("/thi/q/1"))
                .header("accept", "application/json")
                .form(&all)
                .send()
                .await
                .unwrap()
        }
    };
    let res = save("5", &fields).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["seq"], 5);
    let stored = || async {
        sqlx::query_as::<_, (i64, Option<String>)>(
            "SELECT seq, value FROM responses WHERE attempt_id = $1",
        )
        .bind(&s.attempt)
        .fetch_one(&app.db.read)
        .await
        .unwrap()
    };
    let first = stored().await;
    // The same save again (a retry) is answered as saved and changes nothing.
    assert_eq!(save("5", &fields).await.status(), StatusCode::OK);
    assert_eq!(stored().await, first);
    // An older save arriving late never overwrites the newer one.
    let res = save("4", &[]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let text = res.text().await.unwrap();
    assert!(text.contains("câu trả lời mới hơn"), "{text}");
    assert_eq!(stored().await, first);
    // A token that is not this item's, in this attempt (on the first question with options).
    let (n, choice_page) = first_with_options(&s).await;
    let forged: Vec<(String, String)> = answers_on(&choice_page)
        .into_iter()
        .map(|(name, value)| {
            (
                name,
                if value.len() == 12 {
                    "AAAAAAAAAAAA".into()
                } else {
                    value
                },
            )
        })
        .chain([("seq".to_string(), "1".to_string())])
        .collect();
    let token = s.browser.csrf().await;
    let res = post_json(&s, n, &forged, &token).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("không thuộc câu hỏi này")
    );
    assert_eq!(stored().await, first);
    // A question that is not on the paper: 404 for the script, the current question without.
    let res = s.browser.post_form("/thi/q/999", &[("seq", "1")]).await;
    assert_eq!(location(&res), "/thi/q/1");
    let res = post_json(&s, 999, &[("seq".into(), "1".into())], &token).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["key"], "exam.no_such_question");
    // An oversized payload.
    let huge = vec![("answer".to_string(), "x".repeat(300_000))];
    assert!(save("7", &huge).await.status().is_client_error());
    assert_eq!(stored().await, first);
    // After submitting, nothing more is saved.
    s.browser
        .post_form("/thi/submit", &[("confirm", "1")])
        .await;
    let res = save("8", &fields).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(stored().await, first);
}

#[tokio::test]
async fn guessing_is_throttled_per_candidate_number_not_per_lab() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    let other = ready(&app, 1).await;
    // The sign-in page gives the computer its cookie: wrong codes count per computer.
    s.browser.get("/thi").await;
    for tries_left in (0..5).rev() {
        let res = s
            .browser
            .post_form("/thi", &[("number", &s.number), ("code", "WRONG-CODE1")])
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains(&format!("Còn {tries_left} lần thử"))
        );
    }
    let res = s.sign_in().await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right code waits"
    );
    assert!(res.text().await.unwrap().contains("Hãy đợi 15 phút"));
    assert_eq!(
        location(&other.sign_in().await),
        "/thi/lobby",
        "the lab's other candidates are not affected"
    );
    // The code is never echoed back into the page.
    let page = s
        .browser
        .post_form("/thi", &[("number", &s.number), ("code", &s.code)])
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains(&s.code));
}
