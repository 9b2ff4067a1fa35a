//! Sparse candidate generation: for each mentee the `k` best allowed mentors, found without
//! scoring every pair.
//!
//! # Blocking and bounds
//! Mentors are sorted by their values, criterion by criterion (heaviest first; among equal
//! weights set criteria before `differ` ones), and a *trie* is built over them top down: a node
//! at level `d` holds the mentors sharing the values of the first `d` criteria, so those are
//! known exactly in it; nodes of a few mentors are cut into *blocks* of `BLOCK` (4) mentors, and
//! a node with many children gets intermediate nodes. For every node we keep a summary per
//! criterion: the one value all its members share (or "mixed"), the union of their sets, the
//! range of their numbers, and whether any member's value is unknown; every mentor also has
//! its own record of the same form. From a summary and one mentee's values we get, cheaply,
//! an *upper bound* on the score of every member, and learn when a required criterion rules
//! out every member (e.g. the required different-department rule).
//!
//! Each mentee then runs a best-first search (deeper nodes first among equal bounds): nodes in
//! a max-heap by bound; a popped node pushes its children (those that can still beat the
//! `k`-th best score); a popped block bounds each member from its own record and scores only
//! those that may enter the list exactly with [`Problem::pair`] (every hard rule applied). The
//! search stops when the best remaining bound is not above the `k`-th best score found, so
//! most mentors are never looked at. Children are evaluated criterion by criterion over
//! consecutive memory (nodes are numbered breadth first).
//!
//! # Why the bounds are sound (bit for bit)
//! The scorer computes `score = Σ_c points_c · v_c` in criteria order, starting from 0.0, with
//! `v_c` in `0..=1` (or the criterion's `missing` value). For each criterion we compute `ub_c`
//! with `v_c <= ub_c` for every member: the share/cover overlap with the union of the members'
//! sets is at least the overlap with any one member's set; what a mentor brings beyond the
//! mentee's set is at most what the union brings beyond it; for Jaccard `c / (a + b - c) <=
//! c_union / max(a, b_min)`; numeric values are monotone (or unimodal) in the mentor's number,
//! so the range's ends give the extremes; unknown values add the `missing` value to the max.
//! Every step (integer-to-float conversion, one division, clamping, `points * v`, the running
//! sum in the same order) is a correctly rounded monotone operation, so the computed bound is
//! `>=` the computed score exactly, with no epsilon. Hence:
//!
//! **Lemma.** Every allowed pair `(i, j)` not in mentee `i`'s list scores at most
//! [`Candidates::outside`]`[i]`: it was either scored and lost to `k` pairs scoring at least as
//! much, or it lies in a block or group whose bound was `<=` the final `k`-th best score.
//!
//! # Parts
//! - `layout`: how each criterion's node summary is laid out, over the scorer's compiled values
//!   (the index copies no participant data: it reads what [`crate::score::Scorer`] compiled).
//! - `tree`: the trie over the mentors and its packed node summaries.
//! - `bound`: the upper bound of a node's scores for one mentee.
//! - `search`: the best-first search per mentee (plain, or by reduced score under prices).
//! - `rows`: the candidate rows that the searches produce.
//! - `wire`: the index as bytes, built once and sent to workers.

mod bound;
mod layout;
mod rows;
mod search;
mod tree;
mod wire;

use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use crate::problem::Problem;
use crate::progress::Progress;
use crate::score::Compiled;

use layout::Crit;
use tree::Shape;

pub use rows::{Candidates, Row};
pub use search::SearchStats;
pub(crate) use search::{Prices, Scratch};

/// The blocking index over mentors, reusable for any number of mentee queries.
#[derive(Debug)]
pub struct CandidateIndex {
    /// The scorer's compiled criteria (shared, not copied).
    compiled: Arc<[Compiled]>,
    /// Per criterion: where its summary sits in a node record (shared by regrouped copies).
    crits: Arc<Vec<Crit>>,
    shape: Shape,
    /// Words per packed node record.
    stride: usize,
    min_score: Option<f64>,
    /// The copy regrouped for the latest pricing pass ([`CandidateIndex::priced`]).
    priced: Mutex<Option<Arc<PricedIndex>>>,
}

impl Clone for CandidateIndex {
    fn clone(&self) -> CandidateIndex {
        CandidateIndex {
            compiled: Arc::clone(&self.compiled),
            crits: Arc::clone(&self.crits),
            shape: self.shape.clone(),
            stride: self.stride,
            min_score: self.min_score,
            priced: Mutex::default(),
        }
    }
}

/// The index regrouped for one pricing pass, with the pass's prices summarised per node.
#[derive(Debug)]
pub(crate) struct PricedIndex {
    v: Vec<f64>,
    masked_v: Option<Vec<f64>>,
    /// The tree regrouped by price class ([`CandidateIndex::regrouped`]).
    pub(crate) index: CandidateIndex,
    /// `v` per node of `index`.
    pub(crate) prices: Prices,
    /// For restricted searches: the tree regrouped by the `masked` prices, and those prices per
    /// node of it.
    pub(crate) masked: Option<(CandidateIndex, Prices)>,
}

/// Bit-for-bit equality of two price vectors.
fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

