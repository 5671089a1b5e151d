//! The draw against the shipped banks and blueprints: every paper satisfies its blueprint,
//! the same inputs give the same paper, exposure and exclusions are honoured, and impossible
//! blueprints are refused with the rule and the shortfall named.

use proptest::prelude::*;

use super::{
    SHIPPED,
    check::{check_against_pool, violations},
    draw::{DrawError, DrawInputs, Excluded, Exposure, Form, PoolItem, draw, draw_by},
    model::{Blueprint, Marking, Thousandths},
    read::read_blueprint,
    rng::Generator,
    simulate::simulate,
};
use crate::{
    banks::{self, model::Body, report::FileReport},
    vocab::Lang,
};

/// Every shipped item as version 1 of itself.
pub(super) fn shipped_pool() -> Vec<PoolItem> {
    banks::SHIPPED
        .iter()
        .flat_map(|(name, text)| {
            let bank = banks::native::read_bank(name, text, vec![])
                .0
                .expect("shipped bank is valid");
            let code = bank.meta.code.clone();
            bank.items.into_iter().map(move |item| PoolItem {
                version_id: format!("{code}/{}/v1", item.id),
                item_id: format!("{code}/{}", item.id),
                bank: code.clone(),
                item,
            })
        })
        .collect()
}

fn blueprint(name: &str) -> Blueprint {
    let (_, text) = SHIPPED
        .iter()
        .find(|(n, _)| n.ends_with(name))
        .expect("shipped blueprint");
    let (bp, report) = read_blueprint(name, text);
    bp.unwrap_or_else(|| panic!("{name}: {:?}", report.lines(Lang::En)))
}

fn draw_with(bp: &Blueprint, pool: &[PoolItem], seed: [u8; 32]) -> Result<Form, DrawError> {
    draw(&DrawInputs {
        blueprint: bp,
        pool,
        exposure: &Exposure::default(),
        excluded: &Excluded::default(),
        seed,
    })
}

#[test]
fn every_shipped_blueprint_reads_and_fits_the_shipped_banks() {
    let pool = shipped_pool();
    for (name, text) in SHIPPED {
        let (bp, mut report) = read_blueprint(name, text);
        let bp = bp.unwrap_or_else(|| panic!("{name}: {:?}", report.lines(Lang::En)));
        check_against_pool(&bp, &pool, &mut report);
        assert!(!report.has_errors(), "{name}: {:?}", report.lines(Lang::En));
    }
    assert_eq!(blueprint("icdl-ce-thi.toml").item_count(), 36);
    assert_eq!(blueprint("co-ban-thi.toml").item_count(), 40);
}

/// The golden draw uses the test fixture bank (one item of every type), so editing a shipped
/// bank never moves it; only a change of the draw does. `UPDATE_GOLDEN=1` rewrites the file.
#[test]
fn a_fixed_seed_gives_the_committed_golden_form() {
    let pool = crate::test_fixtures::all_types_pool();
    let blueprint_text = r#"
[blueprint]
code = "GOLDEN"
title = "Golden"
modules = ["IU01"]

[[parts]]
code = "a"
sections = [
  { title = "Choice", banks = ["TEST-ALL"], types = ["single", "multiple", "true_false"], count = 2 },
  { title = "Rest", banks = ["TEST-ALL"], count = 4 },
]
"#;
    let bp = read_blueprint("golden.toml", blueprint_text).0.unwrap();
    // Papers drawn before issue 17 keep their generator's display rules.
    let inputs = DrawInputs {
        blueprint: &bp,
        pool: &pool,
        exposure: &Exposure::default(),
        excluded: &Excluded::default(),
        seed: [1; 32],
    };
    let v1 = serde_json::to_string(&draw_by(&inputs, Generator::V1).unwrap()).unwrap();
    assert_eq!(
        v1,
        include_str!("golden_form_v1.json").trim(),
        "a v1 paper no longer redraws the same"
    );
    let form = draw_with(&bp, &pool, [1; 32]).unwrap();
    let json = serde_json::to_string(&form).unwrap();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/blueprints/golden_form.json"
    );
    if std::env::var("UPDATE_GOLDEN").is_ok() {
        std::fs::write(path, &json).unwrap();
    }
    assert_eq!(
        json,
        include_str!("golden_form.json").trim(),
        "the draw changed: bump rng::GENERATOR"
    );
}

