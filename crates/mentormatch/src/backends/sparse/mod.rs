//! Very large programmes: sparse candidate pairs instead of the dense mentee x mentor matrix,
//! and an exact assignment solver over them.
//!
//! - [`candidates`]: the `k` best allowed mentors per mentee, by blocking and score bounds.
//! - [`lap`]: exact min-cost assignment over the candidates (shortest augmenting paths).
//! - [`bound`]: the certificate, an upper bound on the optimum over *all* allowed pairs.
//! - [`SparseExactBackend`]: the three together, chosen by `auto` when the dense matrix would
//!   not fit the memory budget.

pub mod assign;
pub mod bound;
pub mod candidates;
pub(crate) mod columns;
pub(crate) mod feasibility;
pub mod lap;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::time::Instant;

use rayon::prelude::*;

pub use assign::Assign;
pub use candidates::{CandidateIndex, Candidates, SearchStats};

use crate::error::{Error, Result};
use crate::problem::AfterPins;
use crate::problem::Problem;
use crate::progress::{self, Progress};
use crate::solver::Note;
use crate::solver::{Backend, Settings, Solution, SolveStatus};

/// Width of the price classes the candidate tree is regrouped by before a pricing pass, in
/// score points.
const PRICE_STEP: f64 = 1.0;

/// Default number of candidate mentors per mentee.
pub const DEFAULT_K: usize = 50;

/// Candidates and the fixed part of a problem (pins), ready for a sparse solver.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Candidate pairs of every mentee (a pinned mentee has only its pin).
    pub cands: Candidates,
    /// The blocking index (kept to complete rows when feasibility needs it).
    pub index: CandidateIndex,
    /// Places per mentor after pins.
    pub remaining: Vec<u32>,
    /// Mentees not pinned, in index order.
    pub free: Vec<usize>,
    /// Pinned mentor per mentee.
    pub pinned: Vec<Option<usize>>,
    /// Total score of the pinned pairs.
    pub pinned_total: f64,
    /// Candidates per mentee asked for.
    pub k: usize,
    /// Remarks for the result.
    pub notes: Vec<Note>,
    /// Incremental pricing state: the prices of the last [`Prepared::price_columns`] pass.
    priced_at: Vec<f64>,
    /// Per mentee: every allowed pair *not in its row* has `s_ij - priced_at[j] <= cert[i]`.
    cert: Vec<f64>,
    /// Incremental pricing: how far (score points) a mentee's dual may stay above its row's best
    /// reduced score, from an earlier pass's certificate, before it is searched over every
    /// mentor again (0: only the pricing tolerance). Sound at any value; larger values make
    /// passes cheaper and the bound looser (see [`Prepared::price_columns`]).
    pub loose: f64,
}

impl Prepared {
    /// Compiles the index and generates `k` candidates per mentee.
    pub fn new(problem: &Problem, k: usize, progress: &dyn Progress) -> Prepared {
        progress.stage("indexing mentors", 0);
        let index = CandidateIndex::new(problem, &remaining_after_pins(problem));
        let cands = candidates::generate(problem, &index, k.max(1), progress);
        Prepared::from_candidates(problem, index, cands, k)
    }

    /// Candidates generated elsewhere (e.g. by shard jobs, see [`crate::distributed`]) with
    /// the index over `remaining_after_pins(problem)`: the same as [`Prepared::new`] when
    /// `cands` equals what [`candidates::generate`] gives.
    pub fn from_candidates(
        problem: &Problem,
        index: CandidateIndex,
        cands: Candidates,
        k: usize,
    ) -> Prepared {
        let AfterPins {
            pinned,
            remaining,
            free,
            pinned_score: pinned_total,
            ..
        } = problem.after_pins();
        Prepared {
            cands,
            index,
            remaining,
            free,
            pinned,
            pinned_total,
            k: k.max(1),
            notes: Vec::new(),
            priced_at: Vec::new(),
            cert: Vec::new(),
            loose: 0.0,
        }
    }

