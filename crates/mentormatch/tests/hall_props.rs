//! Hall violator and b-matching tests against brute force over subsets.

use mentormatch::problem::hall::{hall_violator, max_matching, HallWitness};
use proptest::prelude::*;

/// Total places of the mentors adjacent to the mentee set `mask`.
fn places(mask: u32, adj: &[Vec<u32>], cap: &[u32]) -> u64 {
    let mut mentors = vec![false; cap.len()];
    for (i, row) in adj.iter().enumerate() {
        if mask >> i & 1 == 1 {
            for &r in row {
                mentors[r as usize] = true;
            }
        }
    }
    mentors
        .iter()
        .zip(cap)
        .filter(|(m, _)| **m)
        .map(|(_, &c)| u64::from(c))
        .sum()
}

fn deficiency(mask: u32, adj: &[Vec<u32>], cap: &[u32]) -> i64 {
    i64::from(mask.count_ones()) - places(mask, adj, cap) as i64
}

fn is_violator(mask: u32, adj: &[Vec<u32>], cap: &[u32]) -> bool {
    deficiency(mask, adj, cap) > 0
}

/// Checks that `w` is a genuine violator with `mentors == N(mentees)` and the right `places`.
fn check_witness(w: &HallWitness, adj: &[Vec<u32>], cap: &[u32]) -> Result<(), String> {
    if w.mentees.is_empty() || w.mentees.windows(2).any(|p| p[0] >= p[1]) {
        return Err(format!(
            "mentees not sorted/distinct/non-empty: {:?}",
            w.mentees
        ));
    }
    let mut n: Vec<usize> = w
        .mentees
        .iter()
        .flat_map(|&i| adj[i].iter().map(|&r| r as usize))
        .collect();
    n.sort_unstable();
    n.dedup();
    if n != w.mentors {
        return Err(format!("mentors {:?} != N(S) {:?}", w.mentors, n));
    }
    let p: u64 = n.iter().map(|&r| u64::from(cap[r])).sum();
    if p != w.places || p >= w.mentees.len() as u64 {
        return Err(format!(
            "places {} (true {}) vs {} mentees",
            w.places,
            p,
            w.mentees.len()
        ));
    }
    Ok(())
}

fn check_matching(
    n_left: usize,
    adj: &[Vec<u32>],
    cap: &[u32],
    size: usize,
    mates: &[Option<u32>],
) -> Result<(), String> {
    if mates.len() != n_left || mates.iter().flatten().count() != size {
        return Err("size/length mismatch".into());
    }
    let mut load = vec![0u32; cap.len()];
    for (i, m) in mates.iter().enumerate() {
        if let Some(r) = m {
            if !adj[i].contains(r) {
                return Err(format!("mentee {i} got a mentor it may not have"));
            }
            load[*r as usize] += 1;
        }
    }
    if load.iter().zip(cap).any(|(l, c)| l > c) {
        return Err("capacity exceeded".into());
    }
    Ok(())
}

