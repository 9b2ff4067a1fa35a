//! The integer program: one binary variable per allowed (free mentee, mentor with a free place)
//! pair, never one per forbidden pair.
//!
//! Pinned pairs are not variables: they are made up front, use up their mentor's places and
//! enter every goal row as constants. Rows:
//!
//! - every free mentee: `sum_j x_ij == 1` (`<= 1` with `allow_unmatched`);
//! - every mentor whose candidate pairs outnumber its free places: `sum_i x_ij <= places`;
//! - every quota bound, counting the pairs whose mentor (or mentee) is a member:
//!   `count >= min`, `count <= max`, `count >= min_share * pairs`, `count <= max_share * pairs`,
//!   where `pairs` is the constant number of mentees when everyone must be matched (or when the
//!   number of pairs is fixed), otherwise the sum of all variables plus the pins;
//! - every spread and every distinct value that could exceed it: `count_value <= max`;
//! - optionally `sum x == k` (a fixed number of pairs; see the lexicographic objective in
//!   [`super`]).
//!
//! In the elastic variant every quota bound and spread gets a continuous slack `s >= 0`
//! (`count + s >= min`, `count - s <= max`, one slack shared by all values of a spread) and
//! the objective minimises the total slack, in pairs.

use good_lp::{variable, Constraint, Expression, ProblemVariables, Variable};

use crate::goal_bound::GoalBound;
use crate::goals::Goals;
use crate::problem::hall;
use crate::problem::{Problem, ScoreMatrix};

/// Scores closer than this are the same score: the scorer's floating-point sums can differ in
/// the last bits for equal scores, which must not decide a `maxmin` threshold.
pub(super) use crate::backends::maxmin::SCORE_EPS;

/// What the program optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Aim {
    /// Maximise the total score of the free pairs.
    Total,
    /// Maximise the number of free pairs.
    Count,
    /// Any solution (objective 0).
    Feasibility,
    /// Minimise the total slack of the elastic goal rows.
    MinViolation,
}

/// One program to build.
#[derive(Debug, Clone, Copy)]
pub(super) struct Spec {
    /// Only free pairs scoring at least this (less [`SCORE_EPS`]) are variables.
    pub threshold: Option<f64>,
    /// Objective.
    pub aim: Aim,
    /// Exactly this many free pairs.
    pub count: Option<usize>,
}

/// A built program, ready for an engine.
pub(super) struct Lp {
    pub vars: ProblemVariables,
    /// Every column in creation order: pair variables first, then slacks.
    pub columns: Vec<Variable>,
    /// `(mentee, mentor)` of the pair variables (the first `pairs.len()` columns).
    pub pairs: Vec<(usize, usize)>,
    pub objective: Expression,
    pub maximise: bool,
    pub constraints: Vec<Constraint>,
    /// A row without variables is violated: no engine call is needed.
    pub trivially_infeasible: bool,
}

/// A candidate pair.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cand {
    pub i: usize,
    pub j: usize,
    pub score: f64,
}

/// What stays the same across the programs of one solve.
pub(super) struct Base<'a> {
    pub sm: &'a ScoreMatrix,
    pub goals: &'a Goals,
    pub allow_unmatched: bool,
    /// Pinned mentor of every mentee.
    pub pinned: Vec<Option<usize>>,
    /// Free places per mentor after pins.
    pub remaining: Vec<u32>,
    /// Mentees not pinned.
    pub free: Vec<usize>,
    /// Only these free pairs (row-major mentee x mentor) may be variables; `None`: all allowed
    /// pairs. The Lagrangian backend's closing step passes the pairs that survive reduced-cost
    /// fixing.
    pub keep: Option<Vec<bool>>,
}

impl<'a> Base<'a> {
    pub fn new(problem: &Problem, sm: &'a ScoreMatrix, goals: &'a Goals) -> Self {
        let split = problem.after_pins();
        Base {
            sm,
            goals,
            allow_unmatched: problem.config().rules.allow_unmatched,
            pinned: split.pinned,
            remaining: split.remaining,
            free: split.free,
            keep: None,
        }
    }

    pub fn n_pins(&self) -> usize {
        self.pinned.iter().filter(|p| p.is_some()).count()
    }

