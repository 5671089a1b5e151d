//! The ledger across time: passes approved before the ledger existed are credited when the
//! upgraded server starts; a module revoked for misconduct stays revoked whatever a later
//! regrade does to the result.

use sathach::credits::{
    earlier,
    store::{Cause, Change},
};

use crate::{
    credits::standing,
    credits_fixture::{approve, history},
    helpers::spawn_app_with_demo,
    regrade::{correct_keys, finished},
};

#[tokio::test]
async fn passes_approved_before_the_ledger_are_credited_when_the_upgraded_server_starts() {
    let app = spawn_app_with_demo().await;
    let history = history(&app).await;
    // An approval as an earlier version wrote it: the row only, no ledger.
    sqlx::query(
        "INSERT INTO result_approvals (session_id, approved_by, approved_at)
         SELECT $1, id, 0 FROM users WHERE role = 'centre_manager'",
    )
    .bind(&history.session)
    .execute(&app.db.write)
    .await
    .unwrap();
    assert!(standing(&app, &history.person).await.is_empty());
    let app = app.restart(|_| async {}).await;
    assert_eq!(
        standing(&app, &history.person).await,
        [("earned".into(), Some("IU01".into()), 1)]
    );
    let app = app.restart(|_| async {}).await;
    assert_eq!(standing(&app, &history.person).await.len(), 1, "once");
}

#[tokio::test]
async fn a_module_revoked_for_misconduct_is_not_earned_again_by_a_regrade() {
    let app = spawn_app_with_demo().await;
    let history = history(&app).await;
    approve(&app, &history.session).await;
    let entry: String = sqlx::query_scalar("SELECT id FROM credit_entries WHERE person_id = $1")
        .bind(&history.person)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let mut tx = app.db.begin_write().await.unwrap();
    let misconduct = Change {
        cause: Cause::Misconduct,
        reason: "Mang tài liệu vào phòng thi (biên bản số 12)",
        by: None,
    };
    assert!(
        earlier::revoke(&mut tx, &history.person, &entry, misconduct)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    assert!(standing(&app, &history.person).await.is_empty());
    // The result fails, then passes again: the revocation stands.
    let version = correct_keys(&app, false, "Sửa nhầm đáp án").await;
    finished(&app, &version).await;
    let back = correct_keys(&app, true, "Khôi phục đáp án").await;
    finished(&app, &back).await;
    assert!(standing(&app, &history.person).await.is_empty());
    let entries = app
        .count(&format!(
            "SELECT COUNT(*) FROM credit_entries WHERE person_id = '{}'",
            history.person
        ))
        .await;
    assert_eq!(entries, 2, "the earned entry and its one revocation");
}
