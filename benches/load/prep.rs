//! The load harness's data: a fresh database (a SQLite file in a temporary data folder, or a
//! PostgreSQL database it creates and drops), the demo loaded, and a roster of generated
//! candidates enrolled, the session opened and every candidate admitted as the proctor does,
//! with the access codes their slips would print.

use sathach::{config::Settings, db::Db};
use sqlx::{Connection, Executor};

use super::support;

/// One candidate as the slip tells them: what they type to sign in, and their attempt.
#[derive(Clone, Debug)]
pub struct Seat {
    pub attempt: String,
    pub number: String,
    pub code: String,
    pub birth_date: String,
}

/// Where the run's data lives; dropping it removes the folder (and the PostgreSQL database
/// when `drop_database` is called).
pub struct Data {
    pub settings: Settings,
    _dir: tempfile::TempDir,
    /// The maintenance URL and the database's name, on PostgreSQL.
    postgres: Option<(String, String)>,
}

impl Data {
    /// A new data folder, on SQLite, or on a new database of the PostgreSQL server that
    /// `admin_url` reaches.
    pub async fn create(admin_url: Option<&str>) -> anyhow::Result<Data> {
        let dir = tempfile::tempdir()?;
        let mut settings = Settings::for_data_dir(dir.path());
        let mut postgres = None;
        if let Some(admin_url) = admin_url {
            let name = format!("sathach_load_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(admin_url).await?;
            conn.execute(format!("CREATE DATABASE {name}").as_str())
                .await?;
            conn.close().await?;
            let mut url = url::Url::parse(admin_url)?;
            url.set_path(&name);
            settings.database_url = sathach::config::Secret::new(url.to_string());
            postgres = Some((admin_url.to_string(), name));
        }
        Ok(Data {
            settings,
            _dir: dir,
            postgres,
        })
    }

    /// "SQLite 3.x" or "PostgreSQL 15.x".
    pub async fn engine(&self, db: &Db) -> String {
        let sql = if self.postgres.is_some() {
            "SELECT 'PostgreSQL ' || current_setting('server_version')"
        } else {
            "SELECT 'SQLite ' || sqlite_version()"
        };
        sqlx::query_scalar(sql)
            .fetch_one(&db.read)
            .await
            .unwrap_or_else(|e| format!("unknown ({e})"))
    }

    /// Drops the PostgreSQL database (nothing on SQLite: the folder goes with `Data`).
    pub async fn drop_database(&self) -> anyhow::Result<()> {
        if let Some((admin_url, name)) = &self.postgres {
            let mut conn = sqlx::PgConnection::connect(admin_url).await?;
            conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await?;
            conn.close().await?;
        }
        Ok(())
    }
}

/// Migrates, loads the demo, enrols `n` candidates in the demo session, opens it and admits
/// them all. The database is closed again, ready for the server.
pub async fn roster(settings: &Settings, n: usize) -> anyhow::Result<Vec<Seat>> {
    let db = Db::connect_and_migrate(settings).await?;
    sathach::demo::load(&db).await?;
    let session = support::demo_session(&db).await;
    let all = support::enrolled(&db, &session, n).await;
    // The demo's own candidates come first; ours are the last `n`.
    let ours = all[all.len() - n..].to_vec();
    let proctor = support::proctor(&db).await;
    support::admit_all(&db, &ours, &proctor).await;
    let key = sathach::startup::server_secret(&db).await?;
    let numbers: Vec<(String, String)> =
        sqlx::query_as("SELECT id, candidate_number FROM attempts WHERE session_id = $1")
            .bind(&session.id)
            .fetch_all(&db.read)
            .await?;
    let numbers: std::collections::HashMap<String, String> = numbers.into_iter().collect();
    let seats = ours
        .into_iter()
        .map(|attempt| Seat {
            number: numbers[&attempt].clone(),
            code: sathach::attempts::access_code(&key, &attempt, 1),
            birth_date: "01/01/2008".into(),
            attempt,
        })
        .collect();
    db.close().await;
    Ok(seats)
}

/// Resumes every candidate's attempt, as the proctor does after a restart paused them.
pub async fn resume(settings: &Settings, seats: &[Seat]) -> anyhow::Result<()> {
    let db = Db::connect(settings).await?;
    let attempts: Vec<String> = seats.iter().map(|s| s.attempt.clone()).collect();
    let resume = [sathach::attempts::clock::Change::Resume];
    support::change_all(&db, &attempts, &resume).await;
    db.close().await;
    Ok(())
}
