//! Primal repair over sparse candidates: the moves of [`super::repair`], restricted to each
//! mentee's candidate row (no dense score matrix), for cohorts of tens of thousands.
//!
//! Moves never touch pins and keep the number of pairs fixed:
//! - *relocate*: a free mentee moves to an open place of a mentor in its row;
//! - *replace* (with `allow_unmatched`): an unmatched mentee takes the place of a matched mentee
//!   at a mentor in the unmatched mentee's row;
//! - *swap* (improvement only): two mentees exchange mentors, each pair from the other's row.
//!
//! Repair works in batches: every mentee's cheapest violation-reducing move (score lost per pair
//! of violation removed) is collected, the batch is sorted (ties by mentee, then mentor), and the
//! moves are played in that order, each re-checked against the current counts. Improvement
//! plays score-raising moves that keep every row satisfied. Everything runs in mentee order, so
//! the result does not depend on the number of threads.

use std::collections::HashMap;

use rayon::prelude::*;

use super::repair::merged;
use super::rows::Rows;
use crate::backends::sparse::assign::Assign;
use crate::backends::sparse::candidates::Candidates;

/// A matching of the free mentees being repaired, over candidate rows.
pub(crate) struct SparseState<'a> {
    cands: &'a Candidates,
    rows: &'a Rows,
    free: &'a [usize],
    remaining: &'a [u32],
    /// Free pairs (pins are not in it).
    pub assign: Assign,
    /// Score of each mentee at its mentor (0 when unmatched).
    own: Vec<f64>,
    /// Free-pair count per row.
    counts: Vec<i64>,
    /// Mentor classes (mentors in the same rows) and their row lists.
    class: Vec<u32>,
    lists: Vec<Vec<u32>>,
}

#[derive(Debug, Clone, Copy)]
enum Move {
    /// Mentee `.0`, at mentor `.1`, moves to mentor `.2` (score `.3`).
    Relocate(usize, usize, usize, f64),
    /// Matched mentee `.0` leaves mentor `.1`; unmatched `.2` takes the place (score `.3`).
    Replace(usize, usize, usize, f64),
    /// An ejection chain: mentee `a` leaves mentor `ja` for the full mentor `x` (score
    /// `sax`), whose mentee `b` moves to the open mentor `y` (score `sby`). The counts change
    /// as for a relocation from `ja` to `y`.
    Chain {
        a: usize,
        ja: usize,
        x: usize,
        sax: f64,
        b: usize,
        y: usize,
        sby: f64,
    },
}

/// Score of pair (`i`, `j`) when `j` is in `i`'s row.
fn score_in(cands: &Candidates, i: usize, j: usize) -> Option<f64> {
    let (js, ss) = cands.row(i);
    js.iter().position(|&x| x as usize == j).map(|p| ss[p])
}

