//! A person as stored, a roster row as it claims a person, the rules for matching a roster
//! row to a person already known, and which accommodation applies on a day. No IO here.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::vocab::{Date, display_date};

use super::national_id::NationalId;
pub use super::national_id::Sex;

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "male" => Some(Sex::Male),
            "female" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// Who a candidate is (đối tượng): a pupil, a teacher, a university student or a working
/// adult. Stored as text; `is_teacher` is kept beside it for older readers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Category {
    #[default]
    Student,
    Teacher,
    UniversityStudent,
    Worker,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Student,
        Category::UniversityStudent,
        Category::Teacher,
        Category::Worker,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Student => "student",
            Category::Teacher => "teacher",
            Category::UniversityStudent => "university_student",
            Category::Worker => "worker",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// What a roster's "Đối tượng" cell says, folded (lower case, no diacritics); anything
    /// else, or nothing, is a pupil (học sinh).
    pub fn from_folded(cell: &str) -> Self {
        match cell {
            "giao vien" | "gv" | "teacher" => Category::Teacher,
            "sinh vien" | "sv" | "university student" => Category::UniversityStudent,
            "nguoi lao dong" | "lao dong" | "nguoi di lam" | "worker" | "working adult" => {
                Category::Worker
            }
            _ => Category::Student,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Category::Student => "person.student",
            Category::Teacher => "person.teacher",
            Category::UniversityStudent => "session.more.university_student",
            Category::Worker => "session.more.worker",
        }
    }

    /// The word a roster file uses (what the add-a-candidate form writes in its one row).
    pub fn roster_word(self) -> &'static str {
        match self {
            Category::Student => "Học sinh",
            Category::Teacher => "Giáo viên",
            Category::UniversityStudent => "Sinh viên",
            Category::Worker => "Người lao động",
        }
    }
}

/// A candidate as the roster gives them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRow {
    /// The spreadsheet's row number (the header is row 1).
    pub row: usize,
    pub full_name: String,
    pub birth_date: Date,
    pub sex: Option<Sex>,
    pub national_id: Option<NationalId>,
    /// Another identifier for a student without a CCCD (flagged for a manager).
    pub other_id: Option<String>,
    pub unit: String,
    pub category: Category,
    pub email: Option<String>,
}

/// Why a person's record needs a manager's attention.
pub const FLAG_NO_NATIONAL_ID: &str = "no_national_id";
pub const FLAG_CONFLICT: &str = "conflict";

/// A person as stored.
#[derive(Clone, Debug, FromRow)]
pub struct Person {
    pub id: String,
    pub department_id: String,
    pub national_id: Option<String>,
    pub other_id: Option<String>,
    pub full_name: String,
    pub birth_date: String,
    pub sex: Option<String>,
    pub unit: String,
    pub category: String,
    pub email: Option<String>,
    pub flag: Option<String>,
    pub flag_detail: String,
}

impl Person {
    pub fn birth_display(&self) -> String {
        display_date(&self.birth_date)
    }

    /// The identifier shown to staff: the CCCD, or the other identifier.
    pub fn identifier(&self) -> &str {
        self.national_id
            .as_deref()
            .or(self.other_id.as_deref())
            .unwrap_or("")
    }

    pub fn sex_key(&self) -> &'static str {
        match self.sex.as_deref().and_then(Sex::parse) {
            Some(Sex::Male) => "person.male",
            Some(Sex::Female) => "person.female",
            None => "person.sex_unknown",
        }
    }

    pub fn group_key(&self) -> &'static str {
        Category::parse(&self.category)
            .unwrap_or_default()
            .label_key()
    }

    pub fn flag_key(&self) -> Option<&'static str> {
        match self.flag.as_deref() {
            Some(FLAG_NO_NATIONAL_ID) => Some("person.flag_no_national_id"),
            Some(FLAG_CONFLICT) => Some("person.flag_conflict"),
            _ => None,
        }
    }
}

/// What a roster said about a person whose record says otherwise (kept for the manager).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterClaim {
    pub full_name: String,
    pub birth_date: String,
}

