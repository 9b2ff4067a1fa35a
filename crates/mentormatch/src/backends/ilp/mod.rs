//! The ILP backend: cohort-level goals (quotas, spreads) that the assignment structure cannot
//! express, solved as an integer program with [good_lp](https://docs.rs/good_lp).
//!
//! # Engines
//! Cargo features choose the engines compiled in: `microlp` (pure Rust, on by default, fine up
//! to a few thousand candidate pairs) and `highs` (opt-in; builds HiGHS from source, which
//! needs cmake, a C++ compiler and libclang; much faster on large cohorts). [`IlpBackend::new`]
//! uses HiGHS when it is compiled in, microlp otherwise; [`IlpBackend::with_engine`] picks one.
//! With neither feature, selecting the ILP backend is an [`Error::Solver`].
//!
//! # Formulation
//! See [`model`](self) for the rows. Pinned pairs are constants, forbidden pairs have no
//! variable at all.
//!
//! # Objectives
//! - `total`: maximise the total score. With `allow_unmatched` the objective is
//!   lexicographic (most pairs first, then the best total), solved in stages instead of with a
//!   big-M weight (which would cost precision on large cohorts): the most mentees `k0` that can
//!   be matched ignoring cohort goals is computed exactly by a b-matching; the program with
//!   "exactly `k0` pairs" is solved; only if the goals make that infeasible is the largest
//!   reachable number `k` found by a count-maximising program and the score maximised at `k`.
//! - `maxmin`: maximise the lowest score of a non-pinned pair, then the total. A threshold
//!   search over the distinct candidate scores: each probe is a feasibility program with only
//!   the pairs scoring at least the threshold (and the same number of pairs), first screened
//!   by a b-matching that ignores the goals; a feasible probe also raises the lower end of the
//!   search to its own lowest score. The total is then maximised at the best threshold. This
//!   keeps every program as tight as the plain formulation (no big-M rows).
//!
//! # Time limit and status
//! `Settings::time_limit` is a deadline for the whole solve, shared by the stages. The status
//! is `Optimal` only when every stage was proven; `Feasible` carries the engine's best bound
//! on the total score (pins included) when it has one; `NoSolutionFound` when the limit was
//! reached before any matching satisfying every goal was found (nobody is reported matched).
//!
//! # Infeasibility
//! When the program is proven infeasible: if the problem without quotas and spreads is itself
//! infeasible, the exact backend's Hall diagnosis is returned (too few places for a set of
//! mentees). Otherwise every goal bound gets an elastic slack and the total violation is
//! minimised; each bound still violated is reported with the value it reaches
//! ([`crate::diagnosis::Infeasibility::Quotas`]).

use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::solver::Note;
use crate::solver::{Backend, Settings, Solution};

#[cfg(any(feature = "microlp", feature = "highs"))]
mod engine;
#[cfg(any(feature = "microlp", feature = "highs"))]
mod model;

pub use crate::config::Engine;

/// The ILP backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IlpBackend {
    engine: Engine,
}

impl IlpBackend {
    /// The backend with the fastest engine compiled in (HiGHS, else microlp).
    pub fn new() -> Result<IlpBackend> {
        match Engine::available().first() {
            Some(&engine) => Ok(IlpBackend { engine }),
            None => Err(Error::Solver(
                "the ILP backend is not available: mentormatch was built without an ILP engine \
                 (enable the cargo feature `microlp` or `highs`)"
                    .into(),
            )),
        }
    }

    /// The backend with a given engine, if compiled in.
    pub fn with_engine(engine: Engine) -> Result<IlpBackend> {
        if engine.is_available() {
            Ok(IlpBackend { engine })
        } else {
            Err(engine.missing())
        }
    }

    /// The engine used.
    pub fn engine(&self) -> Engine {
        self.engine
    }
}

impl Backend for IlpBackend {
    fn name(&self) -> &'static str {
        "ilp"
    }

    fn solve(&self, problem: &Problem, settings: &Settings) -> Result<Solution> {
        #[cfg(any(feature = "microlp", feature = "highs"))]
        {
            run::solve(self.engine, problem, settings)
        }
        #[cfg(not(any(feature = "microlp", feature = "highs")))]
        {
            let _ = (problem, settings);
            Err(self.engine.missing())
        }
    }
}

/// What the ILP found on a restricted set of pairs ([`solve_restricted`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Restricted {
    /// The best matching found (pins included), if any.
    pub assignment: Option<Vec<Option<usize>>>,
    /// Whether it is proven best among matchings using only the kept pairs.
    pub proven: bool,
    /// The engine proved that no matching over the kept pairs meets every goal.
    pub infeasible: bool,
    /// Upper bound on the total score (pins included) over the kept pairs, when known.
    pub bound: Option<f64>,
}

