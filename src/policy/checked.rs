//! Checked arithmetic for the engine: a sum or product of counts and
//! amounts that does not fit is an input error, never a panic (Decimal's
//! `+` and `*` panic on overflow) nor a wrapped number (u64 in release).
//! Callers turn `TooLarge` into an error naming the input field.

use rust_decimal::Decimal;

/// A figure too large to compute with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

pub type Checked<T> = Result<T, TooLarge>;

pub fn add(a: Decimal, b: Decimal) -> Checked<Decimal> {
    a.checked_add(b).ok_or(TooLarge)
}

pub fn sub(a: Decimal, b: Decimal) -> Checked<Decimal> {
    a.checked_sub(b).ok_or(TooLarge)
}

pub fn mul(a: Decimal, b: Decimal) -> Checked<Decimal> {
    a.checked_mul(b).ok_or(TooLarge)
}

pub fn div(a: Decimal, b: Decimal) -> Checked<Decimal> {
    a.checked_div(b).ok_or(TooLarge)
}

pub fn add_u64(a: u64, b: u64) -> Checked<u64> {
    a.checked_add(b).ok_or(TooLarge)
}

/// Σ of amounts.
pub fn sum<I: IntoIterator<Item = Decimal>>(items: I) -> Checked<Decimal> {
    items.into_iter().try_fold(Decimal::ZERO, add)
}

/// Σ of counts; on overflow, the index of the largest term (the absurd
/// one, which the error should name).
pub fn sum_counts(counts: &[u64]) -> Result<u64, usize> {
    counts
        .iter()
        .try_fold(0u64, |acc, c| acc.checked_add(*c))
        .ok_or_else(|| {
            let mut largest = 0;
            for (i, c) in counts.iter().enumerate() {
                if *c > counts[largest] {
                    largest = i;
                }
            }
            largest
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_is_an_error_not_a_panic_or_a_wrap() {
        assert_eq!(add(Decimal::MAX, Decimal::ONE), Err(TooLarge));
        assert_eq!(mul(Decimal::MAX, Decimal::TWO), Err(TooLarge));
        assert_eq!(add_u64(u64::MAX, 1), Err(TooLarge));
        assert_eq!(sum_counts(&[40, 18_446_744_073_709_551_547, 8, 3, 62]), Err(1));
        assert_eq!(sum_counts(&[u64::MAX; 5]), Err(0));
        assert_eq!(sum_counts(&[1, 2, 3]), Ok(6));
        assert_eq!(sum([Decimal::ONE, Decimal::TWO]), Ok(Decimal::from(3)));
    }
}
