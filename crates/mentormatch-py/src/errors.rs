//! The one place where mentormatch's errors become Python exceptions.
//!
//! Hierarchy (all importable from `mentormatch`):
//!
//! ```text
//! ValueError
//! └── MentorMatchError
//!     ├── InputError       .source .row .field .hint   (bad table, configuration, file)
//!     │   └── MissingFileError  (also a FileNotFoundError: `except FileNotFoundError` works)
//!     ├── InfeasibleError  .diagnosis (a dict)          (no matching satisfies the hard rules)
//!     └── SolverError                                   (a backend failed or is not built in, or
//!                                                       no matching was found within the time limit)
//! ```
//!
//! `linear_sum_assignment` raises plain `ValueError`s with scipy's messages instead, so it stays a
//! drop-in replacement.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use mentormatch::{Error, LapError, Location};

pyo3::create_exception!(
    mentormatch,
    MentorMatchError,
    PyValueError,
    "Root of mentormatch's exceptions (a ValueError)."
);
pyo3::create_exception!(
    mentormatch,
    InputError,
    MentorMatchError,
    "Bad input: a table, a configuration or a file. `.source`, `.row` (1-based, header = row 1), \
     `.field` and `.hint` say where and how to fix it (None when unknown)."
);
pyo3::create_exception!(
    mentormatch,
    InfeasibleError,
    MentorMatchError,
    "No matching satisfies the hard rules. `.diagnosis` is a dict, e.g. \
     {'kind': 'not_enough_places', 'mentees': [...], 'mentors': [[id, places], ...], 'places': n}."
);
pyo3::create_exception!(
    mentormatch,
    SolverError,
    MentorMatchError,
    "A solver backend failed for a reason that is not the input's fault, or is not in this build."
);

/// Adds the exceptions to the module, with class-level `None` defaults for their attributes so
/// that instances raised from Python code have them too.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("MentorMatchError", py.get_type::<MentorMatchError>())?;
    let input = py.get_type::<InputError>();
    for attr in ["source", "row", "field", "hint"] {
        input.setattr(attr, py.None())?;
    }
    m.add("InputError", input.clone())?;
    // A class with two bases cannot be declared with `create_exception!`; `type()` makes it.
    // FileNotFoundError comes first so that OSError's `__init__` and `__str__` apply
    // (`errno`, `filename`, `[Errno 2] ...: 'path'`); ValueError adds no fields to
    // BaseException, so the two layouts combine.
    let builtins = py.import("builtins")?;
    let body = pyo3::types::PyDict::new(py);
    body.set_item("__module__", "mentormatch")?;
    body.set_item(
        "__doc__",
        "A file that does not exist: an InputError and a FileNotFoundError (`.filename`).",
    )?;
    let missing = builtins.getattr("type")?.call1((
        "MissingFileError",
        (builtins.getattr("FileNotFoundError")?, input),
        body,
    ))?;
    m.add("MissingFileError", missing)?;
    let infeasible = py.get_type::<InfeasibleError>();
    infeasible.setattr("diagnosis", py.None())?;
    m.add("InfeasibleError", infeasible)?;
    m.add("SolverError", py.get_type::<SolverError>())?;
    Ok(())
}

/// A core error on its way to Python (like polars' `PyPolarsErr`): `?` converts it.
#[derive(Debug)]
pub struct PyMmError(pub Error);

impl From<Error> for PyMmError {
    fn from(e: Error) -> Self {
        PyMmError(e)
    }
}

fn with_attrs(err: PyErr, attrs: &[(&str, Py<PyAny>)]) -> PyErr {
    Python::attach(|py| {
        let value = err.value(py);
        for (name, v) in attrs {
            // Setting an attribute on a fresh exception instance cannot fail in practice; if it
            // did, the exception is still raised, only without the attribute.
            let _ = value.setattr(*name, v.bind(py));
        }
    });
    err
}

fn input_error(py: Python<'_>, message: String, loc: &Location, hint: Option<&str>) -> PyErr {
    input_error_as(py, PyErr::new::<InputError, _>(message), loc, hint)
}

