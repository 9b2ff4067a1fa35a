//! Stability audit: the blocking pairs of any matching, and the audit of a matching made
//! elsewhere (by hand, last year) against the rules, the capacities and the optimum.
//!
//! Definition (weak stability, see [`crate::preferences`]): a pair (e, m) not made blocks when
//! it is allowed, e is not pinned, e strictly prefers m to their partner (or is unmatched), and m
//! has a place left or strictly prefers e to the worst mentee it holds (pinned mentees aside).
//!
//! Cost: a mentee who ranked mentors is checked against the mentors listed above their partner
//! only (every allowed mentor when unmatched and the unlisted are acceptable); a mentee ranking
//! by score needs their row of scores (computed in parallel, no matrix is kept). The mentor's
//! side is a constant-time threshold: its worst tier or lowest score held, or a free place.

use std::cmp::Ordering;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::input::PreviousPair;
use crate::model::{Participant, Side};
use crate::preferences::{rank_phrase, Rank, Unlisted};
use crate::problem::Problem;

/// A pair that would rather be together than with whom they got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockingPair {
    /// Mentee id.
    pub mentee_id: String,
    /// Mentor id.
    pub mentor_id: String,
    /// The pair's match score.
    pub score: f64,
    /// The mentee's partner (`None`: unmatched).
    pub mentee_partner: Option<String>,
    /// The mentee the mentor would give up (`None`: the mentor has a place left).
    pub mentor_drops: Option<String>,
    /// Why, in words.
    pub reason: String,
}

/// Above this many score evaluations (mentees ranking by score x mentors) the audit in every
/// result is skipped with a note (`mentormatch audit` and [`blocking_pairs`] always run).
pub const AUTO_AUDIT_MAX_PAIRS: u128 = 400_000_000;

/// How a person's preference between two partners is decided.
enum Order {
    /// By tier of a list (lower is better).
    Tier(u32),
    /// By score (higher is better).
    Score(f64),
}

impl Order {
    /// `Greater`: `self` is strictly better than `other`.
    fn better(&self, other: &Order) -> bool {
        match (self, other) {
            (Order::Tier(a), Order::Tier(b)) => a < b,
            (Order::Score(a), Order::Score(b)) => a.total_cmp(b) == Ordering::Greater,
            _ => false,
        }
    }
}

fn mentor_order(problem: &Problem, j: usize, i: usize, score: f64) -> Order {
    match problem.preferences().map(|p| p.mentor_rank(j, i)) {
        Some(r @ (Rank::Listed { .. } | Rank::Unlisted)) => Order::Tier(r.tier().unwrap_or(0)),
        _ => Order::Score(score),
    }
}

/// Per mentor: a place left, or the worst non-pinned mentee held (index and order).
struct Threshold {
    free: bool,
    worst: Option<(usize, Order)>,
}

fn thresholds(problem: &Problem, assignment: &[Option<usize>]) -> Vec<Threshold> {
    let m = problem.n_mentors();
    let mut used = vec![0u32; m];
    let mut worst: Vec<Option<(usize, Order)>> = (0..m).map(|_| None).collect();
    for (i, a) in assignment.iter().enumerate() {
        let Some(j) = *a else { continue };
        used[j] += 1;
        if problem.is_pinned(i, j) {
            continue;
        }
        let o = mentor_order(problem, j, i, problem.pair(i, j).0);
        let replace = match &worst[j] {
            None => true,
            // The worst: the one every other held mentee is at least as good as.
            Some((_, w)) => w.better(&o),
        };
        if replace {
            worst[j] = Some((i, o));
        }
    }
    worst
        .into_iter()
        .enumerate()
        .map(|(j, w)| Threshold {
            free: used[j] < problem.capacity()[j],
            worst: w,
        })
        .collect()
}

