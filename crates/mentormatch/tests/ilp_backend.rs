//! The ILP backend against the exact backend and brute force, on every engine compiled in; the
//! Lagrangian goals backend (whose closing step is the ILP) against brute force and the ILP.
//!
//! Goals are checked here by an independent count (not through `mentormatch::goals`).
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;

use mentormatch::{
    Backend, Cohort, Config, Engine, Error, ExactBackend, IlpBackend, Infeasibility,
    LagrangianBackend, MatchResult, Mentee, Mentor, Objective, PairRef, Participant, Problem,
    Quota, Settings, Side, SolveStatus, SolverKind, SparseLagrangianBackend, Spread,
};
use proptest::prelude::*;

const DEPTS: [&str; 3] = ["Drama", "Nyheter", "Sport"];
const PLACES: [&str; 3] = ["Oslo", "Bergen", "Tromsø"];
const THINGS: [&str; 5] = ["sport", "reise", "musikk", "film", "digital"];

fn engines() -> Vec<Engine> {
    Engine::available()
}

fn solve_with(engine: Engine, problem: &Problem) -> mentormatch::Result<MatchResult> {
    let backend = IlpBackend::with_engine(engine)?;
    let sol = backend.solve(problem, &Settings::from_problem(problem))?;
    Ok(mentormatch::result::build(problem, sol, Default::default()))
}

// ---- independent goal checks -------------------------------------------------------------

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

fn field_values(p: &dyn Participant, field: &str) -> Vec<String> {
    let prof = p.profile();
    match field {
        "department" => prof
            .department
            .iter()
            .map(|s| norm(s))
            .filter(|s| !s.is_empty())
            .collect(),
        "location" => prof
            .location
            .iter()
            .map(|s| norm(s))
            .filter(|s| !s.is_empty())
            .collect(),
        "interests" => prof.interests.iter().map(|s| norm(s)).collect(),
        other => panic!("test uses no field {other}"),
    }
}

fn person(c: &Cohort, side: Side, i: usize, j: usize) -> &dyn Participant {
    match side {
        Side::Mentor => &c.mentors[j],
        Side::Mentee => &c.mentees[i],
    }
}

/// Whether every quota and spread holds for `pairs` (mentee, mentor).
fn goals_hold(c: &Cohort, config: &Config, pairs: &[(usize, usize)]) -> bool {
    let total = pairs.len() as f64;
    for q in &config.goals.quota {
        let wanted: Vec<String> = q.values.iter().map(|v| norm(v)).collect();
        let count = pairs
            .iter()
            .filter(|&&(i, j)| {
                field_values(person(c, q.side, i, j), &q.field)
                    .iter()
                    .any(|v| wanted.contains(v))
            })
            .count() as f64;
        if q.min.is_some_and(|m| count < f64::from(m))
            || q.max.is_some_and(|m| count > f64::from(m))
            || q.min_share.is_some_and(|s| count < s * total - 1e-9)
            || q.max_share.is_some_and(|s| count > s * total + 1e-9)
        {
            return false;
        }
    }
    for s in &config.goals.spread {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for &(i, j) in pairs {
            let v = field_values(person(c, s.side, i, j), &s.field);
            if !v.is_empty() {
                *counts.entry(v.join(";")).or_default() += 1;
            }
        }
        if counts.values().any(|&n| n > s.max) {
            return false;
        }
    }
    true
}

fn result_pairs(problem: &Problem, r: &MatchResult) -> Vec<(usize, usize)> {
    r.pairs
        .iter()
        .map(|p| {
            (
                problem.mentee_index(&p.mentee_id).unwrap(),
                problem.mentor_index(&p.mentor_id).unwrap(),
            )
        })
        .collect()
}

fn check_hard_rules(problem: &Problem, r: &MatchResult) {
    let mut load = vec![0u32; problem.n_mentors()];
    for (i, j) in result_pairs(problem, r) {
        assert!(problem.pair(i, j).1, "pair {i}-{j} breaks a hard rule");
        load[j] += 1;
    }
    for (j, l) in load.iter().enumerate() {
        assert!(*l <= problem.capacity()[j], "mentor {j} over capacity");
    }
    for &(i, j) in problem.pins() {
        let p = r
            .pair_of(problem.cohort().mentees[i].id())
            .expect("pinned mentee matched");
        assert_eq!(p.mentor_id, problem.cohort().mentors[j].id());
    }
}

// ---- brute force with goals --------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
struct Best {
    count: usize,
    /// Lowest score of a non-pinned pair (+inf when none), for maxmin.
    lowest: f64,
    total: f64,
}

