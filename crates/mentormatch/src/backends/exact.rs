//! The exact backend: mentor places become columns of a rectangular assignment problem solved
//! to proven optimality by [`crate::lap`].
//!
//! - Capacities: a mentor with `c` free places is `min(c, mentees)` identical columns.
//! - Pins are made first and use up their mentor's places.
//! - `allow_unmatched`: the largest number `k` of mentees that can be matched is found first
//!   (a b-matching); then `mentees - k` zero-cost "unmatched" columns are added, so every
//!   complete assignment has exactly `k` real pairs and the solver maximises their total.
//!   No big-M constant is needed, so no precision is lost.
//! - `objective = "maxmin"`: binary search over the distinct scores for the highest threshold
//!   that still lets as many mentees be matched, then the best total above it.

use crate::config::Objective;
use crate::error::{Error, Result};
use crate::lap::{self, LapError};
use crate::problem::hall;
use crate::problem::{Problem, ScoreMatrix};
use crate::solver::Note;
use crate::solver::{Backend, Settings, Solution, SolveStatus};
use rayon::prelude::*;

use crate::backends::maxmin::{distinct_scores, SCORE_EPS};

/// The exact assignment backend (the default).
#[derive(Debug, Clone, Copy, Default)]
pub struct ExactBackend;

impl Backend for ExactBackend {
    fn name(&self) -> &'static str {
        "exact"
    }

    fn solve(&self, problem: &Problem, _settings: &Settings) -> Result<Solution> {
        if problem.config().has_cohort_constraints() {
            return Err(Error::Solver(
                "the exact matcher cannot express quotas or spreads; use solver \"ilp\" or \"auto\"".into(),
            ));
        }
        let sm = problem.score_matrix();
        let free = FreeProblem::new(problem, &sm);
        let mut notes = Vec::new();
        let threshold = match problem.config().objective {
            Objective::Total | Objective::Stable => None,
            Objective::Maxmin => {
                let t = free.best_threshold(problem)?;
                if let Some(t) = t {
                    notes.push(Note::objective(format!(
                        "maxmin: the lowest pair score cannot be raised above {t:.2}"
                    )));
                }
                t
            }
        };
        let assignment = free.solve(problem, threshold)?;
        Ok(Solution {
            assignment,
            status: SolveStatus::Optimal,
            bound: None,
            backend: "exact",
            notes,
        })
    }
}

/// The part of the problem left after pins: free mentees and mentors' remaining places.
struct FreeProblem<'a> {
    sm: &'a ScoreMatrix,
    /// Mentees not pinned.
    mentees: Vec<usize>,
    /// Remaining places per mentor.
    remaining: Vec<u32>,
    /// Pinned pairs as an assignment.
    pinned: Vec<Option<usize>>,
}

impl<'a> FreeProblem<'a> {
    fn new(problem: &Problem, sm: &'a ScoreMatrix) -> Self {
        let split = problem.after_pins();
        FreeProblem {
            sm,
            mentees: split.free,
            remaining: split.remaining,
            pinned: split.pinned,
        }
    }

    fn usable(&self, i: usize, j: usize, threshold: Option<f64>) -> bool {
        self.remaining[j] > 0
            && self.sm.allowed(i, j)
            && threshold.is_none_or(|t| self.sm.score(i, j) >= t - SCORE_EPS)
    }

    fn adjacency(&self, threshold: Option<f64>) -> Vec<Vec<u32>> {
        self.mentees
            .iter()
            .map(|&i| {
                (0..self.sm.n_mentors)
                    .filter(|&j| self.usable(i, j, threshold))
                    .map(|j| j as u32)
                    .collect()
            })
            .collect()
    }

    fn max_matched(&self, threshold: Option<f64>) -> usize {
        hall::max_matching(
            self.mentees.len(),
            &self.adjacency(threshold),
            &self.remaining,
        )
        .0
    }

    /// The error for a problem where not every free mentee can be matched.
    fn infeasible(&self, problem: &Problem) -> Error {
        let adj = self.adjacency(None);
        match hall::hall_violator(self.mentees.len(), &adj, &self.remaining) {
            Some(w) => {
                let mentees: Vec<usize> = w.mentees.iter().map(|&k| self.mentees[k]).collect();
                problem.not_enough_places(&mentees, &w.mentors, &self.remaining)
            }
            None => Error::Solver(
                "the assignment solver found no matching, yet Hall's condition holds".into(),
            ),
        }
    }

    /// Highest threshold t such that pairs scoring >= t still match as many mentees; None when
    /// there is nothing to choose.
    fn best_threshold(&self, problem: &Problem) -> Result<Option<f64>> {
        let target = self.max_matched(None);
        if !problem.config().rules.allow_unmatched && target < self.mentees.len() {
            return Err(self.infeasible(problem));
        }
        let mut values: Vec<f64> = Vec::new();
        for &i in &self.mentees {
            for j in 0..self.sm.n_mentors {
                if self.usable(i, j, None) {
                    values.push(self.sm.score(i, j));
                }
            }
        }
        let values = distinct_scores(values);
        if values.is_empty() || target == 0 {
            return Ok(None);
        }
        // values[lo] is always feasible; find the last feasible index.
        let (mut lo, mut hi) = (0usize, values.len() - 1);
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if self.max_matched(Some(values[mid])) == target {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Ok(Some(values[lo]))
    }

    fn solve(&self, problem: &Problem, threshold: Option<f64>) -> Result<Vec<Option<usize>>> {
        let n = self.mentees.len();
        let mut assignment = self.pinned.clone();
        if n == 0 {
            return Ok(assignment);
        }
        let allow_unmatched = problem.config().rules.allow_unmatched;
        // Columns: one per remaining place of every mentor some free mentee could use.
        let mut col_mentor = Vec::new();
        for j in 0..self.sm.n_mentors {
            if self.mentees.iter().any(|&i| self.usable(i, j, threshold)) {
                let places = (self.remaining[j] as usize).min(n);
                col_mentor.extend(std::iter::repeat_n(j, places));
            }
        }
        let dummies = if allow_unmatched || threshold.is_some() {
            n - self.max_matched(threshold)
        } else {
            0
        };
        if !allow_unmatched && dummies > 0 {
            return Err(self.infeasible(problem));
        }
        let cols = col_mentor.len() + dummies;
        if cols < n {
            return Err(self.infeasible(problem));
        }
        // Rows are independent, so they are filled in parallel.
        let mut costs = vec![f64::INFINITY; n * cols];
        costs
            .par_chunks_mut(cols)
            .zip(self.mentees.par_iter())
            .for_each(|(row, &i)| {
                for (c, &j) in col_mentor.iter().enumerate() {
                    if self.usable(i, j, threshold) {
                        row[c] = -self.sm.score(i, j);
                    }
                }
                row[col_mentor.len()..].fill(0.0);
            });
        match lap::solve_min(&costs, n, cols) {
            Ok(sol) => {
                for (r, &c) in sol.row_to_col.iter().enumerate() {
                    assignment[self.mentees[r]] = col_mentor.get(c).copied();
                }
                Ok(assignment)
            }
            Err(LapError::Infeasible) => Err(self.infeasible(problem)),
            Err(e) => Err(Error::Solver(e.to_string())),
        }
    }
}
