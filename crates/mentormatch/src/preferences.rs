//! Ranked preferences and stability.
//!
//! After interviews, mentees and mentors often rank each other: "my first choice is M07, then
//! M03 or M12". A `preferences` column (the name is `[preferences] column`) on either side holds
//! ids of the other side in order, separated by `;`, ties written `M03=M12`. Lists may be
//! incomplete: `unlisted = "acceptable"` (default) ranks everyone left off a list below every
//! listed partner (all tied), `unlisted = "forbidden"` makes such pairs a hard rule.
//!
//! Three things use the lists:
//! - the criterion `kind = "preference"` ([`crate::CriterionKind::Preference`]) turns a rank into
//!   a value and explains it;
//! - `objective = "stable"` ([`crate::StableBackend`], [`crate::stable_matching`]) finds the mentee- or mentor-optimal
//!   stable matching;
//! - every result is audited for blocking pairs ([`crate::stability`]).
//!
//! **Whom a person prefers.** By their list where they gave one (a lower tier is better; the
//! unlisted form one tier below the last), else by the match score (higher is better). Pairs a
//! hard rule forbids (required criteria, `[[forbid]]`, history, `min_score`, unlisted when
//! forbidden) are unacceptable to both.
//!
//! **Stability with ties (weak stability).** A pair (mentee *e*, mentor *m*) that was not made
//! *blocks* the matching when it is allowed, *e* is not pinned, *e* strictly prefers *m* to their
//! partner (or is unmatched), and *m* has a place left or strictly prefers *e* to the worst
//! mentee it got. Pinned pairs are the coordinator's decision and fixed: a pinned mentee never
//! blocks and a pinned place is never offered. A matching without blocking pairs is (weakly)
//! stable; with ties, "strictly" matters: indifferent people do not block.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::model::{Cohort, Field, Mentee, Mentor, Participant, Side};

/// Whether a partner left off a list may still be paired (`[preferences] unlisted`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unlisted {
    /// Acceptable, ranked below every listed partner (all tied).
    #[default]
    Acceptable,
    /// Never paired (a hard rule); a person who gave no list accepts everyone.
    Forbidden,
}

/// Whose lists a preference criterion reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PreferenceSide {
    /// The mentee's ranking of the mentor.
    Mentee,
    /// The mentor's ranking of the mentee.
    Mentor,
    /// The mean of both (one side's value when only one side ranked).
    #[default]
    Both,
}

impl PreferenceSide {
    /// `"mentee"`, `"mentor"` or `"both"`.
    pub fn as_str(self) -> &'static str {
        match self {
            PreferenceSide::Mentee => "mentee",
            PreferenceSide::Mentor => "mentor",
            PreferenceSide::Both => "both",
        }
    }
}

/// The `[preferences]` table of the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreferenceConfig {
    /// The column (field key, after the `[columns]` mapping) holding the ranked ids, on either
    /// side; default `preferences`.
    #[serde(default = "default_column")]
    pub column: String,
    /// Whether partners left off a list are acceptable (default) or forbidden.
    #[serde(default)]
    pub unlisted: Unlisted,
}

fn default_column() -> String {
    "preferences".to_string()
}

impl Default for PreferenceConfig {
    fn default() -> Self {
        PreferenceConfig {
            column: default_column(),
            unlisted: Unlisted::Acceptable,
        }
    }
}

impl PreferenceConfig {
    /// True for the defaults (kept out of serialised configurations and fingerprints).
    pub fn is_default(&self) -> bool {
        *self == PreferenceConfig::default()
    }

    /// Checks the column name.
    pub fn validate(&self, source: &str) -> Result<()> {
        let col = self.column.trim();
        if col.is_empty() || !matches!(Field::parse(col), Field::Custom(_)) {
            return Err(Error::input(
                Location::source(source).field("preferences.column"),
                format!("preferences.column = \"{}\" is not a column of its own", self.column),
                "name the column holding the ranked ids, e.g. column = \"preferences\" (not a standard field such as interests)",
            ));
        }
        Ok(())
    }
}

/// Where a person ranks someone of the other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rank {
    /// The person gave no list.
    NoList,
    /// Listed in tier `tier` (0 = first choice) of `tiers`.
    Listed {
        /// 0-based tier.
        tier: u32,
        /// Number of tiers in the person's list.
        tiers: u32,
    },
    /// Left off the person's list.
    Unlisted,
}

impl Rank {
    /// Comparable tier for someone with a list: listed tiers, then the unlisted; `None` without list.
    pub fn tier(self) -> Option<u32> {
        match self {
            Rank::NoList => None,
            Rank::Listed { tier, .. } => Some(tier),
            Rank::Unlisted => Some(u32::MAX - 1),
        }
    }
}

