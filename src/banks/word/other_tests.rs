//! The Word reader on layouts beyond the template: options in a table, English labels,
//! pictures it must refuse, and files saved by another program (LibreOffice).

use super::{
    sample::Run,
    tests::{bank, keys, read},
    *,
};
use crate::vocab::Lang;

#[test]
fn options_in_a_table_english_labels_and_refused_pictures() {
    let mut doc = bank();
    doc.text("Question 1. Which device is an input device?")
        .table(&[
            vec!["A. Keyboard", "*B. Mouse"],
            vec!["C. Screen", "D. Printer"],
        ])
        .text("Question 2) Which is larger?")
        .text("A. 1 KB\tB. 1 MB")
        .text("Answer: B");
    let (parsed, lines) = read(&doc);
    assert!(lines.is_empty(), "{lines:#?}");
    let items = parsed.unwrap().items;
    assert_eq!(keys(&items[0].body), vec![false, true, false, false]);
    assert_eq!(keys(&items[1].body), vec![false, true]);
    // An EMF picture (as old equations are) is refused where it stands.
    let mut doc = bank();
    doc.picture(
        &[Run::new("Câu 1: Hình nào? ")],
        b"\x01\x00\x00\x00 EMF",
        "",
    )
    .text("*A. x\tB. y");
    let (parsed, lines) = read(&doc);
    assert!(parsed.is_none());
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("de.docx: lỗi: media/image1.png: không phải hình PNG")),
        "{lines:#?}"
    );
}

/// Files written by another program: the template and an old TCVN3/VNI file, opened and
/// saved again as .docx by LibreOffice Writer 7 (its own styles, runs and relationships).
#[test]
fn files_saved_by_libreoffice_read_the_same() {
    let fixture = |name: &str| {
        let path = format!("{}/tests/fixtures/word/{name}", env!("CARGO_MANIFEST_DIR"));
        read_docx(name, &std::fs::read(path).unwrap(), &Default::default())
    };
    let (ours, _) = read_docx("mau.docx", &sample::template(), &Default::default());
    let (theirs, report) = fixture("mau-libreoffice.docx");
    assert!(!report.has_errors(), "{:#?}", report.lines(Lang::Vi));
    let (ours, theirs) = (ours.unwrap(), theirs.unwrap());
    assert_eq!(ours.items, theirs.items);
    assert_eq!(ours.media.len(), theirs.media.len());
    let (legacy, report) = fixture("tcvn3-vni-libreoffice.docx");
    assert!(!report.has_errors(), "{:#?}", report.lines(Lang::Vi));
    assert_eq!(report.warnings.len(), 2);
    let items = legacy.unwrap().items;
    assert_eq!(items[0].stem.source, "Thiết bị nào là thiết bị nhập?");
    assert_eq!(items[1].stem.source, "Đơn vị nào lớn nhất?");
    assert_eq!(keys(&items[1].body), vec![false, true]);
}

/// Questions and options numbered by Word itself: the labels are worked out from the
/// document's numbering, restarting where Word restarts, and a red label marks the key.
#[test]
fn automatic_numbering_is_read_as_the_labels_word_shows() {
    use super::sample::List;
    let mut doc = bank();
    doc.numbered(List::Questions, &[Run::new("Thiết bị nhập?")])
        .numbered(List::Letters, &[Run::new("Bàn phím").underline()])
        .numbered(List::Letters, &[Run::new("Loa")])
        .numbered(List::Questions, &[Run::new("Đơn vị lớn nhất?")])
        .restart_letters()
        .numbered(List::Letters, &[Run::new("KB")])
        .numbered(List::Letters, &[Run::new("GB").red()]);
    let (parsed, lines) = read(&doc);
    assert!(lines.is_empty(), "{lines:#?}");
    let items = parsed.unwrap().items;
    let stems: Vec<&str> = items.iter().map(|i| i.stem.source.as_str()).collect();
    assert_eq!(stems, ["Thiết bị nhập?", "Đơn vị lớn nhất?"]);
    assert_eq!(keys(&items[0].body), vec![true, false]);
    assert_eq!(keys(&items[1].body), vec![false, true]);
    assert_eq!((items[0].id.as_str(), items[1].id.as_str()), ("C1", "C2"));
}
