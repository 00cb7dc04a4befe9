//! Disputes and their resolutions. A dispute is a sign-off whose latest
//! decision is `disputed`: a station's statement (`signoffs`) or a branch
//! sheet (`branch_signoffs`). The county answers each with one resolution
//! (accepted with a corrected figure, or rejected; a reason either way),
//! which syncs back to the laptops that see the disputed record.
//!
//! A resolution answers one decision of the dispute: the one made at its
//! `answers` time (the sign-off's `updated_at` when the county resolved
//! it). A later decision of the sign-off — the station disputes again —
//! leaves it unanswered: the dispute is open again (and shown as
//! reopened, with the earlier resolution) until the county resolves it
//! anew, which makes a new version of the same resolution. A sign-off
//! later signed is no dispute at all, whatever its resolution said.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

use super::{read_with_state, write_queued, ChainError};
use crate::month::{parse_date, timestamp, Month};
use crate::records::{BranchRole, Dispute, DisputeKind, NewResolution, Resolution, ResolutionOutcome, SyncState};
use crate::store::records::{
    branch_signoff_from, collect, get_branch_signoff, get_signoff, resolution_from, resolution_of, signoff_from,
    BRANCH_SIGNOFF_COLUMNS, RESOLUTION_COLUMNS, SIGNOFF_COLUMNS,
};
use crate::store::{Store, StoreError};
use crate::sync::merge::instant;
use crate::sync::validate::MAX_CORRECTED_FEN;
use crate::wire::ResolutionRecord;

fn bad(column: &'static str, value: String) -> StoreError {
    StoreError::BadValue {
        table: "resolutions",
        column,
        value,
    }
}

pub(crate) fn resolution(r: ResolutionRecord, sync: SyncState) -> Result<Resolution, StoreError> {
    Ok(Resolution {
        kind: match r.kind.as_str() {
            "station" => DisputeKind::Station,
            "branch" => DisputeKind::Branch,
            _ => return Err(bad("kind", r.kind)),
        },
        outcome: match r.outcome.as_str() {
            "accepted" => ResolutionOutcome::Accepted,
            "rejected" => ResolutionOutcome::Rejected,
            _ => return Err(bad("outcome", r.outcome)),
        },
        resolved_on: parse_date(&r.resolved_on).map_err(|_| bad("resolved_on", r.resolved_on.clone()))?,
        editor_id: r.editor_id.unwrap_or_else(|| r.author_id.clone()),
        uuid: r.uuid,
        signoff_uuid: r.signoff_uuid,
        month: r.month,
        answers: r.answers,
        corrected_fen: r.corrected_fen,
        reason: r.reason,
        author_id: r.author_id,
        version: r.version,
        updated_at: r.updated_at,
        sync,
    })
}

/// What a resolution resolves, read from the disputed sign-off.
struct Disputed {
    kind: DisputeKind,
    station_id: Option<String>,
    branch_id: Option<String>,
    month: String,
    disputed: bool,
    decided_at: String,
}

impl Store {
    /// The resolutions of a month, by the sign-off they resolve.
    pub fn resolutions(&self, month: Month) -> Result<HashMap<String, Resolution>, StoreError> {
        Ok(self
            .resolutions_where("t.month = ?1", &month.to_string())?
            .into_iter()
            .map(|r| (r.signoff_uuid.clone(), r))
            .collect())
    }

    fn resolutions_where(&self, condition: &str, param: &str) -> Result<Vec<Resolution>, StoreError> {
        let from = format!("resolutions t WHERE {condition} ORDER BY t.created_at, t.uuid");
        read_with_state(self, RESOLUTION_COLUMNS, &from, param, |r, at| resolution_from(r, at))?
            .into_iter()
            .map(|(r, sync)| resolution(r, sync))
            .collect()
    }

