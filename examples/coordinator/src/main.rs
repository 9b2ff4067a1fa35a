//! `mentormatch`: match mentors and mentees from the CSV files of a programme's application
//! forms, and write the pairs, the reasons for each, and a report for leadership.
//!
//! Exit codes: 0 done; 1 no matching satisfies the hard rules (with the diagnosis); 2 bad input
//! or usage; 3 no matching meeting every rule and goal was found within the time limit (no pairs
//! file is written; the message gives the best bound and the goals in the way); 4 the selected
//! solver cannot run here (not built in, or it cannot express the configuration). Errors are
//! printed as one line on stderr.

mod cli;
mod output;
mod progress;
mod report;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mentormatch: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}
