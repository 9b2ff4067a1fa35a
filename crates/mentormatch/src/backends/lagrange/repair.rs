//! Primal repair: turn a subproblem solution (which may break goals) into a matching where every
//! goal holds, losing as little score as possible, then improve it without breaking any goal.
//!
//! Moves never touch pins and keep the number of pairs fixed (share bounds were turned into
//! counts for that number):
//! - *relocate*: a free mentee moves to a mentor place that is still open (changes mentor-side
//!   counts only);
//! - *replace* (with `allow_unmatched`): an unmatched mentee takes a matched mentee's place
//!   (changes mentee-side counts only);
//! - *swap* (improvement only): two mentees exchange mentors (changes no count).
//!
//! Repair picks, step by step, the move with the smallest score loss per pair of violation it
//! removes; improvement applies score-raising moves that keep every row satisfied. Both scan
//! moves in index order, so the result is deterministic.

use super::rows::Rows;
use crate::problem::ScoreMatrix;

/// A matching being repaired.
pub(crate) struct State<'a> {
    pub sm: &'a ScoreMatrix,
    pub rows: &'a Rows,
    /// Mentor of every mentee (pins included).
    pub assign: Vec<Option<usize>>,
    /// Free mentees (movable).
    pub free: &'a [usize],
    /// Places per mentor after pins.
    pub remaining: &'a [u32],
    /// Free pairs per mentor.
    load: Vec<u32>,
    /// Free-pair count per row.
    counts: Vec<i64>,
}

/// Merged row deltas of leaving `minus` rows and entering `plus` rows (both sorted).
pub(crate) fn merged(minus: &[u32], plus: &[u32], out: &mut Vec<(u32, i64)>) {
    out.clear();
    let (mut a, mut b) = (0, 0);
    while a < minus.len() || b < plus.len() {
        match (minus.get(a), plus.get(b)) {
            (Some(&x), Some(&y)) if x == y => {
                a += 1;
                b += 1;
            }
            (Some(&x), Some(&y)) if x < y => {
                out.push((x, -1));
                a += 1;
            }
            (Some(_), Some(&y)) => {
                out.push((y, 1));
                b += 1;
            }
            (Some(&x), None) => {
                out.push((x, -1));
                a += 1;
            }
            (None, Some(&y)) => {
                out.push((y, 1));
                b += 1;
            }
            (None, None) => break,
        }
    }
}

