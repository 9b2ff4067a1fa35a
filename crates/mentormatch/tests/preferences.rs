//! Ranked preferences: parsing, the preference criterion, stable matching against brute force
//! (stability, mentee- and mentor-optimality), and the blocking-pair audit against the
//! definition evaluated pair by pair.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_range_loop)]

use std::collections::BTreeSet;

use mentormatch::stability::blocking_indices;
use mentormatch::stable_matching;
use mentormatch::{
    Cohort, Config, Criterion, CriterionKind, Error, Mentee, Mentor, Objective, PairRef, Prefer,
    Problem, Side, Unlisted,
};
use proptest::prelude::*;

/// A raw instance: per mentee / mentor an optional list of tiers (indices of the other side),
/// a number `x` scored by a `numeric close` criterion (so scores tie often), capacities.
#[derive(Debug, Clone)]
struct Inst {
    mentee_lists: Vec<Option<Vec<Vec<usize>>>>,
    mentor_lists: Vec<Option<Vec<Vec<usize>>>>,
    mentee_x: Vec<u8>,
    mentor_x: Vec<u8>,
    capacity: Vec<u32>,
    unlisted: Unlisted,
    forbid: Vec<(usize, usize)>,
    /// Pin mentee 0 to mentor 0 (when possible).
    pin: bool,
}

fn cell(tiers: &[Vec<usize>], prefix: &str) -> String {
    tiers
        .iter()
        .map(|t| {
            t.iter()
                .map(|k| format!("{prefix}{k}"))
                .collect::<Vec<_>>()
                .join("=")
        })
        .collect::<Vec<_>>()
        .join(";")
}

impl Inst {
    fn problem(&self, objective: Objective, side: Side) -> Problem {
        let mentors = (0..self.capacity.len())
            .map(|j| {
                let mut m = Mentor::new(format!("M{j}"));
                m.capacity = self.capacity[j];
                m.profile
                    .extra
                    .insert("x".into(), self.mentor_x[j].to_string().into());
                if let Some(l) = &self.mentor_lists[j] {
                    m.profile
                        .extra
                        .insert("preferences".into(), cell(l, "E").into());
                }
                m
            })
            .collect();
        let mentees = (0..self.mentee_x.len())
            .map(|i| {
                let mut e = Mentee::new(format!("E{i}"));
                e.profile
                    .extra
                    .insert("x".into(), self.mentee_x[i].to_string().into());
                if let Some(l) = &self.mentee_lists[i] {
                    e.profile
                        .extra
                        .insert("preferences".into(), cell(l, "M").into());
                }
                e
            })
            .collect();
        let mut numeric = Criterion::new(CriterionKind::Numeric, "x");
        numeric.prefer = Some(Prefer::Close);
        numeric.scale = Some(4.0);
        let mut config = Config {
            criteria: vec![numeric],
            objective,
            stable_side: Some(side),
            ..Config::default()
        };
        config.rules.allow_unmatched = true;
        config.rules.forbid = self
            .forbid
            .iter()
            .map(|&(i, j)| PairRef {
                mentee: format!("E{i}"),
                mentor: format!("M{j}"),
                reason: None,
            })
            .collect();
        config.preferences.unlisted = self.unlisted;
        if self.pin
            && !self.mentee_x.is_empty()
            && self.capacity[0] > 0
            && !self.forbid.contains(&(0, 0))
        {
            config.rules.pin.push(PairRef {
                mentee: "E0".into(),
                mentor: "M0".into(),
                reason: None,
            });
        }
        Problem::new(Cohort { mentors, mentees }, config, vec![]).unwrap()
    }

    /// Tier of `b` in `a`'s raw list (`usize::MAX - 1` unlisted), `None` without a list.
    fn tier(list: &Option<Vec<Vec<usize>>>, b: usize) -> Option<usize> {
        let l = list.as_ref()?;
        Some(
            l.iter()
                .position(|t| t.contains(&b))
                .unwrap_or(usize::MAX - 1),
        )
    }

    /// Mentee `i` strictly prefers mentor `a` to `b` (`None`: unmatched).
    fn mentee_prefers(&self, p: &Problem, i: usize, a: usize, b: Option<usize>) -> bool {
        let Some(b) = b else { return true };
        match (
            Inst::tier(&self.mentee_lists[i], a),
            Inst::tier(&self.mentee_lists[i], b),
        ) {
            (Some(ta), Some(tb)) => ta < tb,
            _ => p.pair(i, a).0 > p.pair(i, b).0,
        }
    }

