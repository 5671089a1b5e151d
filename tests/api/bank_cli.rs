//! `sathach bank …` as a teacher or an operator meets it: reports by line in Vietnamese or
//! English, JSON, imports, exports and key corrections.

use std::process::Command;

use crate::cli::{assert_one_line_error, sathach, text};

const BANKS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/banks");

#[test]
fn bank_check_prints_actionable_lines_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let good = format!("{BANKS}/all-types/bank.toml");
    let out = sathach(dir.path(), &["bank", "check", &good, "--lang", "en"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("8 items, 0 errors, 0 warnings"));

    let broken = format!("{BANKS}/broken.toml");
    let out = sathach(dir.path(), &["bank", "check", &broken, "--lang", "en"]);
    assert_one_line_error(
        &out,
        1,
        "broken.toml:12: error: item B-001 has no answer key",
    );
    assert!(
        text(&out)
            .contains("broken.toml:14: error: duplicate id \"B-001\": line 6 already uses it")
    );

    let out = sathach(
        dir.path(),
        &["bank", "check", &broken, "--format", "json", "--lang", "en"],
    );
    assert_eq!(out.status.code(), Some(1));
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(reports[0]["format"], "sathach-toml");
    assert_eq!(reports[0]["errors"][0]["line"], 12);
    assert_eq!(reports[0]["errors"][0]["key"], "report.no_key_option");
    assert_eq!(
        reports[0]["errors"][0]["message"],
        "item B-001 has no answer key: mark the right option with correct = true"
    );
    assert!(
        reports[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("broken.toml")
    );
}

#[test]
fn bank_reports_are_in_vietnamese_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let broken = format!("{BANKS}/broken.toml");
    let out = sathach(dir.path(), &["bank", "check", &broken]);
    assert_one_line_error(
        &out,
        1,
        "broken.toml:12: lỗi: câu hỏi B-001 chưa có đáp án: hãy đánh dấu phương án đúng bằng correct = true",
    );
    let all = text(&out);
    assert!(
        all.contains("broken.toml:14: lỗi: mã câu hỏi \"B-001\" bị trùng: dòng 6 đã dùng mã này"),
        "{all}"
    );
    assert!(all.contains("0 câu hỏi, 7 lỗi, 0 cảnh báo"), "{all}");
    assert!(!all.contains("has no answer key"), "{all}");

    let out = sathach(dir.path(), &["bank", "check", &broken, "--format", "json"]);
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(reports[0]["errors"][0]["key"], "report.no_key_option");
    assert!(
        reports[0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("câu hỏi B-001 chưa có đáp án")
    );

    let good = format!("{BANKS}/all-types/bank.toml");
    let english = Command::new(env!("CARGO_BIN_EXE_sathach"))
        .args(["bank", "check", &good])
        .env("SATHACH_LANG", "en")
        .output()
        .unwrap();
    assert!(text(&english).contains("8 items, 0 errors, 0 warnings"));
}

#[test]
fn bank_import_export_round_trip_with_pictures_and_key_corrections() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    crate::cli::department_and_centre(d);
    let out = sathach(
        d,
        &[
            "bank",
            "import",
            &format!("{BANKS}/all-types"),
            "--org",
            "TT",
            "--lang",
            "en",
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
    let out = sathach(
        d,
        &[
            "bank",
            "import",
            "export/bank.toml",
            "--org",
            "TT",
            "--lang",
            "en",
        ],
    );
    assert!(text(&out).contains("unchanged (8 items)"), "{}", text(&out));

    let rekeyed = std::fs::read_to_string(d.join("export/bank.toml"))
        .unwrap()
        .replace("answer = true", "answer = false");
    std::fs::write(d.join("export/bank.toml"), rekeyed).unwrap();
    let out = sathach(
        d,
        &[
            "bank",
            "import",
            "export/bank.toml",
            "--org",
            "TT",
            "--lang",
            "en",
        ],
    );
    assert_one_line_error(&out, 1, "only its answer key changed");
    let out = sathach(d, &["bank", "import", "export/bank.toml", "--org", "TT"]);
    assert_one_line_error(&out, 1, "lỗi: câu hỏi T-003: chỉ có đáp án thay đổi");
    assert!(text(&out).contains("chưa nhập"), "{}", text(&out));
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
            "--lang",
            "en",
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
