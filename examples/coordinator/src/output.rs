//! CSV outputs: the pairs, and the long score table.

use std::collections::HashMap;
use std::io::{self, Write};

use mentormatch::analysis::alternatives::Alternative;

use mentormatch::csv_safe;
use mentormatch::report::table::PairTable;
use mentormatch::{MatchResult, Participant, Problem};

pub(crate) fn csv_err(e: csv::Error) -> io::Error {
    io::Error::other(e)
}

/// Writes one record with every cell made spreadsheet-safe (see [`mentormatch::csv_safe`]):
/// ids, names and explanations come from application forms anyone can fill in.
pub(crate) fn record<W: Write, S: AsRef<str>>(
    out: &mut csv::Writer<W>,
    cells: impl IntoIterator<Item = S>,
) -> io::Result<()> {
    let row: Vec<String> = cells
        .into_iter()
        .map(|c| csv_safe::cell(c.as_ref()).into_owned())
        .collect();
    out.write_record(&row).map_err(csv_err)
}

/// `alternative_mentor,alternative_score,regret` per mentee id (see `match --alternatives`).
pub type AlternativeCells = HashMap<String, [String; 3]>;

/// The cells of `match --alternatives`: the alternative mentor and score are empty when the
/// best is to leave the mentee unmatched; the regret is `inf` when no matching exists without
/// the pair.
pub fn alternative_cells(problem: &Problem, alts: &[Alternative]) -> AlternativeCells {
    let c = problem.cohort();
    alts.iter()
        .map(|a| {
            let cells = [
                a.alternative
                    .map_or_else(String::new, |j| c.mentors[j].id().to_string()),
                a.alternative_score
                    .map_or_else(String::new, |s| s.to_string()),
                if a.regret.is_finite() {
                    a.regret.to_string()
                } else {
                    "inf".to_string()
                },
            ];
            (c.mentees[a.mentee].id().to_string(), cells)
        })
        .collect()
}

/// `mentee_id,mentor_id,score,<one column per criterion: its points>,pinned,explanation`,
/// then `alternative_mentor,alternative_score,regret` when `alternatives` are given;
/// unmatched mentees as rows with an empty `mentor_id` and the reason as explanation.
pub fn write_pairs<W: Write>(
    w: W,
    result: &MatchResult,
    alternatives: Option<&AlternativeCells>,
) -> io::Result<W> {
    let mut out = csv::Writer::from_writer(w);
    let table = PairTable::with_unmatched(result);
    let mut header: Vec<String> = table.header().into_iter().map(String::from).collect();
    if alternatives.is_some() {
        header.extend([
            "alternative_mentor".to_string(),
            "alternative_score".into(),
            "regret".into(),
        ]);
    }
    let empty = [String::new(), String::new(), String::new()];
    record(&mut out, &header)?;
    for r in 0..table.rows {
        let mut row = table.text_row(r);
        if let Some(alts) = alternatives {
            // Unmatched mentees have no alternative: only pairs are in `alts`.
            let matched = r < result.pairs.len();
            let cells = matched.then(|| alts.get(&row[0])).flatten();
            row.extend(cells.unwrap_or(&empty).iter().cloned());
        }
        record(&mut out, &row)?;
    }
    out.into_inner()
        .map_err(|e| io::Error::other(e.to_string()))
}

/// `mentee_id,mentor_id,score,allowed` for every combination, scores at full precision.
pub fn write_scores<W: Write>(w: W, problem: &Problem) -> io::Result<W> {
    let mut out = csv::Writer::from_writer(w);
    record(&mut out, ["mentee_id", "mentor_id", "score", "allowed"])?;
    let m = problem.n_mentors();
    let (mut scores, mut allowed) = (vec![0.0; m], vec![false; m]);
    // Made safe once per person, not once per row: this table has mentees x mentors rows.
    let mentor_ids: Vec<String> = problem
        .cohort()
        .mentors
        .iter()
        .map(|r| csv_safe::cell(r.id()).into_owned())
        .collect();
    for (i, e) in problem.cohort().mentees.iter().enumerate() {
        problem.score_row(i, &mut scores, &mut allowed);
        let mentee_id = csv_safe::cell(e.id());
        for (j, mentor_id) in mentor_ids.iter().enumerate() {
            out.write_record([
                mentee_id.as_ref(),
                mentor_id,
                &scores[j].to_string(),
                if allowed[j] { "true" } else { "false" },
            ])
            .map_err(csv_err)?;
        }
    }
    out.into_inner()
        .map_err(|e| io::Error::other(e.to_string()))
}

