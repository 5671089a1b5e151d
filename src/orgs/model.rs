//! Organisations: a department (Sở GD&ĐT) with its training centres and schools, and the
//! rooms of each centre; who may see which.

use crate::accounts::{SessionUser, model::Role};

/// What an organisation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OrgKind {
    /// Sở Giáo dục và Đào tạo: owns everything below it.
    Department,
    /// Trung tâm đào tạo / sát hạch: runs exams in its rooms.
    Centre,
    /// Trường: sends its teachers and students.
    School,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Department => "department",
            OrgKind::Centre => "centre",
            OrgKind::School => "school",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [OrgKind::Department, OrgKind::Centre, OrgKind::School]
            .into_iter()
            .find(|k| k.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            OrgKind::Department => "org.kind.department",
            OrgKind::Centre => "org.kind.centre",
            OrgKind::School => "org.kind.school",
        }
    }
}

/// An organisation as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Organisation {
    pub id: String,
    pub kind: String,
    pub code: String,
    pub name: String,
    pub department_id: Option<String>,
}

impl Organisation {
    pub fn kind(&self) -> OrgKind {
        OrgKind::parse(&self.kind).unwrap_or(OrgKind::School)
    }

    /// The department this organisation belongs to (itself, for a department).
    pub fn department(&self) -> &str {
        self.department_id.as_deref().unwrap_or(&self.id)
    }

    /// Department staff see every organisation of their department; centre staff only their own.
    pub fn visible_to(&self, user: &SessionUser) -> bool {
        match user.role {
            Role::Admin => self.department() == user.department_id,
            Role::CentreManager | Role::Proctor => self.id == user.organisation_id,
        }
    }
}

/// A room of a centre (phòng thi).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Room {
    pub id: String,
    pub name: String,
    pub seats: i64,
}

/// An organisation code: 2–32 letters, digits, `-` or `_`, stored upper-case.
pub fn parse_code(raw: &str) -> Result<String, &'static str> {
    let code = raw.trim().to_uppercase();
    let ok = (2..=32).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(code)
    } else {
        Err("error.code_invalid")
    }
}

/// An organisation or room name: NFC, white space folded, 1–200 characters.
pub fn parse_name(raw: &str) -> Result<String, &'static str> {
    crate::text::required_name(raw, 200)
}

/// Seats in a room: a whole number from 1 to 500.
pub fn parse_seats(raw: &str) -> Result<i64, &'static str> {
    match raw.trim().parse::<i64>() {
        Ok(n) if (1..=500).contains(&n) => Ok(n),
        _ => Err("error.seats_invalid"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_upper_case_and_plain() {
        assert_eq!(parse_code(" sgd-hn ").unwrap(), "SGD-HN");
        assert!(parse_code("Sở").is_err());
        assert!(parse_code("x").is_err());
    }

    #[test]
    fn seats_are_bounded() {
        assert_eq!(parse_seats("30"), Ok(30));
        assert!(parse_seats("0").is_err());
        assert!(parse_seats("ba mươi").is_err());
    }

    #[test]
    fn names_keep_vietnamese() {
        assert_eq!(parse_name(" Phòng  máy 1 ").unwrap(), "Phòng máy 1");
    }
}
