//! The Lagrangian subproblem: the best assignment for penalised scores, solved exactly by the
//! dense assignment solver ([`crate::lap`]) as the exact backend sets it up: free mentees are
//! rows, every remaining place of a mentor is a column, and with `allow_unmatched` there are
//! `free - k` zero-cost "unmatched" columns, so every complete assignment has exactly `k` real
//! pairs (`k` is the most that can be matched, found first by a b-matching).

use rayon::prelude::*;

use super::rows::Adjust;
use crate::lap::{self, LapError};
use crate::problem::ScoreMatrix;

/// The dense subproblem of one solve; its matrix of plain costs is built once.
pub(crate) struct Dense {
    /// Free mentees, one row each.
    pub free: Vec<usize>,
    /// Mentor of every real column.
    col_mentor: Vec<usize>,
    /// Columns in all (real plus unmatched).
    cols: usize,
    /// `-score` for allowed pairs, `+inf` otherwise, 0 in the unmatched columns.
    base: Vec<f64>,
    /// Scratch for the penalised matrix.
    work: Vec<f64>,
}

/// An optimal subproblem solution with its proof.
pub(crate) struct SubSolution {
    /// Mentor of every free row (`None`: unmatched column).
    pub mentor: Vec<Option<usize>>,
    /// Best penalised total of the free pairs.
    pub value: f64,
    /// Row potentials of the minimisation.
    u: Vec<f64>,
    /// Per mentor, the largest column potential among its places (`-inf`: no column).
    vmax: Vec<f64>,
}

impl Dense {
    /// Columns for `free` mentees: `remaining` places per mentor (only mentors some free mentee
    /// may pair with), plus `unmatched` zero-cost columns.
    pub fn columns(sm: &ScoreMatrix, free: &[usize], remaining: &[u32]) -> Vec<usize> {
        let n = free.len();
        let mut col_mentor = Vec::new();
        for (j, &r) in remaining.iter().enumerate() {
            if r > 0 && free.iter().any(|&i| sm.allowed(i, j)) {
                col_mentor.extend(std::iter::repeat_n(j, (r as usize).min(n)));
            }
        }
        col_mentor
    }

    pub fn new(
        sm: &ScoreMatrix,
        free: Vec<usize>,
        col_mentor: Vec<usize>,
        unmatched: usize,
    ) -> Dense {
        let real = col_mentor.len();
        let cols = real + unmatched;
        let mut base = vec![f64::INFINITY; free.len() * cols];
        base.par_chunks_mut(cols.max(1))
            .zip(free.par_iter())
            .for_each(|(row, &i)| {
                for (c, &j) in col_mentor.iter().enumerate() {
                    if sm.allowed(i, j) {
                        row[c] = -sm.score(i, j);
                    }
                }
                row[real..].fill(0.0);
            });
        let work = vec![0.0; base.len()];
        Dense {
            free,
            col_mentor,
            cols,
            base,
            work,
        }
    }

    /// Solves `max sum (score - adj.mentor[j] - adj.mentee[i])` over complete assignments.
    pub fn solve(&mut self, adj: &Adjust, n_mentors: usize) -> Result<SubSolution, LapError> {
        let cols = self.cols;
        let real = self.col_mentor.len();
        let n = self.free.len();
        if n == 0 {
            return Ok(SubSolution {
                mentor: Vec::new(),
                value: 0.0,
                u: Vec::new(),
                vmax: vec![f64::NEG_INFINITY; n_mentors],
            });
        }
        let col_mentor = &self.col_mentor;
        self.work
            .par_chunks_mut(cols)
            .zip(self.base.par_chunks(cols))
            .zip(self.free.par_iter())
            .for_each(|((w, b), &i)| {
                let bi = adj.mentee[i];
                for c in 0..real {
                    w[c] = b[c] + adj.mentor[col_mentor[c]] + bi;
                }
                w[real..].copy_from_slice(&b[real..]);
            });
        let sol = lap::solve_min(&self.work, n, cols)?;
        let mut vmax = vec![f64::NEG_INFINITY; n_mentors];
        for (c, &j) in self.col_mentor.iter().enumerate() {
            vmax[j] = vmax[j].max(sol.v[c]);
        }
        let mentor = sol
            .row_to_col
            .iter()
            .map(|&c| self.col_mentor.get(c).copied())
            .collect();
        Ok(SubSolution {
            mentor,
            value: -sol.cost,
            u: sol.u,
            vmax,
        })
    }
}

impl SubSolution {
    /// Reduced cost of pairing free row `r` (its mentee `i`) with mentor `j` at penalised score
    /// `s`: how much the subproblem optimum drops at least when that pair is forced in. From the
    /// certificate of [`crate::lap::LapSolution`] (`u + v <= c`, `v <= 0`), every complete
    /// assignment containing the pair costs at least the optimum plus this.
    pub fn reduced(&self, r: usize, j: usize, s: f64) -> f64 {
        let v = self.vmax[j];
        if v == f64::NEG_INFINITY {
            return f64::INFINITY;
        }
        (-s - self.u[r] - v).max(0.0)
    }
}
