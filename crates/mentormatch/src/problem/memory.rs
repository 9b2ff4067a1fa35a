//! How much memory a dense solve would take, and how much it may take: the numbers behind
//! `solver = "auto"` and the Lagrangian backend's choice of subproblem solver.

use super::Problem;

impl Problem {
    /// Bytes the dense exact backend needs: the score matrix with its mask (`n * m * (8 + 1)`) plus
    /// the assignment cost matrix (`n` rows by one column per usable mentor place, 8 bytes each).
    pub fn dense_bytes(&self) -> u128 {
        let n = self.n_mentees() as u128;
        let m = self.n_mentors() as u128;
        let cols: u128 = self.capacity().iter().map(|&c| u128::from(c).min(n)).sum();
        n * m * 9 + n * cols * 8
    }

    /// The memory budget for dense matrices: `config.memory_budget`, or a quarter of
    /// `MemAvailable` from `/proc/meminfo`, or 4 GiB when that cannot be read.
    pub fn memory_budget(&self) -> u64 {
        if let Some(b) = self.config().solver_options.memory_budget {
            return b;
        }
        available_memory().map_or(4 << 30, |a| a / 4)
    }
}

/// `MemAvailable` in bytes, when the platform says.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
