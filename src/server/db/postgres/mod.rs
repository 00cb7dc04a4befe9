//! The PostgreSQL backend (`--db postgres://user@host:port/name`), for a
//! city or a province: several `bianmin serve` processes on one database,
//! imports running while laptops sync.
//!
//! Client: the `postgres` crate (the synchronous face of tokio-postgres)
//! and a bounded pool of our own (`pool`): the `ServerDb` trait is
//! synchronous and runs on tokio's blocking threads, as rusqlite does.
//!
//! - Revisions come from the sequence `sync_rev`, taken by triggers inside
//!   the writing transaction; a pull reads up to the `frontier`, below
//!   which every writer has finished, in one REPEATABLE READ snapshot.
//! - The server's identity is a row of `meta`: every process on the
//!   database gives the same one, so laptops switch between them without
//!   pulling anew.
//! - A push locks its records (`push`), so it is exactly-once whichever
//!   process receives it, and waits for no import. A serialization failure
//!   or deadlock is retried here; a pool with no free connection for
//!   `write_wait` answers busy (503, Retry-After).

mod accounts;
pub mod connect;
pub mod copy;
pub mod county;
mod frontier;
pub mod import;
pub mod migrate;
mod pool;
mod pull;
mod push;
mod records;
mod scope;

use std::time::Duration;

use chrono::{DateTime, Utc};
use postgres::error::SqlState;
use postgres::Client;

use super::{Account, AccountError, AccountInfo, AuthError, PageNow, ReadPage, Role, Scope, ServerDb, ServerDbError};
use crate::store::StoreError;
use crate::wire::{Me, NoteRecord, PushRecord, PushResult, StationInfo};
pub use connect::{is_postgres_url, redact, DbUrl};
pub use county::PgCounty;
pub use pool::connect;

/// Connections one process keeps open at most (PostgreSQL allows 100 by
/// default, shared by every `serve` and import).
pub const MAX_CONNECTIONS: usize = 16;

/// How often a transaction that lost a serialization race is tried again.
const ATTEMPTS: usize = 5;

/// A serialization failure or deadlock: the transaction can simply run again.
pub fn is_retryable(e: &postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(&SqlState::T_R_SERIALIZATION_FAILURE) | Some(&SqlState::T_R_DEADLOCK_DETECTED)
    )
}

/// Too many connections, or the database starting or stopping: try later.
pub(super) fn is_busy(e: &postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(&SqlState::TOO_MANY_CONNECTIONS) | Some(&SqlState::CANNOT_CONNECT_NOW) | Some(&SqlState::ADMIN_SHUTDOWN)
    ) || e.is_closed()
}

impl From<postgres::Error> for ServerDbError {
    fn from(e: postgres::Error) -> ServerDbError {
        if is_busy(&e) {
            ServerDbError::Busy
        } else {
            ServerDbError::Store(StoreError::Pg(e))
        }
    }
}

pub struct PgServerDb {
    pool: pool::Pool,
    server_id: String,
}

/// Opens the database: applies the schema and makes the server's identity
/// if it has none. A connection of its own, for commands.
pub fn open_client(url: &DbUrl) -> Result<Client, StoreError> {
    let mut client = connect(url)?;
    migrate::to_latest(&mut client, url.shown())?;
    Ok(client)
}

/// This database's identity as a server, made the first time it is asked
/// for; every process asking at once gets the same.
pub fn server_id(client: &mut Client) -> Result<String, StoreError> {
    client.execute(
        "INSERT INTO meta (key, value) VALUES ('server_id', $1) ON CONFLICT (key) DO NOTHING",
        &[&uuid::Uuid::new_v4().to_string()],
    )?;
    Ok(client
        .query_one("SELECT value FROM meta WHERE key = 'server_id'", &[])?
        .get(0))
}

impl PgServerDb {
    /// Opens the database at `url` (schema brought up to date), with
    /// requests waiting at most `write_wait` for a free connection.
    pub fn open(url: &DbUrl, write_wait: Duration) -> Result<PgServerDb, StoreError> {
        let mut client = open_client(url)?;
        let server_id = server_id(&mut client)?;
        drop(client);
        Ok(PgServerDb {
            pool: pool::Pool::new(url.clone(), MAX_CONNECTIONS, write_wait),
            server_id,
        })
    }

    /// Runs `work` on a pooled connection, again when it lost a
    /// serialization race or a deadlock.
    fn with_retry<T, E>(&self, mut work: impl FnMut(&mut Client) -> Result<T, E>) -> Result<T, E>
    where
        E: From<ServerDbError> + Retryable,
    {
        let mut attempt = 0;
        loop {
            let mut conn = self.pool.get()?;
            match work(&mut conn) {
                Err(e) if e.retryable() && attempt + 1 < ATTEMPTS => {
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(5 << attempt));
                }
                other => return other,
            }
        }
    }
}

/// Whether an error is a lost serialization race.
trait Retryable {
    fn retryable(&self) -> bool;
}

impl Retryable for ServerDbError {
    fn retryable(&self) -> bool {
        matches!(self, ServerDbError::Store(StoreError::Pg(e)) if is_retryable(e))
    }
}

impl Retryable for AccountError {
    fn retryable(&self) -> bool {
        matches!(self, AccountError::Db(e) if e.retryable())
    }
}