    /// Completes the rows of `mentees` (every allowed mentor with places), when truncated.
    /// Returns how many rows grew.
    pub fn complete_rows(&mut self, problem: &Problem, mentees: &[usize]) -> usize {
        let todo: Vec<usize> = mentees
            .iter()
            .copied()
            .filter(|&i| self.cands.outside[i] > f64::NEG_INFINITY && self.pinned[i].is_none())
            .collect();
        if todo.is_empty() {
            return 0;
        }
        let all = problem.n_mentors().max(1);
        let rows: Vec<(usize, candidates::Row)> = todo
            .par_iter()
            .map_init(candidates::Scratch::default, |scratch, &i| {
                let mut st = SearchStats::default();
                (i, self.index.query(problem, i, all, scratch, &mut st))
            })
            .collect();
        let map: HashMap<usize, candidates::Row> = rows.into_iter().collect();
        self.cands.replace_rows(&map);
        todo.len()
    }

    /// Pricing pass with mentor prices `v >= 0` (indexed by mentor): for every free mentee the
    /// `k_add` allowed mentors with the largest `s_ij - v_j`, merged into its row when `merge`
    /// (rows stay sorted by score, descending), and the exact `max(0, max_j (s_ij - v_j))` over
    /// **all** allowed mentors with places, per mentee (0 for pinned mentees).
    pub fn price(
        &mut self,
        problem: &Problem,
        v: &[f64],
        k_add: usize,
        merge: bool,
        progress: &dyn Progress,
    ) -> Vec<f64> {
        let prices = self.index.prices(v);
        let n = self.pinned.len();
        progress.stage("pricing", self.free.len() as u64);
        let mut u = vec![0.0; n];
        let mut add: HashMap<usize, candidates::Row> = HashMap::new();
        const CHUNK: usize = 8192;
        for chunk in self.free.chunks(CHUNK) {
            let part: Vec<(usize, Vec<(u32, f64)>)> = chunk
                .par_iter()
                .map_init(candidates::Scratch::default, |scratch, &i| {
                    let mut st = SearchStats::default();
                    let mut exclude = if merge {
                        self.cands.row(i).0.to_vec()
                    } else {
                        Vec::new()
                    };
                    exclude.sort_unstable();
                    let (list, _) = self.index.query_priced(
                        problem,
                        i,
                        k_add.max(1),
                        &prices,
                        &exclude,
                        scratch,
                        &mut st,
                    );
                    (i, list)
                })
                .collect();
            for (i, list) in part {
                let (js, ss) = self.cands.row(i);
                let in_row = js
                    .iter()
                    .zip(ss)
                    .filter(|(&j, _)| self.remaining[j as usize] > 0)
                    .map(|(&j, &s)| s - v[j as usize])
                    .fold(0.0f64, f64::max);
                u[i] = list
                    .first()
                    .map_or(0.0, |&(j, s)| (s - v[j as usize]).max(0.0))
                    .max(in_row);
                if merge {
                    let (js, ss) = self.cands.row(i);
                    let mut row: Vec<(u32, f64)> =
                        js.iter().copied().zip(ss.iter().copied()).collect();
                    for (j, s) in list {
                        if !js.contains(&j) {
                            row.push((j, s));
                        }
                    }
                    if row.len() > js.len() {
                        row.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                        add.insert(i, (row, self.cands.outside[i]));
                    }
                }
            }
            progress.inc(chunk.len() as u64);
        }
        if !add.is_empty() {
            self.cands.replace_rows(&add);
        }
        u
    }

