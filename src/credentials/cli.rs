//! `sathach credential verify FILE [--status-list FILE] [--jwks FILE]`: checks a signed
//! credential (or transcript) offline, with no server or database, and says in words whether
//! it is valid, tampered, expired or revoked. Exit code 0 only for a valid credential.

use std::{path::PathBuf, process::ExitCode};

use clap::Subcommand;
use serde_json::Value;

use super::{
    check::{self, Verdict},
    jws::KeySet,
};
use crate::{clock, vocab::Lang};

/// The largest file the command reads (credentials are a few KiB, transcripts more).
const MAX_FILE: u64 = 8 << 20;

#[derive(Debug, Subcommand)]
pub enum CredentialCommand {
    /// Check a credential (.jwt, a compact JWS) offline: its signature, its validity period
    /// and, with --status-list, whether it was revoked. Exit code 0: valid; 1: not valid;
    /// 2: a file could not be read.
    Verify {
        /// The credential, as downloaded from sathach.
        file: PathBuf,
        /// The issuer's status list (`/orgs/CODE/status/N`), to check for revocation.
        #[arg(long, value_name = "FILE")]
        status_list: Option<PathBuf>,
        /// The issuer's keys: its JWKS (`/orgs/CODE/jwks.json`) or DID document (`did.json`).
        #[arg(long, value_name = "FILE")]
        jwks: Option<PathBuf>,
    },
}

pub fn run(command: CredentialCommand, lang: Lang) -> ExitCode {
    let CredentialCommand::Verify {
        file,
        status_list,
        jwks,
    } = command;
    match verify(&file, status_list.as_deref(), jwks.as_deref(), lang) {
        Ok((lines, valid)) => {
            println!("{}", lines.join("\n"));
            ExitCode::from(if valid { 0 } else { 1 })
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn read(path: &std::path::Path, lang: Lang) -> Result<String, String> {
    let shown = path.display().to_string();
    let cannot = |why: String| {
        lang.fill(
            "credential.cli.unreadable",
            &[("file", &shown), ("why", &why)],
        )
    };
    let size = std::fs::metadata(path)
        .map_err(|e| cannot(e.to_string()))?
        .len();
    if size > MAX_FILE {
        return Err(cannot(format!("{size} bytes > {MAX_FILE}")));
    }
    std::fs::read_to_string(path).map_err(|e| cannot(e.to_string()))
}

/// The report's lines, and whether the credential is valid.
fn verify(
    file: &std::path::Path,
    status_list: Option<&std::path::Path>,
    jwks: Option<&std::path::Path>,
    lang: Lang,
) -> Result<(Vec<String>, bool), String> {
    let token = read(file, lang)?;
    let Some(jwks) = jwks else {
        let hint = did_document_url(&token).unwrap_or_else(|| "/orgs/CODE/did.json".into());
        return Err(lang.fill("credential.cli.need_keys", &[("url", &hint)]));
    };
    let keys = KeySet::parse(&read(jwks, lang)?).map_err(|why| {
        lang.fill(
            "credential.cli.bad_keys",
            &[("file", &jwks.display().to_string()), ("why", &why)],
        )
    })?;
    let list = status_list.map(|p| read(p, lang)).transpose()?;
    let report = check::check(&token, &keys, list.as_deref(), clock::now_ms());
    let mut lines = vec![verdict_line(&report.verdict, lang)];
    if let Some(credential) = &report.credential {
        lines.extend(describe(credential, lang));
    }
    if let Some(url) = &report.status_unchecked {
        lines.push(lang.fill("credential.cli.status_unchecked", &[("url", url)]));
    }
    Ok((lines, report.verdict == Verdict::Valid))
}

fn verdict_line(verdict: &Verdict, lang: Lang) -> String {
    let text = lang.t(verdict.key());
    match verdict.detail() {
        "" => text.to_string(),
        detail => format!("{text} ({detail})"),
    }
}

/// What the credential says: its name, holder, issuer and validity.
fn describe(credential: &Value, lang: Lang) -> Vec<String> {
    let text = |v: &Value| v.as_str().unwrap_or("—").to_string();
    let subject = &credential["credentialSubject"];
    let holder = subject["identifier"]
        .as_array()
        .and_then(|ids| ids.iter().find(|i| i["identityType"] == "name"))
        .map_or("—".into(), |i| text(&i["identityHash"]));
    let mut lines = vec![
        format!(
            "  {}: {}",
            lang.t("credential.cli.name"),
            text(&credential["name"])
        ),
        format!("  {}: {holder}", lang.t("credential.cli.holder")),
        format!(
            "  {}: {} ({})",
            lang.t("credential.cli.issuer"),
            text(&credential["issuer"]["name"]),
            text(&credential["issuer"]["id"])
        ),
        format!(
            "  {}: {}",
            lang.t("credential.cli.valid_from"),
            text(&credential["validFrom"])
        ),
    ];
    if let Some(until) = credential["validUntil"].as_str() {
        lines.push(format!(
            "  {}: {until}",
            lang.t("credential.cli.valid_until")
        ));
    }
    if let Some(inner) = subject["verifiableCredential"].as_array() {
        lines.push(format!(
            "  {}: {}",
            lang.t("credential.cli.bundled"),
            inner.len()
        ));
    }
    lines
}

/// Where the issuer's DID document is, from the `kid` of the credential's header:
/// `did:web:host%3Aport:orgs:CODE#kid` → `https://host:port/orgs/CODE/did.json`.
fn did_document_url(token: &str) -> Option<String> {
    let kid = jsonwebtoken::decode_header(token.trim()).ok()?.kid?;
    let did = kid.split('#').next()?.strip_prefix("did:web:")?;
    let mut parts = did.split(':');
    let host = parts.next()?.replace("%3A", ":");
    let path: Vec<&str> = parts.collect();
    Some(format!("https://{host}/{}/did.json", path.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A credential file over the limit is refused before it is read, saying so.
    #[test]
    fn an_oversized_file_is_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lon.jwt");
        std::fs::File::create(&path)
            .unwrap()
            .set_len(MAX_FILE + 1)
            .unwrap();
        let refused = verify(&path, None, Some(&path), Lang::En).unwrap_err();
        assert!(refused.contains("lon.jwt"), "{refused}");
        assert!(
            refused.contains(&format!("{} bytes", MAX_FILE + 1)),
            "{refused}"
        );
    }

    #[test]
    fn the_did_document_is_found_from_the_kid() {
        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
        let header = URL_SAFE_NO_PAD
            .encode(r#"{"alg":"EdDSA","kid":"did:web:127.0.0.1%3A8080:orgs:TT-1#abc"}"#);
        let token = format!("{header}.e30.c2ln");
        assert_eq!(
            super::did_document_url(&token).as_deref(),
            Some("https://127.0.0.1:8080/orgs/TT-1/did.json")
        );
    }
}
