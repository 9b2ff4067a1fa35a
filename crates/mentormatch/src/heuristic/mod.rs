//! The heuristic backend for very large programmes: sparse candidates, a greedy-by-regret
//! construction, local search (moves, swaps and two-step ejection chains within the
//! candidates), several starts in parallel, and a certificate (an upper bound on the optimum
//! over all allowed pairs, see [`crate::sparse::bound`]).
//!
//! Deterministic: start `s` uses its own generator seeded from `(seed, s)` and runs
//! sequentially; the best start is chosen by (total score, start index). The number of threads
//! only changes how many starts run at once. A time limit stops local search early, and then
//! the result may depend on timing (a note says so).

mod auction;
pub mod goals;

use std::collections::VecDeque;
use std::time::Instant;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::progress::{self, Progress};
use crate::solver::{Backend, Settings, Solution, SolveStatus};
use crate::sparse::assign::{Assign, NONE};
use crate::sparse::lap::FailedTree;
use crate::sparse::{self, bound, Prepared};
use crate::synthetic::SplitMix64;

const EPS: f64 = 1e-9;

/// Default number of starts.
pub const DEFAULT_STARTS: usize = 4;

/// Above this many free mentees one start (the auction and local search) is the default.
const LARGE: usize = 20_000;

/// Pricing rounds (column generation) after the first auction (none above LARGE mentees).
const PRICING_ROUNDS: usize = 2;

/// Final ε of the auction, in score points (0-100): the auction's assignment is within
/// `ε` per mentee of the optimum over the candidates.
const AUCTION_EPS: f64 = 0.01;

/// The heuristic backend.
#[derive(Debug, Clone, Copy, Default)]
pub struct HeuristicBackend;

/// Breadth-first augmenting path from free mentee `s` over the candidates; on failure returns
/// the alternating tree (a Hall witness when every row in it is complete).
pub(crate) fn augment_bfs(
    prep: &Prepared,
    assign: &mut Assign,
    s: usize,
    stamp: &mut [u32],
    generation: u32,
    pred: &mut [u32],
    dead: &[bool],
) -> Option<FailedTree> {
    let cap = &prep.remaining;
    let mut queue = VecDeque::from([s]);
    let mut mentees = vec![s];
    let mut mentors = Vec::new();
    while let Some(i) = queue.pop_front() {
        let (js, _) = prep.cands.row(i);
        for &j in js {
            let j = j as usize;
            if cap[j] == 0 || stamp[j] == generation || dead[j] {
                continue;
            }
            stamp[j] = generation;
            pred[j] = i as u32;
            mentors.push(j);
            if assign.load[j] < cap[j] {
                let mut j = j;
                loop {
                    let i = pred[j] as usize;
                    let old = assign.of[i];
                    assign.set(i, j);
                    if i == s || old == NONE {
                        return None;
                    }
                    j = old as usize;
                }
            }
            for i2 in assign.mentees_of(j) {
                mentees.push(i2);
                queue.push_back(i2);
            }
        }
    }
    Some(FailedTree {
        mentee: s,
        mentees,
        mentors,
    })
}

/// Matches every free mentee that can be matched (given `assign`), returning the failures.
///
/// The mentors of a failed search (a Hungarian tree: all full, every path from them leads
/// only to full mentors) can never lie on a later augmenting path, so they are skipped from
/// then on; failed searches thus cost O(edges) in total instead of O(edges) each.
pub(crate) fn complete(prep: &Prepared, assign: &mut Assign) -> Vec<FailedTree> {
    let m = prep.remaining.len();
    let mut stamp = vec![0u32; m];
    let mut pred = vec![NONE; m];
    let mut dead = vec![false; m];
    let mut generation = 0;
    let mut failed = Vec::new();
    for &i in &prep.free {
        if assign.of[i] == NONE {
            generation += 1;
            if let Some(t) = augment_bfs(prep, assign, i, &mut stamp, generation, &mut pred, &dead)
            {
                for &j in &t.mentors {
                    dead[j] = true;
                }
                failed.push(t);
            }
        }
    }
    failed
}

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