/// One side's lists, in compressed rows: person `p`'s entries are `offsets[p]..offsets[p + 1]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lists {
    offsets: Vec<usize>,
    /// `(other, tier)` in the person's order.
    entries: Vec<(u32, u32)>,
    /// The same, sorted by `other` (for look-ups).
    by_other: Vec<(u32, u32)>,
    has_list: Vec<bool>,
    tiers: Vec<u32>,
}

impl Lists {
    fn with_capacity(n: usize) -> Lists {
        let mut l = Lists::default();
        l.offsets.reserve(n + 1);
        l.offsets.push(0);
        l
    }

    fn push(&mut self, list: Option<Vec<(u32, u32)>>) {
        match list {
            None => {
                self.has_list.push(false);
                self.tiers.push(0);
            }
            Some(items) => {
                self.has_list.push(true);
                self.tiers.push(items.last().map_or(0, |&(_, t)| t + 1));
                let start = self.entries.len();
                self.entries.extend_from_slice(&items);
                self.by_other.extend_from_slice(&items);
                self.by_other[start..].sort_unstable();
            }
        }
        self.offsets.push(self.entries.len());
    }

    /// Number of people on this side.
    pub fn len(&self) -> usize {
        self.has_list.len()
    }

    /// True when the side has no people.
    pub fn is_empty(&self) -> bool {
        self.has_list.is_empty()
    }

    /// Whether person `p` gave a list (a non-empty cell).
    pub fn has_list(&self, p: usize) -> bool {
        self.has_list[p]
    }

    /// Person `p`'s list as `(other, tier)`, best first.
    pub fn list(&self, p: usize) -> &[(u32, u32)] {
        &self.entries[self.offsets[p]..self.offsets[p + 1]]
    }

    /// Person `p`'s list sorted by the other person's index.
    pub fn sorted(&self, p: usize) -> &[(u32, u32)] {
        &self.by_other[self.offsets[p]..self.offsets[p + 1]]
    }

    /// Number of tiers in `p`'s list (0 without a list).
    pub fn tiers(&self, p: usize) -> u32 {
        self.tiers[p]
    }

    /// Where `p` ranks `q`.
    pub fn rank(&self, p: usize, q: usize) -> Rank {
        if !self.has_list[p] {
            return Rank::NoList;
        }
        let s = self.sorted(p);
        match s.binary_search_by_key(&(q as u32), |&(o, _)| o) {
            Ok(k) => Rank::Listed {
                tier: s[k].1,
                tiers: self.tiers[p],
            },
            Err(_) => Rank::Unlisted,
        }
    }

    /// The transpose: for each person `q` of the other side (`n_other` of them), `(p, tier)`
    /// for everyone `p` who listed `q`, sorted by `p`.
    fn transpose(&self, n_other: usize) -> Vec<Vec<(u32, u32)>> {
        let mut out = vec![Vec::new(); n_other];
        for p in 0..self.len() {
            for &(q, t) in self.list(p) {
                out[q as usize].push((p as u32, t));
            }
        }
        out
    }
}

/// Both sides' parsed lists.
#[derive(Debug, Clone, PartialEq)]
pub struct Preferences {
    /// Whether unlisted partners are acceptable.
    pub unlisted: Unlisted,
    /// Mentees' rankings of mentors.
    pub mentee: Lists,
    /// Mentors' rankings of mentees.
    pub mentor: Lists,
    /// For each mentee: the mentors who listed them, `(mentor, tier)` sorted by mentor.
    listed_by: Vec<Vec<(u32, u32)>>,
}

/// How a preference cell is written, for hints.
pub const FORMAT_HINT: &str =
    "list ids of the other side, best first, separated by ';'; write ties as M1=M7";

impl Preferences {
    /// Whether anyone gave a list ([`Preferences::parse`] gives `None` otherwise).
    pub fn given(mentors: &[Mentor], mentees: &[Mentee], config: &PreferenceConfig) -> bool {
        let field = Field::parse(config.column.trim());
        mentors.iter().any(|p| p.value(&field).as_text().is_some())
            || mentees.iter().any(|p| p.value(&field).as_text().is_some())
    }

