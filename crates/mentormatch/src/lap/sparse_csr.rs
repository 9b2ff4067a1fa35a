//! Minimum weight full matching of a bipartite graph given as a sparse (CSR) biadjacency
//! matrix: the semantics of `scipy.sparse.csgraph.min_weight_full_bipartite_matching`, for
//! analysts whose own score matrices are sparse.
//!
//! Every stored entry is an edge (explicit zeros are the caller's business: scipy drops them
//! with a warning, and so does the Python wrapper). A full matching matches every vertex of the
//! smaller side; when none exists the answer is [`LapError::Infeasible`].
//!
//! # Algorithm
//! Successive shortest augmenting paths with potentials (Jonker-Volgenant's sparse variant
//! without its initialisation heuristics, plus a greedy start):
//! 1. Row reduction: `u_i = min_j c_ij`, `v_j = 0`, so every reduced cost
//!    `r_ij = c_ij - u_i - v_j` is non-negative; a row's cheapest free column is taken at once.
//! 2. Each row left free grows a Dijkstra tree over reduced costs until it pops a free column
//!    at distance `D`; the path is flipped, then every scanned row `i` (reached at `d_i`) gets
//!    `u_i += D - d_i` and every settled column `j` gets `v_j -= D - d_j`.
//!
//! Why the result is optimal: the update keeps `r_ij >= 0` on every edge (a settled column has
//! `d_j <= d_i + r_ij`; an unsettled one `d_i + r_ij >= D`) and `r = 0` on every matched edge
//! and along the flipped path, and columns never matched keep `v = 0`. Those are the
//! complementary slackness conditions of the assignment LP over the rows matched so far, so
//! each augmentation keeps the matching optimal for its size (the classic successive shortest
//! path argument), and the last one is optimal among full matchings.
//!
//! Work: each free row costs one Dijkstra that stops at the first free column popped, with a
//! binary heap over the edges it scans. Marks are stamped by generation, so nothing is reset
//! between searches.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::LapError;

/// A CSR index type: numpy and scipy use 32- or 64-bit signed integers.
pub trait CsrIndex: Copy + Send + Sync {
    /// The index as `usize`; `None` when negative.
    fn index(self) -> Option<usize>;
}

macro_rules! csr_index {
    ($($t:ty),*) => {$(
        impl CsrIndex for $t {
            fn index(self) -> Option<usize> {
                usize::try_from(self).ok()
            }
        }
    )*};
}
csr_index!(i32, i64, u32, u64, usize);

/// A sparse biadjacency matrix in CSR form, borrowed from the caller (no copy).
#[derive(Debug, Clone, Copy)]
pub struct Csr<'a, I> {
    /// Rows.
    pub nrows: usize,
    /// Columns.
    pub ncols: usize,
    /// `nrows + 1` offsets into `indices` and `data`.
    pub indptr: &'a [I],
    /// Column of each entry.
    pub indices: &'a [I],
    /// Weight of each entry.
    pub data: &'a [f64],
}

/// Why a CSR matrix cannot be read.
fn malformed(what: &str) -> LapError {
    LapError::Malformed(what.to_string())
}

/// The matrix as plain `usize` rows of `(column, weight)`, validated: offsets within range and
/// non-decreasing, columns within range, weights finite after the sign for `maximize` (a NaN
/// or a `-inf` when minimising is an error; `+inf` is an edge never worth taking, dropped).
fn validated<I: CsrIndex>(
    m: &Csr<'_, I>,
    maximize: bool,
) -> Result<Vec<Vec<(u32, f64)>>, LapError> {
    if m.indptr.len() != m.nrows + 1 {
        return Err(malformed(
            "indptr must have one entry more than there are rows",
        ));
    }
    if m.indices.len() != m.data.len() {
        return Err(malformed("indices and data must have the same length"));
    }
    if m.ncols > u32::MAX as usize {
        return Err(malformed("more than 2^32 - 1 columns"));
    }
    let sign = if maximize { -1.0 } else { 1.0 };
    let mut rows = Vec::with_capacity(m.nrows);
    for i in 0..m.nrows {
        let (a, b) = match (m.indptr[i].index(), m.indptr[i + 1].index()) {
            (Some(a), Some(b)) if a <= b && b <= m.data.len() => (a, b),
            _ => {
                return Err(malformed(
                    "indptr must be non-decreasing and within the data",
                ))
            }
        };
        let mut row = Vec::with_capacity(b - a);
        for k in a..b {
            let j = match m.indices[k].index() {
                Some(j) if j < m.ncols => j,
                _ => return Err(malformed("a column index is out of range")),
            };
            let c = sign * m.data[k];
            if c.is_nan() || c == f64::NEG_INFINITY {
                return Err(LapError::InvalidEntry { row: i, col: j });
            }
            if c.is_finite() {
                row.push((j as u32, c));
            }
        }
        rows.push(row);
    }
    Ok(rows)
}

