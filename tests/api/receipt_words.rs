//! The receipt reads as words: true/false as "Đúng/Sai", scores with a decimal comma, topics
//! by name, matching and ordering answers as the texts chosen, the question beside each answer
//! once the session is closed, and when the proctor closed it; the review page warns about
//! matching and ordering answers left half done before the candidate submits.

use sathach::{
    banks::{
        catalog::catalog,
        model::{Body, matching_targets},
    },
    text::plain_text,
};

use crate::{
    helpers::spawn_app_with_demo,
    scored::{answered, submitted_and_closed},
};

#[tokio::test]
async fn the_review_warns_of_half_done_matching_and_a_rank_given_twice() {
    let app = spawn_app_with_demo().await;
    let scored = answered(&app).await;
    let review = scored.s.browser.get_text("/thi/review").await;
    let warnings = &review[review
        .find("id=\"review-unfinished\"")
        .unwrap_or_else(|| panic!("no warnings: {review}"))..];
    let warnings = &warnings[..warnings.find("</div>").unwrap()];
    assert!(
        warnings.contains("Câu 3</a>: chưa trả lời hết các ý"),
        "{warnings}"
    );
    assert!(
        warnings.contains("Câu 4</a>: có hai bước cùng một thứ tự"),
        "{warnings}"
    );
    for n in [1, 2, 5] {
        assert!(!warnings.contains(&format!("Câu {n}<")), "{warnings}");
    }
}

#[tokio::test]
async fn the_closed_sessions_receipt_reads_in_words_with_the_questions() {
    let app = spawn_app_with_demo().await;
    let scored = answered(&app).await;
    submitted_and_closed(&app, &scored).await;
    let items = &scored.items;
    let receipt = scored.s.browser.get_text("/thi/receipt").await;

    assert!(
        receipt.contains("Giám thị đã kết thúc ca thi lúc"),
        "{receipt}"
    );
    assert!(
        !receipt.contains("được nộp tự động"),
        "submitted by the candidate"
    );
    assert!(receipt.contains("1,5/5 điểm"), "{receipt}");
    assert!(receipt.contains("Không đạt"));
    assert!(
        !receipt.contains(">true<") && !receipt.contains(">false<"),
        "{receipt}"
    );
    for item in items {
        let (_, topic) = catalog().topic(&item.topic).unwrap();
        assert!(receipt.contains(&topic.name_vi), "topic {}", item.topic);
        assert!(
            !receipt.contains(&format!("<td>{}</td>", item.topic)),
            "no bare topic code"
        );
        assert!(
            receipt.contains(&item.stem.html),
            "the question beside the answer"
        );
    }
    let Body::TrueFalse { answer } = &items[0].body else {
        unreachable!()
    };
    let word = if *answer { "Đúng" } else { "Sai" };
    assert!(
        receipt.contains(&format!("<td>{word}</td><td>{word}</td>")),
        "{receipt}"
    );
    assert!(
        receipt.contains("0,5/1"),
        "half a point for three statements of four"
    );
    let Body::Matching { pairs, distractors } = &items[2].body else {
        unreachable!()
    };
    let (targets, key) = matching_targets(pairs, distractors);
    let pair = format!(
        "{} → {}",
        plain_text(&pairs[0].left.html),
        plain_text(&targets[key[0]].html)
    );
    let escaped = |t: &str| askama_escape(t);
    assert!(receipt.contains(&escaped(&pair)), "{pair}: {receipt}");
    let Body::Ordering { sequence } = &items[3].body else {
        unreachable!()
    };
    let steps = format!(
        "1. {} / {}; 2. –",
        plain_text(&sequence[0].html),
        plain_text(&sequence[1].html)
    );
    assert!(receipt.contains(&escaped(&steps)), "{steps}: {receipt}");
}

/// Text as the templates escape it.
fn askama_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[tokio::test]
async fn an_attempt_submitted_by_the_close_says_so_on_the_receipt() {
    let app = spawn_app_with_demo().await;
    let scored = answered(&app).await;
    let proctor = app.another_browser();
    proctor.signed_in_as(crate::helpers::PROCTOR).await;
    let close = format!("/sessions/{}/room/close", scored.s.session);
    let res = proctor
        .post_form(&close, &[("reason", "schedule.end"), ("comment", "")])
        .await;
    assert_eq!(res.status(), 303);
    let receipt = scored.s.browser.get_text("/thi/receipt").await;
    assert!(
        receipt.contains("Giám thị đã kết thúc ca thi lúc")
            && receipt.contains("Bài của bạn được nộp tự động khi ca thi kết thúc."),
        "{receipt}"
    );
    assert!(
        receipt.contains("1,5/5 điểm"),
        "the answers saved were scored"
    );
}
