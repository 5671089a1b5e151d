//! `spawn_app()` and typed request helpers shared by the integration tests.

use std::sync::Once;

use actix_web::dev::ServerHandle;
use reqwest::{Response, StatusCode, redirect::Policy};
use sathach::{
    config::{Secret, Settings},
    db::Db,
    startup::Application,
};
use sqlx::{Connection, Executor};

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub settings: Settings,
    _dir: std::sync::Arc<tempfile::TempDir>,
    server: Option<(ServerHandle, tokio::task::JoinHandle<anyhow::Result<()>>)>,
}

/// The demo accounts' credentials, loaded by `spawn_app_with_demo`.
pub const ADMIN: (&str, &str) = ("admin@demo.sathach.vn", "demo-admin-2026");
pub const MANAGER: (&str, &str) = ("quanly@demo.sathach.vn", "demo-quanly-2026");
pub const PROCTOR: (&str, &str) = ("giamthi@demo.sathach.vn", "demo-giamthi-2026");

/// The password `browser_for_new_account` sets.
pub const NEW_PASSWORD: &str = "mật khẩu đã đổi 2026";

static TRACING: Once = Once::new();

/// Settings for a fresh database: a new SQLite file, or a new PostgreSQL database.
pub async fn fresh_settings(dir: &std::path::Path) -> Settings {
    TRACING.call_once(|| {
        if std::env::var("TEST_LOG").is_ok() {
            sathach::telemetry::init(sathach::config::LogFormat::Text);
        }
    });
    let mut settings = Settings::for_data_dir(dir);
    // Uploads are checked by the server binary itself, not by this test binary.
    settings.checker.program = env!("CARGO_BIN_EXE_sathach").into();
    if let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") {
        let name = format!("sathach_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(&admin_url)
            .await
            .expect("TEST_DATABASE_URL reachable");
        conn.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create test database");
        let mut url = url::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
        url.set_path(&name);
        settings.database_url = Secret::new(url.to_string());
    }
    settings
}

/// The `sathach` binary on the settings' database and data folder (where the key file is),
/// run in that folder, with no configuration taken from the environment; the caller adds the
/// command and its options.
pub fn sathach_on(settings: &Settings) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_sathach"));
    command
        .arg("--database-url")
        .arg(settings.database_url.expose())
        .arg("--data-dir")
        .arg(&settings.data_dir)
        .current_dir(&settings.data_dir)
        .env_remove("SATHACH_CONFIG")
        .env_remove("SATHACH_DATA_DIR");
    command
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the application on port 0 with settings adjusted by `tune`.
pub async fn spawn_app_with(tune: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = fresh_settings(dir.path()).await;
    tune(&mut settings);
    start(settings, std::sync::Arc::new(dir)).await
}

/// Starts the application on exactly these settings (a data folder the test prepared), with
/// the demo loaded; `dir` is kept for the app's lifetime.
pub async fn spawn_demo_on(settings: Settings, dir: tempfile::TempDir) -> TestApp {
    let app = start(settings, std::sync::Arc::new(dir)).await;
    sathach::demo::load(&app.db).await.expect("demo loads");
    app
}

/// Migrates the database and starts the application on it.
async fn start(settings: Settings, dir: std::sync::Arc<tempfile::TempDir>) -> TestApp {
    try_start(settings, dir).await.expect("app builds")
}

async fn try_start(
    settings: Settings,
    dir: std::sync::Arc<tempfile::TempDir>,
) -> anyhow::Result<TestApp> {
    let db = Db::connect_and_migrate(&settings)
        .await
        .expect("database ready");
    let app = match Application::build(settings.clone(), db.clone()).await {
        Ok(app) => app,
        Err(e) => {
            db.close().await;
            return Err(e);
        }
    };
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let task = tokio::spawn(app.run_until_stopped());
    Ok(TestApp {
        address,
        client: new_client(),
        db,
        settings,
        _dir: dir,
        server: Some((handle, task)),
    })
}

/// The app with the demo and its past sittings (`demo::load_history`) loaded before it starts
/// serving, as `serve --demo` does: a running node's deadline sweep would otherwise take a
/// past sitting between its start and its submission.
pub async fn spawn_app_with_history() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = fresh_settings(dir.path()).await;
    let db = Db::connect_and_migrate(&settings)
        .await
        .expect("database ready");
    sathach::demo::load(&db).await.expect("demo loads");
    sathach::demo::load_history(&db)
        .await
        .expect("history loads");
    // Loading again changes nothing (what `serve --demo` does at every start).
    sathach::demo::load_history(&db)
        .await
        .expect("history loads again");
    db.close().await;
    start(settings, std::sync::Arc::new(dir)).await
}

