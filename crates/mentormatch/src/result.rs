//! The outcome of a matching run: pairs with reasons, the unmatched with reasons, and enough
//! to audit and reproduce the run.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::PairRef;
use crate::explain::CriterionScore;
use crate::goals::GoalReport;
use crate::model::{Cohort, Participant};
use crate::problem::Problem;
use crate::solver::{Note, Solution, SolveStatus};

/// A pair made by the matcher.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Pair {
    /// Mentee id.
    pub mentee_id: String,
    /// Mentor id.
    pub mentor_id: String,
    /// Match score 0..100.
    pub score: f64,
    /// Pinned by the coordinator.
    pub pinned: bool,
    /// Per-criterion breakdown.
    pub breakdown: Vec<CriterionScore>,
    /// One sentence a coordinator can read out.
    pub explanation: String,
}

/// Someone left without a partner (or a mentor with places left), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Unmatched {
    /// Participant id.
    pub id: String,
    /// Why; `Display` gives it in words.
    pub reason: UnmatchedReason,
}

/// Why someone has no partner (or a mentor has places left).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum UnmatchedReason {
    /// No mentor with a place is allowed for this mentee under the hard rules.
    NoAllowedMentor {
        /// One rule that blocks a pair, in words, e.g. `same department`.
        example: Option<String>,
    },
    /// The solve ended before any matching meeting every rule and goal was found.
    NoSolutionInTime,
    /// Every place of every allowed mentor went to someone else.
    PlacesTaken {
        /// How many mentors are allowed for this mentee.
        allowed: usize,
        /// The first few of them (at most five), by id.
        first: Vec<String>,
    },
    /// A mentor with capacity 0.
    Unavailable,
    /// A mentor none of whose places were used.
    NotSelected,
    /// A mentor with some places used and some left.
    PlacesLeft {
        /// Places used.
        used: u32,
        /// The mentor's capacity.
        capacity: u32,
    },
}

/// The reason in words, as the CLI, the report and Python show it.
impl std::fmt::Display for UnmatchedReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnmatchedReason::NoAllowedMentor { example } => {
                write!(f, "no mentor is allowed under the hard rules")?;
                match example {
                    Some(e) => write!(f, " (e.g. {e})"),
                    None => Ok(()),
                }
            }
            UnmatchedReason::NoSolutionInTime => f.write_str("no solution was found in time"),
            UnmatchedReason::PlacesTaken { allowed, first } => {
                let more = allowed.saturating_sub(first.len());
                let more = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                write!(
                    f,
                    "all places of the {allowed} allowed mentor(s) ({}{more}) went to mentees with no other option or a better fit",
                    first.join(", ")
                )
            }
            UnmatchedReason::Unavailable => f.write_str("capacity 0: not available this round"),
            UnmatchedReason::NotSelected => {
                f.write_str("not selected: the chosen mentors fit the mentees better")
            }
            UnmatchedReason::PlacesLeft { used, capacity } => {
                write!(f, "{used} of {capacity} places used")
            }
        }
    }
}

/// How long a solve took. Timings differ from run to run, so they are kept apart from what was
/// found: two results are equal when their pairs, bounds and notes are, whatever their stats.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Stats {
    /// Wall-clock seconds the backend took (selection included, compiling the problem not).
    pub solve_seconds: f64,
}

/// Always equal: see [`Stats`].
impl PartialEq for Stats {
    fn eq(&self, _: &Stats) -> bool {
        true
    }
}

/// Everything a run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MatchResult {
    /// Pairs, in mentee order.
    pub pairs: Vec<Pair>,
    /// Mentees without a mentor.
    pub unmatched_mentees: Vec<Unmatched>,
    /// Mentors with unused places (not selected, or not fully used).
    pub unmatched_mentors: Vec<Unmatched>,
    /// Criterion labels, in breakdown order.
    pub criteria: Vec<String>,
    /// Total score of all pairs.
    pub objective: f64,
    /// How the solve ended.
    pub status: SolveStatus,
    /// Which backend solved it.
    pub solver: String,
    /// Upper bound on the best total score, when not proven optimal.
    pub bound: Option<f64>,
    /// Relative gap between the objective and the bound.
    pub gap: Option<f64>,
    /// Cohort-level goals and the values reached.
    pub goals: Vec<GoalReport>,
    /// sha256 of the input, configuration and version: the same fingerprint means the same run.
    pub fingerprint: String,
    /// Remarks from the solver (automatic choices, limits hit), each with its kind.
    pub notes: Vec<Note>,
    /// How long the solve took; not part of the result's identity (see [`Stats`]).
    #[serde(default)]
    pub stats: Stats,
    /// Pairs not made that would both rather be together than with whom they got (see
    /// [`crate::stability`]); `None` when the audit was skipped (a note says why).
    #[serde(default)]
    pub blocking_pairs: Option<Vec<crate::stability::BlockingPair>>,
    /// With ranked preferences: the stable matching's total and blocking pairs next to the
    /// best total's, so the coordinator chooses knowingly.
    #[serde(default)]
    pub price_of_stability: Option<crate::stability::PriceOfStability>,
}

