//! An exam session (ca thi) as stored, its status at a moment, and the scheduling form's
//! rules: a window at least as long as the exam, a late-entry cut-off inside it. No IO here.

use serde::Deserialize;
use sqlx::FromRow;

use crate::{attempts::model::Window, clock, vocab::Date};

/// A session as stored, with its room's name.
#[derive(Clone, Debug, FromRow)]
pub struct ExamSession {
    pub id: String,
    pub code: String,
    pub organisation_id: String,
    pub blueprint_version_id: String,
    pub room_id: String,
    pub room_name: String,
    pub title: String,
    pub duration_minutes: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub late_entry_minutes: i64,
    pub reauthorise_on_return: i64,
    pub allow_reopen: i64,
    pub ask_birth_date: i64,
    pub opened_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// Set when a manager cancelled the session before it opened (it never opens then).
    pub cancelled_at: Option<i64>,
    pub cancel_reason: Option<String>,
    /// The centre's name, for lists that show several centres' sessions.
    pub centre_name: String,
}

/// Where a session is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Scheduled,
    Open,
    Closed,
    /// Cancelled before it opened: nothing can happen in it any more.
    Cancelled,
}

impl ExamSession {
    pub fn status(&self) -> Status {
        match (self.opened_at, self.closed_at) {
            _ if self.cancelled_at.is_some() => Status::Cancelled,
            (_, Some(_)) => Status::Closed,
            (Some(_), None) => Status::Open,
            (None, None) => Status::Scheduled,
        }
    }

    pub fn status_key(&self) -> &'static str {
        match self.status() {
            Status::Scheduled => "session.status_scheduled",
            Status::Open => "session.status_open",
            Status::Closed => "session.status_closed",
            Status::Cancelled => "session.more.status_cancelled",
        }
    }

    /// Why nothing more can be done in the session (a catalog key), if it is over for good.
    pub fn over(&self) -> Option<&'static str> {
        match self.status() {
            Status::Closed => Some("session.closed"),
            Status::Cancelled => Some("session.more.cancelled"),
            Status::Scheduled | Status::Open => None,
        }
    }

    /// Whether the session is over for good (closed or cancelled): lists grey it out.
    pub fn ended(&self) -> bool {
        matches!(self.status(), Status::Closed | Status::Cancelled)
    }

    pub fn window(&self) -> Window {
        Window {
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            late_entry_minutes: self.late_entry_minutes,
            opened: self.opened_at.is_some(),
            closed: self.closed_at.is_some() || self.cancelled_at.is_some(),
        }
    }

    /// When the proctor may open the session, if not yet at `now`: `early_minutes` before its
    /// start (the `open_early_minutes` setting).
    pub fn opens_from(&self, early_minutes: i64, now: i64) -> Option<i64> {
        let from = self.starts_at - early_minutes * 60_000;
        (now < from).then_some(from)
    }

    pub fn cut_off_at(&self) -> i64 {
        (self.starts_at + self.late_entry_minutes * 60_000).min(self.ends_at)
    }

    /// `dd/mm/yyyy HH:MM–HH:MM` in Vietnam's time.
    pub fn when(&self) -> String {
        format!(
            "{}–{}",
            clock::format_local(self.starts_at),
            clock::format_local_time(self.ends_at)
        )
    }

    pub fn cut_off_display(&self) -> String {
        clock::format_local_time(self.cut_off_at())
    }

    pub fn day(&self) -> Date {
        clock::local_date(self.starts_at)
    }

    /// The session as the proctor's late-entry decision makes it for one candidate: no cut-off
    /// before the session's end.
    pub fn without_cut_off(&mut self) {
        self.late_entry_minutes = (self.ends_at - self.starts_at) / 60_000 + 1;
    }
}

/// The scheduling form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ScheduleForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub blueprint: String,
    #[serde(default)]
    pub room: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub late_entry: String,
    #[serde(default)]
    pub reauthorise: Option<String>,
    #[serde(default)]
    pub allow_reopen: Option<String>,
    #[serde(default)]
    pub ask_birth_date: Option<String>,
    /// Proctors' user ids (several `proctor` fields).
    #[serde(default)]
    pub proctor: Vec<String>,
    /// The manager saw that the room is taken at that time and schedules anyway.
    #[serde(default)]
    pub overlap_ok: Option<String>,
}

/// Minutes added to the exam's duration for a default window (seating, sign-in).
pub const DEFAULT_MARGIN_MINUTES: i64 = 15;

impl ScheduleForm {
    /// What a fresh form shows: 15 minutes' late entry, re-authorisation and reopening on.
    pub fn blank() -> Self {
        Self {
            late_entry: "15".into(),
            reauthorise: Some("on".into()),
            allow_reopen: Some("on".into()),
            ..Self::default()
        }
    }

    /// The fresh form's times: the next full hour (today, or tomorrow late at night) until
    /// the exam's duration and a margin later, rounded up to five minutes.
    pub fn starting_after(mut self, now: i64, duration_minutes: i64) -> Self {
        let hour = 3_600_000;
        let start = (now / hour + 1) * hour;
        let five = 5 * 60_000;
        let end = start + (duration_minutes + DEFAULT_MARGIN_MINUTES) * 60_000;
        let end = (end + five - 1) / five * five;
        self.date = clock::local_date(start).display();
        self.start = clock::format_local_time(start);
        // A window past midnight cannot be typed on one day: it ends at 23:59 then.
        self.end = if clock::local_date(end) == clock::local_date(start) {
            clock::format_local_time(end)
        } else {
            "23:59".into()
        };
        self
    }
}

