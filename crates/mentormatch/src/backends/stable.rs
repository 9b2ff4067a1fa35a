//! Stable matching with capacities, incomplete lists and ties (hospitals/residents).
//!
//! Deferred acceptance (Gale-Shapley) on a strict refinement of everyone's preferences: ties in
//! a list, and the unlisted (when acceptable), are broken by the match score (higher first),
//! then by the order of the input, so the result is deterministic. Every stable matching of the
//! refined preferences is weakly stable for the original ones (a pair strictly preferring each
//! other also does so in the refinement), and proposing from the mentee side gives the
//! mentee-optimal one (from the mentor side the mentor-optimal one). On strict preferences this
//! is the textbook resident- (hospital-) optimal matching.
//!
//! Hard rules and pins are respected: a pair the rules forbid is unacceptable to both, pinned
//! mentees are placed first and take their mentor's places, and nobody proposes to them.
//!
//! Cost: each proposal costs one score evaluation and a heap operation; a person's list is
//! walked once. Those who gave no list (or whose list ran out with `unlisted = "acceptable"`)
//! are ranked by score in chunks of the best remaining partners, one pass over the other side
//! per chunk.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::error::Result;
use crate::model::Side;
use crate::preferences::{Preferences, Rank, Unlisted};
use crate::problem::Problem;
use crate::solver::{Backend, Note, Settings, Solution, SolveStatus};

/// `objective = "stable"`: the mentee- or mentor-optimal stable matching.
#[derive(Debug, Clone, Copy, Default)]
pub struct StableBackend;

impl Backend for StableBackend {
    fn name(&self) -> &'static str {
        "stable"
    }

    fn solve(&self, problem: &Problem, _settings: &Settings) -> Result<Solution> {
        let side = problem.config().stable_side.unwrap_or(Side::Mentee);
        let assignment = stable_matching(problem, side);
        let unmatched = assignment.iter().filter(|a| a.is_none()).count();
        let mut notes = vec![Note::detail(format!(
            "stable matching, {}-optimal (deferred acceptance; ties broken by score)",
            side.as_str()
        ))];
        if unmatched > 0 && !problem.config().rules.allow_unmatched {
            notes.push(Note::objective(format!(
                "{unmatched} mentee(s) unmatched: no stable matching of these preferences places them (with strict preferences every stable matching leaves the same mentees unmatched)"
            )));
        }
        Ok(Solution {
            assignment,
            status: SolveStatus::Optimal,
            bound: None,
            backend: "stable",
            notes,
        })
    }
}

/// A receiver's (or proposer's) ranking key: lower is better.
#[derive(Debug, Clone, Copy)]
struct Key {
    tier: u32,
    score: f64,
    idx: u32,
}

impl Key {
    fn cmp_key(&self, other: &Key) -> Ordering {
        self.tier
            .cmp(&other.tier)
            .then_with(|| other.score.total_cmp(&self.score))
            .then_with(|| self.idx.cmp(&other.idx))
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.cmp_key(other) == Ordering::Equal
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cmp_key(other)
    }
}

/// The tier of a rank in a strict refinement: listed tiers, then the unlisted; 0 without a list.
fn tier(rank: Rank) -> u32 {
    rank.tier().unwrap_or(0)
}

/// One direction of deferred acceptance: who proposes, who receives.
struct View<'a> {
    problem: &'a Problem,
    prefs: Option<&'a Preferences>,
    mentees_propose: bool,
}

