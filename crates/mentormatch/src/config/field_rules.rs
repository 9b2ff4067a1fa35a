//! `[[forbid_when]]` field rules: pairs ruled out because a mentee's column and a mentor's
//! column hold the same value, such as a reporting line (`manager_id` against `id`).
//!
//! Each rule is compiled by indexing the mentors by their values, so it costs
//! O(mentees + mentors + forbidden pairs) rather than a pass over every pair: a national
//! programme with 100,000 people on each side pays almost nothing for it.

use std::collections::HashMap;

use crate::config::ForbidWhen;
use crate::model::{Field, Mentee, Mentor, Participant};

/// Comparison key of one value: the same as the scorer's (case and outer spaces ignored).
fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

/// The values of `field` on a participant, as comparison keys; an empty cell gives none, so an
/// unknown manager never forbids anything.
fn keys<P: Participant>(p: &P, field: &Field) -> Vec<(String, String)> {
    p.value(field)
        .as_set()
        .into_iter()
        .map(|v| (key(v), v.to_string()))
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

/// Every `(mentee, mentor)` index pair `rule` forbids, sorted, each with the shared value in
/// the mentee's spelling.
pub fn forbidden_pairs(
    rule: &ForbidWhen,
    mentees: &[Mentee],
    mentors: &[Mentor],
) -> Vec<(usize, usize, String)> {
    let (fe, fm) = (Field::parse(&rule.mentee), Field::parse(&rule.mentor));
    let mut by_value: HashMap<String, Vec<usize>> = HashMap::new();
    for (j, m) in mentors.iter().enumerate() {
        for (k, _) in keys(m, &fm) {
            by_value.entry(k).or_default().push(j);
        }
    }
    let mut out = Vec::new();
    for (i, e) in mentees.iter().enumerate() {
        for (k, shown) in keys(e, &fe) {
            if let Some(js) = by_value.get(&k) {
                out.extend(js.iter().map(|&j| (i, j, shown.clone())));
            }
        }
    }
    out.sort_by_key(|p| (p.0, p.1));
    out.dedup_by(|a, b| (a.0, a.1) == (b.0, b.1));
    out
}

/// The rule in words for one forbidden pair, e.g. `reporting line (the mentee's manager_id is
/// the mentor's id: M03)`.
pub fn describe(rule: &ForbidWhen, value: &str) -> String {
    let what = format!(
        "the mentee's {} is the mentor's {}: {value}",
        rule.mentee.trim(),
        rule.mentor.trim()
    );
    match rule.reason.as_deref().map(str::trim) {
        Some(r) if !r.is_empty() => format!("{r} ({what})"),
        _ => format!("forbid_when ({what})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(mentee: &str, mentor: &str) -> ForbidWhen {
        ForbidWhen {
            mentee: mentee.into(),
            mentor: mentor.into(),
            reason: None,
        }
    }

    fn mentee(id: &str, manager: &str) -> Mentee {
        let mut e = Mentee::new(id);
        if !manager.is_empty() {
            e.profile.extra.insert("manager_id".into(), manager.into());
        }
        e
    }

    #[test]
    fn matches_values_case_insensitively_and_skips_empty_cells() {
        let mentees = vec![mentee("L1", "m2"), mentee("L2", ""), mentee("L3", "M1; M3")];
        let mentors = vec![Mentor::new("M1"), Mentor::new("M2"), Mentor::new("M3")];
        let got = forbidden_pairs(&rule("manager_id", "id"), &mentees, &mentors);
        let pairs: Vec<(usize, usize)> = got.iter().map(|p| (p.0, p.1)).collect();
        assert_eq!(pairs, vec![(0, 1), (2, 0), (2, 2)]);
        // Brute force agrees on every pair.
        for (i, e) in mentees.iter().enumerate() {
            for (j, m) in mentors.iter().enumerate() {
                let ke: Vec<String> = keys(e, &Field::parse("manager_id"))
                    .into_iter()
                    .map(|k| k.0)
                    .collect();
                let hit = ke.contains(&key(m.id()));
                assert_eq!(hit, pairs.contains(&(i, j)), "{i} {j}");
            }
        }
        assert_eq!(
            describe(&rule("manager_id", "id"), &got[0].2),
            "forbid_when (the mentee's manager_id is the mentor's id: m2)"
        );
    }
}
