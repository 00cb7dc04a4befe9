//! `bianmin dispute list|resolve`: the county's queue of disputes (a
//! station's statement, a branch sheet) with the computed figure and any
//! resolution, and resolving one — on the county server's own database,
//! or on a county clerk's connected laptop, whence it syncs.

use anyhow::Context;
use bianmin::config::{default_config_path, Config};
use bianmin::i18n::{self, trf, Text};
use bianmin::money::{format_yuan, parse_yuan};
use bianmin::payout::disputes::{queue, queue_grid, QueueEntry};
use bianmin::records::{NewResolution, ResolutionOutcome};
use bianmin::store::facts::{fen_from_yuan, yuan_from_fen};
use chrono::Utc;

use super::signoff::{month_or_last, whereabouts};
use crate::cli::{DisputeAction, DisputeFormat, Global};

pub fn run(global: &Global, action: DisputeAction) -> anyhow::Result<()> {
    match action {
        DisputeAction::List { month, format } => list(global, month.as_deref(), format),
        DisputeAction::Resolve {
            uuid,
            accept,
            reject: _,
            amount,
            reason,
        } => resolve(global, &uuid, accept, amount.as_deref(), &reason),
    }
}

fn list(global: &Global, month: Option<&str>, format: DisputeFormat) -> anyhow::Result<()> {
    let lang = i18n::current();
    let store = super::open_store(global)?;
    let policy = super::policy_in_effect(global, Some(&store))?;
    let month = month_or_last(&store, month)?;
    let entries: Vec<QueueEntry> = queue(&store, &policy, month)?;
    let text = match format {
        DisputeFormat::Json => {
            let mut text = serde_json::to_string_pretty(&entries)?;
            text.push('\n');
            text
        }
        DisputeFormat::Table if entries.is_empty() => format!("{}\n", trf(Text::DisputeNone, &[&month])),
        DisputeFormat::Table => {
            let open = entries.iter().filter(|e| e.open).count();
            let mut text = queue_grid(&entries, lang).render();
            text.push_str(&trf(Text::DisputeSummary, &[&month, &entries.len(), &open]));
            text.push('\n');
            text
        }
    };
    super::write_stdout(text.as_bytes())
}

fn resolve(global: &Global, uuid: &str, accept: bool, amount: Option<&str>, reason: &str) -> anyhow::Result<()> {
    let store = super::open_store(global)?;
    let config_path = default_config_path();
    let config = Config::load(&config_path)?;
    let who = store
        .author(global.person.as_deref(), config.person.as_deref())??
        .with_context(|| trf(Text::ChainWhoResolves, &[&config_path.display()]))?;
    let signoff_uuid = store.find_signoff(uuid)?;
    let corrected_fen = amount
        .map(|text| {
            parse_yuan(text)
                .ok()
                .and_then(fen_from_yuan)
                .with_context(|| format!("--amount {text:?}"))
        })
        .transpose()?;
    let outcome = if accept {
        ResolutionOutcome::Accepted
    } else {
        ResolutionOutcome::Rejected
    };
    let resolution = store.resolve_dispute(
        &NewResolution {
            signoff_uuid,
            outcome,
            corrected_fen,
            reason: reason.to_string(),
            author_id: who,
            resolved_on: store.today()?,
        },
        Utc::now(),
    )?;
    super::write_stdout(format!("{}\n", resolution.uuid).as_bytes())?;
    let answer = match resolution.corrected_fen {
        Some(fen) => trf(Text::DisputeAccepted, &[&format_yuan(yuan_from_fen(fen))]),
        None => i18n::tr(Text::DisputeRejected).to_string(),
    };
    eprintln!(
        "{}",
        trf(
            Text::DisputeResolved,
            &[&resolution.signoff_uuid, &answer, &whereabouts(&store)?]
        )
    );
    Ok(())
}
