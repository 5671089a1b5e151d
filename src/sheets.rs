//! Spreadsheets staff make and open: tables read from CSV (comma or semicolon, with or without
//! a BOM) or `.xlsx` (cells streamed, never the used range at once) within the row, column and
//! cell limits of `crate::limits`, with each row's number as the spreadsheet shows it; and
//! tables written as CSV with a UTF-8 BOM (so Excel shows Vietnamese) or as `.xlsx`.

use std::{collections::BTreeMap, io::Cursor};

use calamine::{Data, Reader, Xlsx};

use crate::limits::{Exceeded, MAX_CELLS, MAX_COLUMNS, MAX_ROWS};

/// Rows of cells, each with its 1-based row number in the file. Rows without data are left
/// out (readers skip them anyway), so a sheet formatted down to row 1,048,576 costs nothing.
pub type Table = Vec<(usize, Vec<String>)>;

/// Why a file is not a table (catalog key under `sheet.`, or under `limit.` for a limit, and
/// the underlying message or the limit's figure: the catalog fills either in as `{value}`).
#[derive(Debug, PartialEq, Eq)]
pub struct Unreadable {
    pub key: &'static str,
    pub detail: String,
}

impl From<Exceeded> for Unreadable {
    fn from(limit: Exceeded) -> Self {
        Unreadable {
            key: limit.key(),
            detail: limit.figure(),
        }
    }
}

/// Rows built cell by cell within the limits on rows, columns and cells.
#[derive(Default)]
struct Bounded {
    rows: BTreeMap<usize, Vec<String>>,
    cells: usize,
}

impl Bounded {
    /// A cell at a 1-based row and 0-based column; blank cells are not kept.
    fn put(&mut self, row: usize, column: usize, text: String) -> Result<(), Exceeded> {
        if text.trim().is_empty() {
            return Ok(());
        }
        if row > MAX_ROWS {
            return Err(Exceeded::Rows);
        }
        if column >= MAX_COLUMNS {
            return Err(Exceeded::Columns);
        }
        self.cells += 1;
        if self.cells > MAX_CELLS {
            return Err(Exceeded::Cells);
        }
        let cells = self.rows.entry(row).or_default();
        if cells.len() <= column {
            cells.resize(column + 1, String::new());
        }
        cells[column] = text;
        Ok(())
    }

    fn table(self) -> Table {
        self.rows.into_iter().collect()
    }
}

/// A CSV file as UTF-8 text; the delimiter is whichever of `;` and `,` the first line has more of.
pub fn read_csv(text: &str) -> Result<Table, Unreadable> {
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Bounded::default();
    // Lines counted up to `counted` so far: records come in order, so each byte is counted
    // once (the reader's own count stops before blank lines).
    let (bytes, mut counted, mut line) = (text.as_bytes(), 0, 1);
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| Unreadable {
            key: "sheet.csv_unreadable",
            detail: e.to_string(),
        })?;
        let row = match record.position() {
            Some(p) => {
                let mut start = (p.byte() as usize).clamp(counted, bytes.len());
                while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                    start += 1;
                }
                line += bytes[counted..start]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count();
                counted = start;
                line
            }
            None => index + 1,
        };
        for (column, value) in record.iter().enumerate() {
            table.put(row, column, value.to_string())?;
        }
    }
    Ok(table.table())
}

/// An uploaded table: `.xlsx` when its content is a zip (or its name says so), otherwise CSV
/// in UTF-8.
pub fn read_upload(file_name: &str, bytes: &[u8]) -> Result<Table, Unreadable> {
    if bytes.starts_with(b"PK\x03\x04") || file_name.to_lowercase().ends_with(".xlsx") {
        read_xlsx(bytes)
    } else {
        std::str::from_utf8(bytes)
            .map_err(|e| Unreadable {
                key: "sheet.not_utf8",
                detail: e.to_string(),
            })
            .and_then(read_csv)
    }
}

/// The first worksheet of an `.xlsx` file. Numbers read as Excel shows them without a format
/// (a CCCD typed as a number keeps its digits), dates as `dd/mm/yyyy`.
pub fn read_xlsx(bytes: &[u8]) -> Result<Table, Unreadable> {
    first_sheet(bytes).map(|(_, table)| table)
}

/// The name and rows of the first worksheet of an `.xlsx` file, its cells read as a stream
/// (never the whole used range at once) within the limits, after its zip passed the limits.
pub fn first_sheet(bytes: &[u8]) -> Result<(String, Table), Unreadable> {
    first_sheet_where(bytes, |_| true)
}

