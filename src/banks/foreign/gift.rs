//! GIFT, Moodle's text format for questions (to be written).

use super::Foreign;

/// Reads a GIFT file.
pub fn read(_text: &str) -> Foreign {
    Foreign::default()
}
