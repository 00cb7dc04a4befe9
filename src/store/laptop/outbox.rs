//! The outbox: every note or sign-off written on this laptop has a row
//! here, written in the same transaction as the record. Sync sends the
//! latest state of each record with pending rows, and marks the rows sent
//! only after the server answered for them; a refused record is set aside
//! with the server's reason and a copy of what was sent, so nothing is
//! dropped silently even when the record later leaves the laptop.

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::i18n::{refusal_text, Lang};
use crate::month::timestamp;
use crate::store::records::{get_note, put_note, DecisionTable};
use crate::store::{Store, StoreError};
use crate::wire::{
    BranchSignoffRecord, NoteRecord, PushOutcome, PushRecord, PushResult, Refusal, RefusalCode, ResolutionRecord,
    SignoffRecord,
};

/// Records to push, each with the outbox rows it settles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxBatch {
    pub records: Vec<PushRecord>,
    /// For each record, the outbox rows it answers (every pending version).
    pub outbox_ids: Vec<Vec<i64>>,
    /// Outbox rows whose record is gone from the database.
    pub orphans: Vec<i64>,
}

/// One record waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: i64,
    /// `visit_note`, `signoff`, `branch_signoff` or `resolution`
    pub record_kind: String,
    pub record_uuid: String,
    pub version: i64,
}

/// A record the server refused, set aside here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// `visit_note`, `signoff`, `branch_signoff` or `resolution`
    pub kind: String,
    pub uuid: String,
    pub version: i64,
    /// The server's reason in English (older servers send only this).
    pub reason: String,
    /// The reason as a code, to say it in the user's language.
    pub refusal: Option<Refusal>,
    /// What was sent, as JSON: kept even if the record leaves this laptop.
    pub record: Option<String>,
}

impl Rejection {
    /// The reason in words of `lang`.
    pub fn reason_in(&self, lang: Lang) -> String {
        match &self.refusal {
            Some(refusal) => refusal_text(refusal, lang),
            None => self.reason.clone(),
        }
    }

    /// The note that was refused, if it was one and its copy is readable.
    pub fn note(&self) -> Option<NoteRecord> {
        match serde_json::from_str::<PushRecord>(self.record.as_deref()?) {
            Ok(PushRecord::VisitNote(note)) => Some(note),
            _ => None,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lang = crate::i18n::current();
        let kind = match (self.kind.as_str(), lang) {
            ("signoff", Lang::Zh) => "签字确认",
            ("signoff", Lang::En) => "sign-off",
            ("branch_signoff", Lang::Zh) => "支局签字",
            ("branch_signoff", Lang::En) => "branch sheet sign-off",
            ("resolution", Lang::Zh) => "异议处理",
            ("resolution", Lang::En) => "resolution",
            (_, Lang::Zh) => "走访记录",
            (_, Lang::En) => "note",
        };
        write!(f, "{kind} {} (v{}): {}", self.uuid, self.version, self.reason_in(lang))
    }
}

/// Moves every time of a record that lies after `now` back to `now`: a
/// record written while this computer's clock ran ahead would be refused
/// by the server (and win every merge if it were not).
fn clamp<'a>(times: impl IntoIterator<Item = &'a mut String>, now: &str) -> bool {
    let mut changed = false;
    for t in times {
        if crate::sync::merge::later_than(t, now) {
            *t = now.to_string();
            changed = true;
        }
    }
    changed
}

/// A record's latest state with its times clamped to `now` (stored so
/// when they moved).
fn latest<R: DecisionTable>(
    conn: &Connection,
    uuid: &str,
    now: &str,
    times: impl Fn(&mut R) -> Vec<&mut String>,
) -> Result<Option<R>, StoreError> {
    let Some(mut r) = R::get(conn, uuid)? else {
        return Ok(None);
    };
    if clamp(times(&mut r), now) {
        r.put(conn, 0)?;
    }
    Ok(Some(r))
}

