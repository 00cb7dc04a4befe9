//! When to try again after a failed sync: exponential backoff with jitter,
//! capped. Pure arithmetic (the random part is an argument) except
//! `next_delay`, which draws it.

use std::time::Duration;

/// Exponential backoff: the n-th retry waits about `base × 2ⁿ`, never more
/// than `cap`, with "equal jitter": half of that delay fixed and the other
/// half random, so fifty laptops that lost the server together do not all
/// come back in the same second, and none retries sooner than half the
/// delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    /// 15 seconds, doubling up to 15 minutes.
    fn default() -> Backoff {
        Backoff::new(Duration::from_secs(15), Duration::from_secs(15 * 60))
    }
}

impl Backoff {
    pub const fn new(base: Duration, cap: Duration) -> Backoff {
        Backoff { base, cap }
    }

    /// The delay without jitter before retry `attempt` (0 for the first):
    /// `base × 2^attempt`, at most `cap`.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// The delay before retry `attempt` with the random part `unit` (in
    /// [0, 1]; values outside are clamped): between half the ceiling and
    /// the ceiling.
    pub fn delay(&self, attempt: u32, unit: f64) -> Duration {
        let ceiling = self.ceiling(attempt);
        let half = ceiling / 2;
        let unit = if unit.is_nan() { 0.0 } else { unit.clamp(0.0, 1.0) };
        half + (ceiling - half).mul_f64(unit)
    }

    /// The delay before retry `attempt`, with fresh randomness.
    pub fn next_delay(&self, attempt: u32) -> Duration {
        self.delay(attempt, random_unit())
    }
}

/// A random number in [0, 1).
fn random_unit() -> f64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        // No randomness: the clock's nanoseconds are jitter enough.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        return f64::from(nanos) / 1e9;
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn the_ceiling_doubles_until_the_cap() {
        let b = Backoff::new(secs(10), secs(300));
        let ceilings: Vec<u64> = (0..8).map(|n| b.ceiling(n).as_secs()).collect();
        assert_eq!(ceilings, [10, 20, 40, 80, 160, 300, 300, 300]);
        // No overflow however long the server stays away.
        assert_eq!(b.ceiling(u32::MAX), secs(300));
        assert_eq!(b.ceiling(64), secs(300));
    }

    #[test]
    fn jitter_keeps_the_delay_between_half_and_the_whole_ceiling() {
        let b = Backoff::new(secs(10), secs(300));
        assert_eq!(b.delay(0, 0.0), secs(5));
        assert_eq!(b.delay(0, 1.0), secs(10));
        assert_eq!(b.delay(2, 0.5), secs(30));
        assert_eq!(b.delay(9, 1.0), secs(300));
        assert_eq!(b.delay(1, -3.0), secs(10));
        assert_eq!(b.delay(1, 7.0), secs(20));
        assert_eq!(b.delay(1, f64::NAN), secs(10));
    }

    #[test]
    fn random_delays_stay_in_bounds_and_vary() {
        let b = Backoff::default();
        let mut seen = std::collections::BTreeSet::new();
        for attempt in 0..40 {
            let d = b.next_delay(attempt);
            let ceiling = b.ceiling(attempt);
            assert!(d >= ceiling / 2 && d <= ceiling, "{d:?} for {attempt}");
            seen.insert(d);
        }
        assert!(seen.len() > 10, "jitter varies: {seen:?}");
        let u = random_unit();
        assert!((0.0..1.0).contains(&u));
    }
}
