//! The storage under load and across restarts: concurrent writes never fail, demo data
//! loads idempotently, and what was written survives a restart of the application.

use reqwest::StatusCode;

use crate::helpers::{ADMIN, spawn_app_with_demo};

#[tokio::test]
async fn many_concurrent_writes_all_succeed() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(ADMIN).await;
    let centre = app.org_id("TT-HONGHA").await;
    let token = app.csrf().await;
    let path = app.url(&format!("/orgs/{centre}/rooms"));
    let requests = (0..120).map(|i| {
        let client = app.client.clone();
        let (path, token) = (path.clone(), token.clone());
        tokio::spawn(async move {
            let name = format!("Phòng {i:03}");
            let fields = [
                ("name", name.as_str()),
                ("seats", "20"),
                ("csrf", token.as_str()),
            ];
            client
                .post(path)
                .form(&fields)
                .send()
                .await
                .map(|r| r.status())
        })
    });
    let statuses = futures_util::future::join_all(requests).await;
    let failed: Vec<_> = statuses
        .into_iter()
        .map(|r| r.unwrap())
        .filter(|s| !matches!(s, Ok(StatusCode::SEE_OTHER)))
        .collect();
    assert!(failed.is_empty(), "failed writes: {failed:?}");
    let rooms = sathach::orgs::store::rooms(&app.db.read, &centre)
        .await
        .unwrap();
    assert_eq!(rooms.len(), 121);
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'room.create'")
            .fetch_one(&app.db.read)
            .await
            .unwrap();
    assert_eq!(audited, 120);
}

#[tokio::test]
async fn demo_data_loads_idempotently() {
    let app = spawn_app_with_demo().await;
    sathach::demo::load(&app.db).await.unwrap();
    sathach::demo::load(&app.db).await.unwrap();
    let orgs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let rooms: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rooms")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    assert_eq!((orgs, rooms, users), (4, 2, 3));
    let banks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bank_versions")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let shipped = sathach::banks::SHIPPED.len() as i64;
    assert_eq!(banks, shipped, "the shipped banks, each imported once");
    app.signed_in_as(ADMIN).await;
}

#[tokio::test]
async fn data_survives_a_restart_of_the_application() {
    let app = spawn_app_with_demo().await;
    // Stopped first: a second server on a live SQLite database is refused (serve_lock.rs).
    let restarted = app.restart(|_| async {}).await;
    let res = restarted.sign_in(ADMIN).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "accounts and the server secret survive"
    );
}
