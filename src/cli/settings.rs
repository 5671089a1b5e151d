//! Configuration layering for the command line: each setting from the first of a flag, an
//! environment variable, the TOML file and the default.

use std::path::PathBuf;

use url::Url;

use super::{Failure, GlobalArgs, ServeArgs};
use crate::{
    checker::CheckerSettings,
    config::{self, FileSettings, Secret, Settings, ThrottleSettings},
};

pub(super) fn resolve(
    global: &GlobalArgs,
    serve: Option<&ServeArgs>,
    file: FileSettings,
) -> Result<Settings, Failure> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let checker = checker_settings(serve, &file);
    let data_dir = global
        .data_dir
        .clone()
        .or(file.data_dir)
        .unwrap_or_else(|| PathBuf::from("data"));
    let database_url = global
        .database_url
        .clone()
        .or_else(|| env("DATABASE_URL"))
        .or_else(|| env("SATHACH_DATABASE_URL"))
        .or(file.database_url)
        .unwrap_or_else(|| config::default_database_url(&data_dir));
    config::validate_database_url(&database_url).map_err(Failure::Environment)?;

    let listen = serve
        .and_then(|s| s.listen.clone())
        .or(file.listen)
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let public_raw = serve
        .and_then(|s| s.public_url.clone())
        .or(file.public_url)
        .unwrap_or_else(|| format!("http://{listen}/"));
    let public_url = Url::parse(&public_raw).map_err(|e| {
        Failure::Environment(format!(
            "public URL {public_raw:?} is not a URL ({e}); expected e.g. https://thi.example.edu.vn/"
        ))
    })?;
    let defaults = ThrottleSettings::default();
    let throttle = ThrottleSettings {
        account_failures: serve
            .and_then(|s| s.signin_account_failures)
            .or(file.signin_account_failures)
            .unwrap_or(defaults.account_failures),
        client_failures: serve
            .and_then(|s| s.signin_client_failures)
            .or(file.signin_client_failures)
            .unwrap_or(defaults.client_failures),
        window_minutes: serve
            .and_then(|s| s.signin_window_minutes)
            .or(file.signin_window_minutes)
            .unwrap_or(defaults.window_minutes),
    };
    let trusted = serve
        .and_then(|s| s.trusted_proxies.clone())
        .or(file.trusted_proxies.clone())
        .unwrap_or_default();
    let proxy = config::ProxySettings {
        trusted: config::ProxySettings::parse_trusted(&trusted).map_err(Failure::Environment)?,
        header: serve
            .and_then(|s| s.client_ip_header.clone())
            .or(file.client_ip_header.clone())
            .unwrap_or_else(|| config::ProxySettings::default().header),
    };
    Ok(Settings {
        proxy,
        verify_per_minute: serve
            .and_then(|s| s.verify_per_minute)
            .or(file.verify_per_minute)
            .unwrap_or(config::DEFAULT_VERIFY_PER_MINUTE)
            .max(1),
        analysis_min_responses: serve
            .and_then(|s| s.analysis_min_responses)
            .or(file.analysis_min_responses)
            .unwrap_or(crate::analysis::model::DEFAULT_MIN_RESPONSES)
            .max(2),
        api_settle_seconds: serve
            .and_then(|s| s.api_settle_seconds)
            .or(file.api_settle_seconds)
            .unwrap_or(config::DEFAULT_API_SETTLE_SECONDS)
            .clamp(0, 3600),
        database_url: Secret::new(database_url),
        data_dir,
        listen,
        public_url,
        log_format: global.log_format.or(file.log_format).unwrap_or_default(),
        throttle,
        session_hours: serve
            .and_then(|s| s.session_hours)
            .or(file.session_hours)
            .unwrap_or(12),
        metrics_token: serve
            .and_then(|s| s.metrics_token.clone())
            .or(file.metrics_token)
            .map(Secret::new),
        workers: serve.and_then(|s| s.workers).or(file.workers),
        upload_limit_bytes: serve
            .and_then(|s| s.upload_limit_mb)
            .or(file.upload_limit_mb)
            .map_or(config::DEFAULT_UPLOAD_LIMIT_BYTES, |mb| {
                mb.saturating_mul(1024 * 1024)
            }),
        grace_seconds: serve
            .and_then(|s| s.grace_seconds)
            .or(file.grace_seconds)
            .unwrap_or(30)
            .clamp(0, 600),
        open_early_minutes: serve
            .and_then(|s| s.open_early_minutes)
            .or(file.open_early_minutes)
            .unwrap_or(0)
            .clamp(0, 240),
        save_queue_limit: serve
            .and_then(|s| s.save_queue_limit)
            .or(file.save_queue_limit)
            .unwrap_or(config::DEFAULT_SAVE_QUEUE_LIMIT)
            .clamp(1, 1_000_000),
        node_name: serve
            .and_then(|s| s.node_name.clone())
            .or(file.node_name)
            .map(|name| name.trim().to_string())
            .filter(|name| !name.is_empty())
            .unwrap_or_else(config::default_node_name),
        checker,
        server_key: std::env::var("SATHACH_SERVER_KEY")
            .ok()
            .or(file.server_key)
            .filter(|key| !key.trim().is_empty())
            .map(Secret::new),
        signing_keys_dir: env("SATHACH_SIGNING_KEYS_DIR")
            .map(PathBuf::from)
            .or(file.signing_keys_dir),
        signing_key_passphrase: env("SATHACH_SIGNING_KEY_PASSPHRASE")
            .or(file.signing_key_passphrase)
            .filter(|phrase| !phrase.is_empty())
            .map(Secret::new),
    })
}

