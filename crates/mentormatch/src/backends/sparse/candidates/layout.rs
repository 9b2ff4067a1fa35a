//! Where each criterion's summary sits in a packed node record, and which form it takes. The
//! values themselves are the scorer's ([`crate::score::Values`]).

use crate::criteria::CriterionKind;
use crate::score::{Compiled, Values};

/// The form of one criterion's node (block or group) summary in a packed record: the one
/// value all members share (0: no member has a value; MIXED: several values); the union of the
/// members' sets (`words` words) and the smallest non-empty set size (u32::MAX when none); the
/// range of their numbers; or nothing (ranked preferences are not summarised per node).
#[derive(Debug, Clone)]
pub(super) enum NodeData {
    Single,
    Sets { words: usize },
    Numbers,
    Ranked,
}

/// One criterion's place in the index.
#[derive(Debug, Clone)]
pub(super) struct Crit {
    pub(super) nodes: NodeData,
    /// Offset of this criterion's summary in a packed node record.
    pub(super) slot: usize,
}

/// Lays out the node records: flag words (bit 2c: some member's value of criterion c is
/// unknown; bit 2c + 1: some is known), then per criterion its value, set union and smallest
/// size, or number range. Returns each criterion's place and the words per record.
pub(super) fn lay_out(compiled: &[Compiled]) -> (Vec<Crit>, usize) {
    let flag_words = (2 * compiled.len()).div_ceil(64).max(1);
    let mut stride = flag_words;
    let crits = compiled
        .iter()
        .map(|c| {
            let nodes = match c.mentor_values() {
                Values::Single(_) => NodeData::Single,
                Values::Sets { words, .. } => NodeData::Sets { words },
                Values::Numbers(_) => NodeData::Numbers,
                Values::Ranked => NodeData::Ranked,
            };
            debug_assert!(c.kind != CriterionKind::Preference || matches!(nodes, NodeData::Ranked));
            let slot = stride;
            stride += match nodes {
                NodeData::Single => 1,
                NodeData::Sets { words } => words + 1,
                NodeData::Numbers => 2,
                NodeData::Ranked => 0,
            };
            Crit { nodes, slot }
        })
        .collect();
    (crits, stride)
}

/// Whether the index keeps its node summaries per criterion (the fast path of the bound): every
/// set criterion fits in one word, and no criterion is a ranked preference (not summarised per
/// node).
pub(super) fn fast_path(compiled: &[Compiled], crits: &[Crit]) -> bool {
    crits.iter().all(|c| match c.nodes {
        NodeData::Sets { words } => words == 1,
        _ => true,
    }) && !compiled.iter().any(|c| c.kind == CriterionKind::Preference)
}