#[test]
fn different_seeds_give_different_forms() {
    let (bp, pool) = (blueprint("co-ban-thi.toml"), shipped_pool());
    assert_ne!(
        draw_with(&bp, &pool, [1; 32]).unwrap().sections,
        draw_with(&bp, &pool, [2; 32]).unwrap().sections
    );
}

#[test]
fn less_used_items_come_first_and_seen_items_are_avoided() {
    let (bp, pool) = (blueprint("iu01-thi.toml"), shipped_pool());
    let first = draw_with(&bp, &pool, [3; 32]).unwrap();
    let exposure: Exposure = first.items().map(|i| (i.item_id.clone(), 5)).collect();
    let excluded: Excluded = first.items().map(|i| i.item_id.clone()).collect();
    for (exposure, excluded) in [
        (&exposure, &Excluded::default()),
        (&Exposure::default(), &excluded),
    ] {
        let second = draw(&DrawInputs {
            blueprint: &bp,
            pool: &pool,
            exposure,
            excluded,
            seed: [4; 32],
        })
        .unwrap();
        // 45 items, 25 drawn: 20 unused remain, 4 per topic, so each section repeats at most one.
        let repeated = second
            .items()
            .filter(|i| first.items().any(|f| f.item_id == i.item_id))
            .count();
        assert!(repeated <= 5, "{repeated} items repeated");
        assert!(violations(&bp, &pool, &second).is_empty());
    }
}

#[test]
fn simulation_of_a_session_day_has_no_violations() {
    let (bp, pool) = (blueprint("co-ban-thi.toml"), shipped_pool());
    let day = simulate(&bp, &pool, 60, [9; 32]).unwrap();
    assert_eq!(day.violations, 0, "{:?}", day.first_violations);
    assert_eq!(
        day.topics_covered, day.topics_total,
        "every topic of IU01–IU06 appears"
    );
    assert!(
        day.exposure_max as f64 <= day.exposure_mean * 2.0 + 1.0,
        "{day:?}"
    );
    assert!(
        day.difficulty_min >= 0.42 && day.difficulty_max <= 0.58,
        "{day:?}"
    );
}

#[test]
fn impossible_blueprints_name_the_rule_and_the_shortfall() {
    let pool = shipped_pool();
    let count = |f: &dyn Fn(&PoolItem) -> bool| pool.iter().filter(|p| f(p)).count();
    let security = count(&|p| p.bank == "IU01-MAU" && p.item.topic == "IU01.4");
    let all = count(&|p| p.bank == "IU01-MAU");
    let text = format!(
        r#"
[blueprint]
code = "X"
title = "Quá nhiều câu"
modules = ["IU01"]
target_difficulty = 0.95
difficulty_tolerance = 0.01

[[parts]]
code = "a"
sections = [
  {{ title = "An toàn", topics = ["IU01.4"], banks = ["IU01-MAU"], count = {} }},
  {{ title = "Tất cả", banks = ["IU01-MAU", "KHONG-CO"], count = {} }},
]
"#,
        security + 3,
        all - 5
    );
    let (bp, mut report) = read_blueprint("x.toml", &text);
    check_against_pool(&bp.unwrap(), &pool, &mut report);
    let lines = report.lines(Lang::En).join("\n");
    assert!(
        lines.contains(&format!(
            "section An toàn needs {} items but its rule matches only {security} (3 short)",
            security + 3
        )),
        "{lines}"
    );
    assert!(lines.contains("bank KHONG-CO"), "{lines}");
    let together = format!("together need {}, but only {all}", security + 3 + all - 5);
    assert!(lines.contains(&together), "{lines}");
    assert!(
        !lines.contains("difficulty target"),
        "a shortage is not hidden behind the difficulty target: {lines}"
    );
    let vi = report.lines(Lang::Vi).join("\n");
    assert!(vi.contains("thiếu 3"), "{vi}");

    let enough = text
        .replace(&format!("count = {} ", security + 3), "count = 5 ")
        .replace(
            &format!("\"IU01-MAU\", \"KHONG-CO\"], count = {} ", all - 5),
            "\"IU01-MAU\"], count = 10 ",
        );
    let (bp, mut report) = read_blueprint("x.toml", &enough);
    check_against_pool(&bp.unwrap(), &pool, &mut report);
    let lines = report.lines(Lang::En).join("\n");
    assert!(
        lines.contains("difficulty target 0.95±0.01 cannot be reached") && !lines.contains("short"),
        "once every rule finds its items, the target is judged: {lines}"
    );
}

