//! R11: one statement per station — what it earned, line by line, with
//! the rule behind each line in words — for the maintainer to take to the
//! station for signature by the 12th. Printable text or PDF-ready HTML.
//!
//! Written for the station keeper: amounts in yuan with thousands
//! separators, a count ("12 笔 × 0.25 元/笔") never looks like an amount
//! ("代收金额 216.04 元 × 1%"), each rule by its name and clause of the
//! policy document (never "R2"), a projection said to be one, and where
//! the sign-off stands (a dispute with its reason; overdue after the 12th).

use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::rules::Rule;
use super::MonthReport;
use crate::i18n::{category_name_in, fill, referral_name, Lang, Text};
use crate::money::{format_grouped, format_yuan};
use crate::month::Month;
use crate::payout::holds::{statement_standing, StatementStanding};
use crate::payout::steps::{standing, Standing, Step};
use crate::policy::StationResult;
use crate::records::Resolution;
use crate::records::Signoff;

/// One line of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    pub item: String,
    /// How the amount is computed, in words with units.
    pub basis: String,
    /// The rule, by name and clause.
    pub rule: String,
    /// The engine's figure.
    pub amount: Decimal,
}

/// Where the station's sign-off of the statement stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignoffLine {
    pub text: String,
    /// Unsigned past the deadline (R11: the 12th of the month after).
    pub overdue: bool,
    pub disputed: bool,
}

/// A station's statement, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub station_id: String,
    pub title: String,
    pub heading: Vec<(String, String)>,
    pub lines: Vec<StatementLine>,
    pub total: Decimal,
    /// R14: what is withheld and released this month, then the payable
    /// amount; empty when the month's version withholds nothing.
    pub withholding: Vec<StatementLine>,
    pub payable: Option<Decimal>,
    pub notes: Vec<String>,
    /// "Please sign by …".
    pub deadline: String,
    /// Where the sign-off stands (none for a month still running).
    pub signoff: Option<SignoffLine>,
}

/// A rate as people write it: money rates with two decimals ("0.20"),
/// finer ones in full.
fn rate_shown(rate: Decimal) -> String {
    let plain = rate.normalize();
    if plain.scale() <= 2 {
        format_yuan(rate)
    } else {
        plain.to_string()
    }
}

fn payment_basis(line: &crate::policy::result::PaymentLine, lang: Lang) -> String {
    if line.per_transaction {
        let text = if line.count == 1 {
            Text::BasisPerPaymentOne
        } else {
            Text::BasisPerPayment
        };
        fill(text.get(lang), &[&line.count, &rate_shown(line.rate)])
    } else {
        let percent = (line.rate * Decimal::ONE_HUNDRED).normalize();
        fill(
            Text::BasisShareOfAmount.get(lang),
            &[&format_grouped(line.amount), &percent],
        )
    }
}

/// The file name of a station's statement: `S001-2026-10.txt`, the code
/// made safe by [`safe_file_stem`](super::file_name::safe_file_stem) so that
/// joined to the output folder it names a file in that folder, whatever
/// the database holds.
pub fn file_name(station_id: &str, month: Month, extension: &str) -> String {
    format!("{}-{month}.{extension}", super::file_name::safe_file_stem(station_id))
}

/// The last day to sign a month's statements (R11).
pub fn sign_by(month: Month) -> NaiveDate {
    Step::StationsSigned.due(month)
}

