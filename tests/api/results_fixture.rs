//! A sitting whose scores can be worked out by hand: the demo session switched to a blueprint
//! drawing nine true/false items and one grouped true/false item (four statements, national
//! scale), every key "true", optionally with a practical part scored outside sathach. A
//! candidate's score then follows from how many "true" they answer.

use crate::{
    candidates::{Sitting, post_question, ready, seq_on},
    helpers::{MANAGER, PROCTOR, TestApp},
};

pub fn bank() -> String {
    let mut text = String::from(
        "[bank]\ncode = \"KQ-DS\"\ntitle = \"Kết quả – đúng/sai\"\nmodule = \"IU01\"\nlanguage = \"vi\"\n",
    );
    for n in 1..=9 {
        text.push_str(&format!(
            "\n[[items]]\nid = \"KQ-{n:02}\"\ntype = \"true_false\"\ntopic = \"IU01.1\"\n\
             difficulty = \"TH\"\nstem = \"Phát biểu đúng sai số {n}.\"\nanswer = true\n"
        ));
    }
    text.push_str(
        "\n[[items]]\nid = \"KQ-NHOM\"\ntype = \"grouped_true_false\"\ntopic = \"IU01.2\"\n\
         difficulty = \"TH\"\nstem = \"Xét bốn nhận định sau:\"\nstatements = [\n\
         { text = \"Nhận định một.\", correct = true },\n\
         { text = \"Nhận định hai.\", correct = true },\n\
         { text = \"Nhận định ba.\", correct = true },\n\
         { text = \"Nhận định bốn.\", correct = true },\n]\n",
    );
    text
}

pub fn blueprint(practical: bool) -> String {
    let mut text = String::from(
        r#"[blueprint]
code = "IU01-THI"
title = "Thi mô đun IU01 – kết quả"
modules = ["IU01"]
duration_minutes = 30
navigation = "free"
review = "score"
attempts_allowed = 2
retake_wait_days = 0

[[parts]]
code = "ly-thuyet"
title = "Phần trắc nghiệm"
pass = "5/10"
sections = [
  { title = "Đúng sai", topics = ["IU01.1"], banks = ["KQ-DS"], count = 9 },
  { title = "Đúng sai theo nhóm", topics = ["IU01.2"], banks = ["KQ-DS"], count = 1 },
]
"#,
    );
    if practical {
        text.push_str(
            "\n[[parts]]\ncode = \"thuc-hanh\"\ntitle = \"Phần thực hành\"\nexternal = true\n\
             max_points = 10\npass = \"5/10\"\n",
        );
    }
    text
}

/// Imports the bank as the demo manager and switches the demo session to the blueprint;
/// returns the session's id and its attempts in candidate-number order.
pub async fn scored_session(app: &TestApp, practical: bool) -> (String, Vec<String>) {
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let (_, report) = manager
        .upload_bank("kq.toml", bank().into_bytes(), &[])
        .await;
    let res = manager.confirm_upload(&report).await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER, "{report}");
    let (session, attempts) = app.demo_session().await;
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO blueprint_versions (id, blueprint_id, number, source, content_hash, created_at)
         SELECT $1, v.blueprint_id, v.number + 100, $2, 'test', v.created_at
         FROM blueprint_versions v JOIN exam_sessions s ON s.blueprint_version_id = v.id
         WHERE s.id = $3",
    )
    .bind(&id)
    .bind(blueprint(practical))
    .bind(&session)
    .execute(&app.db.write)
    .await
    .unwrap();
    sqlx::query("UPDATE exam_sessions SET blueprint_version_id = $1 WHERE id = $2")
        .bind(&id)
        .bind(&session)
        .execute(&app.db.write)
        .await
        .unwrap();
    (session, attempts)
}

/// Candidate `index` sits the paper, answering "true" to `right` of the nine true/false items
/// and to `statements` of the grouped item's four, then submits. Returns their sitting.
pub async fn sit(app: &TestApp, index: usize, right: usize, statements: usize) -> Sitting {
    let s = ready(app, index).await;
    s.started().await;
    let mut given = 0;
    for n in 1..=10 {
        let page = s.browser.get_text(&format!("/thi/q/{n}")).await;
        let mut fields: Vec<(String, String)> = vec![("seq".into(), seq_on(&page))];
        if page.contains("Xét bốn nhận định sau") {
            for i in 0..4 {
                let answer = if i < statements { "true" } else { "false" };
                fields.push((format!("s{i}"), answer.into()));
            }
        } else {
            let answer = if given < right { "true" } else { "false" };
            given += 1;
            fields.push(("answer".into(), answer.into()));
        }
        let res = post_question(&s, n, &fields, "next").await;
        assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER, "question {n}");
    }
    s.submits().await;
    s
}

/// The proctor acts on a candidate with a reason (terminate, reopen …).
pub async fn proctor_acts(app: &TestApp, session: &str, attempt: &str, action: &str, reason: &str) {
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let path = format!("/sessions/{session}/attempts/{attempt}/{action}");
    let res = proctor
        .post_form(&path, &[("reason", reason), ("comment", "")])
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER, "{action}");
}

/// The proctor closes the session (whoever is still writing is submitted).
pub async fn close(app: &TestApp, session: &str) {
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let res = proctor
        .post_form(
            &format!("/sessions/{session}/room/close"),
            &[("reason", "schedule.end"), ("comment", "")],
        )
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
}

/// The table row of a candidate number (its cells, as HTML).
pub fn row_of<'a>(page: &'a str, number: &str) -> &'a str {
    page.split("<tr>")
        .find(|row| row.contains(&format!(">{number}</a>")))
        .unwrap_or_else(|| panic!("no row for {number}: {page}"))
}

/// The candidate numbers of a results table, in the order shown.
pub fn numbers_in(page: &str) -> Vec<String> {
    page.split("<tr>")
        .skip(2)
        .filter_map(|row| {
            let start = row.find("/results/")?;
            let after = &row[start..];
            let open = after.find('>')? + 1;
            let close = after.find("</a>")?;
            Some(after[open..close].to_string())
        })
        .collect()
}
