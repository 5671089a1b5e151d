//! Staff accounts: roles and what each may do, e-mail and password rules, and the
//! throttling decision. No IO here.

use std::fmt;

use unicode_normalization::UnicodeNormalization;

use crate::config::ThrottleSettings;

/// A staff role. Candidates are not users: they sign in to one attempt with their slip.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Role {
    /// Department-wide administrator (quản trị viên).
    #[value(name = "admin")]
    Admin,
    /// Manager of one training centre (quản lý trung tâm).
    #[value(name = "centre_manager", alias = "manager")]
    CentreManager,
    /// Proctor of the sessions assigned to them (giám thị).
    #[value(name = "proctor")]
    Proctor,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::CentreManager, Role::Proctor];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::CentreManager => "centre_manager",
            Role::Proctor => "proctor",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// The message-catalog key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Admin => "role.admin",
            Role::CentreManager => "role.centre_manager",
            Role::Proctor => "role.proctor",
        }
    }

    /// Admins belong to a department; managers and proctors to a training centre.
    pub fn fits_organisation(self, kind: crate::orgs::model::OrgKind) -> bool {
        use crate::orgs::model::OrgKind;
        match self {
            Role::Admin => kind == OrgKind::Department,
            Role::CentreManager | Role::Proctor => kind == OrgKind::Centre,
        }
    }

    /// The table of which role may do what (the README shows the same table).
    pub fn may(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Admin => true,
            Role::CentreManager => matches!(
                action,
                UseAccount
                    | ViewOwnCentre
                    | ManageBanks
                    | ManageBlueprints
                    | ScheduleSessions
                    | RunSessions
                    | ManageResults
            ),
            Role::Proctor => matches!(action, UseAccount | ViewOwnCentre | RunSessions),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Things a staff member may be allowed to do. Scope (which department or centre) is checked
/// separately against the record itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Dashboard, own password, sign out.
    UseAccount,
    /// See one's own centre and its rooms.
    ViewOwnCentre,
    /// See every organisation of the department; create centres and schools; add rooms.
    ManageOrganisations,
    /// Create, disable, re-enable staff accounts and reset their passwords.
    ManageUsers,
    /// Upload, import and browse question banks (own centre; admins: the department).
    ManageBanks,
    /// Create, edit and check blueprints and draw sample papers (same scope as banks).
    ManageBlueprints,
    /// Schedule sessions, manage rosters and people's accommodations (own centre).
    ScheduleSessions,
    /// Run a session from the console: check-in, authorise, pause, extra time, terminate,
    /// close (proctors: the sessions assigned to them; managers: their centre's).
    RunSessions,
    /// Enter practical scores and approve a session's results (own centre; admins: the
    /// department's).
    ManageResults,
    /// Create and revoke the API tokens of the department and its centres (admins only).
    ManageApiTokens,
}

/// An e-mail address, trimmed, NFC-normalised and lower-cased: the account's sign-in name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let email: String = raw.trim().nfc().collect::<String>().to_lowercase();
        let Some((local, domain)) = email.split_once('@') else {
            return Err("error.email_invalid");
        };
        let valid = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !email.chars().any(char::is_whitespace)
            && email.len() <= 254;
        if valid {
            Ok(Self(email))
        } else {
            Err("error.email_invalid")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's name as typed, NFC-normalised, inner white space folded.
pub fn clean_name(raw: &str) -> Result<String, &'static str> {
    crate::text::required_name(raw, 120)
}

pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longer passwords are refused before any hashing, so a huge field costs nothing.
pub const MAX_PASSWORD_CHARS: usize = 256;
/// How long a temporary password (new account, reset) may be used for its first sign-in.
pub const TEMPORARY_PASSWORD_HOURS: i64 = 72;
/// zxcvbn's score (0–4) a new password must reach: 3 is "safely unguessable" offline, which
/// rules out common passwords, keyboard runs, repeats, dates and the user's own e-mail.
const MIN_PASSWORD_SCORE: u8 = 3;

/// Passwords are compared in NFC, so the same Vietnamese text typed with any input method
/// (precomposed or combining marks) matches.
pub fn normalize_password(password: &str) -> String {
    password.nfc().collect()
}

/// A new password: long enough without its outer spaces, not too long, not the e-mail, not
/// common or guessable (zxcvbn's dictionaries and patterns), NFC so the same typed text
/// always matches.
pub fn check_new_password(password: &str, email: &Email) -> Result<String, &'static str> {
    let password = normalize_password(password);
    if password.trim().chars().count() < MIN_PASSWORD_CHARS {
        return Err("error.password_too_short");
    }
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err("error.password_too_long");
    }
    if password.trim().to_lowercase() == email.as_str() {
        return Err("error.password_is_email");
    }
    let local = email.as_str().split('@').next().unwrap_or_default();
    let inputs = [
        email.as_str(),
        local,
        "sathach",
        "sát hạch",
        "matkhau",
        "mật khẩu",
    ];
    // zxcvbn's matching grows quickly with length; a long prefix already tells.
    let prefix: String = password.trim().chars().take(64).collect();
    let score = u8::from(zxcvbn::zxcvbn(&prefix, &inputs).score());
    if score < MIN_PASSWORD_SCORE {
        return Err("error.password_common");
    }
    Ok(password)
}

