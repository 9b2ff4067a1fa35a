//! Participants: who the mentors and mentees are, as their application forms describe them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::text::{Interner, Text, TextSet};

/// What mentors and mentees have in common: identity and the attributes criteria compare.
///
/// Missing values (`None`, an empty set, an absent custom attribute) are *unknown*, never an
/// error: a criterion that needs them scores neutrally (see [`crate::Criterion::missing`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Unique within its side (mentor ids and mentee ids may overlap).
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Department (*avdeling*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<Text>,
    /// Location or region (*geografi*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Text>,
    /// Professional background (*faglig bakgrunn*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<Text>,
    /// Cultural competences (*kulturell kompetanse*), e.g. Sami, languages, immigrant background.
    #[serde(default, skip_serializing_if = "TextSet::is_empty")]
    pub cultural_competence: TextSet,
    /// Interests (*fellesnevnere*): culture, sport, travel...
    #[serde(default, skip_serializing_if = "TextSet::is_empty")]
    pub interests: TextSet,
    /// Any other column of the application form, kept verbatim so criteria can use it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<Text, Text>,
}

/// A mentor: offers competences and can take `capacity` mentees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mentor {
    /// Identity and attributes.
    #[serde(flatten)]
    pub profile: Profile,
    /// Competences the mentor offers (digital, social media, young audiences...).
    #[serde(default, skip_serializing_if = "TextSet::is_empty")]
    pub offers: TextSet,
    /// How many mentees this mentor can take (0 = not available this round).
    #[serde(default = "default_capacity")]
    pub capacity: u32,
}

/// A mentee: has competence needs the programme wants covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mentee {
    /// Identity and attributes.
    #[serde(flatten)]
    pub profile: Profile,
    /// Competences the mentee needs.
    #[serde(default, skip_serializing_if = "TextSet::is_empty")]
    pub needs: TextSet,
}

fn default_capacity() -> u32 {
    1
}

impl Mentor {
    /// A mentor with only an id and capacity 1.
    pub fn new(id: impl Into<String>) -> Self {
        Mentor {
            profile: Profile {
                id: id.into(),
                ..Profile::default()
            },
            offers: TextSet::new(),
            capacity: 1,
        }
    }
}

impl Mentee {
    /// A mentee with only an id.
    pub fn new(id: impl Into<String>) -> Self {
        Mentee {
            profile: Profile {
                id: id.into(),
                ..Profile::default()
            },
            needs: TextSet::new(),
        }
    }
}

/// Which side of the programme a participant or a rule refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The mentor side.
    Mentor,
    /// The mentee side.
    Mentee,
}

impl Side {
    /// `"mentor"` or `"mentee"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Mentor => "mentor",
            Side::Mentee => "mentee",
        }
    }
}

/// Everyone taking part in one round of a programme.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cohort {
    /// Mentor applicants (there may be more places than mentees: matching also selects).
    pub mentors: Vec<Mentor>,
    /// Mentees.
    pub mentees: Vec<Mentee>,
}

/// A named attribute of a participant that criteria, quotas and spreads refer to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// `id`.
    Id,
    /// `name`.
    Name,
    /// `department`.
    Department,
    /// `location`.
    Location,
    /// `background`.
    Background,
    /// `cultural_competence` (a set).
    CulturalCompetence,
    /// `interests` (a set).
    Interests,
    /// `offers` (a set; mentors only).
    Offers,
    /// `needs` (a set; mentees only).
    Needs,
    /// `capacity` (a number; mentors only).
    Capacity,
    /// Any other column, by its header.
    Custom(String),
}

/// A field's value on one participant, borrowed.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue<'a> {
    /// Unknown: absent, empty cell or empty set.
    Missing,
    /// A single text value.
    Text(&'a str),
    /// A set of values (sorted, distinct).
    Set(Vec<&'a str>),
}

impl Field {
    /// The standard columns of one side's file, in table order: mentors have `offers` and
    /// `capacity`, mentees have `needs`.
    pub fn standard_for(side: Side) -> impl Iterator<Item = &'static str> {
        let other_side: &[&str] = match side {
            Side::Mentor => &["needs"],
            Side::Mentee => &["offers", "capacity"],
        };
        Self::STANDARD
            .into_iter()
            .filter(move |f| !other_side.contains(f))
    }

    /// Parses a field name; anything that is not a standard field is a custom column.
    pub fn parse(name: &str) -> Field {
        match name.trim() {
            "id" => Field::Id,
            "name" => Field::Name,
            "department" => Field::Department,
            "location" => Field::Location,
            "background" => Field::Background,
            "cultural_competence" => Field::CulturalCompetence,
            "interests" => Field::Interests,
            "offers" => Field::Offers,
            "needs" => Field::Needs,
            "capacity" => Field::Capacity,
            other => Field::Custom(other.to_string()),
        }
    }

    /// The field's canonical name.
    pub fn name(&self) -> &str {
        match self {
            Field::Id => "id",
            Field::Name => "name",
            Field::Department => "department",
            Field::Location => "location",
            Field::Background => "background",
            Field::CulturalCompetence => "cultural_competence",
            Field::Interests => "interests",
            Field::Offers => "offers",
            Field::Needs => "needs",
            Field::Capacity => "capacity",
            Field::Custom(s) => s,
        }
    }

    /// True for fields that hold a set of values (custom columns are split on `;` when used as sets).
    pub fn is_set(&self) -> bool {
        matches!(
            self,
            Field::CulturalCompetence | Field::Interests | Field::Offers | Field::Needs
        )
    }

    /// The standard field names, in table order.
    pub const STANDARD: [&'static str; 10] = [
        "id",
        "name",
        "department",
        "location",
        "background",
        "cultural_competence",
        "interests",
        "offers",
        "needs",
        "capacity",
    ];
}

