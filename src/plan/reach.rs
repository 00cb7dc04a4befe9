//! How far a station that is not valid yet is from a validity threshold
//! (R5), and whether a visit can still close the gap this month.
//!
//! The per-day need is R10's (`MonthProgress::needed_per_day`, the same
//! figure the dashboard shows). Whether it is *within reach* compares the
//! rate still needed, `missing / days_left`, with the station's own pace
//! so far, `so_far / days_elapsed` — but never with less than the even
//! pace of the threshold, `threshold / days_in_month`, so that a station
//! early in the month, or one with a broken terminal, is not written off
//! for a slow start. The ratio of the two is the *stretch*: 1 means "keep
//! going as you are", 2 "twice your pace". A threshold is within reach at
//! a stretch up to `PlanSettings::reach_factor`, or when it needs no more
//! than `easy_per_day` a day (a visit can bring one payment or one card
//! withdrawal a day on its own, whatever the pace). Counts only; no money
//! here.

use std::cmp::Ordering;

use super::PlanSettings;
use crate::policy::projection::MonthProgress;

/// Where the plan stands in its month: the figures run through
/// `days_elapsed` (0 on the month's first morning, before any figure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthClock {
    pub days_in_month: u32,
    pub days_elapsed: u32,
}

impl MonthClock {
    /// Days of business left after the figures: today and the days after
    /// it when the figures run to yesterday.
    pub fn days_left(self) -> u32 {
        self.days_in_month.saturating_sub(self.days_elapsed)
    }

    /// R10's per-day need for one threshold (0 when met or no day is
    /// left): `ceil((threshold − so_far) / days_left)`.
    pub fn needed_per_day(self, threshold: u64, so_far: u64) -> u64 {
        // Built by hand because the month's first morning has no day
        // elapsed (`MonthProgress::new` wants one); the need reads only
        // the days left.
        let progress = MonthProgress {
            days_elapsed: self.days_elapsed.min(self.days_in_month),
            days_in_month: self.days_in_month,
        };
        progress.needed_per_day(threshold, so_far)
    }
}

/// The two validity thresholds of the month's policy version (R5), with
/// the card count as validity counts it (R1's switch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub payments: u64,
    pub card: u64,
}

/// Transactions per remaining day still needed (0 for a threshold met),
/// with the days left they are spread over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Needs {
    pub payments_per_day: u64,
    pub card_per_day: u64,
    pub days_left: u32,
}

impl Needs {
    pub fn of(clock: MonthClock, thresholds: Thresholds, payments: u64, card: u64) -> Needs {
        Needs {
            payments_per_day: clock.needed_per_day(thresholds.payments, payments),
            card_per_day: clock.needed_per_day(thresholds.card, card),
            days_left: clock.days_left(),
        }
    }
}

/// Rate still needed over the pace that counts (see the module): an exact
/// fraction, compared without rounding. `den == 0` is "out of any reach"
/// (no day left); `num == 0` a threshold already met.
#[derive(Debug, Clone, Copy)]
pub struct Stretch {
    num: u128,
    den: u128,
}

impl Stretch {
    /// Nothing missing.
    pub const NONE: Stretch = Stretch { num: 0, den: 1 };
    /// No day left to make up what is missing.
    pub const UNREACHABLE: Stretch = Stretch { num: 1, den: 0 };

    /// The stretch of one threshold.
    pub fn of(clock: MonthClock, threshold: u64, so_far: u64) -> Stretch {
        if so_far >= threshold {
            return Stretch::NONE;
        }
        let days_left = u128::from(clock.days_left());
        if days_left == 0 {
            return Stretch::UNREACHABLE;
        }
        let missing = u128::from(threshold - so_far);
        let (d, big_d) = (u128::from(clock.days_elapsed), u128::from(clock.days_in_month.max(1)));
        let (s, t) = (u128::from(so_far), u128::from(threshold));
        // The pace that counts, as a fraction: its own (s / d) when that is
        // more than the even pace (t / D).
        let (pace_num, pace_den) = if d > 0 && s * big_d > t * d { (s, d) } else { (t, big_d) };
        // (missing / days_left) / (pace_num / pace_den). Products stay far
        // inside u128: missing and the pace's count are below the
        // threshold, the days below 32; saturating only for absurd ones.
        Stretch {
            num: missing.saturating_mul(pace_den),
            den: days_left.saturating_mul(pace_num),
        }
    }

    /// The larger stretch of the two thresholds: what decides whether the
    /// station can be valid.
    pub fn of_station(clock: MonthClock, thresholds: Thresholds, payments: u64, card: u64) -> Stretch {
        Stretch::of(clock, thresholds.payments, payments).max(Stretch::of(clock, thresholds.card, card))
    }

