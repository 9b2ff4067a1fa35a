//! The reports for a programme's leadership: Markdown, or HTML (built by the core crate's
//! [`mentormatch::report::html`]) when the file name ends in `.html`.

use std::fmt::Write as _;
use std::path::Path;

use mentormatch::{MatchResult, Problem};

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// True when `path` asks for HTML (`.html` or `.htm`, any case).
pub fn wants_html(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
}

/// The report in the format `path` asks for.
pub fn render(
    path: &Path,
    problem: &Problem,
    r: &MatchResult,
    mentors: &Path,
    mentees: &Path,
) -> String {
    if wants_html(path) {
        mentormatch::report::html(
            problem,
            r,
            &mentors.display().to_string(),
            &mentees.display().to_string(),
        )
    } else {
        markdown(problem, r, mentors, mentees)
    }
}

/// The report of a re-match: the new plan's report with its changes (each pair kept, new or
/// changed; each ended pair with why) after the summary.
pub fn render_rematch(
    path: &Path,
    r: &mentormatch::analysis::rematch::Rematch,
    mentors: &Path,
    mentees: &Path,
) -> String {
    let rows: Vec<Vec<String>> = r
        .result
        .pairs
        .iter()
        .zip(&r.change)
        .filter(|(_, c)| **c != mentormatch::analysis::rematch::Change::Kept)
        .map(|(p, c)| {
            vec![
                c.as_str().to_string(),
                p.mentee_id.clone(),
                p.mentor_id.clone(),
                format!("{:.1}", p.score),
            ]
        })
        .chain(r.ended.iter().map(|e| {
            vec![
                "ended".to_string(),
                e.mentee_id.clone(),
                e.mentor_id.clone(),
                e.reason.clone(),
            ]
        }))
        .collect();
    let kept = r
        .change
        .iter()
        .filter(|&&c| c == mentormatch::analysis::rematch::Change::Kept)
        .count();
    let intro = format!(
        "{kept} pairs kept; {} ended; the pairs below are new or changed.",
        r.ended.len()
    );
    if wants_html(path) {
        let section = mentormatch::report::html::Section {
            id: "changes".into(),
            title: "Changes since the previous plan".into(),
            intro,
            header: vec![
                "Change".into(),
                "Mentee".into(),
                "Mentor".into(),
                "Score or why".into(),
            ],
            rows,
        };
        mentormatch::report::html::html_with(
            &r.problem,
            &r.result,
            &mentors.display().to_string(),
            &mentees.display().to_string(),
            &[section],
        )
    } else {
        let mut s = markdown(&r.problem, &r.result, mentors, mentees);
        let _ = writeln!(s, "## Changes since the previous plan\n\n{intro}\n");
        let _ = writeln!(
            s,
            "| Change | Mentee | Mentor | Score or why |\n|---|---|---|---|"
        );
        for row in rows {
            let cells: Vec<String> = row.iter().map(|c| md(c)).collect();
            let _ = writeln!(s, "| {} |", cells.join(" | "));
        }
        s
    }
}

/// The report: summary, criteria met, every pair with its reasons, the unmatched, the goals.
pub fn markdown(problem: &Problem, r: &MatchResult, mentors: &Path, mentees: &Path) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Mentoring match report\n");
    let _ = writeln!(
        s,
        "Mentees: `{}` ({}), mentors: `{}` ({} applicants, {} places).\n",
        mentees.display(),
        problem.n_mentees(),
        mentors.display(),
        problem.n_mentors(),
        problem
            .capacity()
            .iter()
            .map(|&c| u64::from(c))
            .sum::<u64>()
    );
    let _ = writeln!(s, "## Summary\n");
    let _ = writeln!(s, "| | |\n|---|---|");
    let _ = writeln!(s, "| Pairs | {} |", r.pairs.len());
    let _ = writeln!(s, "| Unmatched mentees | {} |", r.unmatched_mentees.len());
    if let (Some(mean), Some(low)) = (r.mean_score(), r.lowest_score()) {
        let _ = writeln!(s, "| Mean match score | {mean:.1} / 100 |");
        let _ = writeln!(s, "| Lowest match score | {low:.1} / 100 |");
    }
    let _ = writeln!(s, "| Total score | {:.2} |", r.objective);
    let _ = writeln!(s, "| Solver | {} ({}) |", r.solver, r.status);
    if let (Some(b), Some(g)) = (r.bound, r.gap) {
        let _ = writeln!(
            s,
            "| Bound on the best total | {b:.2} (gap {:.2}%) |",
            g * 100.0
        );
    }
    let _ = writeln!(s, "| Fingerprint | `{}` |", r.fingerprint);
    let _ = writeln!(s);

    let _ = writeln!(s, "## How often each criterion was met\n");
    let _ = writeln!(
        s,
        "| Criterion | Weight | Met fully | Partly | Not met | Unknown | Mean value |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|");
    for t in mentormatch::report::table::criterion_stats(problem, r) {
        let mean = t.mean.map_or_else(|| "-".into(), |m| format!("{m:.2}"));
        let req = if t.required { " (required)" } else { "" };
        let _ = writeln!(
            s,
            "| {}{req} | {} | {} | {} | {} | {} | {mean} |",
            t.label, t.weight, t.full, t.partly, t.not_met, t.unknown
        );
    }
    let _ = writeln!(s);

    if !r.goals.is_empty() {
        let _ = writeln!(s, "## Cohort goals\n");
        let _ = writeln!(s, "| Goal | Bound | Reached | Holds |\n|---|---|---|---|");
        for g in &r.goals {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                md(&g.constraint),
                md(&g.bound.to_string()),
                g.value,
                if g.satisfied { "yes" } else { "**no**" }
            );
        }
        let _ = writeln!(s);
    }

    let _ = writeln!(s, "## Pairs\n");
    let _ = writeln!(s, "| Mentee | Mentor | Score | Why |\n|---|---|---|---|");
    for p in &r.pairs {
        let _ = writeln!(
            s,
            "| {} | {} | {:.1} | {} |",
            md(&p.mentee_id),
            md(&p.mentor_id),
            p.score,
            md(&p.explanation)
        );
    }
    let _ = writeln!(s);
    // Concrete reasons with numbers (the best alternative and how it compares).
    let (mentees, mentors) = mentormatch::report::reasons::left_out(problem, r);
    if !mentees.is_empty() {
        let _ = writeln!(s, "## Mentees without a mentor\n");
        for u in &mentees {
            let _ = writeln!(s, "- **{}**: {}", md(&u.id), md(&u.reason));
        }
        let _ = writeln!(s);
    }
    if !mentors.is_empty() {
        let _ = writeln!(s, "## Mentors not selected or with places left\n");
        for u in &mentors {
            let _ = writeln!(s, "- **{}**: {}", md(&u.id), md(&u.reason));
        }
        let _ = writeln!(s);
    }
    s.push_str(&mentormatch::report::stability::markdown(r));
    if !r.notes.is_empty() {
        let _ = writeln!(s, "## Notes\n");
        for n in &r.notes {
            let _ = writeln!(s, "- {}", md(&n.message));
        }
        let _ = writeln!(s);
    }
    s
}
