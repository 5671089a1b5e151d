//! Stored results proven by recomputation: `sathach results verify` after a real sitting, a
//! tampered result caught, answers changed after grading told apart, the database refusing to
//! edit a result, and results stored by an earlier version recomputed exactly.

use std::process::Output;

use sathach::{
    db::Backend,
    grading::{self, model::ResultKind},
};

use crate::{
    candidates::{Sitting, answering, post_question},
    cli::{sathach, text},
    helpers::{TestApp, spawn_app_with_demo},
};

/// Candidate `index` of the demo session answers questions 1–3 and submits.
async fn submitted(app: &TestApp, index: usize) -> Sitting {
    let a = answering(app, index).await;
    for (n, fields) in a.pages.iter().enumerate() {
        let mut with_seq = fields.clone();
        with_seq.push(("seq".into(), "1".into()));
        post_question(&a.s, n + 1, &with_seq, "next").await;
    }
    a.s.submits().await;
    a.s
}

/// `sathach results verify` against the app's database, with these extra arguments.
pub fn verify(app: &TestApp, extra: &[&str]) -> Output {
    let data_dir = app.settings.data_dir.to_str().unwrap().to_string();
    let mut args = vec![
        "results",
        "verify",
        "--database-url",
        app.settings.database_url.expose(),
        "--data-dir",
        &data_dir,
    ];
    args.extend_from_slice(extra);
    sathach(&app.settings.data_dir, &args)
}

async fn session_code(app: &TestApp, session: &str) -> String {
    sqlx::query_scalar("SELECT code FROM exam_sessions WHERE id = $1")
        .bind(session)
        .fetch_one(&app.db.read)
        .await
        .unwrap()
}

/// Lets the test change a stored result, as someone with the database's password could.
async fn allow_tampering(app: &TestApp) {
    let statements: &[&str] = match app.db.backend {
        Backend::Sqlite => &[
            "DROP TRIGGER results_no_update",
            "DROP TRIGGER results_no_delete",
        ],
        Backend::Postgres => &["DROP TRIGGER results_no_change ON results"],
    };
    for sql in statements {
        sqlx::query(sql).execute(&app.db.write).await.unwrap();
    }
}

#[tokio::test]
async fn verify_is_clean_after_a_sitting_and_catches_a_tampered_result() {
    let app = spawn_app_with_demo().await;
    let first = submitted(&app, 0).await;
    let second = submitted(&app, 1).await;
    let code = session_code(&app, &first.session).await;

    let out = verify(&app, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("Đã kiểm tra 2 kết quả; 0 kết quả có khác biệt."),
        "{}",
        text(&out)
    );

    // The database itself refuses to edit or remove a result.
    let refused = sqlx::query("UPDATE results SET points_num = points_num + 1")
        .execute(&app.db.write)
        .await;
    assert!(refused.is_err(), "results are append-only");
    assert!(
        sqlx::query("DELETE FROM results")
            .execute(&app.db.write)
            .await
            .is_err()
    );

    // One point more for the first candidate, in the columns and the scoring alike.
    allow_tampering(&app).await;
    let stored = grading::store::current(&app.db.read, &first.attempt)
        .await
        .unwrap()
        .unwrap();
    let mut score = stored.score.clone().unwrap();
    score.total.points += 1;
    sqlx::query("UPDATE results SET points_num = $1, points_den = $2, score = $3 WHERE id = $4")
        .bind(*score.total.points.numer())
        .bind(*score.total.points.denom())
        .bind(serde_json::to_string(&score).unwrap())
        .bind(&stored.id)
        .execute(&app.db.write)
        .await
        .unwrap();
    // The second candidate's stored answer to question 1 is changed after grading.
    sqlx::query(
        "UPDATE responses SET value = NULL WHERE attempt_id = $1 AND value IS NOT NULL
           AND item_id = (SELECT MIN(item_id) FROM responses WHERE attempt_id = $1 AND value IS NOT NULL)",
    )
    .bind(&second.attempt)
    .execute(&app.db.write)
    .await
    .unwrap();

    let out = verify(&app, &[]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains(&format!(
            "{code} {} ({}): kết quả khác khi tính lại (total",
            first.number, first.attempt
        )),
        "{all}"
    );
    assert!(
        all.contains(&format!(
            "{code} {} ({}): câu trả lời đã thay đổi sau khi chấm",
            second.number, second.attempt
        )),
        "{all}"
    );
    assert!(all.contains("2 kết quả có khác biệt"), "{all}");

    // One session only, and an unknown session is an error of its own.
    let out = verify(&app, &["--session", &code, "--lang", "en"]);
    assert!(
        text(&out).contains("2 results checked; 2 differ."),
        "{}",
        text(&out)
    );
    let out = verify(&app, &["--session", "NO-SUCH"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("NO-SUCH"), "{}", text(&out));
}

#[tokio::test]
async fn results_stored_before_exact_results_are_recomputed_when_the_server_starts() {
    let app = spawn_app_with_demo().await;
    let s = submitted(&app, 0).await;
    let graded = grading::store::current(&app.db.read, &s.attempt)
        .await
        .unwrap()
        .unwrap();
    // As an earlier version left it: the old row, and no row in `results` yet.
    allow_tampering(&app).await;
    sqlx::query("DELETE FROM results WHERE attempt_id = $1")
        .bind(&s.attempt)
        .execute(&app.db.write)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO attempt_results (attempt_id, outcome, points, max_points, detail, responses_digest, created_at)
         VALUES ($1, $2, $3, $4, '{}', $5, $6)",
    )
    .bind(&s.attempt)
    .bind(graded.outcome().unwrap().as_str())
    .bind(grading::model::decimal(graded.total().unwrap().points))
    .bind(graded.total().unwrap().max)
    .bind(&graded.responses_digest)
    .bind(graded.created_at)
    .execute(&app.db.write)
    .await
    .unwrap();

    let app = app.restart(|_| async {}).await;
    let history = grading::store::history(&app.db.read, &s.attempt)
        .await
        .unwrap();
    assert_eq!(history.len(), 1, "{history:?}");
    let migrated = &history[0];
    assert_eq!(migrated.kind, ResultKind::Migrated);
    assert_eq!(migrated.score, graded.score, "recomputed exactly");
    assert_eq!(
        (migrated.created_at, &migrated.responses_digest),
        (graded.created_at, &graded.responses_digest),
        "keeps when and what was graded"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM attempt_results").await, 0);
    let out = verify(&app, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}
