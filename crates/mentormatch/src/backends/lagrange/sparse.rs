//! The Lagrangian goals backend over sparse candidates, for cohorts too large for dense
//! subproblems (about 26,000 place columns per subproblem at 10,000 mentees).
//!
//! # Method
//! 1. Candidates: each mentee's `k` best allowed mentors ([`crate::backends::sparse::Prepared`]), made
//!    feasible as for the sparse exact backend; the number of free pairs `k_pairs` is the most
//!    that can be matched (everyone, unless `allow_unmatched`).
//! 2. The goal rows ([`super::rows`]) are dualised as in the dense backend. A multiplier
//!    vector `lambda` shifts the score of pair `(i, j)` by a per-mentor term `a_j` (quota rows
//!    by mentor group, spread rows by mentor department) and a per-mentee term `b_i`: the
//!    subproblem is an assignment problem over the candidate graph with scores
//!    `s_ij - a_j - b_i`. It is solved by the heuristic backend's ε-scaled auction, warm-started
//!    from the previous subproblem's places and prices (within `n ε` of the candidate optimum;
//!    its prices are mentor duals `v_j >= 0`), or, when mentees may stay unmatched, by the exact
//!    sparse shortest-augmenting-path solver ([`crate::backends::sparse::lap::solve`], which has the
//!    "unmatched" column; slow on large congested cohorts).
//! 3. The first rounds stay at `lambda = 0` (column generation for the problem without goals:
//!    its certified value is already a bound, tight when the goals cost little). Then projected
//!    subgradient steps with Polyak's rule towards the best matching found (as in
//!    [`super::dual`]), the step halved when the candidate value stalls. Every subproblem
//!    solution is repaired and improved over the candidate rows ([`super::sparse_repair`]:
//!    relocations, ejection chains, swaps; a stuck repair widens the rows once towards the open
//!    places it needs, by a search of the candidate index).
//! 4. Certification, after every round, at the multipliers with the lowest candidate value: a
//!    pricing pass of the candidate index over **all** allowed pairs
//!    ([`crate::backends::sparse::Prepared::price_columns`]) with mentor prices `p_j = max(0, v_j + a_j -
//!    A)`, `A = min(0, min_j a_j)`, gives the certified bound below and adds the outside pairs
//!    that beat their rows; the loop stops at a certified gap of 0.01% or after a few rounds.
//!
//! # Why the bound is sound
//! Let `X` be the assignments of the free mentees with exactly `K` free pairs (`K` =
//! `k_pairs`) that respect forbidden pairs and the places left after pins, over **all**
//! allowed pairs, and `F` the subset meeting every goal row. As in [`super`], for `lambda >= 0`
//! every `x` in `F` has `score(x) <= L(lambda) = max_{x in X} sum (s_ij - a_j - b_i) x_ij +
//! C(lambda) + pins`, with `C` the constant of [`super::rows::Rows::constant`]. The maximum is
//! that of an integer program whose LP relaxation is
//! `max sum s'_ij x_ij` s.t. `sum_j x_ij <= 1`, `sum_i x_ij <= r_j`, `sum x_ij = K`, `x >= 0`
//! (`s' = s - a - b`), and by weak duality any `(u, v, w)` with `u, v >= 0`, `w` free and
//! `u_i + v_j + w >= s'_ij` on every allowed pair bounds it by `sum u_i + sum r_j v_j + K w`.
//! When every free mentee must be matched, the mentee rows are equalities and `u_i` may be
//! negative too.
//!
//! Take `p_j = max(0, v_j + a_j - A) >= 0` and let the pricing pass return `û_i >=
//! max(0, max_j (s_ij - p_j))` over every allowed pair with a place (proved in
//! [`crate::backends::sparse::bound`]). Set `w = -A`, `u_i = û_i - b_i` (floored at 0 when mentees may
//! stay unmatched) and `v_j = max(0, p_j + A - a_j)`. Then `v_j >= 0`, and for every allowed
//! pair `u_i + v_j + w >= (s_ij - p_j - b_i) + (p_j + A - a_j) - A = s'_ij`. So
//!
//! ```text
//! L(lambda) <= sum_i u_i + sum_j r_j v_j - A K + C(lambda) + pins
//! ```
//!
//! whatever `v >= 0` the subproblem solver returned (near-optimal duals only make the bound
//! tight; an ε-optimal auction is enough for soundness, since the bound is recomputed exactly
//! from the prices); pairs
//! outside the candidate rows are covered by the pricing pass, so the bound holds for the
//! **full** problem, and the smallest value over the certified multipliers is reported. A
//! relative `1e-9` is added against rounding in the sums. `K` is the most pairs any matching
//! has (proved by failed augmenting searches over complete rows; when the budget for
//! completing rows ran out the bound is not reported), and the objective is lexicographic, so
//! bounding the matchings with `K` free pairs bounds the optimum.
//!
//! # Scope
//! No closing step: the reduced models left by reduced-cost fixing at these sizes are far
//! beyond microlp; the status is `Optimal` only when the certified bound meets the matching.
//! When no matching meeting every goal is found, the result is `NoSolutionFound` with the
//! bound (only when every mentee must be matched: otherwise the goals may need fewer pairs
//! than `K`) and the goals in the way.

