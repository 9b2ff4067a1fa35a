//! Augmenting paths over tight edges, between augmenting row reduction and the shortest path
//! phase.
//!
//! On tie-heavy matrices (integer costs in a small range, scores with few distinct values) the
//! rows left free by the initialisation are mostly connected to free columns by alternating paths
//! of *tight* edges: `c[i][j] - v[j]` equal to row `i`'s lowest reduced cost. Dijkstra finds them
//! all at distance 0, but pays a full pass over the columns for every row it reaches, again for
//! every free row: on integer costs 0..100 about 2,600 row passes at n = 2,000. Here each row's
//! tight columns are listed once (one pass over the row, then the list is reused by every search)
//! and the paths are found by depth-first search with lookahead (Pothen and Fan's matching
//! algorithm), in phases of row-disjoint searches until a phase finds nothing.
//!
//! Flipping a path of tight edges changes no potential and leaves every row on it with a column
//! at its lowest reduced cost, which is the invariant the shortest path phase needs. The phase
//! is only an accelerator: a row it leaves free goes to Dijkstra, so lists may be capped.
//!
//! Its cost is bounded by Dijkstra's for the same rows: a phase reads each list at most once
//! (rows are visited once per phase, lookahead positions only advance), so it costs at most
//! `nrows * MAX_TIGHT` list entries plus one pass over each row reached for the first time,
//! less than a single Dijkstra augmentation on a matrix wider than `MAX_TIGHT`; and every phase
//! but the last places at least one row.

use super::{two_lowest, LANES, NONE};

/// At most this many tight columns are listed per row (a row of a constant matrix has `ncols`;
/// the cap bounds memory, and a row with this many tight columns almost always has a free one
/// among the first few anyway).
const MAX_TIGHT: usize = 256;

/// Tight-column lists, built on first use.
struct Lists<'a> {
    costs: &'a [f64],
    ncols: usize,
    v: &'a [f64],
    /// `(start, len)` in `pool`; `start == NONE` while not built.
    span: Vec<(usize, usize)>,
    pool: Vec<u32>,
}

impl Lists<'_> {
    /// Row `i`'s tight columns, ascending. `level` is its current reduced cost (assigned rows)
    /// or lowest reduced cost (free rows): every column at exactly that value.
    fn get(&mut self, i: usize, col4row: &[usize]) -> (usize, usize) {
        if self.span[i].0 != NONE {
            return self.span[i];
        }
        let ncols = self.ncols;
        let row = &self.costs[i * ncols..(i + 1) * ncols];
        let v = self.v;
        let level = match col4row[i] {
            NONE => two_lowest(row, v).0,
            j => row[j] - v[j],
        };
        let start = self.pool.len();
        if level.is_finite() {
            // Branch-free count per chunk (SIMD compares); only chunks with a hit are looked at.
            let mut found = 0;
            for (k, (r, w)) in row.chunks(LANES).zip(v.chunks(LANES)).enumerate() {
                let hits: u32 = r
                    .iter()
                    .zip(w)
                    .map(|(c, x)| u32::from(c - x == level))
                    .sum();
                if hits == 0 {
                    continue;
                }
                for (l, (c, x)) in r.iter().zip(w).enumerate() {
                    if c - x == level {
                        self.pool.push((k * LANES + l) as u32);
                        found += 1;
                    }
                }
                if found >= MAX_TIGHT {
                    break;
                }
            }
        }
        self.span[i] = (start, self.pool.len() - start);
        self.span[i]
    }
}

/// Assigns as many of the `free` rows as alternating paths of tight edges allow; `free` keeps
/// the others, in their order.
pub(super) fn augment_tight(
    costs: &[f64],
    ncols: usize,
    v: &[f64],
    col4row: &mut [usize],
    row4col: &mut [usize],
    free: &mut Vec<usize>,
) {
    let nrows = col4row.len();
    if free.is_empty() || ncols >= u32::MAX as usize {
        return;
    }
    let mut lists = Lists {
        costs,
        ncols,
        v,
        span: vec![(NONE, 0); nrows],
        pool: Vec::new(),
    };
    // Per phase: rows visited (phase number), and how far each row's lookahead for a free
    // column has got (columns only ever stop being free within a phase).
    let mut visited = vec![0_u32; nrows];
    let mut look = vec![0_usize; nrows];
    // The search path: (row, position in its list of the next column to try).
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let mut phase = 0_u32;
    loop {
        phase += 1;
        look.fill(0);
        let before = free.len();
        let mut kept = 0;
        for k in 0..before {
            let f = free[k];
            if search(
                f,
                phase,
                &mut lists,
                &mut visited,
                &mut look,
                &mut stack,
                row4col,
                col4row,
            ) {
                continue;
            }
            free[kept] = f;
            kept += 1;
        }
        free.truncate(kept);
        if kept == 0 || kept == before {
            break;
        }
    }
}

