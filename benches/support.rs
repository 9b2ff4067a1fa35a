//! Shared helpers for the benchmarks: a synthetic cohort written as the two CSV files a
//! coordinator would export from the application form.

use std::path::Path;

use mentormatch::model::LIST_SEPARATOR;
use mentormatch::{synthetic_cohort, Field, FieldValue, Participant, Side};

fn cell(p: &dyn Participant, field: &Field) -> String {
    match p.value(field) {
        FieldValue::Missing => String::new(),
        FieldValue::Text(s) => s.to_string(),
        FieldValue::Set(v) => v.join(&LIST_SEPARATOR.to_string()),
    }
}

/// Writes one side's file; `capacity[k]` fills the `capacity` column (mentors only: it is a
/// number on the mentor, not a field value).
fn write_side(
    path: &Path,
    side: Side,
    people: &[&dyn Participant],
    capacity: &[u32],
) -> Result<(), String> {
    let names: Vec<&str> = Field::standard_for(side).collect();
    let fields: Vec<Field> = names.iter().map(|n| Field::parse(n)).collect();
    let mut w = csv::Writer::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    w.write_record(&names).map_err(|e| e.to_string())?;
    for (k, p) in people.iter().enumerate() {
        let row: Vec<String> = fields
            .iter()
            .map(|f| match (f, capacity.get(k)) {
                (Field::Capacity, Some(c)) => c.to_string(),
                _ => cell(*p, f),
            })
            .collect();
        w.write_record(&row).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())
}

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
    let mentors: Vec<&dyn Participant> = cohort.mentors.iter().map(|m| m as _).collect();
    let mentees: Vec<&dyn Participant> = cohort.mentees.iter().map(|e| e as _).collect();
    let capacity: Vec<u32> = cohort.mentors.iter().map(|m| m.capacity).collect();
    write_side(&dir.join("mentors.csv"), Side::Mentor, &mentors, &capacity)?;
    write_side(&dir.join("mentees.csv"), Side::Mentee, &mentees, &[])
}