use std::time::Instant;

use rayon::prelude::*;

use super::rows::{Adjust, Rows};
use super::sparse_repair::SparseState;
use super::ABS_TOL;
use crate::backends::heuristic::auction::{self, Auction};
use crate::backends::sparse::candidates::Candidates;
use crate::backends::sparse::columns::Columns;
use crate::backends::sparse::{self, feasibility, lap, Prepared};
use crate::error::{Error, Result};
use crate::goals::Goals;
use crate::problem::Problem;
use crate::progress::{self, NoProgress};
use crate::solver::Note;
use crate::solver::{Settings, Solution, SolveStatus};

/// Subproblems per round at most (a round ends with a certification and pricing pass).
const ROUND_ITER: usize = 25;
/// Halve the step factor after this many subproblems without a better candidate value.
const STALL: usize = 5;
/// Stop a round when the step factor falls below this.
const MIN_THETA: f64 = 1e-4;
/// Relative gap (candidate value against the best matching) that counts as near.
const NEAR: f64 = 2e-5;
/// Subproblems spent on a near gap before certifying.
const NEAR_TRIES: usize = 8;
/// Certification / column generation rounds at most.
const MAX_ROUNDS: usize = 8;
/// Rounds at `lambda = 0` at most (column generation without goals).
const ZERO_ROUNDS: usize = 3;
/// Stop once the certified gap is at most this fraction of the bound (0.01%).
const GAP_STOP: f64 = 1e-4;
/// Pairs a pricing pass adds per mentee with a better pair outside its row.
const PRICING_ADD: usize = 5;
/// Pricing tolerance in score points.
const PRICE_TOL: f64 = 1e-6;
/// Improvement passes after a repair.
const PASSES: usize = 3;
/// Pairs per mentee added towards the places a stuck repair needs.
const WIDEN: usize = 3;
/// Final ε of the auction, in score points (as the heuristic backend's).
const AUCTION_EPS: f64 = 0.01;
/// Relative slack added to certified bounds against rounding.
const ROUND: f64 = 1e-9;

/// The certified bound and what the sparse run found.
pub(crate) struct SparseRun {
    pub solution: Solution,
    /// The certified Lagrangian bound (over all allowed pairs), when one was computed.
    pub certified: Option<f64>,
}