impl<'a> State<'a> {
    pub fn new(
        sm: &'a ScoreMatrix,
        rows: &'a Rows,
        assign: Vec<Option<usize>>,
        free: &'a [usize],
        remaining: &'a [u32],
    ) -> State<'a> {
        let mut load = vec![0u32; remaining.len()];
        for &i in free {
            if let Some(j) = assign[i] {
                load[j] += 1;
            }
        }
        let counts = rows.counts(&assign, free);
        State {
            sm,
            rows,
            assign,
            free,
            remaining,
            load,
            counts,
        }
    }

    /// Total violation in pairs.
    pub fn violation(&self) -> i64 {
        self.rows.violation(&self.counts)
    }

    /// Total score of the free pairs.
    pub fn free_score(&self) -> f64 {
        self.free
            .iter()
            .filter_map(|&i| self.assign[i].map(|j| self.sm.score(i, j)))
            .sum()
    }

    /// Change in total violation from applying `delta`.
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

    fn apply(&mut self, delta: &[(u32, i64)]) {
        for &(r, d) in delta {
            self.counts[r as usize] += d;
        }
    }

    fn open(&self, j: usize) -> bool {
        self.load[j] < self.remaining[j]
    }

    /// Mentor classes: mentors with the same rows behave the same for the counts.
    fn classes(&self) -> (Vec<usize>, Vec<Vec<u32>>) {
        let mut ids: std::collections::HashMap<&[u32], usize> = Default::default();
        let mut lists = Vec::new();
        let class = self
            .rows
            .by_mentor
            .iter()
            .map(|l| {
                *ids.entry(l.as_slice()).or_insert_with(|| {
                    lists.push(l.clone());
                    lists.len() - 1
                })
            })
            .collect();
        (class, lists)
    }

    /// Violation change per (from-class, to-class) relocation.
    fn relocation_table(&self, lists: &[Vec<u32>], scratch: &mut Vec<(u32, i64)>) -> Vec<i64> {
        let k = lists.len();
        let mut t = vec![0i64; k * k];
        for a in 0..k {
            for b in 0..k {
                merged(&lists[a], &lists[b], scratch);
                t[a * k + b] = self.dv(scratch);
            }
        }
        t
    }

    /// Makes every row hold; false when no improving move is left (the goals may be
    /// impossible, or need longer chains of moves).
    pub fn repair(&mut self) -> bool {
        let (class, lists) = self.classes();
        let k = lists.len();
        let m = self.remaining.len();
        let mut scratch = Vec::new();
        let unmatched: Vec<usize> = self
            .free
            .iter()
            .copied()
            .filter(|&i| self.assign[i].is_none())
            .collect();
        let mut unmatched = unmatched;
        loop {
            let v = self.violation();
            if v == 0 {
                return true;
            }
            let table = self.relocation_table(&lists, &mut scratch);
            // (loss per removed violation, move)
            let mut best: Option<(f64, Move)> = None;
            let mut consider = |ratio: f64, mv: Move| {
                if best.as_ref().is_none_or(|(b, _)| ratio < *b) {
                    best = Some((ratio, mv));
                }
            };
            for &i in self.free {
                let Some(j) = self.assign[i] else { continue };
                let s = self.sm.score(i, j);
                let cj = class[j];
                for j2 in 0..m {
                    if j2 == j || !self.open(j2) || !self.sm.allowed(i, j2) {
                        continue;
                    }
                    let d = table[cj * k + class[j2]];
                    if d < 0 {
                        let loss = s - self.sm.score(i, j2);
                        consider(loss / (-d) as f64, Move::Relocate(i, j2));
                    }
                }
            }
            for (u, &i2) in unmatched.iter().enumerate() {
                for &i in self.free {
                    let Some(j) = self.assign[i] else { continue };
                    if !self.sm.allowed(i2, j) {
                        continue;
                    }
                    merged(
                        &self.rows.by_mentee[i],
                        &self.rows.by_mentee[i2],
                        &mut scratch,
                    );
                    let d = self.dv(&scratch);
                    if d < 0 {
                        let loss = self.sm.score(i, j) - self.sm.score(i2, j);
                        consider(loss / (-d) as f64, Move::Replace(i, u));
                    }
                }
            }
            match best {
                None => return false,
                Some((_, mv)) => self.play(mv, &mut unmatched, &mut scratch),
            }
        }
    }

    fn play(&mut self, mv: Move, unmatched: &mut [usize], scratch: &mut Vec<(u32, i64)>) {
        match mv {
            Move::Relocate(i, j2) => {
                let j = self.assign[i].unwrap_or(j2);
                merged(&self.rows.by_mentor[j], &self.rows.by_mentor[j2], scratch);
                let delta = std::mem::take(scratch);
                self.apply(&delta);
                *scratch = delta;
                self.load[j] -= 1;
                self.load[j2] += 1;
                self.assign[i] = Some(j2);
            }
            Move::Replace(i, u) => {
                let i2 = unmatched[u];
                merged(&self.rows.by_mentee[i], &self.rows.by_mentee[i2], scratch);
                let delta = std::mem::take(scratch);
                self.apply(&delta);
                *scratch = delta;
                self.assign[i2] = self.assign[i];
                self.assign[i] = None;
                unmatched[u] = i;
            }
        }
    }

    /// Score-raising moves that keep every row satisfied, until none is left or `passes` run
    /// out. Call on a repaired state.
    pub fn improve(&mut self, passes: usize) {
        let (class, lists) = self.classes();
        let k = lists.len();
        let m = self.remaining.len();
        let mut scratch = Vec::new();
        let mut unmatched: Vec<usize> = self
            .free
            .iter()
            .copied()
            .filter(|&i| self.assign[i].is_none())
            .collect();
        for _ in 0..passes {
            let mut improved = false;
            // Relocations.
            let mut table = self.relocation_table(&lists, &mut scratch);
            for idx in 0..self.free.len() {
                let i = self.free[idx];
                let Some(j) = self.assign[i] else { continue };
                let s = self.sm.score(i, j);
                let mut best: Option<(f64, usize)> = None;
                for j2 in 0..m {
                    if j2 == j || !self.open(j2) || !self.sm.allowed(i, j2) {
                        continue;
                    }
                    let gain = self.sm.score(i, j2) - s;
                    if gain > 1e-9
                        && table[class[j] * k + class[j2]] <= 0
                        && best.is_none_or(|(g, _)| gain > g)
                    {
                        best = Some((gain, j2));
                    }
                }
                if let Some((_, j2)) = best {
                    self.play(Move::Relocate(i, j2), &mut unmatched, &mut scratch);
                    table = self.relocation_table(&lists, &mut scratch);
                    improved = true;
                }
            }
            // Swaps.
            for a in 0..self.free.len() {
                let i1 = self.free[a];
                let Some(j1) = self.assign[i1] else { continue };
                let mut best: Option<(f64, usize)> = None;
                for &i2 in &self.free[a + 1..] {
                    let Some(j2) = self.assign[i2] else { continue };
                    if j1 == j2 || !self.sm.allowed(i1, j2) || !self.sm.allowed(i2, j1) {
                        continue;
                    }
                    let gain = self.sm.score(i1, j2) + self.sm.score(i2, j1)
                        - self.sm.score(i1, j1)
                        - self.sm.score(i2, j2);
                    if gain > 1e-9 && best.is_none_or(|(g, _)| gain > g) {
                        best = Some((gain, i2));
                    }
                }
                if let Some((_, i2)) = best {
                    let j2 = self.assign[i2];
                    self.assign[i2] = Some(j1);
                    self.assign[i1] = j2;
                    improved = true;
                }
            }
            // Replacements by unmatched mentees.
            for u in 0..unmatched.len() {
                let i2 = unmatched[u];
                let mut best: Option<(f64, usize)> = None;
                for &i in self.free {
                    let Some(j) = self.assign[i] else { continue };
                    if !self.sm.allowed(i2, j) {
                        continue;
                    }
                    let gain = self.sm.score(i2, j) - self.sm.score(i, j);
                    if gain > 1e-9 && best.is_none_or(|(g, _)| gain > g) {
                        merged(
                            &self.rows.by_mentee[i],
                            &self.rows.by_mentee[i2],
                            &mut scratch,
                        );
                        if self.dv(&scratch) <= 0 {
                            best = Some((gain, i));
                        }
                    }
                }
                if let Some((_, i)) = best {
                    self.play(Move::Replace(i, u), &mut unmatched, &mut scratch);
                    improved = true;
                }
            }
            if !improved {
                break;
            }
        }
    }
}

