//! Cohort-level goals (quotas and spreads) for the heuristic: a greedy repair by moves to free
//! candidate places, guided by a total-violation measure it updates incrementally per move, and
//! notes for the goals still not met. Whether a goal is met is judged by the shared evaluation in
//! `crate::goals` (the same as every backend's goal table), not by the repair's measure.
//!
//! Repair only moves mentees between mentors, so it can fix goals on the mentor side; goals on
//! the mentee side depend on which mentees are matched and are reported, not repaired.

use std::collections::HashMap;

use crate::backends::sparse::assign::Assign;
use crate::backends::sparse::Prepared;
use crate::model::{Field, Participant, Side};
use crate::problem::Problem;
use crate::solver::Note;
use crate::values::key;

#[derive(Debug, Clone)]
enum Kind {
    Quota {
        member: Vec<bool>,
        min: Option<u32>,
        max: Option<u32>,
        min_share: Option<f64>,
        max_share: Option<f64>,
    },
    Spread {
        value: Vec<u32>,
        names: Vec<String>,
        max: u32,
    },
}

#[derive(Debug, Clone)]
struct Goal {
    side: Side,
    kind: Kind,
}

/// The configuration's quotas and spreads compiled against a cohort.
#[derive(Debug, Clone)]
pub struct Goals {
    goals: Vec<Goal>,
}

fn values_of<P: Participant>(people: &[P], field: &Field) -> Vec<Vec<String>> {
    people
        .iter()
        .map(|p| p.value(field).as_set().iter().map(|s| key(s)).collect())
        .collect()
}

impl Goals {
    /// Compiles the goals of `problem`'s configuration.
    pub fn new(problem: &Problem) -> Goals {
        let cohort = problem.cohort();
        let cfg = problem.config();
        let side_values = |side: Side, field: &str| {
            let f = Field::parse(field);
            match side {
                Side::Mentor => values_of(&cohort.mentors, &f),
                Side::Mentee => values_of(&cohort.mentees, &f),
            }
        };
        let mut goals = Vec::new();
        for q in &cfg.goals.quota {
            let wanted: Vec<String> = q.values.iter().map(|v| key(v)).collect();
            let member = side_values(q.side, &q.field)
                .iter()
                .map(|vs| vs.iter().any(|v| wanted.contains(v)))
                .collect();
            goals.push(Goal {
                side: q.side,
                kind: Kind::Quota {
                    member,
                    min: q.min,
                    max: q.max,
                    min_share: q.min_share,
                    max_share: q.max_share,
                },
            });
        }
        for s in &cfg.goals.spread {
            let mut ids: HashMap<String, u32> = HashMap::new();
            let mut names = vec![String::new()];
            let value = side_values(s.side, &s.field)
                .iter()
                .map(|vs| {
                    if vs.is_empty() {
                        return 0;
                    }
                    let key = vs.join(";");
                    let n = ids.len() as u32 + 1;
                    *ids.entry(key.clone()).or_insert_with(|| {
                        names.push(key);
                        n
                    })
                })
                .collect();
            goals.push(Goal {
                side: s.side,
                kind: Kind::Spread {
                    value,
                    names,
                    max: s.max,
                },
            });
        }
        Goals { goals }
    }

    fn who(side: Side, i: usize, j: usize) -> usize {
        match side {
            Side::Mentor => j,
            Side::Mentee => i,
        }
    }

    /// Total violation of goal `g` for the given pairs.
    fn violation(g: &Goal, pairs: &[(usize, usize)]) -> f64 {
        match &g.kind {
            Kind::Quota {
                member,
                min,
                max,
                min_share,
                max_share,
            } => {
                let count = pairs
                    .iter()
                    .filter(|&&(i, j)| member[Self::who(g.side, i, j)])
                    .count() as f64;
                let total = pairs.len() as f64;
                let mut v = 0.0;
                if let Some(lo) = min {
                    v += (f64::from(*lo) - count).max(0.0);
                }
                if let Some(hi) = max {
                    v += (count - f64::from(*hi)).max(0.0);
                }
                if let Some(s) = min_share {
                    v += (s * total - count).max(0.0);
                }
                if let Some(s) = max_share {
                    v += (count - s * total).max(0.0);
                }
                v
            }
            Kind::Spread { value, max, .. } => {
                let mut counts: HashMap<u32, u32> = HashMap::new();
                for &(i, j) in pairs {
                    let x = value[Self::who(g.side, i, j)];
                    if x != 0 {
                        *counts.entry(x).or_default() += 1;
                    }
                }
                counts
                    .values()
                    .map(|&c| f64::from(c.saturating_sub(*max)))
                    .sum()
            }
        }
    }

    fn pairs(assignment: &[Option<usize>]) -> Vec<(usize, usize)> {
        assignment
            .iter()
            .enumerate()
            .filter_map(|(i, a)| a.map(|j| (i, j)))
            .collect()
    }

    fn total_violation(&self, pairs: &[(usize, usize)]) -> f64 {
        self.goals.iter().map(|g| Self::violation(g, pairs)).sum()
    }

