//! Fast scoring: criteria compiled to interned ids, bitsets and plain numbers, so that a
//! 2,000 x 4,000 score matrix takes a fraction of a second.
//!
//! A pair's score is `100 * Σ w_c · v_c / Σ w_c` where `v_c` in 0..1 is criterion `c`'s value,
//! or the criterion's `missing` value when it cannot be evaluated. Each pair is computed on its
//! own, in a fixed order, so the result does not depend on how rows are spread over threads.

use std::sync::Arc;

use crate::criteria::{Criterion, CriterionKind, Prefer, ShareMeasure};
use crate::error::{Error, Location, Result};
use crate::model::{Mentee, Mentor, Participant};
use crate::preferences::{rank_value, PreferenceConfig, PreferenceSide, Preferences};
use crate::values::{key, parse_number, Interner};

/// Marks a criterion value that could not be evaluated (a needed value is unknown).
pub(crate) const MISSING: f64 = f64::NAN;

#[derive(Debug, Clone)]
enum Data {
    /// Interned single values, 0 = missing.
    Single { mentee: Vec<u32>, mentor: Vec<u32> },
    /// Bitsets of `words` u64 per participant, with their popcounts (0 = missing).
    Sets {
        words: usize,
        mentee: Vec<u64>,
        mentor: Vec<u64>,
        mentee_len: Vec<u32>,
        mentor_len: Vec<u32>,
    },
    /// Numbers, NaN = missing.
    Numbers { mentee: Vec<f64>, mentor: Vec<f64> },
    /// Ranked preferences (see [`crate::preferences`]).
    Preference {
        prefs: Arc<Preferences>,
        side: PreferenceSide,
        last: f64,
        unlisted: f64,
    },
}

/// One criterion compiled against the cohort. The candidate index of the sparse backends bounds
/// scores from the same data ([`Compiled::mentee_values`], [`Compiled::mentor_values`]), so a
/// bound and the score it bounds can never read different values.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub(crate) kind: CriterionKind,
    data: Data,
    /// Normalised weight times 100.
    pub(crate) points: f64,
    pub(crate) missing: f64,
    pub(crate) required: bool,
    pub(crate) saturate: f64,
    pub(crate) measure: ShareMeasure,
    pub(crate) prefer: Prefer,
    pub(crate) scale: f64,
}

/// One side's compiled values of one criterion, as the scorer reads them.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Values<'a> {
    /// Interned single values, 0 = missing.
    Single(&'a [u32]),
    /// Bitsets of `words` u64 per participant, and their sizes (0 = missing).
    Sets {
        words: usize,
        bits: &'a [u64],
        len: &'a [u32],
    },
    /// Numbers, NaN = missing.
    Numbers(&'a [f64]),
    /// Ranked preferences: a value per pair, not per participant.
    Ranked,
}

impl Compiled {
    /// The mentees' values.
    pub(crate) fn mentee_values(&self) -> Values<'_> {
        match &self.data {
            Data::Single { mentee, .. } => Values::Single(mentee),
            Data::Sets {
                words,
                mentee,
                mentee_len,
                ..
            } => Values::Sets {
                words: *words,
                bits: mentee,
                len: mentee_len,
            },
            Data::Numbers { mentee, .. } => Values::Numbers(mentee),
            Data::Preference { .. } => Values::Ranked,
        }
    }

    /// The mentors' values.
    pub(crate) fn mentor_values(&self) -> Values<'_> {
        match &self.data {
            Data::Single { mentor, .. } => Values::Single(mentor),
            Data::Sets {
                words,
                mentor,
                mentor_len,
                ..
            } => Values::Sets {
                words: *words,
                bits: mentor,
                len: mentor_len,
            },
            Data::Numbers { mentor, .. } => Values::Numbers(mentor),
            Data::Preference { .. } => Values::Ranked,
        }
    }
}

/// Criteria compiled against one cohort.
#[derive(Debug, Clone)]
pub struct Scorer {
    compiled: Arc<[Compiled]>,
    n_mentees: usize,
    n_mentors: usize,
}

impl Scorer {
    /// Compiles `criteria` for the cohort; fails when a numeric criterion meets a non-number.
    /// A preference criterion reads the default `preferences` column.
    pub fn new(criteria: &[Criterion], mentees: &[Mentee], mentors: &[Mentor]) -> Result<Scorer> {
        let prefs = if criteria.iter().any(|c| c.kind == CriterionKind::Preference) {
            Preferences::parse(
                mentors,
                mentees,
                &PreferenceConfig::default(),
                ("mentors", "mentees"),
            )?
            .map(Arc::new)
        } else {
            None
        };
        Scorer::with_preferences(criteria, mentees, mentors, prefs)
    }

