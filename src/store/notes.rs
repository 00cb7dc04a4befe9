//! Visit notes and station sign-offs: written offline, each in one
//! transaction with an outbox row, so a crash loses nothing and sync can
//! send every change exactly once. Edits make a new version; every field
//! remembers when it was last set, so two laptops' edits merge field by
//! field (last writer wins).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};

use super::records::{
    collect, get_note, get_signoff, note_from, put_note, put_signoff, signoff_from, signoff_of, NOTE_COLUMNS,
    SIGNOFF_COLUMNS,
};
use super::{Store, StoreError};
use crate::i18n::{tr, trf, Text};
use crate::month::{parse_date, Month};
use crate::records::{NewNote, NewSignoff, NoteEdit, NoteKind, Outcome, Signoff, SyncState, VisitNote};
use crate::sync::NOTE_FIELDS;
use crate::wire::{NoteRecord, SignoffRecord};

/// Why a note could not be written.
#[derive(Debug, thiserror::Error)]
pub enum NoteError {
    #[error("{}", trf(Text::NotesUnknownStation, &[&format!("{:?}", .0)]))]
    UnknownStation(String),
    #[error("{}", trf(Text::NotesUnknownPerson, &[&format!("{:?}", .0)]))]
    UnknownPerson(String),
    #[error("{}", tr(Text::NotesEmptyBody))]
    EmptyBody,
    #[error("{}", tr(Text::NotesDisputeWithoutReason))]
    DisputeWithoutReason,
    #[error("{}", trf(Text::NotesUnknownNote, &[.0]))]
    UnknownNote(String),
    #[error("{}", trf(Text::NotesOutsideScope, &[station, person]))]
    OutsideScope { station: String, person: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for NoteError {
    fn from(e: rusqlite::Error) -> NoteError {
        NoteError::Store(StoreError::Sql(e))
    }
}

pub use crate::month::timestamp;

fn bad(table: &'static str, column: &'static str, value: String) -> StoreError {
    StoreError::BadValue { table, column, value }
}

/// The latest outbox row of a record `t`: its sync state, and a refusal's
/// reason and code.
pub(crate) const SYNC_STATE_SQL: &str =
    "(SELECT CASE WHEN o.rejected_at IS NOT NULL THEN 'rejected' WHEN o.sent_at IS NULL THEN 'pending'
                  ELSE 'synced' END
           FROM outbox o WHERE o.record_uuid = t.uuid ORDER BY o.id DESC LIMIT 1),
     (SELECT coalesce(o.rejected_reason, '') || char(0) || coalesce(o.rejected_refusal, '')
           FROM outbox o WHERE o.record_uuid = t.uuid ORDER BY o.id DESC LIMIT 1)";

/// The state of a record from its latest outbox row (`None`: it has none).
pub(crate) fn sync_state(state: Option<String>, why: Option<String>, demo: bool) -> SyncState {
    match state.as_deref() {
        Some("pending") => SyncState::Pending,
        Some("rejected") => {
            let why = why.unwrap_or_default();
            let (reason, refusal) = why.split_once('\0').unwrap_or((&why, ""));
            let text = serde_json::from_str::<crate::wire::Refusal>(refusal)
                .map(|r| crate::i18n::refusal_text(&r, crate::i18n::current()))
                .unwrap_or_else(|_| reason.to_string());
            SyncState::Rejected(text)
        }
        Some(_) => SyncState::Synced,
        // Received from the server, or written where nothing is queued.
        None if demo => SyncState::Local,
        None => SyncState::Synced,
    }
}

/// A stored note as the screens and commands see it.
pub(crate) fn visit_note(n: NoteRecord, sync: SyncState) -> Result<VisitNote, StoreError> {
    Ok(VisitNote {
        visited_on: parse_date(&n.visited_on).map_err(|_| bad("visit_notes", "visited_on", n.visited_on.clone()))?,
        kind: NoteKind::parse(&n.kind).ok_or_else(|| bad("visit_notes", "kind", n.kind.clone()))?,
        follow_up_on: n
            .follow_up_on
            .as_deref()
            .map(|d| parse_date(d).map_err(|_| bad("visit_notes", "follow_up_on", d.to_string())))
            .transpose()?,
        uuid: n.uuid,
        station_id: n.station_id,
        author_id: n.author_id,
        body: n.body,
        version: n.version,
        created_at: n.created_at,
        updated_at: n.updated_at,
        field_times: n.field_times,
        sync,
    })
}

pub(crate) fn signoff(s: SignoffRecord, sync: SyncState) -> Result<Signoff, StoreError> {
    Ok(Signoff {
        outcome: match s.outcome.as_str() {
            "signed" => Outcome::Signed,
            "disputed" => Outcome::Disputed,
            _ => return Err(bad("signoffs", "outcome", s.outcome)),
        },
        signed_on: parse_date(&s.signed_on).map_err(|_| bad("signoffs", "signed_on", s.signed_on.clone()))?,
        editor_id: s.editor_id.unwrap_or_else(|| s.author_id.clone()),
        uuid: s.uuid,
        station_id: s.station_id,
        month: s.month,
        author_id: s.author_id,
        reason: s.reason,
        version: s.version,
        updated_at: s.updated_at,
        sync,
    })
}

impl Store {
    fn check_station_and_person(&self, station: &str, person: &str) -> Result<(), NoteError> {
        let Some(row) = self.station(station)? else {
            return Err(NoteError::UnknownStation(station.to_string()));
        };
        // A connected laptop holds its whole branch, but writes only what
        // the server will take from its person (docs/SYNC.md's scope
        // table): refused here, nothing is written that could never be
        // sent.
        if let Some(me) = self.identity()? {
            let in_scope = match me.role.as_str() {
                "maintainer" => row.maintainer_id == me.person_id,
                "manager" => me.branches.contains(&row.branch_id),
                _ => true,
            };
            if !in_scope {
                return Err(NoteError::OutsideScope {
                    station: station.to_string(),
                    person: me.person_id,
                });
            }
        }
        let known: Option<String> = self
            .conn()
            .query_row("SELECT id FROM people WHERE id = ?1", [person], |r| r.get(0))
            .optional()?;
        if known.is_none() {
            return Err(NoteError::UnknownPerson(person.to_string()));
        }
        Ok(())
    }

