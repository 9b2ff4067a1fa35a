//! How the text of a cell is compared, in one place: every criterion, goal, candidate search
//! and explanation must agree on when two values are "the same", or a pair could be scored as
//! sharing an interest while its explanation says it shares none.
//!
//! Values are trimmed and compared case-insensitively (`" Sport "` equals `"sport"`); numbers
//! accept a decimal comma (`"4,5"`), as Norwegian and Swedish forms write them.

use std::collections::HashMap;

/// The comparison key of a value: trimmed and lower-cased.
pub(crate) fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

/// A finite number from a cell, accepting a decimal comma; `None` for anything else.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim().replace(',', ".");
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Small integer ids for values by their [`key`], from 1 (0 is free for "missing").
#[derive(Debug, Default)]
pub(crate) struct Interner(HashMap<String, u32>);

impl Interner {
    /// The id of `s`'s key, a new one the first time it is seen.
    pub(crate) fn id(&mut self, s: &str) -> u32 {
        let n = self.0.len() as u32 + 1;
        *self.0.entry(key(s)).or_insert(n)
    }

    /// The id of `s`'s key if it has one (nothing is added).
    pub(crate) fn get(&self, s: &str) -> Option<u32> {
        self.0.get(&key(s)).copied()
    }

    /// How many distinct values have ids.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_compare_trimmed_and_case_insensitive() {
        let mut i = Interner::default();
        assert_eq!(i.id(" Sport "), i.id("sport"));
        assert_ne!(i.id("sport"), i.id("drama"));
        assert_eq!(key(" TromsØ "), "tromsø");
    }

    #[test]
    fn numbers_take_a_decimal_comma_and_refuse_the_rest() {
        assert_eq!(parse_number(" 4,5 "), Some(4.5));
        assert_eq!(parse_number("12"), Some(12.0));
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("tolv"), None);
    }
}
