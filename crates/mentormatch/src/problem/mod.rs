//! A matching problem: a cohort and configuration compiled into scores, hard rules and pins,
//! ready for any solver backend.

pub mod hall;
mod memory;
mod pins;

pub use pins::AfterPins;

pub use memory::available_memory;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{Config, PairRef};
use crate::criteria::Criterion;
use crate::error::{Error, Location, Result};
use crate::model::{Cohort, Participant};
use crate::preferences::Preferences;
use crate::score::Scorer;

/// Why a pair is never made, beyond its score.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuleReason {
    /// Listed in `[[forbid]]`, with the reason given there.
    Forbidden(Option<String>),
    /// Paired in an earlier round.
    History,
    /// A `[[forbid_when]]` field rule, described in words.
    FieldRule(String),
}

/// The dense mentee x mentor score matrix with the hard-rule mask.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreMatrix {
    /// Rows.
    pub n_mentees: usize,
    /// Columns.
    pub n_mentors: usize,
    /// Row-major match scores, 0..100.
    pub scores: Vec<f64>,
    /// Row-major: may this pair be made?
    pub allowed: Vec<bool>,
}

impl ScoreMatrix {
    /// Score of mentee `i` with mentor `j`.
    pub fn score(&self, i: usize, j: usize) -> f64 {
        self.scores[i * self.n_mentors + j]
    }
    /// Whether mentee `i` may be paired with mentor `j`.
    pub fn allowed(&self, i: usize, j: usize) -> bool {
        self.allowed[i * self.n_mentors + j]
    }
}

/// A compiled matching problem.
#[derive(Debug, Clone)]
pub struct Problem {
    cohort: Cohort,
    config: Config,
    criteria: Vec<Criterion>,
    scorer: Scorer,
    capacity: Vec<u32>,
    pins: Vec<(usize, usize)>,
    /// Per mentee: mentors ruled out by forbid or history, sorted, with the reason.
    rules: Vec<Vec<(u32, RuleReason)>>,
    mentee_index: HashMap<String, usize>,
    mentor_index: HashMap<String, usize>,
    past_pairs: Vec<PairRef>,
    /// Ranked preferences, when anyone gave a list.
    preferences: Option<Arc<Preferences>>,
    /// In a shard problem ([`Problem::shard`]): the place of mentee 0 in the whole cohort.
    shard: Option<usize>,
}

fn index_of<'a, P: Participant + 'a>(
    people: impl Iterator<Item = &'a P>,
) -> HashMap<String, usize> {
    people
        .enumerate()
        .map(|(i, p)| (p.id().to_string(), i))
        .collect()
}

impl Problem {
    /// Compiles a problem. Earlier rounds' pairs are never made again: those in the
    /// configuration's `history` file (read here, so every front end honours it), in
    /// `config.past_pairs`, and `past_pairs` (e.g. a `--history` file given separately). Pairs
    /// naming people not in this cohort are ignored, as they concern earlier participants.
    pub fn new(cohort: Cohort, config: Config, past_pairs: Vec<PairRef>) -> Result<Problem> {
        Problem::build(cohort, config, past_pairs, None)
    }

    /// A problem over every mentor and one shard of the mentees: `cohort.mentees` are mentees
    /// `offset..offset + n` of a whole cohort whose problem ([`Problem::new`]) was built
    /// elsewhere (the driver of a distributed run), with the same mentors, configuration and
    /// history. A worker answers shard jobs from it holding only its shard of mentees.
    ///
    /// Pairs score, and the hard rules apply, exactly as in the whole cohort's problem (the
    /// mentor side compiles from the mentors alone, see [`crate::score`]). Rules naming a
    /// mentee outside the shard (`[[forbid]]`, `[[pin]]`) concern other shards and are skipped
    /// rather than refused as unknown ids; checks that need the whole cohort (a mentor's pins
    /// against its capacity) are left to the whole problem, which must have been built
    /// without error first: a shard raises no error the whole cohort would not. Ranked
    /// preferences rank mentees of the whole cohort, so a cohort with preference lists (or a
    /// preference criterion) cannot be sharded: an input error, and callers keep the whole
    /// cohort on each worker then ([`Problem::shardable`]).
    pub fn shard(
        cohort: Cohort,
        config: Config,
        past_pairs: Vec<PairRef>,
        offset: usize,
    ) -> Result<Problem> {
        Problem::build(cohort, config, past_pairs, Some(offset))
    }