    /// Greedy repair: while goals are violated, make the single move of a free mentee to a free
    /// candidate place that reduces the total violation most (then loses least score). Moves
    /// change only mentor-side counts, so each is evaluated incrementally. Stops after a
    /// bounded number of moves or about `seconds` seconds.
    pub fn repair(&self, prep: &Prepared, assign: &mut Assign, seconds: f64) {
        let t0 = std::time::Instant::now();
        let mut pairs = Self::pairs(&prep.assignment(assign));
        let total = pairs.len() as f64;
        // Mentor-side state: quota counts and spread counts per value.
        let mut qcount: Vec<f64> = vec![0.0; self.goals.len()];
        let mut scount: Vec<Vec<u32>> = vec![Vec::new(); self.goals.len()];
        for (g, goal) in self.goals.iter().enumerate() {
            match &goal.kind {
                Kind::Quota { member, .. } => {
                    qcount[g] = pairs
                        .iter()
                        .filter(|&&(i, j)| member[Self::who(goal.side, i, j)])
                        .count() as f64;
                }
                Kind::Spread { value, names, .. } => {
                    scount[g] = vec![0; names.len()];
                    for &(i, j) in &pairs {
                        scount[g][value[Self::who(goal.side, i, j)] as usize] += 1;
                    }
                }
            }
        }
        let quota_v = |goal: &Goal, count: f64| -> f64 {
            match &goal.kind {
                Kind::Quota {
                    min,
                    max,
                    min_share,
                    max_share,
                    ..
                } => {
                    let mut v = 0.0;
                    if let Some(lo) = min {
                        v += (f64::from(*lo) - count).max(0.0);
                    }
                    if let Some(hi) = max {
                        v += (count - f64::from(*hi)).max(0.0);
                    }
                    if let Some(s) = min_share {
                        v += (s * total - count).max(0.0);
                    }
                    if let Some(s) = max_share {
                        v += (count - s * total).max(0.0);
                    }
                    v
                }
                Kind::Spread { .. } => 0.0,
            }
        };
        let over = |c: u32, max: u32| f64::from(c.saturating_sub(max));
        // Change of the total violation when a pair's mentor goes from a to c.
        let delta = |qcount: &[f64], scount: &[Vec<u32>], a: usize, c: usize| -> f64 {
            let mut d = 0.0;
            for (g, goal) in self.goals.iter().enumerate() {
                if goal.side != Side::Mentor {
                    continue;
                }
                match &goal.kind {
                    Kind::Quota { member, .. } => {
                        let step = f64::from(u8::from(member[c])) - f64::from(u8::from(member[a]));
                        if step != 0.0 {
                            d += quota_v(goal, qcount[g] + step) - quota_v(goal, qcount[g]);
                        }
                    }
                    Kind::Spread { value, max, .. } => {
                        let (va, vc) = (value[a] as usize, value[c] as usize);
                        if va != vc {
                            let sc = &scount[g];
                            if va != 0 {
                                d += over(sc[va] - 1, *max) - over(sc[va], *max);
                            }
                            if vc != 0 {
                                d += over(sc[vc] + 1, *max) - over(sc[vc], *max);
                            }
                        }
                    }
                }
            }
            d
        };
        for _ in 0..5000 {
            if self.total_violation(&pairs) <= 0.0 || t0.elapsed().as_secs_f64() > seconds {
                return;
            }
            let mut best: Option<(f64, f64, usize, usize)> = None;
            for (k, &(i, a)) in pairs.iter().enumerate() {
                if prep.pinned[i].is_some() {
                    continue;
                }
                let (js, ss) = prep.cands.row(i);
                let own = js
                    .iter()
                    .position(|&x| x as usize == a)
                    .map_or(0.0, |p| ss[p]);
                for (&c, &sc) in js.iter().zip(ss) {
                    let c = c as usize;
                    if c == a || assign.load[c] >= prep.remaining[c] {
                        continue;
                    }
                    let d = delta(&qcount, &scount, a, c);
                    if d < -1e-9 {
                        let cand = (d, own - sc, k, c);
                        if best.is_none_or(|b| (cand.0, cand.1) < (b.0, b.1)) {
                            best = Some(cand);
                        }
                    }
                }
            }
            let Some((_, _, k, c)) = best else { return };
            let (i, a) = pairs[k];
            for (g, goal) in self.goals.iter().enumerate() {
                if goal.side != Side::Mentor {
                    continue;
                }
                match &goal.kind {
                    Kind::Quota { member, .. } => {
                        qcount[g] +=
                            f64::from(u8::from(member[c])) - f64::from(u8::from(member[a]));
                    }
                    Kind::Spread { value, .. } => {
                        scount[g][value[a] as usize] -= 1;
                        scount[g][value[c] as usize] += 1;
                    }
                }
            }
            assign.set(i, c);
            pairs[k].1 = c;
        }
    }
}

/// One note per goal bound not met, judged by the shared evaluation (`crate::goals`) so the
/// notes agree with the goal table every result carries.
pub fn unmet_notes(problem: &Problem, assignment: &[Option<usize>]) -> Vec<Note> {
    crate::goals::Goals::of(problem)
        .evaluate(assignment)
        .into_iter()
        .filter(|g| !g.satisfied)
        .map(|g| {
            Note::goal_not_met(format!(
                "goal not met: {} (reached {})",
                g.name_with_bound, g.value
            ))
        })
        .collect()
}
