//! Cohort-level goals (quotas and spreads) compiled against one cohort, and evaluated on an
//! assignment. Shared by every backend: the result of any solve reports each goal's bound and
//! the value reached, and the ILP backend builds its rows from the same compiled membership.
//!
//! Matching of values follows scoring: trimmed and case-insensitive. A set field (or a text
//! cell holding a `;`-separated list) counts for a quota when any of its values is listed.
//! For a spread, a participant's value is the whole (normalised) cell, so two mentors are in
//! the same group exactly when they would be "the same" for a `differ` criterion; participants
//! with a missing value belong to no group and are not limited.
//!
//! Goals are numbered from 1 in configuration order, separately for quotas and spreads, and
//! named like `quota 2 (mentor location in Tromsø/Karasjok/Bodø)`.

use std::collections::HashMap;

use crate::config::{Quota, Spread};
use crate::goal_bound::{GoalBound, EPS};
use crate::model::{Cohort, Field, Participant, Side};
use crate::values::key;
use serde::{Deserialize, Serialize};

/// A quota compiled against a cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledQuota {
    /// 1-based number in configuration order.
    pub number: usize,
    /// Whose field is counted.
    pub side: Side,
    /// Per participant of `side`: does a pair with them count?
    pub member: Vec<bool>,
    /// The bounds set on the quota, in the order min, max, min_share, max_share.
    pub bounds: Vec<GoalBound>,
    /// E.g. `quota 2 (mentor location in Tromsø/Karasjok/Bodø)`.
    pub name: String,
}

impl CompiledQuota {
    /// Whether the pair (mentee `i`, mentor `j`) counts for this quota.
    pub fn counts(&self, i: usize, j: usize) -> bool {
        match self.side {
            Side::Mentor => self.member.get(j).copied().unwrap_or(false),
            Side::Mentee => self.member.get(i).copied().unwrap_or(false),
        }
    }

    /// The name with one bound, e.g. `quota 2 (mentor location in Tromsø/Karasjok/Bodø, min 3)`.
    pub fn name_with(&self, bound: &GoalBound) -> String {
        with_bound(&self.name, bound)
    }
}

/// A spread compiled against a cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledSpread {
    /// 1-based number in configuration order.
    pub number: usize,
    /// Whose field is grouped.
    pub side: Side,
    /// Per participant of `side`: index into `values`, or `None` when the value is missing.
    pub group: Vec<Option<u32>>,
    /// Distinct values, as first spelled in the cohort.
    pub values: Vec<String>,
    /// Most pairs per value.
    pub max: u32,
    /// E.g. `spread 1 (mentor department)`.
    pub name: String,
}

impl CompiledSpread {
    /// The group of the pair (mentee `i`, mentor `j`), if any.
    pub fn group_of(&self, i: usize, j: usize) -> Option<usize> {
        let k = match self.side {
            Side::Mentor => j,
            Side::Mentee => i,
        };
        self.group.get(k).copied().flatten().map(|g| g as usize)
    }

    /// The name with its bound, e.g. `spread 1 (mentor department, max 2 per value)`.
    pub fn name_with_bound(&self) -> String {
        with_bound(&self.name, &GoalBound::MaxPerValue(self.max))
    }
}

fn with_bound(name: &str, bound: &GoalBound) -> String {
    match name.strip_suffix(')') {
        Some(head) => format!("{head}, {})", bound),
        None => format!("{name} ({})", bound),
    }
}

/// All cohort-level goals of a configuration, compiled against one cohort.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Goals {
    /// Quotas, in configuration order.
    pub quotas: Vec<CompiledQuota>,
    /// Spreads, in configuration order.
    pub spreads: Vec<CompiledSpread>,
}

/// The value a cohort-level goal reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GoalReport {
    /// The goal in words, e.g. `quota 1 (mentor location in Tromsø/Bodø)`.
    pub constraint: String,
    /// Its bound; `Display` gives it in words, e.g. `min 3`.
    pub bound: GoalBound,
    /// The value reached.
    pub value: f64,
    /// Whether the bound holds.
    pub satisfied: bool,
}

