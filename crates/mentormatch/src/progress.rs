//! Progress reporting: the core names its stages and counts work done; a front end (the CLI's
//! progress bar, a notebook widget) decides how to show it. The core never depends on a UI crate.

use std::fmt;
use std::sync::Arc;

/// Receives progress from long-running stages (candidate generation, solving, bounds).
///
/// Calls may come from several threads; implementations must be cheap and thread-safe.
pub trait Progress: Send + Sync {
    /// A new stage starts: `name` for humans, `total` units of work (0 when unknown).
    fn stage(&self, name: &str, total: u64);
    /// `n` more units of the current stage are done.
    fn inc(&self, n: u64);
    /// The run is over (success or failure).
    fn finish(&self);
}

/// A progress sink that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn stage(&self, _name: &str, _total: u64) {}
    fn inc(&self, _n: u64) {}
    fn finish(&self) {}
}

/// A shareable handle to a [`Progress`] sink, for [`crate::Settings`]. Two handles are equal
/// when they point to the same sink.
#[derive(Clone)]
pub struct ProgressHandle(pub Arc<dyn Progress>);

impl ProgressHandle {
    /// Wraps a sink.
    pub fn new(p: impl Progress + 'static) -> Self {
        ProgressHandle(Arc::new(p))
    }
}

impl fmt::Debug for ProgressHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProgressHandle(..)")
    }
}

impl PartialEq for ProgressHandle {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for ProgressHandle {
    type Target = dyn Progress;
    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

/// The sink in `settings`, or one that ignores everything.
pub(crate) fn sink(p: &Option<ProgressHandle>) -> &dyn Progress {
    match p {
        Some(h) => &*h.0,
        None => &NoProgress,
    }
}

/// Whether stage timings and solver internals go to stderr (`MENTORMATCH_TRACE` set). They
/// never go into a result: equal inputs must give equal results, and timings differ per run.
pub(crate) fn trace() -> bool {
    std::env::var_os("MENTORMATCH_TRACE").is_some()
}

/// CPU seconds (user + system, every thread) this process has used so far, for trace lines;
/// 0 where `/proc/self/stat` cannot be read.
pub(crate) fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name (which is in parentheses and may hold spaces).
            let rest = &s[s.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            let utime: f64 = f.get(11)?.parse().ok()?;
            let stime: f64 = f.get(12)?.parse().ok()?;
            Some((utime + stime) / 100.0)
        })
        .unwrap_or(0.0)
}