/// A valid schedule: the window in UTC milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub late_entry_minutes: i64,
    pub reauthorise_on_return: bool,
    pub allow_reopen: bool,
    /// Candidates type their date of birth with the access code.
    pub ask_birth_date: bool,
}

/// Checks the form's times against the exam's duration and the present (`now`: a start
/// whose minute has passed is refused); problems are (field, catalog key).
pub fn parse_schedule(
    form: &ScheduleForm,
    duration_minutes: Option<i64>,
    now: i64,
) -> Result<Schedule, Vec<(&'static str, &'static str)>> {
    let mut errors = Vec::new();
    let title = crate::text::required_name(&form.title, 200)
        .map_err(|_| errors.push(("title", "session.title_invalid")))
        .ok();
    let day = Date::parse(&form.date);
    if day.is_none() {
        errors.push(("date", "session.date_invalid"));
    }
    let at = |text: &str| day.and_then(|d| clock::local_to_ms(d, text));
    let starts_at = at(&form.start);
    if day.is_some() && starts_at.is_none() {
        errors.push(("start", "session.time_invalid"));
    }
    if starts_at.is_some_and(|start| start + 60_000 <= now) {
        errors.push(("start", "session.more.start_past"));
    }
    let ends_at = at(&form.end);
    if day.is_some() && ends_at.is_none() {
        errors.push(("end", "session.time_invalid"));
    }
    let late_entry = form.late_entry.trim();
    let late_entry_minutes = if late_entry.is_empty() {
        Some(15)
    } else {
        late_entry
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=240).contains(n))
    };
    if late_entry_minutes.is_none() {
        errors.push(("late_entry", "session.late_entry_invalid"));
    }
    if let (Some(start), Some(end), Some(duration)) = (starts_at, ends_at, duration_minutes)
        && end - start < duration * 60_000
    {
        errors.push(("end", "session.more.window_too_short"));
    }
    match (title, starts_at, ends_at, late_entry_minutes) {
        (Some(title), Some(starts_at), Some(ends_at), Some(late)) if errors.is_empty() => {
            Ok(Schedule {
                title,
                starts_at,
                ends_at,
                late_entry_minutes: late,
                reauthorise_on_return: form.reauthorise.is_some(),
                allow_reopen: form.allow_reopen.is_some(),
                ask_birth_date: form.ask_birth_date.is_some(),
            })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 01/11/2026 00:00 in Vietnam: before every schedule below.
    const NOW: i64 = 1_793_466_000_000;

    fn form(date: &str, start: &str, end: &str) -> ScheduleForm {
        ScheduleForm {
            title: "Ca 1 – IU01".into(),
            date: date.into(),
            start: start.into(),
            end: end.into(),
            ..ScheduleForm::blank()
        }
    }

    #[test]
    fn a_schedule_is_read_in_vietnam_time_with_defaults() {
        let s = parse_schedule(&form("01/12/2026", "07:30", "09:00"), Some(45), NOW).unwrap();
        assert_eq!(clock::format_local(s.starts_at), "01/12/2026 07:30");
        assert_eq!(s.ends_at - s.starts_at, 90 * 60_000);
        assert_eq!(s.late_entry_minutes, 15);
        assert!(s.reauthorise_on_return && s.allow_reopen);
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors =
            parse_schedule(&form("31/11/2026", "7:30", "9:00"), Some(45), NOW).unwrap_err();
        assert_eq!(errors, vec![("date", "session.date_invalid")]);
        let errors =
            parse_schedule(&form("01/12/2026", "07:30", "08:00"), Some(45), NOW).unwrap_err();
        assert_eq!(errors, vec![("end", "session.more.window_too_short")]);
        let mut late = form("01/12/2026", "07:30", "ab");
        late.late_entry = "-5".into();
        late.title = " ".into();
        let errors = parse_schedule(&late, Some(45), NOW).unwrap_err();
        assert_eq!(
            errors,
            vec![
                ("title", "session.title_invalid"),
                ("end", "session.time_invalid"),
                ("late_entry", "session.late_entry_invalid")
            ]
        );
    }

    #[test]
    fn a_start_whose_minute_has_passed_is_refused() {
        let at = clock::local_to_ms(Date::parse("01/12/2026").unwrap(), "07:30").unwrap();
        let f = form("01/12/2026", "07:30", "09:00");
        assert!(parse_schedule(&f, Some(45), at + 59_000).is_ok());
        let errors = parse_schedule(&f, Some(45), at + 60_000).unwrap_err();
        assert_eq!(errors, vec![("start", "session.more.start_past")]);
    }

    #[test]
    fn a_fresh_form_starts_at_the_next_full_hour_for_the_exam_and_a_margin() {
        let now = clock::local_to_ms(Date::parse("01/12/2026").unwrap(), "07:10").unwrap();
        let f = ScheduleForm::blank().starting_after(now, 45);
        assert_eq!((f.date.as_str(), f.start.as_str()), ("01/12/2026", "08:00"));
        assert_eq!(f.end, "09:00", "45 minutes and 15 of margin");
        let late = clock::local_to_ms(Date::parse("01/12/2026").unwrap(), "23:20").unwrap();
        let f = ScheduleForm {
            title: "Ca 1".into(),
            ..ScheduleForm::blank().starting_after(late, 50)
        };
        assert_eq!((f.date.as_str(), f.start.as_str()), ("02/12/2026", "00:00"));
        assert_eq!(f.end, "01:05");
        assert!(parse_schedule(&f, Some(50), late).is_ok());
    }
}
