//! Dense rectangular shortest augmenting path solver (Jonker-Volgenant style).
//!
//! Input is already validated: `nrows <= ncols`, `costs.len() == nrows * ncols`, no NaN, no
//! `-inf`; `+inf` marks a forbidden pair.
//!
//! Invariant kept throughout (up to rounding): every assigned row `i` holds a column minimising
//! `c[i][j] - v[j]` over all `j`, so its potential `u[i] = c[i][col(i)] - v[col(i)]` is
//! dual-feasible and tight. For `nrows < ncols`, column potentials start at 0 and only ever
//! decrease, and only for columns that are (and stay) assigned, so unassigned columns keep
//! `v = 0`: the certificate remains valid without padding. Square matrices have no unassigned
//! column at the end, so they may start from column minima (phase 0); `v` is shifted down by its
//! maximum at the end to keep the documented `v <= 0`.
//!
//! Phases:
//! 0. Square matrices whose row minima are seldom tied ([`ties_common`]): JV *column
//!    reduction* (`v` = column minima, each column offered to its minimum row) and *reduction
//!    transfer* (a row assigned once lowers its column's `v` by its second lowest reduced cost).
//! 1. *Augmenting row reduction* (JV 1987, run twice over the free rows, with a work budget):
//!    a free row takes the column with the lowest reduced cost `c - v`, lowering that column's
//!    `v` by the gap to its second lowest, which evicts the previous holder (auction-like); on a
//!    tie it prefers a free column at the same reduced cost. It assigns most rows of a random
//!    dense matrix in `O(ncols)` each.
//! 2. Unless phase 0 ran: *tight augmenting paths* ([`tight`]): alternating paths of zero
//!    reduced cost edges to free columns, by depth-first search over tight-column lists built
//!    once per row. On tie-heavy matrices this assigns nearly every row left free, which
//!    Dijkstra would reach only at distance 0 after a full pass over the columns per row.
//! 3. *Shortest augmenting paths* for the rows still free: Dijkstra over reduced costs, over the
//!    columns in their natural order: one fused pass per scanned row relaxes every column and
//!    finds the new minimum and the nearest free column (see [`ShortestPaths`]).
//!
//! The row scans (`two_lowest`, `relax`, the column reduction) are branch-free loops over
//! independent lanes written so that LLVM vectorises them at the x86-64 baseline (SSE2) without
//! `unsafe` or `target-cpu`; `benches/TUNING.md` records what each step bought.
//!
//! The Dijkstra buffers are allocated once up front and its loop does not allocate; the tight
//! phase grows one pool holding every row's list.

mod arr;
mod scan;
mod shortest_paths;
mod tight;

use super::{LapError, LapSolution};
use arr::augmenting_row_reduction;
use scan::{max, min, two_lowest, BLOCK, LANES};
use shortest_paths::ShortestPaths;

const NONE: usize = usize::MAX;
const INF: f64 = f64::INFINITY;

/// Row scans allowed to augmenting row reduction, per row, for rectangular matrices (and square
/// ones before phase 0 existed: there 16 was best of 2..32 on 1000 and 2000 uniform).
const ARR_SCANS_PER_ROW: usize = 16;

/// The same after the column reduction start of square matrices, which leaves ARR less to do.
/// Measured (callgrind) on uniform 1000, 2000, 4000: 4 is best or within 2% of best;
/// 16 costs 1.3-1.7x more, 64 2.5x.
const ARR_SCANS_PER_ROW_SQUARE: usize = 4;

/// Solves a problem (see module docs). Unless `validated`, the input is checked for NaN and
/// `-inf` here ([`LapError::InvalidEntry`], first in row-major order) during the first pass that
/// reads every entry anyway, saving a pass over memory: the column minima of square matrices,
/// the first ARR pass of the others. Never inlined, so that profilers can attribute (and
/// `callgrind --toggle-collect` can isolate) the solver's cost.
#[inline(never)]
pub(super) fn solve(
    costs: &[f64],
    nrows: usize,
    ncols: usize,
    validated: bool,
) -> Result<LapSolution, LapError> {
    let start = match (nrows == ncols, ties_common(costs, nrows, ncols)) {
        (_, true) => Start::Zero,
        (true, false) => Start::ColumnReduction,
        (false, false) if ncols >= RAW_FIRST_MIN_COLS => Start::ZeroRawFirst,
        (false, false) => Start::Zero,
    };
    let per_row = if start == Start::ColumnReduction {
        ARR_SCANS_PER_ROW_SQUARE
    } else {
        ARR_SCANS_PER_ROW
    };
    let budget = per_row.saturating_mul(nrows).saturating_add(16);
    solve_with_budget(costs, nrows, ncols, budget, start, validated)
}

