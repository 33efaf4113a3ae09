//! A small seeded generator, so that every randomised search is reproducible from the
//! scenario's seed alone.

/// SplitMix64 (Steele, Lea & Flood 2014): 64 bits of state, passes BigCrush, enough for
/// randomised construction and tie-breaking.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed and a stream number (e.g. the start index of a multi-start),
    /// so that parallel starts are independent of scheduling.
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut g = Self(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        g.next_u64();
        g
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform index below `n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let a: Vec<u64> = {
            let mut g = SplitMix64::new(7, 3);
            (0..5).map(|_| g.next_u64()).collect()
        };
        let mut g = SplitMix64::new(7, 3);
        assert!(a.iter().all(|x| *x == g.next_u64()));
        let mut other = SplitMix64::new(7, 4);
        assert_ne!(a[0], other.next_u64());
    }

    #[test]
    fn below_stays_in_range() {
        let mut g = SplitMix64::new(1, 0);
        assert!((0..1000).all(|_| g.below(7) < 7));
    }
}
