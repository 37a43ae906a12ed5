//! Diagnostics of inputs, for every format: a file's problems, each located by a JSON
//! pointer (`/signer/name`, RFC 6901) or a spreadsheet cell (`Biểu 01!D13`), with what is
//! wrong and what was expected, in Vietnamese. A leaf module: it imports nothing of the
//! crate.

use std::fmt;
use std::path::{Path, PathBuf};

/// One thing wrong with an input, located by a JSON pointer (RFC 6901, `""` = whole file)
/// or, in a workbook, by its cell (`sheet!A1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: `/signer/name`, `Biểu 01!D13`, or `""` for the whole file.
    pub pointer: String,
    /// What is wrong and what was expected, in Vietnamese.
    pub message: String,
}

/// Where a [`Problem`] is, read back from its location text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location<'a> {
    /// The whole file.
    File,
    /// A JSON pointer (`/annexes/0/rows/3`).
    Pointer(&'a str),
    /// A cell of a workbook.
    Cell {
        /// The sheet's name.
        sheet: &'a str,
        /// The cell (`D13`).
        cell: &'a str,
    },
}

impl Problem {
    /// A problem at a JSON pointer (`""`: the whole file).
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self { pointer: pointer.into(), message: message.into() }
    }

    /// A problem in a workbook cell: located `sheet!cell`.
    pub fn at_cell(sheet: &str, cell: &str, message: impl Into<String>) -> Self {
        Self { pointer: format!("{sheet}!{cell}"), message: message.into() }
    }

    /// Where the problem is.
    pub fn location(&self) -> Location<'_> {
        if self.pointer.is_empty() {
            Location::File
        } else if self.pointer.starts_with('/') {
            Location::Pointer(&self.pointer)
        } else {
            match self.pointer.rsplit_once('!') {
                Some((sheet, cell)) => Location::Cell { sheet, cell },
                None => Location::Pointer(&self.pointer),
            }
        }
    }
}

/// An input that cannot be used, with every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The input file as the user named it.
    pub file: PathBuf,
    /// The problems, in document order.
    pub problems: Vec<Problem>,
}

impl InputError {
    /// An input with one problem.
    pub fn one(file: &Path, pointer: &str, message: impl Into<String>) -> Self {
        Self { file: file.to_path_buf(), problems: vec![Problem::at(pointer, message)] }
    }
}

/// One line per problem: `file: location: message` (`file: message` for the whole file).
impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let pointer = if p.pointer.is_empty() { String::new() } else { format!("{}: ", p.pointer) };
            write!(f, "{}: {pointer}{}", self.file.display(), p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Excel's letters of a 0-based column (`A`, `B`, … `Z`, `AA`).
pub fn col_name(col: impl Into<u32>) -> String {
    let mut c = col.into();
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Excel's name of a cell (`C12`) from its 0-based row and column.
pub fn cell_name(row: u32, col: impl Into<u32>) -> String {
    format!("{}{}", col_name(col), u64::from(row) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn located_by_pointer_or_cell() {
        assert_eq!(Problem::at("", "x").location(), Location::File);
        assert_eq!(Problem::at("/signer/name", "x").location(), Location::Pointer("/signer/name"));
        let p = Problem::at_cell("Biểu 01", "D13", "x");
        assert_eq!(p.pointer, "Biểu 01!D13");
        assert_eq!(p.location(), Location::Cell { sheet: "Biểu 01", cell: "D13" });
        let e = InputError { file: "a.xlsx".into(), problems: vec![p, Problem::at("", "hỏng")] };
        assert_eq!(e.to_string(), "a.xlsx: Biểu 01!D13: x\na.xlsx: hỏng");
    }
}