    /// The disputes of a month, each with its resolution: open ones first
    /// (reopened among them), then the resolved; oldest dispute first in
    /// each.
    pub fn disputes(&self, month: Month) -> Result<Vec<Dispute>, StoreError> {
        let resolutions = self.resolutions(month)?;
        let m = month.to_string();
        let mut out = Vec::new();
        let from = "signoffs t WHERE t.month = ?1 AND t.outcome = 'disputed'";
        for (s, sync) in read_with_state(self, SIGNOFF_COLUMNS, from, &m, |r, at| signoff_from(r, at))? {
            let branch = self
                .conn()
                .prepare_cached("SELECT branch_id FROM stations WHERE id = ?1")?
                .query_row([&s.station_id], |r| r.get(0))
                .optional()?;
            out.push(Dispute {
                resolution: resolutions.get(&s.uuid).cloned(),
                kind: DisputeKind::Station,
                raised_on: parse_date(&s.signed_on).map_err(|_| StoreError::BadValue {
                    table: "signoffs",
                    column: "signed_on",
                    value: s.signed_on.clone(),
                })?,
                month: s.month,
                station_id: Some(s.station_id),
                branch_id: branch,
                raised_by: s.editor_id.unwrap_or(s.author_id),
                role: None,
                reason: s.reason.unwrap_or_default(),
                raised_at: s.updated_at,
                sync,
                uuid: s.uuid,
            });
        }
        let from = "branch_signoffs t WHERE t.month = ?1 AND t.outcome = 'disputed'";
        for (s, sync) in read_with_state(self, BRANCH_SIGNOFF_COLUMNS, from, &m, |r, at| {
            branch_signoff_from(r, at)
        })? {
            let bad = |column: &'static str, value: String| StoreError::BadValue {
                table: "branch_signoffs",
                column,
                value,
            };
            out.push(Dispute {
                resolution: resolutions.get(&s.uuid).cloned(),
                kind: DisputeKind::Branch,
                month: s.month,
                station_id: None,
                branch_id: Some(s.branch_id),
                role: Some(BranchRole::parse(&s.role).ok_or_else(|| bad("role", s.role.clone()))?),
                raised_by: s.author_id,
                reason: s.reason.unwrap_or_default(),
                raised_on: parse_date(&s.signed_on).map_err(|_| bad("signed_on", s.signed_on.clone()))?,
                raised_at: s.updated_at,
                sync,
                uuid: s.uuid,
            });
        }
        out.sort_by(|a, b| {
            (!a.is_open(), instant(&a.raised_at), &a.uuid).cmp(&(!b.is_open(), instant(&b.raised_at), &b.uuid))
        });
        Ok(out)
    }

    /// The full uuid of a sign-off (a station's or a branch sheet's) from
    /// the uuid, or its unique beginning or end (at least 4 characters;
    /// `dispute list` shows the end, which tells the demo's apart too).
    pub fn find_signoff(&self, prefix: &str) -> Result<String, ChainError> {
        let prefix = prefix.trim().to_ascii_lowercase();
        if prefix.chars().count() < 4 || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(ChainError::UnknownDispute(prefix));
        }
        let found: Vec<String> = collect(
            self.conn(),
            "SELECT uuid FROM signoffs WHERE substr(uuid, 1, length(?1)) = ?1 OR substr(uuid, -length(?1)) = ?1
             UNION SELECT uuid FROM branch_signoffs
                 WHERE substr(uuid, 1, length(?1)) = ?1 OR substr(uuid, -length(?1)) = ?1",
            [&prefix],
            |r| Ok(r.get(0)?),
        )?;
        match found.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(ChainError::UnknownDispute(prefix)),
            many => Err(ChainError::AmbiguousDispute(prefix, many.len())),
        }
    }

    fn disputed(&self, uuid: &str) -> Result<Option<Disputed>, StoreError> {
        if let Some(s) = get_signoff(self.conn(), uuid)? {
            return Ok(Some(Disputed {
                kind: DisputeKind::Station,
                station_id: Some(s.station_id),
                branch_id: None,
                month: s.month,
                disputed: s.outcome == "disputed",
                decided_at: s.updated_at,
            }));
        }
        Ok(get_branch_signoff(self.conn(), uuid)?.map(|s| Disputed {
            kind: DisputeKind::Branch,
            station_id: None,
            branch_id: Some(s.branch_id),
            month: s.month,
            disputed: s.outcome == "disputed",
            decided_at: s.updated_at,
        }))
    }

    /// Whether `person` may resolve disputes in this database: on a
    /// connected laptop, when it is a county clerk's and `person` is its
    /// token's; on the county server's own database, when `person` holds a
    /// county account in use; on a database of its own (the demo, a county
    /// that does not sync), anyone it names (as `payout done` takes
    /// `--as`): nothing there can send a record anywhere that checks it.
    pub fn may_resolve(&self, person: &str) -> Result<bool, StoreError> {
        if let Some(me) = self.identity()? {
            return Ok(me.role == "county" && me.person_id == person);
        }
        if self.is_server()? {
            return Ok(self
                .conn()
                .prepare_cached(
                    "SELECT 1 FROM accounts WHERE person_id = ?1 AND role = 'county' AND revoked_at IS NULL",
                )?
                .exists([person])?);
        }
        Ok(true)
    }

    /// Resolves a dispute: a new resolution, or a new version of the one
    /// the disputed sign-off has (it then answers the dispute as it stands
    /// now). County only (`may_resolve`); queued for the server on a
    /// county clerk's laptop.
    pub fn resolve_dispute(&self, new: &NewResolution, now: DateTime<Utc>) -> Result<Resolution, ChainError> {
        let reason = new.reason.trim();
        if reason.is_empty() {
            return Err(ChainError::ResolutionWithoutReason);
        }
        let Some(disputed) = self.disputed(&new.signoff_uuid)? else {
            return Err(ChainError::UnknownDispute(new.signoff_uuid.clone()));
        };
        match (new.outcome, new.corrected_fen) {
            (ResolutionOutcome::Accepted, None) => return Err(ChainError::AmountRequired),
            (ResolutionOutcome::Rejected, Some(_)) => return Err(ChainError::AmountWithRejection),
            (ResolutionOutcome::Accepted, Some(fen)) => {
                let floor = if disputed.kind == DisputeKind::Station {
                    0
                } else {
                    -MAX_CORRECTED_FEN
                };
                if !(floor..=MAX_CORRECTED_FEN).contains(&fen) {
                    let yuan = crate::money::format_yuan(crate::store::facts::yuan_from_fen(fen));
                    return Err(ChainError::AmountOutOfRange(yuan));
                }
            }
            (ResolutionOutcome::Rejected, None) => {}
        }
        if !disputed.disputed {
            return Err(ChainError::NotDisputed(new.signoff_uuid.clone()));
        }
        if !self.may_resolve(&new.author_id)? {
            return Err(ChainError::CountyOnly(new.author_id.clone()));
        }
        let at = timestamp(now);
        let record = match resolution_of(self.conn(), &new.signoff_uuid)? {
            Some(mut r) => {
                r.answers = disputed.decided_at;
                r.outcome = new.outcome.as_str().to_string();
                r.corrected_fen = new.corrected_fen;
                r.reason = reason.to_string();
                r.resolved_on = new.resolved_on.to_string();
                r.editor_id = Some(new.author_id.clone());
                r.version += 1;
                r.updated_at = at.clone();
                r
            }
            None => ResolutionRecord {
                uuid: uuid::Uuid::new_v4().to_string(),
                kind: disputed.kind.as_str().to_string(),
                signoff_uuid: new.signoff_uuid.clone(),
                station_id: disputed.station_id,
                branch_id: disputed.branch_id,
                month: disputed.month,
                answers: disputed.decided_at,
                outcome: new.outcome.as_str().to_string(),
                corrected_fen: new.corrected_fen,
                reason: reason.to_string(),
                resolved_on: new.resolved_on.to_string(),
                author_id: new.author_id.clone(),
                editor_id: Some(new.author_id.clone()),
                version: 1,
                created_at: at.clone(),
                updated_at: at.clone(),
            },
        };
        write_queued(self, &record, &at)?;
        Ok(self
            .resolutions_where("t.uuid = ?1", &record.uuid)?
            .pop()
            .expect("the resolution was just written"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{NewSignoff, Outcome};
    use chrono::{Duration, NaiveDate};

    fn store() -> Store {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO people (id, name) VALUES ('M01', '支局长'), ('W01', '甲'), ('PT01', '县局');
                 INSERT INTO branches (id, name, kind, manager_id) VALUES ('B01', '恩城', 'rural', 'M01');
                 INSERT INTO branch_maintainers (branch_id, person_id) VALUES ('B01', 'W01');
                 INSERT INTO stations (id, name, kind, branch_id, maintainer_id) VALUES
                     ('S1', '一', 'rural', 'B01', 'W01'), ('S2', '二', 'rural', 'B01', 'W01');",
            )
            .unwrap();
        store
    }

    fn october() -> Month {
        "2026-10".parse().unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn sign(s: &Store, station: &str, outcome: Outcome, at: DateTime<Utc>) -> String {
        s.record_signoff(
            &NewSignoff {
                station_id: station.into(),
                month: october(),
                author_id: "W01".into(),
                outcome,
                reason: (outcome == Outcome::Disputed).then(|| "电费少算3笔".to_string()),
                signed_on: day(6),
            },
            at,
        )
        .unwrap()
        .uuid
    }

    fn resolve(uuid: &str, outcome: ResolutionOutcome, fen: Option<i64>) -> NewResolution {
        NewResolution {
            signoff_uuid: uuid.into(),
            outcome,
            corrected_fen: fen,
            reason: "核实后更正".into(),
            author_id: "PT01".into(),
            resolved_on: day(9),
        }
    }

    #[test]
    fn a_resolved_dispute_leaves_the_open_queue_and_a_new_dispute_reopens_it() {
        let s = store();
        let t0 = Utc::now() - Duration::hours(3);
        let first = sign(&s, "S1", Outcome::Disputed, t0);
        let second = sign(&s, "S2", Outcome::Disputed, t0 + Duration::minutes(1));
        let queue = s.disputes(october()).unwrap();
        assert_eq!(
            queue.iter().map(|d| d.uuid.as_str()).collect::<Vec<_>>(),
            [&first, &second]
        );
        assert!(queue.iter().all(Dispute::is_open));
        assert_eq!(queue[0].branch_id.as_deref(), Some("B01"));

        let r = s
            .resolve_dispute(
                &resolve(&first, ResolutionOutcome::Accepted, Some(4080)),
                t0 + Duration::hours(1),
            )
            .unwrap();
        assert_eq!((r.version, r.corrected_fen), (1, Some(4080)));
        let queue = s.disputes(october()).unwrap();
        assert_eq!(queue[0].uuid, second, "open ones first");
        assert!(!queue[1].is_open() && queue[1].answer().is_some());

        // The station disputes again: open again, the earlier answer kept.
        sign(&s, "S1", Outcome::Disputed, t0 + Duration::hours(2));
        let again = s.disputes(october()).unwrap();
        let reopened = again.iter().find(|d| d.uuid == first).unwrap();
        assert!(reopened.reopened() && reopened.answer().is_none());
        let r2 = s
            .resolve_dispute(&resolve(&first, ResolutionOutcome::Rejected, None), Utc::now())
            .unwrap();
        assert_eq!(
            (r2.uuid.as_str(), r2.version),
            (r.uuid.as_str(), 2),
            "one resolution per dispute"
        );
        assert!(!s
            .disputes(october())
            .unwrap()
            .iter()
            .find(|d| d.uuid == first)
            .unwrap()
            .is_open());
        assert_eq!(
            s.pending_count().unwrap(),
            3,
            "two sign-offs and the resolution wait to be sent"
        );

        // Signed after all: no dispute any more.
        sign(&s, "S1", Outcome::Signed, Utc::now());
        assert!(s.disputes(october()).unwrap().iter().all(|d| d.uuid != first));
    }

    #[test]
    fn a_resolution_needs_a_reason_a_figure_exactly_when_accepted_and_a_dispute() {
        let s = store();
        let disputed = sign(&s, "S1", Outcome::Disputed, Utc::now());
        let signed = sign(&s, "S2", Outcome::Signed, Utc::now());
        let mut no_reason = resolve(&disputed, ResolutionOutcome::Rejected, None);
        no_reason.reason = " ".into();
        let cases = [
            (no_reason, "ResolutionWithoutReason"),
            (resolve(&disputed, ResolutionOutcome::Accepted, None), "AmountRequired"),
            (
                resolve(&disputed, ResolutionOutcome::Rejected, Some(1)),
                "AmountWithRejection",
            ),
            (
                resolve(&disputed, ResolutionOutcome::Accepted, Some(-1)),
                "AmountOutOfRange",
            ),
            (resolve(&signed, ResolutionOutcome::Rejected, None), "NotDisputed"),
            (
                resolve(
                    "6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7b",
                    ResolutionOutcome::Rejected,
                    None,
                ),
                "UnknownDispute",
            ),
        ];
        for (new, want) in cases {
            let err = s.resolve_dispute(&new, Utc::now()).unwrap_err();
            assert!(format!("{err:?}").starts_with(want), "{want}: {err:?}");
        }
        assert!(s.resolutions(october()).unwrap().is_empty());
    }

    #[test]
    fn only_the_county_resolves_where_a_server_checks_it() {
        let s = store();
        let disputed = sign(&s, "S1", Outcome::Disputed, Utc::now());
        // The county server's own database: a county account in use.
        s.set_meta("server_id", "srv").unwrap();
        s.conn()
            .execute_batch(
                "INSERT INTO accounts (token_hash, person_id, role, created_at) VALUES
                     ('h1', 'PT01', 'county', '2026-11-01T00:00:00Z'), ('h2', 'M01', 'manager', '2026-11-01T00:00:00Z');",
            )
            .unwrap();
        assert!(s.may_resolve("PT01").unwrap());
        assert!(!s.may_resolve("M01").unwrap());
        let mut by_manager = resolve(&disputed, ResolutionOutcome::Rejected, None);
        by_manager.author_id = "M01".into();
        assert!(matches!(
            s.resolve_dispute(&by_manager, Utc::now()),
            Err(ChainError::CountyOnly(_))
        ));
        let r = s
            .resolve_dispute(&resolve(&disputed, ResolutionOutcome::Rejected, None), Utc::now())
            .unwrap();
        assert_eq!(r.sync, SyncState::Synced, "on the server already");
        assert_eq!(s.find_signoff(&disputed[..8]).unwrap(), disputed);
        assert_eq!(s.find_signoff(&disputed[disputed.len() - 12..]).unwrap(), disputed);
        assert!(matches!(s.find_signoff("zz"), Err(ChainError::UnknownDispute(_))));
    }
}
