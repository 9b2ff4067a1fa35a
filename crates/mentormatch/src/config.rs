//! Configuration: criteria, pair rules, cohort goals and solver settings, as one serde struct
//! that a TOML file, a Python dict or Rust code can fill in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::criteria::{default_criteria, Criterion};
use crate::error::{Error, InputError, Location, Result};
use crate::ilp::Engine;
use crate::model::Side;

/// What the solver optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Maximise the total match score.
    #[default]
    Total,
    /// Fairness: maximise the lowest pair score, then the total among those solutions.
    Maxmin,
}

/// Which backend solves the problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SolverKind {
    /// The exact matcher unless cohort-level goals need the Lagrangian backend, or the problem
    /// is too large for a dense matrix and needs the heuristic backend.
    #[default]
    Auto,
    /// The exact assignment solver (proven optimum).
    Exact,
    /// Integer programming (cohort-level quotas and spreads).
    Ilp,
    /// Sparse candidates and local search, with a bound on the optimum (very large programmes).
    Heuristic,
    /// The exact assignment over sparse candidates (the `k` best allowed mentors per mentee),
    /// with a bound on the optimum over all pairs. Cohort-level goals are ignored.
    Sparse,
    /// Cohort-level goals by Lagrangian relaxation: exact assignment subproblems, a proven
    /// bound, repair, and the ILP on the reduced model to close the gap.
    Lagrangian,
}

impl SolverKind {
    /// Lower-case name as used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            SolverKind::Auto => "auto",
            SolverKind::Exact => "exact",
            SolverKind::Ilp => "ilp",
            SolverKind::Heuristic => "heuristic",
            SolverKind::Sparse => "sparse",
            SolverKind::Lagrangian => "lagrangian",
        }
    }
}

/// A mentee-mentor pair named by ids, as written in `[[forbid]]` and `[[pin]]` tables.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairRef {
    /// Mentee id.
    pub mentee: String,
    /// Mentor id.
    pub mentor: String,
    /// Why (shown in reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A cohort-level count: pairs whose mentor (or mentee) has `field` in `values`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    /// Whose field is counted.
    pub side: Side,
    /// Any single-valued or set field; a set field counts when any of its values is in `values`.
    pub field: String,
    /// The values counted.
    pub values: Vec<String>,
    /// At least this many pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    /// At most this many pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    /// At least this share (0..1) of all pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_share: Option<f64>,
    /// At most this share (0..1) of all pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_share: Option<f64>,
}

/// For every distinct value of `field` on `side`: at most `max` pairs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spread {
    /// Whose field is counted.
    pub side: Side,
    /// A single-valued field.
    pub field: String,
    /// Most pairs sharing one value.
    pub max: u32,
}

/// Mapping from mentormatch's field names to the headers of a coordinator's own form.
///
/// `[columns]` applies to both files; `[columns.mentors]` and `[columns.mentees]` override it
/// for one file. Keys are our field names (`department`), values the headers (`Avdeling`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Columns {
    /// Both files.
    #[serde(flatten)]
    pub common: BTreeMap<String, ColumnEntry>,
}

/// One entry of `[columns]`: either a header for both files, or a per-file table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ColumnEntry {
    /// `department = "Avdeling"`.
    Header(String),
    /// `[columns.mentors]` with `department = "Avdeling"`.
    PerFile(BTreeMap<String, String>),
}

impl Columns {
    /// The header a `side`'s file uses for `field` (the field name itself when not mapped).
    pub fn header_for<'a>(&'a self, side: Side, field: &'a str) -> &'a str {
        let table = match side {
            Side::Mentor => "mentors",
            Side::Mentee => "mentees",
        };
        if let Some(ColumnEntry::PerFile(m)) = self.common.get(table) {
            if let Some(h) = m.get(field) {
                return h;
            }
        }
        match self.common.get(field) {
            Some(ColumnEntry::Header(h)) => h,
            _ => field,
        }
    }
}

/// Everything that shapes one matching run besides the participants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The criteria; empty means [`default_criteria`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<Criterion>,
    /// Header names of the application forms.
    #[serde(default)]
    pub columns: Columns,
    /// Pairs scoring below this (0..100) are never made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_score: Option<f64>,
    /// Match as many mentees as possible instead of failing when not all can be matched.
    #[serde(default)]
    pub allow_unmatched: bool,
    /// Pairs never to make.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbid: Vec<PairRef>,
    /// Pairs that must be made (the coordinator's judgement overrides criteria and `min_score`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pin: Vec<PairRef>,
    /// CSV (`mentee_id,mentor_id`) of earlier rounds' pairs, never made again; relative to the config file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<PathBuf>,
    /// Earlier rounds' pairs given directly (ids), in addition to `history`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub past_pairs: Vec<PairRef>,
    /// What to optimise.
    #[serde(default)]
    pub objective: Objective,
    /// Which backend.
    #[serde(default)]
    pub solver: SolverKind,
    /// Cohort-level counts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quota: Vec<Quota>,
    /// Cohort-level spread limits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spread: Vec<Spread>,
    /// Seconds the solver may use (ILP and heuristic backends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit: Option<f64>,
    /// Seed for randomised backends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Sparse backends (heuristic, sparse exact): candidate mentors kept per mentee, the `k`
    /// best allowed ones (default 50). More candidates: closer to the true optimum, more memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidates: Option<usize>,
    /// Bytes the dense score matrix may use before `auto` switches to the sparse solvers
    /// (default: a quarter of the available memory, or 4 GiB when that cannot be read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_budget: Option<u64>,
    /// Heuristic backend: independent starts (default 4), run in parallel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts: Option<usize>,
    /// ILP backend: the engine, `"highs"` or `"microlp"` (default: the fastest compiled in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ilp_engine: Option<Engine>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            criteria: Vec::new(),
            columns: Columns::default(),
            min_score: None,
            allow_unmatched: false,
            forbid: Vec::new(),
            pin: Vec::new(),
            history: None,
            past_pairs: Vec::new(),
            objective: Objective::Total,
            solver: SolverKind::Auto,
            quota: Vec::new(),
            spread: Vec::new(),
            time_limit: None,
            seed: None,
            candidates: None,
            memory_budget: None,
            starts: None,
            ilp_engine: None,
        }
    }
}

