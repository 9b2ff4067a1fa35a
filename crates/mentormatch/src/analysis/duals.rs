//! Potentials of an optimal plan: the mentors' prices, and what lets
//! [`crate::analysis::alternatives`] answer "what if this pair were forbidden?" with one shortest-path
//! search per pair instead of a re-solve.
//!
//! The plan is a flow: source `S` → mentee → mentor → sink `T`. Its residual graph (costs are
//! minus scores) has these edges:
//!
//! - mentee `k` → mentor `j`, cost `-s(k,j)`, for every allowed `j` other than `k`'s own
//!   (`k` takes a place at `j`);
//! - mentor `j` → its mentee `k`, cost `+s(k,j)` (`k` leaves `j`); pinned mentees never move;
//! - mentee `k` → `S` (a matched `k` becomes unmatched) and `S` → unmatched mentee `u` (`u` is
//!   matched), cost 0: together, one mentee replaces another;
//! - mentor `j` → `T` when `j` has a free place, and `T` → mentor `x` when `x` holds someone,
//!   cost 0: together, a place moves from `x` to `j`;
//! - when mentees may stay unmatched, `S` → `T` with a cost `big` above any gain in score: the
//!   plan has one pair fewer. The solver maximises the number of pairs first, then the total,
//!   and `big` keeps that order.
//!
//! Because the plan is optimal, this graph has no negative cycle, so shortest distances are
//! well defined and Bellman-Ford rounds (each one pass over the score matrix, row by row and
//! in parallel) settle in as many rounds as the longest chain of moves. The distance from a
//! mentor to `T` is the mentor's price: what the plan loses when the mentor gives up a place
//! (0 with a free place), the dual of its capacity. Distances to `T` are also potentials that
//! make every edge's reduced cost non-negative and point a search towards `T`, which is what
//! the per-pair searches need.

use rayon::prelude::*;

use crate::problem::{Problem, ScoreMatrix};

/// Changes smaller than this are rounding, not improvement (sums of the same points in another
/// order differ in the last bits).
const EPS: f64 = 1e-9;

/// Distances to `T` in an optimal plan's graph; nodes are mentors `0..m`, mentees `m..m+n`,
/// then `S`, `T`.
#[derive(Debug, Clone, PartialEq)]
pub struct Prices {
    /// Distance from each node to `T` (capped by `cap`, see [`prices`]).
    pub to_t: Vec<f64>,
    /// The cost of the `S` → `T` edge (one pair fewer), above any gain in score.
    pub big: f64,
}

impl Prices {
    /// Mentor `j`'s price: what the plan loses when `j` gives up a place (0 with a free place;
    /// above `big` when that takes a pair away).
    pub fn mentor_price(&self, j: usize) -> f64 {
        self.to_t[j].max(0.0)
    }
}

/// The plan and what the graph needs to know about it.
#[derive(Debug)]
pub struct Plan<'a> {
    /// Scores and the hard-rule mask.
    pub sm: &'a ScoreMatrix,
    /// Each mentee's mentor.
    pub assignment: &'a [Option<usize>],
    /// Places per mentor.
    pub capacity: &'a [u32],
    /// Places used per mentor.
    pub used: Vec<u32>,
    /// Pinned mentees (never moved).
    pub pinned: Vec<bool>,
    /// Mentees currently with mentor `j`.
    pub members: Vec<Vec<usize>>,
    /// Mentees may stay unmatched.
    pub allow_unmatched: bool,
}

impl<'a> Plan<'a> {
    /// The plan `assignment` of `problem`, over its score matrix `sm`.
    pub fn new(problem: &'a Problem, sm: &'a ScoreMatrix, assignment: &'a [Option<usize>]) -> Self {
        let m = sm.n_mentors;
        let mut used = vec![0u32; m];
        let mut members = vec![Vec::new(); m];
        for (k, a) in assignment.iter().enumerate() {
            if let Some(j) = *a {
                used[j] += 1;
                members[j].push(k);
            }
        }
        let mut pinned = vec![false; sm.n_mentees];
        for &(i, _) in problem.pins() {
            pinned[i] = true;
        }
        Plan {
            sm,
            assignment,
            capacity: problem.capacity(),
            used,
            pinned,
            members,
            allow_unmatched: problem.config().rules.allow_unmatched,
        }
    }

    /// Whether mentor `j` has a free place in the plan.
    pub fn free(&self, j: usize) -> bool {
        self.used[j] < self.capacity[j]
    }

    /// Whether mentee `k` can leave its mentor (matched and not pinned).
    pub fn movable(&self, k: usize) -> bool {
        self.assignment[k].is_some() && !self.pinned[k]
    }

    /// Whether mentee `k` may take a place (unmatched, or matched and not pinned).
    pub fn mobile(&self, k: usize) -> bool {
        !self.pinned[k]
    }

    /// Node of `S` and `T`.
    pub fn st(&self) -> (usize, usize) {
        let base = self.sm.n_mentors + self.sm.n_mentees;
        (base, base + 1)
    }
}

/// Why prices could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    /// The rounds did not settle: the plan is not optimal for the total score (a negative
    /// cycle exists), e.g. because cohort goals or another objective shaped it.
    #[error("the plan is not an optimum of the total score, so it has no prices")]
    NotOptimal,
}

/// Lowers `d` to `v` when that is an improvement beyond rounding.
fn lower(d: &mut f64, v: f64) -> bool {
    if v < *d - EPS {
        *d = v;
        true
    } else {
        false
    }
}

