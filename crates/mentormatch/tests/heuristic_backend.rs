//! The heuristic backend: hard rules, completeness, determinism across thread counts, and a
#![allow(clippy::unwrap_used, clippy::too_many_arguments)]
//! certificate that never undercuts the exact optimum.

mod common;

use std::collections::HashMap;

use mentormatch::{Config, Error, MatchResult, PairRef, Problem, Quota, Side, SolverKind, Spread};
use proptest::prelude::*;

fn heuristic(allow_unmatched: bool, k: usize, seed: u64) -> Config {
    Config {
        rules: mentormatch::config::Rules {
            allow_unmatched,
            ..Default::default()
        },
        solver_options: mentormatch::config::SolverOptions {
            kind: SolverKind::Heuristic,
            candidates: Some(k),
            seed: Some(seed),
            ..Default::default()
        },
        ..Config::default()
    }
}

fn check_hard_rules(problem: &Problem, r: &MatchResult) {
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
    #![proptest_config(ProptestConfig::with_cases(250))]

    /// Against the dense exact backend: same number matched, never better than the optimum,
    /// bound never below it, hard rules kept.
    #[test]
    fn heuristic_against_exact(cohort in common::cohort(6, 7), allow in any::<bool>(), k in 1usize..8, forbid in any::<u8>(), pin in any::<bool>(), min in prop::option::of(0.0f64..60.0)) {
        let (n, m) = (cohort.mentees.len(), cohort.mentors.len());
        let mut cfg = heuristic(allow, k, 7);
        cfg.rules.min_score = min;
        if n > 0 {
            for b in 0..3 {
                if forbid & (1 << b) != 0 {
                    cfg.rules.forbid.push(PairRef { mentee: cohort.mentees[b % n].profile.id.clone(), mentor: cohort.mentors[(b * 5) % m].profile.id.clone(), reason: None });
                }
            }
            if pin {
                cfg.rules.pin.push(PairRef { mentee: cohort.mentees[0].profile.id.clone(), mentor: cohort.mentors[m - 1].profile.id.clone(), reason: None });
            }
        }
        let Ok(problem) = Problem::new(cohort.clone(), cfg.clone(), vec![]) else { return Ok(()); };
        let mut exact_cfg = cfg.clone();
        exact_cfg.solver_options.kind = SolverKind::Exact;
        let exact_problem = Problem::new(cohort, exact_cfg, vec![]).unwrap();
        match (mentormatch::solve(&exact_problem), mentormatch::solve(&problem)) {
            (Ok(e), Ok(h)) => {
                check_hard_rules(&problem, &h);
                prop_assert_eq!(h.pairs.len(), e.pairs.len(), "every mentee that can be matched is matched");
                prop_assert!(h.objective <= e.objective + 1e-6);
                let b = h.bound.unwrap();
                prop_assert!(b >= e.objective - 1e-6, "bound {} below optimum {}", b, e.objective);
                prop_assert!(h.gap.unwrap() >= 0.0);
            }
            (Err(Error::Infeasible(_)), Err(Error::Infeasible(_) | Error::Solver(_))) => {}
            (e, h) => prop_assert!(false, "exact {:?} vs heuristic {:?}", e.map(|r| r.objective), h.map(|r| r.objective)),
        }
    }
}

fn run_in_pool(threads: usize, problem: &Problem) -> MatchResult {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| mentormatch::solve(problem).unwrap())
}

#[test]
fn same_seed_same_result_with_one_and_two_threads() {
    let cohort = mentormatch::synthetic_cohort(400, 500, 11);
    let mut cfg = heuristic(false, 20, 42);
    cfg.solver_options.starts = Some(5);
    let problem = Problem::new(cohort, cfg, vec![]).unwrap();
    let one = run_in_pool(1, &problem);
    let two = run_in_pool(2, &problem);
    // The whole result, notes included: timings never go into a result.
    assert_eq!(one, two);
    assert_eq!(one.pairs.len(), 400);
    check_hard_rules(&problem, &one);
}

