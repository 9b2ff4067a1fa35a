//! Sparse candidates and the sparse exact solver against brute force and the dense exact solver.
//! Unit tests: they read the backend's internals (candidate rows, pricing answers), which the
//! crate does not export.
#![allow(clippy::unwrap_used, clippy::too_many_arguments)]

#[path = "../../../tests/common.rs"]
mod common;

use super::{CandidateIndex, Prepared};
use mentormatch::progress::NoProgress;
use mentormatch::{Config, Error, PairRef, Problem, SolverKind};
use proptest::prelude::*;

fn config(allow_unmatched: bool, solver: SolverKind, k: usize) -> Config {
    Config {
        rules: mentormatch::config::Rules {
            allow_unmatched,
            ..Default::default()
        },
        solver_options: mentormatch::config::SolverOptions {
            kind: solver,
            candidates: Some(k),
            memory_budget: Some(0),
            ..Default::default()
        },
        ..Config::default()
    }
}

fn with_rules(
    mut cfg: Config,
    cohort: &mentormatch::Cohort,
    forbid: u8,
    pin: bool,
    min: Option<f64>,
) -> Config {
    let (n, m) = (cohort.mentees.len(), cohort.mentors.len());
    if n > 0 && m > 0 {
        for k in 0..3 {
            if forbid & (1 << k) != 0 {
                cfg.rules.forbid.push(PairRef {
                    mentee: cohort.mentees[k % n].profile.id.clone(),
                    mentor: cohort.mentors[(k * 7) % m].profile.id.clone(),
                    reason: None,
                });
            }
        }
        if pin {
            cfg.rules.pin.push(PairRef {
                mentee: cohort.mentees[n - 1].profile.id.clone(),
                mentor: cohort.mentors[0].profile.id.clone(),
                reason: None,
            });
        }
    }
    cfg.rules.min_score = min;
    cfg
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every row holds the k best allowed scores, and nothing left out beats `outside`.
    #[test]
    fn candidates_are_the_top_k(cohort in common::cohort(6, 9), k in 1usize..5, forbid in any::<u8>(), min in prop::option::of(0.0f64..60.0)) {
        let cfg = with_rules(config(true, SolverKind::Auto, k), &cohort, forbid, false, min);
        let problem = Problem::new(cohort, cfg, vec![]).unwrap();
        let prep = Prepared::new(&problem, k, &NoProgress);
        for i in 0..problem.n_mentees() {
            let mut all: Vec<f64> = (0..problem.n_mentors())
                .filter(|&j| problem.capacity()[j] > 0)
                .map(|j| problem.pair(i, j))
                .filter(|p| p.1)
                .map(|p| p.0)
                .collect();
            all.sort_by(|a, b| b.total_cmp(a));
            let (js, ss) = prep.cands.row(i);
            let expected: Vec<f64> = all.iter().copied().take(k).collect();
            prop_assert_eq!(ss.to_vec(), expected, "mentee {}", i);
            for (&j, &s) in js.iter().zip(ss) {
                prop_assert_eq!(problem.pair(i, j as usize), (s, true));
            }
            for j in 0..problem.n_mentors() {
                let (s, ok) = problem.pair(i, j);
                if ok && problem.capacity()[j] > 0 && !js.contains(&(j as u32)) {
                    prop_assert!(s <= prep.cands.outside[i], "left-out pair beats outside bound");
                }
            }
        }
    }

    /// With k >= mentors the sparse exact solver equals the dense exact solver; with any k its
    /// bound is never below the dense optimum.
    #[test]
    fn sparse_exact_matches_dense(cohort in common::cohort(6, 8), allow in any::<bool>(), k in 1usize..10, forbid in any::<u8>(), pin in any::<bool>()) {
        let m = cohort.mentors.len();
        let dense_cfg = with_rules(config(allow, SolverKind::Exact, k), &cohort, forbid, pin, None);
        let Ok(dense_problem) = Problem::new(cohort.clone(), dense_cfg.clone(), vec![]) else { return Ok(()); };
        let dense = mentormatch::solve(&dense_problem);
        for kk in [k, m] {
            let mut cfg = dense_cfg.clone();
            cfg.solver_options.kind = SolverKind::Auto;
            cfg.solver_options.candidates = Some(kk);
            let problem = Problem::new(cohort.clone(), cfg, vec![]).unwrap();
            if problem.n_mentees() == 0 {
                continue;
            }
            let sparse = mentormatch::solve(&problem);
            match (&dense, sparse) {
                (Ok(d), Ok(s)) => {
                    prop_assert_eq!(&s.solver, "sparse-exact");
                    let b = s.bound.unwrap();
                    prop_assert!(b >= d.objective - 1e-6, "bound {} below optimum {}", b, d.objective);
                    prop_assert!(s.objective <= d.objective + 1e-6);
                    if kk >= m {
                        prop_assert_eq!(s.pairs.len(), d.pairs.len());
                        prop_assert!((s.objective - d.objective).abs() < 1e-6, "sparse {} dense {}", s.objective, d.objective);
                    }
                    for p in &s.pairs {
                        let i = problem.mentee_index(&p.mentee_id).unwrap();
                        let j = problem.mentor_index(&p.mentor_id).unwrap();
                        prop_assert!(problem.pair(i, j).1);
                    }
                }
                (Err(Error::Infeasible(_)), Err(Error::Infeasible(_))) => {}
                (Err(Error::Infeasible(_)), Err(Error::Solver(_))) if kk < m => {}
                (d, s) => prop_assert!(false, "dense {:?} vs sparse {:?}", d.as_ref().map(|r| r.objective), s.map(|r| r.objective)),
            }
        }
    }
}

