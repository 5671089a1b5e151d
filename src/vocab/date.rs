//! Calendar dates as staff type them (`dd/mm/yyyy`) and as stored (`yyyy-mm-dd`).

use serde::{Deserialize, Serialize};

/// A calendar date (year, month, day), stored as `yyyy-mm-dd` so text order is date order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Date(pub i32, pub u32, pub u32);

/// Why a typed date was refused: it is not written as a date, or it is written as one that
/// the calendar does not have (31/02), or its year is outside 1900–2100.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateError {
    Format,
    NoSuchDay,
    Year,
}

impl Date {
    /// A date as staff type it: `dd/mm/yyyy` (also with `-` or `.`), or stored `yyyy-mm-dd`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::check(text).ok()
    }

    /// As `parse`, saying what is wrong.
    pub fn check(text: &str) -> Result<Self, DateError> {
        let parts: Vec<&str> = text.trim().split(['/', '-', '.']).collect();
        let [a, b, c] = parts.as_slice() else {
            return Err(DateError::Format);
        };
        let number = |s: &str| s.parse::<u32>().map_err(|_| DateError::Format);
        let (d, m, y) = if a.len() == 4 {
            (number(c)?, number(b)?, number(a)?)
        } else {
            (number(a)?, number(b)?, number(c)?)
        };
        let y = i32::try_from(y).map_err(|_| DateError::Format)?;
        if c.len() != 4 && a.len() != 4 {
            return Err(DateError::Format);
        }
        let days = match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
            2 => 28,
            _ => return Err(DateError::NoSuchDay),
        };
        if !(1..=days).contains(&d) {
            return Err(DateError::NoSuchDay);
        }
        if !(1900..=2100).contains(&y) {
            return Err(DateError::Year);
        }
        Ok(Date(y, m, d))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_staff_type_them() {
        assert_eq!(Date::parse("05/03/2008"), Some(Date(2008, 3, 5)));
        assert_eq!(Date::parse("2008-03-05"), Some(Date(2008, 3, 5)));
        assert_eq!(Date::parse("29/02/2009"), None);
        assert_eq!(Date::check("31/02/2003"), Err(DateError::NoSuchDay));
        assert_eq!(Date::check("12/13/2003"), Err(DateError::NoSuchDay));
        assert_eq!(Date::check("2003/02/31"), Err(DateError::NoSuchDay));
        assert_eq!(Date::check("31-02"), Err(DateError::Format));
        assert_eq!(Date::check("3l/02/2003"), Err(DateError::Format));
        assert_eq!(Date::check("05/03/08"), Err(DateError::Format));
        assert_eq!(Date::check("05/03/1850"), Err(DateError::Year));
        assert_eq!(Date(2008, 3, 5).display(), "05/03/2008");
        assert_eq!(display_date("2008-03-05"), "05/03/2008");
    }
}