#[test]
fn sparse_exact_is_deterministic_across_threads() {
    let cohort = mentormatch::synthetic_cohort(300, 300, 5);
    let cfg = Config {
        solver_options: mentormatch::config::SolverOptions {
            memory_budget: Some(0),
            candidates: Some(10),
            ..Default::default()
        },
        ..Config::default()
    };
    let problem = Problem::new(cohort, cfg, vec![]).unwrap();
    let one = run_in_pool(1, &problem);
    let two = run_in_pool(2, &problem);
    assert_eq!(one.pairs, two.pairs);
    assert_eq!(one.bound, two.bound);
}

#[test]
fn heuristic_on_a_generated_cohort_is_close_to_optimal() {
    let cohort = mentormatch::synthetic_cohort(300, 500, 9);
    let problem = Problem::new(cohort.clone(), heuristic(false, 50, 1), vec![]).unwrap();
    let h = mentormatch::solve(&problem).unwrap();
    let exact = Problem::new(
        cohort,
        Config {
            solver_options: mentormatch::config::SolverOptions {
                kind: SolverKind::Exact,
                ..Default::default()
            },
            ..Config::default()
        },
        vec![],
    )
    .unwrap();
    let e = mentormatch::solve(&exact).unwrap();
    check_hard_rules(&problem, &h);
    assert!(
        h.objective >= 0.995 * e.objective,
        "{} vs {}",
        h.objective,
        e.objective
    );
    assert!(h.bound.unwrap() >= e.objective - 1e-6);
}

#[test]
fn quotas_and_spreads_are_repaired_or_reported() {
    let cohort = mentormatch::synthetic_cohort(200, 300, 4);
    let mut cfg = heuristic(false, 30, 1);
    cfg.goals.spread.push(Spread {
        side: Side::Mentor,
        field: "location".into(),
        max: 30,
    });
    cfg.goals.quota.push(Quota {
        side: Side::Mentor,
        field: "location".into(),
        values: vec!["Tromsø".into(), "Bodø".into()],
        min: Some(25),
        max: None,
        min_share: None,
        max_share: None,
    });
    let problem = Problem::new(cohort, cfg, vec![]).unwrap();
    let r = mentormatch::solve(&problem).unwrap();
    check_hard_rules(&problem, &r);
    let mut per_loc: HashMap<String, u32> = HashMap::new();
    let mut north = 0;
    for p in &r.pairs {
        let j = problem.mentor_index(&p.mentor_id).unwrap();
        if let Some(l) = &problem.cohort().mentors[j].profile.location {
            *per_loc.entry(l.to_lowercase()).or_default() += 1;
            if l == "Tromsø" || l == "Bodø" {
                north += 1;
            }
        }
    }
    let spread_ok = per_loc.values().all(|&c| c <= 30);
    assert!(
        spread_ok || r.notes.iter().any(|n| n.message.contains("spread 1")),
        "{:?}",
        r.notes
    );
    assert!(
        north >= 25 || r.notes.iter().any(|n| n.message.contains("quota 1")),
        "{:?}",
        r.notes
    );
    assert_notes_match_goal_table(&r);

    // A quota no matching can reach is reported, in the notes and the goal table alike.
    let mut problem_cfg = problem.config().clone();
    problem_cfg.goals.quota[0].min = Some(1000);
    let problem = Problem::new(problem.cohort().clone(), problem_cfg, vec![]).unwrap();
    let r = mentormatch::solve(&problem).unwrap();
    assert!(r.goals.iter().any(|g| !g.satisfied), "{:?}", r.goals);
    assert_notes_match_goal_table(&r);
}