    /// Free pairs that may be made, scoring at least `threshold`.
    pub fn candidates(&self, threshold: Option<f64>) -> Vec<Cand> {
        let m = self.sm.n_mentors;
        let mut out = Vec::new();
        for &i in &self.free {
            for j in 0..m {
                if self.remaining[j] > 0
                    && self.sm.allowed(i, j)
                    && self.keep.as_ref().is_none_or(|k| k[i * m + j])
                {
                    let score = self.sm.score(i, j);
                    if threshold.is_none_or(|t| score >= t - SCORE_EPS) {
                        out.push(Cand { i, j, score });
                    }
                }
            }
        }
        out
    }

    /// Most free mentees that can be matched with pairs scoring at least `threshold`,
    /// ignoring cohort goals (an upper bound on what the program can reach).
    pub fn max_matched(&self, threshold: Option<f64>) -> usize {
        let mut adj: Vec<Vec<u32>> = vec![Vec::new(); self.free.len()];
        let pos: Vec<usize> = {
            let mut p = vec![usize::MAX; self.pinned.len()];
            for (k, &i) in self.free.iter().enumerate() {
                p[i] = k;
            }
            p
        };
        for c in self.candidates(threshold) {
            adj[pos[c.i]].push(c.j as u32);
        }
        hall::max_matching(self.free.len(), &adj, &self.remaining).0
    }

    /// The assignment with pins and the chosen pair variables (value > 0.5).
    pub fn assignment(&self, lp_pairs: &[(usize, usize)], values: &[f64]) -> Vec<Option<usize>> {
        let mut a = self.pinned.clone();
        for (&(i, j), &v) in lp_pairs.iter().zip(values) {
            if v > 0.5 {
                a[i] = Some(j);
            }
        }
        a
    }

