//! Property tests for the dense assignment solver against brute force and a Hungarian oracle.

use mentormatch::lap::{assignment_cost, linear_sum_assignment, solve_min, LapError, LapSolution};
use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;
use proptest::prelude::*;

const INF: f64 = f64::INFINITY;

/// Exhaustive search over injective maps rows -> cols (nrows <= ncols).
struct Brute<'a> {
    c: &'a [f64],
    nrows: usize,
    ncols: usize,
    forbidden: f64,
    better: fn(f64, f64) -> bool,
    used: Vec<bool>,
    best: Option<f64>,
}

impl Brute<'_> {
    fn rec(&mut self, i: usize, acc: f64) {
        if i == self.nrows {
            if self.best.is_none_or(|b| (self.better)(acc, b)) {
                self.best = Some(acc);
            }
            return;
        }
        for j in 0..self.ncols {
            let x = self.c[i * self.ncols + j];
            if !self.used[j] && x != self.forbidden {
                self.used[j] = true;
                self.rec(i + 1, acc + x);
                self.used[j] = false;
            }
        }
    }
}

/// Best total over all injective maps rows -> cols avoiding `forbidden` entries; `better(a, b)`
/// says whether `a` beats `b`. `None` when no such map exists.
fn brute(
    c: &[f64],
    nrows: usize,
    ncols: usize,
    forbidden: f64,
    better: fn(f64, f64) -> bool,
) -> Option<f64> {
    let mut b = Brute {
        c,
        nrows,
        ncols,
        forbidden,
        better,
        used: vec![false; ncols],
        best: None,
    };
    b.rec(0, 0.0);
    b.best
}

fn brute_min(c: &[f64], nrows: usize, ncols: usize) -> Option<f64> {
    brute(c, nrows, ncols, INF, |a, b| a < b)
}

fn transpose(c: &[f64], nrows: usize, ncols: usize) -> Vec<f64> {
    let mut t = vec![0.0; c.len()];
    for i in 0..nrows {
        for j in 0..ncols {
            t[j * nrows + i] = c[i * ncols + j];
        }
    }
    t
}

fn tol(c: &[f64], n: usize) -> f64 {
    let scale = c
        .iter()
        .filter(|x| x.is_finite())
        .fold(1.0_f64, |m, x| m.max(x.abs()));
    1e-9 * scale * (n as f64 + 1.0)
}

/// Checks the assignment is a valid injective map over allowed pairs, its cost, and the
/// complementary slackness certificate documented on `LapSolution`.
fn check_solution(c: &[f64], nrows: usize, ncols: usize, s: &LapSolution) -> Result<(), String> {
    let eps = tol(c, ncols);
    if s.row_to_col.len() != nrows || s.u.len() != nrows || s.v.len() != ncols {
        return Err("wrong lengths".into());
    }
    let mut owner = vec![None; ncols];
    for (i, &j) in s.row_to_col.iter().enumerate() {
        if j >= ncols || owner[j].is_some() || c[i * ncols + j] == INF {
            return Err(format!("bad assignment of row {i} to column {j}"));
        }
        owner[j] = Some(i);
    }
    let cost = assignment_cost(c, ncols, &s.row_to_col).ok_or("cost")?;
    if (cost - s.cost).abs() > eps {
        return Err(format!("reported cost {} != {}", s.cost, cost));
    }
    for i in 0..nrows {
        for j in 0..ncols {
            let x = c[i * ncols + j];
            if x.is_finite() && s.u[i] + s.v[j] > x + eps {
                return Err(format!("dual infeasible at ({i},{j})"));
            }
        }
        let j = s.row_to_col[i];
        if (s.u[i] + s.v[j] - c[i * ncols + j]).abs() > eps {
            return Err(format!("assigned pair ({i},{j}) not tight"));
        }
    }
    for (j, (o, &vj)) in owner.iter().zip(&s.v).enumerate() {
        match o {
            None if vj != 0.0 => return Err(format!("free column {j} has v = {vj}")),
            Some(_) if vj > eps => return Err(format!("assigned column {j} has v > 0")),
            _ => {}
        }
    }
    Ok(())
}

