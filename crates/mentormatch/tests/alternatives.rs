//! Alternatives and regret against brute force: for every pair, re-solve with the pair
//! forbidden and compare the best totals; check the alternative mentor reaches that total.
#![allow(clippy::unwrap_used, clippy::needless_range_loop)]

use mentormatch::analysis::alternatives::alternatives;
use mentormatch::report::reasons::assignment;
use mentormatch::{
    synthetic_cohort, Cohort, Config, Error, PairRef, Participant, Problem, SolverKind,
};

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

/// The best total with extra forbids and pins, or None when no matching exists.
fn best_total(cohort: &Cohort, base: &Config, forbid: &[PairRef], pin: &[PairRef]) -> Option<f64> {
    let mut cfg = base.clone();
    // Forbidding a pinned pair means lifting the pin.
    cfg.rules.pin.retain(|p| {
        !forbid
            .iter()
            .any(|f| f.mentee == p.mentee && f.mentor == p.mentor)
    });
    cfg.rules.forbid.extend_from_slice(forbid);
    cfg.rules.pin.extend_from_slice(pin);
    let problem = match Problem::new(cohort.clone(), cfg, vec![]) {
        Ok(p) => p,
        Err(Error::Input(_)) => return None,
        Err(e) => panic!("{e}"),
    };
    match mentormatch::solve(&problem) {
        Ok(r) => Some(r.objective),
        Err(Error::Infeasible(_)) => None,
        Err(e) => panic!("{e}"),
    }
}

fn pair(cohort: &Cohort, i: usize, j: usize) -> PairRef {
    PairRef {
        mentee: cohort.mentees[i].id().to_string(),
        mentor: cohort.mentors[j].id().to_string(),
        reason: None,
    }
}

fn check(cohort: Cohort, cfg: Config) {
    let problem = Problem::new(cohort.clone(), cfg.clone(), vec![]).unwrap();
    let result = match mentormatch::solve(&problem) {
        Ok(r) => r,
        Err(Error::Infeasible(_)) => return,
        Err(e) => panic!("{e}"),
    };
    let a = assignment(&problem, &result);
    let alts = alternatives(&problem, &a).unwrap();
    assert_eq!(alts.len(), result.pairs.len());
    for alt in alts {
        let (i, j) = (alt.mentee, alt.mentor);
        assert_eq!(a[i], Some(j));
        let forbid = [pair(&cohort, i, j)];
        match best_total(&cohort, &cfg, &forbid, &[]) {
            None => assert!(alt.regret.is_infinite(), "{i}-{j}: no matching without it"),
            Some(without) => {
                assert!(
                    (result.objective - without - alt.regret).abs() < 1e-6,
                    "pair {i}-{j}: regret {} but brute force {}; alt {:?}; plan {a:?}; unmatched {}; cfg.allow {}; n {} m {} caps {:?}",
                    alt.regret,
                    result.objective - without,
                    alt.alternative,
                    result.unmatched_mentees.len(),
                    cfg.rules.allow_unmatched,
                    cohort.mentees.len(),
                    cohort.mentors.len(),
                    cohort.mentors.iter().map(|m| m.capacity).collect::<Vec<_>>()
                );
                match alt.alternative {
                    Some(k) => {
                        assert_ne!(k, j);
                        assert!(problem.pair(i, k).1, "the alternative is an allowed pair");
                        assert_eq!(alt.alternative_score, Some(problem.pair(i, k).0));
                        let with = best_total(&cohort, &cfg, &forbid, &[pair(&cohort, i, k)])
                            .expect("the alternative can be made");
                        assert!(
                            (with - without).abs() < 1e-6,
                            "pair {i}-{j}: with the alternative {k} the best is {with}, not {without}"
                        );
                    }
                    None => assert!(cfg.rules.allow_unmatched, "only unmatched when allowed"),
                }
            }
        }
    }
}

#[test]
fn regret_and_alternative_match_a_full_re_solve() {
    for seed in 0..40u64 {
        let n = 3 + (seed % 5) as usize;
        let m = n + (seed % 4) as usize - 1;
        let cohort = synthetic_cohort(n, m, seed);
        check(cohort.clone(), config(seed % 2 == 0));
        check(cohort, config(true));
    }
}

#[test]
fn tight_cohorts_with_chains_and_pins() {
    // As many places as mentees: every re-seat is a chain ending at the place left behind.
    for seed in 100..130u64 {
        let n = 4 + (seed % 4) as usize;
        let mut cohort = synthetic_cohort(n, n, seed);
        for m in &mut cohort.mentors {
            m.capacity = 1;
        }
        let mut cfg = config(false);
        if seed % 3 == 0 {
            let problem = Problem::new(cohort.clone(), cfg.clone(), vec![]).unwrap();
            if let Ok(r) = mentormatch::solve(&problem) {
                let p = &r.pairs[0];
                cfg.rules.pin.push(PairRef {
                    mentee: p.mentee_id.clone(),
                    mentor: p.mentor_id.clone(),
                    reason: None,
                });
            }
        }
        check(cohort, cfg);
    }
}

