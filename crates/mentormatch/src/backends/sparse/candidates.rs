//! Sparse candidate generation: for each mentee the `k` best allowed mentors, found without
//! scoring every pair.
//!
//! # Blocking and bounds
//! Mentors are sorted by their values, criterion by criterion (heaviest first; among equal
//! weights set criteria before `differ` ones), and a *trie* is built over them top down: a node
//! at level `d` holds the mentors sharing the values of the first `d` criteria, so those are
//! known exactly in it; nodes of a few mentors are cut into *blocks* of `BLOCK` (4) mentors, and
//! a node with many children gets intermediate nodes. For every node we keep a summary per
//! criterion: the one value all its members share (or "mixed"), the union of their sets, the
//! range of their numbers, and whether any member's value is unknown; every mentor also has
//! its own record of the same form. From a summary and one mentee's values we get, cheaply,
//! an *upper bound* on the score of every member, and learn when a required criterion rules
//! out every member (e.g. the required different-department rule).
//!
//! Each mentee then runs a best-first search (deeper nodes first among equal bounds): nodes in
//! a max-heap by bound; a popped node pushes its children (those that can still beat the
//! `k`-th best score); a popped block bounds each member from its own record and scores only
//! those that may enter the list exactly with [`Problem::pair`] (every hard rule applied). The
//! search stops when the best remaining bound is not above the `k`-th best score found, so
//! most mentors are never looked at. Children are evaluated criterion by criterion over
//! consecutive memory (nodes are numbered breadth first).
//!
//! # Why the bounds are sound (bit for bit)
//! The scorer computes `score = Σ_c points_c · v_c` in criteria order, starting from 0.0, with
//! `v_c` in `0..=1` (or the criterion's `missing` value). For each criterion we compute `ub_c`
//! with `v_c <= ub_c` for every member: the share/cover overlap with the union of the members'
//! sets is at least the overlap with any one member's set; what a mentor brings beyond the
//! mentee's set is at most what the union brings beyond it; for Jaccard `c / (a + b - c) <=
//! c_union / max(a, b_min)`; numeric values are monotone (or unimodal) in the mentor's number,
//! so the range's ends give the extremes; unknown values add the `missing` value to the max.
//! Every step (integer-to-float conversion, one division, clamping, `points * v`, the running
//! sum in the same order) is a correctly rounded monotone operation, so the computed bound is
//! `>=` the computed score exactly, with no epsilon. Hence:
//!
//! **Lemma.** Every allowed pair `(i, j)` not in mentee `i`'s list scores at most
//! [`Candidates::outside`]`[i]`: it was either scored and lost to `k` pairs scoring at least as
//! much, or it lies in a block or group whose bound was `<=` the final `k`-th best score.
//! When the search ran to the end without leaving any allowed pair out, `outside` is `-inf`.

use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::criteria::{CriterionKind, Prefer, ShareMeasure};
use crate::model::{Field, Participant};
use crate::problem::Problem;
use crate::progress::Progress;
use crate::values::{parse_number, Interner};

const MIXED: u32 = u32::MAX;
/// Mentors per block.
const BLOCK: usize = 4;
/// Children per intermediate node of the block tree (inside a run of equal values).
const FANOUT: usize = 4;
/// Nodes of at most this many mentors are cut into blocks rather than split by value.
const SMALL: usize = 16;
/// Most children a node of the value trie may have before intermediate nodes are added.
const MAX_FANOUT: usize = 16;
/// Extra bound evaluations per mentee spent drawing equal scores from more of the tree, once the
/// list is full. 0: the search is depth first among equal bounds with a per-mentee random order
/// (see `search`), which already spreads equal scores over mentors; a budget of 1,000 cost a
/// quarter of candidate generation at 30,000 x 30,000 and did not improve the result after
/// column generation (10,000 x 10,000 reaches the same optimum without it).
const TIE_BUDGET: u64 = 0;

/// One side's values for one criterion, compiled like the scorer does.
#[derive(Debug, Clone)]
enum SideData {
    Single(Vec<u32>),
    Sets {
        words: usize,
        bits: Vec<u64>,
        len: Vec<u32>,
    },
    Numbers(Vec<f64>),
}

/// The form of one criterion's node (block or group) summary in a packed record: the one
/// value all members share (0: no member has a value; MIXED: several values); the union of the
/// members' sets (`words` words) and the smallest non-empty set size (u32::MAX when none); or
/// the range of their numbers.
#[derive(Debug, Clone)]
enum NodeData {
    Single,
    Sets { words: usize },
    Numbers,
}

#[derive(Debug, Clone)]
struct Crit {
    kind: CriterionKind,
    points: f64,
    missing: f64,
    required: bool,
    saturate: f64,
    measure: ShareMeasure,
    prefer: Prefer,
    scale: f64,
    mentee: SideData,
    mentor: SideData,
    nodes: NodeData,
    /// Offset of this criterion's summary in a packed node record.
    slot: usize,
}

fn compile_side<P: Participant>(
    kind: CriterionKind,
    field: &Field,
    people: &[P],
    interner: &mut Interner,
) -> SideData {
    match kind {
        CriterionKind::Differ => SideData::Single(
            people
                .iter()
                .map(|p| {
                    let set = p.value(field).as_set();
                    if set.is_empty() {
                        0
                    } else {
                        interner.id(&set.join(";"))
                    }
                })
                .collect(),
        ),
        CriterionKind::Numeric => SideData::Numbers(
            people
                .iter()
                .map(|p| {
                    p.value(field)
                        .as_text()
                        .and_then(parse_number)
                        .unwrap_or(f64::NAN)
                })
                .collect(),
        ),
        _ => {
            let ids: Vec<Vec<u32>> = people
                .iter()
                .map(|p| {
                    p.value(field)
                        .as_set()
                        .iter()
                        .map(|s| interner.id(s))
                        .collect()
                })
                .collect();
            SideData::Sets {
                words: 0,
                bits: Vec::new(),
                len: ids.iter().map(|v| v.len() as u32).collect(),
            }
            .with_ids(ids)
        }
    }
}

