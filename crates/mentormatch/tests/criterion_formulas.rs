//! Every criterion formula against values computed by hand (README "Scoring"), through both
//! the pair-by-pair path (`explain`, `pair`) and the row scorer (`score_matrix`).
#![allow(clippy::unwrap_used)]

use mentormatch::input::{mentees_from_reader, mentors_from_reader};
use mentormatch::{Cohort, Config, Problem};

const MENTORS: &str = "\
id,department,age,interests,cultural_competence,offers,capacity
M1,Sport,30,b;c;d,x;y,a;b,1
M2, sport ,33,a,x,,1
M3,Drama,,,,a;b;c;d,1
";

const MENTEES: &str = "\
id,department,age,interests,cultural_competence,needs
L1,Nyheter,50,a;b;c,x,a;b;c;d
L2,SPORT,35,a;b,,a
L3,Drama,30,,z,
";

const CONFIG: &str = r#"
[[criteria]]
kind = "differ"
field = "department"
[[criteria]]
kind = "share"
field = "interests"
[[criteria]]
kind = "share"
field = "interests"
measure = "jaccard"
label = "jaccard"
[[criteria]]
kind = "complement"
field = "cultural_competence"
[[criteria]]
kind = "cover"
field = "needs"
[[criteria]]
kind = "numeric"
field = "age"
prefer = "mentee_higher"
label = "mentee_higher"
[[criteria]]
kind = "numeric"
field = "age"
prefer = "mentor_higher"
label = "mentor_higher"
[[criteria]]
kind = "numeric"
field = "age"
prefer = "close"
label = "close"
[[criteria]]
kind = "numeric"
field = "age"
prefer = "apart"
scale = 10
label = "apart"
"#;

const N: Option<f64> = None;

/// Hand-computed values, `[mentee][mentor][criterion]`, in the order of CONFIG. `None`: a value
/// is unknown (an empty cell or set), so the criterion counts as `missing` (0.5).
#[rustfmt::skip]
const EXPECTED: [[[Option<f64>; 9]; 3]; 3] = [
    // L1: Nyheter, 50, {a,b,c}, {x}, needs {a,b,c,d}
    [
        // M1: Sport, 30, {b,c,d}, {x,y}, offers {a,b}: 2 common of saturate 2; jaccard 2/4;
        // y is new; half the needs; gap (50-30)/10 = 2.
        [Some(1.0), Some(1.0), Some(0.5), Some(1.0), Some(0.5), Some(1.0), Some(0.0), Some(0.0), Some(1.0)],
        // M2: " sport ", 33, {a}, {x}, no offers: gap 1.7.
        [Some(1.0), Some(0.5), Some(1.0 / 3.0), Some(0.0), N, Some(1.0), Some(0.0), Some(0.0), Some(1.0)],
        // M3: Drama, no age, no interests, no competence, offers everything.
        [Some(1.0), N, N, N, Some(1.0), N, N, N, N],
    ],
    // L2: SPORT, 35, {a,b}, {}, needs {a}
    [
        // M1: same department (case-insensitive); 1 common; jaccard 1/4; both of M1's are new;
        // gap 0.5.
        [Some(0.0), Some(0.5), Some(0.25), Some(1.0), Some(1.0), Some(0.5), Some(0.0), Some(0.5), Some(0.5)],
        // M2: " sport " equals "SPORT" after trimming; jaccard 1/2; gap 0.2.
        [Some(0.0), Some(0.5), Some(0.5), Some(1.0), N, Some(0.2), Some(0.0), Some(0.8), Some(0.2)],
        [Some(1.0), N, N, N, Some(1.0), N, N, N, N],
    ],
    // L3: Drama, 30, {}, {z}, no needs
    [
        // M1: gap 0.
        [Some(1.0), N, N, Some(1.0), N, Some(0.0), Some(0.0), Some(1.0), Some(0.0)],
        // M2: gap -0.3.
        [Some(1.0), N, N, Some(1.0), N, Some(0.0), Some(0.3), Some(0.7), Some(0.3)],
        [Some(0.0), N, N, N, N, N, N, N, N],
    ],
];

