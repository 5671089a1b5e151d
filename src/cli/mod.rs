//! The command line: subcommands, flags, configuration layering and exit codes
//! (0 success, 1 errors in the input's content, 2 usage or environment errors).

use std::{path::PathBuf, process::ExitCode};

use clap::{Args, Parser, Subcommand};

mod settings;

use crate::{
    accounts::{self, model::Role},
    config::{FileSettings, LogFormat},
    db::Db,
    demo, orgs,
    serve_lock::ServeLock,
    startup, telemetry,
    vocab::{Failure, Lang},
};

/// sathach — digital-skills certification exams (ICDL, IC3, Circular 03 IU01–IU15).
///
/// Configuration comes from flags, then SATHACH_* environment variables, then a TOML file
/// (--config, or ./sathach.toml when present). The database is SQLite under --data-dir unless
/// --database-url or DATABASE_URL names another (sqlite://PATH or postgres://…).
#[derive(Debug, Parser)]
#[command(name = "sathach", version, about, long_about)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand understands.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// TOML configuration file (default: ./sathach.toml if it exists).
    #[arg(long, global = true, env = "SATHACH_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database URL; overrides DATABASE_URL and SATHACH_DATABASE_URL. Never logged with its password.
    #[arg(long, global = true, value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Folder for the SQLite database and backups [default: ./data].
    #[arg(long, global = true, env = "SATHACH_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Log format [default: text].
    #[arg(long, global = true, env = "SATHACH_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    /// Language of reports (`bank check`, `bank import`, `catalog check`).
    #[arg(
        long,
        global = true,
        env = "SATHACH_LANG",
        value_enum,
        default_value = "vi"
    )]
    pub lang: Lang,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (applies pending migrations first).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Write a consistent copy of the live SQLite database to FILE (safe during an exam).
    Backup {
        /// Where to write the copy; must not exist yet.
        file: PathBuf,
    },
    /// Manage organisations (departments, training centres, schools).
    #[command(subcommand)]
    Org(OrgCommand),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Check, import, export and list question banks.
    #[command(subcommand)]
    Bank(crate::banks::cli::BankCommand),
    /// Check the catalog: modules, credits, certificate rules, recognised earlier certificates.
    #[command(subcommand)]
    Catalog(crate::banks::catalog_cli::CatalogCommand),
    /// Check blueprints against the banks and simulate a day of draws.
    #[command(subcommand)]
    Blueprint(BlueprintCommand),
    /// Check stored results.
    #[command(subcommand)]
    Results(crate::results::cli::ResultsCommand),
    /// Organisations' signing keys: rotate, list.
    #[command(subcommand)]
    Key(crate::keys::cli::KeyCommand),
    /// Check signed credentials offline.
    #[command(subcommand)]
    Credential(crate::credentials::cli::CredentialCommand),
    /// Check one upload read on stdin and write the result as JSON (the server's child process).
    #[command(hide = true)]
    CheckUpload(crate::checker::child::CheckUploadArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "SATHACH_LISTEN", value_name = "ADDR")]
    pub listen: Option<String>,
    /// The URL people use to reach sathach; https turns on Secure, __Host- cookies.
    #[arg(long, env = "SATHACH_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// Load the demo department, centres, rooms and accounts (idempotent) and print the passwords.
    #[arg(long)]
    pub demo: bool,
    /// Worker threads for HTTP [default: number of cores].
    #[arg(long, env = "SATHACH_WORKERS")]
    pub workers: Option<usize>,
    /// Hours a staff sign-in lasts [default: 12].
    #[arg(long, env = "SATHACH_SESSION_HOURS")]
    pub session_hours: Option<u32>,
    /// Failed sign-ins per account within the window before it waits [default: 10].
    #[arg(long, env = "SATHACH_SIGNIN_ACCOUNT_FAILURES")]
    pub signin_account_failures: Option<u32>,
    /// Failed sign-ins per client address within the window (generous: labs share one) [default: 300].
    #[arg(long, env = "SATHACH_SIGNIN_CLIENT_FAILURES")]
    pub signin_client_failures: Option<u32>,
    /// Length of the sign-in throttling window in minutes [default: 15].
    #[arg(long, env = "SATHACH_SIGNIN_WINDOW_MINUTES")]
    pub signin_window_minutes: Option<u32>,
    /// Largest question-bank upload in MB [default: 50].
    #[arg(long, env = "SATHACH_UPLOAD_LIMIT_MB")]
    pub upload_limit_mb: Option<usize>,
    /// Seconds after a deadline during which answers already on their way are still saved;
    /// the server submits overdue attempts once it has passed [default: 30].
    #[arg(long, env = "SATHACH_GRACE_SECONDS")]
    pub grace_seconds: Option<i64>,
    /// How many minutes before a session's start its proctor may open it, 0–240 [default: 0].
    #[arg(long, env = "SATHACH_OPEN_EARLY_MINUTES")]
    pub open_early_minutes: Option<i64>,
    /// How many answer saves may wait for the database; beyond, a save is answered "busy"
    /// (503) at once and the page sends it again [default: 4096].
    #[arg(long, env = "SATHACH_SAVE_QUEUE_LIMIT")]
    pub save_queue_limit: Option<usize>,
    /// This node's name among the servers sharing a PostgreSQL database; it must stay the same
    /// across restarts and differ between servers [default: the host name].
    #[arg(long, env = "SATHACH_NODE_NAME", value_name = "NAME")]
    pub node_name: Option<String>,
    /// The program that checks uploads, run as `PROGRAM check-upload` [default: this one].
    #[arg(long, env = "SATHACH_CHECKER_PROGRAM", value_name = "FILE")]
    pub checker_program: Option<PathBuf>,
    /// Addresses of the reverse proxies in front of the server, comma-separated; only their
    /// requests are believed about the client address (unset: no proxy is trusted).
    #[arg(long, env = "SATHACH_TRUSTED_PROXIES", value_name = "ADDRESSES")]
    pub trusted_proxies: Option<String>,
    /// The header the trusted proxy names the client in [default: X-Forwarded-For].
    #[arg(long, env = "SATHACH_CLIENT_IP_HEADER", value_name = "HEADER")]
    pub client_ip_header: Option<String>,
    /// Certificate look-ups on the public /verify page per client address and minute, counted
    /// by each server on its own [default: 30].
    #[arg(long, env = "SATHACH_VERIFY_PER_MINUTE", value_name = "N")]
    pub verify_per_minute: Option<u32>,
    /// Responses an item (and attempts a test) needs before item analysis shows its figures
    /// [default: 30].
    #[arg(long, env = "SATHACH_ANALYSIS_MIN_RESPONSES", value_name = "N")]
    pub analysis_min_responses: Option<usize>,
    /// Seconds a credit row or certificate change waits before the API's feeds serve it
    /// (0–3600) [default: 60].
    #[arg(long, env = "SATHACH_API_SETTLE_SECONDS", value_name = "SECONDS")]
    pub api_settle_seconds: Option<i64>,
    /// Bearer token that /metrics requires; without one, /metrics answers only when both the
    /// listening address and the public URL are loopback.
    #[arg(
        long,
        env = "SATHACH_METRICS_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub metrics_token: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organisation; the first one is the department (Sở GD&ĐT).
    Add {
        /// Short unique code, e.g. SGD-HN.
        #[arg(long)]
        code: String,
        /// Full name, e.g. "Sở Giáo dục và Đào tạo Hà Nội".
        #[arg(long)]
        name: String,
        #[arg(long, value_enum, default_value = "department")]
        kind: orgs::model::OrgKind,
        /// Code of the department a centre or school belongs to.
        #[arg(long, value_name = "CODE")]
        department: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff account; prints a temporary password to change at first sign-in.
    Add {
        /// Code of the organisation the user belongs to.
        #[arg(long, value_name = "CODE")]
        org: String,
        #[arg(long, value_enum)]
        role: Role,
        #[arg(long)]
        email: String,
        /// Full name as shown in the interface.
        #[arg(long)]
        name: Option<String>,
    },
}

