//! Calendar months (Asia/Shanghai local dates; RULES.md counts whole days).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        let valid = (1..=12).contains(&month) && (1..=9999).contains(&year);
        valid.then_some(Month { year, month })
    }

    pub fn of(date: NaiveDate) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("Month holds a valid month")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next()
            .first_day()
            .pred_opt()
            .expect("a month has a day before its successor")
    }

    pub fn days(self) -> u32 {
        self.last_day().day()
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        Month::of(date) == self
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn prev(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = String;

    fn from_str(s: &str) -> Result<Month, String> {
        let bad = || crate::i18n::trf(crate::i18n::Text::BadMonthArg, &[&format!("{s:?}")]);
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year = y.parse::<i32>().map_err(|_| bad())?;
        let month = m.parse::<u32>().map_err(|_| bad())?;
        Month::new(year, month).ok_or_else(bad)
    }
}

/// Parses `YYYY-MM-DD` strictly (no times, no other separators). Written
/// by hand: `calc` parses one date per card transaction.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let bad = || crate::i18n::trf(crate::i18n::Text::BadDateArg, &[&format!("{s:?}")]);
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return Err(bad());
    };
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(bad)
}

/// An instant as the store and the wire write it: RFC 3339 UTC with
/// milliseconds (`2026-11-20T09:00:00.000Z`); as text it sorts in time order.
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// China Standard Time (UTC+8, no daylight saving): every station's day is
/// counted in it, and every time a person reads is shown in it.
pub fn china_offset() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// Today in Asia/Shanghai (UTC+8, no daylight saving), where every
/// station's day is counted.
pub fn today_shanghai() -> NaiveDate {
    chrono::Utc::now().with_timezone(&china_offset()).date_naive()
}

/// An instant as a person reads it, in China time: `2026-11-29 08:05`.
/// Screens, lists, notes and CLI output all use this one form, so the
/// header's last sync and a note's time can be compared at a glance.
pub fn china_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&china_offset()).format("%Y-%m-%d %H:%M").to_string()
}

/// Like [`china_time`] for a stored RFC 3339 timestamp; text that is not
/// one is shown as it is rather than hidden.
pub fn china_time_of(stored: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(stored) {
        Ok(at) => china_time(at.with_timezone(&chrono::Utc)),
        Err(_) => stored.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_china_time() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-28T17:30:00.000Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(china_time(at), "2026-11-29 01:30");
        assert_eq!(china_time_of("2026-11-28T17:30:00.000Z"), "2026-11-29 01:30");
        assert_eq!(china_time_of("yesterday"), "yesterday");
    }

    #[test]
    fn months_know_their_days() {
        let feb_leap: Month = "2024-02".parse().unwrap();
        assert_eq!(feb_leap.days(), 29);
        assert_eq!("2026-02".parse::<Month>().unwrap().days(), 28);
        assert_eq!("2026-10".parse::<Month>().unwrap().days(), 31);
        let dec: Month = "2026-12".parse().unwrap();
        assert_eq!(dec.next().to_string(), "2027-01");
        assert_eq!(dec.next().prev(), dec);
    }

    #[test]
    fn bad_months_and_dates_are_refused() {
        for bad in ["2026-13", "2026-1", "26-10", "2026/10", "", "2026-00"] {
            assert!(bad.parse::<Month>().is_err(), "{bad}");
        }
        assert!(parse_date("2026-10-01").is_ok());
        for bad in ["2026-10-32", "2026-1-01", "2026/10/01", "2026-10-01T00:00"] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
