//! Passes over all pairs as shard jobs (Dask, Spark, any engine), with the same result as one
//! process.
//!
//! The sparse backends touch every pair in two kinds of passes: candidate generation (each
//! mentee's `k` best allowed mentors) and, in column generation, pricing (each mentee's
//! allowed mentors whose *reduced* score `s_ij - v_j` beats its row). Both are independent per
//! mentee, so they can run as jobs over ranges of mentees on other machines:
//!
//! - [`ShardIndex`]: the compiled problem and its candidate index; the index is built once
//!   and sent to workers as bytes ([`ShardIndex::index_bytes`], [`ShardIndex::from_index_bytes`]);
//!   [`ShardIndex::candidates`] answers a candidate pass for a range of mentees (optionally by
//!   reduced score, with mentor prices), [`ShardIndex::price_above`] a pricing job.
//! - [`solve_distributed`]: what [`crate::solve_with`] does, with the passes run by a
//!   [`PairPasses`] implementation (e.g. one that sends shard jobs to a cluster); the solve
//!   over the candidate graph runs here.
//! - [`candidates_from_rows`] and [`solve_candidates`]: a solve from candidate rows made
//!   elsewhere (a Spark job), checked against the problem.
//!
//! # Same result as one process
//! A shard job runs exactly the search the single-process backend runs for the same mentee
//! (same scores, same index, same tie order: the per-mentee tie order of the search depends on
//! the mentee's place in the whole cohort), and the answers are merged in mentee order, so the
//! candidates, every pricing pass, and hence the result (pairs, scores, notes, fingerprint) are
//! identical.
//!
//! # What a worker holds
//! Every mentor, and only the mentees of its shards: [`ShardIndex::from_index_bytes`] takes a
//! [`Problem::shard`] (mentors, mentees `offset..offset + n`, configuration). This works because
//! the mentor side compiles from the mentors alone (mentor values are interned first, see
//! [`crate::score`]), so the shard's mentor data, and hence the tree sent as bytes, are those of
//! the whole cohort, and because the search orders ties by the global mentee place
//! ([`Problem::mentee_offset`]). Ranked preferences rank mentees of the whole cohort, so a
//! cohort with them is not sharded ([`Problem::shardable`]); its workers hold the whole cohort.

use std::ops::Range;

use rayon::prelude::*;

use crate::backends::sparse::candidates::Scratch;
use crate::backends::sparse::{self, remaining_after_pins};
use crate::config::SolverKind;
use crate::error::{Error, InputError, Location, Result};
use crate::model::Participant;
use crate::problem::Problem;
use crate::result::MatchResult;
use crate::solver::Settings;

pub use crate::backends::sparse::{
    CandidateIndex, Candidates, LocalPasses, PairPasses, PriceAnswer, PriceJob, PriceQuery,
    SearchStats,
};

/// The compiled problem and its candidate index: what a worker needs to answer shard jobs.
#[derive(Debug)]
pub struct ShardIndex {
    problem: Problem,
    index: CandidateIndex,
    pinned: Vec<Option<usize>>,
}

impl ShardIndex {
    /// Builds the candidate index over the mentors with places after the pins (as the
    /// single-process backends do). For the whole cohort's problem: a shard problem
    /// ([`Problem::shard`]) does not know the pins of other shards, so it takes the index the
    /// whole problem built ([`ShardIndex::from_index_bytes`]).
    pub fn new(problem: Problem) -> ShardIndex {
        let index = CandidateIndex::new(&problem, &remaining_after_pins(&problem));
        ShardIndex::with_index(problem, index)
    }

    /// The index built once elsewhere: `problem` compiled here (from the same mentors and
    /// configuration: the whole cohort, or one shard of its mentees, [`Problem::shard`]) and
    /// the mentor index from [`ShardIndex::index_bytes`] of the process that built it, so that
    /// workers do not build it again. Errors when the bytes are damaged, of another version of
    /// mentormatch, or of another mentor table's (or configuration's) index.
    pub fn from_index_bytes(problem: Problem, bytes: &[u8]) -> Result<ShardIndex> {
        let index = CandidateIndex::from_bytes(&problem, bytes)?;
        Ok(ShardIndex::with_index(problem, index))
    }

