//! The trie over the mentors (see the parent module) and its node summaries.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::layout::{self, Crit, NodeData};
use super::search::ord_bits;
use crate::criteria::CriterionKind;
use crate::score::{Compiled, Values};

/// A node value of a `differ` criterion when its members hold several values.
pub(super) const MIXED: u32 = u32::MAX;
// A mentee value no mentor holds must never read as "several values" (or as any node value):
// the bound would take it for a value every member shares.
const _: () = assert!(MIXED != crate::score::NO_MENTOR_VALUE);
/// Mentors per block.
const BLOCK: usize = 4;
/// Children per intermediate node of the block tree (inside a run of equal values).
const FANOUT: usize = 4;
/// Nodes of at most this many mentors are cut into blocks rather than split by value.
const SMALL: usize = 16;
/// Most children a node of the value trie may have before intermediate nodes are added.
const MAX_FANOUT: usize = 16;
/// Extra bound evaluations per mentee spent drawing equal scores from more of the tree, once the

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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Shape {
    pub(super) order: Vec<u32>,
    /// Per node: its members, a range of `order`.
    pub(super) span: Vec<(u32, u32)>,
    /// Per node: its children, a range of node ids (empty for a block).
    pub(super) children: Vec<(u32, u32)>,
    /// Per tree node: its depth (roots 0).
    pub(super) depth: Vec<u8>,
    /// Node id of the pseudo-node of the first mentor in `order` (one per mentor).
    pub(super) mentor_base: usize,
    /// Top-level nodes.
    pub(super) roots: Vec<u32>,
    /// Per node: its summaries of every criterion, `stride` words; empty when `soa` is used.
    pub(super) packed: Vec<u64>,
    /// The same summaries per criterion, when every set fits in one word (the fast path).
    pub(super) soa: Vec<Soa>,
}

impl Shape {
    /// Builds the tree over `mentors`, split first by `class[j]` (when given), then by their
    /// values criterion by criterion.
    pub(super) fn build(
        compiled: &[Compiled],
        crits: &[Crit],
        stride: usize,
        mentors: &[u32],
        class: Option<&[u64]>,
    ) -> Shape {
        // Sort mentors by their values, criterion by criterion in the order below (sets as bit
        // words, numbers by value), then by index; the tree over them is a trie (see below).
        let mut by_weight: Vec<usize> = (0..compiled.len()).collect();
        // Heaviest first; among equal weights, set and numeric criteria before single values:
        // a `differ` criterion rules out one value per mentee and so prunes little, while a
        // set criterion (interests, competences) separates good mentors from poor ones.
        let differ = |c: usize| matches!(compiled[c].kind, CriterionKind::Differ);
        by_weight.sort_by(|&a, &b| {
            compiled[b]
                .points
                .total_cmp(&compiled[a].points)
                .then(differ(a).cmp(&differ(b)))
                .then(a.cmp(&b))
        });
        let part = |c: usize, j: usize| -> Vec<u64> {
            match compiled[c].mentor_values() {
                Values::Single(v) => vec![u64::from(v[j])],
                Values::Sets { words, bits, .. } => bits[j * words..(j + 1) * words].to_vec(),
                // Ranked preferences are per pair: the tree does not split by them.
                Values::Ranked => Vec::new(),
                Values::Numbers(v) => vec![if v[j].is_nan() {
                    u64::MAX
                } else {
                    ord_bits(v[j])
                }],
            }
        };
        // Offsets of each criterion's part in the sort key (criteria in weight order).
        let mut offs = vec![0usize];
        for &c in &by_weight {
            let w = match compiled[c].mentor_values() {
                Values::Sets { words, .. } => words,
                Values::Ranked => 0,
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
                for (c, (comp, crit)) in compiled.iter().zip(crits).enumerate() {
                    let (mut missing, mut known) = (false, false);
                    let o = crit.slot;
                    match comp.mentor_values() {
                        Values::Ranked => {}
                        Values::Single(v) => {
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
                        Values::Sets { words, bits, len } => {
                            let w = words;
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
                        Values::Numbers(v) => {
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
        let fits = layout::fast_path(compiled, crits);
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

/// One criterion's node summaries (fast path): value / set union / number minimum in `a`,
/// smallest set size / number maximum in `b`, and flags (1: some value unknown, 2: some known).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Soa {
    pub(super) a: Vec<u64>,
    pub(super) b: Vec<u64>,
    pub(super) flags: Vec<u8>,
}
