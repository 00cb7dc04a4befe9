//! `bianmin signoff station|branch`: sign a month's statement of a station,
//! or a branch sheet as its manager or one of its maintainers, or dispute
//! it with a reason. Written as the laptop's token person (else `--as` or
//! the config's), queued for the next sync.

use anyhow::{bail, Context};
use bianmin::config::{default_config_path, Config};
use bianmin::i18n::{tr, trf, Text};
use bianmin::month::Month;
use bianmin::records::{BranchRole, NewBranchSignoff};
use bianmin::records::{NewSignoff, Outcome};
use bianmin::store::Store;
use chrono::Utc;

use crate::cli::{Global, SheetRoleArg, SignoffAction};

/// The reward month: `--month`, else last month; a month not over is
/// refused (its statements are signed after it ends).
pub fn month_or_last(store: &Store, month: Option<&str>) -> anyhow::Result<Month> {
    let current = Month::of(store.today()?);
    let month = match month {
        Some(text) => text.parse().map_err(anyhow::Error::msg).context("--month")?,
        None => current.prev(),
    };
    Ok(month)
}

/// Where a record written here goes: to the server at the next sync, or
/// nowhere (it is on the server already, or in the demo).
pub fn whereabouts(store: &Store) -> anyhow::Result<&'static str> {
    Ok(tr(if store.is_demo()? && !store.is_server()? {
        Text::RecordStaysInDemo
    } else if store.is_server()? {
        Text::NoteOnServer
    } else {
        Text::NoteQueued
    }))
}

fn decision(dispute: &Option<String>) -> (Outcome, Option<String>) {
    match dispute {
        Some(reason) => (Outcome::Disputed, Some(reason.clone())),
        None => (Outcome::Signed, None),
    }
}

pub fn run(global: &Global, action: SignoffAction) -> anyhow::Result<()> {
    let store = super::open_store(global)?;
    let config_path = default_config_path();
    let config = Config::load(&config_path)?;
    let author = super::author(global, &store, &config, &config_path)?;
    let signed_on = store.today()?;
    let (month, dispute) = match &action {
        SignoffAction::Station { month, dispute, .. } | SignoffAction::Branch { month, dispute, .. } => {
            (month_or_last(&store, month.as_deref())?, dispute)
        }
    };
    if month >= Month::of(signed_on) {
        bail!("{}", trf(Text::SignoffMonthNotOver, &[&month]));
    }
    let (outcome, reason) = decision(dispute);
    let (uuid, what) = match &action {
        SignoffAction::Station { station, .. } => {
            let s = store.record_signoff(
                &NewSignoff {
                    station_id: station.clone(),
                    month,
                    author_id: author,
                    outcome,
                    reason,
                    signed_on,
                },
                Utc::now(),
            )?;
            (s.uuid, trf(Text::SignoffStatement, &[&s.station_id]))
        }
        SignoffAction::Branch { branch, role, .. } => {
            let branch = match branch {
                Some(b) => b.clone(),
                None => only_sheet(&store, &author)?,
            };
            let s = store.record_branch_signoff(
                &NewBranchSignoff {
                    branch_id: branch,
                    month,
                    signer: author,
                    role: role.map(|r| match r {
                        SheetRoleArg::Manager => BranchRole::Manager,
                        SheetRoleArg::Maintainer => BranchRole::Maintainer,
                    }),
                    outcome,
                    reason,
                    signed_on,
                },
                Utc::now(),
            )?;
            (s.uuid, trf(Text::SignoffSheet, &[&s.branch_id, &tr(s.role.text())]))
        }
    };
    super::write_stdout(format!("{uuid}\n").as_bytes())?;
    let said = tr(match outcome {
        Outcome::Signed => Text::Signed,
        Outcome::Disputed => Text::Disputed,
    });
    eprintln!(
        "{}",
        trf(Text::SignoffRecorded, &[&what, &month, &said, &whereabouts(&store)?])
    );
    Ok(())
}

/// The one branch whose sheet `person` is on.
fn only_sheet(store: &Store, person: &str) -> anyhow::Result<String> {
    let sheets = store.sheets_of(person)?;
    match sheets.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!("{}", trf(Text::ChainNoBranch, &[&person])),
        many => bail!("{}", trf(Text::ChainWhichBranch, &[&person, &many.join(", ")])),
    }
}
