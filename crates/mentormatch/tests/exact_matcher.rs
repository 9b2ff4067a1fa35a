//! The exact matcher against brute force, and the hard rules it must never break.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;

use mentormatch::{Config, Error, Infeasibility, Objective, PairRef, Problem, SolverKind};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

fn config(allow_unmatched: bool) -> Config {
    Config {
        rules: mentormatch::config::Rules {
            allow_unmatched,
            ..Default::default()
        },
        solver_options: mentormatch::config::SolverOptions {
            kind: SolverKind::Exact,
            ..Default::default()
        },
        ..Config::default()
    }
}

fn check_hard_rules(problem: &Problem, r: &mentormatch::MatchResult) {
    let mut load: HashMap<&str, u32> = HashMap::new();
    for p in &r.pairs {
        let i = problem.mentee_index(&p.mentee_id).unwrap();
        let j = problem.mentor_index(&p.mentor_id).unwrap();
        assert!(
            problem.pair(i, j).1,
            "pair {}-{} breaks a hard rule",
            p.mentee_id,
            p.mentor_id
        );
        *load.entry(&p.mentor_id).or_default() += 1;
        let sum: f64 = p.breakdown.iter().map(|b| b.points).sum();
        assert!(
            (sum - p.score).abs() < 1e-9,
            "breakdown points add up to the score"
        );
    }
    for (m, l) in load {
        let j = problem.mentor_index(m).unwrap();
        assert!(l <= problem.capacity()[j], "mentor {m} over capacity");
    }
    for &(i, j) in problem.pins() {
        let p = r
            .pair_of(&problem.cohort().mentees[i].profile.id)
            .expect("pinned mentee matched");
        assert_eq!(p.mentor_id, problem.cohort().mentors[j].profile.id);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn optimal_against_brute_force(cohort in common::cohort(5, 6), allow in any::<bool>()) {
        let problem = Problem::new(cohort, config(allow), vec![]).unwrap();
        let expected = common::brute_force(&problem, allow);
        match (mentormatch::solve(&problem), expected) {
            (Ok(r), Some((count, total))) => {
                prop_assert_eq!(r.pairs.len(), count);
                prop_assert!((r.objective - total).abs() < 1e-6, "objective {} vs brute force {}", r.objective, total);
                check_hard_rules(&problem, &r);
                prop_assert_eq!(r.pairs.len() + r.unmatched_mentees.len(), problem.n_mentees());
            }
            (Err(Error::Infeasible(d)), None) => {
                // The witness is a real Hall violator: its mentees' allowed places are too few.
                match *d {
                    Infeasibility::NotEnoughPlaces { mentees, mentors, places } => {
                        prop_assert!((places as usize) < mentees.len());
                        for e in &mentees {
                            let i = problem.mentee_index(e).unwrap();
                            for j in 0..problem.n_mentors() {
                                if problem.pair(i, j).1 && problem.capacity()[j] > 0 {
                                    let id = &problem.cohort().mentors[j].profile.id;
                                    prop_assert!(mentors.iter().any(|(m, _)| m == id));
                                }
                            }
                        }
                    }
                    other => prop_assert!(false, "unexpected diagnosis {other:?}"),
                }
            }
            (got, want) => prop_assert!(false, "solver {got:?} but brute force {want:?}"),
        }
    }

    #[test]
    fn pins_forbids_and_history_hold(cohort in common::cohort(5, 6), picks in prop::collection::vec((0..5usize, 0..6usize, 0..3u8), 0..4)) {
        let (n, m) = (cohort.mentees.len(), cohort.mentors.len());
        let mut cfg = config(true);
        let mut past = Vec::new();
        for (i, j, kind) in picks {
            if i >= n || j >= m { continue; }
            let pair = PairRef { mentee: format!("E{i}"), mentor: format!("M{j}"), reason: None };
            match kind {
                0 => cfg.rules.forbid.push(pair),
                1 => past.push(pair),
                _ => cfg.rules.pin.push(pair),
            }
        }
        // Invalid pin sets (conflicts, over capacity) are input errors, never panics.
        let problem = match Problem::new(cohort, cfg, past) {
            Ok(p) => p,
            Err(Error::Input(_)) => return Ok(()),
            Err(e) => { prop_assert!(false, "unexpected {e}"); unreachable!() }
        };
        let r = mentormatch::solve(&problem).unwrap();
        check_hard_rules(&problem, &r);
        let expected = common::brute_force(&problem, true).unwrap();
        prop_assert_eq!(r.pairs.len(), expected.0);
        prop_assert!((r.objective - expected.1).abs() < 1e-6);
    }

    #[test]
    fn maxmin_raises_the_lowest_score_as_far_as_brute_force(cohort in common::cohort(4, 5)) {
        let cfg = Config { objective: Objective::Maxmin, ..config(true) };
        let problem = Problem::new(cohort, cfg, vec![]).unwrap();
        let r = mentormatch::solve(&problem).unwrap();
        // Brute force: among maximum-cardinality assignments, the best lowest score.
        let best = best_lowest(&problem);
        if let Some((count, low)) = best {
            prop_assert_eq!(r.pairs.len(), count);
            if count > 0 {
                prop_assert!((r.lowest_score().unwrap() - low).abs() < 1e-9);
            }
        }
        check_hard_rules(&problem, &r);
    }
}

fn best_lowest(problem: &Problem) -> Option<(usize, f64)> {
    fn rec(
        i: usize,
        p: &Problem,
        cap: &mut [u32],
        count: usize,
        low: f64,
        best: &mut Option<(usize, f64)>,
    ) {
        if i == p.n_mentees() {
            let better = match best {
                None => true,
                Some((c, l)) => count > *c || (count == *c && low > *l),
            };
            if better {
                *best = Some((count, low));
            }
            return;
        }
        for j in 0..p.n_mentors() {
            let (s, ok) = p.pair(i, j);
            if ok && cap[j] > 0 {
                cap[j] -= 1;
                rec(i + 1, p, cap, count + 1, low.min(s), best);
                cap[j] += 1;
            }
        }
        rec(i + 1, p, cap, count, low, best);
    }
    let mut cap = problem.capacity().to_vec();
    let mut best = None;
    rec(0, problem, &mut cap, 0, f64::INFINITY, &mut best);
    best
}

#[test]
fn same_input_same_output_whatever_the_thread_count() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..20 {
        let cohort = common::cohort(8, 10)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let problem = Problem::new(cohort.clone(), config(true), vec![]).unwrap();
                (
                    problem.score_matrix(),
                    mentormatch::solve(&problem).unwrap(),
                )
            })
        };
        let (a, b) = (run(1), run(2));
        assert_eq!(a.0, b.0);
        assert_eq!(a.1, b.1);
    }
}
