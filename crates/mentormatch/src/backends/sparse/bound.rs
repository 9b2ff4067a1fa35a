//! The quality certificate: an upper bound on the best total score over **all** allowed pairs,
//! from a dual solution of the candidate graph plus a bound on the pairs left out.
//!
//! # The bound and its proof
//! Fix the pins (they are part of every valid matching). Let `F` be the free mentees, `r_j` the
//! places mentor `j` has left, and `E` every allowed pair `(i, j)`, `i` in `F`, `r_j > 0`
//! (candidates or not). Every valid matching is a 0/1 solution of the LP relaxation
//!
//! ```text
//! max Σ_{(i,j)∈E} s_ij x_ij   s.t.  Σ_j x_ij <= 1 (i ∈ F),  Σ_i x_ij <= r_j,  x >= 0
//! ```
//!
//! (requiring every mentee to be matched, or max-cardinality first, only removes solutions).
//! Its dual is `min Σ_i u_i + Σ_j r_j v_j` s.t. `u_i + v_j >= s_ij` on `E`, `u, v >= 0`, and by
//! weak duality *any* dual-feasible `(u, v)` bounds the optimum from above.
//!
//! Take any `v >= 0` (from the sparse LAP's potentials, or from local-search prices) and set
//! `u_i = max(0, t_i, max_{j in cand(i)} (s_ij - v_j))`, where `t_i` is
//! [`super::Candidates::outside`]: every allowed non-candidate pair of `i` has
//! `s_ij <= t_i <= u_i <= u_i + v_j` because `v_j >= 0`; candidate pairs are covered by the
//! max; so `(u, v)` is feasible, and
//!
//! ```text
//! optimum <= pinned scores + Σ_{i∈F} u_i + Σ_j r_j v_j.
//! ```
//!
//! With `v = 0` this is the plain "sum of every mentee's best allowed score". With the exact
//! candidate-graph duals it equals the candidate optimum plus, per mentee, how far the best
//! left-out pair could exceed the mentee's dual — zero when `k` is large enough.
//!
//! # The certificate of column generation
//! [`super::Prepared::price_columns`] returns, for prices `v >= 0`, mentee duals `u_i` with
//! `u_i >= max(0, s_ij - v_j)` for **every** allowed pair (not only candidates), so
//! `pinned + Σ u_i + Σ_j r_j v_j` ([`super::Prepared::global_bound`]) is an upper bound by the
//! weak duality above, whatever `v` is. Why each `u_i` is large enough:
//! - pairs in the row: `u_i >= floor_i = max(0, max_{row} (s_ij - v_j))` by construction;
//! - pairs outside the row with raw score bound `outside_i <= floor_i`: `s_ij - v_j <= s_ij
//!   <= outside_i` (prices are `>= 0`), so no search is needed;
//! - otherwise a search of the candidate index with prices folded into its node bounds
//!   ([`super::CandidateIndex::query_priced_above`]) returns every pair above the floor and a
//!   bound on the rest, sound bit for bit (monotone rounding, see [`super::candidates`]);
//! - incremental passes keep, per mentee, a bound `cert_i` on `s_ij - w_j` over the pairs
//!   outside its row at the previous prices `w` (rows only grow, so it stays a bound on what
//!   is still outside). A mentor whose price did not fall by more than `slack` has
//!   `s_ij - v_j <= s_ij - w_j + slack <= cert_i + slack`; the mentors that fell further are
//!   searched (all other mentors priced `+inf`, so subtrees without them are skipped), and
//!   `u_i` is the largest of the three. A mentee takes this restricted search when
//!   `cert_i + slack <= floor_i + tol + loose` ([`super::Prepared::loose`]), so `u_i` may
//!   exceed the exact `max_j (s_ij - v_j)` by at most `slack + tol + loose` on later passes:
//!   sound at any `loose`, slightly loose. The argument never uses the shape of the candidate
//!   tree, only that every node's bound is `>=` its members' scores and its price summary
//!   `<=` their prices, so the tree regrouped by price class before each pass
//!   ([`super::CandidateIndex::regrouped`]) needs nothing more.
//! - a pass stopped by the time limit gives the rest `max(floor_i, outside_i)`, also sound.
//!
//! The tests check the bound against the dense exact optimum (`tests/heuristic_backend.rs`:
//! random small cohorts by proptest, and generated cohorts with `k = 3`, where pricing must
//! find nearly every good pair) and the priced search against brute force
//! (`tests/sparse_exact.rs`).