/// Builds the statement of one station from the engine's result (without
/// its sign-off: see [`signoff_line`]).
pub fn statement(report: &MonthReport, s: &StationResult, lang: Lang) -> Statement {
    let r = &report.result;
    let mut lines = Vec::new();
    for line in &s.reward.payments {
        if line.count == 0 && line.reward.is_zero() {
            continue;
        }
        lines.push(StatementLine {
            item: category_name_in(r, &line.category, lang).to_string(),
            basis: payment_basis(line, lang),
            rule: Rule::Payments.words(lang).to_string(),
            amount: line.reward,
        });
    }
    if s.card_valid > 0 || s.card_raw > 0 {
        lines.push(StatementLine {
            item: Text::Card.get(lang).to_string(),
            basis: fill(
                Text::BasisCard.get(lang),
                &[&s.card_valid, &rate_shown(s.reward.card_rate), &s.card_raw],
            ),
            rule: format!("{} · {}", Rule::Card.words(lang), Rule::CardCap.words(lang)),
            amount: s.reward.card,
        });
    }
    for referral in &s.reward.referral_lines {
        lines.push(StatementLine {
            item: referral_name(&referral.kind, lang),
            basis: fill(
                Text::BasisPerReferral.get(lang),
                &[&referral.count, &format_yuan(referral.rate)],
            ),
            rule: Rule::Referrals.words(lang).to_string(),
            amount: referral.reward,
        });
    }

    let station = report.stations.get(&s.id);
    let mut notes = Vec::new();
    if r.projected {
        let days_left = r.month.last_day().signed_duration_since(r.as_of).num_days();
        notes.push(fill(
            Text::StatementProjectedNote.get(lang),
            &[&r.as_of, &days_left, &Rule::Projection.words(lang)],
        ));
    }
    if !s.comms_fee_covered.is_zero() {
        notes.push(fill(
            Text::StatementCommsCovered.get(lang),
            &[&format_grouped(s.comms_fee_covered)],
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
    notes.push(fill(
        Text::StatementValidityLine.get(lang),
        &[
            &Rule::Validity.words(lang),
            &validity.get(lang),
            &s.payment_count,
            &report.version.validity.min_payments,
            &s.card_valid,
            &report.version.validity.min_card,
        ],
    ));
    notes.push(fill(
        Text::StatementMaintenanceLine.get(lang),
        &[
            &Rule::Maintenance.words(lang),
            &format_grouped(s.maintenance.total),
            &format_grouped(s.maintenance.base),
            &format_grouped(s.maintenance.commission),
        ],
    ));
    let (withholding, payable) = withholding_lines(s, lang, &mut notes);

    let mut heading = vec![
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
    ];
    if r.projected {
        heading.push((Text::AsOf.get(lang).to_string(), r.as_of.to_string()));
    }
    let title = if r.projected {
        fill(
            Text::StatementTitleProjected.get(lang),
            &[&Text::StatementTitle.get(lang)],
        )
    } else {
        Text::StatementTitle.get(lang).to_string()
    };
    Statement {
        station_id: s.id.clone(),
        title,
        heading,
        lines,
        total: s.reward.total,
        withholding,
        payable,
        notes,
        deadline: fill(
            Text::StatementSignBy.get(lang),
            &[&sign_by(r.month), &Rule::Payout.words(lang)],
        ),
        signoff: None,
    }
}

/// Where a station's sign-off of `month`'s statement stands on `today`,
/// in words: signed (when, by whom), disputed (with the reason), or not
/// yet, and overdue past the 12th of the month after.
pub fn signoff_line(
    report: &MonthReport,
    signoff: Option<&Signoff>,
    resolution: Option<&Resolution>,
    month: Month,
    today: NaiveDate,
    lang: Lang,
) -> SignoffLine {
    let due = sign_by(month);
    let who = |s: &Signoff| report.person_name(&s.editor_id).to_string();
    match (statement_standing(signoff, resolution), signoff) {
        (StatementStanding::Signed, Some(s)) => SignoffLine {
            text: fill(Text::SignoffSignedOn.get(lang), &[&s.signed_on, &who(s)]),
            overdue: false,
            disputed: false,
        },
        (StatementStanding::Disputed, Some(s)) => SignoffLine {
            text: fill(
                Text::SignoffDisputedOn.get(lang),
                &[
                    &s.signed_on,
                    &who(s),
                    &s.reason.as_deref().unwrap_or(Text::None.get(lang)),
                ],
            ),
            overdue: false,
            disputed: true,
        },
        (StatementStanding::Resolved { corrected_fen }, Some(s)) => {
            let answer = match (corrected_fen, resolution) {
                (Some(fen), Some(r)) => fill(
                    Text::SignoffResolvedAccepted.get(lang),
                    &[&r.resolved_on, &format_grouped(Decimal::new(fen, 2)), &r.reason],
                ),
                (None, Some(r)) => fill(Text::SignoffResolvedRejected.get(lang), &[&r.resolved_on, &r.reason]),
                _ => String::new(),
            };
            SignoffLine {
                text: format!(
                    "{} {answer}",
                    fill(
                        Text::SignoffDisputedOn.get(lang),
                        &[
                            &s.signed_on,
                            &who(s),
                            &s.reason.as_deref().unwrap_or(Text::None.get(lang)),
                        ],
                    )
                ),
                overdue: false,
                disputed: false,
            }
        }
        _ => match standing(due, false, today) {
            Standing::Overdue { days } => SignoffLine {
                text: fill(Text::SignoffOverdue.get(lang), &[&due, &days]),
                overdue: true,
                disputed: false,
            },
            _ => SignoffLine {
                text: fill(Text::SignoffNotYet.get(lang), &[&due]),
                overdue: false,
                disputed: false,
            },
        },
    }
}

/// R14 on a statement: the amount withheld and released, the payable
/// amount, and why (the month's figures against the bar, and what the
/// quarter's end does with the money).
fn withholding_lines(s: &StationResult, lang: Lang, notes: &mut Vec<String>) -> (Vec<StatementLine>, Option<Decimal>) {
    let Some(w) = s.withholding else {
        return (Vec::new(), None);
    };
    let rule = Rule::Withholding.words(lang).to_string();
    let mut lines = vec![StatementLine {
        item: Text::Withheld.get(lang).to_string(),
        basis: fill(Text::WithheldBasis.get(lang), &[&format_grouped(w.withheld)]),
        rule: rule.clone(),
        amount: -w.withheld,
    }];
    if w.quarter_end {
        lines.push(StatementLine {
            item: Text::Released.get(lang).to_string(),
            basis: fill(
                Text::ReleasedBasis.get(lang),
                &[&format_grouped(w.released), &format_grouped(w.forfeited)],
            ),
            rule: rule.clone(),
            amount: w.released,
        });
    }
    let bar = fill(
        Text::WithholdingBar.get(lang),
        &[
            &format_grouped(s.payment_amount),
            &s.payment_count,
            &format_grouped(w.bar_amount),
            &w.bar_count,
        ],
    );
    let verdict = if w.met { Text::BarMet } else { Text::BarMissed };
    let outcome = if w.quarter_end {
        fill(
            Text::QuarterSettled.get(lang),
            &[&format_grouped(w.released), &format_grouped(w.forfeited)],
        )
    } else {
        fill(
            Text::QuarterPending.get(lang),
            &[&format_grouped(w.pending_release), &format_grouped(w.pending_forfeit)],
        )
    };
    notes.push(fill(
        Text::StatementWithholdingNote.get(lang),
        &[&rule, &bar, &verdict.get(lang), &outcome],
    ));
    (lines, Some(w.payable))
}

/// The statement's table: item, how it is computed, the rule, the amount.
fn rows(st: &Statement, lang: Lang) -> Vec<[String; 4]> {
    let line = |l: &StatementLine| {
        [
            l.item.clone(),
            l.basis.clone(),
            l.rule.clone(),
            format_grouped(l.amount),
        ]
    };
    let mut rows: Vec<[String; 4]> = st.lines.iter().map(line).collect();
    rows.push([
        Text::Total.get(lang).to_string(),
        String::new(),
        Rule::StationReward.words(lang).to_string(),
        format_grouped(st.total),
    ]);
    rows.extend(st.withholding.iter().map(line));
    if let Some(payable) = st.payable {
        rows.push([
            Text::Payable.get(lang).to_string(),
            String::new(),
            Rule::Withholding.words(lang).to_string(),
            format_grouped(payable),
        ]);
    }
    rows
}

fn header(lang: Lang) -> [&'static str; 4] {
    [
        Text::StatementItem.get(lang),
        Text::StatementHow.get(lang),
        Text::Rule.get(lang),
        Text::AmountYuan.get(lang),
    ]
}

/// The amount to sign for: the payable amount, else the total.
fn amount_to_sign(st: &Statement) -> Decimal {
    st.payable.unwrap_or(st.total)
}

/// Plain text, for printing on any printer.
pub fn to_text(st: &Statement, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", st.title);
    for (k, v) in &st.heading {
        let _ = writeln!(out, "{}", fill(Text::LabelValue.get(lang), &[k, v]));
    }
    let _ = writeln!(out, "\n{}\n", Text::StatementIntro.get(lang));
    let grid = super::table::Grid {
        header: header(lang).map(String::from).to_vec(),
        rows: rows(st, lang).into_iter().map(|r| r.to_vec()).collect(),
        right_aligned: vec![false, false, false, true],
    };
    out.push_str(&grid.render());
    let _ = writeln!(
        out,
        "\n{}\n",
        fill(
            Text::StatementAmountLine.get(lang),
            &[&format_grouped(amount_to_sign(st))]
        )
    );
    for note in &st.notes {
        let _ = writeln!(out, "* {note}");
    }
    if let Some(signoff) = &st.signoff {
        let mark = if signoff.overdue || signoff.disputed { "!! " } else { "" };
        let _ = writeln!(
            out,
            "\n{mark}{}",
            fill(
                Text::LabelValue.get(lang),
                &[&Text::StatementSignoffStatus.get(lang), &signoff.text]
            )
        );
    }
    let _ = writeln!(out, "\n{}\n", st.deadline);
    for who in [Text::StatementSignStation, Text::StatementSignMaintainer] {
        let _ = writeln!(
            out,
            "{}   {}",
            fill(Text::LabelValue.get(lang), &[&who.get(lang), &"____________________"]),
            fill(
                Text::LabelValue.get(lang),
                &[&Text::StatementDate.get(lang), &"____________"]
            )
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
         @page {{ size: A4; margin: 16mm; }}\n\
         body {{ font-family: 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif; font-size: 10.5pt; }}\n\
         h1 {{ font-size: 16pt; text-align: center; }}\n\
         dl {{ display: grid; grid-template-columns: max-content auto; gap: 2px 12px; }}\n\
         dt {{ font-weight: bold; }} dd {{ margin: 0; }}\n\
         table {{ border-collapse: collapse; width: 100%; margin: 1em 0; }}\n\
         th, td {{ border: 1px solid #444; padding: 4px 6px; vertical-align: top; }}\n\
         td.amount, th.amount {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}\n\
         td.rule {{ font-size: 9pt; }}\n\
         td:first-child {{ white-space: nowrap; }}\n\
         tr.total td {{ font-weight: bold; }}\n\
         p.sum {{ font-size: 12pt; font-weight: bold; }}\n\
         p.signoff {{ border: 1px solid #444; padding: 4px 8px; }}\n\
         p.alert {{ color: #b00000; border-color: #b00000; font-weight: bold; }}\n\
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
    let [item, how, rule, amount] = header(lang);
    let _ = writeln!(
        out,
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"amount\">{}</th></tr></thead><tbody>",
        escape(item),
        escape(how),
        escape(rule),
        escape(amount)
    );
    let totals = [Text::Total.get(lang), Text::Payable.get(lang)];
    for [item, basis, rule, amount] in rows(st, lang) {
        let class = if totals.contains(&item.as_str()) && basis.is_empty() {
            " class=\"total\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<tr{class}><td>{}</td><td>{}</td><td class=\"rule\">{}</td><td class=\"amount\">{}</td></tr>",
            escape(&item),
            escape(&basis),
            escape(&rule),
            escape(&amount)
        );
    }
    out.push_str("</tbody></table>\n");
    let _ = writeln!(
        out,
        "<p class=\"sum\">{}</p>",
        escape(&fill(
            Text::StatementAmountLine.get(lang),
            &[&format_grouped(amount_to_sign(st))]
        ))
    );
    out.push_str("<ul>\n");
    for note in &st.notes {
        let _ = writeln!(out, "<li>{}</li>", escape(note));
    }
    out.push_str("</ul>\n");
    if let Some(signoff) = &st.signoff {
        let class = if signoff.overdue || signoff.disputed {
            "signoff alert"
        } else {
            "signoff"
        };
        let _ = writeln!(
            out,
            "<p class=\"{class}\">{}</p>",
            escape(&fill(
                Text::LabelValue.get(lang),
                &[&Text::StatementSignoffStatus.get(lang), &signoff.text]
            ))
        );
    }
    let _ = writeln!(out, "<p>{}</p>", escape(&st.deadline));
    for who in [Text::StatementSignStation, Text::StatementSignMaintainer] {
        let _ = writeln!(
            out,
            "<div class=\"sign\"><span>{}</span><span>{}</span></div>",
            escape(&fill(
                Text::LabelValue.get(lang),
                &[&who.get(lang), &"______________________"]
            )),
            escape(&fill(
                Text::LabelValue.get(lang),
                &[&Text::StatementDate.get(lang), &"____________"]
            ))
        );
    }
    out.push_str("</body></html>\n");
    out
}
