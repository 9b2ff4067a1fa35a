//! Scale benchmark for the sparse backends on seeded synthetic cohorts.
//!
//! ```text
//! cargo run --release --example scale_bench -- <mentees> <mentors> [options]
//!   --solver heuristic|sparse|exact|all   (default all: exact only when it fits)
//!   --k <candidates>    (default 50)
//!   --seed <seed>       (default 1)
//!   --starts <n>        (heuristic starts, default 4)
//!   --repeat <r>        (runs per solver; the median time is printed)
//!   --time-limit <s>    (seconds; the heuristic stops early and reports its certified gap)
//! ```
//! Peak memory: run under `/usr/bin/time -v`, or read `VmHWM` printed at the end.
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use mentormatch::{synthetic_cohort, Config, Problem, SolverKind};

fn vm_hwm() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| "?".into())
}

fn vm_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS"))
                .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| "?".into())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let m: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(4000);
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|p| args.get(p + 1).cloned())
    };
    let solver = opt("--solver").unwrap_or_else(|| "all".into());
    let k: usize = opt("--k").and_then(|s| s.parse().ok()).unwrap_or(50);
    let seed: u64 = opt("--seed").and_then(|s| s.parse().ok()).unwrap_or(1);
    let starts: Option<usize> = opt("--starts").and_then(|s| s.parse().ok());
    let repeat: usize = opt("--repeat").and_then(|s| s.parse().ok()).unwrap_or(1);
    let time_limit: Option<f64> = opt("--time-limit").and_then(|s| s.parse().ok());

    let t = Instant::now();
    let cohort = synthetic_cohort(n, m, seed);
    println!(
        "generate {n} x {m}: {:.2} s, resident {}",
        t.elapsed().as_secs_f64(),
        vm_rss()
    );

    if solver == "cands" {
        let cfg = Config {
            solver_options: mentormatch::config::SolverOptions {
                candidates: Some(k),
                ..Default::default()
            },
            ..Config::default()
        };
        let problem = Problem::new(cohort, cfg, vec![]).unwrap();
        let t = Instant::now();
        let shards = mentormatch::distributed::ShardIndex::new(problem);
        let cands = shards.candidates(0..n, k, None).unwrap();
        println!(
            "candidates: {:.2} s, {} pairs scored ({:.2}% of all), {} bounds",
            t.elapsed().as_secs_f64(),
            cands.stats.pairs_scored,
            100.0 * cands.stats.pairs_scored as f64 / (n as f64 * m as f64),
            cands.stats.bounds
        );
        println!("peak memory (VmHWM): {}", vm_hwm());
        return;
    }
    let kinds: Vec<(&str, SolverKind)> = match solver.as_str() {
        "heuristic" => vec![("heuristic", SolverKind::Heuristic)],
        "sparse" => vec![("sparse-exact", SolverKind::Sparse)],
        "exact" => vec![("exact", SolverKind::Exact)],
        _ => {
            let mut v = vec![
                ("heuristic", SolverKind::Heuristic),
                ("sparse-exact", SolverKind::Sparse),
            ];
            if (n as u64) * (m as u64) <= 20_000_000 {
                v.push(("exact", SolverKind::Exact));
            }
            v
        }
    };
    let mut exact_obj = None;
    let mut rows = Vec::new();
    // A single run takes the cohort itself rather than a copy, so the peak memory is the
    // solver's, not the solver's plus a second cohort held by the harness.
    let single = kinds.len() == 1 && repeat <= 1;
    let mut cohort = Some(cohort);
    for (name, kind) in kinds {
        let cfg = Config {
            solver_options: mentormatch::config::SolverOptions {
                kind,
                candidates: Some(k),
                seed: Some(seed),
                starts,
                time_limit,
                ..Default::default()
            },
            ..Config::default()
        };
        let mut times = Vec::new();
        let mut last = None;
        for _ in 0..repeat.max(1) {
            let t = Instant::now();
            let c = if single {
                cohort.take().unwrap()
            } else {
                cohort.clone().unwrap()
            };
            let problem = Problem::new(c, cfg.clone(), vec![]).unwrap();
            let t_problem = t.elapsed().as_secs_f64();
            let r = mentormatch::solve(&problem).unwrap();
            times.push((t.elapsed().as_secs_f64(), t_problem));
            last = Some(r);
        }
        times.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (total, t_problem) = times[times.len() / 2];
        let r = last.unwrap();
        if name == "exact" {
            exact_obj = Some(r.objective);
        }
        println!(
            "{:>12}: {total:.2} s (compile {t_problem:.2} s)  pairs {}  unmatched {}  objective {:.3}  bound {}  gap {}  status {}",
            r.solver,
            r.pairs.len(),
            r.unmatched_mentees.len(),
            r.objective,
            r.bound.map_or("-".into(), |b| format!("{b:.3}")),
            r.gap.map_or("-".into(), |g| format!("{:.4}%", 100.0 * g)),
            r.status.as_str()
        );
        for note in &r.notes {
            println!("{:>14}{note}", "");
        }
        rows.push((name, r.objective));
    }
    if let Some(e) = exact_obj {
        for (name, obj) in rows {
            println!(
                "{name:>12}: {:.4}% below the dense exact optimum {e:.3}",
                100.0 * (e - obj) / e
            );
        }
    }
    println!("peak memory (VmHWM): {}", vm_hwm());
}
