//! Reading input: participant tables (CSV files or generic records), earlier rounds' pairs and
//! numeric matrices.
//!
//! # Participant tables
//!
//! A comma-separated file with a header row, UTF-8 with or without a byte order mark, lines
//! ending in LF or CRLF. Cells may be quoted (`"Oslo, sentrum"`) and then hold commas, `;` and
//! line breaks. Lists inside a cell are separated by `;` (`sport;reise;musikk`). Cells are
//! trimmed; an empty cell is an unknown value. Rows are numbered as a spreadsheet shows them:
//! the header is row 1, the first participant row 2.
//!
//! Columns are found by header, ignoring case and surrounding spaces. The standard fields are
//! `id` (required), `name`, `department`, `location`, `background`, `cultural_competence`,
//! `interests`, and `offers` and `capacity` for mentors or `needs` for mentees; the
//! configuration's `[columns]` table maps them to a form's own headers
//! (`department = "Avdeling"`). Any other column is kept in [`Profile::extra`](crate::Profile)
//! under its header, or under the key `[columns]` maps to it (`age = "Alder"` keeps the
//! `Alder` column as `age`). A mapped header missing from a file is an error.
//!
//! Rows whose cells are all empty are skipped, and so are extra empty cells at the end of a row
//! (spreadsheet programs write both); a row with fewer cells than the header, or with values
//! beyond it, is an error.
//!
//! ```
//! use mentormatch::config::Columns;
//! use mentormatch::input::mentors_from_reader;
//!
//! let csv = "id,Navn,Avdeling,offers,capacity\n\
//!            m1,Kari,Nyheter,\"digital; podkast\",2\n\
//!            m2,Ola,Drama,,\n";
//! let columns: Columns = toml::from_str("name = \"Navn\"\ndepartment = \"Avdeling\"")?;
//! let mentors = mentors_from_reader(csv.as_bytes(), "mentors.csv", &columns)?;
//! assert_eq!(mentors[0].profile.department.as_deref(), Some("Nyheter"));
//! assert_eq!(mentors[0].offers.len(), 2);
//! assert_eq!(mentors[1].capacity, 1);
//!
//! let bad = "id,capacity\nm1,two\n";
//! let err = mentors_from_reader(bad.as_bytes(), "mentors.csv", &Columns::default()).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "mentors.csv, row 2, field 'capacity': 'two' is not a whole number \
//!      (write a whole number of mentees, such as 2; leave it empty for 1)"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The CSV readers and the `*_from_records` functions (for rows that come from elsewhere, such
//! as a DataFrame) share one code path and report the same errors.

pub mod column_check;

mod csvrows;
mod history;
mod matrix;
mod previous;
mod table;

use std::io::Read;
use std::path::Path;

use crate::config::{Columns, Config};
use crate::error::Result;
use crate::model::{Cohort, Mentee, Mentor, Side};

use csvrows::{empty_file, header_hint, open, CsvRows, RawRow};
use table::{field_keys, read_participants, Parsed};

pub use history::{history_from_reader, history_from_records, read_history};
pub use matrix::{matrix_from_reader, read_matrix, DenseMatrix};
pub use previous::{previous_from_reader, previous_from_records, read_previous, PreviousPair};

const MENTOR_EXAMPLE: &str = "id,name,department,offers,capacity";
const MENTEE_EXAMPLE: &str = "id,name,department,needs";

fn to_mentor(p: Parsed) -> Mentor {
    Mentor {
        profile: p.profile,
        offers: p.list,
        capacity: p.capacity,
    }
}

fn to_mentee(p: Parsed) -> Mentee {
    Mentee {
        profile: p.profile,
        needs: p.list,
    }
}

fn csv_participants<R: Read>(
    side: Side,
    reader: R,
    source: &str,
    columns: &Columns,
) -> Result<Vec<Parsed>> {
    let mut rows = CsvRows::new(reader, source)?;
    let header = match rows.next() {
        None => {
            let example = match side {
                Side::Mentor => MENTOR_EXAMPLE,
                Side::Mentee => MENTEE_EXAMPLE,
            };
            return Err(empty_file(source, header_hint(example)));
        }
        Some(h) => h?,
    };
    rows.set_headers(&header.cells);
    read_participants(side, source, header.row, &header.cells, &mut rows, columns)
}