fn problem() -> Problem {
    let config = Config::from_toml_str(CONFIG, "test.toml").unwrap();
    let mentors = mentors_from_reader(MENTORS.as_bytes(), "mentors", &config.columns).unwrap();
    let mentees = mentees_from_reader(MENTEES.as_bytes(), "mentees", &config.columns).unwrap();
    Problem::new(Cohort { mentors, mentees }, config, vec![]).unwrap()
}

#[test]
fn every_criterion_value_matches_the_hand_computed_one() {
    let p = problem();
    for (i, row) in EXPECTED.iter().enumerate() {
        for (j, expected) in row.iter().enumerate() {
            let e = p.explain(i, j);
            let got: Vec<Option<f64>> = e.breakdown.iter().map(|c| c.value).collect();
            assert_eq!(got.len(), expected.len());
            for (k, (g, x)) in got.iter().zip(expected).enumerate() {
                match (g, x) {
                    (Some(g), Some(x)) => assert!(
                        (g - x).abs() < 1e-12,
                        "{} - {}, {}: {g} != {x}",
                        e.mentee_id,
                        e.mentor_id,
                        e.breakdown[k].criterion
                    ),
                    _ => assert_eq!(
                        g.is_some(),
                        x.is_some(),
                        "{} - {}, {}",
                        e.mentee_id,
                        e.mentor_id,
                        e.breakdown[k].criterion
                    ),
                }
            }
        }
    }
}

#[test]
fn the_score_is_the_weighted_mean_with_missing_as_one_half() {
    let p = problem();
    let sm = p.score_matrix();
    for (i, row) in EXPECTED.iter().enumerate() {
        for (j, expected) in row.iter().enumerate() {
            let mean = expected.iter().map(|v| v.unwrap_or(0.5)).sum::<f64>() / 9.0;
            let (score, allowed) = p.pair(i, j);
            assert!((score - 100.0 * mean).abs() < 1e-9, "({i}, {j}): {score}");
            assert!(allowed, "no criterion is required here");
            assert!(
                (sm.score(i, j) - score).abs() < 1e-9,
                "row scorer ({i}, {j})"
            );
        }
    }
}

/// The candidate search's bound proof (sparse/candidates.rs) assumes a numeric criterion's
/// value moves monotonically with the gap on each side of its best gap: for a fixed mentee,
/// `mentee_higher` never rises as the mentor's value rises, `mentor_higher` never falls,
/// `close` rises then falls around the mentee's own value, and `apart` the reverse.
#[test]
fn numeric_values_are_monotone_in_the_mentor_value() {
    let ages: Vec<i32> = (0..=80).step_by(3).collect();
    let mentors: String = ages
        .iter()
        .enumerate()
        .map(|(k, a)| format!("M{k},X,{a},,,,1\n"))
        .collect();
    let text =
        format!("id,department,age,interests,cultural_competence,offers,capacity\n{mentors}");
    let config = Config::from_toml_str(CONFIG, "test.toml").unwrap();
    let mentors = mentors_from_reader(text.as_bytes(), "mentors", &config.columns).unwrap();
    let mentees = mentees_from_reader(MENTEES.as_bytes(), "mentees", &config.columns).unwrap();
    let p = Problem::new(Cohort { mentors, mentees }, config, vec![]).unwrap();
    let mentee_age = [50, 35, 30];
    for (i, &own) in mentee_age.iter().enumerate() {
        let value = |j: usize, k: usize| p.explain(i, j).breakdown[k].value.unwrap();
        for j in 1..ages.len() {
            let (lo, hi) = (j - 1, j);
            assert!(value(hi, 5) <= value(lo, 5), "mentee_higher rose");
            assert!(value(hi, 6) >= value(lo, 6), "mentor_higher fell");
            if ages[hi] <= own {
                assert!(
                    value(hi, 7) >= value(lo, 7),
                    "close fell below the mentee's value"
                );
                assert!(
                    value(hi, 8) <= value(lo, 8),
                    "apart rose below the mentee's value"
                );
            } else if ages[lo] >= own {
                assert!(
                    value(hi, 7) <= value(lo, 7),
                    "close rose above the mentee's value"
                );
                assert!(
                    value(hi, 8) >= value(lo, 8),
                    "apart fell above the mentee's value"
                );
            }
        }
    }
}

