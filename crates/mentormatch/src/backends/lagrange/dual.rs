//! The multiplier loop: projected subgradient steps with Polyak's step length towards the best
//! matching found, the step factor halved whenever the bound stalls.
//!
//! Polyak's rule `t = theta * (L(lambda) - target) / |g|^2` needs a target below the dual
//! optimum; the incumbent's value is one. Before any matching meeting the goals is known, the
//! target is 1% below the current bound, so the multipliers move at a sensible pace.
//!
//! Subproblem solutions that break goals by little are repaired into matchings that meet them
//! (the multipliers near the optimum make those cheap to repair), which feeds the target.

use std::time::Instant;

use super::repair::State;
use super::rows::{Adjust, Rows};
use super::sub::{Dense, SubSolution};
use super::ABS_TOL;
use crate::error::{Error, Result};
use crate::problem::{Problem, ScoreMatrix};

/// Subproblems at most.
const MAX_ITER: usize = 400;
/// Halve the step factor after this many subproblems without a better bound.
const STALL: usize = 8;
/// Stop when the step factor falls below this.
const MIN_THETA: f64 = 1e-5;
/// Relative gap that counts as near (the target is 0.01%).
const NEAR: f64 = 1e-4;
/// Subproblems spent trying to close a near gap before handing over to the closing step.
const NEAR_TRIES: usize = 15;
/// Kicks per round and rounds after a repair (see `State::kick`).
const KICKS: usize = 40;
const KICK_ROUNDS: usize = 3;
/// Improvement passes after a repair.
const PASSES: usize = 4;

/// What the loop works on.
pub(crate) struct Ctx<'a> {
    pub problem: &'a Problem,
    pub sm: &'a ScoreMatrix,
    pub rows: &'a Rows,
    pub pinned: &'a [Option<usize>],
    pub free: &'a [usize],
    pub remaining: &'a [u32],
    /// Total score of the pins (a constant of every matching).
    pub pins_score: f64,
    pub deadline: Option<Instant>,
}

/// The outcome of the loop.
pub(crate) struct Run {
    /// The best matching meeting every goal, if any.
    pub incumbent: Option<Vec<Option<usize>>>,
    /// Its total score (pins included).
    pub value: f64,
    /// The lowest Lagrangian value seen: an upper bound on every matching meeting the goals.
    pub bound: f64,
    /// Subproblem at the best bound, with its penalties (for reduced-cost fixing).
    pub best: Option<(SubSolution, Adjust)>,
    /// Subproblems solved.
    pub iterations: usize,
    /// Goals the subproblem solution at the best bound breaks.
    pub blocking: Vec<String>,
    /// The bound fell below the lowest total any matching can have: no matching meets the goals.
    pub infeasible_proven: bool,
}

impl Ctx<'_> {
    fn full(&self, sol: &SubSolution) -> Vec<Option<usize>> {
        let mut a = self.pinned.to_vec();
        for (r, &i) in self.free.iter().enumerate() {
            a[i] = sol.mentor[r];
        }
        a
    }

    /// Repairs and improves `a`; returns the matching and its total when every goal holds.
    pub fn repaired(&self, a: Vec<Option<usize>>) -> Option<(Vec<Option<usize>>, f64)> {
        let mut st = State::new(self.sm, self.rows, a, self.free, self.remaining);
        if !st.repair() {
            return None;
        }
        st.improve(PASSES);
        let v = st.free_score() + self.pins_score;
        Some((st.assign, v))
    }

    /// Lowest total any matching can have (every free pair at the lowest allowed score).
    fn floor(&self, pairs: usize) -> f64 {
        let mut low = 0.0f64;
        for &i in self.free {
            for j in 0..self.sm.n_mentors {
                if self.sm.allowed(i, j) {
                    low = low.min(self.sm.score(i, j));
                }
            }
        }
        self.pins_score + low * pairs as f64
    }
}