impl State<'_> {
    /// Kicks: the `tries` best score-raising relocations that break a goal, each followed by a
    /// repair; kept when the total still rises, undone otherwise. Reaches pairs of moves that
    /// single moves cannot (one mentee leaves a northern mentor for a better fit, another
    /// takes a northern place). Returns whether anything improved.
    pub fn kick(&mut self, tries: usize) -> bool {
        let (class, lists) = self.classes();
        let k = lists.len();
        let m = self.remaining.len();
        let mut scratch = Vec::new();
        let table = self.relocation_table(&lists, &mut scratch);
        let mut cands: Vec<(f64, usize, usize)> = Vec::new();
        for &i in self.free {
            let Some(j) = self.assign[i] else { continue };
            let s = self.sm.score(i, j);
            let mut best: Option<(f64, usize)> = None;
            for j2 in 0..m {
                if j2 == j || !self.open(j2) || !self.sm.allowed(i, j2) {
                    continue;
                }
                let gain = self.sm.score(i, j2) - s;
                if gain > 1e-9
                    && table[class[j] * k + class[j2]] > 0
                    && best.is_none_or(|(g, _)| gain > g)
                {
                    best = Some((gain, j2));
                }
            }
            if let Some((g, j2)) = best {
                cands.push((g, i, j2));
            }
        }
        // Largest gain first; index order on ties (deterministic).
        cands.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut improved = false;
        for &(_, i, j2) in cands.iter().take(tries) {
            if self.assign[i].is_none() || !self.open(j2) {
                continue;
            }
            let before = self.free_score();
            let saved = (self.assign.clone(), self.load.clone(), self.counts.clone());
            let mut unmatched = Vec::new();
            self.play(Move::Relocate(i, j2), &mut unmatched, &mut scratch);
            if self.repair() && self.free_score() > before + 1e-9 {
                improved = true;
            } else {
                (self.assign, self.load, self.counts) = saved;
            }
        }
        improved
    }
}

#[derive(Debug, Clone, Copy)]
enum Move {
    /// Mentee to mentor.
    Relocate(usize, usize),
    /// Matched mentee out, `unmatched[u]` in.
    Replace(usize, usize),
}
