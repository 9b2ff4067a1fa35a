//! A forward auction (Bertsekas) with ε-scaling over the candidate pairs, for mentors with
//! several places (each place is an object with its own price; a mentor's price is its
//! cheapest place).
//!
//! Each unassigned mentee bids for the candidate with the largest `s_ij - p_j`, raising that
//! place's price by the margin over its second best option plus ε, and displaces the place's
//! holder. At the end every assigned mentee is within ε of its best option at the final prices
//! (ε-complementary slackness), so the assignment is within `n·ε` of the optimum over the
//! candidates, and the prices are near-optimal duals for the certificate.
//!
//! Sequential, FIFO in mentee order: deterministic, whatever the number of threads. Bids are
//! counted; past a budget the auction gives up (`None`) and the caller falls back to the
//! greedy construction.

use std::collections::VecDeque;

use crate::backends::sparse::assign::Assign;
use crate::backends::sparse::Prepared;

/// Outcome of an auction: the assignment and per-mentor prices (cheapest place, `>= 0`).
#[derive(Debug)]
pub(crate) struct Auction {
    pub assign: Assign,
    pub prices: Vec<f64>,
    pub bids: u64,
    /// Per place: its price (for a warm restart).
    place_price: Vec<f64>,
    /// Per mentee: the place it holds (`u32::MAX`: none).
    place_of: Vec<u32>,
}

/// Runs the auction from ε = `eps0` down to `eps_final` (divided by `factor` per phase),
/// from prices `init` (per mentor) or zero.
/// `None` when the bid budget (`max_bids_per_mentee` × mentees per phase) runs out or a free
/// mentee has no candidate with a place.
pub(crate) fn run(
    prep: &Prepared,
    eps0: f64,
    eps_final: f64,
    factor: f64,
    max_bids_per_mentee: u64,
    init: Option<&[f64]>,
    stop: &dyn Fn() -> bool,
) -> Option<Auction> {
    run_from(
        prep,
        eps0,
        eps_final,
        factor,
        max_bids_per_mentee,
        init,
        None,
        stop,
    )
}

/// Per mentor, the free mentees listing it and their scores (offsets, entries).
fn columns(prep: &Prepared) -> (Vec<usize>, Vec<(u32, f64)>) {
    let m = prep.remaining.len();
    let mut start = vec![0usize; m + 1];
    for &i in &prep.free {
        for &j in prep.cands.row(i).0 {
            start[j as usize + 1] += 1;
        }
    }
    for j in 0..m {
        start[j + 1] += start[j];
    }
    let mut fill = start.clone();
    let mut col = vec![(0u32, 0f64); start[m]];
    for &i in &prep.free {
        let (js, ss) = prep.cands.row(i);
        for (&j, &s) in js.iter().zip(ss) {
            col[fill[j as usize]] = (i as u32, s);
            fill[j as usize] += 1;
        }
    }
    (start, col)
}

