//! Dates, read in one place: the dates exports hold ([`parse_date`]), the dates and periods
//! people type in filters ([`parse_period`]: `2025`, `2025-03`, `2025-03-14`), and the
//! `YYYYMMDD` number ([`date_key`]) that the search index and the metrics table compare.
//! Every reader validates with chrono, so `2025-13` or `31.2.2025` is refused, never read as
//! some other day.

use chrono::{Datelike, NaiveDate};

/// Parses the date formats people put in exports into ISO `YYYY-MM-DD`:
/// ISO dates (optionally with a time), `YYYY/MM/DD`, and Finnish `D.M.YYYY`.
/// Ambiguous slash dates such as `03/04/2025` are refused rather than guessed.
pub fn parse_date(s: &str) -> Option<String> {
    let s = s.trim();
    if s.len() < 8 {
        return None;
    }
    let date_part = s.split(['T', ' ']).next().unwrap_or(s);
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(date_part, fmt) {
            return Some(d.format("%Y-%m-%d").to_string());
        }
    }
    None
}

/// `YYYYMMDD` of a day, the number dates are compared as.
pub fn day_key(day: NaiveDate) -> u32 {
    day.year() as u32 * 10_000 + day.month() * 100 + day.day()
}

/// `YYYYMMDD` of a stored ISO date (`2025-03-04`, a time after it is ignored); `None` when it
/// is not a valid date.
pub fn date_key(iso: &str) -> Option<u32> {
    let day = iso.trim().get(..10)?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok().filter(|d| d.year() >= 1000).map(day_key)
}

/// The first and last day of a period written as a year, a month or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// Reads `2025` (the year), `2025-03` (the month) or `2025-03-14` (the day); `None` for
/// anything else, including months and days that do not exist.
pub fn parse_period(s: &str) -> Option<Period> {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let number = |i: usize| {
        parts
            .get(i)
            .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
    };
    let y = number(0).filter(|y| (1000..=9999).contains(y))? as i32;
    let (first, last) = match parts.len() {
        1 => (NaiveDate::from_ymd_opt(y, 1, 1)?, NaiveDate::from_ymd_opt(y, 12, 31)?),
        2 => {
            let m = number(1)?;
            let first = NaiveDate::from_ymd_opt(y, m, 1)?;
            let next =
                if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1)? } else { NaiveDate::from_ymd_opt(y, m + 1, 1)? };
            (first, next.pred_opt()?)
        }
        3 => {
            let d = NaiveDate::from_ymd_opt(y, number(1)?, number(2)?)?;
            (d, d)
        }
        _ => return None,
    };
    Some(Period { first, last })
}

/// Current UTC time as RFC 3339, the timestamp format of the project file.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_common_export_formats() {
        assert_eq!(parse_date("2025-03-04").as_deref(), Some("2025-03-04"));
        assert_eq!(parse_date("2025-03-04T10:22:00Z").as_deref(), Some("2025-03-04"));
        assert_eq!(parse_date("4.3.2025").as_deref(), Some("2025-03-04"));
        assert_eq!(parse_date("2025/03/04").as_deref(), Some("2025-03-04"));
        assert_eq!(parse_date("03/04/2025"), None);
        assert_eq!(parse_date("31.2.2025"), None);
    }

    #[test]
    fn keys_are_valid_days_only() {
        assert_eq!(date_key("2025-03-04"), Some(20250304));
        assert_eq!(date_key("2025-03-04T10:22:00Z"), Some(20250304));
        assert_eq!(date_key("2025-13-04"), None);
        assert_eq!(date_key("2025-02-30"), None);
        assert_eq!(date_key("2025-03"), None);
    }

    #[test]
    fn periods_cover_whole_years_months_and_days() {
        let keys = |s: &str| parse_period(s).map(|p| (day_key(p.first), day_key(p.last)));
        assert_eq!(keys("2025"), Some((20250101, 20251231)));
        assert_eq!(keys("2024-02"), Some((20240201, 20240229)));
        assert_eq!(keys("2025-12"), Some((20251201, 20251231)));
        assert_eq!(keys("2025-03-14"), Some((20250314, 20250314)));
        for bad in ["2025-13", "2025-00", "2025-02-30", "25", "2025-3-x", "soon", "", "2025-03-04-01"] {
            assert_eq!(keys(bad), None, "{bad}");
        }
    }
}