/// Notes and the result's goal table agree: a note exactly for each goal not satisfied.
fn assert_notes_match_goal_table(r: &mentormatch::MatchResult) {
    assert_eq!(r.goals.len(), 2);
    for g in &r.goals {
        let id = g.constraint.split(" (").next().unwrap();
        let noted = r
            .notes
            .iter()
            .any(|n| n.message.starts_with(&format!("goal not met: {id} (")));
        assert_eq!(noted, !g.satisfied, "{g:?} {:?}", r.notes);
    }
}

#[test]
fn infeasible_cohorts_get_a_hall_witness() {
    let mut cohort = mentormatch::synthetic_cohort(5, 3, 2);
    for m in &mut cohort.mentors {
        m.capacity = 1;
    }
    let problem = Problem::new(cohort, heuristic(false, 2, 1), vec![]).unwrap();
    match mentormatch::solve(&problem) {
        Err(Error::Infeasible(_)) => {}
        other => panic!("expected infeasible, got {:?}", other.map(|r| r.objective)),
    }
}

/// Column generation from very short candidate lists (k = 3, so nearly every good pair must
/// be found by pricing): the certificate is sound and tight against the dense optimum, with
/// pins and forbidden pairs on the path.
#[test]
fn column_generation_certifies_the_dense_optimum() {
    for (n, m, seed) in [(300, 300, 3), (250, 400, 8)] {
        let cohort = mentormatch::synthetic_cohort(n, m, seed);
        let mut cfg = heuristic(false, 3, 1);
        cfg.rules.pin.push(PairRef {
            mentee: cohort.mentees[0].profile.id.clone(),
            mentor: cohort.mentors[1].profile.id.clone(),
            reason: None,
        });
        for b in 1..6 {
            cfg.rules.forbid.push(PairRef {
                mentee: cohort.mentees[b].profile.id.clone(),
                mentor: cohort.mentors[b * 7 % m].profile.id.clone(),
                reason: None,
            });
        }
        let problem = Problem::new(cohort.clone(), cfg.clone(), vec![]).unwrap();
        let h = mentormatch::solve(&problem).unwrap();
        let mut exact_cfg = cfg;
        exact_cfg.solver_options.kind = SolverKind::Exact;
        let e = mentormatch::solve(&Problem::new(cohort, exact_cfg, vec![]).unwrap()).unwrap();
        check_hard_rules(&problem, &h);
        let b = h.bound.unwrap();
        assert!(
            b >= e.objective - 1e-6,
            "bound {b} below the optimum {}",
            e.objective
        );
        assert!(
            b - e.objective <= 1e-4 * e.objective,
            "certificate {b} not within 0.01% of the optimum {}",
            e.objective
        );
        assert!(
            h.objective >= e.objective * (1.0 - 1e-4),
            "{} vs {}",
            h.objective,
            e.objective
        );
        assert!(
            h.notes
                .iter()
                .any(|x| x.message.starts_with("pricing round 2")),
            "pricing had to add pairs: {:?}",
            h.notes
        );
    }
}

/// Under a time limit the heuristic stops early and still reports a sound bound.
#[test]
fn time_limit_keeps_an_honest_certificate() {
    let cohort = mentormatch::synthetic_cohort(300, 300, 5);
    let mut cfg = heuristic(false, 3, 1);
    cfg.solver_options.time_limit = Some(1e-6);
    let problem = Problem::new(cohort.clone(), cfg.clone(), vec![]).unwrap();
    let h = mentormatch::solve(&problem).unwrap();
    check_hard_rules(&problem, &h);
    let mut exact_cfg = cfg;
    exact_cfg.solver_options.time_limit = None;
    exact_cfg.solver_options.kind = SolverKind::Exact;
    let e = mentormatch::solve(&Problem::new(cohort, exact_cfg, vec![]).unwrap()).unwrap();
    let b = h.bound.unwrap();
    assert!(
        b >= e.objective - 1e-6,
        "bound {b} below the optimum {}",
        e.objective
    );
    assert!(h.objective <= e.objective + 1e-6);
    assert_eq!(h.pairs.len(), 300);
}
