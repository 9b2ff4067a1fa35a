//! Python bindings for mentormatch: the extension module `mentormatch._core`.
//!
//! A thin layer: it extracts Python inputs into Rust values (with the GIL held), calls the core
//! with the GIL released, and converts results and errors back. No matching logic lives here.
//! The public, documented API is the `mentormatch` Python package (python/mentormatch), which
//! turns DataFrames into the plain lists this module takes.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use numpy::{
    IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2,
    PyUntypedArrayMethods,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use mentormatch::report::table::{criterion_stats, Cells, PairTable};
use mentormatch::{Cohort, Location, MatchResult, PairRef, Problem};

mod convert;
mod dist;
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

/// Runs `f` as [`compute`] does when `release_gil`, else right here with the GIL held (for
/// inputs read in place that Python code must not change meanwhile).
fn compute_if<T, F>(py: Python<'_>, release_gil: bool, f: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce() -> T + Send,
{
    if release_gil {
        compute(py, f)
    } else {
        Ok(f())
    }
}

/// Runs a computation on extracted inputs with the GIL released (see [`compute`]) and returns
/// its value: its error raised as the matching Python exception, its column warnings emitted.
fn compute_warned<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce() -> mentormatch::Result<(T, Vec<String>)> + Send,
{
    let out = compute(py, f)?.map_err(|e| PyErr::from(PyMmError(e)));
    warned(py, out)
}

/// The value of a finished computation, its column warnings emitted as Python warnings.
fn warned<T>(py: Python<'_>, out: PyResult<(T, Vec<String>)>) -> PyResult<T> {
    let (value, warnings) = out?;
    warn(py, &warnings)?;
    Ok(value)
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
    fn problem(self) -> mentormatch::Result<Compiled> {
        let parts = self.parts(false)?;
        Ok(Compiled {
            problem: Problem::new(parts.cohort, parts.config, parts.past)?,
            warnings: parts.warnings,
            sources: parts.sources,
        })
    }

    /// The problem over every mentor and the mentees table as one shard of a whole cohort,
    /// starting at mentee `offset` (see `mentormatch::Problem::shard`).
    /// An error in a row of the shard names that row's place in the whole mentee table, as
    /// the single-process path does.
    fn shard_problem(self, offset: usize) -> mentormatch::Result<Problem> {
        let (mentees, mentors) = (self.mentees.source(), self.mentors.source());
        let shift = |e: mentormatch::Error| match e {
            mentormatch::Error::Input(mut ie)
                if mentees != mentors && ie.location.source.as_deref() == Some(&mentees) =>
            {
                if let Some(r) = ie.location.row.as_mut() {
                    *r += offset;
                }
                mentormatch::Error::Input(ie)
            }
            e => e,
        };
        let parts = self.parts(true).map_err(shift)?;
        Problem::shard(parts.cohort, parts.config, parts.past, offset).map_err(shift)
    }

    /// Reads the tables and checks the columns the configuration names against them. For a
    /// shard of the mentees the ranked lists are not parsed here: they name mentees of other
    /// shards, and `Problem::shard` refuses them as a whole.
    fn parts(self, shard: bool) -> mentormatch::Result<Parts> {
        let config = self.config.build()?;
        // The config's own `history` is read by `Problem::new`; these add to it.
        let mut past: Vec<PairRef> = Vec::new();
        for t in self.history {
            past.extend(t.history()?);
        }
        let sources = (self.mentors.source(), self.mentees.source());
        let mf = self
            .mentors
            .fields(mentormatch::Side::Mentor, &config.columns)?;
        let ef = self
            .mentees
            .fields(mentormatch::Side::Mentee, &config.columns)?;
        let cohort = Cohort {
            mentors: self.mentors.mentors(&config.columns)?,
            mentees: self.mentees.mentees(&config.columns)?,
        };
        // Ranked preferences are checked here first so that errors name the tables.
        if !shard {
            mentormatch::Preferences::parse(
                &cohort.mentors,
                &cohort.mentees,
                &config.preferences,
                (&sources.0, &sources.1),
            )?;
        }
        let config_source = self
            .config
            .path
            .as_deref()
            .map_or_else(|| "config".to_string(), |p| p.display().to_string());
        let warnings = mentormatch::input::column_check::check(
            &config,
            &config_source,
            mentormatch::input::column_check::FileFields {
                source: &sources.0,
                fields: &mf,
            },
            mentormatch::input::column_check::FileFields {
                source: &sources.1,
                fields: &ef,
            },
        )?;
        Ok(Parts {
            cohort,
            config,
            past,
            warnings,
            sources,
        })
    }
}

/// The inputs read and checked, before compiling.
struct Parts {
    cohort: Cohort,
    config: mentormatch::Config,
    past: Vec<PairRef>,
    warnings: Vec<String>,
    sources: (String, String),
}

/// A compiled problem with the column warnings and the tables' names.
struct Compiled {
    problem: Problem,
    warnings: Vec<String>,
    sources: (String, String),
}

impl Compiled {
    /// The run of a solve of this problem, with the column warnings. No matching found in time
    /// is an error for analysts, not an empty table.
    fn into_run(self, result: MatchResult) -> mentormatch::Result<(Run, Vec<String>)> {
        if let Some(e) = result.no_solution_error() {
            return Err(e);
        }
        Ok((
            Run {
                problem: self.problem,
                result,
                sources: self.sources,
            },
            self.warnings,
        ))
    }
}

/// Emits column warnings as Python `UserWarning`s.
fn warn(py: Python<'_>, warnings: &[String]) -> PyResult<()> {
    for w in warnings {
        let msg = std::ffi::CString::new(w.replace('\0', " "))
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        PyErr::warn(
            py,
            &py.get_type::<pyo3::exceptions::PyUserWarning>(),
            &msg,
            2,
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Matching

/// A finished run: the compiled problem (to explain any pair) and the result.
#[pyclass(frozen, module = "mentormatch._core", name = "Run")]
struct Run {
    problem: Problem,
    result: MatchResult,
    /// The tables' names (mentors, mentees), for the report.
    sources: (String, String),
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
    /// "optimal", "feasible" or "no_solution_found" (as in `to_dict()`).
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
    /// Solver remarks, in words.
    #[getter]
    fn notes(&self) -> Vec<String> {
        self.result
            .notes
            .iter()
            .map(|n| n.message.clone())
            .collect()
    }
    /// How long the solve took, in seconds (not part of the result's identity).
    #[getter]
    fn solve_seconds(&self) -> f64 {
        self.result.stats.solve_seconds
    }
    /// Criterion labels, in column order.
    #[getter]
    fn criteria(&self) -> Vec<String> {
        self.result.criteria.clone()
    }
    /// Cohort-level goals and the values reached: `(constraint, bound in words, value,
    /// satisfied)` per goal bound.
    #[getter]
    fn goals(&self) -> Vec<(String, String, f64, bool)> {
        self.result
            .goals
            .iter()
            .map(|g| {
                (
                    g.constraint.clone(),
                    g.bound.to_string(),
                    g.value,
                    g.satisfied,
                )
            })
            .collect()
    }

    /// The pairs as columns in the core's order (see `mentormatch::report::table::PairTable`):
    /// a dict of lists, numbers as numpy arrays (NaN for none), criterion columns holding points.
    fn pair_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for c in PairTable::pairs(&self.result).columns {
            match c.cells {
                Cells::Text(v) => d.set_item(c.name, v)?,
                Cells::Number(v) => d.set_item(
                    c.name,
                    v.into_iter()
                        .map(|x| x.unwrap_or(f64::NAN))
                        .collect::<Vec<_>>()
                        .into_pyarray(py),
                )?,
                Cells::Flag(v) => d.set_item(c.name, v)?,
                _ => {
                    return Err(pyo3::exceptions::PyRuntimeError::new_err(
                        "internal error: a pair-table column of an unknown kind",
                    ))
                }
            }
        }
        Ok(d)
    }

    /// Per criterion: `(label, weight, required, full, partly, not_met, unknown, mean)`.
    #[allow(clippy::type_complexity)]
    fn criterion_stats(&self) -> Vec<(String, f64, bool, usize, usize, usize, usize, Option<f64>)> {
        criterion_stats(&self.problem, &self.result)
            .into_iter()
            .map(|t| {
                (
                    t.label, t.weight, t.required, t.full, t.partly, t.not_met, t.unknown, t.mean,
                )
            })
            .collect()
    }

    /// Everyone left over: `(side, id, reason)` tuples, mentees first.
    fn unmatched_rows(&self) -> Vec<(&'static str, String, String)> {
        let r = &self.result;
        r.unmatched_mentees
            .iter()
            .map(|u| ("mentee", u.id.clone(), u.reason.to_string()))
            .chain(
                r.unmatched_mentors
                    .iter()
                    .map(|u| ("mentor", u.id.clone(), u.reason.to_string())),
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

    /// The blocking pairs as columns (`None` when the audit was skipped; see the notes).
    fn blocking_columns<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        match &self.result.blocking_pairs {
            None => Ok(None),
            Some(b) => blocking_dict(py, b).map(Some),
        }
    }
    /// The price of stability as a dict, or `None` without preferences.
    #[getter]
    fn price_of_stability<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.result.price_of_stability)
    }
    /// The HTML report (one self-contained page; see `mentormatch::report::html`).
    fn to_html(&self) -> String {
        mentormatch::report::html(
            &self.problem,
            &self.result,
            &self.sources.0,
            &self.sources.1,
        )
    }

    /// The whole result as JSON (the library's serde form).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.result)
            .map_err(|e| PyValueError::new_err(format!("cannot serialise: {e}")))
    }
}

/// Blocking pairs as a dict of columns.
fn blocking_dict<'py>(
    py: Python<'py>,
    b: &[mentormatch::BlockingPair],
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(
        "mentee_id",
        b.iter().map(|x| x.mentee_id.as_str()).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "mentor_id",
        b.iter().map(|x| x.mentor_id.as_str()).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "score",
        b.iter()
            .map(|x| x.score)
            .collect::<Vec<_>>()
            .into_pyarray(py),
    )?;
    d.set_item(
        "mentee_partner",
        b.iter()
            .map(|x| x.mentee_partner.as_deref())
            .collect::<Vec<_>>(),
    )?;
    d.set_item(
        "mentor_drops",
        b.iter()
            .map(|x| x.mentor_drops.as_deref())
            .collect::<Vec<_>>(),
    )?;
    d.set_item(
        "reason",
        b.iter().map(|x| x.reason.as_str()).collect::<Vec<_>>(),
    )?;
    Ok(d)
}

