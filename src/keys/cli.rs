//! `sathach key …`: an organisation's signing keys from the terminal.

use anyhow::Context;
use clap::Subcommand;

use crate::{config::Settings, db::Db, vocab::Failure};

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Make a new current signing key for an organisation; the old one is retired and stays
    /// published, so what it signed still verifies.
    Rotate {
        /// The organisation's code, e.g. SGD-HN.
        #[arg(long, value_name = "CODE")]
        org: String,
    },
    /// List an organisation's signing keys: kid, fingerprint, created, retired, and whether
    /// this server holds the private key.
    List {
        #[arg(long, value_name = "CODE")]
        org: String,
    },
}

pub async fn run(command: KeyCommand, settings: &Settings) -> Result<(), Failure> {
    let db = Db::connect_and_migrate(settings).await?;
    let result = match command {
        KeyCommand::Rotate { org } => rotate(&db, &org).await,
        KeyCommand::List { org } => list(&db, &org).await,
    };
    db.close().await;
    println!("{}", result?);
    Ok(())
}

async fn rotate(db: &Db, code: &str) -> Result<String, Failure> {
    let org = crate::orgs::by_code_for_cli(db, code).await?;
    let (old, new) = super::rotate(db, &org.id, &org.code, None).await?;
    let path = db.keys.signing.path(&org.code, &new);
    Ok(match old {
        Some(old) => format!(
            "{}: new signing key {new} in {}; {old} retired (still published)",
            org.code,
            path.display()
        ),
        None => format!("{}: new signing key {new} in {}", org.code, path.display()),
    })
}

async fn list(db: &Db, code: &str) -> Result<String, Failure> {
    let org = crate::orgs::by_code_for_cli(db, code).await?;
    let keys = super::published(db, &org.id)
        .await
        .context("cannot read the signing keys")?;
    let folder = &db.keys.signing;
    let lines: Vec<String> = keys
        .iter()
        .map(|k| {
            let holding = super::files::holding(folder, &folder.path(&org.code, &k.kid));
            let state = match k.retired_at {
                Some(at) => format!("retired {}", crate::clock::format_local(at)),
                None => "current".into(),
            };
            format!(
                "{}  sha256:{}  created {}  {state}  private key here: {:?}",
                k.kid,
                k.fingerprint(),
                crate::clock::format_local(k.created_at),
                holding
            )
        })
        .collect();
    Ok(lines.join("\n"))
}
