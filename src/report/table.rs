//! Plain-text and CSV renderings of a month report. Column widths follow
//! the display width, so Chinese (double-width) text lines up.

use unicode_width::UnicodeWidthStr;

use super::csv::CsvWriter;
use super::MonthReport;
use crate::i18n::{status_name, Lang, Text};

use crate::money::format_yuan;

/// Which table of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Stations,
    Branches,
    People,
}

/// A table: header and rows of cells; numeric columns align right.
pub struct Grid {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub right_aligned: Vec<bool>,
}

impl Grid {
    /// Renders with two spaces between columns.
    pub fn render(&self) -> String {
        let columns = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| printable(h).width()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(columns) {
                widths[i] = widths[i].max(printable(cell).width());
            }
        }
        let line = |cells: &[String]| {
            let mut out = String::new();
            for (i, cell) in cells.iter().enumerate() {
                let cell = printable(cell);
                let cell = cell.as_ref();
                let pad = " ".repeat(widths[i].saturating_sub(cell.width()));
                if i > 0 {
                    out.push_str("  ");
                }
                if self.right_aligned.get(i).copied().unwrap_or(false) {
                    out.push_str(&pad);
                    out.push_str(cell);
                } else {
                    out.push_str(cell);
                    if i + 1 < cells.len() {
                        out.push_str(&pad);
                    }
                }
            }
            out.trim_end().to_string()
        };
        let mut out = line(&self.header);
        out.push('\n');
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        out.push_str(&line(&rule));
        out.push('\n');
        for row in &self.rows {
            out.push_str(&line(row));
            out.push('\n');
        }
        out
    }

    /// RFC 4180 CSV with a header row, through the one CSV writer (cells
    /// that a spreadsheet would run as formulas are neutralised).
    pub fn to_csv(&self) -> String {
        let mut writer = CsvWriter::new();
        writer.row(&self.header);
        for row in &self.rows {
            writer.row(row);
        }
        writer.finish()
    }
}

