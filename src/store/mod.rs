//! The local store: one SQLite file (WAL, foreign keys on), its schema
//! applied from `migrations/` in order inside a transaction. Holds the
//! registry, plans, daily facts, notes and sync state; computes no money.

pub mod card_key;
pub mod chain;
pub mod county_facts;
pub mod county_read;
mod dates;
mod dump;
pub mod facts;
pub mod import;
pub mod laptop;
pub mod migrate;
mod month_totals;
mod multi_row;
pub mod notes;
pub mod payout;
pub mod plan_import;
pub mod records;
pub mod registry;
mod row_policy;
pub mod seed;
pub mod stored_policy;
pub mod synced;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::i18n::{trf, Text};

pub use migrate::{schema_version, SCHEMA_VERSION};

/// Why the store could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    // Causes are part of the messages and deliberately not `source()`,
    // so that a chain of causes says each once.
    #[error("{}", trf(Text::StoreCreateDir, &[path, &crate::errors::io_text(cause)]))]
    CreateDir { path: String, cause: std::io::Error },
    #[error("{}", trf(Text::StoreOpen, &[path, cause]))]
    Open { path: String, cause: rusqlite::Error },
    #[error("{}", trf(Text::StoreCreateFile, &[path, &crate::errors::io_text(cause)]))]
    CreateFile { path: String, cause: std::io::Error },
    #[error("{}", trf(Text::StoreTooNew, &[path, found, supported]))]
    TooNew { path: String, found: i64, supported: i64 },
    #[error("{}", trf(Text::StoreMigrate, &[path, message]))]
    Migrate { path: String, message: String },
    #[error("{}", trf(Text::StoreSql, &[.0]))]
    Sql(rusqlite::Error),
    /// The county database on PostgreSQL (`server::db::postgres`).
    #[error("database: {}", pg_message(.0))]
    Pg(postgres::Error),
    #[error("{}", crate::i18n::trf(crate::i18n::Text::PgConnect, &[at, &pg_message(cause)]))]
    PgConnect { at: String, cause: postgres::Error },
    #[error("copying into PostgreSQL failed: {0}")]
    CopyFailed(String),
    #[error(transparent)]
    CardKey(#[from] card_key::CardKeyError),
    #[error("{}", trf(Text::StoreBadValue, &[table, column, &format!("{value:?}")]))]
    BadValue {
        table: &'static str,
        column: &'static str,
        value: String,
    },
    /// A pulled row the laptop will not store (the page is refused whole):
    /// `row` names it (station and day), `value` says what is wrong.
    #[error("{}", trf(Text::StorePulledBadValue, &[table, column, value, row]))]
    PulledBadValue {
        table: &'static str,
        column: &'static str,
        value: String,
        row: String,
    },
    /// A payment category that is not a policy id (`policy::category::valid_id`).
    #[error("{}", trf(Text::StoreBadCategory, &[&format!("{category:?}")]))]
    BadCategory { category: String },
    /// A pulled fact's day that is not a calendar day (`YYYY-MM-DD`).
    #[error("{}", trf(Text::StoreBadDay, &[&format!("{day:?}")]))]
    BadDay { day: String },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Sql(e)
    }
}

/// A PostgreSQL error in one line: the server's message and detail when
/// it sent one (the driver's own text says only "db error"), else the
/// driver's with its cause.
pub fn pg_message(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut out = format!("{} ({})", db.message(), db.code().code());
        if let Some(detail) = db.detail() {
            out.push_str(": ");
            out.push_str(detail);
        }
        return out;
    }
    match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        StoreError::Pg(e)
    }
}

/// The open store.
pub struct Store {
    conn: Connection,
    path: String,
    /// The database file (`None` in memory): its key file sits beside it.
    file: Option<PathBuf>,
    /// The card-number key, once an import has needed it.
    card_key: std::cell::OnceCell<Vec<u8>>,
    /// Every station's life as last read, and the database's state then
    /// (`county_facts::station_lives`).
    lives: std::cell::RefCell<Option<county_facts::LivesRead>>,
}

