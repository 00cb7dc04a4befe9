//! R14: quarterly withholding (加盟费考评). Part of each month's station
//! reward is kept back; the quarter's last month pays it back for the
//! months that reached the bar and forfeits the rest to the county's
//! station contest.

use rust_decimal::Decimal;

use super::checked::{self, Checked};
use super::config::Withholding;
use super::facts::WithholdingMonth;
use crate::money::Rounding;
use crate::month::Month;

/// The first month of `month`'s calendar quarter.
pub fn quarter_start(month: Month) -> Month {
    let first = (month.month() - 1) / 3 * 3 + 1;
    Month::new(month.year(), first).unwrap_or(month)
}

/// March, June, September, December.
pub fn is_quarter_end(month: Month) -> bool {
    month.month().is_multiple_of(3)
}

/// Whether `earlier` is a month of `month`'s quarter before it.
pub fn same_quarter_before(earlier: Month, month: Month) -> bool {
    earlier < month && earlier >= quarter_start(month)
}

/// The months of `month`'s quarter before it, oldest first.
pub fn earlier_months_of_quarter(month: Month) -> Vec<Month> {
    let mut months = Vec::new();
    let mut m = quarter_start(month);
    while m < month {
        months.push(m);
        m = m.next();
    }
    months
}

/// A station's withholding for one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WithholdingResult {
    /// Kept back this month: the rule's amount, never more than earned.
    pub withheld: Decimal,
    /// The month reached the bar (amount or count), on the evaluated
    /// (projected, if projecting) figures.
    pub met: bool,
    /// Paid back at the quarter's end: withheld in the months that met.
    pub released: Decimal,
    /// Forfeited at the quarter's end to the station contest.
    pub forfeited: Decimal,
    /// What the station is paid this month: total − withheld + released.
    pub payable: Decimal,
    pub quarter_end: bool,
    /// The quarter so far, this month included, as things stand: what its
    /// end would release and forfeit.
    pub pending_release: Decimal,
    pub pending_forfeit: Decimal,
    /// The bar, and how far the figures so far are from it (0 when met).
    pub bar_amount: Decimal,
    pub bar_count: u64,
    pub missing_amount: Decimal,
    pub missing_count: u64,
}

/// The month's figures the bar is judged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarFigures {
    /// Payment amount and count, all categories, as evaluated.
    pub amount: Decimal,
    pub count: u64,
    /// The same, so far (before any projection).
    pub amount_so_far: Decimal,
    pub count_so_far: u64,
}

/// R14 for one station and month. `total` is the station's cash reward
/// (R2 + R3 + R4); `history` the quarter's earlier months.
pub fn station_withholding(
    rule: &Withholding,
    rounding: Rounding,
    month: Month,
    total: Decimal,
    figures: BarFigures,
    history: &[WithholdingMonth],
) -> Checked<WithholdingResult> {
    let withheld = rounding.to_fen(rule.withhold).min(total.max(Decimal::ZERO));
    let reached = |amount: Decimal, count: u64| amount >= rule.bar_amount || count >= rule.bar_count;
    let met = reached(figures.amount, figures.count);
    let mut pending_release = Decimal::ZERO;
    let mut pending_forfeit = Decimal::ZERO;
    let this_month = WithholdingMonth { month, withheld, met };
    for m in history.iter().chain(std::iter::once(&this_month)) {
        if m.met {
            pending_release = checked::add(pending_release, m.withheld)?;
        } else {
            pending_forfeit = checked::add(pending_forfeit, m.withheld)?;
        }
    }
    let quarter_end = is_quarter_end(month);
    let (released, forfeited) = if quarter_end {
        (pending_release, pending_forfeit)
    } else {
        (Decimal::ZERO, Decimal::ZERO)
    };
    let payable = checked::add(checked::sub(total, withheld)?, released)?;
    let met_so_far = reached(figures.amount_so_far, figures.count_so_far);
    let (missing_amount, missing_count) = if met_so_far {
        (Decimal::ZERO, 0)
    } else {
        (
            checked::sub(rule.bar_amount, figures.amount_so_far)?.max(Decimal::ZERO),
            rule.bar_count.saturating_sub(figures.count_so_far),
        )
    };
    Ok(WithholdingResult {
        withheld,
        met,
        released,
        forfeited,
        payable,
        quarter_end,
        pending_release,
        pending_forfeit,
        bar_amount: rule.bar_amount,
        bar_count: rule.bar_count,
        missing_amount,
        missing_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn month(text: &str) -> Month {
        text.parse().unwrap()
    }

    fn rule() -> Withholding {
        Withholding {
            withhold: dec!(20.00),
            bar_amount: dec!(10000.00),
            bar_count: 100,
        }
    }

    fn figures(amount: Decimal, count: u64) -> BarFigures {
        BarFigures {
            amount,
            count,
            amount_so_far: amount,
            count_so_far: count,
        }
    }

    #[test]
    fn quarters() {
        assert_eq!(quarter_start(month("2013-03")), month("2013-01"));
        assert_eq!(quarter_start(month("2013-04")), month("2013-04"));
        assert_eq!(quarter_start(month("2013-12")), month("2013-10"));
        assert!(is_quarter_end(month("2013-06")) && !is_quarter_end(month("2013-05")));
        assert!(same_quarter_before(month("2013-01"), month("2013-03")));
        assert!(!same_quarter_before(month("2012-12"), month("2013-01")));
        assert!(!same_quarter_before(month("2013-03"), month("2013-03")));
        assert_eq!(
            earlier_months_of_quarter(month("2013-03")),
            vec![month("2013-01"), month("2013-02")]
        );
        assert!(earlier_months_of_quarter(month("2013-04")).is_empty());
    }

    #[test]
    fn the_bar_is_amount_or_count_and_includes_the_number() {
        let r = |amount, count| {
            station_withholding(
                &rule(),
                Rounding::HalfAwayFromZero,
                month("2013-02"),
                dec!(50.00),
                figures(amount, count),
                &[],
            )
            .unwrap()
        };
        assert!(r(dec!(10000.00), 0).met);
        assert!(r(dec!(0), 100).met);
        let missed = r(dec!(9999.99), 99);
        assert!(!missed.met);
        assert_eq!((missed.missing_amount, missed.missing_count), (dec!(0.01), 1));
        // Not the quarter's end: nothing released or forfeited yet.
        assert_eq!((missed.released, missed.forfeited), (dec!(0), dec!(0)));
        assert_eq!(missed.payable, dec!(30.00));
        assert_eq!(missed.pending_forfeit, dec!(20.00));
    }

    #[test]
    fn never_more_than_the_station_earned_and_the_quarter_end_settles() {
        // Case 07's S2: earned 5.65 in March, February withheld 6.45 unmet.
        let history = [WithholdingMonth {
            month: month("2013-02"),
            withheld: dec!(6.45),
            met: false,
        }];
        let s2 = station_withholding(
            &rule(),
            Rounding::HalfAwayFromZero,
            month("2013-03"),
            dec!(5.65),
            figures(dec!(910.00), 19),
            &history,
        )
        .unwrap();
        assert_eq!(s2.withheld, dec!(5.65));
        assert_eq!(
            (s2.released, s2.forfeited, s2.payable),
            (dec!(0), dec!(12.10), dec!(0.00))
        );
    }
}
