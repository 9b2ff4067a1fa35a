//! End-to-end tests of the `mentormatch` binary on the sample data and shared fixtures.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use common::{arg, read_csv, root, run, run_on, stderr, tmp, write_tmp};

/// The sample cohort (examples/data).
const MENTORS: &str = "examples/data/mentors.csv";
const MENTEES: &str = "examples/data/mentees.csv";
/// The small cohort of the fixtures.
const TINY_MENTORS: &str = "tests/fixtures/tiny_mentors.csv";
const TINY_MENTEES: &str = "tests/fixtures/tiny_mentees.csv";

fn departments(path: &str) -> HashMap<String, String> {
    read_csv(&root().join(path))
        .into_iter()
        .map(|r| (r["id"].clone(), r["department"].clone()))
        .collect()
}

#[test]
fn sample_match_writes_pairs_report_and_scores() {
    let (out, report, scores) = (tmp("pairs.csv"), tmp("report.md"), tmp("scores.csv"));
    let o = run_on(
        "match",
        MENTORS,
        MENTEES,
        &[
            "--config",
            "examples/config.toml",
            "--out",
            arg(&out),
            "--report",
            arg(&report),
            "--scores-out",
            arg(&scores),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("mentee_id,mentor_id,score,differ_department,"));
    let pairs = read_csv(&out);
    let mentee_dept = departments(MENTEES);
    let mentor_dept = departments(MENTORS);
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
    let en = run_on("match", MENTORS, MENTEES, &[]);
    let no = run_on(
        "match",
        "examples/data/mentors_no.csv",
        "examples/data/mentees_no.csv",
        &["--config", "examples/config_no.toml"],
    );
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
    let o = run_on("match", "tests/fixtures/bad_capacity.csv", MENTEES, &[]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.starts_with("mentormatch: tests/fixtures/bad_capacity.csv, row 4, field 'capacity': 'two' is not a whole number"),
        "{e}"
    );
    assert_eq!(e.lines().count(), 1, "one clean line: {e}");
    let o = run_on("match", "nope.csv", MENTEES, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope.csv"));
    let o = run(&["match", "--mentors", MENTORS]);
    assert_eq!(o.status.code(), Some(2), "usage error");
}

#[test]
fn infeasible_exits_1_with_a_hall_diagnosis() {
    let mentors = write_tmp(
        "one_mentor.csv",
        "id,department,capacity\nm1,Drama,5\nm2,Nyheter,1\n",
    );
    let mentees = write_tmp(
        "three_mentees.csv",
        "id,department\ne1,Drama\ne2,Drama\ne3,Sport\n",
    );
    let o = run_on("match", arg(&mentors), arg(&mentees), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("the 2 mentees e1, e2 can only be paired with 1 mentor place between them: m2"),
        "{e}"
    );
    // Allowing unmatched mentees resolves it: two pairs, one unmatched row with a reason.
    let o = run_on(
        "match",
        arg(&mentors),
        arg(&mentees),
        &["--allow-unmatched"],
    );
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
            let mut args = vec!["solve-matrix", arg(&input), "--out", arg(&out)];
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
    let mentee_dept = departments(MENTEES);
    let mentor_dept = departments(MENTORS);
    for solver in ["sparse", "heuristic"] {
        let (out, report) = (
            tmp(&format!("pairs-{solver}.csv")),
            tmp(&format!("report-{solver}.md")),
        );
        let o = run_on(
            "match",
            MENTORS,
            MENTEES,
            &[
                "--config",
                "examples/config.toml",
                "--solver",
                solver,
                "--out",
                arg(&out),
                "--report",
                arg(&report),
            ],
        );
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

/// Every cell of a CSV file, header included.
fn all_cells(path: &Path) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    r.records()
        .flat_map(|rec| rec.unwrap().iter().map(String::from).collect::<Vec<_>>())
        .collect()
}

fn is_plain_number(s: &str) -> bool {
    s.trim_start_matches(['+', '-']).parse::<f64>().is_ok()
        && !s.contains("inf")
        && !s.contains("NaN")
}

#[test]
fn csv_outputs_neutralise_formulas_but_keep_numbers() {
    let mentors = write_tmp(
        "inject_mentors.csv",
        "id,name,department,interests,offers\n\
         \"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",Eve,=cmd|' /C calc'!A0,sport,digital\n\
         @SUM(A1),Mallory,Drama,+47 22 33 44 55,digital\n",
    );
    let mentees = write_tmp(
        "inject_mentees.csv",
        "id,name,department,interests,needs\n-2+3,Trudy,Nyheter,sport,digital\n\"\tx\",Tab,Sport,musikk,digital\n",
    );
    let (out, scores) = (tmp("inject_pairs.csv"), tmp("inject_scores.csv"));
    let o = run_on(
        "match",
        arg(&mentors),
        arg(&mentees),
        &["--out", arg(&out), "--scores-out", arg(&scores)],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for path in [&out, &scores] {
        let cells = all_cells(path);
        for c in &cells {
            let risky = c.starts_with(['=', '+', '-', '@', '\t', '\r']);
            assert!(
                !risky || is_plain_number(c),
                "{}: unsafe cell {c:?}",
                path.display()
            );
        }
        let text = std::fs::read_to_string(path).unwrap();
        // (Cells are trimmed on input, so "\tx" arrives as "x"; csv_safe's unit tests cover tabs.)
        for quoted in ["'=HYPERLINK(", "'@SUM(A1)", "'-2+3"] {
            assert!(
                text.contains(quoted),
                "{} lacks {quoted:?}:\n{text}",
                path.display()
            );
        }
    }
    // Scores stay numbers (no quote in front of them).
    for row in read_csv(&scores) {
        assert!(row["score"].parse::<f64>().is_ok(), "{row:?}");
    }
    for row in read_csv(&out) {
        assert!(row["score"].parse::<f64>().is_ok(), "{row:?}");
    }
}

#[test]
fn a_column_neither_file_has_is_an_error_listing_the_columns() {
    let cfg = write_tmp(
        "typo.toml",
        "[[criteria]]\nkind = \"share\"\nfield = \"hobbies\"\n",
    );
    let out = tmp("typo_pairs.csv");
    let o = run_on(
        "match",
        TINY_MENTORS,
        TINY_MENTEES,
        &["--config", arg(&cfg), "--out", arg(&out)],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "mentormatch: {}, field 'criteria[0].field': neither tests/fixtures/tiny_mentors.csv nor \
             tests/fixtures/tiny_mentees.csv has a column 'hobbies'; tests/fixtures/tiny_mentors.csv has \
             id, name, department, location, background, cultural_competence, interests, offers, capacity; \
             tests/fixtures/tiny_mentees.csv has id, name, department, location, background, \
             cultural_competence, interests, needs (correct the name, or map it to your header in \
             [columns], e.g. [columns] hobbies = \"Fritid\")\n",
            cfg.display()
        )
    );
    assert!(!out.exists(), "nothing written on bad input");

    // Wrong case: the hint names the column meant.
    let cfg = write_tmp(
        "case.toml",
        "[[criteria]]\nkind = \"differ\"\nfield = \"department\"\n\n[[criteria]]\nkind = \"numeric\"\nfield = \"age\"\n",
    );
    let mentees = write_tmp("case_mentees.csv", "id,department,Age\nt1,Drama,50\n");
    let mentors = write_tmp("case_mentors.csv", "id,department,Age\nu1,Sport,25\n");
    let o = run_on(
        "match",
        arg(&mentors),
        arg(&mentees),
        &["--config", arg(&cfg)],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("field 'criteria[1].field': neither"), "{e}");
    assert!(
        e.ends_with("(did you mean 'Age'? Column names are case-sensitive)\n"),
        "{e}"
    );
    assert_eq!(e.lines().count(), 1);
}

#[test]
fn a_column_on_one_side_only_is_a_warning() {
    let cfg = write_tmp(
        "oneside.toml",
        "[[criteria]]\nkind = \"differ\"\nfield = \"department\"\nrequired = true\n\n\
         [[criteria]]\nkind = \"numeric\"\nfield = \"age\"\n",
    );
    let mentees = write_tmp("oneside_mentees.csv", "id,department,age\nt1,Drama,50\n");
    let o = run_on(
        "match",
        TINY_MENTORS,
        arg(&mentees),
        &["--config", arg(&cfg)],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains(&format!(
            "mentormatch: warning: {}, field 'criteria[1].field': only {} has a column 'age' \
             (tests/fixtures/tiny_mentors.csv lacks it): every pair counts it as unknown",
            cfg.display(),
            mentees.display()
        )),
        "{e}"
    );
}

#[test]
fn forbid_when_keeps_people_away_from_their_manager_in_both_directions() {
    // Mentee t1 reports to mentor u1 (the best fit otherwise); mentor u3 reports to mentee t3.
    let mentees = write_tmp(
        "fw_mentees.csv",
        "id,department,interests,needs,manager_id\n\
         t1,Nyheter,sport,digital,U1\n\
         t2,Sport,sport,digital,\n\
         t3,Marked,reise,podkast,\n",
    );
    let mentors = write_tmp(
        "fw_mentors.csv",
        "id,department,interests,offers,capacity,manager_id\n\
         u1,Drama,sport,digital,1,\n\
         u2,Teknologi,film,digital,1,\n\
         u3,Distrikt,reise,podkast,1,t3\n\
         u4,Drama,musikk,podkast,1,\n",
    );
    let cfg = write_tmp(
        "fw.toml",
        "[[forbid_when]]\nmentee = \"manager_id\"\nmentor = \"id\"\nreason = \"reporting line\"\n\n\
         [[forbid_when]]\nmentee = \"id\"\nmentor = \"manager_id\"\n",
    );
    let match_with = |cfg: &Path| {
        run_on(
            "match",
            arg(&mentors),
            arg(&mentees),
            &["--config", arg(cfg)],
        )
    };
    let scores = tmp("fw_scores.csv");
    let o = run_on(
        "match",
        arg(&mentors),
        arg(&mentees),
        &["--config", arg(&cfg), "--scores-out", arg(&scores)],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    // Every combination: allowed is false exactly for the two reporting lines.
    for s in read_csv(&scores) {
        let pair = (s["mentee_id"].as_str(), s["mentor_id"].as_str());
        let forbidden = pair == ("t1", "u1") || pair == ("t3", "u3");
        if forbidden {
            assert_eq!(s["allowed"], "false", "{pair:?}");
        }
    }
    for line in out.lines().skip(1) {
        assert!(
            !line.starts_with("t1,u1,") && !line.starts_with("t3,u3,"),
            "{out}"
        );
    }
    assert_eq!(out.lines().count(), 4, "{out}");

    // A pin on a forbidden pair is an error naming the rule.
    let cfg = write_tmp(
        "fw_pin.toml",
        "[[forbid_when]]\nmentee = \"manager_id\"\nmentor = \"id\"\nreason = \"reporting line\"\n\n\
         [[pin]]\nmentee = \"t1\"\nmentor = \"u1\"\n",
    );
    let o = match_with(&cfg);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "mentormatch: config, field 'pin[0]': pinned pair t1 - u1 are ruled out by [[forbid_when]]: \
         reporting line (the mentee's manager_id is the mentor's id: U1) (remove the pin or the conflicting rule)\n"
    );

    // A rule naming a column the mentees file lacks is an input error.
    let cfg = write_tmp(
        "fw_typo.toml",
        "[[forbid_when]]\nmentee = \"manager\"\nmentor = \"id\"\n",
    );
    let o = match_with(&cfg);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "mentormatch: {}, field 'forbid_when[0].mentee': {} has no column 'manager'; {} has id, \
             department, interests, needs, manager_id (correct the name, or map it to your header in \
             [columns], e.g. [columns] hobbies = \"Fritid\")\n",
            cfg.display(),
            mentees.display(),
            mentees.display()
        )
    );
}

fn total_of(stdout: &[u8]) -> f64 {
    let mut r = csv::Reader::from_reader(stdout);
    let h = r.headers().unwrap().clone();
    let col = h.iter().position(|c| c == "score").unwrap();
    r.records()
        .map(|rec| rec.unwrap()[col].parse::<f64>().unwrap_or(0.0))
        .sum()
}

#[test]
fn alternatives_give_the_regret_a_re_solve_finds() {
    let base = [
        "match",
        "--mentors",
        TINY_MENTORS,
        "--mentees",
        TINY_MENTEES,
    ];
    let mut args = base.to_vec();
    args.push("--alternatives");
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let total = total_of(&o.stdout);
    let out = write_tmp("alts.csv", &o.stdout);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with(",pinned,explanation,alternative_mentor,alternative_score,regret"),
        "{text}"
    );
    let rows = read_csv(&out);
    assert_eq!(rows.len(), 4);
    for row in rows {
        // Forbid the pair and re-solve: the total falls by exactly the regret.
        let cfg = write_tmp(
            &format!("alt_{}.toml", row["mentee_id"]),
            format!(
                "[[forbid]]\nmentee = \"{}\"\nmentor = \"{}\"\n",
                row["mentee_id"], row["mentor_id"]
            ),
        );
        let mut args = base.to_vec();
        args.extend(["--config", arg(&cfg)]);
        let o = run(&args);
        if row["regret"] == "inf" {
            assert_eq!(o.status.code(), Some(1), "{row:?}");
            assert_eq!(row["alternative_mentor"], "");
            continue;
        }
        assert!(o.status.success(), "{}", stderr(&o));
        let regret: f64 = row["regret"].parse().unwrap();
        assert!(
            (total - total_of(&o.stdout) - regret).abs() < 1e-6,
            "{row:?}: re-solve total {}",
            total_of(&o.stdout)
        );
        assert_ne!(row["alternative_mentor"], row["mentor_id"]);
    }
    // Not defined for plans shaped by quotas: a clean error.
    let cfg = write_tmp(
        "alt_quota.toml",
        "[[quota]]\nside = \"mentor\"\nfield = \"location\"\nvalues = [\"Oslo\"]\nmax = 1\n",
    );
    let mut args = base.to_vec();
    args.extend(["--config", arg(&cfg), "--alternatives"]);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "mentormatch: command line, field '--alternatives': alternatives need a proven optimum of \
         the total score, not quotas or spreads (their plan has no prices) (drop --alternatives, or \
         use objective = \"total\" without [[quota]]/[[spread]] and the exact solver)\n"
    );
}

