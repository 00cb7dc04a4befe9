//! R11: one statement per station — what it earned, line by line, with
//! the rule behind each line — for the maintainer to take to the station
//! for signature by the 12th. Printable text or PDF-ready HTML.

use std::fmt::Write as _;

use super::MonthReport;
use crate::i18n::{category_name_in, fill, referral_name, Lang, Text};
use crate::money::format_yuan;
use crate::policy::StationResult;

/// One line of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    pub item: String,
    pub basis: String,
    pub rule: &'static str,
    pub amount: String,
}

/// A station's statement, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub station_id: String,
    pub title: String,
    pub heading: Vec<(String, String)>,
    pub lines: Vec<StatementLine>,
    pub total: String,
    /// R14: what is withheld and released this month, then the payable
    /// amount; empty when the month's version withholds nothing.
    pub withholding: Vec<StatementLine>,
    pub payable: Option<String>,
    pub notes: Vec<String>,
}

/// A rate as people write it: money rates with two decimals ("0.20"),
/// finer ones in full.
fn rate_shown(rate: rust_decimal::Decimal) -> String {
    let plain = rate.normalize();
    if plain.scale() <= 2 {
        format_yuan(rate)
    } else {
        plain.to_string()
    }
}

fn rate_text(line: &crate::policy::result::PaymentLine, lang: Lang) -> String {
    if line.per_transaction {
        format!(
            "{} × {} {}",
            line.count,
            rate_shown(line.rate),
            Text::PerTransaction.get(lang)
        )
    } else {
        let percent = (line.rate * rust_decimal::Decimal::ONE_HUNDRED).normalize();
        format!("{} {} × {percent}%", Text::OfAmount.get(lang), format_yuan(line.amount))
    }
}

/// The file name of a station's statement: `S001-2026-10.txt`, the code
/// made safe by [`safe_file_stem`](super::file_name::safe_file_stem) so that
/// joined to the output folder it names a file in that folder, whatever
/// the database holds.
pub fn file_name(station_id: &str, month: crate::month::Month, extension: &str) -> String {
    format!("{}-{month}.{extension}", super::file_name::safe_file_stem(station_id))
}

/// Builds the statement of one station from the engine's result.
pub fn statement(report: &MonthReport, s: &StationResult, lang: Lang) -> Statement {
    let r = &report.result;
    let mut lines = Vec::new();
    for line in &s.reward.payments {
        if line.count == 0 && line.reward.is_zero() {
            continue;
        }
        lines.push(StatementLine {
            item: category_name_in(r, &line.category, lang).to_string(),
            basis: rate_text(line, lang),
            rule: "R2",
            amount: format_yuan(line.reward),
        });
    }
    if s.card_valid > 0 || s.card_raw > 0 {
        lines.push(StatementLine {
            item: Text::Card.get(lang).to_string(),
            basis: format!(
                "{} × {} {} ({} {}, {} {})",
                s.card_valid,
                rate_shown(s.reward.card_rate),
                Text::PerTransaction.get(lang),
                Text::CardValid.get(lang),
                s.card_valid,
                Text::CardRaw.get(lang),
                s.card_raw
            ),
            rule: "R1 R3",
            amount: format_yuan(s.reward.card),
        });
    }
    for referral in &s.reward.referral_lines {
        lines.push(StatementLine {
            item: referral_name(&referral.kind, lang),
            basis: format!(
                "{} × {} {}",
                referral.count,
                format_yuan(referral.rate),
                Text::Yuan.get(lang)
            ),
            rule: "R4",
            amount: format_yuan(referral.reward),
        });
    }

    let station = report.stations.get(&s.id);
    let mut notes = Vec::new();
    if !s.comms_fee_covered.is_zero() {
        notes.push(format!(
            "{} ({} {})",
            Text::StatementCommsNote.get(lang),
            format_yuan(s.comms_fee_covered),
            Text::Yuan.get(lang)
        ));
    }
    if s.provisional {
        notes.push(Text::StatementProvisional.get(lang).to_string());
    }
    if station.is_some_and(|st| !st.has_green_card) {
        notes.push(Text::StatementNoGreenCard.get(lang).to_string());
    }
    let validity = if s.counts_as_valid {
        Text::StatusValid
    } else {
        Text::StatusInvalid
    };
    notes.push(format!(
        "{} (R5): {} — {} {}, {} {}. {} (R6): {} {}. {}",
        Text::StatementValidity.get(lang),
        validity.get(lang),
        Text::Payments.get(lang),
        s.payment_count,
        Text::CardValid.get(lang),
        s.card_valid,
        Text::Maintenance.get(lang),
        format_yuan(s.maintenance.total),
        Text::Yuan.get(lang),
        Text::StatementMaintenanceNote.get(lang),
    ));
    if r.projected {
        notes.push(format!(
            "{} ({} {})",
            Text::Projected.get(lang),
            Text::AsOf.get(lang),
            r.as_of
        ));
    }
    let (withholding, payable) = withholding_lines(s, lang, &mut notes);

    Statement {
        station_id: s.id.clone(),
        title: Text::StatementTitle.get(lang).to_string(),
        heading: vec![
            (
                Text::Station.get(lang).to_string(),
                format!("{} ({})", report.station_name(&s.id), s.id),
            ),
            (
                Text::Branch.get(lang).to_string(),
                report.branch_name(&s.branch).to_string(),
            ),
            (
                Text::Maintainer.get(lang).to_string(),
                report.person_name(&s.maintainer).to_string(),
            ),
            (Text::StatementMonth.get(lang).to_string(), r.month.to_string()),
        ],
        lines,
        total: format_yuan(s.reward.total),
        withholding,
        payable,
        notes,
    }
}