/// A cell as it may reach a terminal: control characters (an escape
/// sequence in a name from an old or hand-made database) and
/// bidirectional overrides become `�`.
fn printable(cell: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() || crate::ingest::quote::needs_escape(c);
    if cell.chars().any(bad) {
        std::borrow::Cow::Owned(cell.chars().map(|c| if bad(c) { '\u{fffd}' } else { c }).collect())
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

fn t(text: Text, lang: Lang) -> String {
    text.get(lang).to_string()
}

/// One section of the report as a grid.
pub fn grid(report: &MonthReport, section: Section, lang: Lang) -> Grid {
    let r = &report.result;
    match section {
        Section::Stations => {
            // R14: a month whose version withholds shows what is withheld
            // and what the station is paid; other months keep the columns
            // they always had.
            let withholds = r.contest_pool.is_some();
            let mut header = vec![
                t(Text::StationCode, lang),
                t(Text::Name, lang),
                t(Text::Branch, lang),
                t(Text::Maintainer, lang),
                t(Text::Status, lang),
                t(Text::Payments, lang),
                t(Text::CardValid, lang),
                t(Text::CashReward, lang),
                t(Text::CommsFee, lang),
                t(Text::Maintenance, lang),
                t(Text::NeededPayments, lang),
                t(Text::NeededCard, lang),
            ];
            let mut right_aligned = vec![
                false, false, false, false, false, true, true, true, true, true, true, true,
            ];
            if withholds {
                header.extend([t(Text::Withheld, lang), t(Text::Payable, lang)]);
                right_aligned.extend([true, true]);
            }
            Grid {
                header,
                rows: r
                    .stations
                    .iter()
                    .map(|s| {
                        let mut row = vec![
                            s.id.clone(),
                            report.station_name(&s.id).to_string(),
                            s.branch.clone(),
                            report.person_name(&s.maintainer).to_string(),
                            status_name(s.status, lang).to_string(),
                            s.payment_count.to_string(),
                            s.card_valid.to_string(),
                            format_yuan(s.reward.total),
                            format_yuan(s.comms_fee_covered),
                            format_yuan(s.maintenance.total),
                            s.needed_per_day.payments.to_string(),
                            s.needed_per_day.card.to_string(),
                        ];
                        if withholds {
                            let withheld = s.withholding.map_or(rust_decimal::Decimal::ZERO, |w| w.withheld);
                            row.extend([format_yuan(withheld), format_yuan(s.payable())]);
                        }
                        row
                    })
                    .collect(),
                right_aligned,
            }
        }
        Section::Branches => Grid {
            header: vec![
                t(Text::Branch, lang),
                t(Text::Name, lang),
                t(Text::Stations, lang),
                t(Text::ValidStations, lang),
                t(Text::Plan, lang),
                t(Text::Shortfall, lang),
                t(Text::Maintenance, lang),
                t(Text::ValidStationReward, lang),
                t(Text::Pool, lang),
                t(Text::Penalty, lang),
            ],
            rows: r
                .branches
                .iter()
                .map(|b| {
                    vec![
                        b.id.clone(),
                        report.branch_name(&b.id).to_string(),
                        b.stations.to_string(),
                        b.valid_stations.to_string(),
                        b.plan.map_or_else(|| "-".to_string(), |p| p.to_string()),
                        b.shortfall.to_string(),
                        format_yuan(b.maintenance_total),
                        format_yuan(b.valid_station_reward),
                        format_yuan(b.pool),
                        format_yuan(b.penalty),
                    ]
                })
                .collect(),
            right_aligned: vec![false, false, true, true, true, true, true, true, true, true],
        },
        Section::People => Grid {
            header: vec![
                t(Text::People, lang),
                t(Text::Name, lang),
                t(Text::Role, lang),
                t(Text::Branch, lang),
                t(Text::Reward, lang),
                t(Text::Penalty, lang),
                t(Text::Net, lang),
            ],
            rows: r
                .people
                .iter()
                .map(|p| {
                    let role = match p.role {
                        crate::policy::Role::Manager => Text::Manager,
                        crate::policy::Role::Maintainer => Text::Maintainer,
                    };
                    vec![
                        p.id.clone(),
                        report.person_name(&p.id).to_string(),
                        t(role, lang),
                        p.branch.clone(),
                        format_yuan(p.reward),
                        format_yuan(p.penalty),
                        format_yuan(p.net),
                    ]
                })
                .collect(),
            right_aligned: vec![false, false, false, false, true, true, true],
        },
    }
}

/// The whole report as text: a heading and the three tables.
pub fn render_table(report: &MonthReport, lang: Lang) -> String {
    let r = &report.result;
    let mut out = String::new();
    let basis = if r.projected { Text::Projected } else { Text::Actual };
    out.push_str(&format!(
        "{} {}  {} {}  ({})",
        t(Text::Month, lang),
        r.month,
        t(Text::AsOf, lang),
        r.as_of,
        t(basis, lang)
    ));
    if report.demo {
        out.push_str(&format!("  [{}]", t(Text::Demo, lang)));
    }
    out.push_str("\n\n");
    for (section, title) in [
        (Section::Stations, Text::Stations),
        (Section::Branches, Text::Branches),
        (Section::People, Text::People),
    ] {
        out.push_str(&format!("{}\n", t(title, lang)));
        out.push_str(&grid(report, section, lang).render());
        out.push('\n');
    }
    if let Some(pool) = r.contest_pool {
        out.push_str(&format!(
            "{}: {} {}\n\n",
            t(Text::ContestPool, lang),
            format_yuan(pool),
            t(Text::Yuan, lang)
        ));
    }
    if let Some(b) = super::county::benchmarks(report) {
        out.push_str(&super::county::render_benchmarks(report, &b, lang));
        out.push('\n');
    }
    if !r.warnings.is_empty() {
        out.push_str(&format!("{}\n", t(Text::Warnings, lang)));
        for w in &r.warnings {
            out.push_str(&format!("- {}\n", crate::i18n::warning_text(w, lang)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_cells_line_up_by_display_width() {
        let grid = Grid {
            header: vec!["名称".into(), "n".into()],
            rows: vec![
                vec!["王庄便民服务站".into(), "7".into()],
                vec!["ab".into(), "12".into()],
            ],
            right_aligned: vec![false, true],
        };
        let text = grid.render();
        let widths: Vec<usize> = text.lines().map(|l| l.width()).collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{text}");
    }

    #[test]
    fn terminal_escapes_in_cells_never_reach_the_terminal() {
        let grid = Grid {
            header: vec!["名称".into()],
            rows: vec![vec!["\u{1b}]0;pwned\u{7}王庄\u{202e}".into()]],
            right_aligned: vec![false],
        };
        let text = grid.render();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'),
            "{text:?}"
        );
        assert!(text.contains("王庄"));
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let grid = Grid {
            header: vec!["a".into()],
            rows: vec![vec!["x, \"y\"".into()]],
            right_aligned: vec![false],
        };
        assert_eq!(grid.to_csv(), "a\n\"x, \"\"y\"\"\"\n");
    }
}
