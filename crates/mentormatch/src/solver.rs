//! One interface for every solver backend: the same [`Problem`] in, the same [`Solution`] out.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::problem::Problem;

/// How a solve ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SolveStatus {
    /// Proven optimal.
    Optimal,
    /// A valid matching, not proven optimal; see the bound and gap.
    Feasible,
    /// No valid matching was found within the time limit (none is proven not to exist).
    NoSolutionFound,
}

impl SolveStatus {
    /// The one machine spelling, the same as serde's: `optimal`, `feasible`,
    /// `no_solution_found` (Python's `.status` and `.to_dict()` agree on it).
    pub fn as_str(self) -> &'static str {
        match self {
            SolveStatus::Optimal => "optimal",
            SolveStatus::Feasible => "feasible",
            SolveStatus::NoSolutionFound => "no_solution_found",
        }
    }
}

/// The status in words for people: `no solution found`.
impl std::fmt::Display for SolveStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

#[cfg(test)]
mod tests {
    use super::SolveStatus;

    #[test]
    fn one_spelling_for_machines_words_for_people() {
        for s in [
            SolveStatus::Optimal,
            SolveStatus::Feasible,
            SolveStatus::NoSolutionFound,
        ] {
            let json = serde_json::to_string(&s).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert_eq!(
            SolveStatus::NoSolutionFound.to_string(),
            "no solution found"
        );
    }
}

/// What a backend returns: who is paired with whom, and how sure it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// `assignment[i]` is mentee `i`'s mentor, if matched.
    pub assignment: Vec<Option<usize>>,
    /// How the solve ended.
    pub status: SolveStatus,
    /// An upper bound on the best objective (total score), when the backend has one.
    pub bound: Option<f64>,
    /// The backend's name.
    pub backend: &'static str,
    /// Things the user should know (auto choices, relaxations, time limits hit).
    pub notes: Vec<String>,
}

/// Knobs every backend understands.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settings {
    /// Stop after this long and return the best found so far.
    pub time_limit: Option<Duration>,
    /// Seed for randomised backends.
    pub seed: u64,
    /// Where long-running backends report their stages (none: silent).
    pub progress: Option<crate::progress::ProgressHandle>,
}

impl Settings {
    /// Settings from a problem's configuration.
    pub fn from_problem(problem: &Problem) -> Settings {
        let c = problem.config();
        Settings {
            time_limit: c.time_limit.map(Duration::from_secs_f64),
            seed: c.seed.unwrap_or(0),
            progress: None,
        }
    }
}

/// A solver backend.
pub trait Backend: Send + Sync {
    /// Short name, e.g. `exact`.
    fn name(&self) -> &'static str;
    /// Solves the problem, or explains why it cannot be solved.
    fn solve(&self, problem: &Problem, settings: &Settings) -> Result<Solution>;
}
