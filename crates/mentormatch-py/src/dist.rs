//! Shard jobs and solves whose passes over all pairs run elsewhere (`mentormatch._dask`, a
//! Spark job): a thin layer over `mentormatch::distributed`.

use std::path::PathBuf;
use std::sync::Mutex;

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

use mentormatch::distributed::{
    self, CandidateIndex, Candidates, PairPasses, PriceAnswer, PriceJob, PriceQuery, SearchStats,
    ShardIndex,
};
use mentormatch::{Error, Progress, Settings};

use crate::errors::PyMmError;
use crate::{compute, warned, Inputs, Run};

/// Flat candidate rows: (offsets, mentor indices, scores, outside per mentee, pairs scored,
/// bounds evaluated).
type FlatRows<'py> = (
    Bound<'py, PyArray1<u64>>,
    Bound<'py, PyArray1<u32>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    u64,
    u64,
);

fn contiguous<T: numpy::Element + Copy>(a: &PyReadonlyArray1<'_, T>) -> PyResult<Vec<T>> {
    Ok(a.as_slice()
        .map_err(|_| PyValueError::new_err("arrays must be contiguous"))?
        .to_vec())
}

/// The compiled cohort and its candidate index, for shard jobs (one per worker).
#[pyclass(frozen, module = "mentormatch._core", name = "ShardIndex")]
#[derive(Debug)]
pub struct PyShardIndex {
    inner: ShardIndex,
}

#[pymethods]
impl PyShardIndex {
    /// `index`: bytes from [`PyShardIndex::index_bytes`] of the same mentors and configuration
    /// (the mentor index built once elsewhere); `None` builds it here. `offset`: `mentees` is
    /// one shard of a whole cohort, starting at mentee `offset` (a worker then holds only its
    /// shard of mentees); it needs `index` from the whole cohort (which knows every pin).
    #[new]
    #[pyo3(signature = (mentors, mentees, config_path=None, config_json=None, overrides=None, history=None, index=None, offset=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        mentors: &Bound<'_, PyAny>,
        mentees: &Bound<'_, PyAny>,
        config_path: Option<PathBuf>,
        config_json: Option<String>,
        overrides: Option<String>,
        history: Option<&Bound<'_, PyList>>,
        index: Option<&Bound<'_, PyBytes>>,
        offset: Option<usize>,
    ) -> PyResult<Self> {
        if offset.is_some() && index.is_none() {
            return Err(PyValueError::new_err(
                "a shard of the mentees (offset) needs the index bytes of the whole cohort",
            ));
        }
        let inputs = Inputs::extract(
            mentors,
            mentees,
            config_path,
            config_json,
            overrides,
            history,
        )?;
        let index = index.map(|b| b.as_bytes().to_vec());
        let inner = compute(py, move || -> mentormatch::Result<ShardIndex> {
            let problem = match offset {
                Some(o) => inputs.shard_problem(o)?,
                None => inputs.problem()?.problem,
            };
            match index {
                Some(bytes) => ShardIndex::from_index_bytes(problem, &bytes),
                None => Ok(ShardIndex::new(problem)),
            }
        })?
        .map_err(PyMmError)?;
        Ok(PyShardIndex { inner })
    }

    /// The mentor index as bytes, to send to workers (the `index` argument).
    fn index_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.index_bytes())
    }

    /// Number of mentees held here (a shard's size for a shard of the mentees).
    #[getter]
    fn n_mentees(&self) -> usize {
        self.inner.problem().n_mentees()
    }

    /// The place of the first mentee held here in the whole cohort (0 unless a shard).
    #[getter]
    fn mentee_offset(&self) -> usize {
        self.inner.problem().mentee_offset()
    }

    /// Whether workers may hold a shard of the mentees only (no ranked preferences, which
    /// rank mentees of the whole cohort).
    #[getter]
    fn shardable(&self) -> bool {
        self.inner.problem().shardable()
    }

    /// Number of mentors.
    #[getter]
    fn n_mentors(&self) -> usize {
        self.inner.problem().n_mentors()
    }

    /// The configuration's candidates per mentee.
    #[getter]
    fn default_k(&self) -> usize {
        self.inner.default_k()
    }

    fn mentee_ids(&self) -> Vec<String> {
        use mentormatch::Participant;
        let c = self.inner.problem().cohort();
        c.mentees.iter().map(|p| p.id().to_string()).collect()
    }

    fn mentor_ids(&self) -> Vec<String> {
        use mentormatch::Participant;
        let c = self.inner.problem().cohort();
        c.mentors.iter().map(|p| p.id().to_string()).collect()
    }

    /// Candidate rows of mentees `start..stop`, flat.
    #[pyo3(signature = (start, stop, k=None, prices=None))]
    fn candidates<'py>(
        &self,
        py: Python<'py>,
        start: usize,
        stop: usize,
        k: Option<usize>,
        prices: Option<PyReadonlyArray1<'py, f64>>,
    ) -> PyResult<FlatRows<'py>> {
        let prices = prices.as_ref().map(contiguous).transpose()?;
        let k = k.unwrap_or_else(|| self.inner.default_k());
        let inner = &self.inner;
        let c = compute(py, move || {
            inner.candidates(start..stop, k, prices.as_deref())
        })?
        .map_err(PyMmError)?;
        Ok(flat(py, c))
    }

    /// Answers a pricing job: `(offsets, mentors, scores, left, pairs scored, bounds)`.
    #[allow(clippy::too_many_arguments)]
    fn price_above<'py>(
        &self,
        py: Python<'py>,
        mentees: PyReadonlyArray1<'py, u64>,
        floors: PyReadonlyArray1<'py, f64>,
        restricted: PyReadonlyArray1<'py, bool>,
        v: PyReadonlyArray1<'py, f64>,
        masked: Option<PyReadonlyArray1<'py, f64>>,
        k: usize,
    ) -> PyResult<FlatRows<'py>> {
        let (mentees, floors, restricted) = (
            contiguous(&mentees)?,
            contiguous(&floors)?,
            contiguous(&restricted)?,
        );
        if floors.len() != mentees.len() || restricted.len() != mentees.len() {
            return Err(PyValueError::new_err(
                "mentees, floors and restricted differ in length",
            ));
        }
        let v = contiguous(&v)?;
        let masked = masked.as_ref().map(contiguous).transpose()?;
        let queries: Vec<PriceQuery> = (0..mentees.len())
            .map(|x| PriceQuery {
                mentee: mentees[x] as usize,
                floor: floors[x],
                restricted: restricted[x],
            })
            .collect();
        let inner = &self.inner;
        let (answers, stats) = compute(py, move || {
            inner.price_above(&PriceJob {
                queries: &queries,
                v: &v,
                masked: masked.as_deref(),
                k,
            })
        })?
        .map_err(PyMmError)?;
        Ok(flat_answers(py, answers, stats))
    }
}