    fn mentor_prefers(&self, p: &Problem, j: usize, a: usize, b: usize) -> bool {
        match (
            Inst::tier(&self.mentor_lists[j], a),
            Inst::tier(&self.mentor_lists[j], b),
        ) {
            (Some(ta), Some(tb)) => ta < tb,
            _ => p.pair(a, j).0 > p.pair(b, j).0,
        }
    }

    /// The definition, pair by pair.
    fn blocking(&self, p: &Problem, a: &[Option<usize>]) -> BTreeSet<(usize, usize)> {
        let mut out = BTreeSet::new();
        for i in 0..a.len() {
            if a[i].is_some_and(|j| p.is_pinned(i, j)) {
                continue;
            }
            for j in 0..self.capacity.len() {
                if a[i] == Some(j) || !p.pair(i, j).1 || !self.mentee_prefers(p, i, j, a[i]) {
                    continue;
                }
                let held: Vec<usize> = (0..a.len()).filter(|&w| a[w] == Some(j)).collect();
                let free = (held.len() as u32) < self.capacity[j];
                let better = held
                    .iter()
                    .any(|&w| !p.is_pinned(w, j) && self.mentor_prefers(p, j, i, w));
                if free || better {
                    out.insert((i, j));
                }
            }
        }
        out
    }

    /// Every matching the rules and capacities allow.
    fn all_matchings(&self, p: &Problem) -> Vec<Vec<Option<usize>>> {
        let n = self.mentee_x.len();
        let m = self.capacity.len();
        let mut out = Vec::new();
        let mut cur = vec![None; n];
        fn rec(
            k: usize,
            cur: &mut Vec<Option<usize>>,
            used: &mut Vec<u32>,
            inst: &Inst,
            p: &Problem,
            m: usize,
            out: &mut Vec<Vec<Option<usize>>>,
        ) {
            if k == cur.len() {
                out.push(cur.clone());
                return;
            }
            let pinned = p.pins().iter().find(|&&(i, _)| i == k).map(|&(_, j)| j);
            cur[k] = None;
            if pinned.is_none() {
                rec(k + 1, cur, used, inst, p, m, out);
            }
            for j in 0..m {
                if used[j] < inst.capacity[j] && p.pair(k, j).1 && pinned.is_none_or(|x| x == j) {
                    used[j] += 1;
                    cur[k] = Some(j);
                    rec(k + 1, cur, used, inst, p, m, out);
                    used[j] -= 1;
                }
            }
            cur[k] = None;
        }
        rec(0, &mut cur, &mut vec![0; m], self, p, m, &mut out);
        out
    }
}

/// A list: a random subset of `0..n` in random order, cut into tiers (`ties` allowed or not).
/// An empty list is no list (an empty cell); `strict` lists are never empty (when `n > 0`).
fn list(n: usize, ties: bool) -> impl Strategy<Value = Option<Vec<Vec<usize>>>> {
    let strict = !ties;
    let perm = Just((0..n).collect::<Vec<usize>>()).prop_shuffle();
    (
        any::<bool>(),
        perm,
        usize::from(strict).min(n)..=n,
        prop::collection::vec(any::<bool>(), n),
    )
        .prop_map(move |(has, perm, len, cuts)| {
            (has || strict)
                .then(|| {
                    let mut tiers: Vec<Vec<usize>> = Vec::new();
                    for (k, &x) in perm[..len].iter().enumerate() {
                        if k == 0 || !ties || cuts[k] {
                            tiers.push(vec![x]);
                        } else if let Some(t) = tiers.last_mut() {
                            t.push(x);
                        }
                    }
                    tiers
                })
                .filter(|t| !t.is_empty())
        })
}

