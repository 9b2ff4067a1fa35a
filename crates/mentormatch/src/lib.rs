//! mentormatch: optimal mentor-mentee matching.
//!
//! The pipeline is: a [`Cohort`] of mentors and mentees plus a [`Config`] (criteria, pair rules,
//! cohort goals) are compiled into a [`Problem`] (a scored, rule-checked mentee x mentor matrix),
//! which a solver backend turns into a [`MatchResult`] with an explanation for every pair.
//!
//! Everything here is deterministic: the same input gives the same output whatever the number of
//! threads, and nothing touches the network.
#![forbid(unsafe_code)]

// The modules in layers: each uses only the ones above it (`tests/module_dag.rs` checks this).
//
// Foundations, used everywhere.
pub mod csv_safe;
pub mod diagnosis;
pub mod distributed;
pub mod error;
pub mod goal_bound;
pub mod model;
pub mod progress;
pub mod rng;
pub mod synthetic;
pub mod text;
mod values;
// Ranked preferences: the lists participants give (read by criteria, rules and stability).
pub mod preferences;
// What is asked: criteria, then the configuration that holds them and the rules.
pub mod config;
pub mod criteria;
// Reading the application forms.
pub mod input;
// Compiling: scores, then the problem (rules checked, Hall's condition).
pub mod problem;
pub mod score;
// What a problem asks beyond the pairs: cohort goals; why a pair scores what it does.
pub mod explain;
pub mod goals;
// Solving: assignment kernels, the backend trait, the backends, the choice among them.
mod backends;
// Unit tests share the integration tests' helpers, which name the crate `mentormatch`.
#[cfg(test)]
extern crate self as mentormatch;
pub mod lap;
pub mod selection;
pub mod solver;
// Stability: blocking pairs of any matching, the price of stability, audits.
pub mod stability;
// What comes out, and the questions asked of it afterwards.
pub mod analysis;
pub mod report;
pub mod result;

pub use backends::exact::ExactBackend;
pub use backends::heuristic::HeuristicBackend;
pub use backends::ilp::IlpBackend;
pub use backends::lagrange::{LagrangianBackend, SparseLagrangianBackend};
pub use backends::sparse::SparseExactBackend;
pub use backends::stable::{stable_matching, StableBackend};
pub use config::{Config, Engine, ForbidWhen, Objective, PairRef, Quota, SolverKind, Spread};
pub use criteria::{default_criteria, Criterion, CriterionKind, Prefer, ShareMeasure};
pub use diagnosis::{Infeasibility, QuotaViolation};
pub use error::{Error, InputError, Location, Result};
pub use explain::{CriterionScore, Explanation};
pub use goal_bound::GoalBound;
pub use goals::{GoalReport, Goals};
pub use input::{load_cohort, read_history, read_matrix, read_mentees, read_mentors, DenseMatrix};
pub use lap::{LapError, LapSolution};
pub use model::{Cohort, Field, FieldValue, Mentee, Mentor, Participant, Profile, Side};
pub use preferences::{PreferenceConfig, PreferenceSide, Preferences, Unlisted};
pub use problem::{Problem, RuleReason, ScoreMatrix};
pub use progress::{Progress, ProgressHandle};
pub use result::{MatchResult, Pair, Stats, Unmatched, UnmatchedReason};
pub use score::Scorer;
pub use solver::{Backend, Note, NoteKind, Settings, Solution, SolveStatus};
pub use stability::{BlockingPair, PriceOfStability};
pub use synthetic::synthetic_cohort;
pub use text::{Interner, Text, TextSet};

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
    solve_by(problem, |backend| backend.solve(problem, settings))
}

/// The steps every solve shares, around `run` (which solves with the backend the configuration
/// selects, e.g. locally or with its passes over all pairs on a cluster): why `auto` chose it,
/// the result with its explanations, the price of stability.
pub(crate) fn solve_by(
    problem: &Problem,
    run: impl FnOnce(&dyn Backend) -> Result<Solution>,
) -> Result<MatchResult> {
    let started = std::time::Instant::now();
    let (backend, why) = selection::select(problem, problem.config().solver_options.kind)?;
    let mut solution = run(backend.as_ref())?;
    if let Some(why) = why {
        solution.notes.insert(0, solver::Note::auto_choice(why));
    }
    Ok(finish_solve(problem, solution, started))
}

/// The steps after every solve, whoever chose the backend: the result with its explanations
/// and timing, and the price of stability when preferences were given.
pub(crate) fn finish_solve(
    problem: &Problem,
    solution: Solution,
    started: std::time::Instant,
) -> MatchResult {
    let assignment = solution.assignment.clone();
    let stats = result::Stats {
        solve_seconds: started.elapsed().as_secs_f64(),
    };
    let mut result = result::build(problem, solution, stats);
    if problem.preferences().is_some() && result.status != SolveStatus::NoSolutionFound {
        let pairs = problem.n_mentees() as u128 * problem.n_mentors() as u128;
        if problem.config().has_cohort_constraints() {
            result.notes.push(Note::unsupported(
                "price of stability not computed: stable matchings cannot honour quotas or spreads",
            ));
        } else if pairs > stability::PRICE_MAX_PAIRS {
            result.notes.push(Note::limit(format!(
                "price of stability not computed: {} x {} is above {} pairs",
                problem.n_mentees(),
                problem.n_mentors(),
                stability::PRICE_MAX_PAIRS
            )));
        } else {
            match stability::price_of_stability(problem, &assignment) {
                Ok(p) => result.price_of_stability = p,
                Err(e) => result
                    .notes
                    .push(Note::limit(format!("price of stability not computed: {e}"))),
            }
        }
    }
    result
}
