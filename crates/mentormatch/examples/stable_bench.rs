//! Benchmark for ranked preferences: the stable matching and the blocking-pair audit on seeded
//! synthetic cohorts (issue 16).
//!
//! ```text
//! cargo run --release --example stable_bench -p mentormatch -- stable <mentees> <mentors> [options]
//!   --list <L>          mentees rank L random mentors (default 20); mentors rank by score
//!   --mentor-lists      mentors rank (up to L of) the mentees who listed them, in random order
//!   --unlisted acceptable|forbidden   (default forbidden)
//!   --side mentee|mentor              (default mentee)
//!   --repeat <r>        runs; the median is printed
//! cargo run --release --example stable_bench -p mentormatch -- solve <mentees> <mentors> [as stable]
//!   `mentormatch::solve` with objective = "stable": the whole result (explanations, audit)
//! cargo run --release --example stable_bench -p mentormatch -- audit <mentees> <mentors> [--list L] [--repeat r]
//!   the exact optimum of the total score, then its blocking pairs (score-based preferences
//!   unless --list is given)
//! ```
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use mentormatch::rng::SplitMix64 as Rng;
use mentormatch::stability::{blocking_indices, blocking_pairs};
use mentormatch::stable_matching;
use mentormatch::{synthetic_cohort, Cohort, Config, Problem, Side, Unlisted};

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

fn add_lists(cohort: &mut Cohort, len: usize, mentor_lists: bool, seed: u64) {
    let mut rng = Rng::new(seed);
    let m = cohort.mentors.len();
    let mentor_prefix = cohort.mentors[0]
        .profile
        .id
        .trim_end_matches(char::is_numeric)
        .to_string();
    let mentee_prefix = cohort.mentees[0]
        .profile
        .id
        .trim_end_matches(char::is_numeric)
        .to_string();
    let mut listed_by: Vec<Vec<usize>> = vec![Vec::new(); m];
    for (i, e) in cohort.mentees.iter_mut().enumerate() {
        let mut chosen: Vec<usize> = Vec::with_capacity(len);
        while chosen.len() < len.min(m) {
            let x = rng.below(m);
            if !chosen.contains(&x) {
                chosen.push(x);
            }
        }
        for &j in &chosen {
            listed_by[j].push(i);
        }
        let cell = chosen
            .iter()
            .map(|x| format!("{mentor_prefix}{x}"))
            .collect::<Vec<_>>()
            .join(";");
        e.profile.extra.insert("preferences".into(), cell.into());
    }
    if mentor_lists {
        // Each mentor ranks the mentees who listed them (up to `len`), in random order.
        for (j, p) in cohort.mentors.iter_mut().enumerate() {
            let mut who = std::mem::take(&mut listed_by[j]);
            for k in (1..who.len()).rev() {
                who.swap(k, rng.below(k + 1));
            }
            who.truncate(len);
            if who.is_empty() {
                continue;
            }
            let cell = who
                .iter()
                .map(|x| format!("{mentee_prefix}{x}"))
                .collect::<Vec<_>>()
                .join(";");
            p.profile.extra.insert("preferences".into(), cell.into());
        }
    }
}

