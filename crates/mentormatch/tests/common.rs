//! Shared helpers for integration tests: random cohorts and a brute-force oracle.
#![allow(dead_code, clippy::unwrap_used, clippy::too_many_arguments)]

use mentormatch::{Cohort, Mentee, Mentor, Problem};
use proptest::prelude::*;

const DEPTS: [&str; 3] = ["Drama", "Nyheter", "Sport"];
const PLACES: [&str; 3] = ["Oslo", "Bergen", "Tromsø"];
const THINGS: [&str; 5] = ["sport", "reise", "musikk", "film", "digital"];

fn pick_set(mask: u8) -> mentormatch::TextSet {
    THINGS
        .iter()
        .enumerate()
        .filter(|(k, _)| mask & (1 << k) != 0)
        .map(|(_, s)| s.to_string())
        .collect()
}

/// A small random cohort: departments, locations (sometimes missing), interests, offers/needs.
pub fn cohort(max_mentees: usize, max_mentors: usize) -> impl Strategy<Value = Cohort> {
    let mentor = (0..3usize, 0..4usize, any::<u8>(), any::<u8>(), 0..3u32);
    let mentee = (0..3usize, 0..4usize, any::<u8>(), any::<u8>());
    (
        prop::collection::vec(mentor, 1..=max_mentors),
        prop::collection::vec(mentee, 0..=max_mentees),
    )
        .prop_map(|(ms, es)| {
            let mentors = ms
                .into_iter()
                .enumerate()
                .map(|(k, (d, l, i, o, c))| {
                    let mut m = Mentor::new(format!("M{k}"));
                    m.profile.department = Some(DEPTS[d].into());
                    m.profile.location = PLACES.get(l).map(|&s| s.into());
                    m.profile.interests = pick_set(i & 31);
                    m.offers = pick_set(o & 31);
                    m.capacity = c.max(1) - u32::from(c == 2 && k % 3 == 0) + u32::from(c == 2);
                    m
                })
                .collect();
            let mentees = es
                .into_iter()
                .enumerate()
                .map(|(k, (d, l, i, n))| {
                    let mut e = Mentee::new(format!("E{k}"));
                    e.profile.department = Some(DEPTS[d].into());
                    e.profile.location = PLACES.get(l).map(|&s| s.into());
                    e.profile.interests = pick_set(i & 31);
                    e.needs = pick_set(n & 31);
                    e
                })
                .collect();
            Cohort { mentors, mentees }
        })
}

/// Best `(matched count, total score)` over every assignment that respects hard rules,
/// capacities and pins, compared lexicographically; `None` when no assignment matches everyone
/// and `allow_unmatched` is off. Scores are summed as integers of 1e-9 to compare exactly.
pub fn brute_force(problem: &Problem, allow_unmatched: bool) -> Option<(usize, f64)> {
    let n = problem.n_mentees();
    let mut cap = problem.capacity().to_vec();
    let pinned: Vec<Option<usize>> = (0..n)
        .map(|i| problem.pins().iter().find(|p| p.0 == i).map(|p| p.1))
        .collect();
    fn rec(
        i: usize,
        problem: &Problem,
        pinned: &[Option<usize>],
        cap: &mut [u32],
        allow: bool,
        count: usize,
        total: f64,
        best: &mut Option<(usize, f64)>,
    ) {
        if i == problem.n_mentees() {
            let better = match best {
                None => true,
                Some((c, t)) => count > *c || (count == *c && total > *t + 1e-9),
            };
            if better {
                *best = Some((count, total));
            }
            return;
        }
        let options: Vec<usize> = match pinned[i] {
            Some(j) => vec![j],
            None => (0..problem.n_mentors())
                .filter(|&j| problem.pair(i, j).1)
                .collect(),
        };
        for j in options {
            if cap[j] > 0 {
                cap[j] -= 1;
                rec(
                    i + 1,
                    problem,
                    pinned,
                    cap,
                    allow,
                    count + 1,
                    total + problem.pair(i, j).0,
                    best,
                );
                cap[j] += 1;
            }
        }
        if allow && pinned[i].is_none() {
            rec(i + 1, problem, pinned, cap, allow, count, total, best);
        }
    }
    let mut best = None;
    rec(
        0,
        problem,
        &pinned,
        &mut cap,
        allow_unmatched,
        0,
        0.0,
        &mut best,
    );
    match best {
        Some((c, _)) if !allow_unmatched && c < n => None,
        b => b,
    }
}
