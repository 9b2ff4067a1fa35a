//! The HTML report: one self-contained file a coordinator can show to leadership, open
//! offline and print.
//!
//! No script, no stylesheet, font or image from elsewhere: the styles are inline, the charts
//! are inline SVG (`svg`), and every text from the input (ids, names, values in the
//! explanations, goal names, file names) goes through [`escape`], so a participant named
//! `<script>` is shown as text and never run.

use std::fmt::Write as _;

use super::escape;
use super::reasons::{self, LeftOut};
use super::svg::{self, GoalBar, PairBar};
use super::table::criterion_stats;
use crate::goals::Goals;
use crate::model::Participant;
use crate::problem::Problem;
use crate::result::MatchResult;

/// The most pairs drawn in the per-pair chart; the table lists every pair.
pub const MAX_PAIR_BARS: usize = 400;

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:2rem auto;max-width:1000px;padding:0 1rem;color:#222;line-height:1.4}\
h1{font-size:1.8rem;margin-bottom:.2rem}h2{border-bottom:2px solid #4e79a7;padding-bottom:.2rem;margin-top:2rem}\
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.92rem}\
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#eef2f7}td.num{text-align:right;white-space:nowrap}\
table.kv{width:auto}table.kv th{width:14rem}\
figure{margin:1rem 0;break-inside:avoid}figcaption{font-weight:600;margin-bottom:.3rem}\
svg.chart{max-width:100%;height:auto;font-family:inherit}\
.no{color:#b00020;font-weight:600}.muted{color:#666}code{font-size:.9em}\
@media print{body{margin:0;max-width:none}h2{break-after:avoid}tr,figure{break-inside:avoid}}";

fn name_of<P: Participant>(p: &P) -> &str {
    p.profile().name.as_deref().unwrap_or("")
}

/// A table added to the report (e.g. the changes of a re-match); every cell is escaped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Section {
    /// Element id.
    pub id: String,
    /// Heading.
    pub title: String,
    /// A sentence above the table.
    pub intro: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

/// The report for `result` of `problem`; `mentors_source` and `mentees_source` name the input
/// files (or tables) in the header.
pub fn html(
    problem: &Problem,
    result: &MatchResult,
    mentors_source: &str,
    mentees_source: &str,
) -> String {
    html_with(problem, result, mentors_source, mentees_source, &[])
}

/// [`html`] with extra sections after the summary.
pub fn html_with(
    problem: &Problem,
    result: &MatchResult,
    mentors_source: &str,
    mentees_source: &str,
    sections: &[Section],
) -> String {
    let cohort = problem.cohort();
    let places: u64 = problem.capacity().iter().map(|&c| u64::from(c)).sum();
    let mut s = String::with_capacity(64 * 1024 + 600 * result.pairs.len());
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"generator\" content=\"mentormatch {}\">\
         <title>Mentoring match report</title><style>{STYLE}</style></head><body>\n",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        s,
        "<h1>Mentoring match report</h1><p class=\"muted\">Mentees: <code>{}</code> ({}), mentors: <code>{}</code> ({} applicants, {places} places).</p>",
        escape(mentees_source),
        problem.n_mentees(),
        escape(mentors_source),
        problem.n_mentors()
    );

    // Summary.
    s.push_str("<section id=\"summary\"><h2>Summary</h2><table class=\"kv\">");
    let mut row = |k: &str, v: String| {
        let _ = write!(s, "<tr><th>{k}</th><td>{v}</td></tr>");
    };
    row("Pairs", result.pairs.len().to_string());
    row(
        "Mentees without a mentor",
        result.unmatched_mentees.len().to_string(),
    );
    if let (Some(mean), Some(low)) = (result.mean_score(), result.lowest_score()) {
        row("Mean match score", format!("{mean:.1} / 100"));
        row("Lowest match score", format!("{low:.1} / 100"));
    }
    row("Total score", format!("{:.2}", result.objective));
    row(
        "Solver",
        format!(
            "{} ({})",
            escape(&result.solver),
            escape(result.status.as_str())
        ),
    );
    if let (Some(b), Some(g)) = (result.bound, result.gap) {
        row(
            "Bound on the best total",
            format!("{b:.2} (gap {:.2}%)", g * 100.0),
        );
    }
    row(
        "Fingerprint",
        format!("<code>{}</code>", escape(&result.fingerprint)),
    );
    s.push_str("</table></section>\n");
    let stability = super::stability::sections(result);
    for sec in sections.iter().chain(&stability) {
        let _ = write!(
            s,
            "<section id=\"{}\"><h2>{}</h2><p>{}</p><table><tr>",
            escape(&sec.id),
            escape(&sec.title),
            escape(&sec.intro)
        );
        for h in &sec.header {
            let _ = write!(s, "<th>{}</th>", escape(h));
        }
        s.push_str("</tr>");
        for r in &sec.rows {
            s.push_str("<tr>");
            for c in r {
                let _ = write!(s, "<td>{}</td>", escape(c));
            }
            s.push_str("</tr>");
        }
        s.push_str("</table></section>\n");
    }

    // Charts.
    s.push_str("<section id=\"charts\"><h2>Charts</h2>");
    let scores: Vec<f64> = result.pairs.iter().map(|p| p.score).collect();
    let _ = write!(
        s,
        "<figure><figcaption>Distribution of pair scores</figcaption>{}</figure>",
        svg::score_histogram(&scores)
    );
    let tallies = criterion_stats(problem, result);
    let _ = write!(
        s,
        "<figure><figcaption>How often each criterion was met</figcaption>{}</figure>",
        svg::criteria_met(&tallies)
    );
    let bars: Vec<PairBar> = result
        .pairs
        .iter()
        .take(MAX_PAIR_BARS)
        .map(|p| PairBar {
            label: format!("{} - {}", p.mentee_id, p.mentor_id),
            points: p.breakdown.iter().map(|b| b.points).collect(),
        })
        .collect();
    let shown = if result.pairs.len() > MAX_PAIR_BARS {
        format!(
            " (the first {MAX_PAIR_BARS} of {}; the table below lists all)",
            result.pairs.len()
        )
    } else {
        String::new()
    };
    let _ = write!(
        s,
        "<figure><figcaption>Each pair's score, split by criterion{shown}</figcaption>{}</figure>",
        svg::pair_bars(&result.criteria, &bars)
    );
    let assignment = reasons::assignment(problem, result);
    let goal_values = Goals::of(problem).evaluate(&assignment);
    if !goal_values.is_empty() {
        let gb: Vec<GoalBar> = goal_values
            .iter()
            .map(|g| GoalBar {
                label: g.goal.clone(),
                value: g.value,
                limit: g.bound.limit(),
                is_lower: g.bound.is_lower(),
                satisfied: g.satisfied,
            })
            .collect();
        let _ = write!(
            s,
            "<figure><figcaption>Cohort goals against their bounds</figcaption>{}</figure>",
            svg::goals(&gb)
        );
    }
    s.push_str("</section>\n");

    // Criteria table.
    s.push_str("<section id=\"criteria\"><h2>How often each criterion was met</h2><table><tr><th>Criterion</th><th>Weight</th><th>Met fully</th><th>Partly</th><th>Not met</th><th>Unknown</th></tr>");
    for t in &tallies {
        let _ = write!(
            s,
            "<tr><td>{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&t.label),
            if t.required { " (required)" } else { "" },
            t.weight,
            t.full,
            t.partly,
            t.not_met,
            t.unknown
        );
    }
    s.push_str("</table></section>\n");

    if !result.goals.is_empty() {
        s.push_str("<section id=\"goals\"><h2>Cohort goals</h2><table><tr><th>Goal</th><th>Bound</th><th>Reached</th><th>Holds</th></tr>");
        for g in &result.goals {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                escape(&g.constraint),
                escape(&g.bound.to_string()),
                g.value,
                if g.satisfied {
                    "yes"
                } else {
                    "<span class=\"no\">no</span>"
                }
            );
        }
        s.push_str("</table></section>\n");
    }

    // Pairs.
    s.push_str("<section id=\"pairs\"><h2>Pairs</h2><table><tr><th>Mentee</th><th>Mentor</th><th>Score</th><th>Why</th></tr>");
    for p in &result.pairs {
        let mentee = problem
            .mentee_index(&p.mentee_id)
            .map_or("", |i| name_of(&cohort.mentees[i]));
        let mentor = problem
            .mentor_index(&p.mentor_id)
            .map_or("", |j| name_of(&cohort.mentors[j]));
        let _ = write!(
            s,
            "<tr class=\"pair\" data-mentee=\"{}\" data-mentor=\"{}\"><td>{}<br><span class=\"muted\">{}</span></td><td>{}<br><span class=\"muted\">{}</span></td><td class=\"num\">{:.1}</td><td>{}</td></tr>",
            escape(&p.mentee_id),
            escape(&p.mentor_id),
            escape(&p.mentee_id),
            escape(mentee),
            escape(&p.mentor_id),
            escape(mentor),
            p.score,
            escape(&p.explanation)
        );
    }
    s.push_str("</table></section>\n");

    let (mentees, mentors) = reasons::left_out(problem, result);
    let mentee_name = |id: &str| {
        problem
            .mentee_index(id)
            .map_or("", |i| name_of(&cohort.mentees[i]))
    };
    let mentor_name = |id: &str| {
        problem
            .mentor_index(id)
            .map_or("", |j| name_of(&cohort.mentors[j]))
    };
    left_out_section(
        &mut s,
        "unmatched",
        "Mentees without a mentor",
        &mentees,
        mentee_name,
    );
    left_out_section(
        &mut s,
        "not-selected",
        "Mentors not selected or with places left",
        &mentors,
        mentor_name,
    );
    if !result.notes.is_empty() {
        s.push_str("<section id=\"notes\"><h2>Notes</h2><ul>");
        for n in &result.notes {
            let _ = write!(s, "<li>{}</li>", escape(&n.message));
        }
        s.push_str("</ul></section>\n");
    }
    let _ = writeln!(
        s,
        "<footer class=\"muted\"><p>mentormatch {} · fingerprint <code>{}</code></p></footer></body></html>",
        env!("CARGO_PKG_VERSION"),
        escape(&result.fingerprint)
    );
    s
}

fn left_out_section<'a>(
    s: &mut String,
    id: &str,
    title: &str,
    people: &[LeftOut],
    name: impl Fn(&str) -> &'a str,
) {
    if people.is_empty() {
        return;
    }
    let _ = write!(
        s,
        "<section id=\"{id}\"><h2>{title}</h2><table><tr><th>Id</th><th>Name</th><th>Reason</th></tr>"
    );
    for p in people {
        let _ = write!(
            s,
            "<tr class=\"left-out\"><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&p.id),
            escape(name(&p.id)),
            escape(&p.reason)
        );
    }
    s.push_str("</table></section>\n");
}