    /// Builds the program for `spec`; `elastic` adds a slack to every goal row.
    pub fn build(&self, spec: &Spec, elastic: bool) -> Lp {
        let cands = self.candidates(spec.threshold);
        let n_mentees = self.pinned.len();
        let n_mentors = self.sm.n_mentors;
        let mut vars = ProblemVariables::new();
        let x = vars.add_vector(variable().binary(), cands.len());
        let mut columns = x.clone();
        let mut constraints = Vec::new();
        let mut trivially_infeasible = false;

        let mut by_mentee: Vec<Vec<usize>> = vec![Vec::new(); n_mentees];
        let mut by_mentor: Vec<Vec<usize>> = vec![Vec::new(); n_mentors];
        for (k, c) in cands.iter().enumerate() {
            by_mentee[c.i].push(k);
            by_mentor[c.j].push(k);
        }
        let sum = |idx: &[usize]| -> Expression {
            let mut e = Expression::with_capacity(idx.len());
            for &k in idx {
                e.add_mul(1.0, x[k]);
            }
            e
        };

        for &i in &self.free {
            let idx = &by_mentee[i];
            if idx.is_empty() {
                if !self.allow_unmatched {
                    trivially_infeasible = true;
                }
                continue;
            }
            let e = sum(idx);
            constraints.push(if self.allow_unmatched {
                e.leq(1.0)
            } else {
                e.eq(1.0)
            });
        }
        for (j, idx) in by_mentor.iter().enumerate() {
            if idx.len() > self.remaining[j] as usize {
                constraints.push(sum(idx).leq(f64::from(self.remaining[j])));
            }
        }
        let n_pins = self.n_pins();
        if let Some(k) = spec.count {
            if k > 0 && cands.is_empty() {
                trivially_infeasible = true;
            } else if !cands.is_empty() {
                constraints.push(sum(&(0..cands.len()).collect::<Vec<_>>()).eq(k as f64));
            }
        }
        // Total number of pairs: a constant, or an expression (None).
        let total_pairs: Option<f64> = if !self.allow_unmatched {
            Some(n_mentees as f64)
        } else {
            spec.count.map(|k| (k + n_pins) as f64)
        };

        let mut slacks: Vec<Variable> = Vec::new();
        let mut new_slack = |vars: &mut ProblemVariables, columns: &mut Vec<Variable>| {
            let s = vars.add(variable().min(0.0));
            columns.push(s);
            slacks.push(s);
            s
        };

        for q in &self.goals.quotas {
            let members: Vec<usize> = (0..cands.len())
                .filter(|&k| q.counts(cands[k].i, cands[k].j))
                .collect();
            let pinned_in = self
                .pinned
                .iter()
                .enumerate()
                .filter(|(i, p)| p.is_some_and(|j| q.counts(*i, j)))
                .count() as f64;
            for b in &q.bounds {
                // Row: expr + constant (>= or <=) 0, as `lhs` with `lower`.
                let (mut e, lower): (Expression, bool) = match *b {
                    GoalBound::Min(m) => {
                        let mut e = sum(&members);
                        e += pinned_in - f64::from(m);
                        (e, true)
                    }
                    GoalBound::Max(m) => {
                        let mut e = sum(&members);
                        e += pinned_in - f64::from(m);
                        (e, false)
                    }
                    GoalBound::MinShare(r) | GoalBound::MaxShare(r) => {
                        let mut e;
                        match total_pairs {
                            Some(t) => {
                                e = sum(&members);
                                e += pinned_in - r * t;
                            }
                            None => {
                                e = Expression::with_capacity(cands.len());
                                let mut is_member = vec![false; cands.len()];
                                for &k in &members {
                                    is_member[k] = true;
                                }
                                for (k, &m) in is_member.iter().enumerate() {
                                    let coef = if m { 1.0 - r } else { -r };
                                    if coef != 0.0 {
                                        e.add_mul(coef, x[k]);
                                    }
                                }
                                e += pinned_in - r * n_pins as f64;
                            }
                        }
                        (e, b.is_lower())
                    }
                    GoalBound::MaxPerValue(_) => continue,
                };
                if elastic {
                    let s = new_slack(&mut vars, &mut columns);
                    e.add_mul(if lower { 1.0 } else { -1.0 }, s);
                } else if is_constant(&e) {
                    let c = constant_of(&e);
                    if (lower && c < -1e-9) || (!lower && c > 1e-9) {
                        trivially_infeasible = true;
                    }
                    continue;
                }
                constraints.push(if lower { e.geq(0.0) } else { e.leq(0.0) });
            }
        }

        for s in &self.goals.spreads {
            let mut groups: Vec<Vec<usize>> = vec![Vec::new(); s.values.len()];
            for (k, c) in cands.iter().enumerate() {
                if let Some(g) = s.group_of(c.i, c.j) {
                    groups[g].push(k);
                }
            }
            let mut pinned_in = vec![0u32; s.values.len()];
            for (i, p) in self.pinned.iter().enumerate() {
                if let Some(g) = p.and_then(|j| s.group_of(i, j)) {
                    pinned_in[g] += 1;
                }
            }
            let mut slack = None;
            for (g, idx) in groups.iter().enumerate() {
                if idx.len() as u64 + u64::from(pinned_in[g]) <= u64::from(s.max) {
                    continue; // cannot exceed the limit
                }
                let mut e = sum(idx);
                e += f64::from(pinned_in[g]) - f64::from(s.max);
                if elastic {
                    let sv = *slack.get_or_insert_with(|| new_slack(&mut vars, &mut columns));
                    e.add_mul(-1.0, sv);
                } else if idx.is_empty() {
                    trivially_infeasible = true;
                    continue;
                }
                constraints.push(e.leq(0.0));
            }
        }

        let (objective, maximise) = match spec.aim {
            Aim::Total => {
                let mut e = Expression::with_capacity(cands.len());
                for (k, c) in cands.iter().enumerate() {
                    if c.score != 0.0 {
                        e.add_mul(c.score, x[k]);
                    }
                }
                (e, true)
            }
            Aim::Count => (sum(&(0..cands.len()).collect::<Vec<_>>()), true),
            Aim::Feasibility => (Expression::default(), true),
            Aim::MinViolation => {
                let mut e = Expression::with_capacity(slacks.len());
                for &s in &slacks {
                    e.add_mul(1.0, s);
                }
                (e, false)
            }
        };
        Lp {
            vars,
            columns,
            pairs: cands.iter().map(|c| (c.i, c.j)).collect(),
            objective,
            maximise,
            constraints,
            trivially_infeasible,
        }
    }
}

fn constant_of(e: &Expression) -> f64 {
    use good_lp::IntoAffineExpression;
    e.constant()
}

fn is_constant(e: &Expression) -> bool {
    use good_lp::IntoAffineExpression;
    e.linear_coefficients().next().is_none()
}
