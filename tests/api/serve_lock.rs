//! Two servers on one SQLite file: the real `sathach serve`, started twice on one data folder,
//! refuses the second with the first one's pid; `sathach backup` works meanwhile; once the
//! first is killed (SIGKILL: no clean-up of its own) a new server starts.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use crate::cli::{assert_one_line_error, sathach, text};

/// The binary, run in `dir` on its default SQLite database, logging warnings only.
fn sathach_in(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sathach"));
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("SATHACH_DATABASE_URL")
        .env_remove("SATHACH_CONFIG")
        .env("RUST_LOG", "warn");
    command
}

/// Starts `sathach serve` on `dir/data`, port 0, and waits until it says it is ready.
fn serve(dir: &Path) -> Child {
    let mut child = sathach_in(dir)
        .args(["serve", "--data-dir", "data", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("sathach serve starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("sathach is ready at") {
                let _ = tx.send(());
            }
        }
    });
    if rx.recv_timeout(Duration::from_secs(60)).is_err() {
        let _ = child.kill();
        panic!("sathach serve never became ready");
    }
    child
}

/// Runs a command that must end by itself; kills it (and fails) if it serves on instead.
fn run_to_end(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut child = sathach_in(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let began = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if began.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("a second server started on the same database: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_second_server_on_one_data_folder_is_refused_until_the_first_dies() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = serve(dir.path());
    let second = run_to_end(
        dir.path(),
        &["serve", "--data-dir", "data", "--listen", "127.0.0.1:0"],
    );
    assert_one_line_error(&second, 2, &format!("process {}", first.id()));
    assert_eq!(
        String::from_utf8_lossy(&second.stderr)
            .trim()
            .lines()
            .count(),
        1,
        "{}",
        text(&second)
    );
    let backup = sathach(dir.path(), &["--data-dir", "data", "backup", "copy.db"]);
    assert!(backup.status.success(), "{}", text(&backup));
    assert!(dir.path().join("copy.db").exists());

    first.kill().unwrap();
    first.wait().unwrap();
    let mut third = serve(dir.path());
    third.kill().unwrap();
    third.wait().unwrap();
}
