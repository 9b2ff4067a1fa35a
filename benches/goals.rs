//! The cohort-goals benchmark family: synthetic cohorts shaped like `examples/data`
//! ([`mentormatch::synthetic_cohort`], mentors = 2 x mentees) with the two goals of issue 12:
//! a mentor-location quota (Tromsø/Karasjok/Bodø, at least 30% of pairs) and a mentor-department
//! spread (at most 15% of pairs per department). Default criteria (the reverse-mentoring preset).
//!
//! ```text
//! cargo run --release -p mentormatch-benches --bin goals-bench -- <mentees> <mentors> \
//!     [--solver lagrangian|ilp|auto] [--seed N] [--time-limit S] [--export DIR]
//! ```
//!
//! Prints one line: size, solver, status, seconds (scoring included), objective, bound, gap.
//! `--export DIR` writes the same model for `benches/goals_peers.py` (HiGHS, CP-SAT) and exits:
//! `pairs.csv` (`i,j,score` for every allowed pair), `mentors.csv` (`j,capacity,north,dept`),
//! `meta.csv` (`mentees,mentors,min_north,max_per_dept`).

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use mentormatch::{synthetic_cohort, Config, Problem, Quota, Side, SolverKind, Spread};

const NORTH: [&str; 3] = ["Tromsø", "Karasjok", "Bodø"];

/// Share of mentors living in Tromsø/Karasjok/Bodø, as in `examples/data` (5 of 24). The
/// generator's own location mix (20 towns, Zipf) has too few northern places for a 30% quota.
const NORTH_SHARE: f64 = 0.21;

/// Moves about [`NORTH_SHARE`] of the mentors to a northern town (seeded, deterministic);
/// with fewer than twice as many mentors as mentees, the share grows so that there are as
/// many northern places per mentee as at n x 2n (at n x n, 21% of the mentors have fewer
/// places than the 30% quota needs: the goal could not hold).
fn with_north(mut cohort: mentormatch::Cohort, seed: u64) -> mentormatch::Cohort {
    let mut rng = mentormatch::rng::SplitMix64::new(seed ^ 0x006e_6f72_7468);
    let (n, m) = (cohort.mentees.len(), cohort.mentors.len().max(1));
    let share = (NORTH_SHARE * (2 * n) as f64 / m as f64).clamp(NORTH_SHARE, 0.5);
    for m in &mut cohort.mentors {
        if rng.chance(share) {
            m.profile.location = Some(NORTH[rng.below(NORTH.len())].into());
        } else if m
            .profile
            .location
            .as_deref()
            .is_some_and(|l| NORTH.contains(&l))
        {
            m.profile.location = Some("Oslo".into());
        }
    }
    cohort
}

fn config(n: usize, solver: SolverKind, time_limit: Option<f64>) -> Config {
    Config {
        solver_options: mentormatch::config::SolverOptions {
            kind: solver,
            time_limit,
            ..Default::default()
        },
        goals: mentormatch::config::CohortGoals {
            quota: vec![Quota {
                side: Side::Mentor,
                field: "location".into(),
                values: NORTH.iter().map(|s| s.to_string()).collect(),
                min: None,
                max: None,
                min_share: Some(0.3),
                max_share: None,
            }],
            spread: vec![Spread {
                side: Side::Mentor,
                field: "department".into(),
                max: (0.15 * n as f64).floor() as u32,
            }],
        },
        ..Config::default()
    }
}

fn export(problem: &Problem, dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let sm = problem.score_matrix();
    let goals = mentormatch::Goals::of(problem);
    let (n, m) = (problem.n_mentees(), problem.n_mentors());
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("pairs.csv"))?);
    writeln!(w, "i,j,score")?;
    for i in 0..n {
        for j in 0..m {
            if sm.allowed(i, j) {
                writeln!(w, "{i},{j},{}", sm.score(i, j))?;
            }
        }
    }
    w.flush()?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("mentors.csv"))?);
    writeln!(w, "j,capacity,north,dept")?;
    let q = &goals.quotas[0];
    let s = &goals.spreads[0];
    for j in 0..m {
        let dept = s.group[j].map_or(-1, i64::from);
        writeln!(
            w,
            "{j},{},{},{dept}",
            problem.capacity()[j],
            u8::from(q.member[j])
        )?;
    }
    w.flush()?;
    let min_north = (0.3 * n as f64 - 1e-9).ceil() as u64;
    std::fs::write(
        dir.join("meta.csv"),
        format!(
            "mentees,mentors,min_north,max_per_dept\n{n},{m},{min_north},{}\n",
            s.max
        ),
    )
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(m)) = (
        args.first().and_then(|s| s.parse::<usize>().ok()),
        args.get(1).and_then(|s| s.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: goals-bench <mentees> <mentors> [--solver S] [--seed N] [--time-limit S] [--export DIR]");
        return ExitCode::from(2);
    };
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|k| args.get(k + 1))
            .cloned()
    };
    let seed = opt("--seed").and_then(|s| s.parse().ok()).unwrap_or(1);
    let time_limit = opt("--time-limit").and_then(|s| s.parse().ok());
    let solver = match opt("--solver").as_deref() {
        None | Some("lagrangian") => SolverKind::Lagrangian,
        Some("ilp") => SolverKind::Ilp,
        Some("auto") => SolverKind::Auto,
        Some("heuristic") => SolverKind::Heuristic,
        Some(other) => {
            eprintln!("unknown solver {other}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let cohort = with_north(synthetic_cohort(n, m, seed), seed);
    let problem = match Problem::new(cohort, config(n, solver, time_limit), vec![]) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if let Some(dir) = opt("--export") {
        return match export(&problem, dir.as_ref()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{dir}: {e}");
                ExitCode::from(2)
            }
        };
    }
    match mentormatch::solve(&problem) {
        Ok(r) => {
            let secs = started.elapsed().as_secs_f64();
            let bound = r.bound.unwrap_or(r.objective);
            let goals_ok = r.goals.iter().all(|g| g.satisfied);
            println!(
                "{n}x{m} seed {seed} {}: {} in {secs:.2} s, objective {:.4}, bound {bound:.4}, gap {:.4}%, goals {}",
                r.solver,
                r.status.as_str(),
                r.objective,
                100.0 * r.gap.unwrap_or(0.0),
                if goals_ok { "met" } else { "NOT met" }
            );
            for note in &r.notes {
                println!("  {note}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{n}x{m}: {e}");
            ExitCode::from(1)
        }
    }
}