pub(crate) fn run(ctx: &Ctx<'_>, dense: &mut Dense) -> Result<Run> {
    let n = ctx.pinned.len();
    let m = ctx.sm.n_mentors;
    let nr = ctx.rows.len();
    let pairs = ctx.free.len();
    let floor = ctx.floor(pairs);
    let _ = ctx.problem;
    let mut lambda = vec![0.0f64; nr];
    let mut theta = 1.0f64;
    let mut stall = 0usize;
    let mut out = Run {
        incumbent: None,
        value: f64::NEG_INFINITY,
        bound: f64::INFINITY,
        best: None,
        iterations: 0,
        blocking: Vec::new(),
        infeasible_proven: false,
    };
    let mut best_violation = i64::MAX;
    let mut best_sub_assign: Option<Vec<Option<usize>>> = None;
    let repair_limit = (pairs / 20).max(5) as i64;
    let mut near = 0usize;
    let trace = crate::progress::trace();
    for it in 0..MAX_ITER {
        if ctx.deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let adj = ctx.rows.adjustments(&lambda, n, m);
        let sol = dense
            .solve(&adj, m)
            .map_err(|e| Error::Solver(format!("lagrangian subproblem: {e}")))?;
        out.iterations = it + 1;
        let l = sol.value + ctx.rows.constant(&lambda) + ctx.pins_score;
        let a = ctx.full(&sol);
        let counts = ctx.rows.counts(&a, ctx.free);
        let excess: Vec<i64> = ctx
            .rows
            .rows
            .iter()
            .zip(&counts)
            .map(|(r, &c)| r.excess(c))
            .collect();
        let v: i64 = excess.iter().map(|&e| e.max(0)).sum();
        if trace {
            eprintln!(
                "lagrange it {it}: L {l:.4} bound {:.4} best {:.4} violation {v} theta {theta:.2e}",
                out.bound.min(l),
                out.value
            );
        }
        if l < out.bound {
            if l < out.bound - ABS_TOL {
                stall = 0;
            }
            out.bound = l;
            out.blocking = ctx
                .rows
                .rows
                .iter()
                .zip(&excess)
                .filter(|(_, &e)| e > 0)
                .map(|(r, &e)| format!("{} (off by {e} pairs)", r.name))
                .collect();
            out.best = Some((sol, adj));
            best_sub_assign = Some(a.clone());
        } else {
            stall += 1;
        }
        if out.bound < floor - ABS_TOL {
            out.infeasible_proven = true;
            break;
        }
        if v == 0 || (v <= best_violation && v <= repair_limit) {
            best_violation = best_violation.min(v);
            if let Some((x, val)) = ctx.repaired(a) {
                if val > out.value {
                    out.value = val;
                    out.incumbent = Some(x);
                }
            }
        }
        if out.incumbent.is_some() && out.bound - out.value <= ABS_TOL {
            break;
        }
        // Within the target gap: a few more tries to close it, then the closing step's turn.
        if out.incumbent.is_some() && out.bound - out.value <= NEAR * out.bound.abs() {
            near += 1;
            if near > NEAR_TRIES {
                break;
            }
        }
        // Projected subgradient: raise the multiplier of a broken row, lower that of a slack one.
        let g: Vec<f64> = excess
            .iter()
            .zip(&lambda)
            .map(|(&e, &l)| if l <= 0.0 && e < 0 { 0.0 } else { e as f64 })
            .collect();
        let norm2: f64 = g.iter().map(|x| x * x).sum();
        if norm2 == 0.0 {
            // Feasible with complementary slackness: the subproblem solution is optimal.
            break;
        }
        let target = if out.incumbent.is_some() {
            out.value
        } else {
            l - (0.01 * l.abs()).max(1.0)
        };
        let gap = l - target;
        if gap <= 0.0 {
            break;
        }
        let step = theta * gap / norm2;
        for (x, gr) in lambda.iter_mut().zip(&g) {
            *x = (*x + step * gr).max(0.0);
        }
        if stall >= STALL {
            theta /= 2.0;
            stall = 0;
            if theta < MIN_THETA {
                break;
            }
        }
    }
    // Kicks (pairs of moves) on the final incumbent only: each costs a repair.
    if let Some(a) = out.incumbent.clone() {
        if out.bound - out.value > ABS_TOL {
            let mut st = State::new(ctx.sm, ctx.rows, a, ctx.free, ctx.remaining);
            let mut kicked = false;
            for _ in 0..KICK_ROUNDS {
                if !st.kick(KICKS) {
                    break;
                }
                kicked = true;
                st.improve(PASSES);
            }
            let v = st.free_score() + ctx.pins_score;
            if kicked && st.violation() == 0 && v > out.value {
                out.value = v;
                out.incumbent = Some(st.assign);
            }
        }
    }
    if out.incumbent.is_none() && !out.infeasible_proven {
        if let Some(a) = best_sub_assign {
            if let Some((x, val)) = ctx.repaired(a) {
                out.value = val;
                out.incumbent = Some(x);
            }
        }
    }
    Ok(out)
}