    /// One column-generation pricing pass with mentor prices `v >= 0` (indexed by mentor).
    ///
    /// For every free mentee, `floor` is the best reduced score `s_ij - v_j` within its row
    /// (mentors with places, at least 0), and the candidate index is searched for allowed
    /// mentors whose reduced score beats it ([`CandidateIndex::query_priced_above`], prices
    /// folded into the node bounds, so most mentees cost a few bound evaluations). Up to
    /// `k_add` such mentors join the row (rows stay sorted by score; the left-out bound stays
    /// valid since rows only grow). The returned `u` satisfies `u_i >= s_ij - v_j` for every
    /// allowed pair and `u_i >= 0` (0 for pinned mentees), i.e. `(u, v)` is feasible for the LP
    /// dual of the whole problem ([`Prepared::global_bound`]); it is the exact
    /// `max(0, max_j (s_ij - v_j))` on the first pass, and exceeds it by at most `tol` later
    /// (incremental passes).
    ///
    /// A mentee counts as violated when an outside pair beats its row by more than `tol`; none
    /// violated and none unproven means the assignment LP over the rows has the same optimum
    /// as over all pairs, up to `tol` per mentee, at these prices. A mentee whose row got
    /// dearer than its last certificate by at most [`Prepared::loose`] is searched over the
    /// mentors that got cheaper only, and keeps that certificate as its dual (sound, up to
    /// `loose` above the exact one; counted in [`Pricing::unproven`] when nothing better was
    /// found). Before the pass the candidate tree is regrouped by price class
    /// ([`CandidateIndex::regrouped`]). When `stop()` says so between chunks of
    /// mentees, the rest are not searched and get the loose dual `max(row best, outside)`.
    pub fn price_columns(
        &mut self,
        problem: &Problem,
        v: &[f64],
        k_add: usize,
        tol: f64,
        progress: &dyn Progress,
        stop: &dyn Fn() -> bool,
    ) -> Pricing {
        let local = LocalPasses { problem };
        self.price_columns_with(&local, v, k_add, tol, progress, stop)
            .expect("local pricing cannot fail")
    }

