//! A quick proof that one goal alone cannot hold: the most (or fewest) counted pairs any
//! matching with the fixed number of pairs can have, by a b-matching over the member pairs (or
//! the non-member pairs). Cheap next to the dual loop, and it names the goal at once instead of
//! waiting for the dual to diverge.

use super::rows::{Rows, Sense};
use crate::diagnosis::QuotaViolation;
use crate::goal_bound::GoalBound;
use crate::problem::hall;
use crate::problem::ScoreMatrix;

/// Goals that cannot hold even on their own, with the value they can reach at best.
pub(crate) fn single_row_violations(
    sm: &ScoreMatrix,
    rows: &Rows,
    free: &[usize],
    remaining: &[u32],
    pairs: usize,
    total: usize,
) -> Vec<QuotaViolation> {
    let mut out = Vec::new();
    for row in &rows.rows {
        // At least: the most member pairs; at most: the fewest, i.e. pairs minus the most
        // non-member pairs.
        let want_member = row.sense == Sense::AtLeast;
        let adj: Vec<Vec<u32>> = free
            .iter()
            .map(|&i| {
                (0..sm.n_mentors)
                    .filter(|&j| {
                        remaining[j] > 0 && sm.allowed(i, j) && row.counts_pair(i, j) == want_member
                    })
                    .map(|j| j as u32)
                    .collect()
            })
            .collect();
        let most = hall::max_matching(free.len(), &adj, remaining).0 as i64;
        let reach = if want_member {
            most
        } else {
            pairs as i64 - most
        };
        if row.excess(reach) <= 0 {
            continue;
        }
        let count = (reach + row.pinned_in) as f64;
        let reachable = match row.bound {
            GoalBound::MinShare(_) | GoalBound::MaxShare(_) if total > 0 => count / total as f64,
            _ => count,
        };
        out.push(QuotaViolation {
            constraint: row.name.clone(),
            bound: row.bound,
            reachable,
            violation: (reachable - row.bound.limit()).abs(),
        });
    }
    out
}

/// The sparse path's quick proof (no dense matrix): a mentor-side row can count at most the
/// places its member mentors have left (and at least the pairs the non-members cannot take),
/// whatever the pairs allowed. Goals that fail this cannot hold.
pub(crate) fn capacity_violations(
    rows: &Rows,
    remaining: &[u32],
    pairs: usize,
    total: usize,
) -> Vec<QuotaViolation> {
    let mut out = Vec::new();
    for row in &rows.rows {
        if row.side != crate::model::Side::Mentor {
            continue;
        }
        let member: i64 = remaining
            .iter()
            .zip(&row.member)
            .filter(|(_, &m)| m)
            .map(|(&r, _)| i64::from(r))
            .sum();
        let other: i64 = remaining
            .iter()
            .zip(&row.member)
            .filter(|(_, &m)| !m)
            .map(|(&r, _)| i64::from(r))
            .sum();
        let p = pairs as i64;
        let reach = match row.sense {
            Sense::AtLeast => member.min(p),
            Sense::AtMost => (p - other).max(0),
        };
        if row.excess(reach) <= 0 {
            continue;
        }
        let count = (reach + row.pinned_in) as f64;
        let reachable = match row.bound {
            GoalBound::MinShare(_) | GoalBound::MaxShare(_) if total > 0 => count / total as f64,
            _ => count,
        };
        out.push(QuotaViolation {
            constraint: row.name.clone(),
            bound: row.bound,
            reachable,
            violation: (reachable - row.bound.limit()).abs(),
        });
    }
    out
}
