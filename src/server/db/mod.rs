//! The county server's storage, behind one trait: what the handlers and
//! `bianmin user` ask of a database. Accounts and tokens, the scope a
//! token may see, pull pages by revision, and receiving pushed records.
//! `sqlite` is the embedded backend (one file, one `serve` process);
//! `postgres` the one for several `serve` processes on one database.
//!
//! The trait is synchronous: the backends' drivers are (rusqlite, and the
//! `postgres` crate over tokio-postgres), and the handlers already run
//! database work on tokio's blocking threads.

pub mod postgres;
pub mod receive;
pub mod sqlite;
pub(crate) mod tables;

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::wire::{Me, NoteRecord, PullPage, PushRecord, PushResult, ScopeLists, StationInfo};

pub use self::postgres::PgServerDb;
pub use sqlite::SqliteServerDb;

/// Where the county's database is: a SQLite file, or a PostgreSQL
/// database named by a `postgres://` address (`--db` takes either).
#[derive(Debug, Clone)]
pub enum Location {
    Sqlite(std::path::PathBuf),
    Postgres(Box<self::postgres::DbUrl>),
}

impl Location {
    /// `--db`: a `postgres://` or `postgresql://` address, else a file.
    pub fn of(db: &std::path::Path) -> Result<Location, self::postgres::connect::UrlError> {
        match db.to_str() {
            Some(text) if self::postgres::is_postgres_url(text) => {
                Ok(Location::Postgres(Box::new(self::postgres::DbUrl::parse(text)?)))
            }
            _ => Ok(Location::Sqlite(db.to_path_buf())),
        }
    }

    /// For messages: the path, or the address without its password.
    pub fn shown(&self) -> String {
        match self {
            Location::Sqlite(path) => path.display().to_string(),
            Location::Postgres(url) => url.shown().to_string(),
        }
    }

    /// Opens the server's database, its schema brought up to date, with
    /// writes waiting at most `write_wait` before answering busy.
    pub fn open_server_db(
        &self,
        write_wait: std::time::Duration,
    ) -> Result<std::sync::Arc<dyn ServerDb>, crate::store::StoreError> {
        Ok(match self {
            Location::Sqlite(path) => std::sync::Arc::new(SqliteServerDb::open_waiting(path, write_wait)?),
            Location::Postgres(url) => std::sync::Arc::new(PgServerDb::open(url, write_wait)?),
        })
    }
}

/// What a token's person may see and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Their branch's figures; notes and sign-offs of their own stations
    /// (`stations.maintainer_id`).
    Maintainer,
    /// Every station of the branches they manage (`branches.manager_id`).
    Manager,
    /// Everything.
    County,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Maintainer, Role::Manager, Role::County];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Maintainer => "maintainer",
            Role::Manager => "manager",
            Role::County => "county",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A token's owner, as the server found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub person_id: String,
    pub role: Role,
}

/// One row of `bianmin user list`: never the token, only its hash's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountInfo {
    pub person_id: String,
    pub role: Role,
    /// The first 12 hex digits of the token's hash, to tell tokens apart.
    pub token_hash_prefix: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("unknown token")]
    Unknown,
    #[error("token revoked at {0}")]
    Revoked(String),
}

/// Why the database could not answer.
#[derive(Debug, thiserror::Error)]
pub enum ServerDbError {
    /// Another writer (an import) holds the database: try again shortly.
    #[error("the database is busy (an import is running); try again shortly")]
    Busy,
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl From<rusqlite::Error> for ServerDbError {
    fn from(e: rusqlite::Error) -> ServerDbError {
        if is_busy(&e) {
            ServerDbError::Busy
        } else {
            ServerDbError::Store(crate::store::StoreError::Sql(e))
        }
    }
}

/// SQLite's "database is busy/locked": another connection holds the lock.
pub fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{}", crate::i18n::trf(crate::i18n::Text::UserUnknownPerson, &[&format!("{:?}", .0)]))]
    UnknownPerson(String),
    #[error("{}", crate::i18n::trf(crate::i18n::Text::UserNothingToRevoke, &[&format!("{:?}", .0)]))]
    NothingToRevoke(String),
    #[error("{}", crate::i18n::tr(crate::i18n::Text::UserUnknownToken))]
    UnknownToken,
    #[error("{}", crate::i18n::trf(crate::i18n::Text::UserRandom, &[.0]))]
    Random(String),
    #[error(transparent)]
    Db(#[from] ServerDbError),
}

impl From<rusqlite::Error> for AccountError {
    fn from(e: rusqlite::Error) -> AccountError {
        AccountError::Db(e.into())
    }
}

impl From<crate::store::StoreError> for AccountError {
    fn from(e: crate::store::StoreError) -> AccountError {
        AccountError::Db(e.into())
    }
}

/// The stored form of a token: SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.trim().as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The echo key of a sync run: a digest of the token and the run's id, so
/// one token's runs never hide rows from another token's pulls, whatever
/// id a client sends. `None` for an id that is not 16–64 letters, digits
/// or dashes (the header is then ignored: everything is sent).
pub fn echo_key(token: &str, run_id: &str) -> Option<String> {
    let fits = (16..=64).contains(&run_id.len()) && run_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !fits {
        return None;
    }
    let mut digest = Sha256::new();
    digest.update(token_hash(token).as_bytes());
    digest.update([0u8]);
    digest.update(run_id.as_bytes());
    Some(hex(&digest.finalize())[..32].to_string())
}

/// Echoes older than this are pruned at each push that notes new ones: a
/// sync run's pull follows its push within seconds to minutes.
pub const ECHO_SECONDS: i64 = 3600;

/// A new random token: `bm_` and 64 hex digits.
pub(crate) fn new_token() -> Result<String, AccountError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AccountError::Random(e.to_string()))?;
    Ok(format!("bm_{}", hex(&bytes)))
}