/// Scores `s - a_j - b_i` of the candidate rows, into `work` (same shape as `base`).
fn adjust(work: &mut Candidates, base: &Candidates, adj: &Adjust) {
    if work.offsets != base.offsets || work.mentor != base.mentor {
        *work = base.clone();
    }
    let n = base.n();
    let off = &base.offsets;
    // Rows in parallel chunks of the flat score array.
    let mut rest: &mut [f64] = &mut work.score;
    let mut chunks: Vec<(usize, &mut [f64])> = Vec::new();
    const ROWS: usize = 4096;
    let mut i = 0;
    while i < n {
        let end = (i + ROWS).min(n);
        let (a, b) = rest.split_at_mut(off[end] - off[i]);
        chunks.push((i, a));
        rest = b;
        i = end;
    }
    chunks.into_par_iter().for_each(|(first, chunk)| {
        let base0 = off[first];
        let end = (first + ROWS).min(n);
        for i in first..end {
            let bi = adj.mentee[i];
            for e in off[i]..off[i + 1] {
                chunk[e - base0] = base.score[e] - adj.mentor[base.mentor[e] as usize] - bi;
            }
        }
    });
}

/// One subproblem over the candidates: the mentor of every mentee (`None`: pinned or
/// unmatched), the candidate value `sum s'` of its free pairs, and the mentor duals.
struct Sub {
    mentor: Vec<Option<usize>>,
    value: f64,
    v: Vec<f64>,
}

/// Solves the subproblem over `wprep`'s (adjusted) rows: by the auction, warm-started from
/// the previous one, when every free mentee is matched; by the exact sparse solver otherwise
/// (the auction has no "unmatched" column), or when the auction runs out of bids.
fn solve_sub(
    wprep: &Prepared,
    unmatched: usize,
    warm: &mut Option<Auction>,
    stop: &dyn Fn() -> bool,
) -> Option<Sub> {
    let m = wprep.remaining.len();
    let n = wprep.cands.n();
    let from_auction = if unmatched == 0 {
        let cols = Columns::of_rows(wprep);
        let a = match warm.as_ref() {
            Some(prev) => auction::resume(wprep, &cols, prev, 1.0, AUCTION_EPS, 500, stop),
            None => auction::run(wprep, &cols, 10.0, AUCTION_EPS, 4.0, 500, None, stop),
        };
        a.map(|a| {
            let v = a.prices.clone();
            let mentor: Vec<Option<usize>> = (0..n).map(|i| a.assign.mentor(i)).collect();
            *warm = Some(a);
            (mentor, v)
        })
    } else {
        None
    };
    let (mentor, v) = match from_auction {
        Some(x) => x,
        None => {
            let res = lap::solve(
                &wprep.cands,
                &wprep.free,
                &wprep.remaining,
                (unmatched > 0).then_some(unmatched as u32),
                &NoProgress,
                stop,
            );
            let mentor = (0..n)
                .map(|i| res.assign.mentor(i).filter(|&j| j < m))
                .collect();
            // A stopped or failed search leaves a free mentee without a column.
            if wprep.free.iter().any(|&i| res.assign.mentor(i).is_none()) {
                return None;
            }
            (mentor, res.mentor_dual)
        }
    };
    let mut value = 0.0;
    let mut matched = 0usize;
    for &i in &wprep.free {
        if let Some(j) = mentor[i] {
            let (js, ss) = wprep.cands.row(i);
            let p = js.iter().position(|&x| x as usize == j)?;
            value += ss[p];
            matched += 1;
        }
    }
    if matched + unmatched != wprep.free.len() {
        return None;
    }
    Some(Sub { mentor, value, v })
}

/// The certified Lagrangian bound at `lambda` (see the module documentation), from the
/// subproblem's mentor duals `v`; the pricing pass also adds outside pairs that beat their
/// rows. Returns the bound and how many pairs were added.
#[allow(clippy::too_many_arguments)]
fn certify(
    problem: &Problem,
    prep: &mut Prepared,
    rows: &Rows,
    lambda: &[f64],
    adj: &Adjust,
    v: &[f64],
    pairs: usize,
    all_matched: bool,
    pins_score: f64,
    stop: &dyn Fn() -> bool,
) -> (f64, usize) {
    let m = prep.remaining.len();
    let a_min = (0..m)
        .filter(|&j| prep.remaining[j] > 0)
        .map(|j| adj.mentor[j])
        .fold(0.0f64, f64::min);
    let p: Vec<f64> = (0..m)
        .map(|j| (v[j] + adj.mentor[j] - a_min).max(0.0))
        .collect();
    let pricing = prep.price_columns(problem, &p, PRICING_ADD, PRICE_TOL, &NoProgress, stop);
    let mut total = 0.0;
    for &i in &prep.free {
        let u = pricing.u[i] - adj.mentee[i];
        total += if all_matched { u } else { u.max(0.0) };
    }
    for ((&r, &pj), &aj) in prep.remaining.iter().zip(&p).zip(&adj.mentor) {
        if r > 0 {
            total += f64::from(r) * (pj + a_min - aj).max(0.0);
        }
    }
    total -= a_min * pairs as f64;
    let l = total + rows.constant(lambda) + pins_score;
    (l + ROUND * (1.0 + l.abs()), pricing.added)
}

