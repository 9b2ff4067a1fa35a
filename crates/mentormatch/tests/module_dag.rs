//! The core's modules form layers: each top-level module uses only modules in layers above it,
//! so there is no import cycle and a newcomer can read the crate from the top down. The layers
//! are the ones `src/lib.rs` declares; this test reads every source file and fails on any
//! `crate::` path that points down (or sideways into a later module of the list).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every top-level module in dependency order. The crate root's own functions (`solve`,
/// `solve_with`, `solve_by`, `match_cohort`) sit after `result`: they select a backend and build
/// the result.
const LAYERS: &[&str] = &[
    "rng",
    "text",
    "values",
    "goal_bound",
    "diagnosis",
    "csv_safe",
    "progress",
    "model",
    "error",
    "synthetic",
    "preferences",
    "criteria",
    "config",
    "input",
    "score",
    "problem",
    "goals",
    "explain",
    "lap",
    "solver",
    "backends",
    "selection",
    "stability",
    "result",
    "<root>",
    "distributed",
    "report",
    "analysis",
];

/// Names the crate root defines or re-exports that code may reach as `crate::Name`.
const ROOT_FUNCTIONS: &[&str] = &[
    "solve",
    "solve_with",
    "solve_by",
    "finish_solve",
    "match_cohort",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src is readable")
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a source file belongs to (`backends/sparse/lap.rs` -> `backends`).
fn top_module(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src");
    let first = rel.components().next().expect("non-empty path");
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_string()
}

/// `crate::name` paths in code (comments and doc comments are skipped: links are not uses).
fn crate_paths(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push(name);
            }
        }
    }
    found
}

#[test]
fn modules_only_use_the_layers_above_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let position: BTreeMap<&str, usize> = LAYERS.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut downward = Vec::new();
    let mut unknown = Vec::new();
    for file in &files {
        let from = top_module(&src, file);
        if from == "lib" {
            continue;
        }
        let Some(&from_pos) = position.get(from.as_str()) else {
            unknown.push(format!("{} (module {from} is in no layer)", file.display()));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("source is readable");
        for name in crate_paths(&text) {
            let to = if ROOT_FUNCTIONS.contains(&name.as_str()) {
                "<root>".to_string()
            } else if name.starts_with(char::is_uppercase) {
                // A type re-exported at the root, e.g. `crate::Config`: checked where defined.
                continue;
            } else {
                name
            };
            match position.get(to.as_str()) {
                Some(&to_pos) if to_pos > from_pos => downward.push(format!(
                    "{}: {from} uses crate::{to}, which is below it",
                    file.strip_prefix(&src).unwrap_or(file).display()
                )),
                Some(_) => {}
                None => unknown.push(format!("{}: crate::{to} is in no layer", file.display())),
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "modules missing from LAYERS:\n{}",
        unknown.join("\n")
    );
    assert!(
        downward.is_empty(),
        "uses against the layering:\n{}",
        downward.join("\n")
    );
}

#[test]
fn the_checker_sees_uses_and_skips_comments() {
    let text = "use crate::problem::Problem;\n/// see [`crate::result`]\nlet x = crate::solve(p); // crate::report\n";
    assert_eq!(crate_paths(text), vec!["problem", "solve"]);
}