impl SideData {
    /// Placeholder for sets until the vocabulary size is known.
    fn with_ids(self, ids: Vec<Vec<u32>>) -> SideData {
        // Store ids in `bits` temporarily as a flat list with lengths; packed in `pack`.
        let mut flat = Vec::new();
        for v in &ids {
            flat.extend(v.iter().map(|&x| u64::from(x)));
        }
        match self {
            SideData::Sets { len, .. } => SideData::Sets {
                words: 0,
                bits: flat,
                len,
            },
            other => other,
        }
    }

    fn pack(&mut self, vocab: usize) {
        if let SideData::Sets { words, bits, len } = self {
            let w = vocab.div_ceil(64).max(1);
            let mut out = vec![0u64; len.len() * w];
            let mut pos = 0;
            for (p, l) in len.iter_mut().enumerate() {
                for &id in &bits[pos..pos + *l as usize] {
                    let b = (id - 1) as usize;
                    out[p * w + b / 64] |= 1 << (b % 64);
                }
                pos += *l as usize;
                // Duplicates in the source set collapse, as in the scorer.
                *l = out[p * w..(p + 1) * w].iter().map(|x| x.count_ones()).sum();
            }
            *words = w;
            *bits = out;
        }
    }
}

/// The shape of the mentor tree while it is built.
#[derive(Default)]
struct Tree {
    span: Vec<(u32, u32)>,
    children: Vec<(u32, u32)>,
    child_list: Vec<u32>,
}

impl Tree {
    fn node(&mut self, a: usize, b: usize, kids: &[u32]) -> u32 {
        let id = self.span.len() as u32;
        self.span.push((a as u32, b as u32));
        let c = self.child_list.len() as u32;
        self.child_list.extend_from_slice(kids);
        self.children.push((c, self.child_list.len() as u32));
        id
    }

    /// Builds the subtree over sorted mentors `a..b`, who share the first `d` criteria;
    /// `pre(p, d)` is mentor `p`'s key prefix of `d` criteria.
    fn build<'k>(
        &mut self,
        a: usize,
        b: usize,
        d: usize,
        depth_n: usize,
        pre: &dyn Fn(usize, usize) -> &'k [u64],
    ) -> u32 {
        if b - a <= BLOCK {
            return self.node(a, b, &[]);
        }
        if b - a <= SMALL || d >= depth_n {
            let kids: Vec<u32> = (a..b)
                .step_by(BLOCK)
                .map(|x| self.node(x, (x + BLOCK).min(b), &[]))
                .collect();
            return self.group(kids);
        }
        // Split by the next criterion; skip levels where every member shares its value.
        let mut d = d + 1;
        loop {
            if pre(a, d) != pre(b - 1, d) || d >= depth_n {
                break;
            }
            d += 1;
        }
        if pre(a, d) == pre(b - 1, d) {
            return self.build(a, b, depth_n, depth_n, pre);
        }
        let mut kids = Vec::new();
        let mut p = a;
        while p < b {
            let mut q = p + 1;
            while q < b && pre(q, d) == pre(p, d) {
                q += 1;
            }
            kids.push(self.build(p, q, d, depth_n, pre));
            p = q;
        }
        self.group(kids)
    }

    /// One node over `kids` (consecutive), with intermediate nodes when they are many.
    fn group(&mut self, mut kids: Vec<u32>) -> u32 {
        while kids.len() > MAX_FANOUT {
            kids = kids
                .chunks(FANOUT)
                .map(|c| {
                    if c.len() == 1 {
                        c[0]
                    } else {
                        let (a, b) = (
                            self.span[c[0] as usize].0,
                            self.span[c[c.len() - 1] as usize].1,
                        );
                        self.node(a as usize, b as usize, c)
                    }
                })
                .collect();
        }
        if kids.len() == 1 {
            return kids[0];
        }
        let (a, b) = (
            self.span[kids[0] as usize].0,
            self.span[kids[kids.len() - 1] as usize].1,
        );
        self.node(a as usize, b as usize, &kids)
    }
}

/// The tree over the mentors and its node summaries.
#[derive(Debug, Clone)]
struct Shape {
    order: Vec<u32>,
    /// Per node: its members, a range of `order`.
    span: Vec<(u32, u32)>,
    /// Per node: its children, a range of node ids (empty for a block).
    children: Vec<(u32, u32)>,
    /// Per tree node: its depth (roots 0).
    depth: Vec<u8>,
    /// Node id of the pseudo-node of the first mentor in `order` (one per mentor).
    mentor_base: usize,
    /// Top-level nodes.
    roots: Vec<u32>,
    /// Per node: its summaries of every criterion, `stride` words; empty when `soa` is used.
    packed: Vec<u64>,
    /// The same summaries per criterion, when every set fits in one word (the fast path).
    soa: Vec<Soa>,
}