#[test]
fn index_builds_on_empty_cohorts() {
    let cohort = mentormatch::Cohort::default();
    let problem = Problem::new(cohort, Config::default(), vec![]).unwrap();
    let _ = CandidateIndex::new(&problem, problem.capacity());
    let prep = Prepared::new(&problem, 5, &NoProgress);
    assert_eq!(prep.cands.n(), 0);
}

#[test]
fn auto_says_why_it_went_sparse() {
    let cohort = mentormatch::synthetic_cohort(50, 80, 3);
    let problem = Problem::new(cohort, config(false, SolverKind::Auto, 10), vec![]).unwrap();
    let r = mentormatch::solve(&problem).unwrap();
    assert_eq!(r.solver, "sparse-exact");
    assert!(r.notes[0].message.starts_with("auto:"), "{:?}", r.notes);
    assert_eq!(r.pairs.len(), 50);
    assert!(r.bound.unwrap() >= r.objective);
}

/// On generated cohorts large enough for the mentor trie to split by value (and with heavy
/// ties at the top), every row holds the k best allowed scores, with hard rules applied, and
/// nothing left out beats `outside`.
#[test]
fn candidates_are_the_top_k_on_generated_cohorts() {
    for (n, m, k, seed) in [(60, 400, 7, 1), (40, 700, 20, 2), (30, 300, 50, 3)] {
        let cohort = mentormatch::synthetic_cohort(n, m, seed);
        for min in [None, Some(70.0)] {
            let cfg = with_rules(
                config(true, SolverKind::Auto, k),
                &cohort,
                0b111,
                false,
                min,
            );
            let problem = Problem::new(cohort.clone(), cfg, vec![]).unwrap();
            let prep = Prepared::new(&problem, k, &NoProgress);
            for i in 0..problem.n_mentees() {
                let mut all: Vec<f64> = (0..problem.n_mentors())
                    .map(|j| problem.pair(i, j))
                    .filter(|p| p.1)
                    .map(|p| p.0)
                    .collect();
                all.sort_by(|a, b| b.total_cmp(a));
                let (js, ss) = prep.cands.row(i);
                let expected: Vec<f64> = all.iter().copied().take(k).collect();
                assert_eq!(ss.to_vec(), expected, "n={n} m={m} mentee {i}");
                for (&j, &s) in js.iter().zip(ss) {
                    assert_eq!(problem.pair(i, j as usize), (s, true));
                }
                for j in 0..problem.n_mentors() {
                    let (s, ok) = problem.pair(i, j);
                    if ok && !js.contains(&(j as u32)) {
                        assert!(s <= prep.cands.outside[i], "left-out pair beats outside");
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The priced search with a floor against brute force: it returns exactly the allowed
    /// mentors (with places) whose reduced score beats the floor, best first, and a pricing
    /// pass returns the exact `max(0, max_j (s_ij - v_j))` over every allowed pair.
    #[test]
    fn priced_search_above_a_floor(cohort in common::cohort(6, 9), k in 1usize..4, forbid in any::<u8>(), prices in prop::collection::vec(0u8..40, 9), floor in 0.0f64..40.0, pin in any::<bool>()) {
        let cfg = with_rules(config(true, SolverKind::Auto, k), &cohort, forbid, pin, None);
        let Ok(problem) = Problem::new(cohort, cfg, vec![]) else { return Ok(()); };
        let m = problem.n_mentors();
        let v: Vec<f64> = (0..m).map(|j| f64::from(prices[j % prices.len()]) * 1.5).collect();
        let mut prep = Prepared::new(&problem, k, &NoProgress);
        let index = CandidateIndex::new(&problem, &prep.remaining);
        let pv = index.prices(&v);
        // Pinned mentees are never priced (their pair is fixed).
        for &i in &prep.free.clone() {
            let mut scratch = Default::default();
            let mut st = Default::default();
            let (got, _) = index.query_priced_above(&problem, i, m, &pv, floor, &mut scratch, &mut st);
            let mut want: Vec<(u32, f64)> = (0..m)
                .filter(|&j| prep.remaining[j] > 0)
                .filter_map(|j| {
                    let (s, ok) = problem.pair(i, j);
                    (ok && s - v[j] > floor).then_some((j as u32, s))
                })
                .collect();
            want.sort_by(|a, b| (b.1 - v[b.0 as usize]).total_cmp(&(a.1 - v[a.0 as usize])).then(a.0.cmp(&b.0)));
            let key = |x: &[(u32, f64)]| -> Vec<f64> { x.iter().map(|&(j, s)| s - v[j as usize]).collect() };
            prop_assert_eq!(key(&got), key(&want), "mentee {}", i);
            let mut a: Vec<u32> = got.iter().map(|x| x.0).collect();
            let mut b: Vec<u32> = want.iter().map(|x| x.0).collect();
            a.sort_unstable();
            b.sort_unstable();
            prop_assert_eq!(a, b);
        }
        let free = prep.free.clone();
        let pinned = prep.pinned.clone();
        let pr = prep.price_columns(&problem, &v, 2, 0.0, &NoProgress, &|| false);
        for (i, pin) in pinned.iter().enumerate() {
            let want = if pin.is_some() {
                0.0
            } else {
                (0..m)
                    .filter(|&j| prep.remaining[j] > 0)
                    .filter_map(|j| {
                        let (s, ok) = problem.pair(i, j);
                        ok.then_some(s - v[j])
                    })
                    .fold(0.0f64, f64::max)
            };
            prop_assert_eq!(pr.u[i], want, "mentee {}", i);
        }
        // Rows only grow, and stay true scores of allowed pairs.
        for &i in &free {
            let (js, ss) = prep.cands.row(i);
            for (&j, &s) in js.iter().zip(ss) {
                prop_assert_eq!(problem.pair(i, j as usize), (s, true));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Incremental pricing at changing prices, over a tree regrouped by price class, with any
    /// `loose`: every pass's mentee duals cover every allowed pair (`u_i >= max(0, s_ij - v_j)`,
    /// the certificate's premise) and exceed the exact dual by at most `slack + tol + loose`;
    /// the regrouped tree's priced search equals brute force.
    #[test]
    fn incremental_pricing_stays_sound(cohort in common::cohort(6, 9), k in 1usize..4, forbid in any::<u8>(), prices in prop::collection::vec(prop::collection::vec(0u8..40, 9), 1..4), loose in prop::option::of(0.0f64..20.0), step in 0.1f64..8.0, floor in 0.0f64..40.0, pin in any::<bool>()) {
        let cfg = with_rules(config(true, SolverKind::Auto, k), &cohort, forbid, pin, None);
        let Ok(problem) = Problem::new(cohort, cfg, vec![]) else { return Ok(()); };
        let m = problem.n_mentors();
        let mut prep = Prepared::new(&problem, k, &NoProgress);
        prep.loose = loose.unwrap_or(0.0);
        let tol = 0.5;
        for p in &prices {
            let v: Vec<f64> = (0..m).map(|j| f64::from(p[j % p.len()]) * 1.5).collect();
            // The regrouped tree answers like brute force.
            let index = prep.index.regrouped(&v, step);
            let pv = index.prices(&v);
            for &i in &prep.free.clone() {
                let mut scratch = Default::default();
                let mut st = Default::default();
                let (got, left) = index.query_priced_above(&problem, i, m, &pv, floor, &mut scratch, &mut st);
                let mut want: Vec<f64> = (0..m)
                    .filter(|&j| prep.remaining[j] > 0)
                    .filter_map(|j| {
                        let (s, ok) = problem.pair(i, j);
                        (ok && s - v[j] > floor).then_some(s - v[j])
                    })
                    .collect();
                want.sort_by(|a, b| b.total_cmp(a));
                let key: Vec<f64> = got.iter().map(|&(j, s)| s - v[j as usize]).collect();
                prop_assert_eq!(key, want, "mentee {}", i);
                prop_assert!(left <= floor, "nothing above the floor is left out");
            }
            let pinned = prep.pinned.clone();
            let pr = prep.price_columns(&problem, &v, 2, tol, &NoProgress, &|| false);
            for (i, pin) in pinned.iter().enumerate() {
                let exact = if pin.is_some() {
                    0.0
                } else {
                    (0..m)
                        .filter(|&j| prep.remaining[j] > 0)
                        .filter_map(|j| {
                            let (s, ok) = problem.pair(i, j);
                            ok.then_some(s - v[j])
                        })
                        .fold(0.0f64, f64::max)
                };
                prop_assert!(pr.u[i] >= exact, "mentee {} dual {} below {}", i, pr.u[i], exact);
                prop_assert!(pr.u[i] <= exact + tol + 0.5 * tol + prep.loose + 1e-9, "mentee {} dual {} far above {}", i, pr.u[i], exact);
            }
        }
    }
}

/// A cohort with an `age` column (some cells empty) and criteria that include a numeric one in
/// the given `prefer` mode, so the candidate search's bounds meet numeric values.
fn numeric_problem(
    mut cohort: mentormatch::Cohort,
    ages: &[Option<u8>],
    prefer: usize,
    scale: u8,
    required: bool,
    k: usize,
) -> Problem {
    let age = |idx: usize| ages[idx % ages.len()].map(|a| a.to_string());
    for (idx, m) in cohort.mentors.iter_mut().enumerate() {
        if let Some(a) = age(idx) {
            m.profile.extra.insert("age".into(), a.into());
        }
    }
    for (idx, e) in cohort.mentees.iter_mut().enumerate() {
        if let Some(a) = age(idx + 7) {
            e.profile.extra.insert("age".into(), a.into());
        }
    }
    let prefer = ["mentee_higher", "mentor_higher", "close", "apart"][prefer];
    let text = format!(
        "[[criteria]]\nkind = \"differ\"\nfield = \"department\"\n\
         [[criteria]]\nkind = \"numeric\"\nfield = \"age\"\nprefer = \"{prefer}\"\nscale = {scale}\nweight = 2\nrequired = {required}\n\
         [[criteria]]\nkind = \"share\"\nfield = \"interests\"\n"
    );
    let mut cfg = Config::from_toml_str(&text, "numeric.toml").unwrap();
    cfg.rules.allow_unmatched = true;
    cfg.solver_options.candidates = Some(k);
    cfg.solver_options.memory_budget = Some(0);
    Problem::new(cohort, cfg, vec![]).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Numeric criteria in every `prefer` mode (the bound proof assumes their monotonicity):
    /// candidates are still exactly the top k, and with every mentor a candidate the sparse
    /// exact solver equals the dense one.
    #[test]
    fn numeric_criteria_keep_candidates_exact(
        cohort in common::cohort(6, 9),
        ages in prop::collection::vec(prop::option::weighted(0.8, 18u8..70), 1..16),
        prefer in 0usize..4,
        scale in 1u8..30,
        required in any::<bool>(),
        k in 1usize..5,
    ) {
        let problem = numeric_problem(cohort.clone(), &ages, prefer, scale, required, k);
        let prep = Prepared::new(&problem, k, &NoProgress);
        for i in 0..problem.n_mentees() {
            let mut all: Vec<f64> = (0..problem.n_mentors())
                .filter(|&j| problem.capacity()[j] > 0)
                .map(|j| problem.pair(i, j))
                .filter(|p| p.1)
                .map(|p| p.0)
                .collect();
            all.sort_by(|a, b| b.total_cmp(a));
            let (_, ss) = prep.cands.row(i);
            let expected: Vec<f64> = all.iter().copied().take(k).collect();
            prop_assert_eq!(ss.to_vec(), expected, "mentee {}", i);
        }
        let m = problem.n_mentors();
        let full = numeric_problem(cohort, &ages, prefer, scale, required, m);
        if full.n_mentees() == 0 {
            return Ok(());
        }
        let mut dense_cfg = full.config().clone();
        dense_cfg.solver_options.kind = SolverKind::Exact;
        let dense = Problem::new(full.cohort().clone(), dense_cfg, vec![]).unwrap();
        let (d, s) = (mentormatch::solve(&dense).unwrap(), mentormatch::solve(&full).unwrap());
        prop_assert_eq!(&s.solver, "sparse-exact");
        prop_assert_eq!(s.pairs.len(), d.pairs.len());
        prop_assert!((s.objective - d.objective).abs() < 1e-6, "sparse {} dense {}", s.objective, d.objective);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// The auction over complete rows (forward bids, reverse steps, ε-scaling, its cached
    /// cheapest places and profits) ends within `n ε` of the dense optimum and never above it;
    /// resumed from its own state it stays so. The columns it reads are the rows transposed.
    #[test]
    fn auction_is_within_n_eps_of_the_optimum(n in 5usize..40, extra in 0usize..20, seed in any::<u64>(), forbid in any::<u8>()) {
        use crate::backends::heuristic::auction;
        use crate::backends::sparse::columns::Columns;
        // Synthetic cohorts have popular mentors, so mentees compete and prices rise.
        let mut cohort = crate::synthetic::synthetic_cohort(n, n / 2 + extra, seed);
        for mentor in &mut cohort.mentors {
            mentor.capacity = mentor.capacity.min(2);
        }
        let m = cohort.mentors.len();
        let cfg = with_rules(config(false, SolverKind::Exact, m), &cohort, forbid, false, None);
        let Ok(problem) = Problem::new(cohort.clone(), cfg, vec![]) else { return Ok(()); };
        if problem.n_mentees() == 0 {
            return Ok(());
        }
        let Ok(dense) = mentormatch::solve(&problem) else { return Ok(()); };
        let prep = Prepared::new(&problem, m, &NoProgress);
        let cols = Columns::of_rows(&prep);
        for j in 0..m {
            let want: Vec<(u32, f64)> = prep
                .free
                .iter()
                .flat_map(|&i| {
                    let (js, ss) = prep.cands.row(i);
                    js.iter()
                        .zip(ss)
                        .filter(|(&x, _)| x as usize == j)
                        .map(move |(_, &s)| (i as u32, s))
                        .collect::<Vec<_>>()
                })
                .collect();
            prop_assert_eq!(cols.of(j), &want[..]);
        }
        let eps = 0.01;
        let n = prep.free.len() as f64;
        // Complete rows of a feasible cohort: the auction must not give up.
        let a = auction::run(&prep, &cols, 10.0, eps, 4.0, 500, None, &|| false);
        prop_assert!(a.is_some(), "the auction gave up on a feasible cohort");
        let a = a.unwrap();
        for a in [Some(&a), auction::resume(&prep, &cols, &a, 1.0, eps, 500, &|| false).as_ref()]
            .into_iter()
            .flatten()
        {
            let total = prep.objective(&a.assign);
            prop_assert_eq!(prep.assignment(&a.assign).iter().flatten().count(), prep.free.len());
            prop_assert!(total <= dense.objective + 1e-6, "auction {} above the optimum {}", total, dense.objective);
            prop_assert!(total >= dense.objective - n * eps - 1e-6, "auction {} more than n eps below the optimum {}", total, dense.objective);
            prop_assert!(a.prices.iter().all(|&p| p >= 0.0));
            // The prices are near-optimal duals: with `u_i` the best `s_ij - v_j` over the
            // (complete) row, `Σ u_i + Σ r_j v_j` bounds the optimum from above (weak duality)
            // and, since every mentee is within ε of its best option and no empty place keeps a
            // price, exceeds the assignment by at most `n ε`.
            let mut dual: f64 = (0..m).map(|j| f64::from(prep.remaining[j]) * a.prices[j]).sum();
            for &i in &prep.free {
                let (js, ss) = prep.cands.row(i);
                dual += js
                    .iter()
                    .zip(ss)
                    .filter(|(&j, _)| prep.remaining[j as usize] > 0)
                    .map(|(&j, &s)| s - a.prices[j as usize])
                    .fold(f64::NEG_INFINITY, f64::max);
            }
            prop_assert!(dual >= dense.objective - 1e-6, "dual {} below the optimum {}", dual, dense.objective);
            prop_assert!(dual <= total + n * eps + 1e-6, "dual {} more than n eps above the auction {}", dual, total);
        }
    }
}
