//! The previous plan for `rematch`: the pairs file `match` wrote (`mentee_id,mentor_id,...`).
//!
//! Rows with an empty `mentor_id` are mentees that were left unmatched and are skipped; ids
//! that `match` wrote spreadsheet-safe (`'=...`) are read back as they were
//! ([`crate::csv_safe::uncell`]). A mentee may appear in one pair only.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::csv_safe::uncell;
use crate::error::{Error, Location, Result};

use super::csvrows::{check_width, empty_file, header_hint, open, CsvRows, RawRow};
use super::history::pair_columns;

/// One pair of the previous plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousPair {
    /// Row in the file (the header is row 1).
    pub row: usize,
    /// Mentee id.
    pub mentee: String,
    /// Mentor id.
    pub mentor: String,
}

/// Reads the previous plan from a CSV file with the columns `mentee_id,mentor_id`.
pub fn read_previous(path: &Path) -> Result<Vec<PreviousPair>> {
    previous_from_reader(open(path)?, &path.display().to_string())
}

/// [`read_previous`] from any reader; `source` names it in error messages.
pub fn previous_from_reader<R: Read>(reader: R, source: &str) -> Result<Vec<PreviousPair>> {
    let mut rows = CsvRows::new(reader, source)?;
    let header = match rows.next() {
        None => return Err(empty_file(source, header_hint("mentee_id,mentor_id"))),
        Some(h) => h?,
    };
    rows.set_headers(&header.cells);
    previous_rows(source, header.row, &header.cells, &mut rows)
}

/// [`read_previous`] from a header and rows of cells (the first row is row 2).
pub fn previous_from_records<I>(
    source: &str,
    headers: &[String],
    rows: I,
) -> Result<Vec<PreviousPair>>
where
    I: IntoIterator<Item = Vec<String>>,
{
    let rows = rows.into_iter().enumerate().map(|(i, cells)| {
        Ok(RawRow {
            row: i.saturating_add(2),
            cells,
        })
    });
    previous_rows(source, 1, headers, rows)
}

fn previous_rows<I>(
    source: &str,
    header_row: usize,
    headers: &[String],
    rows: I,
) -> Result<Vec<PreviousPair>>
where
    I: IntoIterator<Item = Result<RawRow>>,
{
    let (mentee, mentor, n) = pair_columns(source, header_row, headers)?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for r in rows {
        let RawRow { row, cells } = r?;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let loc = Location::source(source).row(row);
        check_width(
            &loc,
            &cells,
            n,
            "a cell that contains a comma must be in double quotes",
        )?;
        let mentee_id = uncell(cells[mentee].trim()).to_string();
        let mentor_id = uncell(cells[mentor].trim()).to_string();
        if mentee_id.is_empty() {
            return Err(Error::input(
                loc.field(headers[mentee].clone()),
                "the mentee id is empty",
                "every row names one pair of the previous plan; delete the row if it is not one",
            ));
        }
        if let Some(first) = seen.insert(mentee_id.clone(), row) {
            return Err(Error::input(
                loc.field(headers[mentee].clone()),
                format!("mentee '{mentee_id}' appears twice, in rows {first} and {row}"),
                "a mentee has one mentor in a plan: keep one of the rows",
            ));
        }
        if mentor_id.is_empty() {
            // Unmatched in the previous plan.
            continue;
        }
        out.push(PreviousPair {
            row,
            mentee: mentee_id,
            mentor: mentor_id,
        });
    }
    Ok(out)
}
