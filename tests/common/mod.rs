//! Helpers shared by the end-to-end tests of the `mentormatch` binary (each test target
//! includes this module and uses a part of it).
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root: the binary runs there, so paths such as `examples/data/mentors.csv`
/// are relative to it.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `mentormatch ARGS...` in the workspace root.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mentormatch"))
        .current_dir(root())
        .args(args)
        .output()
        .unwrap()
}

/// Runs `mentormatch COMMAND --mentors MENTORS --mentees MENTEES EXTRA...`.
pub fn run_on(command: &str, mentors: &str, mentees: &str, extra: &[&str]) -> Output {
    let mut args = vec![command, "--mentors", mentors, "--mentees", mentees];
    args.extend_from_slice(extra);
    run(&args)
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A path in this test target's own temporary directory.
pub fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "mentormatch-{}-{}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Writes `text` to [`tmp`]`(name)` and returns the path.
pub fn write_tmp(name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let p = tmp(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// A path as a command-line argument.
pub fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The rows of a CSV file, each as a map from header to cell.
pub fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.into(), v.into()))
                .collect()
        })
        .collect()
}
