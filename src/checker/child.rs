//! The child's side: `sathach check-upload` reads one upload on stdin, checks it with the same
//! readers `bank check` uses, and writes the result as JSON on stdout. It runs without a
//! runtime, a database or the configuration: nothing but the file and its readers.

use std::{
    io::{BufWriter, Read, Write},
    process::ExitCode,
};

use super::{BankCheck, Fault, Kind, RosterCheck};
use crate::{
    banks::formats::{self, ReadOptions},
    results::practical_file,
    sessions::roster,
};

/// Checks an upload (used by the server; not for people).
#[derive(Debug, clap::Args)]
pub struct CheckUploadArgs {
    #[arg(long, value_enum)]
    pub kind: Kind,
    /// The name the file was uploaded under (some formats are told by it).
    #[arg(long)]
    pub name: String,
    /// `ReadOptions` as JSON, for a bank.
    #[arg(long)]
    pub options: Option<String>,
    #[arg(long, value_enum, hide = true)]
    pub fault: Option<Fault>,
}

/// Runs a check: exit 0 with the result on stdout, 2 when the request itself is wrong.
pub fn run(args: &CheckUploadArgs) -> ExitCode {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut input) {
        eprintln!("error: cannot read the upload: {e}");
        return ExitCode::from(2);
    }
    if let Some(fault) = args.fault {
        strike(fault);
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = match args.kind {
        Kind::Bank => {
            let options: ReadOptions = match args.options.as_deref().map(serde_json::from_str) {
                None => ReadOptions::default(),
                Some(Ok(options)) => options,
                Some(Err(e)) => {
                    eprintln!("error: --options is not ReadOptions: {e}");
                    return ExitCode::from(2);
                }
            };
            let (bank, report) = formats::read(&args.name, &input, &options);
            serde_json::to_writer(&mut out, &BankCheck { bank, report })
        }
        Kind::Roster => {
            let (rows, problems) = roster::read_file(&args.name, &input);
            serde_json::to_writer(&mut out, &RosterCheck { rows, problems })
        }
        Kind::Practical => {
            serde_json::to_writer(&mut out, &practical_file::read_file(&args.name, &input))
        }
    };
    match written
        .map_err(std::io::Error::from)
        .and_then(|()| out.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the result: {e}");
            ExitCode::from(2)
        }
    }
}

/// Misbehaves as a test asked (see `Fault`).
fn strike(fault: Fault) {
    match fault {
        Fault::Abort => std::process::abort(),
        Fault::Allocate => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(std::hint::black_box(vec![0u8; 64 * 1024 * 1024]));
            }
        }
        Fault::Spin => {
            let mut n = 0u64;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        }
    }
}