    /// Writes a new note (and, on a laptop, its outbox row) in one
    /// transaction.
    pub fn add_note(&self, new: &NewNote, now: DateTime<Utc>) -> Result<VisitNote, NoteError> {
        if new.body.trim().is_empty() {
            return Err(NoteError::EmptyBody);
        }
        self.check_station_and_person(&new.station_id, &new.author_id)?;
        let at = timestamp(now);
        let note = NoteRecord {
            uuid: uuid::Uuid::new_v4().to_string(),
            station_id: new.station_id.clone(),
            author_id: new.author_id.clone(),
            visited_on: new.visited_on.to_string(),
            kind: new.kind.as_str().to_string(),
            body: new.body.clone(),
            follow_up_on: new.follow_up_on.map(|d| d.to_string()),
            field_times: NOTE_FIELDS.iter().map(|f| (f.to_string(), at.clone())).collect(),
            version: 1,
            created_at: at.clone(),
            updated_at: at.clone(),
        };
        let queue = self.queues_records()?;
        let tx = self.conn().unchecked_transaction()?;
        put_note(&tx, &note, 0)?;
        if queue {
            enqueue(&tx, "visit_note", &note.uuid, 1, &at)?;
        }
        tx.commit()?;
        Ok(self.note(&note.uuid)?.expect("the note was just written"))
    }

    /// Changes some fields of a note: a new version (queued for sync on a
    /// laptop). The author stays who wrote it.
    pub fn edit_note(&self, uuid: &str, edit: &NoteEdit, now: DateTime<Utc>) -> Result<VisitNote, NoteError> {
        let Some(mut note) = get_note(self.conn(), uuid)? else {
            return Err(NoteError::UnknownNote(uuid.to_string()));
        };
        if edit.body.as_ref().is_some_and(|b| b.trim().is_empty()) {
            return Err(NoteError::EmptyBody);
        }
        let at = timestamp(now);
        let mut set = |field: &str| {
            note.field_times.insert(field.to_string(), at.clone());
        };
        if let Some(v) = edit.visited_on {
            note.visited_on = v.to_string();
            set("visited_on");
        }
        if let Some(k) = edit.kind {
            note.kind = k.as_str().to_string();
            set("kind");
        }
        if let Some(b) = &edit.body {
            note.body = b.clone();
            set("body");
        }
        if let Some(f) = edit.follow_up_on {
            note.follow_up_on = f.map(|d| d.to_string());
            set("follow_up_on");
        }
        note.version += 1;
        note.updated_at = at.clone();
        let queue = self.queues_records()?;
        let tx = self.conn().unchecked_transaction()?;
        put_note(&tx, &note, 0)?;
        if queue {
            enqueue(&tx, "visit_note", uuid, note.version, &at)?;
        }
        tx.commit()?;
        Ok(self.note(uuid)?.expect("the note exists"))
    }

