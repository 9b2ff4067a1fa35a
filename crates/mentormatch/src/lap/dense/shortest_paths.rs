//! Shortest augmenting paths (Dijkstra over reduced costs) for the rows the earlier phases
//! leave free, with the dual update that keeps the certificate.

use super::scan::{max, min, BLOCK};
use super::{LapError, INF, NONE};

/// Lanes of the relaxation pass (more live accumulators there: 8 lanes spill registers).
const RLANES: usize = 8;

/// The Dijkstra phase tests free columns one by one when at most `ncols / FEW_FREE_COLS` are left.
#[cfg(not(test))]
const FEW_FREE_COLS: usize = 16;
/// (Tests: a low threshold, so that the small test matrices take both paths.)
#[cfg(test)]
const FEW_FREE_COLS: usize = 2;

/// One column taken by the Dijkstra search: `col` (at distance `d`, potential `v` before the
/// search) and the row `row` assigned to it, scanned with offset `h`.
#[derive(Debug, Clone, Copy)]
struct Step {
    col: usize,
    row: usize,
    h: f64,
    v: f64,
    d: f64,
}

/// State of the shortest augmenting path phase; all buffers allocated once.
///
/// The search works on the columns in their natural order, so that its inner loop (relax every
/// column against the row just reached, and find the new minimum in the same pass) is a plain
/// SIMD loop over contiguous `row`, `v`, `d`, `pen`. Columns already taken are masked rather
/// than moved: their `v` is set to `-inf` for the duration of the search (so the relaxed value is
/// `+inf`) and their `d` to `+inf`; their real values live in `steps`. Predecessors are not
/// stored per column (a blend per column per scan); the path is rebuilt at the end from
/// `steps` by recomputing the same floating-point values (`(c - v) - h`), exactly.
pub(super) struct ShortestPaths<'a> {
    costs: &'a [f64],
    ncols: usize,
    /// Tentative distances; `+inf` for taken columns.
    d: Vec<f64>,
    /// 0 for unassigned columns, `+inf` for assigned ones: `d + pen` finds the nearest free one.
    pen: Vec<f64>,
    /// The unassigned columns, ascending. When they are few (square matrices after the
    /// initialisation) the nearest free column is found by looking at them directly after each
    /// pass, and the pass skips its `d + pen` minimum.
    free_cols: Vec<usize>,
    steps: Vec<Step>,
}

impl<'a> ShortestPaths<'a> {
    /// The search state for `costs` after the initialisation left `row4col`.
    pub(super) fn new(costs: &'a [f64], ncols: usize, row4col: &[usize], nrows: usize) -> Self {
        ShortestPaths {
            costs,
            ncols,
            d: vec![0.0; ncols],
            pen: row4col
                .iter()
                .map(|&i| if i == NONE { 0.0 } else { INF })
                .collect(),
            free_cols: (0..ncols).filter(|&j| row4col[j] == NONE).collect(),
            steps: Vec::with_capacity(nrows),
        }
    }

    /// One shortest augmenting path from free row `f`, then the dual update and the augmentation.
    pub(super) fn augment(
        &mut self,
        f: usize,
        v: &mut [f64],
        col4row: &mut [usize],
        row4col: &mut [usize],
    ) -> Result<(), LapError> {
        let ncols = self.ncols;
        let costs = self.costs;
        self.steps.clear();
        let mut mind = -INF;
        let row = &costs[f * ncols..(f + 1) * ncols];
        // Few free columns: test them directly (a gather of a few entries per pass) instead of
        // a `d + pen` minimum over every column in the pass.
        let few_free = self.free_cols.len() * FEW_FREE_COLS <= ncols;
        let (mut m1, mut block, mut mf) = if few_free {
            let (m1, block, _) = relax::<true, false>(row, v, &self.pen, &mut self.d, 0.0);
            (m1, block, self.nearest_free())
        } else {
            relax::<true, true>(row, v, &self.pen, &mut self.d, 0.0)
        };
        let result = loop {
            if m1 == INF {
                break Err(LapError::Infeasible);
            }
            // Distances can only grow (up to rounding: keep `mind` monotone, so the dual
            // update below never raises a potential).
            mind = max(mind, m1);
            if mf <= mind {
                // A free column at the minimum distance: the lowest such index is the sink.
                let sink = (0..ncols)
                    .find(|&j| self.pen[j] == 0.0 && self.d[j] == mf)
                    .unwrap_or(NONE);
                break Ok(sink);
            }
            // Take the lowest column at the minimum and scan the row assigned to it.
            let start = block * BLOCK;
            let end = (start + BLOCK).min(ncols);
            let j = (start..end).find(|&j| self.d[j] == m1).unwrap_or(NONE);
            let i = row4col[j];
            let row = &costs[i * ncols..(i + 1) * ncols];
            let h = row[j] - v[j] - mind;
            self.steps.push(Step {
                col: j,
                row: i,
                h,
                v: v[j],
                d: m1,
            });
            v[j] = -INF;
            self.d[j] = INF;
            (m1, block, mf) = if few_free {
                let (m1, block, _) = relax::<false, false>(row, v, &self.pen, &mut self.d, h);
                (m1, block, self.nearest_free())
            } else {
                relax::<false, true>(row, v, &self.pen, &mut self.d, h)
            };
        };
        // Restore the taken columns' potentials, with the dual update (d <= mind there, so v
        // only decreases).
        for s in &self.steps {
            v[s.col] = if result.is_ok() {
                s.v + (s.d - mind)
            } else {
                s.v
            };
        }
        let sink = result?;
        self.flip(f, sink, v, col4row, row4col);
        self.pen[sink] = INF;
        if let Ok(k) = self.free_cols.binary_search(&sink) {
            self.free_cols.remove(k);
        }
        Ok(())
    }

