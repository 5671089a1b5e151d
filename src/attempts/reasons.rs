//! The irregularity list (danh mục sự cố): every intervention by a proctor names one of these
//! reasons, so session reports can be compared across rooms and centres.

/// A reason's code, `category.name`, and the catalog key of its label is `reason.category_name`.
pub const REASONS: [&str; 19] = [
    "environment.noise",
    "environment.power_outage",
    "environment.temperature",
    "environment.evacuation",
    "environment.other",
    "candidate.behaviour",
    "candidate.illness",
    "candidate.identity",
    "candidate.break",
    "candidate.other",
    "staff.error",
    "staff.instruction",
    "staff.other",
    "technical.freeze",
    "technical.network",
    "technical.workstation",
    "technical.server",
    "technical.other",
    "schedule.end",
];

/// Reasons only the server gives (never offered on a form).
pub const SERVER_RESTART: &str = "technical.server_restart";
pub const DEADLINE: &str = "schedule.deadline";
pub const WINDOW_ENDED: &str = "schedule.window_ended";

/// The reason offered first when resuming attempts the server paused at a restart.
pub const RESUME_AFTER_RESTART: &str = "technical.server";

/// The categories, in the order the form groups them.
pub const CATEGORIES: [&str; 5] = ["environment", "candidate", "staff", "technical", "schedule"];

/// A reason a proctor picked from the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reason(&'static str);

impl Reason {
    pub fn parse(code: &str) -> Option<Self> {
        REASONS.iter().find(|r| **r == code).map(|r| Reason(r))
    }

    pub fn code(self) -> &'static str {
        self.0
    }
}

/// The catalog key for any stored reason code (including the server's own).
pub fn label_key(code: &str) -> String {
    format!("reason.{}", code.replace('.', "_"))
}

/// The reasons of one category, for an `<optgroup>`.
pub fn of_category(category: &str) -> impl Iterator<Item = &'static str> {
    REASONS
        .into_iter()
        .filter(move |r| r.split('.').next() == Some(category))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Lang;

    #[test]
    fn every_reason_has_a_label_in_both_languages_and_a_category() {
        for code in REASONS
            .iter()
            .chain(&[SERVER_RESTART, DEADLINE, WINDOW_ENDED])
        {
            for lang in [Lang::Vi, Lang::En] {
                assert_ne!(lang.t(&label_key(code)), "⟦missing message⟧", "{code}");
            }
        }
        let grouped: usize = CATEGORIES.iter().map(|c| of_category(c).count()).sum();
        assert_eq!(grouped, REASONS.len());
        assert_eq!(
            Reason::parse("technical.freeze").map(Reason::code),
            Some("technical.freeze")
        );
        assert!(Reason::parse(RESUME_AFTER_RESTART).is_some());
        assert_eq!(
            Reason::parse(SERVER_RESTART),
            None,
            "the server's reasons are not offered"
        );
    }
}
