//! Settings: command-line flags first, then `SATHACH_*` environment variables, then an
//! optional TOML file, then defaults. Secrets are redacted wherever settings are printed.

use std::{
    fmt,
    path::{Path, PathBuf},
};

use serde::Deserialize;
use url::Url;

/// Default upload limit: 50 MB.
pub const DEFAULT_UPLOAD_LIMIT_BYTES: usize = 50 * 1024 * 1024;
/// How many answer saves may wait for the database by default (see `Settings::save_queue_limit`).
pub const DEFAULT_SAVE_QUEUE_LIMIT: usize = 4096;

/// A value that must never reach a log line or `--help`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One human-readable line per event.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Staff sign-in throttling: per account strictly, per client address loosely, because a
/// whole computer lab often shares one address and must never be locked out together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottleSettings {
    pub account_failures: u32,
    pub client_failures: u32,
    pub window_minutes: u32,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        Self {
            account_failures: 10,
            client_failures: 300,
            window_minutes: 15,
        }
    }
}

/// The resolved settings of one run.
#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: Secret,
    pub data_dir: PathBuf,
    pub listen: String,
    pub public_url: Url,
    pub log_format: LogFormat,
    pub throttle: ThrottleSettings,
    pub session_hours: u32,
    pub metrics_token: Option<Secret>,
    pub workers: Option<usize>,
    /// Largest bank upload accepted, in bytes.
    pub upload_limit_bytes: usize,
    /// Seconds after a deadline during which saves in flight are accepted.
    pub grace_seconds: i64,
    /// How many minutes before a session's start its proctor may open it (0: not before).
    pub open_early_minutes: i64,
    /// How many answer saves may wait for the database; beyond, a save is answered "busy"
    /// at once and the page sends it again.
    pub save_queue_limit: usize,
    /// This server's stable name among the nodes sharing a database (default: the host name);
    /// a restart recognises its own earlier heartbeats by it.
    pub node_name: String,
    /// How uploads are checked in a child process (see `checker`).
    pub checker: crate::checker::CheckerSettings,
    /// The server key shared by several nodes (URL-safe base64); without it, the key file
    /// `server.key` in the data folder.
    pub server_key: Option<Secret>,
    /// The reverse proxy in front of the server: requests from these peer addresses name the
    /// client in `proxy.header`; from anyone else the header is ignored.
    pub proxy: ProxySettings,
    /// Certificate look-ups (`/verify`) one client address may make per minute, counted in
    /// each node's memory.
    pub verify_per_minute: u32,
    /// Responses an item (and attempts a test) needs before item analysis shows its figures.
    pub analysis_min_responses: usize,
    /// How long a ledger row waits before the API's feeds serve it, so a transaction still
    /// open when a page was read cannot write a row behind the cursor handed out.
    pub api_settle_seconds: i64,
    /// The folder of the organisations' signing-key files, shared by several PostgreSQL nodes;
    /// without it, `keys/` in the data folder (see `keys`).
    pub signing_keys_dir: Option<PathBuf>,
    /// The passphrase that encrypts the signing-key files (encrypted PKCS#8); without it they
    /// are written unencrypted (0600).
    pub signing_key_passphrase: Option<Secret>,
}

/// Look-ups per client address and minute on the public verification page, by default.
pub const DEFAULT_VERIFY_PER_MINUTE: u32 = 30;

/// Seconds before the API's feeds serve a row, by default.
pub const DEFAULT_API_SETTLE_SECONDS: i64 = 60;

/// Which peers are trusted reverse proxies, and the header they put the client address in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxySettings {
    pub trusted: Vec<std::net::IpAddr>,
    /// `X-Forwarded-For` (the right-most untrusted address is taken), `X-Real-IP` or `Forwarded`.
    pub header: String,
}

impl Default for ProxySettings {
    fn default() -> Self {
        Self {
            trusted: Vec::new(),
            header: "X-Forwarded-For".into(),
        }
    }
}

impl ProxySettings {
    /// Parses the comma-separated list of proxy addresses.
    pub fn parse_trusted(raw: &str) -> Result<Vec<std::net::IpAddr>, String> {
        raw.split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.parse().map_err(|_| {
                    format!("trusted proxy {a:?} is not an IP address (expected e.g. 127.0.0.1)")
                })
            })
            .collect()
    }
}

impl Settings {
    /// Settings for tests and embedding: SQLite under `data_dir`, port 0.
    pub fn for_data_dir(data_dir: &Path) -> Self {
        Self {
            database_url: Secret::new(default_database_url(data_dir)),
            data_dir: data_dir.to_path_buf(),
            listen: "127.0.0.1:0".into(),
            public_url: Url::parse("http://127.0.0.1/").expect("static URL"),
            log_format: LogFormat::Text,
            throttle: ThrottleSettings::default(),
            session_hours: 12,
            metrics_token: None,
            workers: Some(2),
            upload_limit_bytes: DEFAULT_UPLOAD_LIMIT_BYTES,
            grace_seconds: 30,
            open_early_minutes: 0,
            save_queue_limit: DEFAULT_SAVE_QUEUE_LIMIT,
            node_name: default_node_name(),
            checker: crate::checker::CheckerSettings::default(),
            server_key: None,
            proxy: ProxySettings::default(),
            verify_per_minute: DEFAULT_VERIFY_PER_MINUTE,
            analysis_min_responses: crate::analysis::model::DEFAULT_MIN_RESPONSES,
            api_settle_seconds: DEFAULT_API_SETTLE_SECONDS,
            signing_keys_dir: None,
            signing_key_passphrase: None,
        }
    }