/// What a token may see and write, decided from the registry at each
/// request. `None` means all (a county account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub person_id: String,
    pub role: Role,
    /// Stations whose registry row and daily facts it reads: every station
    /// of the person's branches, because the branch's figures (R7–R9)
    /// depend on all of them.
    pub stations: Option<BTreeSet<String>>,
    /// Stations whose notes and sign-offs it reads and writes: a
    /// maintainer's own, a manager's branches'.
    pub record_stations: Option<BTreeSet<String>>,
    pub branches: Option<BTreeSet<String>>,
    /// The people of those branches (managers, maintainers); the authors
    /// of the notes it receives come with the notes.
    pub people: Option<BTreeSet<String>>,
    pub counties: Option<BTreeSet<String>>,
    /// A digest of the sets: changes when anything enters or leaves scope.
    pub key: String,
    /// The echo key of the request's sync run (`echo_key`), if the laptop
    /// sent one: a push notes the rows it stored as sent under it, and a
    /// pull with it skips them (migrations/0009_sync_echoes.sql).
    pub echo: Option<String>,
}

impl Scope {
    /// Everything (a county account).
    pub fn all(person_id: &str) -> Scope {
        Scope {
            person_id: person_id.to_string(),
            role: Role::County,
            stations: None,
            record_stations: None,
            branches: None,
            people: None,
            counties: None,
            key: "all".to_string(),
            echo: None,
        }
    }

    /// A scope of these sets, with its digest.
    pub fn of(
        account: &Account,
        stations: BTreeSet<String>,
        record_stations: BTreeSet<String>,
        branches: BTreeSet<String>,
        people: BTreeSet<String>,
        counties: BTreeSet<String>,
    ) -> Scope {
        let mut digest = Sha256::new();
        for (label, set) in [
            ("stations", &stations),
            ("record_stations", &record_stations),
            ("branches", &branches),
            ("people", &people),
            ("counties", &counties),
        ] {
            digest.update(label.as_bytes());
            for id in set {
                digest.update([0u8]);
                digest.update(id.as_bytes());
            }
            digest.update([1u8]);
        }
        Scope {
            person_id: account.person_id.clone(),
            role: account.role,
            key: hex(&digest.finalize())[..32].to_string(),
            stations: Some(stations),
            record_stations: Some(record_stations),
            branches: Some(branches),
            people: Some(people),
            counties: Some(counties),
            echo: None,
        }
    }

    /// Whether the token receives this station's figures.
    pub fn reads_station(&self, id: &str) -> bool {
        self.stations.as_ref().is_none_or(|s| s.contains(id))
    }

    /// Whether the token reads and writes this station's notes and sign-offs.
    pub fn writes_station(&self, id: &str) -> bool {
        self.record_stations.as_ref().is_none_or(|s| s.contains(id))
    }

    /// The sets as the first page of a pull names them.
    pub fn lists(&self) -> ScopeLists {
        let list = |set: &Option<BTreeSet<String>>| set.as_ref().map(|s| s.iter().cloned().collect());
        ScopeLists {
            stations: list(&self.stations),
            record_stations: list(&self.record_stations),
            branches: list(&self.branches),
            people: list(&self.people),
            counties: list(&self.counties),
        }
    }
}

/// A pull page as read, and whether the request's sync run had rows in
/// it that were left out (its echoes): such a page is that run's alone.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadPage {
    pub page: PullPage,
    pub echoes_left_out: bool,
}

