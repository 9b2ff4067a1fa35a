//! Concrete reasons for the people a matching leaves out.
//!
//! A coordinator has to answer "why was I not chosen?". The answer names the best alternative
//! and the numbers: for a mentor not selected, the mentee they would fit best and how that pair
//! compares with the one made (`best fit L05 would score 70.0, 16.7 below the pair made
//! (L05 - M02, 86.7)`); for a mentee without a mentor, the best allowed mentor and who took
//! their places.

use crate::model::Participant;
use crate::problem::Problem;
use crate::result::MatchResult;

/// Why one person is left out.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOut {
    /// Participant id.
    pub id: String,
    /// The reason, with numbers.
    pub reason: String,
}

/// The assignment behind a result: each mentee's mentor index.
pub fn assignment(problem: &Problem, result: &MatchResult) -> Vec<Option<usize>> {
    let mut a = vec![None; problem.n_mentees()];
    for p in &result.pairs {
        if let (Some(i), Some(j)) = (
            problem.mentee_index(&p.mentee_id),
            problem.mentor_index(&p.mentor_id),
        ) {
            a[i] = Some(j);
        }
    }
    a
}

/// Reasons for the unmatched mentees and for the mentors with places left, in cohort order.
///
/// One pass over the score rows (mentees x mentors), no dense matrix: fine for the largest
/// cohorts the dense solvers take.
pub fn left_out(problem: &Problem, result: &MatchResult) -> (Vec<LeftOut>, Vec<LeftOut>) {
    let (n, m) = (problem.n_mentees(), problem.n_mentors());
    let a = assignment(problem, result);
    let mut used = vec![0u32; m];
    let mut pair_score = vec![f64::NAN; n];
    let mut takers: Vec<Vec<usize>> = vec![Vec::new(); m];
    for (i, aj) in a.iter().enumerate() {
        if let Some(j) = *aj {
            used[j] += 1;
            pair_score[i] = problem.pair(i, j).0;
            takers[j].push(i);
        }
    }
    let cap = problem.capacity();
    let unselected: Vec<bool> = (0..m).map(|j| used[j] == 0 && cap[j] > 0).collect();
    // Best allowed mentee per unselected mentor; best allowed mentor per unmatched mentee.
    let mut best_mentee: Vec<Option<(f64, usize)>> = vec![None; m];
    let mut best_mentor: Vec<Option<(f64, usize)>> = vec![None; n];
    let (mut scores, mut allowed) = (vec![0.0; m], vec![false; m]);
    for i in 0..n {
        problem.score_row(i, &mut scores, &mut allowed);
        for j in 0..m {
            if !allowed[j] || cap[j] == 0 {
                continue;
            }
            let s = scores[j];
            if unselected[j] && best_mentee[j].is_none_or(|(b, _)| s > b) {
                best_mentee[j] = Some((s, i));
            }
            if a[i].is_none() && best_mentor[i].is_none_or(|(b, _)| s > b) {
                best_mentor[i] = Some((s, j));
            }
        }
    }
    let cohort = problem.cohort();
    let mentee_id = |i: usize| cohort.mentees[i].id();
    let mentor_id = |j: usize| cohort.mentors[j].id();

    let mentees = result
        .unmatched_mentees
        .iter()
        .map(|u| {
            let reason = match problem.mentee_index(&u.id).and_then(|i| best_mentor[i]) {
                Some((s, j)) => {
                    let took: Vec<String> = takers[j]
                        .iter()
                        .map(|&k| format!("{} ({:.1})", mentee_id(k), pair_score[k]))
                        .collect();
                    if took.is_empty() {
                        format!(
                            "best allowed mentor {} would score {s:.1}, but cohort goals or the time limit kept them apart",
                            mentor_id(j)
                        )
                    } else {
                        format!(
                            "best allowed mentor {} would score {s:.1}, but {} place{} went to {}",
                            mentor_id(j),
                            if cap[j] == 1 { "the" } else { "all" },
                            if cap[j] == 1 { "" } else { "s" },
                            took.join(", ")
                        )
                    }
                }
                None => u.reason.to_string(),
            };
            LeftOut {
                id: u.id.clone(),
                reason,
            }
        })
        .collect();

    let mentors = (0..m)
        .filter(|&j| used[j] < cap[j] || cap[j] == 0)
        .map(|j| {
            let reason = if cap[j] == 0 {
                "capacity 0: not available this round".to_string()
            } else if used[j] > 0 {
                format!("{} of {} places used", used[j], cap[j])
            } else {
                match best_mentee[j] {
                    None => {
                        let example = (n > 0)
                            .then(|| problem.explain(0, j).blocked_by.into_iter().next())
                            .flatten()
                            .map(|r| format!(" (e.g. with {}: {r})", mentee_id(0)))
                            .unwrap_or_default();
                        format!("no mentee may be paired with this mentor under the hard rules{example}")
                    }
                    Some((s, i)) => match a[i] {
                        Some(k) if pair_score[i] >= s => format!(
                            "best fit {} would score {s:.1}, {:.1} below the pair made ({} - {}, {:.1})",
                            mentee_id(i),
                            pair_score[i] - s,
                            mentee_id(i),
                            mentor_id(k),
                            pair_score[i]
                        ),
                        Some(k) => format!(
                            "best fit {} would score {s:.1}, {:.1} above their pair with {} ({:.1}), which {}",
                            mentee_id(i),
                            s - pair_score[i],
                            mentor_id(k),
                            pair_score[i],
                            if problem.is_pinned(i, k) {
                                "the coordinator pinned"
                            } else {
                                "cohort goals, the objective or the solver's limits kept"
                            }
                        ),
                        None => format!(
                            "best fit {} would score {s:.1}; {} is left unmatched by cohort goals or the time limit",
                            mentee_id(i),
                            mentee_id(i)
                        ),
                    },
                }
            };
            LeftOut {
                id: mentor_id(j).to_string(),
                reason,
            }
        })
        .collect();
    (mentees, mentors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cohort, Config, Mentee, Mentor};

    fn person_mentor(id: &str, dept: &str, interests: &[&str]) -> Mentor {
        let mut m = Mentor::new(id);
        m.profile.department = Some(dept.into());
        m.profile.interests = interests.iter().map(|s| s.to_string()).collect();
        m
    }

    #[test]
    fn a_mentor_not_selected_is_told_the_best_fit_and_the_gap_found_by_brute_force() {
        let mentors = vec![
            person_mentor("M1", "A", &["sport", "film"]),
            person_mentor("M2", "B", &["sport"]),
            person_mentor("M3", "C", &["reise"]),
            person_mentor("M4", "D", &[]),
        ];
        let mut mentees = Vec::new();
        for (id, dept, int) in [
            ("L1", "B", "sport"),
            ("L2", "A", "film"),
            ("L3", "D", "reise"),
        ] {
            let mut e = Mentee::new(id);
            e.profile.department = Some(dept.into());
            e.profile.interests = [int.to_string()].into_iter().collect();
            mentees.push(e);
        }
        let problem = Problem::new(Cohort { mentors, mentees }, Config::default(), vec![]).unwrap();
        let result = crate::solve(&problem).unwrap();
        let (left_mentees, left_mentors) = left_out(&problem, &result);
        assert!(left_mentees.is_empty());
        let a = assignment(&problem, &result);
        let unselected: Vec<usize> = (0..4).filter(|j| !a.contains(&Some(*j))).collect();
        assert_eq!(left_mentors.len(), unselected.len());
        for (lo, &j) in left_mentors.iter().zip(&unselected) {
            // Brute force: the allowed mentee scoring highest with j (first on ties).
            let mut best: Option<(f64, usize)> = None;
            for i in 0..3 {
                let (s, ok) = problem.pair(i, j);
                if ok && best.is_none_or(|(b, _)| s > b) {
                    best = Some((s, i));
                }
            }
            let (s, i) = best.unwrap();
            let k = a[i].unwrap();
            let made = problem.pair(i, k).0;
            assert!(
                made >= s,
                "the optimum never leaves a better free mentor unused"
            );
            let id = |i: usize| problem.cohort().mentees[i].profile.id.clone();
            let mid = |j: usize| problem.cohort().mentors[j].profile.id.clone();
            assert_eq!(lo.id, mid(j));
            assert_eq!(
                lo.reason,
                format!(
                    "best fit {} would score {s:.1}, {:.1} below the pair made ({} - {}, {made:.1})",
                    id(i),
                    made - s,
                    id(i),
                    mid(k)
                )
            );
        }
    }
}