/// Audits a matching made elsewhere: `(audit as a dict, blocking pairs as columns)`.
#[pyfunction]
#[pyo3(signature = (pairs, mentors, mentees, config_path=None, config_json=None, overrides=None, history=None))]
#[allow(clippy::too_many_arguments)]
fn audit<'py>(
    py: Python<'py>,
    pairs: &Bound<'_, PyAny>,
    mentors: &Bound<'_, PyAny>,
    mentees: &Bound<'_, PyAny>,
    config_path: Option<PathBuf>,
    config_json: Option<String>,
    overrides: Option<String>,
    history: Option<&Bound<'_, PyList>>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyDict>)> {
    let pairs = convert::table(pairs)?;
    let inputs = Inputs::extract(
        mentors,
        mentees,
        config_path,
        config_json,
        overrides,
        history,
    )?;
    let mut a = compute_warned(py, move || {
        let source = pairs.source();
        let previous = pairs.previous()?;
        let c = inputs.problem()?;
        let a = mentormatch::stability::audit(&c.problem, &previous, &source)?;
        Ok((a, c.warnings))
    })?;
    let blocking = blocking_dict(py, &a.blocking_pairs)?;
    a.blocking_pairs = Vec::new();
    Ok((json_to_py(py, &a)?, blocking))
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
    compute_warned(py, move || {
        let c = inputs.problem()?;
        let result = mentormatch::solve(&c.problem)?;
        c.into_run(result)
    })
}