fn inst(strict: bool) -> impl Strategy<Value = Inst> {
    (0..=4usize, 1..=3usize).prop_flat_map(move |(n, m)| {
        let ties = !strict;
        (
            prop::collection::vec(list(m, ties), n),
            prop::collection::vec(list(n, ties), m),
            prop::collection::vec(0..4u8, n),
            prop::collection::vec(0..4u8, m),
            prop::collection::vec(0..=2u32, m),
            any::<bool>(),
            prop::collection::vec((0..n.max(1), 0..m), 0..2),
            any::<bool>(),
        )
            .prop_map(move |(el, ml, ex, mx, cap, acc, forbid, pin)| {
                let forbid = if n == 0 { vec![] } else { forbid };
                let mut i = Inst {
                    mentee_lists: el,
                    mentor_lists: ml,
                    mentee_x: ex,
                    mentor_x: mx,
                    capacity: cap,
                    unlisted: if acc {
                        Unlisted::Acceptable
                    } else {
                        Unlisted::Forbidden
                    },
                    forbid,
                    pin: pin && !strict,
                };
                if strict {
                    // Strict preferences: everyone ranks, the unlisted are unacceptable.
                    i.unlisted = Unlisted::Forbidden;
                }
                i
            })
    })
}

fn is_stable(inst: &Inst, p: &Problem, a: &[Option<usize>]) -> bool {
    inst.blocking(p, a).is_empty()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// With ties, incomplete lists and people ranking by score: the result breaks no rule or
    /// capacity and has no blocking pair (weak stability), on both sides.
    #[test]
    fn stable_result_has_no_blocking_pair(inst in inst(false)) {
        for side in [Side::Mentee, Side::Mentor] {
            let p = inst.problem(Objective::Stable, side);
            let a = stable_matching(&p, side);
            let mut used = vec![0u32; inst.capacity.len()];
            for (i, x) in a.iter().enumerate() {
                if let Some(j) = *x {
                    prop_assert!(p.pair(i, j).1, "pair {i}-{j} breaks a rule");
                    used[j] += 1;
                }
            }
            for (j, &u) in used.iter().enumerate() {
                prop_assert!(u <= inst.capacity[j]);
            }
            prop_assert_eq!(inst.blocking(&p, &a), BTreeSet::new());
        }
    }

    /// Strict preferences: the mentee side's result is the best stable matching for every
    /// mentee, the mentor side's the worst (the lattice of stable matchings).
    #[test]
    fn optimal_for_the_proposing_side(inst in inst(true)) {
        let p = inst.problem(Objective::Stable, Side::Mentee);
        let stable: Vec<_> = inst
            .all_matchings(&p)
            .into_iter()
            .filter(|a| is_stable(&inst, &p, a))
            .collect();
        prop_assert!(!stable.is_empty());
        let best = stable_matching(&p, Side::Mentee);
        let worst = stable_matching(&p, Side::Mentor);
        prop_assert!(stable.contains(&best), "{best:?} is not stable");
        prop_assert!(stable.contains(&worst), "{worst:?} is not stable");
        for s in &stable {
            for i in 0..s.len() {
                if let Some(j) = s[i] {
                    prop_assert!(!inst.mentee_prefers(&p, i, j, best[i]),
                        "mentee {i} prefers M{j} in stable {s:?} to {best:?}");
                }
                if let Some(j) = worst[i] {
                    prop_assert!(!inst.mentee_prefers(&p, i, j, s[i]),
                        "mentee {i} is better off in mentor-optimal {worst:?} than in {s:?}");
                }
            }
        }
    }

    /// The audit finds exactly the blocking pairs of the definition, for every matching.
    #[test]
    fn audit_equals_the_definition(inst in inst(false)) {
        let p = inst.problem(Objective::Total, Side::Mentee);
        for a in inst.all_matchings(&p).iter().take(60) {
            let got: BTreeSet<_> = blocking_indices(&p, a).into_iter().collect();
            prop_assert_eq!(got, inst.blocking(&p, a), "matching {:?}", a);
        }
    }
}

fn people(mentors: &[(&str, &str)], mentees: &[(&str, &str)]) -> Cohort {
    Cohort {
        mentors: mentors
            .iter()
            .map(|(id, prefs)| {
                let mut m = Mentor::new(*id);
                if !prefs.is_empty() {
                    m.profile
                        .extra
                        .insert("preferences".into(), prefs.to_string().into());
                }
                m
            })
            .collect(),
        mentees: mentees
            .iter()
            .map(|(id, prefs)| {
                let mut e = Mentee::new(*id);
                if !prefs.is_empty() {
                    e.profile
                        .extra
                        .insert("preferences".into(), prefs.to_string().into());
                }
                e
            })
            .collect(),
    }
}