impl Shape {
    /// Builds the tree over `mentors`, split first by `class[j]` (when given), then by their
    /// values criterion by criterion.
    fn build(crits: &[Crit], stride: usize, mentors: &[u32], class: Option<&[u64]>) -> Shape {
        // Sort mentors by their values, criterion by criterion in the order below (sets as bit
        // words, numbers by value), then by index; the tree over them is a trie (see below).
        let mut by_weight: Vec<usize> = (0..crits.len()).collect();
        // Heaviest first; among equal weights, set and numeric criteria before single values:
        // a `differ` criterion rules out one value per mentee and so prunes little, while a
        // set criterion (interests, competences) separates good mentors from poor ones.
        let differ = |c: usize| matches!(crits[c].kind, CriterionKind::Differ);
        by_weight.sort_by(|&a, &b| {
            crits[b]
                .points
                .total_cmp(&crits[a].points)
                .then(differ(a).cmp(&differ(b)))
                .then(a.cmp(&b))
        });
        let part = |c: usize, j: usize| -> Vec<u64> {
            match &crits[c].mentor {
                SideData::Single(v) => vec![u64::from(v[j])],
                SideData::Sets { words, bits, .. } => bits[j * words..(j + 1) * words].to_vec(),
                SideData::Numbers(v) => vec![if v[j].is_nan() {
                    u64::MAX
                } else {
                    ord_bits(v[j])
                }],
            }
        };
        // Offsets of each criterion's part in the sort key (criteria in weight order).
        let mut offs = vec![0usize];
        for &c in &by_weight {
            let w = match &crits[c].mentor {
                SideData::Sets { words, .. } => *words,
                _ => 1,
            };
            offs.push(offs[offs.len() - 1] + w);
        }
        let depth_n = by_weight.len() + usize::from(class.is_some());
        if class.is_some() {
            for o in &mut offs {
                *o += 1;
            }
            offs.insert(0, 0);
        }
        let lead = usize::from(class.is_some());
        let mut keyed: Vec<(Vec<u64>, u32)> = mentors
            .par_iter()
            .map(|&j| {
                let j = j as usize;
                let mut key = Vec::with_capacity(offs[offs.len() - 1] + lead);
                if let Some(class) = class {
                    key.push(class[j]);
                }
                key.extend(by_weight.iter().flat_map(|&c| part(c, j)));
                (key, j as u32)
            })
            .collect();
        keyed.par_sort_unstable();
        let order: Vec<u32> = keyed.iter().map(|k| k.1).collect();
        let pre = |p: usize, d: usize| -> &[u64] { &keyed[p].0[..offs[d]] };

        // A trie over the sorted mentors, built top down: a node at level `d` holds the mentors
        // sharing the values of the first `d` criteria (in the order above), so those criteria
        // are bounded exactly in it. A node of at most SMALL mentors is cut into blocks of
        // BLOCK mentors instead of being split by value; a node with more than MAX_FANOUT
        // children gets intermediate nodes of FANOUT children.
        let mut tree = Tree::default();
        let roots = if keyed.is_empty() {
            Vec::new()
        } else {
            vec![tree.build(0, keyed.len(), 0, depth_n, &pre)]
        };
        // Renumber the nodes breadth first, so that siblings are consecutive (their records are
        // read together) and a node's children are a range of ids.
        let mut bfs: Vec<u32> = roots.clone();
        let mut h = 0;
        while h < bfs.len() {
            let (c0, c1) = tree.children[bfs[h] as usize];
            bfs.extend_from_slice(&tree.child_list[c0 as usize..c1 as usize]);
            h += 1;
        }
        let mut new_id = vec![0u32; tree.span.len()];
        for (t, &x) in bfs.iter().enumerate() {
            new_id[x as usize] = t as u32;
        }
        let mut span: Vec<(u32, u32)> = bfs.iter().map(|&x| tree.span[x as usize]).collect();
        let mut children: Vec<(u32, u32)> = bfs
            .iter()
            .map(|&x| {
                let (c0, c1) = tree.children[x as usize];
                if c1 == c0 {
                    (0, 0)
                } else {
                    let first = new_id[tree.child_list[c0 as usize] as usize];
                    (first, first + (c1 - c0))
                }
            })
            .collect();
        let roots: Vec<u32> = (0..roots.len() as u32).collect();
        // Depth of every tree node (children are ranges of later ids).
        let mut depth = vec![0u8; span.len()];
        for node in 0..span.len() {
            let (c0, c1) = children[node];
            for c in c0..c1 {
                depth[c as usize] = depth[node].saturating_add(1);
            }
        }
        drop(tree);
        // One pseudo-node per mentor (not in the tree), in sorted order: its record gives an
        // exact-or-higher score cheaply, read in memory order, before the exact score.
        let mentor_base = span.len();
        for p in 0..order.len() {
            span.push((p as u32, p as u32 + 1));
            children.push((0, 0));
        }
        drop(keyed);
        let n_nodes = span.len();
        // Pack every node's summaries into one record (one or two cache lines): flag words
        // (bit 2c: some member's value of criterion c is unknown; bit 2c + 1: some is known),
        // then per criterion its value, set union and smallest size, or number range.
        let mut packed = vec![0u64; n_nodes * stride];
        packed
            .par_chunks_mut(stride)
            .enumerate()
            .for_each(|(node, rec)| {
                let members = &order[span[node].0 as usize..span[node].1 as usize];
                for (c, crit) in crits.iter().enumerate() {
                    let (mut missing, mut known) = (false, false);
                    let o = crit.slot;
                    match &crit.mentor {
                        SideData::Single(v) => {
                            let mut nz = 0u32;
                            for &j in members {
                                let id = v[j as usize];
                                if id == 0 {
                                    missing = true;
                                } else {
                                    known = true;
                                    if nz == 0 {
                                        nz = id;
                                    } else if nz != id {
                                        nz = MIXED;
                                    }
                                }
                            }
                            rec[o] = u64::from(nz);
                        }
                        SideData::Sets { words, bits, len } => {
                            let w = *words;
                            let mut min_len = u32::MAX;
                            for &j in members {
                                let j = j as usize;
                                if len[j] == 0 {
                                    missing = true;
                                } else {
                                    known = true;
                                    min_len = min_len.min(len[j]);
                                    for x in 0..w {
                                        rec[o + x] |= bits[j * w + x];
                                    }
                                }
                            }
                            rec[o + w] = u64::from(min_len);
                        }
                        SideData::Numbers(v) => {
                            let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
                            for &j in members {
                                let x = v[j as usize];
                                if x.is_nan() {
                                    missing = true;
                                } else {
                                    known = true;
                                    lo = lo.min(x);
                                    hi = hi.max(x);
                                }
                            }
                            rec[o] = lo.to_bits();
                            rec[o + 1] = hi.to_bits();
                        }
                    }
                    if missing {
                        rec[(2 * c) / 64] |= 1 << ((2 * c) % 64);
                    }
                    if known {
                        rec[(2 * c + 1) / 64] |= 1 << ((2 * c + 1) % 64);
                    }
                }
            });
        // Fast path: every set criterion fits in one word; summaries per criterion, so that a
        // node's siblings are evaluated criterion by criterion over consecutive memory.
        // Ranked preferences are not summarised per node (see `bound`): the general path.
        let fits = crits.iter().all(|c| match &c.nodes {
            NodeData::Sets { words, .. } => *words == 1,
            _ => true,
        }) && !crits.iter().any(|c| c.kind == CriterionKind::Preference);
        let mut soa = Vec::new();
        if fits {
            for (ci, c) in crits.iter().enumerate() {
                let mut s = Soa {
                    a: Vec::with_capacity(n_nodes),
                    b: Vec::with_capacity(n_nodes),
                    flags: Vec::with_capacity(n_nodes),
                };
                for node in 0..n_nodes {
                    let rec = &packed[node * stride..(node + 1) * stride];
                    let missing = rec[(2 * ci) / 64] >> ((2 * ci) % 64) & 1;
                    let known = rec[(2 * ci + 1) / 64] >> ((2 * ci + 1) % 64) & 1;
                    s.flags.push((missing | known << 1) as u8);
                    s.a.push(rec[c.slot]);
                    s.b.push(match &c.nodes {
                        NodeData::Single => 0,
                        _ => rec[c.slot + 1],
                    });
                }
                soa.push(s);
            }
            packed = Vec::new();
        }
        Shape {
            order,
            span,
            children,
            depth,
            mentor_base,
            roots,
            packed,
            soa,
        }
    }
}

