//! Alternatives: for every pair of an optimal plan, the mentor this mentee would get if the
//! pair were forbidden, and exactly how much the best total would fall (the pair's regret).
//!
//! The new optimum differs from the plan by one cycle in the plan's residual graph (see
//! `analysis::duals`) through the edge "`i` leaves `j*`": the difference of two optima splits
//! into cycles, only the one through that edge can be negative, and any other can be left
//! out. So the regret is `s(i,j*)` plus the shortest path from `i` back to `j*` that does not
//! use the forbidden pair: `i` takes another mentor's place (free, or given up by someone who
//! moves on, a chain), someone moves into the place `i` left, places move between mentors
//! through `T`, an unmatched mentee replaces someone through `S`, or (only when nothing else
//! works and mentees may stay unmatched) the plan has one pair fewer. With the distances to
//! `T` as potentials every reduced edge cost is non-negative and the search is drawn towards
//! `T` (A*), so one Dijkstra search per pair finds that path after a few nodes; each
//! mentee's edges are taken lazily, cheapest first. Paths through `T` or `S` continue the same
//! way whoever started them, so those continuations are computed once for all pairs. No
//! re-solve is needed.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use crate::analysis::duals::{distances_from, prices, Plan, Prices};
use crate::config::Objective;
use crate::error::{Error, Location, Result};
use crate::problem::Problem;
use crate::solver::SolveStatus;

/// Regrets below this are rounding.
const EPS: f64 = 1e-9;

/// What forbidding one pair would do.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Alternative {
    /// Mentee index.
    pub mentee: usize,
    /// The mentor the mentee has in the plan.
    pub mentor: usize,
    /// The mentor the mentee would get instead; `None` when the best is to stay unmatched.
    pub alternative: Option<usize>,
    /// The score with that mentor.
    pub alternative_score: Option<f64>,
    /// How much the best total falls; `f64::INFINITY` when no matching exists without the pair
    /// (every mentee must be matched and this one has nowhere else to go).
    pub regret: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Item {
    key: f64,
    node: usize,
    /// `NONE` for a node; otherwise the position in mentee `node`'s sorted edge list of the
    /// next edge to relax (edges are taken lazily, cheapest first).
    cursor: u32,
}

const NONE: u32 = u32::MAX;

impl Eq for Item {}
impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        // A min-heap on the key, nodes in order on ties (deterministic).
        other
            .key
            .total_cmp(&self.key)
            .then_with(|| other.node.cmp(&self.node))
            .then_with(|| other.cursor.cmp(&self.cursor))
    }
}
impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Checks that alternatives are defined for this run: the plan must be a proven optimum of
/// the total score (regret is measured against that optimum).
pub fn check_applicable(problem: &Problem, status: SolveStatus, solver: &str) -> Result<()> {
    let cfg = problem.config();
    let why = if cfg.objective != Objective::Total {
        Some("objective = \"maxmin\" (regret is measured on the total score)".to_string())
    } else if cfg.has_cohort_constraints() {
        Some("quotas or spreads (their plan has no prices)".to_string())
    } else if status != SolveStatus::Optimal {
        Some(format!(
            "a plan from the {solver} backend that is not proven optimal"
        ))
    } else {
        None
    };
    match why {
        Some(w) => Err(Error::input(
            Location::source("command line").field("--alternatives"),
            format!("alternatives need a proven optimum of the total score, not {w}"),
            "drop --alternatives, or use objective = \"total\" without [[quota]]/[[spread]] and the exact solver",
        )),
        None => Ok(()),
    }
}

