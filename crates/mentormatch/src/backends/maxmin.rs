//! What the `maxmin` objective's threshold searches share (the exact backend's, and the ILP
//! backend's with goals): which scores count as equal, and the candidate thresholds.

/// Scores closer than this are equal: sums of the same points in another order differ in the
/// last bits, and a threshold must not split such ties.
pub(crate) const SCORE_EPS: f64 = 1e-9;

/// The distinct values among `scores`, ascending, ties within [`SCORE_EPS`] merged (the first
/// of each run kept): the thresholds a binary search for the best lowest score tries.
pub(crate) fn distinct_scores(mut scores: Vec<f64>) -> Vec<f64> {
    scores.sort_by(f64::total_cmp);
    scores.dedup_by(|later, first| *later - *first <= SCORE_EPS);
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_within_eps_merge_and_order_is_ascending() {
        let v = distinct_scores(vec![3.0, 1.0, 1.0 + SCORE_EPS / 2.0, 2.0, 3.0 + 1e-12]);
        assert_eq!(v, vec![1.0, 2.0, 3.0]);
        assert!(distinct_scores(Vec::new()).is_empty());
    }
}