/// R14 on a statement: the amount withheld and released, the payable
/// amount, and why (the month's figures against the bar, and what the
/// quarter's end does with the money).
fn withholding_lines(s: &StationResult, lang: Lang, notes: &mut Vec<String>) -> (Vec<StatementLine>, Option<String>) {
    let Some(w) = s.withholding else {
        return (Vec::new(), None);
    };
    let mut lines = vec![StatementLine {
        item: Text::Withheld.get(lang).to_string(),
        basis: fill(Text::WithheldBasis.get(lang), &[&format_yuan(w.withheld)]),
        rule: "R14",
        amount: format_yuan(-w.withheld),
    }];
    if w.quarter_end {
        lines.push(StatementLine {
            item: Text::Released.get(lang).to_string(),
            basis: fill(
                Text::ReleasedBasis.get(lang),
                &[&format_yuan(w.released), &format_yuan(w.forfeited)],
            ),
            rule: "R14",
            amount: format_yuan(w.released),
        });
    }
    let bar = fill(
        Text::WithholdingBar.get(lang),
        &[
            &format_yuan(s.payment_amount),
            &s.payment_count,
            &format_yuan(w.bar_amount),
            &w.bar_count,
        ],
    );
    let verdict = if w.met { Text::BarMet } else { Text::BarMissed };
    let outcome = if w.quarter_end {
        fill(
            Text::QuarterSettled.get(lang),
            &[&format_yuan(w.released), &format_yuan(w.forfeited)],
        )
    } else {
        fill(
            Text::QuarterPending.get(lang),
            &[&format_yuan(w.pending_release), &format_yuan(w.pending_forfeit)],
        )
    };
    notes.push(format!("R14: {bar}: {}. {outcome}", verdict.get(lang)));
    (lines, Some(format_yuan(w.payable)))
}