impl CandidateIndex {
    /// Builds the index over mentors with `remaining[j] > 0` places.
    pub(crate) fn new(problem: &Problem, remaining: &[u32]) -> CandidateIndex {
        let compiled = Arc::clone(problem.scorer().compiled());
        let (crits, stride) = layout::lay_out(&compiled);
        let crits = Arc::new(crits);
        let mentors: Vec<u32> = (0..problem.n_mentors())
            .filter(|&j| remaining.get(j).copied().unwrap_or(0) > 0)
            .map(|j| j as u32)
            .collect();
        let shape = Shape::build(&compiled, &crits, stride, &mentors, None);
        CandidateIndex {
            compiled,
            crits,
            shape,
            stride,
            min_score: problem.config().rules.min_score,
            priced: Mutex::default(),
        }
    }

    /// The index regrouped for a pricing pass with prices `v` (and `masked`, for restricted
    /// searches), built once per pass and shared by every job of the pass that this index
    /// answers: a pass is cut into jobs of a few thousand mentees, and regrouping the tree
    /// sorts every mentor, so doing it per job would cost a sort per job.
    pub(crate) fn priced(&self, v: &[f64], masked: Option<&[f64]>, step: f64) -> Arc<PricedIndex> {
        // Held while building, so that concurrent jobs of one pass wait for one build.
        let mut cache = self.priced.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(p) = cache.as_ref() {
            let masked_same = match (&p.masked_v, masked) {
                (None, None) => true,
                (Some(a), Some(b)) => same(a, b),
                _ => false,
            };
            if same(&p.v, v) && masked_same {
                return Arc::clone(p);
            }
        }
        // The last pass's copy goes first: two regrouped trees are never held at once.
        *cache = None;
        let index = self.regrouped(v, step);
        let prices = index.prices(v);
        // Restricted searches get their own tree, regrouped by the masked prices: in the tree
        // regrouped by `v`, the mentors that got cheaper are spread over nearly every node, so
        // a node's lowest masked price was rarely `+inf` and a restricted search cost about as
        // much as a full one. Regrouped by the masked prices, the mentors priced `+inf` form
        // one class that the search never enters.
        let masked_tree = masked.map(|w| {
            let tree = self.regrouped(w, step);
            let prices = tree.prices(w);
            (tree, prices)
        });
        let p = Arc::new(PricedIndex {
            v: v.to_vec(),
            masked_v: masked.map(<[f64]>::to_vec),
            index,
            prices,
            masked: masked_tree,
        });
        *cache = Some(Arc::clone(&p));
        p
    }

    /// The same index with its mentors regrouped by price: the tree's first split is by price
    /// class (`floor(v_j / step)`; `+inf` apart), then by values as in [`CandidateIndex::new`]. Any tree gives
    /// the same sound answers; this one makes [`CandidateIndex::query_priced_above`] cheap,
    /// since a node's lowest price is then close to every member's price. With one tree by
    /// values alone, nearly every node holds some mentor priced 0 (an empty place), so the
    /// prices hardly tighten the node bounds and a pricing search scores the popular (dear)
    /// mentors one by one.
    pub(crate) fn regrouped(&self, v: &[f64], step: f64) -> CandidateIndex {
        let mut mentors = self.shape.order.clone();
        mentors.sort_unstable();
        let class: Vec<u64> = v
            .iter()
            .map(|&x| {
                if x == f64::INFINITY {
                    // Masked out (see `priced`): a class of its own.
                    u64::MAX
                } else if x.is_finite() && x > 0.0 {
                    ((x / step).floor() as u64).saturating_add(1)
                } else {
                    0
                }
            })
            .collect();
        let shape = Shape::build(
            &self.compiled,
            &self.crits,
            self.stride,
            &mentors,
            Some(&class),
        );
        CandidateIndex {
            compiled: Arc::clone(&self.compiled),
            crits: Arc::clone(&self.crits),
            shape,
            stride: self.stride,
            min_score: self.min_score,
            priced: Mutex::default(),
        }
    }
}

/// Generates candidates for every mentee: a pinned mentee gets only its pin; the others their
/// `k` best allowed mentors among those with `remaining` places, in parallel. The result does
/// not depend on the number of threads.
pub(crate) fn generate(
    problem: &Problem,
    index: &CandidateIndex,
    k: usize,
    progress: &dyn Progress,
) -> Candidates {
    let n = problem.n_mentees();
    let mut pinned: Vec<Option<usize>> = vec![None; n];
    for &(i, j) in problem.pins() {
        pinned[i] = Some(j);
    }
    progress.stage("candidate pairs", n as u64);
    const CHUNK: usize = 8192;
    let mut rows = Vec::with_capacity(n);
    let mut stats = SearchStats::default();
    for start in (0..n).step_by(CHUNK) {
        let end = (start + CHUNK).min(n);
        let part: Vec<(Row, SearchStats)> = (start..end)
            .into_par_iter()
            .map_init(Scratch::default, |scratch, i| {
                let mut st = SearchStats::default();
                let row = match pinned[i] {
                    Some(j) => (vec![(j as u32, problem.pair(i, j).0)], f64::NEG_INFINITY),
                    None => index.query(problem, i, k, scratch, &mut st),
                };
                (row, st)
            })
            .collect();
        for (row, st) in part {
            stats.pairs_scored += st.pairs_scored;
            stats.bounds += st.bounds;
            rows.push(row);
        }
        progress.inc((end - start) as u64);
    }
    Candidates::from_rows(rows, stats)
}