/// The alternative for every pair of `assignment`, an optimal plan of `problem` (pairs
/// first, then the total score), in mentee order.
pub fn alternatives(problem: &Problem, assignment: &[Option<usize>]) -> Result<Vec<Alternative>> {
    let sm = problem.score_matrix();
    let plan = Plan::new(problem, &sm, assignment);
    let not_optimal = |e: crate::analysis::duals::PriceError| Error::Solver(e.to_string());
    let p = prices(&plan).map_err(not_optimal)?;
    let (s_node, t_node) = plan.st();
    // From T (or S) to j* a path never meets the forbidden pair's mentee (reachable only from
    // j* itself), so the best continuations are the same for every pair.
    let from_t = distances_from(&plan, p.big, t_node).map_err(not_optimal)?;
    let from_s = distances_from(&plan, p.big, s_node).map_err(not_optimal)?;
    let (n, m) = (sm.n_mentees, sm.n_mentors);
    let pot = &p.to_t;
    // Each mentee's edges to mentors, the cheapest reduced costs first (a search takes them
    // one at a time and rarely needs more than a few): the best `HEAD` sorted, then the rest.
    let edges: Vec<(Vec<u32>, usize)> = (0..n)
        .into_par_iter()
        .map(|k| {
            let own = assignment[k];
            let row = &sm.scores[k * m..(k + 1) * m];
            let ok = &sm.allowed[k * m..(k + 1) * m];
            let cost = |j: u32| pot[j as usize] - row[j as usize];
            let mut list: Vec<u32> = (0..m)
                .filter(|&j| ok[j] && plan.capacity[j] > 0 && Some(j) != own)
                .map(|j| j as u32)
                .collect();
            let head = HEAD.min(list.len());
            let by_cost = |a: &u32, b: &u32| cost(*a).total_cmp(&cost(*b)).then(a.cmp(b));
            if head < list.len() {
                list.select_nth_unstable_by(head, by_cost);
            }
            list[..head].sort_by(by_cost);
            (list, head)
        })
        .collect();
    // Per mentee: its best score with another mentor, for a lower bound on paths through it.
    let best_score: Vec<f64> = edges
        .par_iter()
        .enumerate()
        .map(|(k, (list, _))| {
            list.iter()
                .map(|&j| sm.score(k, j as usize))
                .fold(f64::NEG_INFINITY, f64::max)
        })
        .collect();
    let g = Graph {
        plan: &plan,
        p: &p,
        edges: &edges,
        best_score: &best_score,
    };
    let pairs: Vec<(usize, usize)> = assignment
        .iter()
        .enumerate()
        .filter_map(|(i, a)| a.map(|j| (i, j)))
        .collect();
    Ok(pairs
        .par_iter()
        .map(|&(i, j)| g.forbid_one(i, j, from_t[j], from_s[j]))
        .collect())
}

/// Edges per mentee kept sorted; the rest are relaxed together if a search gets that far.
/// Cohorts with many equal scores need deep lists: at 2,000 x 4,000, 48 took 9-12 s of CPU,
/// 256 took 6-7 s, 1,024 no less.
const HEAD: usize = 256;

/// The residual graph of the plan with its potentials.
struct Graph<'a> {
    plan: &'a Plan<'a>,
    p: &'a Prices,
    /// Per mentee: allowed mentors other than its own, the first `.1` sorted by reduced cost.
    edges: &'a [(Vec<u32>, usize)],
    /// Per mentee: the best score among those edges.
    best_score: &'a [f64],
}

/// Dijkstra's state on reduced costs `c + π(b) - π(a)` >= 0 with `π` the distance to `T`;
/// `key` = true cost from the start + `π(node)`.
struct Search<'a> {
    pot: &'a [f64],
    key: Vec<f64>,
    via: Vec<Option<usize>>,
    done: Vec<bool>,
    heap: BinaryHeap<Item>,
    /// The forbidden pair's mentee node and mentor: the mentee's own edges start paths (each
    /// mentor reached is the path's first) and leave out that mentor.
    source: (usize, usize),
}

impl<'a> Search<'a> {
    fn new(pot: &'a [f64]) -> Self {
        let len = pot.len();
        Search {
            pot,
            key: vec![f64::INFINITY; len],
            via: vec![None; len],
            done: vec![false; len],
            heap: BinaryHeap::new(),
            source: (usize::MAX, usize::MAX),
        }
    }

    fn relax(&mut self, from_true: f64, cost: f64, node: usize, v: Option<usize>) {
        let k = from_true + cost + self.pot[node];
        if k < self.key[node] && !self.done[node] {
            self.key[node] = k;
            self.via[node] = v;
            self.heap.push(Item {
                key: k,
                node,
                cursor: NONE,
            });
        }
    }
}

