//! Interned text: the values of application forms, held once however many participants share
//! them.
//!
//! A cohort's attribute values come from small vocabularies (a dozen departments, thirty
//! interests) repeated over every participant. Held as one `String` each, inside a `BTreeSet`
//! per participant, they were most of the memory of a large programme before any solving (at
//! 300,000 x 300,000 about 1.2 KB per participant, a quarter of the solve's peak). A [`Text`]
//! is a shared, immutable string (one pointer and a length), and a [`TextSet`] a sorted slice
//! of them (no tree nodes); the readers ([`crate::input`], the Python binding,
//! [`crate::synthetic`]) give equal values one shared allocation through an [`Interner`].
//!
//! Both serialise exactly as `String` and `BTreeSet<String>` did (a string; a sorted array of
//! distinct strings), so files, fingerprints and the Python side see no difference.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An immutable string that is cheap to clone and may be shared (see [`Interner`]). Compares,
/// orders and hashes as its text.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(Arc<str>);

impl Text {
    /// The text as a `&str`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(Arc::from(s))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Arc::from(s))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Text {
        Text(Arc::from(s.as_str()))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        t.0.to_string()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        &*self.0 == other.as_str()
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        String::deserialize(d).map(Text::from)
    }
}

/// A set of [`Text`]s: sorted, without repeats, in one allocation. Iterates, compares and
/// serialises as a `BTreeSet<String>` of the same values would.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextSet(Box<[Text]>);

impl TextSet {
    /// The empty set.
    pub fn new() -> TextSet {
        TextSet::default()
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when the set has no values.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `value` is in the set.
    pub fn contains(&self, value: &str) -> bool {
        self.0.binary_search_by(|t| t.as_str().cmp(value)).is_ok()
    }

    /// The values in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Text> {
        self.0.iter()
    }

    /// The values in order, as a slice.
    pub fn as_slice(&self) -> &[Text] {
        &self.0
    }

    /// Adds `value`; false when it was already there. Linear in the set's size: sets of one
    /// participant hold a handful of values.
    pub fn insert(&mut self, value: impl Into<Text>) -> bool {
        let value = value.into();
        match self.0.binary_search(&value) {
            Ok(_) => false,
            Err(at) => {
                let mut v = std::mem::take(&mut self.0).into_vec();
                v.insert(at, value);
                self.0 = v.into_boxed_slice();
                true
            }
        }
    }

    /// Removes `value`; false when it was not there.
    pub fn remove(&mut self, value: &str) -> bool {
        match self.0.binary_search_by(|t| t.as_str().cmp(value)) {
            Ok(at) => {
                let mut v = std::mem::take(&mut self.0).into_vec();
                v.remove(at);
                self.0 = v.into_boxed_slice();
                true
            }
            Err(_) => false,
        }
    }

    /// Whether every value of `self` is in `other`.
    pub fn is_subset(&self, other: &TextSet) -> bool {
        self.0.iter().all(|t| other.contains(t))
    }

    /// Whether the two sets share no value.
    pub fn is_disjoint(&self, other: &TextSet) -> bool {
        !self.0.iter().any(|t| other.contains(t))
    }

    /// The sorted, distinct set of `values` (already [`Text`]s, e.g. from an [`Interner`]).
    pub fn from_texts(mut values: Vec<Text>) -> TextSet {
        values.sort_unstable();
        values.dedup();
        TextSet(values.into_boxed_slice())
    }
}

impl fmt::Debug for TextSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.iter()).finish()
    }
}

impl<T: Into<Text>> FromIterator<T> for TextSet {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> TextSet {
        TextSet::from_texts(iter.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Text>> Extend<T> for TextSet {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        let mut v = std::mem::take(&mut self.0).into_vec();
        v.extend(iter.into_iter().map(Into::into));
        *self = TextSet::from_texts(v);
    }
}

impl<'a> IntoIterator for &'a TextSet {
    type Item = &'a Text;
    type IntoIter = std::slice::Iter<'a, Text>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl IntoIterator for TextSet {
    type Item = Text;
    type IntoIter = std::vec::IntoIter<Text>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_vec().into_iter()
    }
}

impl<const N: usize> From<[&str; N]> for TextSet {
    fn from(values: [&str; N]) -> TextSet {
        values.into_iter().collect()
    }
}

impl Serialize for TextSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

impl<'de> Deserialize<'de> for TextSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TextSet, D::Error> {
        Vec::<Text>::deserialize(d).map(TextSet::from_texts)
    }
}

/// Gives equal strings one shared [`Text`]: a reader keeps one per table (or cohort), so a
/// value repeated over a million rows is held once.
#[derive(Debug, Default)]
pub struct Interner {
    seen: HashSet<Text>,
}

impl Interner {
    /// An empty interner.
    pub fn new() -> Interner {
        Interner::default()
    }

    /// The shared [`Text`] equal to `s` (allocated on first sight).
    pub fn text(&mut self, s: &str) -> Text {
        if let Some(t) = self.seen.get(s) {
            return t.clone();
        }
        let t = Text::from(s);
        self.seen.insert(t.clone());
        t
    }

    /// The set of `values`, each interned.
    pub fn set<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) -> TextSet {
        TextSet::from_texts(values.into_iter().map(|s| self.text(s)).collect())
    }

    /// Number of distinct values seen.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// True before any value.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    proptest! {
        /// A TextSet is a BTreeSet<String> in another shape: same order, same members, same
        /// JSON, whatever the order and repeats of the input.
        #[test]
        fn text_set_behaves_as_a_btreeset(values in proptest::collection::vec("[a-d]{0,3}", 0..12), probe in "[a-d]{0,3}") {
            let set: TextSet = values.iter().collect();
            let tree: BTreeSet<String> = values.iter().cloned().collect();
            prop_assert_eq!(set.len(), tree.len());
            prop_assert!(set.iter().map(Text::as_str).eq(tree.iter().map(String::as_str)));
            prop_assert_eq!(set.contains(&probe), tree.contains(&probe));
            prop_assert_eq!(serde_json::to_string(&set).unwrap(), serde_json::to_string(&tree).unwrap());
            let back: TextSet = serde_json::from_str(&serde_json::to_string(&tree).unwrap()).unwrap();
            prop_assert_eq!(&back, &set);
            let mut grown = set.clone();
            let mut tree2 = tree.clone();
            prop_assert_eq!(grown.insert(probe.as_str()), tree2.insert(probe.clone()));
            prop_assert!(grown.iter().map(Text::as_str).eq(tree2.iter().map(String::as_str)));
            prop_assert_eq!(grown.remove(&probe), tree2.remove(&probe));
            prop_assert!(grown.iter().map(Text::as_str).eq(tree2.iter().map(String::as_str)));
        }
    }

    #[test]
    fn an_interner_shares_equal_values() {
        let mut i = Interner::new();
        let a = i.text("Sport");
        let b = i.text("Sport");
        let c = i.text("Travel");
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert!(!Arc::ptr_eq(&a.0, &c.0));
        assert_eq!(i.len(), 2);
        assert_eq!(a, "Sport");
        let s = i.set(["Travel", "Sport", "Travel"]);
        assert_eq!(s.len(), 2);
        assert!(Arc::ptr_eq(&s.as_slice()[0].0, &a.0));
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"Sport\"");
    }
}
