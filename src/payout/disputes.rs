//! The county's queue of disputes with the figures they dispute: a
//! station's reward, or a branch sheet's disputing signer's net, as the
//! engine computed them, beside the county's resolution (corrected figure
//! or rejection). What `bianmin dispute list` prints and the dashboard's
//! county view will show. Takes the engine's figures; computes none.

use serde::Serialize;

use super::{amount_to_pay, engine_fen};
use crate::i18n::{fill, Lang, Text};
use crate::money::format_yuan;
use crate::month::Month;
use crate::policy::Policy;
use crate::records::SyncState;
use crate::records::{Dispute, DisputeKind, ResolutionOutcome};
use crate::report::table::Grid;
use crate::report::{build_report, MonthReport};
use crate::store::facts::yuan_from_fen;
use crate::store::{Store, StoreError};

/// One dispute of the queue, with names and the disputed figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueEntry {
    #[serde(flatten)]
    pub dispute: Dispute,
    /// Whether the county has still to answer it.
    pub open: bool,
    pub reopened: bool,
    /// The station's or the branch's name.
    pub name: Option<String>,
    /// The disputed figure as computed, in fen: the station's reward, or
    /// the signer's net; `None` when this database has no figures of it.
    pub computed_fen: Option<i64>,
}

/// The month's disputes (open first, oldest first), each with the
/// disputed figure from the month's report. A report that cannot be built
/// (no figures here) leaves the figures out rather than the queue.
pub fn queue(store: &Store, policy: &Policy, month: Month) -> Result<Vec<QueueEntry>, StoreError> {
    let disputes = store.disputes(month)?;
    let report = if disputes.is_empty() {
        None
    } else {
        build_report(store, policy, month, Some(month.last_day()), None).ok()
    };
    Ok(disputes.into_iter().map(|d| entry(d, report.as_ref())).collect())
}

fn entry(dispute: Dispute, report: Option<&MonthReport>) -> QueueEntry {
    let (name, computed_fen) = match (report, dispute.kind) {
        (None, _) => (None, None),
        (Some(r), DisputeKind::Station) => {
            let id = dispute.station_id.as_deref().unwrap_or_default();
            let station = r.result.stations.iter().find(|s| s.id == id);
            (
                station.map(|_| r.station_name(id).to_string()),
                station.map(|s| engine_fen(amount_to_pay(s))),
            )
        }
        (Some(r), DisputeKind::Branch) => {
            let branch = dispute.branch_id.as_deref().unwrap_or_default();
            let person = r
                .result
                .people
                .iter()
                .find(|p| p.branch == branch && p.id == dispute.raised_by);
            (r.branch_names.get(branch).cloned(), person.map(|p| engine_fen(p.net)))
        }
    };
    QueueEntry {
        open: dispute.is_open(),
        reopened: dispute.reopened(),
        dispute,
        name,
        computed_fen,
    }
}

fn yuan(fen: i64) -> String {
    format_yuan(yuan_from_fen(fen))
}

/// Where a dispute stands, in words: open, open again, or the county's
/// answer.
pub fn state_text(entry: &QueueEntry, lang: Lang) -> String {
    if entry.reopened {
        return Text::DisputeReopened.get(lang).to_string();
    }
    match entry.dispute.answer() {
        None => Text::DisputeOpen.get(lang).to_string(),
        Some(r) => match (r.outcome, r.corrected_fen) {
            (ResolutionOutcome::Accepted, Some(fen)) => fill(Text::DisputeAccepted.get(lang), &[&yuan(fen)]),
            _ => Text::DisputeRejected.get(lang).to_string(),
        },
    }
}

fn sync_word(sync: &SyncState, lang: Lang) -> String {
    match sync {
        SyncState::Pending => Text::DisputeSyncPending.get(lang).to_string(),
        SyncState::Synced => String::new(),
        SyncState::Rejected(why) => fill(Text::DisputeSyncRefused.get(lang), &[why]),
        SyncState::Local => Text::DemoLocal.get(lang).to_string(),
    }
}

/// The queue as a table: the dispute (its uuid's end, enough to name it
/// to `dispute resolve`), what and who, the reason, the computed figure
/// and the county's answer.
pub fn queue_grid(entries: &[QueueEntry], lang: Lang) -> Grid {
    let rows = entries
        .iter()
        .map(|e| {
            let d = &e.dispute;
            let what = match d.kind {
                DisputeKind::Station => format!(
                    "{} {}",
                    Text::Station.get(lang),
                    d.station_id.as_deref().unwrap_or_default()
                ),
                DisputeKind::Branch => format!(
                    "{} {}",
                    Text::Branch.get(lang),
                    d.branch_id.as_deref().unwrap_or_default()
                ),
            };
            let who = match d.role {
                Some(role) => format!("{} ({})", d.raised_by, role.text().get(lang)),
                None => d.raised_by.clone(),
            };
            // The answer's words, and the clerk's reason beside them; for a
            // reopened dispute, the earlier answer's.
            let answered = d.resolution.as_ref().map(|r| r.reason.clone()).unwrap_or_default();
            let mut sync = vec![sync_word(&d.sync, lang)];
            sync.extend(d.resolution.as_ref().map(|r| sync_word(&r.sync, lang)));
            sync.retain(|w| !w.is_empty());
            sync.dedup();
            vec![
                // The last digits: random in a real uuid, and unique
                // among the demo's too (`dispute resolve` takes them).
                d.uuid[d.uuid.len().saturating_sub(12)..].to_string(),
                what,
                e.name.clone().unwrap_or_default(),
                who,
                d.raised_on.to_string(),
                d.reason.clone(),
                e.computed_fen.map(yuan).unwrap_or_else(|| "-".into()),
                state_text(e, lang),
                answered,
                sync.join("; "),
            ]
        })
        .collect();
    Grid {
        header: [
            Text::DisputeId,
            Text::DisputeWhat,
            Text::Name,
            Text::DisputeBy,
            Text::DisputeOn,
            Text::Reason,
            Text::DisputeComputed,
            Text::DisputeState,
            Text::DisputeAnswer,
            Text::DisputeSync,
        ]
        .iter()
        .map(|t| t.get(lang).to_string())
        .collect(),
        rows,
        right_aligned: vec![false, false, false, false, false, false, true, false, false, false],
    }
}
