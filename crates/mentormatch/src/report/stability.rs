//! The stability part of the reports: blocking pairs and the price of stability, as sections
//! of the HTML report and as Markdown.

use std::fmt::Write as _;

use crate::report::html::Section;
use crate::result::MatchResult;

/// Blocking pairs shown in a report (all of them are in the result).
pub const REPORT_MAX_ROWS: usize = 50;

fn stability_intro(result: &MatchResult) -> String {
    match &result.blocking_pairs {
        None => "Blocking pairs were not audited for this result (see the notes).".to_string(),
        Some(b) if b.is_empty() => "No blocking pairs: no mentee and mentor who were not paired would both rather be together than with whom they got. The matching is stable.".to_string(),
        Some(b) => {
            let shown = if b.len() > REPORT_MAX_ROWS {
                format!(" The first {REPORT_MAX_ROWS} are listed.")
            } else {
                String::new()
            };
            format!(
                "{} blocking pair{}: a mentee and a mentor who were not paired and who both strictly prefer each other to whom they got (by their ranked preferences where given, else by score; a free place counts as worse than anyone acceptable).{shown}",
                b.len(),
                if b.len() == 1 { "" } else { "s" }
            )
        }
    }
}

fn stability_rows(result: &MatchResult) -> Vec<Vec<String>> {
    result
        .blocking_pairs
        .iter()
        .flatten()
        .take(REPORT_MAX_ROWS)
        .map(|b| {
            vec![
                b.mentee_id.clone(),
                b.mentor_id.clone(),
                format!("{:.1}", b.score),
                b.mentee_partner.clone().unwrap_or_else(|| "(none)".into()),
                b.mentor_drops
                    .clone()
                    .unwrap_or_else(|| "(a free place)".into()),
                b.reason.clone(),
            ]
        })
        .collect()
}

const STABILITY_HEADER: [&str; 6] = [
    "Mentee",
    "Mentor",
    "Score",
    "Mentee's partner",
    "Mentor would give up",
    "Why",
];

fn price_intro(p: &crate::stability::PriceOfStability) -> String {
    let cost = p.optimum_total - p.stable_total;
    let pct = if p.optimum_total.abs() > 0.0 {
        100.0 * cost / p.optimum_total.abs()
    } else {
        0.0
    };
    format!(
        "The {}-optimal stable matching totals {:.2} with {} blocking pairs; the best total is {:.2} with {} blocking pairs. Stability costs {cost:.2} points ({pct:.1}%).",
        p.stable_side.as_str(),
        p.stable_total,
        p.stable_blocking,
        p.optimum_total,
        p.optimum_blocking
    )
}

fn price_rows(p: &crate::stability::PriceOfStability) -> Vec<Vec<String>> {
    vec![
        vec![
            format!("stable ({}-optimal)", p.stable_side.as_str()),
            format!("{:.2}", p.stable_total),
            p.stable_pairs.to_string(),
            p.stable_blocking.to_string(),
        ],
        vec![
            "best total".into(),
            format!("{:.2}", p.optimum_total),
            p.optimum_pairs.to_string(),
            p.optimum_blocking.to_string(),
        ],
    ]
}

const PRICE_HEADER: [&str; 4] = ["Matching", "Total score", "Pairs", "Blocking pairs"];

/// The HTML sections: stability (always), the price of stability (with preferences).
pub fn sections(result: &MatchResult) -> Vec<Section> {
    let mut out = vec![Section {
        id: "stability".into(),
        title: "Stability".into(),
        intro: stability_intro(result),
        header: STABILITY_HEADER.iter().map(|s| s.to_string()).collect(),
        rows: stability_rows(result),
    }];
    if let Some(p) = &result.price_of_stability {
        out.push(Section {
            id: "price-of-stability".into(),
            title: "Price of stability".into(),
            intro: price_intro(p),
            header: PRICE_HEADER.iter().map(|s| s.to_string()).collect(),
            rows: price_rows(p),
        });
    }
    out
}

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn md_table(s: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(s, "| {} |", header.join(" | "));
    let _ = writeln!(s, "|{}", "---|".repeat(header.len()));
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| md(c)).collect();
        let _ = writeln!(s, "| {} |", cells.join(" | "));
    }
    let _ = writeln!(s);
}

