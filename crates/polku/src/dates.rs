//! Dates, read in one place: the dates exports hold ([`parse_date`]), the dates and periods
//! people type in filters ([`parse_period`]: `2025`, `2025-03`, `2025-03-14`), and the
//! `YYYYMMDD` number ([`date_key`]) that the search index and the metrics table compare.
//! Every reader validates with chrono, so `2025-13` or `31.2.2025` is refused, never read as
//! some other day.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;
use serde::{Deserialize, Serialize};

/// A date as written, before a column decides the order of a slash date.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Written {
    /// Year first: `2024-03-05`, `2024/03/05`, ISO with a time and zone.
    YearFirst(i32, u32, u32),
    /// `5.3.2024`: the Finnish order, day first.
    Dotted(u32, u32, i32),
    /// `05/03/2024` or `3/5/24`: day first in Europe, month first in US tools.
    Slash(u32, u32, i32),
}

/// A date, optionally followed by a time of day (`20:09`, `10:22:33 AM`, `T10:22:00.5Z`) and a
/// zone (`+02:00`, `GMT+2`, `UTC`). The time and zone are checked, then left out: Polku keeps
/// the day as the respondent's tool wrote it.
static WRITTEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^\s*(\d{1,4})([-./])(\d{1,2})([-./])(\d{1,4})
        (?:[T\s]\s*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?)?
        \s*(?:Z|UTC|GMT|[A-Z]{3,4})?\s*(?:[+-]\d{1,2}(?::?\d{2})?)?\s*$",
    )
    .expect("valid pattern")
});

fn written(s: &str) -> Option<Written> {
    let c = WRITTEN.captures(s)?;
    let n = |i: usize| c[i].parse::<u32>().ok();
    let (a, b, y) = (n(1)?, n(3)?, n(5)?);
    if c[2] != c[4] {
        return None;
    }
    let year = |y: u32, digits: usize| -> Option<i32> {
        match digits {
            4 => Some(y as i32),
            // Two-digit years (`3/5/24`, Microsoft Forms) are this century's.
            2 => Some(2000 + y as i32),
            _ => None,
        }
    };
    if c[1].len() == 4 {
        return (c[5].len() <= 2).then_some(Written::YearFirst(a as i32, b, y));
    }
    let y = year(y, c[5].len())?;
    Some(if &c[2] == "." { Written::Dotted(a, b, y) } else { Written::Slash(a, b, y) })
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).filter(|d| (1000..=9999).contains(&d.year()))
}

impl Written {
    /// The day this is, reading a slash date day first or month first.
    fn day(self, day_first: bool) -> Option<NaiveDate> {
        match self {
            Written::YearFirst(y, m, d) => day(y, m, d),
            Written::Dotted(d, m, y) => day(y, m, d),
            Written::Slash(a, b, y) if day_first => day(y, b, a),
            Written::Slash(a, b, y) => day(y, a, b),
        }
    }
}

/// Parses one date as exports write it into ISO `YYYY-MM-DD`: year first (ISO, with a time
/// and zone or not, `YYYY/MM/DD`), Finnish `D.M.YYYY`, and a slash date whose order its
/// numbers settle (`13/04/2025` can only be day first). An ambiguous slash date such as
/// `03/04/2025` is refused: a column of them is read with [`read_column`], which decides
/// from all its values.
pub fn parse_date(s: &str) -> Option<String> {
    let w = written(s)?;
    let (a, b) = (w.day(true), w.day(false));
    let d = match w {
        Written::Slash(..) if a.is_some() && b.is_some() && a != b => return None,
        _ => a.or(b)?,
    };
    Some(d.format("%Y-%m-%d").to_string())
}

/// Whether `s` is written like a date (in some order), whether or not that day exists.
pub fn looks_like_date(s: &str) -> bool {
    written(s).is_some()
}

/// How a column writes its dates, decided from all of its values ([`read_column`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case", tag = "kind", content = "format")]
pub enum DateReading {
    /// Written dates; slash dates read day first (`DD/MM/YYYY`) or month first (`MM/DD/YYYY`).
    Written { day_first: bool },
    /// Spreadsheet serial numbers: days since 1899-12-30 (`45356` is 2024-03-05).
    Serial,
    /// A chrono format the user gave (`%d/%m/%Y %H:%M`).
    Format(String),
}

/// The first and last spreadsheet serial numbers read as dates: 1954-10-03 to 2119-01-07. A
/// column of other numbers is not a date column.
pub const SERIALS: std::ops::RangeInclusive<f64> = 20_000.0..=80_000.0;

impl DateReading {
    /// Reads one value of the column, into ISO `YYYY-MM-DD`.
    pub fn parse(&self, s: &str) -> Option<String> {
        let s = s.trim();
        let d = match self {
            DateReading::Written { day_first } => written(s)?.day(*day_first)?,
            DateReading::Serial => {
                let v: f64 = s.parse().ok().filter(|v| SERIALS.contains(v))?;
                NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(v.floor() as u64))?
            }
            DateReading::Format(f) => NaiveDate::parse_from_str(s, f)
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, f).map(|t| t.date()))
                .or_else(|_| chrono::DateTime::parse_from_str(s, f).map(|t| t.date_naive()))
                .ok()?,
        };
        Some(d.format("%Y-%m-%d").to_string())
    }

    /// How this reading is described to the user.
    pub fn describe(&self) -> String {
        match self {
            DateReading::Written { day_first: true } => "dates; DD/MM/YYYY read day first".into(),
            DateReading::Written { day_first: false } => "dates; MM/DD/YYYY read month first".into(),
            DateReading::Serial => "spreadsheet serial dates (days since 1899-12-30)".into(),
            DateReading::Format(f) => format!("dates in the given format {f}"),
        }
    }
}

