//! Visit notes and station sign-offs: written offline, each in one
//! transaction with an outbox row, so a crash loses nothing and sync can
//! send every change exactly once. Edits make a new version; every field
//! remembers when it was last set, so two laptops' edits merge field by
//! field (last writer wins).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::month::{parse_date, Month};

/// What a visit was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// 催缴/收费推动
    Collection,
    /// 设备故障
    Equipment,
    /// 宣传推广
    Promotion,
    /// 对账
    Reconciliation,
    Other,
}

impl NoteKind {
    pub const ALL: [NoteKind; 5] = [
        NoteKind::Collection,
        NoteKind::Equipment,
        NoteKind::Promotion,
        NoteKind::Reconciliation,
        NoteKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Collection => "collection",
            NoteKind::Equipment => "equipment",
            NoteKind::Promotion => "promotion",
            NoteKind::Reconciliation => "reconciliation",
            NoteKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<NoteKind> {
        NoteKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Where a record stands with the county server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "reason")]
pub enum SyncState {
    /// Written here, not yet acknowledged by the server.
    Pending,
    /// The server acknowledged the latest version.
    Synced,
    /// The server refused the latest version; the reason is its own.
    Rejected(String),
}

/// When each field was last set (RFC 3339, UTC).
pub type FieldTimes = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitNote {
    pub uuid: String,
    pub station_id: String,
    pub author_id: String,
    pub visited_on: NaiveDate,
    pub kind: NoteKind,
    pub body: String,
    pub follow_up_on: Option<NaiveDate>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub field_times: FieldTimes,
    pub sync: SyncState,
}

/// A note as written by its author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNote {
    pub station_id: String,
    pub author_id: String,
    pub visited_on: NaiveDate,
    pub kind: NoteKind,
    pub body: String,
    pub follow_up_on: Option<NaiveDate>,
}

/// The fields an edit may change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteEdit {
    pub visited_on: Option<NaiveDate>,
    pub kind: Option<NoteKind>,
    pub body: Option<String>,
    pub follow_up_on: Option<Option<NaiveDate>>,
}

/// A station's sign-off, or dispute, of a month's statement (R11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Signed,
    Disputed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Signed => "signed",
            Outcome::Disputed => "disputed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signoff {
    pub uuid: String,
    pub station_id: String,
    pub month: String,
    pub author_id: String,
    pub outcome: Outcome,
    pub reason: Option<String>,
    pub signed_on: NaiveDate,
    pub version: i64,
    pub updated_at: String,
    pub sync: SyncState,
}

/// A sign-off as recorded at the station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSignoff {
    pub station_id: String,
    pub month: Month,
    pub author_id: String,
    pub outcome: Outcome,
    /// Required for a dispute.
    pub reason: Option<String>,
    pub signed_on: NaiveDate,
}

/// One record waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: i64,
    /// `visit_note` or `signoff`
    pub record_kind: String,
    pub record_uuid: String,
    pub version: i64,
}

/// Why a note could not be written.
#[derive(Debug, thiserror::Error)]
pub enum NoteError {
    #[error("station {0:?} is not in the database")]
    UnknownStation(String),
    #[error("person {0:?} is not in the database")]
    UnknownPerson(String),
    #[error("a note needs some text")]
    EmptyBody,
    #[error("a dispute needs a reason")]
    DisputeWithoutReason,
    #[error("note {0} is not in the database")]
    UnknownNote(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for NoteError {
    fn from(e: rusqlite::Error) -> NoteError {
        NoteError::Store(StoreError::Sql(e))
    }
}

/// RFC 3339 UTC with milliseconds: sorts as text in time order.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn bad(table: &'static str, column: &'static str, value: String) -> StoreError {
    StoreError::BadValue { table, column, value }
}

const NOTE_FIELDS: [&str; 4] = ["visited_on", "kind", "body", "follow_up_on"];

/// The sync state of a record from its latest outbox row.
const SYNC_STATE_SQL: &str =
    "(SELECT CASE WHEN o.rejected_at IS NOT NULL THEN 'rejected:' || coalesce(o.rejected_reason, '')
                     WHEN o.sent_at IS NULL THEN 'pending' ELSE 'synced' END
           FROM outbox o WHERE o.record_uuid = t.uuid ORDER BY o.id DESC LIMIT 1)";

fn sync_state(text: Option<String>) -> SyncState {
    match text.as_deref() {
        Some("pending") => SyncState::Pending,
        Some(t) if t.starts_with("rejected:") => SyncState::Rejected(t["rejected:".len()..].to_string()),
        // Synced, or received from the server (no outbox row).
        _ => SyncState::Synced,
    }
}

