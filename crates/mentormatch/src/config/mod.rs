//! Configuration: criteria, pair rules, cohort goals and solver settings, as one serde struct
//! that a TOML file, a Python dict or Rust code can fill in.

pub mod field_rules;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::criteria::{default_criteria, Criterion};
use crate::error::{Error, InputError, Location, Result};
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
    /// Stability: the mentee- (or mentor-, see `stable_side`) optimal stable matching under
    /// the participants' ranked preferences (by score where a person gave none); see
    /// [`crate::preferences`].
    Stable,
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

/// An ILP engine (`ilp_engine` in the configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// microlp: pure Rust (cargo feature `microlp`, on by default).
    Microlp,
    /// HiGHS (cargo feature `highs`).
    Highs,
}

impl Engine {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Microlp => "microlp",
            Engine::Highs => "highs",
        }
    }

    /// Whether this build includes the engine.
    pub fn is_available(self) -> bool {
        match self {
            Engine::Microlp => cfg!(feature = "microlp"),
            Engine::Highs => cfg!(feature = "highs"),
        }
    }

    /// Engines compiled into this build, fastest first.
    pub fn available() -> Vec<Engine> {
        [Engine::Highs, Engine::Microlp]
            .into_iter()
            .filter(|e| e.is_available())
            .collect()
    }

    /// The error for an engine this build lacks.
    pub fn missing(self) -> Error {
        Error::Solver(format!(
            "the ILP engine {} is not compiled in; build mentormatch with the cargo feature `{}`",
            self.as_str(),
            self.as_str()
        ))
    }

    /// The backend name shown in results, e.g. `ilp/highs`.
    pub fn backend_name(self) -> &'static str {
        match self {
            Engine::Microlp => "ilp/microlp",
            Engine::Highs => "ilp/highs",
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

/// A field rule: a pair is never made when the mentee's `mentee` column and the mentor's
/// `mentor` column hold the same value (case-insensitive; in a `;`-list any one value).
///
/// Written `[[forbid_when]]` with `mentee = "manager_id"`, `mentor = "id"`: nobody is mentored
/// by their own manager; `mentee = "id"`, `mentor = "manager_id"` keeps a leader away from a
/// mentor who reports to them (the usual risk in reverse mentoring). Any two columns work, e.g.
/// a team or a family name. An empty cell never matches, so unknown values forbid nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForbidWhen {
    /// The mentee's column.
    pub mentee: String,
    /// The mentor's column.
    pub mentor: String,
    /// Why (shown in explanations and reports).
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

/// Everything that shapes one matching run besides the participants, in groups: what scores a
/// pair ([`criteria`](Config::criteria)), what to optimise, which pairs may be made
/// ([`Rules`]), what the cohort as a whole must meet ([`CohortGoals`]) and how to solve
/// ([`SolverOptions`]). The TOML file (and serde's form) stays flat: `allow_unmatched = true`,
/// not `[rules]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "FlatConfig", into = "FlatConfig")]
pub struct Config {
    /// The criteria; empty means [`default_criteria`].
    pub criteria: Vec<Criterion>,
    /// Header names of the application forms.
    pub columns: Columns,
    /// What to optimise.
    pub objective: Objective,
    /// Which pairs may (or must) be made.
    pub rules: Rules,
    /// Cohort-level goals.
    pub goals: CohortGoals,
    /// How to solve: backend, limits, tuning.
    pub solver_options: SolverOptions,
    /// Ranked preferences: the column holding them and whether unlisted partners are acceptable.
    pub preferences: crate::preferences::PreferenceConfig,
    /// `objective = "stable"`: whose optimal stable matching, mentee (default) or mentor.
    pub stable_side: Option<Side>,
}

/// Which pairs may be made, and which must.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rules {
    /// Pairs scoring below this (0..100) are never made.
    pub min_score: Option<f64>,
    /// Match as many mentees as possible instead of failing when not all can be matched.
    pub allow_unmatched: bool,
    /// Pairs never to make.
    pub forbid: Vec<PairRef>,
    /// Pairs never to make because two columns hold the same value (reporting lines).
    pub forbid_when: Vec<ForbidWhen>,
    /// Pairs that must be made (the coordinator's judgement overrides criteria and `min_score`).
    pub pin: Vec<PairRef>,
    /// CSV (`mentee_id,mentor_id`) of earlier rounds' pairs, never made again; relative to the
    /// config file.
    pub history: Option<PathBuf>,
    /// Earlier rounds' pairs given directly (ids), in addition to `history`.
    pub past_pairs: Vec<PairRef>,
}

