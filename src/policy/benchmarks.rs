//! R16: the county's benchmarks as seed document 5 reports them — per
//! station and day the payment amount (点均日交易金额) and count (点均交易笔数),
//! and the share of the top ten and the bottom ten stations in the
//! county's amount.

use rust_decimal::{Decimal, RoundingStrategy};

use super::checked::{self, Checked};
use crate::money::Rounding;

/// How many stations the top and bottom lists hold (document 5: 十强, 后十).
pub const RANKING_SIZE: usize = 10;

/// One station's payments so far in the month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationVolume {
    pub id: String,
    pub amount: Decimal,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Benchmarks {
    pub stations: u64,
    /// Days with figures (the month so far).
    pub days: u32,
    pub total_amount: Decimal,
    pub total_count: u64,
    /// Amount per station per day, to the fen.
    pub amount_per_station_day: Decimal,
    /// Payments per station per day, two decimals.
    pub count_per_station_day: Decimal,
    /// Percent of the county's amount, one decimal.
    pub top_share: Decimal,
    pub bottom_share: Decimal,
    /// Station ids, largest amount first / smallest first (ties: lower id).
    pub top: Vec<String>,
    pub bottom: Vec<String>,
}

fn percent(part: Decimal, whole: Decimal) -> Checked<Decimal> {
    if whole.is_zero() {
        return Ok(Decimal::ZERO);
    }
    let share = checked::div(checked::mul(part, Decimal::ONE_HUNDRED)?, whole)?;
    let mut rounded = share.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(1);
    Ok(rounded)
}

/// The benchmarks of `days` days of the stations' figures.
pub fn county_benchmarks(volumes: &[StationVolume], days: u32, rounding: Rounding) -> Checked<Benchmarks> {
    let total_amount = checked::sum(volumes.iter().map(|v| v.amount))?;
    let total_count = volumes.iter().try_fold(0u64, |acc, v| checked::add_u64(acc, v.count))?;
    let station_days = Decimal::from(volumes.len() as u64) * Decimal::from(days);
    let (amount_per_station_day, count_per_station_day) = if station_days.is_zero() {
        (rounding.to_fen(Decimal::ZERO), rounding.to_fen(Decimal::ZERO))
    } else {
        (
            rounding.to_fen(checked::div(total_amount, station_days)?),
            rounding.to_fen(checked::div(Decimal::from(total_count), station_days)?),
        )
    };
    let mut ranked: Vec<&StationVolume> = volumes.iter().collect();
    ranked.sort_by(|a, b| b.amount.cmp(&a.amount).then(a.id.cmp(&b.id)));
    let n = RANKING_SIZE.min(ranked.len());
    let top: Vec<&StationVolume> = ranked[..n].to_vec();
    ranked.sort_by(|a, b| a.amount.cmp(&b.amount).then(a.id.cmp(&b.id)));
    let bottom: Vec<&StationVolume> = ranked[..n].to_vec();
    let share = |list: &[&StationVolume]| percent(checked::sum(list.iter().map(|v| v.amount))?, total_amount);
    Ok(Benchmarks {
        stations: volumes.len() as u64,
        days,
        total_amount,
        total_count,
        amount_per_station_day,
        count_per_station_day,
        top_share: share(&top)?,
        bottom_share: share(&bottom)?,
        top: top.iter().map(|v| v.id.clone()).collect(),
        bottom: bottom.iter().map(|v| v.id.clone()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn document_five_in_small() {
        // 12 stations over 30 days: two carry most of the amount.
        let mut volumes: Vec<StationVolume> = (1..=10)
            .map(|i| StationVolume {
                id: format!("S{i:02}"),
                amount: Decimal::from(i * 100),
                count: 10,
            })
            .collect();
        volumes.push(StationVolume {
            id: "S11".into(),
            amount: dec!(20000.00),
            count: 300,
        });
        volumes.push(StationVolume {
            id: "S12".into(),
            amount: dec!(14500.00),
            count: 200,
        });
        let b = county_benchmarks(&volumes, 30, Rounding::HalfAwayFromZero).unwrap();
        // Σ = 5,500 + 34,500 = 40,000 over 12 × 30 station-days.
        assert_eq!(b.total_amount, dec!(40000.00));
        assert_eq!(b.amount_per_station_day, dec!(111.11));
        assert_eq!(b.count_per_station_day, dec!(1.67)); // 600 / 360
        assert_eq!(b.top[..2], ["S11".to_string(), "S12".to_string()]);
        // Top ten leave out S01 and S02 (300): 39,700 / 40,000.
        assert_eq!(b.top_share, dec!(99.3));
        // Bottom ten: S01–S10, 5,500 / 40,000 = 13.75 % → 13.8.
        assert_eq!(b.bottom_share, dec!(13.8));
        assert_eq!(b.bottom[0], "S01");
    }

    #[test]
    fn an_empty_county_has_zero_benchmarks() {
        let b = county_benchmarks(&[], 30, Rounding::HalfAwayFromZero).unwrap();
        assert_eq!((b.amount_per_station_day, b.top_share), (dec!(0.00), dec!(0)));
        assert!(b.top.is_empty());
    }
}