impl View<'_> {
    fn n_proposers(&self) -> usize {
        if self.mentees_propose {
            self.problem.n_mentees()
        } else {
            self.problem.n_mentors()
        }
    }
    fn n_receivers(&self) -> usize {
        if self.mentees_propose {
            self.problem.n_mentors()
        } else {
            self.problem.n_mentees()
        }
    }
    /// `(mentee, mentor)` of proposer `p` and receiver `r`.
    fn pair_of(&self, p: usize, r: usize) -> (usize, usize) {
        if self.mentees_propose {
            (p, r)
        } else {
            (r, p)
        }
    }
    fn pair(&self, p: usize, r: usize) -> (f64, bool) {
        let (i, j) = self.pair_of(p, r);
        self.problem.pair(i, j)
    }
    /// Where `a` (proposer when `proposer`, else receiver) ranks `b`.
    fn rank(&self, proposer: bool, a: usize, b: usize) -> Rank {
        let Some(p) = self.prefs else {
            return Rank::NoList;
        };
        if proposer == self.mentees_propose {
            p.mentee_rank(a, b)
        } else {
            p.mentor_rank(a, b)
        }
    }
    fn has_list(&self, proposer: bool, a: usize) -> bool {
        let Some(p) = self.prefs else { return false };
        if proposer == self.mentees_propose {
            p.mentee.has_list(a)
        } else {
            p.mentor.has_list(a)
        }
    }
    fn list(&self, proposer: bool, a: usize) -> &[(u32, u32)] {
        let Some(p) = self.prefs else { return &[] };
        if proposer == self.mentees_propose {
            p.mentee.list(a)
        } else {
            p.mentor.list(a)
        }
    }
    /// Whether proposer `p` goes on past their list (to the unlisted, or everyone by score).
    fn ranks_rest(&self, p: usize) -> bool {
        !self.has_list(true, p)
            || self
                .prefs
                .is_some_and(|x| x.unlisted == Unlisted::Acceptable)
    }
    /// Scores and whether allowed, of proposer `p` with every receiver.
    fn row(&self, p: usize, scores: &mut Vec<f64>, allowed: &mut Vec<bool>) {
        let n = self.n_receivers();
        scores.resize(n, 0.0);
        allowed.resize(n, false);
        if self.mentees_propose {
            self.problem.score_row(p, scores, allowed);
        } else {
            for r in 0..n {
                (scores[r], allowed[r]) = self.problem.pair(r, p);
            }
        }
    }
}

/// A proposer's walk through their preference order.
#[derive(Debug, Default)]
struct Cursor {
    /// The listed part, `(receiver, score)` best first, allowed only.
    listed: Vec<(u32, f64)>,
    pos: usize,
    /// The current chunk of the rest (by score), best first.
    rest: Vec<(u32, f64)>,
    rest_pos: usize,
    /// The last of the rest handed out, `(score, receiver)`; the next chunk comes after it.
    last: Option<(f64, u32)>,
    /// The rest is exhausted (or not ranked at all).
    done: bool,
}

/// Receivers of the rest taken per pass over the row.
const CHUNK: usize = 64;

impl Cursor {
    fn new(view: &View<'_>, p: usize) -> Cursor {
        let mut listed: Vec<(u32, u32, f64)> = view
            .list(true, p)
            .iter()
            .filter_map(|&(r, t)| {
                let (s, ok) = view.pair(p, r as usize);
                ok.then_some((r, t, s))
            })
            .collect();
        listed.sort_by(|a, b| {
            a.1.cmp(&b.1)
                .then_with(|| b.2.total_cmp(&a.2))
                .then_with(|| a.0.cmp(&b.0))
        });
        Cursor {
            listed: listed.into_iter().map(|(r, _, s)| (r, s)).collect(),
            done: !view.ranks_rest(p),
            ..Cursor::default()
        }
    }

    fn next(
        &mut self,
        view: &View<'_>,
        p: usize,
        scores: &mut Vec<f64>,
        allowed: &mut Vec<bool>,
    ) -> Option<(u32, f64)> {
        if let Some(&x) = self.listed.get(self.pos) {
            self.pos += 1;
            return Some(x);
        }
        loop {
            if let Some(&(r, s)) = self.rest.get(self.rest_pos) {
                self.rest_pos += 1;
                self.last = Some((s, r));
                return Some((r, s));
            }
            if self.done {
                return None;
            }
            self.refill(view, p, scores, allowed);
        }
    }

