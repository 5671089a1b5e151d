//! Tests of the bank reports: lines, both languages, counts by type, JSON, placeholders.

use super::*;

fn sample() -> FileReport {
    let mut report = FileReport::new("iu01.toml", "sathach-toml");
    report.warning(
        3,
        "report.same_stem",
        args![id = "IU01-002", other = "IU01-001"],
    );
    report.error(
        7,
        "report.no_key_option",
        args![what = Arg::msg("report.what.item", args![id = "IU01-003"])],
    );
    report.error(2, "report.unknown_topic", args![topic = "\"IU01.9\""]);
    report.items = 3;
    report
}

#[test]
fn lines_are_sorted_and_prefixed_with_the_path() {
    let report = sample();
    assert_eq!(
        report.lines(Lang::En),
        vec![
            "iu01.toml:2: error: unknown topic \"IU01.9\"",
            "iu01.toml:3: warning: item IU01-002 has the same stem as item IU01-001",
            "iu01.toml:7: error: item IU01-003 has no answer key: mark the right option with correct = true",
        ]
    );
}

#[test]
fn the_same_report_reads_in_vietnamese() {
    let report = sample();
    let lines = report.lines(Lang::Vi);
    assert!(lines[0].starts_with("iu01.toml:2: lỗi: không có chủ đề \"IU01.9\""));
    assert!(lines[1].starts_with("iu01.toml:3: cảnh báo: câu hỏi IU01-002"));
    assert!(
        lines[2].starts_with("iu01.toml:7: lỗi: câu hỏi IU01-003 chưa có đáp án"),
        "{lines:?}"
    );
    assert_eq!(
        report.summary(Lang::Vi),
        "iu01.toml: 3 câu hỏi, 2 lỗi, 1 cảnh báo (sathach-toml)"
    );
    assert_eq!(
        report.summary(Lang::En),
        "iu01.toml: 3 items, 2 errors, 1 warnings (sathach-toml)"
    );
}

#[test]
fn every_format_counts_its_items_by_type_in_the_summary_and_json() {
    let (name, text) = crate::banks::SHIPPED[0];
    let (parsed, report) = crate::banks::native::read_bank(name, text, vec![]);
    let items = parsed.unwrap().items;
    let singles = items
        .iter()
        .filter(|i| i.body.kind() == crate::banks::model::ItemKind::Single)
        .count();
    assert!(singles > 0);
    assert_eq!(report.counts.values().sum::<usize>(), items.len());
    assert_eq!(report.counts["single"], singles);
    assert!(
        report
            .summary(Lang::Vi)
            .contains(&format!("theo loại: Trắc nghiệm một đáp án {singles}")),
        "{}",
        report.summary(Lang::Vi)
    );
    let json = serde_json::to_value(report.json(Lang::En)).unwrap();
    assert_eq!(json["counts"]["single"], singles);
}

#[test]
fn json_carries_the_key_and_the_rendered_message() {
    let json = serde_json::to_value(sample().json(Lang::En)).unwrap();
    assert_eq!(json["errors"][0]["key"], "report.no_key_option");
    assert_eq!(json["errors"][0]["line"], 7);
    assert_eq!(json["errors"][0]["severity"], "error");
    assert_eq!(json["errors"][0]["args"]["what"], "item IU01-003");
    assert!(
        json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("item IU01-003 has no answer key")
    );
    let vi = serde_json::to_value(sample().json(Lang::Vi)).unwrap();
    assert_eq!(vi["lang"], "vi");
    assert_eq!(vi["errors"][0]["args"]["what"], "câu hỏi IU01-003");
}

#[test]
fn every_message_a_placeholder_names_is_filled() {
    let text = render(
        Lang::En,
        "report.duplicate_id",
        &args![id = "\"{first}\"", first = 6],
    );
    assert_eq!(
        text,
        "duplicate id \"{first}\": line 6 already uses it; give each item its own id"
    );
}
