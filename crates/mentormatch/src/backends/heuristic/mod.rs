//! The heuristic backend for very large programmes: sparse candidates, an auction with
//! column generation, local search, and a certificate (an upper bound on the optimum over all
//! allowed pairs, see [`crate::backends::sparse::bound`]).
//!
//! # Pipeline
//! 1. Candidates: each mentee's `k` best allowed mentors by raw score (plus a few random ones).
//!    Top-k by raw score puts the same popular mentors in nearly every list, so on its own it
//!    leaves good mentors out of every list.
//! 2. An ε-scaled forward auction with reverse steps over the candidates (the `auction` module): an
//!    assignment within `n ε` of the optimum over the rows, and mentor prices `v` that are
//!    near-optimal duals (no empty place keeps a price).
//! 3. Column generation: a pricing pass ([`Prepared::price_columns`]) searches the candidate
//!    index, regrouped by price class first, for pairs whose *reduced* score `s_ij - v_j`
//!    beats the mentee's row, with prices folded into the node bounds, and adds them; the
//!    auction resumes from its state (from a small ε once few mentees improved, so prices
//!    move little). Later passes search most mentees over the mentors that got cheaper only,
//!    keeping their earlier certificate when their row got dearer by at most a share of the
//!    gap target ([`Prepared::loose`]). This repeats until no pair outside the rows beats its
//!    row by more than ε, the certificate proves the assignment within [`gap_target`] (0.01%
//!    up to 50,000 mentees, 0.1% up to 500,000, 0.5% above), or the round / time limit.
//!    Every pass also
//!    yields mentee duals `u` with `(u, v)` feasible for the LP dual of the *whole* problem, so
//!    each round gives a sound certificate `pinned + Σ u_i + Σ r_j v_j` (the best is kept).
//!    Once no pair outside the rows could improve the LP, the rows hold an optimum of the whole
//!    problem (the assignment LP is integral).
//! 4. Local search (moves, swaps, ejection chains within the rows) and, for small cohorts,
//!    further greedy starts; then quota / spread repair when the configuration has goals.
//!
//! Deterministic: start `s` uses its own generator seeded from `(seed, s)` and runs
//! sequentially; the auction is sequential; pricing is parallel per mentee with results
//! merged in mentee order; the best start is chosen by (total score, start index). The number
//! of threads only changes how many starts run at once. A time limit stops column generation
//! and local search early, and then the result may depend on timing (a note says so); the
//! certificate stays sound.

pub(crate) mod auction;
pub mod goals;

use std::time::Instant;

use rayon::prelude::*;

use crate::backends::sparse::assign::Assign;
use crate::backends::sparse::columns::Columns;
use crate::backends::sparse::feasibility::{complete, feasible_candidates};
use crate::backends::sparse::{self, bound, Prepared};
use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::progress::{self, Progress};
use crate::rng::SplitMix64;
use crate::solver::Note;
use crate::solver::{Backend, Settings, Solution, SolveStatus};

const EPS: f64 = 1e-9;

/// Default number of starts.
pub const DEFAULT_STARTS: usize = 4;

/// Above this many free mentees one start (the auction and local search) is the default.
const LARGE: usize = 20_000;

/// Most pricing rounds (column generation) after the first auction.
const MAX_PRICING_ROUNDS: usize = 50;

/// Column generation stops when the pairs outside the rows add less than this fraction to the
/// bound (see [`Pricing::excess`](crate::backends::sparse::Pricing)).
const NEGLIGIBLE: f64 = 2e-6;

/// Column generation stops once the certificate proves the assignment within this fraction of
/// the optimum. The default depends on the size (free mentees), as the targets do:
/// 0.01% up to 50,000 (10,000 x 10,000 must be within 0.01%), 0.1% up to 500,000 (100,000 x
/// 100,000), 0.5% above (a million). Each further round costs a full pricing pass and an
/// auction, and at 100,000 the rounds after 0.1% took longer than those before it while moving
/// the total by 0.01%.
pub fn gap_target(free: usize) -> f64 {
    if free <= 50_000 {
        1e-4
    } else if free <= 500_000 {
        1e-3
    } else {
        5e-3
    }
}

