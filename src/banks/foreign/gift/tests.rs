//! Each GIFT construct on a small snippet.

use super::*;
use crate::banks::foreign::{DraftBody, DraftOption};

/// The one draft a snippet gives, failing with what was found otherwise.
pub(super) fn one(gift: &str) -> Draft {
    let found = read(gift);
    assert!(
        found.drafts.len() == 1 && found.errors.is_empty() && found.skipped.is_empty(),
        "{gift}\n→ {:?}\n{:?}\n{:?}",
        found.drafts,
        found.errors,
        found.skipped
    );
    found.drafts.into_iter().next().unwrap()
}

/// The one error a snippet gives: its line and key.
fn error(gift: &str) -> (usize, &'static str) {
    let found = read(gift);
    assert!(
        found.drafts.is_empty() && found.errors.len() == 1,
        "{gift}\n→ {:?}\n{:?}",
        found.drafts,
        found.errors
    );
    (found.errors[0].0, found.errors[0].1.0)
}

pub(super) fn options(body: &DraftBody) -> Vec<(&str, bool)> {
    match body {
        DraftBody::Choice { options, .. } => options
            .iter()
            .map(|o| (o.text.as_str(), o.correct))
            .collect(),
        other => panic!("not a choice: {other:?}"),
    }
}

fn choice(multiple: bool, partial: bool, options: &[(&str, bool)]) -> DraftBody {
    DraftBody::Choice {
        options: options
            .iter()
            .map(|(text, correct)| DraftOption {
                text: text.to_string(),
                correct: *correct,
                pinned: false,
            })
            .collect(),
        multiple,
        partial,
    }
}

#[test]
fn multiple_choice_with_title_and_feedback() {
    let d = one("::Thủ đô::Thủ đô của Việt Nam là?{=Hà Nội#Đúng ~Huế#Sai ~Đà Nẵng}");
    assert_eq!(d.name.as_deref(), Some("Thủ đô"));
    assert_eq!(d.stem, "Thủ đô của Việt Nam là?");
    assert_eq!(
        d.body,
        choice(
            false,
            false,
            &[("Hà Nội", true), ("Huế", false), ("Đà Nẵng", false)]
        )
    );
    assert_eq!((d.line, d.points, d.explanation), (1, None, None));
}

#[test]
fn missing_word_leaves_a_blank() {
    let d = one("Hà Nội là {=thủ đô ~thành phố cảng} của Việt Nam.");
    assert_eq!(d.stem, "Hà Nội là \\_\\_\\_\\_\\_ của Việt Nam.");
    assert_eq!(
        options(&d.body),
        [("thủ đô", true), ("thành phố cảng", false)]
    );
    // A block at the very end is no blank, even after punctuation.
    assert_eq!(one("Ai?{=a ~b}").stem, "Ai?");
    // The blank renders as underscores.
    let html = crate::banks::markdown::render(&d.stem, &Default::default(), &mut vec![]);
    assert_eq!(html.unwrap(), "<p>Hà Nội là _____ của Việt Nam.</p>");
}

#[test]
fn weights_make_multiple_response_with_partial_credit() {
    let d = one("Chọn hai:{~%50%A ~%50%B ~%-100%C}");
    assert_eq!(
        d.body,
        choice(true, true, &[("A", true), ("B", true), ("C", false)])
    );
    // 100% weights only: all or nothing.
    let d = one("Chọn hai:{~%100%A ~%100%B ~C}");
    assert_eq!(
        d.body,
        choice(true, false, &[("A", true), ("B", true), ("C", false)])
    );
    // A lone `~%100%` is single choice, as is `=` beside partial weights.
    let d = one("Một:{~%100%A ~B}");
    assert_eq!(d.body, choice(false, false, &[("A", true), ("B", false)]));
    let d = one("Khó.{~sai ~%50%nửa điểm =trọn điểm}");
    assert_eq!(
        options(&d.body),
        [("sai", false), ("nửa điểm", false), ("trọn điểm", true)]
    );
    // Decimal and malformed weights: `%abc%` is text, as in Moodle.
    let d = one("X{~%33.3%A ~%33.3%B ~%33.4%C ~%abc%D}");
    assert_eq!(
        options(&d.body),
        [("A", true), ("B", true), ("C", true), ("%abc%D", false)]
    );
}

#[test]
fn broken_choices_are_errors() {
    assert_eq!(error("X{~chỉ một}"), (1, "report.gift_too_few_options"));
    assert_eq!(
        error("X{~a ~b ~%-50%c}"),
        (1, "report.gift_no_right_answer")
    );
    let found = read("X{=a =b ~c}");
    assert_eq!(
        found.errors,
        [(1, ("report.gift_single_many_right", args![n = 2usize]))]
    );
}

