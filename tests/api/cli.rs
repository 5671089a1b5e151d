//! The `sathach` command as an operator meets it: help, exit codes, one-line messages.

use std::process::{Command, Output};

fn sathach(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sathach"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("SATHACH_DATABASE_URL")
        .env_remove("SATHACH_CONFIG")
        .env("RUST_LOG", "warn")
        .output()
        .expect("sathach runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A message for a person: one line, no panic, no backtrace.
fn assert_one_line_error(out: &Output, code: i32, needle: &str) {
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
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let mut perms = std::fs::metadata(&data).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&data, perms).unwrap();
    // root ignores permission bits; only check when they bite.
    if std::fs::write(data.join("probe"), b"").is_ok() {
        return;
    }
    assert_one_line_error(&sathach(dir.path(), &["migrate"]), 2, "not writable");
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

const BANKS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/banks");

#[test]
fn bank_check_prints_actionable_lines_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let good = format!("{BANKS}/all-types/bank.toml");
    let out = sathach(dir.path(), &["bank", "check", &good]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("8 items, 0 errors, 0 warnings"));

    let broken = format!("{BANKS}/broken.toml");
    let out = sathach(dir.path(), &["bank", "check", &broken]);
    assert_one_line_error(
        &out,
        1,
        "broken.toml:12: error: item B-001 has no answer key",
    );
    assert!(
        text(&out)
            .contains("broken.toml:14: error: duplicate id \"B-001\": line 6 already uses it")
    );

    let out = sathach(dir.path(), &["bank", "check", &broken, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(reports[0]["format"], "sathach-toml");
    assert_eq!(reports[0]["errors"][0]["line"], 12);
    assert!(
        reports[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("broken.toml")
    );
}

#[test]
fn bank_import_export_round_trip_with_pictures_and_key_corrections() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
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
    let out = sathach(
        d,
        &[
            "bank",
            "import",
            &format!("{BANKS}/all-types"),
            "--org",
            "TT",
        ],
    );
    assert!(
        text(&out).contains("TEST-ALL: version 1: 8 added"),
        "{}",
        text(&out)
    );

    let out = sathach(
        d,
        &[
            "bank",
            "export",
            "test-all",
            "--org",
            "TT",
            "-o",
            "export/bank.toml",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        d.join("export/media/may-tinh.png").exists(),
        "pictures are exported beside the bank"
    );
    let out = sathach(d, &["bank", "import", "export/bank.toml", "--org", "TT"]);
    assert!(text(&out).contains("unchanged (8 items)"), "{}", text(&out));

    let rekeyed = std::fs::read_to_string(d.join("export/bank.toml"))
        .unwrap()
        .replace("answer = true", "answer = false");
    std::fs::write(d.join("export/bank.toml"), rekeyed).unwrap();
    let out = sathach(d, &["bank", "import", "export/bank.toml", "--org", "TT"]);
    assert_one_line_error(&out, 1, "only its answer key changed");
    let out = sathach(
        d,
        &[
            "bank",
            "import",
            "export/bank.toml",
            "--org",
            "TT",
            "--key-correction",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "a key correction needs a reason"
    );
    let out = sathach(
        d,
        &[
            "bank",
            "import",
            "export/bank.toml",
            "--org",
            "TT",
            "--key-correction",
            "--reason",
            "sai đáp án",
        ],
    );
    assert!(
        text(&out).contains("version 2: 0 added, 0 changed, 1 key corrections"),
        "{}",
        text(&out)
    );
    let out = sathach(d, &["bank", "list", "--org", "TT"]);
    assert!(text(&out).contains("TEST-ALL") && text(&out).contains("IU01"));
}
