//! `bianmin watchlist [--month M] [--format table|json]`: the exit
//! candidates of a finished month (RULES.md R15).

use anyhow::Context;
use bianmin::county::{build_watchlist, last_finished_month, Watchlist};
use bianmin::i18n::{fill, Lang, Text};
use bianmin::money::format_yuan;
use bianmin::month::Month;
use bianmin::report::table::Grid;
use bianmin::store::Store;

use crate::cli::{Global, WatchlistArgs, WatchlistFormat};

pub fn run(global: &Global, args: &WatchlistArgs) -> anyhow::Result<()> {
    let store = super::open_store(global)?;
    let policy = super::policy_in_effect(global, Some(&store))?;
    let month = match &args.month {
        Some(text) => text.parse::<Month>().map_err(anyhow::Error::msg).context("--month")?,
        None => last_finished_month(&store)?,
    };
    let watchlist = build_watchlist(&store, &policy, month)?;
    let text = match args.format {
        WatchlistFormat::Json => watchlist.to_json(),
        WatchlistFormat::Table => render(&store, &watchlist, bianmin::i18n::current())?,
    };
    super::write_stdout(text.as_bytes())
}

/// The list as a table: a row per station and missed month.
fn render(store: &Store, watchlist: &Watchlist, lang: Lang) -> anyhow::Result<String> {
    let t = |text: Text| text.get(lang).to_string();
    let people: std::collections::HashMap<String, String> =
        store.people()?.into_iter().map(|p| (p.id, p.name)).collect();
    let branches: std::collections::HashMap<String, String> =
        store.branches()?.into_iter().map(|b| (b.id, b.name)).collect();
    let mut out = fill(
        Text::WatchlistTitle.get(lang),
        &[&watchlist.month, &watchlist.after_months, &watchlist.entries.len()],
    );
    out.push_str("\n\n");
    if watchlist.entries.is_empty() {
        out.push_str(Text::WatchlistEmpty.get(lang));
        out.push('\n');
        return Ok(out);
    }
    let mut rows = Vec::new();
    for e in &watchlist.entries {
        for (i, m) in e.months.iter().enumerate() {
            let plan = m.plan.expect("a missed month has a plan");
            let first = i == 0;
            let name = if e.new {
                format!("{} [{}]", e.name, t(Text::NewStation))
            } else {
                e.name.clone()
            };
            let cell = |text: String| if first { text } else { String::new() };
            rows.push(vec![
                cell(e.station.clone()),
                cell(name),
                cell(branches.get(&e.branch).cloned().unwrap_or_else(|| e.branch.clone())),
                cell(
                    people
                        .get(&e.maintainer)
                        .cloned()
                        .unwrap_or_else(|| e.maintainer.clone()),
                ),
                m.month.to_string(),
                format_yuan(m.payment_amount),
                format_yuan(plan.collection_target),
                format_yuan(m.distribution_sales),
                format_yuan(plan.distribution_target),
            ]);
        }
    }
    let grid = Grid {
        header: vec![
            t(Text::StationCode),
            t(Text::Name),
            t(Text::Branch),
            t(Text::Maintainer),
            t(Text::Month),
            t(Text::PaymentAmount),
            t(Text::CollectionTarget),
            t(Text::DistributionSales),
            t(Text::DistributionTarget),
        ],
        rows,
        right_aligned: vec![false, false, false, false, false, true, true, true, true],
    };
    out.push_str(&grid.render());
    Ok(out)
}
