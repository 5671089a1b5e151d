//! The credit feed's paging and formats: hundreds of ledger rows (some written in the same
//! millisecond) paged by cursor with no duplicate and no omission, new rows appearing after
//! the last cursor, rows younger than the settle time held back (but on the record at once),
//! and the same rows as CSV (BOM, formulas defused, the next cursor in a header).

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::Value;

use crate::{
    api_tokens::{api, token_for},
    helpers::{ADMIN, TestApp, spawn_app_with_demo},
};

/// A person of the Department with this code.
pub async fn person(app: &TestApp, department_code: &str, national_id: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO people (id, department_id, national_id, full_name, birth_date, unit,
                             is_teacher, created_at)
         SELECT $1, id, $2, $3, '1990-05-17', 'THPT', 1, 0 FROM organisations WHERE code = $4",
    )
    .bind(&id)
    .bind(national_id)
    .bind(format!("Nguyễn Văn {national_id}"))
    .bind(department_code)
    .execute(&app.db.write)
    .await
    .unwrap();
    id
}

/// Records `count` earlier certificates (and their ledger rows) for a person, as written by
/// `by` at `at(i)`; returns the ledger rows' ids.
pub async fn earlier_rows(
    app: &TestApp,
    person: &str,
    by: &str,
    issuer: &str,
    count: usize,
    at: impl Fn(usize) -> i64,
) -> Vec<String> {
    let mut tx = app.db.write.begin().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..count {
        let (earlier, entry) = (
            uuid::Uuid::new_v4().to_string(),
            uuid::Uuid::new_v4().to_string(),
        );
        sqlx::query(
            "INSERT INTO earlier_certificates (id, person_id, equivalence, number, issuer,
                                               issued_on, recorded_by, created_at)
             VALUES ($1, $2, 'CNTT-ABC', $3, $4, '2015-06-01', $5, $6)",
        )
        .bind(&earlier)
        .bind(person)
        .bind(format!("B-{i:06}"))
        .bind(issuer)
        .bind(by)
        .bind(at(i))
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO credit_entries (id, person_id, kind, credits, earned_on, earlier_id,
                                         recorded_by, created_at)
             VALUES ($1, $2, 'earlier', 0, '2015-06-01', $3, $4, $5)",
        )
        .bind(&entry)
        .bind(person)
        .bind(&earlier)
        .bind(by)
        .bind(at(i))
        .execute(&mut *tx)
        .await
        .unwrap();
        ids.push(entry);
    }
    tx.commit().await.unwrap();
    ids
}

/// Pages through the feed from `since` with `limit`: the ids in order and the last cursor.
async fn page_through(
    app: &TestApp,
    token: &str,
    since: &str,
    limit: usize,
) -> (Vec<String>, String) {
    let (mut ids, mut cursor) = (Vec::new(), since.to_string());
    loop {
        let path = format!("/api/v1/credits?limit={limit}&since={cursor}");
        let (status, _, body) = api(app, Some(token), &path).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let data = body["data"].as_array().unwrap();
        assert!(data.len() <= limit);
        ids.extend(
            data.iter()
                .map(|row| row["id"].as_str().unwrap().to_string()),
        );
        cursor = body["next"].as_str().unwrap().to_string();
        if !body["has_more"].as_bool().unwrap() {
            return (ids, cursor);
        }
    }
}

