//! Python bindings for mentormatch: the extension module `mentormatch._core`.
//!
//! A thin layer: it extracts Python inputs into Rust values (with the GIL held), calls the core
//! with the GIL released, and converts results and errors back. No matching logic lives here.
//! The public, documented API is the `mentormatch` Python package (python/mentormatch), which
//! turns DataFrames into the plain lists this module takes.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use numpy::{
    IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray2, PyUntypedArrayMethods,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use mentormatch::{Cohort, Location, MatchResult, PairRef, Problem};

mod convert;
mod errors;

use convert::{ConfigSpec, Table};
use errors::PyMmError;

// ---------------------------------------------------------------------------------------------
// Thread pool, safe after fork

/// The rayon pool every computation runs in. Not rayon's global pool: a forked child inherits a
/// pool whose threads do not exist in it, and would hang on first use. `os.register_at_fork`
/// (set up by the Python package) calls [`reset_after_fork`] in the child, which drops the
/// inherited pool without touching it, so the child builds a fresh one.
static POOL: Mutex<Option<Arc<rayon::ThreadPool>>> = Mutex::new(None);

fn pool() -> PyResult<Arc<rayon::ThreadPool>> {
    let mut guard = POOL.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = guard.as_ref() {
        return Ok(Arc::clone(p));
    }
    // Honours RAYON_NUM_THREADS.
    let p = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("mentormatch-{i}"))
        .build()
        .map_err(|e| PyValueError::new_err(format!("cannot start threads: {e}")))?;
    let p = Arc::new(p);
    *guard = Some(Arc::clone(&p));
    Ok(p)
}

/// Forgets the thread pool inherited from the parent process (called in a forked child).
#[pyfunction]
fn _reset_after_fork() {
    let mut guard = POOL.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = guard.take() {
        // Its threads were not forked: dropping it would signal threads that do not exist.
        std::mem::forget(p);
    }
}

/// Runs `f` with the GIL released, inside the binding's thread pool.
fn compute<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce() -> T + Send,
{
    let pool = pool()?;
    Ok(py.detach(move || pool.install(f)))
}

// ---------------------------------------------------------------------------------------------
// Inputs

/// Everything `match_cohort` and `score_matrix` take, extracted from Python.
#[derive(Debug)]
struct Inputs {
    mentors: Table,
    mentees: Table,
    config: ConfigSpec,
    history: Vec<Table>,
}

impl Inputs {
    fn extract(
        mentors: &Bound<'_, PyAny>,
        mentees: &Bound<'_, PyAny>,
        config_path: Option<PathBuf>,
        config_json: Option<String>,
        overrides: Option<String>,
        history: Option<&Bound<'_, PyList>>,
    ) -> PyResult<Inputs> {
        let history = match history {
            Some(h) => h
                .iter()
                .map(|t| convert::table(&t))
                .collect::<PyResult<Vec<_>>>()?,
            None => Vec::new(),
        };
        Ok(Inputs {
            mentors: convert::table(mentors)?,
            mentees: convert::table(mentees)?,
            config: ConfigSpec {
                path: config_path,
                json: config_json,
                overrides,
            },
            history,
        })
    }

    /// Reads the tables and compiles the problem (no Python involved: runs without the GIL).
    fn problem(self) -> mentormatch::Result<Problem> {
        let config = self.config.build()?;
        let mut past: Vec<PairRef> = Vec::new();
        if let Some(h) = &config.history {
            past.extend(mentormatch::read_history(h)?);
        }
        for t in self.history {
            past.extend(t.history()?);
        }
        let cohort = Cohort {
            mentors: self.mentors.mentors(&config.columns)?,
            mentees: self.mentees.mentees(&config.columns)?,
        };
        Problem::new(cohort, config, past)
    }
}

// ---------------------------------------------------------------------------------------------
// Matching

/// A finished run: the compiled problem (to explain any pair) and the result.
#[pyclass(frozen, module = "mentormatch._core", name = "Run")]
struct Run {
    problem: Problem,
    result: MatchResult,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("pairs", &self.result.pairs.len())
            .field("objective", &self.result.objective)
            .finish()
    }
}

fn json_to_py<'py>(py: Python<'py>, value: &impl serde::Serialize) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value)
        .map_err(|e| PyValueError::new_err(format!("cannot serialise: {e}")))?;
    py.import("json")?.call_method1("loads", (text,))
}