/// Suggestions for self-matching: `(mentee_ids, ranks, mentor_ids, scores, explanations)`.
#[pyfunction]
#[pyo3(signature = (mentors, mentees, top, config_path=None, config_json=None, overrides=None, history=None))]
#[allow(clippy::too_many_arguments)]
fn suggest(
    py: Python<'_>,
    mentors: &Bound<'_, PyAny>,
    mentees: &Bound<'_, PyAny>,
    top: usize,
    config_path: Option<PathBuf>,
    config_json: Option<String>,
    overrides: Option<String>,
    history: Option<&Bound<'_, PyList>>,
) -> PyResult<SuggestOut> {
    let inputs = Inputs::extract(
        mentors,
        mentees,
        config_path,
        config_json,
        overrides,
        history,
    )?;
    compute_warned(py, move || {
        let mut parts = inputs.parts(false)?;
        // Suggestions are for everyone: a mentee the plan cannot place still gets a list.
        parts.config.rules.allow_unmatched = true;
        let problem = Problem::new(parts.cohort, parts.config, parts.past)?;
        let s = mentormatch::analysis::suggest::suggest(&problem, top)?;
        let c = problem.cohort();
        let mut cols: SuggestOut = Default::default();
        for r in &s.rows {
            cols.0.push(c.mentees[r.mentee].profile.id.clone());
            cols.1.push(r.rank);
            cols.2.push(c.mentors[r.mentor].profile.id.clone());
            cols.3.push(r.score);
            cols.4.push(problem.explain(r.mentee, r.mentor).text);
        }
        Ok((cols, parts.warnings))
    })
}

