//! An attempt whose stored state is none the application knows is an error wherever it is
//! read: the console and its actions fail with a 500 (the cause logged), never treating the
//! candidate as "not arrived".

use reqwest::StatusCode;
use sathach::attempts::store;

use crate::helpers::{PROCTOR, spawn_app_with_demo};

#[tokio::test]
async fn an_unknown_stored_state_fails_cleanly_instead_of_meaning_not_arrived() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let (session, attempts) = app.demo_session().await;
    let a = attempts[0].as_str();
    let console = format!("/sessions/{session}/console");
    assert_eq!(app.get(&console).await.status(), StatusCode::OK);

    sqlx::query("UPDATE attempts SET state = 'arrived_maybe' WHERE id = $1")
        .bind(a)
        .execute(&app.db.write)
        .await
        .unwrap();

    let read = store::entry(&app.db.read, a).await;
    let error = format!("{:#}", read.expect_err("an unknown state does not read"));
    assert!(error.contains("\"arrived_maybe\""), "{error}");

    assert_eq!(
        app.get(&console).await.status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    let check_in = app
        .post_form(&format!("/sessions/{session}/attempts/{a}/check-in"), &[])
        .await;
    assert_eq!(check_in.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let stored: String = sqlx::query_scalar("SELECT state FROM attempts WHERE id = $1")
        .bind(a)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    assert_eq!(stored, "arrived_maybe", "nothing was written over it");
    // The other candidates' attempts still read.
    assert!(
        store::entry(&app.db.read, &attempts[1])
            .await
            .unwrap()
            .is_some()
    );
}