/// The blocking index over mentors, reusable for any number of mentee queries.
#[derive(Debug, Clone)]
pub struct CandidateIndex {
    /// The criteria compiled for both sides (shared by regrouped copies).
    crits: Arc<Vec<Crit>>,
    shape: Shape,
    /// Words per packed node record.
    stride: usize,
    min_score: Option<f64>,
}

/// Work counters of a candidate search.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchStats {
    /// Pairs scored exactly.
    pub pairs_scored: u64,
    /// Block and group bounds evaluated.
    pub bounds: u64,
}

/// Scratch space for one thread's queries.
#[derive(Debug, Default)]
pub struct Scratch {
    heap: BinaryHeap<(u64, u32, u32)>,
    query: Vec<Q>,
    buf: Vec<f64>,
}

/// One criterion's node summaries (fast path): value / set union / number minimum in `a`,
/// smallest set size / number maximum in `b`, and flags (1: some value unknown, 2: some known).
#[derive(Debug, Clone)]
struct Soa {
    a: Vec<u64>,
    b: Vec<u64>,
    flags: Vec<u8>,
}

/// Adds `points * v` to every `out[x]`, where `ub(x)` bounds the value over members with a
/// known value and `flags[x]` says whether some are unknown / known; `-inf` marks a node ruled
/// out (as `None` in [`CandidateIndex::bound`]).
#[inline(always)]
fn accumulate(out: &mut [f64], flags: &[u8], c: &Q, ub: impl Fn(usize, bool) -> Option<f64>) {
    for (x, o) in out.iter_mut().enumerate() {
        let missing = flags[x] & 1 != 0;
        let known = flags[x] & 2 != 0;
        let ub = ub(x, known);
        if c.required && !missing && ub == Some(0.0) {
            *o = f64::NEG_INFINITY;
            continue;
        }
        let mut v = ub.unwrap_or(f64::NEG_INFINITY);
        if missing {
            v = v.max(c.missing);
        }
        if v == f64::NEG_INFINITY {
            *o = f64::NEG_INFINITY;
        } else {
            *o += c.points * v;
        }
    }
}

/// `min(x.count_ones(), cap)`, cheaply when `cap` is small (no popcount instruction is assumed):
/// capped at `saturate` (an integer) it gives the same `min(count, saturate)`, and a count of
/// `x & mentee_set` never exceeds the mentee set's size.
#[inline(always)]
fn ones(mut x: u64, cap: u32) -> u32 {
    let mut n = 0;
    while x != 0 && n < cap {
        x &= x - 1;
        n += 1;
    }
    n
}

/// What the bound needs of one criterion for the current mentee (sets of one word only).
#[derive(Debug, Clone, Copy)]
enum Op {
    /// The mentee's value is unknown: the criterion counts its `missing` value.
    AllMissing,
    Single(u32),
    Complement(u64),
    Cover(u64, u32),
    ShareCount(u64),
    ShareJaccard(u64, u32),
    Number(f64),
}

/// One criterion of a compiled query.
#[derive(Debug, Clone, Copy)]
struct Q {
    op: Op,
    points: f64,
    missing: f64,
    saturate: f64,
    scale: f64,
    prefer: Prefer,
    required: bool,
}

/// A per-mentee pseudo-random order of nodes with equal bounds: mentees with similar profiles
/// then fill their lists from different mentors among equally good ones, which spreads demand
/// over mentors (shorter augmenting paths, fewer mentees left without a free candidate).
#[inline]
fn tie(i: usize, node: usize) -> u32 {
    let mut z = (i as u64) << 32 ^ node as u64 ^ 0x9E37_79B9_7F4A_7C15;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) as u32
}

impl CandidateIndex {
    /// Builds the index over mentors with `remaining[j] > 0` places.
    pub fn new(problem: &Problem, remaining: &[u32]) -> CandidateIndex {
        let cohort = problem.cohort();
        let mut crits = Vec::new();
        for (c, crit) in problem.criteria().iter().enumerate() {
            let mut interner = Interner::default();
            let mut mentee = compile_side(
                crit.kind,
                &crit.mentee_field(),
                &cohort.mentees,
                &mut interner,
            );
            let mut mentor = compile_side(
                crit.kind,
                &crit.mentor_field(),
                &cohort.mentors,
                &mut interner,
            );
            let vocab = interner.len();
            mentee.pack(vocab);
            mentor.pack(vocab);
            let nodes = match &mentor {
                SideData::Single(_) => NodeData::Single,
                SideData::Sets { words, .. } => NodeData::Sets { words: *words },
                SideData::Numbers(_) => NodeData::Numbers,
            };
            crits.push(Crit {
                kind: crit.kind,
                points: problem.scorer().points(c, 1.0),
                missing: crit.missing_or_default(),
                required: crit.required,
                saturate: f64::from(crit.saturate_or_default()),
                measure: crit.measure.unwrap_or_default(),
                prefer: crit.prefer.unwrap_or_default(),
                scale: crit.scale_or_default(),
                mentee,
                mentor,
                nodes,
                slot: 0,
            });
        }

        // Offsets of every criterion's summary in a packed node record: flag words (bit 2c:
        // some member's value of criterion c is unknown; bit 2c + 1: some is known), then per
        // criterion its value, set union and smallest size, or number range.
        let flag_words = (2 * crits.len()).div_ceil(64).max(1);
        let mut stride = flag_words;
        for crit in &mut crits {
            crit.slot = stride;
            stride += match &crit.nodes {
                NodeData::Single => 1,
                NodeData::Sets { words, .. } => words + 1,
                NodeData::Numbers => 2,
            };
        }
        let crits = Arc::new(crits);
        let mentors: Vec<u32> = (0..problem.n_mentors())
            .filter(|&j| remaining.get(j).copied().unwrap_or(0) > 0)
            .map(|j| j as u32)
            .collect();
        let shape = Shape::build(&crits, stride, &mentors, None);
        CandidateIndex {
            crits,
            shape,
            stride,
            min_score: problem.config().rules.min_score,
        }
    }

