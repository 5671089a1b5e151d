//! Vietnam's national ID (căn cước công dân, CCCD): 12 digits — a province code of birth
//! registration, a digit for century and sex, the last two digits of the birth year, and six
//! random digits. Checked against what a roster says, and repaired when a spreadsheet dropped
//! its leading zeros.

/// Province codes (Circular 07/2016/TT-BCA), which CCCDs keep after the 2025 mergers.
const PROVINCES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Sex {
    Male,
    Female,
}

/// A valid CCCD, with what it says about its holder.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NationalId {
    pub digits: String,
    pub province: u16,
    pub sex: Sex,
    pub birth_year: i32,
    /// True when leading zeros had to be put back (a spreadsheet read it as a number).
    pub repaired: bool,
}

/// What is wrong with a typed CCCD (catalog keys under `person.cccd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdError {
    NotDigits,
    WrongLength,
    /// Fewer than 12 digits, and not a number that lost its leading zeros (those would give a
    /// province code): a digit was left out.
    Short,
    UnknownProvince,
}

impl NationalId {
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let digits: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
            .collect();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(IdError::NotDigits);
        }
        // Excel shows 001203012345 as 1203012345: put back up to three leading zeros.
        let repaired = (9..12).contains(&digits.len());
        let digits = if repaired {
            format!("{digits:0>12}")
        } else {
            digits
        };
        if digits.len() != 12 {
            return Err(IdError::WrongLength);
        }
        let province: u16 = digits[..3].parse().map_err(|_| IdError::NotDigits)?;
        if !PROVINCES.contains(&province) {
            return Err(if repaired {
                IdError::Short
            } else {
                IdError::UnknownProvince
            });
        }
        let code = digits.as_bytes()[3] - b'0';
        let century = match code {
            0 | 1 => 1900,
            2 | 3 => 2000,
            4 | 5 => 2100,
            6 | 7 => 2200,
            _ => 1800,
        };
        let sex = if code.is_multiple_of(2) {
            Sex::Male
        } else {
            Sex::Female
        };
        let year: i32 = digits[4..6].parse().map_err(|_| IdError::NotDigits)?;
        Ok(Self {
            birth_year: century + year,
            sex,
            province,
            digits,
            repaired,
        })
    }

    /// Disagreements with the roster (catalog keys): birth year, then sex.
    pub fn mismatches(&self, birth_year: Option<i32>, sex: Option<Sex>) -> Vec<&'static str> {
        let mut found = Vec::new();
        if birth_year.is_some_and(|y| y != self.birth_year) {
            found.push("person.cccd_year_mismatch");
        }
        if sex.is_some_and(|s| s != self.sex) {
            found.push("person.cccd_sex_mismatch");
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_province_century_sex_and_year() {
        let id = NationalId::parse("001 305 012345").unwrap();
        assert_eq!(
            (id.province, id.sex, id.birth_year, id.repaired),
            (1, Sex::Female, 2005, false)
        );
        let id = NationalId::parse("079089001234").unwrap();
        assert_eq!((id.province, id.sex, id.birth_year), (79, Sex::Male, 1989));
    }

    #[test]
    fn repairs_dropped_leading_zeros_and_refuses_the_rest() {
        let id = NationalId::parse("1203012345").unwrap();
        assert_eq!((id.digits.as_str(), id.repaired), ("001203012345", true));
        assert_eq!(NationalId::parse("12345"), Err(IdError::WrongLength));
        // 11 digits of a Hà Nội number, one left out: not a number whose zeros were lost.
        assert_eq!(NationalId::parse("00120301234"), Err(IdError::Short));
        assert_eq!(NationalId::parse("99920301234"), Err(IdError::Short));
        assert_eq!(
            NationalId::parse("999203012345"),
            Err(IdError::UnknownProvince)
        );
        assert_eq!(
            NationalId::parse("0012030123456"),
            Err(IdError::WrongLength)
        );
        assert_eq!(
            NationalId::parse("003203012345"),
            Err(IdError::UnknownProvince)
        );
        assert_eq!(NationalId::parse("00120301234A"), Err(IdError::NotDigits));
    }

    #[test]
    fn reports_disagreements_with_the_roster() {
        let id = NationalId::parse("036208000001").unwrap();
        assert!(id.mismatches(Some(2008), Some(Sex::Male)).is_empty());
        assert_eq!(
            id.mismatches(Some(2007), Some(Sex::Female)),
            vec!["person.cccd_year_mismatch", "person.cccd_sex_mismatch"]
        );
    }
}
