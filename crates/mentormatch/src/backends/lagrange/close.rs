//! Closing the gap: reduced-cost fixing, then the ILP on what is left.
//!
//! With the subproblem at the best bound `L`, a pair whose reduced cost `rc` satisfies
//! `L - rc < incumbent` is in no matching better than the incumbent (see the proof in
//! [`super`]), so it is dropped. The incumbent's own pairs always stay, so the reduced model
//! has a solution at least as good as the incumbent, and its optimum is the optimum overall.
//! The ILP engine gets the reduced model only when it is small enough to be worth a try.

use std::time::Duration;

use super::dual::{Ctx, Run};
use super::ABS_TOL;
use crate::config::Engine;
use crate::error::Result;
use crate::goals::Goals;
use crate::solver::Note;

/// Most kept pairs handed to microlp (pure Rust, slow past a few thousand variables).
const MAX_MICROLP: usize = 4000;
/// Most kept pairs handed to HiGHS.
const MAX_HIGHS: usize = 200_000;
/// Time for the closing ILP when the configuration sets no limit.
const DEFAULT_LIMIT: Duration = Duration::from_secs(20);

/// What closing achieved.
pub(crate) struct Closed {
    /// A matching better than the incumbent, with its total.
    pub better: Option<(Vec<Option<usize>>, f64)>,
    /// Upper bound on every matching meeting the goals.
    pub bound: f64,
    /// The best of the incumbent and `better` is proven optimal.
    pub proven: bool,
    pub notes: Vec<Note>,
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn close(
    ctx: &Ctx<'_>,
    goals: &Goals,
    run: &Run,
    incumbent: &[Option<usize>],
    value: f64,
    total_pairs: usize,
    allow_unmatched: bool,
    left: Option<Duration>,
) -> Result<Closed> {
    let mut out = Closed {
        better: None,
        bound: run.bound,
        proven: false,
        notes: Vec::new(),
    };
    let Some((sub, adj)) = &run.best else {
        return Ok(out);
    };
    let m = ctx.sm.n_mentors;
    let n = ctx.pinned.len();
    let margin = 1e-7 * value.abs().max(1.0);
    let mut keep = vec![false; n * m];
    let mut kept = 0usize;
    for (r, &i) in ctx.free.iter().enumerate() {
        for j in 0..m {
            if ctx.remaining[j] == 0 || !ctx.sm.allowed(i, j) {
                continue;
            }
            let s = ctx.sm.score(i, j) - adj.mentor[j] - adj.mentee[i];
            let rc = sub.reduced(r, j, s);
            if run.bound - rc >= value - margin || incumbent[i] == Some(j) {
                keep[i * m + j] = true;
                kept += 1;
            }
        }
    }
    out.notes.push(Note::detail(format!(
        "lagrangian: reduced-cost fixing keeps {kept} of the free pairs (gap {:.4})",
        run.bound - value
    )));
    let engine = match ctx.problem.config().solver_options.ilp_engine {
        Some(e) if e.is_available() => e,
        Some(_) | None => match Engine::available().first() {
            Some(&e) => e,
            None => {
                out.notes.push(Note::detail(
                    "lagrangian: no ILP engine compiled in to close the gap",
                ));
                return Ok(out);
            }
        },
    };
    let cap = match engine {
        Engine::Microlp => MAX_MICROLP,
        Engine::Highs => MAX_HIGHS,
    };
    if kept > cap {
        out.notes.push(Note::detail(format!(
            "lagrangian: the reduced model ({kept} pairs) is too large for {} to close the gap",
            engine.as_str()
        )));
        return Ok(out);
    }
    let limit = left.unwrap_or(DEFAULT_LIMIT);
    let count = allow_unmatched.then(|| total_pairs - ctx.problem.pins().len());
    let r = crate::backends::ilp::solve_restricted(
        engine,
        ctx.problem,
        ctx.sm,
        goals,
        keep,
        count,
        Some(limit),
    )?;
    if r.infeasible {
        out.notes.push(Note::detail(
            "lagrangian: the closing ILP found the reduced model infeasible although it holds \
             the incumbent; the gap stays open",
        ));
        return Ok(out);
    }
    if let Some(a) = r.assignment {
        let v: f64 = a
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.map(|j| ctx.sm.score(i, j)))
            .sum();
        let holds = goals.evaluate(&a).iter().all(|g| g.satisfied);
        if holds && v > value + ABS_TOL {
            out.better = Some((a, v));
        }
        if r.proven && holds {
            out.proven = true;
            out.bound = v.max(value);
            out.notes.push(Note::detail(format!(
                "lagrangian: closed by {} on the reduced model",
                engine.as_str()
            )));
            return Ok(out);
        }
    }
    if let Some(b) = r.bound {
        out.bound = out.bound.min(b.max(value));
    }
    out.notes.push(Note::limit(format!(
        "lagrangian: the closing ILP ({}) stopped after {:.1} s without a proof",
        engine.as_str(),
        limit.as_secs_f64()
    )));
    Ok(out)
}
