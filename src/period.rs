//! Reporting periods: quý I-IV, 6 tháng, 9 tháng, năm (ND30 reports answer a plan on
//! these). One type, so the workbook title and the report text name a period the same way.

use std::fmt;

use serde::Deserialize;

use crate::vn;

/// What a period covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// A quarter (`number` 1-4).
    Quy,
    /// The first six months.
    #[serde(rename = "6_thang")]
    SauThang,
    /// The first nine months.
    #[serde(rename = "9_thang")]
    ChinThang,
    /// The whole year.
    Nam,
}

/// A reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    /// Kind.
    pub kind: PeriodKind,
    /// Quarter number for [`PeriodKind::Quy`], else 0.
    pub number: u8,
    /// Year.
    pub year: i32,
}

impl Period {
    /// Validate the parts; `None` when the quarter number is out of range.
    pub fn new(kind: PeriodKind, number: Option<u8>, year: i32) -> Option<Self> {
        match (kind, number) {
            (PeriodKind::Quy, Some(n @ 1..=4)) => Some(Self { kind, number: n, year }),
            (PeriodKind::Quy, _) => None,
            (_, None | Some(0)) => Some(Self { kind, number: 0, year }),
            _ => None,
        }
    }

    /// Parse the command-line form: `quy-1-2022`, `6-thang-2022`, `9-thang-2022`, `nam-2022`.
    pub fn parse(s: &str) -> Option<Self> {
        let parts: Vec<&str> = s.trim().split('-').collect();
        let year = |y: &str| y.parse::<i32>().ok().filter(|y| (1945..=9999).contains(y));
        match parts.as_slice() {
            ["quy", n, y] => Self::new(PeriodKind::Quy, n.parse().ok(), year(y)?),
            ["6", "thang", y] => Self::new(PeriodKind::SauThang, None, year(y)?),
            ["9", "thang", y] => Self::new(PeriodKind::ChinThang, None, year(y)?),
            ["nam", y] => Self::new(PeriodKind::Nam, None, year(y)?),
            _ => None,
        }
    }

    /// The command-line / file-name form (`quy-1-2022`).
    pub fn slug(&self) -> String {
        match self.kind {
            PeriodKind::Quy => format!("quy-{}-{}", self.number, self.year),
            PeriodKind::SauThang => format!("6-thang-{}", self.year),
            PeriodKind::ChinThang => format!("9-thang-{}", self.year),
            PeriodKind::Nam => format!("nam-{}", self.year),
        }
    }

    /// First and last day (month, day) of the period within its year.
    pub fn span(&self) -> ((u8, u8), (u8, u8)) {
        let end_month = match self.kind {
            PeriodKind::Quy => self.number * 3,
            PeriodKind::SauThang => 6,
            PeriodKind::ChinThang => 9,
            PeriodKind::Nam => 12,
        };
        let start_month = if self.kind == PeriodKind::Quy { end_month - 2 } else { 1 };
        ((start_month, 1), (end_month, vn::days_in_month(self.year, end_month)))
    }

    /// The period before, of the same kind (quý I 2022 → quý IV 2021; năm 2022 → năm 2021).
    pub fn previous(&self) -> Self {
        match self.kind {
            PeriodKind::Quy if self.number == 1 => Self { number: 4, year: self.year - 1, ..*self },
            PeriodKind::Quy => Self { number: self.number - 1, ..*self },
            _ => Self { year: self.year - 1, ..*self },
        }
    }
}

impl Period {
    /// The name of the period a report's "phương hướng" looks ahead to: the next quarter,
    /// `6 tháng cuối năm 2022`, `quý IV năm 2022` after 9 months, `năm 2023`.
    pub fn following_name(&self) -> String {
        match self.kind {
            PeriodKind::Quy if self.number == 4 => format!("quý I năm {}", self.year + 1),
            PeriodKind::Quy => format!("quý {} năm {}", vn::roman(u32::from(self.number) + 1), self.year),
            PeriodKind::SauThang => format!("6 tháng cuối năm {}", self.year),
            PeriodKind::ChinThang => format!("quý IV năm {}", self.year),
            PeriodKind::Nam => format!("năm {}", self.year + 1),
        }
    }
}

impl fmt::Display for Period {
    /// `quý I năm 2022`, `6 tháng đầu năm 2022`, `9 tháng năm 2022`, `năm 2022`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Quy => write!(f, "quý {} năm {}", vn::roman(u32::from(self.number)), self.year),
            PeriodKind::SauThang => write!(f, "6 tháng đầu năm {}", self.year),
            PeriodKind::ChinThang => write!(f, "9 tháng năm {}", self.year),
            PeriodKind::Nam => write!(f, "năm {}", self.year),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_spans() {
        let q1 = Period::parse("quy-1-2022").unwrap();
        assert_eq!(q1.to_string(), "quý I năm 2022");
        assert_eq!(q1.span(), ((1, 1), (3, 31)));
        assert_eq!(q1.previous().to_string(), "quý IV năm 2021");
        assert_eq!(Period::parse("6-thang-2022").unwrap().to_string(), "6 tháng đầu năm 2022");
        assert_eq!(Period::parse("9-thang-2024").unwrap().span(), ((1, 1), (9, 30)));
        assert_eq!(Period::parse("nam-2025").unwrap().to_string(), "năm 2025");
        assert_eq!(Period::parse("quy-2-2024").unwrap().span(), ((4, 1), (6, 30)));
        assert!(Period::parse("quy-5-2022").is_none());
        assert!(Period::parse("quy-1").is_none());
        assert_eq!(q1.slug(), "quy-1-2022");
        assert_eq!(q1.following_name(), "quý II năm 2022");
        assert_eq!(Period::parse("quy-4-2022").unwrap().following_name(), "quý I năm 2023");
        assert_eq!(Period::parse("6-thang-2022").unwrap().following_name(), "6 tháng cuối năm 2022");
    }
}