/// Turns off SQLite's memory statistics, once per process, before the
/// first connection opens. With them on, every allocation SQLite makes
/// takes a process-wide mutex to count itself: 9% of a large import's
/// writing thread. Nothing here reads them (`sqlite3_memory_used`,
/// `sqlite3_status`, a soft heap limit). `sqlite3_config` works only
/// before SQLite initialises itself, which the first `Connection::open`
/// in the process does; `Store::open` and `open_in_memory` call this
/// first, and the county server opens its database through the store
/// before its own connections. Called later (a connection opened some
/// other way first), SQLite refuses the call with SQLITE_MISUSE and
/// changes nothing: the statistics merely stay on.
fn configure_sqlite() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: SQLITE_CONFIG_MEMSTATUS takes one int. The `Once` keeps
        // the call from running twice or beside itself; SQLite checks
        // whether it is initialised already and then ignores the call.
        unsafe {
            rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0 as std::ffi::c_int);
        }
    });
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its
    /// schema up to date. A database from a newer bianmin is refused
    /// before anything is written.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let shown = path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|cause| StoreError::CreateDir {
                path: dir.display().to_string(),
                cause,
            })?;
        }
        create_private(path).map_err(|cause| StoreError::CreateFile {
            path: shown.clone(),
            cause,
        })?;
        configure_sqlite();
        let conn = Connection::open(path).map_err(|cause| StoreError::Open {
            path: shown.clone(),
            cause,
        })?;
        let store = Store::prepare(conn, shown, Some(path.to_path_buf()))?;
        store.move_legacy_card_key()?;
        Ok(store)
    }

    /// A private in-memory store, for tests and `calc`-like uses.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        configure_sqlite();
        let conn = Connection::open_in_memory()?;
        Store::prepare(conn, ":memory:".into(), None)
    }

    fn prepare(mut conn: Connection, path: String, file: Option<PathBuf>) -> Result<Store, StoreError> {
        let open_err = |cause| StoreError::Open {
            path: path.clone(),
            cause,
        };
        // Reading the version first also makes SQLite check that the file
        // is a database at all.
        let found = schema_version(&conn).map_err(open_err)?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path,
                found,
                supported: SCHEMA_VERSION,
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL").map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(open_err)?;
        // Foreign keys on only after the migrations (see migrate.rs).
        migrate::to_latest(&mut conn).map_err(|message| StoreError::Migrate {
            path: path.clone(),
            message,
        })?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(open_err)?;
        Ok(Store {
            conn,
            path,
            file,
            card_key: std::cell::OnceCell::new(),
            lives: std::cell::RefCell::new(None),
        })
    }

    /// The connection, for the store's own modules and the county server's
    /// SQLite storage (`server::db::sqlite`), which is SQLite code by
    /// definition. Everything else asks the store by name; a unit test
    /// below keeps it so.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `read` inside one read transaction: everything it reads is
    /// one state of the database (a sync committing meanwhile shows up
    /// in the next read, not half in this one), and SQLite takes its
    /// shared lock once instead of once per statement — the dashboard's
    /// first frame runs a few hundred small reads. `read` must not write.
    pub fn read_snapshot<T, E: From<StoreError>>(&self, read: impl FnOnce(&Store) -> Result<T, E>) -> Result<T, E> {
        if !self.conn.is_autocommit() {
            // Already inside a transaction (a caller's): it is the snapshot.
            return read(self);
        }
        self.conn.execute_batch("BEGIN").map_err(StoreError::from)?;
        let result = read(self);
        // Nothing was written: ending the transaction cannot lose work,
        // and the result is what was read either way.
        let end = self.conn.execute_batch("COMMIT").map_err(StoreError::from);
        match (result, end) {
            (Ok(value), Ok(())) => Ok(value),
            (Err(e), _) => Err(e),
            (Ok(_), Err(e)) => Err(e.into()),
        }
    }

    /// The raw connection for integration tests and benchmarks, which set
    /// up states no command can make (a corrupted row, a million facts in
    /// one statement). Product code never calls it (the same test checks).
    #[doc(hidden)]
    pub fn sql_for_tests(&self) -> &Connection {
        &self.conn
    }

    #[doc(hidden)]
    pub fn sql_for_tests_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Writes everything in the write-ahead log into the main file and
    /// empties the log, so the database is one file that can be moved.
    pub fn checkpoint_wal(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
        Ok(())
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// A value of the `meta` table.
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// The database holds the demo county (`bianmin demo`): what is written
    /// here stays here.
    pub fn is_demo(&self) -> Result<bool, StoreError> {
        Ok(self.meta("demo")?.as_deref() == Some("1"))
    }

    /// The database is a county server's (`bianmin serve` or `bianmin user`
    /// ran on it): notes written here are on the server already.
    pub fn is_server(&self) -> Result<bool, StoreError> {
        Ok(self.meta("server_id")?.is_some())
    }

    /// Whether notes and sign-offs written here wait in the outbox for a
    /// server: on a laptop, not in a demo nor on the server itself, so no
    /// record ever waits in a database that can never send it.
    pub fn queues_records(&self) -> Result<bool, StoreError> {
        Ok(!self.is_demo()? && !self.is_server()?)
    }

    /// This database's identity as a server, made the first time it is
    /// asked for.
    pub fn server_id(&self) -> Result<String, StoreError> {
        if let Some(id) = self.meta("server_id")? {
            return Ok(id);
        }
        let id = uuid::Uuid::new_v4().to_string();
        self.conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('server_id', ?1)",
            [&id],
        )?;
        Ok(self.meta("server_id")?.unwrap_or(id))
    }

    /// The latest revision of this database.
    pub fn head_revision(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT rev FROM sync_revision WHERE id = 1", [], |r| r.get(0))?)
    }
}

