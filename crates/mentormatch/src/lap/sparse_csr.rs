//! Minimum weight full matching of a bipartite graph given as a sparse (CSR) biadjacency
//! matrix: the semantics of `scipy.sparse.csgraph.min_weight_full_bipartite_matching`, for
//! analysts whose own score matrices are sparse.
//!
//! Every stored entry is an edge (explicit zeros are the caller's business: scipy drops them
//! with a warning, and so does the Python wrapper). A full matching matches every vertex of the
//! smaller side; when none exists the answer is [`LapError::Infeasible`].
//!
//! # Algorithm
//! Jonker-Volgenant's sparse variant (LAPJVsp) without column reduction, which would break the
//! rectangular certificate:
//! 1. Augmenting row reduction from `v = 0` (see `augmenting_row_reduction`) assigns most
//!    rows cheaply; then `u_i = min_j (c_ij - v_j)`, so every reduced cost
//!    `r_ij = c_ij - u_i - v_j` is non-negative and zero on every assigned pair.
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
//! Square matrices start with JV's column reduction and reduction transfer (valid there
//! because every column ends up assigned, so `v` may take any sign).
//!
//! Work: each free row costs one Dijkstra that stops at the first free column settled. What
//! keeps it cheap (measured in `benches/RESULTS.md`):
//! - Each row's `8 + len/16` cheapest edges are selected once, sorted by cost and copied into
//!   one compact array (`Graph::hot`) that the searches read; the rest of the row stays in
//!   the flat copy of the matrix with a lower bound on its `c - v_j`, taken after the
//!   reductions and valid for good because `v` only decreases.
//! - The nearest free column found so far (distance `best`) prunes: no column at `best` or
//!   beyond is queued (free columns win ties), a sorted prefix is left as soon as
//!   `c - max(v) - u_i` reaches `best`, the rest of a row is skipped when its bound does, and
//!   the search ends when the queue's nearest is no nearer than `best`. Free columns never
//!   enter the binary heap (keys: distance bits, which order like the non-negative distances).
//! - A column's `v`, tentative distance, owner and predecessor sit in one struct (one cache
//!   line per scanned edge); distances touched by a search are reset after it.
//!
//! The reductions use the same prefixes and bounds (a row's two least `c - v_j`, the transfer's
//! least over the other columns), skipping the rest when the bound shows it cannot matter.
//! On random square graphs about 1 in 25 rows (n = 10k, 1%) to 1 in 11 (10%) and 1 in 25
//! (n = 100k, 0.1%) is left for the shortest paths after the reductions; at 100k a search
//! scans about 1,400 rows and 14 edges per row.

use std::cmp::Reverse;
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

/// Row offsets (`start[i]..start[i + 1]`) into one flat array of `(column, weight)` edges.
type FlatEdges = (Vec<usize>, Vec<(u32, f64)>);

/// The matrix as one flat array of `(column, weight)` edges with row offsets, validated:
/// offsets within range and non-decreasing, columns within range, weights finite after the
/// sign for `maximize` (a NaN or a `-inf` when minimising is an error; `+inf` is an edge never
/// worth taking, dropped).
fn validated<I: CsrIndex>(m: &Csr<'_, I>, maximize: bool) -> Result<FlatEdges, LapError> {
    if m.indptr.len() != m.nrows + 1 {
        return Err(malformed(
            "indptr must have one entry more than there are rows",
        ));
    }
    if m.indices.len() != m.data.len() {
        return Err(malformed("indices and data must have the same length"));
    }
    if m.ncols > u32::MAX as usize || m.nrows > u32::MAX as usize {
        return Err(malformed("more than 2^32 - 1 rows or columns"));
    }
    let sign = if maximize { -1.0 } else { 1.0 };
    let mut start = Vec::with_capacity(m.nrows + 1);
    start.push(0);
    let mut edges = Vec::with_capacity(m.data.len());
    for (i, w) in m.indptr.windows(2).enumerate() {
        let (a, b) = match (w[0].index(), w[1].index()) {
            (Some(a), Some(b)) if a <= b && b <= m.data.len() => (a, b),
            _ => {
                return Err(malformed(
                    "indptr must be non-decreasing and within the data",
                ))
            }
        };
        for (&index, &x) in m.indices[a..b].iter().zip(&m.data[a..b]) {
            let j = match index.index() {
                Some(j) if j < m.ncols => j,
                _ => return Err(malformed("a column index is out of range")),
            };
            let c = sign * x;
            if c.is_nan() || c == f64::NEG_INFINITY {
                return Err(LapError::InvalidEntry { row: i, col: j });
            }
            if c.is_finite() {
                edges.push((j as u32, c));
            }
        }
        start.push(edges.len());
    }
    Ok((start, edges))
}