    /// [`Prepared::price_columns`] with the searches run by `passes` (in this process, or as
    /// shard jobs elsewhere, see [`crate::distributed`]); the same result whenever `passes`
    /// answers each query as [`run_price_job`] does. Fails only when `passes` does.
    pub fn price_columns_with(
        &mut self,
        passes: &dyn PairPasses,
        v: &[f64],
        k_add: usize,
        tol: f64,
        progress: &dyn Progress,
        stop: &dyn Fn() -> bool,
    ) -> Result<Pricing> {
        let n = self.pinned.len();
        let m = self.remaining.len();
        // Incremental pricing. After a pass at prices `w`, `cert[i]` bounds `s_ij - w_j` over
        // the pairs outside row `i` (rows only grow, so it stays a bound over what is still
        // outside). At new prices `v`, a pair whose mentor did not get cheaper (`v_j >= w_j`)
        // has `s_ij - v_j <= cert[i]`; so when `cert[i] <= floor` only the mentors that got
        // cheaper (`Δ`) can beat the floor, and a search restricted to them (every other
        // mentor priced `+inf`) gives the exact dual. Otherwise (first pass, or the row got
        // dearer than the certificate) the mentee is searched over all mentors.
        let incremental = self.priced_at.len() == m && self.cert.len() == n;
        // Prices that fell by at most `slack` are treated as unchanged: their pairs are
        // bounded by `cert[i] + slack` (see below), which keeps auction noise of a few ε from
        // sending every mentee to a full search.
        let slack = 0.5 * tol;
        let cheaper: Vec<bool> = if incremental {
            (0..m).map(|j| v[j] < self.priced_at[j] - slack).collect()
        } else {
            vec![true; m]
        };
        let n_cheaper = cheaper.iter().filter(|&&c| c).count();
        let masked: Option<Vec<f64>> = (incremental && n_cheaper > 0).then(|| {
            (0..m)
                .map(|j| if cheaper[j] { v[j] } else { f64::INFINITY })
                .collect()
        });
        let has_masked = masked.is_some();
        if !incremental {
            self.cert = vec![f64::INFINITY; n];
        }
        progress.stage("pricing", self.free.len() as u64);
        let mut out = Pricing {
            u: vec![0.0; n],
            violated: 0,
            added: 0,
            excess: 0.0,
            searched: 0,
            restricted: 0,
            stopped: false,
            unproven: 0,
            stats: SearchStats::default(),
        };
        let mut add: HashMap<usize, candidates::Row> = HashMap::new();
        let mut stats = SearchStats::default();
        let chunk_len = passes.chunk().max(1);
        for chunk in self.free.chunks(chunk_len) {
            if out.stopped || stop() {
                // Out of time: the rest keep a valid but loose dual, the row's best or the
                // bound on everything left out of the row (`outside`, prices being `>= 0`).
                out.stopped = true;
                for &i in chunk {
                    let (js, ss) = self.cands.row(i);
                    let floor = js
                        .iter()
                        .zip(ss)
                        .filter(|(&j, _)| self.remaining[j as usize] > 0)
                        .map(|(&j, &s)| s - v[j as usize])
                        .fold(0.0f64, f64::max);
                    out.u[i] = floor.max(self.cands.outside[i]);
                    out.excess += out.u[i] - floor;
                }
                continue;
            }
            // What each mentee needs: (floor, old certificate, kind) with kind 0 (no search),
            // 1 (restricted to the mentors that got cheaper) or 2 (every mentor).
            let plan: Vec<(f64, f64, u8)> = chunk
                .par_iter()
                .map(|&i| {
                    let (js, ss) = self.cands.row(i);
                    let floor = js
                        .iter()
                        .zip(ss)
                        .filter(|(&j, _)| self.remaining[j as usize] > 0)
                        .map(|(&j, &s)| s - v[j as usize])
                        .fold(0.0f64, f64::max);
                    // Pairs outside the row score at most `outside[i]` and prices are
                    // `>= 0`, so none can beat a floor at or above it: no search needed.
                    if self.cands.outside[i] <= floor {
                        return (floor, floor, 0);
                    }
                    // Every pair outside the row whose mentor is not in Δ has
                    // `s_ij - v_j <= s_ij - w_j + slack <= cert[i] + slack`.
                    let old = self.cert[i] + slack;
                    if incremental && old <= floor + tol + self.loose {
                        if !has_masked {
                            return (floor, old, 0);
                        }
                        return (floor, old, 1);
                    }
                    (floor, f64::NEG_INFINITY, 2)
                })
                .collect();
            let queries: Vec<PriceQuery> = chunk
                .iter()
                .zip(&plan)
                .filter(|(_, p)| p.2 != 0)
                .map(|(&i, p)| PriceQuery {
                    mentee: i,
                    floor: p.0,
                    restricted: p.2 == 1,
                })
                .collect();
            let job = PriceJob {
                queries: &queries,
                v,
                masked: masked.as_deref(),
                k: k_add.max(1),
            };
            let (answers, st) = if queries.is_empty() {
                (Vec::new(), SearchStats::default())
            } else {
                passes.price_above(&self.index, &job)?
            };
            if answers.len() != queries.len() {
                return Err(Error::Solver(format!(
                    "a pricing pass answered {} of {} queries",
                    answers.len(),
                    queries.len()
                )));
            }
            stats.pairs_scored += st.pairs_scored;
            stats.bounds += st.bounds;
            let mut answers = answers.into_iter();
            for (&i, &(floor, old, kind)) in chunk.iter().zip(&plan) {
                let (list, left) = match kind {
                    0 => (Vec::new(), old),
                    1 => {
                        let (list, left) = answers.next().unwrap_or_default();
                        (list, left.max(old))
                    }
                    _ => answers.next().unwrap_or_default(),
                };
                match kind {
                    1 => out.restricted += 1,
                    2 => out.searched += 1,
                    _ => {}
                }

                let best = list
                    .first()
                    .map_or(floor, |&(j, s)| (s - v[j as usize]).max(floor));
                if kind != 2 && left > floor + tol && best <= floor + tol {
                    // The dual rests on an earlier certificate above the row (`loose`): no
                    // better pair was found, but none is ruled out either.
                    out.unproven += 1;
                }
                // `left` bounds every pair left outside (after a restricted search it
                // includes `cert[i] + slack`), so `max(best, left)` is a valid dual.
                let u = best.max(left);
                out.u[i] = u;
                out.excess += u - floor;
                if best > floor + tol {
                    out.violated += 1;
                    let (js, ss) = self.cands.row(i);
                    let mut row: Vec<(u32, f64)> =
                        js.iter().copied().zip(ss.iter().copied()).collect();
                    row.extend(list.iter().copied());
                    out.added += list.len();
                    row.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                    add.insert(i, (row, self.cands.outside[i]));
                    // What stays outside: what the search left out.
                    self.cert[i] = left.max(floor);
                } else {
                    self.cert[i] = left.max(best);
                }
            }
            progress.inc(chunk.len() as u64);
        }
        if out.stopped {
            // Certificates are now partly from older prices: start afresh next time.
            self.priced_at.clear();
            self.cert.clear();
        } else {
            self.priced_at = v.to_vec();
        }
        self.cands.stats.pairs_scored += stats.pairs_scored;
        self.cands.stats.bounds += stats.bounds;
        out.stats = stats;
        if !add.is_empty() {
            self.cands.replace_rows(&add);
        }
        Ok(out)
    }