/// Adds to every free mentee's row its `per` best allowed mentors among `target` (a search of
/// the candidate index with every other mentor priced out), so that repair can reach places
/// the rows lack. Rows only grow (the left-out bounds stay valid). Returns the pairs added.
fn widen(problem: &Problem, prep: &mut Prepared, target: &[bool], per: usize) -> usize {
    use crate::backends::sparse::candidates::{Row, Scratch, SearchStats};
    use std::collections::HashMap;
    if !target.iter().any(|&t| t) {
        return 0;
    }
    let v: Vec<f64> = target
        .iter()
        .map(|&t| if t { 0.0 } else { f64::INFINITY })
        .collect();
    let prices = prep.index.prices(&v);
    let index = &prep.index;
    let cands = &prep.cands;
    let rows: Vec<(usize, Row)> = prep
        .free
        .par_iter()
        .map_init(Scratch::default, |scratch, &i| {
            let mut st = SearchStats::default();
            let (list, _) = index.query_priced_above(
                problem,
                i,
                per,
                &prices,
                f64::NEG_INFINITY,
                scratch,
                &mut st,
            );
            let (js, ss) = cands.row(i);
            let mut row: Vec<(u32, f64)> = js.iter().copied().zip(ss.iter().copied()).collect();
            let before = row.len();
            for (j, s) in list {
                if !js.contains(&j) {
                    row.push((j, s));
                }
            }
            (i, (row, cands.outside[i], before))
        })
        .filter(|(_, (row, _, before))| row.len() > *before)
        .map(|(i, (mut row, outside, _))| {
            row.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            (i, (row, outside))
        })
        .collect();
    let before = prep.cands.len();
    let map: HashMap<usize, Row> = rows.into_iter().collect();
    prep.cands.replace_rows(&map);
    prep.cands.len() - before
}

/// Repairs `mentor` into a matching meeting every goal; when repair gets stuck, widens the
/// rows once towards the places it needs ([`widen`]) and tries again. Returns the free
/// mentees' mentors and the total (pins included).
fn repair(
    problem: &Problem,
    prep: &mut Prepared,
    rows: &Rows,
    free: &[usize],
    mentor: &[Option<usize>],
    pins_score: f64,
    widened: &mut usize,
) -> Option<(Vec<Option<usize>>, f64)> {
    for attempt in 0..2 {
        let mut st = SparseState::new(&prep.cands, rows, free, &prep.remaining, mentor);
        if st.repair() {
            st.improve(PASSES);
            let val = st.free_score() + pins_score;
            let mut x = prep.pinned.clone();
            for &i in free {
                x[i] = st.mentor(i);
            }
            return Some((x, val));
        }
        if attempt == 1 {
            break;
        }
        let target = st.helpful_open();
        drop(st);
        let added = widen(problem, prep, &target, WIDEN);
        *widened += added;
        if added == 0 {
            break;
        }
    }
    None
}