/// Distances from every node to `T` in `plan`'s graph, which must be optimal (pairs first,
/// then the total score).
///
/// Every mentor with places and `S` also get an exit to `T` at a cost above any real path
/// (`2 big`), so that the distances stay finite where no real path leads to `T` (a cohort with
/// no free place): they are then not a price but still valid potentials. Pinned mentees get
/// a distance too (as if free to move): a search from one of them (its pin lifted) needs it.
pub fn prices(plan: &Plan<'_>) -> Result<Prices, PriceError> {
    let (n, m) = (plan.sm.n_mentees, plan.sm.n_mentors);
    let (s_node, t_node) = plan.st();
    let big = 200.0 * (n as f64 + 1.0) + 1000.0;
    let cap = 2.0 * big;
    let mut d = vec![f64::INFINITY; m + n + 2];
    d[t_node] = 0.0;
    d[s_node] = if plan.allow_unmatched { big } else { cap };
    for (j, dj) in d.iter_mut().enumerate().take(m) {
        if plan.capacity[j] > 0 {
            *dj = if plan.free(j) { 0.0 } else { cap };
        }
    }
    for _ in 0..=(n + m + 3) {
        let mut changed = false;
        // Mentee k: to another mentor, or out through S. Row by row, in parallel.
        let (mentors, rest) = d.split_at(m);
        let ds = rest[n];
        let next: Vec<f64> = (0..n)
            .into_par_iter()
            .map(|k| {
                let own = plan.assignment[k];
                let row = &plan.sm.scores[k * m..(k + 1) * m];
                let ok = &plan.sm.allowed[k * m..(k + 1) * m];
                let mut best = if plan.movable(k) { ds } else { f64::INFINITY };
                for j in 0..m {
                    if ok[j] && Some(j) != own {
                        best = best.min(mentors[j] - row[j]);
                    }
                }
                best
            })
            .collect();
        for (k, v) in next.into_iter().enumerate() {
            changed |= lower(&mut d[m + k], v);
        }
        // Mentor j: one of its mentees leaves.
        for j in 0..m {
            for &k in &plan.members[j] {
                if plan.movable(k) {
                    let v = plan.sm.score(k, j) + d[m + k];
                    changed |= lower(&mut d[j], v);
                }
            }
        }
        // S: an unmatched mentee is matched.
        for k in 0..n {
            if plan.assignment[k].is_none() && plan.mobile(k) {
                let v = d[m + k];
                changed |= lower(&mut d[s_node], v);
            }
        }
        if !changed {
            return Ok(Prices { to_t: d, big });
        }
    }
    Err(PriceError::NotOptimal)
}

/// Distances in `plan`'s graph from `source` (`S` or `T`) to every node (infinite where there
/// is no path). Same rounds as [`prices`], forwards.
pub fn distances_from(plan: &Plan<'_>, big: f64, source: usize) -> Result<Vec<f64>, PriceError> {
    let (n, m) = (plan.sm.n_mentees, plan.sm.n_mentors);
    let (s_node, t_node) = plan.st();
    let mut d = vec![f64::INFINITY; m + n + 2];
    d[source] = 0.0;
    for _ in 0..=(n + m + 3) {
        let mut changed = false;
        // Mentee -> mentor edges, row by row: per-thread minima per mentor, then merged.
        let mentees = &d[m..m + n];
        let to_mentor = (0..n)
            .into_par_iter()
            .with_min_len(64)
            .fold(
                || vec![f64::INFINITY; m],
                |mut acc, k| {
                    let dk = mentees[k];
                    if dk.is_finite() && plan.mobile(k) {
                        let own = plan.assignment[k];
                        let row = &plan.sm.scores[k * m..(k + 1) * m];
                        let ok = &plan.sm.allowed[k * m..(k + 1) * m];
                        for j in 0..m {
                            if ok[j] && plan.capacity[j] > 0 && Some(j) != own {
                                acc[j] = acc[j].min(dk - row[j]);
                            }
                        }
                    }
                    acc
                },
            )
            .reduce(
                || vec![f64::INFINITY; m],
                |mut a, b| {
                    for (x, y) in a.iter_mut().zip(b) {
                        *x = x.min(y);
                    }
                    a
                },
            );
        for (j, v) in to_mentor.into_iter().enumerate() {
            changed |= lower(&mut d[j], v);
        }
        // T -> mentors holding someone.
        for j in 0..m {
            if plan.used[j] > 0 {
                let v = d[t_node];
                changed |= lower(&mut d[j], v);
            }
        }
        // Mentor -> its mentees; mentees -> S.
        for j in 0..m {
            for &k in &plan.members[j] {
                if plan.movable(k) {
                    let v = d[j] + plan.sm.score(k, j);
                    changed |= lower(&mut d[m + k], v);
                    let v = d[m + k];
                    changed |= lower(&mut d[s_node], v);
                }
            }
        }
        // S -> unmatched mentees; S -> T; free places -> T.
        for k in 0..n {
            if plan.assignment[k].is_none() && plan.mobile(k) {
                let v = d[s_node];
                changed |= lower(&mut d[m + k], v);
            }
        }
        if plan.allow_unmatched {
            let v = d[s_node] + big;
            changed |= lower(&mut d[t_node], v);
        }
        for j in 0..m {
            if plan.capacity[j] > 0 && plan.free(j) {
                let v = d[j];
                changed |= lower(&mut d[t_node], v);
            }
        }
        if !changed {
            return Ok(d);
        }
    }
    Err(PriceError::NotOptimal)
}
