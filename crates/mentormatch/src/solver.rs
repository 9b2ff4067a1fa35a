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
    pub notes: Vec<Note>,
}

/// Something the user should know about how a solve went: what kind of thing, and in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Note {
    /// What the note is about, for programs that pick notes (the CLI shows `auto_choice` ones
    /// even when quiet).
    pub kind: NoteKind,
    /// The note in words, e.g. `auction: 1204 bids`.
    pub message: String,
}

/// The kinds of [`Note`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NoteKind {
    /// Why `solver = "auto"` chose the backend it did.
    AutoChoice,
    /// The backend handed the problem (or a part) to another method, and why.
    Fallback,
    /// Part of the configuration this backend does not honour, and what it did instead.
    Unsupported,
    /// A time limit or budget ended the solve before it finished.
    Limit,
    /// What the objective or the goals allowed (e.g. the best lowest score under `maxmin`).
    Objective,
    /// A cohort goal the matching does not meet (the backend could not meet it).
    GoalNotMet,
    /// How the solve went: candidates, rounds, bounds along the way.
    Detail,
}

impl Note {
    fn new(kind: NoteKind, message: impl Into<String>) -> Note {
        Note {
            kind,
            message: message.into(),
        }
    }
    /// A [`NoteKind::AutoChoice`] note.
    pub fn auto_choice(message: impl Into<String>) -> Note {
        Note::new(NoteKind::AutoChoice, message)
    }
    /// A [`NoteKind::Fallback`] note.
    pub fn fallback(message: impl Into<String>) -> Note {
        Note::new(NoteKind::Fallback, message)
    }
    /// A [`NoteKind::Unsupported`] note.
    pub fn unsupported(message: impl Into<String>) -> Note {
        Note::new(NoteKind::Unsupported, message)
    }
    /// A [`NoteKind::Limit`] note.
    pub fn limit(message: impl Into<String>) -> Note {
        Note::new(NoteKind::Limit, message)
    }
    /// A [`NoteKind::Objective`] note.
    pub fn objective(message: impl Into<String>) -> Note {
        Note::new(NoteKind::Objective, message)
    }
    /// A [`NoteKind::GoalNotMet`] note.
    pub fn goal_not_met(message: impl Into<String>) -> Note {
        Note::new(NoteKind::GoalNotMet, message)
    }
    /// A [`NoteKind::Detail`] note.
    pub fn detail(message: impl Into<String>) -> Note {
        Note::new(NoteKind::Detail, message)
    }
}

/// The message.
impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
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
            time_limit: c.solver_options.time_limit.map(Duration::from_secs_f64),
            seed: c.solver_options.seed.unwrap_or(0),
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