fn note_from_row(row: &Row) -> rusqlite::Result<(VisitNote, String, String, Option<String>, String)> {
    Ok((
        VisitNote {
            uuid: row.get(0)?,
            station_id: row.get(1)?,
            author_id: row.get(2)?,
            visited_on: NaiveDate::MIN,
            kind: NoteKind::Other,
            body: row.get(5)?,
            follow_up_on: None,
            version: row.get(7)?,
            created_at: row.get(8)?,
            updated_at: row.get(9)?,
            field_times: FieldTimes::new(),
            sync: sync_state(row.get(11)?),
        },
        row.get(3)?,
        row.get(4)?,
        row.get(6)?,
        row.get(10)?,
    ))
}

fn finish_note(raw: (VisitNote, String, String, Option<String>, String)) -> Result<VisitNote, StoreError> {
    let (mut note, visited, kind, follow_up, times) = raw;
    note.visited_on = parse_date(&visited).map_err(|_| bad("visit_notes", "visited_on", visited))?;
    note.kind = NoteKind::parse(&kind).ok_or_else(|| bad("visit_notes", "kind", kind))?;
    note.follow_up_on = follow_up
        .map(|d| parse_date(&d).map_err(|_| bad("visit_notes", "follow_up_on", d)))
        .transpose()?;
    note.field_times = serde_json::from_str(&times).map_err(|_| bad("visit_notes", "field_times", times))?;
    Ok(note)
}

const NOTE_SELECT: &str = "SELECT t.uuid, t.station_id, t.author_id, t.visited_on, t.kind, t.body, t.follow_up_on,
        t.version, t.created_at, t.updated_at, t.field_times";

