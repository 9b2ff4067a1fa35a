//! Suggestions for self-matching: a short list of mentors per mentee for participants who
//! choose their own partner (as MentorcliQ, Together, Mentorloop and PushFar offer).
//!
//! Rank 1 is the mentee's partner in the optimal plan. The others are ordered by score minus
//! the mentor's price in that plan (the dual of the mentor's capacity, see `analysis::duals`):
//! a mentor everyone wants is already "spent" on someone who fits them best, so the lists lead
//! with good mentors who are still free, instead of every list opening with the same star while
//! other good mentors stay unseen. Every suggestion is an allowed pair with a mentor who has
//! places this round.

use crate::analysis::alternatives::check_applicable;
use crate::analysis::duals::{prices, Plan};
use crate::error::Result;
use crate::problem::Problem;
use crate::report::reasons::assignment;

/// One suggested mentor for one mentee.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Suggestion {
    /// Mentee index.
    pub mentee: usize,
    /// 1 = the partner in the optimal plan.
    pub rank: usize,
    /// Mentor index.
    pub mentor: usize,
    /// Match score 0..100.
    pub score: f64,
    /// The mentor's price in the plan (what the plan loses if this mentor's place goes to
    /// someone else); suggestions after the first are ordered by `score - price`.
    pub price: f64,
}

/// All suggestions, and remarks for the coordinator.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Suggestions {
    /// Up to `top` rows per mentee, in mentee order, then rank.
    pub rows: Vec<Suggestion>,
    /// E.g. why prices could not be used.
    pub notes: Vec<String>,
}

/// Up to `top` suggestions per mentee: solves `problem`, then ranks every allowed mentor.
pub fn suggest(problem: &Problem, top: usize) -> Result<Suggestions> {
    let result = crate::solve(problem)?;
    let plan_assignment = assignment(problem, &result);
    let sm = problem.score_matrix();
    let m = sm.n_mentors;
    let mut notes = Vec::new();
    let price: Vec<f64> = match check_applicable(problem, result.status, &result.solver) {
        Ok(()) => {
            let plan = Plan::new(problem, &sm, &plan_assignment);
            match prices(&plan) {
                Ok(p) => (0..m).map(|j| p.mentor_price(j)).collect(),
                Err(e) => {
                    notes.push(format!("ordered by score alone: {e}"));
                    vec![0.0; m]
                }
            }
        }
        Err(_) => {
            notes.push(
                "ordered by score alone: mentor prices need a proven optimum of the total score"
                    .to_string(),
            );
            vec![0.0; m]
        }
    };
    let cap = problem.capacity();
    let mut rows = Vec::new();
    for (i, &partner) in plan_assignment.iter().enumerate() {
        let mut list: Vec<usize> = (0..m)
            .filter(|&j| Some(j) != partner && cap[j] > 0 && sm.allowed(i, j))
            .collect();
        // Prices make a wanted mentor exactly as attractive as the alternatives it was
        // weighed against (the duals' complementary slackness), so equal keys are the rule,
        // not the exception: among them the cheaper mentor (one with room) comes first.
        // Keys are compared on a 1e-9 grid so that rounding does not decide.
        let grid = |x: f64| (x * 1e9).round();
        list.sort_by(|&a, &b| {
            let (ka, kb) = (
                grid(sm.score(i, a) - price[a]),
                grid(sm.score(i, b) - price[b]),
            );
            kb.total_cmp(&ka)
                .then(price[a].total_cmp(&price[b]))
                .then(sm.score(i, b).total_cmp(&sm.score(i, a)))
                .then(a.cmp(&b))
        });
        for (r, j) in partner.into_iter().chain(list).take(top).enumerate() {
            rows.push(Suggestion {
                mentee: i,
                rank: r + 1,
                mentor: j,
                score: sm.score(i, j),
                price: price[j],
            });
        }
    }
    Ok(Suggestions { rows, notes })
}
