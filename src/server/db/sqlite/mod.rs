//! The embedded backend: one SQLite file (the same schema and migrations
//! as the laptops'), one writer connection and a small pool of readers
//! (WAL lets them read while one writes). Revisions come from the triggers
//! of `migrations/0003`; SQLite has one writer at a time, so they grow in
//! commit order.
//!
//! A push waits for the write lock up to `WRITE_WAIT` (an import holds it
//! for the length of its file), then answers busy, which the handlers turn
//! into 503 with Retry-After: the laptop tries again later.

mod accounts;
mod pull;
mod push;
mod push_chain;
mod scope;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::{Account, AccountError, AccountInfo, AuthError, Role, Scope, ServerDb, ServerDbError};
use crate::store::records::{collect, note_from, NOTE_COLUMNS};
use crate::store::{Store, StoreError};
use crate::wire::{Me, NoteRecord, PullPage, PushRecord, PushResult, StationInfo};

/// Idle reader connections kept open.
const MAX_IDLE_READERS: usize = 16;

/// How long a push waits by default for an import to let go of the
/// database before it is answered busy.
pub const WRITE_WAIT: Duration = Duration::from_secs(10);

pub struct SqliteServerDb {
    path: PathBuf,
    readers: Mutex<Vec<Store>>,
    writer: Mutex<Store>,
    server_id: String,
}

/// A reader connection, back to the pool when dropped.
struct Reader<'a> {
    db: &'a SqliteServerDb,
    store: Option<Store>,
}

impl Reader<'_> {
    fn conn(&self) -> &Connection {
        self.store.as_ref().expect("present until dropped").conn()
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(store) = self.store.take() {
            // A connection left inside a transaction (a panic) is dropped.
            if store.conn().is_autocommit() {
                let mut pool = self.db.readers.lock().unwrap_or_else(|e| e.into_inner());
                if pool.len() < MAX_IDLE_READERS {
                    pool.push(store);
                }
            }
        }
    }
}

impl SqliteServerDb {
    /// Opens the database (bringing its schema up to date) and gives it a
    /// server identity if it has none.
    pub fn open(path: &Path) -> Result<SqliteServerDb, StoreError> {
        SqliteServerDb::open_waiting(path, WRITE_WAIT)
    }

    /// `open`, with pushes waiting at most `write_wait` for the write lock.
    pub fn open_waiting(path: &Path, write_wait: Duration) -> Result<SqliteServerDb, StoreError> {
        let writer = Store::open(path)?;
        writer.conn().busy_timeout(write_wait)?;
        let server_id = writer.server_id()?;
        Ok(SqliteServerDb {
            path: path.to_path_buf(),
            readers: Mutex::new(Vec::new()),
            writer: Mutex::new(writer),
            server_id,
        })
    }

    fn reader(&self) -> Result<Reader<'_>, StoreError> {
        let pooled = self.readers.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let store = match pooled {
            Some(store) => store,
            None => Store::open(&self.path)?,
        };
        Ok(Reader {
            db: self,
            store: Some(store),
        })
    }

    /// The writer connection: one write at a time, as SQLite wants.
    fn writer(&self) -> MutexGuard<'_, Store> {
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn demo_today(conn: &Connection) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(conn
            .query_row("SELECT value FROM meta WHERE key = 'demo_today'", [], |r| r.get(0))
            .optional()?)
    }
}

impl ServerDb for SqliteServerDb {
    fn server_id(&self) -> &str {
        &self.server_id
    }

    fn authenticate(&self, token: &str) -> Result<Result<Account, AuthError>, ServerDbError> {
        accounts::authenticate(self.reader()?.conn(), token)
    }

    fn scope_of(&self, account: &Account) -> Result<Scope, ServerDbError> {
        Ok(scope::scope_of(self.reader()?.conn(), account)?)
    }