impl Store {
    fn check_station_and_person(&self, station: &str, person: &str) -> Result<(), NoteError> {
        if self.station(station)?.is_none() {
            return Err(NoteError::UnknownStation(station.to_string()));
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

    /// Writes a new note and its outbox row in one transaction.
    pub fn add_note(&self, new: &NewNote, now: DateTime<Utc>) -> Result<VisitNote, NoteError> {
        if new.body.trim().is_empty() {
            return Err(NoteError::EmptyBody);
        }
        self.check_station_and_person(&new.station_id, &new.author_id)?;
        let uuid = uuid::Uuid::new_v4().to_string();
        let at = timestamp(now);
        let times: FieldTimes = NOTE_FIELDS.iter().map(|f| (f.to_string(), at.clone())).collect();
        let tx = self.conn().unchecked_transaction()?;
        tx.execute(
            "INSERT INTO visit_notes (uuid, station_id, author_id, visited_on, kind, body, follow_up_on,
                 field_times, version, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?9)",
            params![
                uuid,
                new.station_id,
                new.author_id,
                new.visited_on.to_string(),
                new.kind.as_str(),
                new.body,
                new.follow_up_on.map(|d| d.to_string()),
                serde_json::to_string(&times).expect("a map of strings serialises"),
                at
            ],
        )?;
        enqueue(&tx, "visit_note", &uuid, 1, &at)?;
        tx.commit()?;
        Ok(self.note(&uuid)?.expect("the note was just written"))
    }

    /// Changes some fields of a note: a new version, queued for sync.
    pub fn edit_note(&self, uuid: &str, edit: &NoteEdit, now: DateTime<Utc>) -> Result<VisitNote, NoteError> {
        let Some(mut note) = self.note(uuid)? else {
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
            note.visited_on = v;
            set("visited_on");
        }
        if let Some(k) = edit.kind {
            note.kind = k;
            set("kind");
        }
        if let Some(b) = &edit.body {
            note.body = b.clone();
            set("body");
        }
        if let Some(f) = edit.follow_up_on {
            note.follow_up_on = f;
            set("follow_up_on");
        }
        note.version += 1;
        let tx = self.conn().unchecked_transaction()?;
        write_note(&tx, &note, &at)?;
        enqueue(&tx, "visit_note", uuid, note.version, &at)?;
        tx.commit()?;
        Ok(self.note(uuid)?.expect("the note exists"))
    }

    pub fn note(&self, uuid: &str) -> Result<Option<VisitNote>, StoreError> {
        let sql = format!("{NOTE_SELECT}, {SYNC_STATE_SQL} FROM visit_notes t WHERE t.uuid = ?1");
        let raw = self.conn().query_row(&sql, [uuid], note_from_row).optional()?;
        raw.map(finish_note).transpose()
    }

    /// Notes, newest visit first; of one station, or all.
    pub fn notes(&self, station: Option<&str>) -> Result<Vec<VisitNote>, StoreError> {
        let sql = format!(
            "{NOTE_SELECT}, {SYNC_STATE_SQL} FROM visit_notes t
             WHERE ?1 IS NULL OR t.station_id = ?1 ORDER BY t.visited_on DESC, t.created_at DESC"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([station], note_from_row)?;
        rows.map(|r| finish_note(r?)).collect()
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

    /// Records a station's sign-off or dispute of a month's statement.
    pub fn record_signoff(&self, new: &NewSignoff, now: DateTime<Utc>) -> Result<Signoff, NoteError> {
        let NewSignoff {
            station_id: station,
            month,
            author_id: author,
            outcome,
            signed_on,
            ..
        } = new;
        let (month, outcome, signed_on) = (*month, *outcome, *signed_on);
        let reason = new.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        if outcome == Outcome::Disputed && reason.is_none() {
            return Err(NoteError::DisputeWithoutReason);
        }
        self.check_station_and_person(station, author)?;
        let at = timestamp(now);
        let existing: Option<(String, i64)> = self
            .conn()
            .query_row(
                "SELECT uuid, version FROM signoffs WHERE station_id = ?1 AND month = ?2",
                params![station, month.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let tx = self.conn().unchecked_transaction()?;
        let (uuid, version) = match existing {
            Some((uuid, version)) => {
                tx.execute(
                    "UPDATE signoffs SET author_id = ?2, outcome = ?3, reason = ?4, signed_on = ?5,
                         version = ?6, updated_at = ?7 WHERE uuid = ?1",
                    params![
                        uuid,
                        author,
                        outcome.as_str(),
                        reason,
                        signed_on.to_string(),
                        version + 1,
                        at
                    ],
                )?;
                (uuid, version + 1)
            }
            None => {
                let uuid = uuid::Uuid::new_v4().to_string();
                tx.execute(
                    "INSERT INTO signoffs (uuid, station_id, month, author_id, outcome, reason, signed_on,
                         version, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8)",
                    params![
                        uuid,
                        station,
                        month.to_string(),
                        author,
                        outcome.as_str(),
                        reason,
                        signed_on.to_string(),
                        at
                    ],
                )?;
                (uuid, 1)
            }
        };
        enqueue(&tx, "signoff", &uuid, version, &at)?;
        tx.commit()?;
        let mut all = self.signoffs(month)?;
        all.retain(|s| s.uuid == uuid);
        Ok(all.pop().expect("the sign-off was just written"))
    }

    /// The sign-offs of a month's statements.
    pub fn signoffs(&self, month: Month) -> Result<Vec<Signoff>, StoreError> {
        let sql = format!(
            "SELECT t.uuid, t.station_id, t.month, t.author_id, t.outcome, t.reason, t.signed_on, t.version,
                    t.updated_at, {SYNC_STATE_SQL}
             FROM signoffs t WHERE t.month = ?1 ORDER BY t.station_id"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([month.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, Option<String>>(9)?,
            ))
        })?;
        rows.map(|row| {
            let (uuid, station_id, month, author_id, outcome, reason, signed_on, version, updated_at, sync) = row?;
            Ok(Signoff {
                uuid,
                station_id,
                month,
                author_id,
                outcome: match outcome.as_str() {
                    "signed" => Outcome::Signed,
                    "disputed" => Outcome::Disputed,
                    _ => return Err(bad("signoffs", "outcome", outcome)),
                },
                reason,
                signed_on: parse_date(&signed_on).map_err(|_| bad("signoffs", "signed_on", signed_on))?,
                version,
                updated_at,
                sync: sync_state(sync),
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
        let rows = stmt.query_map([limit as i64], |r| {
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
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND rejected_at IS NULL",
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

    /// Sets an outbox row aside with the server's reason.
    pub fn mark_rejected(&self, id: i64, reason: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE outbox SET rejected_at = ?2, rejected_reason = ?3 WHERE id = ?1",
            params![id, timestamp(now), reason],
        )?;
        Ok(())
    }
}

fn enqueue(tx: &rusqlite::Transaction, kind: &str, uuid: &str, version: i64, at: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO outbox (record_kind, record_uuid, version, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![kind, uuid, version, at],
    )?;
    Ok(())
}

/// Writes every field of a note (an edit, or a merge from the server).
pub fn write_note(tx: &rusqlite::Connection, note: &VisitNote, updated_at: &str) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE visit_notes SET station_id = ?2, visited_on = ?3, kind = ?4, body = ?5, follow_up_on = ?6,
             field_times = ?7, version = ?8, updated_at = ?9 WHERE uuid = ?1",
        params![
            note.uuid,
            note.station_id,
            note.visited_on.to_string(),
            note.kind.as_str(),
            note.body,
            note.follow_up_on.map(|d| d.to_string()),
            serde_json::to_string(&note.field_times).expect("a map of strings serialises"),
            note.version,
            updated_at
        ],
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
        let pending = s.pending_outbox(10).unwrap();
        s.mark_rejected(pending[1].id, "out of scope", Utc::now()).unwrap();
        assert_eq!(
            s.signoffs(month).unwrap()[0].sync,
            SyncState::Rejected("out of scope".into())
        );
    }
}
