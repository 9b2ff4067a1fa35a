//! Which backend solves a problem: `solver = "auto"` and the named choices. The one place that
//! names every backend, so the trait's module ([`crate::solver`]) depends on none of them, and a
//! new backend is one module plus one arm here.

use crate::config::SolverKind;
use crate::error::Result;
use crate::problem::Problem;
use crate::solver::Backend;

/// Above this many mentees `auto` prefers the heuristic to the sparse exact solver.
pub const SPARSE_EXACT_MAX_MENTEES: usize = 5000;

pub use crate::backends::lagrange::DENSE_MAX_MENTEES as LAGRANGIAN_MAX_MENTEES;

/// The backend that `kind` selects for `problem`, with a note on why when `kind` is `auto`.
pub fn select(problem: &Problem, kind: SolverKind) -> Result<(Box<dyn Backend>, Option<String>)> {
    if problem.config().objective == crate::config::Objective::Stable {
        return match kind {
            SolverKind::Auto => Ok((Box::new(crate::backends::stable::StableBackend), None)),
            other => Err(crate::error::Error::Solver(format!(
                "objective = \"stable\" has its own algorithm (deferred acceptance); solver = \"{}\" cannot find stable matchings: use solver = \"auto\"",
                other.as_str()
            ))),
        };
    }
    match kind {
        SolverKind::Exact => Ok((Box::new(crate::backends::exact::ExactBackend), None)),
        SolverKind::Heuristic => Ok((Box::new(crate::backends::heuristic::HeuristicBackend), None)),
        SolverKind::Sparse => Ok((Box::new(crate::backends::sparse::SparseExactBackend), None)),
        SolverKind::Lagrangian => {
            Ok((Box::new(crate::backends::lagrange::LagrangianBackend), None))
        }
        SolverKind::Auto => {
            let dense = problem.dense_bytes();
            let budget = problem.memory_budget();
            if dense > u128::from(budget) {
                let gib = |b: u128| b as f64 / f64::from(1u32 << 30);
                let why = format!(
                    "auto: the dense matrices would need {:.1} GiB, over the memory budget of {:.1} GiB",
                    gib(dense),
                    gib(u128::from(budget))
                );
                // The sparse exact solver's augmenting paths get long when many mentees want
                // the same mentors; past a few thousand mentees the heuristic is the safe choice.
                if problem.config().has_cohort_constraints() {
                    return Ok((
                        Box::new(crate::backends::lagrange::LagrangianBackend),
                        Some(format!("{why}: the Lagrangian goals backend over sparse candidates (every goal kept, with a bound over all allowed pairs)")),
                    ));
                }
                return if problem.n_mentees() > SPARSE_EXACT_MAX_MENTEES {
                    Ok((
                        Box::new(crate::backends::heuristic::HeuristicBackend),
                        Some(format!("{why}: the heuristic backend (sparse candidates, local search, with an upper bound)")),
                    ))
                } else {
                    Ok((
                        Box::new(crate::backends::sparse::SparseExactBackend),
                        Some(format!("{why}: the sparse exact backend (optimal over the candidate pairs, with a bound)")),
                    ))
                };
            }
            if problem.config().has_cohort_constraints()
                && problem.n_mentees() > LAGRANGIAN_MAX_MENTEES
            {
                return Ok((
                    Box::new(crate::backends::lagrange::LagrangianBackend),
                    Some(format!(
                        "auto: cohort goals with more than {LAGRANGIAN_MAX_MENTEES} mentees: the Lagrangian goals backend over sparse candidates (every goal kept, with a bound over all allowed pairs)"
                    )),
                ));
            }
            if problem.config().has_cohort_constraints() {
                Ok((
                    Box::new(crate::backends::lagrange::LagrangianBackend),
                    Some("auto: the Lagrangian goals backend, because the configuration has cohort-level goals".to_string()),
                ))
            } else {
                Ok((Box::new(crate::backends::exact::ExactBackend), None))
            }
        }
        SolverKind::Ilp => {
            let backend = match problem.config().solver_options.ilp_engine {
                Some(engine) => crate::backends::ilp::IlpBackend::with_engine(engine)?,
                None => crate::backends::ilp::IlpBackend::new()?,
            };
            Ok((Box::new(backend), None))
        }
    }
}
