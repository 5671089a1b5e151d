//! A sitting whose paper is set for hand-computed scores: five questions of one point each
//! (true/false, grouped true/false, matching, ordering, single choice), options shown in
//! reverse order, answered so that the points are known: 1 + 0,5 + 0 + 0 + 0 = 1,5/5.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sathach::{
    banks::model::{Body, Item, matching_targets},
    blueprints::draw::{Form, FormItem},
};

use crate::{
    candidates::{Sitting, admit, post_question, seq_on, unadmitted},
    helpers::{PROCTOR, TestApp},
    receipt::full_review,
};

const KINDS: [&str; 5] = [
    "true_false",
    "grouped_true_false",
    "matching",
    "ordering",
    "single",
];

/// The sitting and the items of its paper, in order.
pub struct Scored {
    pub s: Sitting,
    pub items: Vec<Item>,
}

fn count(body: &Body) -> usize {
    match body {
        Body::Single { options } | Body::Multiple { options, .. } => options.len(),
        Body::GroupedTrueFalse { statements } => statements.len(),
        Body::Matching { pairs, distractors } => matching_targets(pairs, distractors).0.len(),
        Body::Ordering { sequence } => sequence.len(),
        _ => 0,
    }
}

/// Puts the five chosen IU01 items on the started attempt's paper, each from another topic
/// when the bank allows.
async fn set_paper(app: &TestApp, attempt: &str) -> Vec<(String, Item)> {
    let paper: String = sqlx::query_scalar("SELECT paper_id FROM attempts WHERE id = $1")
        .bind(attempt)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let stored: String = sqlx::query_scalar("SELECT form FROM papers WHERE id = $1")
        .bind(&paper)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let mut form: Form = serde_json::from_str(&stored).unwrap();
    assert_eq!(
        form.sections.len(),
        5,
        "the IU01 blueprint has five sections"
    );
    let mut chosen: Vec<(String, Item)> = Vec::new();
    for (section, kind) in form.sections.iter_mut().zip(KINDS) {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT id, item_id, body FROM item_versions
             WHERE kind = $1 AND topic LIKE 'IU01.%' ORDER BY topic, id",
        )
        .bind(kind)
        .fetch_all(&app.db.read)
        .await
        .unwrap();
        let items: Vec<(String, String, Item)> = rows
            .into_iter()
            .map(|(v, i, body)| (v, i, serde_json::from_str(&body).unwrap()))
            .filter(|(_, _, item): &(String, String, Item)| {
                !matches!(&item.body, Body::GroupedTrueFalse { statements } if statements.len() != 4)
            })
            .collect();
        let fresh = items
            .iter()
            .position(|(_, _, it)| chosen.iter().all(|(_, c)| c.topic != it.topic))
            .unwrap_or(0);
        let (version_id, item_id, item) = items.into_iter().nth(fresh).expect(kind);
        section.items = vec![FormItem {
            version_id,
            item_id: item_id.clone(),
            points: 1,
            order: (0..count(&item.body)).rev().collect(),
        }];
        chosen.push((item_id, item));
    }
    sqlx::query("UPDATE papers SET form = $1 WHERE id = $2")
        .bind(serde_json::to_string(&form).unwrap())
        .bind(&paper)
        .execute(&app.db.write)
        .await
        .unwrap();
    sqlx::query("UPDATE attempts SET item_count = 5 WHERE id = $1")
        .bind(attempt)
        .execute(&app.db.write)
        .await
        .unwrap();
    chosen
}

/// The answers: true/false right (1), statements a)–c) right and d) wrong (½), matching only
/// its first pair (0, and half done), ordering steps 1 and 2 both first (0, a rank twice),
/// single choice wrong (0).
fn answers(item: &Item, token: &dyn Fn(usize) -> String) -> Vec<(String, String)> {
    let pair = |k: String, v: &str| (k, v.to_string());
    match &item.body {
        Body::TrueFalse { answer } => vec![pair("answer".into(), &answer.to_string())],
        Body::GroupedTrueFalse { statements } => statements
            .iter()
            .enumerate()
            .map(|(i, s)| pair(token(i), &(s.correct != (i == 3)).to_string()))
            .collect(),
        Body::Matching { pairs, distractors } => {
            let (_, key) = matching_targets(pairs, distractors);
            vec![pair("m0".into(), &token(key[0]))]
        }
        Body::Ordering { .. } => vec![pair(token(0), "1"), pair(token(1), "1")],
        Body::Single { options } => {
            let wrong = options.iter().position(|o| !o.correct).unwrap();
            vec![pair("answer".into(), &token(wrong))]
        }
        _ => unreachable!("only the five kinds are drawn"),
    }
}

/// A started attempt with the set paper, every question answered as `answers` says; not
/// submitted yet.
pub async fn answered(app: &TestApp) -> Scored {
    let s = unadmitted(app, 0).await;
    full_review(app, &s.session).await;
    admit(app, &s.session, &s.attempt).await;
    // The paper is rewritten before any page shows it: a shown paper is kept in memory.
    s.starts().await;
    let chosen = set_paper(app, &s.attempt).await;
    let secret = sathach::startup::server_secret(&app.db).await.unwrap();
    for (n, (item_id, item)) in chosen.iter().enumerate() {
        let token = |i: usize| {
            let bytes = sathach::vocab::token::keyed_bytes(
                &secret,
                "option",
                &format!("{}/{item_id}/{i}", s.attempt),
            );
            URL_SAFE_NO_PAD.encode(&bytes[..9])
        };
        let page = s.browser.get_text(&format!("/thi/q/{}", n + 1)).await;
        let mut fields = answers(item, &token);
        fields.push(("seq".into(), seq_on(&page)));
        let res = post_question(&s, n + 1, &fields, "next").await;
        assert_eq!(res.status(), 303, "question {} saved", n + 1);
    }
    Scored {
        s,
        items: chosen.into_iter().map(|(_, item)| item).collect(),
    }
}

/// Submits, then the proctor closes the session.
pub async fn submitted_and_closed(app: &TestApp, scored: &Scored) {
    scored.s.submits().await;
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let close = format!("/sessions/{}/room/close", scored.s.session);
    let res = proctor
        .post_form(&close, &[("reason", "schedule.end"), ("comment", "")])
        .await;
    assert_eq!(res.status(), 303);
}
