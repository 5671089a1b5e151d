//! How much of an uploaded file the readers take: nesting depth, XML nodes, spreadsheet rows,
//! columns and cells, zip entries and their inflated sizes. Generous for real files (a bank of
//! thousands of items with pictures of a few MB, a roster of a few thousand rows), they keep a
//! small hostile file from exhausting memory or the stack; each has its own message (`[limit]`
//! in `locales/*.toml`) naming the figure and how to fix the file.

use crate::banks::report::{Msg, args};

/// Elements nested inside one another in the HTML of a stem, an option or a feedback (Moodle,
/// GIFT `[html]`, QTI): real editors nest a handful.
pub const MAX_HTML_NESTING: usize = 64;
/// Elements nested inside one another in an XML file (Word's `document.xml`, Moodle XML, QTI):
/// the format's own wrappers come on top of the content's nesting.
pub const MAX_XML_NESTING: usize = 128;
/// Nodes (elements, texts, attributes' parents) in one XML file: a Word file of a few
/// thousand questions has well under a million.
pub const MAX_XML_NODES: u32 = 4_000_000;
/// Rows of a spreadsheet (the last row holding data, counted from the top): a roster has a
/// few thousand, a bank one row per question.
pub const MAX_ROWS: usize = 50_000;
/// Columns of a spreadsheet (the last column holding data): the bank template has about 20.
pub const MAX_COLUMNS: usize = 64;
/// Cells holding data in one spreadsheet.
pub const MAX_CELLS: usize = 1_000_000;
/// Entries of a zip archive (`.docx`, `.xlsx`, QTI package, bank with pictures).
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// One entry of a zip archive, inflated: a picture or a document part.
pub const MAX_ZIP_ENTRY_BYTES: u64 = 50 * 1024 * 1024;
/// All entries of a zip archive, inflated.
pub const MAX_UNZIPPED_BYTES: u64 = 200 * 1024 * 1024;

/// A limit a file goes past (or, for `Dtd`, a construct refused outright).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exceeded {
    HtmlNesting,
    XmlNesting,
    XmlNodes,
    /// A DTD (`<!DOCTYPE …>`), which may declare entities that expand without bound.
    Dtd,
    Rows,
    Columns,
    Cells,
    ZipEntries,
    ZipEntry,
    Unzipped,
}

impl Exceeded {
    /// The catalog key of its message; every one takes the figure as `{value}`.
    pub fn key(self) -> &'static str {
        match self {
            Exceeded::HtmlNesting => "limit.html_nesting",
            Exceeded::XmlNesting => "limit.xml_nesting",
            Exceeded::XmlNodes => "limit.xml_nodes",
            Exceeded::Dtd => "limit.xml_dtd",
            Exceeded::Rows => "limit.rows",
            Exceeded::Columns => "limit.columns",
            Exceeded::Cells => "limit.cells",
            Exceeded::ZipEntries => "limit.zip_entries",
            Exceeded::ZipEntry => "limit.zip_entry",
            Exceeded::Unzipped => "limit.unzipped",
        }
    }

    /// The limit as people read it: `64`, `100000`, `50 MB`.
    pub fn figure(self) -> String {
        let mb = |bytes: u64| format!("{} MB", bytes / (1024 * 1024));
        match self {
            Exceeded::HtmlNesting => MAX_HTML_NESTING.to_string(),
            Exceeded::XmlNesting => MAX_XML_NESTING.to_string(),
            Exceeded::XmlNodes => MAX_XML_NODES.to_string(),
            Exceeded::Dtd => String::new(),
            Exceeded::Rows => MAX_ROWS.to_string(),
            Exceeded::Columns => MAX_COLUMNS.to_string(),
            Exceeded::Cells => MAX_CELLS.to_string(),
            Exceeded::ZipEntries => MAX_ZIP_ENTRIES.to_string(),
            Exceeded::ZipEntry => mb(MAX_ZIP_ENTRY_BYTES),
            Exceeded::Unzipped => mb(MAX_UNZIPPED_BYTES),
        }
    }

    /// The message for a bank report.
    pub fn msg(self) -> Msg {
        (self.key(), args![value = self.figure()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Lang;

    #[test]
    fn every_limit_names_its_figure_in_both_languages() {
        let all = [
            Exceeded::HtmlNesting,
            Exceeded::XmlNesting,
            Exceeded::XmlNodes,
            Exceeded::Dtd,
            Exceeded::Rows,
            Exceeded::Columns,
            Exceeded::Cells,
            Exceeded::ZipEntries,
            Exceeded::ZipEntry,
            Exceeded::Unzipped,
        ];
        for limit in all {
            for lang in [Lang::Vi, Lang::En] {
                let text = lang.fill(limit.key(), &[("value", &limit.figure())]);
                assert!(!text.contains('{') && !text.contains('⟦'), "{text}");
                assert!(text.contains(&limit.figure()), "{text}");
            }
        }
        let vi = Lang::Vi.fill(Exceeded::HtmlNesting.key(), &[("value", "64")]);
        assert!(vi.contains("hơn 64 cấp"), "{vi}");
    }
}
