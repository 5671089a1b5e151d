//! `sathach blueprint check|simulate` run as a program on the shipped banks and blueprints,
//! imported into a real SQLite database.

use crate::cli::{assert_one_line_error, sathach, text};

const QB: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/question_banks");

/// A data folder holding a centre with the shipped banks imported.
fn centre_with_banks() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    crate::cli::department_and_centre(d);
    let out = sathach(d, &["bank", "import", QB, "--org", "TT"]);
    assert!(out.status.success(), "{}", text(&out));
    dir
}

/// `blueprint simulate FILE --org TT --forms N --seed SEED --format json`: the papers' figures.
fn simulated(d: &std::path::Path, file: &str, forms: &str, seed: &str) -> serde_json::Value {
    let args = [
        "blueprint",
        "simulate",
        file,
        "--org",
        "TT",
        "--forms",
        forms,
        "--seed",
        seed,
        "--format",
        "json",
    ];
    let out = sathach(d, &args);
    assert!(out.status.success(), "{file}: {}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["papers"].clone()
}

#[test]
fn shipped_blueprints_check_and_simulate_without_violations() {
    let dir = centre_with_banks();
    let d = dir.path();
    let blueprints: Vec<String> = ["iu01-thi.toml", "co-ban-thi.toml", "icdl-ce-thi.toml"]
        .iter()
        .map(|f| format!("{QB}/{f}"))
        .collect();
    let mut args = vec!["blueprint", "check", "--org", "TT", "--lang", "en"];
    args.extend(blueprints.iter().map(String::as_str));
    let out = sathach(d, &args);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("co-ban-thi.toml: 40 items, 0 errors"),
        "{}",
        text(&out)
    );

    let seed = "07".repeat(32);
    let simulate = [
        "blueprint",
        "simulate",
        &blueprints[1],
        "--org",
        "TT",
        "--forms",
        "50",
        "--seed",
        &seed,
        "--format",
        "json",
    ];
    let out = sathach(d, &simulate);
    assert!(out.status.success(), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = &json["papers"];
    assert_eq!(result["violations"], 0);
    assert_eq!(result["forms"], 50);
    assert_eq!(result["topics_covered"], result["topics_total"]);
    let again = sathach(d, &simulate);
    assert_eq!(
        out.stdout, again.stdout,
        "the same master seed repeats the simulation"
    );
}

#[test]
fn no_shipped_item_is_on_more_than_a_fifth_of_200_papers() {
    let dir = centre_with_banks();
    let d = dir.path();
    let seed = "2a".repeat(32);
    let files = [
        "iu01-thi.toml",
        "iu02-thi.toml",
        "iu03-thi.toml",
        "iu04-thi.toml",
        "iu05-thi.toml",
        "iu06-thi.toml",
        "icdl-ce-thi.toml",
        "co-ban-thi.toml",
    ];
    for file in files {
        let path = format!("{QB}/{file}");
        let papers = simulated(d, &path, "200", &seed);
        assert_eq!(papers["violations"], 0, "{file}");
        let most = papers["exposure_max"].as_u64().unwrap();
        assert!(most <= 40, "{file}: an item is on {most} of 200 papers");
        // Every topic on every paper: one section per topic (the basic certificate's too).
        assert_eq!(papers["topics_covered"], papers["topics_total"], "{file}");
        println!("{file}: exposure at most {most} of 200 papers");
    }
}

#[test]
fn every_shipped_bank_and_blueprint_imports_and_every_topic_is_drawn() {
    // The centre has every shipped bank (`bank import question_banks/`).
    let dir = centre_with_banks();
    let d = dir.path();
    let seed = "5c".repeat(32);
    for (name, _) in sathach::blueprints::SHIPPED {
        let path = format!("{}/{name}", env!("CARGO_MANIFEST_DIR"));
        let out = sathach(d, &["blueprint", "import", &path, "--org", "TT"]);
        assert!(out.status.success(), "{name}: {}", text(&out));
        let papers = simulated(d, &path, "50", &seed);
        assert_eq!(papers["violations"], 0, "{name}");
        // Every topic of the blueprint's modules in the catalog is on its papers.
        assert_eq!(papers["topics_covered"], papers["topics_total"], "{name}");
    }
}

#[test]
fn a_blueprint_the_banks_cannot_serve_is_refused_with_the_shortfall() {
    let dir = centre_with_banks();
    let d = dir.path();
    let text_of = "[blueprint]\ncode = \"QUA-NHIEU\"\ntitle = \"Quá nhiều câu\"\nmodules = [\"IU02\"]\n\n[[parts]]\ncode = \"a\"\nsections = [{ title = \"Máy in\", topics = [\"IU02.6\"], banks = [\"IU02-MAU\"], count = 300 }]\n";
    let have = crate::helpers::shipped_items("IU02-MAU", Some("IU02.6"));
    std::fs::write(d.join("bp.toml"), text_of).unwrap();
    let out = sathach(d, &["blueprint", "check", "bp.toml", "--org", "TT"]);
    assert_one_line_error(
        &out,
        1,
        &format!(
            "nhóm câu hỏi Máy in cần 300 câu nhưng quy tắc chỉ khớp {have} câu (thiếu {})",
            300 - have
        ),
    );
    let out = sathach(
        d,
        &[
            "blueprint",
            "simulate",
            "bp.toml",
            "--org",
            "TT",
            "--lang",
            "en",
        ],
    );
    assert_one_line_error(
        &out,
        1,
        &format!(
            "needs 300 items but its rule matches only {have} ({} short)",
            300 - have
        ),
    );
}

#[test]
fn blueprint_import_stores_versions_and_skips_unchanged_text() {
    let dir = centre_with_banks();
    let d = dir.path();
    let file = format!("{QB}/iu03-thi.toml");
    let out = sathach(d, &["blueprint", "import", &file, "--org", "TT"]);
    assert!(text(&out).contains("IU03-THI v1"), "{}", text(&out));
    let out = sathach(d, &["blueprint", "import", &file, "--org", "TT"]);
    assert!(text(&out).contains("IU03-THI unchanged"), "{}", text(&out));
    std::fs::write(
        d.join("bad.toml"),
        "[blueprint]\ncode = \"X\"\ntitle = \"X\"\nmodules = [\"IU03\"]\npass = \"150%\"\n",
    )
    .unwrap();
    let out = sathach(
        d,
        &[
            "blueprint",
            "import",
            "bad.toml",
            "--org",
            "TT",
            "--lang",
            "en",
        ],
    );
    assert_one_line_error(
        &out,
        1,
        "bad.toml:5: error: `pass` = 150% is not a pass share",
    );
}

#[test]
fn simulated_candidates_are_scored_and_analysed_end_to_end() {
    let dir = centre_with_banks();
    let d = dir.path();
    let file = format!("{QB}/iu01-thi.toml");
    let seed = "0a".repeat(32);
    let args = [
        "blueprint",
        "simulate",
        &file,
        "--org",
        "TT",
        "--forms",
        "10",
        "--seed",
        &seed,
        "--simulate-candidates",
        "300",
        "--format",
        "json",
    ];
    let out = sathach(d, &args);
    assert!(out.status.success(), "{}", text(&out));
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let candidates = &result["candidates"];
    assert_eq!(candidates["candidates"], 300);
    let passed = candidates["passed"].as_u64().unwrap();
    assert!(passed > 0 && passed < 300, "some pass, some fail: {passed}");
    assert_eq!(
        candidates["pending"], 0,
        "no practical part, nothing pending"
    );
    assert!(candidates["form"]["reliability"].as_f64().unwrap() > 0.5);
    assert_eq!(
        candidates["items"].as_array().unwrap().len(),
        crate::helpers::shipped_items("IU01-MAU", None),
        "every item of the bank was seen"
    );
}

#[test]
fn an_auditor_redraws_a_stored_paper_from_its_inputs() {
    let dir = centre_with_banks();
    let d = dir.path();
    let out = sathach(
        d,
        &[
            "blueprint",
            "import",
            &format!("{QB}/iu02-thi.toml"),
            "--org",
            "TT",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let paper_id = runtime.block_on(async {
        let db =
            sathach::db::Db::connect(&sathach::config::Settings::for_data_dir(&d.join("data")))
                .await
                .unwrap();
        let centre = sathach::orgs::store::by_code(&db.read, "TT")
            .await
            .unwrap()
            .unwrap();
        let version: String = sqlx::query_scalar("SELECT id FROM blueprint_versions")
            .fetch_one(&db.read)
            .await
            .unwrap();
        let paper = sathach::blueprints::papers::draw_paper(&db, &centre, &version, None)
            .await
            .unwrap();
        db.close().await;
        paper.id
    });
    let out = sathach(d, &["blueprint", "redraw", &paper_id]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("gives the same paper"));
    assert_one_line_error(
        &sathach(d, &["blueprint", "redraw", "khong-co"]),
        1,
        "no paper khong-co",
    );
}
