//! Blueprint pages: the shipped blueprints with their rules and available items, the editor
//! with checks against the banks, immutable versions, sample papers with keys, and scope.

use reqwest::StatusCode;

use crate::helpers::{MANAGER, PROCTOR, TestApp, location, spawn_app_with_demo};

async fn blueprint_page(app: &TestApp, code: &str) -> String {
    let list = app.get_text("/blueprints").await;
    let start = list
        .find(&format!(">{code}</a>"))
        .unwrap_or_else(|| panic!("{code} listed"));
    let href = list[..start].rsplit("href=\"").next().unwrap();
    href.split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_manager_sees_the_rules_and_draws_sample_papers_with_keys() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let page = blueprint_page(&app, "CNTT-CO-BAN").await;
    let html = app.get_text(&page).await;
    let topic = crate::helpers::shipped_items("IU04-MAU", Some("IU04.1"));
    assert!(
        html.contains("IU04.1 Kiến thức cơ bản về bảng tính")
            && html.contains(&format!(">{topic}<")),
        "rules with available items"
    );

    let sample = app.get_text(&format!("{page}/sample")).await;
    assert_eq!(sample.matches("<li value=").count(), 40, "a 40-item paper");
    assert!(sample.contains("<span class=\"key-mark\" aria-hidden=\"true\">✓</span>"));
    let seed_start = sample.find("?seed=").unwrap() + 6;
    let seed = &sample[seed_start..seed_start + 64];
    let again = app.get_text(&format!("{page}/sample?seed={seed}")).await;
    let paper = |html: &str| html[html.find("<ol class=\"paper\">").unwrap()..].to_string();
    assert_eq!(
        paper(&sample),
        paper(&again),
        "the seed redraws the same paper"
    );
}

#[tokio::test]
async fn the_editor_checks_against_the_banks_and_keeps_every_version() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/question_banks/iu02-thi.toml"
    ))
    .unwrap()
    .replace("IU02-THI", "IU02-THU");
    let too_many = text.replacen("count = 4", "count = 300", 1);
    let have = crate::helpers::shipped_items("IU02-MAU", Some("IU02.1"));
    let res = app.post_form("/blueprints", &[("source", &too_many)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&format!(
            "cần 300 câu nhưng quy tắc chỉ khớp {have} câu (thiếu {})",
            300 - have
        )),
        "{html}"
    );

    let res = app.post_form("/blueprints", &[("source", &text)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = location(&res);
    assert!(page.ends_with("?saved=1"), "{page}");
    let page = page.split('?').next().unwrap().to_string();
    assert!(location(&app.post_form(&page, &[("source", &text)]).await).ends_with("?saved=0"));
    let longer = text.replace("duration_minutes = 30", "duration_minutes = 40");
    assert!(location(&app.post_form(&page, &[("source", &longer)]).await).ends_with("?saved=2"));
    let sources: Vec<String> = sqlx::query_scalar(
        "SELECT v.source FROM blueprint_versions v JOIN blueprints b ON b.id = v.blueprint_id WHERE b.code = 'IU02-THU' ORDER BY v.number",
    )
    .fetch_all(&app.db.read)
    .await
    .unwrap();
    assert_eq!(
        sources,
        vec![text.clone(), longer.clone()],
        "version 1 is kept as it was"
    );

    let recoded = longer.replace("IU02-THU", "IU02-KHAC");
    let res = app.post_form(&page, &[("source", &recoded)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Không được đổi mã ma trận đề")
    );
}

#[tokio::test]
async fn blueprints_are_for_managers_of_their_own_centre() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let page = blueprint_page(&app, "IU01-THI").await;
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    assert_eq!(
        proctor.get("/blueprints").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        proctor.get(&format!("{page}/sample")).await.status(),
        StatusCode::FORBIDDEN
    );

    let other = app
        .browser_for_new_account(
            "TT-HONGHA",
            sathach::accounts::model::Role::CentreManager,
            "ql3@hongha.vn",
        )
        .await;
    assert_eq!(other.get(&page).await.status(), StatusCode::NOT_FOUND);
    assert!(
        !other
            .get_text("/blueprints")
            .await
            .contains(">IU01-THI</a>")
    );
}
