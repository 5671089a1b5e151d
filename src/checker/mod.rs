//! Checking uploads (banks, rosters, practical scores) in a child process of the same binary,
//! under memory, CPU-time and stack limits, so no file can take the server down: the child
//! reads the upload on stdin and writes the checked result as JSON on stdout
//! (`sathach check-upload`, hidden).

pub mod child;
mod failure;
mod process;

use std::{path::PathBuf, time::Duration};

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use tokio::sync::Semaphore;

pub use failure::CheckFailed;

use crate::{
    banks::{ParsedBank, formats::ReadOptions, report::FileReport},
    people::model::RosterRow,
    results::practical_file::PracticalFile,
    sessions::roster::RowProblem,
};

/// What an upload is checked as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Bank,
    Roster,
    /// A grading board's file of practical scores.
    Practical,
}

/// Ways to make the checker misbehave, for tests only: `CheckerSettings::fault` is set by code
/// (never by a flag, the environment or the configuration file), and no upload can choose one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Fault {
    /// Aborts the child once it has read the upload.
    Abort,
    /// Allocates without bound, until the memory limit stops it.
    Allocate,
    /// Spins until the CPU-time limit stops it.
    Spin,
}

/// How uploads are checked.
#[derive(Clone, Debug)]
pub struct CheckerSettings {
    /// The program run as `PROGRAM check-upload` (default: this very executable).
    pub program: PathBuf,
    /// RLIMIT_AS of the child, in bytes.
    pub memory_bytes: u64,
    /// RLIMIT_CPU of the child, in seconds.
    pub cpu_seconds: u64,
    /// RLIMIT_STACK of the child, in bytes.
    pub stack_bytes: u64,
    /// Wall-clock time a check may take before the child is killed.
    pub timeout: Duration,
    /// Checks running at once; later uploads wait their turn.
    pub concurrency: usize,
    /// Test-only misbehaviour passed to every child (see `Fault`).
    pub fault: Option<Fault>,
}

impl Default for CheckerSettings {
    fn default() -> Self {
        Self {
            program: std::env::current_exe().unwrap_or_else(|_| PathBuf::from("sathach")),
            memory_bytes: 1024 * 1024 * 1024,
            cpu_seconds: 30,
            stack_bytes: 8 * 1024 * 1024,
            timeout: Duration::from_secs(60),
            concurrency: 2,
            fault: None,
        }
    }
}

/// A bank upload, checked: the bank when it validated, and its report.
#[derive(Debug, Serialize, Deserialize)]
pub struct BankCheck {
    pub bank: Option<ParsedBank>,
    pub report: FileReport,
}

/// What the upload page reads of a `BankCheck`: the report, and whether there is a bank.
#[derive(Deserialize)]
struct BankReport {
    bank: Option<serde::de::IgnoredAny>,
    report: FileReport,
}

/// A roster upload, checked: its candidates and the problems found, row by row.
#[derive(Debug, Serialize, Deserialize)]
pub struct RosterCheck {
    pub rows: Vec<RosterRow>,
    pub problems: Vec<RowProblem>,
}

/// Runs checks in child processes, a bounded number at a time.
pub struct Checker {
    settings: CheckerSettings,
    /// Most bytes read from a child's stdout: bank pictures travel as base64 in JSON.
    output_cap: usize,
    slots: Semaphore,
}

impl Checker {
    pub fn new(settings: CheckerSettings, upload_limit_bytes: usize) -> Self {
        Self {
            output_cap: upload_limit_bytes.saturating_mul(2) + 16 * 1024 * 1024,
            slots: Semaphore::new(settings.concurrency.max(1)),
            settings,
        }
    }

    pub fn settings(&self) -> &CheckerSettings {
        &self.settings
    }

    /// Checks a bank file: its report, and the result as JSON when a bank came out of it (kept
    /// for the confirmation; the pictures in it are not decoded here).
    pub async fn bank(
        &self,
        name: &str,
        options: &ReadOptions,
        bytes: &[u8],
    ) -> Result<(FileReport, Option<Vec<u8>>), CheckFailed> {
        let options = serde_json::to_string(options).expect("options serialise");
        let output = self
            .run(Kind::Bank, name, &["--options", &options], bytes)
            .await?;
        let (BankReport { bank, report }, json) = decode_kept(output).await.inspect_err(|e| {
            tracing::warn!(upload.file = name, error = %e, "a bank's check was unreadable");
        })?;
        Ok((report, bank.map(|_| json)))
    }

    /// Checks a roster file.
    pub async fn roster(&self, name: &str, bytes: &[u8]) -> Result<RosterCheck, CheckFailed> {
        let output = self.run(Kind::Roster, name, &[], bytes).await?;
        decode(output).await.inspect_err(|e| {
            tracing::warn!(upload.file = name, error = %e, "a roster's check was unreadable");
        })
    }