    /// [`Scorer::new`] with lists already parsed (`None`: nobody gave one, so a preference
    /// criterion is unknown for every pair).
    pub fn with_preferences(
        criteria: &[Criterion],
        mentees: &[Mentee],
        mentors: &[Mentor],
        prefs: Option<Arc<Preferences>>,
    ) -> Result<Scorer> {
        let total: f64 = criteria.iter().map(|c| c.weight).sum();
        let compiled = criteria
            .iter()
            .map(|c| {
                let data = if c.kind == CriterionKind::Preference {
                    let prefs = prefs.clone().unwrap_or_else(|| {
                        Arc::new(Preferences::none(mentors.len(), mentees.len()))
                    });
                    Data::Preference {
                        prefs,
                        side: c.side.unwrap_or_default(),
                        last: c.last_value_or_default(),
                        unlisted: c.unlisted_value_or_default(),
                    }
                } else {
                    compile_data(c, mentees, mentors)?
                };
                Ok(Compiled {
                    kind: c.kind,
                    data,
                    points: if total > 0.0 {
                        100.0 * c.weight / total
                    } else {
                        0.0
                    },
                    missing: c.missing_or_default(),
                    required: c.required,
                    saturate: f64::from(c.saturate_or_default()),
                    measure: c.measure.unwrap_or_default(),
                    prefer: c.prefer.unwrap_or_default(),
                    scale: c.scale_or_default(),
                })
            })
            .collect::<Result<Arc<[Compiled]>>>()?;
        Ok(Scorer {
            compiled,
            n_mentees: mentees.len(),
            n_mentors: mentors.len(),
        })
    }

    /// The compiled criteria, shared (not copied) with the candidate index.
    pub(crate) fn compiled(&self) -> &Arc<[Compiled]> {
        &self.compiled
    }

    /// Number of mentees (rows).
    pub fn n_mentees(&self) -> usize {
        self.n_mentees
    }

    /// Number of mentors (columns).
    pub fn n_mentors(&self) -> usize {
        self.n_mentors
    }

    /// Criterion `c`'s value for mentee `i` and mentor `j`: 0..1, or NaN when it cannot be evaluated.
    pub fn value(&self, c: usize, i: usize, j: usize) -> f64 {
        let k = &self.compiled[c];
        match &k.data {
            Data::Single { mentee, mentor } => {
                let (a, b) = (mentee[i], mentor[j]);
                if a == 0 || b == 0 {
                    MISSING
                } else {
                    f64::from(u8::from(a != b))
                }
            }
            Data::Sets {
                words,
                mentee,
                mentor,
                mentee_len,
                mentor_len,
            } => {
                let (la, lb) = (mentee_len[i], mentor_len[j]);
                let a = &mentee[i * words..(i + 1) * words];
                let b = &mentor[j * words..(j + 1) * words];
                let common: u32 = a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum();
                set_value(k, la, lb, common)
            }
            Data::Numbers { mentee, mentor } => numeric_value(k, mentee[i], mentor[j]),
            Data::Preference {
                prefs,
                side,
                last,
                unlisted,
            } => {
                let e = || rank_value(prefs.mentee_rank(i, j), *last, *unlisted);
                let m = || rank_value(prefs.mentor_rank(j, i), *last, *unlisted);
                match side {
                    PreferenceSide::Mentee => e(),
                    PreferenceSide::Mentor => m(),
                    PreferenceSide::Both => both_value(e(), m()),
                }
            }
        }
    }

    /// Points (share of 100) criterion `c` contributes at value `v` (NaN counts as its missing value).
    pub fn points(&self, c: usize, v: f64) -> f64 {
        let k = &self.compiled[c];
        k.points * if v.is_nan() { k.missing } else { v }
    }

    /// Score of one pair and whether the criteria allow it (required criteria not at 0).
    pub fn pair(&self, i: usize, j: usize) -> (f64, bool) {
        let mut score = 0.0;
        let mut allowed = true;
        for (c, k) in self.compiled.iter().enumerate() {
            let v = self.value(c, i, j);
            if k.required && v == 0.0 {
                allowed = false;
            }
            score += k.points * if v.is_nan() { k.missing } else { v };
        }
        (score, allowed)
    }

