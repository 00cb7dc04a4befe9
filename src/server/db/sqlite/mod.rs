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
mod scope;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{Account, AccountError, AccountInfo, AuthError, PageNow, ReadPage, Role, Scope, ServerDb, ServerDbError};
use crate::store::records::{collect, note_from, NOTE_COLUMNS};
use crate::store::stored_policy::{POLICY_ORIGIN_KEY, POLICY_TEXT_KEY};
use crate::store::{Store, StoreError};
use crate::wire::{Me, NoteRecord, PushRecord, PushResult, StationInfo};

/// Idle reader connections kept open.
const MAX_IDLE_READERS: usize = 16;

/// How long a push waits by default for an import to let go of the
/// database before it is answered busy.
pub const WRITE_WAIT: Duration = Duration::from_secs(10);

/// How long a read waits for a lock (WAL readers rarely need one: a
/// checkpoint, a schema change).
const READ_WAIT: Duration = Duration::from_secs(5);

pub struct SqliteServerDb {
    path: PathBuf,
    readers: Mutex<Vec<Connection>>,
    writer: Mutex<Connection>,
    server_id: String,
}

/// A reader connection, back to the pool when dropped.
struct Reader<'a> {
    db: &'a SqliteServerDb,
    conn: Option<Connection>,
}

impl Reader<'_> {
    fn conn(&self) -> &Connection {
        self.conn.as_ref().expect("present until dropped")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            // A connection left inside a transaction (a panic) is dropped.
            if conn.is_autocommit() {
                let mut pool = self.db.readers.lock().unwrap_or_else(|e| e.into_inner());
                if pool.len() < MAX_IDLE_READERS {
                    pool.push(conn);
                }
            }
        }
    }
}

/// A connection of the server's own to a database the store has opened
/// (and so brought up to date) already: WAL, foreign keys on, and a busy
/// wait of `busy`.
fn connect(path: &Path, busy: Duration) -> Result<Connection, StoreError> {
    let open_err = |cause| StoreError::Open {
        path: path.display().to_string(),
        cause,
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(open_err)?;
    conn.pragma_update(None, "synchronous", "NORMAL").map_err(open_err)?;
    conn.pragma_update(None, "foreign_keys", "ON").map_err(open_err)?;
    conn.busy_timeout(busy).map_err(open_err)?;
    Ok(conn)
}

impl SqliteServerDb {
    /// Opens the database (bringing its schema up to date) and gives it a
    /// server identity if it has none.
    pub fn open(path: &Path) -> Result<SqliteServerDb, StoreError> {
        SqliteServerDb::open_waiting(path, WRITE_WAIT)
    }

    /// `open`, with pushes waiting at most `write_wait` for the write lock.
    pub fn open_waiting(path: &Path, write_wait: Duration) -> Result<SqliteServerDb, StoreError> {
        // The store makes the file, applies the schema and moves an old
        // card key out; the server then works on connections of its own.
        let store = Store::open(path)?;
        let server_id = store.server_id()?;
        // A file that was a laptop's has only the facts' keys.
        store.restore_server_indexes()?;
        drop(store);
        Ok(SqliteServerDb {
            path: path.to_path_buf(),
            readers: Mutex::new(Vec::new()),
            writer: Mutex::new(connect(path, write_wait)?),
            server_id,
        })
    }

    fn reader(&self) -> Result<Reader<'_>, StoreError> {
        let pooled = self.readers.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => connect(&self.path, READ_WAIT)?,
        };
        Ok(Reader {
            db: self,
            conn: Some(conn),
        })
    }

    /// The writer connection: one write at a time, as SQLite wants.
    fn writer(&self) -> MutexGuard<'_, Connection> {
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn meta(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
        Ok(conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
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
            demo: Self::meta(conn, "demo_today")?.is_some(),
            server_time: Some(crate::month::timestamp(now)),
            policy: match Self::meta(conn, POLICY_TEXT_KEY)? {
                Some(text) => Some(crate::wire::PolicyText {
                    origin: Self::meta(conn, POLICY_ORIGIN_KEY)?
                        .unwrap_or_else(|| format!("{} (meta {POLICY_TEXT_KEY})", self.path.display())),
                    text,
                }),
                None => None,
            },
        })
    }

    fn pull_page(&self, scope: &Scope, after: i64, limit: u32, now: DateTime<Utc>) -> Result<ReadPage, ServerDbError> {
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

    fn page_now(&self, scope: &Scope, after: i64, cut: i64) -> Result<PageNow, ServerDbError> {
        let reader = self.reader()?;
        Ok(pull::page_now(reader.conn(), scope, after, cut)?)
    }

    fn receive_records(
        &self,
        scope: &Scope,
        records: &[PushRecord],
        now: DateTime<Utc>,
    ) -> Result<Vec<PushResult>, ServerDbError> {
        let mut writer = self.writer();
        push::receive_records(&mut writer, scope, records, now)
    }

    fn station(&self, scope: &Scope, id: &str) -> Result<Option<StationInfo>, ServerDbError> {
        if !scope.reads_station(id) {
            return Ok(None);
        }
        let reader = self.reader()?;
        let row = reader
            .conn()
            .prepare_cached(
                "SELECT id, name, kind, branch_id, maintainer_id, village, status, has_terminal, opened_on, closed_on
                 FROM stations WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(StationInfo {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    kind: r.get(2)?,
                    branch_id: r.get(3)?,
                    maintainer_id: r.get(4)?,
                    village: r.get(5)?,
                    status: r.get(6)?,
                    has_terminal: r.get(7)?,
                    opened_on: r.get(8)?,
                    closed_on: r.get(9)?,
                })
            })
            .optional()?;
        Ok(row)
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
        accounts::add_account(&self.writer(), person, role, name, now)
    }

    fn revoke_person(&self, person: &str, now: DateTime<Utc>) -> Result<usize, AccountError> {
        accounts::revoke_person(&self.writer(), person, now)
    }

    fn revoke_token(&self, token: &str, now: DateTime<Utc>) -> Result<String, AccountError> {
        accounts::revoke_token(&self.writer(), token, now)
    }

    fn accounts(&self) -> Result<Vec<AccountInfo>, ServerDbError> {
        Ok(accounts::accounts(self.reader()?.conn())?)
    }
}