    /// Adds up to `extra` random allowed mentors (with places) per free mentee, drawn from a
    /// generator seeded by `(seed, mentee)`, so the result does not depend on threads. Rows
    /// stay sorted by score; the left-out bounds stay valid.
    pub fn add_random(&mut self, problem: &Problem, extra: usize, seed: u64) {
        let usable: Vec<u32> = (0..self.remaining.len())
            .filter(|&j| self.remaining[j] > 0)
            .map(|j| j as u32)
            .collect();
        if usable.is_empty() || extra == 0 {
            return;
        }
        let rows: Vec<(usize, candidates::Row)> = self
            .free
            .par_iter()
            .filter_map(|&i| {
                let mut rng = crate::rng::SplitMix64::new(
                    seed ^ (i as u64).wrapping_mul(0xA24B_AED4_963E_E407),
                );
                let (js, ss) = self.cands.row(i);
                let mut row: Vec<(u32, f64)> = js.iter().copied().zip(ss.iter().copied()).collect();
                let mut added = 0;
                for _ in 0..extra * 4 {
                    if added == extra {
                        break;
                    }
                    let j = usable[rng.below(usable.len())];
                    if row.iter().any(|x| x.0 == j) {
                        continue;
                    }
                    let (s, ok) = problem.pair(i, j as usize);
                    if ok {
                        row.push((j, s));
                        added += 1;
                    }
                }
                (added > 0).then(|| {
                    row.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                    (i, (row, self.cands.outside[i]))
                })
            })
            .collect();
        let map: HashMap<usize, candidates::Row> = rows.into_iter().collect();
        self.cands.replace_rows(&map);
    }

    /// The certificate from prices `v` and the exact mentee duals `u` of a pricing pass:
    /// `pinned + Σ u_i + Σ_j r_j v_j` (see [`bound`]).
    pub fn global_bound(&self, u: &[f64], v: &[f64]) -> f64 {
        let mut total = self.pinned_total;
        for &i in &self.free {
            total += u[i];
        }
        for (j, &c) in self.remaining.iter().enumerate() {
            if c > 0 {
                total += f64::from(c) * v[j];
            }
        }
        total + 1e-9 * (1.0 + total.abs())
    }

    /// Per free mentee, the best reduced score `s - prices[j]` over its candidates with a place
    /// left (at least 0): what a pair from outside the lists must beat to be worth adding.
    pub fn best_reduced(&self, prices: &[f64]) -> Vec<f64> {
        self.free
            .iter()
            .map(|&i| {
                let (js, ss) = self.cands.row(i);
                js.iter()
                    .zip(ss)
                    .filter(|(&j, _)| self.remaining[j as usize] > 0)
                    .map(|(&j, &s)| s - prices[j as usize])
                    .fold(0.0f64, f64::max)
            })
            .collect()
    }

