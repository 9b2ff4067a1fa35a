//! Augmenting row reduction (Jonker and Volgenant 1987): the auction-like phase that assigns
//! most rows of a dense matrix in one pass over each, with its per-row caches.

use super::scan::{find_value, raw_cache, two_lowest_cached, two_lowest_checked, RowCache};
use super::{check_entries, LapError, INF, NONE};

/// Augmenting row reduction. On return `free` lists the rows still unassigned, in a
/// deterministic order. Returns how many row scans the [`RowCache`]s answered (with `CACHE`;
/// without, every scan reads the whole row: the same result, for tests).
///
/// A row is scanned again when it is evicted or left for the second pass. On wide matrices that
/// was ~30% more full row reads (each one a trip to memory: the matrix does not fit in cache);
/// the row's cache reads `CACHED_BLOCKS` blocks instead, and falls back to a full scan (which
/// refreshes the cache) when they do not settle the answer.
#[allow(clippy::too_many_arguments)]
pub(super) fn augmenting_row_reduction<const CACHE: bool>(
    costs: &[f64],
    ncols: usize,
    v: &mut [f64],
    col4row: &mut [usize],
    row4col: &mut [usize],
    free: &mut Vec<usize>,
    mut budget: usize,
    mut check: bool,
    raw_first: bool,
) -> Result<usize, LapError> {
    let mut cache = vec![RowCache::EMPTY; if CACHE { col4row.len() } else { 0 }];
    let mut hits = 0;
    // `budget` counts row scans that move a potential or evict a row, shared by both passes:
    // evictions can chain for a long time when many reduced costs are nearly equal; the exact
    // phase picks up whatever is left.
    for _pass in 0..2 {
        let n_free = free.len();
        let mut current = 0;
        // free[..kept] collects the rows for the next pass. `kept < current` whenever it is
        // written: each step consumes one entry and writes at most one.
        let mut kept = 0;
        while current < n_free {
            let i = free[current];
            current += 1;
            let row = &costs[i * ncols..(i + 1) * ncols];
            if CACHE && raw_first && cache[i].blocks[0] == NONE {
                // First look at the row (`v <= 0` since ARR started from 0): block minima of the
                // costs alone (one stream, no subtraction), validating them if `check`; the
                // cached blocks are then read with `v` below.
                let (c, suspicious) = if check {
                    raw_cache::<true>(row)
                } else {
                    raw_cache::<false>(row)
                };
                if suspicious {
                    check_entries(costs, ncols)?;
                    check = false; // a false alarm: the whole matrix is valid
                }
                cache[i] = c;
            }
            // A row with a cache had a full scan or a raw first look, checked if `check` (it is
            // only ever cleared).
            let cached = if CACHE && cache[i].blocks[0] != NONE {
                two_lowest_cached(row, v, &cache[i])
            } else {
                None
            };
            let (m1, j1, m2) = if let Some(found) = cached {
                hits += 1;
                found
            } else if check && !(CACHE && raw_first) {
                // Validation folded into the first pass (every row is scanned in it).
                let (m1, j1, m2, suspicious, c) = two_lowest_checked::<true>(row, v);
                if suspicious {
                    check_entries(costs, ncols)?;
                    check = false; // a false alarm: the whole matrix is valid
                }
                if CACHE {
                    cache[i] = c;
                }
                (m1, j1, m2)
            } else {
                let (m1, j1, m2, _, c) = two_lowest_checked::<false>(row, v);
                if CACHE {
                    cache[i] = c;
                }
                (m1, j1, m2)
            };
            if !m1.is_finite() {
                // Nothing allowed: leave it to the exact phase, which reports infeasibility.
                free[kept] = i;
                kept += 1;
                continue;
            }
            let holder = row4col[j1];
            let lowered = v[j1] - (m2 - m1);
            if budget > 0 && m2 < INF && m1 < m2 && lowered < v[j1] {
                budget -= 1;
                v[j1] = lowered;
                col4row[i] = j1;
                row4col[j1] = i;
                if holder != NONE {
                    col4row[holder] = NONE;
                    // Re-process the evicted row at once.
                    current -= 1;
                    free[current] = holder;
                }
            } else if holder == NONE {
                col4row[i] = j1;
                row4col[j1] = i;
            } else if m1 == m2 {
                // Tied minimum, `j1` taken: prefer a free column at the same reduced cost (no
                // eviction, no potential change); else take the second tied column, evicting
                // its holder to the next pass.
                let jf = find_value(row, v, row4col, m1, j1, true);
                if jf != NONE {
                    col4row[i] = jf;
                    row4col[jf] = i;
                } else if budget > 0 {
                    budget -= 1;
                    let j2 = find_value(row, v, row4col, m1, j1, false);
                    let holder2 = row4col[j2];
                    col4row[i] = j2;
                    row4col[j2] = i;
                    if holder2 != NONE {
                        col4row[holder2] = NONE;
                        free[kept] = holder2;
                        kept += 1;
                    }
                } else {
                    free[kept] = i;
                    kept += 1;
                }
            } else {
                free[kept] = i;
                kept += 1;
            }
        }
        free.truncate(kept);
        // Every row was scanned in the first pass.
        check = false;
        if free.is_empty() || budget == 0 {
            break;
        }
    }
    debug_assert!(!check);
    Ok(hits)
}