/// The value one goal bound reached on an assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalValue {
    /// Goal name without the bound.
    pub goal: String,
    /// Goal name with the bound (as used in diagnoses).
    pub name_with_bound: String,
    /// The bound.
    pub bound: GoalBound,
    /// Pairs counted (for share bounds: the share of all pairs; for spreads: the largest group).
    pub value: f64,
    /// Whether the bound holds.
    pub satisfied: bool,
}

impl GoalValue {
    /// As a [`GoalReport`] for results.
    pub fn report(&self) -> GoalReport {
        GoalReport {
            constraint: self.goal.clone(),
            bound: self.bound,
            value: self.value,
            satisfied: self.satisfied,
        }
    }
}

fn side_values<'a>(cohort: &'a Cohort, side: Side, field: &Field) -> Vec<Vec<&'a str>> {
    match side {
        Side::Mentor => cohort
            .mentors
            .iter()
            .map(|p| p.value(field).as_set())
            .collect(),
        Side::Mentee => cohort
            .mentees
            .iter()
            .map(|p| p.value(field).as_set())
            .collect(),
    }
}

impl Goals {
    /// Compiles the quotas and spreads of a configuration against a cohort.
    pub fn compile(cohort: &Cohort, quotas: &[Quota], spreads: &[Spread]) -> Goals {
        let quotas = quotas
            .iter()
            .enumerate()
            .map(|(k, q)| {
                let field = Field::parse(&q.field);
                let wanted: Vec<String> = q.values.iter().map(|v| key(v)).collect();
                let member = side_values(cohort, q.side, &field)
                    .iter()
                    .map(|vals| vals.iter().any(|v| wanted.contains(&key(v))))
                    .collect();
                let mut bounds = Vec::new();
                if let Some(v) = q.min {
                    bounds.push(GoalBound::Min(v));
                }
                if let Some(v) = q.max {
                    bounds.push(GoalBound::Max(v));
                }
                if let Some(s) = q.min_share {
                    bounds.push(GoalBound::MinShare(s));
                }
                if let Some(s) = q.max_share {
                    bounds.push(GoalBound::MaxShare(s));
                }
                let shown: Vec<&str> = q.values.iter().map(|v| v.trim()).collect();
                CompiledQuota {
                    number: k + 1,
                    side: q.side,
                    member,
                    bounds,
                    name: format!(
                        "quota {} ({} {} in {})",
                        k + 1,
                        q.side.as_str(),
                        field.name(),
                        shown.join("/")
                    ),
                }
            })
            .collect();
        let spreads = spreads
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let field = Field::parse(&s.field);
                let mut index: HashMap<String, u32> = HashMap::new();
                let mut values = Vec::new();
                let group = side_values(cohort, s.side, &field)
                    .iter()
                    .map(|vals| {
                        if vals.is_empty() {
                            return None;
                        }
                        let shown = vals.join(";");
                        let n = index.len() as u32;
                        let g = *index.entry(key(&shown)).or_insert_with(|| {
                            values.push(shown.clone());
                            n
                        });
                        Some(g)
                    })
                    .collect();
                CompiledSpread {
                    number: k + 1,
                    side: s.side,
                    group,
                    values,
                    max: s.max,
                    name: format!("spread {} ({} {})", k + 1, s.side.as_str(), field.name()),
                }
            })
            .collect();
        Goals { quotas, spreads }
    }

    /// Compiles the goals of a problem's configuration.
    pub fn of(problem: &crate::problem::Problem) -> Goals {
        let c = problem.config();
        Goals::compile(problem.cohort(), &c.goals.quota, &c.goals.spread)
    }

    /// True when there are no goals.
    pub fn is_empty(&self) -> bool {
        self.quotas.is_empty() && self.spreads.is_empty()
    }

    /// The value every bound reaches on `assignment` (`assignment[i]` = mentee `i`'s mentor),
    /// quotas first, then spreads.
    pub fn evaluate(&self, assignment: &[Option<usize>]) -> Vec<GoalValue> {
        let pairs: Vec<(usize, usize)> = assignment
            .iter()
            .enumerate()
            .filter_map(|(i, a)| a.map(|j| (i, j)))
            .collect();
        let total = pairs.len() as f64;
        let mut out = Vec::new();
        for q in &self.quotas {
            let count = pairs.iter().filter(|&&(i, j)| q.counts(i, j)).count() as f64;
            for b in &q.bounds {
                let value = match b {
                    GoalBound::MinShare(_) | GoalBound::MaxShare(_) => {
                        if total > 0.0 {
                            count / total
                        } else {
                            0.0
                        }
                    }
                    _ => count,
                };
                // A share bound on zero pairs holds trivially (0 >= share * 0).
                let satisfied = match b {
                    GoalBound::MinShare(s) | GoalBound::MaxShare(s) if total > 0.0 => {
                        if b.is_lower() {
                            count >= s * total - EPS
                        } else {
                            count <= s * total + EPS
                        }
                    }
                    GoalBound::MinShare(_) | GoalBound::MaxShare(_) => true,
                    _ => b.holds(value),
                };
                out.push(GoalValue {
                    goal: q.name.clone(),
                    name_with_bound: q.name_with(b),
                    bound: *b,
                    value,
                    satisfied,
                });
            }
        }
        for s in &self.spreads {
            let mut counts = vec![0u32; s.values.len()];
            for &(i, j) in &pairs {
                if let Some(g) = s.group_of(i, j) {
                    counts[g] += 1;
                }
            }
            let largest = counts.iter().copied().max().unwrap_or(0);
            out.push(GoalValue {
                goal: s.name.clone(),
                name_with_bound: s.name_with_bound(),
                bound: GoalBound::MaxPerValue(s.max),
                value: f64::from(largest),
                satisfied: largest <= s.max,
            });
        }
        out
    }

    /// [`Goals::evaluate`] as result rows.
    pub fn report(&self, assignment: &[Option<usize>]) -> Vec<GoalReport> {
        self.evaluate(assignment)
            .iter()
            .map(GoalValue::report)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Mentee, Mentor};

    fn cohort() -> Cohort {
        let mut mentors = Vec::new();
        for (id, loc, dept) in [
            ("M1", "Tromsø", "Sport"),
            ("M2", "oslo", "Sport"),
            ("M3", " bodø ", "Drama"),
        ] {
            let mut m = Mentor::new(id);
            m.profile.location = Some(loc.into());
            m.profile.department = Some(dept.into());
            mentors.push(m);
        }
        let mentees = (0..3).map(|k| Mentee::new(format!("E{k}"))).collect();
        Cohort { mentors, mentees }
    }

    #[test]
    fn names_and_values() {
        let q = Quota {
            side: Side::Mentor,
            field: "location".into(),
            values: vec!["Tromsø".into(), "Karasjok".into(), "Bodø".into()],
            min: Some(3),
            max: None,
            min_share: Some(0.5),
            max_share: None,
        };
        let s = Spread {
            side: Side::Mentor,
            field: "department".into(),
            max: 1,
        };
        let g = Goals::compile(&cohort(), &[q.clone(), q], &[s]);
        assert_eq!(g.quotas[0].member, vec![true, false, true]);
        assert_eq!(
            g.quotas[1].name_with(&GoalBound::Min(3)),
            "quota 2 (mentor location in Tromsø/Karasjok/Bodø, min 3)"
        );
        let v = g.evaluate(&[Some(0), Some(1), Some(2)]);
        assert_eq!(v.len(), 5);
        assert_eq!(v[0].value, 2.0);
        assert!(!v[0].satisfied);
        assert!((v[1].value - 2.0 / 3.0).abs() < 1e-12);
        assert!(v[1].satisfied);
        assert_eq!(
            v[4].name_with_bound,
            "spread 1 (mentor department, max 1 per value)"
        );
        assert_eq!(v[4].value, 2.0);
        assert!(!v[4].satisfied);
    }
}
