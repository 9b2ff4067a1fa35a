//! Re-matching: what continues, what ends and why, and that the rest is optimal.
#![allow(clippy::unwrap_used)]

use mentormatch::analysis::rematch::{rematch, Change};
use mentormatch::config::Columns;
use mentormatch::input::{mentees_from_reader, mentors_from_reader, PreviousPair};
use mentormatch::{Cohort, Config, ForbidWhen, PairRef, Problem};

fn cohort(mentors: &str, mentees: &str) -> Cohort {
    let c = Columns::default();
    Cohort {
        mentors: mentors_from_reader(mentors.as_bytes(), "mentors", &c).unwrap(),
        mentees: mentees_from_reader(mentees.as_bytes(), "mentees", &c).unwrap(),
    }
}

fn prev(pairs: &[(&str, &str)]) -> Vec<PreviousPair> {
    pairs
        .iter()
        .enumerate()
        .map(|(k, (e, m))| PreviousPair {
            row: k + 2,
            mentee: e.to_string(),
            mentor: m.to_string(),
        })
        .collect()
}

#[test]
fn capacity_cut_ends_the_lower_scoring_pair_and_a_new_rule_ends_another() {
    // A's capacity went from 2 to 1; e3 now reports to B (a new reporting-line rule).
    let c = cohort(
        "id,department,interests,capacity\nA,Drama,sport,1\nB,Sport,film,1\nC,Nyheter,film;sport,1\nD,Kultur,reise,1\n",
        "id,department,interests,manager_id\ne1,Nyheter,sport,\ne2,Marked,reise,\ne3,Teknologi,film,B\n",
    );
    let mut config = Config {
        rules: mentormatch::config::Rules {
            allow_unmatched: true,
            ..Default::default()
        },
        ..Config::default()
    };
    config.rules.forbid_when.push(ForbidWhen {
        mentee: "manager_id".into(),
        mentor: "id".into(),
        reason: Some("reporting line".into()),
    });
    let previous = prev(&[("e1", "A"), ("e2", "A"), ("e3", "B")]);
    let r = rematch(c.clone(), config.clone(), vec![], &previous).unwrap();
    let base = Problem::new(c.clone(), config.clone(), vec![]).unwrap();
    let score = |e: &str, m: &str| {
        base.pair(base.mentee_index(e).unwrap(), base.mentor_index(m).unwrap())
            .0
    };
    // The higher-scoring of A's two pairs stays.
    let (keep, end) = if score("e1", "A") >= score("e2", "A") {
        ("e1", "e2")
    } else {
        ("e2", "e1")
    };
    let pair_of = |e: &str| {
        r.result
            .pairs
            .iter()
            .position(|p| p.mentee_id == e)
            .map(|k| (r.result.pairs[k].mentor_id.clone(), r.change[k]))
    };
    assert_eq!(pair_of(keep), Some(("A".to_string(), Change::Kept)));
    assert_ne!(pair_of(end).map(|p| p.0), Some("A".to_string()));
    let ended: Vec<(&str, &str)> = r
        .ended
        .iter()
        .map(|e| (e.mentee_id.as_str(), e.reason.as_str()))
        .collect();
    assert_eq!(
        ended,
        vec![
            (
                end,
                "mentor A now has 1 place for 2 continuing pairs; the higher-scoring pair stayed"
            ),
            (
                "e3",
                "no longer allowed: reporting line (the mentee's manager_id is the mentor's id: B)"
            ),
        ]
    );
    // Given the kept pair, the rest is the best total: same as pinning it and matching.
    let mut pinned = config;
    pinned.rules.pin.push(PairRef {
        mentee: keep.into(),
        mentor: "A".into(),
        reason: None,
    });
    let best = mentormatch::solve(&Problem::new(c, pinned, vec![]).unwrap()).unwrap();
    assert!((best.objective - r.result.objective).abs() < 1e-9);
    assert_eq!(best.pairs.len(), r.result.pairs.len());
    // Kept pairs are not shown as the coordinator's pins.
    assert!(r.result.pairs.iter().all(|p| !p.pinned));
}
