//! Making sure the candidate graph admits every matching the full problem does: augmenting
//! paths within the candidates, spreading candidates over mentors when popular ones block a
//! complete matching, and completing the rows of mentees that still fail (a Hall witness when
//! even complete rows fail). Shared by the sparse exact and the heuristic backends.

use std::collections::VecDeque;

use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::progress::Progress;
use crate::solver::Note;

use super::assign::{Assign, NONE};
use super::Prepared;

/// A failed search: the alternating tree it explored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FailedTree {
    /// The mentee that could not be matched.
    pub mentee: usize,
    /// Every mentee reached (including `mentee`).
    pub mentees: Vec<usize>,
    /// Every mentor reached (all full).
    pub mentors: Vec<usize>,
}

/// Breadth-first augmenting path from free mentee `s` over the candidates; on failure returns
/// the alternating tree (a Hall witness when every row in it is complete).
pub(crate) fn augment_bfs(
    prep: &Prepared,
    assign: &mut Assign,
    s: usize,
    stamp: &mut [u32],
    generation: u32,
    pred: &mut [u32],
    dead: &[bool],
) -> Option<FailedTree> {
    let cap = &prep.remaining;
    let mut queue = VecDeque::from([s]);
    let mut mentees = vec![s];
    let mut mentors = Vec::new();
    while let Some(i) = queue.pop_front() {
        let (js, _) = prep.cands.row(i);
        for &j in js {
            let j = j as usize;
            if cap[j] == 0 || stamp[j] == generation || dead[j] {
                continue;
            }
            stamp[j] = generation;
            pred[j] = i as u32;
            mentors.push(j);
            if assign.load[j] < cap[j] {
                let mut j = j;
                loop {
                    let i = pred[j] as usize;
                    let old = assign.of[i];
                    assign.set(i, j);
                    if i == s || old == NONE {
                        return None;
                    }
                    j = old as usize;
                }
            }
            for i2 in assign.mentees_of(j) {
                mentees.push(i2);
                queue.push_back(i2);
            }
        }
    }
    Some(FailedTree {
        mentee: s,
        mentees,
        mentors,
    })
}

/// Matches every free mentee that can be matched (given `assign`), returning the failures.
///
/// The mentors of a failed search (a Hungarian tree: all full, every path from them leads
/// only to full mentors) can never lie on a later augmenting path, so they are skipped from
/// then on; failed searches thus cost O(edges) in total instead of O(edges) each.
pub(crate) fn complete(prep: &Prepared, assign: &mut Assign) -> Vec<FailedTree> {
    let m = prep.remaining.len();
    let mut stamp = vec![0u32; m];
    let mut pred = vec![NONE; m];
    let mut dead = vec![false; m];
    let mut generation = 0;
    let mut failed = Vec::new();
    for &i in &prep.free {
        if assign.of[i] == NONE {
            generation += 1;
            if let Some(t) = augment_bfs(prep, assign, i, &mut stamp, generation, &mut pred, &dead)
            {
                for &j in &t.mentors {
                    dead[j] = true;
                }
                failed.push(t);
            }
        }
    }
    failed
}

/// Spreads candidates over mentors: adds `k / 5` random allowed mentors per mentee (seeded,
/// the same whatever the number of threads). Without it, mentees with similar profiles all
/// list the same popular mentors, and many cannot be matched within their candidates; random
/// extra edges make a complete matching exist in the candidate graph with high probability
/// (as in random bipartite graphs), and the solvers use them only where they must.
pub(crate) fn diversify(problem: &Problem, prep: &mut Prepared, p: &dyn Progress) {
    p.stage("diversifying candidates", 0);
    let extra = (prep.k / 5).max(2);
    prep.add_random(problem, extra, 0x5EED);
}

/// Makes sure every mentee that can be matched can be matched within the candidates: when a
/// plain check fails, candidates are spread over mentors ([`diversify`]) and the rows of
/// mentees still failing are completed ([`ensure_feasible`]).
pub(crate) fn feasible_candidates(
    problem: &Problem,
    prep: &mut Prepared,
    notes: &mut Vec<Note>,
    p: &dyn Progress,
) -> Result<()> {
    // Large cohorts: diversify up front (a probe on a congested top-k graph costs more than
    // the extra candidates). Small ones: only when a probe fails.
    if prep.free.len() <= 5000 {
        let mut probe = Assign::new(prep.cands.n(), prep.remaining.len());
        if complete(prep, &mut probe).is_empty() {
            return Ok(());
        }
    }
    diversify(problem, prep, p);
    notes.push(Note::detail(format!(
        "candidates: top {} per mentee plus {} random allowed mentors (so that popular mentors do not block a complete matching)",
        prep.k,
        (prep.k / 5).max(2)
    )));
    ensure_feasible(problem, prep, notes).map(|_| ())
}

/// The largest matching within the candidates, completing the rows of mentees in failed
/// searches until every failure is proven (or the budget is spent). Errors when mentees
/// cannot be matched and `allow_unmatched` is off.
pub(crate) fn ensure_feasible(
    problem: &Problem,
    prep: &mut Prepared,
    notes: &mut Vec<Note>,
) -> Result<Vec<FailedTree>> {
    let mut completed = 0;
    let failed = loop {
        let mut probe = Assign::new(prep.cands.n(), prep.remaining.len());
        let failed = complete(prep, &mut probe);
        if failed.is_empty() {
            break failed;
        }
        let mut who: Vec<usize> = failed.iter().flat_map(|t| t.mentees.clone()).collect();
        who.sort_unstable();
        who.dedup();
        if completed + who.len() > super::completion_budget(problem.n_mentees()) {
            break failed;
        }
        let grew = prep.complete_rows(problem, &who);
        if grew == 0 {
            break failed;
        }
        completed += grew;
    };
    if completed > 0 {
        notes.push(Note::detail(format!(
            "{completed} mentee(s) needed every allowed mentor as a candidate to be matched"
        )));
    }
    if !failed.is_empty() && !problem.config().rules.allow_unmatched {
        let all_complete = failed.iter().all(|t| {
            t.mentees
                .iter()
                .all(|&i| prep.cands.outside[i] == f64::NEG_INFINITY)
        });
        if all_complete {
            return Err(super::hall_error(problem, prep, &failed[0]));
        }
        return Err(Error::Solver(format!(
            "{} mentee(s) could not be matched within the candidate pairs; raise `candidates` or set allow_unmatched",
            failed.len()
        )));
    }
    Ok(failed)
}
