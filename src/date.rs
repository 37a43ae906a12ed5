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