/// Rows narrower than this take [`Start::Zero`] rather than [`Start::ZeroRawFirst`]: the three
/// re-read blocks are a larger share of a short row (r 500x1000: 3 of 8 blocks, 15% more
/// instructions and slower; r 2000x4000: 3 of 32, 21% fewer).
const RAW_FIRST_MIN_COLS: usize = 16 * BLOCK;

/// How the potentials start, and so what the first scans of the rows can skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// Square, row minima seldom tied: JV column reduction and reduction transfer (phase 0).
    ColumnReduction,
    /// `v = 0`; ARR reads a row in full the first time.
    Zero,
    /// `v = 0`, row minima seldom tied: ARR's first look at a row reads its costs alone (block
    /// minima, see [`scan::raw_cache`]), then the three lowest blocks with `v`; on r 2000x4000 that
    /// settles ~98% of first looks. With ties the three blocks seldom settle anything (many
    /// blocks share the minimum), so tie-heavy matrices take [`Start::Zero`].
    ZeroRawFirst,
}

/// Rows probed by [`ties_common`].
const TIE_PROBES: usize = 8;

/// Whether the lowest entry of a row is usually tied (at least half of [`TIE_PROBES`] rows spread
/// over the matrix): integer costs in a small range, scores with few distinct values. There the
/// column reduction start does not pay: each column's minimum sits in many rows, its lowest such
/// row is nearly always one of the first few, so few rows get a column (about 350 of 2,000 on
/// integers 0..100) while its pass over the whole matrix costs as much as augmenting row
/// reduction from `v = 0`, which settles most rows on a free tied column in one pass. Measured
/// on integers 0..100 (`benches/TUNING.md`, step 10): 0.84x the instructions and 0.72x the time
/// without it; on uniform floats column reduction is 1.8x cheaper, so it stays there.
fn ties_common(costs: &[f64], nrows: usize, ncols: usize) -> bool {
    let zero = vec![0.0; ncols];
    let probes = TIE_PROBES.min(nrows);
    let tied = (0..probes)
        .map(|k| k * nrows / probes)
        .filter(|&i| {
            let (m1, _, m2) = two_lowest(&costs[i * ncols..(i + 1) * ncols], &zero);
            m1 == m2 && m1.is_finite()
        })
        .count();
    probes > 0 && 2 * tied >= probes
}

/// [`LapError::InvalidEntry`] for the first NaN or `-inf`, if any.
fn check_entries(costs: &[f64], ncols: usize) -> Result<(), LapError> {
    match super::first_invalid(costs, -INF) {
        Some(k) => Err(LapError::InvalidEntry {
            row: k / ncols,
            col: k % ncols,
        }),
        None => Ok(()),
    }
}

