//! Why a pair scores what it scores: a per-criterion breakdown and a sentence for humans.

use serde::{Deserialize, Serialize};

use crate::criteria::{Criterion, CriterionKind};
use crate::model::{FieldValue, Mentee, Mentor, Participant};
use crate::problem::{Problem, RuleReason};
use crate::values::key;

/// One criterion's part in a pair's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CriterionScore {
    /// The criterion's label, e.g. `differ_department`.
    pub criterion: String,
    /// Its value 0..1, or `None` when it could not be evaluated (a value is unknown).
    pub value: Option<f64>,
    /// Points it adds to the 0..100 score.
    pub points: f64,
    /// A short phrase, e.g. `different department (Drama / Nyheter)`.
    pub text: String,
}

/// Everything about one mentee-mentor combination, made or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Explanation {
    /// Mentee id.
    pub mentee_id: String,
    /// Mentor id.
    pub mentor_id: String,
    /// Match score 0..100.
    pub score: f64,
    /// Whether every hard rule allows the pair.
    pub allowed: bool,
    /// Pinned by the coordinator.
    pub pinned: bool,
    /// Per criterion.
    pub breakdown: Vec<CriterionScore>,
    /// Hard rules that forbid the pair, in words (empty when allowed).
    pub blocked_by: Vec<String>,
    /// The breakdown as one sentence.
    pub text: String,
}

fn field_words(field: &str) -> String {
    field.replace('_', " ")
}

fn lower_set<'a>(v: &[&'a str]) -> Vec<(String, &'a str)> {
    v.iter().map(|s| (key(s), *s)).collect()
}

/// Values of `a` (in `a`'s spelling) also in `b`, compared case-insensitively.
fn common<'a>(a: &[&'a str], b: &[&str]) -> Vec<&'a str> {
    let b: Vec<String> = b.iter().map(|s| key(s)).collect();
    lower_set(a)
        .into_iter()
        .filter(|(k, _)| b.contains(k))
        .map(|(_, s)| s)
        .collect()
}

fn minus<'a>(a: &[&'a str], b: &[&str]) -> Vec<&'a str> {
    let b: Vec<String> = b.iter().map(|s| key(s)).collect();
    lower_set(a)
        .into_iter()
        .filter(|(k, _)| !b.contains(k))
        .map(|(_, s)| s)
        .collect()
}

fn phrase(c: &Criterion, value: Option<f64>, mentee: &Mentee, mentor: &Mentor) -> String {
    let (fe, fm) = (c.mentee_field(), c.mentor_field());
    let (ve, vm) = (mentee.value(&fe), mentor.value(&fm));
    let field = field_words(&c.field);
    if value.is_none() {
        return format!("{field} unknown");
    }
    let (se, sm) = (ve.as_set(), vm.as_set());
    match c.kind {
        CriterionKind::Differ => {
            let (a, b) = (se.join("; "), sm.join("; "));
            if value == Some(0.0) {
                format!("same {field} ({a})")
            } else {
                format!("different {field} ({a} / {b})")
            }
        }
        CriterionKind::Share => {
            let both = common(&se, &sm);
            if both.is_empty() {
                format!("no shared {field}")
            } else {
                format!("shares {field}: {}", both.join(", "))
            }
        }
        CriterionKind::Complement => {
            let brings = minus(&sm, &se);
            if brings.is_empty() {
                format!("brings no new {field}")
            } else {
                format!("brings {field}: {}", brings.join(", "))
            }
        }
        CriterionKind::Cover => {
            let covered = common(&se, &sm);
            if covered.is_empty() {
                format!("covers none of the {field} ({})", se.join(", "))
            } else {
                format!(
                    "covers {field}: {} ({} of {})",
                    covered.join(", "),
                    covered.len(),
                    se.len()
                )
            }
        }
        CriterionKind::Numeric => {
            let text = |v: &FieldValue<'_>| v.as_text().unwrap_or("?").to_string();
            format!("{field} {} (mentee) vs {} (mentor)", text(&ve), text(&vm))
        }
        // Worded by `crate::preferences::criterion_phrase`, which knows the parsed lists.
        CriterionKind::Preference => String::new(),
    }
}

