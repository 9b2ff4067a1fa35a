//! The solver backends, each behind [`crate::solver::Backend`]; [`crate::selection`] picks one.
//!
//! - [`exact`]: the dense assignment solver, optimal, the default.
//! - [`sparse`]: exact over candidate pairs, with a certificate over all pairs.
//! - [`heuristic`]: the auction on the sparse candidate graph, for very large programmes.
//! - [`lagrange`]: cohort goals, dualised, with exact subproblems and a proven bound.
//! - [`ilp`]: the integer programme on `good_lp`, for goals and as the Lagrangian's closing step.

pub mod exact;
pub mod heuristic;
pub mod ilp;
pub mod lagrange;
mod maxmin;
pub mod sparse;
pub mod stable;
