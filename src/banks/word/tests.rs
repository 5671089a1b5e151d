//! The Word reader on real `.docx` files written by `sample`: each rule of the convention,
//! legacy fonts, and malformed files.

use super::{
    sample::{Docx, List, PICTURE_PNG, Run},
    *,
};
use crate::{
    banks::model::{Body, Difficulty},
    vocab::Lang,
};

/// A document starting with the lines naming a bank of IU01 and a part on topic IU01.1.
pub(super) fn bank() -> Docx {
    let mut doc = Docx::new();
    doc.text("Mã ngân hàng: W-TEST")
        .text("Mô đun: IU01")
        .text("PHẦN I. IU01.1 – Máy tính (NB)");
    doc
}

pub(super) fn read(doc: &Docx) -> (Option<ParsedBank>, Vec<String>) {
    let (parsed, report) = read_docx("de.docx", &doc.bytes(), &Default::default());
    (parsed, report.lines(Lang::Vi))
}

pub(super) fn keys(body: &Body) -> Vec<bool> {
    match body {
        Body::Single { options } | Body::Multiple { options, .. } => {
            options.iter().map(|o| o.correct).collect()
        }
        Body::GroupedTrueFalse { statements } => statements.iter().map(|s| s.correct).collect(),
        other => panic!("not a choice: {other:?}"),
    }
}

#[test]
fn the_template_is_a_valid_bank_and_the_shipped_copy_is_the_same() {
    let (parsed, report) = read_docx("mau.docx", &sample::template(), &Default::default());
    assert!(!report.has_errors(), "{:#?}", report.lines(Lang::Vi));
    let bank = parsed.unwrap();
    assert_eq!(bank.items.len(), 8);
    assert_eq!(bank.meta.code, "IU01-WORD-MAU");
    assert_eq!(bank.media.len(), 1);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/question_banks/mau-ngan-hang-cau-hoi.docx"
    );
    if std::env::var_os("SATHACH_WRITE_SAMPLES").is_some() {
        std::fs::write(path, sample::template()).unwrap();
    }
    let shipped = std::fs::read(path).unwrap_or_default();
    assert!(
        shipped[..] == sample::template()[..],
        "question_banks/mau-ngan-hang-cau-hoi.docx is not the current template: \
         run SATHACH_WRITE_SAMPLES=1 cargo test --lib template"
    );
}

#[test]
fn keys_by_underline_red_star_and_answer_line() {
    let mut doc = bank();
    doc.text("Câu 1: Thiết bị nhập?")
        .runs(&[Run::new("A").underline(), Run::new(". Bàn phím")])
        .text("B. Loa")
        .text("Câu 2: Đơn vị lớn nhất?")
        .runs(&[
            Run::new("A. KB\tB. MB\t"),
            Run::new("C. GB").red(),
            Run::new("\tD. Byte"),
        ])
        .text("Câu 3: Hệ điều hành?")
        .text("A. Word")
        .text("* B. Windows")
        .text("Câu 4: Thiết bị lưu trữ?")
        .text("A. SSD    B. Chuột    C. USB    D. Loa")
        .text("Đáp án: A, C")
        // Underlining one word of an option does not make it the key.
        .text("Câu 5: Câu nào KHÔNG đúng?")
        .runs(&[
            Run::new("A. RAM "),
            Run::new("không").underline(),
            Run::new(" mất dữ liệu khi tắt máy"),
        ])
        .runs(&[Run::new("B. ROM lưu BIOS").red()]);
    let (parsed, lines) = read(&doc);
    assert!(lines.is_empty(), "{lines:#?}");
    let items = parsed.unwrap().items;
    let all: Vec<Vec<bool>> = items.iter().map(|i| keys(&i.body)).collect();
    assert_eq!(
        all,
        vec![
            vec![true, false],
            vec![false, false, true, false],
            vec![false, true],
            vec![true, false, true, false],
            vec![false, true],
        ]
    );
    assert!(matches!(items[3].body, Body::Multiple { .. }));
    assert_eq!(items[0].topic, "IU01.1");
    assert_eq!(items[0].difficulty, Difficulty::NB);
    assert_eq!(items[0].id, "C1");
}

#[test]
fn answer_tables_in_rows_in_columns_and_lists() {
    let mut doc = bank();
    for n in 1..=4 {
        doc.text(&format!("Câu {n}: Câu hỏi số {n}?"))
            .text("A. một\tB. hai\tC. ba\tD. bốn");
    }
    doc.text("ĐÁP ÁN")
        .table(&[vec!["Câu", "1", "2"], vec!["Đáp án", "B", "C"]])
        .table(&[vec!["3", "D"]])
        .text("4-A");
    let (parsed, lines) = read(&doc);
    assert!(lines.is_empty(), "{lines:#?}");
    let firsts: Vec<usize> = parsed
        .unwrap()
        .items
        .iter()
        .map(|i| keys(&i.body).iter().position(|k| *k).unwrap())
        .collect();
    assert_eq!(firsts, vec![1, 2, 3, 0]);
}

