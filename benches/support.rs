//! Shared helpers for the benchmarks: a synthetic cohort written as the two CSV files a
//! coordinator would export from the application form.

use std::collections::BTreeSet;
use std::path::Path;

use mentormatch::{synthetic_cohort, Profile};

fn join(set: &BTreeSet<String>) -> String {
    set.iter().map(String::as_str).collect::<Vec<_>>().join(";")
}

fn profile_cells(p: &Profile) -> Vec<String> {
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    vec![
        p.id.clone(),
        p.name.clone().unwrap_or_else(|| format!("Person {}", p.id)),
        opt(&p.department),
        opt(&p.location),
        opt(&p.background),
        join(&p.cultural_competence),
        join(&p.interests),
    ]
}

const PROFILE_HEADER: [&str; 7] = [
    "id",
    "name",
    "department",
    "location",
    "background",
    "cultural_competence",
    "interests",
];

/// Writes `synthetic_cohort(n_mentees, n_mentors, seed)` to `<dir>/mentors.csv` and
/// `<dir>/mentees.csv`, with the sample data's columns (sets joined with `;`).
pub fn write_cohort_csv(
    dir: &Path,
    n_mentees: usize,
    n_mentors: usize,
    seed: u64,
) -> Result<(), String> {
    let cohort = synthetic_cohort(n_mentees, n_mentors, seed);
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let open = |name: &str| {
        let path = dir.join(name);
        csv::Writer::from_path(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let err = |e: csv::Error| e.to_string();

    let mut w = open("mentors.csv")?;
    let mut header = PROFILE_HEADER.to_vec();
    header.extend(["offers", "capacity"]);
    w.write_record(&header).map_err(err)?;
    for m in &cohort.mentors {
        let mut row = profile_cells(&m.profile);
        row.extend([join(&m.offers), m.capacity.to_string()]);
        w.write_record(&row).map_err(err)?;
    }
    w.flush().map_err(|e| e.to_string())?;

    let mut w = open("mentees.csv")?;
    let mut header = PROFILE_HEADER.to_vec();
    header.push("needs");
    w.write_record(&header).map_err(err)?;
    for e in &cohort.mentees {
        let mut row = profile_cells(&e.profile);
        row.push(join(&e.needs));
        w.write_record(&row).map_err(err)?;
    }
    w.flush().map_err(|e| e.to_string())
}
