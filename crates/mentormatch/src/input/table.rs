//! Participant tables: rows of cells to mentors and mentees.
//!
//! One code path for CSV files and generic records: [`read_participants`] gets a header and
//! numbered rows, resolves the columns through [`Columns`], and checks every cell.

use std::collections::{BTreeMap, HashMap};

use crate::config::{ColumnEntry, Columns};
use crate::error::{Error, Location, Result};
use crate::model::{split_list_interned, Field, Interner, Profile, Side, Text, TextSet};

use super::csvrows::{check_width, RawRow};

/// One participant as read from a row, before it becomes a [`crate::Mentor`] or [`crate::Mentee`].
#[derive(Debug)]
pub(crate) struct Parsed {
    pub profile: Profile,
    /// `offers` for a mentor, `needs` for a mentee.
    pub list: TextSet,
    /// Mentors only; 1 when the cell is empty or there is no column.
    pub capacity: u32,
}

/// Where a column's cells go.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// A standard field.
    Field(Field),
    /// `Profile.extra` under this key.
    Extra(String),
    /// A column with an empty header: must hold no values.
    Unnamed,
}

fn side_table(side: Side) -> &'static str {
    match side {
        Side::Mentor => "mentors",
        Side::Mentee => "mentees",
    }
}

fn side_word(side: Side) -> &'static str {
    match side {
        Side::Mentor => "mentor",
        Side::Mentee => "mentee",
    }
}

/// Header comparison key: case-insensitive, surrounding spaces ignored.
pub(super) fn norm(header: &str) -> String {
    header.trim().to_lowercase()
}

/// True when the configuration names a header for `field` in `side`'s file.
fn is_mapped(columns: &Columns, side: Side, field: &str) -> bool {
    if let Some(ColumnEntry::PerFile(m)) = columns.common.get(side_table(side)) {
        if m.contains_key(field) {
            return true;
        }
    }
    matches!(columns.common.get(field), Some(ColumnEntry::Header(_)))
}

/// Custom (non-standard) fields the configuration maps for `side`'s file, with their headers.
fn custom_mappings(columns: &Columns, side: Side) -> BTreeMap<String, String> {
    let reserved = |k: &str| Field::STANDARD.contains(&k) || k == "mentors" || k == "mentees";
    let mut out = BTreeMap::new();
    for (k, v) in &columns.common {
        if let ColumnEntry::Header(h) = v {
            if !reserved(k) {
                out.insert(k.clone(), h.clone());
            }
        }
    }
    if let Some(ColumnEntry::PerFile(m)) = columns.common.get(side_table(side)) {
        for (k, h) in m {
            if !Field::standard_for(side).any(|f| f == k) {
                out.insert(k.clone(), h.clone());
            }
        }
    }
    out
}

pub(super) fn header_list(headers: &[String]) -> String {
    let shown: Vec<String> = headers
        .iter()
        .filter(|h| !h.is_empty())
        .map(|h| format!("'{h}'"))
        .collect();
    if shown.is_empty() {
        "none".to_string()
    } else {
        shown.join(", ")
    }
}

fn put(
    targets: &mut [Option<Target>],
    headers: &[String],
    loc: &Location,
    index: usize,
    target: Target,
    field: &str,
) -> Result<()> {
    match &targets[index] {
        None => {
            targets[index] = Some(target);
            Ok(())
        }
        Some(prev) => {
            let prev = match prev {
                Target::Field(f) => f.name().to_string(),
                Target::Extra(k) => k.clone(),
                Target::Unnamed => String::new(),
            };
            Err(Error::input(
                loc.clone().field(headers[index].clone()),
                format!("the configuration maps both {prev} and {field} to this column"),
                "map each field to its own column in [columns]",
            ))
        }
    }
}

