//! The candidate rows by mentor: for each mentor, the free mentees listing it and their
//! scores.
//!
//! The auction's reverse steps and the price refinement both read a mentor's column. At a
//! million mentees the rows hold over a hundred million pairs and the transpose takes seconds,
//! so the heuristic builds it once per candidate set and both read the same copy (the
//! refinement always follows an auction over the same rows).

use super::candidates::Candidates;
use super::Prepared;

/// Column `j` is `entries[start[j]..start[j + 1]]`, as (mentee, score), mentees in the order
/// of `free`.
#[derive(Debug)]
pub(crate) struct Columns {
    start: Vec<usize>,
    entries: Vec<(u32, f64)>,
}

impl Columns {
    /// The columns of the rows of `free` over `m` mentors.
    fn new(cands: &Candidates, free: &[usize], m: usize) -> Columns {
        let mut start = vec![0usize; m + 1];
        for &i in free {
            for &j in cands.row(i).0 {
                start[j as usize + 1] += 1;
            }
        }
        for j in 0..m {
            start[j + 1] += start[j];
        }
        let mut fill = start[..m].to_vec();
        let mut entries = vec![(0u32, 0f64); start[m]];
        for &i in free {
            let (js, ss) = cands.row(i);
            for (&j, &s) in js.iter().zip(ss) {
                entries[fill[j as usize]] = (i as u32, s);
                fill[j as usize] += 1;
            }
        }
        Columns { start, entries }
    }

    /// The columns of `prep`'s rows (its free mentees, over all its mentors).
    pub(crate) fn of_rows(prep: &Prepared) -> Columns {
        Columns::new(&prep.cands, &prep.free, prep.remaining.len())
    }

    /// Mentor `j`'s column.
    pub(crate) fn of(&self, j: usize) -> &[(u32, f64)] {
        &self.entries[self.start[j]..self.start[j + 1]]
    }

    /// Number of mentors.
    pub(crate) fn mentors(&self) -> usize {
        self.start.len() - 1
    }
}
