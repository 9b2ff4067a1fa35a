//! `scipy.optimize.linear_sum_assignment` semantics on top of the dense solver.

use super::{check_shape, dense, LapError};

/// Solves the linear sum assignment problem like `scipy.optimize.linear_sum_assignment`.
///
/// * `costs` is row-major `nrows x ncols`, any shape. When `nrows > ncols` the matrix is
///   transposed internally, so every row or every column (whichever side is smaller) is assigned.
/// * Returns `(row_ind, col_ind)`: pairs `(row_ind[k], col_ind[k])`, `row_ind` sorted ascending
///   (for `nrows <= ncols` it is `0..nrows`).
/// * Forbidden pairs are `+inf` when minimising and `-inf` when `maximize` is set. NaN, `-inf`
///   when minimising, or `+inf` when maximising give [`LapError::InvalidEntry`] (first in
///   row-major order).
/// * An empty matrix (0 rows or 0 columns) gives two empty vectors.
/// * [`LapError::Infeasible`] when the allowed pairs admit no complete assignment of the
///   smaller side; [`LapError::Shape`] when `costs.len() != nrows * ncols`.
pub fn linear_sum_assignment(
    costs: &[f64],
    nrows: usize,
    ncols: usize,
    maximize: bool,
) -> Result<(Vec<usize>, Vec<usize>), LapError> {
    check_shape(costs, nrows, ncols)?;
    if nrows == 0 || ncols == 0 {
        return Ok((Vec::new(), Vec::new()));
    }
    let bad = if maximize {
        f64::INFINITY
    } else {
        f64::NEG_INFINITY
    };
    if maximize || nrows > ncols {
        // (Minimising a wide matrix, the solver checks the entries itself, in its first pass.)
        if let Some(k) = super::first_invalid(costs, bad) {
            return Err(LapError::InvalidEntry {
                row: k / ncols,
                col: k % ncols,
            });
        }
    }
    let sign = if maximize { -1.0 } else { 1.0 };
    if nrows <= ncols {
        let sol = if maximize {
            let neg: Vec<f64> = costs.iter().map(|&c| -c).collect();
            dense::solve(&neg, nrows, ncols, true)?
        } else {
            dense::solve(costs, nrows, ncols, false)?
        };
        Ok(((0..nrows).collect(), sol.row_to_col))
    } else {
        // Transpose (and negate when maximising): t[j][i] = sign * c[i][j].
        let mut t = vec![0.0; nrows * ncols];
        for (i, row) in costs.chunks_exact(ncols).enumerate() {
            for (j, &c) in row.iter().enumerate() {
                t[j * nrows + i] = sign * c;
            }
        }
        let sol = dense::solve(&t, ncols, nrows, true)?;
        // Transposed row j (an original column) got transposed column i (an original row).
        let mut pairs: Vec<(usize, usize)> = sol
            .row_to_col
            .iter()
            .enumerate()
            .map(|(j, &i)| (i, j))
            .collect();
        pairs.sort_unstable();
        Ok(pairs.into_iter().unzip())
    }
}