fn input_error(cohort: Cohort) -> mentormatch::InputError {
    match Problem::new(cohort, Config::default(), vec![]) {
        Err(Error::Input(e)) => e,
        Err(e) => panic!("expected an input error, got {e}"),
        Ok(_) => panic!("expected an input error"),
    }
}

#[test]
fn unknown_twice_and_self_are_input_errors_naming_table_row_and_field() {
    let e = input_error(people(
        &[("M1", ""), ("M2", "")],
        &[("L1", "M1"), ("L2", "M2;M9")],
    ));
    assert_eq!(e.location.source.as_deref(), Some("mentees"));
    assert_eq!(e.location.row, Some(3));
    assert_eq!(e.location.field.as_deref(), Some("preferences"));
    assert!(e.message.contains("'M9', which is not a mentor id"), "{e}");

    let e = input_error(people(&[("M1", "L1;L2=L1")], &[("L1", ""), ("L2", "")]));
    assert_eq!(e.location.source.as_deref(), Some("mentors"));
    assert_eq!(e.location.row, Some(2));
    assert!(
        e.message.contains("lists 'L1' twice (ranks 1 and 2)"),
        "{e}"
    );

    // The same person on both sides (self-matching ids) may not rank themselves.
    let e = input_error(people(&[("P1", ""), ("P2", "")], &[("P1", "P2;P1")]));
    assert!(e.message.contains("mentee 'P1' lists themselves"), "{e}");
    let e = input_error(people(&[("M1", "")], &[("L1", "L1")]));
    assert!(e.message.contains("lists themselves"), "{e}");
    assert!(e.to_string().contains("ties as M1=M7"), "{e}");
}

fn problem_with(cohort: Cohort, toml: &str) -> Problem {
    let config = Config::from_toml_str(toml, "test.toml").unwrap();
    Problem::new(cohort, config, vec![]).unwrap()
}

#[test]
fn criterion_values_and_explanations() {
    let cohort = people(
        &[("M1", "L1"), ("M2", ""), ("M3", ""), ("M4", "")],
        &[("L1", "M3;M1=M2;M4"), ("L2", "")],
    );
    let p = problem_with(
        cohort,
        "[[criteria]]\nkind = \"preference\"\nside = \"mentee\"\nlast_value = 0.4\nunlisted_value = 0.1\nmissing = 0.5\n",
    );
    let score = |i, j| p.pair(i, j).0;
    assert!((score(0, 2) - 100.0).abs() < 1e-9);
    assert!((score(0, 0) - 70.0).abs() < 1e-9, "{}", score(0, 0));
    assert!((score(0, 1) - 70.0).abs() < 1e-9);
    assert!((score(0, 3) - 40.0).abs() < 1e-9);
    assert!((score(1, 0) - 50.0).abs() < 1e-9, "no list: missing");
    let e = p.explain(0, 2);
    assert_eq!(e.breakdown[0].text, "M3 was L1's first choice");
    assert_eq!(p.explain(0, 0).breakdown[0].text, "L1 ranked M1 2nd of 3");
    assert_eq!(
        p.explain(1, 0).breakdown[0].text,
        "L2 gave no preference list"
    );
    // The dense row agrees with the pair-by-pair scores, bit for bit.
    let (mut s, mut a) = (vec![0.0; 4], vec![false; 4]);
    p.score_row(0, &mut s, &mut a);
    for j in 0..4 {
        assert_eq!(s[j].to_bits(), score(0, j).to_bits());
    }

    // Both sides: the mean; one side's value when only one ranked.
    let cohort = people(&[("M1", "L2;L1"), ("M2", "")], &[("L1", "M1"), ("L2", "")]);
    let p = problem_with(cohort, "[[criteria]]\nkind = \"preference\"\n");
    assert!((p.pair(0, 0).0 - 75.0).abs() < 1e-9, "(1 + 0.5) / 2");
    assert!((p.pair(1, 0).0 - 100.0).abs() < 1e-9, "mentor side only");
    assert!(
        (p.pair(0, 1).0 - 0.0).abs() < 1e-9,
        "unlisted by L1, M2 has no list"
    );
    assert!(
        (p.pair(1, 1).0 - 50.0).abs() < 1e-9,
        "nobody ranked: missing"
    );
    assert_eq!(
        p.explain(0, 0).breakdown[0].text,
        "M1 was L1's first choice; M1 ranked L1 2nd of 2"
    );
    let (mut s, mut a) = (vec![0.0; 2], vec![false; 2]);
    for i in 0..2 {
        p.score_row(i, &mut s, &mut a);
        for j in 0..2 {
            assert_eq!(s[j].to_bits(), p.pair(i, j).0.to_bits());
        }
    }
}

