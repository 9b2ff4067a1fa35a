//! Hall's-condition diagnosis for matchings that cannot cover every mentee.
//!
//! The graph is bipartite: mentees `0..n_left` on the left, mentors `0..capacity.len()` on the
//! right, mentor `r` taking at most `capacity[r]` mentees; `adj[i]` lists the mentors mentee `i`
//! may have (sorted). By Hall's theorem (in its capacitated form) every mentee can be matched
//! exactly when no set `S` of mentees has fewer places among its possible mentors `N(S)` than
//! members: `|S| > sum_{r in N(S)} capacity[r]`. Such a set is a *Hall violator*, a short,
//! checkable proof that no complete matching exists.
//!
//! Finding a violator of minimum cardinality is NP-hard, so [`hall_violator`] returns an
//! *inclusion-minimal* one: every proper subset of it can be matched.
//!
//! Input tolerance: mentor indices `>= capacity.len()` in `adj` are ignored, missing `adj` rows
//! count as mentees with no allowed mentor, and rows beyond `n_left` are ignored. Nothing here
//! panics or recurses; everything is deterministic (lowest indices first).

const NONE: usize = usize::MAX;

/// A set of mentees whose possible mentors have fewer places than there are mentees.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct HallWitness {
    /// The mentees (sorted ascending).
    pub mentees: Vec<usize>,
    /// Every mentor any of them could have had, i.e. exactly `N(mentees)` (sorted ascending).
    pub mentors: Vec<usize>,
    /// Total capacity of `mentors`; always `< mentees.len()`.
    pub places: u64,
}

/// Maximum b-matching size, and the mentor given to each mentee (`None` when unmatched).
///
/// Greedy start, then one breadth-first augmenting-path search per unmatched mentee, in index
/// order (a mentee that cannot be augmented now never can later). `O(n_left * |E|)` in the worst
/// case, far less in practice.
pub fn max_matching(
    n_left: usize,
    adj: &[Vec<u32>],
    capacity: &[u32],
) -> (usize, Vec<Option<u32>>) {
    let mut m = Matcher::new(n_left, adj, capacity);
    m.greedy();
    for u in 0..n_left {
        if m.mate[u] == NONE {
            m.augment_from(u);
        }
    }
    let size = m.mate.iter().filter(|&&r| r != NONE).count();
    let mates = m.mate.iter().map(|&r| u32::try_from(r).ok()).collect();
    (size, mates)
}

/// An inclusion-minimal Hall violator, or `None` when every mentee can be matched.
///
/// Method: compute a maximum matching. For an unmatched mentee `f`, let `S` be the mentees
/// reachable from `f` by alternating paths (an unmatched edge to a mentor, then that mentor's
/// matched edge back to one of its mentees). Every mentor in `N(S)` is full (else the matching
/// would grow) and all its mentees are in `S`, so `S` has exactly one mentee too many for
/// `N(S)`: a violator.
///
/// It is also inclusion-minimal, so no pruning is needed: for `x` in `S` other than `f`, the
/// search tree reaches `x` through its own mentor `r` by a path that avoids `x`; removing `x`
/// frees a place at `r`, and that path then matches `f`, so `S \ {x}` can be fully matched,
/// and so can every subset of it; `S \ {f}` is matched already. Every proper subset of `S`
/// therefore satisfies Hall's condition.
///
/// Among the unmatched mentees, the one whose set is smallest is used (lowest index on ties), so
/// a mentee with no usable mentor (none allowed, or all with capacity 0) comes back on its own.
/// A violator of minimum cardinality overall is NP-hard to find and is not promised.
///
/// Cost: one maximum matching plus one search per unmatched mentee, each stopped as soon as it
/// grows past the smallest set found so far.
pub fn hall_violator(n_left: usize, adj: &[Vec<u32>], capacity: &[u32]) -> Option<HallWitness> {
    let mut m = Matcher::new(n_left, adj, capacity);
    m.greedy();
    for u in 0..n_left {
        if m.mate[u] == NONE {
            m.augment_from(u);
        }
    }
    let mut best: Option<Vec<usize>> = None;
    for f in 0..n_left {
        if m.mate[f] != NONE {
            continue;
        }
        let limit = best.as_ref().map_or(usize::MAX, |b| b.len() - 1);
        if m.search(f, limit, false) == Search::Blocked {
            let found = best.insert(m.queue.clone());
            if found.len() == 1 {
                break;
            }
        }
    }
    let mut mentees = best?;
    mentees.sort_unstable();
    Some(m.witness(&mentees))
}

/// Outcome of an alternating-path search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Search {
    /// A mentor with room was reached (and the matching grown if asked).
    Augmenting,
    /// No mentor with room is reachable: the queue holds the reached mentees.
    Blocked,
    /// More mentees than the limit were reached; the search stopped.
    TooBig,
}