/// Letters and digits that cannot be mistaken for each other on paper or screen.
const UNAMBIGUOUS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A temporary password for a new or reset account: 14 characters, about 69 bits.
pub fn temporary_password() -> String {
    crate::text::random_chars(UNAMBIGUOUS, 14)
        .char_indices()
        .map(|(i, c)| if i > 0 && i % 5 == 4 { '-' } else { c })
        .collect()
}

/// Failed sign-ins counted within the window, for one account and one client address.
#[derive(Clone, Copy, Debug, Default)]
pub struct FailureCounts {
    pub account: u32,
    pub account_oldest_ms: Option<i64>,
    pub client: u32,
    pub client_oldest_ms: Option<i64>,
}

/// The sign-in throttle's decision: go ahead, or wait until a given time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Throttle {
    Allowed,
    WaitUntil(i64),
}

/// Blocks an account after `account_failures` failures in the window, and a client address
/// (more loosely) after `client_failures`; the wait ends when the oldest failure leaves the window.
pub fn throttle(counts: FailureCounts, limits: ThrottleSettings) -> Throttle {
    let window_ms = i64::from(limits.window_minutes) * 60_000;
    let mut until = None;
    if counts.account >= limits.account_failures {
        until = counts.account_oldest_ms.map(|t| t + window_ms);
    }
    if counts.client >= limits.client_failures {
        let client_until = counts.client_oldest_ms.map(|t| t + window_ms);
        until = until.max(client_until);
    }
    until.map_or(Throttle::Allowed, Throttle::WaitUntil)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            Email::parse("  Co.Lan@Truong.EDU.vn ").unwrap().as_str(),
            "co.lan@truong.edu.vn"
        );
        assert!(Email::parse("no-at-sign").is_err());
        assert!(Email::parse("a@b").is_err());
        assert!(Email::parse("a b@c.vn").is_err());
    }

    #[test]
    fn names_are_nfc_and_folded() {
        // "Nguyễn" typed with combining marks (NFD) becomes the precomposed NFC form.
        let nfd = "Nguye\u{302}\u{303}n   Va\u{306}n  An";
        assert_eq!(clean_name(nfd).unwrap(), "Nguyễn Văn An");
        assert_eq!(clean_name("   "), Err("error.name_required"));
    }

    #[test]
    fn password_rules() {
        let email = Email::parse("gv@truong.vn").unwrap();
        assert_eq!(
            check_new_password("short", &email),
            Err("error.password_too_short")
        );
        assert_eq!(
            check_new_password("GV@truong.vn", &email),
            Err("error.password_is_email")
        );
        assert!(check_new_password("mật khẩu đủ dài", &email).is_ok());
        assert!(check_new_password("Hôm nay trời Hà Nội nắng", &email).is_ok());
        assert_eq!(
            check_new_password("          ", &email),
            Err("error.password_too_short")
        );
        for common in [
            "1234567890",
            "password123",
            "qwertyuiop",
            "matkhau123",
            "gv@truong.vn1",
        ] {
            assert_eq!(
                check_new_password(common, &email),
                Err("error.password_common"),
                "{common}"
            );
        }
        assert_eq!(
            check_new_password(&"a".repeat(300), &email),
            Err("error.password_too_long")
        );
    }

    #[test]
    fn temporary_passwords_are_unambiguous() {
        let temp = temporary_password();
        assert_eq!(temp.len(), 14);
        assert!(
            temp.chars()
                .all(|c| c == '-' || UNAMBIGUOUS.contains(&(c as u8)))
        );
    }

    #[test]
    fn throttle_blocks_account_until_oldest_failure_leaves_window() {
        let limits = ThrottleSettings {
            account_failures: 3,
            client_failures: 100,
            window_minutes: 15,
        };
        let below = FailureCounts {
            account: 2,
            account_oldest_ms: Some(0),
            ..Default::default()
        };
        assert_eq!(throttle(below, limits), Throttle::Allowed);
        let at = FailureCounts {
            account: 3,
            account_oldest_ms: Some(1_000),
            ..Default::default()
        };
        assert_eq!(
            throttle(at, limits),
            Throttle::WaitUntil(1_000 + 15 * 60_000)
        );
    }

    #[test]
    fn a_lab_sharing_one_address_is_blocked_only_at_the_loose_limit() {
        let limits = ThrottleSettings::default();
        let lab = FailureCounts {
            client: limits.client_failures - 1,
            client_oldest_ms: Some(0),
            ..Default::default()
        };
        assert_eq!(throttle(lab, limits), Throttle::Allowed);
        let flood = FailureCounts {
            client: limits.client_failures,
            client_oldest_ms: Some(0),
            ..Default::default()
        };
        assert!(matches!(throttle(flood, limits), Throttle::WaitUntil(_)));
    }

    #[test]
    fn only_admins_manage() {
        assert!(Role::Admin.may(Action::ManageUsers));
        assert!(!Role::CentreManager.may(Action::ManageUsers));
        assert!(!Role::Proctor.may(Action::ManageOrganisations));
        assert!(Role::Proctor.may(Action::UseAccount));
        assert!(Role::Proctor.may(Action::RunSessions));
        assert!(!Role::Proctor.may(Action::ScheduleSessions));
        assert!(Role::CentreManager.may(Action::ScheduleSessions));
    }
}