    /// Scores mentee `i` against every mentor: `scores[j]`, and `allowed[j]` from required criteria.
    ///
    /// Loops criterion by criterion over contiguous mentor arrays; the per-pair sum is in the same
    /// order as [`Scorer::pair`], so both give bit-identical scores.
    pub fn score_row(&self, i: usize, scores: &mut [f64], allowed: &mut [bool]) {
        scores.fill(0.0);
        allowed.fill(true);
        for k in self.compiled.iter() {
            let miss = k.missing;
            let pts = k.points;
            match &k.data {
                Data::Single { mentee, mentor } => {
                    let a = mentee[i];
                    for ((s, ok), &b) in scores.iter_mut().zip(allowed.iter_mut()).zip(mentor) {
                        let v = if a == 0 || b == 0 {
                            miss
                        } else {
                            f64::from(u8::from(a != b))
                        };
                        if k.required && a != 0 && a == b {
                            *ok = false;
                        }
                        *s += pts * v;
                    }
                }
                Data::Sets {
                    words,
                    mentee,
                    mentor,
                    mentee_len,
                    mentor_len,
                } => {
                    let w = *words;
                    let la = mentee_len[i];
                    let a = &mentee[i * w..(i + 1) * w];
                    if w == 1 {
                        if let Some(table) = SetTable::new(k, la, mentor_len) {
                            // The same products as below, looked up instead of recomputed.
                            let rows = scores.iter_mut().zip(allowed.iter_mut());
                            for (((s, ok), &b), &lb) in rows.zip(mentor).zip(mentor_len) {
                                let (points, keep) = table.get(lb, (a[0] & b).count_ones());
                                *s += points;
                                *ok &= keep;
                            }
                            continue;
                        }
                    }
                    for (j, (s, ok)) in scores.iter_mut().zip(allowed.iter_mut()).enumerate() {
                        let common: u32 = if w == 1 {
                            (a[0] & mentor[j]).count_ones()
                        } else {
                            a.iter()
                                .zip(&mentor[j * w..(j + 1) * w])
                                .map(|(x, y)| (x & y).count_ones())
                                .sum()
                        };
                        let v = set_value(k, la, mentor_len[j], common);
                        if k.required && v == 0.0 {
                            *ok = false;
                        }
                        *s += pts * if v.is_nan() { miss } else { v };
                    }
                }
                Data::Numbers { mentee, mentor } => {
                    let a = mentee[i];
                    for ((s, ok), &b) in scores.iter_mut().zip(allowed.iter_mut()).zip(mentor) {
                        let v = numeric_value(k, a, b);
                        if k.required && v == 0.0 {
                            *ok = false;
                        }
                        *s += pts * if v.is_nan() { miss } else { v };
                    }
                }
                Data::Preference {
                    prefs,
                    side,
                    last,
                    unlisted,
                } => {
                    // One merge over the row: the mentee's own list and the mentors who listed
                    // the mentee, both sorted by mentor; the same values as `value`.
                    let has_e = prefs.mentee.has_list(i);
                    let tiers_e = prefs.mentee.tiers(i);
                    let mut own = prefs.mentee.sorted(i).iter().peekable();
                    let mut by = prefs.listed_by(i).iter().peekable();
                    for (j, (s, ok)) in scores.iter_mut().zip(allowed.iter_mut()).enumerate() {
                        let e = if !has_e {
                            f64::NAN
                        } else if let Some(&(_, tier)) = own.next_if(|&&(o, _)| o as usize == j) {
                            rank_value(
                                crate::preferences::Rank::Listed {
                                    tier,
                                    tiers: tiers_e,
                                },
                                *last,
                                *unlisted,
                            )
                        } else {
                            *unlisted
                        };
                        let listed_by = by.next_if(|&&(o, _)| o as usize == j);
                        let m = if !prefs.mentor.has_list(j) {
                            f64::NAN
                        } else if let Some(&(_, tier)) = listed_by {
                            rank_value(
                                crate::preferences::Rank::Listed {
                                    tier,
                                    tiers: prefs.mentor.tiers(j),
                                },
                                *last,
                                *unlisted,
                            )
                        } else {
                            *unlisted
                        };
                        let v = match side {
                            PreferenceSide::Mentee => e,
                            PreferenceSide::Mentor => m,
                            PreferenceSide::Both => both_value(e, m),
                        };
                        if k.required && v == 0.0 {
                            *ok = false;
                        }
                        *s += pts * if v.is_nan() { miss } else { v };
                    }
                }
            }
        }
    }
}

/// For one mentee and one set criterion: the points and the allowed flag for every
/// (mentor set size, common elements), since nothing else enters a set criterion's value.
/// Scoring a row then costs a popcount and a lookup per mentor instead of the kind's formula.
struct SetTable {
    /// `(points, allowed)` at `lb * stride + common`.
    cells: Vec<(f64, bool)>,
    stride: usize,
}