#[test]
fn unlisted_forbidden_is_a_hard_rule_with_a_reason() {
    let cohort = people(&[("M1", ""), ("M2", "L2")], &[("L1", "M1"), ("L2", "")]);
    let p = problem_with(cohort, "[preferences]\nunlisted = \"forbidden\"\n");
    assert!(p.pair(0, 0).1);
    assert!(!p.pair(0, 1).1, "L1 did not list M2");
    assert!(p.pair(1, 1).1);
    assert!(p.pair(1, 0).1, "M1 gave no list, L2 no list");
    let e = p.explain(0, 1);
    assert!(
        e.blocked_by
            .iter()
            .any(|b| b.contains("M2 is not on L1's preference list")),
        "{:?}",
        e.blocked_by
    );
    let (mut s, mut a) = (vec![0.0; 2], vec![false; 2]);
    for i in 0..2 {
        p.score_row(i, &mut s, &mut a);
        for j in 0..2 {
            assert_eq!(a[j], p.pair(i, j).1, "row and pair agree on {i},{j}");
        }
    }
}

#[test]
fn stable_objective_end_to_end_with_pins_and_price_of_stability() {
    // Classic instability of the optimum: L1 and M1 want each other, but the best total
    // (by score) pairs them elsewhere.
    let cohort = people(
        &[("M1", "L1;L2"), ("M2", "L1;L2")],
        &[("L1", "M1;M2"), ("L2", "M1;M2")],
    );
    let stable = problem_with(
        cohort.clone(),
        "objective = \"stable\"\n[[criteria]]\nkind = \"differ\"\nfield = \"department\"\n",
    );
    let r = mentormatch::solve(&stable).unwrap();
    assert_eq!(r.solver, "stable");
    let got: Vec<_> = r
        .pairs
        .iter()
        .map(|p| (p.mentee_id.as_str(), p.mentor_id.as_str()))
        .collect();
    assert_eq!(got, [("L1", "M1"), ("L2", "M2")]);
    assert_eq!(r.blocking_pairs.as_deref().map(<[_]>::len), Some(0));
    let price = r.price_of_stability.expect("preferences given");
    assert_eq!(price.stable_blocking, 0);
    assert_eq!(price.stable_pairs, 2);

    // A pin is kept even when it makes the rest unstable around it; a pinned mentee never blocks.
    let pinned = problem_with(
        cohort,
        "objective = \"stable\"\n[[pin]]\nmentee = \"L1\"\nmentor = \"M2\"\n",
    );
    let r = mentormatch::solve(&pinned).unwrap();
    let got: Vec<_> = r
        .pairs
        .iter()
        .map(|p| (p.mentee_id.as_str(), p.mentor_id.as_str()))
        .collect();
    assert_eq!(got, [("L1", "M2"), ("L2", "M1")]);
    assert_eq!(r.blocking_pairs.as_deref().map(<[_]>::len), Some(0));
}

#[test]
fn total_optimum_reports_its_blocking_pairs_with_reasons() {
    // Scores make the optimum pair L1-M2 and L2-M1, while L1 and M1 rank each other first.
    let mut cohort = people(
        &[("M1", "L1;L2"), ("M2", "")],
        &[("L1", "M1;M2"), ("L2", "")],
    );
    for (k, x) in ["0", "9"].iter().enumerate() {
        cohort.mentors[k]
            .profile
            .extra
            .insert("x".into(), x.to_string().into());
    }
    for (k, x) in ["9", "0"].iter().enumerate() {
        cohort.mentees[k]
            .profile
            .extra
            .insert("x".into(), x.to_string().into());
    }
    let p = problem_with(
        cohort,
        "[[criteria]]\nkind = \"numeric\"\nfield = \"x\"\nprefer = \"close\"\nscale = 9\n",
    );
    let r = mentormatch::solve(&p).unwrap();
    let got: Vec<_> = r
        .pairs
        .iter()
        .map(|p| (p.mentee_id.as_str(), p.mentor_id.as_str()))
        .collect();
    assert_eq!(got, [("L1", "M2"), ("L2", "M1")]);
    let b = r.blocking_pairs.expect("audited");
    assert_eq!(b.len(), 1);
    assert_eq!(
        (b[0].mentee_id.as_str(), b[0].mentor_id.as_str()),
        ("L1", "M1")
    );
    assert_eq!(b[0].mentee_partner.as_deref(), Some("M2"));
    assert_eq!(b[0].mentor_drops.as_deref(), Some("L2"));
    assert!(
        b[0].reason
            .starts_with("M1 was L1's first choice; M2 (partner) is ranked 2nd"),
        "{}",
        b[0].reason
    );
    assert!(
        b[0].reason
            .contains("L1 was M1's first choice; L2 (held) is ranked 2nd"),
        "{}",
        b[0].reason
    );
    let price = r.price_of_stability.unwrap();
    assert_eq!(price.optimum_blocking, 1);
    assert_eq!(price.stable_blocking, 0);
    assert!(price.optimum_total > price.stable_total);
}