    /// Whether [`Problem::shard`] can split this problem's mentees: no ranked preferences
    /// (lists or a preference criterion), which rank mentees of the whole cohort.
    pub fn shardable(&self) -> bool {
        self.preferences.is_none()
            && !self
                .criteria
                .iter()
                .any(|c| c.kind == crate::criteria::CriterionKind::Preference)
    }

    /// The place of mentee 0 in the whole cohort (0 unless this is a shard problem). The
    /// candidate search orders equally good mentors per mentee by this global place, so that a
    /// shard answers exactly as the whole cohort does.
    pub fn mentee_offset(&self) -> usize {
        self.shard.unwrap_or(0)
    }

    fn build(
        cohort: Cohort,
        config: Config,
        past_pairs: Vec<PairRef>,
        shard: Option<usize>,
    ) -> Result<Problem> {
        config.validate("config")?;
        check_unique(&cohort)?;
        let criteria = config.effective_criteria();
        for (i, c) in criteria.iter().enumerate() {
            c.validate(&Location::source("config").field(format!("criteria[{i}]")))?;
        }
        if shard.is_some()
            && criteria
                .iter()
                .any(|c| c.kind == crate::criteria::CriterionKind::Preference)
        {
            return Err(Error::input(
                Location::source("config").field("criteria"),
                "a preference criterion ranks mentees of the whole cohort: the mentees cannot be sharded",
                "give every worker the whole cohort",
            ));
        }
        if shard.is_some()
            && Preferences::given(&cohort.mentors, &cohort.mentees, &config.preferences)
        {
            return Err(Error::input(
                Location::source("mentees"),
                "ranked preferences rank mentees of the whole cohort: the mentees cannot be sharded",
                "give every worker the whole cohort",
            ));
        }
        let preferences = Preferences::parse(
            &cohort.mentors,
            &cohort.mentees,
            &config.preferences,
            ("mentors", "mentees"),
        )?
        .map(Arc::new);
        let scorer = Scorer::with_preferences(
            &criteria,
            &cohort.mentees,
            &cohort.mentors,
            preferences.clone(),
        )?;
        let mentee_index = index_of(cohort.mentees.iter());
        let mentor_index = index_of(cohort.mentors.iter());
        let capacity: Vec<u32> = cohort.mentors.iter().map(|m| m.capacity).collect();

        let lookup = |p: &PairRef, table: &str, k: usize| -> Result<(usize, usize)> {
            let loc = || Location::source("config").field(format!("{table}[{k}]"));
            let i = *mentee_index.get(&p.mentee).ok_or_else(|| {
                Error::input(
                    loc(),
                    format!("unknown mentee '{}'", p.mentee),
                    "use an id from the mentees file",
                )
            })?;
            let j = *mentor_index.get(&p.mentor).ok_or_else(|| {
                Error::input(
                    loc(),
                    format!("unknown mentor '{}'", p.mentor),
                    "use an id from the mentors file",
                )
            })?;
            Ok((i, j))
        };

        // In a shard, a pair whose mentee is elsewhere concerns another shard (the whole
        // problem checked its ids).
        let elsewhere = |p: &PairRef| shard.is_some() && !mentee_index.contains_key(&p.mentee);
        let mut rules: Vec<BTreeMap<u32, RuleReason>> = vec![BTreeMap::new(); cohort.mentees.len()];
        for (k, p) in config.rules.forbid.iter().enumerate() {
            if elsewhere(p) {
                continue;
            }
            let (i, j) = lookup(p, "forbid", k)?;
            rules[i].insert(j as u32, RuleReason::Forbidden(p.reason.clone()));
        }
        for rule in &config.rules.forbid_when {
            for (i, j, value) in
                crate::config::field_rules::forbidden_pairs(rule, &cohort.mentees, &cohort.mentors)
            {
                rules[i].entry(j as u32).or_insert_with(|| {
                    RuleReason::FieldRule(crate::config::field_rules::describe(rule, &value))
                });
            }
        }
        let mut all_past = match &config.rules.history {
            Some(path) => crate::input::read_history(path)?,
            None => Vec::new(),
        };
        all_past.extend(config.rules.past_pairs.iter().cloned());
        all_past.extend(past_pairs);
        for p in &all_past {
            if let (Some(&i), Some(&j)) = (mentee_index.get(&p.mentee), mentor_index.get(&p.mentor))
            {
                rules[i].entry(j as u32).or_insert(RuleReason::History);
            }
        }

        let mut pins = Vec::new();
        let mut pinned_mentee: HashMap<usize, usize> = HashMap::new();
        let mut used = vec![0u32; capacity.len()];
        for (k, p) in config.rules.pin.iter().enumerate() {
            if elsewhere(p) {
                continue;
            }
            let (i, j) = lookup(p, "pin", k)?;
            let loc = Location::source("config").field(format!("pin[{k}]"));
            if let Some(&prev) = pinned_mentee.get(&i) {
                if prev == j {
                    continue;
                }
                return Err(Error::input(
                    loc,
                    format!(
                        "mentee '{}' is pinned to both '{}' and '{}'",
                        p.mentee,
                        cohort.mentors[prev].id(),
                        p.mentor
                    ),
                    "keep one pin per mentee",
                ));
            }
            if let Some(r) = rules[i].get(&(j as u32)) {
                let why = match r {
                    RuleReason::History => "were paired in an earlier round (history)".to_string(),
                    RuleReason::Forbidden(_) => "are also listed under [[forbid]]".to_string(),
                    RuleReason::FieldRule(t) => format!("are ruled out by [[forbid_when]]: {t}"),
                };
                return Err(Error::input(
                    loc,
                    format!("pinned pair {} - {} {why}", p.mentee, p.mentor),
                    "remove the pin or the conflicting rule",
                ));
            }
            used[j] += 1;
            if used[j] > capacity[j] {
                return Err(Error::input(
                    loc,
                    format!(
                        "mentor '{}' is pinned to {} mentees but has capacity {}",
                        p.mentor, used[j], capacity[j]
                    ),
                    "raise the mentor's capacity or remove a pin",
                ));
            }
            pinned_mentee.insert(i, j);
            pins.push((i, j));
        }
        pins.sort_unstable();
        let rules = rules.into_iter().map(|m| m.into_iter().collect()).collect();
        Ok(Problem {
            cohort,
            config,
            criteria,
            scorer,
            capacity,
            pins,
            rules,
            mentee_index,
            mentor_index,
            past_pairs: all_past,
            preferences,
            shard,
        })
    }

