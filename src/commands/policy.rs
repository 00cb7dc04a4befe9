//! `bianmin policy [--toml]`: the policy in effect, version by version
//! (RULES.md R12), or its whole TOML to copy and adapt.

use bianmin::i18n::{fill, Lang, Text};
use bianmin::money::format_yuan;
use bianmin::policy::category::{Category, CategoryRule};
use bianmin::policy::{PolicyVersion, ResolvedPolicy};

use crate::cli::Global;

pub fn run(global: &Global, toml: bool) -> anyhow::Result<()> {
    // A database is consulted only if there is one: printing the policy
    // must not create a file.
    let path = super::db_path(global);
    let store = if path.exists() {
        Some(super::open_store(global)?)
    } else {
        None
    };
    let resolved = super::resolved_policy(global, store.as_ref())?;
    let text = if toml {
        resolved.text.clone()
    } else {
        describe(&resolved, bianmin::i18n::current())
    };
    super::write_stdout(text.as_bytes())
}

fn shown_name(category: &Category, lang: Lang) -> &str {
    match lang {
        Lang::Zh => &category.name,
        Lang::En => &category.name_en,
    }
}

/// A rate as people write it: "1%" of an amount, "0.25" per payment.
fn rule_text(category: &Category, lang: Lang) -> String {
    let percent = |rate: rust_decimal::Decimal| (rate * rust_decimal::Decimal::ONE_HUNDRED).normalize();
    match &category.rule {
        CategoryRule::ShareOfAmount(rate) => fill(Text::PolicyShareOfAmount.get(lang), &[&percent(*rate)]),
        CategoryRule::PerTransaction(rate) => fill(Text::PolicyPerPayment.get(lang), &[&format_yuan(*rate)]),
        CategoryRule::Tiered {
            rural_household_share,
            urban_count,
            ..
        } => {
            let rates = |tiers: &bianmin::policy::tiers::Tiers| {
                tiers
                    .tiers()
                    .iter()
                    .map(|t| format_yuan(t.rate))
                    .collect::<Vec<_>>()
                    .join("/")
            };
            fill(
                Text::PolicyTiered.get(lang),
                &[&rates(rural_household_share), &rates(urban_count)],
            )
        }
    }
}

fn describe_version(out: &mut String, v: &PolicyVersion, until: Option<bianmin::month::Month>, lang: Lang) {
    let t = |text: Text| text.get(lang);
    match until {
        Some(last) => out.push_str(&fill(t(Text::PolicyVersionUntil), &[&v.effective_from, &last])),
        None => out.push_str(&fill(t(Text::PolicyVersionOnwards), &[&v.effective_from])),
    }
    out.push('\n');
    out.push_str(&format!("  {}:\n", t(Text::PolicyCategories)));
    let width = |text: &str| unicode_width::UnicodeWidthStr::width(text);
    let rules: Vec<String> = v.categories.iter().map(|c| rule_text(c, lang)).collect();
    let name_width = v
        .categories
        .iter()
        .map(|c| width(shown_name(c, lang)))
        .max()
        .unwrap_or(0);
    let id_width = v.categories.iter().map(|c| c.id.len()).max().unwrap_or(0);
    let rule_width = rules.iter().map(|r| width(r)).max().unwrap_or(0);
    for (c, rule) in v.categories.iter().zip(&rules) {
        let name = shown_name(c, lang);
        let commission = if c.commission { t(Text::PolicyCommission) } else { "" };
        let line = format!(
            "    {name}{}  {:<id_width$}  {rule}{}  {commission}",
            " ".repeat(name_width - width(name)),
            c.id,
            " ".repeat(rule_width - width(rule)),
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&format!(
        "  {}\n",
        fill(
            t(Text::PolicyValidity),
            &[&v.validity.min_payments, &v.validity.min_card]
        )
    ));
    out.push_str(&format!(
        "  {}\n",
        fill(
            t(Text::PolicyMaintenance),
            &[
                &format_yuan(v.maintenance.base),
                &v.maintenance.commission_rate.normalize()
            ]
        )
    ));
    let withholding = match &v.withholding {
        Some(w) => fill(
            t(Text::PolicyWithholding),
            &[&format_yuan(w.withhold), &format_yuan(w.bar_amount), &w.bar_count],
        ),
        None => t(Text::PolicyNoWithholding).to_string(),
    };
    out.push_str(&format!("  {withholding}\n"));
    out.push_str(&format!(
        "  {}\n",
        fill(t(Text::PolicyExitWatchlist), &[&v.exit_watchlist.after_months])
    ));
}

/// The policy, version by version, in words.
pub fn describe(resolved: &ResolvedPolicy, lang: Lang) -> String {
    let policy = &resolved.policy;
    let mut out = format!("{} ({})\n", policy.name, policy.id);
    out.push_str(&fill(Text::PolicyFrom.get(lang), &[&resolved.source]));
    out.push('\n');
    out.push_str(&fill(Text::PolicyVersions.get(lang), &[&policy.versions.len()]));
    out.push_str("\n\n");
    for (i, v) in policy.versions.iter().enumerate() {
        let until = policy.versions.get(i + 1).map(|next| next.effective_from.prev());
        describe_version(&mut out, v, until, lang);
        out.push('\n');
    }
    out
}