fn numbered<I>(rows: I) -> impl Iterator<Item = Result<RawRow>>
where
    I: IntoIterator<Item = Vec<String>>,
{
    rows.into_iter().enumerate().map(|(i, cells)| {
        Ok(RawRow {
            row: i.saturating_add(2),
            cells,
        })
    })
}

/// Reads mentors from a CSV file (see the [module documentation](self) for the format).
pub fn read_mentors(path: &Path, columns: &Columns) -> Result<Vec<Mentor>> {
    mentors_from_reader(open(path)?, &path.display().to_string(), columns)
}

/// Reads mentees from a CSV file (see the [module documentation](self) for the format).
pub fn read_mentees(path: &Path, columns: &Columns) -> Result<Vec<Mentee>> {
    mentees_from_reader(open(path)?, &path.display().to_string(), columns)
}

/// [`read_mentors`] from any reader; `source_name` names it in error messages.
pub fn mentors_from_reader<R: Read>(
    reader: R,
    source_name: &str,
    columns: &Columns,
) -> Result<Vec<Mentor>> {
    Ok(
        csv_participants(Side::Mentor, reader, source_name, columns)?
            .into_iter()
            .map(to_mentor)
            .collect(),
    )
}

/// [`read_mentees`] from any reader; `source_name` names it in error messages.
pub fn mentees_from_reader<R: Read>(
    reader: R,
    source_name: &str,
    columns: &Columns,
) -> Result<Vec<Mentee>> {
    Ok(
        csv_participants(Side::Mentee, reader, source_name, columns)?
            .into_iter()
            .map(to_mentee)
            .collect(),
    )
}

/// Mentors from a header and rows of cells, e.g. a DataFrame's; the first row is row 2 in
/// error messages, as in a spreadsheet. Same rules and errors as [`read_mentors`].
pub fn mentors_from_records<I>(
    source: &str,
    headers: &[String],
    rows: I,
    columns: &Columns,
) -> Result<Vec<Mentor>>
where
    I: IntoIterator<Item = Vec<String>>,
{
    Ok(
        read_participants(Side::Mentor, source, 1, headers, numbered(rows), columns)?
            .into_iter()
            .map(to_mentor)
            .collect(),
    )
}

/// Mentees from a header and rows of cells; see [`mentors_from_records`].
pub fn mentees_from_records<I>(
    source: &str,
    headers: &[String],
    rows: I,
    columns: &Columns,
) -> Result<Vec<Mentee>>
where
    I: IntoIterator<Item = Vec<String>>,
{
    Ok(
        read_participants(Side::Mentee, source, 1, headers, numbered(rows), columns)?
            .into_iter()
            .map(to_mentee)
            .collect(),
    )
}

/// Reads both participant files with the configuration's `[columns]` mapping.
pub fn load_cohort(mentors: &Path, mentees: &Path, config: &Config) -> Result<Cohort> {
    Ok(Cohort {
        mentors: read_mentors(mentors, &config.columns)?,
        mentees: read_mentees(mentees, &config.columns)?,
    })
}

/// The field keys a participant file provides (standard field names for the standard columns
/// it has, and the key of every other column), after the `[columns]` mapping; reads only the
/// header. See [`crate::input::column_check`].
pub fn file_fields(path: &Path, side: Side, columns: &Columns) -> Result<Vec<String>> {
    let source = path.display().to_string();
    let mut rows = CsvRows::new(open(path)?, &source)?;
    match rows.next() {
        None => Ok(Vec::new()),
        Some(h) => {
            let h = h?;
            field_keys(side, &source, h.row, &h.cells, columns)
        }
    }
}

/// [`file_fields`] for a header given directly (e.g. a DataFrame's columns).
pub fn header_fields(
    side: Side,
    source: &str,
    headers: &[String],
    columns: &Columns,
) -> Result<Vec<String>> {
    field_keys(side, source, 1, headers, columns)
}
