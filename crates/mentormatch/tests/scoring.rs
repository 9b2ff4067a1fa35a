//! The row scorer (lookup tables, bitsets) against the pair-by-pair definition: bit-identical
//! scores and the same hard-rule mask, for every kind of set criterion and option.
#![allow(clippy::unwrap_used)]

mod common;

use mentormatch::{Config, Problem};
use proptest::prelude::*;

/// One set criterion in TOML: share (count or jaccard), complement or cover, with random
/// saturation, weight, `required` and `missing`.
fn set_criterion() -> impl Strategy<Value = String> {
    (0..4usize, 1..4u32, 1..5u32, any::<bool>(), 0..3usize).prop_map(
        |(kind, saturate, weight, required, missing)| {
            let head = match kind {
                0 => format!("kind = \"share\"\nfield = \"interests\"\nsaturate = {saturate}"),
                1 => "kind = \"share\"\nfield = \"interests\"\nmeasure = \"jaccard\"".to_string(),
                2 => format!("kind = \"complement\"\nfield = \"interests\"\nsaturate = {saturate}"),
                _ => "kind = \"cover\"\nfield = \"needs\"".to_string(),
            };
            format!(
                "[[criteria]]\n{head}\nweight = {weight}\nrequired = {required}\nmissing = {}\n",
                [0.0, 0.5, 1.0][missing]
            )
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn score_matrix_equals_pair_by_pair(
        cohort in common::cohort(6, 60),
        criteria in prop::collection::vec(set_criterion(), 1..4),
    ) {
        let text = format!(
            "[[criteria]]\nkind = \"differ\"\nfield = \"department\"\n{}",
            criteria.join("\n")
        );
        let config = Config::from_toml_str(&text, "test.toml").unwrap();
        let problem = Problem::new(cohort, config, vec![]).unwrap();
        let sm = problem.score_matrix();
        for i in 0..problem.n_mentees() {
            for j in 0..problem.n_mentors() {
                let (score, allowed) = problem.pair(i, j);
                prop_assert_eq!(sm.score(i, j).to_bits(), score.to_bits(), "pair ({}, {})", i, j);
                prop_assert_eq!(sm.allowed(i, j), allowed, "pair ({}, {})", i, j);
            }
        }
    }
}
