//! Candidate rows: per mentee, its candidate mentors with their scores and a bound on the rest.

use std::collections::HashMap;

use super::search::SearchStats;
#[cfg(doc)]
use crate::problem::Problem;

/// One mentee's candidates `(mentor, score)` and its left-out bound.
pub type Row = (Vec<(u32, f64)>, f64);

/// Candidate mentors per mentee, as compressed rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidates {
    /// Row `i` is `mentor[offsets[i]..offsets[i + 1]]`.
    pub offsets: Vec<usize>,
    /// Mentor indices.
    pub mentor: Vec<u32>,
    /// Scores, as [`Problem::pair`] gives them.
    pub score: Vec<f64>,
    /// Per mentee: every allowed pair of the mentee that is not in its row scores at most this
    /// (`-inf` when the row lists every allowed mentor with places).
    pub outside: Vec<f64>,
    /// Work done.
    pub stats: SearchStats,
}

impl Candidates {
    /// Number of mentees.
    pub fn n(&self) -> usize {
        self.offsets.len() - 1
    }
    /// Number of candidate pairs.
    pub fn len(&self) -> usize {
        self.mentor.len()
    }
    /// True when there are no candidate pairs.
    pub fn is_empty(&self) -> bool {
        self.mentor.is_empty()
    }
    /// Mentee `i`'s candidate mentors and scores.
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let r = self.offsets[i]..self.offsets[i + 1];
        (&self.mentor[r.clone()], &self.score[r])
    }

    pub(super) fn from_rows(rows: Vec<Row>, stats: SearchStats) -> Candidates {
        let total: usize = rows.iter().map(|r| r.0.len()).sum();
        let mut c = Candidates {
            offsets: Vec::with_capacity(rows.len() + 1),
            mentor: Vec::with_capacity(total),
            score: Vec::with_capacity(total),
            outside: Vec::with_capacity(rows.len()),
            stats,
        };
        c.offsets.push(0);
        for (row, out) in rows {
            c.push_row(&row, out);
        }
        c
    }

    pub(super) fn push_row(&mut self, row: &[(u32, f64)], outside: f64) {
        for &(j, s) in row {
            self.mentor.push(j);
            self.score.push(s);
        }
        self.offsets.push(self.mentor.len());
        self.outside.push(outside);
    }

    /// Replaces the rows of some mentees (e.g. with complete lists).
    pub fn replace_rows(&mut self, new: &HashMap<usize, Row>) {
        let old = std::mem::replace(
            self,
            Candidates {
                offsets: vec![0],
                mentor: Vec::new(),
                score: Vec::new(),
                outside: Vec::new(),
                stats: self.stats,
            },
        );
        for i in 0..old.n() {
            match new.get(&i) {
                Some((row, out)) => self.push_row(row, *out),
                None => {
                    let (m, s) = old.row(i);
                    let row: Vec<(u32, f64)> = m.iter().copied().zip(s.iter().copied()).collect();
                    self.push_row(&row, old.outside[i]);
                }
            }
        }
    }
}
