//! Reading a roster (danh sách thí sinh) as staff make them in Excel (CSV or `.xlsx`):
//! Vietnamese or English headers in any order, dates as dd/mm/yyyy, CCCD numbers checked and
//! repaired.
//! Every problem names its row; a file with any error imports nothing.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::{
    people::{
        model::{Category, RosterRow},
        national_id::{IdError, NationalId, Sex},
    },
    sheets::Table,
    text::single_line,
    vocab::{Date, DateError},
};

/// A problem at a row (catalog key and the value concerned).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub row: usize,
    pub error: bool,
    #[serde(deserialize_with = "crate::wire::key")]
    pub key: crate::wire::Name,
    pub value: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Column {
    Name,
    Birth,
    Sex,
    NationalId,
    OtherId,
    Unit,
    Role,
    Email,
}

/// The columns of a roster as the template and the add-a-candidate form write them (the
/// reader also takes English and other spellings, in any order).
pub const TEMPLATE_HEADER: [&str; 8] = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Mã khác",
    "Trường",
    "Đối tượng",
    "Email",
];

/// Header words, folded (lower case, no diacritics), for each column.
const HEADERS: [(Column, &[&str]); 8] = [
    (Column::Name, &["ho va ten", "ho ten", "full name", "name"]),
    (
        Column::Birth,
        &["ngay sinh", "date of birth", "birth date", "dob"],
    ),
    (Column::Sex, &["gioi tinh", "sex", "gender"]),
    (
        Column::NationalId,
        &[
            "cccd",
            "so cccd",
            "can cuoc",
            "so dinh danh",
            "national id",
            "so can cuoc cong dan",
        ],
    ),
    (
        Column::OtherId,
        &["ma khac", "ma hoc sinh", "other id", "student id"],
    ),
    (
        Column::Unit,
        &[
            "truong",
            "don vi",
            "truong/don vi",
            "school",
            "unit",
            "school or unit",
        ],
    ),
    (
        Column::Role,
        &[
            "doi tuong",
            "giao vien/hoc sinh",
            "role",
            "teacher or student",
            "category",
        ],
    ),
    (Column::Email, &["email", "e-mail", "thu dien tu"]),
];

fn fold(text: &str) -> String {
    crate::banks::answers::fold_text(text, true)
}

/// Reads a roster table (from CSV or `.xlsx`): the first non-empty row is the header.
pub fn parse_roster(table: &Table) -> (Vec<RosterRow>, Vec<RowProblem>) {
    let mut problems = Problems::default();
    let mut lines = table
        .iter()
        .filter(|(_, cells)| cells.iter().any(|v| !v.trim().is_empty()));
    let Some((header_row, headers)) = lines.next() else {
        problems.add(1, true, "person.roster_empty", "");
        return (vec![], problems.0);
    };
    let mut columns: HashMap<Column, usize> = HashMap::new();
    for (index, header) in headers.iter().enumerate() {
        let folded = fold(header);
        if let Some((column, _)) = HEADERS
            .iter()
            .find(|(_, names)| names.contains(&folded.as_str()))
        {
            columns.entry(*column).or_insert(index);
        }
    }
    for (required, name) in [(Column::Name, "Họ và tên"), (Column::Birth, "Ngày sinh")] {
        if !columns.contains_key(&required) {
            problems.add(*header_row, true, "person.roster_missing_column", name);
        }
    }
    if problems.has_errors() {
        return (vec![], problems.0);
    }
    let mut rows = Vec::new();
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    for (row, record) in lines {
        let row = *row;
        let cell = |c: Column| {
            columns
                .get(&c)
                .and_then(|i| record.get(*i))
                .map(|v| single_line(v))
                .unwrap_or_default()
        };
        let full_name = cell(Column::Name);
        if full_name.is_empty() {
            problems.add(row, true, "person.name_missing", "");
        }
        let birth = match Date::check(&cell(Column::Birth)) {
            Ok(date) => Some(date),
            Err(e) => {
                let key = match e {
                    DateError::Format => "person.birth_invalid",
                    DateError::NoSuchDay => "words.birth_no_such_day",
                    DateError::Year => "words.birth_year",
                };
                problems.add(row, true, key, &cell(Column::Birth));
                None
            }
        };
        let sex = match fold(&cell(Column::Sex)).as_str() {
            "nam" | "m" | "male" => Some(Sex::Male),
            "nu" | "f" | "female" => Some(Sex::Female),
            _ => None,
        };
        let id_text = cell(Column::NationalId);
        let other_id = Some(cell(Column::OtherId)).filter(|v| !v.is_empty());
        let national_id = if id_text.is_empty() {
            match &other_id {
                Some(other) => problems.add(row, false, "person.other_id_used", other),
                None => problems.add(row, true, "person.no_identifier", ""),
            }
            None
        } else {
            match NationalId::parse(&id_text) {
                Ok(id) => {
                    if id.repaired {
                        problems.add(row, false, "person.cccd_repaired", &id.digits);
                    }
                    for key in id.mismatches(birth.map(|b| b.0), sex) {
                        problems.add(row, false, key, &id.digits);
                    }
                    if let Some(first) = seen_ids.insert(id.digits.clone(), row) {
                        problems.add(
                            row,
                            true,
                            "person.roster_duplicate",
                            &format!("{} ({first})", id.digits),
                        );
                    }
                    Some(id)
                }
                Err(e) => {
                    let key = match e {
                        IdError::NotDigits => "person.cccd_not_digits",
                        IdError::WrongLength => "person.cccd_wrong_length",
                        IdError::Short => "words.cccd_short",
                        IdError::UnknownProvince => "person.cccd_unknown_province",
                    };
                    problems.add(row, true, key, &id_text);
                    None
                }
            }
        };
        let category = Category::from_folded(&fold(&cell(Column::Role)));
        let email = Some(cell(Column::Email)).filter(|v| !v.is_empty());
        if let Some(birth_date) = birth.filter(|_| !full_name.is_empty()) {
            rows.push(RosterRow {
                row,
                full_name,
                birth_date,
                sex,
                national_id,
                other_id,
                unit: cell(Column::Unit),
                category,
                email,
            });
        }
    }
    if problems.has_errors() {
        rows.clear();
    }
    (rows, problems.0)
}

