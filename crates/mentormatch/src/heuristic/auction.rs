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

use crate::sparse::assign::Assign;
use crate::sparse::Prepared;

/// Outcome of an auction: the assignment and per-mentor prices (cheapest place, `>= 0`).
#[derive(Debug)]
pub(crate) struct Auction {
    pub assign: Assign,
    pub prices: Vec<f64>,
    pub bids: u64,
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
    loop {
        holder.fill(u32::MAX);
        of.fill(u32::MAX);
        let mut queue: VecDeque<u32> = prep.free.iter().map(|&i| i as u32).collect();
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
        if eps <= eps_final {
            break;
        }
        eps = (eps / factor).max(eps_final);
    }
    let mut assign = Assign::new(n, m);
    let mut mentor_of_place = vec![0u32; places];
    for j in 0..m {
        for x in &mut mentor_of_place[first[j]..first[j + 1]] {
            *x = j as u32;
        }
    }
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
    })
}