type SuggestOut = (Vec<String>, Vec<usize>, Vec<String>, Vec<f64>, Vec<String>);

/// Re-matching from a previous plan: `(run, change per pair, ended (mentee, mentor, reason))`.
#[pyfunction]
#[pyo3(signature = (previous, mentors, mentees, config_path=None, config_json=None, overrides=None, history=None))]
#[allow(clippy::too_many_arguments)]
fn rematch(
    py: Python<'_>,
    previous: &Bound<'_, PyAny>,
    mentors: &Bound<'_, PyAny>,
    mentees: &Bound<'_, PyAny>,
    config_path: Option<PathBuf>,
    config_json: Option<String>,
    overrides: Option<String>,
    history: Option<&Bound<'_, PyList>>,
) -> PyResult<RematchOut> {
    let previous = convert::table(previous)?;
    let inputs = Inputs::extract(
        mentors,
        mentees,
        config_path,
        config_json,
        overrides,
        history,
    )?;
    compute_warned(py, move || {
        let previous = previous.previous()?;
        let parts = inputs.parts(false)?;
        let r = mentormatch::analysis::rematch::rematch(
            parts.cohort,
            parts.config,
            parts.past,
            &previous,
        )?;
        let change: Vec<&'static str> = r.change.iter().map(|c| c.as_str()).collect();
        let ended: Vec<(String, String, String)> = r
            .ended
            .into_iter()
            .map(|e| (e.mentee_id, e.mentor_id, e.reason))
            .collect();
        let run = Run {
            problem: r.problem,
            result: r.result,
            sources: parts.sources,
        };
        Ok(((run, change, ended), parts.warnings))
    })
}

type RematchOut = (Run, Vec<&'static str>, Vec<(String, String, String)>);

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
    let (mentee_ids, mentor_ids, m) = compute_warned(py, move || {
        let compiled = inputs.problem()?;
        let problem = compiled.problem;
        let m = problem.score_matrix();
        let c = problem.cohort();
        let mentee_ids: Vec<String> = c.mentees.iter().map(|p| p.profile.id.clone()).collect();
        let mentor_ids: Vec<String> = c.mentors.iter().map(|p| p.profile.id.clone()).collect();
        Ok(((mentee_ids, mentor_ids, m), compiled.warnings))
    })?;
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
    let (rows, cols) = compute_if(py, release_gil, solve)?.map_err(errors::lap_error)?;
    Ok(assignment(py, rows, cols))
}

/// Row and column indices as numpy int64 arrays.
fn assignment(py: Python<'_>, rows: Vec<usize>, cols: Vec<usize>) -> Assignment<'_> {
    let to_i64 = |v: Vec<usize>| -> Vec<i64> { v.into_iter().map(|x| x as i64).collect() };
    (to_i64(rows).into_pyarray(py), to_i64(cols).into_pyarray(py))
}

/// A CSR array's elements, read in place.
fn csr_slice<'a, T: numpy::Element>(a: &'a PyReadonlyArray1<'_, T>) -> PyResult<&'a [T]> {
    a.as_slice()
        .map_err(|_| PyValueError::new_err("CSR arrays must be contiguous"))
}

/// CSR index arrays as numpy gives them: both int32 or both int64, read in place.
enum CsrIndices<'py> {
    I32(PyReadonlyArray1<'py, i32>, PyReadonlyArray1<'py, i32>),
    I64(PyReadonlyArray1<'py, i64>, PyReadonlyArray1<'py, i64>),
}