    /// The same index with its mentors regrouped by price: the tree's first split is by price
    /// class (`floor(v_j / step)`), then by values as in [`CandidateIndex::new`]. Any tree gives
    /// the same sound answers; this one makes [`CandidateIndex::query_priced_above`] cheap,
    /// since a node's lowest price is then close to every member's price. With one tree by
    /// values alone, nearly every node holds some mentor priced 0 (an empty place), so the
    /// prices hardly tighten the node bounds and a pricing search scores the popular (dear)
    /// mentors one by one.
    pub fn regrouped(&self, v: &[f64], step: f64) -> CandidateIndex {
        let mut mentors = self.shape.order.clone();
        mentors.sort_unstable();
        let class: Vec<u64> = v
            .iter()
            .map(|&x| {
                if x.is_finite() && x > 0.0 {
                    ((x / step).floor() as u64).saturating_add(1)
                } else {
                    0
                }
            })
            .collect();
        let shape = Shape::build(&self.crits, self.stride, &mentors, Some(&class));
        CandidateIndex {
            crits: Arc::clone(&self.crits),
            shape,
            stride: self.stride,
            min_score: self.min_score,
        }
    }

    /// Compiles mentee `i`'s side of [`CandidateIndex::bound`] into `out`; false when a set
    /// criterion needs more than one word (then the general bound is used).
    fn compile_query(&self, i: usize, out: &mut Vec<Q>) -> bool {
        out.clear();
        if self
            .crits
            .iter()
            .any(|c| c.kind == CriterionKind::Preference)
        {
            // Ranked preferences are not summarised in the tree: the general bound counts them
            // at their best value.
            return false;
        }
        for c in self.crits.iter() {
            let op = match &c.mentee {
                SideData::Single(me) => {
                    if me[i] == 0 {
                        Op::AllMissing
                    } else {
                        Op::Single(me[i])
                    }
                }
                SideData::Sets { words, bits, len } => {
                    if *words != 1 {
                        return false;
                    }
                    let (a, la) = (bits[i], len[i]);
                    match (c.kind, c.measure) {
                        (CriterionKind::Complement, _) => Op::Complement(a),
                        _ if la == 0 => Op::AllMissing,
                        (CriterionKind::Cover, _) => Op::Cover(a, la),
                        (_, ShareMeasure::Count) => Op::ShareCount(a),
                        (_, ShareMeasure::Jaccard) => Op::ShareJaccard(a, la),
                    }
                }
                SideData::Numbers(me) => {
                    if me[i].is_nan() {
                        Op::AllMissing
                    } else {
                        Op::Number(me[i])
                    }
                }
            };
            out.push(Q {
                op,
                points: c.points,
                missing: c.missing,
                saturate: c.saturate,
                scale: c.scale,
                prefer: c.prefer,
                required: c.required,
            });
        }
        true
    }

    /// Bounds of the consecutive nodes `r` into `out` (`-inf`: ruled out), as
    /// [`CandidateIndex::bound`] computes them (same operations, same order, same bits).
    fn bounds(&self, i: usize, q: &[Q], fast: bool, r: std::ops::Range<usize>, out: &mut Vec<f64>) {
        out.clear();
        if !fast || self.shape.soa.is_empty() {
            out.extend(r.map(|node| self.bound(i, node).unwrap_or(f64::NEG_INFINITY)));
            return;
        }
        out.resize(r.len(), 0.0);
        for (c, s) in q.iter().zip(&self.shape.soa) {
            let flags = &s.flags[r.clone()];
            let a = &s.a[r.clone()];
            let b = &s.b[r.clone()];
            match c.op {
                Op::AllMissing => {
                    let add = c.points * c.missing;
                    for o in out.iter_mut() {
                        *o += add;
                    }
                }
                Op::Single(me) => accumulate(out, flags, c, |x, _| match a[x] as u32 {
                    0 => None,
                    y if y == me => Some(0.0),
                    _ => Some(1.0),
                }),
                Op::Complement(me) => {
                    let cap = c.saturate as u32;
                    accumulate(out, flags, c, |x, known| {
                        known.then(|| f64::from(ones(a[x] & !me, cap)).min(c.saturate) / c.saturate)
                    })
                }
                Op::Cover(me, la) => accumulate(out, flags, c, |x, known| {
                    known.then(|| f64::from(ones(me & a[x], la)) / f64::from(la))
                }),
                Op::ShareCount(me) => {
                    let cap = c.saturate as u32;
                    accumulate(out, flags, c, |x, known| {
                        known.then(|| f64::from(ones(me & a[x], cap)).min(c.saturate) / c.saturate)
                    })
                }
                Op::ShareJaccard(me, la) => accumulate(out, flags, c, |x, known| {
                    known.then(|| {
                        let cu = ones(me & a[x], la);
                        if cu == 0 {
                            0.0
                        } else {
                            (f64::from(cu) / f64::from(la.max(b[x] as u32))).min(1.0)
                        }
                    })
                }),
                Op::Number(me) => accumulate(out, flags, c, |x, known| {
                    known.then(|| {
                        let (lo, hi) = (f64::from_bits(a[x]), f64::from_bits(b[x]));
                        let gap = |v: f64| (me - v) / c.scale;
                        let clamp = |v: f64| v.clamp(0.0, 1.0);
                        match c.prefer {
                            Prefer::MenteeHigher => clamp(gap(lo)),
                            Prefer::MentorHigher => clamp(-gap(hi)),
                            Prefer::Close => {
                                if lo <= me && me <= hi {
                                    1.0
                                } else if me < lo {
                                    1.0 - clamp(gap(lo).abs())
                                } else {
                                    1.0 - clamp(gap(hi).abs())
                                }
                            }
                            Prefer::Apart => clamp(gap(lo).abs()).max(clamp(gap(hi).abs())),
                        }
                    })
                }),
            }
        }
        if let Some(m) = self.min_score {
            for o in out.iter_mut() {
                if *o < m {
                    *o = f64::NEG_INFINITY;
                }
            }
        }
    }