/// Solves `problem` (which has goals and the total-score objective) over sparse candidates.
/// With `bound_only`, stops after the dual loop and its certification.
pub(crate) fn solve(
    problem: &Problem,
    settings: &Settings,
    entered: Instant,
    bound_only: bool,
) -> Result<SparseRun> {
    let started = Instant::now();
    let deadline = settings.time_limit.map(|d| entered + d);
    let out_of_time = || deadline.is_some_and(|d| Instant::now() >= d);
    let trace = |what: &str| {
        if crate::progress::trace() {
            eprintln!(
                "lagrange (sparse) {:.3} s: {what}",
                started.elapsed().as_secs_f64()
            );
        }
    };
    let p = progress::sink(&settings.progress);
    let n = problem.n_mentees();
    let m = problem.n_mentors();
    let mut prep = Prepared::new(problem, sparse::k_of(problem), p);
    let mut notes = std::mem::take(&mut prep.notes);
    feasibility::feasible_candidates(problem, &mut prep, &mut notes, p)?;
    let failed = feasibility::ensure_feasible(problem, &mut prep, &mut notes)?;
    trace("candidates");
    let free = prep.free.clone();
    let unmatched = failed.len();
    let pairs = free.len() - unmatched;
    // The count of pairs is proven maximal when every failed search ran over complete rows.
    let pairs_proven = failed.iter().all(|t| {
        t.mentees
            .iter()
            .all(|&i| prep.cands.outside[i] == f64::NEG_INFINITY)
    });
    let all_matched = unmatched == 0;
    let goals = Goals::of(problem);
    let total_pairs = pairs + (n - free.len());
    let rows = Rows::new(&goals, &prep.pinned, total_pairs, m);
    let pins_score = prep.pinned_total;
    let nr = rows.len();
    let broken = super::check::capacity_violations(&rows, &prep.remaining, pairs, total_pairs);
    if !broken.is_empty() {
        if problem.config().rules.allow_unmatched {
            // Fewer pairs might let the goals hold: a staged count that only the ILP has.
            let why = "the goals cannot hold with the most mentees matched";
            if n <= super::DENSE_MAX_MENTEES && !bound_only {
                let rest = Settings {
                    time_limit: settings
                        .time_limit
                        .map(|d| d.saturating_sub(entered.elapsed())),
                    ..settings.clone()
                };
                let solution = super::ilp_fallback(problem, &rest, why)?;
                return Ok(SparseRun {
                    solution,
                    certified: None,
                });
            }
            notes.push(Note::limit(format!(
                "lagrangian (sparse): {why}; fewer pairs are not tried at this size"
            )));
            return Ok(SparseRun {
                solution: Solution {
                    assignment: vec![None; n],
                    status: SolveStatus::NoSolutionFound,
                    bound: None,
                    backend: "lagrangian",
                    notes,
                },
                certified: None,
            });
        }
        return Err(Error::Infeasible(Box::new(
            crate::diagnosis::Infeasibility::Quotas { violations: broken },
        )));
    }

    let mut lambda = vec![0.0f64; nr];
    let mut theta = 1.0f64;
    let mut stall = 0usize;
    // The subproblem's copy of the candidates, scores adjusted by the multipliers.
    let mut wprep = prep.clone();
    let mut warm: Option<Auction> = None;
    // Best candidate value and where it was reached.
    let mut best_lc = f64::INFINITY;
    let mut best_at: Option<(Vec<f64>, Adjust, Vec<f64>)> = None;
    let mut blocking: Vec<String> = Vec::new();
    let mut bound = f64::INFINITY;
    let mut incumbent: Option<Vec<Option<usize>>> = None;
    let mut value = f64::NEG_INFINITY;
    let mut best_sub: Option<Vec<Option<usize>>> = None;
    // Repair costs little next to a subproblem (linear in the candidate pairs per batch), so
    // every subproblem solution is repaired.
    let repair_limit = i64::MAX;
    let mut iterations = 0usize;
    let mut certified_rounds = 0usize;
    let mut added_total = 0usize;
    let mut widened = 0usize;
    let stop = || out_of_time();
    let tr = crate::progress::trace();
    // The first rounds stay at `lambda = 0` (one subproblem each): column generation for the
    // problem without goals, whose certified value is already a bound (often a tight one,
    // when the goals cost little), and rows that hold the pairs the optimum wants.
    let mut zero_phase = true;
    let mut zero_rounds = 0usize;
    'rounds: for round in 0..MAX_ROUNDS + ZERO_ROUNDS {
        let max_iter = if zero_phase { 1 } else { ROUND_ITER };
        let mut near = 0usize;
        if zero_phase {
            lambda.iter_mut().for_each(|x| *x = 0.0);
            best_lc = f64::INFINITY;
        } else if round > zero_rounds {
            // Resume from the best multipliers, candidate values now over the grown rows.
            if let Some((l, _, _)) = &best_at {
                lambda.clone_from(l);
            }
            best_lc = f64::INFINITY;
            theta = theta.max(0.05);
            stall = 0;
        }
        for _ in 0..max_iter {
            if out_of_time() {
                break 'rounds;
            }
            let adj = rows.adjustments(&lambda, n, m);
            adjust(&mut wprep.cands, &prep.cands, &adj);
            let Some(sub) = solve_sub(&wprep, unmatched, &mut warm, &stop) else {
                if out_of_time() {
                    break 'rounds;
                }
                return Err(Error::Solver(
                    "lagrangian (sparse): a subproblem found no complete assignment".into(),
                ));
            };
            iterations += 1;
            let lc = sub.value + rows.constant(&lambda) + pins_score;
            let mut a = sub.mentor.clone();
            for (i, pj) in prep.pinned.iter().enumerate() {
                if pj.is_some() {
                    a[i] = *pj;
                }
            }
            let counts = rows.counts(&a, &free);
            let excess: Vec<i64> = rows
                .rows
                .iter()
                .zip(&counts)
                .map(|(r, &c)| r.excess(c))
                .collect();
            let viol: i64 = excess.iter().map(|&e| e.max(0)).sum();
            if tr {
                eprintln!(
                    "lagrange (sparse) {:.3} s it {iterations}: Lc {lc:.4} best Lc {:.4} bound {bound:.4} value {value:.4} violation {viol} theta {theta:.2e}",
                    started.elapsed().as_secs_f64(),
                    best_lc.min(lc)
                );
            }
            if lc < best_lc {
                if lc < best_lc - ABS_TOL {
                    stall = 0;
                }
                best_lc = lc;
                blocking = rows
                    .rows
                    .iter()
                    .zip(&excess)
                    .filter(|(_, &e)| e > 0)
                    .map(|(r, &e)| format!("{} (off by {e} pairs)", r.name))
                    .collect();
                best_at = Some((lambda.clone(), adj, sub.v.clone()));
                best_sub = Some(sub.mentor.clone());
            } else {
                stall += 1;
            }
            if !bound_only && viol <= repair_limit {
                let fixed = repair(
                    problem,
                    &mut prep,
                    &rows,
                    &free,
                    &sub.mentor,
                    pins_score,
                    &mut widened,
                );
                trace(&format!("repair {}", fixed.is_some()));
                if let Some((x, val)) = fixed {
                    if val > value {
                        value = val;
                        incumbent = Some(x);
                    }
                }
            }
            if incumbent.is_some()
                && bound.is_finite()
                && bound - value <= ABS_TOL.max(GAP_STOP * bound.abs())
            {
                break 'rounds;
            }
            let gap = best_lc - value;
            if incumbent.is_some() && gap <= ABS_TOL {
                break;
            }
            if incumbent.is_some() && gap <= NEAR * best_lc.abs() {
                near += 1;
                if near > NEAR_TRIES {
                    break;
                }
            }
            let g: Vec<f64> = excess
                .iter()
                .zip(&lambda)
                .map(|(&e, &l)| if l <= 0.0 && e < 0 { 0.0 } else { e as f64 })
                .collect();
            let norm2: f64 = g.iter().map(|x| x * x).sum();
            if norm2 == 0.0 {
                break;
            }
            let target = if incumbent.is_some() {
                value
            } else {
                lc - (0.01 * lc.abs()).max(1.0)
            };
            let step_gap = lc - target;
            if step_gap <= 0.0 {
                break;
            }
            let step = theta * step_gap / norm2;
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
        // Certify at the best multipliers of this round (and grow the rows).
        let Some((l, adj, v)) = best_at.clone() else {
            break;
        };
        if !pairs_proven {
            break;
        }
        let (cert, added) = certify(
            problem,
            &mut prep,
            &rows,
            &l,
            &adj,
            &v,
            pairs,
            all_matched,
            pins_score,
            &stop,
        );
        certified_rounds += 1;
        added_total += added;
        bound = bound.min(cert);
        trace(&format!(
            "certified {cert:.4} (candidate value {best_lc:.4}), {added} pairs added"
        ));
        if zero_phase {
            zero_rounds += 1;
            zero_phase = added > 0 && zero_rounds < ZERO_ROUNDS;
            if !zero_phase {
                // The subgradient starts at 0 with the full step.
                lambda.iter_mut().for_each(|x| *x = 0.0);
                theta = 1.0;
                best_lc = f64::INFINITY;
            }
            continue;
        }
        if (bound.is_finite() && bound - value <= ABS_TOL.max(GAP_STOP * bound.abs()))
            || (added == 0 && (cert - best_lc <= NEAR * best_lc.abs() || theta < MIN_THETA))
        {
            break;
        }
    }
    trace("dual loop done");
    // Last resort: repair the subproblem solution at the best candidate value.
    if incumbent.is_none() && !bound_only {
        if let Some(a) = &best_sub {
            if let Some((x, val)) = repair(
                problem,
                &mut prep,
                &rows,
                &free,
                a,
                pins_score,
                &mut widened,
            ) {
                value = val;
                incumbent = Some(x);
            }
        }
    }
    let _ = value;
    notes.push(Note::detail(format!(
        "lagrangian (sparse): {iterations} subproblems over {} candidate pairs (k = {}), {certified_rounds} certified over all allowed pairs ({added_total} pairs added by pricing, {widened} for repair)",
        prep.cands.len(),
        prep.k
    )));
    if !pairs_proven {
        notes.push(Note::detail(
            "lagrangian (sparse): the most mentees that can be matched is not proven (rows left incomplete), so no bound is reported",
        ));
    }
    let certified = bound.is_finite().then_some(bound);
    let Some(best) = incumbent else {
        // With mentees allowed to stay unmatched, the best matching meeting the goals may have
        // fewer pairs than `K`, which this bound does not cover: not reported then.
        let certified = certified.filter(|_| all_matched);
        let known = certified.map_or("no bound yet".to_string(), |b| format!("best bound {b:.2}"));
        let why = if out_of_time() {
            "time limit reached before any matching meeting every goal was found"
        } else {
            "no matching meeting every goal was found by repair over the candidate pairs"
        };
        let blocking = if blocking.is_empty() {
            "not known".to_string()
        } else {
            blocking.join("; ")
        };
        notes.push(Note::limit(format!(
            "lagrangian (sparse): {why}; {known}; goals in the way: {blocking}"
        )));
        return Ok(SparseRun {
            solution: Solution {
                assignment: vec![None; n],
                status: SolveStatus::NoSolutionFound,
                bound: certified,
                backend: "lagrangian",
                notes,
            },
            certified,
        });
    };
    // The matching's total, recomputed from the problem in mentee order.
    let total: f64 = best
        .iter()
        .enumerate()
        .filter_map(|(i, j)| j.map(|j| problem.pair(i, j).0))
        .sum();
    let proven =
        certified.is_some_and(|b| b - total <= ABS_TOL + 2.0 * ROUND * (1.0 + total.abs()));
    notes.push(Note::detail(format!(
        "lagrangian (sparse): best {total:.4}, certified bound {}",
        certified.map_or("none".to_string(), |b| format!("{b:.4}"))
    )));
    Ok(SparseRun {
        solution: Solution {
            assignment: best,
            status: if proven {
                SolveStatus::Optimal
            } else {
                SolveStatus::Feasible
            },
            bound: if proven {
                None
            } else {
                certified.map(|b| b.max(total))
            },
            backend: "lagrangian",
            notes,
        },
        certified,
    })
}
