//! Calendar dates as gazettes print them: `2019-12-09` in front matter (editors may also write
//! `2019年12月9日`), `2019年12月9日` on pages.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A valid Gregorian calendar date. Serialised as `(year, month, day)`; one that does not
/// exist is refused when deserialised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "(u16, u8, u8)", try_from = "(u16, u8, u8)")]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// A date, if it exists in the calendar (years 1000–9999).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let valid = (1000..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD` or `YYYY年M月D日`.
    pub fn parse(text: &str) -> Result<Date, String> {
        let text = text.trim();
        let parts: Option<(&str, &str, &str)> = if let Some(rest) = text.strip_suffix('日') {
            rest.split_once('年')
                .and_then(|(y, rest)| rest.split_once('月').map(|(m, d)| (y, m, d)))
        } else {
            let mut it = text.splitn(3, '-');
            match (it.next(), it.next(), it.next()) {
                (Some(y), Some(m), Some(d)) if m.len() == 2 && d.len() == 2 => Some((y, m, d)),
                _ => None,
            }
        };
        let Some((y, m, d)) = parts else {
            return Err(format!(
                "`{text}` is not a date; write it as `2019-12-09` or `2019年12月9日`"
            ));
        };
        let number = |s: &str, max_len: usize| -> Option<u16> {
            (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        match (number(y, 4), number(m, 2), number(d, 2)) {
            (Some(y), Some(m), Some(d)) if y >= 1000 => Date::new(y, m as u8, d as u8)
                .ok_or_else(|| format!("{text} does not exist in the calendar")),
            _ => Err(format!(
                "`{text}` is not a date; write it as `2019-12-09` or `2019年12月9日`"
            )),
        }
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }

    /// `2019年12月9日`.
    pub fn chinese(self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }

    /// Days since 1970-01-01.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01 (UTC), if it is within years 1000–9999.
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(u16::try_from(year).ok()?, month as u8, day as u8)
    }
}

impl From<Date> for (u16, u8, u8) {
    fn from(d: Date) -> (u16, u8, u8) {
        (d.year, d.month, d.day)
    }
}

impl TryFrom<(u16, u8, u8)> for Date {
    type Error = String;
    fn try_from((year, month, day): (u16, u8, u8)) -> Result<Date, String> {
        Date::new(year, month, day).ok_or_else(|| format!("{year}-{month}-{day} is not a date"))
    }
}

impl fmt::Display for Date {
    /// ISO 8601: `2019-12-09`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms() {
        let d = Date::new(2019, 12, 9).unwrap();
        assert_eq!(Date::parse("2019-12-09"), Ok(d));
        assert_eq!(Date::parse("2019年12月9日"), Ok(d));
        assert_eq!(Date::parse("2019年12月09日"), Ok(d));
        assert_eq!(d.to_string(), "2019-12-09");
        assert_eq!(d.chinese(), "2019年12月9日");
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        assert!(Date::parse("2019-02-29").is_err());
        assert!(Date::parse("2020-02-29").is_ok());
        assert!(Date::parse("2019-13-01").is_err());
        assert!(Date::parse("2019-1-1").is_err());
        assert!(Date::parse("20191209").is_err());
        assert!(Date::parse("2019年12月").is_err());
        assert!(Date::parse("").is_err());
    }

    #[test]
    fn epoch_days_round_trip() {
        let d = Date::new(2019, 12, 9).unwrap();
        assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
        assert_eq!(Date::from_days_since_epoch(d.days_since_epoch()), Some(d));
        assert_eq!(Date::from_days_since_epoch(18_239), Some(d));
    }
}