/// The transpose of `rows` (each row's entries become column entries), for tall matrices.
fn transpose(rows: &[Vec<(u32, f64)>], ncols: usize) -> Vec<Vec<(u32, f64)>> {
    let mut out: Vec<Vec<(u32, f64)>> = vec![Vec::new(); ncols];
    for (i, row) in rows.iter().enumerate() {
        for &(j, c) in row {
            out[j as usize].push((i as u32, c));
        }
    }
    out
}

/// A heap entry: a column at a tentative distance (smallest first, then lowest column).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry(f64, u32);

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .0
            .total_cmp(&self.0)
            .then_with(|| other.1.cmp(&self.1))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

const NONE: u32 = u32::MAX;

/// Minimum cost matching of every row (rows <= cols) over `rows`' edges.
fn solve_rows(rows: &[Vec<(u32, f64)>], ncols: usize) -> Result<Vec<u32>, LapError> {
    let n = rows.len();
    let mut u = vec![0.0f64; n];
    let mut v = vec![0.0f64; ncols];
    let mut row_to_col = vec![NONE; n];
    let mut col_to_row = vec![NONE; ncols];

    // Row reduction and a greedy start on the tight edges.
    for (i, row) in rows.iter().enumerate() {
        let Some(&(first, c0)) = row.first() else {
            return Err(LapError::Infeasible);
        };
        let (mut best, mut bj) = (c0, first);
        for &(j, c) in &row[1..] {
            if c < best || (c == best && j < bj) {
                best = c;
                bj = j;
            }
        }
        u[i] = best;
        if col_to_row[bj as usize] == NONE {
            row_to_col[i] = bj;
            col_to_row[bj as usize] = i as u32;
        }
    }

    let mut dist = vec![f64::INFINITY; ncols];
    let mut seen = vec![0u32; ncols]; // generation that gave `dist` its value
    let mut settled = vec![0u32; ncols]; // generation that settled the column
    let mut pred = vec![NONE; ncols];
    let mut heap = BinaryHeap::new();
    let mut scanned_rows: Vec<(u32, f64)> = Vec::new();
    let mut settled_cols: Vec<u32> = Vec::new();
    let mut generation = 0u32;

    for s in 0..n {
        if row_to_col[s] != NONE {
            continue;
        }
        generation += 1;
        heap.clear();
        scanned_rows.clear();
        settled_cols.clear();
        let mut row = s as u32;
        let mut d_row = 0.0;
        let (sink, d_sink) = loop {
            scanned_rows.push((row, d_row));
            let ui = u[row as usize];
            for &(j, c) in &rows[row as usize] {
                let ju = j as usize;
                if settled[ju] == generation {
                    continue;
                }
                let nd = d_row + (c - ui - v[ju]).max(0.0);
                if seen[ju] != generation || nd < dist[ju] {
                    seen[ju] = generation;
                    dist[ju] = nd;
                    pred[ju] = row;
                    heap.push(Entry(nd, j));
                }
            }
            // The nearest column not yet settled.
            let (d, j) = loop {
                match heap.pop() {
                    None => return Err(LapError::Infeasible),
                    Some(Entry(d, j))
                        if settled[j as usize] != generation && d == dist[j as usize] =>
                    {
                        break (d, j)
                    }
                    Some(_) => {}
                }
            };
            settled[j as usize] = generation;
            settled_cols.push(j);
            let owner = col_to_row[j as usize];
            if owner == NONE {
                break (j, d);
            }
            row = owner;
            d_row = d;
        };
        // Potentials, then the path flip (the sink's own distance is `d_sink`: no change).
        for &(i, d) in &scanned_rows {
            u[i as usize] += d_sink - d;
        }
        for &j in &settled_cols {
            v[j as usize] -= d_sink - dist[j as usize];
        }
        let mut j = sink;
        loop {
            let i = pred[j as usize];
            let next = row_to_col[i as usize];
            row_to_col[i as usize] = j;
            col_to_row[j as usize] = i;
            if i as usize == s {
                break;
            }
            j = next;
        }
    }
    Ok(row_to_col)
}

