//! Stage 4: export. A laid-out document becomes PDF bytes with a fixed creation time, so
//! the same input always gives the same bytes.

use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use crate::layout::DateParts;

/// Vietnam's UTC offset in minutes (ICT, +07:00).
pub const VN_OFFSET_MINUTES: i32 = 7 * 60;

/// Where the PDF's creation time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreationTime {
    /// `SOURCE_DATE_EPOCH` seconds (UTC).
    Epoch(i64),
    /// The document's own date, at 00:00 Vietnam time.
    DocumentDate,
}

impl CreationTime {
    /// `SOURCE_DATE_EPOCH` if set and valid, else the document date.
    pub fn from_env() -> Self {
        std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .map_or(Self::DocumentDate, Self::Epoch)
    }

    /// The creation time as civil UTC (epoch) or local (document date) fields:
    /// (year, month, day, hour, minute, second).
    pub fn fields(self, date: DateParts) -> (i32, u8, u8, u8, u8, u8) {
        match self {
            Self::Epoch(secs) => {
                let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
                let rem = secs.rem_euclid(86_400);
                (y as i32, m, d, (rem / 3600) as u8, (rem % 3600 / 60) as u8, (rem % 60) as u8)
            }
            Self::DocumentDate => (date.year, date.month, date.day, 0, 0, 0),
        }
    }

    fn timestamp(self, date: DateParts) -> Option<Timestamp> {
        match self {
            Self::Epoch(secs) => {
                let days = secs.div_euclid(86_400);
                let rem = secs.rem_euclid(86_400);
                let (y, m, d) = civil_from_days(days);
                let dt = Datetime::from_ymd_hms(
                    y as i32,
                    m,
                    d,
                    (rem / 3600) as u8,
                    (rem % 3600 / 60) as u8,
                    (rem % 60) as u8,
                )?;
                Some(Timestamp::new_utc(dt))
            }
            Self::DocumentDate => {
                let dt = Datetime::from_ymd_hms(date.year, date.month, date.day, 0, 0, 0)?;
                Timestamp::new_local(dt, VN_OFFSET_MINUTES)
            }
        }
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

/// Errors of the PDF writer.
#[derive(Debug, Clone, thiserror::Error)]
#[error("không xuất được PDF: {0}")]
pub struct ExportError(pub String);

/// Write a laid-out document as PDF.
///
/// # Errors
/// [`ExportError`] when typst's PDF writer refuses the document.
pub fn pdf(doc: &PagedDocument, date: DateParts, time: CreationTime) -> Result<Vec<u8>, ExportError> {
    let options = PdfOptions {
        ident: Smart::Auto,
        creator: Smart::Custom(Some(format!("vanban {}", env!("CARGO_PKG_VERSION")))),
        // Untagged: ~13 % faster to write and a third smaller; ND30 asks for no tags, and
        // text extraction (ToUnicode) works without them.
        tagged: false,
        timestamp: time.timestamp(date),
        ..PdfOptions::default()
    };
    typst_pdf::pdf(doc, &options)
        .map_err(|errors| ExportError(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")))
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn epoch_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_020), (2022, 1, 28));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