    /// The full assignment (pins plus `assign`, the unmatched column mapped to `None`).
    pub fn assignment(&self, assign: &Assign) -> Vec<Option<usize>> {
        let m = self.remaining.len();
        (0..self.pinned.len())
            .map(|i| self.pinned[i].or(assign.mentor(i).filter(|&j| j < m)))
            .collect()
    }

    /// Total score of an assignment of the free mentees (pins included), summed in mentee order.
    pub fn objective(&self, assign: &Assign) -> f64 {
        let mut total = self.pinned_total;
        for &i in &self.free {
            if let Some(j) = assign.mentor(i) {
                let (js, ss) = self.cands.row(i);
                if let Some(p) = js.iter().position(|&x| x as usize == j) {
                    total += ss[p];
                }
            }
        }
        total
    }
}

/// Outcome of [`Prepared::price_columns`].
#[derive(Debug, Clone)]
pub struct Pricing {
    /// Mentee duals: `u_i >= max(0, max_j (s_ij - v_j))` over all allowed pairs (0 when
    /// pinned), exact on a first pass and within `tol` of it on incremental passes.
    pub u: Vec<f64>,
    /// Mentees with an outside pair beating their row by more than the tolerance.
    pub violated: usize,
    /// Pairs added to the rows.
    pub added: usize,
    /// `Σ_i (u_i - row best)`: how much the pairs outside the rows add to the bound.
    pub excess: f64,
    /// Mentees searched over every mentor.
    pub searched: usize,
    /// Mentees searched over the mentors that got cheaper since the last pass only.
    pub restricted: usize,
    /// The pass stopped early (time limit); `u` is still a valid dual, but looser.
    pub stopped: bool,
    /// Mentees whose dual rests on an earlier pass's certificate, up to [`Prepared::loose`]
    /// above their row's best (no better pair found, none ruled out beyond that).
    pub unproven: usize,
    /// Work done by the searches of this pass.
    pub stats: SearchStats,
}

/// Places per mentor after the pins: the mentors the candidate index is built over.
pub fn remaining_after_pins(problem: &Problem) -> Vec<u32> {
    problem.after_pins().remaining
}

/// One mentee's search in a column-generation pricing pass: the allowed mentors whose reduced
/// score beats `floor` (a best-first search with prices folded into its bounds), over every mentor or, when
/// `restricted`, over those priced by [`PriceJob::masked`] only.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriceQuery {
    /// Mentee index.
    pub mentee: usize,
    /// The best reduced score within the mentee's row (at least 0).
    pub floor: f64,
    /// Search the mentors that got cheaper only (priced by `masked`).
    pub restricted: bool,
}

/// The searches of one pricing pass (or a shard of them) and what they share.
#[derive(Debug, Clone, Copy)]
pub struct PriceJob<'a> {
    /// The searches, in mentee order.
    pub queries: &'a [PriceQuery],
    /// Mentor prices.
    pub v: &'a [f64],
    /// The prices of the mentors that got cheaper since the last pass, `+inf` for the others
    /// (for restricted queries; `None` when there are none).
    pub masked: Option<&'a [f64]>,
    /// Most mentors returned per query.
    pub k: usize,
}

/// What a search of a pricing pass returns: the mentors found `(mentor, score)`, best reduced
/// score first, and the bound on the reduced score of every allowed pair left out.
pub type PriceAnswer = (Vec<(u32, f64)>, f64);

