//! Rectangular linear assignment: the exact engine under every dense match.
//!
//! Two entry points:
//!
//! * [`solve_min`]: the native form. A row-major `nrows x ncols` cost matrix with
//!   `nrows <= ncols`; every row is assigned to a distinct column at minimum total cost.
//!   `f64::INFINITY` marks a forbidden pair. The answer carries dual potentials `u`, `v` that
//!   certify optimality (see [`LapSolution`]).
//! * [`linear_sum_assignment`]: the same semantics as `scipy.optimize.linear_sum_assignment`
//!   (any shape, `maximize`, sorted row indices).
//! * [`min_weight_full_bipartite_matching`]: a sparse (CSR) biadjacency matrix, with the
//!   semantics of `scipy.sparse.csgraph.min_weight_full_bipartite_matching`.
//!
//! The algorithm is the shortest augmenting path method of Jonker and Volgenant (1987), in its
//! rectangular form (as in Crouse 2016 / scipy): no padding to a square matrix, `O(nrows^2 *
//! ncols)` in the worst case. It is preceded by an *augmenting row reduction* phase (a
//! Jonker-Volgenant / auction style initialisation started from `v = 0`, which keeps the
//! rectangular certificate valid; square matrices first get JV column reduction and reduction
//! transfer), and the Dijkstra phase relaxes all columns in one vectorised pass per scanned row.
//! See the `dense` module (private) for details.

mod dense;
mod scipy;
pub mod sparse_csr;

pub use scipy::linear_sum_assignment;
pub use sparse_csr::{min_weight_full_bipartite_matching, Csr, CsrIndex};

/// An optimal assignment of every row (rows <= cols) with the dual potentials that prove it.
///
/// Certificate (up to floating-point rounding): for every allowed pair `(i, j)`,
/// `u[i] + v[j] <= c[i][j]`; equality holds on every assigned pair `(i, row_to_col[i])`;
/// `v[j] == 0` for every column no row is assigned to and `v[j] <= 0` for assigned ones.
/// These are the complementary slackness conditions of the LP
/// `min sum c x, sum_j x_ij = 1, sum_i x_ij <= 1, x >= 0`, so the assignment is optimal.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LapSolution {
    /// `row_to_col[i]` is the column assigned to row `i`.
    pub row_to_col: Vec<usize>,
    /// Row potentials `u`.
    pub u: Vec<f64>,
    /// Column potentials `v` (0 for columns left unassigned, <= 0 otherwise).
    pub v: Vec<f64>,
    /// Total cost of the assignment.
    pub cost: f64,
}

/// Why an assignment could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LapError {
    /// No assignment of every row of the smaller side avoids the forbidden entries.
    #[error("cost matrix is infeasible")]
    Infeasible,
    /// A cost is NaN or -inf (minimisation) / +inf (maximisation, before negation).
    #[error("matrix contains invalid numeric entries (row {row}, column {col})")]
    InvalidEntry { row: usize, col: usize },
    /// `costs.len() != nrows * ncols`.
    #[error("cost slice has {len} entries, expected {nrows} x {ncols}")]
    Shape {
        len: usize,
        nrows: usize,
        ncols: usize,
    },
    /// [`solve_min`] needs `nrows <= ncols` (use [`linear_sum_assignment`] for tall matrices).
    #[error("{nrows} rows cannot each get a distinct column out of {ncols}; transpose the matrix")]
    TooManyRows { nrows: usize, ncols: usize },
    /// Sparse (CSR) arrays that do not describe a matrix of the given shape.
    #[error("malformed sparse matrix: {0}")]
    Malformed(String),
}

/// Checks that `costs` holds exactly `nrows * ncols` entries.
pub(crate) fn check_shape(costs: &[f64], nrows: usize, ncols: usize) -> Result<(), LapError> {
    match nrows.checked_mul(ncols) {
        Some(n) if n == costs.len() => Ok(()),
        _ => Err(LapError::Shape {
            len: costs.len(),
            nrows,
            ncols,
        }),
    }
}