    /// Checks a file of practical scores.
    pub async fn practical(&self, name: &str, bytes: &[u8]) -> Result<PracticalFile, CheckFailed> {
        let output = self.run(Kind::Practical, name, &[], bytes).await?;
        decode(output).await.inspect_err(|e| {
            tracing::warn!(upload.file = name, error = %e, "a practical scores file's check was unreadable");
        })
    }

    async fn run(
        &self,
        kind: Kind,
        name: &str,
        extra: &[&str],
        bytes: &[u8],
    ) -> Result<Vec<u8>, CheckFailed> {
        let _slot = self
            .slots
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let kind_name = match kind {
            Kind::Bank => "bank",
            Kind::Roster => "roster",
            Kind::Practical => "practical",
        };
        let mut args = vec!["check-upload", "--kind", kind_name, "--name", name];
        args.extend_from_slice(extra);
        let fault = self.settings.fault.map(|f| match f {
            Fault::Abort => "abort",
            Fault::Allocate => "allocate",
            Fault::Spin => "spin",
        });
        if let Some(fault) = fault {
            args.extend(["--fault", fault]);
        }
        let started = std::time::Instant::now();
        let result = process::run(&self.settings, self.output_cap, &args, bytes).await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(output) => tracing::info!(
                upload.kind = kind_name,
                upload.file = name,
                upload.bytes = bytes.len(),
                checker.output_bytes = output.len(),
                checker.elapsed_ms = elapsed_ms,
                "upload checked"
            ),
            Err(failure @ CheckFailed::Start(_)) => tracing::error!(
                upload.kind = kind_name,
                upload.file = name,
                checker.program = %self.settings.program.display(),
                checker.failure = %failure,
                "the upload checker cannot run; no upload can be checked"
            ),
            Err(failure) => tracing::warn!(
                upload.kind = kind_name,
                upload.file = name,
                upload.bytes = bytes.len(),
                checker.elapsed_ms = elapsed_ms,
                checker.failure = %failure,
                "an upload's check failed; the server carries on"
            ),
        }
        result
    }
}

/// Reads a check's JSON off the HTTP workers (a bank with pictures is tens of megabytes).
pub async fn decode<T: DeserializeOwned + Send + 'static>(json: Vec<u8>) -> Result<T, CheckFailed> {
    decode_kept(json).await.map(|(value, _)| value)
}

/// `decode`, handing the JSON back as well.
async fn decode_kept<T: DeserializeOwned + Send + 'static>(
    json: Vec<u8>,
) -> Result<(T, Vec<u8>), CheckFailed> {
    tokio::task::spawn_blocking(move || serde_json::from_slice(&json).map(|value| (value, json)))
        .await
        .map_err(|e| CheckFailed::Unreadable(e.to_string()))?
        .map_err(|e| CheckFailed::Unreadable(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{banks::formats, vocab::Lang};

    #[tokio::test]
    async fn a_checked_bank_reads_back_as_it_was_written() {
        let (name, text) = crate::banks::SHIPPED[0];
        let (bank, report) = formats::read(name, text.as_bytes(), &ReadOptions::default());
        let sent = BankCheck { bank, report };
        let json = serde_json::to_vec(&sent).unwrap();
        let back: BankCheck = decode(json).await.unwrap();
        let (sent_bank, back_bank) = (sent.bank.unwrap(), back.bank.unwrap());
        assert_eq!(back_bank.meta, sent_bank.meta);
        assert_eq!(back_bank.items, sent_bank.items);
        assert_eq!(back_bank.media, sent_bank.media);
        assert_eq!(back.report.lines(Lang::Vi), sent.report.lines(Lang::Vi));
        assert_eq!(back.report.summary(Lang::En), sent.report.summary(Lang::En));
    }

    #[tokio::test]
    async fn the_upload_page_reads_the_report_and_whether_a_bank_came_out() {
        let (name, text) = crate::banks::SHIPPED[0];
        let (bank, report) = formats::read(name, text.as_bytes(), &ReadOptions::default());
        let json = serde_json::to_vec(&BankCheck { bank, report }).unwrap();
        let read: BankReport = decode(json).await.unwrap();
        assert!(read.bank.is_some() && !read.report.has_errors());
        let none = serde_json::to_vec(&BankCheck {
            bank: None,
            report: FileReport::new("x.toml", "toml"),
        })
        .unwrap();
        assert!(decode::<BankReport>(none).await.unwrap().bank.is_none());
    }

    #[tokio::test]
    async fn garbled_output_is_a_failed_check() {
        let failed = decode::<RosterCheck>(b"{\"rows\": [".to_vec()).await;
        assert!(matches!(failed, Err(CheckFailed::Unreadable(_))));
    }
}