    fn with_index(problem: Problem, index: CandidateIndex) -> ShardIndex {
        let mut pinned = vec![None; problem.n_mentees()];
        for &(i, j) in problem.pins() {
            pinned[i] = Some(j);
        }
        ShardIndex {
            problem,
            index,
            pinned,
        }
    }

    /// The mentor index as bytes, for [`ShardIndex::from_index_bytes`] on a worker.
    pub fn index_bytes(&self) -> Vec<u8> {
        self.index.to_bytes()
    }

    /// The compiled problem.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// The mentees this index answers for, as places in the whole cohort:
    /// `offset..offset + n` for a shard problem, `0..n` otherwise.
    pub fn mentees(&self) -> Range<usize> {
        let o = self.problem.mentee_offset();
        o..o + self.problem.n_mentees()
    }

    /// Candidates per mentee from the configuration (`candidates`, default 50).
    pub fn default_k(&self) -> usize {
        sparse::k_of(&self.problem)
    }

    /// The candidate rows of mentees `range` (places in the whole cohort, within
    /// [`ShardIndex::mentees`]; row `x` is mentee `range.start + x`): a pinned mentee gets its
    /// pin; the others their `k` best allowed mentors, or with `prices` (one per mentor, `>= 0`)
    /// the `k` with the largest reduced score `s_ij - prices[j]` (their plain scores in the
    /// rows). Without prices the rows are exactly those the single-process backends generate.
    /// In parallel; independent of the number of threads.
    pub fn candidates(
        &self,
        range: Range<usize>,
        k: usize,
        prices: Option<&[f64]>,
    ) -> Result<Candidates> {
        let m = self.problem.n_mentors();
        let here = self.mentees();
        if range.start > range.end || range.start < here.start || range.end > here.end {
            return Err(Error::Input(InputError::new(
                Location::source("candidates"),
                format!(
                    "mentee range {}..{} is outside the mentees {}..{} held here",
                    range.start, range.end, here.start, here.end
                ),
            )));
        }
        // Local places from here on.
        let range = range.start - here.start..range.end - here.start;
        if let Some(p) = prices {
            if p.len() != m {
                return Err(Error::Input(InputError::new(
                    Location::source("prices"),
                    format!("{} prices for {m} mentors", p.len()),
                )));
            }
            if let Some(j) = p.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
                return Err(Error::Input(
                    InputError::new(
                        Location::source("prices"),
                        format!(
                            "the price of mentor {} is {}",
                            self.problem.cohort().mentors[j].id(),
                            p[j]
                        ),
                    )
                    .hint("prices must be finite and at least 0"),
                ));
            }
        }
        let k = k.max(1);
        let priced = prices.map(|p| self.index.prices(p));
        let rows: Vec<(sparse::candidates::Row, SearchStats)> = range
            .into_par_iter()
            .map_init(Scratch::default, |scratch, i| {
                let mut st = SearchStats::default();
                let row = match (self.pinned[i], &priced) {
                    (Some(j), _) => (
                        vec![(j as u32, self.problem.pair(i, j).0)],
                        f64::NEG_INFINITY,
                    ),
                    (None, None) => self.index.query(&self.problem, i, k, scratch, &mut st),
                    (None, Some(p)) => {
                        self.index
                            .query_priced(&self.problem, i, k, p, &[], scratch, &mut st)
                    }
                };
                (row, st)
            })
            .collect();
        let mut out = Candidates {
            offsets: vec![0],
            mentor: Vec::new(),
            score: Vec::new(),
            outside: Vec::with_capacity(rows.len()),
            stats: SearchStats::default(),
        };
        for ((row, outside), st) in rows {
            out.stats.pairs_scored += st.pairs_scored;
            out.stats.bounds += st.bounds;
            for (j, s) in row {
                out.mentor.push(j);
                out.score.push(s);
            }
            out.offsets.push(out.mentor.len());
            out.outside.push(outside);
        }
        Ok(out)
    }

    /// Answers a pricing job (a shard of a column-generation pass), exactly as the
    /// single-process pass does.
    pub fn price_above(&self, job: &PriceJob<'_>) -> Result<(Vec<PriceAnswer>, SearchStats)> {
        let m = self.problem.n_mentors();
        let here = self.mentees();
        if job.v.len() != m || job.masked.is_some_and(|w| w.len() != m) {
            return Err(Error::Input(InputError::new(
                Location::source("prices"),
                format!("prices for {} mentors, the cohort has {m}", job.v.len()),
            )));
        }
        if let Some(q) = job.queries.iter().find(|q| !here.contains(&q.mentee)) {
            return Err(Error::Input(InputError::new(
                Location::source("pricing"),
                format!(
                    "mentee {} is outside the mentees {}..{} held here",
                    q.mentee, here.start, here.end
                ),
            )));
        }
        if here.start == 0 {
            return Ok(sparse::run_price_job(&self.problem, &self.index, job));
        }
        // The queries name places in the whole cohort; the problem here is the shard's.
        let local: Vec<PriceQuery> = job
            .queries
            .iter()
            .map(|q| PriceQuery {
                mentee: q.mentee - here.start,
                ..*q
            })
            .collect();
        Ok(sparse::run_price_job(
            &self.problem,
            &self.index,
            &PriceJob {
                queries: &local,
                ..*job
            },
        ))
    }
}

