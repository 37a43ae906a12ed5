//! Vietnamese formatting rules of ND30 that the tool types for the clerk: the date line,
//! the number of a document, Roman numerals.
//!
//! Every function here is pure; the layout and the workbook call the same ones, so a date
//! or a number can never be written two ways.

/// A non-breaking space. Typst collapses ordinary spaces, so the blanks that the văn thư
/// fills by hand at issue time are made of these.
pub const NBSP: char = '\u{a0}';

/// Width, in non-breaking spaces, of the blank left for the number in a draft.
const NUMBER_BLANK: usize = 9;
/// Width, in non-breaking spaces, of the blank left for the day in a draft.
const DAY_BLANK: usize = 7;

fn blank(n: usize) -> String {
    std::iter::repeat_n(NBSP, n).collect()
}

/// The number of a document as ND30 writes it: numbers below 10 get a leading zero
/// (`05`), larger ones none (`125`). `None` (a draft) gives the blank the văn thư fills.
pub fn so(number: Option<u32>) -> String {
    match number {
        Some(n) if n < 10 => format!("0{n}"),
        Some(n) => n.to_string(),
        None => blank(NUMBER_BLANK),
    }
}

/// Day of month as ND30 writes it: leading zero below 10. `None` gives a blank.
pub fn day(day: Option<u8>) -> String {
    match day {
        Some(d) if d < 10 => format!("0{d}"),
        Some(d) => d.to_string(),
        None => blank(DAY_BLANK),
    }
}

/// Month as ND30 writes it: `01` and `02` keep a leading zero, 3-12 have none.
pub fn month(month: u8) -> String {
    if month <= 2 { format!("0{month}") } else { month.to_string() }
}

/// `ngày 28 tháng 01 năm 2022` (without the place name).
pub fn date_words(year: i32, m: u8, d: Option<u8>) -> String {
    format!("ngày {} tháng {} năm {year}", day(d), month(m))
}

/// The short numeric date used inside references: `28/01/2022`; blank day in drafts.
pub fn date_short(year: i32, m: u8, d: Option<u8>) -> String {
    let dd = match d {
        Some(d) => format!("{d:02}"),
        None => blank(DAY_BLANK),
    };
    format!("{dd}/{m:02}/{year}")
}

/// Is `year-month-day` a real day of the Gregorian calendar?
pub fn is_valid_date(year: i32, month: u8, day: u8) -> bool {
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)
}

/// Number of days of a month (Gregorian).
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Roman numeral for `1..=3999` (`I`, `IV`, `XII`); other numbers are written in digits.
pub fn roman(mut n: u32) -> String {
    if n == 0 || n > 3999 {
        return n.to_string();
    }
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, digits) in TABLE {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

/// Upper-case a Vietnamese string (`Ủy ban` → `ỦY BAN`); std handles the precomposed
/// letters, including `đ` → `Đ`. A word the clerk wrote in mixed case on purpose, with a
/// capital after a small letter (`IoT`, `eKYC`, `VNeID`), stays as typed, and so does a
/// document's số/ký hiệu (`06/QĐ-TTg`: ND30 writes `TTg` in capitals too).
pub fn upper(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (chunk, tail) = rest.split_at(end);
        let ws = tail.find(|c: char| !c.is_whitespace()).unwrap_or(tail.len());
        if chunk.contains('/') && chunk.contains(|c: char| c.is_ascii_digit()) && chunk.contains(char::is_uppercase) {
            out.push_str(chunk);
        } else {
            out.push_str(&upper_words(chunk));
        }
        out.push_str(&tail[..ws]);
        rest = &tail[ws..];
    }
    out
}

fn upper_words(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if is_mixed_case(word) {
            out.push_str(word);
        } else {
            out.push_str(&word.to_uppercase());
        }
        word.clear();
    };
    for c in s.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Does a word have a capital after a small letter (`IoT`, `eKYC`), so that its case is
/// meant?
fn is_mixed_case(word: &str) -> bool {
    let mut seen_lower = false;
    for c in word.chars() {
        if c.is_lowercase() {
            seen_lower = true;
        } else if c.is_uppercase() && seen_lower {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_below_ten_are_padded() {
        assert_eq!(so(Some(5)), "05");
        assert_eq!(so(Some(18)), "18");
        assert_eq!(so(Some(125)), "125");
        assert_eq!(so(None), "\u{a0}".repeat(9));
    }

    #[test]
    fn dates_follow_nd30() {
        assert_eq!(date_words(2022, 1, Some(28)), "ngày 28 tháng 01 năm 2022");
        assert_eq!(date_words(2022, 3, Some(5)), "ngày 05 tháng 3 năm 2022");
        assert_eq!(date_words(2020, 2, Some(9)), "ngày 09 tháng 02 năm 2020");
        assert_eq!(date_words(2025, 12, Some(31)), "ngày 31 tháng 12 năm 2025");
        assert_eq!(date_words(2022, 1, None), format!("ngày {} tháng 01 năm 2022", "\u{a0}".repeat(7)));
        assert_eq!(date_short(2022, 1, Some(28)), "28/01/2022");
    }

    #[test]
    fn calendar() {
        assert!(is_valid_date(2024, 2, 29));
        assert!(!is_valid_date(2022, 2, 29));
        assert!(!is_valid_date(2022, 2, 30));
        assert!(!is_valid_date(1900, 2, 29));
        assert!(is_valid_date(2000, 2, 29));
        assert!(!is_valid_date(2022, 13, 1));
        assert!(!is_valid_date(2022, 4, 31));
        assert!(!is_valid_date(2022, 4, 0));
    }

    #[test]
    fn roman_numerals() {
        let got: Vec<_> = [1, 2, 3, 4, 5, 9, 14, 40, 90, 1999].map(roman).into();
        assert_eq!(got, ["I", "II", "III", "IV", "V", "IX", "XIV", "XL", "XC", "MCMXCIX"]);
        assert_eq!(roman(0), "0");
    }

    #[test]
    fn upper_case_keeps_vietnamese_letters() {
        assert_eq!(upper("Ủy ban nhân dân huyện Ninh Giang"), "ỦY BAN NHÂN DÂN HUYỆN NINH GIANG");
        assert_eq!(upper("đồng"), "ĐỒNG");
    }

    #[test]
    fn upper_case_keeps_words_written_in_mixed_case() {
        assert_eq!(
            upper("Ứng dụng IoT, xác thực eKYC và tài khoản VNeID mức 2"),
            "ỨNG DỤNG IoT, XÁC THỰC eKYC VÀ TÀI KHOẢN VNeID MỨC 2"
        );
        assert_eq!(upper("Ủy ban nhân dân TP.HCM"), "ỦY BAN NHÂN DÂN TP.HCM");
        assert_eq!(upper("Đề án 06/ĐA-TTg, ngày 15/7/2021"), "ĐỀ ÁN 06/ĐA-TTg, NGÀY 15/7/2021");
    }
}
