//! Escapes, format markers, line breaks and HTML in GIFT text.

use super::tests::{one, options};
use crate::banks::foreign::DraftBody;

#[test]
fn escapes_are_characters() {
    let d = one("Đâu là \\{ \\} \\: \\# \\= \\~ và \\\\?{~ \\= 2 + 2 = \\= 2 + 3 ~a\\~b\\#c}");
    assert_eq!(d.stem, "Đâu là { } : \\# = \\~ và \\\\?");
    assert_eq!(
        options(&d.body),
        [
            ("\\= 2 + 2", false),
            ("\\= 2 + 3", true),
            ("a\\~b\\#c", false)
        ]
    );
    let d = one("::a\\:b::Dòng một\\ndòng hai{T}");
    assert_eq!(d.name.as_deref(), Some("a:b"));
    assert_eq!(d.stem, "Dòng một\\\ndòng hai");
}

#[test]
fn multi_line_questions_keep_their_line_breaks() {
    let d = one(
        "// chú thích\n::Tên::Dòng một\n- dòng hai\n// chú thích giữa câu\n{\n  =đúng\n  ~sai\n}",
    );
    assert_eq!(d.line, 2);
    assert_eq!(d.stem, "Dòng một\\\n\\- dòng hai");
    assert_eq!(options(&d.body), [("đúng", true), ("sai", false)]);
}

#[test]
fn formats_of_stems_answers_and_feedback() {
    let d = one(
        "[html]<p>Chọn <b>một</b></p>{=[plain]<b>x</b> ~[markdown]**y** ~z####[html]<i>Vì</i> thế}",
    );
    assert_eq!(d.stem, "Chọn **một**");
    let plain = "\\<b\\>x\\</b\\>";
    assert_eq!(
        options(&d.body),
        [(plain, true), ("**y**", false), ("z", false)]
    );
    assert_eq!(d.explanation.as_deref(), Some("*Vì* thế"));
    // Markdown as written; the feedback takes the stem's format.
    let d = one("[markdown]Ai ở **lăng**?{=không ai####*vì* vậy}");
    assert_eq!(d.stem, "Ai ở **lăng**?");
    assert_eq!(d.explanation.as_deref(), Some("*vì* vậy"));
    // Moodle's own format: HTML when it has tags, its line breaks as Moodle shows them.
    let d = one("Chọn <b>một</b> và\nhai\n<b>ba</b>{T}");
    assert_eq!(d.stem, "Chọn **một** và\\\nhai **ba**");
    // Otherwise text, shown as typed.
    let d = one("x<y & *z*{T}");
    assert_eq!(d.stem, "x\\<y \\& \\*z\\*");
    let d = one("[plain]<b>đậm</b>{T}");
    assert_eq!(d.stem, "\\<b\\>đậm\\</b\\>");
    // A missing word in HTML and Markdown.
    assert_eq!(
        one("[html]<b>A</b> {=b ~c} C").stem,
        "**A** \\_\\_\\_\\_\\_ C"
    );
    assert_eq!(one("[markdown]*A* {=b ~c} C").stem, "*A* \\_\\_\\_\\_\\_ C");
    // An unknown marker is text.
    assert_eq!(one("[xyz]A{T}").stem, "\\[xyz\\]A");
}

#[test]
fn general_feedback_becomes_the_explanation() {
    let d = one("42?{\nFALSE#sai#đúng\n####Đây là #trích dẫn.}");
    assert_eq!(d.explanation.as_deref(), Some("Đây là \\#trích dẫn."));
    assert_eq!(d.body, DraftBody::TrueFalse { answer: false });
}

#[test]
fn html_is_recognised_by_its_tags() {
    use super::text::has_html;
    for html in [
        "<b>x</b>",
        "a<br>b",
        "a<br/>b",
        "<p class=\"x\">y</p>",
        "&lt;",
        "&#8211;",
        "&#x2013;",
    ] {
        assert!(has_html(html), "{html}");
    }
    for text in ["x<y", "a < b > c", "AT&T; x", "<bogus>", "<b", "&;", "&#;"] {
        assert!(!has_html(text), "{text}");
    }
}
