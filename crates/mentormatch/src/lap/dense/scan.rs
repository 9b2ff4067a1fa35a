//! Row scans: the lowest and second lowest reduced cost of a row (`two_lowest` and its checked,
//! cached and raw variants) and the search for a column at a given value. Every scan is a
//! branch-free loop over `LANES` independent accumulators that LLVM vectorises, so the solver's
//! passes over memory run at SIMD speed without `unsafe`.

use super::{INF, NONE};

/// Lanes of the chunked scans: independent accumulators the compiler keeps in SIMD registers
/// (two SSE2 vectors of `f64` at the baseline x86-64 level).
pub(super) const LANES: usize = 8;

/// Columns per block of [`two_lowest`]: the block holding the minimum is rescanned for its index.
pub(super) const BLOCK: usize = 128;

/// The lowest value of `row[j] - v[j]`, its lowest index, and the second lowest value (of the
/// multiset: equal to the lowest when it occurs twice). Returns `(m1, j1, m2)`; `m1 == INF`
/// when every entry is `+inf` (then `j1` is meaningless).
///
/// Branch-free over `LANES` independent accumulators so that it vectorises; every `h` is
/// computed exactly as `row[j] - v[j]`, so a later scan for a value finds the same columns.
#[inline]
pub(super) fn two_lowest(row: &[f64], v: &[f64]) -> (f64, usize, f64) {
    let (m1, j1, m2, _, _) = two_lowest_checked::<false>(row, v);
    (m1, j1, m2)
}

/// Blocks of [`BLOCK`] columns remembered per row by augmenting row reduction (see
/// [`RowCache`]). Three: after an eviction the row's new lowest and second lowest are, nearly
/// always, among its three lowest entries at the last full scan, and those lie in three
/// different blocks most of the time.
pub(super) const CACHED_BLOCKS: usize = 3;

/// What a full scan of a row leaves for a cheap re-scan in augmenting row reduction: the
/// `CACHED_BLOCKS` blocks with the lowest block minima (ascending block index, [`NONE`] when the
/// row has fewer blocks) and `bound`, the lowest entry of every other block, at the time of
/// the scan. Column potentials only decrease during ARR, so a column's `row[j] - v[j]` only
/// grows (subtraction rounds monotonically): the other blocks stay `>= bound`, and a scan of
/// just these blocks gives the row's exact `(m1, j1, m2)` whenever its lowest value is
/// `< bound` and its second lowest `<= bound` (see [`two_lowest_cached`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct RowCache {
    pub(super) blocks: [usize; CACHED_BLOCKS],
    pub(super) bound: f64,
}

impl RowCache {
    /// No scan yet.
    pub(super) const EMPTY: RowCache = RowCache {
        blocks: [NONE; CACHED_BLOCKS],
        bound: -INF,
    };
}

/// Minimum of `rb[j] - vb[j]` over one block, adding the reduced costs to the lane sums `sum`
/// (the last `len % LANES` to `tsum`) when `CHECK`.
#[inline(always)]
fn block_min<const CHECK: bool>(
    rb: &[f64],
    vb: &[f64],
    sum: &mut [f64; LANES],
    tsum: &mut f64,
) -> f64 {
    let mut a = [INF; LANES];
    let rc = rb.chunks_exact(LANES);
    let vc = vb.chunks_exact(LANES);
    let (rt, vt) = (rc.remainder(), vc.remainder());
    for (r, w) in rc.zip(vc) {
        let h: [f64; LANES] = std::array::from_fn(|l| r[l] - w[l]);
        // Accumulator first: `minpd acc, x` updates it in place (the other order costs a
        // `movapd` per vector per step).
        a = std::array::from_fn(|l| min(a[l], h[l]));
        if CHECK {
            *sum = std::array::from_fn(|l| sum[l] + h[l]);
        }
    }
    // The last few columns go to a separate scalar: touching the lane array here makes
    // LLVM scalarise lanes of the loop above.
    let mut t = INF;
    for (&c, &w) in rt.iter().zip(vt) {
        t = min(c - w, t);
        if CHECK {
            *tsum += c - w;
        }
    }
    a.iter().fold(t, |m, &x| min(x, m))
}