#[pymethods]
impl Run {
    /// Total score of all pairs.
    #[getter]
    fn objective(&self) -> f64 {
        self.result.objective
    }
    /// "optimal", "feasible" or "no solution found".
    #[getter]
    fn status(&self) -> &'static str {
        self.result.status.as_str()
    }
    /// The backend that solved the problem.
    #[getter]
    fn solver(&self) -> &str {
        &self.result.solver
    }
    /// Upper bound on the best total score, when not proven optimal.
    #[getter]
    fn bound(&self) -> Option<f64> {
        self.result.bound
    }
    /// Relative gap between objective and bound.
    #[getter]
    fn gap(&self) -> Option<f64> {
        self.result.gap
    }
    /// sha256 of input, configuration and version.
    #[getter]
    fn fingerprint(&self) -> &str {
        &self.result.fingerprint
    }
    /// Solver remarks.
    #[getter]
    fn notes(&self) -> Vec<String> {
        self.result.notes.clone()
    }
    /// Criterion labels, in column order.
    #[getter]
    fn criteria(&self) -> Vec<String> {
        self.result.criteria.clone()
    }
    /// Cohort-level goals and the values reached, as a list of dicts.
    #[getter]
    fn goals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.result.goals)
    }

    /// The pairs as columns: a dict of lists, criterion columns holding points.
    fn pair_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let pairs = &self.result.pairs;
        let d = PyDict::new(py);
        let ids = |id: fn(&mentormatch::Pair) -> &str| pairs.iter().map(id).collect::<Vec<_>>();
        d.set_item("mentee_id", ids(|p| &p.mentee_id))?;
        d.set_item("mentor_id", ids(|p| &p.mentor_id))?;
        d.set_item(
            "score",
            pairs
                .iter()
                .map(|p| p.score)
                .collect::<Vec<_>>()
                .into_pyarray(py),
        )?;
        for (c, label) in self.result.criteria.iter().enumerate() {
            let points: Vec<f64> = pairs
                .iter()
                .map(|p| p.breakdown.get(c).map_or(f64::NAN, |b| b.points))
                .collect();
            d.set_item(label, points.into_pyarray(py))?;
        }
        d.set_item(
            "explanation",
            pairs
                .iter()
                .map(|p| p.explanation.as_str())
                .collect::<Vec<_>>(),
        )?;
        d.set_item("pinned", pairs.iter().map(|p| p.pinned).collect::<Vec<_>>())?;
        Ok(d)
    }

    /// Everyone left over: `(side, id, reason)` tuples, mentees first.
    fn unmatched_rows(&self) -> Vec<(&'static str, String, String)> {
        let r = &self.result;
        r.unmatched_mentees
            .iter()
            .map(|u| ("mentee", u.id.clone(), u.reason.clone()))
            .chain(
                r.unmatched_mentors
                    .iter()
                    .map(|u| ("mentor", u.id.clone(), u.reason.clone())),
            )
            .collect()
    }

    /// Breakdown of any mentee-mentor combination, made or not, as a dict.
    fn explain<'py>(
        &self,
        py: Python<'py>,
        mentee_id: &str,
        mentor_id: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let i = self.problem.mentee_index(mentee_id).ok_or_else(|| {
            errors::input(
                Location::source("mentees").field("id"),
                format!("unknown mentee '{mentee_id}'"),
                Some("use an id from the mentees table"),
            )
        })?;
        let j = self.problem.mentor_index(mentor_id).ok_or_else(|| {
            errors::input(
                Location::source("mentors").field("id"),
                format!("unknown mentor '{mentor_id}'"),
                Some("use an id from the mentors table"),
            )
        })?;
        json_to_py(py, &self.problem.explain(i, j))
    }

    /// The whole result as JSON (the library's serde form).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.result)
            .map_err(|e| PyValueError::new_err(format!("cannot serialise: {e}")))
    }
}