    /// Parses the lists of `cohort` from the column `config.column`. `None` when nobody gave a
    /// list. `sources` name the mentors' and mentees' tables in errors (file paths or table
    /// names); rows are counted as in a spreadsheet (the header is row 1, the first person row 2).
    ///
    /// Errors: an id that is not on the other side, an id listed twice, a person listing their
    /// own id.
    pub fn parse(
        mentors: &[Mentor],
        mentees: &[Mentee],
        config: &PreferenceConfig,
        sources: (&str, &str),
    ) -> Result<Option<Preferences>> {
        if !Preferences::given(mentors, mentees, config) {
            return Ok(None);
        }
        let field = Field::parse(config.column.trim());
        let index = |ids: &mut dyn Iterator<Item = &str>| {
            ids.enumerate()
                .map(|(k, id)| (id.to_string(), k as u32))
                .collect::<std::collections::HashMap<String, u32>>()
        };
        let mentor_ids = index(&mut mentors.iter().map(|m| m.id()));
        let mentee_ids = index(&mut mentees.iter().map(|m| m.id()));
        let mut seen = Seen {
            stamp: vec![0; mentors.len()],
            tier: vec![0; mentors.len()],
        };
        let mut mentee = Lists::with_capacity(mentees.len());
        for (k, p) in mentees.iter().enumerate() {
            let loc = || {
                Location::source(sources.1)
                    .row(k + 2)
                    .field(config.column.clone())
            };
            mentee.push(parse_cell(
                p.value(&field).as_text(),
                p.id(),
                Side::Mentee,
                &mentor_ids,
                &mut seen,
                k,
                &loc,
            )?);
        }
        let mut seen = Seen {
            stamp: vec![0; mentees.len()],
            tier: vec![0; mentees.len()],
        };
        let mut mentor = Lists::with_capacity(mentors.len());
        for (k, p) in mentors.iter().enumerate() {
            let loc = || {
                Location::source(sources.0)
                    .row(k + 2)
                    .field(config.column.clone())
            };
            mentor.push(parse_cell(
                p.value(&field).as_text(),
                p.id(),
                Side::Mentor,
                &mentee_ids,
                &mut seen,
                k,
                &loc,
            )?);
        }
        let listed_by = mentor.transpose(mentees.len());
        Ok(Some(Preferences {
            unlisted: config.unlisted,
            mentee,
            mentor,
            listed_by,
        }))
    }

    /// Nobody gave a list (`n_mentors` mentors, `n_mentees` mentees).
    pub fn none(n_mentors: usize, n_mentees: usize) -> Preferences {
        let empty = |n: usize| {
            let mut l = Lists::with_capacity(n);
            for _ in 0..n {
                l.push(None);
            }
            l
        };
        Preferences {
            unlisted: Unlisted::Acceptable,
            mentee: empty(n_mentees),
            mentor: empty(n_mentors),
            listed_by: vec![Vec::new(); n_mentees],
        }
    }

    /// Where mentee `i` ranks mentor `j`.
    pub fn mentee_rank(&self, i: usize, j: usize) -> Rank {
        self.mentee.rank(i, j)
    }

    /// Where mentor `j` ranks mentee `i`.
    pub fn mentor_rank(&self, j: usize, i: usize) -> Rank {
        self.mentor.rank(j, i)
    }

    /// Mentors who listed mentee `i`, `(mentor, tier)` sorted by mentor.
    pub fn listed_by(&self, i: usize) -> &[(u32, u32)] {
        &self.listed_by[i]
    }

    /// Whether the lists allow the pair: always with `unlisted = "acceptable"`; otherwise each
    /// side that gave a list must list the other.
    pub fn acceptable(&self, i: usize, j: usize) -> bool {
        self.unlisted == Unlisted::Acceptable
            || (self.mentee_rank(i, j) != Rank::Unlisted
                && self.mentor_rank(j, i) != Rank::Unlisted)
    }

    /// Clears `allowed[j]` for every mentor `j` the lists rule out for mentee `i`
    /// (`unlisted = "forbidden"`); one pass over the row.
    pub fn restrict_row(&self, i: usize, allowed: &mut [bool]) {
        if self.unlisted == Unlisted::Acceptable {
            return;
        }
        if self.mentee.has_list(i) {
            let mut listed = self.mentee.sorted(i).iter().peekable();
            for (j, ok) in allowed.iter_mut().enumerate() {
                if listed.peek().is_some_and(|&&(o, _)| o as usize == j) {
                    listed.next();
                } else {
                    *ok = false;
                }
            }
        }
        let mut by = self.listed_by[i].iter().peekable();
        for (j, ok) in allowed.iter_mut().enumerate() {
            if by.peek().is_some_and(|&&(o, _)| o as usize == j) {
                by.next();
            } else if self.mentor.has_list(j) {
                *ok = false;
            }
        }
    }

    /// The rule in words when the lists forbid the pair, naming who left whom off.
    pub fn why_forbidden(&self, cohort: &Cohort, i: usize, j: usize) -> Option<String> {
        if self.unlisted == Unlisted::Acceptable {
            return None;
        }
        let (e, m) = (cohort.mentees[i].id(), cohort.mentors[j].id());
        if self.mentee_rank(i, j) == Rank::Unlisted {
            return Some(format!(
                "{m} is not on {e}'s preference list (unlisted = \"forbidden\")"
            ));
        }
        if self.mentor_rank(j, i) == Rank::Unlisted {
            return Some(format!(
                "{e} is not on {m}'s preference list (unlisted = \"forbidden\")"
            ));
        }
        None
    }
}

