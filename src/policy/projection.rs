//! R10: mid-month projection. With data through day `d` of a `D`-day
//! month, counts project to floor(x·D/d) and amounts to round(x·D/d).

use rust_decimal::Decimal;

use super::checked::{self, Checked, TooLarge};
use crate::money::Rounding;

/// How far into the month the data runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthProgress {
    /// d: days with complete data (1..=D).
    pub days_elapsed: u32,
    /// D: days in the month.
    pub days_in_month: u32,
}

impl MonthProgress {
    pub fn new(days_elapsed: u32, days_in_month: u32) -> MonthProgress {
        debug_assert!((1..=days_in_month).contains(&days_elapsed));
        MonthProgress {
            days_elapsed,
            days_in_month,
        }
    }

    /// With complete data there is nothing to project.
    pub fn is_complete(self) -> bool {
        self.days_elapsed >= self.days_in_month
    }

    pub fn days_left(self) -> u32 {
        self.days_in_month.saturating_sub(self.days_elapsed)
    }

    /// floor(x · D / d); a projection past u64 is too large to compute.
    pub fn project_count(self, so_far: u64) -> Checked<u64> {
        if self.is_complete() {
            return Ok(so_far);
        }
        let scaled = u128::from(so_far) * u128::from(self.days_in_month) / u128::from(self.days_elapsed);
        u64::try_from(scaled).map_err(|_| TooLarge)
    }

    /// round(x · D / d) at the fen.
    pub fn project_amount(self, so_far: Decimal, rounding: Rounding) -> Checked<Decimal> {
        if self.is_complete() {
            return Ok(rounding.to_fen(so_far));
        }
        // Multiply first so the only inexact step is one division.
        let scaled = checked::div(
            checked::mul(so_far, Decimal::from(self.days_in_month))?,
            Decimal::from(self.days_elapsed),
        )?;
        Ok(rounding.to_fen(scaled))
    }

    /// ceil((threshold − so_far) / (D − d)): transactions per remaining day
    /// still needed; 0 when met or when no day remains.
    pub fn needed_per_day(self, threshold: u64, so_far: u64) -> u64 {
        let missing = threshold.saturating_sub(so_far);
        let days_left = u64::from(self.days_left());
        if missing == 0 || days_left == 0 {
            0
        } else {
            missing.div_ceil(days_left)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn counts_floor_and_amounts_round() {
        let p = MonthProgress::new(10, 31);
        assert_eq!(p.project_count(12), Ok(37)); // 37.2
        assert_eq!(p.project_count(6), Ok(18)); // 18.6
        assert_eq!(p.project_count(0), Ok(0));
        assert_eq!(
            p.project_amount(dec!(90.00), Rounding::HalfAwayFromZero),
            Ok(dec!(279.00))
        );
        // 0.01 × 31 / 10 = 0.031 → 0.03; 0.05 × 31 / 10 = 0.155 → 0.16
        assert_eq!(p.project_amount(dec!(0.05), Rounding::HalfAwayFromZero), Ok(dec!(0.16)));
        // A third: 1.00 × 31 / 3 = 10.3333… → 10.33
        let third = MonthProgress::new(3, 31);
        assert_eq!(
            third.project_amount(dec!(1.00), Rounding::HalfAwayFromZero),
            Ok(dec!(10.33))
        );
        // Past u64 or Decimal: an error, never a saturated figure.
        assert_eq!(p.project_count(u64::MAX), Err(TooLarge));
        assert_eq!(
            p.project_amount(Decimal::MAX, Rounding::HalfAwayFromZero),
            Err(TooLarge)
        );
    }

    #[test]
    fn complete_data_is_not_projected() {
        let p = MonthProgress::new(30, 30);
        assert!(p.is_complete());
        assert_eq!(p.project_count(17), Ok(17));
        assert_eq!(p.needed_per_day(30, 3), 0);
    }

    #[test]
    fn needed_per_day_rounds_up() {
        let p = MonthProgress::new(10, 31);
        assert_eq!(p.needed_per_day(30, 11), 1); // 19 / 21
        assert_eq!(p.needed_per_day(30, 12), 1);
        assert_eq!(p.needed_per_day(30, 0), 2); // 30 / 21
        assert_eq!(p.needed_per_day(30, 30), 0);
        assert_eq!(p.needed_per_day(30, 45), 0);
        assert_eq!(MonthProgress::new(30, 31).needed_per_day(5, 0), 5);
    }
}