/// The transpose of a flat edge array (a counting sort by column), for tall matrices.
fn transpose(start: &[usize], edges: &[(u32, f64)], ncols: usize) -> FlatEdges {
    let mut count = vec![0usize; ncols + 1];
    for &(j, _) in edges {
        count[j as usize + 1] += 1;
    }
    for j in 0..ncols {
        count[j + 1] += count[j];
    }
    let t_start = count.clone();
    let mut out = vec![(0u32, 0.0f64); edges.len()];
    for (i, w) in start.windows(2).enumerate() {
        for &(j, c) in &edges[w[0]..w[1]] {
            let slot = &mut count[j as usize];
            out[*slot] = (i as u32, c);
            *slot += 1;
        }
    }
    (t_start, out)
}

/// The graph in one flat edge array (`start[i]..start[i + 1]` are row `i`'s edges). Each row's
/// `k_i` cheapest edges (see `prefix_len`) are first, sorted by cost, and also copied, row after
/// row, into the compact `hot` array (`hot_start`) that the searches read; the rest of the row
/// follows in any order, all at least as costly as the last of the prefix. `rest_bound[i]` is a
/// lower bound on `c - v_j` over the rest (valid forever once computed: `v` only decreases).
struct Graph {
    start: Vec<usize>,
    edges: Vec<(u32, f64)>,
    hot_start: Vec<usize>,
    hot: Vec<(u32, f64)>,
    rest_bound: Vec<f64>,
}

/// How many of a row's cheapest edges are kept sorted at its front: enough that the searches
/// rarely look further on random graphs, few enough that selecting them is linear in the row.
fn prefix_len(len: usize) -> usize {
    len.min(8 + len / 16)
}

impl Graph {
    /// `start` and `edges` as read; selects and sorts each row's prefix.
    fn new(start: Vec<usize>, mut edges: Vec<(u32, f64)>) -> Graph {
        let n = start.len() - 1;
        let mut hot_start = Vec::with_capacity(n + 1);
        hot_start.push(0);
        let mut hot = Vec::new();
        for w in start.windows(2) {
            let row = &mut edges[w[0]..w[1]];
            let k = prefix_len(row.len());
            let by_cost = |a: &(u32, f64), b: &(u32, f64)| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0));
            if k > 0 && k < row.len() {
                row.select_nth_unstable_by(k - 1, by_cost);
            }
            row[..k].sort_unstable_by(by_cost);
            hot.extend_from_slice(&row[..k]);
            hot_start.push(hot.len());
        }
        Graph {
            start,
            edges,
            hot_start,
            hot,
            rest_bound: vec![f64::NEG_INFINITY; n],
        }
    }

    fn rows(&self) -> usize {
        self.rest_bound.len()
    }

    fn row(&self, i: usize) -> &[(u32, f64)] {
        &self.edges[self.start[i]..self.start[i + 1]]
    }

    fn prefix(&self, i: usize) -> &[(u32, f64)] {
        &self.hot[self.hot_start[i]..self.hot_start[i + 1]]
    }

    fn rest(&self, i: usize) -> &[(u32, f64)] {
        let k = self.hot_start[i + 1] - self.hot_start[i];
        &self.edges[self.start[i] + k..self.start[i + 1]]
    }

    /// Recomputes every `rest_bound` for the current `v`.
    fn bound_rests(&mut self, v: &[f64]) {
        for i in 0..self.rows() {
            let b = self
                .rest(i)
                .iter()
                .map(|&(j, c)| c - v[j as usize])
                .fold(f64::INFINITY, f64::min);
            self.rest_bound[i] = b;
        }
    }

    /// The two lowest reduced costs `c - v` of row `i`: `(m1, j1, m2)`, ties to the earlier
    /// edge. The rest of the row is skipped when its bound shows it cannot change the answer.
    fn two_lowest(&self, i: usize, v: &[f64]) -> (f64, u32, f64) {
        fn visit(edges: &[(u32, f64)], v: &[f64], acc: &mut (f64, u32, f64)) {
            for &(j, c) in edges {
                let r = c - v[j as usize];
                if r < acc.0 || (r == acc.0 && j < acc.1) {
                    *acc = (r, j, acc.0);
                } else if r < acc.2 {
                    acc.2 = r;
                }
            }
        }
        let mut acc = (f64::INFINITY, NONE, f64::INFINITY);
        visit(self.prefix(i), v, &mut acc);
        if acc.2 >= self.rest_bound[i] {
            visit(self.rest(i), v, &mut acc);
        }
        acc
    }
}