/// The same person, by name and birth date? Names compare without case, spacing or
/// diacritics typed differently (NFC and NFD are the same name), but diacritics count.
pub fn same_person(person: &Person, claim: &RosterClaim) -> bool {
    let name = |s: &str| crate::banks::answers::fold_text(s, false);
    name(&person.full_name) == name(&claim.full_name) && person.birth_date == claim.birth_date
}

/// Does the person's name or identifier hold what staff typed in the search? Typed without
/// diacritics, "nguyen" finds "Nguyễn"; typed with them, they count.
pub fn matches_search(person: &Person, typed: &str) -> bool {
    use crate::banks::answers::fold_text;
    let plain = fold_text(typed, true);
    let without_marks = plain == fold_text(typed, false);
    let name = fold_text(&person.full_name, without_marks);
    name.contains(&fold_text(typed, without_marks))
        || [&person.national_id, &person.other_id]
            .into_iter()
            .flatten()
            .any(|id| fold_text(id, true).contains(&plain))
}

/// Is what staff typed the person's whole identifier (CCCD or other), spaces and case aside?
pub fn has_identifier(person: &Person, typed: &str) -> bool {
    use crate::banks::answers::fold_text;
    let typed = fold_text(typed, true).replace(' ', "");
    [&person.national_id, &person.other_id]
        .into_iter()
        .flatten()
        .any(|id| fold_text(id, true).replace(' ', "") == typed)
}

/// An accommodation as stored.
#[derive(Clone, Debug, FromRow)]
pub struct Accommodation {
    pub id: String,
    pub extra_percent: i64,
    pub reason: String,
    pub expires_on: String,
    pub created_at: i64,
}

impl Accommodation {
    pub fn expires_display(&self) -> String {
        display_date(&self.expires_on)
    }
}

/// The extra time that applies on a day: the largest accommodation not yet expired.
pub fn extra_percent_on(accommodations: &[Accommodation], day: Date) -> u32 {
    let day = day.iso();
    accommodations
        .iter()
        .filter(|a| a.expires_on >= day)
        .map(|a| u32::try_from(a.extra_percent).unwrap_or(0))
        .max()
        .unwrap_or(0)
}

/// An extra-time percentage as typed: 1 to 100.
pub fn parse_percent(text: &str) -> Result<i64, &'static str> {
    match text.trim().trim_end_matches('%').trim().parse::<i64>() {
        Ok(n) if (1..=100).contains(&n) => Ok(n),
        _ => Err("person.percent_invalid"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, birth: &str) -> Person {
        Person {
            id: "p".into(),
            department_id: "d".into(),
            national_id: Some("001208012345".into()),
            other_id: None,
            full_name: name.into(),
            birth_date: birth.into(),
            sex: None,
            unit: String::new(),
            category: "student".into(),
            email: None,
            flag: None,
            flag_detail: String::new(),
        }
    }

    #[test]
    fn names_match_across_typing_but_not_across_diacritics() {
        let known = person("Nguyễn Văn An", "2008-03-05");
        let claim = |name: &str, birth: &str| RosterClaim {
            full_name: name.into(),
            birth_date: birth.into(),
        };
        let nfd: String =
            unicode_normalization::UnicodeNormalization::nfd("nguyễn  văn an").collect();
        assert!(same_person(&known, &claim(&nfd, "2008-03-05")));
        assert!(!same_person(&known, &claim("Nguyễn Văn Ân", "2008-03-05")));
        assert!(!same_person(&known, &claim("Nguyễn Văn An", "2008-03-06")));
    }

    #[test]
    fn the_largest_unexpired_accommodation_applies() {
        let acc = |percent, expires: &str| Accommodation {
            id: String::new(),
            extra_percent: percent,
            reason: String::new(),
            expires_on: expires.into(),
            created_at: 0,
        };
        let list = [acc(25, "2026-12-31"), acc(50, "2026-06-30")];
        assert_eq!(extra_percent_on(&list, Date(2026, 6, 30)), 50);
        assert_eq!(extra_percent_on(&list, Date(2026, 7, 1)), 25);
        assert_eq!(extra_percent_on(&list, Date(2027, 1, 1)), 0);
        assert_eq!(parse_percent("25 %"), Ok(25));
        assert!(parse_percent("0").is_err() && parse_percent("150").is_err());
    }
}