#[test]
fn numbering_restarts_in_each_part_and_the_answers_follow() {
    let mut doc = bank();
    doc.text("Câu 1: Phần một, câu một?").text("A. x\tB. y");
    doc.heading("PHẦN II. IU01.4 – An toàn thông tin [Thông hiểu]")
        .text("Câu 1: Phần hai, câu một. Xét các nhận định:")
        .text("a) đúng")
        .text("b) sai")
        .text("c) đúng")
        .text("d) sai")
        .text("PHẦN III. Trả lời ngắn. Chủ đề IU01.5 (VD)")
        .text("Câu 1: Luật An ninh mạng có hiệu lực năm nào?")
        .text("ĐÁP ÁN")
        .text("1-B")
        .text("1: a) Đ, b) S, c) Đ, d) S")
        .text("Câu 1: 2019");
    let (parsed, lines) = read(&doc);
    assert!(lines.is_empty(), "{lines:#?}");
    let items = parsed.unwrap().items;
    let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, vec!["P1.C1", "P2.C1", "P3.C1"]);
    assert_eq!(keys(&items[0].body), vec![false, true]);
    assert_eq!(keys(&items[1].body), vec![true, false, true, false]);
    assert_eq!(
        (items[1].topic.as_str(), items[1].difficulty),
        ("IU01.4", Difficulty::TH)
    );
    assert!(
        matches!(&items[2].body, Body::Numeric { .. }),
        "{:?}",
        items[2].body
    );
    assert_eq!(
        (items[2].topic.as_str(), items[2].difficulty),
        ("IU01.5", Difficulty::VD)
    );
}

#[test]
fn pinned_options_levels_explanations_pictures_and_tables() {
    let mut doc = bank();
    doc.text("Câu 1 [Vận dụng cao]: Xem bảng:")
        .table(&[vec!["Ô", "Giá trị"], vec!["A1", "4"]])
        .picture(&[Run::new("và hình ")], PICTURE_PNG, "Bàn phím")
        .text("*A. 4")
        .text("B. 8")
        .text("#C. Tất cả các phương án trên")
        .text("Lời giải: A1 = 4.");
    let (parsed, lines) = read(&doc);
    assert!(lines.is_empty(), "{lines:#?}");
    let bank = parsed.unwrap();
    let item = &bank.items[0];
    assert_eq!(item.difficulty, Difficulty::VDC);
    assert!(item.stem.html.contains("<table>"), "{}", item.stem.html);
    assert!(item.stem.source.contains("![Bàn phím](media/image1.png)"));
    assert_eq!(bank.media[0].path, "media/image1.png");
    assert_eq!(
        item.explanation.as_ref().map(|e| e.source.as_str()),
        Some("A1 = 4.")
    );
    let Body::Single { options } = &item.body else {
        panic!()
    };
    assert_eq!(
        options.iter().map(|o| o.pinned).collect::<Vec<_>>(),
        vec![false, false, true]
    );
}

#[test]
fn tcvn3_and_vni_text_is_converted_and_reported() {
    let mut doc = Docx::new();
    doc.default_font = Some(".VnTime".into());
    doc.text("M· ng©n hµng: W-CU")
        .text("M« ®un: IU01")
        .text("Chñ ®Ò: IU01.1")
        .text("Møc ®é: NB")
        .runs(&[Run::new("phÇn i. m¸y tÝnh").font(".VnTimeH")])
        .text("C©u 1: ThiÕt bÞ nµo lµ thiÕt bÞ nhËp?")
        .runs(&[Run::new("A. Bµn phÝm").underline()])
        .text("B. Mµn h×nh")
        .runs(&[Run::new("Caâu 2: Ñôn vò naøo lôùn nhaát?").font("VNI-Times")])
        .runs(&[Run::new("A. Kilobyte\tB. Gigabyte").font("VNI-Times")])
        .runs(&[Run::new("Ñaùp aùn: B").font("VNI-Times")]);
    let (parsed, report) = read_docx("cu.docx", &doc.bytes(), &Default::default());
    assert!(!report.has_errors(), "{:#?}", report.lines(Lang::Vi));
    let bank = parsed.unwrap();
    assert_eq!(bank.items[0].stem.source, "Thiết bị nào là thiết bị nhập?");
    assert_eq!(bank.items[1].stem.source, "Đơn vị nào lớn nhất?");
    assert_eq!(keys(&bank.items[0].body), vec![true, false]);
    assert_eq!(keys(&bank.items[1].body), vec![false, true]);
    let lines = report.lines(Lang::Vi);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("phông TCVN3 (.VnTime, .VnTimeH) đã được chuyển sang Unicode")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("2 đoạn gõ bằng phông VNI (VNI-Times)")),
        "{lines:#?}"
    );
}

