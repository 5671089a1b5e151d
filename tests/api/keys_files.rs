//! Where the private signing keys live: databases from before keys get one per organisation at
//! the next start, once; an encrypted key file opens only with its passphrase; a server without
//! the key file refuses to sign and never makes a second key; the `key` commands.

use sathach::{
    config::Secret,
    db::Db,
    keys::{KeyFileError, SignError},
    orgs::model::OrgKind,
};

use crate::{
    cli::{sathach, text},
    helpers::{TestApp, spawn_app_with, spawn_app_with_demo},
};

async fn kids(db: &Db) -> Vec<(String, String)> {
    sqlx::query_as("SELECT organisation_id, kid FROM signing_keys ORDER BY organisation_id, kid")
        .fetch_all(&db.read)
        .await
        .unwrap()
}

fn key_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(app.settings.data_dir.join("keys"))
        .map(|dir| dir.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

#[tokio::test]
async fn a_database_from_before_keys_gets_them_at_the_next_start_once() {
    let app = spawn_app_with_demo().await;
    let folder = app.settings.data_dir.join("keys");
    let app = app
        .restart(|db| async move {
            sqlx::query("DELETE FROM signing_keys")
                .execute(&db.write)
                .await
                .unwrap();
            std::fs::remove_dir_all(folder).unwrap();
        })
        .await;
    let after = kids(&app.db).await;
    let organisations = app.count("SELECT COUNT(*) FROM organisations").await;
    assert_eq!(
        after.len() as i64,
        organisations,
        "one key per organisation"
    );
    assert_eq!(key_files(&app).len(), after.len());
    let department = app.org_id("SGD-DEMO").await;
    assert!(sathach::keys::signer(&app.db, &department).await.is_ok());

    let app = app.restart(|_| async {}).await;
    assert_eq!(kids(&app.db).await, after, "a second start creates no key");
    assert_eq!(key_files(&app).len(), after.len());
}

#[tokio::test]
async fn a_server_without_the_key_file_refuses_to_sign_and_makes_no_second_key() {
    let app = spawn_app_with_demo().await;
    let before = kids(&app.db).await;
    let department = app.org_id("SGD-DEMO").await;
    let kid = sathach::keys::signer(&app.db, &department)
        .await
        .unwrap()
        .kid;
    let file = app
        .settings
        .data_dir
        .join("keys")
        .join(format!("SGD-DEMO-{kid}.pem"));
    std::fs::remove_file(&file).unwrap();

    let app = app.restart(|_| async {}).await;
    assert_eq!(kids(&app.db).await, before, "no second key");
    assert!(!file.exists());
    let refused = refusal(&app.db, &department).await;
    assert!(
        matches!(refused, SignError::File(KeyFileError::Missing(_))),
        "{refused:?}"
    );
    let message = refused.to_string();
    assert!(message.contains(&file.display().to_string()), "{message}");

    app.signed_in_as(crate::helpers::ADMIN).await;
    let page = app.get_text(&format!("/orgs/{department}/keys")).await;
    assert!(page.contains("máy chủ này không ký được"), "{page}");
}

#[tokio::test]
async fn an_encrypted_key_file_opens_only_with_its_passphrase() {
    let phrase = "mật khẩu khoá ký 2026";
    let app = spawn_app_with(|s| s.signing_key_passphrase = Some(Secret::new(phrase))).await;
    sathach::orgs::cli_add(&app.db, "SGD-KEY", "Sở thử khoá", OrgKind::Department, None)
        .await
        .unwrap();
    let department = app.org_id("SGD-KEY").await;
    let signer = sathach::keys::signer(&app.db, &department).await.unwrap();
    let file = app
        .settings
        .data_dir
        .join("keys")
        .join(format!("SGD-KEY-{}.pem", signer.kid));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        "{text}"
    );
    assert!(!text.contains("BEGIN PRIVATE KEY"));

    let mut settings = app.settings.clone();
    settings.signing_key_passphrase = None;
    let without = Db::connect(&settings).await.unwrap();
    let refused = refusal(&without, &department).await;
    assert!(
        matches!(refused, SignError::File(KeyFileError::Locked(_))),
        "{refused:?}"
    );
    assert!(
        refused.to_string().contains("signing_key_passphrase"),
        "{refused}"
    );
    without.close().await;

    settings.signing_key_passphrase = Some(Secret::new("sai mật khẩu"));
    let wrong = Db::connect(&settings).await.unwrap();
    let refused = refusal(&wrong, &department).await;
    assert!(
        refused.to_string().contains("does not open it"),
        "{refused}"
    );
    wrong.close().await;
    assert_eq!(kids(&app.db).await.len(), 1, "no second key");
}

#[test]
fn key_commands_rotate_and_list_from_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let add = ["org", "add", "--code", "SGD-CLI", "--name", "Sở dòng lệnh"];
    let out = sathach(dir.path(), &add);
    assert!(out.status.success(), "{}", text(&out));
    let listed = text(&sathach(dir.path(), &["key", "list", "--org", "sgd-cli"]));
    assert_eq!(listed.matches("current").count(), 1, "{listed}");
    assert!(listed.contains("Held"), "{listed}");

    let out = sathach(dir.path(), &["key", "rotate", "--org", "SGD-CLI"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("retired (still published)"),
        "{}",
        text(&out)
    );
    let listed = text(&sathach(dir.path(), &["key", "list", "--org", "SGD-CLI"]));
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert_eq!(listed.matches("retired").count(), 1, "{listed}");

    let out = sathach(dir.path(), &["key", "rotate", "--org", "NO-SUCH"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let files = std::fs::read_dir(dir.path().join("data/keys"))
        .unwrap()
        .count();
    assert_eq!(files, 2);
}

#[tokio::test]
async fn nodes_sharing_a_key_folder_sign_with_the_same_key_and_others_refuse() {
    let shared = tempfile::tempdir().unwrap();
    let folder = shared.path().join("signing");
    let app = spawn_app_with(|s| s.signing_keys_dir = Some(folder.clone())).await;
    sathach::orgs::cli_add(
        &app.db,
        "SGD-NODE",
        "Sở nhiều máy",
        OrgKind::Department,
        None,
    )
    .await
    .unwrap();
    let department = app.org_id("SGD-NODE").await;
    let first = sathach::keys::signer(&app.db, &department).await.unwrap();
    let file = folder.join(format!("SGD-NODE-{}.pem", first.kid));
    assert!(file.exists(), "the key is written to the shared folder");
    assert!(
        key_files(&app).is_empty(),
        "nothing in the data folder's keys/"
    );

    // Another node configured with the same folder signs with the same key.
    let second = Db::connect(&app.settings).await.unwrap();
    let signer = sathach::keys::signer(&second, &department).await.unwrap();
    assert_eq!(signer.verifying_key(), first.verifying_key());
    second.close().await;

    // A node with a folder of its own refuses to sign and, starting up, makes no key.
    let mut alone = app.settings.clone();
    alone.signing_keys_dir = Some(shared.path().join("other"));
    let third = Db::connect(&alone).await.unwrap();
    assert_eq!(sathach::keys::ensure_all(&third).await.unwrap(), 0);
    let refused = refusal(&third, &department).await;
    assert!(
        matches!(refused, SignError::File(KeyFileError::Missing(_))),
        "{refused:?}"
    );
    third.close().await;
    assert_eq!(kids(&app.db).await.len(), 1);
}

/// Why the node on `db` refuses to sign for the organisation (it must refuse).
async fn refusal(db: &Db, organisation: &str) -> SignError {
    sathach::keys::signer(db, organisation)
        .await
        .err()
        .expect("the node refuses to sign")
}