#[test]
fn true_false_in_every_spelling() {
    for (gift, answer) in [
        ("{T}", true),
        ("{TRUE}", true),
        ("{F}", false),
        ("{FALSE}", false),
    ] {
        let d = one(&format!("Mặt trời mọc ở phía đông.{gift}"));
        assert_eq!(d.body, DraftBody::TrueFalse { answer }, "{gift}");
        assert_eq!(d.stem, "Mặt trời mọc ở phía đông.");
    }
    let d = one("Sai.{FALSE#Sai rồi.#Đúng rồi.}");
    assert_eq!(d.body, DraftBody::TrueFalse { answer: false });
    // As in Moodle, only capitals: `{true}` is a short answer "true".
    let d = one("Gõ chữ true:{true}");
    assert_eq!(
        d.body,
        DraftBody::ShortText {
            answers: vec!["true".into()]
        }
    );
}

#[test]
fn short_answers_are_kept_as_typed() {
    let d = one("Hai cộng hai bằng {=bốn =4 =4\\* =4} nhé.");
    assert_eq!(
        d.body,
        DraftBody::ShortText {
            answers: vec!["bốn".into(), "4".into(), "4*".into()]
        }
    );
    assert_eq!(d.stem, "Hai cộng hai bằng \\_\\_\\_\\_\\_ nhé.");
    // Partial and zero weights are not accepted answers.
    let d = one("Con vật?{=Ếch#Tốt =%50%Mèo =%0%Chó}");
    assert_eq!(
        d.body,
        DraftBody::ShortText {
            answers: vec!["Ếch".into()]
        }
    );
    assert_eq!(
        error("Con vật?{=%50%Mèo}"),
        (1, "report.gift_no_right_answer")
    );
}

#[test]
fn a_wildcard_answer_is_refused_by_name() {
    let found = read("Tên?{=Nguy*n}");
    assert_eq!(
        found.errors,
        [(1, ("report.gift_wildcard", args![text = "Nguy*n"]))]
    );
    // A star escaped for Moodle is a star.
    let d = one("Phép nhân?{=\\*}");
    assert_eq!(
        d.body,
        DraftBody::ShortText {
            answers: vec!["*".into()]
        }
    );
}

#[test]
// Answers as teachers write them (3.1415 for π), not approximations in code.
#[allow(clippy::approx_constant)]
fn numeric_answers_ranges_and_weights() {
    let numeric = |value, tolerance| DraftBody::Numeric { value, tolerance };
    assert_eq!(one("Năm?{#1822}").body, numeric(1822.0, 0.0));
    assert_eq!(one("Pi?{#3.1415:0.0005}").body, numeric(3.1415, 0.0005));
    assert_eq!(one("Pi?{#3,14:0,01}").body, numeric(3.14, 0.01));
    assert_eq!(
        one("Pi?{#3.141..3.142}").body,
        DraftBody::NumericRange {
            min: 3.141,
            max: 3.142
        }
    );
    assert_eq!(
        one("Số âm?{#-5..-1}").body,
        DraftBody::NumericRange {
            min: -5.0,
            max: -1.0
        }
    );
    // Several answers: the first with full credit; `~` feedback for the rest.
    let d = one("Năm?{#\n=%50%1822:2#gần đúng\n=1822:0#Đúng!\n~#Sai hoàn toàn}");
    assert_eq!(d.body, numeric(1822.0, 0.0));
    assert_eq!(one("Số?{#3:2~#Sai}").body, numeric(3.0, 2.0));
    assert_eq!(one("Số?{#1e3}").body, numeric(1000.0, 0.0));
}

#[test]
fn numbers_that_are_not_numbers_are_errors() {
    let found = read("Năm?{#một nghìn}");
    let args = args![text = "một nghìn"];
    assert_eq!(found.errors, [(1, ("report.gift_number", args))]);
    assert_eq!(error("Số?{#3:abc}"), (1, "report.gift_number"));
    assert_eq!(error("Số?{#inf}"), (1, "report.gift_number"));
    assert_eq!(
        error("Số?{#=%50%2.5:0.5}"),
        (1, "report.gift_no_right_answer")
    );
    assert_eq!(error("Số?{#}"), (1, "report.gift_no_right_answer"));
}

#[test]
fn matching_pairs_and_a_distractor() {
    let d = one("Ghép:{\n=Canada -> Ottawa\n=Việt Nam->Hà Nội\n=Nhật Bản  -> Tokyo\n= -> Huế\n}");
    assert_eq!(
        d.body,
        DraftBody::Matching {
            pairs: vec![
                ("Canada".into(), "Ottawa".into()),
                ("Việt Nam".into(), "Hà Nội".into()),
                ("Nhật Bản".into(), "Tokyo".into()),
            ],
            distractors: vec!["Huế".into()],
        }
    );
    assert_eq!(d.stem, "Ghép:");
}