    /// The participants.
    pub fn cohort(&self) -> &Cohort {
        &self.cohort
    }
    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// The criteria in effect.
    pub fn criteria(&self) -> &[Criterion] {
        &self.criteria
    }
    /// The compiled criteria.
    pub fn scorer(&self) -> &Scorer {
        &self.scorer
    }
    /// Number of mentees.
    pub fn n_mentees(&self) -> usize {
        self.cohort.mentees.len()
    }
    /// Number of mentors.
    pub fn n_mentors(&self) -> usize {
        self.cohort.mentors.len()
    }
    /// Places per mentor.
    pub fn capacity(&self) -> &[u32] {
        &self.capacity
    }
    /// Pinned pairs `(mentee, mentor)`, sorted.
    pub fn pins(&self) -> &[(usize, usize)] {
        &self.pins
    }
    /// Whether `(i, j)` is pinned.
    pub fn is_pinned(&self, i: usize, j: usize) -> bool {
        self.pins.binary_search(&(i, j)).is_ok()
    }
    /// Earlier rounds' pairs taken into account.
    pub fn past_pairs(&self) -> &[PairRef] {
        &self.past_pairs
    }
    /// Index of a mentee by id.
    pub fn mentee_index(&self, id: &str) -> Option<usize> {
        self.mentee_index.get(id).copied()
    }
    /// Index of a mentor by id.
    pub fn mentor_index(&self, id: &str) -> Option<usize> {
        self.mentor_index.get(id).copied()
    }
    /// Forbid or history rule on `(i, j)`, if any.
    pub fn rule(&self, i: usize, j: usize) -> Option<&RuleReason> {
        let r = &self.rules[i];
        r.binary_search_by_key(&(j as u32), |(m, _)| *m)
            .ok()
            .map(|k| &r[k].1)
    }