/// CPU seconds (user + system) of this process so far.
fn cpu() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let f: Vec<&str> = s.rsplit(')').next()?.split_whitespace().collect();
            let u: f64 = f.get(11)?.parse().ok()?;
            let k: f64 = f.get(12)?.parse().ok()?;
            Some((u + k) / 100.0)
        })
        .unwrap_or(f64::NAN)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).cloned().unwrap_or_else(|| "stable".into());
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let m: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(4000);
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|p| args.get(p + 1).cloned())
    };
    let flag = |name: &str| args.iter().any(|a| a == name);
    let list: Option<usize> = opt("--list").and_then(|s| s.parse().ok());
    let repeat: usize = opt("--repeat").and_then(|s| s.parse().ok()).unwrap_or(1);
    let unlisted = match opt("--unlisted").as_deref() {
        Some("acceptable") => Unlisted::Acceptable,
        _ => Unlisted::Forbidden,
    };
    let side = match opt("--side").as_deref() {
        Some("mentor") => Side::Mentor,
        _ => Side::Mentee,
    };

    let t = Instant::now();
    let mut cohort = synthetic_cohort(n, m, 1);
    let with_lists = what != "audit" || list.is_some();
    if with_lists {
        add_lists(&mut cohort, list.unwrap_or(20), flag("--mentor-lists"), 7);
    }
    println!("generate {n} x {m}: {:.2} s", t.elapsed().as_secs_f64());
    let mut config = Config {
        objective: if what == "solve" {
            mentormatch::Objective::Stable
        } else {
            mentormatch::Objective::Total
        },
        stable_side: Some(side),
        ..Config::default()
    };
    config.preferences.unlisted = unlisted;
    config.rules.allow_unmatched = true;
    let t = Instant::now();
    let c0 = cpu();
    let lists = mentormatch::Preferences::parse(
        &cohort.mentors,
        &cohort.mentees,
        &config.preferences,
        ("mentors", "mentees"),
    )
    .unwrap();
    println!(
        "parse the lists alone: {:.2} s wall, {:.2} s CPU ({} mentees ranked)",
        t.elapsed().as_secs_f64(),
        cpu() - c0,
        lists.map_or(0, |l| (0..n).filter(|&i| l.mentee.has_list(i)).count())
    );
    let t = Instant::now();
    let c0 = cpu();
    let problem = Problem::new(cohort, config, vec![]).unwrap();
    println!(
        "compile (parse lists): {:.2} s wall, {:.2} s CPU",
        t.elapsed().as_secs_f64(),
        cpu() - c0
    );

    match what.as_str() {
        "solve" => {
            // The whole library call: stable matching, explanations, unmatched reasons, audit.
            let t = Instant::now();
            let r = mentormatch::solve(&problem).unwrap();
            println!(
                "solve (objective = stable, whole result): {:.2} s; {} pairs, {} blocking pairs, notes {:?}",
                t.elapsed().as_secs_f64(),
                r.pairs.len(),
                r.blocking_pairs.as_ref().map_or(0, Vec::len),
                r.notes
            );
        }
        "stable" => {
            let mut times = Vec::new();
            let mut a = Vec::new();
            let c0 = cpu();
            for _ in 0..repeat {
                let t = Instant::now();
                a = stable_matching(&problem, side);
                times.push(t.elapsed().as_secs_f64());
            }
            let cpu_each = (cpu() - c0) / repeat as f64;
            let matched = a.iter().filter(|x| x.is_some()).count();
            println!("deferred acceptance CPU per run: {cpu_each:.2} s");
            println!(
                "stable {}-optimal: median {:.3} s over {repeat} run(s) ({times:.3?}); {matched} of {n} matched",
                side.as_str(),
                median(times.clone())
            );
            let t = Instant::now();
            let b = blocking_indices(&problem, &a);
            println!(
                "audit of the stable matching: {:.3} s, {} blocking pairs",
                t.elapsed().as_secs_f64(),
                b.len()
            );
        }
        _ => {
            let t = Instant::now();
            let (backend, _) =
                mentormatch::selection::select(&problem, problem.config().solver_options.kind)
                    .unwrap();
            let s = backend
                .solve(&problem, &mentormatch::Settings::from_problem(&problem))
                .unwrap();
            println!(
                "optimum ({}): {:.2} s",
                s.backend,
                t.elapsed().as_secs_f64()
            );
            let mut times = Vec::new();
            let mut k = 0;
            for _ in 0..repeat {
                let t = Instant::now();
                k = blocking_indices(&problem, &s.assignment).len();
                times.push(t.elapsed().as_secs_f64());
            }
            println!(
                "audit (blocking pairs, indices): median {:.3} s over {repeat} run(s) ({times:.3?}); {k} blocking pairs",
                median(times.clone())
            );
            let t = Instant::now();
            let full = blocking_pairs(&problem, &s.assignment);
            println!(
                "audit with reasons (BlockingPair records): {:.3} s, {} pairs",
                t.elapsed().as_secs_f64(),
                full.len()
            );
        }
    }
    println!("peak resident memory: {}", vm_hwm());
}