    /// The next chunk of the rest: allowed receivers not on the list, after `last` in the order
    /// (score descending, then index).
    fn refill(
        &mut self,
        view: &View<'_>,
        p: usize,
        scores: &mut Vec<f64>,
        allowed: &mut Vec<bool>,
    ) {
        view.row(p, scores, allowed);
        let has_list = view.has_list(true, p);
        let after = |s: f64, r: u32| match self.last {
            None => true,
            Some((ls, lr)) => match ls.total_cmp(&s) {
                Ordering::Greater => true,
                Ordering::Equal => r > lr,
                Ordering::Less => false,
            },
        };
        let mut cand: Vec<(u32, f64)> = (0..scores.len())
            .filter(|&r| {
                allowed[r]
                    && after(scores[r], r as u32)
                    && (!has_list || view.rank(true, p, r) == Rank::Unlisted)
            })
            .map(|r| (r as u32, scores[r]))
            .collect();
        let order = |a: &(u32, f64), b: &(u32, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if cand.len() > CHUNK {
            cand.select_nth_unstable_by(CHUNK - 1, order);
            cand.truncate(CHUNK);
        } else {
            self.done = true;
        }
        cand.sort_by(order);
        self.rest = cand;
        self.rest_pos = 0;
    }
}

/// The mentee-optimal (`side = Mentee`) or mentor-optimal (`side = Mentor`) stable matching:
/// `assignment[i]` is mentee `i`'s mentor. Pinned pairs are kept.
pub fn stable_matching(problem: &Problem, side: Side) -> Vec<Option<usize>> {
    let view = View {
        problem,
        prefs: problem.preferences(),
        mentees_propose: side == Side::Mentee,
    };
    let (n, m) = (problem.n_mentees(), problem.n_mentors());
    let mut assignment: Vec<Option<usize>> = vec![None; n];
    let mut mentor_cap: Vec<u32> = problem.capacity().to_vec();
    let mut pinned = vec![false; n];
    for &(i, j) in problem.pins() {
        assignment[i] = Some(j);
        pinned[i] = true;
        mentor_cap[j] = mentor_cap[j].saturating_sub(1);
    }
    let mentee_cap: Vec<u32> = pinned.iter().map(|&p| u32::from(!p)).collect();
    let (prop_cap, recv_cap) = if view.mentees_propose {
        (mentee_cap, mentor_cap)
    } else {
        (mentor_cap, mentee_cap)
    };
    let np = view.n_proposers();
    let nr = view.n_receivers();
    debug_assert_eq!(np + nr, n + m);
    // held[r]: the receiver's tentative partners, worst on top; each entry is the receiver's
    // key for the proposer (idx = proposer).
    let mut held: Vec<BinaryHeap<Key>> = vec![BinaryHeap::new(); nr];
    let mut open: Vec<u32> = prop_cap.clone();
    let mut cursors: Vec<Option<Cursor>> = (0..np).map(|_| None).collect();
    let mut queue: Vec<usize> = (0..np).rev().filter(|&p| prop_cap[p] > 0).collect();
    let (mut scores, mut allowed) = (Vec::new(), Vec::new());
    while let Some(p) = queue.pop() {
        while open[p] > 0 {
            let cursor = cursors[p].get_or_insert_with(|| Cursor::new(&view, p));
            let Some((r, s)) = cursor.next(&view, p, &mut scores, &mut allowed) else {
                break;
            };
            let r = r as usize;
            if recv_cap[r] == 0 {
                continue;
            }
            let key = Key {
                tier: tier(view.rank(false, r, p)),
                score: s,
                idx: p as u32,
            };
            let h = &mut held[r];
            if h.len() < recv_cap[r] as usize {
                h.push(key);
                open[p] -= 1;
            } else if h.peek().is_some_and(|w| key < *w) {
                let w = h.pop().map(|w| w.idx as usize);
                h.push(key);
                open[p] -= 1;
                if let Some(w) = w {
                    open[w] += 1;
                    if open[w] == 1 {
                        queue.push(w);
                    }
                }
            }
        }
    }
    for (r, h) in held.iter().enumerate() {
        for k in h.iter() {
            let (i, j) = view.pair_of(k.idx as usize, r);
            assignment[i] = Some(j);
        }
    }
    assignment
}