impl Graph<'_> {
    /// Queues mentee node `mk`'s sorted edges from position `c` (skipping mentor `skip`), or
    /// relaxes all the unsorted rest when the sorted head is used up.
    fn queue_from(&self, s: &mut Search<'_>, mk: usize, c: usize, skip: usize) {
        let m = self.plan.sm.n_mentors;
        let k = mk - m;
        let (list, head) = &self.edges[k];
        let dist = s.key[mk] - s.pot[mk];
        let from_source = mk == s.source.0;
        let mut c = c;
        while c < *head {
            let j = list[c] as usize;
            if j != skip {
                let key = dist - self.plan.sm.score(k, j) + s.pot[j];
                s.heap.push(Item {
                    key,
                    node: mk,
                    cursor: c as u32,
                });
                return;
            }
            c += 1;
        }
        for &j in &list[*head..] {
            let j = j as usize;
            if j != skip {
                let v = if from_source { Some(j) } else { s.via[mk] };
                s.relax(dist, -self.plan.sm.score(k, j), j, v);
            }
        }
    }

    /// Pops the next settled node: `(key, node, true distance, first mentor)`; relaxes lazy
    /// edge entries on the way.
    fn pop(&self, s: &mut Search<'_>) -> Option<(f64, usize, f64, Option<usize>)> {
        while let Some(Item { key, node, cursor }) = s.heap.pop() {
            if cursor != NONE {
                // Mentee `node`'s edge number `cursor`: relax it, queue the next one.
                let (mk, c) = (node, cursor as usize);
                let j = self.edges[mk - self.plan.sm.n_mentors].0[c] as usize;
                let from_source = mk == s.source.0;
                if !s.done[j] && key < s.key[j] {
                    s.key[j] = key;
                    s.via[j] = if from_source { Some(j) } else { s.via[mk] };
                    s.heap.push(Item {
                        key,
                        node: j,
                        cursor: NONE,
                    });
                }
                let skip = if from_source { s.source.1 } else { usize::MAX };
                self.queue_from(s, mk, c + 1, skip);
                continue;
            }
            if s.done[node] || key > s.key[node] {
                continue;
            }
            s.done[node] = true;
            return Some((key, node, key - s.pot[node], s.via[node]));
        }
        None
    }

    /// Relaxes the edges out of a mentor or mentee node, leaving out mentee `skip`.
    fn expand(
        &self,
        s: &mut Search<'_>,
        node: usize,
        dist: f64,
        first: Option<usize>,
        skip: usize,
    ) {
        let plan = self.plan;
        let sm = plan.sm;
        let m = sm.n_mentors;
        let (s_node, t_node) = plan.st();
        if node < m {
            let j = node;
            for &k in &plan.members[j] {
                if k != skip && plan.movable(k) {
                    s.relax(dist, sm.score(k, j), m + k, first);
                }
            }
            if plan.free(j) {
                s.relax(dist, 0.0, t_node, first);
            }
        } else {
            let k = node - m;
            self.queue_from(s, node, 0, usize::MAX);
            if plan.movable(k) {
                s.relax(dist, 0.0, s_node, first);
            }
        }
    }

    /// The shortest path from mentee `i` back to mentor `js` once the pair is forbidden;
    /// `t_to_js` and `s_to_js` are the best continuations from T and S.
    fn forbid_one(&self, i: usize, js: usize, t_to_js: f64, s_to_js: f64) -> Alternative {
        let plan = self.plan;
        let sm = plan.sm;
        let m = sm.n_mentors;
        let pot = &self.p.to_t;
        let (s_node, t_node) = plan.st();
        let mut s = Search::new(pot);
        // From i: any other allowed mentor (its edge list without j*), or i becomes unmatched
        // (through S).
        let source = m + i;
        s.source = (source, js);
        s.key[source] = pot[source];
        s.done[source] = true;
        self.queue_from(&mut s, source, 0, js);
        s.relax(0.0, 0.0, s_node, None);
        // Each ending's cost is at least (key popped) + its offset: j* itself, T and S with
        // their continuations.
        let reach = [-pot[js], t_to_js - pot[t_node], s_to_js - pot[s_node]]
            .into_iter()
            .fold(f64::INFINITY, f64::min);
        let mut best: Option<(f64, Option<usize>)> = None;
        let consider = |best: &mut Option<(f64, Option<usize>)>, cost: f64, v: Option<usize>| {
            if cost.is_finite() && best.is_none_or(|(b, _)| cost < b) {
                *best = Some((cost, v));
            }
        };
        // Any path that has reached a mentor x costs at least dist(x) + t_to_js from there on:
        // T reaches every mentor holding someone at no cost, so no way on from x to j* beats
        // the best way from T (and from a free x the only way on is through T). A mentee k
        // still has to take a place first (at best its best score) or leave through S.
        let beaten = |best: &Option<(f64, Option<usize>)>, bound: f64| {
            best.is_some_and(|(b, _)| bound >= b - EPS)
        };
        while let Some((key, node, dist, first)) = self.pop(&mut s) {
            if best.is_some_and(|(b, _)| b <= key + reach) {
                break;
            }
            if node < m && node != js && beaten(&best, dist + t_to_js) {
                continue;
            }
            if node >= m && node < m + sm.n_mentees {
                let k = node - m;
                let on = (t_to_js - self.best_score[k]).min(s_to_js);
                if beaten(&best, dist + on) {
                    continue;
                }
            }
            if node == js {
                consider(&mut best, dist, first);
            } else if node == t_node {
                consider(&mut best, dist + t_to_js, first);
            } else if node == s_node {
                consider(&mut best, dist + s_to_js, first);
            } else {
                self.expand(&mut s, node, dist, first, i);
            }
        }
        let score = sm.score(i, js);
        match best {
            None => Alternative {
                mentee: i,
                mentor: js,
                alternative: None,
                alternative_score: None,
                regret: f64::INFINITY,
            },
            Some((dist, alt)) => {
                // A path through S -> T has one pair fewer: take its stand-in cost back out.
                let dist = if dist > self.p.big / 2.0 {
                    dist - self.p.big
                } else {
                    dist
                };
                let regret = score + dist;
                Alternative {
                    mentee: i,
                    mentor: js,
                    alternative: alt,
                    alternative_score: alt.map(|j| sm.score(i, j)),
                    // An optimum never gains from losing a pair; below EPS is rounding (the
                    // same points summed in another order).
                    regret: if regret < EPS { 0.0 } else { regret },
                }
            }
        }
    }
}
