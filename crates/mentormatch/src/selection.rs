//! Which backend solves a problem: `solver = "auto"` and the named choices. The one place that
//! names every backend, so the trait's module ([`crate::solver`]) depends on none of them, and a
//! new backend is one module plus one arm here.

use crate::config::SolverKind;
use crate::error::Result;
use crate::problem::Problem;
use crate::solver::Backend;

/// Above this many mentees `auto` prefers the heuristic to the sparse exact solver.
pub const SPARSE_EXACT_MAX_MENTEES: usize = 5000;

/// Above this many mentees the Lagrangian goals backend solves its subproblems over sparse
/// candidates instead of dense matrices (a dense subproblem, a full assignment problem over
/// every mentor place, takes seconds at 10,000 mentees).
pub const LAGRANGIAN_MAX_MENTEES: usize = 5000;

/// The backend that `kind` selects for `problem`, with a note on why when `kind` is `auto`.
pub fn select(problem: &Problem, kind: SolverKind) -> Result<(Box<dyn Backend>, Option<String>)> {
    match kind {
        SolverKind::Exact => Ok((Box::new(crate::exact::ExactBackend), None)),
        SolverKind::Heuristic => Ok((Box::new(crate::heuristic::HeuristicBackend), None)),
        SolverKind::Sparse => Ok((Box::new(crate::sparse::SparseExactBackend), None)),
        SolverKind::Lagrangian => Ok((Box::new(crate::lagrange::LagrangianBackend), None)),
        SolverKind::Auto => {
            let dense = dense_bytes(problem);
            let budget = memory_budget(problem);
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
                        Box::new(crate::lagrange::LagrangianBackend),
                        Some(format!("{why}: the Lagrangian goals backend over sparse candidates (every goal kept, with a bound over all allowed pairs)")),
                    ));
                }
                return if problem.n_mentees() > SPARSE_EXACT_MAX_MENTEES {
                    Ok((
                        Box::new(crate::heuristic::HeuristicBackend),
                        Some(format!("{why}: the heuristic backend (sparse candidates, local search, with an upper bound)")),
                    ))
                } else {
                    Ok((
                        Box::new(crate::sparse::SparseExactBackend),
                        Some(format!("{why}: the sparse exact backend (optimal over the candidate pairs, with a bound)")),
                    ))
                };
            }
            if problem.config().has_cohort_constraints()
                && problem.n_mentees() > LAGRANGIAN_MAX_MENTEES
            {
                return Ok((
                    Box::new(crate::lagrange::LagrangianBackend),
                    Some(format!(
                        "auto: cohort goals with more than {LAGRANGIAN_MAX_MENTEES} mentees: the Lagrangian goals backend over sparse candidates (every goal kept, with a bound over all allowed pairs)"
                    )),
                ));
            }
            if problem.config().has_cohort_constraints() {
                Ok((
                    Box::new(crate::lagrange::LagrangianBackend),
                    Some("auto: the Lagrangian goals backend, because the configuration has cohort-level goals".to_string()),
                ))
            } else {
                Ok((Box::new(crate::exact::ExactBackend), None))
            }
        }
        SolverKind::Ilp => {
            let backend = match problem.config().ilp_engine {
                Some(engine) => crate::ilp::IlpBackend::with_engine(engine)?,
                None => crate::ilp::IlpBackend::new()?,
            };
            Ok((Box::new(backend), None))
        }
    }
}

/// Bytes the dense exact backend needs: the score matrix with its mask (`n * m * (8 + 1)`) plus
/// the assignment cost matrix (`n` rows by one column per usable mentor place, 8 bytes each).
pub fn dense_bytes(problem: &Problem) -> u128 {
    let n = problem.n_mentees() as u128;
    let m = problem.n_mentors() as u128;
    let cols: u128 = problem
        .capacity()
        .iter()
        .map(|&c| u128::from(c).min(n))
        .sum();
    n * m * 9 + n * cols * 8
}

/// The memory budget for dense matrices: `config.memory_budget`, or a quarter of
/// `MemAvailable` from `/proc/meminfo`, or 4 GiB when that cannot be read.
pub fn memory_budget(problem: &Problem) -> u64 {
    if let Some(b) = problem.config().memory_budget {
        return b;
    }
    available_memory().map_or(4 << 30, |a| a / 4)
}

/// `MemAvailable` in bytes, when the platform says.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
