//! End-to-end tests of ranked preferences in the `mentormatch` binary: `objective = "stable"`,
//! the blocking pairs of every match, the price of stability and `mentormatch audit`.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Output;

use common::{arg, root, run_on, stderr, tmp, write_tmp};

const MENTORS: &str = "examples/data/mentors_prefs.csv";
const MENTEES: &str = "examples/data/mentees_prefs.csv";

/// N in the stderr line `mentormatch: N blocking pairs`.
fn blocking_count(err: &str) -> usize {
    let line = err
        .lines()
        .find(|l| l.starts_with("mentormatch: ") && l.ends_with(" blocking pairs"))
        .unwrap_or_else(|| panic!("no blocking pairs line in {err}"));
    line["mentormatch: ".len()..line.len() - " blocking pairs".len()]
        .parse()
        .unwrap()
}

#[test]
fn stable_match_has_no_blocking_pairs_and_the_optimum_has_some_by_audit() {
    let config = write_tmp("stable.toml", "objective = \"stable\"\n");
    let stable_pairs = tmp("stable_pairs.csv");
    let report = tmp("stable_report.md");
    let o = run_on(
        "match",
        MENTORS,
        MENTEES,
        &[
            "--config",
            arg(&config),
            "--out",
            arg(&stable_pairs),
            "--report",
            arg(&report),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("(stable)"), "{err}");
    assert_eq!(blocking_count(&err), 0);
    let md = std::fs::read_to_string(&report).unwrap();
    assert!(
        md.contains("## Stability") && md.contains("The matching is stable"),
        "{md}"
    );
    assert!(md.contains("## Price of stability"), "{md}");

    let best_pairs = tmp("best_pairs.csv");
    let html = tmp("best_report.html");
    let o = run_on(
        "match",
        MENTORS,
        MENTEES,
        &["--out", arg(&best_pairs), "--report", arg(&html)],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let best_blocking = blocking_count(&stderr(&o));
    assert!(best_blocking > 0, "the sample's optimum is not stable");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("<section id=\"stability\"><h2>Stability</h2>"),
        "{page}"
    );
    assert!(
        page.contains(&format!("<p>{best_blocking} blocking pairs:")),
        "{page}"
    );
    assert!(
        page.contains("<section id=\"price-of-stability\">"),
        "{page}"
    );
    assert!(page.contains("Stability costs"), "{page}");

    // The audit agrees with the match on both matchings.
    for (pairs, expected) in [(&stable_pairs, 0), (&best_pairs, best_blocking)] {
        let blocking = tmp("blocking.csv");
        let o = run_on(
            "audit",
            MENTORS,
            MENTEES,
            &["--pairs", arg(pairs), "--blocking-out", arg(&blocking)],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            out.contains(&format!("| Blocking pairs | {expected} |")),
            "{out}"
        );
        assert!(out.contains("| Pairs breaking a rule | 0 |"), "{out}");
        let rows = std::fs::read_to_string(&blocking).unwrap().lines().count();
        assert_eq!(rows, expected + 1, "header plus one row per blocking pair");
    }
}

/// `mentormatch audit --pairs PAIRS` on the sample cohort (examples/data).
fn audit_sample(pairs: &Path) -> Output {
    run_on(
        "audit",
        "examples/data/mentors.csv",
        "examples/data/mentees.csv",
        &["--pairs", arg(pairs)],
    )
}

#[test]
fn audit_reports_broken_rules_capacity_and_the_optimum() {
    // L01 and M01 share the department Nyheter (required to differ); M01 has one place.
    let pairs = write_tmp("hand.csv", "mentee_id,mentor_id\nL01,M01\nL02,M01\n");
    let o = audit_sample(&pairs);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("| Pairs breaking a rule | 1 |"), "{out}");
    assert!(
        out.contains("**L01 - M01**: required: same department"),
        "{out}"
    );
    assert!(out.contains("**M01**: 2 mentees, capacity 1"), "{out}");
    assert!(out.contains("| Best total under the same rules |"), "{out}");
    assert!(out.contains("L03"), "unmatched mentees are listed: {out}");
}

#[test]
fn bad_pairs_and_bad_lists_exit_2_naming_file_row_and_field() {
    let pairs = write_tmp("unknown.csv", "mentee_id,mentor_id\nL01,M02\nL02,M99\n");
    let o = audit_sample(&pairs);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("unknown.csv, row 3, field 'mentor_id': 'M99' is not a mentor id"),
        "{err}"
    );

    let mentees = tmp("mentees_bad.csv");
    let text = std::fs::read_to_string(root().join(MENTEES)).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    // Row 4 (L03): list M01 first and again at the end.
    lines[3] = format!("{};M01", lines[3]);
    let row = lines[3].clone();
    let cell = row.rsplit(',').next().unwrap().to_string();
    let twice = format!("M01;{cell}");
    lines[3] = format!("{}{}", &row[..row.len() - cell.len()], twice);
    std::fs::write(&mentees, lines.join("\n")).unwrap();
    let o = run_on("match", MENTORS, arg(&mentees), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("mentees_bad.csv, row 4, field 'preferences'"),
        "{err}"
    );
    assert!(err.contains("lists 'M01' twice"), "{err}");
}
