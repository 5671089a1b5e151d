//! Migrations: both trees stay in step (the same files, and the same schema once applied), and
//! a database from a newer sathach is refused.

use sathach::{config::Settings, db::Db};

use crate::{helpers::fresh_settings, schema};

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
async fn sqlite_and_postgres_migrate_to_the_same_schema() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Db::connect_and_migrate(&Settings::for_data_dir(dir.path()))
        .await
        .unwrap();
    let on_sqlite = schema::read(&sqlite).await;
    sqlite.close().await;
    let attempts = &on_sqlite["attempts"];
    assert_eq!(attempts.primary_key, ["id"]);
    assert!(attempts.columns["revision"].not_null && attempts.columns["revision"].ty == "BIGINT");
    // The comparison names what differs.
    let mut changed = on_sqlite.clone();
    let revision = changed.get_mut("attempts").unwrap();
    revision.columns.get_mut("revision").unwrap().ty = "INTEGER".into();
    revision.columns.get_mut("revision").unwrap().not_null = false;
    changed.remove("node_heartbeats");
    assert_eq!(
        schema::differences(("SQLite", &on_sqlite), ("PostgreSQL", &changed)),
        [
            "attempts.revision: BIGINT NOT NULL on SQLite, INTEGER NULL on PostgreSQL",
            "table node_heartbeats: only on SQLite",
        ]
    );
    if std::env::var("TEST_DATABASE_URL").is_err() {
        eprintln!("skipping the PostgreSQL half: TEST_DATABASE_URL is not set (CI sets it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let postgres = Db::connect_and_migrate(&fresh_settings(dir.path()).await)
        .await
        .unwrap();
    let on_postgres = schema::read(&postgres).await;
    postgres.close().await;
    let differences = schema::differences(("SQLite", &on_sqlite), ("PostgreSQL", &on_postgres));
    assert!(
        differences.is_empty(),
        "the engines' schemas differ:\n{}",
        differences.join("\n")
    );
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
