//! Times `lap::min_weight_full_bipartite_matching` on a random square sparse graph like
//! benches/sparse_peers.py's (integer weights 1..1000): `sparse_timing N DENSITY [SEED]`.
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use mentormatch::lap::{min_weight_full_bipartite_matching, Csr};
use mentormatch::rng::SplitMix64;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).map_or(10_000, |s| s.parse().unwrap());
    let density: f64 = args.get(2).map_or(0.01, |s| s.parse().unwrap());
    let seed: u64 = args.get(3).map_or(1, |s| s.parse().unwrap());
    let mut rng = SplitMix64::new(seed);
    let per_row = ((n as f64 * density).round() as usize).max(1);
    let (mut indptr, mut indices, mut data) = (vec![0i64], Vec::new(), Vec::new());
    for _ in 0..n {
        let mut cols: Vec<i64> = (0..per_row)
            .map(|_| (rng.next_u64() % n as u64) as i64)
            .collect();
        cols.sort_unstable();
        cols.dedup();
        for j in cols {
            indices.push(j);
            data.push((1 + rng.next_u64() % 999) as f64);
        }
        indptr.push(indices.len() as i64);
    }
    let m = Csr {
        nrows: n,
        ncols: n,
        indptr: &indptr,
        indices: &indices,
        data: &data,
    };
    let t = Instant::now();
    let (r, c) = min_weight_full_bipartite_matching(&m, false).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let total: f64 = r
        .iter()
        .zip(&c)
        .map(|(&i, &j)| {
            let (a, b) = (indptr[i] as usize, indptr[i + 1] as usize);
            let k = a + indices[a..b].iter().position(|&x| x as usize == j).unwrap();
            data[k]
        })
        .sum();
    println!(
        "n {n} density {density} nnz {} total {total} time {secs:.3} s",
        data.len()
    );
}