fn flat(py: Python<'_>, c: Candidates) -> FlatRows<'_> {
    (
        c.offsets
            .iter()
            .map(|&o| o as u64)
            .collect::<Vec<_>>()
            .into_pyarray(py),
        c.mentor.into_pyarray(py),
        c.score.into_pyarray(py),
        c.outside.into_pyarray(py),
        c.stats.pairs_scored,
        c.stats.bounds,
    )
}

fn flat_answers(py: Python<'_>, answers: Vec<PriceAnswer>, stats: SearchStats) -> FlatRows<'_> {
    let mut offsets = vec![0u64];
    let (mut mentor, mut score, mut left) = (Vec::new(), Vec::new(), Vec::new());
    for (list, l) in answers {
        for (j, s) in list {
            mentor.push(j);
            score.push(s);
        }
        offsets.push(mentor.len() as u64);
        left.push(l);
    }
    (
        offsets.into_pyarray(py),
        mentor.into_pyarray(py),
        score.into_pyarray(py),
        left.into_pyarray(py),
        stats.pairs_scored,
        stats.bounds,
    )
}

/// Reads flat rows returned by Python: (offsets, mentors, scores, outside, pairs, bounds).
type Rows = (Vec<usize>, Vec<u32>, Vec<f64>, Vec<f64>, SearchStats);

fn read_flat(obj: &Bound<'_, PyAny>) -> PyResult<Rows> {
    let (offsets, mentor, score, outside, pairs_scored, bounds): (
        PyReadonlyArray1<'_, u64>,
        PyReadonlyArray1<'_, u32>,
        PyReadonlyArray1<'_, f64>,
        PyReadonlyArray1<'_, f64>,
        u64,
        u64,
    ) = obj.extract()?;
    let offsets: Vec<usize> = contiguous(&offsets)?
        .into_iter()
        .map(|o| o as usize)
        .collect();
    let (mentor, score, outside) = (
        contiguous(&mentor)?,
        contiguous(&score)?,
        contiguous(&outside)?,
    );
    let ok = offsets.first() == Some(&0)
        && offsets.windows(2).all(|w| w[0] <= w[1])
        && offsets.last() == Some(&mentor.len())
        && score.len() == mentor.len()
        && outside.len() + 1 == offsets.len();
    if !ok {
        return Err(PyValueError::new_err("malformed rows from a shard job"));
    }
    Ok((
        offsets,
        mentor,
        score,
        outside,
        SearchStats {
            pairs_scored,
            bounds,
        },
    ))
}

/// Passes run by a Python callable `passes(kind, *args)`:
/// `("candidates", k)` and `("price", mentees, floors, restricted, v, masked, k)`, each returning
/// flat rows (see `ShardIndex`), e.g. gathered from shard jobs on a Dask cluster.
struct PyPasses {
    callback: Py<PyAny>,
    n: usize,
    /// The first Python exception a pass raised (re-raised as it is when the solve fails).
    error: Mutex<Option<PyErr>>,
}

impl PyPasses {
    /// Passes calling `callback` (`None`: passes run here, see `match_candidates`).
    fn new(callback: Py<PyAny>) -> Self {
        PyPasses {
            callback,
            n: 0,
            error: Mutex::new(None),
        }
    }

    /// Runs `f` (in the thread pool, without the GIL) with passes calling the same callback for
    /// a cohort of `n` mentees; the first Python exception a pass raised is kept here, for
    /// `finish`.
    fn scoped<R>(&self, n: usize, f: impl FnOnce(&PyPasses) -> R) -> R {
        let passes = PyPasses {
            callback: Python::attach(|py| self.callback.clone_ref(py)),
            n,
            error: Mutex::new(None),
        };
        let r = f(&passes);
        if let Some(e) = passes.take_error() {
            *self.error.lock().unwrap_or_else(|x| x.into_inner()) = Some(e);
        }
        r
    }

    fn fail(&self, e: PyErr) -> Error {
        let msg = e.to_string();
        let mut slot = self.error.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(e);
        }
        Error::Solver(format!("a pass over the pairs failed: {msg}"))
    }

    fn take_error(&self) -> Option<PyErr> {
        self.error.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

impl PairPasses for PyPasses {
    fn candidates(
        &self,
        _: &CandidateIndex,
        k: usize,
        progress: &dyn Progress,
    ) -> mentormatch::Result<Candidates> {
        progress.stage("candidate pairs (shard jobs)", 0);
        let r = Python::attach(|py| -> PyResult<_> {
            let out = self.callback.call1(py, ("candidates", k))?;
            read_flat(out.bind(py))
        });
        let (offsets, mentor, score, outside, stats) = r.map_err(|e| self.fail(e))?;
        if outside.len() != self.n {
            return Err(self.fail(PyValueError::new_err(format!(
                "candidate rows for {} mentees, the cohort has {}",
                outside.len(),
                self.n
            ))));
        }
        Ok(Candidates {
            offsets,
            mentor,
            score,
            outside,
            stats,
        })
    }

    fn price_above(
        &self,
        _: &CandidateIndex,
        job: &PriceJob<'_>,
    ) -> mentormatch::Result<(Vec<PriceAnswer>, SearchStats)> {
        let r = Python::attach(|py| -> PyResult<_> {
            let mentees: Vec<u64> = job.queries.iter().map(|q| q.mentee as u64).collect();
            let floors: Vec<f64> = job.queries.iter().map(|q| q.floor).collect();
            let restricted: Vec<bool> = job.queries.iter().map(|q| q.restricted).collect();
            let out = self.callback.call1(
                py,
                (
                    "price",
                    mentees.into_pyarray(py),
                    floors.into_pyarray(py),
                    restricted.into_pyarray(py),
                    job.v.to_vec().into_pyarray(py),
                    job.masked.map(|w| w.to_vec().into_pyarray(py)),
                    job.k,
                ),
            )?;
            read_flat(out.bind(py))
        });
        let (offsets, mentor, score, left, stats) = r.map_err(|e| self.fail(e))?;
        if left.len() != job.queries.len() {
            return Err(self.fail(PyValueError::new_err(format!(
                "a pricing pass answered {} of {} queries",
                left.len(),
                job.queries.len()
            ))));
        }
        let answers = (0..left.len())
            .map(|x| {
                let r = offsets[x]..offsets[x + 1];
                (
                    mentor[r.clone()]
                        .iter()
                        .copied()
                        .zip(score[r].iter().copied())
                        .collect(),
                    left[x],
                )
            })
            .collect();
        Ok((answers, stats))
    }

    fn chunk(&self) -> usize {
        // One call per pass: the engine shards it.
        usize::MAX
    }
}

/// Finishes a solve: the pass's Python exception if one failed, else the core's error.
fn finish(
    py: Python<'_>,
    passes: &PyPasses,
    out: mentormatch::Result<(Run, Vec<String>)>,
) -> PyResult<Run> {
    let out = out.map_err(|e| passes.take_error().unwrap_or_else(|| PyMmError(e).into()));
    warned(py, out)
}

/// Matches a cohort with the passes over all pairs run by `passes` (see `PyPasses`).
#[pyfunction]
#[pyo3(signature = (mentors, mentees, passes, config_path=None, config_json=None, overrides=None, history=None))]
#[allow(clippy::too_many_arguments)]
pub fn match_distributed(
    py: Python<'_>,
    mentors: &Bound<'_, PyAny>,
    mentees: &Bound<'_, PyAny>,
    passes: Py<PyAny>,
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
    let passes = PyPasses::new(passes);
    let p = &passes;
    let out = compute(py, move || {
        let c = inputs.problem()?;
        let settings = Settings::from_problem(&c.problem);
        let result = p.scoped(c.problem.n_mentees(), |passes| {
            distributed::solve_distributed(&c.problem, &settings, passes)
        })?;
        c.into_run(result)
    })?;
    finish(py, &passes, out)
}

/// Matches from candidate rows given by ids (see `mentormatch::distributed::candidates_from_rows`),
/// with pricing passes run by `passes` (a callable as for `match_distributed`) or here (`None`).
#[pyfunction]
#[pyo3(signature = (mentors, mentees, mentee_ids, mentor_ids, scores, outside, passes=None, stats=(0, 0), config_path=None, config_json=None, overrides=None, history=None))]
#[allow(clippy::too_many_arguments)]
pub fn match_candidates<'py>(
    py: Python<'py>,
    mentors: &Bound<'py, PyAny>,
    mentees: &Bound<'py, PyAny>,
    mentee_ids: Vec<String>,
    mentor_ids: Vec<Option<String>>,
    scores: PyReadonlyArray1<'py, f64>,
    outside: PyReadonlyArray1<'py, f64>,
    passes: Option<Py<PyAny>>,
    stats: (u64, u64),
    config_path: Option<PathBuf>,
    config_json: Option<String>,
    overrides: Option<String>,
    history: Option<&Bound<'py, PyList>>,
) -> PyResult<Run> {
    let inputs = Inputs::extract(
        mentors,
        mentees,
        config_path,
        config_json,
        overrides,
        history,
    )?;
    let (scores, outside) = (contiguous(&scores)?, contiguous(&outside)?);
    let remote = passes.is_some();
    let passes = PyPasses::new(passes.unwrap_or_else(|| py.None()));
    let p = &passes;
    let out = compute(py, move || {
        let c = inputs.problem()?;
        let mut cands = distributed::candidates_from_rows(
            &c.problem,
            &mentee_ids,
            &mentor_ids,
            &scores,
            &outside,
        )?;
        cands.stats = SearchStats {
            pairs_scored: stats.0,
            bounds: stats.1,
        };
        let settings = Settings::from_problem(&c.problem);
        let result = if remote {
            p.scoped(c.problem.n_mentees(), |passes| {
                distributed::solve_candidates(&c.problem, &settings, cands, passes)
            })?
        } else {
            let local = distributed::LocalPasses {
                problem: &c.problem,
            };
            distributed::solve_candidates(&c.problem, &settings, cands, &local)?
        };
        c.into_run(result)
    })?;
    finish(py, &passes, out)
}
