//! `sathach catalog check`: the shipped catalog passes; a broken draft gets every problem
//! with its line, Vietnamese first, English with `--lang en`, and exit 1.

use crate::cli::{sathach, text};

#[test]
fn the_shipped_catalog_passes() {
    let dir = tempfile::tempdir().unwrap();
    let out = sathach(dir.path(), &["catalog", "check"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert_eq!(
        all.trim(),
        "catalog.toml: 25 mô đun, 3 chứng chỉ, 8 chứng chỉ tương đương, 0 lỗi"
    );
}

#[test]
fn a_broken_draft_gets_every_problem_at_its_line_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = include_str!("../../question_banks/catalog.toml");
    let draft = shipped
        .replace("\"IU14\", \"IU15\"] }", "\"IU14\", \"IU16\"] }")
        .replace("any = { count = 3,", "any = { count = 10,")
        .replace("code = \"ICDL-HS\"", "code = \"TT03-CB\"")
        .replacen("credits = 2\n", "", 1);
    std::fs::write(dir.path().join("catalog.toml"), &draft).unwrap();
    let line_of = |needle: &str| draft.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let any = line_of("any = { count = 10,");
    let iu07 = line_of("code = \"IU07\"") - 1;
    let second = draft.match_indices("code = \"TT03-CB\"").nth(1).unwrap().0;
    let second = draft[..second].lines().count() + 1;

    let out = sathach(
        dir.path(),
        &["catalog", "check", "catalog.toml", "--lang", "en"],
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    for expected in [
        format!(
            "catalog.toml:{any}: error: certificate TT03-NC: module IU16 is not in the catalog"
        ),
        format!(
            "catalog.toml:{any}: error: certificate TT03-NC: any asks for 10 of 9 listed modules"
        ),
        format!("catalog.toml:{iu07}: error: module IU07 has no `credits`"),
        format!(
            "catalog.toml:{second}: error: certificate TT03-CB: duplicate code, line {} already uses it",
            line_of("code = \"TT03-CB\"")
        ),
        "catalog.toml: 25 modules, 2 certificates, 8 equivalences, 4 errors".to_string(),
    ] {
        assert!(all.contains(&expected), "expected {expected:?} in\n{all}");
    }
    assert!(!all.contains("panicked"), "{all}");

    let vi = text(&sathach(dir.path(), &["catalog", "check", "catalog.toml"]));
    assert!(
        vi.contains(&format!(
            "catalog.toml:{any}: lỗi: chứng chỉ TT03-NC: mô đun IU16 không có trong danh mục"
        )),
        "{vi}"
    );
}

#[test]
fn a_missing_file_is_an_environment_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = sathach(dir.path(), &["catalog", "check", "nowhere.toml"]);
    crate::cli::assert_one_line_error(&out, 2, "nowhere.toml");
}
