//! The index as bytes, so that it is built once and sent to every worker (issue 17): a worker
//! compiles the problem itself (linear in the cohort) and takes the mentor tree (a sort of every
//! mentor and the node summaries) from the bytes.
//!
//! Only the tree travels, with a digest of the mentor side it was built from. The per-criterion
//! layout is laid out again from the worker's own compiled criteria, so the bytes must come
//! from the same mentors and configuration (the mentees may be any shard of the cohort: the
//! mentor side compiles from the mentors alone); the checks below make any other bytes an
//! error, never a panic or a hang: a header with a format version, a SHA-256 of the payload
//! (against damage in transit), the tree's shape against the worker's problem (sizes, ranges,
//! children after their parent), and the mentor side's digest against the worker's. A well-formed
//! tree over the same mentors with other summaries would give wrong bounds, so the bytes must
//! come from [`CandidateIndex::to_bytes`] of this version, as the header says; they are not a
//! format for data from elsewhere.

use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::layout;
use super::tree::Shape;
use super::CandidateIndex;
use crate::error::{Error, InputError, Location, Result};
use crate::problem::Problem;

/// Magic and format version at the start of the bytes.
const MAGIC: &[u8; 8] = b"MMINDEX2";

impl CandidateIndex {
    /// The index as bytes for [`CandidateIndex::from_bytes`] on another machine.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        // The mentor side's digest, then the tree (plain vectors of numbers: encoding cannot
        // fail).
        let mut payload = crate::score::mentor_digest(&self.compiled).to_vec();
        payload.extend(rmp_serde::to_vec(&self.shape).unwrap_or_default());
        let mut out = Vec::with_capacity(payload.len() + 40);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&Sha256::digest(&payload));
        out.extend_from_slice(&payload);
        out
    }

    /// The index of `problem` from the bytes [`CandidateIndex::to_bytes`] gave for the same
    /// problem (same cohort and configuration) in another process. Errors when the bytes are
    /// damaged, of another version, or of another problem's tree.
    pub(crate) fn from_bytes(problem: &Problem, bytes: &[u8]) -> Result<CandidateIndex> {
        let bad = |why: &str| {
            Error::Input(
                InputError::new(
                    Location::source("index"),
                    format!("the candidate index bytes are not usable: {why}"),
                )
                .hint("send the bytes of ShardIndex::index_bytes of the same cohort and configuration, made by this version of mentormatch"),
            )
        };
        if bytes.len() < MAGIC.len() + 32 || &bytes[..MAGIC.len()] != MAGIC {
            return Err(bad("no index header (or another format version)"));
        }
        let (digest, payload) = bytes[MAGIC.len()..].split_at(32);
        if Sha256::digest(payload).as_slice() != digest {
            return Err(bad("the checksum does not match (damaged in transit?)"));
        }
        if payload.len() < 32 {
            return Err(bad("no mentor digest"));
        }
        let (mentors, payload) = payload.split_at(32);
        let shape: Shape =
            rmp_serde::from_slice(payload).map_err(|e| bad(&format!("cannot decode: {e}")))?;
        let compiled = Arc::clone(problem.scorer().compiled());
        let (crits, stride) = layout::lay_out(&compiled);
        let fits = layout::fast_path(&compiled, &crits);
        check_shape(&shape, problem.n_mentors(), stride, crits.len(), fits).map_err(|w| bad(&w))?;
        // Only the mentor side has to match: the tree and its summaries are the mentors'
        // (a worker may hold any shard of the mentees, see `Problem::shard`).
        let here = crate::score::mentor_digest(problem.scorer().compiled());
        if mentors != here.as_slice() {
            return Err(bad(
                "it was built for other mentors or another configuration of the criteria",
            ));
        }
        Ok(CandidateIndex {
            compiled,
            crits: Arc::new(crits),
            shape,
            stride,
            min_score: problem.config().rules.min_score,
            priced: Mutex::default(),
        })
    }
}

/// Whether `shape` is a tree the search can walk over `m` mentors (see the module doc).
fn check_shape(
    s: &Shape,
    m: usize,
    stride: usize,
    n_crits: usize,
    fits: bool,
) -> std::result::Result<(), String> {
    let n_nodes = s.span.len();
    let base = s.mentor_base;
    if s.order.len() > m || s.order.iter().any(|&j| j as usize >= m) {
        return Err(format!("it names mentors beyond the {m} of this cohort"));
    }
    if base.checked_add(s.order.len()) != Some(n_nodes)
        || s.children.len() != n_nodes
        || s.depth.len() != base
    {
        return Err("its node tables disagree in size".into());
    }
    if s.roots.iter().any(|&r| r as usize >= base) {
        return Err("a root is not a tree node".into());
    }
    for (node, (&(a, b), &(c0, c1))) in s.span.iter().zip(&s.children).enumerate() {
        if a > b || b as usize > s.order.len() {
            return Err(format!("node {node} spans mentors outside the tree"));
        }
        let leaf = node >= base;
        if c1 < c0 || (c1 > c0 && (leaf || c0 as usize <= node || c1 as usize > base)) {
            return Err(format!("node {node} has children outside the tree"));
        }
        if leaf && (a as usize != node - base || b != a + 1) {
            return Err(format!("mentor node {node} is not one mentor"));
        }
    }
    if fits {
        let ok = s.soa.len() == n_crits
            && s.packed.is_empty()
            && s.soa
                .iter()
                .all(|c| c.a.len() == n_nodes && c.b.len() == n_nodes && c.flags.len() == n_nodes);
        if !ok {
            return Err("its node summaries do not fit this configuration".into());
        }
    } else if !s.soa.is_empty() || Some(s.packed.len()) != n_nodes.checked_mul(stride) {
        return Err("its node summaries do not fit this configuration".into());
    }
    Ok(())
}