/// Creates the database file, empty and readable by its owner only (0600
/// on Unix), when it does not exist yet, so that SQLite opens a private
/// file: it gives the -wal and -shm files the database's mode. An existing
/// file keeps its mode. On Windows there are no modes: the file takes the
/// ACL of its folder, which for the default database is the user's own
/// profile (%LOCALAPPDATA%); bianmin changes no ACL.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// The platform's local data folder: `~/.local/share/bianmin/` on Linux,
/// `%LOCALAPPDATA%\bianmin\bianmin\data\` on Windows (not the roaming
/// profile: a database can be large and must not be copied around a domain
/// at every logon; the user's own profile folder is private to them),
/// `~/Library/Application Support/cn.bianmin.bianmin/` on macOS. The card
/// key file sits beside a database (`store::card_key::key_path`).
pub(crate) fn data_dir() -> PathBuf {
    directories::ProjectDirs::from("cn", "bianmin", "bianmin")
        .map(|dirs| dirs.data_local_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The real database: `bianmin.db` in the platform data folder. Sync
/// fills it; the dashboard opens it once it exists.
pub fn default_db_path() -> PathBuf {
    data_dir().join("bianmin.db")
}

/// The demo county: `demo.db` beside the real database, so the two never
/// mix. The dashboard opens it until a real database exists.
pub fn default_demo_path() -> PathBuf {
    data_dir().join("demo.db")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_database_is_in_a_bianmin_data_folder_with_its_key_beside_it() {
        let db = default_db_path();
        assert_eq!(db.file_name().and_then(|n| n.to_str()), Some("bianmin.db"));
        // In a folder of bianmin's own (or, with no home folder at all, here).
        let folder = db.parent().unwrap_or(Path::new(""));
        let own = folder
            .components()
            .any(|c| c.as_os_str().to_string_lossy().contains("bianmin"));
        assert!(own || folder.as_os_str().is_empty(), "{db:?}");
        let key = card_key::key_path(&db);
        assert_eq!(key.parent(), db.parent());
        assert_eq!(key.file_name().and_then(|n| n.to_str()), Some("bianmin.db.key"));
    }

    /// Issue 11: SQL stays in the store. The only other user of the
    /// connection is the county server's SQLite storage; no product code
    /// uses the test door.
    #[test]
    fn only_the_store_and_the_county_sqlite_storage_touch_the_connection() {
        fn visit(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    visit(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        visit(&src, &mut files);
        assert!(files.len() > 50, "the walk found the sources: {}", files.len());
        let allowed = [src.join("store"), src.join("server").join("db").join("sqlite")];
        let mut offenders = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let calls_conn = text.contains(".conn()") || text.contains(".conn_mut()");
            if text.contains(concat!(".sql_for", "_tests")) && file != src.join("store").join("mod.rs") {
                offenders.push(file.clone());
            }
            if calls_conn && !allowed.iter().any(|dir| file.starts_with(dir)) {
                offenders.push(file);
            }
        }
        assert!(offenders.is_empty(), "SQL outside the store: {offenders:?}");
    }
}
