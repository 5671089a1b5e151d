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
}

/// Where a session is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Scheduled,
    Open,
    Closed,
}

impl ExamSession {
    pub fn status(&self) -> Status {
        match (self.opened_at, self.closed_at) {
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
        }
    }

    pub fn window(&self) -> Window {
        Window {
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            late_entry_minutes: self.late_entry_minutes,
            opened: self.opened_at.is_some(),
            closed: self.closed_at.is_some(),
        }
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
}

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

/// Checks the form's times against the exam's duration; problems are (field, catalog key).
pub fn parse_schedule(
    form: &ScheduleForm,
    duration_minutes: Option<i64>,
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
        errors.push(("end", "session.window_too_short"));
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
        let s = parse_schedule(&form("01/12/2026", "07:30", "09:00"), Some(45)).unwrap();
        assert_eq!(clock::format_local(s.starts_at), "01/12/2026 07:30");
        assert_eq!(s.ends_at - s.starts_at, 90 * 60_000);
        assert_eq!(s.late_entry_minutes, 15);
        assert!(s.reauthorise_on_return && s.allow_reopen);
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = parse_schedule(&form("31/11/2026", "7:30", "9:00"), Some(45)).unwrap_err();
        assert_eq!(errors, vec![("date", "session.date_invalid")]);
        let errors = parse_schedule(&form("01/12/2026", "07:30", "08:00"), Some(45)).unwrap_err();
        assert_eq!(errors, vec![("end", "session.window_too_short")]);
        let mut late = form("01/12/2026", "07:30", "ab");
        late.late_entry = "-5".into();
        late.title = " ".into();
        let errors = parse_schedule(&late, Some(45)).unwrap_err();
        assert_eq!(
            errors,
            vec![
                ("title", "session.title_invalid"),
                ("end", "session.time_invalid"),
                ("late_entry", "session.late_entry_invalid")
            ]
        );
    }
}