/// Reverse auction (Bertsekas and Castañon's treatment of asymmetric problems): every empty
/// place with a positive price either lowers its price to 0 or draws the mentee that gains most
/// from it, at a price `ε` below the second best such gain. Returns the number of steps.
///
/// # Why
/// There are more places than mentees. ε-scaling restarts every phase from no assignment, so a
/// place priced in an earlier phase can end empty at a positive price; mentees then avoid it
/// (the assignment is worse than ε-optimal) and the certificate `Σ u_i + Σ r_j v_j` pays for
/// the price of every empty place. After this pass every empty place costs 0, and each mentee
/// is still within ε of its best option (a step only lowers one place's price to at most ε
/// above what any other mentee could gain there, and only raises the chosen mentee's profit),
/// so the assignment is within `n ε` of the optimum over the candidates and the prices are
/// near-optimal duals.
#[allow(clippy::too_many_arguments)]
fn reverse(
    prep: &Prepared,
    cols: &(Vec<usize>, Vec<(u32, f64)>),
    mentor_of_place: &[u32],
    price: &mut [f64],
    holder: &mut [u32],
    of: &mut [u32],
    eps: f64,
    budget: u64,
    stop: &dyn Fn() -> bool,
) -> u64 {
    let n = prep.cands.n();
    let (start, col) = (&cols.0, &cols.1);
    // Score of each mentee at the mentor it holds a place of.
    let mut own = vec![0.0f64; n];
    for &i in &prep.free {
        if of[i] != u32::MAX {
            let j = mentor_of_place[of[i] as usize];
            let (js, ss) = prep.cands.row(i);
            if let Some(x) = js.iter().position(|&x| x == j) {
                own[i] = ss[x];
            }
        }
    }
    let profit = |i: usize, own: &[f64], of: &[u32], price: &[f64]| -> f64 {
        if of[i] == u32::MAX {
            0.0
        } else {
            own[i] - price[of[i] as usize]
        }
    };
    let mut queue: VecDeque<u32> = (0..price.len())
        .filter(|&q| holder[q] == u32::MAX && price[q] > 0.0)
        .map(|q| q as u32)
        .collect();
    let mut steps = 0u64;
    while let Some(q) = queue.pop_front() {
        let q = q as usize;
        if holder[q] != u32::MAX || price[q] <= 0.0 {
            continue;
        }
        steps += 1;
        if steps > budget || (steps % 65536 == 0 && stop()) {
            // Still a valid assignment; empty places just keep their prices.
            break;
        }
        let j = mentor_of_place[q] as usize;
        let mut b1 = (f64::NEG_INFINITY, u32::MAX, 0.0f64);
        let mut b2 = f64::NEG_INFINITY;
        for &(i, s) in &col[start[j]..start[j + 1]] {
            let beta = s - profit(i as usize, &own, of, price);
            if beta > b1.0 {
                b2 = b1.0;
                b1 = (beta, i, s);
            } else if beta > b2 {
                b2 = beta;
            }
        }
        if b1.0 <= 0.0 || b1.1 == u32::MAX {
            price[q] = 0.0;
            continue;
        }
        let (_, i, s) = b1;
        let i = i as usize;
        price[q] = (b2 - eps).max(0.0).min(price[q]);
        let old = of[i];
        holder[q] = i as u32;
        of[i] = q as u32;
        own[i] = s;
        if old != u32::MAX {
            let old = old as usize;
            holder[old] = u32::MAX;
            if price[old] > 0.0 {
                queue.push_back(old as u32);
            }
        }
    }
    steps
}

/// Resumes an auction after candidates were added (column generation): the places keep their
/// prices and holders, and only mentees that are unassigned or no longer within a phase's ε of
/// their best option (over their grown rows) bid again, ε going from `eps0` down to `eps` (large
/// steps first: new pairs can move many mentees, and bidding wars at a small ε are slow). Restarting from
/// scratch at the old prices instead would make every mentee bid again, each raising its
/// place's price by its margin although nobody competes, and the prices (so the certificate)
/// would drift upward round after round.
pub(crate) fn resume(
    prep: &Prepared,
    prev: &Auction,
    eps0: f64,
    eps: f64,
    max_bids_per_mentee: u64,
    stop: &dyn Fn() -> bool,
) -> Option<Auction> {
    run_from(
        prep,
        eps0,
        eps,
        4.0,
        max_bids_per_mentee,
        None,
        Some(prev),
        stop,
    )
}