const NONE: u32 = u32::MAX;

/// A column's state in the shortest path phase: its potential `v`, its tentative distance in
/// the current search (`+inf` when not reached; reset after each search), the row assigned to
/// it and the row it was reached from.
#[derive(Debug, Clone, Copy)]
struct Col {
    v: f64,
    dist: f64,
    owner: u32,
    pred: u32,
}

/// Jonker-Volgenant's augmenting row reduction from `v = 0`, over sparse rows: each free row
/// takes its cheapest column and lowers that column's `v` by the gap to its second cheapest,
/// displacing the previous holder (which tries again at once). It only lowers the `v` of
/// columns it assigns and only raises other rows' reduced costs, so every assigned row keeps
/// its least reduced cost on its own column and unassigned columns keep `v = 0`: exactly what
/// the shortest path phase and the rectangular certificate need. `budget` bounds the
/// displacements (ties could otherwise cycle); rows still free go to the shortest paths.
fn augmenting_row_reduction(
    g: &Graph,
    v: &mut [f64],
    row_to_col: &mut [u32],
    col_to_row: &mut [u32],
    mut budget: usize,
) {
    let mut free: Vec<u32> = (0..g.rows() as u32)
        .filter(|&i| row_to_col[i as usize] == NONE)
        .collect();
    for _pass in 0..2 {
        let n_free = free.len();
        let (mut current, mut kept) = (0, 0);
        while current < n_free {
            let i = free[current];
            current += 1;
            let (m1, j1, m2) = g.two_lowest(i as usize, v);
            let holder = col_to_row[j1 as usize];
            let lowered = v[j1 as usize] - (m2 - m1);
            if budget > 0 && m2.is_finite() && m1 < m2 && lowered < v[j1 as usize] {
                budget -= 1;
                v[j1 as usize] = lowered;
                row_to_col[i as usize] = j1;
                col_to_row[j1 as usize] = i;
                if holder != NONE {
                    row_to_col[holder as usize] = NONE;
                    current -= 1;
                    free[current] = holder;
                }
            } else if holder == NONE {
                row_to_col[i as usize] = j1;
                col_to_row[j1 as usize] = i;
            } else {
                // A tie for the cheapest column, or nothing left to lower: a free column at
                // the same reduced cost if there is one, else the shortest paths decide.
                let same = g
                    .row(i as usize)
                    .iter()
                    .find(|&&(j, c)| col_to_row[j as usize] == NONE && c - v[j as usize] == m1);
                match same {
                    Some(&(j, _)) => {
                        row_to_col[i as usize] = j;
                        col_to_row[j as usize] = i;
                    }
                    None => {
                        free[kept] = i;
                        kept += 1;
                    }
                }
            }
        }
        free.truncate(kept);
        if free.is_empty() || budget == 0 {
            break;
        }
    }
}

