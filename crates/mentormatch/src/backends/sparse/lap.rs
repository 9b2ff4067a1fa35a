//! Exact assignment over a sparse candidate graph: successive shortest augmenting paths
//! (Dijkstra with potentials, as in LAPJVsp) over adjacency lists, with mentor capacities
//! handled natively (a mentor is a sink while it has places left).
//!
//! Costs are `smax - score >= 0`, so the initial potentials (all 0) are feasible. One
//! search per free mentee; it ends at the first mentor with a free place that leaves the heap.
//! Mentor potentials stay 0 while the mentor has free places and only decrease afterwards,
//! which is exactly the optimality condition for the mentor-to-sink arcs; all residual arcs keep
//! non-negative reduced costs (Johnson's argument, with distances capped at the sink's), so once
//! every mentee is assigned the assignment is optimal over the candidate pairs.
//!
//! A mentee whose search fails can never be matched later (a vertex without an augmenting path
//! keeps having none), so the first pass also computes the largest number of mentees that can be
//! matched. With `allow_unmatched`, a second pass adds an "unmatched" column reachable from every
//! mentee with capacity `free - matched`, so every complete assignment has exactly that many real
//! pairs and the solver maximises their total (no big-M constant).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::assign::{Assign, NONE};
use super::candidates::Candidates;
use crate::progress::Progress;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Key(f64, u32);
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        // Min-heap on distance, then on node index.
        other.0.total_cmp(&self.0).then(other.1.cmp(&self.1))
    }
}

/// Result of [`solve`].
#[derive(Debug, Clone)]
pub struct SspResult {
    /// The assignment of the free mentees (the unmatched column, if any, has index `m`).
    pub assign: Assign,
    /// Mentor duals of the maximisation LP, `v_j >= 0` (see [`super::bound`]).
    pub mentor_dual: Vec<f64>,
}

/// Solves the assignment of `mentees` (in this order) over `cands`, mentors having `cap`
/// places. `unmatched`: the capacity of an extra "unmatched" column with cost above every real
/// pair. Stops early (returning what it has, remaining mentees unassigned)
/// when `stop()` says so.
pub fn solve(
    cands: &Candidates,
    mentees: &[usize],
    cap: &[u32],
    unmatched: Option<u32>,
    progress: &dyn Progress,
    stop: &dyn Fn() -> bool,
) -> SspResult {
    let n = cands.n();
    let m = cap.len();
    let mut smax = 0.0f64;
    let mut smin = f64::INFINITY;
    for &i in mentees {
        for &s in cands.row(i).1 {
            smax = smax.max(s);
            smin = smin.min(s);
        }
    }
    if !smin.is_finite() {
        smin = 0.0;
    }
    let u_node = m;
    let mut cap = cap.to_vec();
    cap.push(unmatched.unwrap_or(0));
    let cost_u = (smax - smin) + 1.0;
    let mut assign = Assign::new(n, m + 1);
    let mut pu = vec![0.0f64; n];
    let mut pv = vec![0.0f64; m + 1];
    let mut dist = vec![f64::INFINITY; m + 1];
    let mut done = vec![false; m + 1];
    let mut pred = vec![NONE; m + 1];
    let mut touched: Vec<usize> = Vec::new();
    let mut finalized: Vec<usize> = Vec::new();
    let mut reached: Vec<(usize, f64)> = Vec::new();
    let mut heap: BinaryHeap<Key> = BinaryHeap::new();
    progress.stage("exact assignment over candidates", mentees.len() as u64);
    for (step, &s) in mentees.iter().enumerate() {
        if step % 4096 == 0 {
            if step > 0 {
                progress.inc(4096);
            }
            if stop() {
                break;
            }
        }
        heap.clear();
        reached.clear();
        finalized.clear();
        let relax = |i: usize,
                     d: f64,
                     dist: &mut [f64],
                     pred: &mut [u32],
                     touched: &mut Vec<usize>,
                     heap: &mut BinaryHeap<Key>,
                     done: &[bool]| {
            let (js, ss) = cands.row(i);
            let base = d + pu[i];
            for (&j, &sc) in js.iter().zip(ss) {
                let j = j as usize;
                if done[j] || cap[j] == 0 {
                    continue;
                }
                let nd = base + (smax - sc) - pv[j];
                if nd < dist[j] {
                    if dist[j] == f64::INFINITY {
                        touched.push(j);
                    }
                    dist[j] = nd;
                    pred[j] = i as u32;
                    heap.push(Key(nd, j as u32));
                }
            }
            if cap[u_node] > 0 && !done[u_node] {
                let nd = base + cost_u - pv[u_node];
                if nd < dist[u_node] {
                    if dist[u_node] == f64::INFINITY {
                        touched.push(u_node);
                    }
                    dist[u_node] = nd;
                    pred[u_node] = i as u32;
                    heap.push(Key(nd, u_node as u32));
                }
            }
        };
        reached.push((s, 0.0));
        relax(s, 0.0, &mut dist, &mut pred, &mut touched, &mut heap, &done);
        let mut sink = None;
        while let Some(Key(d, j)) = heap.pop() {
            let j = j as usize;
            if done[j] || d > dist[j] {
                continue;
            }
            if assign.load[j] < cap[j] {
                sink = Some((j, d));
                break;
            }
            done[j] = true;
            finalized.push(j);
            let start = reached.len();
            reached.extend(assign.mentees_of(j).map(|i| (i, d)));
            for &(i, _) in &reached[start..] {
                relax(i, d, &mut dist, &mut pred, &mut touched, &mut heap, &done);
            }
        }
        // No sink: the mentee stays unmatched (`feasibility` explains why).
        if let Some((t, dt)) = sink {
            for &(i, d) in &reached {
                pu[i] += d - dt;
            }
            for &j in &finalized {
                pv[j] += dist[j] - dt;
            }
            // Augment: walk back from the sink.
            let mut j = t;
            loop {
                let i = pred[j] as usize;
                let old = assign.of[i];
                assign.set(i, j);
                if i == s || old == NONE {
                    break;
                }
                j = old as usize;
            }
        }
        for &j in &touched {
            dist[j] = f64::INFINITY;
            pred[j] = NONE;
        }
        for &j in &finalized {
            done[j] = false;
        }
        touched.clear();
    }
    let mentor_dual = pv[..m].iter().map(|&p| (-p).max(0.0)).collect();
    SspResult {
        assign,
        mentor_dual,
    }
}
