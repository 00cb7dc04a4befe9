//! R9: sharing a fen amount among people by the largest-remainder method,
//! so that the parts always add up to the whole exactly.

use rust_decimal::Decimal;

/// Shares `total` (a whole number of fen) among claimants whose exact
/// claims are `numerators[i] / denominator`. Each gets their claim rounded
/// down to the fen; the fen still left go one each to the largest
/// fractional remainders, ties to the lower index (callers list claimants
/// by ascending id). Should the claims exceed `total` (only under a policy
/// rounding the manager's part up), fen are taken back from the smallest
/// remainders first, ties from the higher index.
///
/// Working on numerators over one common denominator keeps every
/// comparison exact: R7 / 3 is never rounded before it is compared.
pub fn largest_remainder(total: Decimal, numerators: &[Decimal], denominator: Decimal) -> Vec<Decimal> {
    let n = numerators.len();
    if n == 0 {
        return Vec::new();
    }
    assert!(denominator > Decimal::ZERO, "a share needs a positive denominator");
    let hundred = Decimal::ONE_HUNDRED;
    // In fen: claim_i × 100 = numer_i × 100 / den. q_i its floor; r_i the
    // remainder in units of 1/den fen, exact.
    let mut fen_parts: Vec<i128> = Vec::with_capacity(n);
    let mut remainders: Vec<Decimal> = Vec::with_capacity(n);
    for &numer in numerators {
        let scaled = numer * hundred;
        let quotient = (scaled / denominator).floor();
        // The quotient is exact wherever it is a whole number, and a
        // non-whole quotient lies far from one (its denominator is small),
        // so flooring the 28-digit quotient never crosses an integer; fix
        // the rare case where the division rounded up onto one.
        let mut q = quotient;
        let mut r = scaled - q * denominator;
        if r < Decimal::ZERO {
            q -= Decimal::ONE;
            r += denominator;
        }
        fen_parts.push(decimal_to_i128(q));
        remainders.push(r);
    }
    let total_fen = decimal_to_i128((total * hundred).round());
    let mut leftover = total_fen - fen_parts.iter().sum::<i128>();

    let count = n as i128;
    // Whole rounds first (only when the claims are far off the total).
    let whole_rounds = leftover.div_euclid(count);
    if whole_rounds != 0 {
        for part in &mut fen_parts {
            *part += whole_rounds;
        }
        leftover -= whole_rounds * count;
    }
    // Now 0 <= leftover < n: one fen each to the largest remainders.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| remainders[b].cmp(&remainders[a]).then(a.cmp(&b)));
    for &i in order.iter().take(leftover as usize) {
        fen_parts[i] += 1;
    }
    fen_parts
        .into_iter()
        .map(|f| Decimal::from_i128_with_scale(f, 2))
        .collect()
}

/// Shares `total` equally among `n` people by the largest-remainder rule.
pub fn equal_shares(total: Decimal, n: usize) -> Vec<Decimal> {
    let numerators = vec![total; n];
    largest_remainder(total, &numerators, Decimal::from(n.max(1)))
}

fn decimal_to_i128(d: Decimal) -> i128 {
    // Whole numbers of fen for any amount this tool sees fit easily.
    let mut whole = d.trunc();
    whole.rescale(0);
    whole.mantissa()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn strs(parts: &[Decimal]) -> Vec<String> {
        parts.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn worked_example_maintainers() {
        // pool 110.95: R6 10.95 (P1 only), R7 100.00, two maintainers.
        // Claims: 0.8 × 10.95 + 0.8 × 100 / 2 = 48.76; 0.8 × 100 / 2 = 40.
        let k = dec!(2);
        let numers = [
            dec!(0.8) * dec!(10.95) * k + dec!(0.8) * dec!(100.00),
            dec!(0.8) * dec!(100.00),
        ];
        let parts = largest_remainder(dec!(88.76), &numers, k);
        assert_eq!(strs(&parts), ["48.76", "40.00"]);
    }

    #[test]
    fn equal_thirds_give_the_extra_fen_to_the_lowest_ids() {
        assert_eq!(strs(&equal_shares(dec!(1.00), 3)), ["0.34", "0.33", "0.33"]);
        assert_eq!(strs(&equal_shares(dec!(3.20), 3)), ["1.07", "1.07", "1.06"]);
        assert_eq!(strs(&equal_shares(dec!(0.00), 2)), ["0.00", "0.00"]);
    }

    #[test]
    fn largest_remainder_wins_the_fen() {
        // Floors 0.33 each, one fen left: it goes to the largest remainder.
        let parts = largest_remainder(dec!(1.00), &[dec!(0.333), dec!(0.334), dec!(0.333)], dec!(1));
        assert_eq!(strs(&parts), ["0.33", "0.34", "0.33"]);
    }

    #[test]
    fn claims_above_the_total_give_fen_back() {
        // Floors 0.50 + 0.50 exceed 0.99 by a fen: the smaller remainder
        // gives it back.
        let parts = largest_remainder(dec!(0.99), &[dec!(0.506), dec!(0.504)], dec!(1));
        assert_eq!(strs(&parts), ["0.50", "0.49"]);
    }
}
