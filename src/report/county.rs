//! The county's benchmarks (R16) of a report, and their text: per station
//! and day the payment amount and count, the top ten's and bottom ten's
//! share of the amount, with new stations marked. The figures are the
//! engine's (`policy::benchmarks`), from the month's figures so far.

use chrono::Datelike;

use super::MonthReport;
use crate::i18n::{fill, Lang, Text};

use crate::policy::benchmarks::{county_benchmarks, Benchmarks, StationVolume};
use crate::policy::station::{payment_amount, payment_count};

/// The benchmarks of the report's stations; `None` when a station's
/// figures are too large to sum (the engine refused them already).
pub fn benchmarks(report: &MonthReport) -> Option<Benchmarks> {
    let volumes: Vec<StationVolume> = report
        .facts
        .stations
        .iter()
        .map(|s| {
            Some(StationVolume {
                id: s.id.clone(),
                amount: payment_amount(s).ok()?,
                count: payment_count(s).ok()?,
            })
        })
        .collect::<Option<_>>()?;
    county_benchmarks(&volumes, report.facts.as_of.day(), report.version.rounding).ok()
}

/// A station's name with its new mark (R16).
pub fn marked_name(report: &MonthReport, id: &str, lang: Lang) -> String {
    let name = report.station_name(id);
    if report.new_stations.contains(id) {
        format!("{name} [{}]", Text::NewStation.get(lang))
    } else {
        name.to_string()
    }
}

/// The benchmarks as lines of text.
pub fn render_benchmarks(report: &MonthReport, b: &Benchmarks, lang: Lang) -> String {
    let mut out = format!("{}\n", Text::Benchmarks.get(lang));
    out.push_str(&fill(
        Text::BenchmarksLine.get(lang),
        &[
            &crate::money::format_grouped(b.amount_per_station_day),
            &b.count_per_station_day,
            &b.top_share,
            &b.bottom_share,
            &b.stations,
            &b.days,
        ],
    ));
    out.push('\n');
    for (title, list) in [(Text::TopTen, &b.top), (Text::BottomTen, &b.bottom)] {
        let names: Vec<String> = list
            .iter()
            .map(|id| format!("{id} {}", marked_name(report, id, lang)))
            .collect();
        out.push_str(&format!("{}: {}\n", title.get(lang), names.join(", ")));
    }
    out
}