    /// Whether the world reaches this server only through loopback: the listening address and
    /// the public URL are both local. Otherwise /metrics needs its token.
    pub fn loopback_only(&self) -> bool {
        let listen_local = self
            .listen
            .rsplit_once(':')
            .map(|(host, _)| host.trim_matches(['[', ']']))
            .is_some_and(|host| {
                host == "localhost"
                    || host
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|ip| ip.is_loopback())
            });
        listen_local && self.public_url_is_loopback()
    }

    /// Whether the public address is this computer's own (127.0.0.0/8, ::1, localhost): no
    /// other computer reaches it, so printed slips must not carry it.
    pub fn public_url_is_loopback(&self) -> bool {
        match self.public_url.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        }
    }

    /// Cookies get `Secure` and the `__Host-` prefix when the public URL is https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// The database URL with any password removed, for messages and logs.
    pub fn database_url_redacted(&self) -> String {
        redact_url(self.database_url.expose())
    }
}

/// The SQLite database under the data directory, created on first use.
pub fn default_database_url(data_dir: &Path) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        data_dir.join("sathach.db").display()
    )
}

/// The host name (Linux), else `$HOSTNAME`, else `sathach`: stable across restarts of one
/// machine, different between the machines of a PostgreSQL cluster.
pub fn default_node_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "sathach".into())
}

/// Removes the password from a URL; a string that is not a URL is shown as its scheme only.
pub fn redact_url(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            url.to_string()
        }
        Err(_) => raw.split(':').next().unwrap_or_default().to_string() + ":…",
    }
}

/// The optional TOML file (`--config FILE`, `SATHACH_CONFIG`, or `./sathach.toml`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub listen: Option<String>,
    pub public_url: Option<String>,
    pub log_format: Option<LogFormat>,
    pub workers: Option<usize>,
    pub session_hours: Option<u32>,
    pub metrics_token: Option<String>,
    pub signin_account_failures: Option<u32>,
    pub signin_client_failures: Option<u32>,
    pub signin_window_minutes: Option<u32>,
    pub upload_limit_mb: Option<usize>,
    pub grace_seconds: Option<i64>,
    pub open_early_minutes: Option<i64>,
    pub save_queue_limit: Option<usize>,
    pub node_name: Option<String>,
    pub checker_program: Option<PathBuf>,
    pub checker_memory_mb: Option<u64>,
    pub checker_cpu_seconds: Option<u64>,
    pub checker_timeout_seconds: Option<u64>,
    pub checker_concurrency: Option<usize>,
    pub server_key: Option<String>,
    pub trusted_proxies: Option<String>,
    pub client_ip_header: Option<String>,
    pub verify_per_minute: Option<u32>,
    pub analysis_min_responses: Option<usize>,
    pub api_settle_seconds: Option<i64>,
    pub signing_keys_dir: Option<PathBuf>,
    pub signing_key_passphrase: Option<String>,
}

impl FileSettings {
    /// Reads the file named on the command line (which must exist) or `./sathach.toml` if present.
    pub fn load(named: Option<&Path>) -> Result<Self, String> {
        let (path, required) = match named {
            Some(path) => (path.to_path_buf(), true),
            None => (PathBuf::from("sathach.toml"), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::default());
            }
            Err(e) => {
                return Err(format!(
                    "cannot read the configuration file {}: {e}",
                    path.display()
                ));
            }
        };
        toml::from_str(&text).map_err(|e| {
            format!(
                "the configuration file {} is not valid: {}",
                path.display(),
                e.to_string().trim()
            )
        })
    }
}

/// Checks a database URL's form before any connection is tried.
pub fn validate_database_url(raw: &str) -> Result<(), String> {
    let scheme = raw.split(':').next().unwrap_or_default();
    match scheme {
        "sqlite" => Ok(()),
        "postgres" | "postgresql" => Url::parse(raw).map(|_| ()).map_err(|e| {
            format!(
                "DATABASE_URL {} is not a valid PostgreSQL URL ({e}); expected postgres://USER:PASSWORD@HOST:PORT/DATABASE",
                redact_url(raw)
            )
        }),
        _ => Err(format!(
            "DATABASE_URL {} is not supported: use sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE",
            redact_url(raw)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://u:hunter2@db:5432/x"),
            "postgres://u:***@db:5432/x"
        );
        assert!(!format!("{:?}", Secret::new("hunter2")).contains("hunter2"));
    }

    #[test]
    fn rejects_unknown_schemes_and_broken_urls() {
        assert!(validate_database_url("sqlite://data/x.db").is_ok());
        assert!(validate_database_url("postgres://u:p@localhost:5432/db").is_ok());
        assert!(
            validate_database_url("mysql://x")
                .unwrap_err()
                .contains("not supported")
        );
        assert!(validate_database_url("postgres://u:p@host:notaport/db").is_err());
    }

    #[test]
    fn metrics_stay_open_only_on_loopback() {
        let mut s = Settings::for_data_dir(Path::new("/tmp"));
        assert!(s.loopback_only());
        s.public_url = Url::parse("https://thi.example.edu.vn/").unwrap();
        assert!(!s.loopback_only());
        s.public_url = Url::parse("http://127.0.0.1:8080/").unwrap();
        s.listen = "0.0.0.0:8080".into();
        assert!(!s.loopback_only());
        s.listen = "[::1]:8080".into();
        assert!(s.loopback_only());
    }

    #[test]
    fn file_settings_reject_unknown_keys() {
        let err = toml::from_str::<FileSettings>("listne = \"x\"").unwrap_err();
        assert!(err.to_string().contains("listne"));
    }
}