/// Coordinate-descent sweeps over the mentor prices before each pricing pass.
const REFINE_SWEEPS: usize = 3;

/// Share of the gap target that incremental pricing may spend on looser mentee duals (see
/// [`Prepared::loose`]): the passes after the first then search most mentees over the mentors
/// that got cheaper only (at 100,000 x 100,000 the last pass fell from 14 s to 4 s of CPU).
const LOOSE_SHARE: f64 = 0.25;

/// Pairs a pricing pass adds per violated mentee (its best by reduced score), while many
/// mentees are violated ([`PRICING_ADD_WIDE`]) and once few are. Early rounds find, for most
/// mentees, mentors that are in no list yet and so still priced 0; with 5 pairs each, nearly
/// all mentees chase the same few such mentors and stay violated round after round (1M x 1M:
/// 98%, 92%, 92% of mentees violated in rounds 1 to 3); with 20, the pairs cover more of them
/// (98%, 90%, 50%), and at 300k x 300k the rounds fall from 6 to 4 (320 s to 269 s of CPU).
/// Late rounds add few pairs to few mentees, where 5 suffice.
const PRICING_ADD: usize = 5;
/// See [`PRICING_ADD`].
const PRICING_ADD_WIDE: usize = 20;
/// Share of violated mentees above which the next round adds [`PRICING_ADD_WIDE`] pairs.
const WIDE_SHARE: f64 = 0.1;
/// Free mentees above which rounds may add [`PRICING_ADD_WIDE`] pairs. Below, narrow rounds
/// converge in a few rounds anyway and wide ones only make the auctions dearer (100k x 100k:
/// 4 rounds and 50 s of CPU with 5 pairs; 3 rounds and 62 s with 20).
const WIDE_FROM: usize = 200_000;

/// Free mentees above which local search after an auction makes one pass instead of three.
/// The auction's assignment is within ε per mentee of the optimum over the candidates, so
/// local search only trades in the last hundredths of a point: at 300,000 x 300,000 its three
/// passes added 229 points of 29.3 million (8 s); at 1,000,000 x 1,000,000 each pass costs
/// about 20 s.
const ONE_PASS_FROM: usize = 500_000;

/// Final ε of the auction, in score points (0-100): the auction's assignment is within
/// `ε` per mentee of the optimum over the candidates.
const AUCTION_EPS: f64 = 0.01;

/// The heuristic backend.
#[derive(Debug, Clone, Copy, Default)]
pub struct HeuristicBackend;

/// Best and second-best available candidate of `i`: (mentor, score, next score).
fn best_two(prep: &Prepared, assign: &Assign, i: usize) -> Option<(usize, f64, f64)> {
    let (js, ss) = prep.cands.row(i);
    let mut first: Option<(usize, f64)> = None;
    for (&j, &s) in js.iter().zip(ss) {
        let j = j as usize;
        if assign.load[j] >= prep.remaining[j] {
            continue;
        }
        match first {
            None => first = Some((j, s)),
            Some((b, bs)) => return Some((b, bs, s)),
        }
    }
    first.map(|(b, bs)| (b, bs, prep.cands.outside[i].max(0.0).min(bs)))
}