/// The value of a rank for the preference criterion: tier 0 is worth 1, the last tier
/// `last`, in equal steps; unlisted `unlisted`; no list NaN (unknown).
pub fn rank_value(rank: Rank, last: f64, unlisted: f64) -> f64 {
    match rank {
        Rank::NoList => f64::NAN,
        Rank::Unlisted => unlisted,
        Rank::Listed { tier, tiers } => {
            if tiers <= 1 {
                1.0
            } else {
                1.0 - (1.0 - last) * f64::from(tier) / f64::from(tiers - 1)
            }
        }
    }
}

/// `1st`, `2nd`, `3rd`, `4th`...
pub fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, r) if r != 11 => "st",
        (2, r) if r != 12 => "nd",
        (3, r) if r != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// How `who` ranks `whom`, in words: `M07 was L03's first choice`, `L03 ranked M02 3rd of 4`,
/// `M09 is not on L03's list`, `L03 gave no list`.
pub fn rank_phrase(rank: Rank, who: &str, whom: &str) -> String {
    match rank {
        Rank::NoList => format!("{who} gave no preference list"),
        Rank::Unlisted => format!("{whom} is not on {who}'s list"),
        Rank::Listed { tier: 0, .. } => format!("{whom} was {who}'s first choice"),
        Rank::Listed { tier, tiers } => {
            format!("{who} ranked {whom} {} of {tiers}", ordinal(tier + 1))
        }
    }
}

/// Scratch for [`parse_cell`]: per person of the other side, the 1-based number of the last
/// person whose list named them and the tier they got there (finds an id listed twice without a
/// set per list).
struct Seen {
    stamp: Vec<u32>,
    tier: Vec<u32>,
}

#[allow(clippy::too_many_arguments)]
fn parse_cell(
    cell: Option<&str>,
    own_id: &str,
    side: Side,
    other: &std::collections::HashMap<String, u32>,
    seen: &mut Seen,
    person: usize,
    loc: &dyn Fn() -> Location,
) -> Result<Option<Vec<(u32, u32)>>> {
    let Some(cell) = cell else { return Ok(None) };
    let other_side = match side {
        Side::Mentee => "mentor",
        Side::Mentor => "mentee",
    };
    let me = || format!("{} '{own_id}'", side.as_str());
    let stamp = person as u32 + 1;
    let mut out: Vec<(u32, u32)> = Vec::new();
    let mut tier = 0u32;
    for group in cell.split(crate::model::LIST_SEPARATOR) {
        let mut any = false;
        for id in group.split('=').map(str::trim).filter(|s| !s.is_empty()) {
            any = true;
            let q = match other.get(id) {
                Some(&q) if id != own_id => q,
                found => {
                    return Err(if id == own_id {
                        Error::input(
                            loc(),
                            format!("{} lists themselves", me()),
                            format!("remove '{id}' from the list; {FORMAT_HINT}"),
                        )
                    } else {
                        debug_assert!(found.is_none());
                        Error::input(
                            loc(),
                            format!("{} lists '{id}', which is not a {other_side} id", me()),
                            format!("use ids from the {other_side}s' table; {FORMAT_HINT}"),
                        )
                    })
                }
            };
            let k = q as usize;
            if seen.stamp[k] == stamp {
                return Err(Error::input(
                    loc(),
                    format!(
                        "{} lists '{id}' twice (ranks {} and {})",
                        me(),
                        seen.tier[k] + 1,
                        tier + 1
                    ),
                    format!("keep '{id}' once; {FORMAT_HINT}"),
                ));
            }
            seen.stamp[k] = stamp;
            seen.tier[k] = tier;
            out.push((q, tier));
        }
        if any {
            tier += 1;
        }
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_values_fall_linearly_to_the_last_value() {
        let r = |tier, tiers| Rank::Listed { tier, tiers };
        assert_eq!(rank_value(r(0, 3), 0.5, 0.0), 1.0);
        assert_eq!(rank_value(r(1, 3), 0.5, 0.0), 0.75);
        assert_eq!(rank_value(r(2, 3), 0.5, 0.0), 0.5);
        assert_eq!(rank_value(r(0, 1), 0.5, 0.0), 1.0);
        assert_eq!(rank_value(Rank::Unlisted, 0.5, 0.1), 0.1);
        assert!(rank_value(Rank::NoList, 0.5, 0.0).is_nan());
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(2), "2nd");
        assert_eq!(ordinal(3), "3rd");
        assert_eq!(ordinal(11), "11th");
        assert_eq!(ordinal(22), "22nd");
    }
}