#[test]
fn stable_with_another_solver_is_refused() {
    let cohort = people(&[("M1", "")], &[("L1", "M1")]);
    let p = problem_with(cohort, "objective = \"stable\"\nsolver = \"ilp\"\n");
    match mentormatch::solve(&p) {
        Err(Error::Solver(m)) => assert!(m.contains("solver = \"auto\""), "{m}"),
        other => panic!("expected a solver error, got {other:?}"),
    }
    let e = Config::from_toml_str(
        "objective = \"stable\"\n[[quota]]\nside = \"mentor\"\nfield = \"location\"\nvalues = [\"Oslo\"]\nmin = 1\n",
        "c.toml",
    )
    .unwrap_err();
    assert!(e.to_string().contains("cannot honour quotas"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Any list written with `;` between tiers, `=` within one and stray spaces or empty items
    /// parses back to its tiers; listing one id twice or an id of nobody is an error naming the
    /// row and the id.
    #[test]
    fn parser_round_trip_and_errors(
        perm in Just((0..8usize).collect::<Vec<_>>()).prop_shuffle(),
        len in 1..=8usize,
        cuts in prop::collection::vec(any::<bool>(), 8),
        pad in prop::collection::vec(0..3usize, 8),
        row in 0..3usize,
        mistake in 0..3u8,
    ) {
        let mut tiers: Vec<Vec<usize>> = Vec::new();
        for (k, &x) in perm[..len].iter().enumerate() {
            if k == 0 || cuts[k] {
                tiers.push(vec![x]);
            } else if let Some(t) = tiers.last_mut() {
                t.push(x);
            }
        }
        let sp = |k: usize| " ".repeat(pad[k % pad.len()]);
        let mut cell = tiers
            .iter()
            .enumerate()
            .map(|(k, t)| {
                t.iter()
                    .map(|x| format!("{}M{x}{}", sp(k), sp(k + 1)))
                    .collect::<Vec<_>>()
                    .join("=")
            })
            .collect::<Vec<_>>()
            .join(";");
        if pad[0] == 2 {
            cell.push_str(";;");
        }
        let mentors: Vec<(String, &str)> = (0..8).map(|j| (format!("M{j}"), "")).collect();
        let mentors: Vec<(&str, &str)> = mentors.iter().map(|(a, b)| (a.as_str(), *b)).collect();
        let mut mentees = vec![("L0", ""), ("L1", ""), ("L2", "")];
        let bad = match mistake {
            1 => format!("{cell};M{}", tiers[0][0]),
            2 => format!("{cell};M8"),
            _ => cell.clone(),
        };
        mentees[row].1 = &bad;
        let cohort = people(&mentors, &mentees);
        match Problem::new(cohort, Config::default(), vec![]) {
            Ok(p) => {
                prop_assert_eq!(mistake, 0);
                let prefs = p.preferences().unwrap();
                let got: Vec<(u32, u32)> = prefs.mentee.list(row).to_vec();
                let want: Vec<(u32, u32)> = tiers
                    .iter()
                    .enumerate()
                    .flat_map(|(t, ids)| ids.iter().map(move |&x| (x as u32, t as u32)))
                    .collect();
                prop_assert_eq!(got, want);
                prop_assert_eq!(prefs.mentee.tiers(row) as usize, tiers.len());
            }
            Err(Error::Input(e)) => {
                prop_assert!(mistake != 0, "{}", e);
                prop_assert_eq!(e.location.row, Some(row + 2));
                let id = if mistake == 1 { format!("'M{}' twice", tiers[0][0]) } else { "'M8'".into() };
                prop_assert!(e.message.contains(&id), "{}", e.message);
            }
            Err(e) => prop_assert!(false, "{}", e),
        }
    }
}

/// The sparse backends bound a preference criterion at its best value: their certificate stays
/// an upper bound on the exact optimum, and with every mentor as a candidate they find it.
#[test]
fn sparse_backends_stay_valid_with_a_preference_criterion() {
    let mut cohort = mentormatch::synthetic_cohort(40, 60, 3);
    let mut rng = mentormatch::rng::SplitMix64::new(11);
    for e in &mut cohort.mentees {
        let cell: Vec<String> = (0..6).map(|_| format!("M{}", rng.below(60))).collect();
        let mut seen = BTreeSet::new();
        let cell: Vec<String> = cell
            .into_iter()
            .filter(|x| seen.insert(x.clone()))
            .collect();
        e.profile
            .extra
            .insert("preferences".into(), cell.join(";").into());
    }
    let mut pref = Criterion::new(CriterionKind::Preference, "");
    pref.weight = 3.0;
    let mut criteria = mentormatch::default_criteria();
    criteria.push(pref);
    let solve = |solver: mentormatch::SolverKind, k: usize| {
        let mut config = Config {
            criteria: criteria.clone(),
            ..Config::default()
        };
        config.rules.allow_unmatched = true;
        config.solver_options.kind = solver;
        config.solver_options.candidates = Some(k);
        mentormatch::solve(&Problem::new(cohort.clone(), config, vec![]).unwrap()).unwrap()
    };
    let exact = solve(mentormatch::SolverKind::Exact, 50);
    for (solver, k) in [
        (mentormatch::SolverKind::Sparse, 3),
        (mentormatch::SolverKind::Heuristic, 3),
        (mentormatch::SolverKind::Sparse, 60),
    ] {
        let r = solve(solver, k);
        assert!(r.objective <= exact.objective + 1e-6, "{solver:?}");
        if let Some(b) = r.bound {
            assert!(
                b >= exact.objective - 1e-6,
                "{solver:?} k={k}: bound {b} below the optimum {}",
                exact.objective
            );
        }
        if k == 60 {
            assert!(
                (r.objective - exact.objective).abs() < 1e-6,
                "all candidates: the optimum"
            );
        }
    }
}

/// Whatever the objective, the price of stability compares the stable matching with the best
/// total (with `maxmin` the result is neither, so both are solved).
#[test]
fn price_of_stability_compares_with_the_best_total_for_every_objective() {
    let mut cohort = mentormatch::synthetic_cohort(20, 30, 5);
    let mut rng = mentormatch::rng::SplitMix64::new(2);
    for e in &mut cohort.mentees {
        let mut ids: Vec<usize> = Vec::new();
        while ids.len() < 4 {
            let j = rng.below(30);
            if !ids.contains(&j) {
                ids.push(j);
            }
        }
        let cell: Vec<String> = ids.iter().map(|j| format!("M{j}")).collect();
        e.profile
            .extra
            .insert("preferences".into(), cell.join(";").into());
    }
    let run = |objective| {
        let mut config = Config {
            objective,
            ..Config::default()
        };
        config.rules.allow_unmatched = true;
        mentormatch::solve(&Problem::new(cohort.clone(), config, vec![]).unwrap()).unwrap()
    };
    let total = run(Objective::Total);
    let stable = run(Objective::Stable);
    let maxmin = run(Objective::Maxmin);
    let p = total.price_of_stability.clone().unwrap();
    assert!((p.optimum_total - total.objective).abs() < 1e-9);
    assert!((p.stable_total - stable.objective).abs() < 1e-9);
    assert_eq!(stable.price_of_stability.as_ref(), Some(&p));
    let q = maxmin.price_of_stability.unwrap();
    assert!((q.optimum_total - total.objective).abs() < 1e-6, "{q:?}");
    assert!((q.stable_total - stable.objective).abs() < 1e-9);
    assert_eq!(
        p.optimum_blocking,
        total.blocking_pairs.as_ref().map(Vec::len).unwrap()
    );
}