/// Reads an uploaded roster file (`.xlsx` by its content, a zip; otherwise CSV in UTF-8) and
/// checks it; a file that is not a table is one problem at row 0.
pub fn read_file(file_name: &str, bytes: &[u8]) -> (Vec<RosterRow>, Vec<RowProblem>) {
    let table = crate::sheets::read_upload(file_name, bytes);
    match table {
        Ok(table) => parse_roster(&table),
        Err(e) => {
            let problem = RowProblem {
                row: 0,
                error: true,
                key: e.key,
                value: e.detail,
            };
            (vec![], vec![problem])
        }
    }
}

#[derive(Default)]
struct Problems(Vec<RowProblem>);

impl Problems {
    fn add(&mut self, row: usize, error: bool, key: &'static str, value: &str) {
        self.0.push(RowProblem {
            row,
            error,
            key,
            value: value.to_string(),
        });
    }

    fn has_errors(&self) -> bool {
        self.0.iter().any(|p| p.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::read_csv;

    #[test]
    fn reads_a_vietnamese_roster_with_semicolons_and_repairs_ids() {
        let csv = "\u{feff}STT;Họ và tên;Ngày sinh;Giới tính;Số CCCD;Trường;Đối tượng\n\
                   1;Nguyễn Văn An;05/03/2008;Nam;1208012345;THPT Chu Văn An;Học sinh\n\
                   2;Trần Thị Bình;12/11/1985;Nữ;036185000123;THCS Láng Thượng;Giáo viên\n";
        let (rows, problems) = parse_roster(&read_csv(csv).unwrap());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].national_id.as_ref().unwrap().digits, "001208012345");
        assert_eq!(rows[0].birth_date, Date(2008, 3, 5));
        assert!(rows[1].category == Category::Teacher && rows[1].sex == Some(Sex::Female));
        assert_eq!(
            problems,
            vec![RowProblem {
                row: 2,
                error: false,
                key: "person.cccd_repaired",
                value: "001208012345".into()
            }]
        );
    }

    #[test]
    fn bad_rows_are_named_and_nothing_is_imported() {
        let csv = "Full name,Date of birth,Sex,National ID,Student ID\n\
                   Lê Văn C,31/02/2009,Nam,001209000001,\n\
                   ,01/01/2009,Nam,001209000002,\n\
                   Phạm D,01/01/2009,Nữ,001209000001,\n\
                   Hoàng E,01/01/2009,Nam,,HS-0042\n\
                   Vũ F,01/01/2009,Nam,003209000009,\n";
        let (rows, problems) = parse_roster(&read_csv(csv).unwrap());
        assert!(rows.is_empty(), "a file with errors imports nothing");
        let keys: Vec<(usize, &str)> = problems.iter().map(|p| (p.row, p.key)).collect();
        assert!(keys.contains(&(2, "words.birth_no_such_day")));
        assert!(keys.contains(&(3, "person.name_missing")));
        assert!(keys.contains(&(4, "person.roster_duplicate")));
        assert!(keys.contains(&(4, "person.cccd_sex_mismatch")));
        assert!(keys.contains(&(5, "person.other_id_used")));
        assert!(keys.contains(&(6, "person.cccd_unknown_province")));
    }

    #[test]
    fn a_roster_without_names_is_refused_at_the_header() {
        let (rows, problems) =
            parse_roster(&read_csv("Ngày sinh,CCCD\n01/01/2000,001200000001\n").unwrap());
        assert!(rows.is_empty());
        assert_eq!(problems[0].key, "person.roster_missing_column");
    }
}
