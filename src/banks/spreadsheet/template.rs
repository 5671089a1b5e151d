//! The spreadsheet template the upload page offers (and `question_banks/mau-ngan-hang-cau-hoi.csv`):
//! the bank's sheet, and an instructions sheet with the allowed values (types, levels, the
//! catalog's modules and topics) that the reader leaves alone.

use crate::{
    banks::{catalog::catalog, model::Difficulty},
    vocab::Lang,
};

/// The instructions sheet's name; a sheet so named is never read as the bank.
pub const INSTRUCTIONS: &str = "Hướng dẫn";

/// The types a row's `Loại` may name (any case, with or without diacritics).
pub const TYPES: [&str; 5] = [
    "Một lựa chọn",
    "Nhiều lựa chọn",
    "Đúng/Sai",
    "Trả lời ngắn",
    "Số",
];

/// The template as an Excel workbook: the bank's sheet first, then the instructions.
pub fn template_xlsx() -> anyhow::Result<Vec<u8>> {
    let rows = template_rows();
    let help = instructions();
    let sheets = [
        crate::sheets::Sheet {
            name: "Ngân hàng câu hỏi",
            header: &[],
            rows: &rows,
        },
        crate::sheets::Sheet {
            name: INSTRUCTIONS,
            header: &["Cột / mục", "Giá trị được nhận", "Ghi chú"],
            rows: &help,
        },
    ];
    crate::sheets::xlsx(&sheets)
}

/// The instructions: each column and its allowed values, then the levels, then the catalog's
/// modules and their topics.
pub fn instructions() -> Vec<Vec<String>> {
    let types = TYPES.join(", ");
    let levels = Difficulty::ALL
        .iter()
        .map(|d| format!("{d:?} ({})", Lang::Vi.t(d.label_key())))
        .collect::<Vec<_>>()
        .join(", ");
    let columns: [[&str; 3]; 14] = [
        [
            "Mã ngân hàng",
            "2–40 ký tự: chữ cái không dấu, chữ số, - hoặc _ (ví dụ IU01-EXCEL)",
            "Không bắt buộc. Để trống: lấy mã ghi ở trang tải lên (hoặc --code), nếu không thì theo tên tệp.",
        ],
        [
            "Tên ngân hàng",
            "Văn bản",
            "Không bắt buộc. Để trống: theo tên tệp.",
        ],
        [
            "Mô đun",
            "Mã một mô đun ở bảng “Mô đun và chủ đề” bên dưới",
            "Để trống: lấy mô đun chọn ở trang tải lên (hoặc --module), nếu không thì mô đun của chủ đề.",
        ],
        ["Ngôn ngữ", "vi hoặc en", "Không bắt buộc (mặc định vi)."],
        [
            "Mã câu",
            "Văn bản ngắn, mỗi câu một mã",
            "Không bắt buộc: để trống thì câu được nhận biết theo nội dung câu hỏi.",
        ],
        [
            "Loại",
            &types,
            "Không bắt buộc: để trống thì suy ra từ phương án và đáp án.",
        ],
        [
            "Chủ đề",
            "Mã một chủ đề của mô đun (bảng bên dưới)",
            "Để trống: lấy chủ đề mặc định chọn ở trang tải lên (hoặc --topic).",
        ],
        [
            "Mức độ",
            &levels,
            "Để trống: lấy mức độ mặc định chọn ở trang tải lên (hoặc --level).",
        ],
        [
            "Điểm",
            "Số nguyên từ 1 đến 100",
            "Không bắt buộc (mặc định 1).",
        ],
        ["Câu hỏi", "Nội dung câu hỏi", "Bắt buộc."],
        [
            "A … H",
            "Nội dung các phương án. Tên cột cũng có thể là Phương án A, Đáp án A, PA1, opt1…",
            "Đặt # ở đầu phương án để giữ nguyên vị trí khi đảo (ví dụ #Tất cả các phương án trên).",
        ],
        [
            "Đáp án",
            "Câu có phương án: chữ cái (B; nhiều đáp án: A, C) hoặc chép đúng nội dung phương án. Đúng/Sai: Đúng hoặc Sai. Trả lời ngắn: các cách viết được chấp nhận, ngăn bằng |. Số: một số.",
            "Bắt buộc.",
        ],
        ["Giải thích", "Văn bản", "Không bắt buộc."],
        ["Thẻ", "Các thẻ, ngăn bằng dấu phẩy", "Không bắt buộc."],
    ];
    let mut rows: Vec<Vec<String>> = columns
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    rows.push(vec![]);
    rows.push(vec![
        "Mô đun và chủ đề".into(),
        "Tên".into(),
        "Thuộc mô đun".into(),
    ]);
    for module in &catalog().modules {
        rows.push(vec![
            module.code.clone(),
            module.name(Lang::Vi).to_string(),
            String::new(),
        ]);
        for topic in &module.topics {
            let name = topic.name(Lang::Vi).to_string();
            rows.push(vec![topic.code.clone(), name, module.code.clone()]);
        }
    }
    rows
}

/// The template offered on the upload page: the rows naming the bank, the header, and one
/// example of each type a spreadsheet can hold.
pub fn template_rows() -> Vec<Vec<String>> {
    let rows: [&[&str]; 12] = [
        &["Mã ngân hàng", "IU01-EXCEL"],
        &["Tên ngân hàng", "IU01 – Hiểu biết về CNTT cơ bản"],
        &["Mô đun", "IU01"],
        &["Ngôn ngữ", "vi"],
        &[],
        &[
            "Mã câu",
            "Loại",
            "Chủ đề",
            "Mức độ",
            "Điểm",
            "Câu hỏi",
            "A",
            "B",
            "C",
            "D",
            "E",
            "F",
            "G",
            "H",
            "Đáp án",
            "Giải thích",
            "Thẻ",
        ],
        &[
            "C001",
            "",
            "IU01.1",
            "NB",
            "1",
            "Thiết bị nào sau đây là thiết bị nhập?",
            "Bàn phím",
            "Màn hình",
            "Loa",
            "Máy in",
            "",
            "",
            "",
            "",
            "A",
            "Bàn phím đưa dữ liệu vào máy tính.",
            "phần cứng",
        ],
        &[
            "C002",
            "",
            "IU01.1",
            "TH",
            "1",
            "Những thiết bị nào là thiết bị xuất?",
            "Màn hình",
            "Bàn phím",
            "Loa",
            "#Tất cả các phương án trên",
            "",
            "",
            "",
            "",
            "A, C",
            "",
            "",
        ],
        &[
            "C003",
            "Đúng/Sai",
            "IU01.5",
            "NB",
            "1",
            "Sao chép phần mềm có bản quyền để bán lại là vi phạm pháp luật.",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "Đúng",
            "",
            "",
        ],
        &[
            "C004",
            "Trả lời ngắn",
            "IU01.1",
            "NB",
            "1",
            "RAM là viết tắt của cụm từ tiếng Anh nào?",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "Random Access Memory | random-access memory",
            "",
            "",
        ],
        &[
            "C005",
            "Số",
            "IU01.1",
            "VD",
            "1",
            "1 KB bằng bao nhiêu byte (theo quy ước nhị phân)?",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "1024",
            "",
            "",
        ],
        &[],
    ];
    rows.iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}