/// Maximises the total score with every goal as a hard row over the free pairs `keep` allows
/// (row-major mentee x mentor), with exactly `count` free pairs when given. The closing step
/// of the Lagrangian backend: reduced-cost fixing leaves only pairs that can appear in a
/// matching better than its incumbent.
pub(crate) fn solve_restricted(
    engine: Engine,
    problem: &Problem,
    sm: &crate::problem::ScoreMatrix,
    goals: &crate::goals::Goals,
    keep: Vec<bool>,
    count: Option<usize>,
    limit: Option<std::time::Duration>,
) -> Result<Restricted> {
    #[cfg(any(feature = "microlp", feature = "highs"))]
    {
        run::restricted(engine, problem, sm, goals, keep, count, limit)
    }
    #[cfg(not(any(feature = "microlp", feature = "highs")))]
    {
        let _ = (problem, sm, goals, keep, count, limit);
        Err(engine.missing())
    }
}

#[cfg(any(feature = "microlp", feature = "highs"))]
mod run {
    use std::time::{Duration, Instant};

    use super::engine::{self, Outcome, Status};
    use super::model::{Aim, Base, Spec, SCORE_EPS};
    use super::*;
    use crate::backends::exact::ExactBackend;
    use crate::backends::maxmin::distinct_scores;
    use crate::config::Objective;
    use crate::diagnosis::{Infeasibility, QuotaViolation};
    use crate::goals::Goals;
    use crate::solver::SolveStatus;

    /// The diagnosis when the goals cannot all hold, from the elastic solution's assignment.
    fn violations(goals: &Goals, assignment: &[Option<usize>]) -> Vec<QuotaViolation> {
        goals
            .evaluate(assignment)
            .into_iter()
            .filter(|g| !g.satisfied)
            .map(|g| QuotaViolation {
                constraint: g.name_with_bound.clone(),
                bound: g.bound,
                reachable: g.value,
                violation: (g.value - g.bound.limit()).abs(),
            })
            .collect()
    }

    /// Deadline bookkeeping shared by the stages.
    struct Clock {
        deadline: Option<Instant>,
    }

    impl Clock {
        fn left(&self) -> Option<Duration> {
            self.deadline
                .map(|d| d.saturating_duration_since(Instant::now()))
        }
    }

    /// A stage's result in terms of the matching.
    enum Stage {
        Found {
            assignment: Vec<Option<usize>>,
            proven: bool,
            /// Bound on the stage objective (free pairs only).
            bound: Option<f64>,
        },
        NoSolution,
        Infeasible,
    }

