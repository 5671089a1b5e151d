//! The `sathach` command as an operator meets it: help, exit codes, one-line messages.

use std::{
    fs::Permissions,
    os::unix::{fs::MetadataExt, fs::PermissionsExt, process::CommandExt},
    process::{Command, Output},
};

/// The unprivileged user and group id (`nobody`, `nogroup` on Debian).
const NOBODY: u32 = 65534;

pub fn sathach(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sathach"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("SATHACH_DATABASE_URL")
        .env_remove("SATHACH_CONFIG")
        .env_remove("SATHACH_LANG")
        .env("RUST_LOG", "warn")
        .output()
        .expect("sathach runs")
}

pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A message for a person: one line, no panic, no backtrace.
pub fn assert_one_line_error(out: &Output, code: i32, needle: &str) {
    let all = text(out);
    assert_eq!(out.status.code(), Some(code), "{all}");
    assert!(all.contains(needle), "expected {needle:?} in {all}");
    assert!(
        !all.contains("panicked") && !all.contains("stack backtrace"),
        "{all}"
    );
}

#[test]
fn help_documents_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = sathach(dir.path(), &["--help"]);
    assert!(out.status.success());
    let help = text(&out);
    for sub in ["serve", "migrate", "backup", "org", "user"] {
        assert!(help.contains(sub), "--help lacks {sub}: {help}");
    }
    let serve = text(&sathach(dir.path(), &["serve", "--help"]));
    for flag in [
        "--listen",
        "--public-url",
        "--demo",
        "--database-url",
        "--signin-account-failures",
    ] {
        assert!(serve.contains(flag), "serve --help lacks {flag}");
    }
}

#[test]
fn secrets_never_appear_in_help() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sathach"))
        .args(["serve", "--help"])
        .env("SATHACH_METRICS_TOKEN", "very-secret-token")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!text(&out).contains("very-secret-token"));
}

#[test]
fn unknown_flags_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    assert_one_line_error(
        &sathach(dir.path(), &["serve", "--prot", "80"]),
        2,
        "unexpected argument '--prot'",
    );
}

#[test]
fn malformed_and_unreachable_databases_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let out = sathach(
        dir.path(),
        &["migrate", "--database-url", "mysql://root@localhost/x"],
    );
    assert_one_line_error(&out, 2, "is not supported");
    let out = sathach(
        dir.path(),
        &[
            "migrate",
            "--database-url",
            "postgres://u:hunter2@127.0.0.1:notaport/db",
        ],
    );
    assert_one_line_error(&out, 2, "not a valid PostgreSQL URL");
    assert!(
        !text(&out).contains("hunter2"),
        "passwords are never printed"
    );
    let out = sathach(
        dir.path(),
        &[
            "migrate",
            "--database-url",
            "postgres://u:hunter2@127.0.0.1:1/db",
        ],
    );
    assert_one_line_error(&out, 2, "cannot reach the database");
    assert!(!text(&out).contains("hunter2"));
}

#[test]
fn a_read_only_data_folder_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    // A folder that cannot be created (its parent is a file) fails even for root.
    std::fs::write(dir.path().join("not-a-folder"), b"").unwrap();
    let out = sathach(dir.path(), &["migrate", "--data-dir", "not-a-folder/data"]);
    assert_one_line_error(&out, 2, "cannot create the data folder not-a-folder/data");
    // A folder its user may not write to. Root ignores permission bits, so as root (CI) the
    // command runs as `nobody`, as a service account would.
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let as_root = std::fs::metadata(&data).unwrap().uid() == 0;
    std::fs::set_permissions(dir.path(), Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&data, Permissions::from_mode(0o555)).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_sathach"));
    command
        .arg("migrate")
        .current_dir(dir.path())
        .env_clear()
        .env("RUST_LOG", "warn");
    if as_root {
        command.uid(NOBODY).gid(NOBODY);
    }
    let out = command.output().expect("sathach runs");
    assert_one_line_error(
        &out,
        2,
        "the data folder data is not writable; fix its permissions or choose another with --data-dir",
    );
    assert!(
        !data.join("sathach.db").exists(),
        "nothing was written into it"
    );
}

#[test]
fn a_broken_configuration_file_names_the_file_and_the_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sathach.toml"), "listne = \"0.0.0.0:80\"\n").unwrap();
    let out = sathach(dir.path(), &["migrate"]);
    assert_one_line_error(&out, 2, "sathach.toml");
    assert!(text(&out).contains("listne"));
}

#[test]
fn organisations_and_users_from_the_terminal_with_content_errors_as_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = sathach(
        d,
        &[
            "org",
            "add",
            "--code",
            "SGD-HN",
            "--name",
            "Sở Giáo dục và Đào tạo Hà Nội",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = sathach(d, &["org", "add", "--code", "SGD-HN", "--name", "again"]);
    assert_one_line_error(&out, 1, "already exists");
    let out = sathach(
        d,
        &[
            "org",
            "add",
            "--kind",
            "centre",
            "--code",
            "TT-1",
            "--name",
            "Trung tâm 1",
            "--department",
            "sgd-hn",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));

    let out = sathach(
        d,
        &[
            "user",
            "add",
            "--org",
            "SGD-HN",
            "--role",
            "admin",
            "--email",
            "admin@hanoi.edu.vn",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("temporary password"));
    let out = sathach(
        d,
        &[
            "user",
            "add",
            "--org",
            "SGD-HN",
            "--role",
            "proctor",
            "--email",
            "gt@hanoi.edu.vn",
        ],
    );
    assert_one_line_error(&out, 1, "belongs to a centre");
    let out = sathach(
        d,
        &[
            "user",
            "add",
            "--org",
            "NOPE",
            "--role",
            "proctor",
            "--email",
            "gt@hanoi.edu.vn",
        ],
    );
    assert_one_line_error(&out, 1, "no organisation has the code NOPE");
    let out = sathach(
        d,
        &[
            "user",
            "add",
            "--org",
            "TT-1",
            "--role",
            "chief",
            "--email",
            "gt@hanoi.edu.vn",
        ],
    );
    assert_one_line_error(&out, 2, "invalid value 'chief'");
}

#[test]
fn backup_copies_a_live_database_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(
        sathach(
            d,
            &["org", "add", "--code", "SGD-HN", "--name", "Sở Hà Nội"]
        )
        .status
        .success()
    );
    let out = sathach(d, &["backup", "copy.db"]);
    assert!(out.status.success(), "{}", text(&out));
    // The copy is a working database: point sathach at it and add to it.
    let copy_url = format!("sqlite://{}", d.join("copy.db").display());
    let out = sathach(
        d,
        &[
            "org",
            "add",
            "--code",
            "TT-2",
            "--kind",
            "centre",
            "--department",
            "SGD-HN",
            "--name",
            "Trung tâm 2",
            "--database-url",
            &copy_url,
        ],
    );
    assert!(
        out.status.success(),
        "the copy holds the department: {}",
        text(&out)
    );
    assert_one_line_error(&sathach(d, &["backup", "copy.db"]), 2, "already exists");
}

/// Creates department SGD and its centre TT in the data folder `d`.
pub fn department_and_centre(d: &std::path::Path) {
    assert!(
        sathach(d, &["org", "add", "--code", "SGD", "--name", "Sở"])
            .status
            .success()
    );
    let centre = [
        "org",
        "add",
        "--kind",
        "centre",
        "--code",
        "TT",
        "--department",
        "SGD",
        "--name",
        "Trung tâm",
    ];
    assert!(sathach(d, &centre).status.success());
}
