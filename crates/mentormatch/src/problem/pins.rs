//! What is left of a problem once the pinned pairs are made: the one place every backend gets
//! its free mentees, the mentors' remaining places and the pinned part of the assignment.

use super::Problem;
use crate::diagnosis::Infeasibility;
use crate::error::Error;
use crate::model::Participant;

/// The problem after its pins: see [`Problem::after_pins`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AfterPins {
    /// Per mentee: the pinned mentor, if any (the pinned part of every assignment).
    pub pinned: Vec<Option<usize>>,
    /// Per mentor: places left after the pins.
    pub remaining: Vec<u32>,
    /// Mentees not pinned, in index order.
    pub free: Vec<usize>,
    /// Total score of the pinned pairs.
    pub pinned_score: f64,
}

impl Problem {
    /// Splits the pinned pairs off. Pins are validated when the problem is built (each mentee
    /// pinned once, no mentor over capacity), so `remaining` never underflows; it saturates
    /// anyway rather than panic.
    pub fn after_pins(&self) -> AfterPins {
        let mut remaining = self.capacity().to_vec();
        let mut pinned = vec![None; self.n_mentees()];
        let mut pinned_score = 0.0;
        for &(i, j) in self.pins() {
            pinned[i] = Some(j);
            remaining[j] = remaining[j].saturating_sub(1);
            pinned_score += self.pair(i, j).0;
        }
        let free = (0..self.n_mentees())
            .filter(|&i| pinned[i].is_none())
            .collect();
        AfterPins {
            pinned,
            remaining,
            free,
            pinned_score,
        }
    }
}

impl Problem {
    /// The error for free mentees (`mentees`, problem indices) who together can reach only
    /// `mentors`, whose places left after the pins (`remaining`) are too few: Hall's condition
    /// fails. Ids are sorted as given; places are summed over `mentors`.
    pub(crate) fn not_enough_places(
        &self,
        mentees: &[usize],
        mentors: &[usize],
        remaining: &[u32],
    ) -> Error {
        let cohort = self.cohort();
        Error::Infeasible(Box::new(Infeasibility::NotEnoughPlaces {
            mentees: mentees
                .iter()
                .map(|&i| cohort.mentees[i].id().to_string())
                .collect(),
            mentors: mentors
                .iter()
                .map(|&j| (cohort.mentors[j].id().to_string(), remaining[j]))
                .collect(),
            places: mentors.iter().map(|&j| u64::from(remaining[j])).sum(),
        }))
    }
}