    /// At most `factor` times the pace that counts.
    pub fn within(self, factor: u32) -> bool {
        self.den != 0 && self.num <= self.den.saturating_mul(u128::from(factor))
    }

    /// In hundredths, rounded down (for CSV and tests): 150 is "one and a
    /// half times its pace"; `None` when out of any reach.
    pub fn hundredths(self) -> Option<u128> {
        (self.den != 0).then(|| self.num.saturating_mul(100) / self.den)
    }
}

impl PartialEq for Stretch {
    fn eq(&self, other: &Stretch) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Stretch {}

impl PartialOrd for Stretch {
    fn partial_cmp(&self, other: &Stretch) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Stretch {
    fn cmp(&self, other: &Stretch) -> Ordering {
        match (self.den == 0, other.den == 0) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => self
                .num
                .saturating_mul(other.den)
                .cmp(&other.num.saturating_mul(self.den)),
        }
    }
}

/// Whether one threshold can still be met this month (see the module).
pub fn within_reach(clock: MonthClock, threshold: u64, so_far: u64, settings: &PlanSettings) -> bool {
    if so_far >= threshold {
        return true;
    }
    let days_left = u64::from(clock.days_left());
    days_left > 0
        && (threshold - so_far <= settings.easy_per_day.saturating_mul(days_left)
            || Stretch::of(clock, threshold, so_far).within(settings.reach_factor))
}

/// Whether what a station still misses is no more than `easy_per_day` a
/// day on each threshold (a visit can bring it on its own): such stations
/// are the closest of all, whatever their stretch.
pub fn easy(clock: MonthClock, thresholds: Thresholds, payments: u64, card: u64, settings: &PlanSettings) -> bool {
    let days_left = u64::from(clock.days_left());
    let easy_one = |threshold: u64, so_far: u64| {
        so_far >= threshold || (days_left > 0 && threshold - so_far <= settings.easy_per_day.saturating_mul(days_left))
    };
    easy_one(thresholds.payments, payments) && easy_one(thresholds.card, card)
}

/// How close a station is to valid, for ordering: those a visit can bring
/// in on its own first, then by stretch (smaller first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Closeness {
    /// Not `easy` (false sorts first).
    pub beyond_easy: bool,
    pub stretch: Stretch,
}

impl Closeness {
    pub fn of(
        clock: MonthClock,
        thresholds: Thresholds,
        payments: u64,
        card: u64,
        settings: &PlanSettings,
    ) -> Closeness {
        Closeness {
            beyond_easy: !easy(clock, thresholds, payments, card, settings),
            stretch: Stretch::of_station(clock, thresholds, payments, card),
        }
    }

    /// A valid station: nothing to close.
    pub const MET: Closeness = Closeness {
        beyond_easy: false,
        stretch: Stretch::NONE,
    };
}