/// scipy's `min_weight_full_bipartite_matching`: `(row_ind, col_ind)` of a minimum (or, with
/// `maximize`, maximum) weight matching that matches every row or every column, whichever side
/// is smaller; `row_ind` is sorted. Stored entries are edges; `+inf` (minimising) or `-inf`
/// (maximising) entries are edges never worth taking and are ignored.
///
/// # Errors
/// [`LapError::Infeasible`] when no full matching exists; [`LapError::InvalidEntry`] for a NaN
/// (or `-inf` when minimising, `+inf` when maximising); [`LapError::Malformed`] for CSR arrays
/// that do not describe a matrix of the given shape.
pub fn min_weight_full_bipartite_matching<I: CsrIndex>(
    m: &Csr<'_, I>,
    maximize: bool,
) -> Result<(Vec<usize>, Vec<usize>), LapError> {
    let rows = validated(m, maximize)?;
    if m.nrows == 0 || m.ncols == 0 {
        return Ok((Vec::new(), Vec::new()));
    }
    if m.nrows <= m.ncols {
        let r2c = solve_rows(&rows, m.ncols)?;
        Ok((
            (0..m.nrows).collect(),
            r2c.into_iter().map(|j| j as usize).collect(),
        ))
    } else {
        let cols = transpose(&rows, m.ncols);
        drop(rows);
        let c2r = solve_rows(&cols, m.nrows)?;
        let mut pairs: Vec<(usize, usize)> = c2r
            .into_iter()
            .enumerate()
            .map(|(j, i)| (i as usize, j))
            .collect();
        pairs.sort_unstable();
        Ok(pairs.into_iter().unzip())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csr(dense: &[&[f64]]) -> (usize, usize, Vec<i64>, Vec<i64>, Vec<f64>) {
        let (nrows, ncols) = (dense.len(), dense.first().map_or(0, |r| r.len()));
        let (mut indptr, mut indices, mut data) = (vec![0i64], Vec::new(), Vec::new());
        for row in dense {
            for (j, &x) in row.iter().enumerate() {
                if x != 0.0 {
                    indices.push(j as i64);
                    data.push(x);
                }
            }
            indptr.push(indices.len() as i64);
        }
        (nrows, ncols, indptr, indices, data)
    }

    fn solve(dense: &[&[f64]], maximize: bool) -> Result<(Vec<usize>, Vec<usize>), LapError> {
        let (nrows, ncols, indptr, indices, data) = csr(dense);
        let m = Csr {
            nrows,
            ncols,
            indptr: &indptr,
            indices: &indices,
            data: &data,
        };
        min_weight_full_bipartite_matching(&m, maximize)
    }

    #[test]
    fn scipy_examples() {
        let (r, c) = solve(
            &[&[3.0, 3.0, 6.0], &[4.0, 3.0, 5.0], &[10.0, 1.0, 8.0]],
            false,
        )
        .unwrap();
        assert_eq!((r, c), (vec![0, 1, 2], vec![0, 2, 1]));
        let tall: &[&[f64]] = &[&[1.0, 0.0], &[2.0, 0.0], &[5.0, 0.0]];
        assert_eq!(solve(tall, false), Err(LapError::Infeasible));
        let (r, c) = solve(
            &[
                &[400.0, 150.0, 400.0, 1.0],
                &[400.0, 450.0, 600.0, 2.0],
                &[300.0, 225.0, 300.0, 3.0],
            ],
            false,
        )
        .unwrap();
        // Columns 0 and 2 tie for row 2; the weights are scipy's expected [150, 2, 300].
        assert_eq!((r, &c[..2]), (vec![0, 1, 2], &[1, 3][..]));
        assert!(c[2] == 0 || c[2] == 2);
    }

    #[test]
    fn bad_entries_and_shapes_are_errors() {
        assert_eq!(
            solve(&[&[f64::NAN, 1.0], &[1.0, 2.0]], false),
            Err(LapError::InvalidEntry { row: 0, col: 0 })
        );
        let m = Csr::<i64> {
            nrows: 2,
            ncols: 2,
            indptr: &[0, 1],
            indices: &[0],
            data: &[1.0],
        };
        assert!(matches!(
            min_weight_full_bipartite_matching(&m, false),
            Err(LapError::Malformed(_))
        ));
    }
}
