//! A capacitated assignment with O(1) moves: per mentee its mentor, per mentor its load and an
//! intrusive doubly linked list of its mentees.

/// "No mentor" / end of list.
pub const NONE: u32 = u32::MAX;

/// Who is assigned to whom, with per-mentor lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assign {
    /// Per mentee: its mentor, or [`NONE`].
    pub of: Vec<u32>,
    /// Per mentor: how many mentees it has.
    pub load: Vec<u32>,
    head: Vec<u32>,
    next: Vec<u32>,
    prev: Vec<u32>,
}

impl Assign {
    /// Nobody assigned; `n` mentees, `m` mentors.
    pub fn new(n: usize, m: usize) -> Assign {
        Assign {
            of: vec![NONE; n],
            load: vec![0; m],
            head: vec![NONE; m],
            next: vec![NONE; n],
            prev: vec![NONE; n],
        }
    }

    /// Removes mentee `i` from its mentor, if any.
    pub fn unset(&mut self, i: usize) {
        let j = self.of[i];
        if j == NONE {
            return;
        }
        let (p, n) = (self.prev[i], self.next[i]);
        if p == NONE {
            self.head[j as usize] = n;
        } else {
            self.next[p as usize] = n;
        }
        if n != NONE {
            self.prev[n as usize] = p;
        }
        self.load[j as usize] -= 1;
        self.of[i] = NONE;
        self.next[i] = NONE;
        self.prev[i] = NONE;
    }

    /// Assigns mentee `i` to mentor `j` (leaving its previous mentor).
    pub fn set(&mut self, i: usize, j: usize) {
        self.unset(i);
        let h = self.head[j];
        self.next[i] = h;
        self.prev[i] = NONE;
        if h != NONE {
            self.prev[h as usize] = i as u32;
        }
        self.head[j] = i as u32;
        self.load[j] += 1;
        self.of[i] = j as u32;
    }

    /// Mentor `j`'s mentees (most recently assigned first).
    pub fn mentees_of(&self, j: usize) -> MenteesOf<'_> {
        MenteesOf {
            a: self,
            cur: self.head[j],
        }
    }

    /// The mentor of `i`, if any.
    pub fn mentor(&self, i: usize) -> Option<usize> {
        let j = self.of[i];
        (j != NONE).then_some(j as usize)
    }
}

/// Iterator over one mentor's mentees.
#[derive(Debug)]
pub struct MenteesOf<'a> {
    a: &'a Assign,
    cur: u32,
}

impl Iterator for MenteesOf<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if self.cur == NONE {
            return None;
        }
        let i = self.cur as usize;
        self.cur = self.a.next[i];
        Some(i)
    }
}