impl SetTable {
    /// Tables larger than this are not worth building for one row.
    const MAX_CELLS: usize = 4096;

    fn new(k: &Compiled, la: u32, mentor_len: &[u32]) -> Option<SetTable> {
        let max_lb = mentor_len.iter().copied().max().unwrap_or(0);
        let stride = la.min(max_lb) as usize + 1;
        let n = (max_lb as usize + 1) * stride;
        if n > Self::MAX_CELLS || n > mentor_len.len() {
            return None;
        }
        let mut cells = Vec::with_capacity(n);
        for lb in 0..=max_lb {
            for common in 0..stride as u32 {
                // Unreachable cells (more in common than either set holds) stay neutral.
                if common > lb {
                    cells.push((0.0, true));
                    continue;
                }
                let v = set_value(k, la, lb, common);
                let points = k.points * if v.is_nan() { k.missing } else { v };
                cells.push((points, !(k.required && v == 0.0)));
            }
        }
        Some(SetTable { cells, stride })
    }

    #[inline]
    fn get(&self, lb: u32, common: u32) -> (f64, bool) {
        self.cells
            .get(lb as usize * self.stride + common as usize)
            .copied()
            .unwrap_or((0.0, true))
    }
}

#[inline]
fn set_value(k: &Compiled, la: u32, lb: u32, common: u32) -> f64 {
    match k.kind {
        CriterionKind::Share => {
            if la == 0 || lb == 0 {
                MISSING
            } else {
                match k.measure {
                    ShareMeasure::Count => f64::from(common).min(k.saturate) / k.saturate,
                    ShareMeasure::Jaccard => f64::from(common) / f64::from(la + lb - common),
                }
            }
        }
        CriterionKind::Complement => {
            if lb == 0 {
                MISSING
            } else {
                f64::from(lb - common).min(k.saturate) / k.saturate
            }
        }
        CriterionKind::Cover => {
            if la == 0 || lb == 0 {
                MISSING
            } else {
                f64::from(common) / f64::from(la)
            }
        }
        _ => MISSING,
    }
}

/// `side = "both"`: the mean of the two sides' values, or the one known.
#[inline]
fn both_value(e: f64, m: f64) -> f64 {
    match (e.is_nan(), m.is_nan()) {
        (true, _) => m,
        (_, true) => e,
        _ => (e + m) / 2.0,
    }
}

#[inline]
fn numeric_value(k: &Compiled, a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return MISSING;
    }
    let gap = (a - b) / k.scale;
    let clamp = |x: f64| x.clamp(0.0, 1.0);
    match k.prefer {
        Prefer::MenteeHigher => clamp(gap),
        Prefer::MentorHigher => clamp(-gap),
        Prefer::Close => 1.0 - clamp(gap.abs()),
        Prefer::Apart => clamp(gap.abs()),
    }
}

/// A SHA-256 of everything the mentor side compiled to (per criterion: its kind, points and
/// the mentors' values), which depends on the mentors and the configuration alone (see
/// [`NO_MENTOR_VALUE`]). The candidate index sent to workers carries it, so that a worker
/// holding another mentor table or configuration refuses the index instead of searching a tree
/// whose summaries are not its mentors'.
pub(crate) fn mentor_digest(compiled: &[Compiled]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let n = |h: &mut Sha256, len: usize| h.update((len as u64).to_le_bytes());
    for k in compiled {
        h.update([k.kind as u8]);
        h.update(k.points.to_bits().to_le_bytes());
        match k.mentor_values() {
            Values::Single(v) => {
                n(&mut h, v.len());
                v.iter().for_each(|x| h.update(x.to_le_bytes()));
            }
            Values::Sets { words, bits, len } => {
                n(&mut h, words);
                n(&mut h, len.len());
                bits.iter().for_each(|x| h.update(x.to_le_bytes()));
                len.iter().for_each(|x| h.update(x.to_le_bytes()));
            }
            Values::Numbers(v) => {
                n(&mut h, v.len());
                v.iter().for_each(|x| h.update(x.to_bits().to_le_bytes()));
            }
            Values::Ranked => {}
        }
    }
    h.finalize().into()
}