#[test]
fn what_cannot_be_placed_is_an_error_naming_the_question_as_word_shows_it() {
    let cases: Vec<(Docx, &str)> = vec![
        (
            {
                let mut d = bank();
                d.text("A. lạc chỗ").text("Câu 1: x?").text("*A. y");
                d
            },
            "de.docx: lỗi: phương án A (“A. lạc chỗ”) nằm trước mọi câu hỏi",
        ),
        (
            {
                let mut d = bank();
                d.text("Câu 1: x?").text("Câu 2: y?").text("*A. z");
                d
            },
            "de.docx: Câu 1 (“x?”): lỗi: câu này không có phương án",
        ),
        (
            {
                let mut d = bank();
                d.text("Câu 1: x?").text("A. y").text("B. z");
                d
            },
            "de.docx: Câu 1 (“x?”): lỗi: câu này chưa có đáp án",
        ),
        (
            {
                let mut d = Docx::new();
                d.text("Mã ngân hàng: X")
                    .text("Mô đun: IU01")
                    .text("PHẦN I. Trắc nghiệm nhiều phương án lựa chọn (NB)")
                    .text("Chủ đề: IU01.1")
                    .text("Câu 1: x?")
                    .text("*A. y")
                    .text("*B. z");
                d
            },
            "de.docx: Câu 1 (“x?”): lỗi: câu này có A, B là đáp án nhưng phần này là trắc nghiệm một đáp án",
        ),
        (
            {
                let mut d = bank();
                d.text("Câu 1: x?")
                    .text("*A. y")
                    .text("B. z")
                    .text("ĐÁP ÁN")
                    .text("1-B");
                d
            },
            "de.docx: Câu 1 (“x?”): lỗi: mục ĐÁP ÁN ghi B nhưng trong câu lại đánh dấu A",
        ),
        (
            {
                let mut d = bank();
                d.text("Câu 1: x?")
                    .numbered(List::Bullets, &[Run::new("y")])
                    .numbered(List::Bullets, &[Run::new("z")]);
                d
            },
            "de.docx: Câu 1 (“x?”): lỗi: câu này không có phương án (A. B. …): các phương án đang dùng đánh số tự động",
        ),
        (
            {
                let mut d = bank();
                d.text("Câu 1: x?").text("A. y").text("C. z");
                d
            },
            "de.docx: Câu 1 (“x?”): lỗi: gặp C nhưng phương án (hoặc ý) tiếp theo phải là B",
        ),
        (
            {
                let mut d = Docx::new();
                d.text("Câu 1: x? (NB)").text("*A. y");
                d
            },
            "de.docx: lỗi: chưa biết ngân hàng thuộc mô đun nào: hãy chọn Mô đun ở trang tải lên (dòng lệnh: --module IU01), hoặc thêm dòng “Mô đun: IU01” ở đầu tệp",
        ),
        (
            {
                let mut d = Docx::new();
                d.text("Mã ngân hàng: X")
                    .text("Mô đun: IU01")
                    .text("Câu 1: x? (NB)")
                    .text("*A. y");
                d
            },
            "de.docx: lỗi: 1 câu hỏi chưa có chủ đề (Câu 1): hãy chọn Chủ đề mặc định ở trang tải lên (dòng lệnh: --topic IU01.1)",
        ),
        (
            {
                let mut d = bank();
                d.text("Câu 1: x?").text("*A. y").text("ĐÁP ÁN").text("7-A");
                d
            },
            "de.docx: lỗi: mục ĐÁP ÁN có đáp án cho câu 7",
        ),
        (
            {
                let mut d = bank();
                d.text("Câu 1: x?")
                    .text("A. y")
                    .text("ĐÁP ÁN")
                    .text("xem lời giải");
                d
            },
            "de.docx: lỗi: không đọc được mục đáp án “xem lời giải”",
        ),
        (
            {
                let mut d = bank();
                d.text("Câu 1: x?")
                    .text("*A. y")
                    .text("Câu 1: z?")
                    .text("*A. t");
                d
            },
            "de.docx: Câu 1 (“z?”): lỗi: Câu 1 xuất hiện hai lần trong cùng một phần (lần đầu: Câu 1 (“x?”))",
        ),
        (
            {
                let mut d = bank();
                d.text("Câu 1: x?").text("a) y").text("b) z");
                d
            },
            "de.docx: Câu 1 (“x?”): lỗi: câu này chưa có đáp án",
        ),
        (
            {
                let mut d = bank();
                d.text("Câu 1: x <b>?").text("*A. y").text("B. z");
                d
            },
            "",
        ),
    ];
    for (doc, expected) in cases {
        let (parsed, lines) = read(&doc);
        if expected.is_empty() {
            assert!(lines.is_empty() && parsed.is_some(), "{lines:#?}");
            continue;
        }
        assert!(parsed.is_none(), "{expected}");
        assert!(
            lines.iter().any(|l| l.starts_with(expected)),
            "{expected}\n{lines:#?}"
        );
    }
}

/// What the Word reader says in the document's terms is not said again in TOML's.
#[test]
fn missing_bank_lines_and_topics_are_said_once_in_the_documents_terms() {
    let mut doc = Docx::new();
    doc.text("Câu 1: x? (NB)").text("*A. y").text("B. z");
    let (_, lines) = read(&doc);
    // The code comes from the file name; module and topic are one message each.
    assert_eq!(lines.len(), 2, "module, topic: {lines:#?}");
    assert!(lines.iter().all(|l| !l.contains('`')), "{lines:#?}");
}