/// The same sections in Markdown.
pub fn markdown(result: &MatchResult) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## Stability\n\n{}\n", stability_intro(result));
    let rows = stability_rows(result);
    if !rows.is_empty() {
        md_table(&mut s, &STABILITY_HEADER, &rows);
    }
    if let Some(p) = &result.price_of_stability {
        let _ = writeln!(s, "## Price of stability\n\n{}\n", price_intro(p));
        md_table(&mut s, &PRICE_HEADER, &price_rows(p));
    }
    s
}

/// The audit of a matching made elsewhere, in Markdown.
pub fn audit_markdown(a: &crate::stability::Audit, pairs_source: &str) -> String {
    let mut s = String::new();
    let broken: Vec<_> = a.pairs.iter().filter(|p| !p.allowed).collect();
    let _ = writeln!(s, "# Audit of `{pairs_source}`\n");
    let _ = writeln!(s, "| | |\n|---|---|");
    let _ = writeln!(s, "| Pairs | {} |", a.pairs.len());
    let _ = writeln!(s, "| Pairs breaking a rule | {} |", broken.len());
    let _ = writeln!(s, "| Mentors over capacity | {} |", a.over_capacity.len());
    let _ = writeln!(
        s,
        "| Mentees without a mentor | {} |",
        a.unmatched_mentees.len()
    );
    let _ = writeln!(s, "| Blocking pairs | {} |", a.blocking_pairs.len());
    let _ = writeln!(s, "| Total score | {:.2} |", a.total);
    if let (Some(o), Some(k)) = (a.optimum, a.optimum_pairs) {
        let _ = writeln!(
            s,
            "| Best total under the same rules | {o:.2} ({k} pairs) |"
        );
        if o.abs() > 0.0 {
            let _ = writeln!(
                s,
                "| Share of the best total | {:.1}% |",
                100.0 * a.total / o
            );
        }
    }
    let _ = writeln!(s);
    if !broken.is_empty() {
        let _ = writeln!(s, "## Pairs breaking a rule\n");
        for p in &broken {
            let _ = writeln!(
                s,
                "- **{} - {}**: {}",
                md(&p.mentee_id),
                md(&p.mentor_id),
                md(&p.broken_rules.join("; "))
            );
        }
        let _ = writeln!(s);
    }
    if !a.over_capacity.is_empty() {
        let _ = writeln!(s, "## Mentors over capacity\n");
        for (id, n, cap) in &a.over_capacity {
            let _ = writeln!(s, "- **{}**: {n} mentees, capacity {cap}", md(id));
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "## Blocking pairs\n");
    if a.blocking_pairs.is_empty() {
        let _ = writeln!(s, "None: the matching is stable.\n");
    } else {
        let rows: Vec<Vec<String>> = a
            .blocking_pairs
            .iter()
            .map(|b| {
                vec![
                    b.mentee_id.clone(),
                    b.mentor_id.clone(),
                    format!("{:.1}", b.score),
                    b.mentee_partner.clone().unwrap_or_else(|| "(none)".into()),
                    b.mentor_drops
                        .clone()
                        .unwrap_or_else(|| "(a free place)".into()),
                    b.reason.clone(),
                ]
            })
            .collect();
        md_table(&mut s, &STABILITY_HEADER, &rows);
    }
    let _ = writeln!(s, "## Pairs\n");
    let rows: Vec<Vec<String>> = a
        .pairs
        .iter()
        .map(|p| {
            vec![
                p.mentee_id.clone(),
                p.mentor_id.clone(),
                format!("{:.1}", p.score),
                if p.allowed { "yes" } else { "**no**" }.to_string(),
                p.explanation.clone(),
            ]
        })
        .collect();
    md_table(
        &mut s,
        &["Mentee", "Mentor", "Score", "Allowed", "Why"],
        &rows,
    );
    if !a.unmatched_mentees.is_empty() {
        let _ = writeln!(
            s,
            "## Mentees without a mentor\n\n{}\n",
            a.unmatched_mentees
                .iter()
                .map(|x| md(x))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for n in &a.notes {
        let _ = writeln!(s, "- {}", md(n));
    }
    s
}