/// [`solve`] with an explicit augmenting-row-reduction budget (row scans; 0 disables it), and
/// from a given [`Start`] (column reduction only applies to square matrices).
fn solve_with_budget(
    costs: &[f64],
    nrows: usize,
    ncols: usize,
    arr_budget: usize,
    start: Start,
    validated: bool,
) -> Result<LapSolution, LapError> {
    let mut v = vec![0.0_f64; ncols];
    let mut col4row = vec![NONE; nrows];
    let mut row4col = vec![NONE; ncols];
    if nrows == 0 {
        return Ok(LapSolution {
            row_to_col: Vec::new(),
            u: Vec::new(),
            v,
            cost: 0.0,
        });
    }

    let square = start == Start::ColumnReduction && nrows == ncols;
    let mut free: Vec<usize> = if square {
        column_reduction_transfer(costs, ncols, &mut v, &mut col4row, &mut row4col, !validated)?
    } else {
        (0..nrows).collect()
    };
    augmenting_row_reduction::<true>(
        costs,
        ncols,
        &mut v,
        &mut col4row,
        &mut row4col,
        &mut free,
        arr_budget,
        !validated && !square,
        start == Start::ZeroRawFirst,
    )?;

    if !square {
        // Ties are common (else the column reduction start was taken) or the matrix is
        // rectangular: on uniform square matrices the tight phase finds few paths (2 of 30
        // rows at n = 2,000) for its scans.
        tight::augment_tight(costs, ncols, &v, &mut col4row, &mut row4col, &mut free);
    }

    let mut sp = ShortestPaths::new(costs, ncols, &row4col, nrows);
    for &f in &free {
        sp.augment(f, &mut v, &mut col4row, &mut row4col)?;
    }

    if square {
        // Column reduction starts from column minima, so `v` may be positive; shifting every
        // `v` down and every `u` up by the same amount keeps `u + v` and gives `v <= 0`.
        let top = v.iter().fold(-INF, |m, &x| max(x, m));
        if top > 0.0 {
            for x in &mut v {
                *x -= top;
            }
        }
    }
    let mut u = vec![0.0_f64; nrows];
    let mut cost = 0.0;
    for i in 0..nrows {
        let j = col4row[i];
        let c = costs[i * ncols + j];
        u[i] = c - v[j];
        cost += c;
    }
    Ok(LapSolution {
        row_to_col: col4row,
        u,
        v,
        cost,
    })
}

/// Square matrices only (every column gets a row): Jonker-Volgenant column reduction and
/// reduction transfer. `v[j]` becomes the minimum of column `j`, each column's lowest row
/// (scanning columns from the last, as JV) gets it if still free; then each row assigned exactly
/// once lowers its column's `v` by the gap to its second lowest reduced cost, so the column is
/// less attractive to other rows. Every assigned row keeps a column minimising `c - v` (the
/// invariant the later phases need). Returns the rows left free, ascending.
///
/// With `check`, the column minima pass also validates the input (as [`scan::two_lowest_checked`]:
/// lane sums turn NaN on a NaN entry, a `-inf` entry becomes a column minimum), and only on an
/// alarm does [`check_entries`] look for the first bad entry: one pass over memory, not two.
fn column_reduction_transfer(
    costs: &[f64],
    n: usize,
    v: &mut [f64],
    col4row: &mut [usize],
    row4col: &mut [usize],
    check: bool,
) -> Result<Vec<usize>, LapError> {
    let alarm = if check {
        column_minima::<true>(costs, n, v)
    } else {
        column_minima::<false>(costs, n, v)
    };
    if alarm {
        // Possibly false (a sum overflowing to -inf meeting a +inf entry): look closer.
        check_entries(costs, n)?;
    }
    // The lowest row holding each column's minimum. Tracking it in the pass above makes LLVM
    // emit a branch per entry; instead, test each block of each row for any entry equal to its
    // column's minimum (SIMD compares), look closer only on a hit, and skip blocks whose
    // columns all have their row already.
    let mut arg = vec![NONE; n];
    let mut unset: Vec<usize> = (0..n.div_ceil(BLOCK))
        .map(|b| BLOCK.min(n - b * BLOCK))
        .collect();
    let mut left = n;
    for (i, row) in costs.chunks_exact(n).enumerate() {
        for (b, (rb, vb)) in row.chunks(BLOCK).zip(v.chunks(BLOCK)).enumerate() {
            if unset[b] == 0 {
                continue;
            }
            let hits: u64 = rb.iter().zip(vb).map(|(c, w)| u64::from(c == w)).sum();
            if hits == 0 {
                continue;
            }
            for (k, (c, w)) in rb.iter().zip(vb).enumerate() {
                let j = b * BLOCK + k;
                if c == w && arg[j] == NONE {
                    arg[j] = i;
                    unset[b] -= 1;
                    left -= 1;
                }
            }
        }
        if left == 0 {
            break;
        }
    }
    if v.contains(&INF) {
        // A column with no allowed row: no assignment covers it.
        return Err(LapError::Infeasible);
    }
    let mut matches = vec![0_u32; n];
    for j in (0..n).rev() {
        let i = arg[j];
        matches[i] += 1;
        if col4row[i] == NONE {
            col4row[i] = j;
            row4col[j] = i;
        }
    }
    let mut free = Vec::new();
    for i in 0..n {
        match matches[i] {
            0 => free.push(i),
            1 => {
                // c - v is >= 0 everywhere and 0 at the row's column, so the second lowest of
                // the row is its lowest elsewhere.
                let j1 = col4row[i];
                let (_, _, m2) = two_lowest(&costs[i * n..(i + 1) * n], v);
                if m2 < INF {
                    v[j1] -= m2;
                }
            }
            _ => {}
        }
    }
    Ok(free)
}