/// Concatenates the candidate rows of consecutive mentee ranges.
pub fn concat(parts: Vec<Candidates>) -> Candidates {
    let mut out = Candidates {
        offsets: vec![0],
        mentor: Vec::new(),
        score: Vec::new(),
        outside: Vec::new(),
        stats: SearchStats::default(),
    };
    for p in parts {
        let base = out.mentor.len();
        out.offsets.extend(p.offsets[1..].iter().map(|&o| o + base));
        out.mentor.extend(p.mentor);
        out.score.extend(p.score);
        out.outside.extend(p.outside);
        out.stats.pairs_scored += p.stats.pairs_scored;
        out.stats.bounds += p.stats.bounds;
    }
    out
}

/// Solves `problem` as [`crate::solve_with`] does, with the passes over all pairs run by
/// `passes`. Only the heuristic backend has such passes; when the configuration selects
/// another backend (a cohort small enough for the dense matrix, the ILP...), it runs here, as
/// in one process. The result equals [`crate::solve_with`]'s when `passes` answers as
/// [`LocalPasses`] does.
pub fn solve_distributed(
    problem: &Problem,
    settings: &Settings,
    passes: &dyn PairPasses,
) -> Result<MatchResult> {
    crate::solve_by(problem, |backend| {
        if backend.name() == "heuristic" {
            crate::backends::heuristic::solve_with_passes(problem, settings, passes, None)
        } else {
            backend.solve(problem, settings)
        }
    })
}

/// Solves over candidates made elsewhere ([`candidates_from_rows`]) with the heuristic backend
/// (auction, column generation with pricing passes run by `passes`, certificate). Equal to
/// the single-process heuristic's result when `candidates` equals its candidates. The
/// configuration's `solver` must be `auto` or `heuristic`.
pub fn solve_candidates(
    problem: &Problem,
    settings: &Settings,
    candidates: Candidates,
    passes: &dyn PairPasses,
) -> Result<MatchResult> {
    let solver = problem.config().solver_options.kind;
    if !matches!(solver, SolverKind::Auto | SolverKind::Heuristic) {
        return Err(Error::Input(
            InputError::new(
                Location::source("config").field("solver"),
                format!(
                    "solving from candidates uses the heuristic backend; solver = \"{}\" cannot",
                    solver.as_str()
                ),
            )
            .hint("leave solver as \"auto\" or set \"heuristic\""),
        ));
    }
    if candidates.n() != problem.n_mentees() {
        return Err(Error::Input(InputError::new(
            Location::source("candidates"),
            format!(
                "candidate rows for {} mentees, the cohort has {}",
                candidates.n(),
                problem.n_mentees()
            ),
        )));
    }
    let started = std::time::Instant::now();
    let solution =
        crate::backends::heuristic::solve_with_passes(problem, settings, passes, Some(candidates))?;
    Ok(crate::finish_solve(problem, solution, started))
}