/// Best over all assignments satisfying hard rules, capacities, pins and goals, by
/// (count, total) for `total` or (count, lowest, total) for `maxmin`.
fn brute(problem: &Problem, maxmin: bool) -> Option<Best> {
    let n = problem.n_mentees();
    let allow = problem.config().rules.allow_unmatched;
    let pinned: Vec<Option<usize>> = (0..n)
        .map(|i| problem.pins().iter().find(|p| p.0 == i).map(|p| p.1))
        .collect();
    let mut cap = problem.capacity().to_vec();
    let mut pairs = Vec::new();
    let mut best: Option<Best> = None;
    #[allow(clippy::too_many_arguments)]
    fn rec(
        i: usize,
        p: &Problem,
        pinned: &[Option<usize>],
        cap: &mut [u32],
        pairs: &mut Vec<(usize, usize)>,
        allow: bool,
        maxmin: bool,
        best: &mut Option<Best>,
    ) {
        if i == p.n_mentees() {
            if !allow && pairs.len() < p.n_mentees() {
                return;
            }
            if !goals_hold(p.cohort(), p.config(), pairs) {
                return;
            }
            let total: f64 = pairs.iter().map(|&(a, b)| p.pair(a, b).0).sum();
            let lowest = pairs
                .iter()
                .filter(|&&(a, _)| pinned[a].is_none())
                .map(|&(a, b)| p.pair(a, b).0)
                .fold(f64::INFINITY, f64::min);
            let cand = Best {
                count: pairs.len(),
                lowest,
                total,
            };
            let better = match best {
                None => true,
                Some(b) => {
                    if cand.count != b.count {
                        cand.count > b.count
                    } else if maxmin && (cand.lowest - b.lowest).abs() > 1e-9 {
                        cand.lowest > b.lowest
                    } else {
                        cand.total > b.total + 1e-9
                    }
                }
            };
            if better {
                *best = Some(cand);
            }
            return;
        }
        let options: Vec<usize> = match pinned[i] {
            Some(j) => vec![j],
            None => (0..p.n_mentors()).filter(|&j| p.pair(i, j).1).collect(),
        };
        for j in options {
            if cap[j] > 0 {
                cap[j] -= 1;
                pairs.push((i, j));
                rec(i + 1, p, pinned, cap, pairs, allow, maxmin, best);
                pairs.pop();
                cap[j] += 1;
            }
        }
        if allow && pinned[i].is_none() {
            rec(i + 1, p, pinned, cap, pairs, allow, maxmin, best);
        }
    }
    rec(
        0, problem, &pinned, &mut cap, &mut pairs, allow, maxmin, &mut best,
    );
    best
}

// ---- random goals --------------------------------------------------------------------------

fn quota() -> impl Strategy<Value = Quota> {
    (
        any::<bool>(),
        0..3usize,
        any::<u8>(),
        any::<bool>(),
        prop::option::of(0..4u32),
        prop::option::of(0..5u32),
        prop::option::of(prop::sample::select(vec![0.25, 0.5, 0.75])),
        prop::option::of(prop::sample::select(vec![0.25, 0.5, 0.75])),
    )
        .prop_map(|(mentor, f, mask, upper, min, max, min_share, max_share)| {
            let (field, domain): (&str, &[&str]) = match f {
                0 => ("department", &DEPTS),
                1 => ("location", &PLACES),
                _ => ("interests", &THINGS),
            };
            let mut values: Vec<String> = domain
                .iter()
                .enumerate()
                .filter(|(k, _)| mask & (1 << k) != 0)
                .map(|(_, s)| {
                    if upper {
                        s.to_uppercase()
                    } else {
                        s.to_string()
                    }
                })
                .collect();
            if values.is_empty() {
                values.push(domain[usize::from(mask) % domain.len()].to_string());
            }
            let (mut min, mut max) = (min, max);
            if let (Some(a), Some(b)) = (min, max) {
                min = Some(a.min(b));
                max = Some(a.max(b));
            }
            if min.is_none() && max.is_none() && min_share.is_none() && max_share.is_none() {
                min = Some(1);
            }
            Quota {
                side: if mentor { Side::Mentor } else { Side::Mentee },
                field: field.into(),
                values,
                min,
                max,
                min_share,
                max_share,
            }
        })
}

fn spread() -> impl Strategy<Value = Spread> {
    (any::<bool>(), any::<bool>(), 1..3u32).prop_map(|(mentor, dept, max)| Spread {
        side: if mentor { Side::Mentor } else { Side::Mentee },
        field: if dept { "department" } else { "location" }.into(),
        max,
    })
}

fn goals() -> impl Strategy<Value = (Vec<Quota>, Vec<Spread>)> {
    (
        prop::collection::vec(quota(), 0..3),
        prop::collection::vec(spread(), 0..2),
    )
}

/// Random forbids (kind 0) and pins (kind 1) by index.
fn rules(cohort: &Cohort, picks: &[(usize, usize, u8)]) -> (Vec<PairRef>, Vec<PairRef>) {
    let (mut forbid, mut pin) = (Vec::new(), Vec::new());
    for &(e, m, kind) in picks {
        if cohort.mentees.is_empty() {
            break;
        }
        let p = PairRef {
            mentee: cohort.mentees[e % cohort.mentees.len()].id().to_string(),
            mentor: cohort.mentors[m % cohort.mentors.len()].id().to_string(),
            reason: None,
        };
        if kind == 1 {
            pin.push(p);
        } else {
            forbid.push(p);
        }
    }
    (forbid, pin)
}