/// Spreads candidates over mentors: adds `k / 5` random allowed mentors per mentee (seeded,
/// the same whatever the number of threads). Without it, mentees with similar profiles all
/// list the same popular mentors, and many cannot be matched within their candidates; random
/// extra edges make a complete matching exist in the candidate graph with high probability
/// (as in random bipartite graphs), and the solvers use them only where they must.
pub(crate) fn diversify(problem: &Problem, prep: &mut Prepared, p: &dyn Progress) {
    p.stage("diversifying candidates", 0);
    let extra = (prep.k / 5).max(2);
    prep.add_random(problem, extra, 0x5EED);
}

/// Makes sure every mentee that can be matched can be matched within the candidates: when a
/// plain check fails, candidates are spread over mentors ([`diversify`]) and the rows of
/// mentees still failing are completed ([`ensure_feasible`]).
pub(crate) fn feasible_candidates(
    problem: &Problem,
    prep: &mut Prepared,
    notes: &mut Vec<String>,
    p: &dyn Progress,
) -> Result<()> {
    // Large cohorts: diversify up front (a probe on a congested top-k graph costs more than
    // the extra candidates). Small ones: only when a probe fails.
    if prep.free.len() <= 5000 {
        let mut probe = Assign::new(prep.cands.n(), prep.remaining.len());
        if complete(prep, &mut probe).is_empty() {
            return Ok(());
        }
    }
    diversify(problem, prep, p);
    notes.push(format!(
        "candidates: top {} per mentee plus {} random allowed mentors (so that popular mentors do not block a complete matching)",
        prep.k,
        (prep.k / 5).max(2)
    ));
    ensure_feasible(problem, prep, notes).map(|_| ())
}

/// The largest matching within the candidates, completing the rows of mentees in failed
/// searches until every failure is proven (or the budget is spent). Errors when mentees
/// cannot be matched and `allow_unmatched` is off.
pub(crate) fn ensure_feasible(
    problem: &Problem,
    prep: &mut Prepared,
    notes: &mut Vec<String>,
) -> Result<Vec<FailedTree>> {
    let mut completed = 0;
    let failed = loop {
        let mut probe = Assign::new(prep.cands.n(), prep.remaining.len());
        let failed = complete(prep, &mut probe);
        if failed.is_empty() {
            break failed;
        }
        let mut who: Vec<usize> = failed.iter().flat_map(|t| t.mentees.clone()).collect();
        who.sort_unstable();
        who.dedup();
        if completed + who.len() > sparse::completion_budget(problem.n_mentees()) {
            break failed;
        }
        let grew = prep.complete_rows(problem, &who);
        if grew == 0 {
            break failed;
        }
        completed += grew;
    };
    if completed > 0 {
        notes.push(format!(
            "{completed} mentee(s) needed every allowed mentor as a candidate to be matched"
        ));
    }
    if !failed.is_empty() && !problem.config().allow_unmatched {
        let all_complete = failed.iter().all(|t| {
            t.mentees
                .iter()
                .all(|&i| prep.cands.outside[i] == f64::NEG_INFINITY)
        });
        if all_complete {
            return Err(sparse::hall_error(problem, prep, &failed[0]));
        }
        return Err(Error::Solver(format!(
            "{} mentee(s) could not be matched within the candidate pairs; raise `candidates` or set allow_unmatched",
            failed.len()
        )));
    }
    Ok(failed)
}

