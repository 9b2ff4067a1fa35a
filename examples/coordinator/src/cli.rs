//! Command-line arguments and the two commands.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};
use mentormatch::input::column_check::{self, FileFields};
use mentormatch::input::{file_fields, read_history, read_matrix, read_mentees, read_mentors};
use mentormatch::lap::{self, LapError};
use mentormatch::{Cohort, Config, Error, Mentee, Mentor, Problem, Side, SolverKind};

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
    /// Suggest mentors for self-matching: the top N per mentee, the optimal partner first.
    Suggest(SuggestArgs),
    /// Re-match mid-round from the previous plan: keep every pair that can continue, change
    /// as few as possible, then maximise the score.
    Rematch(RematchArgs),
    /// Audit any matching (e.g. one made by hand last year): pairs that break rules or
    /// capacities, blocking pairs, score per pair and the total against the optimum.
    Audit(AuditArgs),
}

#[derive(Debug, clap::Args)]
struct AuditArgs {
    /// The matching to audit (CSV with `mentee_id,mentor_id`, e.g. what `match` wrote).
    #[arg(long, value_name = "FILE")]
    pairs: PathBuf,
    /// Mentor applicants (CSV, as for `match`).
    #[arg(long, value_name = "FILE")]
    mentors: PathBuf,
    /// Mentees (CSV, as for `match`).
    #[arg(long, value_name = "FILE")]
    mentees: PathBuf,
    /// Configuration (TOML), as for `match`.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Write the audit (Markdown) here instead of to stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write the blocking pairs as CSV: `mentee_id,mentor_id,score,mentee_partner,mentor_drops,reason`.
    #[arg(long, value_name = "FILE")]
    blocking_out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct RematchArgs {
    /// The previous plan (the pairs CSV `match` wrote: mentee_id,mentor_id,...).
    #[arg(long, value_name = "FILE")]
    previous: PathBuf,
    /// Mentor applicants now (CSV, as for `match`).
    #[arg(long, value_name = "FILE")]
    mentors: PathBuf,
    /// Mentees now (CSV, as for `match`).
    #[arg(long, value_name = "FILE")]
    mentees: PathBuf,
    /// Configuration (TOML), as for `match`.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Write the new plan here instead of to stdout: `mentee_id,mentor_id,status,score,...`
    /// with status kept, new, changed, unmatched, or ended (a previous pair, with why).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write a report (HTML when FILE ends in .html, Markdown otherwise) with the changes.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct SuggestArgs {
    /// Mentor applicants (CSV, as for `match`).
    #[arg(long, value_name = "FILE")]
    mentors: PathBuf,
    /// Mentees (CSV, as for `match`).
    #[arg(long, value_name = "FILE")]
    mentees: PathBuf,
    /// Configuration (TOML), as for `match`.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Suggestions per mentee (fewer when fewer mentors are allowed).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    top: u32,
    /// Write `mentee_id,rank,mentor_id,score,explanation` here instead of to stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
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
    /// Write a report for the programme's leadership: HTML when FILE ends in .html (one
    /// self-contained file with charts), Markdown otherwise.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Write every mentee x mentor score (long CSV) for inspection.
    #[arg(long, value_name = "FILE")]
    scores_out: Option<PathBuf>,
    /// Earlier rounds' pairs (CSV: mentee_id,mentor_id), never made again; adds to the config's `history`.
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
    /// Add `alternative_mentor,alternative_score,regret` to each pair: the mentor the mentee
    /// would get if the pair were forbidden, and how much the best total would fall.
    #[arg(long)]
    alternatives: bool,
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

/// Exit code: no matching meeting every rule and goal was found within the time limit (none
/// is proven not to exist).
pub const NO_SOLUTION: u8 = 3;

/// Exit code: the selected backend cannot run here (not built in, or it cannot express the
/// configuration, e.g. `--solver exact` with quotas): neither bad input nor a failed match.
pub const SOLVER_UNAVAILABLE: u8 = 4;

/// A failure with its exit code.
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
            Error::Solver(_) => SOLVER_UNAVAILABLE,
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
        Command::Suggest(a) => run_suggest(a),
        Command::Rematch(a) => run_rematch(a),
        Command::Audit(a) => run_audit(a),
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

/// Writes a file whole or not at all: into a temporary file beside it, renamed over the target
/// once complete, so a failure (a full disk, an error half-way) never leaves half a file that
/// looks like a result.
pub(crate) fn write_whole(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> Result<(), Failure> {
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.mentormatch-tmp"));
    let attempt = (|| {
        let mut w = BufWriter::new(File::create(&tmp)?);
        fill(&mut w)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    attempt.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_failure(path, e)
    })
}

/// Writes to `path` whole (see [`write_whole`]), or to stdout.
pub(crate) fn write_out(
    path: Option<&Path>,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    match path {
        Some(p) => write_whole(p, |w| fill(w)),
        None => {
            let mut w = BufWriter::new(io::stdout().lock());
            fill(&mut w)
                .and_then(|()| w.flush())
                .map_err(|e| io_failure(Path::new("<stdout>"), e))
        }
    }
}

/// The configuration from `--config` (or the defaults) and the name errors give it.
pub(crate) fn load_config(path: Option<&Path>) -> Result<(Config, String), Failure> {
    Ok(match path {
        Some(p) => (Config::from_toml_file(p)?, p.display().to_string()),
        None => (Config::default(), "configuration".to_string()),
    })
}

/// Reads both participant files and checks every column the configuration names against
/// them: an unknown column is an error, a column one side lacks a warning on stderr.
pub(crate) fn load_people(
    config: &Config,
    config_source: &str,
    mentors: &Path,
    mentees: &Path,
) -> Result<(Vec<Mentor>, Vec<Mentee>), Failure> {
    let people = (
        read_mentors(mentors, &config.columns)?,
        read_mentees(mentees, &config.columns)?,
    );
    let (mf, ef) = (
        file_fields(mentors, Side::Mentor, &config.columns)?,
        file_fields(mentees, Side::Mentee, &config.columns)?,
    );
    let (ms, es) = (mentors.display().to_string(), mentees.display().to_string());
    let warnings = column_check::check(
        config,
        config_source,
        FileFields {
            source: &ms,
            fields: &mf,
        },
        FileFields {
            source: &es,
            fields: &ef,
        },
    )?;
    for w in warnings {
        eprintln!("mentormatch: warning: {w}");
    }
    Ok(people)
}

fn run_match(a: MatchArgs) -> Result<(), Failure> {
    let (mut config, config_source) = load_config(a.config.as_deref())?;
    if a.allow_unmatched {
        config.rules.allow_unmatched = true;
    }
    if let Some(s) = a.solver {
        config.solver_options.kind = match s {
            Solver::Auto => SolverKind::Auto,
            Solver::Exact => SolverKind::Exact,
            Solver::Ilp => SolverKind::Ilp,
            Solver::Heuristic => SolverKind::Heuristic,
            Solver::Sparse => SolverKind::Sparse,
            Solver::Lagrangian => SolverKind::Lagrangian,
        };
    }
    if a.time_limit.is_some() {
        config.solver_options.time_limit = a.time_limit;
    }
    if a.seed.is_some() {
        config.solver_options.seed = a.seed;
    }
    config.validate("command line")?;
    let (mentors, mentees) = load_people(&config, &config_source, &a.mentors, &a.mentees)?;
    // Ranked preferences are checked here first so that errors name the files.
    mentormatch::Preferences::parse(
        &mentors,
        &mentees,
        &config.preferences,
        (
            &a.mentors.display().to_string(),
            &a.mentees.display().to_string(),
        ),
    )?;
    let mut past = Vec::new();
    // The config's own `history` is read by `Problem::new`; `--history` adds to it.
    if let Some(h) = &a.history {
        past.extend(read_history(h)?);
    }
    let problem = Problem::new(Cohort { mentors, mentees }, config, past)?;
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
    let alternatives = if a.alternatives {
        mentormatch::analysis::alternatives::check_applicable(
            &problem,
            result.status,
            &result.solver,
        )?;
        let plan = mentormatch::report::reasons::assignment(&problem, &result);
        Some(output::alternative_cells(
            &problem,
            &mentormatch::analysis::alternatives::alternatives(&problem, &plan)?,
        ))
    } else {
        None
    };
    // Files are written only once the match succeeded, each whole or not at all.
    if let Some(p) = &a.scores_out {
        write_whole(p, |w| output::write_scores(w, &problem).map(|_| ()))?;
    }
    write_out(a.out.as_deref(), |w| {
        output::write_pairs(w, &result, alternatives.as_ref()).map(|_| ())
    })?;
    if let Some(p) = &a.report {
        let text = report::render(p, &problem, &result, &a.mentors, &a.mentees);
        write_whole(p, |w| w.write_all(text.as_bytes()))?;
    }
    // Why `auto` chose a sparse backend, and the certificate of a non-exact one.
    for note in result
        .notes
        .iter()
        .filter(|n| n.kind == mentormatch::NoteKind::AutoChoice)
    {
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
        result.status,
        result.solver
    );
    if let Some(b) = &result.blocking_pairs {
        eprintln!("mentormatch: {} blocking pairs", b.len());
    }
    if let Some(p) = &result.price_of_stability {
        eprintln!(
            "mentormatch: stable ({}-optimal) total {:.2} with {} blocking pairs; best total {:.2} with {} blocking pairs",
            p.stable_side.as_str(),
            p.stable_total,
            p.stable_blocking,
            p.optimum_total,
            p.optimum_blocking
        );
    }
    Ok(())
}

fn run_suggest(a: SuggestArgs) -> Result<(), Failure> {
    let (mut config, config_source) = load_config(a.config.as_deref())?;
    // Suggestions are for everyone: a mentee the plan cannot place still gets a list.
    config.rules.allow_unmatched = true;
    let (mentors, mentees) = load_people(&config, &config_source, &a.mentors, &a.mentees)?;
    // The config's own `history` is read by `Problem::new`.
    let past = Vec::new();
    let problem = Problem::new(Cohort { mentors, mentees }, config, past)?;
    let s = mentormatch::analysis::suggest::suggest(&problem, a.top as usize)?;
    write_out(a.out.as_deref(), |w| {
        output::write_suggestions(w, &problem, &s.rows)
    })?;
    for n in &s.notes {
        eprintln!("mentormatch: {n}");
    }
    let without = problem.n_mentees() - s.rows.iter().filter(|r| r.rank == 1).count();
    eprintln!(
        "mentormatch: {} suggestions for {} mentees{}",
        s.rows.len(),
        problem.n_mentees(),
        if without > 0 {
            format!(" ({without} with no allowed mentor)")
        } else {
            String::new()
        }
    );
    Ok(())
}

fn run_rematch(a: RematchArgs) -> Result<(), Failure> {
    let (config, config_source) = load_config(a.config.as_deref())?;
    let previous = mentormatch::input::read_previous(&a.previous)?;
    let (mentors, mentees) = load_people(&config, &config_source, &a.mentors, &a.mentees)?;
    // The config's own `history` is read by `Problem::new`.
    let past = Vec::new();
    let r = mentormatch::analysis::rematch::rematch(
        Cohort { mentors, mentees },
        config,
        past,
        &previous,
    )?;
    write_out(a.out.as_deref(), |w| output::write_rematch(w, &r))?;
    if let Some(p) = &a.report {
        let text = report::render_rematch(p, &r, &a.mentors, &a.mentees);
        write_whole(p, |w| w.write_all(text.as_bytes()))?;
    }
    let count =
        |c: mentormatch::analysis::rematch::Change| r.change.iter().filter(|&&x| x == c).count();
    eprintln!(
        "mentormatch: {} pairs ({} kept, {} changed, {} new), {} ended, {} unmatched mentees, total score {:.2}",
        r.result.pairs.len(),
        count(mentormatch::analysis::rematch::Change::Kept),
        count(mentormatch::analysis::rematch::Change::Changed),
        count(mentormatch::analysis::rematch::Change::New),
        r.ended.len(),
        r.result.unmatched_mentees.len(),
        r.result.objective
    );
    Ok(())
}

fn run_audit(a: AuditArgs) -> Result<(), Failure> {
    let (config, config_source) = load_config(a.config.as_deref())?;
    let pairs = mentormatch::input::read_previous(&a.pairs)?;
    let (mentors, mentees) = load_people(&config, &config_source, &a.mentors, &a.mentees)?;
    let cohort = Cohort { mentors, mentees };
    // Lists are checked here first so that errors name the files.
    mentormatch::Preferences::parse(
        &cohort.mentors,
        &cohort.mentees,
        &config.preferences,
        (
            &a.mentors.display().to_string(),
            &a.mentees.display().to_string(),
        ),
    )?;
    let problem = Problem::new(cohort, config, Vec::new())?;
    let source = a.pairs.display().to_string();
    let audit = mentormatch::stability::audit(&problem, &pairs, &source)?;
    let text = mentormatch::report::stability::audit_markdown(&audit, &source);
    write_out(a.out.as_deref(), |w| w.write_all(text.as_bytes()))?;
    if let Some(p) = &a.blocking_out {
        write_whole(p, |w| output::write_blocking(w, &audit.blocking_pairs))?;
    }
    let broken = audit.pairs.iter().filter(|p| !p.allowed).count();
    let optimum = audit
        .optimum
        .map(|o| format!(" (best total under the same rules {o:.2})"))
        .unwrap_or_default();
    eprintln!(
        "mentormatch: {} pairs, {broken} breaking a rule, {} mentors over capacity, {} blocking pairs, total score {:.2}{optimum}",
        audit.pairs.len(),
        audit.over_capacity.len(),
        audit.blocking_pairs.len(),
        audit.total
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