/// A missing file as `MissingFileError` (an InputError and a FileNotFoundError), falling back
/// to a plain InputError should the class be unavailable.
fn missing_file_error(py: Python<'_>, source: &std::io::Error, path: &str) -> PyErr {
    let loc = Location::source(path);
    // As Python's own: `[Errno 2] No such file or directory: 'path'`, with errno and filename.
    let errno = source.raw_os_error().unwrap_or(2);
    let text = source.to_string();
    let strerror = text
        .rsplit_once(" (os error")
        .map_or(text.as_str(), |(head, _)| head);
    let made = py
        .import("mentormatch._core")
        .and_then(|m| m.getattr("MissingFileError"))
        .and_then(|cls| cls.call1((errno, strerror, path)));
    match made {
        Ok(instance) => input_error_as(py, PyErr::from_value(instance), &loc, None),
        Err(_) => input_error(py, format!("{path}: {text}"), &loc, None),
    }
}

fn input_error_as(py: Python<'_>, err: PyErr, loc: &Location, hint: Option<&str>) -> PyErr {
    let attrs = [
        (
            "source",
            loc.source.clone().into_pyobject(py).map(|o| o.unbind()),
        ),
        ("row", loc.row.into_pyobject(py).map(|o| o.unbind())),
        (
            "field",
            loc.field.clone().into_pyobject(py).map(|o| o.unbind()),
        ),
        ("hint", hint.into_pyobject(py).map(|o| o.unbind())),
    ];
    let attrs: Vec<(&str, Py<PyAny>)> = attrs
        .into_iter()
        .filter_map(|(k, v)| v.ok().map(|v| (k, v)))
        .collect();
    with_attrs(err, &attrs)
}

fn json_to_py(py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}

impl From<PyMmError> for PyErr {
    fn from(e: PyMmError) -> PyErr {
        Python::attach(|py| match e.0 {
            Error::Input(ie) => {
                let msg = ie.to_string();
                input_error(py, msg, &ie.location, ie.hint.as_deref())
            }
            Error::Io { path, source } if source.kind() == std::io::ErrorKind::NotFound => {
                missing_file_error(py, &source, &path)
            }
            Error::Io { path, source } => {
                let msg = format!("{path}: {source}");
                input_error(py, msg, &Location::source(path), None)
            }
            Error::Infeasible(diag) => {
                let msg = Error::Infeasible(diag.clone()).to_string();
                let err = PyErr::new::<InfeasibleError, _>(msg);
                match serde_json::to_string(&*diag)
                    .ok()
                    .and_then(|s| json_to_py(py, &s).ok())
                {
                    Some(d) => with_attrs(err, &[("diagnosis", d)]),
                    None => err,
                }
            }
            Error::Solver(msg) => PyErr::new::<SolverError, _>(format!("solver error: {msg}")),
            other => PyErr::new::<MentorMatchError, _>(other.to_string()),
        })
    }
}

/// An [`InputError`] raised by the binding itself (bad arguments), located like the core's.
pub fn input(loc: Location, message: impl Into<String>, hint: Option<&str>) -> PyErr {
    Python::attach(|py| {
        let mut e = mentormatch::InputError::new(loc.clone(), message);
        if let Some(h) = hint {
            e = e.hint(h);
        }
        input_error(py, e.to_string(), &loc, hint)
    })
}

/// scipy's exceptions and messages for `linear_sum_assignment`.
pub fn lap_error(e: LapError) -> PyErr {
    match e {
        LapError::Infeasible => PyValueError::new_err("cost matrix is infeasible"),
        LapError::InvalidEntry { .. } => {
            PyValueError::new_err("matrix contains invalid numeric entries")
        }
        other => PyValueError::new_err(other.to_string()),
    }
}

/// scipy's exceptions and messages for `min_weight_full_bipartite_matching`.
pub fn sparse_matching_error(e: LapError) -> PyErr {
    match e {
        LapError::Infeasible => PyValueError::new_err("no full matching exists"),
        LapError::InvalidEntry { .. } => {
            PyValueError::new_err("matrix contains invalid numeric entries")
        }
        other => PyValueError::new_err(other.to_string()),
    }
}