#[tokio::test]
async fn the_feed_pages_every_row_once_in_order_and_new_rows_follow_the_last_cursor() {
    let app = spawn_app_with_demo().await;
    let token = token_for(&app, "SGD-DEMO").await;
    let admin = app.user_id(ADMIN.0).await;
    let holder = person(&app, "SGD-DEMO", "001090012345").await;
    let base = sathach::clock::now_ms() - 3_600_000;
    // Pairs of rows share a millisecond: the id orders them.
    let mut written = earlier_rows(&app, &holder, &admin, "TT Bách Khoa", 250, |i| {
        base + (i / 2) as i64
    })
    .await;
    let stamps: Vec<(i64, String)> =
        sqlx::query_as("SELECT created_at, id FROM credit_entries ORDER BY created_at, id")
            .fetch_all(&app.db.read)
            .await
            .unwrap();
    written.sort_by_key(|id| stamps.iter().position(|(_, s)| s == id));

    let (ids, last) = page_through(&app, &token, "", 37).await;
    assert_eq!(ids.len(), 250);
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        250,
        "no duplicates"
    );
    assert_eq!(ids, written, "every row, in the order written");

    // Nothing new: the same cursor back, and an empty page.
    let (status, _, body) = api(&app, Some(&token), &format!("/api/v1/credits?since={last}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"], Value::Array(vec![]));
    assert_eq!(body["next"], last.as_str());

    // Rows written later come after the last cursor, and only they.
    let later = earlier_rows(&app, &holder, &admin, "TT Bách Khoa", 5, |_| base + 1000).await;
    let (ids, _) = page_through(&app, &token, &last, 2).await;
    assert_eq!(
        ids.iter().collect::<HashSet<_>>(),
        later.iter().collect::<HashSet<_>>()
    );

    // A row younger than the settle time (60 s by default) waits; the record has it at once.
    let fresh = earlier_rows(&app, &holder, &admin, "TT Bách Khoa", 1, |_| {
        sathach::clock::now_ms()
    })
    .await;
    let (ids, _) = page_through(&app, &token, &last, 100).await;
    assert!(!ids.contains(&fresh[0]));
    let (status, _, record) = api(
        &app,
        Some(&token),
        &format!("/api/v1/people/{holder}/record"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{record}");
    let entries = record["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 256);
    assert_eq!(entries.last().unwrap()["id"], fresh[0].as_str());
    assert_eq!(record["person"]["national_id"], "001090012345");
    assert_eq!(entries[0]["person"]["birth_date"], "1990-05-17");
    // The first two rows share a millisecond: either may come first.
    let first = entries[0]["earlier_certificate"]["number"]
        .as_str()
        .unwrap();
    assert!(["B-000000", "B-000001"].contains(&first), "{first}");
    assert_eq!(entries[0]["recorded_by_organisation"], "SGD-DEMO");
    assert_eq!(entries[0]["standing"], true);
}

#[tokio::test]
async fn the_same_rows_come_as_csv_with_formulas_defused() {
    let app = spawn_app_with_demo().await;
    let token = token_for(&app, "SGD-DEMO").await;
    let admin = app.user_id(ADMIN.0).await;
    let holder = person(&app, "SGD-DEMO", "001090054321").await;
    let base = sathach::clock::now_ms() - 3_600_000;
    let issuer = "=HYPERLINK(\"http://x.example\",\"Bấm\")";
    earlier_rows(&app, &holder, &admin, issuer, 3, |i| base + i as i64).await;
    let (_, _, json) = api(&app, Some(&token), "/api/v1/credits?limit=2").await;

    let client = reqwest::Client::new();
    let by_suffix = client
        .get(app.url("/api/v1/credits.csv?limit=2"))
        .bearer_auth(&token);
    let by_query = client
        .get(app.url("/api/v1/credits?limit=2&format=csv"))
        .bearer_auth(&token);
    let by_accept = client
        .get(app.url("/api/v1/credits?limit=2"))
        .header("Accept", "text/csv")
        .bearer_auth(&token);
    for request in [by_suffix, by_query, by_accept] {
        let res = request.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        assert_eq!(
            res.headers()["x-next-cursor"],
            json["next"].as_str().unwrap()
        );
        assert_eq!(res.headers()["x-has-more"], "true");
        let bytes = res.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("id,kind,person_id,full_name,birth_date,national_id"));
        assert!(lines[1].contains("001090054321") && lines[1].contains(",earlier,"));
        assert!(
            lines[1].contains("\"'=HYPERLINK(\"\"http://x.example\"\",\"\"Bấm\"\")\""),
            "{}",
            lines[1]
        );
        assert!(!lines[1].contains(",=HYPERLINK"));
    }
    // The record as CSV: the person's ledger rows.
    let res = client
        .get(app.url(&format!("/api/v1/people/{holder}/record.csv")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    assert_eq!(text.lines().count(), 4);
    assert!(text.contains("'=HYPERLINK"));
}