impl Backend for HeuristicBackend {
    fn name(&self) -> &'static str {
        "heuristic"
    }

    fn solve(&self, problem: &Problem, settings: &Settings) -> Result<Solution> {
        let t0 = Instant::now();
        let p: &dyn Progress = progress::sink(&settings.progress);
        let deadline = sparse::deadline(settings, t0);
        let stop = || deadline.is_some_and(|d| Instant::now() >= d);
        let mut prep = Prepared::new(problem, sparse::k_of(problem), p);
        let t_cands = t0.elapsed().as_secs_f64();
        let mut notes = Vec::new();
        if problem.config().objective == crate::config::Objective::Maxmin {
            notes.push(
                "maxmin is not supported by the heuristic; the total score was maximised".into(),
            );
        }

        feasible_candidates(problem, &mut prep, &mut notes, p)?;
        let t_feas = t0.elapsed().as_secs_f64();

        // Start 0: an auction over the candidates (near-optimal over them, with prices for the
        // certificate); the other starts: greedy by regret with noise. Above LARGE mentees the
        // auction alone (plus local search) is used unless more starts are configured.
        p.stage("auction", 0);
        let mut auction = auction::run(&prep, 10.0, AUCTION_EPS, 4.0, 500, None, &stop);
        // Column generation: pairs outside the candidates whose reduced score beats the
        // auction's prices join the candidates, and the auction resumes from its prices.
        let mut rounds = 0;
        while let Some(a) = &auction {
            // A pricing pass costs about as much as candidate generation at 100,000 mentees
            // (the priced search prunes less); above LARGE it is left out by default.
            let max_rounds = if prep.free.len() > LARGE {
                0
            } else {
                PRICING_ROUNDS
            };
            if rounds >= max_rounds || stop() {
                break;
            }
            rounds += 1;
            let before = prep.cands.len();
            let row_best = prep.best_reduced(&a.prices);
            let u = prep.price(problem, &a.prices, 5, true, p);
            let violated = prep
                .free
                .iter()
                .zip(&row_best)
                .filter(|&(&i, &b)| u[i] > b + AUCTION_EPS)
                .count();
            if violated == 0 || prep.cands.len() == before {
                break;
            }
            notes.push(format!(
                "pricing round {rounds}: {violated} mentee(s) had a better pair outside the candidates; {} pairs added",
                prep.cands.len() - before
            ));
            let v = a.prices.clone();
            p.stage("auction", 0);
            match auction::run(&prep, 1.0, AUCTION_EPS, 4.0, 500, Some(&v), &stop) {
                Some(b) => auction = Some(b),
                None => break,
            }
        }
        let default_starts = if auction.is_some() && prep.free.len() > LARGE {
            1
        } else {
            DEFAULT_STARTS
        };
        let starts = problem.config().starts.unwrap_or(default_starts).max(1);
        let passes = if auction.is_some() { 3 } else { 50 };
        let t_auction = t0.elapsed().as_secs_f64();
        match &auction {
            Some(a) => notes.push(format!(
                "auction: {} bids (within {AUCTION_EPS} points per mentee of the optimum over the candidates)",
                a.bids
            )),
            None => notes.push("auction: gave up (bid budget or time); greedy construction used".into()),
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
            notes.push(format!(
                "time limit reached: {ran} of {starts} starts ran, local search may have stopped early (the result can depend on timing)"
            ));
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
        // Prices from the final assignment (local search) or, when they bound the candidate
        // graph better, the auction's; one pricing pass (the exact mentee duals over all
        // allowed pairs) turns them into a bound over all pairs. (A second pricing pass for
        // the other price vector was measured not to lower the bound, at 10k and 100k.)
        let (mut v, mut cand_bound) = bound::prices(
            &prep.cands,
            &prep.free,
            &prep.remaining,
            &best.assign,
            prep.pinned_total,
            64,
            &|| false,
        );
        if let Some(a) = &auction {
            let b = bound::dual_bound(
                &prep.cands,
                &prep.free,
                &prep.remaining,
                &a.prices,
                prep.pinned_total,
            );
            if b < cand_bound {
                v = a.prices.clone();
                cand_bound = b;
            }
        }
        let u = prep.price(problem, &v, 1, false, p);
        let bound = prep.global_bound(&u, &v).min(cand_bound);
        let objective = best.objective;
        let t_end = t0.elapsed().as_secs_f64();
        notes.push(format!(
            "timings: candidates {t_cands:.2} s, feasibility {:.2} s, auction {:.2} s, starts {:.2} s, certificate {:.2} s",
            t_feas - t_cands,
            t_auction - t_feas,
            t_search - t_auction,
            t_end - t_search
        ));
        let status = if bound - objective <= 1e-7 * (1.0 + objective.abs())
            && !problem.config().has_cohort_constraints()
        {
            SolveStatus::Optimal
        } else {
            SolveStatus::Feasible
        };
        notes.push(format!(
            "heuristic: best of {ran} start(s) is start {best_start}; {} candidate pairs (k = {}); {} pairs scored ({:.2}% of all); upper bound {bound:.3}, gap {:.4}%",
            prep.cands.len(),
            prep.k,
            prep.cands.stats.pairs_scored,
            100.0 * prep.cands.stats.pairs_scored as f64
                / (problem.n_mentees().max(1) as f64 * problem.n_mentors().max(1) as f64),
            if bound > 0.0 { 100.0 * (bound - objective).max(0.0) / bound } else { 0.0 }
        ));
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
