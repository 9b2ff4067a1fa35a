//! Benchmark of the ILP backend on generated cohorts with three goal families:
//! a geography quota (mentors from the north), a cultural-competence share (Sami or
//! immigrant background) and a department spread.
//!
//! ```text
//! cargo run --release --example ilp_bench -- --mentees 100 --mentors 200 --engine microlp --runs 3
//! cargo run --release --features highs --example ilp_bench -- --mentees 500 --mentors 1000 --engine highs
//! cargo run --release --features highs --example ilp_bench -- --scan --engine highs --limit 60
//! ```
//!
//! Prints one line per run and the medians. `--scan` doubles the size (mentors = 2 x mentees)
//! until a run is not proven optimal within `--limit` seconds.
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use mentormatch::{
    Backend, Cohort, Config, Engine, IlpBackend, Mentee, Mentor, Problem, Quota, Settings, Side,
    SolveStatus, Spread,
};

/// splitmix64: a tiny seeded generator, enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn some<'a>(&mut self, xs: &[&'a str], p: f64) -> Vec<&'a str> {
        xs.iter().copied().filter(|_| self.chance(p)).collect()
    }
}

const DEPARTMENTS: [&str; 8] = [
    "Nyheter",
    "Drama",
    "Sport",
    "Kultur",
    "Teknologi",
    "Distrikt",
    "Samisk",
    "Marked",
];
const LOCATIONS: [&str; 10] = [
    "Oslo",
    "Bergen",
    "Trondheim",
    "Stavanger",
    "Kristiansand",
    "Ålesund",
    "Lillehammer",
    "Tromsø",
    "Bodø",
    "Karasjok",
];
const INTERESTS: [&str; 10] = [
    "sport",
    "reise",
    "musikk",
    "film",
    "friluftsliv",
    "mat",
    "litteratur",
    "gaming",
    "kunst",
    "politikk",
];
const COMPETENCES: [&str; 6] = [
    "digital",
    "sosiale medier",
    "unge målgrupper",
    "flerkulturell innsikt",
    "data",
    "podkast",
];

fn cohort(n_mentees: usize, n_mentors: usize, seed: u64) -> Cohort {
    let mut rng = Rng(seed);
    let location = |rng: &mut Rng| {
        if rng.chance(0.15) {
            rng.pick(&LOCATIONS[7..])
        } else {
            rng.pick(&LOCATIONS[..7])
        }
    };
    let mentors = (0..n_mentors)
        .map(|k| {
            let mut m = Mentor::new(format!("M{k}"));
            m.profile.department = Some(rng.pick(&DEPARTMENTS).into());
            m.profile.location = Some(location(&mut rng).into());
            m.profile.interests = rng
                .some(&INTERESTS, 0.3)
                .into_iter()
                .map(String::from)
                .collect();
            let mut cc = Vec::new();
            if rng.chance(0.10) {
                cc.push("samisk");
            }
            if rng.chance(0.20) {
                cc.push("innvandrerbakgrunn");
            }
            if rng.chance(0.3) {
                cc.push("engelsk");
            }
            m.profile.cultural_competence = cc.into_iter().map(String::from).collect();
            m.offers = rng
                .some(&COMPETENCES, 0.35)
                .into_iter()
                .map(String::from)
                .collect();
            m.capacity = if rng.chance(0.2) { 2 } else { 1 };
            m
        })
        .collect();
    let mentees = (0..n_mentees)
        .map(|k| {
            let mut e = Mentee::new(format!("E{k}"));
            e.profile.department = Some(rng.pick(&DEPARTMENTS).into());
            e.profile.location = Some(location(&mut rng).into());
            e.profile.interests = rng
                .some(&INTERESTS, 0.3)
                .into_iter()
                .map(String::from)
                .collect();
            e.needs = rng
                .some(&COMPETENCES, 0.4)
                .into_iter()
                .map(String::from)
                .collect();
            e
        })
        .collect();
    Cohort { mentors, mentees }
}

fn config(n_mentees: usize, time_limit: Option<f64>) -> Config {
    let n = n_mentees as f64;
    Config {
        goals: mentormatch::config::CohortGoals {
            quota: vec![
                Quota {
                    side: Side::Mentor,
                    field: "location".into(),
                    values: vec!["Tromsø".into(), "Karasjok".into(), "Bodø".into()],
                    min: Some((0.15 * n).ceil() as u32),
                    max: None,
                    min_share: None,
                    max_share: None,
                },
                Quota {
                    side: Side::Mentor,
                    field: "cultural_competence".into(),
                    values: vec!["Samisk".into(), "Innvandrerbakgrunn".into()],
                    min: None,
                    max: None,
                    min_share: Some(0.35),
                    max_share: None,
                },
            ],
            spread: vec![Spread {
                side: Side::Mentor,
                field: "department".into(),
                max: ((n / DEPARTMENTS.len() as f64) * 1.25).ceil() as u32,
            }],
        },
        solver_options: mentormatch::config::SolverOptions {
            time_limit,
            ..Default::default()
        },
        ..Config::default()
    }
}