impl ServerDb for PgServerDb {
    fn server_id(&self) -> &str {
        &self.server_id
    }

    fn authenticate(&self, token: &str) -> Result<Result<Account, AuthError>, ServerDbError> {
        self.with_retry(|c| accounts::authenticate(c, token))
    }

    fn scope_of(&self, account: &Account) -> Result<Scope, ServerDbError> {
        self.with_retry(|c| Ok(scope::scope_of(c, account)?))
    }

    fn me(&self, scope: &Scope, now: DateTime<Utc>) -> Result<Me, ServerDbError> {
        self.with_retry(|c| {
            let count = |c: &mut Client| -> Result<u64, StoreError> {
                Ok(c.query_one("SELECT count(*) FROM stations", &[])?.get::<_, i64>(0) as u64)
            };
            let (stations, own, branches) = match (&scope.stations, &scope.record_stations, &scope.branches) {
                (Some(s), Some(r), Some(b)) => (s.len() as u64, r.len() as u64, b.iter().cloned().collect()),
                _ => {
                    let all = count(c)?;
                    let branches = c
                        .query("SELECT id FROM branches ORDER BY id", &[])
                        .map_err(StoreError::from)?
                        .iter()
                        .map(|r| r.get(0))
                        .collect();
                    (all, all, branches)
                }
            };
            let meta = |c: &mut Client, key: &str| -> Result<Option<String>, StoreError> {
                Ok(c.query_opt("SELECT value FROM meta WHERE key = $1", &[&key])?
                    .map(|r| r.get(0)))
            };
            let name = c
                .query_opt("SELECT name FROM people WHERE id = $1", &[&scope.person_id])
                .map_err(StoreError::from)?
                .map(|r| r.get(0));
            let policy = match meta(c, crate::store::stored_policy::POLICY_TEXT_KEY)? {
                Some(text) => Some(crate::wire::PolicyText {
                    origin: meta(c, crate::store::stored_policy::POLICY_ORIGIN_KEY)?
                        .unwrap_or_else(|| format!("{} (meta policy_text)", self.pool.url().shown())),
                    text,
                }),
                None => None,
            };
            Ok(Me {
                person_id: scope.person_id.clone(),
                name,
                role: scope.role.as_str().into(),
                stations,
                own_stations: own,
                branches,
                scope_key: scope.key.clone(),
                server_id: self.server_id.clone(),
                demo: meta(c, "demo_today")?.is_some(),
                server_time: Some(crate::month::timestamp(now)),
                policy,
            })
        })
    }

    fn pull_page(&self, scope: &Scope, after: i64, limit: u32, now: DateTime<Utc>) -> Result<ReadPage, ServerDbError> {
        self.with_retry(|c| Ok(pull::pull_page(c, scope, after, limit, &self.server_id, now)?))
    }

    fn page_now(&self, scope: &Scope, after: i64, cut: i64) -> Result<PageNow, ServerDbError> {
        self.with_retry(|c| Ok(pull::page_now(c, scope, after, cut)?))
    }

    fn receive_records(
        &self,
        scope: &Scope,
        records: &[PushRecord],
        now: DateTime<Utc>,
    ) -> Result<Vec<PushResult>, ServerDbError> {
        self.with_retry(|c| push::receive_records(c, scope, records, now))
    }

    fn station(&self, scope: &Scope, id: &str) -> Result<Option<StationInfo>, ServerDbError> {
        if !scope.reads_station(id) {
            return Ok(None);
        }
        self.with_retry(|c| {
            let row = c
                .query_opt(
                    "SELECT id, name, kind, branch_id, maintainer_id, village, status, has_terminal, opened_on,
                            closed_on FROM stations WHERE id = $1",
                    &[&id],
                )
                .map_err(StoreError::from)?;
            Ok(row.map(|r| StationInfo {
                id: r.get(0),
                name: r.get(1),
                kind: r.get(2),
                branch_id: r.get(3),
                maintainer_id: r.get(4),
                village: r.get(5),
                status: r.get(6),
                has_terminal: r.get::<_, i64>(7) != 0,
                opened_on: r.get(8),
                closed_on: r.get(9),
            }))
        })
    }

    fn station_notes(&self, scope: &Scope, id: &str) -> Result<Option<Vec<NoteRecord>>, ServerDbError> {
        if !scope.writes_station(id) || self.station(scope, id)?.is_none() {
            return Ok(None);
        }
        self.with_retry(|c| Ok(Some(records::station_notes(c, id)?)))
    }

    fn add_account(
        &self,
        person: &str,
        role: Role,
        name: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<String, AccountError> {
        self.with_retry(|c| accounts::add_account(c, person, role, name, now))
    }

    fn revoke_person(&self, person: &str, now: DateTime<Utc>) -> Result<usize, AccountError> {
        self.with_retry(|c| accounts::revoke_person(c, person, now))
    }

    fn revoke_token(&self, token: &str, now: DateTime<Utc>) -> Result<String, AccountError> {
        self.with_retry(|c| accounts::revoke_token(c, token, now))
    }

    fn accounts(&self) -> Result<Vec<AccountInfo>, ServerDbError> {
        self.with_retry(|c| Ok(accounts::accounts(c)?))
    }
}