fn csr_indices<'py>(
    indptr: &Bound<'py, PyAny>,
    indices: &Bound<'py, PyAny>,
) -> PyResult<CsrIndices<'py>> {
    if let (Ok(p), Ok(i)) = (indptr.extract(), indices.extract()) {
        return Ok(CsrIndices::I32(p, i));
    }
    match (indptr.extract(), indices.extract()) {
        (Ok(p), Ok(i)) => Ok(CsrIndices::I64(p, i)),
        _ => Err(PyValueError::new_err(
            "indptr and indices must both be int32 or both int64 arrays",
        )),
    }
}

/// Row and column indices of a sparse matching, or why there is none.
type SparseOutcome = Result<(Vec<usize>, Vec<usize>), mentormatch::LapError>;

/// One sparse solve over CSR arrays of index type `I`, read in place, with the GIL released
/// when `release_gil` (see `linear_sum_assignment`).
#[allow(clippy::too_many_arguments)]
fn solve_csr<I: mentormatch::lap::CsrIndex + numpy::Element>(
    py: Python<'_>,
    nrows: usize,
    ncols: usize,
    indptr: &PyReadonlyArray1<'_, I>,
    indices: &PyReadonlyArray1<'_, I>,
    data: &[f64],
    maximize: bool,
    release_gil: bool,
) -> PyResult<SparseOutcome> {
    let (indptr, indices) = (csr_slice(indptr)?, csr_slice(indices)?);
    let solve = move || {
        let m = mentormatch::lap::Csr {
            nrows,
            ncols,
            indptr,
            indices,
            data,
        };
        mentormatch::lap::min_weight_full_bipartite_matching(&m, maximize)
    };
    compute_if(py, release_gil, solve)
}

/// scipy's `min_weight_full_bipartite_matching` on a CSR matrix's arrays (the Python wrapper
/// converts any sparse input, drops explicit zeros with scipy's warning and picks the result's
/// dtypes). The arrays are read in place; see `linear_sum_assignment` for `release_gil`.
#[pyfunction]
#[pyo3(signature = (nrows, ncols, indptr, indices, data, maximize=false, release_gil=true))]
#[allow(clippy::too_many_arguments)]
fn min_weight_full_bipartite_matching<'py>(
    py: Python<'py>,
    nrows: usize,
    ncols: usize,
    indptr: &Bound<'py, PyAny>,
    indices: &Bound<'py, PyAny>,
    data: PyReadonlyArray1<'py, f64>,
    maximize: bool,
    release_gil: bool,
) -> PyResult<Assignment<'py>> {
    let data = csr_slice(&data)?;
    let index = csr_indices(indptr, indices)?;
    let out = match &index {
        CsrIndices::I32(p, i) => solve_csr(py, nrows, ncols, p, i, data, maximize, release_gil)?,
        CsrIndices::I64(p, i) => solve_csr(py, nrows, ncols, p, i, data, maximize, release_gil)?,
    };
    let (rows, cols) = out.map_err(errors::sparse_matching_error)?;
    Ok(assignment(py, rows, cols))
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
    m.add_function(wrap_pyfunction!(suggest, m)?)?;
    m.add_function(wrap_pyfunction!(rematch, m)?)?;
    m.add_function(wrap_pyfunction!(audit, m)?)?;
    m.add_function(wrap_pyfunction!(linear_sum_assignment, m)?)?;
    m.add_function(wrap_pyfunction!(min_weight_full_bipartite_matching, m)?)?;
    m.add_function(wrap_pyfunction!(_reset_after_fork, m)?)?;
    m.add_class::<dist::PyShardIndex>()?;
    m.add_function(wrap_pyfunction!(dist::match_distributed, m)?)?;
    m.add_function(wrap_pyfunction!(dist::match_candidates, m)?)?;
    Ok(())
}