    /// Upper bound on the score of every member of `node` with mentee `i`, or `None` when a
    /// required criterion or `min_score` rules out every member.
    fn bound(&self, i: usize, node: usize) -> Option<f64> {
        let mut score = 0.0;
        let rec = &self.shape.packed[node * self.stride..(node + 1) * self.stride];
        for (ci, c) in self.crits.iter().enumerate() {
            if c.kind == CriterionKind::Preference {
                // Not summarised per node: bounded by the best value a pair can get.
                score += c.points * c.missing.max(1.0);
                continue;
            }
            let missing = rec[(2 * ci) / 64] >> ((2 * ci) % 64) & 1 == 1;
            let known = rec[(2 * ci + 1) / 64] >> ((2 * ci + 1) % 64) & 1 == 1;
            let o = c.slot;
            // Upper bound of the value over members whose value is known (None: no such member).
            let mut all_missing = false;
            let ub: Option<f64> = match (&c.mentee, &c.nodes) {
                (SideData::Single(me), NodeData::Single) => {
                    let a = me[i];
                    if a == 0 {
                        all_missing = true;
                        None
                    } else {
                        match rec[o] as u32 {
                            0 => None,
                            x if x == a => Some(0.0),
                            _ => Some(1.0),
                        }
                    }
                }
                (SideData::Sets { bits, len, .. }, NodeData::Sets { words, .. }) => {
                    let w = *words;
                    let la = len[i];
                    let a = &bits[i * w..(i + 1) * w];
                    let u = &rec[o..o + w];
                    let min_len = rec[o + w] as u32;
                    match c.kind {
                        CriterionKind::Complement => known.then(|| {
                            let extra: u32 =
                                a.iter().zip(u).map(|(x, y)| (y & !x).count_ones()).sum();
                            f64::from(extra).min(c.saturate) / c.saturate
                        }),
                        _ if la == 0 => {
                            all_missing = true;
                            None
                        }
                        _ => known.then(|| {
                            let cu: u32 = a.iter().zip(u).map(|(x, y)| (x & y).count_ones()).sum();
                            match (c.kind, c.measure) {
                                (CriterionKind::Cover, _) => f64::from(cu) / f64::from(la),
                                (_, ShareMeasure::Count) => {
                                    f64::from(cu).min(c.saturate) / c.saturate
                                }
                                (_, ShareMeasure::Jaccard) => {
                                    if cu == 0 {
                                        0.0
                                    } else {
                                        (f64::from(cu) / f64::from(la.max(min_len))).min(1.0)
                                    }
                                }
                            }
                        }),
                    }
                }
                (SideData::Numbers(me), NodeData::Numbers) => {
                    let a = me[i];
                    if a.is_nan() {
                        all_missing = true;
                        None
                    } else {
                        known.then(|| {
                            let (lo, hi) = (f64::from_bits(rec[o]), f64::from_bits(rec[o + 1]));
                            let gap = |b: f64| (a - b) / c.scale;
                            let clamp = |x: f64| x.clamp(0.0, 1.0);
                            match c.prefer {
                                Prefer::MenteeHigher => clamp(gap(lo)),
                                Prefer::MentorHigher => clamp(-gap(hi)),
                                Prefer::Close => {
                                    if lo <= a && a <= hi {
                                        1.0
                                    } else if a < lo {
                                        1.0 - clamp(gap(lo).abs())
                                    } else {
                                        1.0 - clamp(gap(hi).abs())
                                    }
                                }
                                Prefer::Apart => clamp(gap(lo).abs()).max(clamp(gap(hi).abs())),
                            }
                        })
                    }
                }
                _ => Some(1.0),
            };
            let v = if all_missing {
                c.missing
            } else {
                if c.required && !missing && ub == Some(0.0) {
                    return None;
                }
                let mut v = ub.unwrap_or(f64::NEG_INFINITY);
                if missing {
                    v = v.max(c.missing);
                }
                if v == f64::NEG_INFINITY {
                    // An empty node: nothing to bound.
                    return None;
                }
                v
            };
            score += c.points * v;
        }
        if self.min_score.is_some_and(|m| score < m) {
            return None;
        }
        Some(score)
    }

    /// The `k` best allowed mentors of mentee `i` (score descending; ties in a per-mentee
    /// pseudo-random order) and the bound on every allowed pair left out (`-inf` when none was
    /// left out).
    pub fn query(
        &self,
        problem: &Problem,
        i: usize,
        k: usize,
        scratch: &mut Scratch,
        stats: &mut SearchStats,
    ) -> (Vec<(u32, f64)>, f64) {
        self.search(problem, i, k, None, &[], None, TIE_BUDGET, scratch, stats)
    }