/// The passes over all pairs of the sparse backends (candidate generation, pricing), so that
/// they can run in this process ([`LocalPasses`]) or as shard jobs on other machines
/// ([`crate::distributed`]). Each answer must be what [`LocalPasses`] gives for the same
/// problem, so that results do not depend on where the passes ran.
pub trait PairPasses: Sync {
    /// `k` candidates per mentee from `index`, as [`crate::distributed::ShardIndex::candidates`]
    /// gives them without prices.
    fn candidates(
        &self,
        index: &CandidateIndex,
        k: usize,
        progress: &dyn Progress,
    ) -> Result<Candidates>;
    /// The answers to `job.queries`, in order, and the search work done.
    fn price_above(
        &self,
        index: &CandidateIndex,
        job: &PriceJob<'_>,
    ) -> Result<(Vec<PriceAnswer>, SearchStats)>;
    /// How many mentees one call of [`PairPasses::price_above`] should cover at most (a time
    /// limit is checked between calls).
    fn chunk(&self) -> usize {
        16384
    }
}

/// The passes run in this process, over the index of the problem.
#[derive(Debug, Clone, Copy)]
pub struct LocalPasses<'a> {
    /// The problem the index was built for.
    pub problem: &'a Problem,
}

impl PairPasses for LocalPasses<'_> {
    fn candidates(
        &self,
        index: &CandidateIndex,
        k: usize,
        progress: &dyn Progress,
    ) -> Result<Candidates> {
        Ok(candidates::generate(
            self.problem,
            index,
            k.max(1),
            progress,
        ))
    }

    fn price_above(
        &self,
        index: &CandidateIndex,
        job: &PriceJob<'_>,
    ) -> Result<(Vec<PriceAnswer>, SearchStats)> {
        Ok(run_price_job(self.problem, index, job))
    }
}

/// Answers the searches of a pricing job with `index` (built over `problem` and
/// [`remaining_after_pins`]), in parallel; the answers do not depend on the number of threads.
pub fn run_price_job(
    problem: &Problem,
    index: &CandidateIndex,
    job: &PriceJob<'_>,
) -> (Vec<PriceAnswer>, SearchStats) {
    // The tree regrouped by price class, so that node bounds minus the node's lowest price are
    // tight (see `CandidateIndex::regrouped`). Built by whoever runs the job (once per pass),
    // so that a shard job on another machine searches the same tree as this process.
    let priced = index.priced(job.v, job.masked, PRICE_STEP);
    let (index, prices, masked) = (&priced.index, &priced.prices, &priced.masked);
    let part: Vec<(PriceAnswer, SearchStats)> = job
        .queries
        .par_iter()
        .map_init(candidates::Scratch::default, |scratch, q| {
            let mut st = SearchStats::default();
            let (tree, p) = match (masked, q.restricted) {
                (Some((tree, w)), true) => (tree, w),
                _ => (index, prices),
            };
            let ans =
                tree.query_priced_above(problem, q.mentee, job.k, p, q.floor, scratch, &mut st);
            (ans, st)
        })
        .collect();
    let mut stats = SearchStats::default();
    let answers = part
        .into_iter()
        .map(|(a, st)| {
            stats.pairs_scored += st.pairs_scored;
            stats.bounds += st.bounds;
            a
        })
        .collect();
    (answers, stats)
}

/// The Hall witness of a failed search whose mentees all have complete rows.
pub(crate) fn hall_error(
    problem: &Problem,
    prep: &Prepared,
    tree: &feasibility::FailedTree,
) -> Error {
    let mut mentees: Vec<usize> = tree.mentees.clone();
    mentees.sort_unstable();
    let mut mentors: Vec<usize> = tree
        .mentors
        .iter()
        .copied()
        .filter(|&j| prep.remaining[j] > 0)
        .collect();
    mentors.sort_unstable();
    problem.not_enough_places(&mentees, &mentors, &prep.remaining)
}

/// How many rows feasibility repair may complete, at most.
pub(crate) fn completion_budget(n: usize) -> usize {
    (n / 10).max(2000)
}

/// Candidates per mentee from the configuration.
pub(crate) fn k_of(problem: &Problem) -> usize {
    problem
        .config()
        .solver_options
        .candidates
        .unwrap_or(DEFAULT_K)
        .max(1)
}