/// Capacitated bipartite matching state. The mentees matched to each mentor form an intrusive
/// doubly linked list, so a search can walk them without allocating.
struct Matcher<'a> {
    adj: &'a [Vec<u32>],
    capacity: &'a [u32],
    mate: Vec<usize>,
    load: Vec<u32>,
    head: Vec<usize>,
    next: Vec<usize>,
    prev: Vec<usize>,
    // Search buffers.
    queue: Vec<usize>,
    parent: Vec<usize>,
    seen_left: Vec<u64>,
    seen_right: Vec<u64>,
    stamp: u64,
}

impl<'a> Matcher<'a> {
    fn new(n_left: usize, adj: &'a [Vec<u32>], capacity: &'a [u32]) -> Self {
        let n_right = capacity.len();
        Matcher {
            adj,
            capacity,
            mate: vec![NONE; n_left],
            load: vec![0; n_right],
            head: vec![NONE; n_right],
            next: vec![NONE; n_left],
            prev: vec![NONE; n_left],
            queue: Vec::with_capacity(n_left),
            parent: vec![NONE; n_right],
            seen_left: vec![0; n_left],
            seen_right: vec![0; n_right],
            stamp: 0,
        }
    }

    /// Usable mentors of mentee `i` (in `adj` order, out-of-range indices skipped).
    fn neighbours(&self, i: usize) -> impl Iterator<Item = usize> + 'a {
        let n_right = self.capacity.len();
        let row: &'a [u32] = self.adj.get(i).map_or(&[], Vec::as_slice);
        row.iter()
            .map(|&r| r as usize)
            .filter(move |&r| r < n_right)
    }

    fn link(&mut self, u: usize, r: usize) {
        self.mate[u] = r;
        self.load[r] += 1;
        self.prev[u] = NONE;
        self.next[u] = self.head[r];
        if self.head[r] != NONE {
            self.prev[self.head[r]] = u;
        }
        self.head[r] = u;
    }

    fn unlink(&mut self, u: usize) {
        let r = self.mate[u];
        if r == NONE {
            return;
        }
        let (p, n) = (self.prev[u], self.next[u]);
        if p == NONE {
            self.head[r] = n;
        } else {
            self.next[p] = n;
        }
        if n != NONE {
            self.prev[n] = p;
        }
        self.load[r] -= 1;
        self.mate[u] = NONE;
        self.prev[u] = NONE;
        self.next[u] = NONE;
    }

    fn greedy(&mut self) {
        for u in 0..self.mate.len() {
            let free = self
                .neighbours(u)
                .find(|&r| self.load[r] < self.capacity[r]);
            if let Some(r) = free {
                self.link(u, r);
            }
        }
    }

    /// Grows the matching by one augmenting path from the unmatched mentee `f`, if any.
    fn augment_from(&mut self, f: usize) -> bool {
        self.search(f, usize::MAX, true) == Search::Augmenting
    }

    /// Breadth-first alternating-path search from the unmatched mentee `f`, giving up once more
    /// than `limit` mentees are reached. With `flip`, an augmenting path found is applied.
    fn search(&mut self, f: usize, limit: usize, flip: bool) -> Search {
        self.stamp += 1;
        let stamp = self.stamp;
        self.queue.clear();
        self.queue.push(f);
        self.seen_left[f] = stamp;
        let mut qi = 0;
        while qi < self.queue.len() {
            if self.queue.len() > limit {
                return Search::TooBig;
            }
            let u = self.queue[qi];
            qi += 1;
            let row: &'a [u32] = self.adj.get(u).map_or(&[], Vec::as_slice);
            for &r in row {
                let r = r as usize;
                if r >= self.capacity.len() || self.seen_right[r] == stamp {
                    continue;
                }
                self.seen_right[r] = stamp;
                self.parent[r] = u;
                if self.load[r] < self.capacity[r] {
                    if flip {
                        self.flip(f, r);
                    }
                    return Search::Augmenting;
                }
                let mut w = self.head[r];
                while w != NONE {
                    if self.seen_left[w] != stamp {
                        self.seen_left[w] = stamp;
                        self.queue.push(w);
                    }
                    w = self.next[w];
                }
            }
        }
        if self.queue.len() > limit {
            Search::TooBig
        } else {
            Search::Blocked
        }
    }

    /// Shifts the matching along the search tree path ending at mentor `r` (which has room).
    fn flip(&mut self, f: usize, mut r: usize) {
        for _ in 0..=self.mate.len() {
            let u = self.parent[r];
            let old = self.mate[u];
            self.unlink(u);
            self.link(u, r);
            if u == f || old == NONE {
                break;
            }
            r = old;
        }
    }

    fn witness(&self, mentees: &[usize]) -> HallWitness {
        let mut mentors: Vec<usize> = mentees.iter().flat_map(|&i| self.neighbours(i)).collect();
        mentors.sort_unstable();
        mentors.dedup();
        let places = mentors.iter().map(|&r| u64::from(self.capacity[r])).sum();
        HallWitness {
            mentees: mentees.to_vec(),
            mentors,
            places,
        }
    }
}