/// The app with the demo department, centres, rooms and accounts loaded.
pub async fn spawn_app_with_demo() -> TestApp {
    let app = spawn_app().await;
    sathach::demo::load(&app.db).await.expect("demo loads");
    app
}

/// A browser-like client: keeps cookies, never follows redirects by itself.
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        // Idle connections are dropped before the server's keep-alive (5 s) closes them, so a
        // request never goes out on a connection the server is closing at that moment (seen as
        // `IncompleteMessage` on a slow, busy machine).
        .pool_idle_timeout(std::time::Duration::from_secs(2))
        .build()
        .expect("client")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_text(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body")
    }

    /// The CSRF token the server gives this client's browser now.
    pub async fn csrf(&self) -> String {
        let html = self.get_text("/sign-in").await;
        csrf_in(&html).expect("sign-in page carries a CSRF token")
    }

    /// Posts a form as a browser would, with this client's current CSRF token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf", &token));
        self.post_raw(path, &all).await
    }

    /// Posts a file (field `file`) and other fields as a multipart form to a path that already
    /// carries its `?csrf=` token, as the upload forms do; the status and the page.
    pub async fn post_file(
        &self,
        path: &str,
        (name, bytes): (&str, Vec<u8>),
        fields: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
        let mut form = reqwest::multipart::Form::new().part("file", part);
        for (field, value) in fields {
            form = form.text(field.to_string(), value.to_string());
        }
        let res = self
            .client
            .post(self.url(path))
            .multipart(form)
            .send()
            .await
            .expect("POST");
        (res.status(), res.text().await.expect("a page"))
    }

    /// Uploads a bank file through `/banks` with these form fields.
    pub async fn upload_bank(
        &self,
        name: &str,
        bytes: Vec<u8>,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let token = self.csrf().await;
        let path = format!("/banks/upload?csrf={token}");
        self.post_file(&path, (name, bytes), fields).await
    }

    /// Uploads a bank file with these form fields and confirms its import: the file must be
    /// valid and the import done.
    pub async fn import_bank_file(&self, name: &str, bytes: Vec<u8>, fields: &[(&str, &str)]) {
        let (status, page) = self.upload_bank(name, bytes, fields).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let res = self.confirm_upload(&page).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{name}");
    }

    /// Confirms the import offered on an upload's report page.
    pub async fn confirm_upload(&self, report: &str) -> Response {
        self.confirm_upload_with(report, &[]).await
    }

    /// Confirms the import offered on an upload's report page with these form fields (a key
    /// correction and its reason, say).
    pub async fn confirm_upload_with(&self, report: &str, fields: &[(&str, &str)]) -> Response {
        let start = report.find("/banks/upload/").expect("a confirm form") + "/banks/upload/".len();
        let id = &report[start..start + 36];
        self.post_form(&format!("/banks/upload/{id}/confirm"), fields)
            .await
    }

    /// One number from the database (`SELECT COUNT(*) …`).
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.db.read)
            .await
            .expect("a count")
    }

    /// Posts exactly these fields (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    pub async fn sign_in(&self, (email, password): (&str, &str)) -> Response {
        self.post_form("/sign-in", &[("email", email), ("password", password)])
            .await
    }

    /// Signs in and asserts it worked.
    pub async fn signed_in_as(&self, who: (&str, &str)) {
        let res = self.sign_in(who).await;
        let status = res.status();
        assert_eq!(
            status,
            StatusCode::SEE_OTHER,
            "sign-in of {} failed: {}",
            who.0,
            res.text().await.unwrap_or_default()
        );
    }

    /// A browser on a server this test runs as a child process, on that server's database.
    pub fn on_running_server(address: String, db: Db, settings: Settings) -> TestApp {
        TestApp {
            address,
            client: new_client(),
            db,
            settings,
            _dir: std::sync::Arc::new(tempfile::tempdir().expect("temp dir")),
            server: None,
        }
    }

    /// A second browser on the same server.
    pub fn another_browser(&self) -> TestApp {
        TestApp {
            address: self.address.clone(),
            client: new_client(),
            db: self.db.clone(),
            settings: self.settings.clone(),
            _dir: self._dir.clone(),
            server: None,
        }
    }

    /// Stops the server (its heartbeat stops with it), runs `while_down` on the database, then
    /// starts a new server on the same database, as an operator restarting the service would.
    pub async fn restart<F>(mut self, while_down: impl FnOnce(Db) -> F) -> TestApp
    where
        F: std::future::Future<Output = ()>,
    {
        let (handle, task) = self
            .server
            .take()
            .expect("the first browser owns the server");
        handle.stop(true).await;
        task.await
            .expect("server task")
            .expect("server stopped cleanly");
        let db = Db::connect_and_migrate(&self.settings)
            .await
            .expect("database ready");
        while_down(db.clone()).await;
        db.close().await;
        start(self.settings.clone(), self._dir.clone()).await
    }

    /// Starts another server node called `node_name` on the same database, as a second
    /// machine of a PostgreSQL cluster would (on SQLite the database's lock refuses it).
    pub async fn another_node(&self, node_name: &str) -> anyhow::Result<TestApp> {
        let mut settings = self.settings.clone();
        settings.node_name = node_name.to_string();
        // Nodes of one database share the server key through their configuration.
        if settings.server_key.is_none() {
            let file = settings.data_dir.join(sathach::db::KEY_FILE);
            let key = std::fs::read_to_string(file).expect("the first node's key file");
            settings.server_key = Some(Secret::new(key.trim()));
        }
        self.start_node(settings).await
    }

    /// Another node on this app's data folder, with exactly these settings.
    pub async fn start_node(&self, settings: Settings) -> anyhow::Result<TestApp> {
        try_start(settings, self._dir.clone()).await
    }

    /// A browser signed in to a new account (created as `sathach user add` does, its temporary
    /// password already changed to `NEW_PASSWORD`).
    pub async fn browser_for_new_account(
        &self,
        org: &str,
        role: sathach::accounts::model::Role,
        email: &str,
    ) -> TestApp {
        let report = sathach::accounts::cli_add(&self.db, org, role, email, None)
            .await
            .unwrap();
        let temporary = report.rsplit(' ').next().unwrap().to_string();
        let browser = self.another_browser();
        browser.signed_in_as((email, &temporary)).await;
        let fields = [
            ("current", temporary.as_str()),
            ("new", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ];
        browser.post_form("/account/password", &fields).await;
        browser
    }

    /// The id of a staff account by e-mail.
    pub async fn user_id(&self, email: &str) -> String {
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(&self.db.read)
            .await
            .unwrap()
    }

    /// The id of an organisation by code.
    pub async fn org_id(&self, code: &str) -> String {
        sathach::orgs::store::by_code(&self.db.read, code)
            .await
            .unwrap()
            .expect("org exists")
            .id
    }
}

