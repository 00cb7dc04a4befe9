//! R1: each card earns at most N valid transactions a day
//! (每卡每天有效刷卡次数限2笔). `card_valid = Σ over (card, day) of min(n, N)`.

use std::collections::HashMap;
use std::hash::Hash;

use chrono::NaiveDate;

use super::facts::CardCounts;

/// Counts raw and valid card transactions. Each item is one transaction:
/// the card's identity (a number, or a keyed hash of it) and its day.
pub fn card_counts<C, I>(transactions: I, cap_per_card_per_day: u32) -> CardCounts
where
    C: Eq + Hash,
    I: IntoIterator<Item = (C, NaiveDate)>,
{
    let transactions = transactions.into_iter();
    let mut per_card_day: HashMap<(C, NaiveDate), u32> = HashMap::with_capacity(transactions.size_hint().0);
    let mut raw = 0u64;
    let mut valid = 0u64;
    for key in transactions {
        raw += 1;
        let seen = per_card_day.entry(key).or_insert(0);
        *seen += 1;
        if *seen <= cap_per_card_per_day {
            valid += 1;
        }
    }
    CardCounts { raw, valid }
}

/// Counts raw and valid card transactions of one station and day from the
/// number of transactions of each card that day, as a store that groups by
/// card hands them over: each card counts at most the cap.
pub fn card_counts_per_card<I>(per_card: I, cap_per_card_per_day: u32) -> CardCounts
where
    I: IntoIterator<Item = u64>,
{
    let cap = u64::from(cap_per_card_per_day);
    per_card
        .into_iter()
        .fold(CardCounts::default(), |counts, n| CardCounts {
            raw: counts.raw.saturating_add(n),
            valid: counts.valid.saturating_add(n.min(cap)),
        })
}

/// Whether the `nth` (1-based) transaction of a card on one day is valid;
/// for stores that apply the cap as transactions arrive.
pub fn is_valid_swipe(nth_of_card_that_day: u32, cap_per_card_per_day: u32) -> bool {
    nth_of_card_that_day <= cap_per_card_per_day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, d).unwrap()
    }

    #[test]
    fn per_card_counts_agree_with_transactions() {
        // Card A three times, B twice, C once on one day, cap 2.
        assert_eq!(card_counts_per_card([3, 2, 1], 2), CardCounts { raw: 6, valid: 5 });
        assert_eq!(card_counts_per_card([], 2), CardCounts::default());
        let txns = [
            ("A", day(1)),
            ("A", day(1)),
            ("A", day(1)),
            ("B", day(1)),
            ("B", day(1)),
            ("C", day(1)),
        ];
        assert_eq!(card_counts(txns, 2), card_counts_per_card([3, 2, 1], 2));
    }

    #[test]
    fn worked_example_caps_card_a_on_the_first() {
        let txns = [
            ("A", day(1)),
            ("A", day(1)),
            ("A", day(1)),
            ("A", day(2)),
            ("B", day(5)),
            ("B", day(5)),
            ("C", day(9)),
        ];
        assert_eq!(card_counts(txns, 2), CardCounts { raw: 7, valid: 6 });
    }

    #[test]
    fn a_card_swiped_five_times_a_day_counts_twice_that_day() {
        let txns = std::iter::repeat_n(("K", day(3)), 5).chain([("K", day(4))]);
        assert_eq!(card_counts(txns, 2), CardCounts { raw: 6, valid: 3 });
        let none: [(&str, NaiveDate); 0] = [];
        assert_eq!(card_counts(none, 2), CardCounts::default());
    }

    #[test]
    fn the_cap_is_a_parameter() {
        let txns = std::iter::repeat_n(("K", day(3)), 5);
        assert_eq!(card_counts(txns.clone(), 1).valid, 1);
        assert_eq!(card_counts(txns, 3).valid, 3);
        assert!(is_valid_swipe(2, 2));
        assert!(!is_valid_swipe(3, 2));
    }
}
