//! The demo's past: its approved sitting of the basic-certificate exam went through the real
//! start, saves, submission, practical entry and approval, and left a ledger and a certificate.

use crate::{
    credits::{certificates, standing},
    helpers::spawn_app_with_history,
};

#[tokio::test]
async fn the_demo_history_credits_the_passing_teacher_and_issues_her_certificate_once() {
    // The history is loaded twice before the server starts.
    let app = spawn_app_with_history().await;
    let person = |name: &str| {
        let name = name.to_string();
        let db = app.db.read.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT id FROM people WHERE full_name = $1")
                .bind(name)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    let (passed, failed) = (person("Trần Thị Bình").await, person("Phạm Thị Dung").await);
    assert_eq!(standing(&app, &passed).await.len(), 6, "IU01–IU06");
    assert!(standing(&app, &failed).await.is_empty());
    let held = certificates(&app, &passed).await;
    assert_eq!(held.len(), 1, "loading twice issues once: {held:?}");
    assert_eq!(
        (held[0].0.as_str(), held[0].2.as_str(), held[0].3),
        ("TT03-CB", "TT-SAOMAI", 1)
    );
    assert!(certificates(&app, &failed).await.is_empty());
}
