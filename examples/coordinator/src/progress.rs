//! A progress bar on stderr with the solver's stage names (indicatif), through the library's
//! [`Progress`] trait. Hidden when stderr is not a terminal, and only drawn once the run has
//! taken more than a second, so short runs and piped output stay clean.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mentormatch::Progress;

/// Runs shorter than this never show a bar.
const DELAY: Duration = Duration::from_secs(1);

/// The CLI's progress sink.
#[derive(Debug)]
pub struct Bar {
    bar: ProgressBar,
    start: Instant,
    terminal: bool,
    shown: AtomicBool,
}

impl Bar {
    /// A bar that shows itself on stderr when it is a terminal and the run takes over a second.
    pub fn new() -> Bar {
        Bar::with_terminal(std::io::stderr().is_terminal())
    }

    fn with_terminal(terminal: bool) -> Bar {
        Bar {
            bar: ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()),
            start: Instant::now(),
            terminal,
            shown: AtomicBool::new(false),
        }
    }

    fn maybe_show(&self) {
        if self.terminal
            && !self.shown.load(Ordering::Relaxed)
            && self.start.elapsed() >= DELAY
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.enable_steady_tick(Duration::from_millis(200));
        }
    }

    /// Whether the bar has been drawn (for tests).
    #[cfg(test)]
    fn is_shown(&self) -> bool {
        self.shown.load(Ordering::Relaxed)
    }
}

fn style(counted: bool) -> ProgressStyle {
    let template = if counted {
        "{spinner} {msg:<24} [{elapsed_precise}] {wide_bar} {pos}/{len}"
    } else {
        "{spinner} {msg:<24} [{elapsed_precise}]"
    };
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner())
}

impl Progress for Bar {
    fn stage(&self, name: &str, total: u64) {
        self.maybe_show();
        self.bar.set_style(style(total > 0));
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.bar.set_message(name.to_string());
    }

    fn inc(&self, n: u64) {
        self.maybe_show();
        self.bar.inc(n);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_shown_when_not_a_terminal() {
        let mut b = Bar::with_terminal(false);
        b.start = Instant::now()
            .checked_sub(Duration::from_secs(5))
            .unwrap_or(b.start);
        b.stage("candidate pairs", 10);
        b.inc(3);
        assert!(!b.is_shown());
        b.finish();
    }

    #[test]
    fn shown_on_a_terminal_only_after_a_second() {
        let mut b = Bar::with_terminal(true);
        b.stage("indexing mentors", 0);
        assert!(!b.is_shown(), "a run under a second shows no bar");
        b.start = Instant::now()
            .checked_sub(Duration::from_secs(5))
            .unwrap_or(b.start);
        b.inc(1);
        assert!(
            b.is_shown(),
            "a run over a second on a terminal shows the bar"
        );
        b.finish();
    }
}
