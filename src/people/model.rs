//! A person as stored, dates as staff type them, the rules for matching a roster row to a
//! person already known, and which accommodation applies on a day. No IO here.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

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

/// A calendar date (year, month, day), stored as `yyyy-mm-dd` so text order is date order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Date(pub i32, pub u32, pub u32);

impl Date {
    /// A date as staff type it: `dd/mm/yyyy` (also with `-` or `.`), or stored `yyyy-mm-dd`.
    pub fn parse(text: &str) -> Option<Self> {
        let parts: Vec<&str> = text.trim().split(['/', '-', '.']).collect();
        let [a, b, c] = parts.as_slice() else {
            return None;
        };
        let (d, m, y): (u32, u32, i32) = if a.len() == 4 {
            (c.parse().ok()?, b.parse().ok()?, a.parse().ok()?)
        } else {
            (a.parse().ok()?, b.parse().ok()?, c.parse().ok()?)
        };
        let days = match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
            2 => 28,
            _ => return None,
        };
        ((1900..=2100).contains(&y) && (1..=days).contains(&d)).then_some(Date(y, m, d))
    }

    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.0, self.1, self.2)
    }

    /// `dd/mm/yyyy`, the way Vietnamese staff read dates.
    pub fn display(self) -> String {
        format!("{:02}/{:02}/{:04}", self.2, self.1, self.0)
    }
}

/// `dd/mm/yyyy` for a stored `yyyy-mm-dd` (shown as stored if it does not read).
pub fn display_date(iso: &str) -> String {
    Date::parse(iso).map_or_else(|| iso.to_string(), Date::display)
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
    pub is_teacher: i64,
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
        if self.is_teacher == 1 {
            "person.teacher"
        } else {
            "person.student"
        }
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
            is_teacher: 0,
            email: None,
            flag: None,
            flag_detail: String::new(),
        }
    }

    #[test]
    fn dates_read_as_staff_type_them() {
        assert_eq!(Date::parse("05/03/2008"), Some(Date(2008, 3, 5)));
        assert_eq!(Date::parse("2008-03-05"), Some(Date(2008, 3, 5)));
        assert_eq!(Date::parse("29/02/2009"), None);
        assert_eq!(Date(2008, 3, 5).display(), "05/03/2008");
        assert_eq!(display_date("2008-03-05"), "05/03/2008");
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