impl TestApp {
    /// The demo session's id and its attempts' ids in candidate-number order (not the demo's
    /// past sitting, which `serve --demo` adds).
    pub async fn demo_session(&self) -> (String, Vec<String>) {
        let session: String = sqlx::query_scalar("SELECT id FROM exam_sessions WHERE title = $1")
            .bind(sathach::demo::SESSION_TITLE)
            .fetch_one(&self.db.read)
            .await
            .unwrap();
        let attempts = sqlx::query_scalar(
            "SELECT id FROM attempts WHERE session_id = $1 ORDER BY candidate_number",
        )
        .bind(&session)
        .fetch_all(&self.db.read)
        .await
        .unwrap();
        (session, attempts)
    }

    /// An attempt's state and clock as stored.
    pub async fn clock_of(&self, attempt: &str) -> sathach::attempts::clock::AttemptClock {
        sqlx::query_as(
            "SELECT state, checked_in_at, checked_in_by, authorised_at, started_at,
                    accommodation_percent, extra_ms, paused_ms, paused_since, deadline_at, ended_at,
                    end_cause, paper_id, item_count, revision FROM attempts WHERE id = $1",
        )
        .bind(attempt)
        .fetch_one(&self.db.read)
        .await
        .unwrap()
    }
}

/// The `csrf` hidden field's value in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let start = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

pub fn location(res: &Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The temporary password shown on a "created" or "reset" page.
pub fn temporary_password_in(html: &str) -> String {
    let marker = "id=\"temporary-password\">";
    let start = html.find(marker).expect("temporary password shown") + marker.len();
    let end = html[start..].find('<').unwrap() + start;
    html[start..end].to_string()
}

/// How many items a shipped bank (`question_banks/`) has, of one topic or in all: the figures
/// pages show for the shipped banks, counted the way the importer reads them.
pub fn shipped_items(bank: &str, topic: Option<&str>) -> usize {
    sathach::banks::SHIPPED
        .iter()
        .filter_map(|(name, text)| sathach::banks::native::read_bank(name, text, vec![]).0)
        .filter(|b| b.meta.code == bank)
        .flat_map(|b| b.items)
        .filter(|i| topic.is_none_or(|t| i.topic == t))
        .count()
}