use rayon::prelude::*;

use super::assign::Assign;
use super::candidates::Candidates;
use super::columns::Columns;

/// `Σ_{i∈free} max(0, t_i, max_j (s_ij - v_j)) + Σ_j cap_j v_j + pinned`. Mentors with no
/// place left are skipped (their dual can be taken infinite at no cost). Summed in a fixed
/// order, so the result does not depend on the number of threads.
pub fn dual_bound(cands: &Candidates, free: &[usize], cap: &[u32], v: &[f64], pinned: f64) -> f64 {
    let us: Vec<f64> = free
        .par_iter()
        .map(|&i| mentee_dual(cands, i, cap, v, None, true))
        .collect();
    let mut total = pinned;
    for u in us {
        total += u;
    }
    for (j, &c) in cap.iter().enumerate() {
        if c > 0 {
            total += f64::from(c) * v[j];
        }
    }
    // Guard against rounding in the sums above.
    total + 1e-9 * (1.0 + total.abs())
}

/// `max(0, t_i, max_{j ≠ skip} (s_ij - v_j))` over mentors with places (without `t_i` when
/// `outside` is false).
fn mentee_dual(
    cands: &Candidates,
    i: usize,
    cap: &[u32],
    v: &[f64],
    skip: Option<usize>,
    outside: bool,
) -> f64 {
    let (js, ss) = cands.row(i);
    let mut u = if outside {
        cands.outside[i].max(0.0)
    } else {
        0.0
    };
    for (&j, &s) in js.iter().zip(ss) {
        let j = j as usize;
        if cap[j] == 0 || Some(j) == skip {
            continue;
        }
        u = u.max(s - v[j]);
    }
    u
}

/// Mentor prices for a given (heuristic) assignment: the largest `v` such that every assigned
/// mentee still weakly prefers its mentor among its candidates, by Jacobi iterations
/// `v_a <- max(0, min_{i at a} (s_ia - u_i without a))` from `+inf` (mentors with free places
/// keep 0). Left-out pairs are ignored here (a pricing pass accounts for them exactly); every
/// iterate is a valid input to [`dual_bound`]. Returns the last prices and their
/// [`dual_bound`].
pub fn prices(
    cands: &Candidates,
    free: &[usize],
    cap: &[u32],
    assign: &Assign,
    pinned: f64,
    max_rounds: usize,
    stop: &dyn Fn() -> bool,
) -> (Vec<f64>, f64) {
    let m = cap.len();
    let own: Vec<f64> = (0..cands.n())
        .into_par_iter()
        .map(|i| match assign.mentor(i) {
            Some(a) if a < m => {
                let (js, ss) = cands.row(i);
                js.iter()
                    .zip(ss)
                    .find(|(&j, _)| j as usize == a)
                    .map_or(f64::NAN, |(_, &s)| s)
            }
            _ => f64::NAN,
        })
        .collect();
    let full: Vec<bool> = (0..m)
        .map(|j| cap[j] > 0 && assign.load[j] >= cap[j])
        .collect();
    let mut v: Vec<f64> = (0..m)
        .map(|j| if full[j] { f64::INFINITY } else { 0.0 })
        .collect();
    for round in 1..=max_rounds {
        let new: Vec<f64> = (0..m)
            .into_par_iter()
            .map(|a| {
                if !full[a] {
                    return 0.0;
                }
                let mut va = f64::INFINITY;
                for i in assign.mentees_of(a) {
                    let s = own[i];
                    if s.is_nan() {
                        va = 0.0;
                        break;
                    }
                    va = va.min(s - mentee_dual(cands, i, cap, &v, Some(a), false));
                }
                if va.is_finite() {
                    va.max(0.0)
                } else {
                    0.0
                }
            })
            .collect();
        let changed = new
            .iter()
            .zip(&v)
            .any(|(a, b)| !(a.is_finite() && b.is_finite() && (a - b).abs() <= 1e-12));
        v = new;
        if !changed || stop() {
            break;
        }
        let _ = round;
    }
    let v: Vec<f64> = v
        .into_iter()
        .map(|x| if x.is_finite() { x } else { 0.0 })
        .collect();
    let b = dual_bound(cands, free, cap, &v, pinned);
    (v, b)
}