/// The lowest index in block `b` holding `best`, and the lowest other value of the block.
///
/// A scalar search for the index (it stops there: half a block on average), then the plain SIMD
/// minimum of the entries before and after it: everything before is `> best`, so that is the
/// lowest of the others (`best` again if it occurs twice). A single branchy scalar pass over the
/// block cost ~17 instructions per entry, 14% of a 2000 x 4000 solve.
#[inline(always)]
fn index_and_second(row: &[f64], v: &[f64], b: usize, best: f64) -> (usize, f64) {
    let start = b * BLOCK;
    let end = (start + BLOCK).min(row.len());
    let (rb, vb) = (&row[start..end], &v[start..end]);
    let (mut sum, mut tsum) = ([0.0; LANES], 0.0);
    match rb.iter().zip(vb).position(|(&c, &w)| c - w == best) {
        Some(k) => {
            let before = block_min::<false>(&rb[..k], &vb[..k], &mut sum, &mut tsum);
            let after = block_min::<false>(&rb[k + 1..], &vb[k + 1..], &mut sum, &mut tsum);
            (start + k, min(before, after))
        }
        // Not reached: `best` was computed from this block by the same subtraction.
        None => (NONE, block_min::<false>(rb, vb, &mut sum, &mut tsum)),
    }
}

/// Files block `b`'s minimum `m` into `top` (the `CACHED_BLOCKS` lowest, sorted, the earlier
/// block first on ties) or, if it does not get in (or pushes one out), into `others`.
#[inline(always)]
fn keep_lowest(top: &mut [(f64, usize); CACHED_BLOCKS], others: &mut f64, m: f64, b: usize) {
    let last = top[CACHED_BLOCKS - 1];
    if m < last.0 || last.1 == NONE {
        // Rare after the first few blocks.
        if last.1 != NONE {
            *others = min(last.0, *others);
        }
        let mut k = CACHED_BLOCKS - 1;
        while k > 0 && (m < top[k - 1].0 || top[k - 1].1 == NONE) {
            top[k] = top[k - 1];
            k -= 1;
        }
        top[k] = (m, b);
    } else {
        *others = min(m, *others);
    }
}

/// [`two_lowest`], and with `CHECK` also whether the row may hold a NaN or `-inf` (a lane sum
/// of the reduced costs is NaN, or the minimum is `-inf`; `v` is finite). It can raise a false
/// alarm (a sum overflowing to `-inf` meeting a `+inf`), never miss one. Also returns the
/// [`RowCache`] of the row.
#[inline]
pub(super) fn two_lowest_checked<const CHECK: bool>(
    row: &[f64],
    v: &[f64],
) -> (f64, usize, f64, bool, RowCache) {
    let mut sum = [0.0_f64; LANES];
    let mut tsum = 0.0;
    // Per block of `BLOCK` columns only the minimum is computed (one `minpd` per two entries);
    // the block holding the overall minimum (the first one, on ties) is then rescanned for the
    // index and its own second lowest, and the second lowest overall is the smaller of that and
    // the other blocks' minima. The `CACHED_BLOCKS` lowest block minima are kept sorted (the
    // earlier block first on ties), `others` is the lowest of the rest.
    let mut top = [(INF, NONE); CACHED_BLOCKS];
    let mut others = INF;
    for (b, (rb, vb)) in row.chunks(BLOCK).zip(v.chunks(BLOCK)).enumerate() {
        let m = block_min::<CHECK>(rb, vb, &mut sum, &mut tsum);
        keep_lowest(&mut top, &mut others, m, b);
    }
    let (best, best_block) = top[0];
    // The second lowest block minimum is `top[1]` (or `others` when only one block is kept).
    let rest = top[1..].iter().fold(others, |m, &(x, _)| min(x, m));
    let (j1, second) = index_and_second(row, v, best_block, best);
    let suspicious = CHECK && (best == -INF || tsum.is_nan() || sum.iter().any(|x| x.is_nan()));
    let mut blocks = top.map(|(_, b)| b);
    blocks.sort_unstable();
    let cache = RowCache {
        blocks,
        bound: others,
    };
    (best, j1, min(second, rest), suspicious, cache)
}