struct Run {
    secs: f64,
    status: SolveStatus,
    objective: f64,
    gap: Option<f64>,
}

fn run_once(engine: Engine, n: usize, m: usize, seed: u64, limit: Option<f64>) -> Run {
    let problem = Problem::new(cohort(n, m, seed), config(n, limit), vec![]).unwrap();
    let backend = IlpBackend::with_engine(engine).unwrap();
    let t = Instant::now();
    let sol = backend.solve(&problem, &Settings::from_problem(&problem));
    let secs = t.elapsed().as_secs_f64();
    match sol {
        Ok(sol) => {
            let r = mentormatch::result::build(&problem, sol, Default::default());
            let goals: Vec<String> = r
                .goals
                .iter()
                .map(|g| {
                    format!(
                        "{} {}={}{}",
                        g.constraint,
                        g.bound,
                        g.value,
                        if g.satisfied { "" } else { " (NOT MET)" }
                    )
                })
                .collect();
            println!(
                "  {n}x{m} seed {seed}: {secs:.2} s, {}, {} pairs, objective {:.2}{}; {}",
                r.status.as_str(),
                r.pairs.len(),
                r.objective,
                r.gap
                    .map(|g| format!(", gap {:.4}%", 100.0 * g))
                    .unwrap_or_default(),
                goals.join("; ")
            );
            Run {
                secs,
                status: r.status,
                objective: r.objective,
                gap: r.gap,
            }
        }
        Err(e) => {
            println!("  {n}x{m} seed {seed}: {secs:.2} s, error: {e}");
            Run {
                secs,
                status: SolveStatus::NoSolutionFound,
                objective: 0.0,
                gap: None,
            }
        }
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|k| args.get(k + 1))
            .cloned()
    };
    let n: usize = get("--mentees").map_or(100, |s| s.parse().unwrap());
    let m: usize = get("--mentors").map_or(2 * n, |s| s.parse().unwrap());
    let runs: u64 = get("--runs").map_or(3, |s| s.parse().unwrap());
    let seed: u64 = get("--seed").map_or(1, |s| s.parse().unwrap());
    let limit: Option<f64> = get("--limit").map(|s| s.parse().unwrap());
    let engine = match get("--engine").as_deref() {
        Some("highs") => Engine::Highs,
        Some("microlp") => Engine::Microlp,
        Some(other) => panic!("unknown engine {other}"),
        None => *Engine::available().first().expect("an ILP engine"),
    };
    if args.iter().any(|a| a == "--scan") {
        let limit = limit.unwrap_or(60.0);
        let mut size = n;
        let mut largest = None;
        loop {
            println!(
                "{} {}x{} (limit {limit} s):",
                engine.as_str(),
                size,
                2 * size
            );
            let r = run_once(engine, size, 2 * size, seed, Some(limit));
            if r.status != SolveStatus::Optimal || r.secs > limit {
                break;
            }
            largest = Some((size, r.secs));
            size = size * 3 / 2;
        }
        match largest {
            Some((s, secs)) => println!(
                "largest proven optimal within {limit} s with {}: {s} mentees x {} mentors ({secs:.1} s)",
                engine.as_str(),
                2 * s
            ),
            None => println!("no size solved within {limit} s"),
        }
        return;
    }
    println!(
        "{} {n} mentees x {m} mentors, {runs} run(s):",
        engine.as_str()
    );
    let results: Vec<Run> = (0..runs)
        .map(|k| run_once(engine, n, m, seed + k, limit))
        .collect();
    let optimal = results
        .iter()
        .filter(|r| r.status == SolveStatus::Optimal)
        .count();
    println!(
        "median {:.2} s; {optimal}/{runs} proven optimal; median objective {:.2}; worst gap {}",
        median(results.iter().map(|r| r.secs).collect()),
        median(results.iter().map(|r| r.objective).collect()),
        results
            .iter()
            .filter_map(|r| r.gap)
            .max_by(f64::total_cmp)
            .map_or("-".into(), |g| format!("{:.4}%", 100.0 * g))
    );
}
