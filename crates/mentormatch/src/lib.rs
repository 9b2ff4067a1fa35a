//! mentormatch: optimal mentor-mentee matching.
//!
//! The pipeline is: a [`Cohort`] of mentors and mentees plus a [`Config`] (criteria, pair rules,
//! cohort goals) are compiled into a [`Problem`] (a scored, rule-checked mentee x mentor matrix),
//! which a solver backend turns into a [`MatchResult`] with an explanation for every pair.
//!
//! Everything here is deterministic: the same input gives the same output whatever the number of
//! threads, and nothing touches the network.
#![forbid(unsafe_code)]

pub mod hall;
pub mod lap;

pub use lap::{LapError, LapSolution};
pub mod config;
pub mod criteria;
pub mod diagnosis;
pub mod error;
pub mod input;
pub mod model;

pub use config::{Config, ForbidWhen, Objective, PairRef, Quota, SolverKind, Spread};
pub use criteria::{default_criteria, Criterion, CriterionKind, Prefer, ShareMeasure};
pub use error::{Error, InputError, Location, Result};
pub use input::{load_cohort, read_history, read_matrix, read_mentees, read_mentors, DenseMatrix};
pub use model::{Cohort, Field, FieldValue, Mentee, Mentor, Participant, Profile, Side};
pub mod alternatives;
pub mod column_check;
pub mod csv_safe;
pub mod duals;
pub mod field_rules;
pub mod problem;
pub mod rematch;
pub mod report;
pub mod score;
pub mod suggest;

pub use problem::{Problem, RuleReason, ScoreMatrix};
pub use score::Scorer;
pub mod exact;
pub mod explain;
pub mod goals;
pub mod heuristic;
pub mod ilp;
pub mod lagrange;
pub mod progress;
pub mod result;
pub mod selection;
pub mod solver;
pub mod sparse;
pub mod synthetic;
mod values;

pub use diagnosis::{Infeasibility, QuotaViolation};
pub use explain::{CriterionScore, Explanation};
pub use goals::Goals;
pub use heuristic::HeuristicBackend;
pub use ilp::{Engine, IlpBackend};
pub use lagrange::{LagrangianBackend, SparseLagrangianBackend};
pub use progress::{Progress, ProgressHandle};
pub use result::{GoalReport, MatchResult, Pair, Unmatched};
pub use solver::{Backend, Settings, Solution, SolveStatus};
pub use sparse::SparseExactBackend;
pub use synthetic::synthetic_cohort;

/// Matches a cohort: compiles the problem, picks the backend the configuration asks for and
/// returns pairs with explanations. `past_pairs` are earlier rounds' pairs, never made again.
pub fn match_cohort(
    cohort: Cohort,
    config: Config,
    past_pairs: Vec<PairRef>,
) -> Result<MatchResult> {
    let problem = Problem::new(cohort, config, past_pairs)?;
    solve(&problem)
}

/// Solves a compiled problem with the backend its configuration selects.
pub fn solve(problem: &Problem) -> Result<MatchResult> {
    solve_with(problem, &Settings::from_problem(problem))
}

/// Like [`solve`], with explicit settings (e.g. a progress sink).
pub fn solve_with(problem: &Problem, settings: &Settings) -> Result<MatchResult> {
    let (backend, why) = selection::select(problem, problem.config().solver)?;
    let mut solution = backend.solve(problem, settings)?;
    if let Some(why) = why {
        solution.notes.insert(0, why);
    }
    Ok(result::build(problem, solution))
}
