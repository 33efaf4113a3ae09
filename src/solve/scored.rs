//! A heap key over a float score with one total order, in the manner of petgraph's
//! `scored.rs`: larger scores first (`f64::total_cmp`, so NaN and signed zeros have a
//! place), ties to the lower index.

use std::cmp::Ordering;

/// A score and an index, ordered by score, then by the lower index: the greatest key in a
/// `BinaryHeap` is the largest score with the lowest index.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MaxScored {
    /// The score (for example the saving of opening a site).
    pub(crate) score: f64,
    /// The index (for example the site).
    pub(crate) index: u32,
}

impl PartialEq for MaxScored {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for MaxScored {}

impl PartialOrd for MaxScored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for MaxScored {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then(other.index.cmp(&self.index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BinaryHeap;

    #[test]
    fn largest_score_then_lowest_index_first() {
        let keys = [
            (1.0, 3),
            (2.0, 5),
            (2.0, 1),
            (f64::NEG_INFINITY, 0),
            (-0.0, 2),
            (0.0, 4),
        ];
        let mut heap: BinaryHeap<MaxScored> = keys
            .iter()
            .map(|&(score, index)| MaxScored { score, index })
            .collect();
        let mut order = Vec::new();
        while let Some(k) = heap.pop() {
            order.push(k.index);
        }
        assert_eq!(order, [1, 5, 3, 4, 2, 0]);
    }
}