/// The latest state of a record, its times no later than `now`.
fn record_to_send(conn: &Connection, kind: &str, uuid: &str, now: &str) -> Result<Option<PushRecord>, StoreError> {
    Ok(match kind {
        "visit_note" => match get_note(conn, uuid)? {
            Some(mut n) => {
                let times = [&mut n.created_at, &mut n.updated_at]
                    .into_iter()
                    .chain(n.field_times.values_mut());
                if clamp(times, now) {
                    put_note(conn, &n, 0)?;
                }
                Some(PushRecord::VisitNote(n))
            }
            None => None,
        },
        "branch_signoff" => latest(conn, uuid, now, |s: &mut BranchSignoffRecord| {
            vec![&mut s.created_at, &mut s.updated_at]
        })?
        .map(PushRecord::BranchSignoff),
        // `answers` is the disputed decision's own time, from the server:
        // it must stay exactly as it is.
        "resolution" => latest(conn, uuid, now, |r: &mut ResolutionRecord| {
            vec![&mut r.created_at, &mut r.updated_at]
        })?
        .map(PushRecord::Resolution),
        _ => latest(conn, uuid, now, |s: &mut SignoffRecord| {
            let mut times = vec![&mut s.created_at, &mut s.updated_at];
            times.extend(s.field_times.values_mut());
            times
        })?
        .map(PushRecord::Signoff),
    })
}

impl Store {
    /// The next records to push: the latest state of each record with
    /// pending outbox rows, oldest first, up to `max_records` records or
    /// about `max_bytes` of JSON. Read in one transaction, so an edit made
    /// meanwhile stays pending for the next batch.
    pub fn outbox_batch(
        &mut self,
        max_records: usize,
        max_bytes: usize,
        now: DateTime<Utc>,
    ) -> Result<OutboxBatch, StoreError> {
        let now = timestamp(now);
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut batch = OutboxBatch::default();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut bytes = 0usize;
        {
            let mut stmt = tx.prepare_cached(
                "SELECT id, record_kind, record_uuid FROM outbox
                 WHERE sent_at IS NULL AND rejected_at IS NULL ORDER BY id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let id: i64 = row.get(0)?;
                let kind: String = row.get(1)?;
                let uuid: String = row.get(2)?;
                if let Some(&i) = index.get(&uuid) {
                    batch.outbox_ids[i].push(id);
                    continue;
                }
                if batch.records.len() >= max_records || bytes >= max_bytes {
                    // Later rows of records already in the batch are still
                    // collected above; new records wait.
                    continue;
                }
                let Some(record) = record_to_send(&tx, &kind, &uuid, &now)? else {
                    batch.orphans.push(id);
                    continue;
                };
                bytes += serde_json::to_vec(&record).map(|v| v.len()).unwrap_or(0);
                index.insert(uuid, batch.records.len());
                batch.records.push(record);
                batch.outbox_ids.push(vec![id]);
            }
        }
        tx.commit()?;
        Ok(batch)
    }

