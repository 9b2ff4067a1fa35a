//! The sparse (CSR) matcher against the dense solver on the same graphs: the same optimum,
//! the same verdict when no full matching exists, a valid matching of the smaller side.
#![allow(clippy::unwrap_used)]

use mentormatch::lap::{linear_sum_assignment, min_weight_full_bipartite_matching, Csr, LapError};
use proptest::prelude::*;

/// A random sparse matrix as (dense with +inf where there is no edge, CSR parts).
fn graph() -> impl Strategy<Value = (usize, usize, Vec<Option<i32>>)> {
    (0..9usize, 0..9usize).prop_flat_map(|(r, c)| {
        let cells = prop::collection::vec(prop::option::weighted(0.45, -20..40i32), r * c);
        (Just(r), Just(c), cells)
    })
}

fn csr_parts(ncols: usize, cells: &[Option<i32>]) -> (Vec<i64>, Vec<i64>, Vec<f64>) {
    let (mut indptr, mut indices, mut data) = (vec![0i64], Vec::new(), Vec::new());
    for row in cells.chunks(ncols.max(1)) {
        for (j, x) in row.iter().enumerate() {
            if let Some(x) = x {
                indices.push(j as i64);
                data.push(f64::from(*x));
            }
        }
        indptr.push(indices.len() as i64);
    }
    (indptr, indices, data)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]
    #[test]
    fn same_optimum_as_the_dense_solver((r, c, cells) in graph(), maximize in any::<bool>()) {
        let (indptr, indices, data) = if c == 0 {
            (vec![0i64; r + 1], Vec::new(), Vec::new())
        } else {
            csr_parts(c, &cells)
        };
        let m = Csr { nrows: r, ncols: c, indptr: &indptr, indices: &indices, data: &data };
        let forbidden = if maximize { f64::NEG_INFINITY } else { f64::INFINITY };
        let dense: Vec<f64> = cells.iter().map(|x| x.map_or(forbidden, f64::from)).collect();
        let want = linear_sum_assignment(&dense, r, c, maximize);
        let got = min_weight_full_bipartite_matching(&m, maximize);
        match (want, got) {
            (Ok((wr, wc)), Ok((gr, gc))) => {
                prop_assert_eq!(gr.len(), r.min(c));
                prop_assert!(gr.windows(2).all(|w| w[0] < w[1]), "rows sorted and distinct");
                let mut cols = gc.clone();
                cols.sort_unstable();
                cols.dedup();
                prop_assert_eq!(cols.len(), gc.len(), "columns distinct");
                let total = |rows: &[usize], cols: &[usize]| -> f64 {
                    rows.iter().zip(cols).map(|(&i, &j)| dense[i * c + j]).sum()
                };
                let (w, g) = (total(&wr, &wc), total(&gr, &gc));
                prop_assert!(g.is_finite(), "every pair is an edge");
                prop_assert_eq!(w, g);
            }
            (Err(LapError::Infeasible), Err(LapError::Infeasible)) => {}
            (w, g) => prop_assert!(false, "dense {:?} vs sparse {:?}", w, g),
        }
    }
}

#[test]
fn a_large_random_graph_agrees_with_the_dense_solver() {
    let (n, m) = (300usize, 500usize);
    let mut s = 0x2545_F491_4F6C_DD1D_u64;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let cells: Vec<Option<i32>> = (0..n * m)
        .map(|_| (next() % 100 < 5).then(|| (next() % 1000) as i32))
        .collect();
    let (indptr, indices, data) = csr_parts(m, &cells);
    let csr = Csr {
        nrows: n,
        ncols: m,
        indptr: &indptr,
        indices: &indices,
        data: &data,
    };
    let dense: Vec<f64> = cells
        .iter()
        .map(|x| x.map_or(f64::INFINITY, f64::from))
        .collect();
    let (wr, wc) = linear_sum_assignment(&dense, n, m, false).unwrap();
    let (gr, gc) = min_weight_full_bipartite_matching(&csr, false).unwrap();
    let total = |rows: &[usize], cols: &[usize]| -> f64 {
        rows.iter().zip(cols).map(|(&i, &j)| dense[i * m + j]).sum()
    };
    assert_eq!(total(&wr, &wc), total(&gr, &gc));
}

/// Graphs with longer rows (up to 60 edges), so the sorted-prefix / rest split of each row
/// (`lap/sparse_csr.rs`: a prefix of `8 + len / 16` cheapest edges, the rest skipped when a
/// bound shows it useless) is exercised in all its branches; narrow and wide cost ranges for
/// many and few ties; square, wide and tall shapes.
fn long_rows() -> impl Strategy<Value = (usize, usize, Vec<Option<i32>>)> {
    (1..40usize, 1..60usize, 0.2..0.95f64, 1..1000i32).prop_flat_map(|(r, c, p, hi)| {
        let cells = prop::collection::vec(prop::option::weighted(p, -hi..=hi), r * c);
        (Just(r), Just(c), cells)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn long_rows_same_optimum_as_the_dense_solver(
        (r, c, cells) in long_rows(),
        square in any::<bool>(),
        maximize in any::<bool>(),
    ) {
        // About half the cases square (column reduction and reduction transfer run only
        // there): the first `r` columns when there are that many.
        let c = if square { r.min(c) } else { c };
        let cells = &cells[..r * c];
        let (indptr, indices, data) = csr_parts(c, cells);
        let m = Csr { nrows: r, ncols: c, indptr: &indptr, indices: &indices, data: &data };
        let forbidden = if maximize { f64::NEG_INFINITY } else { f64::INFINITY };
        let dense: Vec<f64> = cells.iter().map(|x| x.map_or(forbidden, f64::from)).collect();
        let want = linear_sum_assignment(&dense, r, c, maximize);
        let got = min_weight_full_bipartite_matching(&m, maximize);
        match (want, got) {
            (Ok((wr, wc)), Ok((gr, gc))) => {
                prop_assert_eq!(gr.len(), r.min(c));
                let mut cols = gc.clone();
                cols.sort_unstable();
                cols.dedup();
                prop_assert_eq!(cols.len(), gc.len(), "columns distinct");
                let total = |rows: &[usize], cols: &[usize]| -> f64 {
                    rows.iter().zip(cols).map(|(&i, &j)| dense[i * c + j]).sum()
                };
                let (w, g) = (total(&wr, &wc), total(&gr, &gc));
                prop_assert!(g.is_finite(), "every pair is an edge");
                prop_assert_eq!(w, g);
            }
            (Err(LapError::Infeasible), Err(LapError::Infeasible)) => {}
            (w, g) => prop_assert!(false, "dense {:?} vs sparse {:?}", w, g),
        }
    }
}
