//! A station's reward lines as the payout chain shows them (reconcile,
//! SMS): the statement's lines (R11), so every line the engine returns is
//! named in one place, whatever categories a policy has.

use rust_decimal::Decimal;

use crate::i18n::Lang;
use crate::policy::StationResult;
use crate::report::statement::statement;
use crate::report::MonthReport;

/// (item, amount) of each line with money in it, in statement order.
pub fn station_lines(report: &MonthReport, station: &StationResult, lang: Lang) -> Vec<(String, Decimal)> {
    statement(report, station, lang)
        .lines
        .into_iter()
        .map(|line| (line.item, line.amount))
        .filter(|(_, amount)| !amount.is_zero())
        .collect()
}