/// `v[j]` = the minimum of column `j`: an elementwise SIMD `min` over the rows (`c` first: a
/// NaN entry leaves `v` unchanged). With `CHECK`, whether the input may hold a NaN (a lane sum
/// turned NaN) or `-inf` (a column minimum).
fn column_minima<const CHECK: bool>(costs: &[f64], n: usize, v: &mut [f64]) -> bool {
    v.fill(INF);
    let mut sum = [0.0_f64; LANES];
    let mut tsum = 0.0;
    for row in costs.chunks_exact(n) {
        let rc = row.chunks_exact(LANES);
        let rt = rc.remainder();
        let mut vc = v.chunks_exact_mut(LANES);
        for (r, w) in rc.zip(vc.by_ref()) {
            let m: [f64; LANES] = std::array::from_fn(|l| min(r[l], w[l]));
            w.copy_from_slice(&m);
            if CHECK {
                sum = std::array::from_fn(|l| sum[l] + r[l]);
            }
        }
        for (w, &c) in vc.into_remainder().iter_mut().zip(rt) {
            *w = min(c, *w);
            if CHECK {
                tsum += c;
            }
        }
    }
    CHECK && (tsum.is_nan() || sum.iter().any(|x| x.is_nan()) || v.contains(&-INF))
}

#[cfg(test)]
pub(super) mod tests {
    use super::scan::{find_value, two_lowest_cached, two_lowest_checked};
    use super::*;