/// What a kept page needs from the database to be sent again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageNow {
    /// The revision a pull may read up to now, as `pull_page` finds it.
    pub head: i64,
    /// The revision counter itself (PostgreSQL's sequence, which may be
    /// above `head` while writers are busy): it only ever grows, unless
    /// the database went back to an older copy.
    pub sequence: i64,
    /// The demo county's "today", if the server holds the demo county.
    pub today: Option<String>,
    /// The request's sync run stored rows in the kept page's revisions
    /// (its echoes), which a page read now would leave out.
    pub echoed: bool,
}

/// The county server's database.
pub trait ServerDb: Send + Sync {
    /// This server's identity: laptops pull anew when it changes. Two
    /// server processes on one database share it.
    fn server_id(&self) -> &str;

    /// The account of a bearer token.
    fn authenticate(&self, token: &str) -> Result<Result<Account, AuthError>, ServerDbError>;

    /// What an account may see and write, from the registry now.
    fn scope_of(&self, account: &Account) -> Result<Scope, ServerDbError>;

    /// `GET /me`.
    fn me(&self, scope: &Scope, now: DateTime<Utc>) -> Result<Me, ServerDbError>;

    /// The page of rows in `scope` above revision `after`, at most `limit`
    /// rows, all read from one snapshot.
    fn pull_page(&self, scope: &Scope, after: i64, limit: u32, now: DateTime<Utc>) -> Result<ReadPage, ServerDbError>;

    /// What a page read earlier and kept (`server::page_cache`), holding
    /// the revisions `after` to `cut`, needs from the database to be sent
    /// again now.
    fn page_now(&self, scope: &Scope, after: i64, cut: i64) -> Result<PageNow, ServerDbError>;

    /// Stores pushed records: each new, merged, a repeat that changes
    /// nothing, or refused with a reason, without stopping the others.
    fn receive_records(
        &self,
        scope: &Scope,
        records: &[PushRecord],
        now: DateTime<Utc>,
    ) -> Result<Vec<PushResult>, ServerDbError>;

    /// One station's registry record, if the token may read it (`None`
    /// whether it is outside the scope or does not exist: the answer
    /// never tells what lies outside).
    fn station(&self, scope: &Scope, id: &str) -> Result<Option<StationInfo>, ServerDbError>;

    /// One station's notes, if the token may read them (as `station`).
    fn station_notes(&self, scope: &Scope, id: &str) -> Result<Option<Vec<NoteRecord>>, ServerDbError>;

    /// Makes a token for `person` and keeps its hash; the token is returned
    /// once. A county account may be made for someone not in the registry
    /// by giving their `name`.
    fn add_account(
        &self,
        person: &str,
        role: Role,
        name: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<String, AccountError>;

    /// Ends every token of `person`; how many were in use.
    fn revoke_person(&self, person: &str, now: DateTime<Utc>) -> Result<usize, AccountError>;

    /// Ends one token; the person it belonged to.
    fn revoke_token(&self, token: &str, now: DateTime<Utc>) -> Result<String, AccountError>;

    fn accounts(&self) -> Result<Vec<AccountInfo>, ServerDbError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_keys_belong_to_a_token_and_a_run() {
        let run = "6f1c3a52-0000-4000-8000-000000000001";
        let a = echo_key("bm_a", run).unwrap();
        assert_eq!(echo_key("bm_a", run), Some(a.clone()));
        assert_ne!(echo_key("bm_b", run), Some(a.clone()));
        assert_ne!(echo_key("bm_a", "6f1c3a52-0000-4000-8000-000000000002"), Some(a));
        for bad in [
            "",
            "short",
            "x'; DROP TABLE notes; --",
            &"a".repeat(65),
            "ünïcode-ünïcode-ünïcode",
        ] {
            assert_eq!(echo_key("bm_a", bad), None, "{bad}");
        }
    }

    #[test]
    fn roles_read_back() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn the_scope_digest_changes_with_any_set() {
        let account = Account {
            person_id: "W01".into(),
            role: Role::Maintainer,
        };
        let set = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        let base = Scope::of(
            &account,
            set(&["S1", "S2"]),
            set(&["S1"]),
            set(&["B1"]),
            set(&["W01"]),
            set(&[]),
        );
        let moved = Scope::of(
            &account,
            set(&["S1", "S2"]),
            set(&["S1", "S2"]),
            set(&["B1"]),
            set(&["W01"]),
            set(&[]),
        );
        assert_ne!(base.key, moved.key);
        assert!(base.reads_station("S2") && !base.writes_station("S2"));
        assert!(Scope::all("PT01").writes_station("anything"));
    }
}
