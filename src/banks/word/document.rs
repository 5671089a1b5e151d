//! The body of a Word document as the question reader needs it: paragraphs of characters,
//! each with its look (marked as a key by underline or red, bold, italic), pictures in place,
//! and tables of paragraphs. Fonts and colours are resolved through the document's styles,
//! and text in legacy Vietnamese fonts (TCVN3, VNI) is converted to Unicode on the way.

use std::collections::{BTreeMap, BTreeSet};

use roxmltree::Node;

use super::{legacy::Legacy, numbering::Numbering};
use crate::banks::{
    report::{Msg, args},
    xml::{Unparsed, attr, child, val},
};

/// How a character looks, as far as the reader cares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Look {
    /// Underlined or red: how teachers mark a key.
    pub marked: bool,
    pub bold: bool,
    pub italic: bool,
    pub superscript: bool,
}

/// Stands for a picture in a paragraph's text; the picture is in `Paragraph::pictures`.
pub const PICTURE: char = '\u{FFFC}';

/// A picture: the package path of its file and its description (alt text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picture {
    pub path: String,
    pub description: String,
}

#[derive(Clone, Debug, Default)]
pub struct Paragraph {
    /// 1-based, in reading order, counting the paragraphs inside tables too.
    pub number: usize,
    /// A Word heading (a "Heading N" style or an outline level).
    pub heading: bool,
    /// Word's automatic numbering whose label could not be worked out (bullets, pictures);
    /// labels that could ("A.", "Câu 1:") are put at the start of the text.
    pub numbered: bool,
    /// Characters with their look; tabs as `\t`, line breaks as `\n`, pictures as `PICTURE`.
    pub chars: Vec<(char, Look)>,
    pub pictures: Vec<Picture>,
}

impl Paragraph {
    pub fn text(&self) -> String {
        self.chars.iter().map(|(c, _)| *c).collect()
    }
}

/// A block of the body.
#[derive(Clone, Debug)]
pub enum Block {
    Paragraph(Paragraph),
    /// Rows of cells of paragraphs.
    Table(Vec<Vec<Vec<Paragraph>>>),
}

/// The body, and the legacy fonts found (encoding → font names, paragraphs converted).
#[derive(Default)]
pub struct Body {
    pub blocks: Vec<Block>,
    pub converted: BTreeMap<&'static str, (BTreeSet<String>, BTreeSet<usize>)>,
}

/// Run properties as styles and runs set them; `None` means "not said here".
#[derive(Clone, Debug, Default)]
struct RunProps {
    font: Option<String>,
    underline: Option<bool>,
    red: Option<bool>,
    bold: Option<bool>,
    italic: Option<bool>,
    superscript: Option<bool>,
}

impl RunProps {
    /// These properties over `base` (what is not said here comes from the base).
    fn over(&self, base: &RunProps) -> RunProps {
        RunProps {
            font: self.font.clone().or_else(|| base.font.clone()),
            underline: self.underline.or(base.underline),
            red: self.red.or(base.red),
            bold: self.bold.or(base.bold),
            italic: self.italic.or(base.italic),
            superscript: self.superscript.or(base.superscript),
        }
    }

    fn read(rpr: Option<Node>) -> RunProps {
        let Some(rpr) = rpr else {
            return RunProps::default();
        };
        let toggle = |name: &str| {
            child(rpr, name).map(|n| !matches!(val(n), Some("0" | "false" | "off" | "none")))
        };
        let font = child(rpr, "rFonts").and_then(|f| {
            ["hAnsi", "ascii"]
                .iter()
                .find_map(|a| attr(f, a))
                .map(str::to_string)
        });
        RunProps {
            font,
            underline: toggle("u"),
            red: child(rpr, "color").map(|c| val(c).is_some_and(is_red)),
            bold: toggle("b"),
            italic: toggle("i"),
            superscript: child(rpr, "vertAlign").map(|v| val(v) == Some("superscript")),
        }
    }

    fn look(&self) -> Look {
        Look {
            marked: self.underline == Some(true) || self.red == Some(true),
            bold: self.bold == Some(true),
            italic: self.italic == Some(true),
            superscript: self.superscript == Some(true),
        }
    }
}

/// A colour teachers call red: strong red, little green and blue (`FF0000`, `C00000`…).
fn is_red(hex: &str) -> bool {
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
    };
    matches!((channel(0), channel(2), channel(4)), (Some(r), Some(g), Some(b)) if r >= 0x99 && g < 0x50 && b < 0x50)
}