/// Whether a station can still be made valid this month: both thresholds
/// within reach.
pub fn station_within_reach(
    clock: MonthClock,
    thresholds: Thresholds,
    payments: u64,
    card: u64,
    settings: &PlanSettings,
) -> bool {
    within_reach(clock, thresholds.payments, payments, settings) && within_reach(clock, thresholds.card, card, settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEZHOU: Thresholds = Thresholds { payments: 30, card: 5 };

    fn clock(elapsed: u32, days: u32) -> MonthClock {
        MonthClock {
            days_in_month: days,
            days_elapsed: elapsed,
        }
    }

    #[test]
    fn needs_are_r10s_and_the_first_morning_spreads_over_the_whole_month() {
        let c = clock(20, 30);
        assert_eq!(
            Needs::of(c, DEZHOU, 10, 5),
            Needs {
                payments_per_day: 2,
                card_per_day: 0,
                days_left: 10
            }
        );
        // The same figure as the engine's MonthProgress.
        assert_eq!(
            c.needed_per_day(30, 10),
            MonthProgress::new(20, 30).needed_per_day(30, 10)
        );
        // Day 1 of 30, nothing yet: 30 over 30 days, 5 cards over 30 days.
        let first = Needs::of(clock(0, 30), DEZHOU, 0, 0);
        assert_eq!(
            (first.payments_per_day, first.card_per_day, first.days_left),
            (1, 1, 30)
        );
        // No day left: nothing can be asked for.
        assert_eq!(Needs::of(clock(31, 31), DEZHOU, 0, 0).payments_per_day, 0);
    }

    #[test]
    fn stretch_compares_the_rate_needed_with_the_pace_so_far() {
        // 20 of 30 days, 10 payments: pace 0.5/day, even pace 1/day, needs
        // 20 in 10 days = 2/day → twice the even pace.
        let s = Stretch::of(clock(20, 30), 30, 10);
        assert_eq!(s.hundredths(), Some(200));
        assert!(s.within(2) && !s.within(1));
        // Its own pace is the one that counts when it is faster: 28 in 14
        // days (2/day), 2 more in 16 days.
        assert_eq!(Stretch::of(clock(14, 30), 30, 28).hundredths(), Some(6));
        // Met: no stretch.
        assert_eq!(Stretch::of(clock(14, 30), 30, 45), Stretch::NONE);
        // A broken terminal (no card yet) 25 days in: 5 in 5 days against
        // the even pace 5/30 → 6 times.
        assert_eq!(Stretch::of(clock(25, 30), 5, 0).hundredths(), Some(600));
        // The first morning: the even pace.
        assert_eq!(Stretch::of(clock(0, 30), 30, 0).hundredths(), Some(100));
        // No day left.
        let closed = Stretch::of(clock(30, 30), 30, 29);
        assert_eq!(closed, Stretch::UNREACHABLE);
        assert!(!closed.within(u32::MAX));
        assert_eq!(closed.hundredths(), None);
    }

    #[test]
    fn stretches_order_exactly_and_the_unreachable_last() {
        let a = Stretch::of(clock(20, 30), 30, 10); // 2
        let b = Stretch::of(clock(20, 30), 30, 11); // 1.9
        assert!(b < a);
        assert!(a < Stretch::UNREACHABLE && Stretch::NONE < b);
        assert_eq!(Stretch::UNREACHABLE, Stretch::UNREACHABLE);
        // Equal fractions in different terms are equal.
        assert_eq!(Stretch { num: 2, den: 4 }, Stretch { num: 1, den: 2 });
        // The station's stretch is its worse threshold.
        let both = Stretch::of_station(clock(20, 30), DEZHOU, 10, 4);
        assert_eq!(both, a.max(Stretch::of(clock(20, 30), 5, 4)));
    }

    #[test]
    fn within_reach_is_twice_the_pace_or_one_a_day() {
        let settings = PlanSettings::default();
        let c = clock(26, 30);
        // 1 card in 26 days, 4 more in 4 days: six times the even pace,
        // but one a day, which a visit can bring.
        assert!(within_reach(c, 5, 1, &settings));
        // 5 in 4 days is more than one a day and far past its pace.
        assert!(!within_reach(c, 5, 0, &settings));
        // 21 of 30 payments: 9 in 4 days = 2.25/day, more than twice the
        // even pace (1/day, faster than its own 0.81); 22: exactly twice.
        assert!(!within_reach(c, 30, 21, &settings));
        assert!(within_reach(c, 30, 22, &settings));
        // 24: 6 in 4 days = 1.5/day.
        assert!(within_reach(c, 30, 24, &settings));
        // Met is within reach, and with no day left nothing else is.
        assert!(within_reach(clock(30, 30), 30, 30, &settings));
        assert!(!within_reach(clock(30, 30), 30, 29, &settings));
        let strict = PlanSettings {
            easy_per_day: 0,
            ..settings
        };
        assert!(!within_reach(c, 5, 1, &strict));
        assert!(station_within_reach(c, DEZHOU, 24, 1, &settings));
        assert!(!station_within_reach(c, DEZHOU, 24, 0, &settings));
    }

    #[test]
    fn a_station_one_visit_can_bring_in_is_closer_than_any_stretch() {
        let settings = PlanSettings::default();
        let c = clock(26, 30);
        // Payments met, one card short of 5 in 4 days: easy, stretch 1.5.
        let one_card = Closeness::of(c, DEZHOU, 31, 4, &settings);
        // 25 payments (pace 0.96/day): 5 in 4 days, stretch 1.25, not easy.
        let five_payments = Closeness::of(c, DEZHOU, 25, 5, &settings);
        assert!(!one_card.beyond_easy && five_payments.beyond_easy);
        assert!(one_card.stretch > five_payments.stretch);
        assert!(one_card < five_payments);
        assert!(Closeness::MET <= one_card);
        assert!(!easy(clock(30, 30), DEZHOU, 29, 5, &settings));
    }

    #[test]
    fn absurd_counts_do_not_overflow() {
        let s = Stretch::of(clock(1, 31), u64::MAX, 0);
        assert!(s.within(2));
        let t = Stretch::of(clock(30, 31), u64::MAX, u64::MAX - 1);
        assert!(t.hundredths().is_some());
        assert_eq!(clock(1, 31).needed_per_day(u64::MAX, 0), u64::MAX.div_ceil(30));
    }
}