/// The first worksheet whose name `wanted` accepts (an instructions sheet can be passed over).
pub fn first_sheet_where(
    bytes: &[u8],
    wanted: impl Fn(&str) -> bool,
) -> Result<(String, Table), Unreadable> {
    let unreadable = |e: &dyn std::fmt::Display| Unreadable {
        key: "sheet.xlsx_unreadable",
        detail: e.to_string(),
    };
    crate::banks::archive::within_limits(bytes)?;
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let name = workbook
        .sheet_names()
        .into_iter()
        .find(|name| wanted(name))
        .ok_or_else(|| unreadable(&"the workbook has no worksheet"))?;
    let mut cells = workbook
        .worksheet_cells_reader(&name)
        .map_err(|e| unreadable(&e))?;
    let mut table = Bounded::default();
    while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
        let (row, column) = cell.get_position();
        let text = cell_text(&Data::from(cell.get_value().clone()));
        table.put(row as usize + 1, column as usize, text)?;
    }
    Ok((name, table.table()))
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{d:02}/{m:02}/{y:04}")
        }
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A CSV file with a UTF-8 BOM and CRLF line ends, which Excel opens with Vietnamese intact.
pub fn csv_with_bom(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<Vec<u8>> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(&mut out);
    writer.write_record(header.iter().map(|cell| defused(cell).into_owned()))?;
    for row in rows {
        writer.write_record(row.iter().map(|cell| defused(cell).into_owned()))?;
    }
    writer.flush()?;
    drop(writer);
    Ok(out)
}

/// A cell Excel will not run as a formula: text beginning with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading apostrophe; numbers (`-3`, `+0.5`) stay numbers.
pub fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = cell.parse::<f64>().is_ok_and(f64::is_finite) && !cell.contains(['\t', '\r']);
    if risky && !number {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// One worksheet: its name, header and rows.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub header: &'a [&'a str],
    pub rows: &'a [Vec<String>],
}

/// An `.xlsx` workbook: each sheet with a bold, frozen header row, then the rows as text (so
/// a CCCD keeps its leading zeros).
pub fn xlsx(sheets: &[Sheet<'_>]) -> anyhow::Result<Vec<u8>> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for spec in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(spec.name)?;
        for (c, title) in spec.header.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *title, &bold)?;
        }
        for (r, row) in spec.rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                sheet.write_string(r as u32 + 1, c as u16, value)?;
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofit();
    }
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_keep_their_numbers_and_delimiter() {
        let table =
            read_csv("\u{feff}Họ và tên;Ngày sinh\nAn;01/01/2009\n\nBình;02/02/2009\n").unwrap();
        assert_eq!(table[0], (1, vec!["Họ và tên".into(), "Ngày sinh".into()]));
        assert_eq!(table.last().unwrap().0, 4);
    }

    #[test]
    fn an_xlsx_written_here_reads_back_with_vietnamese_intact() {
        let rows = vec![vec![
            "Nguyễn Thị Ánh".to_string(),
            "001305012345".to_string(),
        ]];
        let sheet = Sheet {
            name: "Danh sách",
            header: &["Họ và tên", "Số CCCD"],
            rows: &rows,
        };
        let bytes = xlsx(&[sheet]).unwrap();
        let table = read_xlsx(&bytes).unwrap();
        assert_eq!(table[1], (2, rows[0].clone()));
        assert_eq!(
            read_xlsx(b"not a zip").unwrap_err().key,
            "sheet.xlsx_unreadable"
        );
    }

    #[test]
    fn csv_for_excel_starts_with_a_bom() {
        let bytes = csv_with_bom(&["Tên"], &[vec!["Đặng, Văn".into()]]).unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\u{feff}Tên\r\n\"Đặng, Văn\"\r\n"
        );
    }

    #[test]
    fn csv_text_that_excel_would_run_gets_an_apostrophe_and_numbers_stay_numbers() {
        for risky in [
            "=HYPERLINK(\"http://x\",\"a\")",
            "+1+2",
            "-A1",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(defused(risky), format!("'{risky}"), "{risky:?}");
        }
        for plain in ["-3", "+0.5", "-12.75", "7", "Nguyễn Văn An", "", "a=b"] {
            assert_eq!(defused(plain), plain, "{plain:?}");
        }
        let bytes = csv_with_bom(&["Tên", "Điểm"], &[vec!["=1+1".into(), "-2.5".into()]]).unwrap();
        assert!(
            String::from_utf8(bytes)
                .unwrap()
                .ends_with("'=1+1,-2.5\r\n")
        );
    }
}
