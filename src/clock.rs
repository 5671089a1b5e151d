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

/// `dd/mm/yyyy HH:MM` in Asia/Ho_Chi_Minh, the way Vietnamese staff read dates.
pub fn format_local(ms: i64) -> String {
    let Ok(at) = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) else {
        return String::new();
    };
    at.to_offset(VIETNAM)
        .format(format_description!("[day]/[month]/[year] [hour]:[minute]"))
        .unwrap_or_default()
}

/// `HH:MM` in Asia/Ho_Chi_Minh.
pub fn format_local_time(ms: i64) -> String {
    let Ok(at) = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) else {
        return String::new();
    };
    at.to_offset(VIETNAM)
        .format(format_description!("[hour]:[minute]"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_vietnam_time() {
        // 2026-01-31 17:30 UTC is 1 February 00:30 in Hà Nội.
        assert_eq!(format_local(1_769_880_600_000), "01/02/2026 00:30");
        assert_eq!(format_local_time(1_769_880_600_000), "00:30");
    }
}
