//! Why no matching exists: diagnoses a coordinator can act on.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::goal_bound::GoalBound;

/// A cohort-level goal that cannot be met, and how close the best matching gets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QuotaViolation {
    /// Human name, e.g. `quota 2 (mentor location in Tromsø/Karasjok/Bodø, min 3)`.
    pub constraint: String,
    /// The bound that cannot hold; `Display` gives it in words, e.g. `min 3`.
    pub bound: GoalBound,
    /// The best value reachable when every other goal is violated as little as possible.
    pub reachable: f64,
    /// By how much the bound is violated.
    pub violation: f64,
}

/// The reason no matching satisfies the hard rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Infeasibility {
    /// Hall's condition fails: these mentees together have fewer allowed mentor places than
    /// there are of them. The set is inclusion-minimal: drop any one and the rest fit.
    NotEnoughPlaces {
        /// Mentee ids.
        mentees: Vec<String>,
        /// Every mentor any of them may be paired with, with remaining places.
        mentors: Vec<(String, u32)>,
        /// Total places of those mentors.
        places: u64,
    },
    /// Cohort-level goals (quotas, spreads) that cannot all hold.
    Quotas {
        /// The goals that must be violated, with the value each can reach.
        violations: Vec<QuotaViolation>,
    },
}

impl fmt::Display for Infeasibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Infeasibility::NotEnoughPlaces {
                mentees,
                mentors,
                places,
            } => {
                let who = if mentees.len() == 1 {
                    format!("mentee {}", mentees[0])
                } else {
                    format!("the {} mentees {}", mentees.len(), mentees.join(", "))
                };
                if mentors.is_empty() {
                    write!(
                        f,
                        "{who} cannot be paired with any mentor under the hard rules"
                    )?;
                } else {
                    let list: Vec<String> = mentors
                        .iter()
                        .map(|(m, c)| {
                            if *c == 1 {
                                m.clone()
                            } else {
                                format!("{m} ({c} places)")
                            }
                        })
                        .collect();
                    write!(
                        f,
                        "{who} can only be paired with {} between them: {}",
                        if *places == 1 {
                            "1 mentor place".to_string()
                        } else {
                            format!("{places} mentor places")
                        },
                        list.join(", ")
                    )?;
                }
                write!(
                    f,
                    "; relax a hard rule, add mentors or capacity, or allow unmatched mentees"
                )
            }
            Infeasibility::Quotas { violations } => {
                let parts: Vec<String> = violations
                    .iter()
                    .map(|v| {
                        format!(
                            "{} can reach at most {}",
                            v.constraint,
                            fmt_num(v.reachable)
                        )
                    })
                    .collect();
                write!(f, "cohort goals cannot all hold: {}", parts.join("; "))
            }
        }
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}
