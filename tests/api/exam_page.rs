//! What a question page carries without JavaScript, and for the page's script: who sits the
//! exam, a timer that says when it is updated, the grid's states told apart in words and
//! classes, plain-text matching options, and the attempt's storage key and messages.

use crate::{
    candidates::{Sitting, answering, post_json, save_json},
    helpers::spawn_app_with_demo,
};

/// The value of attribute `name` on the element with `id`.
fn attribute(page: &str, id: &str, name: &str) -> Option<String> {
    let tag = &page[page.find(&format!("id=\"{id}\""))?..];
    let tag = &tag[..tag.find('>')?];
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    Some(tag[start..start + tag[start..].find('"')?].to_string())
}

#[tokio::test]
async fn a_question_page_names_the_candidate_and_tells_the_grid_states_apart() {
    let app = spawn_app_with_demo().await;
    let a = answering(&app, 0).await;
    let (name, number): (String, String) = sqlx::query_as(
        "SELECT p.full_name, a.candidate_number FROM attempts a JOIN people p ON p.id = a.person_id
         WHERE a.id = $1",
    )
    .bind(&a.s.attempt)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    // Question 1 answered and flagged, question 2 flagged only.
    let mut flagged = a.pages[0].clone();
    flagged.extend([
        ("flag".to_string(), "1".to_string()),
        ("seq".into(), "1".into()),
    ]);
    assert_eq!(post_json(&a.s, 1, &flagged, &a.csrf).await.status(), 200);
    let only_flag = vec![("flag".to_string(), "1".to_string())];
    assert_eq!(
        save_json(&a.s, 2, &only_flag, 1, &a.csrf).await.status(),
        200
    );

    let page = a.s.browser.get_text("/thi/q/3").await;
    assert!(page.contains(&name) && page.contains(&number), "{page}");
    let timer = &page[page.find("id=\"time-left\"").unwrap()..];
    let timer = &timer[..timer.find("</p>").unwrap()];
    assert!(
        timer.contains("class=\"timer-note\">(cập nhật mỗi khi tải trang)"),
        "{timer}"
    );
    let key = attribute(&page, "answer-form", "data-attempt").expect("data-attempt");
    assert!(
        key.len() == 12 && key.chars().all(|c| c.is_ascii_hexdigit()),
        "{key}"
    );
    assert!(
        !key.contains(&a.s.attempt[..8]),
        "the key does not show the attempt's id"
    );
    for (attr, text) in [
        ("data-msg-unsaved-mark", "chưa lưu"),
        (
            "data-msg-paused",
            "Bài thi đang tạm dừng: câu trả lời được giữ lại",
        ),
        ("data-msg-leave", "chưa được lưu"),
        ("data-msg-answered", "Đã trả lời {n}/{total} câu"),
    ] {
        let value = attribute(&page, "answer-form", attr).unwrap_or_default();
        assert!(value.contains(text), "{attr}: {value}");
    }
    assert!(
        page.contains("class=\"cell answered flagged\">1<span class=\"visually-hidden\"> – đã trả lời, đánh dấu xem lại</span>"),
        "{page}"
    );
    assert!(
        page.contains(
            "class=\"cell flagged\">2<span class=\"visually-hidden\"> – đánh dấu xem lại</span>"
        ),
        "{page}"
    );
    let legend = &page[page.find("class=\"muted legend\"").unwrap()..];
    let legend = &legend[..legend.find("</ul>").unwrap()];
    assert!(
        !legend.chars().any(|c| c.is_ascii_digit())
            && legend.contains("đã trả lời, đánh dấu xem lại"),
        "the legend's samples are not question numbers: {legend}"
    );
    let review = a.s.browser.get_text("/thi/review").await;
    assert!(review.contains(&name) && review.contains(&number));

    // Every option of a select is plain text (long matching options stay readable). Papers
    // are drawn at random: the demo's candidates are taken in turn until one paper has a
    // matching or ordering question.
    let candidates = app.demo_session().await.1.len();
    let mut selects = options_on_every_question(&a.s).await;
    for index in 1..candidates {
        if selects > 0 {
            break;
        }
        selects = options_on_every_question(&answering(&app, index).await.s).await;
    }
    assert!(
        selects > 0,
        "no demo paper had a matching or ordering question"
    );
}

/// Checks that no option of a select on any of the candidate's questions holds markup;
/// returns how many options there were.
async fn options_on_every_question(s: &Sitting) -> usize {
    let sql = format!("SELECT item_count FROM attempts WHERE id = '{}'", s.attempt);
    let mut options = 0;
    for n in 1..=s.browser.count(&sql).await {
        let page = s.browser.get_text(&format!("/thi/q/{n}")).await;
        for option in page.split("<option").skip(1) {
            let option = &option[..option.find("</option>").unwrap()];
            assert!(!option.contains('<'), "markup inside an option: {option}");
            options += 1;
        }
    }
    options
}
