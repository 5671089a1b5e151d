//! The fixed details of the session log: one place that writes them (stored as short English,
//! as they always were, so older logs read the same) and reads them back into either
//! language for the report, its CSV and `.xlsx`.

use std::fmt;

use crate::vocab::Lang;

/// A detail the server writes to the session log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    /// The proctor checked the candidate's identity document against the roster.
    IdentityChecked,
    /// "Authorise everyone checked in".
    EveryoneCheckedIn,
    /// Extra time given, in minutes.
    ExtraMinutes(i64),
    /// A room action (`pause`, `resume`, `close`) applied to each attempt.
    Room(String),
    /// Closing the session submitted this many attempts still running.
    Submitted(usize),
    /// The paper drawn at the start (its id).
    Paper(String),
    /// A start after the late-entry cut-off, allowed by the proctor.
    LateStart,
    /// The window ended at this time (`dd/mm/yyyy HH:MM`) with the attempt still paused.
    WindowEnded(String),
    /// Paused at a restart from the last heartbeat (`HH:MM:SS`), or without one.
    PausedFrom(Option<String>),
    /// Submitted by the candidate.
    ByCandidate,
    /// A new access code: candidate number, generation, computers signed out.
    Reissued(String, i64, u64),
    /// Wrong codes forgotten when the proctor unlocked sign-in: candidate number, how many.
    Unlocked(String, u64),
}

const IDENTITY: &str = "identity document matches the roster";
const EVERYONE: &str = "everyone checked in";
const LATE: &str = "after the late-entry cut-off, allowed by the proctor";
const BY_CANDIDATE: &str = "submitted by the candidate";
const AT_START: &str = "paused at start (no earlier heartbeat)";

impl fmt::Display for Detail {
    /// The stored form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Detail::IdentityChecked => f.write_str(IDENTITY),
            Detail::EveryoneCheckedIn => f.write_str(EVERYONE),
            Detail::ExtraMinutes(n) => write!(f, "+{n} min"),
            Detail::Room(action) => write!(f, "room {action}"),
            Detail::Submitted(n) => write!(f, "{n} attempts submitted"),
            Detail::Paper(id) => write!(f, "paper {id}"),
            Detail::LateStart => f.write_str(LATE),
            Detail::WindowEnded(at) => write!(f, "window ended {at}"),
            Detail::PausedFrom(Some(at)) => write!(f, "paused from the last heartbeat, {at}"),
            Detail::PausedFrom(None) => f.write_str(AT_START),
            Detail::ByCandidate => f.write_str(BY_CANDIDATE),
            Detail::Reissued(number, generation, out) => {
                write!(f, "{number} code #{generation}, {out} computers signed out")
            }
            Detail::Unlocked(number, n) => write!(f, "{number} {n} wrong codes forgotten"),
        }
    }
}

impl From<Detail> for String {
    fn from(detail: Detail) -> Self {
        detail.to_string()
    }
}

impl Detail {
    /// A stored detail read back (None for free text: names, codes, schedules).
    pub fn parse(stored: &str) -> Option<Self> {
        let fixed = [
            (IDENTITY, Detail::IdentityChecked),
            (EVERYONE, Detail::EveryoneCheckedIn),
            (LATE, Detail::LateStart),
            (BY_CANDIDATE, Detail::ByCandidate),
            (AT_START, Detail::PausedFrom(None)),
        ];
        if let Some((_, d)) = fixed.into_iter().find(|(s, _)| *s == stored) {
            return Some(d);
        }
        if let Some(n) = stored
            .strip_prefix('+')
            .and_then(|r| r.strip_suffix(" min"))
        {
            return n.parse().ok().map(Detail::ExtraMinutes);
        }
        if let Some(action) = stored.strip_prefix("room ") {
            return Some(Detail::Room(action.to_string()));
        }
        if let Some(n) = stored.strip_suffix(" attempts submitted") {
            return n.parse().ok().map(Detail::Submitted);
        }
        if let Some(id) = stored.strip_prefix("paper ") {
            return Some(Detail::Paper(id.to_string()));
        }
        if let Some(at) = stored.strip_prefix("window ended ") {
            return Some(Detail::WindowEnded(at.to_string()));
        }
        if let Some(at) = stored.strip_prefix("paused from the last heartbeat, ") {
            return Some(Detail::PausedFrom(Some(at.to_string())));
        }
        if let Some(rest) = stored.strip_suffix(" computers signed out") {
            let (number, rest) = rest.split_once(" code #")?;
            let (generation, out) = rest.split_once(", ")?;
            return Some(Detail::Reissued(
                number.to_string(),
                generation.parse().ok()?,
                out.parse().ok()?,
            ));
        }
        let rest = stored.strip_suffix(" wrong codes forgotten")?;
        let (number, n) = rest.rsplit_once(' ')?;
        Some(Detail::Unlocked(number.to_string(), n.parse().ok()?))
    }

