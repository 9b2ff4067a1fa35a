//! Goal rows as integer counts over a fixed number of pairs.
//!
//! Every quota bound and every spread value becomes one row "the number of free pairs whose
//! mentor (or mentee) is a member is at most / at least `rhs`". With the number of pairs fixed
//! (everyone matched, or exactly `k` free pairs with `allow_unmatched`), a share bound is a
//! count bound: `count >= share * total` holds exactly when `count >= ceil(share * total)`, so
//! the rows are integral and pins enter as constants (subtracted from `rhs`).
//!
//! Membership is a property of one side only, so the Lagrangian penalty of a pair is a sum of a
//! per-mentor term and a per-mentee term ([`Rows::adjustments`]); the subproblem stays an
//! assignment problem.

use crate::goal_bound::GoalBound;
use crate::goals::Goals;
use crate::model::Side;

/// Tolerance of share bounds, as in [`crate::goals`].
const EPS: f64 = 1e-9;

/// Direction of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sense {
    /// `count <= rhs`.
    AtMost,
    /// `count >= rhs`.
    AtLeast,
}

/// One goal row over free pairs.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// Whose membership counts.
    pub side: Side,
    /// Per participant of `side`.
    pub member: Vec<bool>,
    /// Direction.
    pub sense: Sense,
    /// GoalBound on the count of free pairs (pins already subtracted; may be negative).
    pub rhs: i64,
    /// The goal with its bound, e.g. `quota 1 (mentor location in Tromsø, min_share 0.3)`.
    pub name: String,
    /// The goal's bound as configured.
    pub bound: GoalBound,
    /// Pinned pairs that count.
    pub pinned_in: i64,
}

impl Row {
    /// Whether pair (`i`, `j`) counts.
    pub fn counts_pair(&self, i: usize, j: usize) -> bool {
        match self.side {
            Side::Mentor => self.member[j],
            Side::Mentee => self.member[i],
        }
    }

    /// How far `count` is over the row (positive: violated by that many pairs).
    pub fn excess(&self, count: i64) -> i64 {
        match self.sense {
            Sense::AtMost => count - self.rhs,
            Sense::AtLeast => self.rhs - count,
        }
    }
}

/// All rows of a problem, for a fixed number of pairs.
#[derive(Debug, Clone)]
pub(crate) struct Rows {
    pub rows: Vec<Row>,
    /// Rows each mentor is a member of.
    pub by_mentor: Vec<Vec<u32>>,
    /// Rows each mentee is a member of.
    pub by_mentee: Vec<Vec<u32>>,
}

