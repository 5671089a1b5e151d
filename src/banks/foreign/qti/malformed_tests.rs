//! The reader on files that are not what they claim: not XML, XML of another kind, QTI 1.2,
//! zips without a manifest, zip bombs, `..` paths in zips, manifests, tests and pictures;
//! and arbitrary input never panics.

use proptest::prelude::*;

use super::tests::{keys, manifest_for, pipeline, zip_of};
use super::*;
use crate::vocab::Lang;

const ITEM: &str = r#"<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="a" title="A">
<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier"><correctResponse><value>x</value></correctResponse></responseDeclaration>
<itemBody><choiceInteraction responseIdentifier="RESPONSE" maxChoices="1"><simpleChoice identifier="x">X</simpleChoice><simpleChoice identifier="y">Y</simpleChoice></choiceInteraction></itemBody>
</assessmentItem>"#;

/// The report of a file, in Vietnamese, after the whole pipeline, as one text.
fn report_of(name: &str, found: Foreign) -> String {
    let (parsed, report) = pipeline(name, found);
    assert!(parsed.is_none());
    report.lines(Lang::Vi).join("\n")
}

#[test]
fn files_that_are_not_qti_items_are_refused_with_a_message() {
    /// File name, content, the error (line, key), and words of its Vietnamese message.
    type Case<'a> = (&'a str, &'a [u8], (usize, &'a str), &'a str);
    let cases: [Case; 7] = [
        (
            "a.xml",
            b"hello, not xml",
            (1, "report.qti_xml_invalid"),
            "a.xml: nội dung không phải XML hợp lệ",
        ),
        (
            "a.xml",
            b"",
            (1, "report.qti_xml_invalid"),
            "a.xml: nội dung không phải XML hợp lệ",
        ),
        (
            "quiz.xml",
            b"<quiz><question type=\"essay\"/></quiz>",
            (0, "report.qti_not_qti"),
            "phần tử gốc là <quiz>",
        ),
        (
            "v1.xml",
            b"<questestinterop><item/></questestinterop>",
            (0, "report.qti_version_1"),
            "QTI 1.2 (questestinterop)",
        ),
        (
            "imsmanifest.xml",
            b"<manifest><resources/></manifest>",
            (0, "report.qti_not_alone"),
            "hãy gửi cả gói .zip",
        ),
        (
            "u.xml",
            b"\xFF\xFE<\x00a\x00",
            (0, "report.qti_in_file"),
            "u.xml: tệp đang được lưu ở dạng UTF-16",
        ),
        (
            "x.zip",
            b"PK\x03\x04 not really",
            (0, "report.zip_unopenable"),
            "không mở được tệp .zip",
        ),
    ];
    for (name, bytes, key, text) in cases {
        let found = read(name, bytes);
        assert_eq!(keys(&found.errors), [key], "{name}");
        let report = report_of(name, found);
        assert!(report.contains(text), "{name}: {report}");
    }
}