/// Separator of several values in one cell or custom attribute.
pub const LIST_SEPARATOR: char = ';';

fn opt<T: std::ops::Deref<Target = str>>(v: &Option<T>) -> FieldValue<'_> {
    match v.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => FieldValue::Text(s),
        _ => FieldValue::Missing,
    }
}

fn set(v: &TextSet) -> FieldValue<'_> {
    if v.is_empty() {
        FieldValue::Missing
    } else {
        FieldValue::Set(v.iter().map(Text::as_str).collect())
    }
}

/// Read access to fields, shared by mentors and mentees.
pub trait Participant {
    /// Identity and common attributes.
    fn profile(&self) -> &Profile;
    /// Which side this participant is on.
    fn side(&self) -> Side;
    /// The value of `field`; side-specific fields read as missing on the other side.
    fn value(&self, field: &Field) -> FieldValue<'_>;
    /// The participant's id.
    fn id(&self) -> &str {
        &self.profile().id
    }
}

fn profile_value<'a>(p: &'a Profile, field: &Field) -> FieldValue<'a> {
    match field {
        Field::Id => FieldValue::Text(&p.id),
        Field::Name => opt(&p.name),
        Field::Department => opt(&p.department),
        Field::Location => opt(&p.location),
        Field::Background => opt(&p.background),
        Field::CulturalCompetence => set(&p.cultural_competence),
        Field::Interests => set(&p.interests),
        Field::Custom(k) => match p.extra.get(k.as_str()).map(|s| s.trim()) {
            Some(s) if !s.is_empty() => FieldValue::Text(s),
            _ => FieldValue::Missing,
        },
        Field::Offers | Field::Needs | Field::Capacity => FieldValue::Missing,
    }
}

impl Participant for Mentor {
    fn profile(&self) -> &Profile {
        &self.profile
    }
    fn side(&self) -> Side {
        Side::Mentor
    }
    fn value(&self, field: &Field) -> FieldValue<'_> {
        match field {
            Field::Offers => set(&self.offers),
            _ => profile_value(&self.profile, field),
        }
    }
}

impl Participant for Mentee {
    fn profile(&self) -> &Profile {
        &self.profile
    }
    fn side(&self) -> Side {
        Side::Mentee
    }
    fn value(&self, field: &Field) -> FieldValue<'_> {
        match field {
            Field::Needs => set(&self.needs),
            _ => profile_value(&self.profile, field),
        }
    }
}

impl<'a> FieldValue<'a> {
    /// The value as a set: a text value is a one-element set, or split on `;` if it holds several.
    pub fn as_set(&self) -> Vec<&'a str> {
        match self {
            FieldValue::Missing => Vec::new(),
            FieldValue::Text(s) => {
                let mut v: Vec<&str> = s
                    .split(LIST_SEPARATOR)
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            }
            FieldValue::Set(v) => v.clone(),
        }
    }
    /// The value as single text, if it is one.
    pub fn as_text(&self) -> Option<&'a str> {
        match self {
            FieldValue::Text(s) => Some(s),
            FieldValue::Set(v) if v.len() == 1 => Some(v[0]),
            _ => None,
        }
    }
}

/// Splits a cell holding a `;`-separated list into a set, dropping empty items and outer spaces.
pub fn split_list(cell: &str) -> TextSet {
    split_list_interned(cell, &mut Interner::new())
}

/// [`split_list`] with the values taken from `interner` (a reader keeps one per table, so a
/// value repeated over many rows is held once).
pub fn split_list_interned(cell: &str, interner: &mut Interner) -> TextSet {
    interner.set(
        cell.split(LIST_SEPARATOR)
            .map(str::trim)
            .filter(|s| !s.is_empty()),
    )
}