/// One depth-first search from free row `f` over rows not yet visited in this phase; on
/// reaching a free column, flips the path and returns true.
#[allow(clippy::too_many_arguments)]
fn search(
    f: usize,
    phase: u32,
    lists: &mut Lists<'_>,
    visited: &mut [u32],
    look: &mut [usize],
    stack: &mut Vec<(usize, usize)>,
    row4col: &mut [usize],
    col4row: &mut [usize],
) -> bool {
    stack.clear();
    visited[f] = phase;
    stack.push((f, 0));
    while let Some(&(i, pos)) = stack.last() {
        let (start, len) = lists.get(i, col4row);
        let list = &lists.pool[start..start + len];
        // Lookahead: a free column among the row's tight ones ends the search.
        let sink = loop {
            match list.get(look[i]) {
                None => break NONE,
                Some(&j) => {
                    look[i] += 1;
                    if row4col[j as usize] == NONE {
                        break j as usize;
                    }
                }
            }
        };
        if sink != NONE {
            flip(stack, &lists.pool, &lists.span, sink, row4col, col4row);
            return true;
        }
        // Descend into the first unvisited row holding one of the row's tight columns.
        let next = list[pos..]
            .iter()
            .position(|&j| visited[row4col[j as usize]] != phase);
        let depth = stack.len() - 1;
        match next {
            Some(k) => {
                stack[depth].1 = pos + k + 1;
                let r = row4col[list[pos + k] as usize];
                visited[r] = phase;
                stack.push((r, 0));
            }
            None => {
                stack.pop();
            }
        }
    }
    false
}

/// Flips the path on `stack`: the last row takes `sink`, every other row the column it
/// descended through (the last one it tried, at `pos - 1` of its list), whose holder is the
/// next row on the stack.
fn flip(
    stack: &[(usize, usize)],
    pool: &[u32],
    span: &[(usize, usize)],
    sink: usize,
    row4col: &mut [usize],
    col4row: &mut [usize],
) {
    let mut j = sink;
    for t in (0..stack.len()).rev() {
        let i = stack[t].0;
        col4row[i] = j;
        row4col[j] = i;
        if t > 0 {
            let (parent, pos) = stack[t - 1];
            j = pool[span[parent].0 + pos - 1] as usize;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{augmenting_row_reduction, tests::gen};
    use super::*;

    /// Whether row `i` can reach a free column by an alternating path of tight edges (plain
    /// recursive search, as in Kuhn's algorithm).
    fn reaches_free(i: usize, tight: &[Vec<usize>], row4col: &[usize], seen: &mut [bool]) -> bool {
        for &j in &tight[i] {
            let r = row4col[j];
            if r == NONE {
                return true;
            }
            if !seen[r] {
                seen[r] = true;
                if reaches_free(r, tight, row4col, seen) {
                    return true;
                }
            }
        }
        false
    }

    proptest::proptest! {
        /// After the phase: the assignment is consistent, keeps every row it had, every
        /// assigned row holds a column at its lowest reduced cost, and no free row has an
        /// augmenting path of tight edges left (so by Berge's theorem the matching is maximum in
        /// the tight graph).
        #[test]
        fn leaves_a_maximum_tight_matching(
            nrows in 1_usize..40,
            extra in 0_usize..3,
            seed in proptest::prelude::any::<u64>(),
            p_inf in proptest::prop_oneof![proptest::strategy::Just(0.0), 0.0..0.5],
            levels in 2_u64..12,
            budget in 0_usize..4,
        ) {
            let ncols = nrows + extra;
            let c = gen(seed, nrows * ncols, p_inf, levels);
            let mut v = vec![0.0; ncols];
            let mut col4row = vec![NONE; nrows];
            let mut row4col = vec![NONE; ncols];
            let mut free: Vec<usize> = (0..nrows).collect();
            augmenting_row_reduction::<true>(
                &c, ncols, &mut v, &mut col4row, &mut row4col, &mut free, budget, false, false,
            )
            .unwrap();
            let before: Vec<bool> = col4row.iter().map(|&j| j != NONE).collect();
            augment_tight(&c, ncols, &v, &mut col4row, &mut row4col, &mut free);

            let lowest = |i: usize| {
                (0..ncols).map(|j| c[i * ncols + j] - v[j]).fold(f64::INFINITY, f64::min)
            };
            let tight: Vec<Vec<usize>> = (0..nrows)
                .map(|i| {
                    let m = lowest(i);
                    (0..ncols)
                        .filter(|&j| m.is_finite() && c[i * ncols + j] - v[j] == m)
                        .collect()
                })
                .collect();
            for i in 0..nrows {
                let j = col4row[i];
                proptest::prop_assert_eq!(j == NONE, free.contains(&i));
                if j == NONE {
                    proptest::prop_assert!(!before[i], "row {} lost its column", i);
                    let mut seen = vec![false; nrows];
                    proptest::prop_assert!(
                        !reaches_free(i, &tight, &row4col, &mut seen),
                        "row {} still has a tight augmenting path", i
                    );
                } else {
                    proptest::prop_assert_eq!(row4col[j], i);
                    proptest::prop_assert!(tight[i].contains(&j), "row {} holds a loose column", i);
                }
            }
            for (j, &i) in row4col.iter().enumerate() {
                proptest::prop_assert!(i == NONE || col4row[i] == j);
            }
        }
    }
}