impl MatchResult {
    /// Lowest pair score, if any pair was made.
    pub fn lowest_score(&self) -> Option<f64> {
        self.pairs.iter().map(|p| p.score).min_by(f64::total_cmp)
    }
    /// Mean pair score, if any pair was made.
    pub fn mean_score(&self) -> Option<f64> {
        (!self.pairs.is_empty()).then(|| self.objective / self.pairs.len() as f64)
    }
    /// The error to raise when the solve found no matching meeting every rule and goal within
    /// its time limit ([`SolveStatus::NoSolutionFound`]): what is known (the best bound, the
    /// solver's notes, e.g. the goals in the way). `None` for any other status.
    pub fn no_solution_error(&self) -> Option<crate::error::Error> {
        if self.status != SolveStatus::NoSolutionFound {
            return None;
        }
        let bound = self
            .bound
            .map(|b| format!("; the best total is at most {b:.2}"))
            .unwrap_or_default();
        let notes = if self.notes.is_empty() {
            String::new()
        } else {
            let words: Vec<&str> = self.notes.iter().map(|n| n.message.as_str()).collect();
            format!(" ({})", words.join("; "))
        };
        Some(crate::error::Error::Solver(format!(
            "no matching meeting every rule and goal was found within the time limit{bound}{notes}; raise the time limit or relax the goals"
        )))
    }

    /// The pair of a mentee, if matched.
    pub fn pair_of(&self, mentee_id: &str) -> Option<&Pair> {
        self.pairs.iter().find(|p| p.mentee_id == mentee_id)
    }
}

/// sha256 over the version, cohort, configuration and earlier pairs, as canonical JSON.
pub fn fingerprint(cohort: &Cohort, problem: &Problem, past: &[PairRef]) -> String {
    let mut h = Sha256::new();
    h.update(concat!("mentormatch ", env!("CARGO_PKG_VERSION"), "\n").as_bytes());
    let mut config = problem.config().clone();
    config.rules.history = None;
    for part in [
        serde_json::to_vec(cohort).unwrap_or_default(),
        serde_json::to_vec(&config).unwrap_or_default(),
        serde_json::to_vec(past).unwrap_or_default(),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(&part);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Builds the result of `solution` for `problem`.
pub fn build(problem: &Problem, solution: Solution, stats: Stats) -> MatchResult {
    let cohort = problem.cohort();
    let mut pairs = Vec::new();
    let mut used = vec![0u32; problem.n_mentors()];
    let mut unmatched_mentees = Vec::new();
    for (i, a) in solution.assignment.iter().enumerate() {
        match *a {
            Some(j) => {
                used[j] += 1;
                let e = problem.explain(i, j);
                pairs.push(Pair {
                    mentee_id: e.mentee_id,
                    mentor_id: e.mentor_id,
                    score: e.score,
                    pinned: e.pinned,
                    breakdown: e.breakdown,
                    explanation: e.text,
                });
            }
            None => unmatched_mentees.push(Unmatched {
                id: cohort.mentees[i].id().to_string(),
                reason: unmatched_mentee_reason(problem, i, solution.status),
            }),
        }
    }
    let unmatched_mentors = cohort
        .mentors
        .iter()
        .enumerate()
        .filter(|(j, m)| used[*j] < m.capacity)
        .map(|(j, m)| Unmatched {
            id: m.id().to_string(),
            reason: if m.capacity == 0 {
                UnmatchedReason::Unavailable
            } else if used[j] == 0 {
                UnmatchedReason::NotSelected
            } else {
                UnmatchedReason::PlacesLeft {
                    used: used[j],
                    capacity: m.capacity,
                }
            },
        })
        .collect();
    let objective: f64 = pairs.iter().map(|p| p.score).sum();
    let mut notes = solution.notes;
    let blocking_pairs = if solution.status == SolveStatus::NoSolutionFound {
        None
    } else if crate::stability::audit_cost(problem) > crate::stability::AUTO_AUDIT_MAX_PAIRS {
        notes.push(Note::limit(format!(
            "stability audit skipped: {} mentees rank by score, every one of their {} x {} pairs would be scored; run `mentormatch audit` to audit anyway",
            if problem.preferences().is_some() { "the" } else { "all" },
            problem.n_mentees(),
            problem.n_mentors()
        )));
        None
    } else {
        Some(crate::stability::blocking_pairs(
            problem,
            &solution.assignment,
        ))
    };
    let gap = solution.bound.map(|b| {
        if b.abs() > 0.0 {
            ((b - objective) / b.abs()).max(0.0)
        } else {
            0.0
        }
    });
    MatchResult {
        criteria: problem.criteria().iter().map(|c| c.label()).collect(),
        pairs,
        unmatched_mentees,
        unmatched_mentors,
        objective,
        status: solution.status,
        solver: solution.backend.to_string(),
        bound: solution.bound,
        gap,
        goals: crate::goals::Goals::of(problem).report(&solution.assignment),
        fingerprint: fingerprint(cohort, problem, problem.past_pairs()),
        notes,
        stats,
        blocking_pairs,
        price_of_stability: None,
    }
}

fn unmatched_mentee_reason(problem: &Problem, i: usize, status: SolveStatus) -> UnmatchedReason {
    // Every mentee is unmatched then: one allowed mentor is enough (not a scan of all of them,
    // which is quadratic on large cohorts).
    if status == SolveStatus::NoSolutionFound
        && (0..problem.n_mentors()).any(|j| problem.pair(i, j).1 && problem.capacity()[j] > 0)
    {
        return UnmatchedReason::NoSolutionInTime;
    }
    let allowed: Vec<usize> = (0..problem.n_mentors())
        .filter(|&j| problem.pair(i, j).1 && problem.capacity()[j] > 0)
        .collect();
    if allowed.is_empty() {
        let example = (0..problem.n_mentors().min(1))
            .flat_map(|j| problem.explain(i, j).blocked_by)
            .next();
        return UnmatchedReason::NoAllowedMentor { example };
    }
    if status == SolveStatus::NoSolutionFound {
        return UnmatchedReason::NoSolutionInTime;
    }
    UnmatchedReason::PlacesTaken {
        allowed: allowed.len(),
        first: allowed
            .iter()
            .take(5)
            .map(|&j| problem.cohort().mentors[j].id().to_string())
            .collect(),
    }
}