    /// Mentor prices `v` summarised per node, for [`CandidateIndex::query_priced`].
    pub fn prices(&self, v: &[f64]) -> Prices {
        let node_min = self
            .shape
            .span
            .par_iter()
            .map(|&(a, b)| {
                self.shape.order[a as usize..b as usize]
                    .iter()
                    .map(|&j| v[j as usize])
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        Prices {
            v: v.to_vec(),
            node_min,
        }
    }

    /// The `k` allowed mentors of mentee `i` with the largest *reduced* score `s_ij - v_j`
    /// (pricing, as in column generation) among those not in `exclude` (sorted), with their
    /// plain scores, and the largest reduced score of any allowed pair left out (`-inf` when
    /// none). The first entry's reduced score is the exact `max_j (s_ij - v_j)` over every
    /// allowed mentor with places outside `exclude`.
    #[allow(clippy::too_many_arguments)]
    pub fn query_priced(
        &self,
        problem: &Problem,
        i: usize,
        k: usize,
        prices: &Prices,
        exclude: &[u32],
        scratch: &mut Scratch,
        stats: &mut SearchStats,
    ) -> (Vec<(u32, f64)>, f64) {
        self.search(
            problem,
            i,
            k,
            Some(prices),
            exclude,
            None,
            0,
            scratch,
            stats,
        )
    }

    /// Pricing with a floor: the `k` allowed mentors of mentee `i` with the largest reduced
    /// score `s_ij - v_j` *strictly above* `floor` (with their plain scores), best first; empty
    /// when no allowed mentor with places beats `floor`; and a bound on the reduced score of
    /// every allowed pair left out (at least `floor`, or `-inf` when none was left out).
    /// Mentors priced `+inf` are never returned, and subtrees holding only such mentors are
    /// skipped (so the search can be restricted to a few mentors cheaply).
    ///
    /// With `floor` = the best reduced score within the mentee's current row, the first entry
    /// (if any) is the exact `max_j (s_ij - v_j)` over every allowed mentor, and an empty answer
    /// proves that no allowed pair beats the row: then the mentee's LP dual is the row's best.
    /// A node whose score bound minus its lowest price is `<= floor` is skipped whole, so a
    /// mentee whose row already holds its best reduced pair costs a few bound evaluations, not
    /// a scan. The floor also keeps row members out without an exclusion list (their reduced
    /// scores are `<= floor`). Soundness is the module's bound lemma plus monotone rounding:
    /// `bound >= s` and `node_min <= v_j` give `fl(bound - node_min) >= fl(s - v_j)`, and the
    /// pair's reduced score is computed exactly as the caller computes the row's.
    #[allow(clippy::too_many_arguments)]
    pub fn query_priced_above(
        &self,
        problem: &Problem,
        i: usize,
        k: usize,
        prices: &Prices,
        floor: f64,
        scratch: &mut Scratch,
        stats: &mut SearchStats,
    ) -> (Vec<(u32, f64)>, f64) {
        self.search(
            problem,
            i,
            k,
            Some(prices),
            &[],
            Some(floor),
            0,
            scratch,
            stats,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn search(
        &self,
        problem: &Problem,
        i: usize,
        k: usize,
        prices: Option<&Prices>,
        exclude: &[u32],
        floor: Option<f64>,
        ties: u64,
        scratch: &mut Scratch,
        stats: &mut SearchStats,
    ) -> (Vec<(u32, f64)>, f64) {
        let heap = &mut scratch.heap;
        heap.clear();
        // (mentor, score, key); key = score - price.
        let mut list: Vec<(u32, f64, f64)> = Vec::with_capacity(k.min(1024) + 1);
        if k == 0 {
            return (Vec::new(), f64::NEG_INFINITY);
        }
        let fast = self.compile_query(i, &mut scratch.query);
        let query = &scratch.query;
        let buf = &mut scratch.buf;
        // Bounds of the consecutive nodes `r` (minus the smallest price in each), `-inf` for
        // nodes ruled out.
        let evals = std::cell::Cell::new(0u64);
        let node_bounds = |r: std::ops::Range<usize>, buf: &mut Vec<f64>| {
            evals.set(evals.get() + r.len() as u64);
            self.bounds(i, query, fast, r.clone(), buf);
            if let Some(p) = prices {
                for (o, node) in buf.iter_mut().zip(r) {
                    *o -= p.node_min[node];
                }
            }
        };
        // Among equal bounds, a per-mentee pseudo-random order.
        // Deeper nodes first (a search reaches mentors quickly instead of widening the frontier
        // over every node of equal bound), then a per-mentee pseudo-random order, so that
        // similar mentees fill their lists from different subtrees of equally good mentors.
        let depth = &self.shape.depth;
        let prio = |node: usize| u32::from(depth[node]) << 24 | tie(i, node) >> 8;
        node_bounds(0..self.shape.roots.len(), buf);
        for (r, &b) in buf.iter().enumerate() {
            if b > f64::NEG_INFINITY {
                heap.push((ord_bits(b), prio(r), r as u32));
            }
        }
        // Whether any allowed pair may have been left out.
        let mut cut = false;
        let mut pairs = 0u64;
        // Once the list is full, nodes whose bound equals the k-th score are still explored
        // (so that equal scores are drawn pseudo-randomly per mentee from all over, which spreads
        // demand over mentors), until `ties` more bounds were evaluated.
        let mut tie_budget = u64::MAX;
        // Keys at or below the floor are never wanted (`-inf` without a floor).
        let floor = floor.unwrap_or(f64::NEG_INFINITY);
        while let Some((bits, _, node)) = heap.pop() {
            let b = from_ord_bits(bits);
            if b <= floor {
                cut = true;
                break;
            }
            if list.len() == k
                && (b < list[k - 1].2 || (b == list[k - 1].2 && evals.get() > tie_budget))
            {
                cut = true;
                break;
            }
            let node = node as usize;
            let (c0, c1) = self.shape.children[node];
            if c1 > c0 {
                node_bounds(c0 as usize..c1 as usize, buf);
                for (x, &b) in buf.iter().enumerate() {
                    if b == f64::NEG_INFINITY {
                        continue;
                    }
                    if b <= floor {
                        cut = true;
                        continue;
                    }
                    if list.len() == k
                        && (b < list[k - 1].2 || (b == list[k - 1].2 && evals.get() > tie_budget))
                    {
                        // Never popped before the search stops.
                        cut = true;
                    } else {
                        let child = c0 as usize + x;
                        heap.push((ord_bits(b), prio(child), child as u32));
                    }
                }
                continue;
            }
            let range = self.shape.span[node].0 as usize..self.shape.span[node].1 as usize;
            // The mentors' own records: a bound on each score (exact for most criteria), read
            // in memory order; the exact score only for those that may enter the list.
            node_bounds(
                self.shape.mentor_base + range.start..self.shape.mentor_base + range.end,
                buf,
            );
            for (pos, &b) in range.zip(buf.iter()) {
                let j = self.shape.order[pos];
                if b == f64::NEG_INFINITY
                    || (!exclude.is_empty() && exclude.binary_search(&j).is_ok())
                {
                    continue;
                }
                if b <= floor {
                    cut = true;
                    continue;
                }
                if list.len() == k
                    && (b < list[k - 1].2 || (b == list[k - 1].2 && evals.get() > tie_budget))
                {
                    cut = true;
                    continue;
                }
                pairs += 1;
                let (s, ok) = problem.pair(i, j as usize);
                if !ok {
                    continue;
                }
                let key = match prices {
                    Some(p) => s - p.v[j as usize],
                    None => s,
                };
                if key <= floor {
                    cut = true;
                    continue;
                }
                let t = tie(i, j as usize);
                if list.len() == k
                    && (key < list[k - 1].2
                        || (key == list[k - 1].2 && t >= tie(i, list[k - 1].0 as usize)))
                {
                    cut = true;
                    continue;
                }
                let pos =
                    list.partition_point(|x| x.2 > key || (x.2 == key && tie(i, x.0 as usize) < t));
                list.insert(pos, (j, s, key));
                if list.len() > k {
                    list.truncate(k);
                    cut = true;
                }
                if list.len() == k && tie_budget == u64::MAX {
                    tie_budget = evals.get() + ties;
                }
            }
        }
        stats.pairs_scored += pairs;
        stats.bounds += evals.get();
        // Left out: pairs below the k-th key, or (with a floor) at most the floor.
        let outside = if cut {
            if list.len() == k {
                list[k - 1].2
            } else {
                floor
            }
        } else {
            f64::NEG_INFINITY
        };
        // Equal scores in a per-mentee pseudo-random order: the search found them subtree by
        // subtree, and similar mentees would otherwise all try the same similar mentors first.
        list.sort_by(|a, b| {
            b.2.total_cmp(&a.2)
                .then(tie(i, a.0 as usize).cmp(&tie(i, b.0 as usize)))
        });
        (list.into_iter().map(|(j, s, _)| (j, s)).collect(), outside)
    }
}

/// Mentor prices with their minimum per block and group.
#[derive(Debug, Clone)]
pub struct Prices {
    v: Vec<f64>,
    node_min: Vec<f64>,
}

/// Order-preserving map of finite floats to integers (for the max-heap).
#[inline]
fn ord_bits(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 0 {
        b | (1 << 63)
    } else {
        !b
    }
}

#[inline]
fn from_ord_bits(b: u64) -> f64 {
    if b >> 63 == 1 {
        f64::from_bits(b & !(1 << 63))
    } else {
        f64::from_bits(!b)
    }
}

/// One mentee's candidates `(mentor, score)` and its left-out bound.
pub type Row = (Vec<(u32, f64)>, f64);

/// Candidate mentors per mentee, as compressed rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidates {
    /// Row `i` is `mentor[offsets[i]..offsets[i + 1]]`.
    pub offsets: Vec<usize>,
    /// Mentor indices.
    pub mentor: Vec<u32>,
    /// Scores, as [`Problem::pair`] gives them.
    pub score: Vec<f64>,
    /// Per mentee: every allowed pair of the mentee that is not in its row scores at most this
    /// (`-inf` when the row lists every allowed mentor with places).
    pub outside: Vec<f64>,
    /// Work done.
    pub stats: SearchStats,
}

impl Candidates {
    /// Number of mentees.
    pub fn n(&self) -> usize {
        self.offsets.len() - 1
    }
    /// Number of candidate pairs.
    pub fn len(&self) -> usize {
        self.mentor.len()
    }
    /// True when there are no candidate pairs.
    pub fn is_empty(&self) -> bool {
        self.mentor.is_empty()
    }
    /// Mentee `i`'s candidate mentors and scores.
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let r = self.offsets[i]..self.offsets[i + 1];
        (&self.mentor[r.clone()], &self.score[r])
    }

    fn from_rows(rows: Vec<Row>, stats: SearchStats) -> Candidates {
        let total: usize = rows.iter().map(|r| r.0.len()).sum();
        let mut c = Candidates {
            offsets: Vec::with_capacity(rows.len() + 1),
            mentor: Vec::with_capacity(total),
            score: Vec::with_capacity(total),
            outside: Vec::with_capacity(rows.len()),
            stats,
        };
        c.offsets.push(0);
        for (row, out) in rows {
            c.push_row(&row, out);
        }
        c
    }

    fn push_row(&mut self, row: &[(u32, f64)], outside: f64) {
        for &(j, s) in row {
            self.mentor.push(j);
            self.score.push(s);
        }
        self.offsets.push(self.mentor.len());
        self.outside.push(outside);
    }

    /// Replaces the rows of some mentees (e.g. with complete lists).
    pub fn replace_rows(&mut self, new: &HashMap<usize, Row>) {
        let old = std::mem::replace(
            self,
            Candidates {
                offsets: vec![0],
                mentor: Vec::new(),
                score: Vec::new(),
                outside: Vec::new(),
                stats: self.stats,
            },
        );
        for i in 0..old.n() {
            match new.get(&i) {
                Some((row, out)) => self.push_row(row, *out),
                None => {
                    let (m, s) = old.row(i);
                    let row: Vec<(u32, f64)> = m.iter().copied().zip(s.iter().copied()).collect();
                    self.push_row(&row, old.outside[i]);
                }
            }
        }
    }
}

/// Generates candidates for every mentee: a pinned mentee gets only its pin; the others their
/// `k` best allowed mentors among those with `remaining` places, in parallel. The result does
/// not depend on the number of threads.
pub fn generate(
    problem: &Problem,
    index: &CandidateIndex,
    k: usize,
    progress: &dyn Progress,
) -> Candidates {
    let n = problem.n_mentees();
    let mut pinned: Vec<Option<usize>> = vec![None; n];
    for &(i, j) in problem.pins() {
        pinned[i] = Some(j);
    }
    progress.stage("candidate pairs", n as u64);
    const CHUNK: usize = 8192;
    let mut rows = Vec::with_capacity(n);
    let mut stats = SearchStats::default();
    for start in (0..n).step_by(CHUNK) {
        let end = (start + CHUNK).min(n);
        let part: Vec<(Row, SearchStats)> = (start..end)
            .into_par_iter()
            .map_init(Scratch::default, |scratch, i| {
                let mut st = SearchStats::default();
                let row = match pinned[i] {
                    Some(j) => (vec![(j as u32, problem.pair(i, j).0)], f64::NEG_INFINITY),
                    None => index.query(problem, i, k, scratch, &mut st),
                };
                (row, st)
            })
            .collect();
        for (row, st) in part {
            stats.pairs_scored += st.pairs_scored;
            stats.bounds += st.bounds;
            rows.push(row);
        }
        progress.inc((end - start) as u64);
    }
    Candidates::from_rows(rows, stats)
}