/// Greedy by regret: the mentee who would lose most by not getting its best available mentor
/// goes first. `noise` perturbs priorities (0 for the plain greedy).
fn construct(prep: &Prepared, rng: &mut SplitMix64, noise: f64) -> Assign {
    let n = prep.cands.n();
    let m = prep.remaining.len();
    let mut assign = Assign::new(n, m);
    let factor: Vec<f64> = (0..n)
        .map(|_| 1.0 + noise * (rng.next_f64() - 0.5))
        .collect();
    let prio = |i: usize, b: f64, second: f64| (b - second + 1e-3 * b) * factor[i];
    let mut heap: std::collections::BinaryHeap<(u64, std::cmp::Reverse<u32>)> = prep
        .free
        .iter()
        .filter_map(|&i| {
            best_two(prep, &assign, i).map(|(_, b, s)| {
                (
                    prio(i, b, s).max(0.0).to_bits(),
                    std::cmp::Reverse(i as u32),
                )
            })
        })
        .collect();
    while let Some((p, std::cmp::Reverse(i))) = heap.pop() {
        let i = i as usize;
        let Some((j, b, s)) = best_two(prep, &assign, i) else {
            continue;
        };
        let now = prio(i, b, s).max(0.0);
        if now.to_bits() != p {
            if let Some(&(top, _)) = heap.peek() {
                if f64::from_bits(top) > now {
                    heap.push((now.to_bits(), std::cmp::Reverse(i as u32)));
                    continue;
                }
            }
        }
        assign.set(i, j);
    }
    assign
}

fn score_in_row(prep: &Prepared, i: usize, j: usize) -> Option<f64> {
    let (js, ss) = prep.cands.row(i);
    js.iter().position(|&x| x as usize == j).map(|p| ss[p])
}

/// Local search until no move improves, the pass limit, or the deadline. Returns whether it
/// stopped because of the deadline.
fn local_search(
    prep: &Prepared,
    assign: &mut Assign,
    rng: &mut SplitMix64,
    max_passes: usize,
    stop: &dyn Fn() -> bool,
) -> bool {
    let n = prep.cands.n();
    let cap = &prep.remaining;
    let mut own: Vec<f64> = (0..n)
        .map(|i| {
            assign
                .mentor(i)
                .and_then(|j| score_in_row(prep, i, j))
                .unwrap_or(0.0)
        })
        .collect();
    let mut order = prep.free.clone();
    for _ in 0..max_passes {
        // Fisher-Yates shuffle.
        for x in (1..order.len()).rev() {
            let y = rng.below(x + 1);
            order.swap(x, y);
        }
        let mut improved = false;
        for (step, &i) in order.iter().enumerate() {
            if step % 1024 == 0 && stop() {
                return true;
            }
            let a = assign.mentor(i);
            let base = if a.is_some() { own[i] } else { 0.0 };
            let (js, ss) = prep.cands.row(i);
            'cands: for (&b, &sib) in js.iter().zip(ss) {
                let b = b as usize;
                if sib <= base + EPS {
                    break;
                }
                if Some(b) == a || cap[b] == 0 {
                    continue;
                }
                if assign.load[b] < cap[b] {
                    assign.set(i, b);
                    own[i] = sib;
                    improved = true;
                    break;
                }
                // b is full: eject one of its mentees to a (freed) or to a free candidate.
                let mut best: Option<(f64, usize, Option<usize>)> = None;
                for i2 in assign.mentees_of(b) {
                    let (j2s, s2s) = prep.cands.row(i2);
                    let mut alt: Option<(f64, usize)> = None;
                    if a.is_none() {
                        // i is unmatched: i2 may leave the matching instead (same count).
                        let gain = sib - own[i2];
                        if gain > EPS && best.is_none_or(|x| gain > x.0) {
                            best = Some((gain, i2, None));
                        }
                    }
                    for (&c, &s2c) in j2s.iter().zip(s2s) {
                        let c = c as usize;
                        if c == b || cap[c] == 0 {
                            continue;
                        }
                        if Some(c) == a || assign.load[c] < cap[c] {
                            alt = Some((s2c, c));
                            break;
                        }
                    }
                    if let Some((s2c, c)) = alt {
                        let gain = sib - base + s2c - own[i2];
                        if gain > EPS && best.is_none_or(|x| gain > x.0) {
                            best = Some((gain, i2, Some(c)));
                        }
                    }
                }
                if let Some((_, i2, c)) = best {
                    match c {
                        Some(c) => {
                            let s2c = score_in_row(prep, i2, c).unwrap_or(0.0);
                            assign.set(i2, c);
                            own[i2] = s2c;
                        }
                        None => {
                            assign.unset(i2);
                            own[i2] = 0.0;
                        }
                    }
                    assign.set(i, b);
                    own[i] = sib;
                    improved = true;
                    break 'cands;
                }
            }
        }
        if !improved {
            break;
        }
    }
    false
}