#[test]
fn broken_matching_is_an_error() {
    assert_eq!(
        error("Ghép:{=a -> 1 = -> 2}"),
        (1, "report.gift_too_few_pairs")
    );
    let found = read("Ghép:{=a -> 1 =b 2 =c -> 3}");
    let args = args![text = "b 2"];
    assert_eq!(found.errors, [(1, ("report.gift_matching_format", args))]);
}

#[test]
fn categories_tags_and_ids() {
    let gift = "$CATEGORY: $course$/top/IU01.1\n\n\
                // [id:Q-01] [tag:NB] [tag: IU01.2 ]\n::Tiêu đề::A?{T}\n\n\
                // [id:Q-02]\n// [tag:a\\]b]\nB?{F}\n\n\
                $CATEGORY: top\nC?{T}";
    let found = read(gift);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let d: Vec<_> = found
        .drafts
        .iter()
        .map(|d| {
            (
                d.line,
                d.name.as_deref(),
                d.category.as_deref(),
                d.tags.clone(),
            )
        })
        .collect();
    assert_eq!(
        d,
        [
            (
                4,
                Some("Tiêu đề"),
                Some("IU01.1"),
                vec!["NB".into(), "IU01.2".into()]
            ),
            (8, Some("Q-02"), Some("IU01.1"), vec!["a]b".to_string()]),
            (11, None, None, vec![]),
        ]
    );
    assert_eq!(
        category_of(" $module$/top/Mặc định cho IU01 "),
        Some("Mặc định cho IU01".into())
    );
    assert_eq!(category_of("Chung/IU01.3"), Some("Chung/IU01.3".into()));
    // Tags in a comment block of their own do not reach the next question.
    let found = read("// [tag:NB]\n\nA?{T}");
    assert!(found.drafts[0].tags.is_empty());
}

#[test]
fn essays_and_descriptions_are_skipped_by_name() {
    let found = read(
        "::Bài luận:: Hãy kể về bạn. {}\n\nHãy kể về bạn.{####gợi ý}\n\n// [id:MT]\nChỉ là mô tả\n\nMột đoạn văn mô tả rất dài, dài hơn sáu mươi ký tự để thấy tên bị cắt ngắn lại",
    );
    assert!(found.drafts.is_empty() && found.errors.is_empty());
    let skipped: Vec<_> = found
        .skipped
        .iter()
        .map(|s| (s.line, s.name.as_str(), s.kind.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            (1, "Bài luận", "essay"),
            (3, "Hãy kể về bạn.", "essay"),
            (6, "MT", "description"),
            (
                8,
                "Một đoạn văn mô tả rất dài, dài hơn sáu mươi ký tự để thấy…",
                "description"
            ),
        ]
    );
}

#[test]
fn unclosed_and_stray_braces_are_placed_and_reading_goes_on() {
    let gift = "Q1 {=a\n~b\n\n~c}\n\nQ2 {T}\n\nQ3 } {T}\n\nQ4\nx {T} y {F}\n\nQ5 {=a ~b";
    let found = read(gift);
    let errors: Vec<_> = found.errors.iter().map(|(l, (k, _))| (*l, *k)).collect();
    assert_eq!(
        errors,
        [
            (1, "report.gift_unclosed"),
            (8, "report.gift_stray_brace"),
            (11, "report.gift_stray_brace"),
            (13, "report.gift_unclosed"),
        ]
    );
    assert_eq!(found.drafts.len(), 1);
    assert_eq!(
        (found.drafts[0].line, found.drafts[0].stem.as_str()),
        (6, "Q2")
    );
}

#[test]
fn windows_line_ends_and_a_byte_order_mark() {
    let found = read("\u{feff}// x\r\n::T::A?{\r\n=a\r\n~b}\r\n\r\nB?{T}\r\n");
    assert_eq!(found.drafts.len(), 2);
    assert_eq!(found.drafts[0].name.as_deref(), Some("T"));
    assert_eq!(options(&found.drafts[0].body), [("a", true), ("b", false)]);
    assert_eq!(found.drafts[1].line, 6);
}

#[test]
fn partial_credit_that_cannot_be_kept_is_a_warning() {
    let found = read(
        "Who's buried in Grant's tomb?{=Grant =%50%Ulysses Grant#Half right}\n\n2+2? {#=4:0 =%50%4:1}\n\nPick {~%50%a ~%50%b ~%-100%c}",
    );
    let warnings: Vec<(usize, String)> = found
        .warnings
        .iter()
        .map(|(line, (_, args))| (*line, format!("{:?}", args)))
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].1.contains("Ulysses Grant") && warnings[1].1.contains("4:1"),
        "{warnings:?}"
    );
}