/// Resolves every column of the (trimmed) header to a target.
fn resolve(
    side: Side,
    header_loc: &Location,
    headers: &[String],
    columns: &Columns,
) -> Result<Vec<Target>> {
    if let Some(e) = wrong_separator(header_loc, headers) {
        return Err(e);
    }
    let mut by_norm: HashMap<String, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        if let Some(&first) = by_norm.get(&norm(h)) {
            return Err(Error::input(
                header_loc.clone().field(h.clone()),
                format!(
                    "the header appears twice, in columns {} and {}",
                    first + 1,
                    i + 1
                ),
                "rename or delete one of the two columns",
            ));
        }
        by_norm.insert(norm(h), i);
    }

    let mut targets: Vec<Option<Target>> = vec![None; headers.len()];
    for name in Field::standard_for(side) {
        let expected = columns.header_for(side, name);
        let mapped = is_mapped(columns, side, name);
        match by_norm.get(&norm(expected)) {
            Some(&i) => put(
                &mut targets,
                headers,
                header_loc,
                i,
                Target::Field(Field::parse(name)),
                name,
            )?,
            None if mapped => {
                return Err(mapped_missing(header_loc, headers, expected, name));
            }
            None if name == "id" => return Err(missing_id(header_loc, headers, side)),
            None => {}
        }
    }
    for (key, expected) in custom_mappings(columns, side) {
        match by_norm.get(&norm(&expected)) {
            Some(&i) => put(
                &mut targets,
                headers,
                header_loc,
                i,
                Target::Extra(key.clone()),
                &key,
            )?,
            None => return Err(mapped_missing(header_loc, headers, &expected, &key)),
        }
    }

    let mut out = Vec::with_capacity(headers.len());
    let mut extra_keys: HashMap<String, usize> = HashMap::new();
    for (i, t) in targets.into_iter().enumerate() {
        let t = t.unwrap_or_else(|| {
            if headers[i].is_empty() {
                Target::Unnamed
            } else {
                Target::Extra(headers[i].clone())
            }
        });
        if let Target::Extra(k) = &t {
            if let Some(&j) = extra_keys.get(k) {
                let (a, b) = (j.min(i), j.max(i));
                return Err(Error::input(
                    header_loc.clone().field(k.clone()),
                    format!(
                        "columns {} ('{}') and {} ('{}') would both be kept as '{k}'",
                        a + 1,
                        headers[a],
                        b + 1,
                        headers[b]
                    ),
                    "rename one of the columns or change the mapping in [columns]",
                ));
            }
            extra_keys.insert(k.clone(), i);
        }
        out.push(t);
    }
    Ok(out)
}

/// The field keys a table with `headers` provides, after the `[columns]` mapping: standard
/// field names (`department`) for the standard columns found, and the key each other column is
/// kept under in [`Profile::extra`]. Lets a configuration be checked against the files before
/// a typo silently scores every pair as "unknown".
pub(crate) fn field_keys(
    side: Side,
    source: &str,
    header_row: usize,
    headers: &[String],
    columns: &Columns,
) -> Result<Vec<String>> {
    let header_loc = Location::source(source).row(header_row);
    let headers: Vec<String> = headers.iter().map(|h| h.trim().to_string()).collect();
    Ok(resolve(side, &header_loc, &headers, columns)?
        .into_iter()
        .filter_map(|t| match t {
            Target::Field(f) => Some(f.name().to_string()),
            Target::Extra(k) => Some(k),
            Target::Unnamed => None,
        })
        .collect())
}

fn mapped_missing(loc: &Location, headers: &[String], expected: &str, field: &str) -> Error {
    Error::input(
        loc.clone(),
        format!(
            "there is no column '{expected}', which [columns] in the configuration maps to {field}; the headers are: {}",
            header_list(headers)
        ),
        "correct the header in the file or the mapping in the configuration; case and surrounding spaces do not matter",
    )
}

fn missing_id(loc: &Location, headers: &[String], side: Side) -> Error {
    Error::input(
        loc.clone(),
        format!(
            "there is no 'id' column; the headers are: {}",
            header_list(headers)
        ),
        format!(
            "every {} needs an id: add an 'id' column, or name your own in the configuration, e.g. [columns] id = \"Ansattnummer\"",
            side_word(side)
        ),
    )
}

/// A file with one header cell holding `;` or tabs was saved with the wrong separator.
pub(super) fn wrong_separator(loc: &Location, headers: &[String]) -> Option<Error> {
    let single = headers.len() == 1;
    if single && headers[0].contains(';') {
        return Some(Error::input(
            loc.clone(),
            format!(
                "the header '{}' is a single column: the cells seem to be separated by ';', but mentormatch reads comma-separated files",
                headers[0]
            ),
            "save the file as 'CSV UTF-8 (comma delimited)'; ';' separates the values of a list inside one cell",
        ));
    }
    if single && headers[0].contains('\t') {
        return Some(Error::input(
            loc.clone(),
            "the header is a single column: the cells seem to be separated by tabs, but mentormatch reads comma-separated files",
            "save the file as 'CSV UTF-8 (comma delimited)'",
        ));
    }
    None
}

/// Parses a capacity cell; the error is the message (without location and hint).
fn parse_capacity(cell: &str) -> std::result::Result<u32, String> {
    if cell.is_empty() {
        return Ok(1);
    }
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // "2.0" is what a spreadsheet or pandas writes for a whole number in a float column.
    let whole = |s: &str| -> Option<String> {
        match s.split_once('.') {
            Some((w, frac)) if all_digits(w) && frac.bytes().all(|b| b == b'0') => {
                Some(w.to_string())
            }
            Some(_) => None,
            None if all_digits(s) => Some(s.to_string()),
            None => None,
        }
    };
    let unsigned = cell.strip_prefix('+').unwrap_or(cell);
    if let Some(w) = whole(unsigned) {
        return w
            .parse::<u32>()
            .map_err(|_| format!("'{cell}' is too large"));
    }
    if cell.strip_prefix('-').and_then(whole).is_some() {
        return Err(format!("'{cell}' is negative"));
    }
    Err(format!("'{cell}' is not a whole number"))
}