struct StartResult {
    assign: Assign,
    objective: f64,
    timed_out: bool,
}

fn run_start(
    prep: &Prepared,
    seed: u64,
    start: usize,
    passes: usize,
    initial: Option<&Assign>,
    stop: &dyn Fn() -> bool,
) -> StartResult {
    let mut rng = SplitMix64::new(seed ^ (start as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let noise = if start == 0 { 0.0 } else { 0.5 };
    let mut assign = match initial {
        Some(a) => a.clone(),
        None => construct(prep, &mut rng, noise),
    };
    complete(prep, &mut assign);
    let timed_out = local_search(prep, &mut assign, &mut rng, passes, stop);
    let objective = prep.objective(&assign);
    StartResult {
        assign,
        objective,
        timed_out,
    }
}

impl Backend for HeuristicBackend {
    fn name(&self) -> &'static str {
        "heuristic"
    }

    fn solve(&self, problem: &Problem, settings: &Settings) -> Result<Solution> {
        solve_with_passes(problem, settings, &sparse::LocalPasses { problem }, None)
    }
}

/// The heuristic backend with its passes over all pairs (candidate generation, pricing) run by
/// `passes` (in this process, or as shard jobs, see [`crate::distributed`]); with
/// `candidates`, those are used instead of a candidate pass (they must be what
/// [`crate::backends::sparse::candidates::generate`] gives for the index over
/// [`sparse::remaining_after_pins`] for the result to equal [`HeuristicBackend`]'s).
pub fn solve_with_passes(
    problem: &Problem,
    settings: &Settings,
    passes: &dyn sparse::PairPasses,
    candidates: Option<sparse::Candidates>,
) -> Result<Solution> {
    // (A block, so that the body keeps the indentation it had as `HeuristicBackend::solve`.)
    {
        let t0 = Instant::now();
        let p: &dyn Progress = progress::sink(&settings.progress);
        let deadline = sparse::deadline(settings, t0);
        let stop = || deadline.is_some_and(|d| Instant::now() >= d);
        let k = sparse::k_of(problem);
        p.stage("indexing mentors", 0);
        let index = sparse::CandidateIndex::new(problem, &sparse::remaining_after_pins(problem));
        let cands = match candidates {
            Some(c) => c,
            None => passes.candidates(&index, k, p)?,
        };
        let mut prep = Prepared::from_candidates(problem, index, cands, k);
        let t_cands = t0.elapsed().as_secs_f64();
        if crate::progress::trace() {
            eprintln!(
                "[{:.1} s, cpu {:.1} s] candidates",
                t_cands,
                crate::progress::cpu_seconds()
            );
        }
        let mut notes = Vec::new();
        if problem.config().objective == crate::config::Objective::Maxmin {
            notes.push(Note::unsupported(
                "maxmin is not supported by the heuristic; the total score was maximised",
            ));
        }

        feasible_candidates(problem, &mut prep, &mut notes, p)?;
        let t_feas = t0.elapsed().as_secs_f64();

        // Start 0: an auction over the candidates (near-optimal over them, with prices for the
        // certificate); the other starts: greedy by regret with noise. Above LARGE mentees the
        // auction alone (plus local search) is used unless more starts are configured.
        p.stage("auction", 0);
        // The rows by mentor, for the auction's reverse steps and then the price refinement
        // (built once per candidate set, dropped before pricing grows the rows).
        let first_cols = Columns::of_rows(&prep);
        let mut auction =
            auction::run(&prep, &first_cols, 10.0, AUCTION_EPS, 4.0, 500, None, &stop);
        let mut cols = Some(first_cols);
        // Column generation: price every allowed pair against the auction's prices; pairs
        // that beat their mentee's row join the candidates and the auction resumes from its
        // prices, until no pair outside the rows could improve the LP (then the rows hold an
        // optimum of the whole problem) or the round / time limit. Every pass also yields the
        // exact mentee duals for these prices, hence a certificate (the best one is kept).
        let t_first = t0.elapsed().as_secs_f64() - t_feas;
        if crate::progress::trace() {
            eprintln!("[{:.1} s, cpu {:.1} s] candidates {t_cands:.2} s, feasibility {:.2} s, first auction {t_first:.2} s", t0.elapsed().as_secs_f64(), crate::progress::cpu_seconds(), t_feas - t_cands);
        }
        let (mut t_refine, mut t_pricing) = (0.0, 0.0);
        let mut rounds = 0;
        let mut priced_bound = f64::INFINITY;
        let mut converged = false;
        // The first round finds nearly every mentee violated (its list came from scores alone).
        let wide = prep.free.len() > WIDE_FROM;
        let mut add = if wide { PRICING_ADD_WIDE } else { PRICING_ADD };
        while let Some(a) = &auction {
            rounds += 1;
            let before = prep.cands.len();
            let t = Instant::now();
            // Prices for pricing and the certificate: the auction's, with the prices of empty
            // places brought down (see `bound::refine`).
            let c = cols.take().unwrap_or_else(|| Columns::of_rows(&prep));
            let v = bound::refine(
                &prep.cands,
                &c,
                &prep.free,
                &prep.remaining,
                &a.prices,
                REFINE_SWEEPS,
            );
            drop(c);
            t_refine += t.elapsed().as_secs_f64();
            let t = Instant::now();
            // Mentees whose row got dearer than their last certificate by at most this much keep
            // that certificate (searched over the mentors that got cheaper only): a quarter of
            // the gap target, spread over the mentees, may go to such looser duals.
            prep.loose = if priced_bound.is_finite() && !prep.free.is_empty() {
                LOOSE_SHARE * gap_target(prep.free.len()) * priced_bound.abs()
                    / prep.free.len() as f64
            } else {
                0.0
            };
            let pr = prep.price_columns_with(passes, &v, add, AUCTION_EPS, p, &stop)?;
            t_pricing += t.elapsed().as_secs_f64();
            let b = prep.global_bound(&pr.u, &v);
            priced_bound = priced_bound.min(b);
            if crate::progress::trace() {
                eprintln!(
                    "[{:.1} s, cpu {:.1} s] round {rounds}: violated {} unproven {} excess {:.1} added {} bound {b:.3} auction total {:.3} searched {} restricted {} bounds {} pairs {} refine {t_refine:.2} s pricing {t_pricing:.2} s",
                    t0.elapsed().as_secs_f64(),
                    crate::progress::cpu_seconds(),
                    pr.violated,
                    pr.unproven,
                    pr.excess,
                    prep.cands.len() - before,
                    prep.objective(&a.assign),
                    pr.searched,
                    pr.restricted,
                    pr.stats.bounds,
                    pr.stats.pairs_scored,
                );
            }
            notes.push(Note::detail(format!(
                "pricing round {rounds}: {} mentee(s) had a better pair outside the candidates; {} pairs added; bound {b:.3} (auction total {:.3})",
                pr.violated,
                prep.cands.len() - before,
                prep.objective(&a.assign)
            )));
            if pr.stopped {
                break;
            }
            add = if wide && pr.violated as f64 > WIDE_SHARE * prep.free.len() as f64 {
                PRICING_ADD_WIDE
            } else {
                PRICING_ADD
            };
            if pr.violated == 0 {
                converged = pr.unproven == 0;
                if !converged {
                    notes.push(Note::detail(format!(
                        "column generation stopped: no better pair found; {} mentee(s) keep duals from earlier passes",
                        pr.unproven
                    )));
                }
                break;
            }
            // The certificate already proves the auction's assignment within the gap target of
            // the optimum: more rounds could only shave what is left of the gap.
            let total = prep.objective(&a.assign);
            if b - total <= gap_target(prep.free.len()) * b.abs() {
                converged = true;
                notes.push(Note::detail(format!(
                    "column generation stopped: certified gap {:.4}% at round {rounds}",
                    100.0 * (b - total) / b.abs().max(1e-300)
                )));
                break;
            }
            // What the pairs outside the rows still add to the bound is negligible: further
            // rounds would only trade auction noise (violations of a few ε) for time.
            if pr.excess <= NEGLIGIBLE * b.abs() {
                converged = true;
                notes.push(Note::detail(format!(
                    "column generation stopped: pairs outside the candidates add at most {:.4}% to the bound",
                    100.0 * pr.excess / b.abs().max(1e-300)
                )));
                break;
            }
            if rounds >= MAX_PRICING_ROUNDS || stop() {
                break;
            }
            p.stage("auction", 0);
            // Many mentees with better pairs: large ε steps first (bidding wars at a small ε are
            // slow). Few: start near the final ε, so that prices move little and the next
            // pricing pass can search most mentees over the mentors that got cheaper only.
            let eps0 = if pr.violated * 10 > prep.free.len() {
                1.0
            } else {
                4.0 * AUCTION_EPS
            };
            let c = Columns::of_rows(&prep);
            match auction::resume(&prep, &c, a, eps0, AUCTION_EPS, 500, &stop) {
                Some(b) => auction = Some(b),
                None => break,
            }
            cols = Some(c);
            if crate::progress::trace() {
                eprintln!(
                    "[{:.1} s, cpu {:.1} s] auction resumed",
                    t0.elapsed().as_secs_f64(),
                    crate::progress::cpu_seconds()
                );
            }
        }
        if auction.is_some() && !converged {
            notes.push(Note::limit(format!(
                "column generation stopped after {rounds} pricing round(s) (round or time limit) before every pair was priced out"
            )));
        }
        let default_starts = if auction.is_some() && prep.free.len() > LARGE {
            1
        } else {
            DEFAULT_STARTS
        };
        let starts = problem
            .config()
            .solver_options
            .starts
            .unwrap_or(default_starts)
            .max(1);
        let passes = match &auction {
            Some(_) if prep.free.len() > ONE_PASS_FROM => 1,
            Some(_) => 3,
            None => 50,
        };
        let t_auction = t0.elapsed().as_secs_f64();
        match &auction {
            Some(a) => notes.push(Note::detail(format!(
                "auction: {} bids (within {AUCTION_EPS} points per mentee of the optimum over the candidates)",
                a.bids
            ))),
            None => notes.push(Note::limit(
                "auction: gave up (bid budget or time); greedy construction used",
            )),
        }
        p.stage("greedy + local search", starts as u64);
        let results: Vec<Option<StartResult>> = (0..starts)
            .into_par_iter()
            .map(|s| {
                if s > 0 && stop() {
                    return None;
                }
                let initial = if s == 0 {
                    auction.as_ref().map(|a| &a.assign)
                } else {
                    None
                };
                let r = run_start(&prep, settings.seed, s, passes, initial, &stop);
                p.inc(1);
                Some(r)
            })
            .collect();
        let mut best: Option<(usize, StartResult)> = None;
        let mut ran = 0;
        let mut timed_out = false;
        for (s, r) in results.into_iter().enumerate() {
            let Some(r) = r else { continue };
            ran += 1;
            timed_out |= r.timed_out;
            if best.as_ref().is_none_or(|(_, b)| r.objective > b.objective) {
                best = Some((s, r));
            }
        }
        let Some((best_start, mut best)) = best else {
            return Err(Error::Solver("no start ran".into()));
        };
        if timed_out || ran < starts {
            notes.push(Note::limit(format!(
                "time limit reached: {ran} of {starts} starts ran, local search may have stopped early (the result can depend on timing)"
            )));
        }

        // Cohort-level goals: repair what can be repaired, report the rest.
        if problem.config().has_cohort_constraints() {
            let g = goals::Goals::new(problem);
            g.repair(&prep, &mut best.assign, 10.0);
            notes.extend(goals::unmet_notes(problem, &prep.assignment(&best.assign)));
            best.objective = prep.objective(&best.assign);
        }

        p.stage("certificate", 0);
        let t_search = t0.elapsed().as_secs_f64();
        // The certificate: the best bound of the pricing passes (exact LP duals over all
        // allowed pairs for the auction's prices). Without an auction, prices from the final
        // assignment (Jacobi iterations) and one pricing pass.
        let bound = if priced_bound.is_finite() {
            let b = auction.as_ref().map_or(f64::INFINITY, |a| {
                bound::dual_bound(
                    &prep.cands,
                    &prep.free,
                    &prep.remaining,
                    &a.prices,
                    prep.pinned_total,
                )
            });
            priced_bound.min(b)
        } else if stop() {
            // Out of time before a pricing pass: the candidates' own bound (the left-out pairs
            // bounded by `outside`), with the best prices at hand.
            let v = auction
                .as_ref()
                .map_or_else(|| vec![0.0; prep.remaining.len()], |a| a.prices.clone());
            bound::dual_bound(
                &prep.cands,
                &prep.free,
                &prep.remaining,
                &v,
                prep.pinned_total,
            )
        } else {
            let (v, cand_bound) = bound::prices(
                &prep.cands,
                &prep.free,
                &prep.remaining,
                &best.assign,
                prep.pinned_total,
                64,
                &|| false,
            );
            let u = prep.price(problem, &v, 1, false, p);
            prep.global_bound(&u, &v).min(cand_bound)
        };
        let objective = best.objective;
        let t_end = t0.elapsed().as_secs_f64();
        if crate::progress::trace() {
            eprintln!(
            "mentormatch trace: timings: candidates {t_cands:.2} s, feasibility {:.2} s, column generation {:.2} s (first auction {t_first:.2} s, price refinement {t_refine:.2} s, pricing {t_pricing:.2} s, resumed auctions {:.2} s), starts {:.2} s, certificate {:.2} s",
            t_feas - t_cands,
            t_auction - t_feas,
            t_auction - t_feas - t_first - t_refine - t_pricing,
            t_search - t_auction,
            t_end - t_search
        );
        }
        let status = if bound - objective <= 1e-7 * (1.0 + objective.abs())
            && !problem.config().has_cohort_constraints()
        {
            SolveStatus::Optimal
        } else {
            SolveStatus::Feasible
        };
        notes.push(Note::detail(format!(
            "heuristic: best of {ran} start(s) is start {best_start}; {} candidate pairs (k = {}); {} pairs scored ({:.2}% of all); upper bound {bound:.3}, gap {:.4}%",
            prep.cands.len(),
            prep.k,
            prep.cands.stats.pairs_scored,
            100.0 * prep.cands.stats.pairs_scored as f64
                / (problem.n_mentees().max(1) as f64 * problem.n_mentors().max(1) as f64),
            if bound > 0.0 { 100.0 * (bound - objective).max(0.0) / bound } else { 0.0 }
        )));
        p.finish();
        Ok(Solution {
            assignment: prep.assignment(&best.assign),
            status,
            bound: Some(bound),
            backend: "heuristic",
            notes,
        })
    }
}