/// The criterion statistics the CLI, Python and the reports show, against the hand-computed
/// values of the pairs made; and the pair table's columns, rows and cells.
#[test]
fn criterion_stats_and_pair_table_follow_the_hand_computed_values() {
    use mentormatch::report::table::{criterion_stats, Cells, PairTable};
    let p = problem();
    let r = mentormatch::solve(&p).unwrap();
    assert_eq!(r.pairs.len(), 3);
    let index =
        |id: &str, prefix: &str| id.trim_start_matches(prefix).parse::<usize>().unwrap() - 1;
    let stats = criterion_stats(&p, &r);
    assert_eq!(stats.len(), 9);
    for (k, s) in stats.iter().enumerate() {
        let values: Vec<Option<f64>> = r
            .pairs
            .iter()
            .map(|pair| EXPECTED[index(&pair.mentee_id, "L")][index(&pair.mentor_id, "M")][k])
            .collect();
        let known: Vec<f64> = values.iter().flatten().copied().collect();
        assert_eq!(s.label, r.criteria[k]);
        assert_eq!(s.unknown, values.len() - known.len(), "{}", s.label);
        assert_eq!(
            s.full,
            known.iter().filter(|&&v| v >= 1.0).count(),
            "{}",
            s.label
        );
        assert_eq!(
            s.not_met,
            known.iter().filter(|&&v| v == 0.0).count(),
            "{}",
            s.label
        );
        assert_eq!(s.partly, known.len() - s.full - s.not_met, "{}", s.label);
        match s.mean {
            Some(m) => assert!((m - known.iter().sum::<f64>() / known.len() as f64).abs() < 1e-12),
            None => assert!(known.is_empty()),
        }
    }

    let t = PairTable::with_unmatched(&r);
    let mut header = vec!["mentee_id", "mentor_id", "score"];
    header.extend(r.criteria.iter().map(String::as_str));
    header.extend(["pinned", "explanation"]);
    assert_eq!(t.header(), header);
    assert_eq!(t.rows, r.pairs.len() + r.unmatched_mentees.len());
    for (row, pair) in r.pairs.iter().enumerate() {
        let cells = t.text_row(row);
        assert_eq!(cells[0], pair.mentee_id);
        assert_eq!(cells[1], pair.mentor_id);
        // numbers read back equal: the CSV holds them at full precision
        assert_eq!(cells[2].parse::<f64>().unwrap(), pair.score);
        for (k, b) in pair.breakdown.iter().enumerate() {
            assert_eq!(cells[3 + k].parse::<f64>().unwrap(), b.points);
        }
        assert_eq!(cells[header.len() - 1], pair.explanation);
    }
    match &t.columns[2].cells {
        Cells::Number(v) => assert!(v.iter().all(Option::is_some)),
        other => panic!("score column is {other:?}"),
    }
}

/// An unmatched mentee is a row with no mentor, no score and the reason in words.
#[test]
fn the_pair_table_lists_the_unmatched_with_their_reasons() {
    use mentormatch::report::table::PairTable;
    let mut cfg = Config::from_toml_str(CONFIG, "test.toml").unwrap();
    cfg.rules.allow_unmatched = true;
    let mentors = mentors_from_reader(MENTORS.as_bytes(), "mentors", &cfg.columns).unwrap();
    let mut mentees = mentees_from_reader(MENTEES.as_bytes(), "mentees", &cfg.columns).unwrap();
    let extra = mentees_from_reader(
        "id,department,age,interests,cultural_competence,needs\nL4,Drama,40,a,x,a\n".as_bytes(),
        "mentees",
        &cfg.columns,
    )
    .unwrap();
    mentees.extend(extra);
    let p = Problem::new(Cohort { mentors, mentees }, cfg, vec![]).unwrap();
    let r = mentormatch::solve(&p).unwrap();
    assert_eq!(r.unmatched_mentees.len(), 1);
    let t = PairTable::with_unmatched(&r);
    let last = t.text_row(t.rows - 1);
    let u = &r.unmatched_mentees[0];
    assert_eq!(last[0], u.id);
    assert_eq!(last[1], "");
    assert_eq!(last[2], "");
    assert_eq!(last[last.len() - 2], "false");
    assert_eq!(last[last.len() - 1], u.reason.to_string());
    assert!(last[last.len() - 1].starts_with("all places of the 3 allowed mentor(s) (M1, M2, M3)"));
    assert_eq!(PairTable::pairs(&r).rows, r.pairs.len());
}