/// The upload checker's program (flag, environment, file) and limits (file).
fn checker_settings(serve: Option<&ServeArgs>, file: &FileSettings) -> CheckerSettings {
    let defaults = CheckerSettings::default();
    CheckerSettings {
        program: serve
            .and_then(|s| s.checker_program.clone())
            .or_else(|| file.checker_program.clone())
            .unwrap_or(defaults.program),
        memory_bytes: file
            .checker_memory_mb
            .map_or(defaults.memory_bytes, |mb| mb.saturating_mul(1024 * 1024)),
        cpu_seconds: file.checker_cpu_seconds.unwrap_or(defaults.cpu_seconds),
        timeout: file
            .checker_timeout_seconds
            .map_or(defaults.timeout, std::time::Duration::from_secs),
        concurrency: file.checker_concurrency.unwrap_or(defaults.concurrency),
        ..defaults
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    #[test]
    fn flags_win_over_the_file() {
        let cli = Cli::parse_from(["sathach", "serve", "--listen", "0.0.0.0:9000"]);
        let Command::Serve(serve) = &cli.command else {
            unreachable!()
        };
        let file = FileSettings {
            listen: Some("127.0.0.1:1".into()),
            session_hours: Some(3),
            ..FileSettings::default()
        };
        let settings = resolve(&cli.global, Some(serve), file).unwrap();
        assert_eq!(settings.listen, "0.0.0.0:9000");
        assert_eq!(settings.session_hours, 3);
    }

    #[test]
    fn the_node_name_defaults_to_the_host_name() {
        let cli = Cli::parse_from(["sathach", "serve", "--node-name", " may-2 "]);
        let Command::Serve(serve) = &cli.command else {
            unreachable!()
        };
        let file = || FileSettings {
            node_name: Some("may-file".into()),
            ..FileSettings::default()
        };
        let settings = resolve(&cli.global, Some(serve), file()).unwrap();
        assert_eq!(settings.node_name, "may-2");
        let plain = Cli::parse_from(["sathach", "serve"]);
        let Command::Serve(serve) = &plain.command else {
            unreachable!()
        };
        let from_file = resolve(&plain.global, Some(serve), file()).unwrap();
        assert_eq!(from_file.node_name, "may-file");
        let default = resolve(&plain.global, Some(serve), FileSettings::default()).unwrap();
        assert_eq!(default.node_name, config::default_node_name());
        assert!(!default.node_name.is_empty());
    }

    #[test]
    fn the_checker_takes_its_program_and_limits_from_flags_and_the_file() {
        let cli = Cli::parse_from(["sathach", "serve", "--checker-program", "/opt/sathach"]);
        let Command::Serve(serve) = &cli.command else {
            unreachable!()
        };
        let file: FileSettings = toml::from_str(
            "checker_program = \"/usr/bin/other\"\nchecker_memory_mb = 512\n\
             checker_cpu_seconds = 10\nchecker_timeout_seconds = 20\nchecker_concurrency = 1\n",
        )
        .unwrap();
        let settings = resolve(&cli.global, Some(serve), file).unwrap();
        let checker = settings.checker;
        assert_eq!(checker.program, PathBuf::from("/opt/sathach"));
        assert_eq!(checker.memory_bytes, 512 * 1024 * 1024);
        assert_eq!(
            (
                checker.cpu_seconds,
                checker.timeout.as_secs(),
                checker.concurrency
            ),
            (10, 20, 1)
        );
        assert_eq!(
            checker.fault, None,
            "no flag or file key reaches the test fault"
        );
        let plain = resolve(&cli.global, None, FileSettings::default()).unwrap();
        assert_eq!(plain.checker.program, std::env::current_exe().unwrap());
    }

    #[test]
    fn signing_keys_take_their_folder_and_passphrase_from_the_file() {
        let cli = Cli::parse_from(["sathach", "migrate"]);
        let file: FileSettings = toml::from_str(
            "signing_keys_dir = \"/srv/sathach/keys\"\nsigning_key_passphrase = \"bí mật\"\n",
        )
        .unwrap();
        let settings = resolve(&cli.global, None, file).unwrap();
        assert_eq!(
            settings.signing_keys_dir,
            Some(PathBuf::from("/srv/sathach/keys"))
        );
        assert_eq!(
            settings.signing_key_passphrase.as_ref().map(Secret::expose),
            Some("bí mật")
        );
        assert!(!format!("{settings:?}").contains("bí mật"));
        let plain = resolve(&cli.global, None, FileSettings::default()).unwrap();
        assert_eq!(plain.signing_keys_dir, None);
        assert!(plain.signing_key_passphrase.is_none());
    }
}
