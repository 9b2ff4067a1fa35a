//! The Lagrangian goals backend: cohort goals (quotas, spreads) as a handful of side rows on an
//! assignment problem, with a proven upper bound.
//!
//! # Method
//! 1. The number of pairs is fixed first: everyone (or, with `allow_unmatched`, the most
//!    mentees `k` that can be matched, found by a b-matching). Share bounds then become integer
//!    counts (module `rows`).
//! 2. Every goal row (one per quota bound, one per spread value) is dualised with a multiplier
//!    `lambda_r >= 0`. The subproblem, "the best assignment for scores minus penalties", is an
//!    assignment problem (the penalty of a pair is a per-mentor plus a per-mentee term) and is
//!    solved exactly by our dense assignment solver (module `sub`).
//! 3. The multipliers follow a projected subgradient method with Polyak steps towards the best
//!    matching found (module `dual`). Subproblem solutions that break goals are repaired by local moves
//!    (module `repair`) and improved without breaking any goal.
//! 4. Closing (module `close`): every pair whose reduced cost exceeds `bound - incumbent` is dropped
//!    (it cannot be in a better matching), and the ILP engine solves the remaining model. Only a
//!    proof (gap closed by the bound, or the ILP's optimum on the reduced model) gives `Optimal`.
//!
//! # Why the bound is sound
//! Let `X` be the set of assignments of the free mentees with exactly `k` free pairs that
//! respect forbidden pairs and capacities, and `F` the subset where every goal row holds. For any
//! `lambda >= 0` and `x` in `F`,
//! `score(x) <= score(x) + sum_r lambda_r * slack_r(x)` because every slack is `>= 0` on `F`, and
//! the right-hand side is the subproblem objective at `x`, which is at most its maximum over all
//! of `X` (a superset of `F`). The dense solver returns that maximum exactly (its dual potentials
//! certify it), so `L(lambda) = max_X [...]` bounds every matching meeting the goals, with the
//! same `k`. The number of pairs is not a relaxation: the objective is lexicographic (most pairs
//! first) and when goals rule out `k` pairs this backend hands the problem to the ILP backend.
//!
//! For reduced-cost fixing, the potentials `u, v` of the minimisation satisfy `u_i + v_c <= c_ic`
//! and `v_c <= 0`, so any `x` in `X` containing the pair `(i, c)` has subproblem value at most
//! `L(lambda) - rc_ic` with `rc_ic = c_ic - u_i - v_c`: when that is below the incumbent, no
//! better matching uses the pair.
//!
//! # Scope
//! Dense subproblems up to [`DENSE_MAX_MENTEES`] mentees while the
//! dense matrices fit the memory budget; larger cohorts go over sparse candidates (module
//! `sparse`: the same rows and multiplier loop, subproblems by the sparse assignment solver,
//! the bound certified over all allowed pairs by pricing). `maxmin` with goals goes to the
//! ILP backend (the heuristic one above that size).

mod check;
mod close;
mod dual;
mod repair;
mod rows;
mod sparse;
mod sparse_repair;
mod sub;

use std::time::Instant;

use crate::backends::exact::ExactBackend;
use crate::config::Objective;
use crate::error::{Error, Result};
use crate::goals::Goals;
use crate::problem::hall;
use crate::problem::AfterPins;
use crate::problem::Problem;
use crate::solver::Note;
use crate::solver::{Backend, Settings, Solution, SolveStatus};

/// `Optimal` needs `bound - value <= ABS_TOL` score points: a difference this small is
/// floating-point rounding in sums of weighted criterion values, not a better matching.
pub(crate) const ABS_TOL: f64 = 1e-6;

/// Up to this many mentees the subproblems are dense exact assignments (while they fit the
/// memory budget); above it they run over sparse candidates (`sparse.rs`), whose subproblem
/// costs grow with the candidate pairs rather than mentees x places. Also the size above which
/// `auto` says so in its note ([`crate::selection`]).
pub const DENSE_MAX_MENTEES: usize = 5000;

/// The Lagrangian goals backend (`solver = "lagrangian"`, and `auto` for cohorts with goals).
#[derive(Debug, Clone, Copy, Default)]
pub struct LagrangianBackend;

fn ilp_fallback(problem: &Problem, settings: &Settings, why: &str) -> Result<Solution> {
    let backend = match problem.config().solver_options.ilp_engine {
        Some(engine) => crate::backends::ilp::IlpBackend::with_engine(engine)?,
        None => crate::backends::ilp::IlpBackend::new()?,
    };
    let mut s = backend.solve(problem, settings)?;
    s.notes.insert(
        0,
        Note::fallback(format!("lagrangian: {why}; solved by the ILP backend")),
    );
    Ok(s)
}

