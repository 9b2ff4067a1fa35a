//! Command-line arguments and the two commands.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};
use mentormatch::input::{read_history, read_matrix, read_mentees, read_mentors};
use mentormatch::lap::{self, LapError};
use mentormatch::{Cohort, Config, Error, Problem, SolverKind};

use crate::{output, progress, report};

/// Optimal mentor-mentee matching for mentoring and reverse-mentoring programmes.
#[derive(Debug, Parser)]
#[command(name = "mentormatch", version, about, propagate_version = true)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Match mentees with mentors from two CSV files.
    Match(MatchArgs),
    /// Solve an assignment problem given as a numeric matrix (CSV without header).
    SolveMatrix(MatrixArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Solver {
    Auto,
    Exact,
    Ilp,
    Heuristic,
    /// Exact over sparse candidates (the k best mentors per mentee), with a bound.
    Sparse,
    /// Cohort goals by Lagrangian relaxation, with a proven bound (what auto uses for goals).
    Lagrangian,
}

#[derive(Debug, clap::Args)]
struct MatchArgs {
    /// Mentor applicants (CSV: id,name,department,location,background,cultural_competence,interests,offers,capacity).
    #[arg(long, value_name = "FILE")]
    mentors: PathBuf,
    /// Mentees (CSV: id,name,department,location,background,cultural_competence,interests,needs).
    #[arg(long, value_name = "FILE")]
    mentees: PathBuf,
    /// Configuration (TOML): criteria, column names, rules, goals. See examples/config.toml.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Write the pairs here (CSV) instead of to stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write a Markdown report for the programme's leadership.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Write every mentee x mentor score (long CSV) for inspection.
    #[arg(long, value_name = "FILE")]
    scores_out: Option<PathBuf>,
    /// Earlier rounds' pairs (CSV: mentee_id,mentor_id), never made again; adds to the config's `history`.
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
    /// Match as many mentees as possible instead of failing when not all can be matched.
    #[arg(long)]
    allow_unmatched: bool,
    /// Solver backend (default: the config's, else auto).
    #[arg(long, value_enum)]
    solver: Option<Solver>,
    /// Time limit in seconds for the ILP and heuristic backends.
    #[arg(long, value_name = "SECONDS")]
    time_limit: Option<f64>,
    /// Seed for the heuristic backend.
    #[arg(long)]
    seed: Option<u64>,
}

#[derive(Debug, clap::Args)]
struct MatrixArgs {
    /// Numeric matrix, CSV without header; an empty cell, `inf` or `-` is a forbidden pair.
    #[arg(value_name = "MATRIX")]
    matrix: PathBuf,
    /// Maximise instead of minimise.
    #[arg(long)]
    maximize: bool,
    /// Write `row,col,value` here instead of to stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// A failure with its exit code.
/// Exit code: no matching meeting every rule and goal was found within the time limit (none
/// is proven not to exist).
pub const NO_SOLUTION: u8 = 3;

#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let code = match e {
            Error::Infeasible(_) => 1,
            Error::Input(_) | Error::Io { .. } => 2,
            _ => 2,
        };
        Failure {
            code,
            message: e.to_string(),
        }
    }
}

fn io_failure(path: &Path, e: io::Error) -> Failure {
    Failure {
        code: 2,
        message: format!("{}: {e}", path.display()),
    }
}

pub fn run(args: Args) -> Result<(), Failure> {
    match args.command {
        Command::Match(a) => run_match(a),
        Command::SolveMatrix(a) => run_matrix(a),
    }
}

/// Opens `path` for writing, or stdout.
fn sink(path: Option<&Path>) -> Result<Box<dyn Write>, Failure> {
    match path {
        Some(p) => Ok(Box::new(BufWriter::new(
            File::create(p).map_err(|e| io_failure(p, e))?,
        ))),
        None => Ok(Box::new(BufWriter::new(io::stdout().lock()))),
    }
}

fn finish(mut w: Box<dyn Write>, path: Option<&Path>) -> Result<(), Failure> {
    w.flush()
        .map_err(|e| io_failure(path.unwrap_or(Path::new("<stdout>")), e))
}