/// Small capacitated bipartite graphs: up to 9 mentees, 6 mentors, capacities 0..3.
fn graph() -> impl Strategy<Value = (usize, Vec<Vec<u32>>, Vec<u32>)> {
    (0usize..10, 0usize..7, 0.0f64..0.8).prop_flat_map(|(n_left, n_right, p)| {
        (
            Just(n_left),
            prop::collection::vec(prop::collection::vec(0.0f64..1.0, n_right), n_left),
            prop::collection::vec(
                prop_oneof![1 => Just(0u32), 4 => Just(1u32), 2 => 2u32..4],
                n_right,
            ),
            Just(p),
        )
            .prop_map(|(n_left, draws, cap, p)| {
                let adj = draws
                    .iter()
                    .map(|row| {
                        row.iter()
                            .enumerate()
                            .filter(|(_, &x)| x >= p)
                            .map(|(r, _)| r as u32)
                            .collect()
                    })
                    .collect();
                (n_left, adj, cap)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn matching_size_is_n_minus_max_deficiency((n_left, adj, cap) in graph()) {
        let (size, mates) = max_matching(n_left, &adj, &cap);
        if let Err(e) = check_matching(n_left, &adj, &cap, size, &mates) {
            return Err(TestCaseError::fail(e));
        }
        // Deficiency version of Hall's theorem.
        let max_def = (0u32..1 << n_left).map(|m| deficiency(m, &adj, &cap)).max().unwrap_or(0).max(0);
        prop_assert_eq!(size as i64, n_left as i64 - max_def);
    }

    #[test]
    fn violator_exists_iff_matching_incomplete((n_left, adj, cap) in graph()) {
        let (size, _) = max_matching(n_left, &adj, &cap);
        let w = hall_violator(n_left, &adj, &cap);
        prop_assert_eq!(w.is_some(), size < n_left);
        if let Some(w) = w {
            if let Err(e) = check_witness(&w, &adj, &cap) {
                return Err(TestCaseError::fail(e));
            }
            // Inclusion-minimal: no proper non-empty subset is a violator.
            let mask: u32 = w.mentees.iter().map(|&i| 1u32 << i).sum();
            let mut sub = (mask - 1) & mask;
            while sub != 0 {
                prop_assert!(!is_violator(sub, &adj, &cap), "subset {:b} of {:b} violates", sub, mask);
                sub = (sub - 1) & mask;
            }
        }
    }

    #[test]
    fn deterministic((n_left, adj, cap) in graph()) {
        prop_assert_eq!(max_matching(n_left, &adj, &cap), max_matching(n_left, &adj, &cap));
        prop_assert_eq!(hall_violator(n_left, &adj, &cap), hall_violator(n_left, &adj, &cap));
    }

    /// Bigger graphs: single-removal minimality and validity (no brute force over subsets).
    #[test]
    fn larger_witnesses_are_valid_and_minimal(
        n_left in 1usize..120,
        n_right in 0usize..40,
        deg in 0usize..4,
        seed in any::<u64>(),
    ) {
        let mut s = seed | 1;
        let mut next = move |m: usize| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            if m == 0 { 0 } else { (s % m as u64) as usize }
        };
        let cap: Vec<u32> = (0..n_right).map(|_| next(4) as u32).collect();
        let adj: Vec<Vec<u32>> = (0..n_left)
            .map(|_| {
                let mut row: Vec<u32> = (0..next(deg + 1)).map(|_| next(n_right) as u32).filter(|_| n_right > 0).collect();
                row.sort_unstable();
                row.dedup();
                row
            })
            .collect();
        let (size, mates) = max_matching(n_left, &adj, &cap);
        if let Err(e) = check_matching(n_left, &adj, &cap, size, &mates) {
            return Err(TestCaseError::fail(e));
        }
        let w = hall_violator(n_left, &adj, &cap);
        prop_assert_eq!(w.is_some(), size < n_left);
        if let Some(w) = w {
            if let Err(e) = check_witness(&w, &adj, &cap) {
                return Err(TestCaseError::fail(e));
            }
            for k in 0..w.mentees.len() {
                let rest: Vec<usize> = w.mentees.iter().enumerate().filter(|&(i, _)| i != k).map(|(_, &m)| m).collect();
                let mut n: Vec<u32> = rest.iter().flat_map(|&i| adj[i].iter().copied()).collect();
                n.sort_unstable();
                n.dedup();
                let p: u64 = n.iter().map(|&r| u64::from(cap[r as usize])).sum();
                prop_assert!(p >= rest.len() as u64, "removing mentee {} leaves a violator", w.mentees[k]);
            }
        }
    }
}

#[test]
fn mentee_without_mentors_is_its_own_witness() {
    let adj = vec![vec![0], vec![], vec![0]];
    let w = hall_violator(3, &adj, &[5]).expect("mentee 1 cannot be matched");
    assert_eq!(
        w,
        HallWitness {
            mentees: vec![1],
            mentors: vec![],
            places: 0
        }
    );
    // Only zero-capacity mentors: same story, but the mentor is named.
    let w = hall_violator(2, &[vec![0], vec![1]], &[0, 1]).expect("infeasible");
    assert_eq!(w.mentees, vec![0]);
    assert_eq!(w.mentors, vec![0]);
    assert_eq!(w.places, 0);
}

#[test]
fn finds_the_inner_violator() {
    // Mentees 0,1 share mentor 0 (1 place); mentees 2,3 share mentor 1 (2 places) and also
    // reach mentor 0. The whole set {0,1,2,3} has 3 places for 4 mentees, and removing any one
    // mentee leaves no violation, yet {0,1} alone is a violator: the answer must be
    // inclusion-minimal, so it is {0,1}.
    let adj = vec![vec![0], vec![0], vec![0, 1], vec![0, 1]];
    let cap = [1, 2];
    let (size, _) = max_matching(4, &adj, &cap);
    assert_eq!(size, 3);
    let w = hall_violator(4, &adj, &cap).expect("infeasible");
    assert_eq!(
        w,
        HallWitness {
            mentees: vec![0, 1],
            mentors: vec![0],
            places: 1
        }
    );
}

#[test]
fn smallest_set_among_unmatched_mentees_is_chosen() {
    // Mentor 0 (1 place) serves mentee 0; mentees 1 and 2 also want it; mentee 3 wants nobody.
    // From mentee 1 the violator is {0, 1}; from mentee 3 it is {3}, which is preferred.
    let adj = vec![vec![0], vec![0], vec![0], vec![]];
    let w = hall_violator(4, &adj, &[1]).expect("infeasible");
    assert_eq!(w.mentees, vec![3]);
    assert!(w.mentors.is_empty());
    // Without mentee 3 the lowest unmatched mentee gives {0, 1}.
    let w = hall_violator(3, &adj[..3], &[1]).expect("infeasible");
    assert_eq!((w.mentees, w.mentors, w.places), (vec![0, 1], vec![0], 1));
}

#[test]
fn feasible_and_degenerate_inputs() {
    assert_eq!(hall_violator(0, &[], &[]), None);
    assert_eq!(max_matching(0, &[], &[]), (0, vec![]));
    // Capacity 2 covers two mentees.
    let adj = vec![vec![0], vec![0]];
    assert_eq!(hall_violator(2, &adj, &[2]), None);
    assert_eq!(max_matching(2, &adj, &[2]).0, 2);
    // Out-of-range mentor indices and missing rows are tolerated, not panics.
    let adj = vec![vec![0, 7]];
    let (size, mates) = max_matching(2, &adj, &[1]);
    assert_eq!((size, mates), (1, vec![Some(0), None]));
    let w = hall_violator(2, &adj, &[1]).expect("mentee 1 has no row");
    assert_eq!(w.mentees, vec![1]);
}