/// Goals about the cohort as a whole.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CohortGoals {
    /// Cohort-level counts.
    pub quota: Vec<Quota>,
    /// Cohort-level spread limits.
    pub spread: Vec<Spread>,
}

/// How to solve: which backend, its limits and tuning. None of it changes which matchings are
/// valid, only how the best one is searched for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SolverOptions {
    /// Which backend (`solver` in the file).
    pub kind: SolverKind,
    /// Seconds the solver may use (ILP and heuristic backends).
    pub time_limit: Option<f64>,
    /// Seed for randomised backends.
    pub seed: Option<u64>,
    /// Sparse backends (heuristic, sparse exact): candidate mentors kept per mentee, the `k`
    /// best allowed ones (default 50). More candidates: closer to the true optimum, more memory.
    pub candidates: Option<usize>,
    /// Bytes the dense score matrix may use before `auto` switches to the sparse solvers
    /// (default: a quarter of the available memory, or 4 GiB when that cannot be read).
    pub memory_budget: Option<u64>,
    /// Heuristic backend: independent starts (default 4), run in parallel.
    pub starts: Option<usize>,
    /// ILP backend: the engine, `"highs"` or `"microlp"` (default: the fastest compiled in).
    pub ilp_engine: Option<Engine>,
}

/// The file's flat form of [`Config`]: one table, every key at the top (and unknown keys are
/// errors, which `#[serde(flatten)]` would not allow).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FlatConfig {
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
    /// Pairs never to make because two columns hold the same value (reporting lines).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbid_when: Vec<ForbidWhen>,
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
    /// Ranked preferences: the column holding them and whether unlisted partners are acceptable.
    #[serde(
        default,
        skip_serializing_if = "crate::preferences::PreferenceConfig::is_default"
    )]
    pub preferences: crate::preferences::PreferenceConfig,
    /// `objective = "stable"`: whose optimal stable matching, `"mentee"` (default) or `"mentor"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stable_side: Option<Side>,
}

impl From<FlatConfig> for Config {
    fn from(f: FlatConfig) -> Config {
        Config {
            criteria: f.criteria,
            columns: f.columns,
            objective: f.objective,
            rules: Rules {
                min_score: f.min_score,
                allow_unmatched: f.allow_unmatched,
                forbid: f.forbid,
                forbid_when: f.forbid_when,
                pin: f.pin,
                history: f.history,
                past_pairs: f.past_pairs,
            },
            goals: CohortGoals {
                quota: f.quota,
                spread: f.spread,
            },
            solver_options: SolverOptions {
                kind: f.solver,
                time_limit: f.time_limit,
                seed: f.seed,
                candidates: f.candidates,
                memory_budget: f.memory_budget,
                starts: f.starts,
                ilp_engine: f.ilp_engine,
            },
            preferences: f.preferences,
            stable_side: f.stable_side,
        }
    }
}