/// The preference criterion's phrase for mentee `i` and mentor `j`, e.g. `M07 was L03's first
/// choice; M07 ranked L03 2nd of 3`.
fn preference_phrase(problem: &Problem, c: &Criterion, i: usize, j: usize) -> String {
    let (e, m) = (
        problem.cohort().mentees[i].id(),
        problem.cohort().mentors[j].id(),
    );
    let (re, rm) = match problem.preferences() {
        Some(p) => (p.mentee_rank(i, j), p.mentor_rank(j, i)),
        None => (
            crate::preferences::Rank::NoList,
            crate::preferences::Rank::NoList,
        ),
    };
    let pe = crate::preferences::rank_phrase(re, e, m);
    let pm = crate::preferences::rank_phrase(rm, m, e);
    match c.side.unwrap_or_default() {
        crate::preferences::PreferenceSide::Mentee => pe,
        crate::preferences::PreferenceSide::Mentor => pm,
        crate::preferences::PreferenceSide::Both => match (re, rm) {
            (crate::preferences::Rank::NoList, crate::preferences::Rank::NoList) => {
                format!("neither {e} nor {m} gave a preference list")
            }
            (_, crate::preferences::Rank::NoList) => pe,
            (crate::preferences::Rank::NoList, _) => pm,
            _ => format!("{pe}; {pm}"),
        },
    }
}

impl Problem {
    /// The breakdown and explanation of mentee `i` with mentor `j`, whether or not they are paired.
    pub fn explain(&self, i: usize, j: usize) -> Explanation {
        let mentee = &self.cohort().mentees[i];
        let mentor = &self.cohort().mentors[j];
        let (score, allowed) = self.pair(i, j);
        let breakdown: Vec<CriterionScore> = self
            .criteria()
            .iter()
            .enumerate()
            .map(|(c, crit)| {
                let v = self.scorer().value(c, i, j);
                let value = if v.is_nan() { None } else { Some(v) };
                let text = if crit.kind == CriterionKind::Preference {
                    preference_phrase(self, crit, i, j)
                } else {
                    phrase(crit, value, mentee, mentor)
                };
                CriterionScore {
                    criterion: crit.label(),
                    value,
                    points: self.scorer().points(c, v),
                    text,
                }
            })
            .collect();
        let pinned = self.is_pinned(i, j);
        let mut blocked_by = Vec::new();
        if !pinned {
            for (crit, cs) in self.criteria().iter().zip(&breakdown) {
                if crit.required && cs.value == Some(0.0) {
                    blocked_by.push(format!("required: {}", cs.text));
                }
            }
            match self.rule(i, j) {
                Some(RuleReason::History) => blocked_by.push("paired in an earlier round".into()),
                Some(RuleReason::Forbidden(r)) => blocked_by.push(match r {
                    Some(r) => format!("forbidden by the coordinator: {r}"),
                    None => "forbidden by the coordinator".into(),
                }),
                Some(RuleReason::FieldRule(t)) => blocked_by.push(t.clone()),
                None => {}
            }
            if let Some(why) = self
                .preferences()
                .and_then(|p| p.why_forbidden(self.cohort(), i, j))
            {
                blocked_by.push(why);
            }
            if let Some(m) = self.config().rules.min_score {
                if score < m {
                    blocked_by.push(format!("score {score:.1} is below min_score {m}"));
                }
            }
        }
        let mut text = breakdown
            .iter()
            .map(|b| b.text.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        if pinned {
            text = format!("pinned by the coordinator; {text}");
        }
        Explanation {
            mentee_id: mentee.id().to_string(),
            mentor_id: mentor.id().to_string(),
            score,
            allowed,
            pinned,
            breakdown,
            blocked_by,
            text,
        }
    }
}
