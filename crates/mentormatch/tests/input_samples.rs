//! The sample data in examples/data and the valid fixtures read as intended.

use std::collections::BTreeSet;
use std::path::PathBuf;

use mentormatch::config::Columns;
use mentormatch::input::{
    history_from_records, mentees_from_records, mentors_from_reader, mentors_from_records,
};
use mentormatch::{
    load_cohort, read_history, read_matrix, read_mentees, read_mentors, Config, PairRef,
};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

fn data(name: &str) -> PathBuf {
    root().join("examples/data").join(name)
}

fn set(items: &[&str]) -> mentormatch::TextSet {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn sample_cohort_reads_and_is_feasible_under_the_department_rule() {
    let cohort = load_cohort(
        &data("mentors.csv"),
        &data("mentees.csv"),
        &Config::default(),
    )
    .expect("sample cohort");
    assert_eq!(cohort.mentors.len(), 24);
    assert_eq!(cohort.mentees.len(), 12);
    let capacity: u32 = cohort.mentors.iter().map(|m| m.capacity).sum();
    assert_eq!(capacity, 27);
    assert!(cohort.mentors.iter().any(|m| m.capacity == 2));
    // Every mentor has a custom attribute `age` (the mentees: all but one).
    assert!(cohort
        .mentors
        .iter()
        .all(|m| m.profile.extra.contains_key("age")));
    // Departments are all known, so "different department" is decidable for every pair.
    assert!(cohort
        .mentors
        .iter()
        .all(|m| m.profile.department.is_some()));
    assert!(cohort
        .mentees
        .iter()
        .all(|m| m.profile.department.is_some()));
    // Hall's condition for the rule: a set of mentees from two or more departments may use every
    // mentor; one department holds at most 2 mentees, and each has many mentors elsewhere.
    for e in &cohort.mentees {
        let others = cohort
            .mentors
            .iter()
            .filter(|m| m.profile.department != e.profile.department && m.capacity > 0)
            .count();
        assert!(
            others >= 19,
            "{} has {others} allowed mentors",
            e.profile.id
        );
        let same_department = cohort
            .mentees
            .iter()
            .filter(|x| x.profile.department == e.profile.department)
            .count();
        assert!(same_department <= 2);
    }
    assert!(cohort.mentors.len() >= 2 * cohort.mentees.len());
    // Needs are drawn from the offers' vocabulary.
    let offered: BTreeSet<&str> = cohort
        .mentors
        .iter()
        .flat_map(|m| m.offers.iter().map(|t| t.as_str()))
        .collect();
    for e in &cohort.mentees {
        for n in &e.needs {
            assert!(offered.contains(n.as_str()), "{n} is offered by no mentor");
        }
    }
    // "podkast; digital": the space after ';' is trimmed.
    let l10 = &cohort.mentees[9];
    assert_eq!(l10.profile.id, "L10");
    assert_eq!(l10.needs, set(&["digital", "podkast"]));
    // Empty cells are unknown values.
    let m24 = &cohort.mentors[23];
    assert_eq!(m24.profile.location, None);
    assert!(m24.profile.interests.is_empty());
    assert_eq!(cohort.mentors[5].capacity, 1, "an empty capacity is 1");
    assert_eq!(cohort.mentees[11].profile.extra.get("age"), None);
}

#[test]
fn norwegian_forms_read_the_same_as_the_english_ones() {
    let config = Config::from_toml_file(&root().join("examples/config_no.toml")).expect("config");
    let no = load_cohort(&data("mentors_no.csv"), &data("mentees_no.csv"), &config)
        .expect("Norwegian cohort");
    let en = load_cohort(
        &data("mentors.csv"),
        &data("mentees.csv"),
        &Config::default(),
    )
    .expect("English cohort");
    assert_eq!(no, en);
    // The Norwegian files really are BOM + CRLF.
    let bytes = std::fs::read(data("mentors_no.csv")).expect("file");
    assert!(bytes.starts_with(b"\xEF\xBB\xBFID,Navn,"));
    assert!(bytes.windows(2).any(|w| w == b"\r\n"));
}

#[test]
fn sample_history() {
    let past = read_history(&data("past_pairs.csv")).expect("history");
    assert_eq!(past.len(), 3);
    let en = load_cohort(
        &data("mentors.csv"),
        &data("mentees.csv"),
        &Config::default(),
    )
    .expect("cohort");
    for p in &past {
        let e = en.mentees.iter().find(|x| x.profile.id == p.mentee);
        let m = en.mentors.iter().find(|x| x.profile.id == p.mentor);
        let (Some(e), Some(m)) = (e, m) else {
            panic!("unknown ids in {p:?}")
        };
        assert_ne!(e.profile.department, m.profile.department);
    }
}

#[test]
fn bom_crlf_and_header_spacing() {
    let e = read_mentees(&fixture("bom_crlf.csv"), &Columns::default()).expect("mentees");
    assert_eq!(e.len(), 2);
    assert_eq!(e[0].profile.id, "e1");
    assert_eq!(e[0].profile.name.as_deref(), Some("Åse Ødegård"));
    assert_eq!(e[0].profile.interests, set(&["reise", "sport"]));
    assert_eq!(e[0].needs, set(&["digital"]));
    assert!(e[1].profile.interests.is_empty());
    assert_eq!(e[1].needs, set(&["podkast", "sosiale medier"]));
    assert!(e[1].profile.extra.is_empty());
}

#[test]
fn quoted_cells_with_commas_quotes_and_line_breaks() {
    let m = read_mentors(&fixture("quoted_newline.csv"), &Columns::default()).expect("mentors");
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].profile.name.as_deref(), Some("Haugen, Kari"));
    assert_eq!(m[0].offers, set(&["\"sosiale medier\"", "digital"]));
    assert_eq!(
        m[0].profile.extra.get("notes").map(|t| t.as_str()),
        Some("Kan ikke\ntirsdager")
    );
    assert!(m[1].profile.extra.is_empty());
    // The row after the multi-line cell is still row 3 in messages.
    let text = "id,notes,capacity\nm1,\"a\nb\",1\nm2,,x\n";
    let e = mentors_from_reader(text.as_bytes(), "t.csv", &Columns::default())
        .expect_err("bad capacity");
    assert!(e.to_string().starts_with("t.csv, row 3, field 'capacity'"));
}