impl Rows {
    /// Rows of `goals` when `total` pairs are made in all, `pinned` of them fixed.
    pub fn new(goals: &Goals, pinned: &[Option<usize>], total: usize, n_mentors: usize) -> Rows {
        let n_mentees = pinned.len();
        let pins: Vec<(usize, usize)> = pinned
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.map(|j| (i, j)))
            .collect();
        let t = total as f64;
        let mut rows = Vec::new();
        for q in &goals.quotas {
            let pinned_in = pins.iter().filter(|&&(i, j)| q.counts(i, j)).count() as i64;
            for b in &q.bounds {
                let (sense, rhs) = match *b {
                    GoalBound::Min(v) => (Sense::AtLeast, i64::from(v)),
                    GoalBound::Max(v) | GoalBound::MaxPerValue(v) => (Sense::AtMost, i64::from(v)),
                    GoalBound::MinShare(s) => (Sense::AtLeast, (s * t - EPS).ceil() as i64),
                    GoalBound::MaxShare(s) => (Sense::AtMost, (s * t + EPS).floor() as i64),
                };
                rows.push(Row {
                    side: q.side,
                    member: q.member.clone(),
                    sense,
                    rhs: rhs - pinned_in,
                    name: q.name_with(b),
                    bound: *b,
                    pinned_in,
                });
            }
        }
        for s in &goals.spreads {
            let mut pinned_in = vec![0i64; s.values.len()];
            for &(i, j) in &pins {
                if let Some(g) = s.group_of(i, j) {
                    pinned_in[g] += 1;
                }
            }
            for (g, value) in s.values.iter().enumerate() {
                let member: Vec<bool> = s.group.iter().map(|&x| x == Some(g as u32)).collect();
                rows.push(Row {
                    side: s.side,
                    member,
                    sense: Sense::AtMost,
                    rhs: i64::from(s.max) - pinned_in[g],
                    name: format!("{} = {value}", s.name_with_bound()),
                    bound: GoalBound::MaxPerValue(s.max),
                    pinned_in: pinned_in[g],
                });
            }
        }
        let mut by_mentor = vec![Vec::new(); n_mentors];
        let mut by_mentee = vec![Vec::new(); n_mentees];
        for (r, row) in rows.iter().enumerate() {
            let list = match row.side {
                Side::Mentor => &mut by_mentor,
                Side::Mentee => &mut by_mentee,
            };
            for (k, &m) in row.member.iter().enumerate() {
                if m {
                    list[k].push(r as u32);
                }
            }
        }
        Rows {
            rows,
            by_mentor,
            by_mentee,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Free-pair counts of every row under `assignment` (pins excluded via `free`).
    pub fn counts(&self, assignment: &[Option<usize>], free: &[usize]) -> Vec<i64> {
        let mut c = vec![0i64; self.rows.len()];
        for &i in free {
            if let Some(j) = assignment[i] {
                for &r in self.by_mentor[j].iter().chain(&self.by_mentee[i]) {
                    c[r as usize] += 1;
                }
            }
        }
        c
    }

    /// Total violation in pairs.
    pub fn violation(&self, counts: &[i64]) -> i64 {
        self.rows
            .iter()
            .zip(counts)
            .map(|(r, &c)| r.excess(c).max(0))
            .sum()
    }

    /// The Lagrangian penalty of a pair is `mentor[j] + mentee[i]`: `+lambda` for every
    /// at-most row the pair counts in, `-lambda` for every at-least row.
    pub fn adjustments(&self, lambda: &[f64], n_mentees: usize, n_mentors: usize) -> Adjust {
        let mut mentor = vec![0.0; n_mentors];
        let mut mentee = vec![0.0; n_mentees];
        for (r, row) in self.rows.iter().enumerate() {
            let l = match row.sense {
                Sense::AtMost => lambda[r],
                Sense::AtLeast => -lambda[r],
            };
            if l == 0.0 {
                continue;
            }
            let target = match row.side {
                Side::Mentor => &mut mentor,
                Side::Mentee => &mut mentee,
            };
            for (k, &m) in row.member.iter().enumerate() {
                if m {
                    target[k] += l;
                }
            }
        }
        Adjust { mentor, mentee }
    }

    /// The constant of the Lagrangian: `sum lambda_r * rhs_r` for at-most rows and
    /// `-sum lambda_r * rhs_r` for at-least rows.
    pub fn constant(&self, lambda: &[f64]) -> f64 {
        self.rows
            .iter()
            .zip(lambda)
            .map(|(r, &l)| match r.sense {
                Sense::AtMost => l * r.rhs as f64,
                Sense::AtLeast => -l * r.rhs as f64,
            })
            .sum()
    }
}

/// Per-pair penalties of the Lagrangian subproblem, split by side.
#[derive(Debug, Clone)]
pub(crate) struct Adjust {
    pub mentor: Vec<f64>,
    pub mentee: Vec<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goals::{CompiledQuota, CompiledSpread};

    /// Share bounds become counts for the fixed number of pairs, pins are subtracted, and
    /// every spread value gets its own row.
    #[test]
    fn shares_become_counts_and_pins_are_constants() {
        let goals = Goals {
            quotas: vec![CompiledQuota {
                number: 1,
                side: Side::Mentor,
                member: vec![true, false, true],
                bounds: vec![
                    GoalBound::MinShare(0.3),
                    GoalBound::MaxShare(0.5),
                    GoalBound::Min(2),
                ],
                name: "quota 1 (mentor location in North)".into(),
            }],
            spreads: vec![CompiledSpread {
                number: 1,
                side: Side::Mentee,
                group: vec![Some(0), Some(1), None, Some(0)],
                values: vec!["A".into(), "B".into()],
                max: 1,
                name: "spread 1 (mentee department)".into(),
            }],
        };
        // Mentee 0 is pinned to mentor 0 (a member; group A); 7 pairs in all.
        let pinned = vec![Some(0), None, None, None];
        let rows = Rows::new(&goals, &pinned, 7, 3);
        let got: Vec<(Sense, i64)> = rows.rows.iter().map(|r| (r.sense, r.rhs)).collect();
        // ceil(0.3 * 7) = 3, floor(0.5 * 7) = 3, min 2; each less the pinned member pair.
        assert_eq!(
            got,
            vec![
                (Sense::AtLeast, 2),
                (Sense::AtMost, 2),
                (Sense::AtLeast, 1),
                (Sense::AtMost, 0),
                (Sense::AtMost, 1),
            ]
        );
        assert_eq!(rows.by_mentor, vec![vec![0, 1, 2], vec![], vec![0, 1, 2]]);
        assert_eq!(rows.by_mentee, vec![vec![3], vec![4], vec![], vec![3]]);
        // Penalties: +lambda on at-most rows, -lambda on at-least rows, per side.
        let adj = rows.adjustments(&[1.0, 2.0, 4.0, 8.0, 16.0], 4, 3);
        assert_eq!(adj.mentor, vec![-1.0 + 2.0 - 4.0, 0.0, -1.0 + 2.0 - 4.0]);
        assert_eq!(adj.mentee, vec![8.0, 16.0, 0.0, 8.0]);
        assert_eq!(
            rows.constant(&[1.0, 2.0, 4.0, 8.0, 16.0]),
            -2.0 + 4.0 - 4.0 + 0.0 + 16.0
        );
    }
}