    struct Ctx<'a> {
        engine: Engine,
        base: Base<'a>,
        clock: Clock,
    }

    impl Ctx<'_> {
        fn run(&self, spec: Spec, elastic: bool) -> Result<(Stage, Option<f64>)> {
            let lp = self.base.build(&spec, elastic);
            let pairs = lp.pairs.clone();
            let Outcome {
                status,
                values,
                bound,
            } = engine::run(self.engine, lp, self.clock.left())?;
            let stage = match status {
                Status::Infeasible => Stage::Infeasible,
                Status::NoSolution => Stage::NoSolution,
                Status::Optimal | Status::Feasible => Stage::Found {
                    assignment: self.base.assignment(&pairs, &values),
                    proven: status == Status::Optimal,
                    bound,
                },
            };
            Ok((stage, bound))
        }

        fn free_pairs(&self, a: &[Option<usize>]) -> usize {
            self.base.free.iter().filter(|&&i| a[i].is_some()).count()
        }

        /// Best matching for `aim` (Total or Feasibility) at `threshold`, lexicographic on the
        /// number of pairs when unmatched mentees are allowed. Returns the stage, the number
        /// of free pairs it fixes (when allowed), and notes.
        fn best(
            &self,
            aim: Aim,
            threshold: Option<f64>,
            notes: &mut Vec<Note>,
        ) -> Result<(Stage, Option<usize>)> {
            if !self.base.allow_unmatched {
                let spec = Spec {
                    threshold,
                    aim,
                    count: None,
                };
                return Ok((self.run(spec, false)?.0, None));
            }
            let k0 = self.base.max_matched(threshold);
            let spec = Spec {
                threshold,
                aim,
                count: Some(k0),
            };
            let (stage, _) = self.run(spec, false)?;
            if !matches!(stage, Stage::Infeasible) {
                return Ok((stage, Some(k0)));
            }
            // The goals keep some mentees unmatched: find how many can be matched.
            let count_spec = Spec {
                threshold,
                aim: Aim::Count,
                count: None,
            };
            let (counted, _) = self.run(count_spec, false)?;
            let (k, count_proven) = match &counted {
                Stage::Found {
                    assignment, proven, ..
                } => (self.free_pairs(assignment), *proven),
                Stage::NoSolution => return Ok((Stage::NoSolution, None)),
                Stage::Infeasible => return Ok((Stage::Infeasible, None)),
            };
            notes.push(Note::objective(format!(
                "the cohort goals allow {} of the {} mentees that could otherwise be matched{}",
                k + self.base.n_pins(),
                k0 + self.base.n_pins(),
                if count_proven {
                    ""
                } else {
                    " (not proven the most: time limit)"
                }
            )));
            let spec = Spec {
                threshold,
                aim,
                count: Some(k),
            };
            let (stage, _) = self.run(spec, false)?;
            Ok(match stage {
                Stage::Found {
                    assignment,
                    proven,
                    bound,
                } => (
                    Stage::Found {
                        assignment,
                        proven: proven && count_proven,
                        bound,
                    },
                    Some(k),
                ),
                // The count stage found a matching with k pairs: keep it (its bound counts
                // pairs, not score, so it is dropped).
                Stage::NoSolution | Stage::Infeasible => match counted {
                    Stage::Found { assignment, .. } => (
                        Stage::Found {
                            assignment,
                            proven: false,
                            bound: None,
                        },
                        Some(k),
                    ),
                    other => (other, Some(k)),
                },
            })
        }
    }

    fn pinned_score(problem: &Problem) -> f64 {
        problem.after_pins().pinned_score
    }

    fn lowest_free(ctx: &Ctx<'_>, a: &[Option<usize>]) -> Option<f64> {
        ctx.base
            .free
            .iter()
            .filter_map(|&i| a[i].map(|j| ctx.base.sm.score(i, j)))
            .min_by(f64::total_cmp)
    }

    pub(super) fn solve(
        engine: Engine,
        problem: &Problem,
        settings: &Settings,
    ) -> Result<Solution> {
        let started = Instant::now();
        let sm = problem.score_matrix();
        let goals = Goals::of(problem);
        let ctx = Ctx {
            engine,
            base: Base::new(problem, &sm, &goals),
            clock: Clock {
                deadline: settings.time_limit.map(|d| started + d),
            },
        };
        let backend = engine.backend_name();
        let mut notes = Vec::new();
        let limit_note = |what: &str| match settings.time_limit {
            Some(d) => Note::limit(format!(
                "time limit of {:.1} s reached {what}",
                d.as_secs_f64()
            )),
            None => Note::limit(format!("the engine stopped {what}")),
        };
        let none_found = |notes: Vec<Note>| Solution {
            assignment: vec![None; problem.n_mentees()],
            status: SolveStatus::NoSolutionFound,
            bound: None,
            backend,
            notes,
        };
        let objective = problem.config().objective;
        let first_aim = match objective {
            Objective::Total | Objective::Stable => Aim::Total,
            Objective::Maxmin => Aim::Feasibility,
        };
        let (first, count) = ctx.best(first_aim, None, &mut notes)?;
        let (mut assignment, mut proven, mut bound) = match first {
            Stage::Infeasible => return Err(diagnose(&ctx, problem)),
            Stage::NoSolution => {
                notes.push(limit_note(
                    "before any matching satisfying every goal was found",
                ));
                return Ok(none_found(notes));
            }
            Stage::Found {
                assignment,
                proven,
                bound,
            } => (assignment, proven, bound),
        };

        if objective == Objective::Maxmin {
            match maxmin(&ctx, assignment.clone(), count, &mut notes)? {
                Some((a, p, b)) => {
                    assignment = a;
                    proven = p;
                    bound = b;
                }
                None => {
                    // Nothing to raise (no free pair): the feasibility stage is the answer.
                    bound = None;
                }
            }
        }

        if !proven {
            notes.push(limit_note("before optimality was proven"));
        }
        let pins = pinned_score(problem);
        Ok(Solution {
            assignment,
            status: if proven {
                SolveStatus::Optimal
            } else {
                SolveStatus::Feasible
            },
            bound: if proven {
                None
            } else {
                bound.map(|b| b + pins)
            },
            backend,
            notes,
        })
    }

    pub(super) fn restricted(
        engine: Engine,
        problem: &Problem,
        sm: &crate::problem::ScoreMatrix,
        goals: &Goals,
        keep: Vec<bool>,
        count: Option<usize>,
        limit: Option<Duration>,
    ) -> Result<Restricted> {
        let mut base = Base::new(problem, sm, goals);
        base.keep = Some(keep);
        let ctx = Ctx {
            engine,
            base,
            clock: Clock {
                deadline: limit.map(|d| Instant::now() + d),
            },
        };
        let spec = Spec {
            threshold: None,
            aim: Aim::Total,
            count,
        };
        let pins = pinned_score(problem);
        Ok(match ctx.run(spec, false)?.0 {
            Stage::Found {
                assignment,
                proven,
                bound,
            } => Restricted {
                assignment: Some(assignment),
                proven,
                infeasible: false,
                bound: bound.map(|b| b + pins),
            },
            Stage::NoSolution => Restricted {
                assignment: None,
                proven: false,
                infeasible: false,
                bound: None,
            },
            Stage::Infeasible => Restricted {
                assignment: None,
                proven: true,
                infeasible: true,
                bound: None,
            },
        })
    }

    type Found = (Vec<Option<usize>>, bool, Option<f64>);

    /// Threshold search; returns the final matching, whether proven, and the bound.
    fn maxmin(
        ctx: &Ctx<'_>,
        start: Vec<Option<usize>>,
        count: Option<usize>,
        notes: &mut Vec<Note>,
    ) -> Result<Option<Found>> {
        let Some(t0) = lowest_free(ctx, &start) else {
            return Ok(None);
        };
        let values = distinct_scores(
            ctx.base
                .candidates(Some(t0))
                .iter()
                .map(|c| c.score)
                .collect(),
        );
        if values.is_empty() {
            return Ok(None);
        }
        let target = ctx.free_pairs(&start);
        let mut best = start;
        let (mut lo, mut hi) = (0usize, values.len().saturating_sub(1));
        let mut complete = true;
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            let t = values[mid];
            if ctx.base.max_matched(Some(t)) < target {
                hi = mid - 1;
                continue;
            }
            let spec = Spec {
                threshold: Some(t),
                aim: Aim::Feasibility,
                count,
            };
            match ctx.run(spec, false)?.0 {
                Stage::Found { assignment, .. } => {
                    let low = lowest_free(ctx, &assignment).unwrap_or(t);
                    lo = values.partition_point(|&v| v < low - SCORE_EPS).max(mid);
                    best = assignment;
                }
                Stage::Infeasible => hi = mid - 1,
                Stage::NoSolution => {
                    complete = false;
                    break;
                }
            }
        }
        let t = values[lo];
        notes.push(Note::objective(format!(
            "maxmin: the lowest pair score {} {t:.2}",
            if complete {
                "cannot be raised above"
            } else {
                "is at least"
            }
        )));
        let spec = Spec {
            threshold: Some(t),
            aim: Aim::Total,
            count,
        };
        Ok(Some(match ctx.run(spec, false)?.0 {
            Stage::Found {
                assignment,
                proven,
                bound,
            } => (assignment, proven && complete, bound),
            // Out of time: the best probe is a valid matching with the same lowest score.
            Stage::NoSolution | Stage::Infeasible => (best, false, None),
        }))
    }

    fn diagnose(ctx: &Ctx<'_>, problem: &Problem) -> Error {
        if let Err(e) = problem
            .without_goals()
            .and_then(|p| ExactBackend.solve(&p, &Settings::default()))
        {
            return e;
        }
        let spec = Spec {
            threshold: None,
            aim: Aim::MinViolation,
            count: None,
        };
        match ctx.run(spec, true) {
            Err(e) => e,
            Ok((Stage::Found { assignment, .. }, _)) => {
                let v = violations(ctx.base.goals, &assignment);
                if v.is_empty() {
                    Error::Solver(
                        "the ILP engine reported the goals infeasible, yet the elastic model \
                         satisfies them all"
                            .into(),
                    )
                } else {
                    Error::Infeasible(Box::new(Infeasibility::Quotas { violations: v }))
                }
            }
            Ok((Stage::Infeasible, _)) => Error::Solver(
                "the elastic model is infeasible although a matching without goals exists".into(),
            ),
            Ok((Stage::NoSolution, _)) => Error::Solver(
                "the quotas and spreads cannot all hold, and the time limit ran out before the \
                 diagnosis could say which"
                    .into(),
            ),
        }
    }
}
