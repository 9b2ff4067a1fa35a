//! Rust-side assignment benchmarks: mentormatch's dense solver against the `pathfinding`
//! crate's Hungarian method (`kuhn_munkres`), on the problem families of `peers.py`.
//!
//! ```text
//! cargo bench -p mentormatch-benches --bench lap            # everything
//! cargo bench -p mentormatch-benches --bench lap -- rect    # one family
//! ```
//! `kuhn_munkres` maximises `Ord` weights and has no forbidden entries, so it gets integer
//! weights `-round(cost * 1e6)` with forbidden pairs at a large negative weight; its optimum is
//! checked against ours before timing. It is O(n^3) and is only run up to n = 1,000.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use mentormatch::lap::solve_min;
use mentormatch::rng::SplitMix64;
use mentormatch::{synthetic_cohort, Config, Problem};
use pathfinding::prelude::{kuhn_munkres, Matrix};

struct Case {
    family: &'static str,
    name: String,
    nrows: usize,
    ncols: usize,
    costs: Vec<f64>,
}

fn random(seed: u64, nrows: usize, ncols: usize, forbidden: f64, integer: bool) -> Vec<f64> {
    let mut rng = SplitMix64::new(seed);
    (0..nrows * ncols)
        .map(|_| {
            let x = rng.next_f64();
            if forbidden > 0.0 && rng.chance(forbidden) {
                f64::INFINITY
            } else if integer {
                rng.below(101) as f64
            } else {
                x
            }
        })
        .collect()
}

/// A scored synthetic cohort, as the exact backend sees it: cost = -score, forbidden = +inf
/// (one column per mentor; capacities are left out).
fn cohort(n_mentees: usize, n_mentors: usize) -> Vec<f64> {
    let problem = Problem::new(
        synthetic_cohort(n_mentees, n_mentors, 1),
        Config::default(),
        Vec::new(),
    )
    .expect("synthetic cohorts compile");
    let sm = problem.score_matrix();
    sm.scores
        .iter()
        .zip(&sm.allowed)
        .map(|(&s, &a)| if a { -s } else { f64::INFINITY })
        .collect()
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for n in [500, 1000, 2000, 4000] {
        out.push(Case {
            family: "uniform",
            name: format!("{n}x{n}"),
            nrows: n,
            ncols: n,
            costs: random(n as u64, n, n, 0.0, false),
        });
    }
    for n in [1000, 2000] {
        out.push(Case {
            family: "int0-100",
            name: format!("{n}x{n}"),
            nrows: n,
            ncols: n,
            costs: random(7 + n as u64, n, n, 0.0, true),
        });
    }
    for n in [500, 2000] {
        out.push(Case {
            family: "rect15inf",
            name: format!("{n}x{}", 2 * n),
            nrows: n,
            ncols: 2 * n,
            costs: random(11 + n as u64, n, 2 * n, 0.15, false),
        });
    }
    out.push(Case {
        family: "cohort",
        name: "1000x2000".into(),
        nrows: 1000,
        ncols: 2000,
        costs: cohort(1000, 2000),
    });
    out
}

/// `kuhn_munkres` weights: maximise `-cost` in micro-units; forbidden pairs far below any
/// assignment's total so they are never chosen when a complete assignment exists.
fn weights(c: &Case) -> Matrix<i64> {
    let forbidden = -(1_i64 << 50);
    let w = c
        .costs
        .iter()
        .map(|&x| {
            if x.is_finite() {
                -(x * 1e6).round() as i64
            } else {
                forbidden
            }
        })
        .collect();
    Matrix::from_vec(c.nrows, c.ncols, w).expect("shape")
}

fn micro_total(c: &Case, row_to_col: &[usize]) -> i64 {
    row_to_col
        .iter()
        .enumerate()
        .map(|(i, &j)| (c.costs[i * c.ncols + j] * 1e6).round() as i64)
        .sum()
}

fn bench(cr: &mut Criterion) {
    for case in cases() {
        let mut group = cr.benchmark_group(case.family);
        group.sample_size(10);
        let ours = solve_min(&case.costs, case.nrows, case.ncols).expect("feasible");
        group.bench_with_input(
            BenchmarkId::new("mentormatch", &case.name),
            &case,
            |b, c| b.iter(|| solve_min(&c.costs, c.nrows, c.ncols).expect("feasible")),
        );
        if case.nrows <= 1000 {
            let w = weights(&case);
            let (total, assignment) = kuhn_munkres(&w);
            // Same optimum (integer micro-units, so the comparison is exact up to rounding of
            // each entry, which both totals share).
            assert_eq!(-total, micro_total(&case, &assignment), "{}", case.name);
            // pathfinding optimises the rounded weights, we the exact costs: the totals agree
            // within the rounding, half a micro-unit per row.
            let gap =
                (micro_total(&case, &assignment) - micro_total(&case, &ours.row_to_col)).abs();
            assert!(
                gap <= case.nrows as i64,
                "{}: pathfinding and mentormatch disagree by {gap} micro-units",
                case.name
            );
            group.bench_with_input(BenchmarkId::new("pathfinding", &case.name), &w, |b, w| {
                b.iter(|| kuhn_munkres(w))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
