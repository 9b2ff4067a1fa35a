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

use rayon::prelude::*;

use crate::backends::sparse::assign::Assign;
use crate::backends::sparse::columns::Columns;
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
/// from prices `init` (per mentor) or zero. `cols` are the columns of `prep`'s rows (built by
/// the caller, which hands them on to the price refinement).
/// `None` when the bid budget (`max_bids_per_mentee` × mentees per phase) runs out or a free
/// mentee has no candidate with a place.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run(
    prep: &Prepared,
    cols: &Columns,
    eps0: f64,
    eps_final: f64,
    factor: f64,
    max_bids_per_mentee: u64,
    init: Option<&[f64]>,
    stop: &dyn Fn() -> bool,
) -> Option<Auction> {
    run_from(
        prep,
        cols,
        eps0,
        eps_final,
        factor,
        max_bids_per_mentee,
        init,
        None,
        stop,
    )
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
fn reverse(
    cols: &Columns,
    market: &mut Market,
    eps: f64,
    budget: u64,
    stop: &dyn Fn() -> bool,
) -> u64 {
    let mut queue: VecDeque<u32> = (0..market.price.len())
        .filter(|&q| market.holder[q] == u32::MAX && market.price[q] > 0.0)
        .map(|q| q as u32)
        .collect();
    let mut steps = 0u64;
    while let Some(q) = queue.pop_front() {
        let q = q as usize;
        if market.holder[q] != u32::MAX || market.price[q] <= 0.0 {
            continue;
        }
        steps += 1;
        if steps > budget || (steps % 65536 == 0 && stop()) {
            // Still a valid assignment; empty places just keep their prices.
            break;
        }
        let j = market.mentor_of_place[q] as usize;
        let mut b1 = (f64::NEG_INFINITY, u32::MAX, 0.0f64);
        let mut b2 = f64::NEG_INFINITY;
        for &(i, s) in cols.of(j) {
            let beta = s - market.profit[i as usize];
            if beta > b1.0 {
                b2 = b1.0;
                b1 = (beta, i, s);
            } else if beta > b2 {
                b2 = beta;
            }
        }
        if b1.0 <= 0.0 || b1.1 == u32::MAX {
            market.set_price(q, 0.0);
            continue;
        }
        let (_, i, s) = b1;
        let new = (b2 - eps).max(0.0).min(market.price[q]);
        market.set_price(q, new);
        if let Some(old) = market.take(i as usize, q, s) {
            if market.price[old] > 0.0 {
                queue.push_back(old as u32);
            }
        }
    }
    steps
}

/// The places, their prices and holders, with two summaries kept up to date so that a bid
/// reads one record per row entry: each mentor's cheapest and second cheapest place, and each
/// mentee's profit at the place it holds.
///
/// # Why
/// At a million mentees the auction made some 40 million bids and reverse steps per run, each
/// over a row or column of about a hundred entries. Reading a mentor's places (its offsets,
/// then its prices) and a mentee's profit (its place, that place's price, its score there) cost
/// several cache misses per entry; the summaries cost one. They change only when a place's
/// price or holder changes, and a held place's price changes only together with its holder.
struct Market {
    /// Mentor `j` owns places `first[j]..first[j + 1]`.
    first: Vec<usize>,
    mentor_of_place: Vec<u32>,
    price: Vec<f64>,
    /// Per place: the mentee holding it (`u32::MAX`: empty).
    holder: Vec<u32>,
    /// Per mentee: the place it holds (`u32::MAX`: none).
    of: Vec<u32>,
    /// Per mentee: its score at the place it holds minus that place's price (0 when none).
    profit: Vec<f64>,
    /// Per mentor: its cheapest place (the first of equal ones), that price and the second
    /// cheapest (`+inf` with one place); a mentor without places has price `+inf`.
    low: Vec<Low>,
}

#[derive(Clone, Copy)]
struct Low {
    price: f64,
    second: f64,
    place: u32,
}

impl Market {
    fn new(remaining: &[u32], n: usize) -> Market {
        let m = remaining.len();
        let mut first = Vec::with_capacity(m + 1);
        first.push(0usize);
        for &c in remaining {
            first.push(first[first.len() - 1] + c as usize);
        }
        let places = first[m];
        let mut mentor_of_place = vec![0u32; places];
        for j in 0..m {
            mentor_of_place[first[j]..first[j + 1]].fill(j as u32);
        }
        let mut market = Market {
            first,
            mentor_of_place,
            price: vec![0.0; places],
            holder: vec![u32::MAX; places],
            of: vec![u32::MAX; n],
            profit: vec![0.0; n],
            low: Vec::new(),
        };
        market.refresh_low();
        market
    }

    /// Recomputes every mentor's cheapest places (after prices were set wholesale).
    fn refresh_low(&mut self) {
        self.low = (0..self.first.len() - 1).map(|j| self.lowest(j)).collect();
    }

    fn lowest(&self, j: usize) -> Low {
        let (a, b) = (self.first[j], self.first[j + 1]);
        if a == b {
            return Low {
                price: f64::INFINITY,
                second: f64::INFINITY,
                place: u32::MAX,
            };
        }
        let mut best = (a, self.price[a]);
        let mut second = f64::INFINITY;
        for (p, &pp) in self.price.iter().enumerate().take(b).skip(a + 1) {
            if pp < best.1 {
                second = best.1;
                best = (p, pp);
            } else if pp < second {
                second = pp;
            }
        }
        Low {
            price: best.1,
            second,
            place: best.0 as u32,
        }
    }

    fn set_price(&mut self, q: usize, value: f64) {
        self.price[q] = value;
        let j = self.mentor_of_place[q] as usize;
        self.low[j] = self.lowest(j);
    }

    /// Mentee `i` takes place `q` (scoring `s` there) at its current price, leaving the place
    /// it held empty; returns that place.
    fn take(&mut self, i: usize, q: usize, s: f64) -> Option<usize> {
        let old = self.of[i];
        self.holder[q] = i as u32;
        self.of[i] = q as u32;
        self.profit[i] = s - self.price[q];
        (old != u32::MAX).then(|| {
            self.holder[old as usize] = u32::MAX;
            old as usize
        })
    }

    /// Mentee `i` leaves its place, if any.
    fn release(&mut self, i: usize) {
        let p = self.of[i];
        if p != u32::MAX {
            self.holder[p as usize] = u32::MAX;
            self.of[i] = u32::MAX;
            self.profit[i] = 0.0;
        }
    }

    /// Whether mentee `i` holds a place within `eps` of its best option over its row.
    fn content(&self, js: &[u32], ss: &[f64], i: usize, eps: f64) -> bool {
        let p = self.of[i];
        if p == u32::MAX {
            return false;
        }
        let held = self.mentor_of_place[p as usize];
        let mut own = f64::NEG_INFINITY;
        let mut best = f64::NEG_INFINITY;
        for (&j, &s) in js.iter().zip(ss) {
            let low = self.low[j as usize];
            if low.price == f64::INFINITY {
                continue;
            }
            if j == held {
                own = s - self.price[p as usize];
            }
            best = best.max(s - low.price);
        }
        own >= best - eps
    }
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
    cols: &Columns,
    prev: &Auction,
    eps0: f64,
    eps: f64,
    max_bids_per_mentee: u64,
    stop: &dyn Fn() -> bool,
) -> Option<Auction> {
    run_from(
        prep,
        cols,
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
    cols: &Columns,
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
    let mut market = Market::new(&prep.remaining, n);
    let places = market.price.len();
    if let Some(v) = init {
        for (j, &vj) in v.iter().enumerate().take(m) {
            let (a, b) = (market.first[j], market.first[j + 1]);
            market.price[a..b].fill(vj.max(0.0));
        }
        market.refresh_low();
    }
    let mut eps = eps0;
    let mut bids = 0u64;
    let budget = max_bids_per_mentee * prep.free.len() as u64;
    let mut queue: VecDeque<u32> = VecDeque::new();
    match warm {
        Some(w) if w.place_price.len() == places && w.place_of.len() == n => {
            market.price.copy_from_slice(&w.place_price);
            market.refresh_low();
            for &i in &prep.free {
                let p = w.place_of[i];
                if p != u32::MAX {
                    let j = market.mentor_of_place[p as usize];
                    let (js, ss) = prep.cands.row(i);
                    let s = js.iter().position(|&x| x == j).map_or(0.0, |x| ss[x]);
                    market.take(i, p as usize, s);
                }
            }
        }
        _ => {}
    }
    // Phases keep the assignment: each starts by releasing the mentees that are not within the
    // phase's ε of their best option (all of them in a cold start), and ends with a reverse
    // pass, so prices are never left on empty places from one phase to the next.
    loop {
        // Which mentees to release reads the market only: decided in parallel, applied in
        // mentee order.
        let content: Vec<bool> = prep
            .free
            .par_iter()
            .map(|&i| {
                let (js, ss) = prep.cands.row(i);
                market.content(js, ss, i, eps)
            })
            .collect();
        for (&i, &keep) in prep.free.iter().zip(&content) {
            if !keep {
                market.release(i);
                queue.push_back(i as u32);
            }
        }
        drop(content);
        let mut phase_bids = 0u64;
        while let Some(i) = queue.pop_front() {
            let i = i as usize;
            phase_bids += 1;
            if phase_bids > budget || (phase_bids % 65536 == 0 && stop()) {
                return None;
            }
            let (js, ss) = prep.cands.row(i);
            // (place, value, same mentor's next, score)
            let mut best: Option<(u32, f64, f64, f64)> = None;
            let mut w2 = f64::NEG_INFINITY;
            for (&j, &s) in js.iter().zip(ss) {
                let low = market.low[j as usize];
                if low.price == f64::INFINITY {
                    continue;
                }
                let w = s - low.price;
                match best {
                    Some((_, bw, _, _)) if w <= bw => w2 = w2.max(w),
                    _ => {
                        if let Some((_, bw, _, _)) = best {
                            w2 = w2.max(bw);
                        }
                        best = Some((low.place, w, s - low.second, s));
                    }
                }
            }
            let (p, w1, same_next, s) = best?;
            let p = p as usize;
            let w2 = w2.max(same_next);
            // A mentee with a single option bids a bounded step (keeps prices meaningful).
            let step = if w2.is_finite() { w1 - w2 } else { w1.max(0.0) };
            let raised = market.price[p] + (step + eps);
            market.set_price(p, raised);
            let old = market.holder[p];
            if old != u32::MAX {
                market.release(old as usize);
                queue.push_back(old);
            }
            market.take(i, p, s);
        }
        bids += phase_bids;
        bids += reverse(cols, &mut market, eps, budget, stop);
        if eps <= eps_final {
            break;
        }
        eps = (eps / factor).max(eps_final);
    }
    let mut assign = Assign::new(n, m);
    for &i in &prep.free {
        if market.of[i] != u32::MAX {
            assign.set(i, market.mentor_of_place[market.of[i] as usize] as usize);
        }
    }
    let prices = market
        .low
        .iter()
        .map(|low| {
            if low.price.is_finite() {
                low.price.max(0.0)
            } else {
                0.0
            }
        })
        .collect();
    Some(Auction {
        assign,
        prices,
        bids,
        place_price: market.price,
        place_of: market.of,
    })
}