/// Matches a cohort. Low-level: `mentormatch.match` prepares the arguments.
#[pyfunction]
#[pyo3(signature = (mentors, mentees, config_path=None, config_json=None, overrides=None, history=None))]
fn match_cohort(
    py: Python<'_>,
    mentors: &Bound<'_, PyAny>,
    mentees: &Bound<'_, PyAny>,
    config_path: Option<PathBuf>,
    config_json: Option<String>,
    overrides: Option<String>,
    history: Option<&Bound<'_, PyList>>,
) -> PyResult<Run> {
    let inputs = Inputs::extract(
        mentors,
        mentees,
        config_path,
        config_json,
        overrides,
        history,
    )?;
    let out = compute(py, move || -> mentormatch::Result<Run> {
        let problem = inputs.problem()?;
        let result = mentormatch::solve(&problem)?;
        // No matching found in time is an error for analysts, not an empty table.
        if let Some(e) = result.no_solution_error() {
            return Err(e);
        }
        Ok(Run { problem, result })
    })?;
    Ok(out.map_err(PyMmError)?)
}

type ScoreOut<'py> = (
    Vec<String>,
    Vec<String>,
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyArray2<bool>>,
);

/// Scores every mentee-mentor pair: `(mentee_ids, mentor_ids, scores, allowed)`.
#[pyfunction]
#[pyo3(signature = (mentors, mentees, config_path=None, config_json=None, overrides=None, history=None))]
fn score_matrix<'py>(
    py: Python<'py>,
    mentors: &Bound<'py, PyAny>,
    mentees: &Bound<'py, PyAny>,
    config_path: Option<PathBuf>,
    config_json: Option<String>,
    overrides: Option<String>,
    history: Option<&Bound<'py, PyList>>,
) -> PyResult<ScoreOut<'py>> {
    let inputs = Inputs::extract(
        mentors,
        mentees,
        config_path,
        config_json,
        overrides,
        history,
    )?;
    let out = compute(py, move || -> mentormatch::Result<_> {
        let problem = inputs.problem()?;
        let m = problem.score_matrix();
        let c = problem.cohort();
        let mentee_ids: Vec<String> = c.mentees.iter().map(|p| p.profile.id.clone()).collect();
        let mentor_ids: Vec<String> = c.mentors.iter().map(|p| p.profile.id.clone()).collect();
        Ok((mentee_ids, mentor_ids, m))
    })?;
    let (mentee_ids, mentor_ids, m) = out.map_err(PyMmError)?;
    let shape = [m.n_mentees, m.n_mentors];
    let scores = m.scores.into_pyarray(py).reshape(shape)?;
    let allowed = m.allowed.into_pyarray(py).reshape(shape)?;
    Ok((mentee_ids, mentor_ids, scores, allowed))
}

// ---------------------------------------------------------------------------------------------
// Assignment

type Assignment<'py> = (Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<i64>>);

/// scipy-compatible assignment on a C-contiguous float64 matrix (the Python wrapper converts
/// any array-like and checks shape and dtype with scipy's messages).
#[pyfunction]
#[pyo3(signature = (cost_matrix, maximize=false, release_gil=true))]
fn linear_sum_assignment<'py>(
    py: Python<'py>,
    cost_matrix: PyReadonlyArray2<'py, f64>,
    maximize: bool,
    release_gil: bool,
) -> PyResult<Assignment<'py>> {
    let shape = cost_matrix.shape();
    let (nrows, ncols) = (shape[0], shape[1]);
    let costs = cost_matrix
        .as_slice()
        .map_err(|_| PyValueError::new_err("cost matrix must be C-contiguous"))?;
    let solve = move || mentormatch::lap::linear_sum_assignment(costs, nrows, ncols, maximize);
    // The caller's own array is read in place (a copy of a large matrix costs as much as the
    // solve): only Python code could change it under us, and Python code cannot run while we
    // hold the GIL. Private or read-only arrays are solved with the GIL released.
    let out = if release_gil {
        compute(py, solve)?
    } else {
        solve()
    };
    let (rows, cols) = out.map_err(errors::lap_error)?;
    let to_i64 = |v: Vec<usize>| -> Vec<i64> { v.into_iter().map(|x| x as i64).collect() };
    Ok((to_i64(rows).into_pyarray(py), to_i64(cols).into_pyarray(py)))
}

// ---------------------------------------------------------------------------------------------

/// The compiled part of mentormatch.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    m.add_class::<Run>()?;
    m.add_function(wrap_pyfunction!(match_cohort, m)?)?;
    m.add_function(wrap_pyfunction!(score_matrix, m)?)?;
    m.add_function(wrap_pyfunction!(linear_sum_assignment, m)?)?;
    m.add_function(wrap_pyfunction!(_reset_after_fork, m)?)?;
    Ok(())
}