/// Square matrices only (every column ends up assigned, so `v` may take any sign): JV's
/// column reduction (`v_j` = the column's least cost, each column to its cheapest row when that
/// row is still free) and reduction transfer (an assigned row's column gets its `v` lowered to
/// the gap to the row's next cheapest column, so the row's least reduced cost stays on it).
/// Both only lower `v` after the column minima are set, so the rest bounds taken then hold.
fn column_reduction(g: &mut Graph, v: &mut [f64], row_to_col: &mut [u32], col_to_row: &mut [u32]) {
    let mut best_row = vec![NONE; v.len()];
    v.fill(f64::INFINITY);
    for i in 0..g.rows() {
        for &(j, c) in g.row(i) {
            if c < v[j as usize] {
                v[j as usize] = c;
                best_row[j as usize] = i as u32;
            }
        }
    }
    for (j, &i) in best_row.iter().enumerate().rev() {
        if i == NONE {
            // A column without edges: no perfect matching; the shortest paths will say so.
            v[j] = 0.0;
        } else if row_to_col[i as usize] == NONE {
            row_to_col[i as usize] = j as u32;
            col_to_row[j] = i;
        }
    }
    g.bound_rests(v);
    for (i, &j1) in row_to_col.iter().enumerate() {
        if j1 == NONE {
            continue;
        }
        // The row's own cost is the column's minimum, `v[j1]` (the column chose this row).
        let own = v[j1 as usize];
        let others_in = |edges: &[(u32, f64)], v: &[f64]| {
            edges
                .iter()
                .filter(|&&(j, _)| j != j1)
                .map(|&(j, c)| c - v[j as usize])
                .fold(f64::INFINITY, f64::min)
        };
        let mut others = others_in(g.prefix(i), v);
        if others >= g.rest_bound[i] {
            others = others.min(others_in(g.rest(i), v));
        }
        if others.is_finite() {
            v[j1 as usize] = own - others;
        }
    }
}