#[test]
fn broken_packages_are_refused_with_a_message() {
    use std::io::Write;
    let manifest = manifest_for(&["items/a.xml"]);
    let mut bomb = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    bomb.start_file("imsmanifest.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    for _ in 0..51 {
        bomb.write_all(&vec![b' '; 1024 * 1024]).unwrap();
    }
    let bomb = bomb.finish().unwrap().into_inner();
    assert!(bomb.len() < 1024 * 1024);
    let outside = manifest_for(&["../../etc/passwd"]);
    let v1 = r#"<manifest><resources><resource identifier="r" type="imsqti_xmlv1p2" href="q.xml"/></resources></manifest>"#;
    let test_outside = r#"<manifest><resources><resource identifier="t" type="imsqti_test_xmlv2p1" href="t/test.xml"/></resources></manifest>"#;
    let test = r#"<assessmentTest identifier="T" title="T"><testPart identifier="P"><assessmentSection identifier="S" title="S">
        <assessmentItemRef identifier="a" href="../../../a.xml"/></assessmentSection></testPart></assessmentTest>"#;
    let picture_outside =
        ITEM.replace("<itemBody>", r#"<itemBody><p><img src="../../x.png"/></p>"#);
    /// A package, its errors (line, key), and words of the Vietnamese report.
    type Case<'a> = (Vec<u8>, Vec<(usize, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            zip_of(&[("items/a.xml", ITEM.as_bytes())]),
            vec![(0, "report.qti_no_manifest")],
            "không tìm thấy imsmanifest.xml",
        ),
        (
            bomb,
            vec![(0, "limit.zip_entry")],
            "khi giải nén lớn hơn 50 MB",
        ),
        (
            zip_of(&[
                ("imsmanifest.xml", manifest.as_bytes()),
                ("../../a.xml", ITEM.as_bytes()),
            ]),
            vec![(0, "report.zip_unsafe_path")],
            "“../../a.xml” trỏ ra ngoài",
        ),
        (
            zip_of(&[("imsmanifest.xml", outside.as_bytes())]),
            vec![(1, "report.qti_path_outside")],
            "đường dẫn “../../etc/passwd” trỏ ra ngoài gói",
        ),
        (
            zip_of(&[
                ("imsmanifest.xml", test_outside.as_bytes()),
                ("t/test.xml", test.as_bytes()),
            ]),
            vec![(2, "report.qti_path_outside")],
            "“../../../a.xml” trỏ ra ngoài gói",
        ),
        (
            zip_of(&[
                ("imsmanifest.xml", manifest.as_bytes()),
                ("items/a.xml", picture_outside.as_bytes()),
            ]),
            vec![(1, "bank.foreign2.qti_item_problem")],
            "“../../x.png” trỏ ra ngoài gói",
        ),
        (
            zip_of(&[("imsmanifest.xml", manifest.as_bytes())]),
            vec![(0, "report.qti_file_missing")],
            "items/a.xml: gói QTI nhắc tới tệp này nhưng không chứa nó",
        ),
        (
            zip_of(&[
                ("imsmanifest.xml", manifest.as_bytes()),
                ("items/a.xml", b"<assessmentItem><itemBody>"),
            ]),
            vec![(1, "report.qti_xml_invalid")],
            "items/a.xml: nội dung không phải XML hợp lệ",
        ),
        (
            zip_of(&[("imsmanifest.xml", b"<manifest><resources/></manifest>")]),
            vec![(0, "report.qti_no_items")],
            "gói QTI không có câu hỏi nào",
        ),
        (
            zip_of(&[("imsmanifest.xml", v1.as_bytes())]),
            vec![(0, "report.qti_version_1")],
            "QTI 1.2",
        ),
        (
            zip_of(&[("imsmanifest.xml", b"<quiz/>")]),
            vec![(0, "report.qti_not_qti")],
            "imsmanifest.xml: không phải câu hỏi hay gói QTI",
        ),
    ];
    for (n, (zip, expected, text)) in cases.into_iter().enumerate() {
        let found = read("goi.zip", &zip);
        assert_eq!(keys(&found.errors), expected, "case {n}");
        let (_, report) = pipeline("goi.zip", found);
        let lines = report.lines(Lang::Vi);
        assert!(
            lines.iter().any(|l| l.contains(text)),
            "case {n}: {lines:?}"
        );
    }
}

#[test]
fn broken_keys_are_errors_at_the_item() {
    let no_key = ITEM.replace("<correctResponse><value>x</value></correctResponse>", "");
    let found = read("a.xml", no_key.as_bytes());
    assert_eq!(keys(&found.errors), [(1, "report.qti_no_key")]);
    let report = report_of("a.xml", found);
    assert!(
        report.contains("a.xml:1: lỗi: câu “a” chưa có đáp án"),
        "{report}"
    );
    let unknown = ITEM.replace("<value>x</value>", "<value>z</value>");
    let found = read("a.xml", unknown.as_bytes());
    assert_eq!(keys(&found.errors), [(1, "report.qti_bad_key")]);
    let report = report_of("a.xml", found);
    assert!(
        report.contains("a.xml:1: lỗi: câu “a”: đáp án “z” không ứng với lựa chọn nào"),
        "{report}"
    );
}

#[test]
fn folders_without_a_manifest_or_with_paths_outside_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        keys(&read_folder(dir.path()).errors),
        [(0, "report.qti_no_manifest")]
    );
    let package = dir.path().join("goi");
    std::fs::create_dir(&package).unwrap();
    std::fs::write(dir.path().join("secret.xml"), ITEM).unwrap();
    std::fs::write(
        package.join("imsmanifest.xml"),
        manifest_for(&["../secret.xml", "link.xml"]),
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("secret.xml"), package.join("link.xml")).unwrap();
    let found = read_folder(&package);
    assert!(found.drafts.is_empty());
    assert_eq!(
        keys(&found.errors),
        [
            (1, "report.qti_path_outside"),
            (0, "report.qti_file_missing")
        ]
    );
}

