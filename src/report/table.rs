//! Plain-text and CSV renderings of a month report. Column widths follow
//! the display width, so Chinese (double-width) text lines up.

use unicode_width::UnicodeWidthStr;

use super::csv::CsvWriter;
use super::MonthReport;
use crate::i18n::{status_name, Lang, Text};

use crate::money::{format_grouped, format_yuan};

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
    /// Renders with two spaces between columns. A cell with line breaks
    /// (a wrapped note) takes as many lines as it has; the row's other
    /// cells stay on its first.
    pub fn render(&self) -> String {
        let columns = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| printable(h).width()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(columns) {
                for part in cell.split('\n') {
                    widths[i] = widths[i].max(printable(part).width());
                }
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
            let height = row.iter().map(|c| c.split('\n').count()).max().unwrap_or(1);
            for k in 0..height {
                let cells: Vec<String> = row
                    .iter()
                    .map(|c| c.split('\n').nth(k).unwrap_or("").to_string())
                    .collect();
                out.push_str(&line(&cells));
                out.push('\n');
            }
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

/// `text` wrapped to `width` display columns, every character kept:
/// lines break at a space where there is one (English), anywhere between
/// characters otherwise (Chinese has no spaces); its own line breaks stay.
pub fn wrap(text: &str, width: usize) -> String {
    let width = width.max(2);
    let mut out: Vec<String> = Vec::new();
    for source in text.lines() {
        let mut line = String::new();
        let mut used = 0;
        for c in source.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + w > width && !line.is_empty() {
                // Carry the last word over when the line has a space.
                let carried = match line.rfind(' ') {
                    Some(at) if at > 0 => {
                        let rest = line[at + 1..].to_string();
                        line.truncate(at);
                        rest
                    }
                    _ => String::new(),
                };
                out.push(std::mem::take(&mut line));
                line = carried;
                used = line.width();
            }
            line.push(c);
            used += w;
        }
        out.push(line);
    }
    out.join("\n")
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

/// Who reads a grid: a program (CSV: the columns' names are a contract,
/// amounts plain) or a person (text: amounts grouped, units and
/// projections said in the headers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    Program,
    Person { projected: bool },
}

/// What a column's header says besides its name, for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    None,
    /// A figure the projection changes (counts, amounts, rewards).
    Projected,
    /// An amount in yuan the projection changes.
    ProjectedYuan,
    /// Transactions a day.
    PerDay,
}

impl Reader {
    fn header(self, text: Text, unit: Unit, lang: Lang) -> String {
        let Reader::Person { projected } = self else {
            return t(text, lang);
        };
        let unit_text = match (unit, projected) {
            (Unit::None, _) | (Unit::Projected, false) => return t(text, lang),
            (Unit::ProjectedYuan, false) => Text::HeaderYuan,
            (Unit::Projected, true) => Text::HeaderProjected,
            (Unit::ProjectedYuan, true) => Text::HeaderYuanProjected,
            (Unit::PerDay, _) => Text::HeaderPerDay,
        };
        crate::i18n::fill(unit_text.get(lang), &[&text.get(lang)])
    }

    fn money(self, amount: rust_decimal::Decimal) -> String {
        match self {
            Reader::Program => format_yuan(amount),
            Reader::Person { .. } => format_grouped(amount),
        }
    }
}

/// One section of the report as a grid (CSV's columns, plain amounts).
pub fn grid(report: &MonthReport, section: Section, lang: Lang) -> Grid {
    section_grid(report, section, lang, Reader::Program)
}

/// One section of the report as a grid for people: amounts grouped,
/// units and projected figures said in the headers.
pub fn text_grid(report: &MonthReport, section: Section, lang: Lang) -> Grid {
    let projected = report.result.projected;
    section_grid(report, section, lang, Reader::Person { projected })
}

