//! Questions asked of a result after the solve: what the next best choices are, what a pair's
//! dual price says, what to change to place someone, how to re-match with few changes.

pub mod alternatives;
pub(crate) mod duals;
pub mod rematch;
pub mod suggest;