fn ilp_config(allow: bool, objective: Objective, q: Vec<Quota>, s: Vec<Spread>) -> Config {
    Config {
        objective,
        rules: mentormatch::config::Rules {
            allow_unmatched: allow,
            ..Default::default()
        },
        solver_options: mentormatch::config::SolverOptions {
            kind: SolverKind::Ilp,
            ..Default::default()
        },
        goals: mentormatch::config::CohortGoals {
            quota: q,
            spread: s,
        },
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn without_goals_ilp_equals_exact(cohort in common::cohort(6, 7), allow in any::<bool>()) {
        let config = ilp_config(allow, Objective::Total, vec![], vec![]);
        let problem = Problem::new(cohort, config, vec![]).unwrap();
        let exact = ExactBackend.solve(&problem, &Settings::default()).map(|s| mentormatch::result::build(&problem, s, Default::default()));
        for engine in engines() {
            let ilp = solve_with(engine, &problem);
            match (&exact, &ilp) {
                (Ok(e), Ok(i)) => {
                    prop_assert_eq!(i.status, SolveStatus::Optimal);
                    prop_assert_eq!(e.pairs.len(), i.pairs.len());
                    prop_assert!((e.objective - i.objective).abs() < 1e-5, "{engine:?}: exact {} ilp {}", e.objective, i.objective);
                    check_hard_rules(&problem, i);
                }
                (Err(Error::Infeasible(a)), Err(Error::Infeasible(b))) => prop_assert_eq!(a, b),
                (e, i) => prop_assert!(false, "{engine:?}: exact {e:?} vs ilp {i:?}"),
            }
        }
    }

    #[test]
    fn random_goals_match_brute_force(
        cohort in common::cohort(4, 5),
        allow in any::<bool>(),
        (q, s) in goals(),
        picks in prop::collection::vec((0..4usize, 0..5usize, 0..2u8), 0..3),
    ) {
        let (forbid, pin) = rules(&cohort, &picks);
        let config = { let mut c = ilp_config(allow, Objective::Total, q, s); c.rules.forbid = forbid; c.rules.pin = pin; c };
        let Ok(problem) = Problem::new(cohort, config, vec![]) else { return Ok(()) };
        let best = brute(&problem, false);
        for engine in engines() {
            let r = solve_with(engine, &problem);
            match (best, r) {
                (Some(b), Ok(r)) => {
                    prop_assert_eq!(r.status, SolveStatus::Optimal);
                    prop_assert_eq!(r.pairs.len(), b.count, "{:?}: matched count", engine);
                    prop_assert!((r.objective - b.total).abs() < 1e-5, "{engine:?}: brute {} ilp {}", b.total, r.objective);
                    prop_assert!(goals_hold(problem.cohort(), problem.config(), &result_pairs(&problem, &r)));
                    prop_assert!(r.goals.iter().all(|g| g.satisfied), "goal reports agree: {:?}", r.goals);
                    check_hard_rules(&problem, &r);
                }
                (None, Err(Error::Infeasible(_))) => {}
                (b, r) => prop_assert!(false, "{engine:?}: brute {b:?} vs ilp {r:?}"),
            }
        }
    }

    #[test]
    fn maxmin_lowest_score_matches_brute_force(
        cohort in common::cohort(4, 5),
        allow in any::<bool>(),
        (q, s) in goals(),
    ) {
        let config = ilp_config(allow, Objective::Maxmin, q, s);
        let problem = Problem::new(cohort, config, vec![]).unwrap();
        let best = brute(&problem, true);
        for engine in engines() {
            let r = solve_with(engine, &problem);
            match (best, r) {
                (Some(b), Ok(r)) => {
                    prop_assert_eq!(r.status, SolveStatus::Optimal);
                    prop_assert_eq!(r.pairs.len(), b.count);
                    let lowest = r.lowest_score().unwrap_or(f64::INFINITY);
                    prop_assert!((lowest - b.lowest).abs() < 1e-9 || (lowest.is_infinite() && b.lowest.is_infinite()),
                        "{engine:?}: brute lowest {} ilp {}", b.lowest, lowest);
                    prop_assert!((r.objective - b.total).abs() < 1e-5, "{engine:?}: total among maxmin optima: brute {} ilp {}", b.total, r.objective);
                    prop_assert!(goals_hold(problem.cohort(), problem.config(), &result_pairs(&problem, &r)));
                }
                (None, Err(Error::Infeasible(_))) => {}
                (b, r) => prop_assert!(false, "{engine:?}: brute {b:?} vs ilp {r:?}"),
            }
        }
    }

    #[test]
    fn maxmin_without_goals_agrees_with_exact(cohort in common::cohort(5, 6), allow in any::<bool>()) {
        let config = ilp_config(allow, Objective::Maxmin, vec![], vec![]);
        let problem = Problem::new(cohort, config, vec![]).unwrap();
        let exact = ExactBackend.solve(&problem, &Settings::default()).map(|s| mentormatch::result::build(&problem, s, Default::default()));
        for engine in engines() {
            match (&exact, solve_with(engine, &problem)) {
                (Ok(e), Ok(i)) => {
                    prop_assert_eq!(e.pairs.len(), i.pairs.len());
                    // Equal scores may differ in the last bits (floating-point sums).
                    let (le, li) = (e.lowest_score().unwrap_or(0.0), i.lowest_score().unwrap_or(0.0));
                    prop_assert!((le - li).abs() < 1e-9, "{engine:?}: lowest exact {le} ilp {li}");
                    // Not equality: the exact backend's threshold search compares scores exactly,
                    // so it can settle one ulp above an equal score and lose total (reported);
                    // the ILP treats scores within 1e-9 as equal and must never do worse.
                    prop_assert!(i.objective >= e.objective - 1e-5, "{engine:?}: total exact {} ilp {}", e.objective, i.objective);
                }
                (Err(Error::Infeasible(_)), Err(Error::Infeasible(_))) => {}
                (e, i) => prop_assert!(false, "{engine:?}: exact {e:?} vs ilp {i:?}"),
            }
        }
    }
}

// ---- deterministic cases -------------------------------------------------------------------

/// Six mentors, one in Tromsø and one in Bodø... of which only Tromsø can take a mentee.
fn northern_cohort() -> Cohort {
    let mut mentors = Vec::new();
    for (k, (loc, dept)) in [
        ("Tromsø", "Drama"),
        ("Oslo", "Sport"),
        ("Oslo", "Nyheter"),
        ("Bergen", "Drama"),
        ("Bergen", "Sport"),
        ("Bodø", "Nyheter"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut m = Mentor::new(format!("M{k}"));
        m.profile.location = Some(loc.into());
        m.profile.department = Some(dept.into());
        m.capacity = if loc == "Bodø" { 0 } else { 1 };
        mentors.push(m);
    }
    let mentees = (0..4)
        .map(|k| {
            let mut e = Mentee::new(format!("E{k}"));
            e.profile.department = Some(DEPTS[k % 3].into());
            e
        })
        .collect();
    Cohort { mentors, mentees }
}

fn quota_north(min: u32) -> Quota {
    Quota {
        side: Side::Mentor,
        field: "location".into(),
        values: vec!["Tromsø".into(), "Karasjok".into(), "Bodø".into()],
        min: Some(min),
        max: None,
        min_share: None,
        max_share: None,
    }
}

#[test]
fn infeasible_quota_is_named_with_the_value_it_can_reach() {
    let satisfiable = Quota {
        side: Side::Mentor,
        field: "department".into(),
        values: vec!["sport".into()],
        min: Some(1),
        max: None,
        min_share: None,
        max_share: None,
    };
    let config = ilp_config(
        false,
        Objective::Total,
        vec![satisfiable, quota_north(3)],
        vec![],
    );
    let problem = Problem::new(northern_cohort(), config, vec![]).unwrap();
    for engine in engines() {
        let err = solve_with(engine, &problem).unwrap_err();
        match &err {
            Error::Infeasible(inf) => match inf.as_ref() {
                Infeasibility::Quotas { violations } => {
                    assert_eq!(violations.len(), 1, "{violations:?}");
                    assert_eq!(
                        violations[0].constraint,
                        "quota 2 (mentor location in Tromsø/Karasjok/Bodø, min 3)"
                    );
                    assert_eq!(violations[0].reachable, 1.0);
                    assert_eq!(violations[0].violation, 2.0);
                }
                other => panic!("{engine:?}: {other:?}"),
            },
            other => panic!("{engine:?}: {other:?}"),
        }
        assert!(
            err.to_string().contains(
                "quota 2 (mentor location in Tromsø/Karasjok/Bodø, min 3) can reach at most 1"
            ),
            "{err}"
        );
    }
}

#[test]
fn infeasible_spread_is_named() {
    // Four mentees, five mentors with places: at most one pair per mentor location leaves
    // three locations (Tromsø, Oslo, Bergen): one mentee too many.
    let spread = Spread {
        side: Side::Mentor,
        field: "location".into(),
        max: 1,
    };
    let config = ilp_config(false, Objective::Total, vec![], vec![spread]);
    let problem = Problem::new(northern_cohort(), config, vec![]).unwrap();
    for engine in engines() {
        match solve_with(engine, &problem) {
            Err(Error::Infeasible(inf)) => match *inf {
                Infeasibility::Quotas { violations } => {
                    assert_eq!(violations.len(), 1);
                    assert_eq!(
                        violations[0].constraint,
                        "spread 1 (mentor location, max 1 per value)"
                    );
                    assert_eq!(violations[0].reachable, 2.0);
                }
                other => panic!("{other:?}"),
            },
            other => panic!("{engine:?}: {other:?}"),
        }
    }
}

#[test]
fn too_few_places_falls_back_to_the_hall_diagnosis() {
    let mut cohort = northern_cohort();
    for m in &mut cohort.mentors {
        m.capacity = 0;
    }
    cohort.mentors[0].capacity = 2;
    let config = ilp_config(false, Objective::Total, vec![quota_north(1)], vec![]);
    let problem = Problem::new(cohort, config, vec![]).unwrap();
    for engine in engines() {
        match solve_with(engine, &problem) {
            Err(Error::Infeasible(inf)) => {
                assert!(
                    matches!(*inf, Infeasibility::NotEnoughPlaces { .. }),
                    "{inf:?}"
                )
            }
            other => panic!("{engine:?}: {other:?}"),
        }
    }
}

#[test]
fn auto_picks_the_goals_backend_and_reports_goals() {
    let config = Config {
        goals: mentormatch::config::CohortGoals {
            quota: vec![quota_north(1)],
            ..Default::default()
        },
        ..Config::default()
    };
    let problem = Problem::new(northern_cohort(), config, vec![]).unwrap();
    let r = mentormatch::solve(&problem).unwrap();
    // The Lagrangian goals backend (issue 12); `--solver ilp` stays the plain ILP.
    assert_eq!(r.solver, "lagrangian");
    assert!(
        r.notes.iter().any(|n| n.message.starts_with("auto:")),
        "{:?}",
        r.notes
    );
    assert_eq!(r.goals.len(), 1);
    assert_eq!(
        r.goals[0].constraint,
        "quota 1 (mentor location in Tromsø/Karasjok/Bodø)"
    );
    assert_eq!(r.goals[0].bound, mentormatch::GoalBound::Min(1));
    assert_eq!(r.goals[0].bound.to_string(), "min 1");
    assert_eq!(r.goals[0].value, 1.0);
    assert!(r.goals[0].satisfied);
    // Without goals, auto keeps the exact matcher.
    let problem = Problem::new(northern_cohort(), Config::default(), vec![]).unwrap();
    assert_eq!(mentormatch::solve(&problem).unwrap().solver, "exact");
    // The exact matcher refuses goals.
    let config = Config {
        goals: mentormatch::config::CohortGoals {
            quota: vec![quota_north(1)],
            ..Default::default()
        },
        solver_options: mentormatch::config::SolverOptions {
            kind: SolverKind::Exact,
            ..Default::default()
        },
        ..Config::default()
    };
    let problem = Problem::new(northern_cohort(), config, vec![]).unwrap();
    assert!(matches!(
        mentormatch::solve(&problem),
        Err(Error::Solver(_))
    ));
}

#[test]
fn the_config_chooses_the_engine() {
    for engine in [Engine::Microlp, Engine::Highs] {
        let text = format!("ilp_engine = \"{}\"\nsolver = \"ilp\"\n[[quota]]\nside = \"mentor\"\nfield = \"location\"\nvalues = [\"Tromsø\"]\nmin = 1\n", engine.as_str());
        match Config::from_toml_str(&text, "programme.toml") {
            Ok(config) => {
                assert!(engine.is_available());
                assert_eq!(config.solver_options.ilp_engine, Some(engine));
                let problem = Problem::new(northern_cohort(), config, vec![]).unwrap();
                let r = mentormatch::solve(&problem).unwrap();
                assert_eq!(r.solver, engine.backend_name());
            }
            Err(e) => {
                assert!(!engine.is_available());
                assert_eq!(
                    e.to_string(),
                    format!(
                        "programme.toml, field 'ilp_engine': ilp_engine = \"{0}\" is not compiled into this build (remove the key, or build mentormatch with the cargo feature `{0}`)",
                        engine.as_str()
                    )
                );
            }
        }
    }
    let e = Config::from_toml_str("ilp_engine = \"cbc\"\n", "programme.toml").unwrap_err();
    assert!(e.to_string().contains("unknown variant `cbc`"), "{e}");
}

#[test]
fn a_time_limit_too_short_for_anything_is_reported_honestly() {
    let config = {
        let mut c = ilp_config(false, Objective::Total, vec![quota_north(1)], vec![]);
        c.solver_options.time_limit = Some(1e-9);
        c
    };
    let problem = Problem::new(northern_cohort(), config, vec![]).unwrap();
    for engine in engines() {
        let r = solve_with(engine, &problem).unwrap();
        assert_eq!(r.status, SolveStatus::NoSolutionFound);
        assert!(r.pairs.is_empty());
        assert!(
            r.notes.iter().any(|n| n.message.contains("time limit")),
            "{:?}",
            r.notes
        );
    }
}

#[test]
fn share_quota_with_unmatched_allowed() {
    // At least half of all pairs with a Tromsø mentor: only one place there, so at most 2 pairs.
    let q = Quota {
        min: None,
        min_share: Some(0.5),
        ..quota_north(0)
    };
    let config = ilp_config(true, Objective::Total, vec![q], vec![]);
    let problem = Problem::new(northern_cohort(), config, vec![]).unwrap();
    let b = brute(&problem, false).unwrap();
    assert_eq!(b.count, 2);
    for engine in engines() {
        let r = solve_with(engine, &problem).unwrap();
        assert_eq!(r.status, SolveStatus::Optimal);
        assert_eq!(r.pairs.len(), 2);
        assert!((r.objective - b.total).abs() < 1e-6);
        assert!(
            r.notes
                .iter()
                .any(|n| n.message.contains("cohort goals allow 2 of the 4")),
            "{:?}",
            r.notes
        );
    }
}

// ---- the Lagrangian goals backend ----------------------------------------------------------

fn lagrangian(problem: &Problem) -> mentormatch::Result<MatchResult> {
    let sol = LagrangianBackend.solve(problem, &Settings::from_problem(problem))?;
    Ok(mentormatch::result::build(problem, sol, Default::default()))
}

fn lagrangian_config(allow: bool, q: Vec<Quota>, s: Vec<Spread>) -> Config {
    {
        let mut c = ilp_config(allow, Objective::Total, q, s);
        c.solver_options.kind = SolverKind::Lagrangian;
        c
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Brute force over every assignment: the dual bound is never below the optimum, every goal
    /// holds, the value never exceeds the optimum and equals it when the status says optimal.
    #[test]
    fn lagrangian_against_brute_force(
        cohort in common::cohort(4, 5),
        allow in any::<bool>(),
        (q, s) in goals(),
        picks in prop::collection::vec((0..4usize, 0..5usize, 0..2u8), 0..3),
    ) {
        let (forbid, pin) = rules(&cohort, &picks);
        let config = { let mut c = lagrangian_config(allow, q, s); c.rules.forbid = forbid; c.rules.pin = pin; c };
        let Ok(problem) = Problem::new(cohort, config, vec![]) else { return Ok(()) };
        let best = brute(&problem, false);
        let dual = LagrangianBackend.dual_bound(&problem);
        match (best, lagrangian(&problem)) {
            (Some(b), Ok(r)) => {
                prop_assert_eq!(r.pairs.len(), b.count, "matched count");
                prop_assert!(goals_hold(problem.cohort(), problem.config(), &result_pairs(&problem, &r)));
                prop_assert!(r.goals.iter().all(|g| g.satisfied), "goal reports agree: {:?}", r.goals);
                check_hard_rules(&problem, &r);
                prop_assert!(r.objective <= b.total + 1e-6, "brute {} lagrangian {}", b.total, r.objective);
                if r.status == SolveStatus::Optimal {
                    prop_assert!((r.objective - b.total).abs() < 1e-5, "optimal: brute {} lagrangian {}", b.total, r.objective);
                } else {
                    let bound = r.bound.unwrap();
                    prop_assert!(bound >= b.total - 1e-6, "reported bound {} below optimum {}", bound, b.total);
                }
                if let Ok(Some(ub)) = dual {
                    prop_assert!(ub >= b.total - 1e-6, "dual bound {} below optimum {}", ub, b.total);
                }
            }
            (None, Err(Error::Infeasible(_))) => {}
            (b, r) => prop_assert!(false, "brute {b:?} vs lagrangian {r:?}"),
        }
    }

    /// Slightly larger cohorts against the ILP (microlp or HiGHS), same contract.
    #[test]
    fn lagrangian_against_ilp(
        cohort in common::cohort(7, 9),
        allow in any::<bool>(),
        (q, s) in goals(),
    ) {
        let problem = Problem::new(cohort, lagrangian_config(allow, q, s), vec![]).unwrap();
        let engine = engines()[0];
        match (solve_with(engine, &problem), lagrangian(&problem)) {
            (Ok(i), Ok(r)) => {
                prop_assert_eq!(i.status, SolveStatus::Optimal);
                prop_assert_eq!(r.pairs.len(), i.pairs.len());
                prop_assert!(r.goals.iter().all(|g| g.satisfied));
                check_hard_rules(&problem, &r);
                prop_assert!(r.objective <= i.objective + 1e-6);
                if r.status == SolveStatus::Optimal {
                    prop_assert!((r.objective - i.objective).abs() < 1e-5, "ilp {} lagrangian {}", i.objective, r.objective);
                } else {
                    prop_assert!(r.bound.unwrap() >= i.objective - 1e-6);
                }
            }
            (Err(Error::Infeasible(_)), Err(Error::Infeasible(_))) => {}
            (i, r) => prop_assert!(false, "ilp {i:?} vs lagrangian {r:?}"),
        }
    }
}

/// Goals that bind on generated cohorts: a share of mentors from a few towns, a department
/// spread and (sometimes) a mentee-side cap, scaled to the cohort.
fn binding_config(n: usize, allow: bool, share: f64, spread: f64, mentee_cap: bool) -> Config {
    let mut quota = vec![Quota {
        side: Side::Mentor,
        field: "location".into(),
        values: vec![
            "Tromsø".into(),
            "Bergen".into(),
            "Bodø".into(),
            "Stavanger".into(),
        ],
        min: None,
        max: None,
        min_share: Some(share),
        max_share: None,
    }];
    if mentee_cap {
        quota.push(Quota {
            side: Side::Mentee,
            field: "department".into(),
            values: vec!["Nyheter".into(), "Sport".into()],
            min: None,
            max: None,
            min_share: None,
            max_share: Some(0.3),
        });
    }
    let mut c = lagrangian_config(
        allow,
        quota,
        vec![Spread {
            side: Side::Mentor,
            field: "department".into(),
            max: ((spread * n as f64).ceil() as u32).max(1),
        }],
    );
    if allow {
        c.rules.min_score = Some(55.0);
    }
    c
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn lagrangian_binding_goals_against_brute_force(
        seed in 0..10_000u64,
        n in 3..6usize,
        allow in any::<bool>(),
        share in prop::sample::select(vec![0.2, 0.4, 0.6]),
        spread in prop::sample::select(vec![0.3, 0.5]),
        mentee_cap in any::<bool>(),
    ) {
        let cohort = mentormatch::synthetic_cohort(n, n + 2, seed);
        let problem = Problem::new(cohort, binding_config(n, allow, share, spread, mentee_cap), vec![]).unwrap();
        let best = brute(&problem, false);
        let dual = LagrangianBackend.dual_bound(&problem);
        match (best, lagrangian(&problem)) {
            (Some(b), Ok(r)) => {
                prop_assert_eq!(r.pairs.len(), b.count);
                prop_assert!(goals_hold(problem.cohort(), problem.config(), &result_pairs(&problem, &r)));
                check_hard_rules(&problem, &r);
                prop_assert!(r.objective <= b.total + 1e-6);
                if r.status == SolveStatus::Optimal {
                    prop_assert!((r.objective - b.total).abs() < 1e-5, "brute {} lagrangian {}", b.total, r.objective);
                } else {
                    prop_assert!(r.bound.unwrap() >= b.total - 1e-6);
                }
                if let Ok(Some(ub)) = dual {
                    prop_assert!(ub >= b.total - 1e-6, "dual bound {} below optimum {}", ub, b.total);
                }
            }
            (None, Err(Error::Infeasible(_))) => {}
            (b, r) => prop_assert!(false, "brute {b:?} vs lagrangian {r:?}"),
        }
    }

    #[test]
    fn lagrangian_binding_goals_against_ilp(
        seed in 0..10_000u64,
        n in 6..14usize,
        allow in any::<bool>(),
        share in prop::sample::select(vec![0.2, 0.3, 0.4]),
        spread in prop::sample::select(vec![0.15, 0.25]),
        mentee_cap in any::<bool>(),
    ) {
        let cohort = mentormatch::synthetic_cohort(n, 2 * n, seed);
        let config = { let mut c = binding_config(n, allow, share, spread, mentee_cap); c.solver_options.time_limit = Some(10.0); c };
        let problem = Problem::new(cohort, config, vec![]).unwrap();
        let dual = LagrangianBackend.dual_bound(&problem);
        let lr = lagrangian(&problem);
        let il = solve_with(engines()[0], &problem);
        // microlp can take very long to prove a goal conflict: only conclusive runs are compared.
        prop_assume!(!matches!(&il, Ok(i) if i.status != SolveStatus::Optimal));
        prop_assume!(!matches!(&lr, Ok(r) if r.status == SolveStatus::NoSolutionFound));
        match (il, lr) {
            (Ok(i), Ok(r)) => {
                prop_assert_eq!(i.status, SolveStatus::Optimal);
                prop_assert_eq!(r.pairs.len(), i.pairs.len());
                prop_assert!(r.goals.iter().all(|g| g.satisfied));
                check_hard_rules(&problem, &r);
                prop_assert!(r.objective <= i.objective + 1e-6);
                if r.status == SolveStatus::Optimal {
                    prop_assert!((r.objective - i.objective).abs() < 1e-5, "ilp {} lagrangian {}", i.objective, r.objective);
                } else {
                    prop_assert!(r.bound.unwrap() >= i.objective - 1e-6);
                }
                if let Ok(Some(ub)) = dual {
                    prop_assert!(ub >= i.objective - 1e-6, "dual bound {} below optimum {}", ub, i.objective);
                }
            }
            (Err(Error::Infeasible(_)), Err(Error::Infeasible(_))) => {}
            (i, r) => prop_assert!(false, "ilp {i:?} vs lagrangian {r:?}"),
        }
    }
}

/// `auto` picks the Lagrangian backend for goals, and says so.
#[test]
fn auto_uses_lagrangian_for_goals() {
    let cohort = mentormatch::synthetic_cohort(30, 60, 3);
    let config = Config {
        goals: mentormatch::config::CohortGoals {
            spread: vec![Spread {
                side: Side::Mentor,
                field: "department".into(),
                max: 6,
            }],
            ..Default::default()
        },
        ..Config::default()
    };
    let problem = Problem::new(cohort, config, vec![]).unwrap();
    let r = mentormatch::solve(&problem).unwrap();
    assert_eq!(r.solver, "lagrangian");
    assert!(r.notes[0]
        .message
        .starts_with("auto: the Lagrangian goals backend"));
    assert!(r.goals.iter().all(|g| g.satisfied));
}

/// With HiGHS: the same optimum as the ILP on medium cohorts with the benchmark's two goals
/// (a northern-mentor share and a department spread), and on a mentee-side quota with
/// unmatched mentees allowed.
#[cfg(feature = "highs")]
#[test]
fn lagrangian_equals_highs_on_medium_cohorts() {
    for (seed, n, allow) in [
        (1u64, 60usize, false),
        (2, 90, false),
        (3, 80, true),
        (4, 120, false),
    ] {
        let cohort = mentormatch::synthetic_cohort(n, 2 * n, seed);
        let mut config = lagrangian_config(
            allow,
            vec![
                Quota {
                    side: Side::Mentor,
                    field: "location".into(),
                    values: vec!["Tromsø".into(), "Bergen".into(), "Bodø".into()],
                    min: None,
                    max: None,
                    min_share: Some(0.2),
                    max_share: None,
                },
                Quota {
                    side: Side::Mentee,
                    field: "department".into(),
                    values: vec!["Nyheter".into()],
                    min: None,
                    max: Some((n / 10) as u32),
                    min_share: None,
                    max_share: None,
                },
            ],
            vec![Spread {
                side: Side::Mentor,
                field: "department".into(),
                max: (n * 15 / 100) as u32,
            }],
        );
        if allow {
            // Fewer places than mentees: which mentees get one is the goals' choice.
            config.rules.min_score = Some(60.0);
        }
        let problem = Problem::new(cohort, config, vec![]).unwrap();
        let ilp = solve_with(Engine::Highs, &problem);
        let lag = lagrangian(&problem);
        match (ilp, lag) {
            (Ok(i), Ok(r)) => {
                assert_eq!(i.status, SolveStatus::Optimal, "seed {seed}");
                assert_eq!(r.pairs.len(), i.pairs.len(), "seed {seed}");
                assert!(r.goals.iter().all(|g| g.satisfied), "seed {seed}");
                assert!(r.objective <= i.objective + 1e-6, "seed {seed}");
                if r.status == SolveStatus::Optimal {
                    assert!(
                        (r.objective - i.objective).abs() < 1e-5,
                        "seed {seed}: highs {} lagrangian {}",
                        i.objective,
                        r.objective
                    );
                } else {
                    assert!(r.bound.unwrap() >= i.objective - 1e-6, "seed {seed}");
                }
            }
            (Err(Error::Infeasible(_)), Err(Error::Infeasible(_))) => {}
            (i, r) => panic!("seed {seed}: highs {i:?} vs lagrangian {r:?}"),
        }
    }
}

// ---- the Lagrangian goals backend over sparse candidates -----------------------------------

/// The sparse path (forced), its solution as a result and its certified bound.
fn sparse_lagrangian(
    problem: &Problem,
) -> mentormatch::Result<(MatchResult, Option<f64>, SolveStatus)> {
    let (sol, cert) =
        SparseLagrangianBackend.solve_with_bound(problem, &Settings::from_problem(problem))?;
    let status = sol.status;
    Ok((
        mentormatch::result::build(problem, sol, Default::default()),
        cert,
        status,
    ))
}

/// The contract of the sparse path against a known optimum (`None`: no matching meets the
/// rules and goals): the certified bound is never below the optimum (when the optimum has as
/// many pairs as the most that can be matched), every goal holds on what is returned, and
/// `Optimal` only for the optimum.
fn check_sparse(
    problem: &Problem,
    best: Option<(usize, f64)>,
    max_pairs: usize,
    got: mentormatch::Result<(MatchResult, Option<f64>, SolveStatus)>,
) -> Result<(), TestCaseError> {
    match (best, got) {
        (_, Ok((r, cert, SolveStatus::NoSolutionFound))) => {
            prop_assert!(r.pairs.is_empty());
            if let (Some((count, total)), Some(ub)) = (best, cert) {
                if count == max_pairs {
                    prop_assert!(
                        ub >= total - 1e-6,
                        "certified {} below optimum {}",
                        ub,
                        total
                    );
                }
            }
        }
        (Some((count, total)), Ok((r, cert, status))) => {
            prop_assert_eq!(r.pairs.len(), count, "matched count");
            prop_assert!(goals_hold(
                problem.cohort(),
                problem.config(),
                &result_pairs(problem, &r)
            ));
            prop_assert!(
                r.goals.iter().all(|g| g.satisfied),
                "goal reports agree: {:?}",
                r.goals
            );
            check_hard_rules(problem, &r);
            prop_assert!(
                r.objective <= total + 1e-6,
                "optimum {} sparse {}",
                total,
                r.objective
            );
            if status == SolveStatus::Optimal {
                prop_assert!(
                    (r.objective - total).abs() < 1e-5,
                    "optimal: optimum {} sparse {}",
                    total,
                    r.objective
                );
            } else if let Some(b) = r.bound {
                prop_assert!(
                    b >= total - 1e-6,
                    "reported bound {} below optimum {}",
                    b,
                    total
                );
            }
            if let Some(ub) = cert {
                prop_assert!(
                    ub >= total - 1e-6,
                    "certified {} below optimum {}",
                    ub,
                    total
                );
            }
        }
        (None, Err(Error::Infeasible(_))) => {}
        (b, r) => prop_assert!(false, "optimum {b:?} vs sparse {r:?}"),
    }
    Ok(())
}

/// Most mentees that can be matched (rules only, no goals), by brute force.
fn max_pairs(problem: &Problem) -> usize {
    let p = problem.without_goals().unwrap();
    brute(&p, false).map_or(0, |b| b.count)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Random small cohorts, goals, pins and forbids, with 1 or 2 candidates per mentee (rows
    /// incomplete, so pricing and the outside bounds matter), against brute force.
    #[test]
    fn sparse_lagrangian_against_brute_force(
        cohort in common::cohort(4, 5),
        allow in any::<bool>(),
        (q, s) in goals(),
        picks in prop::collection::vec((0..4usize, 0..5usize, 0..2u8), 0..3),
        k in 1..3usize,
    ) {
        let (forbid, pin) = rules(&cohort, &picks);
        let config = { let mut c = lagrangian_config(allow, q, s); c.rules.forbid = forbid; c.rules.pin = pin; c.solver_options.candidates = Some(k); c };
        let Ok(problem) = Problem::new(cohort, config, vec![]) else { return Ok(()) };
        let best = brute(&problem, false).map(|b| (b.count, b.total));
        let most = max_pairs(&problem);
        check_sparse(&problem, best, most, sparse_lagrangian(&problem))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Goals that bind, on generated cohorts, with 2 candidates per mentee, against brute force.
    #[test]
    fn sparse_lagrangian_binding_goals_against_brute_force(
        seed in 0..10_000u64,
        n in 3..6usize,
        allow in any::<bool>(),
        share in prop::sample::select(vec![0.2, 0.4, 0.6]),
        spread in prop::sample::select(vec![0.3, 0.5]),
        mentee_cap in any::<bool>(),
    ) {
        let cohort = mentormatch::synthetic_cohort(n, n + 2, seed);
        let config = { let mut c = binding_config(n, allow, share, spread, mentee_cap); c.solver_options.candidates = Some(2); c };
        let problem = Problem::new(cohort, config, vec![]).unwrap();
        let best = brute(&problem, false).map(|b| (b.count, b.total));
        let most = max_pairs(&problem);
        check_sparse(&problem, best, most, sparse_lagrangian(&problem))?;
    }

    /// Medium cohorts with 3 candidates per mentee against the dense Lagrangian backend: when
    /// the dense one proves its optimum, the sparse certified bound is not below it.
    #[test]
    fn sparse_lagrangian_against_dense(
        seed in 0..10_000u64,
        n in 8..30usize,
        allow in any::<bool>(),
        share in prop::sample::select(vec![0.2, 0.3]),
        spread in prop::sample::select(vec![0.15, 0.25]),
        mentee_cap in any::<bool>(),
    ) {
        let cohort = mentormatch::synthetic_cohort(n, 2 * n, seed);
        let config = { let mut c = binding_config(n, allow, share, spread, mentee_cap); c.solver_options.candidates = Some(3); c.solver_options.time_limit = Some(10.0); c };
        let problem = Problem::new(cohort, config, vec![]).unwrap();
        let dense = lagrangian(&problem);
        prop_assume!(matches!(&dense, Ok(d) if d.status == SolveStatus::Optimal));
        let d = dense.unwrap();
        let most = problem.without_goals().and_then(|p| mentormatch::solve(&p)).map_or(0, |r| r.pairs.len());
        check_sparse(&problem, Some((d.pairs.len(), d.objective)), most, sparse_lagrangian(&problem))?;
    }
}

/// The sparse path finds matchings, not only honest failures: on binding goals with 2
/// candidates per mentee, most cohorts get a matching meeting every goal, and some are proven
/// optimal (the certified bound meets the brute-force optimum).
#[test]
fn sparse_lagrangian_finds_and_proves() {
    let (mut found, mut proven, mut feasible) = (0, 0, 0);
    for seed in 0..40u64 {
        let cohort = mentormatch::synthetic_cohort(5, 7, seed);
        let config = {
            let mut c = binding_config(5, false, 0.4, 0.5, false);
            c.solver_options.candidates = Some(2);
            c
        };
        let problem = Problem::new(cohort, config, vec![]).unwrap();
        let Some(b) = brute(&problem, false) else {
            continue;
        };
        feasible += 1;
        let (r, cert, status) = sparse_lagrangian(&problem).unwrap();
        if status == SolveStatus::NoSolutionFound {
            continue;
        }
        found += 1;
        assert!(r.goals.iter().all(|g| g.satisfied), "seed {seed}");
        assert!(
            cert.unwrap_or_else(|| panic!("seed {seed}: {:?} {:?}", status, r.notes))
                >= b.total - 1e-6,
            "seed {seed}"
        );
        if status == SolveStatus::Optimal {
            proven += 1;
            assert!((r.objective - b.total).abs() < 1e-5, "seed {seed}");
        }
    }
    assert!(feasible >= 20, "{feasible} feasible cohorts");
    assert!(found * 10 >= feasible * 8, "found {found} of {feasible}");
    assert!(proven > 0, "none proven of {found}");
}

/// Cohorts with goals whose dense matrices do not fit the memory budget: `auto` keeps the
/// Lagrangian backend (over sparse candidates, not the heuristic), every goal holds, and the
/// bound is the certified one.
#[test]
fn auto_uses_the_sparse_lagrangian_when_dense_does_not_fit() {
    let cohort = mentormatch::synthetic_cohort(40, 80, 5);
    let config = {
        let mut c = binding_config(40, false, 0.2, 0.25, false);
        c.solver_options.memory_budget = Some(1);
        c
    };
    let config = {
        let mut c = config;
        c.solver_options.kind = SolverKind::Auto;
        c
    };
    let problem = Problem::new(cohort, config, vec![]).unwrap();
    let r = mentormatch::solve(&problem).unwrap();
    assert_eq!(r.solver, "lagrangian");
    assert!(
        r.notes[0]
            .message
            .contains("the Lagrangian goals backend over sparse candidates"),
        "{:?}",
        r.notes
    );
    assert!(
        r.notes
            .iter()
            .any(|n| n.message.starts_with("lagrangian (sparse)")),
        "{:?}",
        r.notes
    );
    assert!(r.goals.iter().all(|g| g.satisfied), "{:?}", r.goals);
    check_hard_rules(&problem, &r);
}