#[test]
fn suggest_lists_allowed_mentors_with_the_optimal_partner_first() {
    let files = ["--mentors", TINY_MENTORS, "--mentees", TINY_MENTEES];
    let (out, scores) = (tmp("suggest.csv"), tmp("suggest_scores.csv"));
    let mut args = vec!["suggest"];
    args.extend(files);
    args.extend(["--top", "3", "--out", arg(&out)]);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("mentee_id,rank,mentor_id,score,explanation\n"),
        "{text}"
    );
    let rows = read_csv(&out);
    // The plan `match` makes.
    let mut args = vec!["match"];
    args.extend(files);
    args.extend(["--allow-unmatched", "--scores-out", arg(&scores)]);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let plan: HashMap<String, String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .skip(1)
        .map(|l| {
            let mut c = l.split(',');
            (c.next().unwrap().to_string(), c.next().unwrap().to_string())
        })
        .collect();
    let allowed: HashSet<(String, String)> = read_csv(&scores)
        .into_iter()
        .filter(|r| r["allowed"] == "true")
        .map(|r| (r["mentee_id"].clone(), r["mentor_id"].clone()))
        .collect();
    for mentee in ["t1", "t2", "t3", "t4"] {
        let mine: Vec<_> = rows.iter().filter(|r| r["mentee_id"] == mentee).collect();
        let n_allowed = allowed.iter().filter(|(e, _)| e == mentee).count();
        assert_eq!(mine.len(), n_allowed.min(3), "{mentee}: {mine:?}");
        for (k, r) in mine.iter().enumerate() {
            assert_eq!(r["rank"], (k + 1).to_string());
            assert!(
                allowed.contains(&(mentee.to_string(), r["mentor_id"].clone())),
                "{r:?} is not an allowed pair"
            );
            assert_ne!(r["mentor_id"], "u6", "capacity 0: never suggested");
        }
        if let Some(partner) = plan.get(mentee).filter(|p| !p.is_empty()) {
            assert_eq!(
                &mine[0]["mentor_id"], partner,
                "rank 1 is the plan's partner"
            );
        }
    }
    // Bad input: one clean line, exit 2, nothing written.
    let bad = tmp("suggest_bad.csv");
    let o = run_on(
        "suggest",
        "tests/fixtures/bad_capacity.csv",
        TINY_MENTEES,
        &["--top", "2", "--out", arg(&bad)],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with(
        "mentormatch: tests/fixtures/bad_capacity.csv, row 4, field 'capacity': 'two' is not a whole number"
    ));
    assert!(!bad.exists());
    let mut args = vec!["suggest"];
    args.extend(files);
    args.extend(["--top", "0"]);
    assert_eq!(
        run(&args).status.code(),
        Some(2),
        "--top 0 is a usage error"
    );
}