    /// Notes matching a condition on `t`, newest visit first.
    fn notes_where(&self, condition: &str, param: Option<&str>) -> Result<Vec<VisitNote>, StoreError> {
        let demo = self.keeps_records_local()?;
        let columns = NOTE_COLUMNS
            .split(", ")
            .map(|c| format!("t.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns}, {SYNC_STATE_SQL} FROM visit_notes t WHERE {condition}
             ORDER BY t.visited_on DESC, t.created_at DESC"
        );
        let rows = collect(self.conn(), &sql, [param], |r| {
            Ok((
                note_from(r, 0)?,
                r.get::<_, Option<String>>(11)?,
                r.get::<_, Option<String>>(12)?,
            ))
        })?;
        rows.into_iter()
            .map(|(note, state, why)| visit_note(note, sync_state(state, why, demo)))
            .collect()
    }

    pub fn note(&self, uuid: &str) -> Result<Option<VisitNote>, StoreError> {
        Ok(self.notes_where("t.uuid = ?1", Some(uuid))?.pop())
    }

    /// Notes, newest visit first; of one station, or all.
    pub fn notes(&self, station: Option<&str>) -> Result<Vec<VisitNote>, StoreError> {
        self.notes_where("?1 IS NULL OR t.station_id = ?1", station)
    }

    /// A demo that is not a server's: what is written here stays here.
    pub(crate) fn keeps_records_local(&self) -> Result<bool, StoreError> {
        Ok(self.is_demo()? && !self.is_server()?)
    }

    /// Notes the server refused that are no longer in this database (their
    /// station left the laptop's scope): kept whole with the refusal, so
    /// nothing written is ever lost without a word.
    pub fn set_aside_notes(&self, station: Option<&str>) -> Result<Vec<VisitNote>, StoreError> {
        let mut out = Vec::new();
        for rejection in self.rejected_records()? {
            let Some(note) = rejection.note() else { continue };
            if station.is_some_and(|s| s != note.station_id) || self.note(&note.uuid)?.is_some() {
                continue;
            }
            let reason = rejection.reason_in(crate::i18n::current());
            out.push(visit_note(note, SyncState::Rejected(reason))?);
        }
        Ok(out)
    }

    /// The day of each station's latest visit.
    pub fn last_visits(&self) -> Result<BTreeMap<String, NaiveDate>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT station_id, max(visited_on) FROM visit_notes GROUP BY station_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (station, day) = row?;
            if let Ok(d) = parse_date(&day) {
                out.insert(station, d);
            }
        }
        Ok(out)
    }

    /// Records a station's sign-off or dispute of a month's statement. A
    /// statement already recorded keeps its author; the new decision is
    /// `new.author_id`'s, kept as its editor.
    pub fn record_signoff(&self, new: &NewSignoff, now: DateTime<Utc>) -> Result<Signoff, NoteError> {
        let reason = new.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        if new.outcome == Outcome::Disputed && reason.is_none() {
            return Err(NoteError::DisputeWithoutReason);
        }
        self.check_station_and_person(&new.station_id, &new.author_id)?;
        let at = timestamp(now);
        let month = new.month.to_string();
        let existing = match signoff_of(self.conn(), &new.station_id, &month)? {
            Some(uuid) => get_signoff(self.conn(), &uuid)?,
            None => None,
        };
        let record = match existing {
            Some(mut s) => {
                s.editor_id = Some(new.author_id.clone());
                s.outcome = new.outcome.as_str().to_string();
                s.reason = reason.map(String::from);
                s.signed_on = new.signed_on.to_string();
                s.version += 1;
                s.updated_at = at.clone();
                s
            }
            None => SignoffRecord {
                uuid: uuid::Uuid::new_v4().to_string(),
                station_id: new.station_id.clone(),
                month,
                author_id: new.author_id.clone(),
                editor_id: Some(new.author_id.clone()),
                outcome: new.outcome.as_str().to_string(),
                reason: reason.map(String::from),
                signed_on: new.signed_on.to_string(),
                field_times: Default::default(),
                version: 1,
                created_at: at.clone(),
                updated_at: at.clone(),
            },
        };
        let queue = self.queues_records()?;
        let tx = self.conn().unchecked_transaction()?;
        put_signoff(&tx, &record, 0)?;
        if queue {
            enqueue(&tx, "signoff", &record.uuid, record.version, &at)?;
        }
        tx.commit()?;
        let mut all = self.signoffs(new.month)?;
        all.retain(|s| s.uuid == record.uuid);
        Ok(all.pop().expect("the sign-off was just written"))
    }