impl<'a> SparseState<'a> {
    /// `mentor[i]` for every mentee (`None` for pinned and unmatched ones); every pair must
    /// be in the candidate rows.
    pub fn new(
        cands: &'a Candidates,
        rows: &'a Rows,
        free: &'a [usize],
        remaining: &'a [u32],
        mentor: &[Option<usize>],
    ) -> SparseState<'a> {
        let n = cands.n();
        let m = remaining.len();
        let mut assign = Assign::new(n, m);
        let mut own = vec![0.0; n];
        for &i in free {
            if let Some(j) = mentor[i] {
                assign.set(i, j);
                own[i] = score_in(cands, i, j).unwrap_or(f64::NEG_INFINITY);
            }
        }
        let mut ids: HashMap<&[u32], u32> = HashMap::new();
        let mut lists = Vec::new();
        let class = rows
            .by_mentor
            .iter()
            .map(|l| {
                *ids.entry(l.as_slice()).or_insert_with(|| {
                    lists.push(l.clone());
                    (lists.len() - 1) as u32
                })
            })
            .collect();
        let mut st = SparseState {
            cands,
            rows,
            free,
            remaining,
            assign,
            own,
            counts: vec![0; rows.len()],
            class,
            lists,
        };
        st.counts = st.recount();
        st
    }

    fn recount(&self) -> Vec<i64> {
        let mut c = vec![0i64; self.rows.len()];
        for &i in self.free {
            if let Some(j) = self.assign.mentor(i) {
                for &r in self.rows.by_mentor[j].iter().chain(&self.rows.by_mentee[i]) {
                    c[r as usize] += 1;
                }
            }
        }
        c
    }

    /// Mentor of every mentee (free ones only; pins are the caller's).
    pub fn mentor(&self, i: usize) -> Option<usize> {
        self.assign.mentor(i)
    }

    /// Total violation in pairs.
    pub fn violation(&self) -> i64 {
        self.rows.violation(&self.counts)
    }

    /// Total score of the free pairs, summed in mentee order.
    pub fn free_score(&self) -> f64 {
        let mut t = 0.0;
        for &i in self.free {
            if self.assign.mentor(i).is_some() {
                t += self.own[i];
            }
        }
        t
    }

    fn open(&self, j: usize) -> bool {
        self.assign.load[j] < self.remaining[j]
    }

    /// Change in total violation from `delta`.
    fn dv(&self, delta: &[(u32, i64)]) -> i64 {
        delta
            .iter()
            .map(|&(r, d)| {
                let row = &self.rows.rows[r as usize];
                let c = self.counts[r as usize];
                row.excess(c + d).max(0) - row.excess(c).max(0)
            })
            .sum()
    }

    /// Violation change of moving a pair from mentor `j` to mentor `j2`, by class.
    fn table(&self) -> Vec<i64> {
        let k = self.lists.len();
        let mut t = vec![0i64; k * k];
        let mut scratch = Vec::new();
        for a in 0..k {
            for b in 0..k {
                merged(&self.lists[a], &self.lists[b], &mut scratch);
                t[a * k + b] = self.dv(&scratch);
            }
        }
        t
    }

    fn dv_relocate(&self, j: usize, j2: usize, scratch: &mut Vec<(u32, i64)>) -> i64 {
        merged(&self.rows.by_mentor[j], &self.rows.by_mentor[j2], scratch);
        self.dv(scratch)
    }

    fn dv_replace(&self, i: usize, i2: usize, scratch: &mut Vec<(u32, i64)>) -> i64 {
        merged(&self.rows.by_mentee[i], &self.rows.by_mentee[i2], scratch);
        self.dv(scratch)
    }

    fn play(&mut self, mv: Move, scratch: &mut Vec<(u32, i64)>) {
        match mv {
            Move::Relocate(i, j, j2, s) => {
                merged(&self.rows.by_mentor[j], &self.rows.by_mentor[j2], scratch);
                for &(r, d) in scratch.iter() {
                    self.counts[r as usize] += d;
                }
                self.assign.set(i, j2);
                self.own[i] = s;
            }
            Move::Chain {
                a,
                ja,
                x,
                sax,
                b,
                y,
                sby,
            } => {
                merged(&self.rows.by_mentor[ja], &self.rows.by_mentor[y], scratch);
                for &(r, d) in scratch.iter() {
                    self.counts[r as usize] += d;
                }
                self.assign.set(b, y);
                self.own[b] = sby;
                self.assign.set(a, x);
                self.own[a] = sax;
            }
            Move::Replace(i, j, i2, s) => {
                merged(&self.rows.by_mentee[i], &self.rows.by_mentee[i2], scratch);
                for &(r, d) in scratch.iter() {
                    self.counts[r as usize] += d;
                }
                self.assign.unset(i);
                self.own[i] = 0.0;
                self.assign.set(i2, j);
                self.own[i2] = s;
            }
        }
    }

    /// Mentors with an open place in a class that some matched mentee's move would reduce the
    /// violation by reaching: where repair needs pairs the candidate rows may lack.
    pub fn helpful_open(&self) -> Vec<bool> {
        let k = self.lists.len();
        let table = self.table();
        let mut used = vec![false; k];
        for &i in self.free {
            if let Some(j) = self.assign.mentor(i) {
                used[self.class[j] as usize] = true;
            }
        }
        let good: Vec<bool> = (0..k)
            .map(|b| (0..k).any(|a| used[a] && table[a * k + b] < 0))
            .collect();
        (0..self.remaining.len())
            .map(|j| self.open(j) && good[self.class[j] as usize])
            .collect()
    }

    /// The cheapest violation-reducing ejection chain starting with mentee `a` (at mentor
    /// `ja`), by score lost per pair of violation removed.
    fn best_chain(&self, a: usize, ja: usize, table: &[i64]) -> Option<(f64, Move)> {
        let k = self.lists.len();
        let ca = self.class[ja] as usize;
        let (xs, sxs) = self.cands.row(a);
        let mut best: Option<(f64, Move)> = None;
        for (&x, &sax) in xs.iter().zip(sxs) {
            let x = x as usize;
            if x == ja || self.open(x) {
                continue;
            }
            for b in self.assign.mentees_of(x) {
                let (ys, sys) = self.cands.row(b);
                for (&y, &sby) in ys.iter().zip(sys) {
                    let y = y as usize;
                    if y == x || !self.open(y) {
                        continue;
                    }
                    let d = table[ca * k + self.class[y] as usize];
                    if d >= 0 {
                        continue;
                    }
                    let loss = self.own[a] - sax + self.own[b] - sby;
                    let ratio = loss / (-d) as f64;
                    if best.as_ref().is_none_or(|(r, _)| ratio < *r) {
                        best = Some((
                            ratio,
                            Move::Chain {
                                a,
                                ja,
                                x,
                                sax,
                                b,
                                y,
                                sby,
                            },
                        ));
                    }
                }
            }
        }
        best
    }

    /// Makes every row hold; false when no move reduces the violation any more.
    pub fn repair(&mut self) -> bool {
        let k = self.lists.len();
        let mut scratch = Vec::new();
        let mentee_rows = self.rows.by_mentee.iter().any(|l| !l.is_empty());
        loop {
            if self.violation() == 0 {
                return true;
            }
            let table = self.table();
            // Every mentee's cheapest violation-reducing relocation.
            let this = &*self;
            let mut moves: Vec<(f64, usize, Move)> = this
                .free
                .par_iter()
                .filter_map(|&i| {
                    let j = this.assign.mentor(i)?;
                    let cj = this.class[j] as usize;
                    let (js, ss) = this.cands.row(i);
                    let mut best: Option<(f64, Move)> = None;
                    for (&j2, &s2) in js.iter().zip(ss) {
                        let j2 = j2 as usize;
                        if j2 == j || !this.open(j2) {
                            continue;
                        }
                        let d = table[cj * k + this.class[j2] as usize];
                        if d < 0 {
                            let ratio = (this.own[i] - s2) / (-d) as f64;
                            if best.as_ref().is_none_or(|(b, _)| ratio < *b) {
                                best = Some((ratio, Move::Relocate(i, j, j2, s2)));
                            }
                        }
                    }
                    if best.is_none() {
                        best = this.best_chain(i, j, &table);
                    }
                    best.map(|(r, mv)| (r, i, mv))
                })
                .collect();
            if mentee_rows {
                // Unmatched mentees taking a matched mentee's place.
                let mut scratch2 = Vec::new();
                for &i2 in self.free {
                    if self.assign.mentor(i2).is_some() {
                        continue;
                    }
                    let (js, ss) = self.cands.row(i2);
                    let mut best: Option<(f64, Move)> = None;
                    for (&j, &s2) in js.iter().zip(ss) {
                        let j = j as usize;
                        for i in self.assign.mentees_of(j) {
                            let d = self.dv_replace(i, i2, &mut scratch2);
                            if d < 0 {
                                let ratio = (self.own[i] - s2) / (-d) as f64;
                                if best.as_ref().is_none_or(|(b, _)| ratio < *b) {
                                    best = Some((ratio, Move::Replace(i, j, i2, s2)));
                                }
                            }
                        }
                    }
                    if let Some((r, mv)) = best {
                        moves.push((r, i2, mv));
                    }
                }
            }
            moves.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            if crate::progress::trace() {
                eprintln!(
                    "sparse repair: violation {} ({:?}), {} moves",
                    self.violation(),
                    self.rows
                        .rows
                        .iter()
                        .zip(&self.counts)
                        .map(|(r, &c)| r.excess(c))
                        .collect::<Vec<_>>(),
                    moves.len()
                );
            }
            let mut played = 0usize;
            for &(_, _, mv) in &moves {
                let ok = match mv {
                    Move::Relocate(i, j, j2, _) => {
                        self.assign.mentor(i) == Some(j)
                            && self.open(j2)
                            && self.dv_relocate(j, j2, &mut scratch) < 0
                    }
                    Move::Chain { a, ja, x, b, y, .. } => {
                        self.assign.mentor(a) == Some(ja)
                            && self.assign.mentor(b) == Some(x)
                            && x != y
                            && self.open(y)
                            && self.dv_relocate(ja, y, &mut scratch) < 0
                    }
                    Move::Replace(i, j, i2, _) => {
                        self.assign.mentor(i) == Some(j)
                            && self.assign.mentor(i2).is_none()
                            && self.dv_replace(i, i2, &mut scratch) < 0
                    }
                };
                if ok {
                    self.play(mv, &mut scratch);
                    played += 1;
                    if self.violation() == 0 {
                        return true;
                    }
                }
            }
            if played == 0 {
                return false;
            }
        }
    }

    /// Score-raising moves that keep every row satisfied, at most `passes` rounds. Call on a
    /// repaired state (the violation never rises).
    pub fn improve(&mut self, passes: usize) {
        let mut scratch = Vec::new();
        let mentee_rows = self.rows.by_mentee.iter().any(|l| !l.is_empty());
        for _ in 0..passes {
            let mut improved = false;
            // Relocations to an open place in the row.
            for idx in 0..self.free.len() {
                let i = self.free[idx];
                let Some(j) = self.assign.mentor(i) else {
                    continue;
                };
                let (js, ss) = self.cands.row(i);
                let mut best: Option<(f64, usize, f64)> = None;
                for (&j2, &s2) in js.iter().zip(ss) {
                    let j2 = j2 as usize;
                    let gain = s2 - self.own[i];
                    if j2 == j
                        || gain <= 1e-9
                        || !self.open(j2)
                        || best.is_some_and(|(g, _, _)| gain <= g)
                    {
                        continue;
                    }
                    if self.dv_relocate(j, j2, &mut scratch) <= 0 {
                        best = Some((gain, j2, s2));
                    }
                }
                if let Some((_, j2, s2)) = best {
                    self.play(Move::Relocate(i, j, j2, s2), &mut scratch);
                    improved = true;
                }
            }
            // Swaps: i1 takes a mentor from its row that i2 holds, i2 takes i1's mentor.
            for idx in 0..self.free.len() {
                let i1 = self.free[idx];
                let Some(j1) = self.assign.mentor(i1) else {
                    continue;
                };
                let (js, ss) = self.cands.row(i1);
                let mut best: Option<(f64, usize, f64, f64)> = None;
                for (&j2, &s12) in js.iter().zip(ss) {
                    let j2 = j2 as usize;
                    // Every gaining swap has a leg that gains; it is found from that side.
                    if j2 == j1 || s12 <= self.own[i1] {
                        continue;
                    }
                    for i2 in self.assign.mentees_of(j2) {
                        let Some(s21) = score_in(self.cands, i2, j1) else {
                            continue;
                        };
                        let gain = s12 + s21 - self.own[i1] - self.own[i2];
                        if gain > 1e-9 && best.is_none_or(|(g, _, _, _)| gain > g) {
                            best = Some((gain, i2, s12, s21));
                        }
                    }
                }
                if let Some((_, i2, s12, s21)) = best {
                    let j2 = self.assign.mentor(i2).unwrap_or(j1);
                    self.assign.set(i1, j2);
                    self.assign.set(i2, j1);
                    self.own[i1] = s12;
                    self.own[i2] = s21;
                    improved = true;
                }
            }
            // Unmatched mentees replacing matched ones.
            if self.free.iter().any(|&i| self.assign.mentor(i).is_none()) {
                for idx in 0..self.free.len() {
                    let i2 = self.free[idx];
                    if self.assign.mentor(i2).is_some() {
                        continue;
                    }
                    let (js, ss) = self.cands.row(i2);
                    let mut best: Option<(f64, usize, usize, f64)> = None;
                    for (&j, &s2) in js.iter().zip(ss) {
                        let j = j as usize;
                        for i in self.assign.mentees_of(j) {
                            let gain = s2 - self.own[i];
                            if gain > 1e-9
                                && best.is_none_or(|(g, _, _, _)| gain > g)
                                && (!mentee_rows || self.dv_replace(i, i2, &mut scratch) <= 0)
                            {
                                best = Some((gain, i, j, s2));
                            }
                        }
                    }
                    if let Some((_, i, j, s2)) = best {
                        self.play(Move::Replace(i, j, i2, s2), &mut scratch);
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }
}