#[test]
fn deeply_nested_elements_do_not_exhaust_the_stack() {
    let depth = 20_000;
    let body = format!(
        "{}deep{}<choiceInteraction responseIdentifier=\"RESPONSE\"><simpleChoice identifier=\"x\">X</simpleChoice><simpleChoice identifier=\"y\">Y</simpleChoice></choiceInteraction>",
        "<div><math><mrow>".repeat(depth),
        "</mrow></math></div>".repeat(depth)
    );
    let xml = ITEM.replace(
        "<itemBody><choiceInteraction responseIdentifier=\"RESPONSE\" maxChoices=\"1\"><simpleChoice identifier=\"x\">X</simpleChoice><simpleChoice identifier=\"y\">Y</simpleChoice></choiceInteraction>",
        &format!("<itemBody>{body}"),
    );
    // Refused by the nesting limit, with a message, rather than read or crashed on.
    let found = read("a.xml", xml.as_bytes());
    assert_eq!(keys(&found.errors), [(0, "report.qti_in_file")]);
    assert!(found.drafts.is_empty());
    let report = report_of("a.xml", found);
    assert!(
        report.contains("a.xml: tệp có quá nhiều cấp lồng nhau (hơn 128 cấp"),
        "{report}"
    );
    // Within the limit, the content is read.
    let shallow = body.replace(
        &"<div><math><mrow>".repeat(depth),
        &"<div><math><mrow>".repeat(30),
    );
    let shallow = shallow.replace(
        &"</mrow></math></div>".repeat(depth),
        &"</mrow></math></div>".repeat(30),
    );
    let xml = xml.replace(&body, &shallow);
    let found = read("a.xml", xml.as_bytes());
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    assert_eq!(found.drafts[0].stem, "deep");
    let sections = format!(
        "<assessmentTest identifier=\"T\" title=\"T\">{}<assessmentItemRef identifier=\"a\" href=\"a.xml\"/>{}</assessmentTest>",
        "<assessmentSection identifier=\"S\" title=\"S\">".repeat(depth),
        "</assessmentSection>".repeat(depth)
    );
    let manifest = r#"<manifest><resources><resource identifier="t" type="imsqti_test_xmlv2p1" href="t.xml"/></resources></manifest>"#;
    let zip = zip_of(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("t.xml", sections.as_bytes()),
    ]);
    assert_eq!(
        keys(&read("goi.zip", &zip).errors),
        [(0, "report.qti_in_file")]
    );
}

const NAMES: [&str; 36] = [
    "responseDeclaration",
    "correctResponse",
    "value",
    "mapping",
    "mapEntry",
    "itemBody",
    "choiceInteraction",
    "simpleChoice",
    "matchInteraction",
    "simpleMatchSet",
    "simpleAssociableChoice",
    "orderInteraction",
    "associateInteraction",
    "inlineChoiceInteraction",
    "inlineChoice",
    "textEntryInteraction",
    "responseProcessing",
    "responseCondition",
    "equal",
    "gte",
    "lte",
    "variable",
    "baseValue",
    "correct",
    "match",
    "mapResponse",
    "modalFeedback",
    "outcomeDeclaration",
    "defaultValue",
    "p",
    "table",
    "caption",
    "math",
    "mfrac",
    "qti-simple-choice",
    "img",
];

const ATTRS: [&str; 16] = [
    "",
    r#"identifier="RESPONSE""#,
    r#"responseIdentifier="RESPONSE""#,
    r#"identifier="MAXSCORE""#,
    r#"baseType="float" cardinality="single""#,
    r#"baseType="directedPair" cardinality="multiple""#,
    r#"mapKey="a b" mappedValue="1""#,
    r#"mapKey="true" mappedValue="-1e400""#,
    r#"toleranceMode="relative" tolerance="x 1e308""#,
    r#"maxChoices="0""#,
    r#"identifier="true""#,
    r#"identifier="a""#,
    r#"template="x/map_response.xml""#,
    r#"src="../../a.png""#,
    r#"src="data:image/png;base64,@@""#,
    r#"src="a.png""#,
];

fn tree() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        "[a-z0-9 .,-]{0,8}",
        Just("&amp;&lt;".to_string()),
        Just("<img src=\"a.png\"/>".to_string()),
    ];
    leaf.prop_recursive(4, 48, 5, |inner| {
        (
            prop::sample::select(&NAMES[..]),
            prop::sample::select(&ATTRS[..]),
            prop::collection::vec(inner, 0..5),
        )
            .prop_map(|(name, attrs, kids)| format!("<{name} {attrs}>{}</{name}>", kids.concat()))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = read("x.xml", &bytes);
        let _ = read("x.zip", &bytes);
    }

    #[test]
    fn arbitrary_items_never_panic(kids in prop::collection::vec(tree(), 0..6)) {
        let xml = format!(
            "<assessmentItem xmlns=\"http://www.imsglobal.org/xsd/imsqti_v2p1\" identifier=\"q\">{}</assessmentItem>",
            kids.concat()
        );
        let zip = zip_of(&[
            ("imsmanifest.xml", manifest_for(&["q.xml"]).as_bytes()),
            ("q.xml", xml.as_bytes()),
            ("a.png", b"\x89PNG\r\n\x1a\n"),
        ]);
        let _ = pipeline("q.xml", read("q.xml", xml.as_bytes()));
        let _ = pipeline("goi.zip", read("goi.zip", &zip));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "[<>/a-zA-Z =\"&;!-]{0,200}") {
        let _ = read("x.xml", text.as_bytes());
    }
}
