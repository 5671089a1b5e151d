//! Token scoping across two Departments and their centres, over a real history: the demo
//! person passes the six basic modules at four centres of the demo Department (approved
//! through the results page, so the ledger and the basic certificate are written as in
//! production); a second Department's centre records an earlier certificate for its own
//! person. Each token sees exactly its scope in the feeds and the records, and 404 outside.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;

use crate::{
    api_feed::{earlier_rows, person},
    api_tokens::{api, token_for},
    credits_fixture::{approve, history, passes},
    helpers::{TestApp, spawn_app_with},
};

const ELSEWHERE: [(&str, &str, &str); 5] = [
    ("IU02", "TT-B", "2026-03-02"),
    ("IU03", "TT-B", "2026-03-09"),
    ("IU04", "TT-C", "2026-04-06"),
    ("IU06", "TT-C", "2026-04-20"),
    ("IU05", "TT-D", "2026-05-04"),
];

/// The rows of a feed (all on one page).
async fn feed(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let (status, _, body) = api(app, Some(token), &format!("{path}?limit=1000")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["has_more"], false);
    body["data"].as_array().unwrap().clone()
}

/// (module, centre) of each credit row a token sees.
async fn modules(app: &TestApp, token: &str) -> BTreeSet<(String, String)> {
    feed(app, token, "/api/v1/credits")
        .await
        .iter()
        .map(|r| {
            let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (text(&r["module"]), text(&r["centre"]))
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    list.iter()
        .map(|(m, c)| (m.to_string(), c.to_string()))
        .collect()
}

#[tokio::test]
async fn each_token_sees_its_department_or_its_centre_and_nothing_of_the_other_department() {
    let app = spawn_app_with(|s| s.api_settle_seconds = 0).await;
    sathach::demo::load(&app.db).await.unwrap();
    let history = history(&app).await;
    approve(&app, &history.session).await;
    passes(&app, &history, &ELSEWHERE).await;
    let demo_person = history.person.clone();

    // A second Department, its centre, a manager there, and a person of its own with an
    // earlier certificate that manager recorded.
    use sathach::orgs::model::OrgKind;
    sathach::orgs::cli_add(&app.db, "SGD-KHAC", "Sở khác", OrgKind::Department, None)
        .await
        .unwrap();
    sathach::orgs::cli_add(
        &app.db,
        "TT-KHAC",
        "Trung tâm khác",
        OrgKind::Centre,
        Some("SGD-KHAC"),
    )
    .await
    .unwrap();
    sathach::accounts::cli_add(
        &app.db,
        "TT-KHAC",
        sathach::accounts::model::Role::CentreManager,
        "ql@khac.vn",
        None,
    )
    .await
    .unwrap();
    let recorder = app.user_id("ql@khac.vn").await;
    let khac_person = person(&app, "SGD-KHAC", "079200000001").await;
    let past = sathach::clock::now_ms() - 1000;
    let khac_rows = earlier_rows(&app, &khac_person, &recorder, "TT Khác", 1, |_| past).await;

    let token = |code: &'static str| {
        let app = &app;
        async move { token_for(app, code).await }
    };
    let (demo, saomai, b, d) = (
        token("SGD-DEMO").await,
        token("TT-SAOMAI").await,
        token("TT-B").await,
        token("TT-D").await,
    );
    let (other, other_centre) = (token("SGD-KHAC").await, token("TT-KHAC").await);

    // The credit feed.
    let all = pairs(&[
        ("IU01", "TT-SAOMAI"),
        ("IU02", "TT-B"),
        ("IU03", "TT-B"),
        ("IU04", "TT-C"),
        ("IU06", "TT-C"),
        ("IU05", "TT-D"),
    ]);
    assert_eq!(modules(&app, &demo).await, all);
    assert_eq!(
        modules(&app, &saomai).await,
        pairs(&[("IU01", "TT-SAOMAI")])
    );
    assert_eq!(
        modules(&app, &b).await,
        pairs(&[("IU02", "TT-B"), ("IU03", "TT-B")])
    );
    assert_eq!(modules(&app, &d).await, pairs(&[("IU05", "TT-D")]));
    for token in [&other, &other_centre] {
        let rows = feed(&app, token, "/api/v1/credits").await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["id"], khac_rows[0].as_str());
        assert_eq!(rows[0]["person"]["national_id"], "079200000001");
        assert_eq!(rows[0]["recorded_by_organisation"], "TT-KHAC");
    }
    let demo_rows = feed(&app, &demo, "/api/v1/credits").await;
    assert!(
        demo_rows
            .iter()
            .all(|r| r["person"]["id"] == demo_person.as_str())
    );

    // The certificate feed: the basic certificate, issued by the centre of its last module.
    let certificates = feed(&app, &demo, "/api/v1/certificates").await;
    assert_eq!(certificates.len(), 1);
    let certificate = &certificates[0];
    assert_eq!(certificate["certificate"], "TT03-CB");
    assert_eq!(certificate["issuer"], "TT-D");
    assert_eq!(certificate["state"], "valid");
    let number = certificate["number"].as_str().unwrap();
    assert!(
        certificate["verify_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/verify/{number}"))
    );
    assert_eq!(feed(&app, &d, "/api/v1/certificates").await.len(), 1);
    for token in [&saomai, &b, &other, &other_centre] {
        assert!(feed(&app, token, "/api/v1/certificates").await.is_empty());
    }

    // Records: in scope, with only the scope's rows; outside it, 404.
    let record = |token: &str, person: &str| {
        let app = &app;
        let path = format!("/api/v1/people/{person}/record");
        let token = token.to_string();
        async move { api(app, Some(&token), &path).await }
    };
    let (status, _, whole) = record(&demo, &demo_person).await;
    assert_eq!(status, StatusCode::OK, "{whole}");
    assert_eq!(whole["entries"].as_array().unwrap().len(), 6);
    assert_eq!(whole["certificates"][0]["number"], number);
    let (status, _, at_b) = record(&b, &demo_person).await;
    assert_eq!(status, StatusCode::OK);
    let entries = at_b["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e["centre"] == "TT-B"));
    assert!(at_b["certificates"].as_array().unwrap().is_empty());
    assert!(at_b["credits"].as_u64().unwrap() < whole["credits"].as_u64().unwrap());
    for (token, person) in [
        (&other, &demo_person),
        (&other_centre, &demo_person),
        (&demo, &khac_person),
        (&saomai, &khac_person),
    ] {
        let (status, _, body) = record(token, person).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(body["error"], "not_found");
    }
    let (status, _, theirs) = record(&other_centre, &khac_person).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(theirs["person"]["full_name"], "Nguyễn Văn 079200000001");
    assert_eq!(theirs["entries"].as_array().unwrap().len(), 1);
}
