//! End-to-end tests of the `mentormatch` binary on the sample data and shared fixtures.
#![allow(clippy::unwrap_used)]

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mentormatch"))
        .current_dir(root())
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mentormatch-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.into(), v.into()))
                .collect()
        })
        .collect()
}

fn departments(path: &str) -> HashMap<String, String> {
    read_csv(&root().join(path))
        .into_iter()
        .map(|r| (r["id"].clone(), r["department"].clone()))
        .collect()
}

#[test]
fn sample_match_writes_pairs_report_and_scores() {
    let (out, report, scores) = (tmp("pairs.csv"), tmp("report.md"), tmp("scores.csv"));
    let o = run(&[
        "match",
        "--mentors",
        "examples/data/mentors.csv",
        "--mentees",
        "examples/data/mentees.csv",
        "--config",
        "examples/config.toml",
        "--out",
        out.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
        "--scores-out",
        scores.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("mentee_id,mentor_id,score,differ_department,"));
    let pairs = read_csv(&out);
    let mentee_dept = departments("examples/data/mentees.csv");
    let mentor_dept = departments("examples/data/mentors.csv");
    assert_eq!(pairs.len(), mentee_dept.len(), "every mentee appears once");
    let past: HashSet<(String, String)> = read_csv(&root().join("examples/data/past_pairs.csv"))
        .into_iter()
        .map(|r| (r["mentee_id"].clone(), r["mentor_id"].clone()))
        .collect();
    for p in &pairs {
        assert!(!p["mentor_id"].is_empty());
        assert_ne!(
            mentee_dept[&p["mentee_id"]], mentor_dept[&p["mentor_id"]],
            "required: different department"
        );
        assert!(
            !past.contains(&(p["mentee_id"].clone(), p["mentor_id"].clone())),
            "history is never repeated"
        );
    }
    let report = std::fs::read_to_string(&report).unwrap();
    for section in [
        "## Summary",
        "## How often each criterion was met",
        "## Pairs",
        "Fingerprint",
    ] {
        assert!(report.contains(section), "report lacks {section}");
    }
    let scores = read_csv(&scores);
    assert_eq!(scores.len(), mentee_dept.len() * mentor_dept.len());
    for s in &scores {
        let same = mentee_dept[&s["mentee_id"]] == mentor_dept[&s["mentor_id"]];
        if same {
            assert_eq!(s["allowed"], "false");
        }
    }
    // The pairs' scores are the scores table's, at full precision.
    let table: HashMap<(String, String), String> = scores
        .into_iter()
        .map(|s| {
            (
                (s["mentee_id"].clone(), s["mentor_id"].clone()),
                s["score"].clone(),
            )
        })
        .collect();
    for p in &pairs {
        assert_eq!(
            table[&(p["mentee_id"].clone(), p["mentor_id"].clone())],
            p["score"]
        );
    }
}

#[test]
fn norwegian_headers_bom_and_crlf_give_the_same_pairs() {
    let en = run(&[
        "match",
        "--mentors",
        "examples/data/mentors.csv",
        "--mentees",
        "examples/data/mentees.csv",
    ]);
    let no = run(&[
        "match",
        "--mentors",
        "examples/data/mentors_no.csv",
        "--mentees",
        "examples/data/mentees_no.csv",
        "--config",
        "examples/config_no.toml",
    ]);
    assert!(
        en.status.success() && no.status.success(),
        "{}{}",
        stderr(&en),
        stderr(&no)
    );
    assert_eq!(
        String::from_utf8_lossy(&en.stdout),
        String::from_utf8_lossy(&no.stdout)
    );
}

#[test]
fn bad_input_exits_2_naming_file_row_and_field() {
    let o = run(&[
        "match",
        "--mentors",
        "tests/fixtures/bad_capacity.csv",
        "--mentees",
        "examples/data/mentees.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.starts_with("mentormatch: tests/fixtures/bad_capacity.csv, row 4, field 'capacity': 'two' is not a whole number"),
        "{e}"
    );
    assert_eq!(e.lines().count(), 1, "one clean line: {e}");
    let o = run(&[
        "match",
        "--mentors",
        "nope.csv",
        "--mentees",
        "examples/data/mentees.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope.csv"));
    let o = run(&["match", "--mentors", "examples/data/mentors.csv"]);
    assert_eq!(o.status.code(), Some(2), "usage error");
}

#[test]
fn infeasible_exits_1_with_a_hall_diagnosis() {
    let mentors = tmp("one_mentor.csv");
    std::fs::write(
        &mentors,
        "id,department,capacity\nm1,Drama,5\nm2,Nyheter,1\n",
    )
    .unwrap();
    let mentees = tmp("three_mentees.csv");
    std::fs::write(&mentees, "id,department\ne1,Drama\ne2,Drama\ne3,Sport\n").unwrap();
    let o = run(&[
        "match",
        "--mentors",
        mentors.to_str().unwrap(),
        "--mentees",
        mentees.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("the 2 mentees e1, e2 can only be paired with 1 mentor place between them: m2"),
        "{e}"
    );
    // Allowing unmatched mentees resolves it: two pairs, one unmatched row with a reason.
    let o = run(&[
        "match",
        "--mentors",
        mentors.to_str().unwrap(),
        "--mentees",
        mentees.to_str().unwrap(),
        "--allow-unmatched",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let unmatched: Vec<&str> = out.lines().filter(|l| l.contains(",,")).collect();
    assert_eq!(unmatched.len(), 1, "{out}");
}

fn brute(m: &[Vec<f64>], maximize: bool) -> f64 {
    // Every injective map of the smaller side.
    fn rec(m: &[Vec<f64>], r: usize, used: &mut Vec<bool>, sign: f64) -> f64 {
        if r == m.len() {
            return 0.0;
        }
        let mut best = f64::INFINITY;
        for c in 0..m[0].len() {
            if !used[c] && m[r][c].is_finite() {
                used[c] = true;
                best = best.min(sign * m[r][c] + rec(m, r + 1, used, sign));
                used[c] = false;
            }
        }
        best
    }
    if m.len() > m[0].len() {
        let t: Vec<Vec<f64>> = (0..m[0].len())
            .map(|c| m.iter().map(|r| r[c]).collect())
            .collect();
        return brute(&t, maximize);
    }
    let sign = if maximize { -1.0 } else { 1.0 };
    sign * rec(m, 0, &mut vec![false; m[0].len()], sign)
}

#[test]
fn solve_matrix_is_optimal_and_respects_forbidden_cells() {
    let mut seed = 7u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % 20
    };
    for case in 0..12 {
        let (rows, cols) = (2 + case % 3, 3 + case % 4);
        let m: Vec<Vec<f64>> = (0..rows)
            .map(|_| {
                (0..cols)
                    .map(|_| {
                        let v = next();
                        if v < 3 {
                            f64::INFINITY
                        } else {
                            v as f64
                        }
                    })
                    .collect()
            })
            .collect();
        let text: String = m
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| {
                        if v.is_finite() {
                            v.to_string()
                        } else {
                            "-".into()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(",")
                    + "\n"
            })
            .collect();
        let (input, out) = (tmp(&format!("m{case}.csv")), tmp(&format!("a{case}.csv")));
        std::fs::write(&input, text).unwrap();
        for maximize in [false, true] {
            let mut args = vec![
                "solve-matrix",
                input.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ];
            if maximize {
                args.push("--maximize");
            }
            let o = run(&args);
            let best = brute(&m, maximize);
            if !best.is_finite() {
                assert_eq!(o.status.code(), Some(1), "infeasible case {case}");
                assert!(stderr(&o).contains("cost matrix is infeasible"));
                continue;
            }
            assert!(o.status.success(), "{}", stderr(&o));
            let a = read_csv(&out);
            assert_eq!(a.len(), rows.min(cols));
            let mut total = 0.0;
            let mut cols_used = HashSet::new();
            for r in &a {
                let (i, j): (usize, usize) = (r["row"].parse().unwrap(), r["col"].parse().unwrap());
                assert!(m[i][j].is_finite(), "forbidden cell used");
                assert!(cols_used.insert(j));
                total += m[i][j];
            }
            assert_eq!(total, best, "case {case} maximize {maximize}");
            assert!(stderr(&o).contains(&format!("total {best}")));
        }
    }
    let o = run(&["solve-matrix", "tests/fixtures/matrix_nan.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("tests/fixtures/matrix_nan.csv"));
}

/// `--solver sparse` and `--solver heuristic` keep the hard rules, match everyone, report the
/// bound on stderr and in the report, and draw no progress bar when stderr is not a terminal.
#[test]
fn sparse_backends_from_the_command_line() {
    let mentee_dept = departments("examples/data/mentees.csv");
    let mentor_dept = departments("examples/data/mentors.csv");
    for solver in ["sparse", "heuristic"] {
        let (out, report) = (
            tmp(&format!("pairs-{solver}.csv")),
            tmp(&format!("report-{solver}.md")),
        );
        let o = run(&[
            "match",
            "--mentors",
            "examples/data/mentors.csv",
            "--mentees",
            "examples/data/mentees.csv",
            "--config",
            "examples/config.toml",
            "--solver",
            solver,
            "--out",
            out.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ]);
        let err = stderr(&o);
        assert!(o.status.success(), "{err}");
        assert!(err.contains("upper bound on the best total"), "{err}");
        assert!(
            !err.contains('\u{1b}'),
            "no terminal escapes when piped: {err:?}"
        );
        let pairs = read_csv(&out);
        assert_eq!(pairs.len(), mentee_dept.len());
        for p in &pairs {
            assert_ne!(
                mentee_dept[&p["mentee_id"]], mentor_dept[&p["mentor_id"]],
                "required: different department ({solver})"
            );
        }
        let report = std::fs::read_to_string(&report).unwrap();
        assert!(report.contains("Bound on the best total"), "{solver}");
    }
}

#[test]
fn no_matching_in_time_exits_3_without_a_pairs_file() {
    let (config, out) = (tmp("goals.toml"), tmp("no-pairs.csv"));
    std::fs::write(
        &config,
        "[[spread]]\nside = \"mentor\"\nfield = \"department\"\nmax = 3\n",
    )
    .unwrap();
    let _ = std::fs::remove_file(&out);
    for solver in ["auto", "lagrangian", "ilp"] {
        let o = run(&[
            "match",
            "--mentors",
            "examples/data/mentors.csv",
            "--mentees",
            "examples/data/mentees.csv",
            "--config",
            config.to_str().unwrap(),
            "--solver",
            solver,
            "--time-limit",
            "0.000001",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(3), "{solver}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains("within the time limit"), "{solver}: {e}");
        assert!(!out.exists(), "{solver}: a pairs file was written");
    }
    // With time, the same goals give a matching (exit 0) that meets them.
    let o = run(&[
        "match",
        "--mentors",
        "examples/data/mentors.csv",
        "--mentees",
        "examples/data/mentees.csv",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("lagrangian"), "{}", stderr(&o));
    let rows = read_csv(&out);
    let dept = departments("examples/data/mentors.csv");
    let mut per: HashMap<String, usize> = HashMap::new();
    for r in rows.iter().filter(|r| !r["mentor_id"].is_empty()) {
        *per.entry(dept[&r["mentor_id"]].clone()).or_default() += 1;
    }
    assert!(per.values().all(|&c| c <= 3), "{per:?}");
}