#[test]
fn bad_blueprint_files_are_reported_by_line() {
    let text = "[blueprint]\ncode = \"X\"\ntitle = \"T\"\nmodules = [\"IU99\"]\npass = \"120%\"\n\n[[parts]]\ncode = \"a\"\nsections = [{ title = \"s\", banks = [\"B\"], count = 0 }]\n";
    let (bp, report): (Option<Blueprint>, FileReport) = read_blueprint("bad.toml", text);
    assert!(bp.is_none());
    let lines = report.lines(Lang::En).join("\n");
    assert!(
        lines.contains("bad.toml:4: error: unknown module IU99"),
        "{lines}"
    );
    assert!(
        lines.contains("bad.toml:5: error: `pass` = 120% is not a pass share"),
        "{lines}"
    );
    assert!(lines.contains("`count` = 0 is outside 1–500"), "{lines}");
}

#[test]
fn a_practical_part_says_how_it_is_marked_and_a_drawn_part_cannot() {
    let head = "[blueprint]\ncode = \"X\"\ntitle = \"T\"\nmodules = [\"IU01\"]\n\n[[parts]]\ncode = \"lt\"\nsections = [{ title = \"s\", banks = [\"B\"], count = 1 }]\n";
    let part = |extra: &str| {
        format!("{head}\n[[parts]]\ncode = \"th\"\nexternal = true\nmax_points = 10\n{extra}")
    };
    let (bp, _) = read_blueprint(
        "ok.toml",
        &part("graders = 2\nmax_difference = \"1,5\"\nrounding = \"0.25\"\n"),
    );
    assert_eq!(
        bp.unwrap().parts[1].marking,
        Some(Marking {
            graders: 2,
            max_difference: Thousandths(1500),
            rounding: Some(Thousandths(250)),
        })
    );
    let (bp, _) = read_blueprint("one.toml", &part(""));
    assert_eq!(bp.unwrap().parts[1].marking, Some(Marking::default()));
    for (extra, needle) in [
        ("graders = 2\n", "give max_difference"),
        ("max_difference = \"1\"\n", "applies only with two graders"),
        ("rounding = \"0\"\n", "`rounding` = \"0\" is not valid"),
        ("graders = 3\n", "outside 1–2"),
    ] {
        let (bp, report) = read_blueprint("bad.toml", &part(extra));
        let lines = report.lines(Lang::En).join("\n");
        assert!(bp.is_none() && lines.contains(needle), "{extra}: {lines}");
    }
    let drawn = head.replace("count = 1 }]", "count = 1 }]\ngraders = 2");
    let (bp, report) = read_blueprint("drawn.toml", &drawn);
    let lines = report.lines(Lang::En).join("\n");
    assert!(
        bp.is_none() && lines.contains("is drawn from banks, so it has no graders"),
        "{lines}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_drawn_form_satisfies_its_blueprint(seed in any::<[u8; 32]>(), which in 0usize..8) {
        let pool = shipped_pool();
        let (name, text) = SHIPPED[which];
        let bp = read_blueprint(name, text).0.unwrap();
        let form = draw_with(&bp, &pool, seed).unwrap();
        prop_assert!(violations(&bp, &pool, &form).is_empty(), "{:?}", violations(&bp, &pool, &form));
        prop_assert_eq!(&form, &draw_with(&bp, &pool, seed).unwrap(), "same inputs, same form");
        for item in form.items() {
            let p = pool.iter().find(|p| p.version_id == item.version_id).unwrap();
            if let Body::Ordering { sequence } | Body::Matching { distractors: sequence, .. } = &p.item.body {
                let mut sorted = item.order.clone();
                sorted.sort_unstable();
                prop_assert!(sorted.len() >= sequence.len() && sorted.iter().enumerate().all(|(i, v)| i == *v), "a permutation");
            }
        }
    }
}