#[test]
fn tiny_cohort_structure() {
    let cohort = load_cohort(
        &fixture("tiny_mentors.csv"),
        &fixture("tiny_mentees.csv"),
        &Config::default(),
    )
    .expect("tiny cohort");
    let ids = |v: Vec<&str>| v.join(",");
    assert_eq!(
        ids(cohort
            .mentees
            .iter()
            .map(|e| e.profile.id.as_str())
            .collect()),
        "t1,t2,t3,t4"
    );
    assert_eq!(
        ids(cohort
            .mentors
            .iter()
            .map(|m| m.profile.id.as_str())
            .collect()),
        "u1,u2,u3,u4,u5,u6"
    );
    let caps: Vec<u32> = cohort.mentors.iter().map(|m| m.capacity).collect();
    assert_eq!(caps, vec![2, 1, 1, 1, 1, 0]);
    // Each need is covered by exactly one mentor in another department with capacity.
    let intended = ["u2", "u3", "u4", "u5"];
    for (e, want) in cohort.mentees.iter().zip(intended) {
        let covering: Vec<&str> = cohort
            .mentors
            .iter()
            .filter(|m| m.capacity > 0 && m.profile.department != e.profile.department)
            .filter(|m| e.needs.is_subset(&m.offers))
            .map(|m| m.profile.id.as_str())
            .collect();
        assert_eq!(covering, vec![want], "mentee {}", e.profile.id);
    }
}

#[test]
fn history_fixture() {
    let past = read_history(&fixture("history_ok.csv")).expect("history");
    let pair = |e: &str, m: &str| PairRef {
        mentee: e.into(),
        mentor: m.into(),
        reason: None,
    };
    assert_eq!(past, vec![pair("t1", "u1"), pair("t2", "u3")]);
    let records = history_from_records(
        "past",
        &["mentee".into(), "mentor".into()],
        vec![
            vec!["t1".into(), " u1 ".into()],
            vec![String::new(), String::new()],
        ],
    )
    .expect("history");
    assert_eq!(records, vec![pair("t1", "u1")]);
}

#[test]
fn matrix_fixture() {
    let m = read_matrix(&fixture("matrix_ok.csv")).expect("matrix");
    let inf = f64::INFINITY;
    assert_eq!((m.rows, m.cols), (3, 3));
    assert_eq!(m.data, vec![1.0, 2.5, inf, inf, inf, inf, -300.0, 0.0, 7.0]);
}

#[test]
fn records_and_csv_agree() {
    let text = std::fs::read_to_string(data("mentors.csv")).expect("file");
    let mut lines = text.lines();
    let headers: Vec<String> = lines
        .next()
        .expect("header")
        .split(',')
        .map(str::to_string)
        .collect();
    // The sample has no quoted cells, so splitting on commas is exact.
    let rows = lines.map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>());
    let from_records =
        mentors_from_records("mentors", &headers, rows, &Columns::default()).expect("records");
    let from_csv = read_mentors(&data("mentors.csv"), &Columns::default()).expect("csv");
    assert_eq!(from_records, from_csv);
    let from_records = mentees_from_records(
        "mentees",
        &["ID ".into(), "Behov".into(), "x".into(), String::new()],
        vec![
            vec!["e1".into(), "a;b;a".into(), "1".into(), String::new()],
            vec![String::new(); 4],
            vec![
                "e2".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
        ],
        &Config::from_toml_str("[columns.mentees]\nneeds = \"behov\"\n", "c.toml")
            .expect("config")
            .columns,
    )
    .expect("records");
    assert_eq!(from_records.len(), 2);
    assert_eq!(from_records[0].needs, set(&["a", "b"]));
    assert_eq!(
        from_records[0].profile.extra.get("x").map(|t| t.as_str()),
        Some("1")
    );
    assert!(from_records[1].needs.is_empty());
}
