//! The library alone (no CLI, no Python) honours a configuration file's `history`: pairs from
//! earlier rounds are never made again.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use mentormatch::{input, Config, Problem};

/// A scratch folder that removes itself.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("mm-history-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Two mentees, two mentors; L1-M1 is by far the best pair (M1 offers what L1 needs).
fn cohort_files(s: &Scratch) -> (PathBuf, PathBuf) {
    let mentors = s.write(
        "mentors.csv",
        "id,department,offers,capacity\nM1,Drama,digital;tiktok,1\nM2,Sport,,1\n",
    );
    let mentees = s.write(
        "mentees.csv",
        "id,department,needs\nL1,Nyheter,digital;tiktok\nL2,Nyheter,\n",
    );
    (mentors, mentees)
}

fn pairs(config: Config, mentors: &Path, mentees: &Path) -> Vec<(String, String)> {
    let cohort = input::load_cohort(mentors, mentees, &config).unwrap();
    let problem = Problem::new(cohort, config, vec![]).unwrap();
    let result = mentormatch::solve(&problem).unwrap();
    let mut out: Vec<_> = result
        .pairs
        .iter()
        .map(|p| (p.mentee_id.clone(), p.mentor_id.clone()))
        .collect();
    out.sort();
    out
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

#[test]
fn history_in_a_config_file_is_never_repeated() {
    let s = Scratch::new("file");
    let (mentors, mentees) = cohort_files(&s);
    s.write("past.csv", "mentee_id,mentor_id,round\nL1,M1,2024\n");
    let path = s.write("config.toml", "history = \"past.csv\"\n");

    // Without the history the best plan makes L1-M1, so the check below can fail.
    let mut no_history = Config::from_toml_file(&path).unwrap();
    no_history.rules.history = None;
    assert!(pairs(no_history, &mentors, &mentees).contains(&pair("L1", "M1")));

    // `history` is relative to the config file, read by the library itself.
    let config = Config::from_toml_file(&path).unwrap();
    assert_eq!(
        pairs(config, &mentors, &mentees),
        vec![pair("L1", "M2"), pair("L2", "M1")]
    );
}

#[test]
fn a_missing_history_file_is_an_error_naming_it() {
    let s = Scratch::new("missing");
    let (mentors, mentees) = cohort_files(&s);
    let path = s.write("config.toml", "history = \"nowhere.csv\"\n");
    let config = Config::from_toml_file(&path).unwrap();
    let cohort = input::load_cohort(&mentors, &mentees, &config).unwrap();
    let err = Problem::new(cohort, config, vec![])
        .unwrap_err()
        .to_string();
    assert!(err.contains("nowhere.csv"), "{err}");
}

#[test]
fn the_sample_config_never_repeats_a_sample_past_pair() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let config = Config::from_toml_file(&root.join("examples/config.toml")).unwrap();
    assert!(
        config.rules.history.is_some(),
        "examples/config.toml sets history"
    );
    let past = input::read_history(&root.join("examples/data/past_pairs.csv")).unwrap();
    assert!(!past.is_empty());
    let made = pairs(
        config,
        &root.join("examples/data/mentors.csv"),
        &root.join("examples/data/mentees.csv"),
    );
    for p in &past {
        assert!(
            !made.contains(&pair(&p.mentee, &p.mentor)),
            "{} - {} was paired in an earlier round",
            p.mentee,
            p.mentor
        );
    }
}