impl LagrangianBackend {
    /// The Lagrangian upper bound alone (the dual loop without closing), for tests and audits:
    /// `None` when the backend would not run its own loop (no goals, `maxmin`, goals that need
    /// fewer pairs, goals that cannot hold, or no matching found by the loop).
    #[doc(hidden)]
    pub fn dual_bound(&self, problem: &Problem) -> Result<Option<f64>> {
        Ok(self.run(problem, &Settings::default(), true)?.1)
    }
}

/// The Lagrangian goals backend forced onto sparse candidates whatever the cohort's size (the
/// path `lagrangian` and `auto` take above [`DENSE_MAX_MENTEES`]
/// mentees): for tests that compare it with the dense backend and brute force on small
/// cohorts (with a small `candidates`, so that candidate rows are incomplete).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default)]
pub struct SparseLagrangianBackend;

impl SparseLagrangianBackend {
    /// Solves, and returns the certified Lagrangian bound over all allowed pairs alongside
    /// (`None` when none was computed). Problems without goals or with `maxmin` go to the
    /// plain [`LagrangianBackend`].
    pub fn solve_with_bound(
        &self,
        problem: &Problem,
        settings: &Settings,
    ) -> Result<(Solution, Option<f64>)> {
        if !problem.config().has_cohort_constraints()
            || problem.config().objective == Objective::Maxmin
        {
            return LagrangianBackend.run(problem, settings, false);
        }
        let r = sparse::solve(problem, settings, Instant::now(), false)?;
        Ok((r.solution, r.certified))
    }
}

impl Backend for SparseLagrangianBackend {
    fn name(&self) -> &'static str {
        "lagrangian"
    }

    fn solve(&self, problem: &Problem, settings: &Settings) -> Result<Solution> {
        self.solve_with_bound(problem, settings).map(|r| r.0)
    }
}

impl Backend for LagrangianBackend {
    fn name(&self) -> &'static str {
        "lagrangian"
    }

    fn solve(&self, problem: &Problem, settings: &Settings) -> Result<Solution> {
        self.run(problem, settings, false).map(|r| r.0)
    }
}

