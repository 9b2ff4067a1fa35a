//! The best-first search per mentee over the index's tree.

use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::bound::Q;
use super::CandidateIndex;
use crate::problem::Problem;
use crate::rng::mix;

/// list is full. 0: the search is depth first among equal bounds with a per-mentee random order
/// (see `search`), which already spreads equal scores over mentors; a budget of 1,000 cost a
/// quarter of candidate generation at 30,000 x 30,000 and did not improve the result after
/// column generation (10,000 x 10,000 reaches the same optimum without it).
const TIE_BUDGET: u64 = 0;

/// Work counters of a candidate search.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchStats {
    /// Pairs scored exactly.
    pub pairs_scored: u64,
    /// Block and group bounds evaluated.
    pub bounds: u64,
}

/// Scratch space for one thread's queries.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    heap: BinaryHeap<(u64, u32, u32)>,
    query: Vec<Q>,
    buf: Vec<f64>,
}

/// A per-mentee pseudo-random order of nodes with equal bounds: mentees with similar profiles
/// then fill their lists from different mentors among equally good ones, which spreads demand
/// over mentors (shorter augmenting paths, fewer mentees left without a free candidate).
#[inline]
fn tie(i: usize, node: usize) -> u32 {
    mix((i as u64) << 32 ^ node as u64 ^ 0x9E37_79B9_7F4A_7C15) as u32
}

/// Whether a node or mentor bounded by `b` can no longer enter a full list of `k` (entries
/// `(mentor, score, key)`, best key first): its bound is below the `k`-th key, or equal to it
/// once the tie budget is spent.
#[inline(always)]
fn cannot_enter(list: &[(u32, f64, f64)], k: usize, b: f64, over_budget: bool) -> bool {
    list.len() == k && (b < list[k - 1].2 || (b == list[k - 1].2 && over_budget))
}

impl CandidateIndex {
    /// The `k` best allowed mentors of mentee `i` (score descending; ties in a per-mentee
    /// pseudo-random order) and the bound on every allowed pair left out (`-inf` when none was
    /// left out).
    pub(crate) fn query(
        &self,
        problem: &Problem,
        i: usize,
        k: usize,
        scratch: &mut Scratch,
        stats: &mut SearchStats,
    ) -> (Vec<(u32, f64)>, f64) {
        self.search(problem, i, k, None, &[], None, TIE_BUDGET, scratch, stats)
    }

