//! Spreadsheet-safe CSV cells.
//!
//! Every CSV mentormatch writes ends up in Excel, LibreOffice or Google Sheets, and most of its
//! text comes from an application form anyone can fill in. A cell beginning with `=`, `+`, `-`,
//! `@`, a tab or a carriage return may be run as a formula when the file is opened (OWASP "CSV
//! injection"), so such a cell is written with a leading `'`, which spreadsheets show as text.
//! Numbers (`-3.5`, `+2`) are left alone: they are data, not formulas, and a score column must
//! stay numeric.

use std::borrow::Cow;

/// Characters that make a spreadsheet read a cell as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// True for a plain decimal number: optional sign, digits with an optional fraction, optional
/// exponent. Stricter than `f64::from_str`, which also takes `-inf` and `NaN`.
pub fn is_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut k = 0;
    if k < b.len() && (b[k] == b'+' || b[k] == b'-') {
        k += 1;
    }
    let digits = |k: &mut usize| {
        let start = *k;
        while *k < b.len() && b[*k].is_ascii_digit() {
            *k += 1;
        }
        *k - start
    };
    let mut n = digits(&mut k);
    if k < b.len() && b[k] == b'.' {
        k += 1;
        n += digits(&mut k);
    }
    if n == 0 {
        return false;
    }
    if k < b.len() && (b[k] == b'e' || b[k] == b'E') {
        k += 1;
        if k < b.len() && (b[k] == b'+' || b[k] == b'-') {
            k += 1;
        }
        if digits(&mut k) == 0 {
            return false;
        }
    }
    k == b.len()
}

/// The cell as written: with a leading `'` when it begins with a formula character and is not
/// a number; unchanged otherwise.
pub fn cell(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some(c) if TRIGGERS.contains(&c) && !is_number(s) => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// Undoes [`cell`] for a value read back from a file mentormatch wrote (e.g. the previous pairs
/// given to `rematch`): a leading `'` followed by a formula character is dropped.
pub fn uncell(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(TRIGGERS) && !is_number(rest) => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_get_a_quote_numbers_and_plain_text_do_not() {
        for (input, want) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+47 22 33 44 55", "'+47 22 33 44 55"),
            ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-inf", "'-inf"),
            ("-", "'-"),
            ("-3.5", "-3.5"),
            ("+2", "+2"),
            ("-1e-3", "-1e-3"),
            ("81.25", "81.25"),
            ("Kari = leder", "Kari = leder"),
            ("", ""),
            ("'quoted", "'quoted"),
        ] {
            assert_eq!(cell(input), want, "{input:?}");
            assert_eq!(uncell(&cell(input)), input, "{input:?}");
        }
    }

    #[test]
    fn numbers() {
        for s in ["0", "-0", "+1.5", ".5", "5.", "1e9", "-2.5E+3"] {
            assert!(is_number(s), "{s}");
        }
        for s in [
            "", "-", "+", ".", "e5", "1e", "1e+", "--1", "1-", "inf", "NaN", "1,5", " 1",
        ] {
            assert!(!is_number(s), "{s}");
        }
    }
}
