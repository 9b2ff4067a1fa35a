//! The two tables every front end shows: the pairs (the CLI's CSV, Python's `result.pairs`, the
//! reports) and how often each criterion was met. Built here once, so the CLI, the wheel and the
//! reports agree on columns, their order and the counts.

use serde::{Deserialize, Serialize};

use crate::problem::Problem;
use crate::result::MatchResult;

/// The cells of one column.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Cells {
    /// Ids and sentences.
    Text(Vec<String>),
    /// Scores and points; `None` where a row has none (an unmatched mentee's score).
    Number(Vec<Option<f64>>),
    /// Yes/no flags.
    Flag(Vec<bool>),
}

/// One named column.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Column {
    /// The header, e.g. `mentee_id` or a criterion label.
    pub name: String,
    /// The cells, one per row.
    pub cells: Cells,
}

/// `mentee_id, mentor_id, score, <one column per criterion: its points>, pinned, explanation`,
/// one row per pair in mentee order, optionally followed by one row per unmatched mentee (no
/// mentor, no score, the reason as the explanation).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PairTable {
    /// The columns, in the order above.
    pub columns: Vec<Column>,
    /// Number of rows.
    pub rows: usize,
}

impl PairTable {
    /// The pairs only.
    pub fn pairs(result: &MatchResult) -> PairTable {
        PairTable::build(result, false)
    }

    /// The pairs, then a row per unmatched mentee.
    pub fn with_unmatched(result: &MatchResult) -> PairTable {
        PairTable::build(result, true)
    }

    fn build(result: &MatchResult, unmatched: bool) -> PairTable {
        let pairs = &result.pairs;
        let left: &[crate::result::Unmatched] = if unmatched {
            &result.unmatched_mentees
        } else {
            &[]
        };
        let text = |name: &str, made: Vec<String>, left_out: Vec<String>| Column {
            name: name.to_string(),
            cells: Cells::Text(made.into_iter().chain(left_out).collect()),
        };
        let none = |_: &crate::result::Unmatched| None;
        let mut columns = vec![
            text(
                "mentee_id",
                pairs.iter().map(|p| p.mentee_id.clone()).collect(),
                left.iter().map(|u| u.id.clone()).collect(),
            ),
            text(
                "mentor_id",
                pairs.iter().map(|p| p.mentor_id.clone()).collect(),
                left.iter().map(|_| String::new()).collect(),
            ),
            Column {
                name: "score".into(),
                cells: Cells::Number(
                    pairs
                        .iter()
                        .map(|p| Some(p.score))
                        .chain(left.iter().map(none))
                        .collect(),
                ),
            },
        ];
        for (c, label) in result.criteria.iter().enumerate() {
            columns.push(Column {
                name: label.clone(),
                cells: Cells::Number(
                    pairs
                        .iter()
                        .map(|p| p.breakdown.get(c).map(|b| b.points))
                        .chain(left.iter().map(none))
                        .collect(),
                ),
            });
        }
        columns.push(Column {
            name: "pinned".into(),
            cells: Cells::Flag(
                pairs
                    .iter()
                    .map(|p| p.pinned)
                    .chain(left.iter().map(|_| false))
                    .collect(),
            ),
        });
        columns.push(text(
            "explanation",
            pairs.iter().map(|p| p.explanation.clone()).collect(),
            left.iter().map(|u| u.reason.to_string()).collect(),
        ));
        PairTable {
            columns,
            rows: pairs.len() + left.len(),
        }
    }

    /// The header names.
    pub fn header(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }

    /// Row `r` as text, as a CSV file holds it: numbers at full precision (they read back
    /// equal), an empty cell for no number, `true`/`false` for flags.
    pub fn text_row(&self, r: usize) -> Vec<String> {
        self.columns
            .iter()
            .map(|c| match &c.cells {
                Cells::Text(v) => v[r].clone(),
                Cells::Number(v) => v[r].map_or_else(String::new, |x| x.to_string()),
                Cells::Flag(v) => v[r].to_string(),
            })
            .collect()
    }
}

/// How often one criterion was met over the pairs made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CriterionStats {
    /// The criterion's label.
    pub label: String,
    /// Its weight.
    pub weight: f64,
    /// Whether it is a hard requirement.
    pub required: bool,
    /// Pairs where it was met fully (value 1).
    pub full: usize,
    /// Pairs where it was met partly (value strictly between 0 and 1).
    pub partly: usize,
    /// Pairs where it was not met (value 0).
    pub not_met: usize,
    /// Pairs where it could not be evaluated (a value unknown).
    pub unknown: usize,
    /// Mean value over the pairs where it could be evaluated.
    pub mean: Option<f64>,
}

/// Per criterion, in the problem's order: how many pairs met it fully, partly, not at all, or
/// could not tell, and the mean value.
pub fn criterion_stats(problem: &Problem, result: &MatchResult) -> Vec<CriterionStats> {
    problem
        .criteria()
        .iter()
        .enumerate()
        .map(|(c, crit)| {
            let mut t = CriterionStats {
                label: crit.label(),
                weight: crit.weight,
                required: crit.required,
                full: 0,
                partly: 0,
                not_met: 0,
                unknown: 0,
                mean: None,
            };
            let (mut sum, mut known) = (0.0, 0usize);
            for p in &result.pairs {
                match p.breakdown.get(c).and_then(|b| b.value) {
                    None => t.unknown += 1,
                    Some(v) => {
                        sum += v;
                        known += 1;
                        if v >= 1.0 {
                            t.full += 1;
                        } else if v > 0.0 {
                            t.partly += 1;
                        } else {
                            t.not_met += 1;
                        }
                    }
                }
            }
            t.mean = (known > 0).then(|| sum / known as f64);
            t
        })
        .collect()
}