/// Minimum cost matching of every row (rows <= cols) over `g`'s edges.
fn solve_rows(mut g: Graph, ncols: usize) -> Result<Vec<u32>, LapError> {
    let n = g.rows();
    let mut v = vec![0.0f64; ncols];
    let mut row_to_col = vec![NONE; n];
    let mut col_to_row = vec![NONE; ncols];

    if (0..n).any(|i| g.row(i).is_empty()) {
        return Err(LapError::Infeasible);
    }
    if n == ncols {
        column_reduction(&mut g, &mut v, &mut row_to_col, &mut col_to_row);
    } else {
        g.bound_rests(&v);
    }
    augmenting_row_reduction(&g, &mut v, &mut row_to_col, &mut col_to_row, 4 * n + 16);
    g.bound_rests(&v);
    // Row potentials: each row's least reduced cost, which ARR left on its assigned column.
    let mut u: Vec<f64> = (0..n)
        .map(|i| {
            let mut m = f64::INFINITY;
            for &(j, c) in g.prefix(i) {
                m = m.min(c - v[j as usize]);
            }
            m.min(g.rest_bound[i])
        })
        .collect();
    // `v` only decreases from here on, so its maximum now bounds every later `v_j` from
    // above: a prefix edge of cost `c` has reduced cost at least `c - vmax - u_i`.
    let vmax = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);

    // Per column, together for locality (one cache line per edge scanned).
    let mut col: Vec<Col> = v
        .iter()
        .zip(&col_to_row)
        .map(|(&v, &owner)| Col {
            v,
            dist: f64::INFINITY,
            owner,
            pred: NONE,
        })
        .collect();
    drop(v);
    drop(col_to_row);
    let mut heap: BinaryHeap<Reverse<(u64, u32)>> = BinaryHeap::new();
    let mut scanned_rows: Vec<(u32, f64)> = Vec::new();
    let mut settled_cols: Vec<u32> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();

    for s in 0..n {
        if row_to_col[s] != NONE {
            continue;
        }
        heap.clear();
        scanned_rows.clear();
        settled_cols.clear();
        // The nearest free column reached so far: nothing at or beyond its distance is worth
        // queueing (free columns win ties), and it ends the search once the queue's nearest
        // is no nearer. Free columns never enter the queue.
        let (mut best, mut best_j) = (f64::INFINITY, NONE);
        let mut row = s as u32;
        let mut d_row = 0.0f64;
        loop {
            scanned_rows.push((row, d_row));
            let r = row as usize;
            let ui = u[r];
            let mut done = false;
            let mut scan = |j: u32, c: f64, best: &mut f64, best_j: &mut u32| -> bool {
                let ju = j as usize;
                let cj = &mut col[ju];
                let nd = d_row + ((c - cj.v) - ui).max(0.0);
                if nd < *best && nd < cj.dist {
                    cj.dist = nd;
                    cj.pred = row;
                    touched.push(j);
                    if cj.owner == NONE {
                        *best = nd;
                        *best_j = j;
                        // A free column at the current distance: nothing is nearer.
                        return nd <= d_row;
                    }
                    heap.push(Reverse((nd.to_bits(), j)));
                }
                false
            };
            for &(j, c) in g.prefix(r) {
                // Sorted by cost: once even the largest `v` cannot bring an edge below the
                // best free column, no later edge of the row can either.
                if d_row + ((c - vmax) - ui).max(0.0) >= best {
                    done = true;
                    break;
                }
                if scan(j, c, &mut best, &mut best_j) {
                    done = true;
                    break;
                }
            }
            if !done && d_row + (g.rest_bound[r] - ui).max(0.0) < best {
                for &(j, c) in g.rest(r) {
                    if scan(j, c, &mut best, &mut best_j) {
                        break;
                    }
                }
            }
            // The nearest column not yet settled, unless the best free column is as near.
            let next = loop {
                match heap.peek() {
                    Some(&Reverse((bits, j))) if f64::from_bits(bits) < best => {
                        heap.pop();
                        if col[j as usize].dist.to_bits() == bits {
                            break Some((f64::from_bits(bits), j));
                        }
                    }
                    _ => break None,
                }
            };
            match next {
                Some((d, j)) => {
                    settled_cols.push(j);
                    row = col[j as usize].owner;
                    d_row = d;
                }
                None => break,
            }
        }
        if best_j == NONE {
            return Err(LapError::Infeasible);
        }
        // Potentials, then the path flip (the sink's own distance is `best`: no change).
        for &(i, d) in &scanned_rows {
            u[i as usize] += best - d;
        }
        for &j in &settled_cols {
            let cj = &mut col[j as usize];
            cj.v -= best - cj.dist;
        }
        for &j in &touched {
            col[j as usize].dist = f64::INFINITY;
        }
        touched.clear();
        let mut j = best_j;
        loop {
            let i = col[j as usize].pred;
            let next = row_to_col[i as usize];
            row_to_col[i as usize] = j;
            col[j as usize].owner = i;
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
    let (start, edges) = validated(m, maximize)?;
    if m.nrows == 0 || m.ncols == 0 {
        return Ok((Vec::new(), Vec::new()));
    }
    if m.nrows <= m.ncols {
        let r2c = solve_rows(Graph::new(start, edges), m.ncols)?;
        Ok((
            (0..m.nrows).collect(),
            r2c.into_iter().map(|j| j as usize).collect(),
        ))
    } else {
        let (t_start, t_edges) = transpose(&start, &edges, m.ncols);
        drop(edges);
        let c2r = solve_rows(Graph::new(t_start, t_edges), m.nrows)?;
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