    /// The smallest tentative distance of a free column (`+inf` if none).
    fn nearest_free(&self) -> f64 {
        self.free_cols.iter().fold(INF, |m, &j| min(self.d[j], m))
    }

    /// Flips the augmenting path ending at column `sink` (reached from the rows of `steps`, or
    /// `f`). The predecessor of a column taken at step `k` (the sink: after every step) is the
    /// first of `f`, `steps[0].row`, .., `steps[k - 1].row` whose relaxation produced its
    /// distance, recomputed bit for bit; each step back goes to a strictly earlier step.
    fn flip(&self, f: usize, sink: usize, v: &[f64], col4row: &mut [usize], row4col: &mut [usize]) {
        let ncols = self.ncols;
        let (mut j, mut vj, mut limit) = (sink, v[sink], self.steps.len());
        // `d` of the sink: its final tentative distance (it was never taken).
        let mut dj = self.d[sink];
        loop {
            let base = self.costs[f * ncols + j] - vj;
            let (i, k) = if base == dj {
                (f, NONE)
            } else {
                self.steps[..limit]
                    .iter()
                    .enumerate()
                    .find(|(_, s)| (self.costs[s.row * ncols + j] - vj) - s.h == dj)
                    .map_or_else(
                        || {
                            debug_assert!(false, "no predecessor reproduces d");
                            (f, NONE)
                        },
                        |(k, s)| (s.row, k),
                    )
            };
            let prev = col4row[i];
            row4col[j] = i;
            col4row[i] = j;
            if i == f || k == NONE {
                break;
            }
            // Row `i` was reached through its previous column, taken at step `k`.
            let s = self.steps[k];
            debug_assert_eq!(s.col, prev);
            (j, vj, dj, limit) = (prev, s.v, s.d, k);
        }
    }
}

/// One relaxation pass over all columns against a row reached with offset `h`:
/// `d[j] = min(d[j], (row[j] - v[j]) - h)` (just the new value when `INIT`), returning the new
/// minimum of `d`, the first block of [`BLOCK`] columns holding it, and the minimum of `d + pen`
/// (the nearest free column).
#[inline]
fn relax<const INIT: bool, const FREE: bool>(
    row: &[f64],
    v: &[f64],
    pen: &[f64],
    d: &mut [f64],
    h: f64,
) -> (f64, usize, f64) {
    let mut a1 = [INF; RLANES];
    let mut af = [INF; RLANES];
    let (mut t1, mut tf) = (INF, INF);
    let (mut best, mut best_block) = (INF, 0);
    let blocks = row
        .chunks(BLOCK)
        .zip(v.chunks(BLOCK))
        .zip(pen.chunks(BLOCK))
        .zip(d.chunks_mut(BLOCK));
    for (b, (((rb, vb), pb), db)) in blocks.enumerate() {
        let rc = rb.chunks_exact(RLANES);
        let vc = vb.chunks_exact(RLANES);
        let pc = pb.chunks_exact(RLANES);
        let mut dc = db.chunks_exact_mut(RLANES);
        let (rt, vt, pt) = (rc.remainder(), vc.remainder(), pc.remainder());
        for (((r, w), p), dd) in rc.zip(vc).zip(pc).zip(dc.by_ref()) {
            let cred: [f64; RLANES] = std::array::from_fn(|l| (r[l] - w[l]) - h);
            let nd: [f64; RLANES] = if INIT {
                cred
            } else {
                std::array::from_fn(|l| min(cred[l], dd[l]))
            };
            dd.copy_from_slice(&nd);
            // Accumulators first (see `two_lowest_checked`): no register copies.
            a1 = std::array::from_fn(|l| min(a1[l], nd[l]));
            if FREE {
                af = std::array::from_fn(|l| min(af[l], nd[l] + p[l]));
            }
        }
        let dt = dc.into_remainder();
        for (((&c, &w), &p), dd) in rt.iter().zip(vt).zip(pt).zip(dt) {
            let cred = (c - w) - h;
            let nd = if INIT { cred } else { min(cred, *dd) };
            *dd = nd;
            t1 = min(nd, t1);
            if FREE {
                tf = min(nd + p, tf);
            }
        }
        let m = a1.iter().fold(t1, |m, &x| min(x, m));
        if m < best {
            best = m;
            best_block = b;
        }
    }
    let mf = af.iter().fold(tf, |m, &x| min(x, m));
    (best, best_block, mf)
}
