//! Re-matching mid-round: someone left, someone joined, a mentor's capacity changed.
//!
//! The previous plan's pairs are kept whenever their two people are still there and the pair
//! is still allowed (pinned internally, so the solver cannot move them); only when a mentor now
//! has fewer places than kept pairs do the lower-scoring of them end. That changes as few pairs
//! as possible. Everyone else (joiners, and mentees whose pair ended) is then matched for the
//! best total, with the usual rules. Each pair of the new plan is marked kept, new or changed,
//! and each ended pair says why.

use std::collections::HashMap;

use crate::config::{Config, PairRef};
use crate::error::Result;
use crate::input::PreviousPair;
use crate::model::{Cohort, Participant};
use crate::problem::Problem;
use crate::result::MatchResult;

/// How a pair of the new plan relates to the previous plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// The same pair as before.
    Kept,
    /// A mentee who had no pair before (joined, or was unmatched).
    New,
    /// A mentee whose previous pair ended, now with another mentor.
    Changed,
}

impl Change {
    /// `kept`, `new` or `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Kept => "kept",
            Change::New => "new",
            Change::Changed => "changed",
        }
    }
}

/// A previous pair that does not continue, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended {
    /// Mentee id.
    pub mentee_id: String,
    /// Mentor id.
    pub mentor_id: String,
    /// Why, in words.
    pub reason: String,
}

/// The new plan with its changes.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Rematch {
    /// The problem without the internal pins of kept pairs: it explains pairs as the
    /// coordinator configured them (a kept pair is not "pinned by the coordinator").
    pub problem: Problem,
    /// The new plan.
    pub result: MatchResult,
    /// Per pair of `result.pairs`: kept, new or changed.
    pub change: Vec<Change>,
    /// Previous pairs that end, in the previous file's order.
    pub ended: Vec<Ended>,
}

/// Re-matches `cohort` starting from the `previous` plan.
pub fn rematch(
    cohort: Cohort,
    config: Config,
    past: Vec<PairRef>,
    previous: &[PreviousPair],
) -> Result<Rematch> {
    let base = Problem::new(cohort.clone(), config.clone(), past.clone())?;
    let c = base.cohort();
    let cap = base.capacity();
    let mut ended: Vec<(usize, Ended)> = Vec::new();
    let end = |ended: &mut Vec<(usize, Ended)>, k: usize, p: &PreviousPair, reason: String| {
        ended.push((
            k,
            Ended {
                mentee_id: p.mentee.clone(),
                mentor_id: p.mentor.clone(),
                reason,
            },
        ));
    };
    let mut pinned_to: HashMap<usize, usize> = HashMap::new();
    let mut pins_at = vec![0u32; base.n_mentors()];
    for &(i, j) in base.pins() {
        pinned_to.insert(i, j);
        pins_at[j] += 1;
    }
    // Candidates to keep, per mentor: (score, mentee, index in `previous`).
    let mut by_mentor: HashMap<usize, Vec<(f64, usize, usize)>> = HashMap::new();
    for (k, p) in previous.iter().enumerate() {
        let (i, j) = match (base.mentee_index(&p.mentee), base.mentor_index(&p.mentor)) {
            (None, _) => {
                end(
                    &mut ended,
                    k,
                    p,
                    format!("mentee {} is no longer in the mentees file", p.mentee),
                );
                continue;
            }
            (_, None) => {
                end(
                    &mut ended,
                    k,
                    p,
                    format!("mentor {} is no longer in the mentors file", p.mentor),
                );
                continue;
            }
            (Some(i), Some(j)) => (i, j),
        };
        match pinned_to.get(&i) {
            Some(&pj) if pj == j => continue, // the coordinator's pin keeps it anyway
            Some(&pj) => {
                end(
                    &mut ended,
                    k,
                    p,
                    format!(
                        "the coordinator pinned {} to {}",
                        p.mentee,
                        c.mentors[pj].id()
                    ),
                );
                continue;
            }
            None => {}
        }
        if cap[j] == 0 {
            end(
                &mut ended,
                k,
                p,
                format!("mentor {} has no places this round (capacity 0)", p.mentor),
            );
            continue;
        }
        let e = base.explain(i, j);
        if !e.allowed {
            end(
                &mut ended,
                k,
                p,
                format!("no longer allowed: {}", e.blocked_by.join("; ")),
            );
            continue;
        }
        by_mentor.entry(j).or_default().push((e.score, i, k));
    }
    let mut keep: Vec<PairRef> = Vec::new();
    let mut mentors: Vec<usize> = by_mentor.keys().copied().collect();
    mentors.sort_unstable();
    for j in mentors {
        let mut list = by_mentor.remove(&j).unwrap_or_default();
        // Higher scores stay when places are short (then the earlier row).
        list.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
        let places = cap[j].saturating_sub(pins_at[j]) as usize;
        for (n, &(_, i, k)) in list.iter().enumerate() {
            if n < places {
                keep.push(PairRef {
                    mentee: c.mentees[i].id().to_string(),
                    mentor: c.mentors[j].id().to_string(),
                    reason: Some("kept from the previous plan".into()),
                });
            } else {
                end(
                    &mut ended,
                    k,
                    &previous[k],
                    format!(
                        "mentor {} now has {} place{} for {} continuing pairs; the higher-scoring pair{} stayed",
                        c.mentors[j].id(),
                        places,
                        if places == 1 { "" } else { "s" },
                        list.len(),
                        if places == 1 { "" } else { "s" }
                    ),
                );
            }
        }
    }
    let mut solve_config = config;
    solve_config.rules.pin.extend(keep);
    let solve_problem = Problem::new(cohort, solve_config, past)?;
    let mut result = crate::solve(&solve_problem)?;
    // Explain as the coordinator configured it: kept pairs are not the coordinator's pins.
    for p in &mut result.pairs {
        if let (Some(i), Some(j)) = (
            base.mentee_index(&p.mentee_id),
            base.mentor_index(&p.mentor_id),
        ) {
            let e = base.explain(i, j);
            p.pinned = e.pinned;
            p.explanation = e.text;
        }
    }
    let before: HashMap<&str, &str> = previous
        .iter()
        .map(|p| (p.mentee.as_str(), p.mentor.as_str()))
        .collect();
    let change = result
        .pairs
        .iter()
        .map(|p| match before.get(p.mentee_id.as_str()) {
            Some(&m) if m == p.mentor_id => Change::Kept,
            Some(_) => Change::Changed,
            None => Change::New,
        })
        .collect();
    ended.sort_by_key(|(k, _)| *k);
    Ok(Rematch {
        problem: base,
        result,
        change,
        ended: ended.into_iter().map(|(_, e)| e).collect(),
    })
}
