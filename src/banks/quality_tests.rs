//! The quality checks on constructed banks: a biased one shows every cue, a balanced one none,
//! and near-duplicate stems are found within and across banks.

use super::*;
use crate::banks::native::read_bank;

/// Items read from `[[items]]` tables of a bank of module IU01.
fn items(tables: &str) -> Vec<Item> {
    let text = format!(
        "[bank]\ncode = \"TEST-Q\"\ntitle = \"T\"\nmodule = \"IU01\"\nlanguage = \"vi\"\n\n{tables}"
    );
    let (parsed, report) = read_bank("t.toml", &text, vec![]);
    assert!(
        !report.has_errors(),
        "{:?}",
        report.lines(crate::vocab::Lang::En)
    );
    parsed.unwrap().items
}

/// A single-choice item with its key at `key` among four options of the given lengths.
fn single(id: usize, key: usize, long_key: bool) -> String {
    let options: Vec<String> = (0..4)
        .map(|o| {
            let text = if o == key && long_key {
                format!("Phương án đúng và dài hơn hẳn số {id}")
            } else {
                format!("Phương án {o} số {id}")
            };
            let correct = if o == key { ", correct = true" } else { "" };
            format!("{{ text = \"{text}\"{correct} }}")
        })
        .collect();
    format!(
        "[[items]]\nid = \"S{id}\"\ntype = \"single\"\ntopic = \"IU01.1\"\ndifficulty = \"NB\"\n\
         stem = \"Câu hỏi một đáp án thứ {id} về chủ đề riêng {id}x\"\noptions = [{}]\n\n",
        options.join(", ")
    )
}

fn true_false(id: usize, answer: bool) -> String {
    format!(
        "[[items]]\nid = \"T{id}\"\ntype = \"true_false\"\ntopic = \"IU01.1\"\ndifficulty = \"NB\"\n\
         stem = \"Nhận định số {id} về điều {id}y\"\nanswer = {answer}\n\n"
    )
}

fn grouped(id: usize, first: bool) -> String {
    format!(
        "[[items]]\nid = \"G{id}\"\ntype = \"grouped_true_false\"\ntopic = \"IU01.1\"\n\
         difficulty = \"TH\"\nstem = \"Tình huống {id} với chi tiết {id}z\"\nstatements = [\
         {{ text = \"a {id}\", correct = {first} }}, {{ text = \"b {id}\", correct = {} }}, \
         {{ text = \"c {id}\", correct = false }}, {{ text = \"d {id}\", correct = true }}]\n\n",
        !first
    )
}

fn multiple(id: usize, keys: usize) -> String {
    let options: Vec<String> = (0..5)
        .map(|o| {
            let correct = if o < keys { ", correct = true" } else { "" };
            format!("{{ text = \"Lựa chọn {o} của {id}\"{correct} }}")
        })
        .collect();
    format!(
        "[[items]]\nid = \"M{id}\"\ntype = \"multiple\"\ntopic = \"IU01.1\"\ndifficulty = \"TH\"\n\
         stem = \"Chọn các ý đúng của bài {id} phần {id}w\"\noptions = [{}]\n\n",
        options.join(", ")
    )
}

#[test]
fn a_biased_bank_shows_every_cue() {
    let mut text = String::new();
    (0..20).for_each(|i| text.push_str(&single(i, 0, true)));
    (0..12).for_each(|i| text.push_str(&true_false(i, i != 0)));
    (0..12).for_each(|i| text.push_str(&grouped(i, true)));
    (0..12).for_each(|i| text.push_str(&multiple(i, 3)));
    let found: Vec<CueKind> = cues(&items(&text)).into_iter().map(|c| c.kind).collect();
    assert_eq!(
        found,
        vec![
            CueKind::KeyPosition(0),
            CueKind::LongestKey,
            CueKind::TrueShare,
            CueKind::FirstStatementTrue,
            CueKind::KeyCount(3),
        ]
    );
    let all = cues(&items(&text));
    assert_eq!(
        (all[0].count, all[0].total, all[0].percent()),
        (20, 20, 100)
    );
    assert_eq!((all[2].count, all[2].total), (11, 12));
}

#[test]
fn a_balanced_bank_gets_no_warning() {
    let mut text = String::new();
    (0..20).for_each(|i| text.push_str(&single(i, i % 4, i % 4 == 0)));
    (0..12).for_each(|i| text.push_str(&true_false(i, i % 2 == 0)));
    (0..12).for_each(|i| text.push_str(&grouped(i, i % 2 == 1)));
    (0..12).for_each(|i| text.push_str(&multiple(i, 2 + i % 3)));
    assert_eq!(cues(&items(&text)), vec![]);
}

#[test]
fn a_lean_pattern_on_few_items_or_within_chance_is_not_reported() {
    // Nine true/false items all "true": too few to say anything.
    let text: String = (0..9).map(|i| true_false(i, true)).collect();
    assert_eq!(cues(&items(&text)), vec![]);
    // 13 of 30 keys at A (43 %): above 40 %, but p ≈ 0.02 by chance.
    let text: String = (0..30)
        .map(|i| single(i, if i < 13 { 0 } else { 1 + i % 3 }, false))
        .collect();
    assert_eq!(cues(&items(&text)), vec![]);
}

#[test]
fn the_binomial_tail_is_exact() {
    assert_eq!(upper_tail(10, 0, 0.5), 1.0);
    assert!((upper_tail(10, 10, 0.5) - 1.0 / 1024.0).abs() < 1e-12);
    assert!((upper_tail(20, 15, 0.25) - 3.813_027_433_352_545e-6).abs() < 1e-15);
    assert!((upper_tail(30, 13, 0.25) - 0.021_593_640_879_855_47).abs() < 1e-12);
    assert_eq!(upper_tail(5, 6, 0.5), 0.0);
}

#[test]
fn near_identical_stems_are_found_within_and_across_banks() {
    let stem = |id: &str, stem: &str| {
        format!(
            "[[items]]\nid = \"{id}\"\ntype = \"true_false\"\ntopic = \"IU01.1\"\n\
             difficulty = \"NB\"\nstem = \"{stem}\"\nanswer = true\n\n"
        )
    };
    let one = items(&format!(
        "{}{}{}",
        stem(
            "A1",
            "Mã OTP gửi qua tin nhắn dùng để xác thực giao dịch ngân hàng."
        ),
        stem(
            "A2",
            "Mã **OTP** gửi qua tin nhắn dùng để xác thực giao dịch ngân hàng trực tuyến."
        ),
        stem(
            "A3",
            "Màn hình cảm ứng vừa là thiết bị nhập vừa là thiết bị xuất."
        ),
    ));
    let two = items(&stem(
        "B1",
        "Màn hình cảm ứng vừa là thiết bị nhập, vừa là thiết bị xuất?",
    ));
    let found = twins(&[&one, &two], Scope::All);
    let pairs: Vec<_> = found
        .iter()
        .map(|t| (t.first.clone(), t.second.clone()))
        .collect();
    assert_eq!(
        pairs,
        vec![
            ((0, "A1".into()), (0, "A2".into())),
            ((0, "A3".into()), (1, "B1".into())),
        ]
    );
    assert!(found[1].similarity == 1.0 && found[0].similarity >= TWIN_SIMILARITY);
    // Against the first bank only: the same pairs, both touch it.
    assert_eq!(twins(&[&one, &two], Scope::First), found);
    assert_eq!(twins(&[&two, &one], Scope::First).len(), 1);
    assert!(jaccard(&bigrams("một hai ba"), &bigrams("bốn năm sáu")) == 0.0);
}