impl Config {
    /// The criteria in effect: the configured ones, or the default preset when none are listed.
    pub fn effective_criteria(&self) -> Vec<Criterion> {
        if self.criteria.is_empty() {
            default_criteria()
        } else {
            self.criteria.clone()
        }
    }

    /// True when the configuration has goals about the cohort as a whole (quotas, spreads).
    pub fn has_cohort_constraints(&self) -> bool {
        !self.quota.is_empty() || !self.spread.is_empty()
    }

    /// Parses TOML text; `source` names the file in error messages.
    pub fn from_toml_str(text: &str, source: &str) -> Result<Config> {
        let cfg: Config = toml::from_str(text).map_err(|e| {
            let mut loc = Location::source(source);
            if let Some(span) = e.span() {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                loc = loc.row(line);
            }
            Error::Input(
                InputError::new(loc, e.message().trim().to_string())
                    .hint("see examples/config.toml for every key with comments"),
            )
        })?;
        cfg.validate(source)?;
        Ok(cfg)
    }

    /// Reads and parses a TOML file; a relative `history` path is resolved against the file's folder.
    pub fn from_toml_file(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        let mut cfg = Config::from_toml_str(&text, &path.display().to_string())?;
        if let Some(h) = &cfg.history {
            if h.is_relative() {
                if let Some(dir) = path.parent() {
                    cfg.history = Some(dir.join(h));
                }
            }
        }
        Ok(cfg)
    }

    /// Checks values that serde cannot: weights, shares, bounds.
    pub fn validate(&self, source: &str) -> Result<()> {
        for (i, c) in self.criteria.iter().enumerate() {
            c.validate(&Location::source(source).field(format!("criteria[{i}]")))?;
        }
        if let Some(m) = self.min_score {
            if !m.is_finite() || !(0.0..=100.0).contains(&m) {
                return Err(Error::input(
                    Location::source(source).field("min_score"),
                    format!("min_score = {m} is outside 0..100"),
                    "match scores run from 0 to 100",
                ));
            }
        }
        if let Some(t) = self.time_limit {
            if !t.is_finite() || t <= 0.0 {
                return Err(Error::input(
                    Location::source(source).field("time_limit"),
                    format!("time_limit = {t} is not a positive number of seconds"),
                    "e.g. time_limit = 30",
                ));
            }
        }
        if let Some(e) = self.ilp_engine.filter(|e| !e.is_available()) {
            return Err(Error::input(
                Location::source(source).field("ilp_engine"),
                format!(
                    "ilp_engine = \"{}\" is not compiled into this build",
                    e.as_str()
                ),
                format!(
                    "remove the key, or build mentormatch with the cargo feature `{}`",
                    e.as_str()
                ),
            ));
        }
        for (name, v) in [("candidates", self.candidates), ("starts", self.starts)] {
            if v == Some(0) {
                return Err(Error::input(
                    Location::source(source).field(name),
                    format!("{name} = 0"),
                    "use 1 or more",
                ));
            }
        }
        for (i, q) in self.quota.iter().enumerate() {
            let loc = Location::source(source).field(format!("quota[{i}]"));
            if q.values.is_empty() {
                return Err(Error::input(
                    loc,
                    "quota lists no values",
                    "e.g. values = [\"Tromsø\"]",
                ));
            }
            if q.min.is_none() && q.max.is_none() && q.min_share.is_none() && q.max_share.is_none()
            {
                return Err(Error::input(
                    loc,
                    "quota sets no bound",
                    "give min, max, min_share or max_share",
                ));
            }
            for (name, s) in [("min_share", q.min_share), ("max_share", q.max_share)] {
                if let Some(s) = s {
                    if !(0.0..=1.0).contains(&s) {
                        return Err(Error::input(
                            loc.clone(),
                            format!("{name} = {s} is outside 0..1"),
                            "a share such as 0.25",
                        ));
                    }
                }
            }
            if let (Some(lo), Some(hi)) = (q.min, q.max) {
                if lo > hi {
                    return Err(Error::input(
                        loc,
                        format!("min {lo} is above max {hi}"),
                        "swap them",
                    ));
                }
            }
        }
        Ok(())
    }
}
