//! Money and rounding: yuan as `Decimal`, rounded to the fen by the policy's
//! rounding mode, printed with exactly two decimals.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;

use crate::i18n::{trf, Text};

/// Decimal places of a fen.
pub const FEN_SCALE: u32 = 2;

/// How a line item is rounded to the fen (RULES.md R9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// 四舍五入: 0.005 → 0.01, −0.005 → −0.01.
    HalfAwayFromZero,
    /// Banker's rounding: 0.005 → 0.00, 0.015 → 0.02.
    HalfEven,
    /// Truncate: 0.019 → 0.01.
    TowardZero,
    /// 0.011 → 0.02.
    AwayFromZero,
}

impl Rounding {
    fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::TowardZero => RoundingStrategy::ToZero,
            Rounding::AwayFromZero => RoundingStrategy::AwayFromZero,
        }
    }

    /// Rounds an amount to the fen.
    pub fn to_fen(self, amount: Decimal) -> Decimal {
        let mut rounded = amount.round_dp_with_strategy(FEN_SCALE, self.strategy());
        rounded.rescale(FEN_SCALE);
        rounded
    }
}

/// Rounds down (toward negative infinity) to the fen: the first step of the
/// largest-remainder split.
pub fn floor_fen(amount: Decimal) -> Decimal {
    let mut floored = amount.round_dp_with_strategy(FEN_SCALE, RoundingStrategy::ToNegativeInfinity);
    floored.rescale(FEN_SCALE);
    floored
}

/// One fen.
pub fn fen() -> Decimal {
    Decimal::new(1, FEN_SCALE)
}

/// Formats money as a string with exactly two decimals (`"40.80"`); the
/// amount is expected to be rounded to the fen already.
pub fn format_yuan(amount: Decimal) -> String {
    let mut shown = amount.round_dp_with_strategy(FEN_SCALE, RoundingStrategy::MidpointAwayFromZero);
    shown.rescale(FEN_SCALE);
    if shown.is_zero() {
        // Decimal keeps the sign of zero; "-0.00" would confuse every reader.
        shown.set_sign_positive(true);
    }
    shown.to_string()
}

/// Formats money for people to read: two decimals with a thousands
/// separator (`"41,505.03"`, `"-1,600.00"`). Screens and statements show
/// amounts this way, with the unit (元) added by the translation table;
/// JSON and CSV keep [`format_yuan`] so other tools parse plain numbers.
pub fn format_grouped(amount: Decimal) -> String {
    let plain = format_yuan(amount);
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}.{frac}")
}

/// Parses a money string as users and source systems write it: digits with
/// at most two decimals, an optional leading minus. Rejects "12,5", "1e3",
/// "¥5" and anything with more than two decimals, so that no figure is
/// silently changed.
pub fn parse_yuan(text: &str) -> Result<Decimal, String> {
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let well_formed = all_digits(whole) && frac.is_none_or(all_digits);
    if !well_formed {
        return Err(not_a_decimal(text));
    }
    if frac.is_some_and(|f| f.len() > FEN_SCALE as usize) {
        return Err(trf(Text::ImportTooManyDecimals, &[&format!("{text:?}")]));
    }
    if whole.len() > 15 {
        return Err(trf(Text::ImportTooLarge, &[&format!("{text:?}")]));
    }
    trimmed.parse::<Decimal>().map_err(|_| not_a_decimal(text))
}

fn not_a_decimal(text: &str) -> String {
    trf(Text::NotADecimal, &[&format!("{text:?}")])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn half_away_from_zero_rounds_midpoints_up_in_magnitude() {
        let r = Rounding::HalfAwayFromZero;
        assert_eq!(r.to_fen(dec!(0.005)).to_string(), "0.01");
        assert_eq!(r.to_fen(dec!(0.015)).to_string(), "0.02");
        assert_eq!(r.to_fen(dec!(-0.005)).to_string(), "-0.01");
        assert_eq!(r.to_fen(dec!(0.9999)).to_string(), "1.00");
        assert_eq!(r.to_fen(dec!(0.0049)).to_string(), "0.00");
    }

    #[test]
    fn other_modes_differ_on_midpoints() {
        assert_eq!(Rounding::HalfEven.to_fen(dec!(0.005)).to_string(), "0.00");
        assert_eq!(Rounding::HalfEven.to_fen(dec!(0.015)).to_string(), "0.02");
        assert_eq!(Rounding::TowardZero.to_fen(dec!(0.019)).to_string(), "0.01");
        assert_eq!(Rounding::AwayFromZero.to_fen(dec!(0.011)).to_string(), "0.02");
    }

    #[test]
    fn floor_fen_goes_down() {
        assert_eq!(floor_fen(dec!(0.019)).to_string(), "0.01");
        assert_eq!(floor_fen(dec!(-0.011)).to_string(), "-0.02");
        assert_eq!(floor_fen(dec!(3)).to_string(), "3.00");
    }

    #[test]
    fn format_has_two_decimals_and_no_negative_zero() {
        assert_eq!(format_yuan(dec!(40.8)), "40.80");
        assert_eq!(format_yuan(dec!(5)), "5.00");
        assert_eq!(format_yuan(dec!(-0.00)), "0.00");
        assert_eq!(format_yuan(dec!(-1.6)), "-1.60");
    }

    #[test]
    fn grouped_format_separates_thousands() {
        assert_eq!(format_grouped(dec!(41505.03)), "41,505.03");
        assert_eq!(format_grouped(dec!(999.5)), "999.50");
        assert_eq!(format_grouped(dec!(1000)), "1,000.00");
        assert_eq!(format_grouped(dec!(-1234567.8)), "-1,234,567.80");
        assert_eq!(format_grouped(dec!(0)), "0.00");
        assert_eq!(format_grouped(dec!(-0.001)), "0.00");
    }

    #[test]
    fn parse_accepts_plain_decimals_only() {
        assert_eq!(parse_yuan("2000.00").unwrap(), dec!(2000.00));
        assert_eq!(parse_yuan("12.5").unwrap(), dec!(12.5));
        assert_eq!(parse_yuan("7").unwrap(), dec!(7));
        assert_eq!(parse_yuan("-3.10").unwrap(), dec!(-3.10));
        for bad in ["12,5", "", "1e3", "¥5", ".5", "5.", "1.234", "--1", "0x10", "１２"] {
            assert!(parse_yuan(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(parse_yuan("12,5").unwrap_err().contains("is not a decimal"));
    }
}
