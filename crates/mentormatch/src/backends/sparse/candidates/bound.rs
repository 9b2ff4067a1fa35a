//! The upper bound of a node's scores for one mentee (see the parent module's lemma).

use super::layout::NodeData;
use super::CandidateIndex;
use crate::criteria::{CriterionKind, Prefer, ShareMeasure};
use crate::score::Values;

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

/// The largest value a numeric criterion can take for a mentee's number `me` and a mentor
/// whose number lies in `lo..=hi`: the value is monotone in the mentor's number for
/// `mentee_higher` / `mentor_higher`, peaks at `me` for `close` and is smallest there for
/// `apart`, so the ends of the range (or `me` itself) give the extreme, computed with the
/// scorer's operations.
#[inline(always)]
fn number_bound(me: f64, lo: f64, hi: f64, scale: f64, prefer: Prefer) -> f64 {
    let gap = |v: f64| (me - v) / scale;
    let clamp = |v: f64| v.clamp(0.0, 1.0);
    match prefer {
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
}

/// What the bound needs of one criterion for the current mentee (sets of one word only).
#[derive(Debug, Clone, Copy)]
pub(super) enum Op {
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
pub(super) struct Q {
    op: Op,
    points: f64,
    missing: f64,
    saturate: f64,
    scale: f64,
    prefer: Prefer,
    required: bool,
}

impl CandidateIndex {
    /// Compiles mentee `i`'s side of [`CandidateIndex::bound`] into `out`; false when a set
    /// criterion needs more than one word (then the general bound is used).
    pub(super) fn compile_query(&self, i: usize, out: &mut Vec<Q>) -> bool {
        out.clear();
        if self
            .compiled
            .iter()
            .any(|c| c.kind == CriterionKind::Preference)
        {
            // Ranked preferences are not summarised in the tree: the general bound counts them
            // at their best value.
            return false;
        }
        for c in self.compiled.iter() {
            let op = match c.mentee_values() {
                Values::Ranked => return false,
                Values::Single(me) => {
                    if me[i] == 0 {
                        Op::AllMissing
                    } else {
                        Op::Single(me[i])
                    }
                }
                Values::Sets { words, bits, len } => {
                    if words != 1 {
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
                Values::Numbers(me) => {
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
    pub(super) fn bounds(
        &self,
        i: usize,
        q: &[Q],
        fast: bool,
        r: std::ops::Range<usize>,
        out: &mut Vec<f64>,
    ) {
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
                        number_bound(me, lo, hi, c.scale, c.prefer)
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
        for (ci, (c, crit)) in self.compiled.iter().zip(self.crits.iter()).enumerate() {
            if c.kind == CriterionKind::Preference {
                // Not summarised per node: bounded by the best value a pair can get.
                score += c.points * c.missing.max(1.0);
                continue;
            }
            let missing = rec[(2 * ci) / 64] >> ((2 * ci) % 64) & 1 == 1;
            let known = rec[(2 * ci + 1) / 64] >> ((2 * ci + 1) % 64) & 1 == 1;
            let o = crit.slot;
            // Upper bound of the value over members whose value is known (None: no such member).
            let mut all_missing = false;
            let ub: Option<f64> = match (c.mentee_values(), &crit.nodes) {
                (Values::Single(me), NodeData::Single) => {
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
                (Values::Sets { bits, len, .. }, NodeData::Sets { words, .. }) => {
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
                (Values::Numbers(me), NodeData::Numbers) => {
                    let a = me[i];
                    if a.is_nan() {
                        all_missing = true;
                        None
                    } else {
                        known.then(|| {
                            let (lo, hi) = (f64::from_bits(rec[o]), f64::from_bits(rec[o + 1]));
                            number_bound(a, lo, hi, c.scale, c.prefer)
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
}
