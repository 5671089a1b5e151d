//! Wall-clock time as UTC milliseconds (the storage format) and its display in Vietnam's zone.

use time::{OffsetDateTime, UtcOffset, macros::format_description};

/// Asia/Ho_Chi_Minh has been UTC+7 without daylight saving since 1975.
const VIETNAM: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("UTC+7 is a valid offset"),
};

/// Milliseconds since the Unix epoch, UTC.
pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// A moment in Asia/Ho_Chi_Minh (None when out of range).
fn in_vietnam(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .map(|at| at.to_offset(VIETNAM))
}

fn format_in_vietnam(
    ms: i64,
    format: &[time::format_description::BorrowedFormatItem<'_>],
) -> String {
    in_vietnam(ms)
        .and_then(|at| at.format(format).ok())
        .unwrap_or_default()
}

/// RFC 3339 to the second in Asia/Ho_Chi_Minh with its offset (`2026-11-28T08:05:09+07:00`),
/// for log fields that name a moment (the log's own timestamps are UTC).
pub fn format_for_log(ms: i64) -> String {
    format_in_vietnam(
        ms,
        format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
        ),
    )
}

/// `dd/mm/yyyy HH:MM` in Asia/Ho_Chi_Minh, the way Vietnamese staff read dates.
pub fn format_local(ms: i64) -> String {
    format_in_vietnam(
        ms,
        format_description!("[day]/[month]/[year] [hour]:[minute]"),
    )
}

/// `HH:MM` in Asia/Ho_Chi_Minh.
pub fn format_local_time(ms: i64) -> String {
    format_in_vietnam(ms, format_description!("[hour]:[minute]"))
}

/// `dd/mm/yyyy HH:MM:SS` in Asia/Ho_Chi_Minh: a moment in a log or a report, which is read
/// long after the day.
pub fn format_local_full(ms: i64) -> String {
    format_in_vietnam(
        ms,
        format_description!("[day]/[month]/[year] [hour]:[minute]:[second]"),
    )
}

/// `HH:MM:SS` in Asia/Ho_Chi_Minh (the proctor's "last activity").
pub fn format_local_seconds(ms: i64) -> String {
    format_in_vietnam(ms, format_description!("[hour]:[minute]:[second]"))
}

/// The moment a Vietnamese date and time of day (`HH:MM`, 24-hour) names, in UTC milliseconds.
pub fn local_to_ms(day: crate::vocab::Date, time_of_day: &str) -> Option<i64> {
    let (h, m) = time_of_day.trim().split_once([':', 'h', 'g'])?;
    let (h, m): (u8, u8) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    let month = time::Month::try_from(u8::try_from(day.1).ok()?).ok()?;
    let date = time::Date::from_calendar_date(day.0, month, u8::try_from(day.2).ok()?).ok()?;
    let at = time::PrimitiveDateTime::new(date, time::Time::from_hms(h, m, 0).ok()?);
    Some((at.assume_offset(VIETNAM).unix_timestamp_nanos() / 1_000_000) as i64)
}

/// RFC 3339 in UTC to the second (`2026-02-01T00:30:09Z`), as signed records state moments.
pub fn rfc3339_utc(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|at| {
            at.format(format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
            ))
            .ok()
        })
        .unwrap_or_default()
}

/// The moment an RFC 3339 date-time names, in UTC milliseconds (any offset).
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let at = OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()
}

/// The calendar day in Vietnam at a moment.
pub fn local_date(ms: i64) -> crate::vocab::Date {
    let at = in_vietnam(ms).unwrap_or(OffsetDateTime::UNIX_EPOCH.to_offset(VIETNAM));
    crate::vocab::Date(at.year(), u8::from(at.month()).into(), at.day().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_vietnam_time() {
        // 2026-01-31 17:30 UTC is 1 February 00:30 in Hà Nội.
        assert_eq!(format_local(1_769_880_600_000), "01/02/2026 00:30");
        assert_eq!(format_local_time(1_769_880_600_000), "00:30");
        assert_eq!(format_local_full(1_769_880_609_000), "01/02/2026 00:30:09");
        assert_eq!(
            format_for_log(1_769_880_609_000),
            "2026-02-01T00:30:09+07:00"
        );
    }

    #[test]
    fn vietnamese_dates_and_times_name_utc_moments() {
        let day = crate::vocab::Date(2026, 2, 1);
        assert_eq!(local_to_ms(day, "00:30"), Some(1_769_880_600_000));
        assert_eq!(
            local_to_ms(day, "7h30"),
            Some(1_769_880_600_000 + 7 * 3_600_000)
        );
        assert_eq!(local_to_ms(day, "25:00"), None);
        assert_eq!(local_date(1_769_880_600_000), day);
    }

    #[test]
    fn rfc_3339_round_trips_in_utc() {
        assert_eq!(rfc3339_utc(1_769_880_609_000), "2026-01-31T17:30:09Z");
        assert_eq!(
            parse_rfc3339("2026-02-01T00:30:09+07:00"),
            Some(1_769_880_609_000)
        );
        assert_eq!(
            parse_rfc3339("2026-01-31T17:30:09Z"),
            Some(1_769_880_609_000)
        );
        assert_eq!(parse_rfc3339("31/01/2026"), None);
    }
}
