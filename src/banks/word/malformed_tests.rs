//! The Word reader on files that are not what they claim: not a zip, an old `.doc`, a zip
//! without a document, `..` paths, zip bombs, broken XML; and arbitrary input never panics.

use super::{
    tests::{bank, read},
    *,
};
use crate::vocab::Lang;

#[test]
fn malformed_files_are_refused_with_a_message() {
    use std::io::Write;
    let zip = crate::test_fixtures::zip_of;
    let mut bomb = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    bomb.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    for _ in 0..51 {
        bomb.write_all(&vec![b' '; 1024 * 1024]).unwrap();
    }
    let bomb = bomb.finish().unwrap().into_inner();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"not a zip at all".to_vec(), "không đọc được tệp Word"),
        (
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
            "đây là tệp Word cũ (.doc",
        ),
        (
            zip(&[("word/other.xml", b"<x/>")]),
            "không có word/document.xml",
        ),
        (
            zip(&[
                ("word/document.xml", b"<w:document"),
                ("../../etc/passwd", b"x"),
            ]),
            "“../../etc/passwd” trỏ ra ngoài",
        ),
        (
            zip(&[("word/document.xml", b"<w:document><unclosed>")]),
            "không đọc được tệp Word",
        ),
        (bomb, "khi giải nén lớn hơn 50 MB"),
        (
            zip(&[(
                "word/document.xml",
                b"<w:document xmlns:w=\"x\"><w:body/></w:document>",
            )]),
            "không tìm thấy câu hỏi nào",
        ),
    ];
    for (bytes, expected) in cases {
        let (parsed, report) = read_docx("hong.docx", &bytes, &Default::default());
        let lines = report.lines(Lang::Vi);
        assert!(parsed.is_none());
        assert!(lines[0].contains(expected), "{expected}: {lines:#?}");
    }
    // A zip holding word/document.xml is read as Word whatever its name.
    let (_, report) =
        crate::banks::formats::read("tai-len.zip", &sample::template(), &Default::default());
    assert_eq!(report.format, FORMAT);
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
        let _ = read_docx("x.docx", &bytes, &Default::default());
    }

    #[test]
    fn arbitrary_paragraphs_never_panic(lines in proptest::collection::vec("[A-Ha-d0-9 .):*#\\t\\-ĐSCâuđápn]{0,24}", 0..24)) {
        let mut doc = bank();
        for line in &lines {
            doc.text(line);
        }
        let _ = read(&doc);
    }
}
