//! Ad-hoc timing of the dense assignment solver: `cargo run --release --example lap_timing`.
//!
//! Seeded LCG inputs; prints the median of 3 runs for each case.
//!
//! Two more modes, for comparing against other solvers on identical data (see `benches/TUNING.md`):
//!
//! ```text
//! lap_timing file <path> <nrows> <ncols> [reps]   # raw little-endian f64, row-major; median of reps
//! lap_timing dump-cohort <path> <mentees> <mentors> [seed]
//!     # synthetic_cohort scored by mentormatch: cost = -score, +inf where not allowed
//! ```

use std::time::Instant;

use mentormatch::lap::{linear_sum_assignment, solve_min};

/// Knuth's MMIX LCG; the top 53 bits give a uniform float in [0, 1).
struct Lcg(u64);

impl Lcg {
    fn next_f64(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn matrix(seed: u64, nrows: usize, ncols: usize, forbidden: f64, integer: bool) -> Vec<f64> {
    let mut rng = Lcg(seed);
    (0..nrows * ncols)
        .map(|_| {
            let x = rng.next_f64();
            if forbidden > 0.0 && rng.next_f64() < forbidden {
                f64::INFINITY
            } else if integer {
                (x * 101.0).floor()
            } else {
                x
            }
        })
        .collect()
}

fn median3(mut f: impl FnMut() -> f64) -> (f64, f64) {
    let mut times = Vec::new();
    let mut cost = 0.0;
    for _ in 0..3 {
        let t = Instant::now();
        cost = f();
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    (times[1], cost)
}

fn read_f64s(path: &str) -> Vec<f64> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    bytes
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
        .collect()
}

fn arg<T: std::str::FromStr>(args: &[String], k: usize, default: Option<T>) -> T {
    match args.get(k).map(|s| s.parse::<T>()) {
        Some(Ok(x)) => x,
        _ => default.unwrap_or_else(|| panic!("argument {k} missing or malformed")),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("file") => {
            let path = &args[2];
            let (nrows, ncols): (usize, usize) = (arg(&args, 3, None), arg(&args, 4, None));
            let reps: usize = arg(&args, 5, Some(3));
            let c = read_f64s(path);
            let mut times = Vec::new();
            let mut cost = f64::NAN;
            for _ in 0..reps.max(1) {
                let t = Instant::now();
                cost = match solve_min(&c, nrows, ncols) {
                    Ok(s) => s.cost,
                    Err(e) => panic!("{path}: {e}"),
                };
                times.push(t.elapsed().as_secs_f64());
            }
            times.sort_by(f64::total_cmp);
            println!(
                "{path} {nrows}x{ncols} median {:.3} ms  min {:.3} ms  cost {cost:.6}",
                times[times.len() / 2] * 1e3,
                times[0] * 1e3
            );
            return;
        }
        Some("dump-cohort") => {
            let path = &args[2];
            let (n, m): (usize, usize) = (arg(&args, 3, None), arg(&args, 4, None));
            let seed: u64 = arg(&args, 5, Some(1));
            let cohort = mentormatch::synthetic_cohort(n, m, seed);
            let problem = mentormatch::Problem::new(cohort, mentormatch::Config::default(), vec![])
                .unwrap_or_else(|e| panic!("{e}"));
            let sm = problem.score_matrix();
            let bytes: Vec<u8> = sm
                .scores
                .iter()
                .zip(&sm.allowed)
                .flat_map(|(&s, &a)| (if a { -s } else { f64::INFINITY }).to_le_bytes())
                .collect();
            std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
            let mut distinct: Vec<f64> = sm.scores.clone();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            let forbidden = sm.allowed.iter().filter(|a| !**a).count();
            println!(
                "{path}: {n}x{m}, {} distinct scores, {:.1}% forbidden",
                distinct.len(),
                100.0 * forbidden as f64 / (n * m) as f64
            );
            return;
        }
        _ => {}
    }
    let cases: [(&str, usize, usize, f64, bool); 5] = [
        ("1000x1000 uniform", 1000, 1000, 0.0, false),
        ("2000x2000 uniform", 2000, 2000, 0.0, false),
        ("2000x2000 integer 0..100", 2000, 2000, 0.0, true),
        ("1000x2000 uniform, 15% forbidden", 1000, 2000, 0.15, false),
        ("4000x4000 uniform", 4000, 4000, 0.0, false),
    ];
    for (name, nrows, ncols, forbidden, integer) in cases {
        let c = matrix(42, nrows, ncols, forbidden, integer);
        let (t, cost) = median3(|| match solve_min(&c, nrows, ncols) {
            Ok(s) => s.cost,
            Err(e) => {
                eprintln!("{name}: {e}");
                f64::NAN
            }
        });
        println!("{name:<36} solve_min             median {t:>8.4} s  cost {cost:.6}");
    }
    let (nrows, ncols) = (2000, 1000);
    let c = matrix(7, nrows, ncols, 0.15, false);
    let (t, n) = median3(|| match linear_sum_assignment(&c, nrows, ncols, false) {
        Ok((r, _)) => r.len() as f64,
        Err(e) => {
            eprintln!("tall: {e}");
            f64::NAN
        }
    });
    println!(
        "{:<36} linear_sum_assignment median {t:>8.4} s  pairs {n}",
        "2000x1000 uniform, 15% forbidden"
    );
}