/// `mentee_id,rank,mentor_id,score,explanation`, one row per suggestion.
pub fn write_suggestions<W: Write>(
    w: W,
    problem: &Problem,
    rows: &[mentormatch::analysis::suggest::Suggestion],
) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    record(
        &mut out,
        ["mentee_id", "rank", "mentor_id", "score", "explanation"],
    )?;
    let c = problem.cohort();
    for r in rows {
        let e = problem.explain(r.mentee, r.mentor);
        record(
            &mut out,
            [
                c.mentees[r.mentee].id(),
                &r.rank.to_string(),
                c.mentors[r.mentor].id(),
                &r.score.to_string(),
                &e.text,
            ],
        )?;
    }
    out.flush()
}

/// The re-matched plan: `mentee_id,mentor_id,status,score,<criteria>,pinned,explanation`, with
/// status `kept`, `new` or `changed` for the pairs, `unmatched` for mentees without a mentor
/// (the reason as explanation) and `ended` for each previous pair that does not continue
/// (its old mentor, and why).
pub fn write_rematch<W: Write>(
    w: W,
    r: &mentormatch::analysis::rematch::Rematch,
) -> io::Result<()> {
    let res = &r.result;
    let mut out = csv::Writer::from_writer(w);
    let mut header = vec![
        "mentee_id".to_string(),
        "mentor_id".into(),
        "status".into(),
        "score".into(),
    ];
    header.extend(res.criteria.iter().cloned());
    header.extend(["pinned".to_string(), "explanation".into()]);
    record(&mut out, &header)?;
    let blanks = || res.criteria.iter().map(|_| String::new());
    for (p, c) in res.pairs.iter().zip(&r.change) {
        let mut row = vec![
            p.mentee_id.clone(),
            p.mentor_id.clone(),
            c.as_str().to_string(),
            p.score.to_string(),
        ];
        row.extend(p.breakdown.iter().map(|b| b.points.to_string()));
        row.extend([p.pinned.to_string(), p.explanation.clone()]);
        record(&mut out, &row)?;
    }
    for u in &res.unmatched_mentees {
        let mut row = vec![
            u.id.clone(),
            String::new(),
            "unmatched".into(),
            String::new(),
        ];
        row.extend(blanks());
        row.extend(["false".to_string(), u.reason.to_string()]);
        record(&mut out, &row)?;
    }
    for e in &r.ended {
        let mut row = vec![
            e.mentee_id.clone(),
            e.mentor_id.clone(),
            "ended".into(),
            String::new(),
        ];
        row.extend(blanks());
        row.extend(["false".to_string(), e.reason.clone()]);
        record(&mut out, &row)?;
    }
    out.flush()
}

/// The blocking pairs of an audit:
/// `mentee_id,mentor_id,score,mentee_partner,mentor_drops,reason` (empty partner: unmatched;
/// empty `mentor_drops`: the mentor has a place left).
pub fn write_blocking<W: Write>(w: &mut W, pairs: &[mentormatch::BlockingPair]) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    record(
        &mut out,
        [
            "mentee_id",
            "mentor_id",
            "score",
            "mentee_partner",
            "mentor_drops",
            "reason",
        ],
    )?;
    for b in pairs {
        record(
            &mut out,
            [
                b.mentee_id.as_str(),
                b.mentor_id.as_str(),
                &format!("{:.4}", b.score),
                b.mentee_partner.as_deref().unwrap_or(""),
                b.mentor_drops.as_deref().unwrap_or(""),
                b.reason.as_str(),
            ],
        )?;
    }
    out.flush()
}