/// The styles of the document: run properties and heading-ness, by style id.
#[derive(Default)]
struct Styles {
    defaults: RunProps,
    runs: BTreeMap<String, RunProps>,
    headings: BTreeSet<String>,
}

impl Styles {
    fn read(xml: Option<&str>) -> Styles {
        let Some(doc) = xml.and_then(|x| crate::banks::xml::parse(x).ok()) else {
            return Styles::default();
        };
        let mut own: BTreeMap<String, (RunProps, Option<String>, bool)> = BTreeMap::new();
        for style in doc.descendants().filter(|n| n.tag_name().name() == "style") {
            let Some(id) = attr(style, "styleId") else {
                continue;
            };
            let name = child(style, "name").and_then(val).unwrap_or_default();
            let lower = name.to_lowercase();
            let outline = child(style, "pPr")
                .and_then(|p| child(p, "outlineLvl"))
                .and_then(val)
                .and_then(|v| v.parse::<u8>().ok())
                .is_some_and(|level| level < 9);
            let heading = lower.starts_with("heading") || lower == "title" || outline;
            let based_on = child(style, "basedOn").and_then(val).map(str::to_string);
            own.insert(
                id.to_string(),
                (RunProps::read(child(style, "rPr")), based_on, heading),
            );
        }
        let defaults = doc
            .descendants()
            .find(|n| n.tag_name().name() == "rPrDefault")
            .map(|d| RunProps::read(child(d, "rPr")))
            .unwrap_or_default();
        let mut styles = Styles {
            defaults,
            ..Styles::default()
        };
        for id in own.keys() {
            // Follow `basedOn` (at most 16 steps: a loop in a broken file ends there).
            let mut props = RunProps::default();
            let mut heading = false;
            let mut at = Some(id.clone());
            for _ in 0..16 {
                let Some((p, base, h)) = at.as_ref().and_then(|a| own.get(a)) else {
                    break;
                };
                props = props.over(p);
                heading |= *h;
                at = base.clone();
            }
            styles.runs.insert(id.clone(), props);
            if heading {
                styles.headings.insert(id.clone());
            }
        }
        styles
    }

    fn of(&self, id: Option<&str>) -> RunProps {
        id.and_then(|id| self.runs.get(id))
            .cloned()
            .unwrap_or_default()
    }
}

/// Reads the body of `document.xml`; `targets` maps relationship ids to package paths.
pub fn read(
    document: &str,
    styles: Option<&str>,
    numbering: Option<&str>,
    targets: &BTreeMap<String, String>,
) -> Result<Body, Msg> {
    let unreadable = |error: String| ("report.docx_unreadable", args![error = error]);
    let doc = crate::banks::xml::parse(document).map_err(|e| match e {
        Unparsed::Limit(limit) => limit.msg(),
        Unparsed::Syntax(e) => unreadable(e.to_string()),
    })?;
    let body = doc
        .descendants()
        .find(|n| n.tag_name().name() == "body")
        .ok_or_else(|| unreadable("w:body".to_string()))?;
    let mut reader = Reader {
        styles: Styles::read(styles),
        numbering: Numbering::read(numbering),
        targets,
        out: Body::default(),
        count: 0,
    };
    let blocks = reader.blocks(body);
    reader.out.blocks = blocks;
    Ok(reader.out)
}

struct Reader<'t> {
    styles: Styles,
    numbering: Numbering,
    targets: &'t BTreeMap<String, String>,
    out: Body,
    count: usize,
}