/// The id of a single value that no mentor holds. Mentor values are interned first, so that
/// everything the mentor side compiles to (ids, bitsets, their width) is a function of the
/// mentors alone: a worker that holds all mentors and one shard of mentees compiles exactly
/// the mentor data (and candidate index) of the whole cohort. A mentee value no mentor holds
/// can equal no mentor value, so all such values share this one id; scores only ever compare a
/// mentee's value with a mentor's, never two mentees', so they are unchanged. Distinct from 0
/// (missing), from every real id (`1..=` number of mentor values) and from the candidate
/// tree's "several values" marker (`u32::MAX`).
pub(crate) const NO_MENTOR_VALUE: u32 = u32::MAX - 1;

fn compile_data(c: &Criterion, mentees: &[Mentee], mentors: &[Mentor]) -> Result<Data> {
    let (fe, fm) = (c.mentee_field(), c.mentor_field());
    match c.kind {
        CriterionKind::Differ => {
            let mut interner = Interner::default();
            let joined = |p: &dyn Participant, f| {
                let set = p.value(f).as_set();
                (!set.is_empty()).then(|| set.join(";"))
            };
            let mentor: Vec<u32> = mentors
                .iter()
                .map(|p| joined(p, &fm).map_or(0, |v| interner.id(&v)))
                .collect();
            let mentee = mentees
                .iter()
                .map(|p| joined(p, &fe).map_or(0, |v| interner.get(&v).unwrap_or(NO_MENTOR_VALUE)))
                .collect();
            Ok(Data::Single { mentee, mentor })
        }
        CriterionKind::Share | CriterionKind::Complement | CriterionKind::Cover => {
            // Mentor values first (see `NO_MENTOR_VALUE`): the bitsets' width and bit positions
            // depend on the mentors alone.
            let mut interner = Interner::default();
            let ids_m: Vec<Vec<u32>> = mentors
                .iter()
                .map(|p| {
                    p.value(&fm)
                        .as_set()
                        .iter()
                        .map(|s| interner.id(s))
                        .collect()
                })
                .collect();
            let words = interner.len().div_ceil(64).max(1);
            let pack = |ids: &[u32], bits: &mut [u64]| {
                for &id in ids {
                    let b = (id - 1) as usize;
                    bits[b / 64] |= 1 << (b % 64);
                }
                bits.iter().map(|w| w.count_ones()).sum::<u32>()
            };
            let mut mentor = vec![0u64; mentors.len() * words];
            let mut mentor_len = Vec::with_capacity(mentors.len());
            for (p, set) in ids_m.iter().enumerate() {
                mentor_len.push(pack(set, &mut mentor[p * words..(p + 1) * words]));
            }
            drop(ids_m);
            // A mentee's values that no mentor holds are in no mentor's set: they never count
            // in common, only in the set's size, which counts distinct values (by their key)
            // as the bitset did.
            let mut mentee = vec![0u64; mentees.len() * words];
            let mut mentee_len = Vec::with_capacity(mentees.len());
            let mut held = Vec::new();
            let mut others: Vec<String> = Vec::new();
            for (p, e) in mentees.iter().enumerate() {
                held.clear();
                others.clear();
                for s in e.value(&fe).as_set() {
                    match interner.get(s) {
                        Some(id) => held.push(id),
                        None => others.push(key(s)),
                    }
                }
                others.sort_unstable();
                others.dedup();
                let len = pack(&held, &mut mentee[p * words..(p + 1) * words]);
                mentee_len.push(len + others.len() as u32);
            }
            Ok(Data::Sets {
                words,
                mentee,
                mentor,
                mentee_len,
                mentor_len,
            })
        }
        // Compiled by `Scorer::with_preferences` from the parsed lists, never here.
        CriterionKind::Preference => Ok(Data::Single {
            mentee: Vec::new(),
            mentor: Vec::new(),
        }),
        CriterionKind::Numeric => {
            let number = |p: &dyn Participant, f, table: &str| -> Result<f64> {
                match p.value(f).as_text() {
                    None => Ok(f64::NAN),
                    Some(t) => parse_number(t).ok_or_else(|| {
                        Error::input(
                            Location::source(table).field(f.name()),
                            format!("{} '{}': '{t}' is not a number", p.side().as_str(), p.id()),
                            format!("criterion '{}' compares numbers; write e.g. 42 or 3.5, or leave it empty", c.label()),
                        )
                    }),
                }
            };
            let mentee = mentees
                .iter()
                .map(|p| number(p, &fe, "mentees"))
                .collect::<Result<_>>()?;
            let mentor = mentors
                .iter()
                .map(|p| number(p, &fm, "mentors"))
                .collect::<Result<_>>()?;
            Ok(Data::Numbers { mentee, mentor })
        }
    }
}