/// `sathach blueprint …`: the blueprint's own commands, and the simulation, which scores
/// simulated candidates and so belongs to grading.
#[derive(Debug, Subcommand)]
pub enum BlueprintCommand {
    #[command(flatten)]
    Stored(crate::blueprints::cli::BlueprintCommand),
    /// Draw N papers in a row and report exposure, difficulty spread, topic coverage and violations.
    Simulate(crate::grading::cli::SimulateArgs),
}

/// Parses arguments, runs the command, and turns the outcome into an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // A check runs bare: no runtime, settings or database, only the readers under limits.
    let cli = match cli.command {
        Command::CheckUpload(args) => return crate::checker::child::run(&args),
        Command::Credential(command) => {
            return crate::credentials::cli::run(command, cli.global.lang);
        }
        command => Cli {
            global: cli.global,
            command,
        },
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return fail(Failure::Environment(format!(
                "cannot start the runtime: {e}"
            )));
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => fail(failure),
    }
}

fn fail(failure: Failure) -> ExitCode {
    match failure {
        Failure::Content(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
        Failure::Environment(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let file = FileSettings::load(cli.global.config.as_deref()).map_err(Failure::Environment)?;
    let serve = match &cli.command {
        Command::Serve(args) => Some(args),
        _ => None,
    };
    let settings = settings::resolve(&cli.global, serve, file)?;
    telemetry::init(settings.log_format);
    match cli.command {
        Command::Serve(args) => {
            // Locked before migrating: a second server must not touch a database in use.
            let db = Db::connect(&settings).await?;
            let lock = match ServeLock::acquire(&settings) {
                Ok(lock) => lock,
                Err(refused) => {
                    db.close().await;
                    return Err(refused.into());
                }
            };
            db.migrate().await?;
            if args.demo {
                demo::load(&db).await?;
                demo::load_history(&db).await?;
            }
            let app = startup::Application::build_locked(settings, db, lock).await?;
            println!("sathach is ready at http://{}/", app.address());
            app.run_until_stopped().await?;
            Ok(())
        }
        Command::Migrate => {
            let db = Db::connect_and_migrate(&settings).await?;
            crate::results::backfill::after_upgrade(&db).await?;
            crate::keys::ensure_all(&db).await?;
            println!("migrations applied to {}", settings.database_url_redacted());
            db.close().await;
            Ok(())
        }
        Command::Backup { file } => {
            let db = Db::connect(&settings).await?;
            let result = db.backup_to(&file).await;
            db.close().await;
            result?;
            println!("backup written to {}", file.display());
            Ok(())
        }
        Command::Org(OrgCommand::Add {
            code,
            name,
            kind,
            department,
        }) => {
            let db = Db::connect_and_migrate(&settings).await?;
            let result = orgs::cli_add(&db, &code, &name, kind, department.as_deref()).await;
            db.close().await;
            println!("{}", result?);
            Ok(())
        }
        Command::Bank(command) => crate::banks::cli::run(command, &settings, cli.global.lang).await,
        Command::Catalog(command) => crate::banks::catalog_cli::run(command, cli.global.lang),
        Command::Blueprint(BlueprintCommand::Stored(command)) => {
            crate::blueprints::cli::run(command, &settings, cli.global.lang).await
        }
        Command::Blueprint(BlueprintCommand::Simulate(args)) => {
            crate::grading::cli::run(args, &settings, cli.global.lang).await
        }
        Command::Results(command) => {
            crate::results::cli::run(command, &settings, cli.global.lang).await
        }
        Command::Key(command) => crate::keys::cli::run(command, &settings).await,
        // Both run bare, before the runtime (see `main`): never here.
        Command::CheckUpload(_) | Command::Credential(_) => Ok(()),
        Command::User(UserCommand::Add {
            org,
            role,
            email,
            name,
        }) => {
            let db = Db::connect_and_migrate(&settings).await?;
            let result = accounts::cli_add(&db, &org, role, &email, name.as_deref()).await;
            db.close().await;
            println!("{}", result?);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn reports_are_vietnamese_unless_asked() {
        let cli = Cli::parse_from(["sathach", "migrate"]);
        assert_eq!(cli.global.lang, Lang::Vi);
        let cli = Cli::parse_from(["sathach", "bank", "check", "x.toml", "--lang", "en"]);
        assert_eq!(cli.global.lang, Lang::En);
        assert!(Cli::try_parse_from(["sathach", "--lang", "fr", "migrate"]).is_err());
    }
}