/// Decides how a column's dates are written, from all of its non-empty `values`, and says why.
/// `format` (a chrono format) overrides the guess. Slash dates are read day first unless a
/// value can only be month first (`04/13/2025`); where every value could be either, day first
/// is chosen (the European order) and the reason says so. `Err` holds the index of the first
/// value no reading fits.
pub fn read_column(values: &[&str], format: Option<&str>) -> Result<(DateReading, String), usize> {
    if let Some(f) = format {
        let reading = DateReading::Format(f.to_string());
        return match values.iter().position(|v| reading.parse(v).is_none()) {
            Some(bad) => Err(bad),
            None => Ok((reading, format!("read with the given format {f}"))),
        };
    }
    if !values.is_empty() && values.iter().all(|v| v.trim().parse::<f64>().is_ok_and(|v| SERIALS.contains(&v))) {
        return Ok((DateReading::Serial, "numbers in the range of spreadsheet serial dates".into()));
    }
    let mut parsed = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        parsed.push(written(v).ok_or(i)?);
    }
    let fits = |day_first: bool| parsed.iter().position(|w| w.day(day_first).is_none());
    let slashes = parsed.iter().filter(|w| matches!(w, Written::Slash(..))).count();
    match (fits(true), fits(false)) {
        (None, None) if slashes > 0 => Ok((
            DateReading::Written { day_first: true },
            format!(
                "{slashes} slash dates could be day or month first; read day first \
                 (give --date-format %m/%d/%Y if the tool writes month first)"
            ),
        )),
        (None, None) => Ok((DateReading::Written { day_first: true }, "unambiguous dates".into())),
        (None, Some(bad)) => Ok((
            DateReading::Written { day_first: true },
            format!("day first: '{}' has no month {}", values[bad].trim(), first_number(&parsed[bad])),
        )),
        (Some(bad), None) => Ok((
            DateReading::Written { day_first: false },
            format!("month first: '{}' has no month {}", values[bad].trim(), second_number(&parsed[bad])),
        )),
        (Some(a), Some(b)) => Err(a.max(b)),
    }
}

fn first_number(w: &Written) -> u32 {
    match w {
        Written::Slash(a, ..) => *a,
        _ => 0,
    }
}

fn second_number(w: &Written) -> u32 {
    match w {
        Written::Slash(_, b, _) => *b,
        _ => 0,
    }
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
        // A slash date whose numbers settle the order, with a time.
        assert_eq!(parse_date("13/04/2025 20:09").as_deref(), Some("2025-04-13"));
        assert_eq!(parse_date("2024/03/05 10:22:33 AM GMT+2").as_deref(), Some("2024-03-05"));
        assert_eq!(parse_date("2024-03-05T10:22:33.120+02:00").as_deref(), Some("2024-03-05"));
        assert_eq!(parse_date("5.3.2024 klo 10"), None);
        assert_eq!(parse_date("2024-03-05 banana"), None);
    }

    #[test]
    fn a_column_decides_day_or_month_first_and_says_why() {
        let read = |v: &[&str]| read_column(v, None);
        let (r, why) = read(&["11/04/2018 20:09", "13/04/2018 08:00", "01/05/2018 10:00"]).unwrap();
        assert_eq!(r, DateReading::Written { day_first: true });
        assert!(why.contains("13/04/2018"), "{why}");
        assert_eq!(r.parse("11/04/2018 20:09").as_deref(), Some("2018-04-11"));
        let (r, why) = read(&["3/5/24 10:22:33", "12/31/24 23:59:59"]).unwrap();
        assert_eq!(r, DateReading::Written { day_first: false });
        assert!(why.starts_with("month first"), "{why}");
        assert_eq!(r.parse("3/5/24 10:22:33").as_deref(), Some("2024-03-05"));
        // All ambiguous: day first, and the reason says how to say otherwise.
        let (r, why) = read(&["03/04/2025", "05/06/2025"]).unwrap();
        assert_eq!(r, DateReading::Written { day_first: true });
        assert!(why.contains("--date-format"), "{why}");
        // Neither order fits every value: the first bad one is named.
        assert_eq!(read(&["13/04/2025", "04/13/2025"]), Err(1));
        assert_eq!(read(&["2025-03-04", "not a date"]), Err(1));
        // Spreadsheet serials, and a format the user gives.
        let (r, _) = read(&["45356", "45357.5"]).unwrap();
        assert_eq!(r.parse("45356").as_deref(), Some("2024-03-05"));
        let (r, _) = read_column(&["05|03|2024 10h"], Some("%d|%m|%Y %Hh")).unwrap();
        assert_eq!(r.parse("05|03|2024 10h").as_deref(), Some("2024-03-05"));
        assert_eq!(read_column(&["05|03|2024"], Some("%Y-%m-%d")), Err(0));
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