fn section_grid(report: &MonthReport, section: Section, lang: Lang, reader: Reader) -> Grid {
    let r = &report.result;
    let h = |text: Text, unit: Unit| reader.header(text, unit, lang);
    let money = |amount| reader.money(amount);
    match section {
        Section::Stations => {
            // R14: a month whose version withholds shows what is withheld
            // and what the station is paid; other months keep the columns
            // they always had.
            let withholds = r.contest_pool.is_some();
            let mut header = vec![
                h(Text::StationCode, Unit::None),
                h(Text::Name, Unit::None),
                h(Text::Branch, Unit::None),
                h(Text::Maintainer, Unit::None),
                h(Text::Status, Unit::None),
                h(Text::Payments, Unit::Projected),
                h(Text::CardValid, Unit::Projected),
                h(Text::CashReward, Unit::ProjectedYuan),
                h(Text::CommsFee, Unit::ProjectedYuan),
                h(Text::Maintenance, Unit::ProjectedYuan),
                h(Text::NeededPayments, Unit::PerDay),
                h(Text::NeededCard, Unit::PerDay),
            ];
            let mut right_aligned = vec![
                false, false, false, false, false, true, true, true, true, true, true, true,
            ];
            if withholds {
                header.extend([
                    h(Text::Withheld, Unit::ProjectedYuan),
                    h(Text::Payable, Unit::ProjectedYuan),
                ]);
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
                            money(s.reward.total),
                            money(s.comms_fee_covered),
                            money(s.maintenance.total),
                            s.needed_per_day.payments.to_string(),
                            s.needed_per_day.card.to_string(),
                        ];
                        if withholds {
                            let withheld = s.withholding.map_or(rust_decimal::Decimal::ZERO, |w| w.withheld);
                            row.extend([money(withheld), money(s.payable())]);
                        }
                        row
                    })
                    .collect(),
                right_aligned,
            }
        }
        Section::Branches => Grid {
            header: vec![
                h(Text::Branch, Unit::None),
                h(Text::Name, Unit::None),
                h(Text::Stations, Unit::None),
                h(Text::ValidStations, Unit::Projected),
                h(Text::Plan, Unit::None),
                h(Text::Shortfall, Unit::Projected),
                h(Text::Maintenance, Unit::ProjectedYuan),
                h(Text::ValidStationReward, Unit::ProjectedYuan),
                h(Text::Pool, Unit::ProjectedYuan),
                h(Text::Penalty, Unit::ProjectedYuan),
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
                        money(b.maintenance_total),
                        money(b.valid_station_reward),
                        money(b.pool),
                        money(b.penalty),
                    ]
                })
                .collect(),
            right_aligned: vec![false, false, true, true, true, true, true, true, true, true],
        },
        Section::People => Grid {
            header: vec![
                h(Text::People, Unit::None),
                h(Text::Name, Unit::None),
                h(Text::Role, Unit::None),
                h(Text::Branch, Unit::None),
                h(Text::Reward, Unit::ProjectedYuan),
                h(Text::Penalty, Unit::ProjectedYuan),
                h(Text::Net, Unit::ProjectedYuan),
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
                        money(p.reward),
                        money(p.penalty),
                        money(p.net),
                    ]
                })
                .collect(),
            right_aligned: vec![false, false, false, false, true, true, true],
        },
    }
}

/// The report's first line: the month, how far its figures run, and
/// whether they are the whole month or a projection (with the days left).
pub fn heading(report: &MonthReport, lang: Lang) -> String {
    let r = &report.result;
    let mut out = if r.projected {
        let days_left = r.month.last_day().signed_duration_since(r.as_of).num_days();
        crate::i18n::fill(
            Text::ReportHeadingProjected.get(lang),
            &[&r.month, &r.as_of, &days_left],
        )
    } else {
        crate::i18n::fill(Text::ReportHeadingWhole.get(lang), &[&r.month, &r.as_of])
    };
    if report.demo {
        out.push_str(&format!("  [{}]", t(Text::Demo, lang)));
    }
    out
}

/// The whole report as text: a heading and the three tables.
pub fn render_table(report: &MonthReport, lang: Lang) -> String {
    let r = &report.result;
    let mut out = heading(report, lang);
    out.push_str("\n\n");
    for (section, title) in [
        (Section::Stations, Text::Stations),
        (Section::Branches, Text::Branches),
        (Section::People, Text::People),
    ] {
        out.push_str(&format!("{}\n", t(title, lang)));
        out.push_str(&text_grid(report, section, lang).render());
        out.push('\n');
    }
    if let Some(pool) = r.contest_pool {
        out.push_str(&crate::i18n::fill(
            Text::ReportContestPool.get(lang),
            &[&format_grouped(pool)],
        ));
        out.push_str("\n\n");
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
    fn wrapped_text_keeps_every_character_and_fits() {
        let note =
            "站长反映电费缴费机器这几天经常断网，已联系县局技术人员。\nSecond line with some English words in it";
        let wrapped = wrap(note, 20);
        assert!(wrapped.lines().all(|l| l.width() <= 20), "{wrapped}");
        let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert_eq!(strip(&wrapped), strip(note));
        assert!(wrapped.contains("English"), "words are not cut: {wrapped}");
    }

    #[test]
    fn a_cell_of_several_lines_takes_several_lines() {
        let grid = Grid {
            header: vec!["a".into(), "text".into()],
            rows: vec![vec!["1".into(), "第一行\n第二行".into()]],
            right_aligned: vec![false, false],
        };
        let text = grid.render();
        assert_eq!(text.lines().count(), 4, "{text}");
        assert!(text.lines().nth(3).unwrap().ends_with("第二行"), "{text}");
    }

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
