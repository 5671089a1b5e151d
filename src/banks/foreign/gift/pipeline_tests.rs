//! GIFT drafts through the native reader, as an import reads them; messages in both
//! languages; and arbitrary text never panics.

use super::fixture_tests::{EXAMPLES, QUESTIONS};
use super::*;
use crate::banks::{
    foreign::read_drafts,
    model::{Body, Difficulty},
};
use crate::vocab::Lang;

use crate::test_fixtures::foreign_defaults as defaults;

#[test]
fn fixtures_go_through_the_native_reader() {
    for (name, text, items) in [
        ("moodle-examples.txt", EXAMPLES, 43),
        ("moodle-questions.gift.txt", QUESTIONS, 8),
    ] {
        let (bank, report) = read_drafts(name, "gift", read(text), &defaults());
        assert!(
            !report.has_errors(),
            "{name}: {:#?}",
            report.lines(Lang::En)
        );
        let bank = bank.expect(name);
        assert_eq!(bank.items.len(), items, "{name}");
        assert!(bank.items.iter().all(|i| i.difficulty == Difficulty::TH));
    }
    let (bank, report) = read_drafts("questions.gift", "gift", read(QUESTIONS), &defaults());
    let bank = bank.unwrap();
    // Duplicate titles get a number; the skipped essay is a warning by name.
    let ids: Vec<&str> = bank.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids[6..], ["2-08 TSL", "2-08 TSL (2)"]);
    assert!(
        report
            .lines(Lang::Vi)
            .iter()
            .any(|l| l.contains("bỏ qua câu “Q8”") && l.contains("essay")),
        "{:#?}",
        report.lines(Lang::Vi)
    );
    let Body::Matching { distractors, .. } = &bank.items[0].body else {
        panic!()
    };
    assert_eq!(distractors[0].html, "<p>Chat</p>");
}

#[test]
fn errors_read_well_in_both_languages() {
    let (bank, report) = read_drafts("x.gift", "gift", read("A?{#ba}\n\nB?{=a ~b"), &defaults());
    assert!(bank.is_none());
    let vi = report.lines(Lang::Vi).join("\n");
    assert!(
        vi.contains("x.gift:1: lỗi: “ba” không phải là số: đáp án số viết dạng {#3.14:0.01}"),
        "{vi}"
    );
    assert!(
        vi.contains("x.gift:3: lỗi: câu hỏi có dấu { mở khối đáp án"),
        "{vi}"
    );
    let en = report.lines(Lang::En).join("\n");
    assert!(en.contains("“ba” is not a number"), "{en}");
    assert!(en.contains("write \\{"), "{en}");
}

proptest::proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        let _ = read(&text);
    }

    #[test]
    fn gift_like_text_never_panics(
        text in "([{}=~#%:\\\\\n\\[\\]/$.> -]|->|::|//|\\[html\\]|\\[markdown\\]|\\$CATEGORY:|\\[tag:|\\[id:|T|FALSE|[a-c0-9]|\u{F0001}|<b>|&lt;){0,120}"
    ) {
        let found = read(&text);
        let _ = read_drafts("x.gift", "gift", found, &defaults());
    }
}

#[test]
fn what_gift_cannot_carry_is_named() {
    let text = "::F:: Phím sao chép? {=Ctrl+C ~Ctrl+V ####[html]Xem <img src=\"@@PLUGINFILE@@/a.png\"> nhé}\n\n\
                ::A:: [html]Nghe <audio src=\"bai.mp3\"></audio> rồi chọn {=Một ~Hai}\n\n\
                ::P:: Quan sát hình anh1.png: đây là? {=Chuột ~Bàn phím}\n\n\
                ::S:: Đây là? <img src=\"@@PLUGINFILE@@/b.png\"> {=Chuột ~Bàn phím}\n";
    let found = read(text);
    let warnings: Vec<&str> = found.warnings.iter().map(|(_, (k, _))| *k).collect();
    assert_eq!(
        warnings,
        [
            "bank.foreign2.feedback_picture_dropped",
            "bank.foreign2.media_left_out"
        ]
    );
    assert_eq!(found.drafts[0].explanation.as_deref(), Some("Xem nhé"));
    assert_eq!(
        found.errors.len(),
        1,
        "the stem's picture: {:?}",
        found.errors
    );
    assert_eq!(
        found.errors[0],
        (7, ("bank.foreign2.gift_picture", args![names = "b.png"]))
    );
    let (_, report) = read_drafts("x.gift", "gift", found, &defaults());
    let lines = report.lines(Lang::Vi).join("\n");
    assert!(
        lines.contains("x.gift:5: cảnh báo: câu hỏi ghi tên tệp hình (anh1.png)"),
        "{lines}"
    );
}