fn run_match(a: MatchArgs) -> Result<(), Failure> {
    let mut config = match &a.config {
        Some(p) => Config::from_toml_file(p)?,
        None => Config::default(),
    };
    if a.allow_unmatched {
        config.allow_unmatched = true;
    }
    if let Some(s) = a.solver {
        config.solver = match s {
            Solver::Auto => SolverKind::Auto,
            Solver::Exact => SolverKind::Exact,
            Solver::Ilp => SolverKind::Ilp,
            Solver::Heuristic => SolverKind::Heuristic,
            Solver::Sparse => SolverKind::Sparse,
            Solver::Lagrangian => SolverKind::Lagrangian,
        };
    }
    if a.time_limit.is_some() {
        config.time_limit = a.time_limit;
    }
    if a.seed.is_some() {
        config.seed = a.seed;
    }
    config.validate("command line")?;
    let mentors = read_mentors(&a.mentors, &config.columns)?;
    let mentees = read_mentees(&a.mentees, &config.columns)?;
    let mut past = Vec::new();
    for h in config.history.iter().chain(a.history.iter()) {
        past.extend(read_history(h)?);
    }
    let problem = Problem::new(Cohort { mentors, mentees }, config, past)?;
    if let Some(p) = &a.scores_out {
        let w = sink(Some(p))?;
        let w = output::write_scores(w, &problem).map_err(|e| io_failure(p, e))?;
        finish(w, Some(p))?;
    }
    let settings = mentormatch::Settings {
        progress: Some(mentormatch::ProgressHandle::new(progress::Bar::new())),
        ..mentormatch::Settings::from_problem(&problem)
    };
    let result = mentormatch::solve_with(&problem, &settings)?;
    // Nothing that looks like a result is written when no matching was found in time.
    if let Some(e) = result.no_solution_error() {
        return Err(Failure {
            code: NO_SOLUTION,
            message: e.to_string(),
        });
    }
    let w = sink(a.out.as_deref())?;
    let w = output::write_pairs(w, &result)
        .map_err(|e| io_failure(a.out.as_deref().unwrap_or(Path::new("<stdout>")), e))?;
    finish(w, a.out.as_deref())?;
    if let Some(p) = &a.report {
        let text = report::markdown(&problem, &result, &a.mentors, &a.mentees);
        std::fs::write(p, text).map_err(|e| io_failure(p, e))?;
    }
    // Why `auto` chose a sparse backend, and the certificate of a non-exact one.
    for note in result.notes.iter().filter(|n| n.starts_with("auto:")) {
        eprintln!("mentormatch: {note}");
    }
    if let (Some(b), Some(g)) = (result.bound, result.gap) {
        eprintln!(
            "mentormatch: upper bound on the best total {b:.2} (gap {:.2}%)",
            100.0 * g
        );
    }
    eprintln!(
        "mentormatch: {} pairs, {} unmatched mentees, total score {:.2}, {} ({})",
        result.pairs.len(),
        result.unmatched_mentees.len(),
        result.objective,
        result.status.as_str(),
        result.solver
    );
    Ok(())
}

fn run_matrix(a: MatrixArgs) -> Result<(), Failure> {
    let m = read_matrix(&a.matrix)?;
    let mut data = m.data;
    if a.maximize {
        // Forbidden cells are +inf in the file; when maximising scipy's convention is -inf.
        for x in &mut data {
            if *x == f64::INFINITY {
                *x = f64::NEG_INFINITY;
            }
        }
    }
    let (rows, cols) = match lap::linear_sum_assignment(&data, m.rows, m.cols, a.maximize) {
        Ok(rc) => rc,
        Err(LapError::Infeasible) => {
            return Err(Failure {
                code: 1,
                message: format!(
                    "{}: no assignment of every {} avoids the forbidden cells (cost matrix is infeasible)",
                    a.matrix.display(),
                    if m.rows <= m.cols { "row" } else { "column" }
                ),
            })
        }
        Err(e) => return Err(Failure { code: 2, message: format!("{}: {e}", a.matrix.display()) }),
    };
    let mut w = sink(a.out.as_deref())?;
    let mut total = 0.0;
    let werr = |e| io_failure(a.out.as_deref().unwrap_or(Path::new("<stdout>")), e);
    writeln!(w, "row,col,value").map_err(werr)?;
    for (&r, &c) in rows.iter().zip(&cols) {
        let v = data[r * m.cols + c];
        total += v;
        writeln!(w, "{r},{c},{v}").map_err(werr)?;
    }
    finish(w, a.out.as_deref())?;
    eprintln!(
        "mentormatch: assigned {} of {} x {}, total {} ({})",
        rows.len(),
        m.rows,
        m.cols,
        total,
        if a.maximize { "maximised" } else { "minimised" }
    );
    Ok(())
}