impl Reader<'_> {
    fn blocks(&mut self, parent: Node) -> Vec<Block> {
        let mut blocks = Vec::new();
        for node in parent.children().filter(Node::is_element) {
            match node.tag_name().name() {
                "p" => blocks.push(Block::Paragraph(self.paragraph(node))),
                "tbl" => blocks.push(Block::Table(self.table(node))),
                // Content controls, tracked insertions and custom XML wrap ordinary blocks.
                "sdt" | "sdtContent" | "ins" | "customXml" | "smartTag" => {
                    blocks.extend(self.blocks(node))
                }
                _ => {}
            }
        }
        blocks
    }

    fn table(&mut self, table: Node) -> Vec<Vec<Vec<Paragraph>>> {
        table
            .children()
            .filter(|n| n.tag_name().name() == "tr")
            .map(|row| {
                row.children()
                    .filter(|n| n.tag_name().name() == "tc")
                    .map(|cell| {
                        self.blocks(cell)
                            .into_iter()
                            .flat_map(|b| match b {
                                Block::Paragraph(p) => vec![p],
                                Block::Table(rows) => {
                                    rows.into_iter().flatten().flatten().collect()
                                }
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect()
    }

    fn paragraph(&mut self, p: Node) -> Paragraph {
        self.count += 1;
        let ppr = child(p, "pPr");
        let style = ppr.and_then(|x| child(x, "pStyle")).and_then(val);
        let outline = ppr
            .and_then(|x| child(x, "outlineLvl"))
            .and_then(val)
            .and_then(|v| v.parse::<u8>().ok())
            .is_some_and(|l| l < 9);
        let mut paragraph = Paragraph {
            number: self.count,
            heading: outline || style.is_some_and(|s| self.styles.headings.contains(s)),
            ..Paragraph::default()
        };
        let base = self.styles.of(style).over(&self.styles.defaults);
        // Word draws a numbered paragraph's label ("Câu 3:", "B.") with the paragraph mark's
        // look; the reader puts it in the text, where teachers see it.
        let number = ppr.and_then(|x| child(x, "numPr")).and_then(|n| {
            let id = child(n, "numId").and_then(val).filter(|id| *id != "0")?;
            let level = child(n, "ilvl").and_then(val).and_then(|l| l.parse().ok());
            Some((id, level.unwrap_or(0)))
        });
        if let Some((id, level)) = number {
            match self.numbering.next_label(id, level) {
                Some(label) => {
                    let mark = ppr.and_then(|x| child(x, "rPr"));
                    let look = RunProps::read(mark).over(&base).look();
                    paragraph.chars.extend(label.chars().map(|c| (c, look)));
                    paragraph.chars.push((' ', Look::default()));
                }
                None => paragraph.numbered = true,
            }
        }
        self.runs(p, &base, &mut paragraph);
        paragraph
    }

    /// The runs of a paragraph, including those inside hyperlinks, fields, content controls
    /// and tracked insertions (deleted text is left out).
    fn runs(&mut self, parent: Node, base: &RunProps, out: &mut Paragraph) {
        for node in parent.children().filter(Node::is_element) {
            match node.tag_name().name() {
                "r" => self.run(node, base, out),
                "hyperlink" | "ins" | "fldSimple" | "smartTag" | "sdt" | "sdtContent"
                | "customXml" | "oMath" | "oMathPara" => self.runs(node, base, out),
                _ => {}
            }
        }
    }

    fn run(&mut self, r: Node, base: &RunProps, out: &mut Paragraph) {
        let rpr = child(r, "rPr");
        let style = rpr.and_then(|x| child(x, "rStyle")).and_then(val);
        let props = RunProps::read(rpr).over(&self.styles.of(style).over(base));
        let look = props.look();
        let legacy = props.font.as_deref().and_then(Legacy::of_font);
        for node in r.descendants().filter(Node::is_element) {
            match node.tag_name().name() {
                "t" if node.parent() == Some(r) => {
                    let text = node.text().unwrap_or_default();
                    let converted = legacy.map(|enc| (enc, enc.convert(text)));
                    let text = match converted {
                        Some((enc, converted)) if converted != text => {
                            let entry = self.out.converted.entry(enc.name()).or_default();
                            entry.0.insert(props.font.clone().unwrap_or_default());
                            entry.1.insert(out.number);
                            converted
                        }
                        _ => text.to_string(),
                    };
                    out.chars.extend(text.chars().map(|c| (c, look)));
                }
                "tab" if node.parent() == Some(r) => out.chars.push(('\t', look)),
                "br" | "cr" if attr(node, "type") != Some("page") => out.chars.push(('\n', look)),
                "noBreakHyphen" => out.chars.push(('-', look)),
                "blip" | "imagedata" => {
                    let id = attr(node, "embed").or_else(|| attr(node, "id"));
                    if let Some(path) = id.and_then(|id| self.targets.get(id)) {
                        let description = r
                            .descendants()
                            .find(|n| n.tag_name().name() == "docPr")
                            .and_then(|d| attr(d, "descr").or_else(|| attr(d, "title")))
                            .unwrap_or_default();
                        out.pictures.push(Picture {
                            path: path.clone(),
                            description: description.trim().to_string(),
                        });
                        out.chars.push((PICTURE, Look::default()));
                    }
                }
                _ => {}
            }
        }
    }
}