/// Plain text, for printing on any printer.
pub fn to_text(st: &Statement, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", st.title);
    for (k, v) in &st.heading {
        let _ = writeln!(out, "{k}: {v}");
    }
    let _ = writeln!(out, "\n{}\n", Text::StatementIntro.get(lang));
    let grid = super::table::Grid {
        header: vec![
            Text::Name.get(lang).to_string(),
            Text::Rate.get(lang).to_string(),
            Text::Rule.get(lang).to_string(),
            Text::Amount.get(lang).to_string(),
        ],
        rows: st
            .lines
            .iter()
            .map(|l| vec![l.item.clone(), l.basis.clone(), l.rule.to_string(), l.amount.clone()])
            .chain(std::iter::once(vec![
                Text::Total.get(lang).to_string(),
                String::new(),
                "R2+R3+R4".to_string(),
                st.total.clone(),
            ]))
            .chain(
                st.withholding
                    .iter()
                    .map(|l| vec![l.item.clone(), l.basis.clone(), l.rule.to_string(), l.amount.clone()]),
            )
            .chain(st.payable.iter().map(|p| {
                vec![
                    Text::Payable.get(lang).to_string(),
                    String::new(),
                    "R14".to_string(),
                    p.clone(),
                ]
            }))
            .collect(),
        right_aligned: vec![false, false, false, true],
    };
    out.push_str(&grid.render());
    out.push('\n');
    for note in &st.notes {
        let _ = writeln!(out, "* {note}");
    }
    let _ = writeln!(out, "\n{}\n", Text::StatementDeadline.get(lang));
    for who in [Text::StatementSignStation, Text::StatementSignMaintainer] {
        let _ = writeln!(
            out,
            "{}: ____________________   {}: ____________",
            who.get(lang),
            Text::StatementDate.get(lang)
        );
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html_row(out: &mut String, l: &StatementLine) {
    let _ = writeln!(
        out,
        "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"amount\">{}</td></tr>",
        escape(&l.item),
        escape(&l.basis),
        l.rule,
        l.amount
    );
}

/// A self-contained HTML page that prints on one A4 sheet (PDF-ready).
pub fn to_html(st: &Statement, lang: Lang) -> String {
    let mut out = String::new();
    let html_lang = match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\"><head><meta charset=\"utf-8\"><title>{} {}</title>\n<style>\n\
         @page {{ size: A4; margin: 18mm; }}\n\
         body {{ font-family: 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif; font-size: 11pt; }}\n\
         h1 {{ font-size: 16pt; text-align: center; }}\n\
         table {{ border-collapse: collapse; width: 100%; margin: 1em 0; }}\n\
         th, td {{ border: 1px solid #444; padding: 4px 6px; }}\n\
         td.amount {{ text-align: right; font-variant-numeric: tabular-nums; }}\n\
         tr.total td {{ font-weight: bold; }}\n\
         .sign {{ margin-top: 2.5em; display: flex; justify-content: space-between; }}\n\
         </style></head><body>\n",
        escape(&st.title),
        escape(&st.station_id)
    );
    let _ = writeln!(out, "<h1>{}</h1>", escape(&st.title));
    out.push_str("<dl>\n");
    for (k, v) in &st.heading {
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
    }
    out.push_str("</dl>\n");
    let _ = writeln!(out, "<p>{}</p>", escape(Text::StatementIntro.get(lang)));
    let _ = writeln!(
        out,
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        escape(Text::Name.get(lang)),
        escape(Text::Rate.get(lang)),
        escape(Text::Rule.get(lang)),
        escape(Text::Amount.get(lang))
    );
    for l in &st.lines {
        html_row(&mut out, l);
    }
    let _ = writeln!(
        out,
        "<tr class=\"total\"><td>{}</td><td></td><td>R2+R3+R4</td><td class=\"amount\">{}</td></tr>",
        escape(Text::Total.get(lang)),
        st.total
    );
    for l in &st.withholding {
        html_row(&mut out, l);
    }
    if let Some(payable) = &st.payable {
        let _ = writeln!(
            out,
            "<tr class=\"total\"><td>{}</td><td></td><td>R14</td><td class=\"amount\">{}</td></tr>",
            escape(Text::Payable.get(lang)),
            payable
        );
    }
    out.push_str("</tbody></table>\n");
    out.push_str("<ul>\n");
    for note in &st.notes {
        let _ = writeln!(out, "<li>{}</li>", escape(note));
    }
    out.push_str("</ul>\n");
    let _ = writeln!(out, "<p>{}</p>", escape(Text::StatementDeadline.get(lang)));
    for who in [Text::StatementSignStation, Text::StatementSignMaintainer] {
        let _ = writeln!(
            out,
            "<div class=\"sign\"><span>{}: ______________________</span><span>{}: ____________</span></div>",
            escape(who.get(lang)),
            escape(Text::StatementDate.get(lang))
        );
    }
    out.push_str("</body></html>\n");
    out
}