/// Candidate rows given by ids, checked against `problem`: row `r` pairs `mentee[r]` with
/// `mentor[r]` (`None`: a mentee without candidates) at `score[r]`, `outside[r]` bounding
/// every allowed pair of the mentee not listed (the same on each of its rows). Each mentee's
/// rows keep their order. Errors (an [`Error::Input`] naming the row; rows count from 2, the
/// header being row 1): an unknown id, a mentee without rows, a mentor listed twice for a
/// mentee, a score other than the one computed here, or a pair the rules forbid (candidates
/// made with other data or configuration).
pub fn candidates_from_rows(
    problem: &Problem,
    mentee: &[String],
    mentor: &[Option<String>],
    score: &[f64],
    outside: &[f64],
) -> Result<Candidates> {
    let rows = mentee.len();
    if mentor.len() != rows || score.len() != rows || outside.len() != rows {
        return Err(Error::Input(InputError::new(
            Location::source("candidates"),
            "columns mentee_id, mentor_id, score and outside differ in length",
        )));
    }
    let at = |r: usize, field: &str| Location::source("candidates").row(r + 2).field(field);
    let n = problem.n_mentees();
    let cohort = problem.cohort();
    // Indices, checked in parallel: (mentee, mentor or none).
    let idx: Vec<(usize, Option<usize>)> = (0..rows)
        .into_par_iter()
        .map(|r| -> Result<(usize, Option<usize>)> {
            let i = problem.mentee_index(&mentee[r]).ok_or_else(|| {
                Error::Input(InputError::new(
                    at(r, "mentee_id"),
                    format!("no mentee has id '{}'", mentee[r]),
                ))
            })?;
            let Some(id) = &mentor[r] else {
                return Ok((i, None));
            };
            let j = problem.mentor_index(id).ok_or_else(|| {
                Error::Input(InputError::new(
                    at(r, "mentor_id"),
                    format!("no mentor has id '{id}'"),
                ))
            })?;
            let (s, ok) = problem.pair(i, j);
            if !ok {
                return Err(Error::Input(
                    InputError::new(
                        at(r, "mentor_id"),
                        format!("{} - {id} is not allowed by the rules", mentee[r]),
                    )
                    .hint("were the candidates made with other data or configuration?"),
                ));
            }
            if s.to_bits() != score[r].to_bits() {
                return Err(Error::Input(
                    InputError::new(
                        at(r, "score"),
                        format!("{} - {id} scores {s} here, not {}", mentee[r], score[r]),
                    )
                    .hint("were the candidates made with other data or configuration?"),
                ));
            }
            Ok((i, Some(j)))
        })
        .collect::<Result<_>>()?;
    let mut count = vec![0usize; n];
    let mut first = vec![usize::MAX; n];
    for (r, &(i, _)) in idx.iter().enumerate() {
        count[i] += 1;
        if first[i] == usize::MAX {
            first[i] = r;
        } else if outside[r].to_bits() != outside[first[i]].to_bits() {
            return Err(Error::Input(InputError::new(
                at(r, "outside"),
                format!(
                    "mentee {} has outside {} here and {} in row {}",
                    mentee[r],
                    outside[r],
                    outside[first[i]],
                    first[i] + 2
                ),
            )));
        }
    }
    if let Some(i) = (0..n).find(|&i| count[i] == 0) {
        return Err(Error::Input(
            InputError::new(
                Location::source("candidates"),
                format!(
                    "mentee {} has no rows (a mentee without candidates has one row with an empty mentor_id)",
                    cohort.mentees[i].id()
                ),
            )
            .hint("were the rows of a shard left out?"),
        ));
    }
    let mut offsets = vec![0usize; n + 1];
    // Rows per mentee with a mentor, in the given order.
    let mut per: Vec<usize> = vec![0; n];
    for &(i, j) in &idx {
        if j.is_some() {
            per[i] += 1;
        }
    }
    for i in 0..n {
        offsets[i + 1] = offsets[i] + per[i];
    }
    let total = offsets[n];
    let mut fill = offsets.clone();
    let mut mentor_out = vec![0u32; total];
    let mut score_out = vec![0f64; total];
    for (r, &(i, j)) in idx.iter().enumerate() {
        if let Some(j) = j {
            let row = offsets[i]..fill[i];
            if mentor_out[row].contains(&(j as u32)) {
                return Err(Error::Input(InputError::new(
                    at(r, "mentor_id"),
                    format!("{} - {} is listed twice", mentee[r], cohort.mentors[j].id()),
                )));
            }
            mentor_out[fill[i]] = j as u32;
            score_out[fill[i]] = score[r];
            fill[i] += 1;
        }
    }
    Ok(Candidates {
        offsets,
        mentor: mentor_out,
        score: score_out,
        outside: (0..n).map(|i| outside[first[i]]).collect(),
        stats: SearchStats::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Cohort;
    use crate::progress::NoProgress;
    use crate::synthetic::synthetic_cohort;
    use crate::Config;

    /// The heuristic with 8 candidates per mentee (so that pricing adds pairs).
    fn config() -> Config {
        Config {
            solver_options: crate::config::SolverOptions {
                kind: SolverKind::Heuristic,
                candidates: Some(8),
                ..Default::default()
            },
            ..Config::default()
        }
    }

    fn problem(n: usize, m: usize) -> Problem {
        Problem::new(synthetic_cohort(n, m, 7), config(), vec![]).unwrap()
    }

    /// Passes run as shard jobs over ranges of mentees, each on its own index.
    struct Sharded {
        shards: Vec<ShardIndex>,
        n: usize,
    }

    impl Sharded {
        fn range(&self, s: usize) -> Range<usize> {
            let per = self.n.div_ceil(self.shards.len());
            (s * per).min(self.n)..((s + 1) * per).min(self.n)
        }
    }

    impl PairPasses for Sharded {
        fn candidates(
            &self,
            _: &CandidateIndex,
            k: usize,
            _: &dyn crate::Progress,
        ) -> Result<Candidates> {
            let parts = (0..self.shards.len())
                .map(|s| self.shards[s].candidates(self.range(s), k, None))
                .collect::<Result<Vec<_>>>()?;
            Ok(concat(parts))
        }

        fn price_above(
            &self,
            _: &CandidateIndex,
            job: &PriceJob<'_>,
        ) -> Result<(Vec<PriceAnswer>, SearchStats)> {
            let mut answers = Vec::new();
            let mut stats = SearchStats::default();
            for s in 0..self.shards.len() {
                let r = self.range(s);
                let qs: Vec<PriceQuery> = job
                    .queries
                    .iter()
                    .copied()
                    .filter(|q| r.contains(&q.mentee))
                    .collect();
                let (a, st) = self.shards[s].price_above(&PriceJob {
                    queries: &qs,
                    ..*job
                })?;
                answers.extend(a);
                stats.pairs_scored += st.pairs_scored;
                stats.bounds += st.bounds;
            }
            Ok((answers, stats))
        }

        fn chunk(&self) -> usize {
            usize::MAX
        }
    }

    #[test]
    fn sharded_passes_give_the_single_process_result() {
        let single = crate::solve(&problem(300, 320)).unwrap();
        let p = problem(300, 320);
        let shards = Sharded {
            shards: (0..3).map(|_| ShardIndex::new(problem(300, 320))).collect(),
            n: 300,
        };
        let dist = solve_distributed(&p, &Settings::from_problem(&p), &shards).unwrap();
        assert_eq!(single, dist);
        assert!(dist
            .notes
            .iter()
            .any(|n| n.message.starts_with("pricing round 2")));
    }

    /// An index sent as bytes answers exactly as the one built here; damaged or foreign bytes
    /// are an error, never a panic.
    #[test]
    fn index_sent_as_bytes_answers_the_same() {
        let built = ShardIndex::new(problem(200, 180));
        let bytes = built.index_bytes();
        let sent = ShardIndex::from_index_bytes(problem(200, 180), &bytes).unwrap();
        assert_eq!(
            built.candidates(0..200, 8, None).unwrap(),
            sent.candidates(0..200, 8, None).unwrap()
        );
        let v: Vec<f64> = (0..180).map(|j| f64::from(j % 7)).collect();
        assert_eq!(
            built.candidates(50..120, 5, Some(&v)).unwrap(),
            sent.candidates(50..120, 5, Some(&v)).unwrap()
        );
        let msg =
            |b: &[u8], p: Problem| ShardIndex::from_index_bytes(p, b).unwrap_err().to_string();
        let mut damaged = bytes.clone();
        let last = damaged.len() - 1;
        damaged[last] ^= 1;
        assert!(msg(&damaged, problem(200, 180)).contains("checksum"));
        assert!(msg(&bytes[..20], problem(200, 180)).contains("no index header"));
        // Another cohort's tree (fewer mentors) does not fit.
        assert!(msg(&bytes, problem(200, 100)).contains("mentors beyond"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// Bytes damaged after the checksum was made (so that the shape checks see them) are
        /// refused or give an index that answers: never a panic, never a hang.
        #[test]
        fn damaged_index_bytes_never_panic(at in 0usize..100_000, bits in 1u8..=255, cut in proptest::option::of(0usize..100_000)) {
            use sha2::{Digest, Sha256};
            let bytes = ShardIndex::new(problem(30, 25)).index_bytes();
            let mut payload = bytes[40..].to_vec();
            let at = at % payload.len();
            payload[at] ^= bits;
            if let Some(c) = cut {
                payload.truncate(c % (payload.len() + 1));
            }
            let mut resigned = bytes[..8].to_vec();
            resigned.extend_from_slice(&Sha256::digest(&payload));
            resigned.extend_from_slice(&payload);
            if let Ok(shard) = ShardIndex::from_index_bytes(problem(30, 25), &resigned) {
                let v = vec![1.0; 25];
                let _ = shard.candidates(0..30, 3, None);
                let _ = shard.candidates(0..30, 3, Some(&v));
            }
        }
    }

    /// A cohort whose mentees also hold values no mentor holds (departments, interests
    /// differing only in case and spaces, needs), a `jaccard` share, pins and forbidden pairs
    /// on mentees all over the cohort and a `min_score`: what a shard must get right.
    fn shard_case(n: usize, m: usize, seed: u64, jaccard: bool) -> (Cohort, Config) {
        let mut cohort = synthetic_cohort(n, m, seed);
        for (i, e) in cohort.mentees.iter_mut().enumerate() {
            if i % 3 == 0 {
                e.profile.department = Some(format!("Only-{}", i % 5).into());
                e.profile.interests.insert(format!("Solo{}", i % 4));
                e.profile.interests.insert(format!(" SOLO{} ", i % 4));
            }
            if i % 4 == 1 {
                e.needs.insert("rare-need");
                e.profile.location = Some(format!("nowhere-{}", i % 2).into());
            }
        }
        let mut cfg = config();
        if jaccard {
            let mut c = crate::criteria::default_criteria();
            let mut jac =
                crate::criteria::Criterion::new(crate::criteria::CriterionKind::Share, "interests");
            jac.measure = Some(crate::criteria::ShareMeasure::Jaccard);
            c.push(jac);
            cfg.criteria = c;
            cfg.rules.min_score = Some(15.0);
        }
        let pair = |i: usize, j: usize| crate::config::PairRef {
            mentee: cohort.mentees[i].id().to_string(),
            mentor: cohort.mentors[j].id().to_string(),
            reason: None,
        };
        cfg.rules.forbid = (0..n).step_by(5).map(|i| pair(i, (i * 7) % m)).collect();
        // Pins on mentees spread over the cohort (one per mentor, the highest-scoring allowed
        // pair of the whole problem, so that the whole problem is valid).
        let whole = Problem::new(cohort.clone(), cfg.clone(), vec![]).unwrap();
        let mut used = vec![false; m];
        for i in (2..n).step_by(9) {
            if let Some(j) = (0..m).find(|&j| !used[j] && whole.pair(i, j).1) {
                used[j] = true;
                cfg.rules.pin.push(pair(i, j));
            }
        }
        (cohort, cfg)
    }

    fn shard_problem(cohort: &Cohort, cfg: &Config, r: Range<usize>) -> Problem {
        let part = Cohort {
            mentors: cohort.mentors.clone(),
            mentees: cohort.mentees[r.clone()].to_vec(),
        };
        Problem::shard(part, cfg.clone(), vec![], r.start).unwrap()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// A problem over every mentor and a slice of the mentees scores every pair of the
        /// slice bit for bit as the whole problem does (hard rules included), compiles the same
        /// mentor side, gives the same index bytes, and answers candidate and pricing jobs
        /// exactly as the whole cohort's index.
        #[test]
        fn a_shard_answers_as_the_whole_cohort(
            n in 12usize..70, m in 6usize..45, seed in 0u64..1000, jaccard in proptest::bool::ANY,
            a in 0usize..1000, len in 1usize..1000,
        ) {
            let (cohort, cfg) = shard_case(n, m, seed, jaccard);
            let whole = Problem::new(cohort.clone(), cfg.clone(), vec![]).unwrap();
            let a = a % n;
            let b = (a + 1 + len % (n - a)).min(n);
            let shard = shard_problem(&cohort, &cfg, a..b);
            proptest::prop_assert_eq!(shard.mentee_offset(), a);
            for i in a..b {
                for j in 0..m {
                    let (s, ok) = shard.pair(i - a, j);
                    let (t, ok2) = whole.pair(i, j);
                    proptest::prop_assert_eq!((s.to_bits(), ok), (t.to_bits(), ok2), "pair {} {}", i, j);
                }
            }
            proptest::prop_assert_eq!(
                crate::score::mentor_digest(shard.scorer().compiled()),
                crate::score::mentor_digest(whole.scorer().compiled())
            );
            let built = ShardIndex::new(whole);
            let bytes = built.index_bytes();
            let remaining = remaining_after_pins(built.problem());
            proptest::prop_assert_eq!(&CandidateIndex::new(&shard, &remaining).to_bytes(), &bytes);
            let sent = ShardIndex::from_index_bytes(shard, &bytes).unwrap();
            proptest::prop_assert_eq!(sent.mentees(), a..b);
            proptest::prop_assert_eq!(
                built.candidates(a..b, 5, None).unwrap(),
                sent.candidates(a..b, 5, None).unwrap()
            );
            let v: Vec<f64> = (0..m).map(|j| f64::from((j * 13 % 7) as u32) * 3.0).collect();
            proptest::prop_assert_eq!(
                built.candidates(a..b, 4, Some(&v)).unwrap(),
                sent.candidates(a..b, 4, Some(&v)).unwrap()
            );
            let masked: Vec<f64> = (0..m).map(|j| if j % 3 == 0 { v[j] } else { f64::INFINITY }).collect();
            let queries: Vec<PriceQuery> = (a..b)
                .map(|i| PriceQuery { mentee: i, floor: (i % 4) as f64 * 5.0, restricted: i % 2 == 0 })
                .collect();
            let job = PriceJob { queries: &queries, v: &v, masked: Some(&masked), k: 3 };
            proptest::prop_assert_eq!(built.price_above(&job).unwrap(), sent.price_above(&job).unwrap());
            // Mentees outside the shard are refused, not answered from the wrong rows.
            if b < n {
                proptest::prop_assert!(sent.candidates(a..b + 1, 5, None).is_err());
            }
        }
    }

    /// The whole sharded run: every shard job answered by a worker that holds only its shard
    /// of mentees gives the single-process result.
    #[test]
    fn shards_holding_their_mentees_only_give_the_single_process_result() {
        let (cohort, cfg) = shard_case(240, 200, 11, true);
        let whole = Problem::new(cohort.clone(), cfg.clone(), vec![]).unwrap();
        let single = crate::solve(&whole).unwrap();
        let bytes = ShardIndex::new(whole.clone()).index_bytes();
        let sharded = Sharded {
            shards: (0..3)
                .map(|s| {
                    let r = s * 80..(s + 1) * 80;
                    let shard = shard_problem(&cohort, &cfg, r);
                    ShardIndex::from_index_bytes(shard, &bytes).unwrap()
                })
                .collect(),
            n: 240,
        };
        assert!(sharded.shards.iter().all(|s| s.problem().n_mentees() == 80));
        let dist = solve_distributed(&whole, &Settings::from_problem(&whole), &sharded).unwrap();
        assert_eq!(single, dist);
    }

    /// A shard skips the pins and forbidden pairs of mentees elsewhere (the whole problem
    /// checked them) instead of refusing their ids; preferences, which rank mentees of the
    /// whole cohort, cannot be sharded.
    #[test]
    fn shard_rules_and_preferences() {
        let (cohort, cfg) = shard_case(60, 50, 5, false);
        assert!(!cfg.rules.pin.is_empty());
        let whole = Problem::new(cohort.clone(), cfg.clone(), vec![]).unwrap();
        assert!(whole.shardable());
        let shard = shard_problem(&cohort, &cfg, 10..20);
        let inside: Vec<(usize, usize)> = whole
            .pins()
            .iter()
            .filter(|p| (10..20).contains(&p.0))
            .copied()
            .collect();
        let local: Vec<(usize, usize)> = shard.pins().iter().map(|&(i, j)| (i + 10, j)).collect();
        assert_eq!(inside, local);
        let mut with_prefs = cohort.clone();
        let first = with_prefs.mentees[0].id().to_string();
        with_prefs.mentors[0]
            .profile
            .extra
            .insert("preferences".into(), first.into());
        let p = Problem::new(with_prefs.clone(), cfg.clone(), vec![]).unwrap();
        assert!(!p.shardable());
        let part = Cohort {
            mentors: with_prefs.mentors.clone(),
            mentees: with_prefs.mentees[1..5].to_vec(),
        };
        let e = Problem::shard(part, cfg, vec![], 1).unwrap_err();
        assert!(e.to_string().contains("cannot be sharded"), "{e}");
    }

    #[test]
    fn candidates_round_trip_through_rows() {
        let p = problem(120, 100);
        let shard = ShardIndex::new(problem(120, 100));
        let cands = shard.candidates(0..120, 8, None).unwrap();
        let index = CandidateIndex::new(&p, &remaining_after_pins(&p));
        let local = sparse::candidates::generate(&p, &index, 8, &NoProgress);
        assert_eq!(cands.offsets, local.offsets);
        assert_eq!(cands.mentor, local.mentor);
        assert_eq!(cands.outside, local.outside);
        let (mut me, mut mo, mut sc, mut ou) = (vec![], vec![], vec![], vec![]);
        for i in 0..120 {
            let (js, ss) = cands.row(i);
            let id = p.cohort().mentees[i].id().to_string();
            if js.is_empty() {
                me.push(id.clone());
                mo.push(None);
                sc.push(f64::NAN);
                ou.push(cands.outside[i]);
            }
            for (&j, &s) in js.iter().zip(ss) {
                me.push(id.clone());
                mo.push(Some(p.cohort().mentors[j as usize].id().to_string()));
                sc.push(s);
                ou.push(cands.outside[i]);
            }
        }
        let back = candidates_from_rows(&p, &me, &mo, &sc, &ou).unwrap();
        assert_eq!(back.offsets, cands.offsets);
        assert_eq!(back.mentor, cands.mentor);
        let single = crate::solve(&p).unwrap();
        let from = solve_candidates(
            &p,
            &Settings::from_problem(&p),
            back,
            &LocalPasses { problem: &p },
        )
        .unwrap();
        assert_eq!(single.pairs, from.pairs);
        assert_eq!(single.fingerprint, from.fingerprint);
        // A wrong score names its row.
        sc[0] += 1.0;
        let e = candidates_from_rows(&p, &me, &mo, &sc, &ou).unwrap_err();
        assert!(e.to_string().contains("row 2"), "{e}");
    }

    /// Solving from candidates finishes as every solve does: with preferences given, the
    /// price of stability is computed, as in one process.
    #[test]
    fn solving_from_candidates_reports_the_price_of_stability() {
        let with_prefs = || {
            let mut cohort = synthetic_cohort(50, 60, 3);
            let ids: Vec<String> = cohort.mentors.iter().map(|m| m.id().to_string()).collect();
            for (i, e) in cohort.mentees.iter_mut().enumerate() {
                let ranked = [i % 60, (i + 17) % 60, (i + 33) % 60].map(|j| ids[j].clone());
                e.profile
                    .extra
                    .insert("preferences".into(), ranked.join(";").into());
            }
            Problem::new(cohort, config(), vec![]).unwrap()
        };
        let p = with_prefs();
        assert!(p.preferences().is_some());
        let single = crate::solve(&p).unwrap();
        assert!(single.price_of_stability.is_some());
        let cands = ShardIndex::new(with_prefs())
            .candidates(0..50, 8, None)
            .unwrap();
        let from = solve_candidates(
            &p,
            &Settings::from_problem(&p),
            cands,
            &LocalPasses { problem: &p },
        )
        .unwrap();
        assert_eq!(single, from);
    }
}
