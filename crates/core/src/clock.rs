//! Wall-clock timestamps as RFC 3339 strings in UTC, the form every record and message uses.
//! No calendar crate is needed for that: days since the epoch convert to a civil date directly.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, e.g. `2026-11-25T08:01:02.345678Z`. A clock before 1970 reads as the epoch.
pub fn now_rfc3339() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    rfc3339(since.as_secs() as i64, since.subsec_micros())
}

/// `2025-06-21T10:35:30.123456Z` for seconds since the epoch and microseconds.
pub fn rfc3339(secs: i64, micros: u32) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Year, month, day of a day number (days since 1970-01-01); the inverse of
/// [`crate::history::day_number`] (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_rfc3339_utc() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(rfc3339(951_782_400, 0), "2000-02-29T00:00:00.000000Z");
        assert_eq!(rfc3339(1_709_251_199, 7), "2024-02-29T23:59:59.000007Z");
        assert_eq!(rfc3339(4_102_444_799, 0), "2099-12-31T23:59:59.000000Z");
    }

    #[test]
    fn civil_from_days_inverts_day_number() {
        use crate::history::Date;
        for day in (-719_468..2_000_000).step_by(997) {
            let (year, month, day_of_month) = civil_from_days(day);
            let date = Date {
                year: year as u16,
                month: month as u8,
                day: day_of_month as u8,
            };
            assert_eq!(crate::history::day_number(date), day, "{date:?}");
        }
    }
}