#[test]
fn more_mentees_than_places_some_left_unmatched() {
    // Unmatched mentees can replace someone; some pairs can only be dropped.
    for seed in 200..240u64 {
        let n = 5 + (seed % 3) as usize;
        let mut cohort = synthetic_cohort(n, n - 2, seed);
        for (j, m) in cohort.mentors.iter_mut().enumerate() {
            m.capacity = if j == 0 {
                0
            } else {
                1 + (seed as u32 + j as u32) % 2
            };
        }
        check(cohort, config(true));
    }
}

#[test]
fn suggestions_keep_the_rules_and_rank_by_score_minus_price() {
    use mentormatch::analysis::suggest::suggest;
    for seed in 300..330u64 {
        let n = 4 + (seed % 5) as usize;
        let mut cohort = synthetic_cohort(n, n + 2, seed);
        cohort.mentors[0].capacity = 0;
        let top = 1 + (seed % 4) as usize;
        let problem = Problem::new(cohort.clone(), config(true), vec![]).unwrap();
        let plan = assignment(&problem, &mentormatch::solve(&problem).unwrap());
        let s = suggest(&problem, top).unwrap();
        assert!(s.notes.is_empty(), "{:?}", s.notes);
        for i in 0..n {
            let rows: Vec<_> = s.rows.iter().filter(|r| r.mentee == i).collect();
            let allowed = (0..cohort.mentors.len())
                .filter(|&j| problem.pair(i, j).1 && problem.capacity()[j] > 0)
                .count();
            assert_eq!(rows.len(), top.min(allowed), "mentee {i}");
            for (k, r) in rows.iter().enumerate() {
                assert_eq!(r.rank, k + 1);
                assert!(problem.pair(i, r.mentor).1, "allowed pairs only");
                assert!(problem.capacity()[r.mentor] > 0, "mentors with places only");
                assert!(r.price >= 0.0);
                assert_eq!(r.score, problem.pair(i, r.mentor).0);
            }
            if let Some(j) = plan[i] {
                assert_eq!(rows[0].mentor, j, "rank 1 is the optimal partner");
            }
            let start = usize::from(plan[i].is_some());
            for w in rows[start.min(rows.len())..].windows(2) {
                let (a, b) = (w[0].score - w[0].price, w[1].score - w[1].price);
                assert!(a >= b - 1e-9);
                if (a - b).abs() < 1e-9 {
                    assert!(w[0].price <= w[1].price, "ties: the cheaper mentor first");
                }
            }
            let mut ids: Vec<usize> = rows.iter().map(|r| r.mentor).collect();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), rows.len(), "no mentor twice");
        }
        // A mentor with a free place costs nothing.
        let used: Vec<usize> = plan.iter().flatten().copied().collect();
        for r in &s.rows {
            let load = used.iter().filter(|&&j| j == r.mentor).count() as u32;
            if load < problem.capacity()[r.mentor] {
                assert_eq!(r.price, 0.0);
            }
        }
    }
}

#[test]
fn a_star_mentor_does_not_head_every_list() {
    // Everyone fits S best (numeric "fit" close to S's), S has one place; the others fit less.
    let mentors = "id,fit,capacity\nS,50,1\nA,44,1\nB,56,1\nC,42,1\nD,58,1\n";
    let mentees = "id,fit\ne1,50\ne2,49\ne3,51\n";
    let cols = mentormatch::config::Columns::default();
    let cohort = Cohort {
        mentors: mentormatch::input::mentors_from_reader(mentors.as_bytes(), "m", &cols).unwrap(),
        mentees: mentormatch::input::mentees_from_reader(mentees.as_bytes(), "e", &cols).unwrap(),
    };
    let mut cfg = config(true);
    cfg.criteria =
        vec![mentormatch::Criterion::new(mentormatch::CriterionKind::Numeric, "fit").weight(1.0)];
    cfg.criteria[0].scale = Some(20.0);
    let problem = Problem::new(cohort, cfg, vec![]).unwrap();
    let s = mentormatch::analysis::suggest::suggest(&problem, 3).unwrap();
    let star = problem.mentor_index("S").unwrap();
    let holder = s
        .rows
        .iter()
        .find(|r| r.rank == 1 && r.mentor == star)
        .unwrap()
        .mentee;
    for r in s.rows.iter().filter(|r| r.mentee != holder && r.rank == 2) {
        assert_ne!(
            r.mentor, star,
            "the star is priced out of second place: {:?}",
            s.rows
        );
    }
    // By score alone S would come second for both others.
    for r in s
        .rows
        .iter()
        .filter(|r| r.mentee != holder && r.mentor == star)
    {
        assert!(r.price > 0.0);
    }
}
