//! Calendar dates of the input: `YYYY-MM-DD` parsing and the day handed to the layout
//! engine and the PDF metadata.

use serde::Serialize;

use crate::model::IssueDate;
use crate::vn;

/// Parse `YYYY-MM-DD` (or `YYYY-MM`, a draft without a day) into a real calendar date.
pub fn parse_date(s: &str) -> Option<IssueDate> {
    let (year, month, day) = date_shape(s)?;
    let (year, month) = (year as i32, month as u8);
    let valid = match day {
        Some(d) => vn::is_valid_date(year, month, d as u8),
        None => (1..=12).contains(&month),
    };
    (valid && (1945..=9999).contains(&year)).then(|| IssueDate { year, month, day: day.map(|d| d as u8) })
}

/// The digits of `YYYY-MM-DD` / `YYYY-MM`, not yet checked against the calendar.
pub fn date_shape(s: &str) -> Option<(u32, u32, Option<u32>)> {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let num = |p: &str, len: usize| {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse::<u32>().ok()).flatten()
    };
    match parts.as_slice() {
        [y, m] => num(y, 4).zip(num(m, 2)).map(|(y, m)| (y, m, None)),
        [y, m, d] => num(y, 4).zip(num(m, 2)).zip(num(d, 2)).map(|((y, m), d)| (y, m, Some(d))),
        _ => None,
    }
}

/// A calendar day, for `today()` and the PDF date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateParts {
    /// Year.
    pub year: i32,
    /// Month 1-12.
    pub month: u8,
    /// Day 1-31.
    pub day: u8,
}

impl From<IssueDate> for DateParts {
    fn from(d: IssueDate) -> Self {
        Self { year: d.year, month: d.month, day: d.day.unwrap_or(1) }
    }
}

impl DateParts {
    /// `05/04/2022`, as dates are written in Vietnamese documents and forms.
    pub fn short(self) -> String {
        format!("{:02}/{:02}/{}", self.day, self.month, self.year)
    }

    /// For comparisons: (year, month, day).
    pub fn key(self) -> (i32, u8, u8) {
        (self.year, self.month, self.day)
    }

    /// The day of a spreadsheet date serial (days since 1899-12-30, the 1900 system as
    /// Excel and LibreOffice store it); the time of day is ignored. `None` outside 1945-9999.
    pub fn from_serial(serial: f64) -> Option<Self> {
        // (Outside 1900-9999 at most: no arithmetic on absurd values.)
        if !(0.0..3_000_000.0).contains(&serial) {
            return None;
        }
        // Days from 1970-01-01, then the civil calendar.
        let (year, month, day) = civil_from_days(serial.floor() as i64 - 25_569);
        let year = i32::try_from(year).ok().filter(|y| (1945..=9999).contains(y))?;
        Some(Self { year, month, day })
    }

    /// A full day written `YYYY-MM-DD` or `DD/MM/YYYY` (`D/M/YYYY` too); `None` when it is
    /// not a real calendar day from 1945 to 9999.
    pub fn parse_day(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Some(d) = parse_date(s) {
            return d.day.map(|day| Self { year: d.year, month: d.month, day });
        }
        let parts: Vec<&str> = s.split('/').map(str::trim).collect();
        let [d, m, y] = parts.as_slice() else { return None };
        let digits = |p: &str, max: usize| !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit());
        if !(digits(d, 2) && digits(m, 2) && y.len() == 4 && digits(y, 4)) {
            return None;
        }
        let (year, month, day) = (y.parse::<i32>().ok()?, m.parse::<u8>().ok()?, d.parse::<u8>().ok()?);
        (vn::is_valid_date(year, month, day) && (1945..=9999).contains(&year)).then_some(Self { year, month, day })
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's
/// algorithm).
pub fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// (year, month, day) to days since 1970-01-01, proleptic Gregorian: the inverse of
/// [`civil_from_days`].
pub fn days_from_civil(d: DateParts) -> i64 {
    let (y, m) = if d.month <= 2 {
        (i64::from(d.year) - 1, i64::from(d.month) + 9)
    } else {
        (i64::from(d.year), i64::from(d.month) - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + (153 * m + 2) / 5 + i64::from(d.day) - 1;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::DateParts;

    #[test]
    fn days_from_civil_inverts_civil_from_days() {
        for z in [-719_468, -1, 0, 1, 11_016, 19_358, 20_000, 2_932_896] {
            let (year, month, day) = super::civil_from_days(z);
            let d = DateParts { year: year as i32, month, day };
            assert_eq!(super::days_from_civil(d), z, "{d:?}");
        }
        assert_eq!(super::days_from_civil(DateParts { year: 1970, month: 1, day: 1 }), 0);
        assert_eq!(super::days_from_civil(DateParts { year: 2024, month: 3, day: 1 }), 19_783);
        // A spreadsheet serial is days since 1899-12-30 (25,569 before 1970-01-01).
        assert_eq!(super::days_from_civil(DateParts { year: 2022, month: 4, day: 5 }) + 25_569, 44_656);
    }

    #[test]
    fn serials_and_written_days() {
        let d = |year, month, day| Some(DateParts { year, month, day });
        assert_eq!(DateParts::from_serial(44_656.0), d(2022, 4, 5));
        assert_eq!(DateParts::from_serial(44_656.75), d(2022, 4, 5));
        assert_eq!(DateParts::from_serial(45_351.0), d(2024, 2, 29));
        assert_eq!(DateParts::from_serial(1.0), None);
        assert_eq!(DateParts::parse_day("2022-04-05"), d(2022, 4, 5));
        assert_eq!(DateParts::parse_day("05/04/2022"), d(2022, 4, 5));
        assert_eq!(DateParts::parse_day("5/4/2022"), d(2022, 4, 5));
        assert_eq!(DateParts::parse_day("31/04/2022"), None);
        assert_eq!(DateParts::parse_day("2022-04"), None);
        assert_eq!(DateParts::parse_day("ngày 5"), None);
        assert_eq!(DateParts::from_serial(44_656.0).unwrap().short(), "05/04/2022");
    }
}
