//! Running a built program on one engine, with an honest account of how it ended.
//!
//! - microlp (pure Rust): good_lp's microlp model with `mip_gap = 0`; the time limit is
//!   microlp's own. `Optimal` only on microlp's `ProvenOptimal`; otherwise `Feasible` with
//!   microlp's best bound. A limit reached before any integer solution is `NoSolution`.
//! - HiGHS: the model is built by good_lp and solved through the `highs` crate directly, so
//!   that the MIP dual bound can be read (`mip_dual_bound`); `mip_rel_gap = 0` so that
//!   `Optimal` means proven within HiGHS's absolute tolerance (1e-6 score points). Presolve
//!   and the feasibility-jump heuristic are off (measured: 14 s -> 2.4 s at 250 x 500).

use std::time::Duration;

use super::model::Lp;
use super::Engine;
use crate::error::{Error, Result};

/// How an engine run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Status {
    Optimal,
    Feasible,
    NoSolution,
    Infeasible,
}

/// The result of one engine run.
#[derive(Debug, Clone)]
pub(super) struct Outcome {
    pub status: Status,
    /// Column values (empty unless a solution was found).
    pub values: Vec<f64>,
    /// Best bound on the objective, when the engine reports one.
    pub bound: Option<f64>,
}

impl Outcome {
    fn without(status: Status) -> Outcome {
        Outcome {
            status,
            values: Vec::new(),
            bound: None,
        }
    }
}

/// Solves `lp` with `engine` within `limit` (None = no limit).
pub(super) fn run(engine: Engine, lp: Lp, limit: Option<Duration>) -> Result<Outcome> {
    if lp.trivially_infeasible {
        return Ok(Outcome::without(Status::Infeasible));
    }
    if lp.columns.is_empty() {
        // Nothing to decide and no row can be violated (constant rows were checked).
        return Ok(Outcome {
            status: Status::Optimal,
            values: Vec::new(),
            bound: None,
        });
    }
    if limit.is_some_and(|d| d.is_zero()) {
        return Ok(Outcome::without(Status::NoSolution));
    }
    match engine {
        Engine::Microlp => run_microlp(lp, limit),
        Engine::Highs => run_highs(lp, limit),
    }
}

/// good_lp's model of `lp` for `solver`, every constraint added, and the model's columns.
#[cfg(any(feature = "microlp", feature = "highs"))]
fn build<S: good_lp::Solver>(lp: Lp, solver: S) -> (S::Model, Vec<good_lp::Variable>) {
    use good_lp::SolverModel;
    let Lp {
        vars,
        columns,
        objective,
        maximise,
        constraints,
        ..
    } = lp;
    let unsolved = if maximise {
        vars.maximise(objective)
    } else {
        vars.minimise(objective)
    };
    let mut model = unsolved.using(solver);
    for c in constraints {
        model.add_constraint(c);
    }
    (model, columns)
}

#[cfg(feature = "microlp")]
fn run_microlp(lp: Lp, limit: Option<Duration>) -> Result<Outcome> {
    use good_lp::{ResolutionError, Solution, SolutionStatus, SolverModel, WithTimeLimit};
    let (mut model, columns) = build(lp, good_lp::microlp);
    if let Some(d) = limit {
        model = model.with_time_limit(d.as_secs_f64());
    }
    match model.solve() {
        Ok(sol) => {
            let values = columns.iter().map(|&v| sol.value(v)).collect();
            let status = match sol.status() {
                SolutionStatus::Optimal => Status::Optimal,
                SolutionStatus::TimeLimit | SolutionStatus::GapLimit => Status::Feasible,
            };
            let bound = sol
                .into_inner()
                .stats()
                .best_bound
                .filter(|b| b.is_finite());
            Ok(Outcome {
                status,
                values,
                bound,
            })
        }
        Err(ResolutionError::Infeasible) => Ok(Outcome::without(Status::Infeasible)),
        Err(ResolutionError::Other(msg)) if msg.starts_with("Time limit") => {
            Ok(Outcome::without(Status::NoSolution))
        }
        Err(e) => Err(Error::Solver(format!("microlp: {e}"))),
    }
}

#[cfg(not(feature = "microlp"))]
fn run_microlp(_lp: Lp, _limit: Option<Duration>) -> Result<Outcome> {
    Err(Engine::Microlp.missing())
}

#[cfg(feature = "highs")]
fn run_highs(lp: Lp, limit: Option<Duration>) -> Result<Outcome> {
    use highs::{HighsModelStatus as S, HighsSolutionStatus};
    let (problem, columns) = build(lp, good_lp::highs);
    let mut model = problem
        .try_into_inner()
        .map_err(|e| Error::Solver(format!("HiGHS: {e}")))?;
    let option_error = |k: &str| Error::Solver(format!("HiGHS rejected option {k}"));
    model
        .try_set_option("mip_rel_gap", 0.0)
        .map_err(|_| option_error("mip_rel_gap"))?;
    // Presolve finds nothing to reduce in assignment-with-side-rows models and took 60% of
    // the time (8 of 14 s at 250 x 500); the feasibility-jump heuristic another 20%. The root
    // LP is nearly integral, so both are off. (Older HiGHS lacks the second option: ignored.)
    model
        .try_set_option("presolve", "off")
        .map_err(|_| option_error("presolve"))?;
    let _ = model.try_set_option("mip_heuristic_run_feasibility_jump", false);
    if let Some(d) = limit {
        model
            .try_set_option("time_limit", d.as_secs_f64())
            .map_err(|_| option_error("time_limit"))?;
    }
    let solved = model
        .try_solve()
        .map_err(|e| Error::Solver(format!("HiGHS failed: {e:?}")))?;
    let has_solution = solved.primal_solution_status() == HighsSolutionStatus::Feasible;
    let status = match solved.status() {
        S::Optimal => Status::Optimal,
        S::Infeasible | S::UnboundedOrInfeasible => Status::Infeasible,
        S::ReachedTimeLimit
        | S::ReachedInterrupt
        | S::ReachedIterationLimit
        | S::ReachedSolutionLimit
        | S::ReachedMemoryLimit
        | S::ObjectiveBound
        | S::ObjectiveTarget => {
            if has_solution {
                Status::Feasible
            } else {
                Status::NoSolution
            }
        }
        other => return Err(Error::Solver(format!("HiGHS ended with status {other:?}"))),
    };
    if !has_solution && matches!(status, Status::Optimal) {
        return Err(Error::Solver(
            "HiGHS reported optimal without a solution".into(),
        ));
    }
    let values = if has_solution {
        let sol = solved.get_solution();
        let cols = sol.columns();
        if cols.len() < columns.len() {
            return Err(Error::Solver("HiGHS returned too few columns".into()));
        }
        cols[..columns.len()].to_vec()
    } else {
        Vec::new()
    };
    let bound = solved
        .double_info_value(c"mip_dual_bound")
        .ok()
        .filter(|b| b.is_finite());
    Ok(Outcome {
        status,
        values,
        bound,
    })
}

#[cfg(not(feature = "highs"))]
fn run_highs(_lp: Lp, _limit: Option<Duration>) -> Result<Outcome> {
    Err(Engine::Highs.missing())
}
