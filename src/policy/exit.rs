//! R15: the exit watchlist (退出机制). A station misses both plans in a
//! month when its payment amount is below its collection target and its
//! distribution sales are below its distribution target; a station that
//! missed both in `after_months` consecutive finished months is an exit
//! candidate. The county decides; nothing here closes a station.

use rust_decimal::Decimal;

use crate::month::Month;

/// A station's plan for one month: the collection ("hardware") and the
/// distribution ("software") targets, in yuan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StationPlan {
    pub collection_target: Decimal,
    pub distribution_target: Decimal,
}

/// One station's month against its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanMonth {
    pub month: Month,
    /// Bill payments of every category, in yuan.
    pub payment_amount: Decimal,
    /// Post-office products sold (分销), in yuan; 0 when none recorded.
    pub distribution_sales: Decimal,
    /// `None`: no plan that month, so nothing to miss.
    pub plan: Option<StationPlan>,
}

impl PlanMonth {
    /// Below both targets (a target met exactly is met).
    pub fn misses_both(&self) -> bool {
        self.plan.is_some_and(|p| {
            self.payment_amount < p.collection_target && self.distribution_sales < p.distribution_target
        })
    }
}

/// The run of consecutive months, ending with the last of `months`, in
/// which the station missed both plans. `months` are the station's
/// finished months, oldest first; a gap between calendar months ends the
/// run.
pub fn missed_run(months: &[PlanMonth]) -> &[PlanMonth] {
    let mut start = months.len();
    while start > 0 {
        let m = &months[start - 1];
        let consecutive = start == months.len() || months[start].month == m.month.next();
        if !consecutive || !m.misses_both() {
            break;
        }
        start -= 1;
    }
    &months[start..]
}

/// Whether the station is an exit candidate after the last of `months`.
pub fn exit_candidate(months: &[PlanMonth], after_months: u32) -> bool {
    missed_run(months).len() >= after_months as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn plan_month(month: &str, amount: Decimal, sales: Decimal, plan: Option<(Decimal, Decimal)>) -> PlanMonth {
        PlanMonth {
            month: month.parse().unwrap(),
            payment_amount: amount,
            distribution_sales: sales,
            plan: plan.map(|(c, d)| StationPlan {
                collection_target: c,
                distribution_target: d,
            }),
        }
    }

    #[test]
    fn both_targets_must_be_missed() {
        let plan = Some((dec!(5000), dec!(300)));
        assert!(plan_month("2013-01", dec!(4999.99), dec!(299.99), plan).misses_both());
        assert!(!plan_month("2013-01", dec!(5000), dec!(0), plan).misses_both());
        assert!(!plan_month("2013-01", dec!(0), dec!(300), plan).misses_both());
        assert!(!plan_month("2013-01", dec!(0), dec!(0), None).misses_both());
    }

    #[test]
    fn two_consecutive_months_make_a_candidate() {
        let plan = Some((dec!(5000), dec!(300)));
        let miss = |m| plan_month(m, dec!(100), dec!(0), plan);
        let meet = |m| plan_month(m, dec!(6000), dec!(0), plan);
        assert!(exit_candidate(&[meet("2013-01"), miss("2013-02"), miss("2013-03")], 2));
        assert!(!exit_candidate(&[miss("2013-01"), meet("2013-02"), miss("2013-03")], 2));
        // A month without a plan, or a missing month, breaks the run.
        assert!(!exit_candidate(
            &[
                miss("2013-01"),
                plan_month("2013-02", dec!(0), dec!(0), None),
                miss("2013-03")
            ],
            2
        ));
        assert!(!exit_candidate(&[miss("2013-01"), miss("2013-03")], 2));
        assert_eq!(
            missed_run(&[miss("2013-01"), miss("2013-02"), miss("2013-03")]).len(),
            3
        );
        assert!(exit_candidate(&[miss("2013-03")], 1));
        assert!(!exit_candidate(&[], 1));
    }
}
