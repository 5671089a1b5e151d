//! A person's exam history built fast for the credit tests: two candidates of the demo
//! session really sit the results fixture's paper (one passes, one fails), and each further
//! sitting (a module, a centre, a day) is a closed session copied from the demo one with a
//! copy of a real graded attempt and its results, for the same person. Approving it goes
//! through the real page, so the ledger follows exactly as it does in production.

use reqwest::StatusCode;
use sqlx::{Column, Row};

use crate::{
    helpers::{ADMIN, TestApp, location},
    results_fixture::{self, close, scored_session, sit},
};

/// The two real sittings every copy starts from.
pub struct History {
    /// The demo session (closed, not approved).
    pub session: String,
    /// A passing attempt and a failing one, of the same demo session.
    pub pass: String,
    pub fail: String,
    /// The person of the passing attempt: every copy is theirs.
    pub person: String,
}

/// Sits the demo session (IU01, dated 2 February 2026): candidate 1 passes (10/10),
/// candidate 2 fails (0/10); closes it.
pub async fn history(app: &TestApp) -> History {
    let (session, attempts) = scored_session(app, false).await;
    sit(app, 0, 9, 4).await;
    sit(app, 1, 0, 0).await;
    close(app, &session).await;
    // Dated early in the year, so the copies made later in the year come after it.
    let day = sathach::clock::local_to_ms(sathach::vocab::Date(2026, 2, 2), "08:00").unwrap();
    sqlx::query("UPDATE exam_sessions SET starts_at = $1, ends_at = $2 WHERE id = $3")
        .bind(day)
        .bind(day + 3_600_000)
        .bind(&session)
        .execute(&app.db.write)
        .await
        .unwrap();
    let person = sqlx::query_scalar("SELECT person_id FROM attempts WHERE id = $1")
        .bind(&attempts[0])
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    History {
        session,
        pass: attempts[0].clone(),
        fail: attempts[1].clone(),
        person,
    }
}

/// A centre of the demo department with this code (created the first time).
pub async fn centre(app: &TestApp, code: &str) -> String {
    let known: Option<String> = sqlx::query_scalar("SELECT id FROM organisations WHERE code = $1")
        .bind(code)
        .fetch_optional(&app.db.read)
        .await
        .unwrap();
    if let Some(id) = known {
        return id;
    }
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO organisations (id, kind, code, name, department_id, created_at)
         SELECT $1, 'centre', $2, $3, id, 0 FROM organisations WHERE kind = 'department'",
    )
    .bind(&id)
    .bind(code)
    .bind(format!("Trung tâm {code}"))
    .execute(&app.db.write)
    .await
    .unwrap();
    id
}

/// Copies one row of `table` with some columns set to SQL expressions.
async fn copy_row(app: &TestApp, table: &str, key: (&str, &str), set: &[(&str, String)]) {
    let row = sqlx::query(&format!("SELECT * FROM {table} WHERE {} = $1", key.0))
        .bind(key.1)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let columns: Vec<String> = row.columns().iter().map(|c| c.name().to_string()).collect();
    let values: Vec<String> = columns
        .iter()
        .map(|c| {
            set.iter()
                .find(|(name, _)| name == c)
                .map_or_else(|| c.clone(), |(_, v)| v.clone())
        })
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({}) SELECT {} FROM {table} WHERE {} = $1",
        columns.join(", "),
        values.join(", "),
        key.0
    );
    sqlx::query(&sql)
        .bind(key.1)
        .execute(&app.db.write)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The fixture's blueprint certifying `module` instead (the same sections, so a regrade
/// scores a copy as it scores the original; without topics, which belong to IU01).
fn blueprint(module: &str) -> String {
    results_fixture::blueprint(false)
        .replace("modules = [\"IU01\"]", &format!("modules = [\"{module}\"]"))
        .replace("topics = [\"IU01.1\"], ", "")
        .replace("topics = [\"IU01.2\"], ", "")
}

/// A closed session of `module` at centre `centre_code` on `day` (YYYY-MM-DD), with a copy of
/// `template` (a graded attempt) for `person`. Returns (session, attempt).
pub async fn sat(
    app: &TestApp,
    history: &History,
    template: &str,
    (module, centre_code, day): (&str, &str, &str),
) -> (String, String) {
    let centre = centre(app, centre_code).await;
    let day = sathach::vocab::Date::parse(day).expect("a day");
    let starts = sathach::clock::local_to_ms(day, "08:00").unwrap();
    let version = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO blueprint_versions (id, blueprint_id, number, source, content_hash, created_at)
         SELECT $1, v.blueprint_id,
                (SELECT MAX(number) FROM blueprint_versions) + 1, $2, 'test', v.created_at
         FROM blueprint_versions v JOIN exam_sessions s ON s.blueprint_version_id = v.id
         WHERE s.id = $3",
    )
    .bind(&version)
    .bind(blueprint(module))
    .bind(&history.session)
    .execute(&app.db.write)
    .await
    .unwrap();
    let session = uuid::Uuid::new_v4().to_string();
    let code = format!("TC{}", &session[..8]).to_uppercase();
    copy_row(
        app,
        "exam_sessions",
        ("id", &history.session),
        &[
            ("id", quoted(&session)),
            ("code", quoted(&code)),
            ("organisation_id", quoted(&centre)),
            ("blueprint_version_id", quoted(&version)),
            ("title", quoted(&format!("Thi {module} tại {centre_code}"))),
            ("starts_at", starts.to_string()),
            ("ends_at", (starts + 3_600_000).to_string()),
            ("closed_at", (starts + 3_600_000).to_string()),
        ],
    )
    .await;
    let attempt = uuid::Uuid::new_v4().to_string();
    copy_row(
        app,
        "attempts",
        ("id", template),
        &[
            ("id", quoted(&attempt)),
            ("session_id", quoted(&session)),
            ("person_id", quoted(&history.person)),
            ("candidate_number", quoted(&format!("N{}", &attempt[..8]))),
        ],
    )
    .await;
    let results: Vec<String> = sqlx::query_scalar("SELECT id FROM results WHERE attempt_id = $1")
        .bind(template)
        .fetch_all(&app.db.read)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO responses (attempt_id, item_id, seq, value, flagged, saved_at)
         SELECT $1, item_id, seq, value, flagged, saved_at FROM responses WHERE attempt_id = $2",
    )
    .bind(&attempt)
    .bind(template)
    .execute(&app.db.write)
    .await
    .unwrap();
    for id in results {
        let copy = uuid::Uuid::new_v4().to_string();
        copy_row(
            app,
            "results",
            ("id", &id),
            &[("id", quoted(&copy)), ("attempt_id", quoted(&attempt))],
        )
        .await;
    }
    (session, attempt)
}

/// The admin approves a session's results through the results page.
pub async fn approve(app: &TestApp, session: &str) {
    let admin = app.another_browser();
    admin.signed_in_as(ADMIN).await;
    let base = format!("/sessions/{session}/results");
    let res = admin.post_form(&format!("{base}/approve"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("{base}?notice=result.approved"));
}

/// Sits and approves each (module, centre, day) with a passing copy.
pub async fn passes(app: &TestApp, history: &History, sittings: &[(&str, &str, &str)]) {
    for sitting in sittings {
        let (session, _) = sat(app, history, &history.pass.clone(), *sitting).await;
        approve(app, &session).await;
    }
}