/// Minimum-cost assignment of every row to a distinct column.
///
/// `costs` is row-major, `nrows x ncols` with `nrows <= ncols`. `f64::INFINITY` forbids a pair;
/// NaN and `-inf` are rejected with [`LapError::InvalidEntry`] (the first one in row-major order).
/// Returns [`LapError::Infeasible`] when the allowed pairs admit no assignment of every row, and
/// [`LapError::TooManyRows`] when `nrows > ncols`.
///
/// The result is deterministic (a fixed tie-breaking rule, no randomness, no threads) and comes
/// with dual potentials satisfying the certificate documented on [`LapSolution`]. With 0 rows
/// the result is empty with `v` all zero.
///
/// Finite costs should stay well inside the `f64` range (say `|c| < 1e300 / ncols`): the
/// potentials are sums of cost differences and must not overflow.
#[inline(never)]
pub fn solve_min(costs: &[f64], nrows: usize, ncols: usize) -> Result<LapSolution, LapError> {
    check_shape(costs, nrows, ncols)?;
    if nrows > ncols {
        return Err(LapError::TooManyRows { nrows, ncols });
    }
    // NaN / -inf are reported by the solver (first in row-major order, before any other error):
    // for rectangular matrices it folds that check into its first pass over the rows.
    dense::solve(costs, nrows, ncols, false)
}

/// Position of the first entry that is NaN or equal to `bad` (`-inf` when minimising, `+inf`
/// when maximising).
///
/// This pass reads the whole matrix once, so it is written to vectorise (the plain `position`
/// loop cost as many instructions as solving a 2000 x 4000 problem): per block, SIMD lanes keep
/// a running sum (NaN if and only if the block holds a NaN or both infinities) and the running
/// extreme towards `bad` (equal to `bad` if and only if the block holds it); the exact position
/// is searched only in a failing block.
pub(crate) fn first_invalid(costs: &[f64], bad: f64) -> Option<usize> {
    const BLOCK: usize = 256;
    const L: usize = 8;
    let maximize = bad > 0.0;
    for (b, block) in costs.chunks(BLOCK).enumerate() {
        let mut sum = [0.0_f64; L];
        let mut ext = [-bad; L];
        let chunks = block.chunks_exact(L);
        let tail = chunks.remainder();
        for c in chunks {
            sum = std::array::from_fn(|l| sum[l] + c[l]);
            ext = if maximize {
                std::array::from_fn(|l| if c[l] > ext[l] { c[l] } else { ext[l] })
            } else {
                std::array::from_fn(|l| if c[l] < ext[l] { c[l] } else { ext[l] })
            };
        }
        let bad_tail = tail.iter().any(|&c| c.is_nan() || c == bad);
        if bad_tail || sum.iter().any(|s| s.is_nan()) || ext.contains(&bad) {
            // (A sum can also overflow to -inf and meet a +inf: then nothing is found here.)
            if let Some(k) = block.iter().position(|&c| c.is_nan() || c == bad) {
                return Some(b * BLOCK + k);
            }
        }
    }
    None
}

/// Total cost of an assignment: `sum_i costs[i * ncols + row_to_col[i]]`.
///
/// Returns `None` if a column index is out of range or the shape does not fit.
pub fn assignment_cost(costs: &[f64], ncols: usize, row_to_col: &[usize]) -> Option<f64> {
    let mut total = 0.0;
    for (i, &j) in row_to_col.iter().enumerate() {
        if j >= ncols {
            return None;
        }
        total += *costs.get(i.checked_mul(ncols)?.checked_add(j)?)?;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::first_invalid;

    /// The blocked SIMD check against a plain scan: lengths around the block and lane sizes,
    /// invalid entries anywhere, both infinities, sums that overflow.
    #[test]
    fn first_invalid_matches_a_plain_scan() {
        let specials = [
            f64::NAN,
            f64::NEG_INFINITY,
            f64::INFINITY,
            1e308,
            -1e308,
            0.5,
        ];
        let mut s = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        for case in 0..3000 {
            let n = [0, 1, 7, 8, 9, 255, 256, 257, 600][case % 9];
            let mut c: Vec<f64> = (0..n).map(|k| k as f64 * 0.25 - 3.0).collect();
            for _ in 0..(next() % 4) {
                if n > 0 {
                    let k = (next() % n as u64) as usize;
                    c[k] = specials[(next() % specials.len() as u64) as usize];
                }
            }
            for bad in [f64::NEG_INFINITY, f64::INFINITY] {
                let want = c.iter().position(|&x| x.is_nan() || x == bad);
                assert_eq!(first_invalid(&c, bad), want, "case {case} bad {bad}");
            }
        }
    }
}
