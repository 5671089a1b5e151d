//! A small `.docx` writer for the Word template offered on the upload page (and kept in
//! `question_banks/`), and for tests that need real Word files: paragraphs of runs (fonts,
//! bold, underline, red), headings, tables and pictures, in the package layout Word writes.

use std::io::Write;

/// A run of text with its look. `\t` is a tab, `\n` a line break.
#[derive(Clone, Debug, Default)]
pub struct Run {
    pub text: String,
    pub font: Option<String>,
    pub bold: bool,
    pub underline: bool,
    pub red: bool,
}

impl Run {
    pub fn new(text: &str) -> Self {
        Run {
            text: text.to_string(),
            ..Run::default()
        }
    }
    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }
    pub fn underline(mut self) -> Self {
        self.underline = true;
        self
    }
    pub fn red(mut self) -> Self {
        self.red = true;
        self
    }
    pub fn font(mut self, font: &str) -> Self {
        self.font = Some(font.to_string());
        self
    }
}

/// The automatic lists a document can use.
#[derive(Clone, Copy, Debug)]
pub enum List {
    Questions,
    Letters,
    Bullets,
}

/// A Word document being written.
#[derive(Default)]
pub struct Docx {
    body: String,
    pictures: Vec<Vec<u8>>,
    /// How many times lettered lists were restarted: each restart is a numbering instance.
    restarts: usize,
    /// The font of the document's Normal style (`.VnTime` for an old TCVN3 file).
    pub default_font: Option<String>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn run_xml(run: &Run) -> String {
    let mut props = String::new();
    if let Some(font) = &run.font {
        let font = escape(font);
        props.push_str(&format!(r#"<w:rFonts w:ascii="{font}" w:hAnsi="{font}"/>"#));
    }
    if run.bold {
        props.push_str("<w:b/>");
    }
    if run.red {
        props.push_str(r#"<w:color w:val="FF0000"/>"#);
    }
    if run.underline {
        props.push_str(r#"<w:u w:val="single"/>"#);
    }
    let mut content = String::new();
    for (i, piece) in run.text.split('\n').enumerate() {
        if i > 0 {
            content.push_str("<w:br/>");
        }
        for (j, part) in piece.split('\t').enumerate() {
            if j > 0 {
                content.push_str("<w:tab/>");
            }
            if !part.is_empty() {
                content.push_str(&format!(
                    r#"<w:t xml:space="preserve">{}</w:t>"#,
                    escape(part)
                ));
            }
        }
    }
    format!("<w:r><w:rPr>{props}</w:rPr>{content}</w:r>")
}

impl Docx {
    pub fn new() -> Self {
        Docx::default()
    }

    /// A paragraph of runs.
    pub fn runs(&mut self, runs: &[Run]) -> &mut Self {
        let runs: String = runs.iter().map(run_xml).collect();
        self.body.push_str(&format!("<w:p>{runs}</w:p>"));
        self
    }

    /// A paragraph of plain text.
    pub fn text(&mut self, text: &str) -> &mut Self {
        self.runs(&[Run::new(text)])
    }

    /// A paragraph in the "Heading 1" style.
    pub fn heading(&mut self, text: &str) -> &mut Self {
        let run = run_xml(&Run::new(text));
        self.body.push_str(&format!(
            r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>{run}</w:p>"#
        ));
        self
    }

    /// A paragraph with Word's automatic numbering (its label is not in the text), in a list
    /// numbered "Câu 1:", "Câu 2:"…, lettered "A.", "B."… or bulleted.
    pub fn numbered(&mut self, list: List, runs: &[Run]) -> &mut Self {
        let id = match list {
            List::Questions => 1,
            List::Bullets => 2,
            List::Letters => 3 + self.restarts,
        };
        let runs: String = runs.iter().map(run_xml).collect();
        self.body.push_str(&format!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{id}"/></w:numPr></w:pPr>{runs}</w:p>"#
        ));
        self
    }

    /// Lettered paragraphs after this start again at "A." (Word's "Restart numbering").
    pub fn restart_letters(&mut self) -> &mut Self {
        self.restarts += 1;
        self
    }

    /// A table of plain-text cells.
    pub fn table(&mut self, rows: &[Vec<&str>]) -> &mut Self {
        let width = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let column = 9000 / width;
        let grid: String = (0..width)
            .map(|_| format!(r#"<w:gridCol w:w="{column}"/>"#))
            .collect();
        let borders: String = ["top", "left", "bottom", "right", "insideH", "insideV"]
            .iter()
            .map(|b| format!(r#"<w:{b} w:val="single" w:sz="4" w:space="0" w:color="auto"/>"#))
            .collect();
        let mut xml = format!(
            r#"<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>{borders}</w:tblBorders></w:tblPr><w:tblGrid>{grid}</w:tblGrid>"#
        );
        for row in rows {
            xml.push_str("<w:tr>");
            for cell in row {
                let run = run_xml(&Run::new(cell));
                xml.push_str(&format!(
                    r#"<w:tc><w:tcPr><w:tcW w:w="{column}" w:type="dxa"/></w:tcPr><w:p>{run}</w:p></w:tc>"#
                ));
            }
            xml.push_str("</w:tr>");
        }
        xml.push_str("</w:tbl>");
        self.body.push_str(&xml);
        self
    }

    /// A paragraph of runs followed by a picture (PNG) with a description.
    pub fn picture(&mut self, runs: &[Run], png: &[u8], description: &str) -> &mut Self {
        self.pictures.push(png.to_vec());
        let n = self.pictures.len();
        let text: String = runs.iter().map(run_xml).collect();
        let description = escape(description);
        let size = 914400; // one inch, in EMU
        self.body.push_str(&format!(
            r#"<w:p>{text}<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{size}" cy="{size}"/><wp:docPr id="{n}" name="Hình {n}" descr="{description}"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="{n}" name="image{n}.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdImage{n}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{size}" cy="{size}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#
        ));
        self
    }

    /// The `.docx` file. Entries carry a fixed date, so the same document gives the same bytes.
    pub fn bytes(&self) -> Vec<u8> {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let mut add = |name: &str, bytes: &[u8]| {
            zip.start_file(name, options)
                .expect("a zip entry in memory");
            zip.write_all(bytes).expect("writing to memory");
        };
        add("[Content_Types].xml", CONTENT_TYPES.as_bytes());
        add("_rels/.rels", PACKAGE_RELS.as_bytes());
        let images: String = (1..=self.pictures.len())
            .map(|n| format!(r#"<Relationship Id="rIdImage{n}" Type="{REL}/image" Target="media/image{n}.png"/>"#))
            .collect();
        let rels = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="{REL}/styles" Target="styles.xml"/><Relationship Id="rIdNumbering" Type="{REL}/numbering" Target="numbering.xml"/>{images}</Relationships>"#
        );
        add("word/_rels/document.xml.rels", rels.as_bytes());
        let font = escape(self.default_font.as_deref().unwrap_or("Times New Roman"));
        add(
            "word/styles.xml",
            STYLES.replace("{font}", &font).as_bytes(),
        );
        let restarts: String = (0..=self.restarts)
            .map(|n| {
                format!(
                    r#"<w:num w:numId="{}"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>"#,
                    3 + n
                )
            })
            .collect();
        add(
            "word/numbering.xml",
            NUMBERING.replace("{restarts}", &restarts).as_bytes(),
        );
        let document = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NAMESPACES}><w:body>{}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr></w:body></w:document>"#,
            self.body
        );
        add("word/document.xml", document.as_bytes());
        for (i, png) in self.pictures.iter().enumerate() {
            add(&format!("word/media/image{}.png", i + 1), png);
        }
        zip.finish().expect("a zip in memory").into_inner()
    }
}

const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

const NAMESPACES: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture""#;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/></Types>"#;

const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}"/><w:sz w:val="26"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="60"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style></w:styles>"#;

const NUMBERING: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Câu %1:"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>{restarts}</w:numbering>"#;

/// A small picture for the template and tests (PNG).
pub const PICTURE_PNG: &[u8] = include_bytes!("hinh-mau.png");

/// The Word template: a valid bank of module IU01 showing every rule of the convention.
pub fn template() -> Vec<u8> {
    let mut doc = Docx::new();
    let key = |text: &str| Run::new(text).underline();
    doc.heading("NGÂN HÀNG CÂU HỎI MẪU – IU01")
        .text("Mã ngân hàng: IU01-WORD-MAU")
        .text("Tên ngân hàng: IU01 – Hiểu biết về CNTT cơ bản (mẫu soạn bằng Word)")
        .text("Mô đun: IU01")
        .text("Ngôn ngữ: vi")
        .text("Cách soạn: mỗi câu bắt đầu bằng “Câu N:”; phương án A. đến H.; đáp án gạch chân, tô đỏ, đánh dấu * hoặc ghi ở mục ĐÁP ÁN cuối tệp; mức độ (NB), (TH), (VD), (VDC); # trước phương án để giữ nguyên vị trí khi trộn.")
        .heading("PHẦN I. IU01.1 – Máy vi tính và mạng máy tính (NB)")
        .runs(&[Run::new("Câu 1: ").bold(), Run::new("Thiết bị nào sau đây là thiết bị nhập?")])
        .runs(&[key("A. Bàn phím")])
        .text("B. Màn hình")
        .text("C. Loa")
        .text("D. Máy in")
        .runs(&[Run::new("Câu 2 (TH): ").bold(), Run::new("Đơn vị nào lớn nhất?")])
        .runs(&[Run::new("A. KB\tB. MB\tC. "), Run::new("GB").red(), Run::new("\tD. Byte")])
        .picture(&[Run::new("Câu 3: ").bold(), Run::new("Hình dưới đây là thiết bị gì? ")], PICTURE_PNG, "Máy tính để bàn")
        .text("*A. Máy tính để bàn")
        .text("B. Máy chiếu")
        .text("C. Bộ định tuyến")
        .runs(&[Run::new("Câu 4: ").bold(), Run::new("Mạng LAN là gì?")])
        .text("A. Mạng diện rộng")
        .text("B. Mạng cục bộ")
        .text("C. Mạng toàn cầu")
        .text("#D. Tất cả các phương án trên")
        .text("Giải thích: LAN (Local Area Network) là mạng cục bộ trong một phòng, một tòa nhà.")
        .runs(&[Run::new("Câu 5 [Vận dụng]: ").bold(), Run::new("Những thiết bị nào là thiết bị lưu trữ? (Chọn tất cả đáp án đúng)")])
        .runs(&[Run::new("A. Ổ SSD").red()])
        .text("B. Bàn phím")
        .runs(&[Run::new("C. Thẻ nhớ USB").red()])
        .text("D. Chuột")
        .heading("PHẦN II. IU01.4 – An toàn thông tin [Thông hiểu]")
        .runs(&[Run::new("Câu 1: ").bold(), Run::new("Một giáo viên nhận email báo trúng thưởng, kèm đường dẫn yêu cầu nhập mật khẩu. Xét các nhận định sau:")])
        .text("a) Đây có thể là thư lừa đảo (phishing).")
        .text("b) Nên nhập mật khẩu để nhận thưởng nhanh.")
        .text("c) Nên báo cho bộ phận CNTT của trường.")
        .text("d) Mở tệp đính kèm lạ là an toàn.")
        .runs(&[Run::new("Câu 2: ").bold(), Run::new("Về mật khẩu, các nhận định nào đúng?")])
        .runs(&[key("a) Mật khẩu dài và khó đoán thì an toàn hơn.")])
        .text("b) Dùng một mật khẩu cho mọi tài khoản là tốt.")
        .runs(&[key("c) Nên bật xác thực hai yếu tố.")])
        .text("d) Có thể chia sẻ mật khẩu qua tin nhắn.")
        .runs(&[Run::new("Câu 3 (VD): ").bold(), Run::new("Bảng sau cho dung lượng các tệp. Tổng dung lượng là bao nhiêu KB?")])
        .table(&[vec!["Tệp", "Dung lượng"], vec!["baocao.docx", "1024 KB"], vec!["anh.png", "2048 KB"]])
        .text("Đáp án: 3072")
        .heading("ĐÁP ÁN")
        .text("PHẦN I")
        .text("4-B")
        .text("PHẦN II")
        .text("1: a) Đ, b) S, c) Đ, d) S");
    doc.bytes()
}