    /// Score and whether the pair may be made, after every hard rule: required criteria,
    /// forbidden pairs, history, `min_score` and, with `[preferences] unlisted = "forbidden"`,
    /// the ranked lists. A pinned pair is always allowed.
    pub fn pair(&self, i: usize, j: usize) -> (f64, bool) {
        let (s, ok) = self.scorer.pair(i, j);
        if self.is_pinned(i, j) {
            return (s, true);
        }
        (
            s,
            ok && self.rule(i, j).is_none()
                && self.min_score_ok(s)
                && self.preferences.as_ref().is_none_or(|p| p.acceptable(i, j)),
        )
    }

    /// The parsed ranked preferences, when anyone gave a list.
    pub fn preferences(&self) -> Option<&Preferences> {
        self.preferences.as_deref()
    }

    fn min_score_ok(&self, s: f64) -> bool {
        self.config.rules.min_score.is_none_or(|m| s >= m)
    }

    /// One row of [`Problem::pair`] for every mentor, into the given buffers.
    pub fn score_row(&self, i: usize, scores: &mut [f64], allowed: &mut [bool]) {
        self.scorer.score_row(i, scores, allowed);
        if let Some(m) = self.config.rules.min_score {
            for (ok, &s) in allowed.iter_mut().zip(scores.iter()) {
                *ok &= s >= m;
            }
        }
        for (j, _) in &self.rules[i] {
            allowed[*j as usize] = false;
        }
        if let Some(p) = &self.preferences {
            p.restrict_row(i, allowed);
        }
        let start = self.pins.partition_point(|&(a, _)| a < i);
        for &(_, j) in self.pins[start..].iter().take_while(|&&(a, _)| a == i) {
            allowed[j] = true;
        }
    }

    /// The same problem without cohort goals (quotas, spreads) and with the total objective:
    /// whether it is feasible tells a Hall-type infeasibility (too few places) from a goal
    /// conflict. Earlier rounds' pairs are kept (already read from `history`).
    pub fn without_goals(&self) -> Result<Problem> {
        let config = {
            let mut c = self.config.clone();
            c.goals.quota = Vec::new();
            c.goals.spread = Vec::new();
            c.objective = crate::config::Objective::Total;
            c.rules.past_pairs = Vec::new();
            c.rules.history = None;
            c
        };
        Problem::build(
            self.cohort.clone(),
            config,
            self.past_pairs.clone(),
            self.shard,
        )
    }

    /// The dense score matrix, computed in parallel (rows are independent, so the result does
    /// not depend on the number of threads).
    pub fn score_matrix(&self) -> ScoreMatrix {
        let (n, m) = (self.n_mentees(), self.n_mentors());
        let mut scores = vec![0.0; n * m];
        let mut allowed = vec![false; n * m];
        if m > 0 {
            scores
                .par_chunks_mut(m)
                .zip(allowed.par_chunks_mut(m))
                .enumerate()
                .for_each(|(i, (s, a))| {
                    self.score_row(i, s, a);
                });
        }
        ScoreMatrix {
            n_mentees: n,
            n_mentors: m,
            scores,
            allowed,
        }
    }
}

fn check_unique(cohort: &Cohort) -> Result<()> {
    fn dup<'a>(ids: impl Iterator<Item = &'a str>, table: &str) -> Result<()> {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (k, id) in ids.enumerate() {
            if id.trim().is_empty() {
                return Err(Error::input(
                    Location::source(table).row(k + 1).field("id"),
                    "empty id",
                    "every participant needs an id",
                ));
            }
            if let Some(first) = seen.insert(id, k) {
                return Err(Error::input(
                    Location::source(table).row(k + 1).field("id"),
                    format!("duplicate id '{id}' (also record {})", first + 1),
                    "ids must be unique within the table",
                ));
            }
        }
        Ok(())
    }
    dup(cohort.mentors.iter().map(|m| m.id()), "mentors")?;
    dup(cohort.mentees.iter().map(|m| m.id()), "mentees")
}