/// `(m1, j1, m2)` of a row (as [`two_lowest`] would return now) from its [`RowCache`] alone,
/// reading only the cached blocks, or `None` when that does not determine them. Exact: every
/// column outside the blocks is `>= cache.bound`, so a lowest value `< bound` has all its
/// columns (and the lowest index) inside, and a second lowest `<= bound` is the overall one.
#[inline]
pub(super) fn two_lowest_cached(
    row: &[f64],
    v: &[f64],
    cache: &RowCache,
) -> Option<(f64, usize, f64)> {
    let (mut best, mut best_block, mut others) = (INF, NONE, INF);
    let (mut sum, mut tsum) = ([0.0; LANES], 0.0);
    // Ascending block order: the first block holding the minimum has its lowest index.
    for &b in &cache.blocks {
        if b == NONE {
            break;
        }
        let start = b * BLOCK;
        let end = (start + BLOCK).min(row.len());
        let m = block_min::<false>(&row[start..end], &v[start..end], &mut sum, &mut tsum);
        if m < best {
            others = min(best, others);
            best = m;
            best_block = b;
        } else {
            others = min(m, others);
        }
    }
    if best >= cache.bound {
        return None;
    }
    let (j1, second) = index_and_second(row, v, best_block, best);
    let m2 = min(second, others);
    (m2 <= cache.bound).then_some((best, j1, m2))
}

/// The [`RowCache`] of a row as if `v` were 0 (block minima of the costs alone), and with
/// `CHECK` whether the row may hold a NaN or `-inf` (as [`two_lowest_checked`]). Valid for
/// [`two_lowest_cached`] while `v <= 0`: then `row[j] - v[j] >= row[j]` (rounding is monotone),
/// so every other block stays `>= bound`. Reads one stream instead of two and subtracts
/// nothing: about half the instructions of a full scan.
pub(super) fn raw_cache<const CHECK: bool>(row: &[f64]) -> (RowCache, bool) {
    let mut sum = [0.0_f64; LANES];
    let mut tsum = 0.0;
    let mut top = [(INF, NONE); CACHED_BLOCKS];
    let mut others = INF;
    for (b, rb) in row.chunks(BLOCK).enumerate() {
        let mut a = [INF; LANES];
        let rc = rb.chunks_exact(LANES);
        let rt = rc.remainder();
        for r in rc {
            a = std::array::from_fn(|l| min(a[l], r[l]));
            if CHECK {
                sum = std::array::from_fn(|l| sum[l] + r[l]);
            }
        }
        let mut t = INF;
        for &c in rt {
            t = min(c, t);
            if CHECK {
                tsum += c;
            }
        }
        let m = a.iter().fold(t, |m, &x| min(x, m));
        keep_lowest(&mut top, &mut others, m, b);
    }
    let suspicious = CHECK && (top[0].0 == -INF || tsum.is_nan() || sum.iter().any(|x| x.is_nan()));
    let mut blocks = top.map(|(_, b)| b);
    blocks.sort_unstable();
    (
        RowCache {
            blocks,
            bound: others,
        },
        suspicious,
    )
}

/// `a < b ? a : b` (one `minpd`/`minsd`; no NaN handling needed: our values are never NaN).
#[inline(always)]
pub(super) fn min(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// `a > b ? a : b`.
#[inline(always)]
pub(super) fn max(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

/// The lowest column `j > after` (any `j` when `after == NONE`) with `row[j] - v[j] == value`
/// and, if `free_only`, no row assigned to it.
///
/// Chunks of `LANES` columns are tested with a branch-free count of equal entries (SIMD
/// compares) and only a chunk with a hit is looked at one column at a time: on tie-heavy
/// matrices this runs over most of a row for many rows.
pub(super) fn find_value(
    row: &[f64],
    v: &[f64],
    row4col: &[usize],
    value: f64,
    after: usize,
    free_only: bool,
) -> usize {
    let start = after.wrapping_add(1).min(row.len());
    let wanted = |j: usize| row[j] - v[j] == value && (!free_only || row4col[j] == NONE);
    let rc = row[start..].chunks_exact(LANES);
    let tail = start + (row.len() - start) / LANES * LANES;
    for (k, (r, w)) in rc.zip(v[start..].chunks_exact(LANES)).enumerate() {
        let hits: u32 = (0..LANES).map(|l| u32::from(r[l] - w[l] == value)).sum();
        if hits > 0 {
            let base = start + k * LANES;
            if let Some(j) = (base..base + LANES).find(|&j| wanted(j)) {
                return j;
            }
        }
    }
    (tail..row.len()).find(|&j| wanted(j)).unwrap_or(NONE)
}
