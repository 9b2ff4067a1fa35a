//! Earlier rounds' pairs: a CSV file with the columns `mentee_id,mentor_id`.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use crate::config::PairRef;
use crate::error::{Error, Location, Result};

use super::csvrows::{check_width, empty_file, header_hint, open, CsvRows, RawRow};
use super::table::{header_list, norm, wrong_separator};

/// Reads earlier rounds' pairs from a CSV file with the header `mentee_id,mentor_id`.
///
/// Headers match case-insensitively (`mentee` and `mentor` are accepted too); other columns,
/// such as the round, are ignored. Repeated pairs are returned once, in file order.
pub fn read_history(path: &Path) -> Result<Vec<PairRef>> {
    history_from_reader(open(path)?, &path.display().to_string())
}

/// [`read_history`] from any reader; `source_name` names it in error messages.
pub fn history_from_reader<R: Read>(reader: R, source_name: &str) -> Result<Vec<PairRef>> {
    let mut rows = CsvRows::new(reader, source_name)?;
    let header = match rows.next() {
        None => return Err(empty_file(source_name, header_hint("mentee_id,mentor_id"))),
        Some(h) => h?,
    };
    rows.set_headers(&header.cells);
    history_rows(source_name, header.row, &header.cells, &mut rows)
}

/// [`read_history`] from a header and rows of cells (the first row is row 2, as in a spreadsheet).
pub fn history_from_records<I>(source: &str, headers: &[String], rows: I) -> Result<Vec<PairRef>>
where
    I: IntoIterator<Item = Vec<String>>,
{
    let rows = rows.into_iter().enumerate().map(|(i, cells)| {
        Ok(RawRow {
            row: i.saturating_add(2),
            cells,
        })
    });
    history_rows(source, 1, headers, rows)
}

pub(super) fn find_column(loc: &Location, headers: &[String], names: [&str; 2]) -> Result<usize> {
    for name in names {
        let found: Vec<usize> = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| norm(h) == name)
            .map(|(i, _)| i)
            .collect();
        match found.as_slice() {
            [] => continue,
            [i] => return Ok(*i),
            [a, b, ..] => {
                return Err(Error::input(
                    loc.clone().field(headers[*b].clone()),
                    format!(
                        "the header appears twice, in columns {} and {}",
                        a + 1,
                        b + 1
                    ),
                    "rename or delete one of the two columns",
                ))
            }
        }
    }
    Err(Error::input(
        loc.clone(),
        format!(
            "there is no '{}' column; the headers are: {}",
            names[0],
            header_list(headers)
        ),
        "the history needs the columns mentee_id,mentor_id, with one earlier pair per row",
    ))
}

/// The mentee and mentor columns of a file of pairs (history, previous round), and its width.
pub(super) fn pair_columns(
    source: &str,
    header_row: usize,
    headers: &[String],
) -> Result<(usize, usize, usize)> {
    let header_loc = Location::source(source).row(header_row);
    let headers: Vec<String> = headers.iter().map(|h| h.trim().to_string()).collect();
    if let Some(e) = wrong_separator(&header_loc, &headers) {
        return Err(e);
    }
    let mentee = find_column(&header_loc, &headers, ["mentee_id", "mentee"])?;
    let mentor = find_column(&header_loc, &headers, ["mentor_id", "mentor"])?;
    let n = headers.len();
    Ok((mentee, mentor, n))
}

fn history_rows<I>(
    source: &str,
    header_row: usize,
    headers: &[String],
    rows: I,
) -> Result<Vec<PairRef>>
where
    I: IntoIterator<Item = Result<RawRow>>,
{
    let (mentee, mentor, n) = pair_columns(source, header_row, headers)?;
    let mut seen = HashSet::new();
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
        let id = |col: usize, side: &str| -> Result<String> {
            let v = cells[col].trim();
            if v.is_empty() {
                return Err(Error::input(
                    loc.clone().field(headers[col].clone()),
                    format!("the {side} id is empty"),
                    "every row names one earlier pair; delete the row if it is not one",
                ));
            }
            Ok(v.to_string())
        };
        let pair = PairRef {
            mentee: id(mentee, "mentee")?,
            mentor: id(mentor, "mentor")?,
            reason: None,
        };
        if seen.insert((pair.mentee.clone(), pair.mentor.clone())) {
            out.push(pair);
        }
    }
    Ok(out)
}