/// The blocking pairs of `assignment` (`assignment[i]` = mentee `i`'s mentor), as
/// `(mentee, mentor)` sorted by mentee then mentor.
pub fn blocking_indices(problem: &Problem, assignment: &[Option<usize>]) -> Vec<(usize, usize)> {
    let th = thresholds(problem, assignment);
    let prefs = problem.preferences();
    let m = problem.n_mentors();
    let mentor_blocks = |i: usize, j: usize, s: f64| -> bool {
        let t = &th[j];
        if t.free {
            return true;
        }
        match &t.worst {
            None => false,
            Some((w, wo)) => *w != i && mentor_order(problem, j, i, s).better(wo),
        }
    };
    let rows: Vec<Vec<(usize, usize)>> = (0..problem.n_mentees())
        .into_par_iter()
        .map_init(
            || (vec![0.0; m], vec![false; m]),
            |(scores, allowed), i| {
                let mut out = Vec::new();
                let partner = assignment[i];
                if partner.is_some_and(|j| problem.is_pinned(i, j)) {
                    return out;
                }
                let has_list = prefs.is_some_and(|p| p.mentee.has_list(i));
                if has_list {
                    let p = prefs.expect("has_list implies preferences");
                    let cur = partner.map(|j| p.mentee_rank(i, j).tier().unwrap_or(0));
                    for &(j, t) in p.mentee.list(i) {
                        let j = j as usize;
                        if cur.is_some_and(|c| t >= c) {
                            continue;
                        }
                        let (s, ok) = problem.pair(i, j);
                        if ok && mentor_blocks(i, j, s) {
                            out.push((i, j));
                        }
                    }
                    if partner.is_none() && p.unlisted == Unlisted::Acceptable {
                        problem.score_row(i, scores, allowed);
                        for j in 0..m {
                            if allowed[j]
                                && p.mentee_rank(i, j) == Rank::Unlisted
                                && mentor_blocks(i, j, scores[j])
                            {
                                out.push((i, j));
                            }
                        }
                    }
                    out.sort_unstable();
                } else {
                    let cur = partner.map(|j| problem.pair(i, j).0);
                    problem.score_row(i, scores, allowed);
                    for j in 0..m {
                        if allowed[j]
                            && Some(j) != partner
                            && cur.is_none_or(|c| scores[j] > c)
                            && mentor_blocks(i, j, scores[j])
                        {
                            out.push((i, j));
                        }
                    }
                }
                out
            },
        )
        .collect();
    rows.into_iter().flatten().collect()
}

/// Score evaluations the audit of a matching needs at most for mentees ranking by score.
pub fn audit_cost(problem: &Problem) -> u128 {
    let by_score = match problem.preferences() {
        None => problem.n_mentees(),
        Some(p) => (0..problem.n_mentees())
            .filter(|&i| !p.mentee.has_list(i))
            .count(),
    };
    by_score as u128 * problem.n_mentors() as u128
}

fn describe_side(
    problem: &Problem,
    side: Side,
    who: usize,
    whom: usize,
    other: Option<usize>,
) -> String {
    let c = problem.cohort();
    let (who_id, whom_id, other_id) = match side {
        Side::Mentee => (
            c.mentees[who].id(),
            c.mentors[whom].id(),
            other.map(|o| c.mentors[o].id()),
        ),
        Side::Mentor => (
            c.mentors[who].id(),
            c.mentees[whom].id(),
            other.map(|o| c.mentees[o].id()),
        ),
    };
    let rank = |a: usize| match (problem.preferences(), side) {
        (Some(p), Side::Mentee) => p.mentee_rank(who, a),
        (Some(p), Side::Mentor) => p.mentor_rank(who, a),
        (None, _) => Rank::NoList,
    };
    let score = |a: usize| match side {
        Side::Mentee => problem.pair(who, a).0,
        Side::Mentor => problem.pair(a, who).0,
    };
    match rank(whom) {
        Rank::NoList => match (other, other_id) {
            (Some(o), Some(oid)) => format!(
                "{who_id} scores {whom_id} {:.1}, above {oid} ({:.1}, {})",
                score(whom),
                score(o),
                match side {
                    Side::Mentee => "partner",
                    Side::Mentor => "held",
                }
            ),
            _ => format!("{who_id} scores {whom_id} {:.1}", score(whom)),
        },
        r => {
            let mine = rank_phrase(r, who_id, whom_id);
            match (other, other_id) {
                (Some(o), Some(oid)) => {
                    let role = match side {
                        Side::Mentee => "partner",
                        Side::Mentor => "held",
                    };
                    let theirs = match rank(o) {
                        Rank::Listed { tier, .. } => {
                            format!(
                                "{oid} ({role}) is ranked {}",
                                crate::preferences::ordinal(tier + 1)
                            )
                        }
                        _ => format!("{oid} ({role}) is not on the list"),
                    };
                    format!("{mine}; {theirs}")
                }
                _ => mine,
            }
        }
    }
}

