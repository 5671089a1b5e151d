//! The builder against the shipped blueprints and banks: every shipped blueprint survives the
//! trip through the form, and a submit's problems land at their fields, all at once, a shortage
//! never hidden behind the difficulty target.

use super::{check, form::BuilderForm, matching, write};
use crate::{
    blueprints::{SHIPPED, model::Blueprint, read::read_blueprint, tests::shipped_pool},
    vocab::Lang,
};

fn without_lines(mut bp: Blueprint) -> Blueprint {
    for part in &mut bp.parts {
        part.sections.iter_mut().for_each(|s| s.line = 0);
    }
    bp
}

fn shipped_form(name: &str) -> BuilderForm {
    let (_, text) = SHIPPED.iter().find(|(n, _)| n.ends_with(name)).unwrap();
    BuilderForm::from_blueprint(&read_blueprint(name, text).0.unwrap(), "org", true)
}

#[test]
fn every_shipped_blueprint_comes_back_the_same_through_the_form() {
    for (name, text) in SHIPPED {
        let original = read_blueprint(name, text).0.unwrap();
        let form = BuilderForm::from_blueprint(&original, "org", true);
        let written = write(&form, false);
        let (again, report) = read_blueprint(name, &written.text);
        let again = again
            .unwrap_or_else(|| panic!("{name}: {:?}\n{}", report.lines(Lang::En), written.text));
        assert_eq!(without_lines(again), without_lines(original), "{name}");
    }
}

#[test]
fn a_shortage_and_a_bad_pass_rule_are_shown_at_their_fields_in_one_submit() {
    let pool = shipped_pool();
    let mut form = shipped_form("iu01-thi.toml");
    let have = matching(&form, &form.parts[0].sections[3], &pool);
    form.parts[0].sections[3].count = (have + 3).to_string();
    form.pass = "150%".into();
    form.target_difficulty = "0,95".into();
    form.difficulty_tolerance = "0,01".into();
    let (problems, saved) = check(Lang::Vi, &form, &pool);
    assert!(saved.is_none());
    let count = problems
        .at("p0-s3-count")
        .expect("the shortage at the count");
    let expected = format!("Cần {} câu nhưng chỉ có {have} câu khớp", have + 3);
    assert!(count.starts_with(&expected), "{count}");
    let pass = problems.at("pass").expect("the pass rule at its field");
    assert!(pass.contains("“150%” không phải điểm đạt hợp lệ"), "{pass}");
    assert_eq!(problems.0.len(), 2, "{:?}", problems.0);
    for p in &problems.0 {
        assert!(
            !p.summary.contains("độ khó"),
            "no difficulty message: {p:?}"
        );
        assert!(
            !p.summary.contains("toml") && !p.summary.contains('`'),
            "{p:?}"
        );
    }
    assert_eq!(problems.0[0].field, "pass", "the page's order");
    assert_eq!(
        problems.0[1].summary,
        format!("Phần thi 1, nhóm câu hỏi 4 – Số câu rút: {count}")
    );

    form.parts[0].sections[3].count = "5".into();
    form.pass = "50%".into();
    let (problems, _) = check(Lang::Vi, &form, &pool);
    let target = problems.at("target_difficulty").expect("then the target");
    assert!(
        target.starts_with("Không thể đạt độ khó mục tiêu 0.95±0.01"),
        "{target}"
    );
}

#[test]
fn words_in_a_number_field_and_rules_out_of_range_are_at_their_fields() {
    let pool = shipped_pool();
    let mut form = shipped_form("co-ban-thi.toml");
    form.parts[0].sections[1].count = "mười".into();
    form.parts[0].sections[2].count = "0".into();
    form.parts[1].graders = "2".into();
    form.parts[0].sections[0].title.clear();
    let (problems, _) = check(Lang::Vi, &form, &pool);
    let untitled = problems
        .0
        .iter()
        .find(|p| p.field == "p0-s0-title")
        .unwrap();
    assert_eq!(
        untitled.summary,
        "Phần thi 1, nhóm câu hỏi 1 – Tên nhóm câu hỏi: Hãy điền mục này."
    );
    assert_eq!(
        problems.at("p0-s1-count").as_deref(),
        Some("Hãy nhập một số nguyên, ví dụ 10.")
    );
    assert_eq!(
        problems.at("p0-s2-count").as_deref(),
        Some("0 không hợp lệ: hãy nhập một số từ 1–500.")
    );
    assert!(
        problems.at("p1-max_difference").is_some(),
        "{:?}",
        problems.0
    );
}

#[test]
fn a_form_without_problems_gives_the_blueprint_and_its_toml() {
    let pool = shipped_pool();
    let form = shipped_form("co-ban-thi.toml");
    let (problems, saved) = check(Lang::En, &form, &pool);
    assert!(problems.is_empty(), "{:?}", problems.0);
    let (blueprint, text) = saved.unwrap();
    assert!(text.contains("[[parts.sections]]") && text.contains("external = true"));
    assert_eq!(blueprint.item_count(), 40);
    let section = &form.parts[0].sections[0];
    // The first section draws from IU01.1 alone: every item of that topic, no other.
    let topic = pool.iter().filter(|p| p.item.topic == "IU01.1").count();
    assert_eq!(matching(&form, section, &pool), topic, "IU01.1's items");
}
