//! The body's mark characters (`*`, `|`) inside data a template prints: stand-ins that the
//! body parser turns back after reading the marks. A leaf module.

/// Stand-ins for the body's mark characters inside data printed by a template; the body
/// parser turns them back into the characters after it has read the marks.
pub const PROTECTED: [(char, char); 2] = [('*', '\u{E02A}'), ('|', '\u{E07C}')];

/// Make a value safe to print inside clerk-convention text: marks become stand-ins, line
/// breaks spaces.
pub fn protect(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' | '\r' => ' ',
            c => PROTECTED.iter().find(|(from, _)| *from == c).map_or(c, |(_, to)| *to),
        })
        .collect()
}

/// Undo [`protect`].
pub fn unprotect(s: &str) -> String {
    s.chars().map(|c| PROTECTED.iter().find(|(_, to)| *to == c).map_or(c, |(from, _)| *from)).collect()
}