/// Reads participants from a header and numbered rows; the one code path behind every reader.
///
/// `header_row` is the row number of the header (1 unless blank lines come first).
pub(crate) fn read_participants<I>(
    side: Side,
    source: &str,
    header_row: usize,
    headers: &[String],
    rows: I,
    columns: &Columns,
) -> Result<Vec<Parsed>>
where
    I: IntoIterator<Item = Result<RawRow>>,
{
    let header_loc = Location::source(source).row(header_row);
    let headers: Vec<String> = headers.iter().map(|h| h.trim().to_string()).collect();
    if headers.iter().all(String::is_empty) {
        return Err(Error::input(
            header_loc,
            "the header row is empty",
            "the first row must name the columns, e.g. id,name,department",
        ));
    }
    let targets = resolve(side, &header_loc, &headers, columns)?;
    let id_col = targets
        .iter()
        .position(|t| *t == Target::Field(Field::Id))
        .unwrap_or(0);
    let n = headers.len();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    // Values repeat over rows (departments, interests): each is held once.
    let mut interner = Interner::new();
    let extra_keys: Vec<Option<Text>> = targets
        .iter()
        .map(|t| match t {
            Target::Field(Field::Custom(k)) | Target::Extra(k) => Some(Text::from(k.as_str())),
            _ => None,
        })
        .collect();
    for r in rows {
        let RawRow { row, cells } = r?;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let loc = Location::source(source).row(row);
        check_width(&loc, &cells, n, "a cell that contains a comma must be in double quotes, e.g. \"Oslo, Norway\"; values of a list are separated by ';'")?;
        let mut p = Parsed {
            profile: Profile::default(),
            list: TextSet::new(),
            capacity: 1,
        };
        for (i, target) in targets.iter().enumerate() {
            let cell = cells[i].trim();
            let mut text = || (!cell.is_empty()).then(|| interner.text(cell));
            match target {
                Target::Field(Field::Id) => p.profile.id = cell.to_string(),
                Target::Field(Field::Name) => {
                    p.profile.name = (!cell.is_empty()).then(|| cell.to_string());
                }
                Target::Field(Field::Department) => p.profile.department = text(),
                Target::Field(Field::Location) => p.profile.location = text(),
                Target::Field(Field::Background) => p.profile.background = text(),
                Target::Field(Field::CulturalCompetence) => {
                    p.profile.cultural_competence = split_list_interned(cell, &mut interner);
                }
                Target::Field(Field::Interests) => {
                    p.profile.interests = split_list_interned(cell, &mut interner);
                }
                Target::Field(Field::Offers | Field::Needs) => {
                    p.list = split_list_interned(cell, &mut interner);
                }
                Target::Field(Field::Capacity) => {
                    p.capacity = parse_capacity(cell).map_err(|msg| {
                        Error::input(
                            loc.clone().field(headers[i].clone()),
                            msg,
                            "write a whole number of mentees, such as 2; leave it empty for 1",
                        )
                    })?;
                }
                Target::Field(Field::Custom(_)) | Target::Extra(_) => {
                    if let (Some(v), Some(k)) = (text(), &extra_keys[i]) {
                        p.profile.extra.insert(k.clone(), v);
                    }
                }
                Target::Unnamed => {
                    if !cell.is_empty() {
                        return Err(Error::input(
                            loc,
                            format!("column {} has no header but holds '{cell}'", i + 1),
                            "give the column a header in the first row, or delete it",
                        ));
                    }
                }
            }
        }
        let id_loc = || loc.clone().field(headers[id_col].clone());
        if p.profile.id.is_empty() {
            return Err(Error::input(
                id_loc(),
                "the id is empty",
                format!(
                    "every {} needs an id; delete the row if it is not a participant",
                    side_word(side)
                ),
            ));
        }
        if let Some(&first) = ids.get(&p.profile.id) {
            return Err(Error::input(
                id_loc(),
                format!(
                    "the id '{}' is used twice, in rows {first} and {row}",
                    p.profile.id
                ),
                format!("every {} needs an id of their own", side_word(side)),
            ));
        }
        ids.insert(p.profile.id.clone(), row);
        out.push(p);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::parse_capacity;

    #[test]
    fn capacities() {
        assert_eq!(parse_capacity(""), Ok(1));
        assert_eq!(parse_capacity("0"), Ok(0));
        assert_eq!(parse_capacity("+3"), Ok(3));
        assert_eq!(parse_capacity("2.0"), Ok(2));
        assert_eq!(parse_capacity("2."), Ok(2));
        assert_eq!(parse_capacity("007"), Ok(7));
        assert_eq!(
            parse_capacity("2.5"),
            Err("'2.5' is not a whole number".into())
        );
        assert_eq!(
            parse_capacity(".0"),
            Err("'.0' is not a whole number".into())
        );
        assert_eq!(parse_capacity("-1"), Err("'-1' is negative".into()));
        assert_eq!(
            parse_capacity("99999999999"),
            Err("'99999999999' is too large".into())
        );
        assert_eq!(
            parse_capacity("two"),
            Err("'two' is not a whole number".into())
        );
        assert_eq!(
            parse_capacity("+-1"),
            Err("'+-1' is not a whole number".into())
        );
    }
}