/// Lowers the certificate by exact coordinate descent on the mentor prices: `sweeps` passes
/// over the mentors in index order (Gauss-Seidel, so the result does not depend on threads),
/// each setting `v_j` to the minimiser of the dual objective over the rows with every other
/// price fixed.
///
/// # Why
/// Auction prices are ε-complementary for the mentees, but a place that lost its holder in an
/// earlier phase keeps its price although it ends up empty; every such price adds
/// `v_j × (empty places)` to `Σ u_i + Σ r_j v_j` for nothing. The step below removes that.
///
/// # The step
/// With the other prices fixed, the dual objective over the rows, as a function of `v_j >= 0`,
/// is `r_j v_j + Σ_{i: j ∈ row(i)} max(w_i, s_ij - v_j) + const`, where `w_i` is mentee `i`'s
/// best `max(0, s_ij' - v_j')` over its other row entries. It is convex and piecewise linear
/// with slope `r_j - #{i : s_ij - w_i > v_j}`, so it is minimised at the `(r_j + 1)`-th largest
/// `d_i = s_ij - w_i` (or 0 when that is negative or there are at most `r_j` such mentees).
/// Each step never raises the objective over the rows; the prices stay `>= 0`, so any result
/// is a valid input to [`dual_bound`] or a pricing pass (the bound over *all* pairs is then
/// recomputed exactly; the descent itself needs no soundness argument).
pub(crate) fn refine(
    cands: &Candidates,
    cols: &Columns,
    free: &[usize],
    cap: &[u32],
    v: &[f64],
    sweeps: usize,
) -> Vec<f64> {
    let m = cap.len();
    debug_assert_eq!(cols.mentors(), m);
    let n = cands.n();
    let mut v = v.to_vec();
    // Per mentee: best and second best `s - v` over its row (mentors with places), with the
    // best's mentor; both at least 0 (the `u_i >= 0` floor).
    let top2 = |i: usize, v: &[f64]| -> (f64, u32, f64) {
        let (js, ss) = cands.row(i);
        let (mut b1, mut a1, mut b2) = (0.0f64, u32::MAX, 0.0f64);
        for (&j, &s) in js.iter().zip(ss) {
            if cap[j as usize] == 0 {
                continue;
            }
            let x = s - v[j as usize];
            if x > b1 {
                b2 = b1;
                b1 = x;
                a1 = j;
            } else if x > b2 {
                b2 = x;
            }
        }
        (b1, a1, b2)
    };
    let mut top: Vec<(f64, u32, f64)> = vec![(0.0, u32::MAX, 0.0); n];
    let firsts: Vec<(f64, u32, f64)> = free.par_iter().map(|&i| top2(i, &v)).collect();
    for (&i, t) in free.iter().zip(firsts) {
        top[i] = t;
    }
    let mut d: Vec<f64> = Vec::new();
    for _ in 0..sweeps {
        let mut moved = false;
        for j in 0..m {
            if cap[j] == 0 {
                continue;
            }
            let r = cap[j] as usize;
            d.clear();
            for &(i, s) in cols.of(j) {
                let (b1, a1, b2) = top[i as usize];
                let w = if a1 as usize == j { b2 } else { b1 };
                let di = s - w;
                if di > 0.0 {
                    d.push(di);
                }
            }
            let new = if d.len() > r {
                let (_, kth, _) = d.select_nth_unstable_by(r, |a, b| b.total_cmp(a));
                kth.max(0.0)
            } else {
                0.0
            };
            if new == v[j] {
                continue;
            }
            moved = true;
            let old = v[j];
            v[j] = new;
            for &(i, s) in cols.of(j) {
                let i = i as usize;
                let (b1, a1, b2) = top[i];
                let x = s - new;
                if new < old {
                    // Value of j rose: insert it.
                    if a1 as usize == j {
                        top[i].0 = x;
                    } else if x > b1 {
                        top[i] = (x, j as u32, b1);
                    } else if x > b2 {
                        top[i].2 = x;
                    }
                } else if a1 as usize == j || s - old >= b2 {
                    // Value of j fell and it was among the top two: rescan the row.
                    top[i] = top2(i, &v);
                }
            }
        }
        if !moved {
            break;
        }
    }
    v
}