    /// The sign-offs of a month's statements.
    pub fn signoffs(&self, month: Month) -> Result<Vec<Signoff>, StoreError> {
        let demo = self.keeps_records_local()?;
        let columns = SIGNOFF_COLUMNS
            .split(", ")
            .map(|c| format!("t.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql =
            format!("SELECT {columns}, {SYNC_STATE_SQL} FROM signoffs t WHERE t.month = ?1 ORDER BY t.station_id");
        let rows = collect(self.conn(), &sql, [month.to_string()], |r| {
            Ok((
                signoff_from(r, 0)?,
                r.get::<_, Option<String>>(12)?,
                r.get::<_, Option<String>>(13)?,
            ))
        })?;
        rows.into_iter()
            .map(|(s, state, why)| signoff(s, sync_state(state, why, demo)))
            .collect()
    }
}

pub(crate) fn enqueue(
    tx: &rusqlite::Transaction,
    kind: &str,
    uuid: &str,
    version: i64,
    at: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO outbox (record_kind, record_uuid, version, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![kind, uuid, version, at],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::registry::{Branch, Person, Station};

    fn store() -> Store {
        let store = Store::open_in_memory().unwrap();
        for id in ["M1", "P1"] {
            store
                .upsert_person(&Person {
                    id: id.into(),
                    name: id.into(),
                    phone: None,
                    has_green_card: true,
                })
                .unwrap();
        }
        store
            .upsert_branch(&Branch {
                id: "B1".into(),
                name: "恩城支局".into(),
                kind: crate::policy::Kind::Rural,
                county_id: None,
                manager_id: "M1".into(),
            })
            .unwrap();
        store.add_branch_maintainer("B1", "P1").unwrap();
        store
            .upsert_station(&Station {
                id: "S1".into(),
                name: "王庄便民服务站".into(),
                kind: crate::policy::Kind::Rural,
                branch_id: "B1".into(),
                maintainer_id: "P1".into(),
                village: None,
                village_households: Some(100),
                stations_in_village: 1,
                route_order: None,
                status: "open".into(),
                has_terminal: true,
                has_green_card: true,
                opened_on: None,
                closed_on: None,
            })
            .unwrap();
        store
    }

    fn note() -> NewNote {
        NewNote {
            station_id: "S1".into(),
            author_id: "P1".into(),
            visited_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            kind: NoteKind::Equipment,
            body: "商易通终端无法打印小票\n已更换打印纸".into(),
            follow_up_on: None,
        }
    }

    fn signoff(month: Month, outcome: Outcome, reason: Option<&str>, day: NaiveDate) -> NewSignoff {
        NewSignoff {
            station_id: "S1".into(),
            month,
            author_id: "P1".into(),
            outcome,
            reason: reason.map(String::from),
            signed_on: day,
        }
    }

    #[test]
    fn a_note_and_its_outbox_row_are_written_together() {
        let s = store();
        let written = s.add_note(&note(), Utc::now()).unwrap();
        assert_eq!(written.sync, SyncState::Pending);
        assert_eq!(written.version, 1);
        assert_eq!(s.pending_count().unwrap(), 1);
        let pending = s.pending_outbox(10).unwrap();
        assert_eq!(pending[0].record_uuid, written.uuid);
        s.mark_sent(&[pending[0].id], Utc::now()).unwrap();
        assert_eq!(s.note(&written.uuid).unwrap().unwrap().sync, SyncState::Synced);
        assert_eq!(s.pending_count().unwrap(), 0);
    }

    #[test]
    fn an_edit_is_a_new_version_with_its_field_times() {
        let s = store();
        let t0 = Utc::now();
        let written = s.add_note(&note(), t0).unwrap();
        let t1 = t0 + chrono::Duration::seconds(5);
        let edited = s
            .edit_note(
                &written.uuid,
                &NoteEdit {
                    body: Some("已修好".into()),
                    ..Default::default()
                },
                t1,
            )
            .unwrap();
        assert_eq!(edited.version, 2);
        assert_eq!(edited.body, "已修好");
        assert_eq!(edited.field_times["body"], timestamp(t1));
        assert_eq!(edited.field_times["kind"], timestamp(t0));
        assert_eq!(s.pending_outbox(10).unwrap().len(), 2);
    }

    #[test]
    fn bad_notes_are_refused() {
        let s = store();
        let mut empty = note();
        empty.body = "  ".into();
        assert!(matches!(s.add_note(&empty, Utc::now()), Err(NoteError::EmptyBody)));
        let mut elsewhere = note();
        elsewhere.station_id = "S9".into();
        assert!(matches!(
            s.add_note(&elsewhere, Utc::now()),
            Err(NoteError::UnknownStation(_))
        ));
        let month: Month = "2026-10".parse().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
        assert!(matches!(
            s.record_signoff(&signoff(month, Outcome::Disputed, None, day), Utc::now()),
            Err(NoteError::DisputeWithoutReason)
        ));
    }

    #[test]
    fn a_second_signoff_of_the_month_replaces_the_first() {
        let s = store();
        let month: Month = "2026-10".parse().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
        let first = s
            .record_signoff(&signoff(month, Outcome::Disputed, Some("少算3笔"), day), Utc::now())
            .unwrap();
        let second = s
            .record_signoff(&signoff(month, Outcome::Signed, None, day), Utc::now())
            .unwrap();
        assert_eq!(first.uuid, second.uuid);
        assert_eq!(second.version, 2);
        assert_eq!(s.signoffs(month).unwrap().len(), 1);
        // The manager records the statement again: the author stays, the
        // new decision is the manager's.
        let mut by_manager = signoff(month, Outcome::Disputed, Some("核对后仍有出入"), day);
        by_manager.author_id = "M1".into();
        let third = s.record_signoff(&by_manager, Utc::now()).unwrap();
        assert_eq!((third.author_id.as_str(), third.editor_id.as_str()), ("P1", "M1"));
        assert_eq!(third.reason.as_deref(), Some("核对后仍有出入"));
        assert_eq!(s.pending_count().unwrap(), 1, "one record waits, however many versions");
    }

    #[test]
    fn a_refused_record_reads_back_with_its_reason_in_words() {
        let mut s = store();
        let month: Month = "2026-10".parse().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
        s.record_signoff(&signoff(month, Outcome::Signed, None, day), Utc::now())
            .unwrap();
        let batch = s.outbox_batch(10, 1 << 20, Utc::now()).unwrap();
        let result = crate::wire::PushResult {
            uuid: batch.records[0].uuid().to_string(),
            version: 1,
            outcome: crate::wire::PushOutcome::Rejected,
            reason: Some("station S1 is outside the scope of P1".into()),
            refusal: Some(crate::wire::Refusal {
                code: crate::wire::RefusalCode::OutOfScope,
                args: vec!["S1".into(), "P1".into()],
            }),
        };
        let rejected = s.settle_outbox(&batch, &[result], Utc::now()).unwrap();
        assert_eq!(rejected.len(), 1);
        let state = s.signoffs(month).unwrap()[0].sync.clone();
        assert_eq!(
            state,
            SyncState::Rejected("station S1 is outside the scope of P1".into())
        );
        assert_eq!(rejected[0].reason_in(crate::i18n::Lang::Zh), "站点 S1 不在 P1 的范围内");
        assert!(rejected[0]
            .record
            .as_deref()
            .is_some_and(|r| r.contains("\"outcome\":\"signed\"")));
    }

    #[test]
    fn nothing_written_in_the_demo_waits_for_a_server() {
        let s = store();
        s.set_meta("demo", "1").unwrap();
        let note = s.add_note(&note(), Utc::now()).unwrap();
        assert_eq!(note.sync, SyncState::Local);
        assert_eq!(s.pending_count().unwrap(), 0);
    }
}