/// The blocking pairs of `assignment`, with who would be left and why.
pub fn blocking_pairs(problem: &Problem, assignment: &[Option<usize>]) -> Vec<BlockingPair> {
    let idx = blocking_indices(problem, assignment);
    let th = thresholds(problem, assignment);
    let c = problem.cohort();
    idx.into_par_iter()
        .map(|(i, j)| {
            let partner = assignment[i];
            let drops = if th[j].free {
                None
            } else {
                th[j].worst.as_ref().map(|(w, _)| *w)
            };
            let mentee_part = match partner {
                None => format!(
                    "{} is unmatched; {}",
                    c.mentees[i].id(),
                    describe_side(problem, Side::Mentee, i, j, None)
                ),
                Some(p) => describe_side(problem, Side::Mentee, i, j, Some(p)),
            };
            let mentor_part = match drops {
                None => format!("{} has a place left", c.mentors[j].id()),
                Some(w) => describe_side(problem, Side::Mentor, j, i, Some(w)),
            };
            BlockingPair {
                mentee_id: c.mentees[i].id().to_string(),
                mentor_id: c.mentors[j].id().to_string(),
                score: problem.pair(i, j).0,
                mentee_partner: partner.map(|p| c.mentors[p].id().to_string()),
                mentor_drops: drops.map(|w| c.mentees[w].id().to_string()),
                reason: format!("{mentee_part}; {mentor_part}"),
            }
        })
        .collect()
}

/// The totals of the best matching and of the stable one, with their blocking pairs: what
/// stability costs in score, and what the optimum costs in stability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceOfStability {
    /// Whose optimal stable matching was compared.
    pub stable_side: Side,
    /// Total score of the stable matching.
    pub stable_total: f64,
    /// Pairs in the stable matching.
    pub stable_pairs: usize,
    /// Blocking pairs of the stable matching (0 unless pins force some).
    pub stable_blocking: usize,
    /// Total score of the best matching (the `total` objective).
    pub optimum_total: f64,
    /// Pairs in the best matching.
    pub optimum_pairs: usize,
    /// Blocking pairs of the best matching.
    pub optimum_blocking: usize,
}

/// Above this many mentee x mentor pairs, the price of stability is not computed for every
/// result (it needs a second, dense solve).
pub const PRICE_MAX_PAIRS: u128 = 25_000_000;

/// The price of stability for a problem with preferences: the stable matching and the best
/// total side by side. `result_assignment` is the result already found (of `objective`), so
/// only what it is not is solved (with `maxmin`, both). `None` without preferences.
pub fn price_of_stability(
    problem: &Problem,
    result_assignment: &[Option<usize>],
) -> Result<Option<PriceOfStability>> {
    if problem.preferences().is_none() {
        return Ok(None);
    }
    let side = problem.config().stable_side.unwrap_or(Side::Mentee);
    let total = |a: &[Option<usize>]| -> (f64, usize) {
        let mut t = 0.0;
        let mut n = 0;
        for (i, x) in a.iter().enumerate() {
            if let Some(j) = *x {
                t += problem.pair(i, j).0;
                n += 1;
            }
        }
        (t, n)
    };
    let stable = match problem.config().objective {
        crate::config::Objective::Stable => result_assignment.to_vec(),
        _ => crate::backends::stable::stable_matching(problem, side),
    };
    let optimum = match problem.config().objective {
        crate::config::Objective::Total => result_assignment.to_vec(),
        _ => optimum_assignment(problem)?,
    };
    let (stable_total, stable_pairs) = total(&stable);
    let (optimum_total, optimum_pairs) = total(&optimum);
    Ok(Some(PriceOfStability {
        stable_side: side,
        stable_total,
        stable_pairs,
        stable_blocking: blocking_indices(problem, &stable).len(),
        optimum_total,
        optimum_pairs,
        optimum_blocking: blocking_indices(problem, &optimum).len(),
    }))
}

/// The best total under the same rules (the `total` objective, unmatched mentees allowed so
/// that it exists whenever the stable matching does).
pub fn optimum_assignment(problem: &Problem) -> Result<Vec<Option<usize>>> {
    let mut config = problem.config().clone();
    config.objective = crate::config::Objective::Total;
    config.rules.allow_unmatched = true;
    // Earlier rounds' pairs are already in `past_pairs()`.
    config.rules.history = None;
    config.rules.past_pairs = Vec::new();
    let p = Problem::new(
        problem.cohort().clone(),
        config,
        problem.past_pairs().to_vec(),
    )?;
    let (backend, _) = crate::selection::select(&p, p.config().solver_options.kind)?;
    let s = backend.solve(&p, &crate::solver::Settings::from_problem(&p))?;
    Ok(s.assignment)
}

