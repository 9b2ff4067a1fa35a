//! Writes a seeded synthetic cohort as CSV, so the real binary can be timed end to end on
//! large programmes.
//!
//! ```text
//! cargo run --release -p mentormatch-benches --bin gen-cohort -- <mentees> <mentors> <dir> [seed]
//! ```
//! writes `<dir>/mentors.csv` and `<dir>/mentees.csv` (the sample data's columns).

use std::path::Path;
use std::process::ExitCode;

use mentormatch_benches::write_cohort_csv;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match args.as_slice() {
        [n, m, dir] | [n, m, dir, _] => n
            .parse::<usize>()
            .ok()
            .zip(m.parse::<usize>().ok())
            .zip(args.get(3).map_or(Some(1), |s| s.parse::<u64>().ok()))
            .map(|((n, m), seed)| (n, m, Path::new(dir).to_path_buf(), seed)),
        _ => None,
    };
    let Some((n, m, dir, seed)) = parsed else {
        eprintln!("usage: gen-cohort <mentees> <mentors> <dir> [seed]");
        return ExitCode::from(2);
    };
    match write_cohort_csv(&dir, n, m, seed) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