    /// The detail in words (the candidate number is in its own column, so it is left out).
    pub fn words(&self, lang: Lang) -> String {
        let fill = |key: &str, args: &[(&str, &str)]| lang.fill(key, args);
        match self {
            Detail::IdentityChecked => fill("words.log_identity", &[]),
            Detail::EveryoneCheckedIn => fill("words.log_everyone", &[]),
            Detail::ExtraMinutes(n) => fill("words.log_extra", &[("n", &n.to_string())]),
            Detail::Room(_) => fill("words.log_room", &[]),
            Detail::Submitted(n) => fill("words.log_submitted", &[("n", &n.to_string())]),
            Detail::Paper(id) => {
                let short: String = id.chars().take(8).collect();
                fill("words.log_paper", &[("id", &short.to_uppercase())])
            }
            Detail::LateStart => fill("words.log_late", &[]),
            Detail::WindowEnded(at) => fill("words.log_window_ended", &[("at", at)]),
            Detail::PausedFrom(Some(at)) => fill("words.log_paused_from", &[("at", at)]),
            Detail::PausedFrom(None) => fill("words.log_paused_at_start", &[]),
            Detail::ByCandidate => fill("words.log_by_candidate", &[]),
            Detail::Reissued(_, generation, out) => fill(
                "words.log_reissued",
                &[
                    ("generation", &generation.to_string()),
                    ("n", &out.to_string()),
                ],
            ),
            Detail::Unlocked(_, n) => fill("words.log_unlocked", &[("n", &n.to_string())]),
        }
    }
}

/// A stored detail as a reader of `lang` sees it: the fixed ones in words, free text as it is.
pub fn in_words(stored: &str, lang: Lang) -> String {
    Detail::parse(stored).map_or_else(|| stored.to_string(), |d| d.words(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_detail_reads_back_as_written_and_has_words_in_both_languages() {
        let all = [
            Detail::IdentityChecked,
            Detail::EveryoneCheckedIn,
            Detail::ExtraMinutes(10),
            Detail::Room("pause".into()),
            Detail::Submitted(1),
            Detail::Paper("3f9a0c2e-0000-4000-8000-000000000000".into()),
            Detail::LateStart,
            Detail::WindowEnded("28/11/2026 10:00".into()),
            Detail::PausedFrom(Some("09:12:30".into())),
            Detail::PausedFrom(None),
            Detail::ByCandidate,
            Detail::Reissued("K7QM-001".into(), 2, 1),
            Detail::Unlocked("K7QM-001".into(), 5),
        ];
        for detail in all {
            assert_eq!(Detail::parse(&detail.to_string()), Some(detail.clone()));
            for lang in [Lang::Vi, Lang::En] {
                let words = detail.words(lang);
                assert!(!words.contains('{') && !words.contains('⟦'), "{words}");
            }
        }
        assert_eq!(
            in_words("1 attempts submitted", Lang::Vi),
            "1 bài đang làm được nộp"
        );
        assert_eq!(
            in_words("K7QM-001 Lê Văn An", Lang::Vi),
            "K7QM-001 Lê Văn An"
        );
    }
}
