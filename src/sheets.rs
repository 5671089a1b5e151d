//! Spreadsheets staff make and open: tables read from CSV (comma or semicolon, with or without
//! a BOM) or `.xlsx`, with each row's number as the spreadsheet shows it; and tables written as
//! CSV with a UTF-8 BOM (so Excel shows Vietnamese) or as `.xlsx`.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

/// Rows of cells, each with its 1-based row number in the file.
pub type Table = Vec<(usize, Vec<String>)>;

/// Why a file is not a table (catalog key under `sheet.`, and the underlying message).
#[derive(Debug, PartialEq, Eq)]
pub struct Unreadable {
    pub key: &'static str,
    pub detail: String,
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
    let mut table = Table::new();
    for record in reader.records() {
        let record = record.map_err(|e| Unreadable {
            key: "sheet.csv_unreadable",
            detail: e.to_string(),
        })?;
        // Counted from the byte offset (the reader's own count stops before blank lines).
        let row = record.position().map_or(table.len() + 1, |p| {
            let bytes = text.as_bytes();
            let mut start = (p.byte() as usize).min(bytes.len());
            while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                start += 1;
            }
            bytes[..start].iter().filter(|b| **b == b'\n').count() + 1
        });
        table.push((row, record.iter().map(str::to_string).collect()));
    }
    Ok(table)
}

/// The first worksheet of an `.xlsx` file. Numbers read as Excel shows them without a format
/// (a CCCD typed as a number keeps its digits), dates as `dd/mm/yyyy`.
pub fn read_xlsx(bytes: &[u8]) -> Result<Table, Unreadable> {
    first_sheet(bytes).map(|(_, table)| table)
}

/// The name and rows of the first worksheet of an `.xlsx` file.
pub fn first_sheet(bytes: &[u8]) -> Result<(String, Table), Unreadable> {
    let unreadable = |e: &dyn std::fmt::Display| Unreadable {
        key: "sheet.xlsx_unreadable",
        detail: e.to_string(),
    };
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let name = workbook.sheet_names().first().cloned().unwrap_or_default();
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable(&"the workbook has no worksheet"))?
        .map_err(|e| unreadable(&e))?;
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let leading = vec![String::new(); first_column as usize];
    let table = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut row = leading.clone();
            row.extend(cells.iter().map(cell_text));
            (first_row as usize + i + 1, row)
        })
        .collect();
    Ok((name, table))
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
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(row)?;
    }
    writer.flush()?;
    drop(writer);
    Ok(out)
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
}