impl From<Config> for FlatConfig {
    fn from(c: Config) -> FlatConfig {
        let (r, g, o) = (c.rules, c.goals, c.solver_options);
        FlatConfig {
            criteria: c.criteria,
            columns: c.columns,
            min_score: r.min_score,
            allow_unmatched: r.allow_unmatched,
            forbid: r.forbid,
            forbid_when: r.forbid_when,
            pin: r.pin,
            history: r.history,
            past_pairs: r.past_pairs,
            objective: c.objective,
            solver: o.kind,
            quota: g.quota,
            spread: g.spread,
            time_limit: o.time_limit,
            seed: o.seed,
            candidates: o.candidates,
            memory_budget: o.memory_budget,
            starts: o.starts,
            ilp_engine: o.ilp_engine,
            preferences: c.preferences,
            stable_side: c.stable_side,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            criteria: Vec::new(),
            columns: Columns::default(),
            objective: Objective::Total,
            rules: Rules::default(),
            goals: CohortGoals::default(),
            solver_options: SolverOptions::default(),
            preferences: crate::preferences::PreferenceConfig::default(),
            stable_side: None,
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
        !self.goals.quota.is_empty() || !self.goals.spread.is_empty()
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
        if let Some(h) = &cfg.rules.history {
            if h.is_relative() {
                if let Some(dir) = path.parent() {
                    cfg.rules.history = Some(dir.join(h));
                }
            }
        }
        Ok(cfg)
    }

    /// This configuration with `overrides` applied, as keyword arguments and command-line
    /// flags mean them: a scalar or table replaces the configuration's value, while `forbid`,
    /// `pin` and `past_pairs` add to its lists (a rule given on top of a file must not drop the
    /// file's rules). `source` names the overrides in error messages. The result is validated.
    pub fn with_overrides(
        &self,
        overrides: serde_json::Map<String, serde_json::Value>,
        source: &str,
    ) -> Result<Config> {
        const APPENDED: [&str; 3] = ["forbid", "pin", "past_pairs"];
        let bad = |e: serde_json::Error| {
            Error::Input(
                InputError::new(Location::source(source), e.to_string()).hint(
                    "the keys and values of the TOML configuration (see examples/config.toml)",
                ),
            )
        };
        let mut base = match serde_json::to_value(self).map_err(bad)? {
            serde_json::Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        for (k, v) in overrides {
            match (APPENDED.contains(&k.as_str()), base.get_mut(&k), v) {
                (true, Some(serde_json::Value::Array(a)), serde_json::Value::Array(b)) => {
                    a.extend(b)
                }
                (_, _, v) => {
                    base.insert(k, v);
                }
            }
        }
        let merged: Config =
            serde_json::from_value(serde_json::Value::Object(base)).map_err(bad)?;
        merged.validate(source)?;
        Ok(merged)
    }

    /// Checks values that serde cannot: weights, shares, bounds.
    pub fn validate(&self, source: &str) -> Result<()> {
        for (i, c) in self.criteria.iter().enumerate() {
            c.validate(&Location::source(source).field(format!("criteria[{i}]")))?;
        }
        if let Some(m) = self.rules.min_score {
            if !m.is_finite() || !(0.0..=100.0).contains(&m) {
                return Err(Error::input(
                    Location::source(source).field("min_score"),
                    format!("min_score = {m} is outside 0..100"),
                    "match scores run from 0 to 100",
                ));
            }
        }
        if let Some(t) = self.solver_options.time_limit {
            if !t.is_finite() || t <= 0.0 {
                return Err(Error::input(
                    Location::source(source).field("time_limit"),
                    format!("time_limit = {t} is not a positive number of seconds"),
                    "e.g. time_limit = 30",
                ));
            }
        }
        if let Some(e) = self.solver_options.ilp_engine.filter(|e| !e.is_available()) {
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
        self.preferences.validate(source)?;
        for (i, c) in self.criteria.iter().enumerate() {
            if c.kind == crate::criteria::CriterionKind::Preference
                && !c.field.trim().is_empty()
                && c.field.trim() != self.preferences.column.trim()
            {
                return Err(Error::input(
                    Location::source(source).field(format!("criteria[{i}].field")),
                    format!(
                        "a preference criterion reads the [preferences] column '{}', not '{}'",
                        self.preferences.column, c.field
                    ),
                    "leave out field, or set [preferences] column to the column holding the lists",
                ));
            }
        }
        if self.objective == Objective::Stable && self.has_cohort_constraints() {
            return Err(Error::input(
                Location::source(source).field("objective"),
                "objective = \"stable\" cannot honour quotas or spreads",
                "remove the [[quota]] and [[spread]] tables, or use objective = \"total\"",
            ));
        }
        for (name, v) in [
            ("candidates", self.solver_options.candidates),
            ("starts", self.solver_options.starts),
        ] {
            if v == Some(0) {
                return Err(Error::input(
                    Location::source(source).field(name),
                    format!("{name} = 0"),
                    "use 1 or more",
                ));
            }
        }
        for (i, r) in self.rules.forbid_when.iter().enumerate() {
            for (side, name) in [("mentee", &r.mentee), ("mentor", &r.mentor)] {
                if name.trim().is_empty() {
                    return Err(Error::input(
                        Location::source(source).field(format!("forbid_when[{i}].{side}")),
                        format!("forbid_when names no {side} column"),
                        "e.g. mentee = \"manager_id\", mentor = \"id\"",
                    ));
                }
            }
        }
        for (i, q) in self.goals.quota.iter().enumerate() {
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

#[cfg(test)]
mod override_tests {
    use super::*;

    fn map(json: &str) -> serde_json::Map<String, serde_json::Value> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn overrides_replace_scalars_and_add_to_rule_lists() {
        let base = Config::from_toml_str(
            "allow_unmatched = false\nmin_score = 10\n[[forbid]]\nmentee = \"L1\"\nmentor = \"M1\"\n",
            "base.toml",
        )
        .unwrap();
        let merged = base
            .with_overrides(
                map(r#"{"min_score": 20, "allow_unmatched": true,
                        "forbid": [{"mentee": "L2", "mentor": "M2"}]}"#),
                "arguments",
            )
            .unwrap();
        assert_eq!(merged.rules.min_score, Some(20.0));
        assert!(merged.rules.allow_unmatched);
        let forbids: Vec<_> = merged
            .rules
            .forbid
            .iter()
            .map(|p| p.mentee.as_str())
            .collect();
        assert_eq!(forbids, ["L1", "L2"]);
    }

    #[test]
    fn bad_overrides_are_input_errors_naming_the_source() {
        let e = Config::default()
            .with_overrides(map(r#"{"min_scor": 20}"#), "arguments")
            .unwrap_err();
        let Error::Input(e) = e else {
            panic!("expected an input error, got {e}")
        };
        assert_eq!(e.location.source.as_deref(), Some("arguments"));
        assert!(e.message.contains("min_scor"), "{}", e.message);
        let e = Config::default()
            .with_overrides(map(r#"{"min_score": 200}"#), "arguments")
            .unwrap_err();
        assert!(
            e.to_string().contains("min_score = 200 is outside 0..100"),
            "{e}"
        );
    }
}

#[cfg(test)]
mod grouping_tests {
    use super::*;

    /// The file stays flat while the struct is grouped; serde's form is the file's form, and
    /// a key in no group is still an error naming it.
    #[test]
    fn flat_file_grouped_struct_one_round_trip() {
        let text = "allow_unmatched = true\nmin_score = 20\nsolver = \"exact\"\ntime_limit = 5.0\n\
                    objective = \"maxmin\"\n[[spread]]\nside = \"mentor\"\nfield = \"department\"\nmax = 2\n";
        let c = Config::from_toml_str(text, "flat.toml").unwrap();
        assert!(c.rules.allow_unmatched);
        assert_eq!(c.rules.min_score, Some(20.0));
        assert_eq!(c.solver_options.kind, SolverKind::Exact);
        assert_eq!(c.solver_options.time_limit, Some(5.0));
        assert_eq!(c.objective, Objective::Maxmin);
        assert_eq!(c.goals.spread.len(), 1);
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["allow_unmatched"], true);
        assert_eq!(json["solver"], "exact");
        assert!(json.get("rules").is_none() && json.get("solver_options").is_none());
        let back: Config = serde_json::from_value(json).unwrap();
        assert_eq!(back, c);
        let err = Config::from_toml_str("[rules]\nallow_unmatched = true\n", "grouped.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `rules`"), "{err}");
    }
}