    /// Marks what the server answered for a batch, in one transaction:
    /// stored and repeated records are sent; refused ones are set aside
    /// with the server's reason.
    pub fn settle_outbox(
        &mut self,
        batch: &OutboxBatch,
        results: &[PushResult],
        now: DateTime<Utc>,
    ) -> Result<Vec<Rejection>, StoreError> {
        let at = timestamp(now);
        let mut rejected = Vec::new();
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut sent = tx.prepare_cached(
                "UPDATE outbox SET sent_at = ?2 WHERE id = ?1 AND sent_at IS NULL AND rejected_at IS NULL",
            )?;
            for ((record, ids), result) in batch.records.iter().zip(&batch.outbox_ids).zip(results) {
                match result.outcome {
                    PushOutcome::Stored | PushOutcome::Unchanged => {
                        for id in ids {
                            sent.execute(params![id, at])?;
                        }
                    }
                    PushOutcome::Rejected => {
                        let rejection = Rejection {
                            kind: record.kind().to_string(),
                            uuid: record.uuid().to_string(),
                            version: record.version(),
                            reason: result
                                .reason
                                .clone()
                                .unwrap_or_else(|| "refused without a reason".to_string()),
                            refusal: result.refusal.clone(),
                            record: serde_json::to_string(record).ok(),
                        };
                        refuse(&tx, ids, &rejection, &at)?;
                        rejected.push(rejection);
                    }
                }
            }
            let orphan = Rejection {
                kind: String::new(),
                uuid: String::new(),
                version: 0,
                reason: "the record is no longer in this database".into(),
                refusal: None,
                record: None,
            };
            refuse(&tx, &batch.orphans, &orphan, &at)?;
        }
        tx.commit()?;
        Ok(rejected)
    }

    /// Sets a record aside without asking the server (it cannot be sent:
    /// larger than the server takes).
    pub fn set_aside(
        &self,
        ids: &[i64],
        record: &PushRecord,
        message: &str,
        now: DateTime<Utc>,
    ) -> Result<Rejection, StoreError> {
        let rejection = Rejection {
            kind: record.kind().to_string(),
            uuid: record.uuid().to_string(),
            version: record.version(),
            reason: message.to_string(),
            refusal: Some(Refusal {
                code: RefusalCode::TooLarge,
                args: vec![message.to_string()],
            }),
            record: serde_json::to_string(record).ok(),
        };
        let tx = self.conn().unchecked_transaction()?;
        refuse(&tx, ids, &rejection, &timestamp(now))?;
        tx.commit()?;
        Ok(rejection)
    }

    /// Records whose latest version the server refused, newest first.
    pub fn rejected_records(&self) -> Result<Vec<Rejection>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT o.record_kind, o.record_uuid, o.version, coalesce(o.rejected_reason, ''),
                    o.rejected_refusal, o.rejected_record
             FROM outbox o
             WHERE o.rejected_at IS NOT NULL
               AND o.id = (SELECT max(id) FROM outbox WHERE record_uuid = o.record_uuid)
             ORDER BY o.id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        rows.map(|row| {
            let (kind, uuid, version, reason, refusal, record) = row?;
            Ok(Rejection {
                kind,
                uuid,
                version,
                reason,
                refusal: refusal.and_then(|r| serde_json::from_str(&r).ok()),
                record,
            })
        })
        .collect()
    }

    /// Records not yet acknowledged nor refused, oldest first.
    pub fn pending_outbox(&self, limit: usize) -> Result<Vec<OutboxItem>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, record_kind, record_uuid, version FROM outbox
             WHERE sent_at IS NULL AND rejected_at IS NULL ORDER BY id LIMIT ?1",
        )?;
        let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok(OutboxItem {
                id: r.get(0)?,
                record_kind: r.get(1)?,
                record_uuid: r.get(2)?,
                version: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many records wait to be sent.
    pub fn pending_count(&self) -> Result<u64, StoreError> {
        Ok(self.conn().query_row(
            "SELECT count(DISTINCT record_uuid) FROM outbox WHERE sent_at IS NULL AND rejected_at IS NULL",
            [],
            |r| r.get(0),
        )?)
    }

    /// Marks outbox rows acknowledged by the server.
    pub fn mark_sent(&self, ids: &[i64], now: DateTime<Utc>) -> Result<(), StoreError> {
        let tx = self.conn().unchecked_transaction()?;
        {
            let mut stmt = tx.prepare("UPDATE outbox SET sent_at = ?2 WHERE id = ?1 AND sent_at IS NULL")?;
            for id in ids {
                stmt.execute(params![id, timestamp(now)])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The refusal of a record's latest version, if the server refused it.
    pub fn rejection_of(&self, uuid: &str) -> Result<Option<Rejection>, StoreError> {
        let found: Option<String> = self
            .conn()
            .query_row(
                "SELECT record_uuid FROM outbox WHERE record_uuid = ?1 AND rejected_at IS NOT NULL
                   AND id = (SELECT max(id) FROM outbox WHERE record_uuid = ?1)",
                [uuid],
                |r| r.get(0),
            )
            .optional()?;
        if found.is_none() {
            return Ok(None);
        }
        Ok(self.rejected_records()?.into_iter().find(|r| r.uuid == uuid))
    }
}

fn refuse(tx: &Connection, ids: &[i64], rejection: &Rejection, at: &str) -> Result<(), StoreError> {
    let refusal = rejection
        .refusal
        .as_ref()
        .map(|r| serde_json::to_string(r).expect("a refusal serialises"));
    let mut stmt = tx.prepare_cached(
        "UPDATE outbox SET rejected_at = ?2, rejected_reason = ?3, rejected_refusal = ?4, rejected_record = ?5
         WHERE id = ?1 AND sent_at IS NULL AND rejected_at IS NULL",
    )?;
    for id in ids {
        stmt.execute(params![id, at, rejection.reason, refusal, rejection.record])?;
    }
    Ok(())
}