#[allow(clippy::too_many_arguments)]
fn run_from(
    prep: &Prepared,
    eps0: f64,
    eps_final: f64,
    factor: f64,
    max_bids_per_mentee: u64,
    init: Option<&[f64]>,
    warm: Option<&Auction>,
    stop: &dyn Fn() -> bool,
) -> Option<Auction> {
    let n = prep.cands.n();
    let m = prep.remaining.len();
    // Places: mentor j owns places first[j]..first[j + 1].
    let mut first = Vec::with_capacity(m + 1);
    first.push(0usize);
    for &c in &prep.remaining {
        first.push(first[first.len() - 1] + c as usize);
    }
    let places = first[m];
    let mut price = vec![0.0f64; places];
    if let Some(v) = init {
        for j in 0..m {
            price[first[j]..first[j + 1]].fill(v[j].max(0.0));
        }
    }
    let mut holder = vec![u32::MAX; places];
    let mut of = vec![u32::MAX; n]; // place held by mentee
    let mut eps = eps0;
    let mut bids = 0u64;
    let budget = max_bids_per_mentee * prep.free.len() as u64;
    // Cheapest and second cheapest place of mentor j.
    let cheapest = |price: &[f64], j: usize| -> (usize, f64, f64) {
        let (a, b) = (first[j], first[j + 1]);
        let mut best = (a, price[a]);
        let mut second = f64::INFINITY;
        for (p, &pp) in price.iter().enumerate().take(b).skip(a + 1) {
            if pp < best.1 {
                second = best.1;
                best = (p, pp);
            } else if pp < second {
                second = pp;
            }
        }
        (best.0, best.1, second)
    };
    let mut mentor_of_place = vec![0u32; places];
    for j in 0..m {
        for x in &mut mentor_of_place[first[j]..first[j + 1]] {
            *x = j as u32;
        }
    }
    let cols = columns(prep);
    let mut queue: VecDeque<u32> = VecDeque::new();
    match warm {
        Some(w) if w.place_price.len() == places && w.place_of.len() == n => {
            price.copy_from_slice(&w.place_price);
            for &i in &prep.free {
                let p = w.place_of[i];
                if p != u32::MAX {
                    of[i] = p;
                    holder[p as usize] = i as u32;
                }
            }
        }
        _ => {}
    }
    // Phases keep the assignment: each starts by releasing the mentees that are not within the
    // phase's ε of their best option (all of them in a cold start), and ends with a reverse
    // pass, so prices are never left on empty places from one phase to the next.
    loop {
        for &i in &prep.free {
            let p = of[i];
            let keep = p != u32::MAX && {
                let (js, ss) = prep.cands.row(i);
                let mut own = f64::NEG_INFINITY;
                let mut best = f64::NEG_INFINITY;
                for (&j, &s) in js.iter().zip(ss) {
                    let j = j as usize;
                    if prep.remaining[j] == 0 {
                        continue;
                    }
                    if (first[j]..first[j + 1]).contains(&(p as usize)) {
                        own = s - price[p as usize];
                    }
                    best = best.max(s - cheapest(&price, j).1);
                }
                own >= best - eps
            };
            if !keep {
                if p != u32::MAX {
                    holder[p as usize] = u32::MAX;
                    of[i] = u32::MAX;
                }
                queue.push_back(i as u32);
            }
        }
        let mut phase_bids = 0u64;
        while let Some(i) = queue.pop_front() {
            let i = i as usize;
            phase_bids += 1;
            if phase_bids > budget || (phase_bids % 65536 == 0 && stop()) {
                return None;
            }
            let (js, ss) = prep.cands.row(i);
            let mut best: Option<(usize, f64, f64)> = None; // (place, value, same mentor's next)
            let mut w2 = f64::NEG_INFINITY;
            for (&j, &s) in js.iter().zip(ss) {
                let j = j as usize;
                if prep.remaining[j] == 0 {
                    continue;
                }
                let (p, pp, second) = cheapest(&price, j);
                let w = s - pp;
                match best {
                    Some((_, bw, _)) if w <= bw => w2 = w2.max(w),
                    _ => {
                        if let Some((_, bw, _)) = best {
                            w2 = w2.max(bw);
                        }
                        best = Some((p, w, s - second));
                    }
                }
            }
            let (p, w1, same_next) = best?;
            let w2 = w2.max(same_next);
            // A mentee with a single option bids a bounded step (keeps prices meaningful).
            let step = if w2.is_finite() { w1 - w2 } else { w1.max(0.0) };
            price[p] += step + eps;
            let old = holder[p];
            holder[p] = i as u32;
            of[i] = p as u32;
            if old != u32::MAX {
                of[old as usize] = u32::MAX;
                queue.push_back(old);
            }
        }
        bids += phase_bids;
        bids += reverse(
            prep,
            &cols,
            &mentor_of_place,
            &mut price,
            &mut holder,
            &mut of,
            eps,
            budget,
            stop,
        );
        if eps <= eps_final {
            break;
        }
        eps = (eps / factor).max(eps_final);
    }
    let mut assign = Assign::new(n, m);
    for &i in &prep.free {
        if of[i] != u32::MAX {
            assign.set(i, mentor_of_place[of[i] as usize] as usize);
        }
    }
    let prices = (0..m)
        .map(|j| {
            if first[j + 1] > first[j] {
                cheapest(&price, j).1.max(0.0)
            } else {
                0.0
            }
        })
        .collect();
    Some(Auction {
        assign,
        prices,
        bids,
        place_price: price,
        place_of: of,
    })
}