/// A random matrix: sizes 0..8, integer costs with many ties, floats, or both, with a random
/// share of forbidden (+inf) entries.
fn matrix() -> impl Strategy<Value = (Vec<f64>, usize, usize)> {
    (
        0usize..8,
        0usize..8,
        0u8..3,
        0.0f64..0.6,
        prop::collection::vec((0.0f64..1.0, 0i32..5, -100.0f64..100.0, any::<bool>()), 64),
    )
        .prop_map(|(nrows, ncols, kind, p, cells)| {
            let c = cells[..nrows * ncols]
                .iter()
                .map(|&(u, k, x, pick)| {
                    if u < p {
                        INF
                    } else {
                        match kind {
                            0 => f64::from(k),
                            1 => x,
                            _ if pick => f64::from(k),
                            _ => x,
                        }
                    }
                })
                .collect();
            (c, nrows, ncols)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn solve_min_matches_brute_force((c, nrows, ncols) in matrix()) {
        // Orient so that rows <= cols.
        let (c, nrows, ncols) = if nrows <= ncols {
            (c, nrows, ncols)
        } else {
            (transpose(&c, nrows, ncols), ncols, nrows)
        };
        let expected = brute_min(&c, nrows, ncols);
        match (solve_min(&c, nrows, ncols), expected) {
            (Ok(s), Some(best)) => {
                prop_assert!((s.cost - best).abs() <= tol(&c, ncols), "cost {} vs brute {}", s.cost, best);
                if let Err(e) = check_solution(&c, nrows, ncols, &s) {
                    return Err(TestCaseError::fail(e));
                }
            }
            (Err(LapError::Infeasible), None) => {}
            (got, want) => prop_assert!(false, "solver {:?}, brute force {:?}", got, want),
        }
    }

    #[test]
    fn linear_sum_assignment_matches_brute_force((c, nrows, ncols) in matrix(), maximize in any::<bool>()) {
        // For maximisation the forbidden marker is -inf.
        let c: Vec<f64> = if maximize {
            c.iter().map(|&x| if x == INF { -INF } else { x }).collect()
        } else {
            c
        };
        let (small, nr, nc) = if nrows <= ncols {
            (c.clone(), nrows, ncols)
        } else {
            (transpose(&c, nrows, ncols), ncols, nrows)
        };
        let expected = if maximize {
            brute(&small, nr, nc, -INF, |a, b| a > b)
        } else {
            brute_min(&small, nr, nc)
        };
        match (linear_sum_assignment(&c, nrows, ncols, maximize), expected) {
            (Ok((r, col)), Some(best)) => {
                prop_assert_eq!(r.len(), nrows.min(ncols));
                prop_assert_eq!(col.len(), r.len());
                prop_assert!(r.windows(2).all(|w| w[0] < w[1]), "row_ind not strictly increasing: {:?}", r);
                let mut seen = vec![false; ncols];
                let mut total = 0.0;
                for (&i, &j) in r.iter().zip(&col) {
                    prop_assert!(i < nrows && j < ncols && !seen[j]);
                    seen[j] = true;
                    let x = c[i * ncols + j];
                    prop_assert!(x.is_finite());
                    total += x;
                }
                prop_assert!((total - best).abs() <= tol(&c, nc), "total {} vs brute {}", total, best);
            }
            (Ok((r, col)), None) if nrows == 0 || ncols == 0 => {
                prop_assert!(r.is_empty() && col.is_empty());
            }
            (Err(LapError::Infeasible), None) => {}
            (got, want) => prop_assert!(false, "solver {:?}, brute force {:?}", got, want),
        }
    }

    #[test]
    fn integer_costs_match_kuhn_munkres(
        nrows in 1usize..25,
        extra in 0usize..10,
        cells in prop::collection::vec(0i64..20, 25 * 35),
    ) {
        let ncols = nrows + extra;
        let ints = &cells[..nrows * ncols];
        let c: Vec<f64> = ints.iter().map(|&x| x as f64).collect();
        // kuhn_munkres maximises: feed it negated costs.
        let weights = Matrix::from_vec(nrows, ncols, ints.iter().map(|&x| -x).collect())
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let (best, _) = kuhn_munkres(&weights);
        let s = solve_min(&c, nrows, ncols).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(s.cost, -(best as f64));
        if let Err(e) = check_solution(&c, nrows, ncols, &s) {
            return Err(TestCaseError::fail(e));
        }
    }

    /// Larger problems: the dual certificate alone proves optimality.
    #[test]
    fn certificate_holds_on_larger_problems(
        nrows in 1usize..60,
        extra in 0usize..40,
        p in 0.0f64..0.5,
        int_costs in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let ncols = nrows + extra;
        let mut state = seed | 1;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let c: Vec<f64> = (0..nrows * ncols)
            .map(|_| {
                let (a, b) = (next(), next());
                if a < p { INF } else if int_costs { (b * 10.0).floor() } else { b * 1000.0 - 300.0 }
            })
            .collect();
        match solve_min(&c, nrows, ncols) {
            Ok(s) => {
                if let Err(e) = check_solution(&c, nrows, ncols, &s) {
                    return Err(TestCaseError::fail(e));
                }
            }
            Err(LapError::Infeasible) => {
                // Cross-check with a plain bipartite matching on the allowed pairs.
                let adj: Vec<Vec<u32>> = (0..nrows)
                    .map(|i| (0..ncols).filter(|&j| c[i * ncols + j] < INF).map(|j| j as u32).collect())
                    .collect();
                let (size, _) = mentormatch::problem::hall::max_matching(nrows, &adj, &vec![1; ncols]);
                prop_assert!(size < nrows, "solver says infeasible but a matching of size {} exists", size);
            }
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }

    #[test]
    fn deterministic((c, nrows, ncols) in matrix(), maximize in any::<bool>()) {
        let c: Vec<f64> = if maximize {
            c.iter().map(|&x| if x == INF { -INF } else { x }).collect()
        } else {
            c
        };
        prop_assert_eq!(
            linear_sum_assignment(&c, nrows, ncols, maximize),
            linear_sum_assignment(&c, nrows, ncols, maximize)
        );
        if nrows <= ncols && !maximize {
            prop_assert_eq!(solve_min(&c, nrows, ncols), solve_min(&c, nrows, ncols));
        }
    }
}
