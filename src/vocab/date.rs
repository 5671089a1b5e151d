//! Calendar dates as staff type them (`dd/mm/yyyy`) and as stored (`yyyy-mm-dd`).

use serde::{Deserialize, Serialize};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_staff_type_them() {
        assert_eq!(Date::parse("05/03/2008"), Some(Date(2008, 3, 5)));
        assert_eq!(Date::parse("2008-03-05"), Some(Date(2008, 3, 5)));
        assert_eq!(Date::parse("29/02/2009"), None);
        assert_eq!(Date(2008, 3, 5).display(), "05/03/2008");
        assert_eq!(display_date("2008-03-05"), "05/03/2008");
    }
}
