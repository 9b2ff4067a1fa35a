//! One bound of a cohort goal (`min 3`, `max_share 0.5`, `max 2 per value`): the one model of
//! a goal's limit, used by the goals, the backends' rows and the diagnoses of goals that cannot
//! hold.

use serde::{Deserialize, Serialize};

/// Tolerance when comparing counts with (fractional) share bounds.
pub(crate) const EPS: f64 = 1e-9;

/// One bound of a goal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
#[non_exhaustive]
pub enum GoalBound {
    /// At least this many pairs.
    Min(u32),
    /// At most this many pairs.
    Max(u32),
    /// At least this share of all pairs.
    MinShare(f64),
    /// At most this share of all pairs.
    MaxShare(f64),
    /// At most this many pairs for every distinct value (spreads).
    MaxPerValue(u32),
}

impl GoalBound {
    /// Whether the bound is a lower bound (the value must be at least the bound).
    pub fn is_lower(&self) -> bool {
        matches!(self, GoalBound::Min(_) | GoalBound::MinShare(_))
    }

    /// The bound as a number in the unit of [`crate::goals::GoalValue`]s (pairs, or a share 0..1).
    pub fn limit(&self) -> f64 {
        match *self {
            GoalBound::Min(v) | GoalBound::Max(v) | GoalBound::MaxPerValue(v) => f64::from(v),
            GoalBound::MinShare(s) | GoalBound::MaxShare(s) => s,
        }
    }

    /// Whether `value` (same unit as [`GoalBound::limit`]) satisfies the bound.
    pub fn holds(&self, value: f64) -> bool {
        if self.is_lower() {
            value >= self.limit() - EPS
        } else {
            value <= self.limit() + EPS
        }
    }
}

/// The bound in words, e.g. `min 3`, `max_share 0.5`, `max 2 per value`.
impl std::fmt::Display for GoalBound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            GoalBound::Min(v) => write!(f, "min {v}"),
            GoalBound::Max(v) => write!(f, "max {v}"),
            GoalBound::MinShare(s) => write!(f, "min_share {s}"),
            GoalBound::MaxShare(s) => write!(f, "max_share {s}"),
            GoalBound::MaxPerValue(v) => write!(f, "max {v} per value"),
        }
    }
}