    /// xorshift64: a tiny deterministic generator for test matrices.
    pub(super) fn gen(seed: u64, n: usize, p_inf: f64, levels: u64) -> Vec<f64> {
        let mut s = seed | 1;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                let x = (s >> 11) as f64 / (1u64 << 53) as f64;
                if x < p_inf {
                    INF
                } else if levels > 0 {
                    (s % levels) as f64
                } else {
                    x * 100.0 - 20.0
                }
            })
            .collect()
    }

    fn certified(c: &[f64], nrows: usize, ncols: usize, s: &LapSolution) -> bool {
        let eps = 1e-9;
        let mut owner = vec![NONE; ncols];
        for (i, &j) in s.row_to_col.iter().enumerate() {
            if owner[j] != NONE || !c[i * ncols + j].is_finite() {
                return false;
            }
            owner[j] = i;
            if (s.u[i] + s.v[j] - c[i * ncols + j]).abs() > eps {
                return false;
            }
        }
        (0..nrows).all(|i| (0..ncols).all(|j| s.u[i] + s.v[j] <= c[i * ncols + j] + eps))
            && (0..ncols).all(|j| {
                if owner[j] == NONE {
                    s.v[j] == 0.0
                } else {
                    s.v[j] <= eps
                }
            })
    }

    proptest::proptest! {
        /// Square matrices (the column-reduction start) with ties and forbidden entries, some
        /// rows or columns entirely forbidden: the same optimum as the plain rectangular path
        /// (no column reduction, no ARR), certified, or the same error.
        #[test]
        fn square_start_agrees_with_plain_shortest_paths(
            n in 1_usize..14,
            seed in proptest::prelude::any::<u64>(),
            p_inf in proptest::prop_oneof![proptest::strategy::Just(0.0), 0.0..0.6],
            levels in proptest::prop_oneof![proptest::strategy::Just(0_u64), 1_u64..6],
            kill_row in proptest::option::of(0_usize..14),
            kill_col in proptest::option::of(0_usize..14),
        ) {
            let mut c = gen(seed, n * n, p_inf, levels);
            if let Some(i) = kill_row.filter(|&i| i < n) {
                c[i * n..(i + 1) * n].fill(INF);
            }
            if let Some(j) = kill_col.filter(|&j| j < n) {
                for i in 0..n {
                    c[i * n + j] = INF;
                }
            }
            let plain = solve_with_budget(&c, n, n, 0, Start::Zero, true);
            let fast = solve(&c, n, n, true);
            match (&plain, &fast) {
                (Ok(a), Ok(b)) => {
                    proptest::prop_assert!((a.cost - b.cost).abs() < 1e-9);
                    proptest::prop_assert!(certified(&c, n, n, b));
                }
                (Err(a), Err(b)) => proptest::prop_assert_eq!(a, b),
                _ => proptest::prop_assert!(false, "{:?} vs {:?}", plain, fast),
            }
        }
    }

    /// The validation folded into the first ARR pass (rectangular) or done up front (square)
    /// reports exactly what a separate pass would: the first NaN / `-inf` in row-major order,
    /// before infeasibility, including false alarms (sums overflowing into `+inf` entries).
    #[test]
    fn folded_validation_matches_a_separate_pass() {
        let specials = [f64::NAN, -INF, INF, -1e308, 1e308];
        for seed in 1..600_u64 {
            let nrows = 1 + (seed % 9) as usize;
            let ncols = nrows + [0, 1, 3, 40][(seed % 4) as usize];
            // Integer levels too: square ones then skip the column reduction start (ties).
            let mut c = gen(
                seed,
                nrows * ncols,
                [0.0, 0.2, 0.97][(seed % 3) as usize],
                [0, 0, 0, 0, 3][(seed % 5) as usize],
            );
            let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            for _ in 0..(seed % 4) {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                let k = (s % c.len() as u64) as usize;
                c[k] = specials[((s >> 20) % specials.len() as u64) as usize];
            }
            let want = match super::super::first_invalid(&c, -INF) {
                Some(k) => Err(LapError::InvalidEntry {
                    row: k / ncols,
                    col: k % ncols,
                }),
                None => solve(&c, nrows, ncols, true),
            };
            let got = solve(&c, nrows, ncols, false);
            match (&want, &got) {
                (Ok(a), Ok(b)) => assert_eq!(a.row_to_col, b.row_to_col, "seed {seed}"),
                _ => assert_eq!(want, got, "seed {seed}"),
            }
        }
    }

    /// The chunked `two_lowest` against a plain scan: lengths around the lane and block sizes,
    /// ties, `+inf` entries.
    #[test]
    fn two_lowest_matches_a_plain_scan() {
        for seed in 1..300_u64 {
            let n = [1, 2, 7, 8, 9, 127, 128, 129, 300, 1000][(seed % 10) as usize];
            let p_inf = [0.0, 0.2, 0.9, 1.0][(seed % 4) as usize];
            let levels = [0, 1, 3, 20][((seed / 4) % 4) as usize];
            let row = gen(seed, n, p_inf, levels);
            let v = gen(seed + 1000, n, 0.0, levels);
            let (m1, j1, m2) = two_lowest(&row, &v);
            let h: Vec<f64> = row.iter().zip(&v).map(|(c, w)| c - w).collect();
            let mut sorted = h.clone();
            sorted.sort_by(f64::total_cmp);
            assert_eq!(m1, sorted[0], "seed {seed}");
            assert_eq!(m2, sorted.get(1).copied().unwrap_or(INF), "seed {seed}");
            if m1 < INF {
                assert_eq!(Some(j1), h.iter().position(|&x| x == m1), "seed {seed}");
            }
        }
    }

    /// The chunked `find_value` against a plain scan: lengths around the lane count, every
    /// start, ties, taken columns.
    #[test]
    fn find_value_matches_a_plain_scan() {
        for seed in 1..200_u64 {
            let n = [1, 7, 8, 9, 16, 17, 40][(seed % 7) as usize];
            let row = gen(seed, n, 0.1, 3);
            let v = gen(seed + 7, n, 0.0, 2);
            let row4col: Vec<usize> = gen(seed + 13, n, 0.0, 2)
                .iter()
                .map(|&x| if x == 0.0 { NONE } else { 0 })
                .collect();
            for value in [0.0, 1.0, 2.0, -1.0, INF] {
                for after in std::iter::once(NONE).chain(0..n) {
                    for free_only in [false, true] {
                        let want = (after.wrapping_add(1)..n)
                            .find(|&j| row[j] - v[j] == value && (!free_only || row4col[j] == NONE))
                            .unwrap_or(NONE);
                        let got = find_value(&row, &v, &row4col, value, after, free_only);
                        assert_eq!(got, want, "seed {seed} value {value} after {after}");
                    }
                }
            }
        }
    }

    /// The cached re-scan against a full scan: after a full scan, lower some potentials (as ARR
    /// does; with integer levels, onto ties) and ask both. Whenever the cache answers, it must
    /// be exactly what a full scan says; and it must answer often (the path is exercised).
    #[test]
    fn cached_rescan_matches_a_full_scan() {
        let (mut answered, mut asked) = (0, 0);
        for seed in 1..600_u64 {
            let n = [1, 9, 128, 129, 300, 513, 700, 1000][(seed % 8) as usize];
            let p_inf = [0.0, 0.15, 0.9][(seed % 3) as usize];
            let levels = [0, 3, 20][((seed / 3) % 3) as usize];
            let row = gen(seed, n, p_inf, levels);
            let mut v = vec![0.0; n];
            let (_, _, _, _, cache) = two_lowest_checked::<false>(&row, &v);
            let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            for _ in 0..8 {
                // Lower a few potentials, favouring the row's lowest columns.
                for _ in 0..1 + seed % 4 {
                    s ^= s << 13;
                    s ^= s >> 7;
                    s ^= s << 17;
                    let (m1, j1, _) = two_lowest(&row, &v);
                    let j = if s % 2 == 0 && m1 < INF {
                        j1
                    } else {
                        (s >> 8) as usize % n
                    };
                    let by = if levels > 0 {
                        ((s >> 40) % 3) as f64
                    } else {
                        (s >> 11) as f64 / (1u64 << 53) as f64 * 10.0
                    };
                    v[j] -= by;
                }
                asked += 1;
                if let Some(got) = two_lowest_cached(&row, &v, &cache) {
                    answered += 1;
                    assert_eq!(got, two_lowest(&row, &v), "seed {seed}");
                }
            }
        }
        assert!(answered * 4 > asked, "{answered} of {asked}");
        assert!(answered < asked, "{answered} of {asked}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// Augmenting row reduction with its row caches leaves exactly the state it leaves with
        /// every re-scan reading the whole row (potentials bit for bit, assignment, free rows in
        /// order), on wide matrices (several blocks per row) with ties and forbidden entries; the
        /// caches answer some re-scans; and the final solution is certified optimal.
        #[test]
        fn arr_row_cache_changes_nothing(
            nrows in 1_usize..400,
            extra in 0_usize..500,
            seed in proptest::prelude::any::<u64>(),
            p_inf in proptest::prop_oneof![proptest::strategy::Just(0.0), 0.0..0.5],
            levels in proptest::prop_oneof![proptest::strategy::Just(0_u64), 1_u64..40],
        ) {
            let ncols = (nrows + extra).max(3 * BLOCK + 1);
            let c = gen(seed, nrows * ncols, p_inf, levels);
            let arr = |cache: bool, raw: bool| {
                let mut v = vec![0.0; ncols];
                let mut col4row = vec![NONE; nrows];
                let mut row4col = vec![NONE; ncols];
                let mut free: Vec<usize> = (0..nrows).collect();
                let budget = ARR_SCANS_PER_ROW * nrows + 16;
                let (v4, c4, r4, f4) = (&mut v, &mut col4row, &mut row4col, &mut free);
                let hits = if cache {
                    augmenting_row_reduction::<true>(&c, ncols, v4, c4, r4, f4, budget, true, raw)
                } else {
                    augmenting_row_reduction::<false>(&c, ncols, v4, c4, r4, f4, budget, true, raw)
                };
                let bits: Vec<u64> = v.iter().map(|x| x.to_bits()).collect();
                (hits, (bits, col4row, row4col, free))
            };
            let (hits, with) = arr(true, false);
            let (raw_hits, raw_first) = arr(true, true);
            let (none, without) = arr(false, false);
            proptest::prop_assert_eq!(none.ok(), Some(0));
            proptest::prop_assert!(hits.is_ok() && raw_hits.is_ok());
            proptest::prop_assert_eq!(&with, &without);
            // The first looks from the costs alone (valid: ARR starts from v = 0) too.
            proptest::prop_assert_eq!(&raw_first, &without);
            match (solve(&c, nrows, ncols, false), solve_with_budget(&c, nrows, ncols, 0, Start::Zero, true)) {
                (Ok(a), Ok(b)) => {
                    proptest::prop_assert!((a.cost - b.cost).abs() < 1e-9);
                    proptest::prop_assert!(certified(&c, nrows, ncols, &a));
                }
                (Err(a), Err(b)) => proptest::prop_assert_eq!(a, b),
                (a, b) => proptest::prop_assert!(false, "{:?} vs {:?}", a, b),
            }
        }
    }

    /// The probe that picks the start: integer costs in a small range are tie-heavy, distinct
    /// floats are not, and a matrix with a forbidden row still decides by its other rows.
    #[test]
    fn ties_common_tells_integers_from_floats() {
        let n = 64;
        assert!(ties_common(&gen(3, n * n, 0.0, 5), n, n));
        assert!(!ties_common(&gen(3, n * n, 0.0, 0), n, n));
        let mut c = gen(4, n * n, 0.1, 4);
        c[..n].fill(INF);
        assert!(ties_common(&c, n, n));
        assert!(!ties_common(&[], 0, 0));
    }

    /// The row caches do answer re-scans on a wide random matrix (else the test above would
    /// compare a path with itself).
    #[test]
    fn arr_row_cache_is_used() {
        let (nrows, ncols) = (400, 800);
        let c = gen(7, nrows * ncols, 0.15, 0);
        let mut v = vec![0.0; ncols];
        let mut col4row = vec![NONE; nrows];
        let mut row4col = vec![NONE; ncols];
        let mut free: Vec<usize> = (0..nrows).collect();
        let mut arr = |raw_first| {
            v.fill(0.0);
            col4row.fill(NONE);
            row4col.fill(NONE);
            free = (0..nrows).collect();
            augmenting_row_reduction::<true>(
                &c,
                ncols,
                &mut v,
                &mut col4row,
                &mut row4col,
                &mut free,
                ARR_SCANS_PER_ROW * nrows,
                false,
                raw_first,
            )
        };
        let hits = arr(false);
        assert!(matches!(hits, Ok(h) if h >= 40), "{hits:?}");
        // First looks from the costs alone settle most rows with three blocks.
        let raw_hits = arr(true);
        assert!(matches!(raw_hits, Ok(h) if h >= 300 + 40), "{raw_hits:?}");
    }

    /// Every budget (none, tiny, exhausted mid-pass, default) gives the same optimum, certified.
    #[test]
    fn arr_budget_does_not_change_the_optimum() {
        for seed in 1..400_u64 {
            let nrows = 1 + (seed % 17) as usize;
            let ncols = nrows + (seed % 5) as usize;
            let p_inf = [0.0, 0.1, 0.3][(seed % 3) as usize];
            let levels = [0, 2, 5, 50][(seed % 4) as usize];
            let c = gen(seed, nrows * ncols, p_inf, levels);
            let reference = solve_with_budget(&c, nrows, ncols, 0, Start::Zero, true);
            let (z, r, cr) = (Start::Zero, Start::ZeroRawFirst, Start::ColumnReduction);
            for (budget, start) in [1, 2, 3, 5, 8, 1000, 0, 3, 1000, 0, 2, 1000]
                .into_iter()
                .zip([z, z, z, z, z, z, cr, cr, cr, r, r, r])
            {
                let got = solve_with_budget(&c, nrows, ncols, budget, start, true);
                match (&reference, &got) {
                    (Ok(a), Ok(b)) => {
                        assert!(
                            (a.cost - b.cost).abs() < 1e-9,
                            "seed {seed} budget {budget}"
                        );
                        assert!(
                            certified(&c, nrows, ncols, b),
                            "seed {seed} budget {budget}"
                        );
                    }
                    (Err(a), Err(b)) => assert_eq!(a, b),
                    _ => panic!("seed {seed} budget {budget}: {reference:?} vs {got:?}"),
                }
            }
            if let Ok(a) = &reference {
                assert!(certified(&c, nrows, ncols, a), "seed {seed}");
            }
        }
    }
}
