//! Python objects in: participant tables, configuration and earlier pairs.
//!
//! Everything is extracted into plain Rust values while the GIL is held; the reading and
//! validating itself goes through the core's record readers (the same code path as the CSV
//! files of the command line), later, with the GIL released.

use std::path::{Path, PathBuf};

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyFrozenSet, PyInt, PyList, PySet, PyString, PyTuple};

use mentormatch::config::{Columns, Config};
use mentormatch::input::{history_from_records, mentees_from_records, mentors_from_records};
use mentormatch::{read_history, read_mentees, read_mentors, Error, InputError, Location};
use mentormatch::{Mentee, Mentor, PairRef};

/// A participant (or history) table: a CSV file, or header and rows from a DataFrame.
#[derive(Debug, Clone)]
pub enum Table {
    /// A CSV file, read exactly as the command line reads it.
    Path(PathBuf),
    /// Cells already converted to text; `source` names the table in errors.
    Records {
        source: String,
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// Formats a float cell: whole numbers without a fraction (pandas turns an integer column with
/// an empty cell into floats, and `capacity` must read `2`, not `2.0`), NaN as empty.
fn float_cell(v: f64) -> String {
    if v.is_nan() {
        String::new()
    } else if v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// One cell as the text a CSV file would hold. Lists, tuples, sets and arrays become `;`-separated
/// lists; None and NaN become empty (unknown).
pub fn cell(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if obj.is_none() {
        return Ok(String::new());
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(if b.is_true() { "True" } else { "False" }.to_string());
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        return Ok(match i.extract::<i64>() {
            Ok(v) => v.to_string(),
            Err(_) => i.str()?.to_cow()?.into_owned(),
        });
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(float_cell(f.value()));
    }
    if obj.is_instance_of::<PyList>()
        || obj.is_instance_of::<PyTuple>()
        || obj.is_instance_of::<PySet>()
        || obj.is_instance_of::<PyFrozenSet>()
    {
        return join_items(obj);
    }
    if obj.hasattr("tolist")? {
        // numpy arrays (and numpy scalars, whose tolist() is a Python scalar).
        let v = obj.call_method0("tolist")?;
        if v.is_instance_of::<PyList>() {
            return join_items(&v);
        }
        return cell(&v);
    }
    Ok(obj.str()?.to_cow()?.into_owned())
}

fn join_items(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let mut parts = Vec::new();
    for item in obj.try_iter()? {
        let s = cell(&item?)?;
        if !s.trim().is_empty() {
            parts.push(s);
        }
    }
    Ok(parts.join(";"))
}

/// Extracts a table argument: `str` (a CSV path) or `(source, headers, columns)` where
/// `columns` is one list of cells per header.
pub fn table(obj: &Bound<'_, PyAny>) -> PyResult<Table> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Table::Path(PathBuf::from(s.to_cow()?.into_owned())));
    }
    let (source, headers, columns): (String, Vec<String>, Bound<'_, PyList>) = obj.extract()?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (c, col) in columns.iter().enumerate() {
        let col = col.cast_into::<PyList>()?;
        if c == 0 {
            rows = (0..col.len())
                .map(|_| Vec::with_capacity(headers.len()))
                .collect();
        } else if col.len() != rows.len() {
            return Err(crate::errors::input(
                Location::source(source.clone()).field(headers.get(c).cloned().unwrap_or_default()),
                format!(
                    "column has {} cells, the first column {}",
                    col.len(),
                    rows.len()
                ),
                Some("every column needs one cell per row"),
            ));
        }
        for (row, item) in rows.iter_mut().zip(col.iter()) {
            row.push(cell(&item)?);
        }
    }
    Ok(Table::Records {
        source,
        headers,
        rows,
    })
}

impl Table {
    /// Mentors from this table.
    pub fn mentors(self, columns: &Columns) -> mentormatch::Result<Vec<Mentor>> {
        match self {
            Table::Path(p) => read_mentors(&p, columns),
            Table::Records {
                source,
                headers,
                rows,
            } => mentors_from_records(&source, &headers, rows, columns),
        }
    }
    /// Mentees from this table.
    pub fn mentees(self, columns: &Columns) -> mentormatch::Result<Vec<Mentee>> {
        match self {
            Table::Path(p) => read_mentees(&p, columns),
            Table::Records {
                source,
                headers,
                rows,
            } => mentees_from_records(&source, &headers, rows, columns),
        }
    }
    /// The table's name for messages and reports (the file path, or the source given).
    pub fn source(&self) -> String {
        match self {
            Table::Path(p) => p.display().to_string(),
            Table::Records { source, .. } => source.clone(),
        }
    }
    /// The field keys the table provides (see `mentormatch::input::column_check`).
    pub fn fields(
        &self,
        side: mentormatch::Side,
        columns: &Columns,
    ) -> mentormatch::Result<Vec<String>> {
        match self {
            Table::Path(p) => mentormatch::input::file_fields(p, side, columns),
            Table::Records {
                source, headers, ..
            } => mentormatch::input::header_fields(side, source, headers, columns),
        }
    }
    /// The previous plan from this table (`mentee_id`, `mentor_id` columns), for `rematch`.
    pub fn previous(self) -> mentormatch::Result<Vec<mentormatch::input::PreviousPair>> {
        match self {
            Table::Path(p) => mentormatch::input::read_previous(&p),
            Table::Records {
                source,
                headers,
                rows,
            } => mentormatch::input::previous_from_records(&source, &headers, rows),
        }
    }
    /// Earlier rounds' pairs from this table (`mentee_id`, `mentor_id` columns).
    pub fn history(self) -> mentormatch::Result<Vec<PairRef>> {
        match self {
            Table::Path(p) => read_history(&p),
            Table::Records {
                source,
                headers,
                rows,
            } => history_from_records(&source, &headers, rows),
        }
    }
}

/// The configuration as given from Python: a TOML file, or a dict serialised to JSON by the
/// Python side, plus keyword overrides (also JSON).
#[derive(Debug, Clone, Default)]
pub struct ConfigSpec {
    /// A TOML file (`history` inside it is relative to the file, as on the command line).
    pub path: Option<PathBuf>,
    /// A dict with the TOML file's keys.
    pub json: Option<String>,
    /// Keyword arguments: scalars replace the configuration's value, `forbid`, `pin` and
    /// `past_pairs` add to its lists.
    pub overrides: Option<String>,
}

fn json_error(source: &str, e: &serde_json::Error) -> Error {
    Error::Input(
        InputError::new(Location::source(source), e.to_string())
            .hint("the keys and values of the TOML configuration (see examples/config.toml)"),
    )
}

impl ConfigSpec {
    /// Builds and validates the configuration.
    pub fn build(&self) -> mentormatch::Result<Config> {
        let mut config = if let Some(p) = &self.path {
            Config::from_toml_file(p)?
        } else if let Some(j) = &self.json {
            serde_json::from_str(j).map_err(|e| json_error("config", &e))?
        } else {
            Config::default()
        };
        if let Some(o) = &self.overrides {
            let over: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(o).map_err(|e| json_error("arguments", &e))?;
            config = config.with_overrides(over, "arguments")?;
        }
        let source = self
            .path
            .as_deref()
            .map(Path::display)
            .map(|d| d.to_string())
            .unwrap_or_else(|| "config".to_string());
        config.validate(&source)?;
        Ok(config)
    }
}