#[test]
fn rematch_keeps_what_can_continue_and_says_why_the_rest_ended() {
    let prev = tmp("prev_pairs.csv");
    let o = run_on("match", TINY_MENTORS, TINY_MENTEES, &["--out", arg(&prev)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before: HashMap<String, String> = read_csv(&prev)
        .into_iter()
        .map(|r| (r["mentee_id"].clone(), r["mentor_id"].clone()))
        .collect();
    // t1's mentor leaves and u7 joins; mentee t5 joins.
    let gone = before["t1"].clone();
    let mentors_text = std::fs::read_to_string(root().join(TINY_MENTORS)).unwrap();
    let mentors = write_tmp(
        "rematch_mentors.csv",
        mentors_text
            .lines()
            .filter(|l| !l.starts_with(&format!("{gone},")))
            .map(|l| format!("{l}\n"))
            .chain(["u7,Vera,Kultur,Oslo,design,,sport,digital,1\n".to_string()])
            .collect::<String>(),
    );
    let mentees_text = std::fs::read_to_string(root().join(TINY_MENTEES)).unwrap();
    let mentees = write_tmp(
        "rematch_mentees.csv",
        format!("{mentees_text}t5,Tor,Marked,Oslo,økonomi,,sport,digital\n"),
    );
    let (out, report) = (tmp("rematch.csv"), tmp("rematch.html"));
    let o = run_on(
        "rematch",
        arg(&mentors),
        arg(&mentees),
        &["--previous", arg(&prev), "--allow-unmatched"],
    );
    assert_eq!(o.status.code(), Some(2), "no such flag: usage error");
    let o = run_on(
        "rematch",
        arg(&mentors),
        arg(&mentees),
        &[
            "--previous",
            arg(&prev),
            "--out",
            arg(&out),
            "--report",
            arg(&report),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = read_csv(&out);
    let status = |e: &str| -> Vec<(String, String)> {
        rows.iter()
            .filter(|r| r["mentee_id"] == e)
            .map(|r| (r["status"].clone(), r["mentor_id"].clone()))
            .collect()
    };
    for (e, m) in &before {
        if e == "t1" {
            continue;
        }
        assert_eq!(
            status(e),
            vec![("kept".to_string(), m.clone())],
            "{e} keeps {m}"
        );
    }
    let t1 = status("t1");
    assert_eq!(t1.len(), 2, "{t1:?}");
    assert!(t1.contains(&("ended".to_string(), gone.clone())));
    assert!(
        t1.iter().any(|(s, m)| s == "changed" && *m != gone),
        "{t1:?}"
    );
    let ended = rows.iter().find(|r| r["status"] == "ended").unwrap();
    assert_eq!(
        ended["explanation"],
        format!("mentor {gone} is no longer in the mentors file")
    );
    assert_eq!(status("t5")[0].0, "new");
    // Given the kept pairs, the rest is optimal: the same total as `match` with them pinned.
    let pins: String = before
        .iter()
        .filter(|(e, _)| *e != "t1")
        .map(|(e, m)| format!("[[pin]]\nmentee = \"{e}\"\nmentor = \"{m}\"\n"))
        .collect();
    let cfg = write_tmp("rematch_pins.toml", &pins);
    let o2 = run_on(
        "match",
        arg(&mentors),
        arg(&mentees),
        &["--config", arg(&cfg)],
    );
    assert!(o2.status.success(), "{}", stderr(&o2));
    let total: f64 = rows
        .iter()
        .filter_map(|r| r["score"].parse::<f64>().ok())
        .sum();
    assert!((total - total_of(&o2.stdout)).abs() < 1e-9);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("<section id=\"changes\">"));
    assert!(html.contains(&format!("mentor {gone} is no longer in the mentors file")));

    // A previous file without mentor_id: one clean line, exit 2, nothing written.
    let bad = write_tmp("prev_bad.csv", "mentee_id,mentor\nt1,\n");
    std::fs::write(&bad, "mentee_id,coach\nt1,u1\n").unwrap();
    let out2 = tmp("rematch_bad_out.csv");
    let o = run_on(
        "rematch",
        arg(&mentors),
        arg(&mentees),
        &["--previous", arg(&bad), "--out", arg(&out2)],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "mentormatch: {}, row 1: there is no 'mentor_id' column; the headers are: 'mentee_id', 'coach' \
             (the history needs the columns mentee_id,mentor_id, with one earlier pair per row)\n",
            bad.display()
        )
    );
    assert!(!out2.exists());
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
        let o = run_on(
            "match",
            MENTORS,
            MENTEES,
            &[
                "--config",
                arg(&config),
                "--solver",
                solver,
                "--time-limit",
                "0.000001",
                "--out",
                arg(&out),
            ],
        );
        assert_eq!(o.status.code(), Some(3), "{solver}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains("within the time limit"), "{solver}: {e}");
        assert!(!out.exists(), "{solver}: a pairs file was written");
    }
    // With time, the same goals give a matching (exit 0) that meets them.
    let o = run_on(
        "match",
        MENTORS,
        MENTEES,
        &["--config", arg(&config), "--out", arg(&out)],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("lagrangian"), "{}", stderr(&o));
    let rows = read_csv(&out);
    let dept = departments(MENTORS);
    let mut per: HashMap<String, usize> = HashMap::new();
    for r in rows.iter().filter(|r| !r["mentor_id"].is_empty()) {
        *per.entry(dept[&r["mentor_id"]].clone()).or_default() += 1;
    }
    assert!(per.values().all(|&c| c <= 3), "{per:?}");
}

#[test]
fn a_solver_that_cannot_run_exits_4() {
    let config = write_tmp(
        "quota_exact.toml",
        "[[quota]]\nside = \"mentor\"\nfield = \"location\"\nvalues = [\"Tromsø\"]\nmax = 3\n",
    );
    let o = run_on(
        "match",
        MENTORS,
        MENTEES,
        &["--config", arg(&config), "--solver", "exact"],
    );
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "mentormatch: solver error: the exact matcher cannot express quotas or spreads; use solver \"ilp\" or \"auto\"\n"
    );
}