impl LagrangianBackend {
    /// Solves; with `bound_only`, stops after the dual loop. Returns the solution and the dual
    /// loop's bound (when the loop ran).
    fn run(
        &self,
        problem: &Problem,
        settings: &Settings,
        bound_only: bool,
    ) -> Result<(Solution, Option<f64>)> {
        let plain = |s: Result<Solution>| s.map(|s| (s, None));
        let entered = Instant::now();
        // The ILP backend solves what this one hands over; not when only the bound is wanted
        // (the ILP may take long to prove a goal conflict).
        let fallback = |why: &str| -> Result<(Solution, Option<f64>)> {
            if bound_only {
                return Ok((
                    Solution {
                        assignment: vec![None; problem.n_mentees()],
                        status: SolveStatus::NoSolutionFound,
                        bound: None,
                        backend: "lagrangian",
                        notes: vec![Note::fallback(why.to_string())],
                    },
                    None,
                ));
            }
            // The time limit covers the whole solve: the ILP gets what is left of it.
            let rest = Settings {
                time_limit: settings
                    .time_limit
                    .map(|d| d.saturating_sub(entered.elapsed())),
                ..settings.clone()
            };
            ilp_fallback(problem, &rest, why).map(|s| (s, None))
        };
        if !problem.config().has_cohort_constraints() {
            return plain(ExactBackend.solve(problem, settings));
        }
        if problem.config().objective == Objective::Maxmin {
            if problem.n_mentees() > DENSE_MAX_MENTEES && !bound_only {
                // Beyond the ILP's reach: the heuristic backend, as before this backend existed.
                let mut s =
                    crate::backends::heuristic::HeuristicBackend.solve(problem, settings)?;
                s.notes.insert(
                    0,
                    Note::fallback("lagrangian: objective \"maxmin\" with cohort goals on a large cohort; solved by the heuristic backend"),
                );
                return Ok((s, None));
            }
            return fallback("objective \"maxmin\" with cohort goals");
        }
        // The subproblem keeps two mentee x place matrices next to the score matrix; large
        // cohorts, or ones whose dense matrices would not fit, go over sparse candidates.
        let need = problem.dense_bytes()
            + problem.n_mentees() as u128
                * problem
                    .capacity()
                    .iter()
                    .map(|&c| u128::from(c).min(problem.n_mentees() as u128))
                    .sum::<u128>()
                * 8;
        let budget = problem.memory_budget();
        if problem.n_mentees() > DENSE_MAX_MENTEES || need > u128::from(budget) {
            let r = sparse::solve(problem, settings, entered, bound_only)?;
            return Ok((r.solution, r.certified));
        }
        let started = Instant::now();
        let trace = |what: &str| {
            if crate::progress::trace() {
                eprintln!("lagrange {:.3} s: {what}", started.elapsed().as_secs_f64());
            }
        };
        let deadline = settings.time_limit.map(|d| started + d);
        let sm = problem.score_matrix();
        let goals = Goals::of(problem);
        let n = problem.n_mentees();
        let m = problem.n_mentors();
        let AfterPins {
            pinned,
            remaining,
            free,
            pinned_score: pins_score,
            ..
        } = problem.after_pins();
        let adj: Vec<Vec<u32>> = free
            .iter()
            .map(|&i| {
                (0..m)
                    .filter(|&j| remaining[j] > 0 && sm.allowed(i, j))
                    .map(|j| j as u32)
                    .collect()
            })
            .collect();
        trace("scored");
        let k = hall::max_matching(free.len(), &adj, &remaining).0;
        let allow_unmatched = problem.config().rules.allow_unmatched;
        if k < free.len() && !allow_unmatched {
            // Not even the goals-free problem has a matching: the exact backend's diagnosis.
            return match problem
                .without_goals()
                .and_then(|p| ExactBackend.solve(&p, settings))
            {
                Err(e) => Err(e),
                Ok(_) => Err(Error::Solver(
                    "not every mentee can be matched, yet the exact matcher found a matching"
                        .into(),
                )),
            };
        }
        let total_pairs = k + (n - free.len());
        let rows = rows::Rows::new(&goals, &pinned, total_pairs, m);
        let col_mentor = sub::Dense::columns(&sm, &free, &remaining);
        let mut dense = sub::Dense::new(&sm, free.clone(), col_mentor, free.len() - k);
        trace("dense subproblem built");
        let ctx = dual::Ctx {
            problem,
            sm: &sm,
            rows: &rows,
            pinned: &pinned,
            free: &free,
            remaining: &remaining,
            pins_score,
            deadline,
        };
        let run = dual::run(&ctx, &mut dense)?;
        trace("dual loop done");
        let mut notes = Vec::new();
        let Some(incumbent) = run.incumbent.clone() else {
            // No matching found: first the quick proof that one goal alone cannot hold (only
            // here, as it costs one b-matching per goal row).
            let broken =
                check::single_row_violations(&sm, &rows, &free, &remaining, k, total_pairs);
            if !broken.is_empty() {
                if allow_unmatched {
                    // Fewer pairs might let the goals hold: the ILP's staged count decides.
                    return fallback("the goals cannot hold with the most mentees matched");
                }
                return Err(Error::Infeasible(Box::new(
                    crate::diagnosis::Infeasibility::Quotas { violations: broken },
                )));
            }
            if run.bound < pins_score - ABS_TOL || run.infeasible_proven {
                // The dual went below every possible total: no matching meets the goals with
                // this many pairs.
                if allow_unmatched {
                    return fallback("the goals cannot hold with the most mentees matched");
                }
                return fallback("the goals cannot all hold");
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                let known = if run.bound.is_finite() {
                    format!("best bound {:.2}", run.bound)
                } else {
                    "no bound yet".to_string()
                };
                let blocking = if run.blocking.is_empty() {
                    "not known yet".to_string()
                } else {
                    run.blocking.join("; ")
                };
                notes.push(Note::limit(format!(
                    "lagrangian: time limit reached before any matching meeting every goal was \
                     found; {known}; goals in the way: {blocking}"
                )));
                return Ok((
                    Solution {
                        assignment: vec![None; n],
                        status: SolveStatus::NoSolutionFound,
                        bound: run.bound.is_finite().then_some(run.bound),
                        backend: "lagrangian",
                        notes,
                    },
                    None,
                ));
            }
            return fallback("local repair found no matching meeting every goal");
        };
        let dual_bound = Some(run.bound);
        let mut best = incumbent;
        let mut value = run.value;
        let mut bound = run.bound;
        let mut proven = bound - value <= ABS_TOL;
        notes.push(Note::detail(format!(
            "lagrangian: {} subproblems, bound {:.4}, best {:.4}",
            run.iterations, bound, value
        )));
        if !proven && !bound_only {
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let closed = close::close(
                &ctx,
                &goals,
                &run,
                &best,
                value,
                total_pairs,
                allow_unmatched,
                left,
            )?;
            trace("closing done");
            notes.extend(closed.notes);
            if let Some((a, v)) = closed.better {
                if v > value {
                    best = a;
                    value = v;
                }
            }
            bound = bound.min(closed.bound.max(value));
            proven = closed.proven || bound - value <= ABS_TOL;
        }
        Ok((
            Solution {
                assignment: best,
                status: if proven {
                    SolveStatus::Optimal
                } else {
                    SolveStatus::Feasible
                },
                bound: if proven { None } else { Some(bound.max(value)) },
                backend: "lagrangian",
                notes,
            },
            dual_bound,
        ))
    }
}