/// One pair of an audited matching.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPair {
    /// Mentee id.
    pub mentee_id: String,
    /// Mentor id.
    pub mentor_id: String,
    /// Match score.
    pub score: f64,
    /// Whether every hard rule allows the pair.
    pub allowed: bool,
    /// The rules it breaks, in words (empty when allowed).
    pub broken_rules: Vec<String>,
    /// The pair as one sentence (per criterion).
    pub explanation: String,
}

/// The audit of a matching made elsewhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Audit {
    /// Every pair, in the file's order.
    pub pairs: Vec<AuditPair>,
    /// Mentors with more mentees than places: `(mentor id, mentees, capacity)`.
    pub over_capacity: Vec<(String, u32, u32)>,
    /// Mentees without a mentor.
    pub unmatched_mentees: Vec<String>,
    /// Pairs not made that would rather be together.
    pub blocking_pairs: Vec<BlockingPair>,
    /// Total score of the pairs.
    pub total: f64,
    /// The best total under the same rules, when a matching exists.
    pub optimum: Option<f64>,
    /// Pairs in the best matching.
    pub optimum_pairs: Option<usize>,
    /// Remarks (e.g. why there is no optimum to compare with).
    pub notes: Vec<String>,
}

/// Audits `pairs` (read with [`crate::input::read_previous`] from `source`) for `problem`:
/// rules, capacities, blocking pairs, and the total against the optimum. An id not in the
/// cohort is an input error naming the file and row.
pub fn audit(problem: &Problem, pairs: &[PreviousPair], source: &str) -> Result<Audit> {
    let n = problem.n_mentees();
    let mut assignment: Vec<Option<usize>> = vec![None; n];
    let mut order = Vec::with_capacity(pairs.len());
    for p in pairs {
        let loc = |f: &str| Location::source(source).row(p.row).field(f.to_string());
        let i = problem.mentee_index(&p.mentee).ok_or_else(|| {
            Error::input(
                loc("mentee_id"),
                format!("'{}' is not a mentee id", p.mentee),
                "use ids from the mentees file",
            )
        })?;
        let j = problem.mentor_index(&p.mentor).ok_or_else(|| {
            Error::input(
                loc("mentor_id"),
                format!("'{}' is not a mentor id", p.mentor),
                "use ids from the mentors file",
            )
        })?;
        if let Some(prev) = assignment[i] {
            return Err(Error::input(
                loc("mentee_id"),
                format!(
                    "mentee '{}' has two mentors ({} and {})",
                    p.mentee,
                    problem.cohort().mentors[prev].id(),
                    p.mentor
                ),
                "keep one pair per mentee",
            ));
        }
        assignment[i] = Some(j);
        order.push((i, j));
    }
    let mut used = vec![0u32; problem.n_mentors()];
    let mut out_pairs = Vec::with_capacity(order.len());
    let mut total = 0.0;
    for &(i, j) in &order {
        used[j] += 1;
        let e = problem.explain(i, j);
        total += e.score;
        out_pairs.push(AuditPair {
            mentee_id: e.mentee_id,
            mentor_id: e.mentor_id,
            score: e.score,
            allowed: e.allowed,
            broken_rules: e.blocked_by,
            explanation: e.text,
        });
    }
    let over_capacity = used
        .iter()
        .enumerate()
        .filter(|&(j, &u)| u > problem.capacity()[j])
        .map(|(j, &u)| {
            (
                problem.cohort().mentors[j].id().to_string(),
                u,
                problem.capacity()[j],
            )
        })
        .collect();
    let unmatched_mentees = (0..n)
        .filter(|&i| assignment[i].is_none())
        .map(|i| problem.cohort().mentees[i].id().to_string())
        .collect();
    let mut notes = Vec::new();
    let (optimum, optimum_pairs) = match optimum_assignment(problem) {
        Ok(a) => {
            let mut t = 0.0;
            let mut k = 0;
            for (i, x) in a.iter().enumerate() {
                if let Some(j) = *x {
                    t += problem.pair(i, j).0;
                    k += 1;
                }
            }
            (Some(t), Some(k))
        }
        Err(e) => {
            notes.push(format!("no optimum to compare with: {e}"));
            (None, None)
        }
    };
    Ok(Audit {
        pairs: out_pairs,
        over_capacity,
        unmatched_mentees,
        blocking_pairs: blocking_pairs(problem, &assignment),
        total,
        optimum,
        optimum_pairs,
        notes,
    })
}
