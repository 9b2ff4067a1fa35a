//! Where the time goes in one coordinator run on a 2,000 x 4,000 cohort: read the CSV files,
//! compile the problem, score every pair, solve (scoring again, assignment, explanations).
//!
//! ```text
//! cargo bench -p mentormatch-benches --bench pipeline
//! ```
//! The whole binary, process start and output writing included, is timed by `benches/e2e.sh`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use mentormatch::{load_cohort, solve, Config, Problem};
use mentormatch_benches::write_cohort_csv;

fn bench(cr: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("mentormatch-pipeline-{}", std::process::id()));
    write_cohort_csv(&dir, 2000, 4000, 1).expect("write the cohort");
    let (mentors, mentees) = (dir.join("mentors.csv"), dir.join("mentees.csv"));
    let config = Config::default();
    let cohort = load_cohort(&mentors, &mentees, &config).expect("read");
    let problem = Problem::new(cohort.clone(), config.clone(), Vec::new()).expect("compile");

    let mut group = cr.benchmark_group("pipeline 2000x4000");
    group.sample_size(10);
    group.bench_function("read csv", |b| {
        b.iter(|| load_cohort(&mentors, &mentees, &config).expect("read"))
    });
    group.bench_function("compile", |b| {
        b.iter(|| Problem::new(cohort.clone(), config.clone(), Vec::new()).expect("compile"))
    });
    group.bench_function("score matrix", |b| b.iter(|| problem.score_matrix()));
    group.bench_function("solve", |b| b.iter(|| solve(&problem).expect("solve")));
    group.finish();
    // Best effort: the files are small and in the temp dir.
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
