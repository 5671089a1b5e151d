//! Migrations: both trees stay in step, and a database from a newer sathach is refused.

use crate::helpers::fresh_settings;

#[test]
fn sqlite_and_postgres_migrations_have_the_same_files() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let names = |dir: &str| {
        let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names("sqlite"), names("postgres"));
    assert!(!names("sqlite").is_empty());
}

#[tokio::test]
async fn migrating_twice_is_harmless() {
    let dir = tempfile::tempdir().unwrap();
    let settings = fresh_settings(dir.path()).await;
    sathach::db::Db::connect_and_migrate(&settings)
        .await
        .unwrap()
        .close()
        .await;
    sathach::db::Db::connect_and_migrate(&settings)
        .await
        .unwrap()
        .close()
        .await;
}

#[tokio::test]
async fn a_database_from_a_newer_version_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let settings = fresh_settings(dir.path()).await;
    let db = sathach::db::Db::connect_and_migrate(&settings)
        .await
        .unwrap();
    let checksum = match db.backend {
        sathach::db::Backend::Sqlite => "X'00'",
        sathach::db::Backend::Postgres => "'\\x00'::bytea",
    };
    sqlx::query(&format!(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time)
         VALUES (99990101000000, 'from the future', CURRENT_TIMESTAMP, TRUE, {checksum}, 0)"
    ))
    .execute(&db.write)
    .await
    .unwrap();
    db.close().await;
    let err = sathach::db::Db::connect_and_migrate(&settings)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("newer version of sathach"), "{err}");
}