    fn me(&self, scope: &Scope, now: DateTime<Utc>) -> Result<Me, ServerDbError> {
        let reader = self.reader()?;
        let conn = reader.conn();
        let count = |sql: &str| -> Result<u64, StoreError> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
        let (stations, own, branches) = match (&scope.stations, &scope.record_stations, &scope.branches) {
            (Some(s), Some(r), Some(b)) => (s.len() as u64, r.len() as u64, b.iter().cloned().collect()),
            _ => (
                count("SELECT count(*) FROM stations")?,
                count("SELECT count(*) FROM stations")?,
                collect(conn, "SELECT id FROM branches ORDER BY id", [], |r| Ok(r.get(0)?))?,
            ),
        };
        let name = collect(conn, "SELECT name FROM people WHERE id = ?1", [&scope.person_id], |r| {
            Ok(r.get::<_, String>(0)?)
        })?
        .pop();
        Ok(Me {
            person_id: scope.person_id.clone(),
            name,
            role: scope.role.as_str().into(),
            stations,
            own_stations: own,
            branches,
            scope_key: scope.key.clone(),
            server_id: self.server_id.clone(),
            demo: Self::demo_today(conn)?.is_some(),
            server_time: Some(crate::month::timestamp(now)),
            policy: reader
                .store
                .as_ref()
                .expect("present until dropped")
                .stored_policy()?
                .map(|(text, origin)| crate::wire::PolicyText { text, origin }),
        })
    }

    fn pull_page(&self, scope: &Scope, after: i64, limit: u32, now: DateTime<Utc>) -> Result<PullPage, ServerDbError> {
        let reader = self.reader()?;
        Ok(pull::pull_page(
            reader.conn(),
            scope,
            after,
            limit,
            &self.server_id,
            now,
        )?)
    }

    fn receive_records(
        &self,
        scope: &Scope,
        records: &[PushRecord],
        now: DateTime<Utc>,
    ) -> Result<Vec<PushResult>, ServerDbError> {
        let mut writer = self.writer();
        push::receive_records(writer.conn_mut(), scope, records, now)
    }

    fn station(&self, scope: &Scope, id: &str) -> Result<Option<StationInfo>, ServerDbError> {
        if !scope.reads_station(id) {
            return Ok(None);
        }
        let reader = self.reader()?;
        let store = reader.store.as_ref().expect("present until dropped");
        Ok(store.station(id)?.map(|s| StationInfo {
            id: s.id,
            name: s.name,
            kind: s.kind.as_str().into(),
            branch_id: s.branch_id,
            maintainer_id: s.maintainer_id,
            village: s.village,
            status: s.status,
            has_terminal: s.has_terminal,
            opened_on: s.opened_on.map(|d| d.to_string()),
            closed_on: s.closed_on.map(|d| d.to_string()),
        }))
    }

    fn station_notes(&self, scope: &Scope, id: &str) -> Result<Option<Vec<NoteRecord>>, ServerDbError> {
        if !scope.writes_station(id) || self.station(scope, id)?.is_none() {
            return Ok(None);
        }
        let reader = self.reader()?;
        let sql = format!(
            "SELECT {NOTE_COLUMNS} FROM visit_notes WHERE station_id = ?1 ORDER BY visited_on DESC, created_at DESC"
        );
        Ok(Some(collect(reader.conn(), &sql, [id], |r| note_from(r, 0))?))
    }

    fn add_account(
        &self,
        person: &str,
        role: Role,
        name: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<String, AccountError> {
        accounts::add_account(self.writer().conn(), person, role, name, now)
    }

    fn revoke_person(&self, person: &str, now: DateTime<Utc>) -> Result<usize, AccountError> {
        accounts::revoke_person(self.writer().conn(), person, now)
    }

    fn revoke_token(&self, token: &str, now: DateTime<Utc>) -> Result<String, AccountError> {
        accounts::revoke_token(self.writer().conn(), token, now)
    }

    fn accounts(&self) -> Result<Vec<AccountInfo>, ServerDbError> {
        Ok(accounts::accounts(self.reader()?.conn())?)
    }
}