/// Deadline from the settings.
pub(crate) fn deadline(settings: &Settings, start: Instant) -> Option<Instant> {
    settings.time_limit.map(|t| start + t)
}

/// The exact solver over sparse candidates, with a certificate over all allowed pairs.
#[derive(Debug, Clone, Copy, Default)]
pub struct SparseExactBackend;

impl Backend for SparseExactBackend {
    fn name(&self) -> &'static str {
        "sparse-exact"
    }

    fn solve(&self, problem: &Problem, settings: &Settings) -> Result<Solution> {
        let start = Instant::now();
        let p = progress::sink(&settings.progress);
        // The exact solver runs to the end: a partial assignment would not be valid.
        let _ = start;
        let stop = || false;
        let mut prep = Prepared::new(problem, k_of(problem), p);
        let mut notes = std::mem::take(&mut prep.notes);
        if problem.config().objective == crate::config::Objective::Maxmin {
            notes.push(Note::unsupported(
                "maxmin is not supported by the sparse solvers; the total score was maximised",
            ));
        }
        if problem.config().has_cohort_constraints() {
            notes.push(Note::unsupported("quotas and spreads are ignored by the sparse exact solver; use the heuristic or ILP backend"));
        }
        feasibility::feasible_candidates(problem, &mut prep, &mut notes, p)?;
        let failed = feasibility::ensure_feasible(problem, &mut prep, &mut notes)?;
        let unmatched = (!failed.is_empty()).then_some(failed.len() as u32);
        let mut res;
        let mut rounds = 0;
        // Column generation re-solves the assignment from scratch; above 20,000 mentees one
        // pricing pass (for the certificate only) is the default.
        let max_rounds = if prep.free.len() <= 20_000 { 4 } else { 1 };
        let (u, v) = loop {
            res = lap::solve(
                &prep.cands,
                &prep.free,
                &prep.remaining,
                unmatched,
                p,
                &stop,
            );
            // Pricing: the exact mentee duals over all allowed pairs; pairs with a positive
            // reduced score join the candidates and the assignment is solved again.
            let v = res.mentor_dual.clone();
            let before = prep.cands.len();
            rounds += 1;
            let row_best = prep.best_reduced(&v);
            let u = prep.price(problem, &v, 5, rounds < max_rounds, p);
            let violated = prep
                .free
                .iter()
                .zip(&row_best)
                .any(|(&i, &b)| u[i] > b + 1e-9);
            if rounds >= max_rounds || prep.cands.len() == before || !violated {
                break (u, v);
            }
        };
        if rounds > 1 {
            notes.push(Note::detail(format!("pricing: {rounds} assignment rounds")));
        }
        p.stage("certificate", 0);
        let bound = bound::dual_bound(
            &prep.cands,
            &prep.free,
            &prep.remaining,
            &res.mentor_dual,
            prep.pinned_total,
        )
        .min(prep.global_bound(&u, &v));
        let objective = prep.objective(&res.assign);
        let assignment = prep.assignment(&res.assign);
        let status = if bound - objective <= 1e-7 * (1.0 + objective.abs()) {
            SolveStatus::Optimal
        } else {
            SolveStatus::Feasible
        };
        notes.push(Note::detail(format!(
            "sparse exact: optimal over {} candidate pairs (k = {}); {} pairs scored of {} ({:.2}%)",
            prep.cands.len(),
            prep.k,
            prep.cands.stats.pairs_scored,
            problem.n_mentees() as u128 * problem.n_mentors() as u128,
            100.0 * prep.cands.stats.pairs_scored as f64
                / (problem.n_mentees().max(1) as f64 * problem.n_mentors().max(1) as f64)
        )));
        p.finish();
        Ok(Solution {
            assignment,
            status,
            bound: Some(bound),
            backend: "sparse-exact",
            notes,
        })
    }
}