    /// Mentor prices `v` summarised per node, for [`CandidateIndex::query_priced`].
    pub(crate) fn prices(&self, v: &[f64]) -> Prices {
        let node_min = self
            .shape
            .span
            .par_iter()
            .map(|&(a, b)| {
                self.shape.order[a as usize..b as usize]
                    .iter()
                    .map(|&j| v[j as usize])
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        Prices {
            v: v.to_vec(),
            node_min,
        }
    }

    /// The `k` allowed mentors of mentee `i` with the largest *reduced* score `s_ij - v_j`
    /// (pricing, as in column generation) among those not in `exclude` (sorted), with their
    /// plain scores, and the largest reduced score of any allowed pair left out (`-inf` when
    /// none). The first entry's reduced score is the exact `max_j (s_ij - v_j)` over every
    /// allowed mentor with places outside `exclude`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn query_priced(
        &self,
        problem: &Problem,
        i: usize,
        k: usize,
        prices: &Prices,
        exclude: &[u32],
        scratch: &mut Scratch,
        stats: &mut SearchStats,
    ) -> (Vec<(u32, f64)>, f64) {
        self.search(
            problem,
            i,
            k,
            Some(prices),
            exclude,
            None,
            0,
            scratch,
            stats,
        )
    }

    /// Pricing with a floor: the `k` allowed mentors of mentee `i` with the largest reduced
    /// score `s_ij - v_j` *strictly above* `floor` (with their plain scores), best first; empty
    /// when no allowed mentor with places beats `floor`; and a bound on the reduced score of
    /// every allowed pair left out (at least `floor`, or `-inf` when none was left out).
    /// Mentors priced `+inf` are never returned, and subtrees holding only such mentors are
    /// skipped (so the search can be restricted to a few mentors cheaply).
    ///
    /// With `floor` = the best reduced score within the mentee's current row, the first entry
    /// (if any) is the exact `max_j (s_ij - v_j)` over every allowed mentor, and an empty answer
    /// proves that no allowed pair beats the row: then the mentee's LP dual is the row's best.
    /// A node whose score bound minus its lowest price is `<= floor` is skipped whole, so a
    /// mentee whose row already holds its best reduced pair costs a few bound evaluations, not
    /// a scan. The floor also keeps row members out without an exclusion list (their reduced
    /// scores are `<= floor`). Soundness is the module's bound lemma plus monotone rounding:
    /// `bound >= s` and `node_min <= v_j` give `fl(bound - node_min) >= fl(s - v_j)`, and the
    /// pair's reduced score is computed exactly as the caller computes the row's.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn query_priced_above(
        &self,
        problem: &Problem,
        i: usize,
        k: usize,
        prices: &Prices,
        floor: f64,
        scratch: &mut Scratch,
        stats: &mut SearchStats,
    ) -> (Vec<(u32, f64)>, f64) {
        self.search(
            problem,
            i,
            k,
            Some(prices),
            &[],
            Some(floor),
            0,
            scratch,
            stats,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn search(
        &self,
        problem: &Problem,
        i: usize,
        k: usize,
        prices: Option<&Prices>,
        exclude: &[u32],
        floor: Option<f64>,
        ties: u64,
        scratch: &mut Scratch,
        stats: &mut SearchStats,
    ) -> (Vec<(u32, f64)>, f64) {
        // Ties are ordered by the mentee's place in the whole cohort, so that a shard problem
        // (mentees `offset..`, see `Problem::shard`) gives the whole cohort's answers.
        let g = problem.mentee_offset() + i;
        let heap = &mut scratch.heap;
        heap.clear();
        // (mentor, score, key); key = score - price.
        let mut list: Vec<(u32, f64, f64)> = Vec::with_capacity(k.min(1024) + 1);
        if k == 0 {
            return (Vec::new(), f64::NEG_INFINITY);
        }
        let fast = self.compile_query(i, &mut scratch.query);
        let query = &scratch.query;
        let buf = &mut scratch.buf;
        // Bounds of the consecutive nodes `r` (minus the smallest price in each), `-inf` for
        // nodes ruled out.
        let evals = std::cell::Cell::new(0u64);
        let node_bounds = |r: std::ops::Range<usize>, buf: &mut Vec<f64>| {
            evals.set(evals.get() + r.len() as u64);
            self.bounds(i, query, fast, r.clone(), buf);
            if let Some(p) = prices {
                for (o, node) in buf.iter_mut().zip(r) {
                    *o -= p.node_min[node];
                }
            }
        };
        // Among equal bounds, a per-mentee pseudo-random order.
        // Deeper nodes first (a search reaches mentors quickly instead of widening the frontier
        // over every node of equal bound), then a per-mentee pseudo-random order, so that
        // similar mentees fill their lists from different subtrees of equally good mentors.
        let depth = &self.shape.depth;
        let prio = |node: usize| u32::from(depth[node]) << 24 | tie(g, node) >> 8;
        node_bounds(0..self.shape.roots.len(), buf);
        for (r, &b) in buf.iter().enumerate() {
            if b > f64::NEG_INFINITY {
                heap.push((ord_bits(b), prio(r), r as u32));
            }
        }
        // Whether any allowed pair may have been left out.
        let mut cut = false;
        let mut pairs = 0u64;
        // Once the list is full, nodes whose bound equals the k-th score are still explored
        // (so that equal scores are drawn pseudo-randomly per mentee from all over, which spreads
        // demand over mentors), until `ties` more bounds were evaluated.
        let mut tie_budget = u64::MAX;
        // Keys at or below the floor are never wanted (`-inf` without a floor).
        let floor = floor.unwrap_or(f64::NEG_INFINITY);
        while let Some((bits, _, node)) = heap.pop() {
            let b = from_ord_bits(bits);
            if b <= floor {
                cut = true;
                break;
            }
            if cannot_enter(&list, k, b, evals.get() > tie_budget) {
                cut = true;
                break;
            }
            let node = node as usize;
            let (c0, c1) = self.shape.children[node];
            if c1 > c0 {
                node_bounds(c0 as usize..c1 as usize, buf);
                for (x, &b) in buf.iter().enumerate() {
                    if b == f64::NEG_INFINITY {
                        continue;
                    }
                    if b <= floor || cannot_enter(&list, k, b, evals.get() > tie_budget) {
                        // Never popped before the search stops.
                        cut = true;
                    } else {
                        let child = c0 as usize + x;
                        heap.push((ord_bits(b), prio(child), child as u32));
                    }
                }
                continue;
            }
            let range = self.shape.span[node].0 as usize..self.shape.span[node].1 as usize;
            // The mentors' own records: a bound on each score (exact for most criteria), read
            // in memory order; the exact score only for those that may enter the list.
            node_bounds(
                self.shape.mentor_base + range.start..self.shape.mentor_base + range.end,
                buf,
            );
            for (pos, &b) in range.zip(buf.iter()) {
                let j = self.shape.order[pos];
                if b == f64::NEG_INFINITY
                    || (!exclude.is_empty() && exclude.binary_search(&j).is_ok())
                {
                    continue;
                }
                if b <= floor || cannot_enter(&list, k, b, evals.get() > tie_budget) {
                    cut = true;
                    continue;
                }
                pairs += 1;
                let (s, ok) = problem.pair(i, j as usize);
                if !ok {
                    continue;
                }
                let key = match prices {
                    Some(p) => s - p.v[j as usize],
                    None => s,
                };
                if key <= floor {
                    cut = true;
                    continue;
                }
                let t = tie(g, j as usize);
                if list.len() == k
                    && (key < list[k - 1].2
                        || (key == list[k - 1].2 && t >= tie(g, list[k - 1].0 as usize)))
                {
                    cut = true;
                    continue;
                }
                let pos =
                    list.partition_point(|x| x.2 > key || (x.2 == key && tie(g, x.0 as usize) < t));
                list.insert(pos, (j, s, key));
                if list.len() > k {
                    list.truncate(k);
                    cut = true;
                }
                if list.len() == k && tie_budget == u64::MAX {
                    tie_budget = evals.get() + ties;
                }
            }
        }
        stats.pairs_scored += pairs;
        stats.bounds += evals.get();
        // Left out: pairs below the k-th key, or (with a floor) at most the floor.
        let outside = if cut {
            if list.len() == k {
                list[k - 1].2
            } else {
                floor
            }
        } else {
            f64::NEG_INFINITY
        };
        // Equal scores in a per-mentee pseudo-random order: the search found them subtree by
        // subtree, and similar mentees would otherwise all try the same similar mentors first.
        list.sort_by(|a, b| {
            b.2.total_cmp(&a.2)
                .then(tie(g, a.0 as usize).cmp(&tie(g, b.0 as usize)))
        });
        (list.into_iter().map(|(j, s, _)| (j, s)).collect(), outside)
    }
}

/// Mentor prices with their minimum per block and group.
#[derive(Debug, Clone)]
pub(crate) struct Prices {
    v: Vec<f64>,
    node_min: Vec<f64>,
}

/// Order-preserving map of finite floats to integers (for the max-heap).
#[inline]
pub(super) fn ord_bits(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 0 {
        b | (1 << 63)
    } else {
        !b
    }
}

#[inline]
fn from_ord_bits(b: u64) -> f64 {
    if b >> 63 == 1 {
        f64::from_bits(b & !(1 << 63))
    } else {
        f64::from_bits(!b)
    }
}
