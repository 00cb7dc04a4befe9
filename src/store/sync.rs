//! Sync in the store, both sides of it.
//!
//! Server side: accounts (tokens kept only as a SHA-256 hash), the scope a
//! token may see, pull pages by revision (`migrations/0003` numbers every
//! row), and receiving pushed records, merged field by field.
//!
//! Laptop side: applying a pulled page and its cursor in one transaction,
//! reading the outbox in batches and marking what the server answered, and
//! the sync state the dashboard shows.
//!
//! The merge is the same function on both sides: every field of a note is
//! a last-writer-wins register ordered by (field time, value), so merging
//! is commutative, associative and idempotent — a repeat changes nothing,
//! and two laptops' edits end the same on both laptops and the server.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, ToSql, TransactionBehavior};
use sha2::{Digest, Sha256};

use super::notes::{timestamp, NoteKind};
use super::{Store, StoreError};
use crate::month::{parse_date, Month};
use crate::sync::protocol::{
    BranchRow, CardRow, CountyRow, DeletedRow, MemberRow, NoteRecord, NoteRow, PaymentRow, PersonRow, PlanRow,
    PullPage, PushOutcome, PushRecord, PushResult, ReferralRow, SignoffRecord, SignoffRow, StationRow, MAX_TEXT_CHARS,
};

// ---------------------------------------------------------------------------
// Accounts and scope (server side)

/// What a token's person may see and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Their own stations (`stations.maintainer_id`).
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

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(
        "person {0:?} is not in the database; import the station registry first \
         (a county account may be made with --name for someone not in it)"
    )]
    UnknownPerson(String),
    #[error("no token of {0:?} is in use")]
    NothingToRevoke(String),
    #[error("that token is not known to this database")]
    UnknownToken,
    #[error("cannot make a random token: {0}")]
    Random(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for AccountError {
    fn from(e: rusqlite::Error) -> AccountError {
        AccountError::Store(StoreError::Sql(e))
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("unknown token")]
    Unknown,
    #[error("token revoked at {0}")]
    Revoked(String),
}

/// The stored form of a token: SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.trim().as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The stations, branches, people and counties a token may see. `None`
/// means all (a county account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub person_id: String,
    pub role: Role,
    pub stations: Option<BTreeSet<String>>,
    pub branches: Option<BTreeSet<String>>,
    pub people: Option<BTreeSet<String>>,
    pub counties: Option<BTreeSet<String>>,
    /// A digest of the sets: changes when anything enters or leaves scope.
    pub key: String,
}

impl Scope {
    pub fn has_station(&self, id: &str) -> bool {
        self.stations.as_ref().is_none_or(|s| s.contains(id))
    }

    pub fn station_count(&self, store: &Store) -> Result<u64, StoreError> {
        match &self.stations {
            Some(s) => Ok(s.len() as u64),
            None => Ok(store
                .conn()
                .query_row("SELECT count(*) FROM stations", [], |r| r.get(0))?),
        }
    }
}

fn json_list(set: &Option<BTreeSet<String>>) -> Option<String> {
    set.as_ref()
        .map(|s| serde_json::to_string(s).expect("strings serialise"))
}

impl Store {
    /// Makes a token for `person` and keeps its hash; the token is
    /// returned once and stored nowhere. A county account may be made for
    /// someone not in the registry by giving their `name`.
    pub fn add_account(
        &self,
        person: &str,
        role: Role,
        name: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<String, AccountError> {
        let known: Option<String> = self
            .conn()
            .query_row("SELECT id FROM people WHERE id = ?1", [person], |r| r.get(0))
            .optional()?;
        let tx = self.conn().unchecked_transaction()?;
        if known.is_none() {
            match (role, name) {
                (Role::County, Some(name)) => {
                    tx.execute("INSERT INTO people (id, name) VALUES (?1, ?2)", params![person, name])?;
                }
                _ => return Err(AccountError::UnknownPerson(person.to_string())),
            }
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| AccountError::Random(e.to_string()))?;
        let token = format!("bm_{}", hex(&bytes));
        tx.execute(
            "INSERT INTO accounts (token_hash, person_id, role, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![token_hash(&token), person, role.as_str(), timestamp(now)],
        )?;
        tx.commit()?;
        Ok(token)
    }

    /// Ends every token of `person`; how many were in use.
    pub fn revoke_person(&self, person: &str, now: DateTime<Utc>) -> Result<usize, AccountError> {
        let n = self.conn().execute(
            "UPDATE accounts SET revoked_at = ?2 WHERE person_id = ?1 AND revoked_at IS NULL",
            params![person, timestamp(now)],
        )?;
        if n == 0 {
            return Err(AccountError::NothingToRevoke(person.to_string()));
        }
        Ok(n)
    }

    /// Ends one token; the person it belonged to.
    pub fn revoke_token(&self, token: &str, now: DateTime<Utc>) -> Result<String, AccountError> {
        let hash = token_hash(token);
        let person: Option<String> = self
            .conn()
            .query_row("SELECT person_id FROM accounts WHERE token_hash = ?1", [&hash], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(person) = person else {
            return Err(AccountError::UnknownToken);
        };
        self.conn().execute(
            "UPDATE accounts SET revoked_at = coalesce(revoked_at, ?2) WHERE token_hash = ?1",
            params![hash, timestamp(now)],
        )?;
        Ok(person)
    }

    pub fn accounts(&self) -> Result<Vec<AccountInfo>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT person_id, role, token_hash, created_at, revoked_at FROM accounts
             ORDER BY person_id, created_at",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        rows.map(|row| {
            let (person_id, role, hash, created_at, revoked_at) = row?;
            Ok(AccountInfo {
                person_id,
                role: Role::parse(&role).ok_or(StoreError::BadValue {
                    table: "accounts",
                    column: "role",
                    value: role,
                })?,
                token_hash_prefix: hash.chars().take(12).collect(),
                created_at,
                revoked_at,
            })
        })
        .collect()
    }

    /// The account of a bearer token.
    pub fn authenticate(&self, token: &str) -> Result<Result<Account, AuthError>, StoreError> {
        let row: Option<(String, String, Option<String>)> = self
            .conn()
            .prepare_cached("SELECT person_id, role, revoked_at FROM accounts WHERE token_hash = ?1")?
            .query_row([token_hash(token)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        Ok(match row {
            None => Err(AuthError::Unknown),
            Some((_, _, Some(at))) => Err(AuthError::Revoked(at)),
            Some((person_id, role, None)) => Ok(Account {
                person_id,
                role: Role::parse(&role).ok_or(StoreError::BadValue {
                    table: "accounts",
                    column: "role",
                    value: role,
                })?,
            }),
        })
    }

    fn id_set(&self, sql: &str, param: &str) -> Result<BTreeSet<String>, StoreError> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let rows = stmt.query_map([param], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// What an account may see, decided from the registry now.
    pub fn scope_of(&self, account: &Account) -> Result<Scope, StoreError> {
        let person = account.person_id.as_str();
        if account.role == Role::County {
            return Ok(Scope {
                person_id: person.to_string(),
                role: Role::County,
                stations: None,
                branches: None,
                people: None,
                counties: None,
                key: "all".to_string(),
            });
        }
        let (stations, branches) = match account.role {
            Role::Maintainer => {
                let stations = self.id_set("SELECT id FROM stations WHERE maintainer_id = ?1", person)?;
                let branches = self.id_set(
                    "SELECT branch_id FROM stations WHERE maintainer_id = ?1
                     UNION SELECT branch_id FROM branch_maintainers WHERE person_id = ?1",
                    person,
                )?;
                (stations, branches)
            }
            _ => {
                let branches = self.id_set("SELECT id FROM branches WHERE manager_id = ?1", person)?;
                let stations = self.id_set(
                    "SELECT s.id FROM stations s JOIN branches b ON b.id = s.branch_id
                     WHERE b.manager_id = ?1",
                    person,
                )?;
                (stations, branches)
            }
        };
        let branch_json = serde_json::to_string(&branches).expect("strings serialise");
        let mut people = self.id_set(
            "SELECT manager_id FROM branches WHERE id IN (SELECT value FROM json_each(?1))
             UNION SELECT person_id FROM branch_maintainers WHERE branch_id IN (SELECT value FROM json_each(?1))
             UNION SELECT maintainer_id FROM stations WHERE branch_id IN (SELECT value FROM json_each(?1))",
            &branch_json,
        )?;
        people.insert(person.to_string());
        // Whoever wrote a note or sign-off on a station in scope (a
        // manager, a county clerk), so the laptop holds its author.
        let station_json = serde_json::to_string(&stations).expect("strings serialise");
        people.extend(self.id_set(
            "SELECT author_id FROM visit_notes WHERE station_id IN (SELECT value FROM json_each(?1))
             UNION SELECT author_id FROM signoffs WHERE station_id IN (SELECT value FROM json_each(?1))",
            &station_json,
        )?);
        let counties = self.id_set(
            "SELECT county_id FROM branches WHERE county_id IS NOT NULL
             AND id IN (SELECT value FROM json_each(?1))",
            &branch_json,
        )?;
        let mut digest = Sha256::new();
        for (label, set) in [
            ("stations", &stations),
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
        Ok(Scope {
            person_id: person.to_string(),
            role: account.role,
            key: hex(&digest.finalize())[..32].to_string(),
            stations: Some(stations),
            branches: Some(branches),
            people: Some(people),
            counties: Some(counties),
        })
    }

    /// This server's identity, made the first time it is asked for.
    pub fn server_id(&self) -> Result<String, StoreError> {
        if let Some(id) = self.meta("server_id")? {
            return Ok(id);
        }
        let id = uuid::Uuid::new_v4().to_string();
        self.conn().execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('server_id', ?1)",
            [&id],
        )?;
        Ok(self.meta("server_id")?.unwrap_or(id))
    }

    /// The latest revision of this database.
    pub fn head_revision(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT rev FROM sync_revision WHERE id = 1", [], |r| r.get(0))?)
    }
}

// ---------------------------------------------------------------------------
// Pull pages (server side)

/// Which scope set filters a table, through which column.
#[derive(Clone, Copy)]
enum ScopeBy {
    Station(&'static str),
    Branch(&'static str),
    Person(&'static str),
    County(&'static str),
    /// Tombstones: by their scope_kind / scope_id.
    Deletion,
}

struct PullTable {
    name: &'static str,
    columns: &'static str,
    scope: ScopeBy,
}

const PULL_TABLES: [PullTable; 12] = [
    PullTable {
        name: "counties",
        columns: "rev, id, name",
        scope: ScopeBy::County("id"),
    },
    PullTable {
        name: "people",
        columns: "rev, id, name, phone, has_green_card",
        scope: ScopeBy::Person("id"),
    },
    PullTable {
        name: "branches",
        columns: "rev, id, name, kind, county_id, manager_id",
        scope: ScopeBy::Branch("id"),
    },
    PullTable {
        name: "branch_maintainers",
        columns: "rev, branch_id, person_id",
        scope: ScopeBy::Branch("branch_id"),
    },
    PullTable {
        name: "stations",
        columns: "rev, id, name, kind, branch_id, maintainer_id, village, village_households, \
                  stations_in_village, route_order, status, has_terminal, has_green_card, opened_on, closed_on",
        scope: ScopeBy::Station("id"),
    },
    PullTable {
        name: "plans",
        columns: "rev, branch_id, month, target",
        scope: ScopeBy::Branch("branch_id"),
    },
    PullTable {
        name: "daily_payments",
        columns: "rev, station_id, day, category, count, amount_fen",
        scope: ScopeBy::Station("station_id"),
    },
    PullTable {
        name: "daily_cards",
        columns: "rev, station_id, day, raw, valid",
        scope: ScopeBy::Station("station_id"),
    },
    PullTable {
        name: "daily_referrals",
        columns: "rev, station_id, day, kind, count",
        scope: ScopeBy::Station("station_id"),
    },
    PullTable {
        name: "visit_notes",
        columns: "rev, uuid, station_id, author_id, visited_on, kind, body, follow_up_on, field_times, \
                  version, created_at, updated_at",
        scope: ScopeBy::Station("station_id"),
    },
    PullTable {
        name: "signoffs",
        columns: "rev, uuid, station_id, month, author_id, outcome, reason, signed_on, field_times, \
                  version, created_at, updated_at",
        scope: ScopeBy::Station("station_id"),
    },
    PullTable {
        name: "sync_deletions",
        columns: "rev, table_name, key",
        scope: ScopeBy::Deletion,
    },
];

/// The scope sets as JSON arrays, bound as ?3 … ?6 (stations, branches,
/// people, counties); `None` for a county account, which needs no filter.
struct ScopeParams {
    stations: Option<String>,
    branches: Option<String>,
    people: Option<String>,
    counties: Option<String>,
}

impl ScopeParams {
    fn of(scope: &Scope) -> ScopeParams {
        ScopeParams {
            stations: json_list(&scope.stations),
            branches: json_list(&scope.branches),
            people: json_list(&scope.people),
            counties: json_list(&scope.counties),
        }
    }

    fn all(&self) -> bool {
        self.stations.is_none()
    }

    fn filter(&self, by: ScopeBy) -> String {
        if self.all() {
            return String::new();
        }
        let within = |col: &str, n: u8| format!(" AND {col} IN (SELECT value FROM json_each(?{n}))");
        match by {
            ScopeBy::Station(col) => within(col, 3),
            ScopeBy::Branch(col) => within(col, 4),
            ScopeBy::Person(col) => within(col, 5),
            ScopeBy::County(col) => within(col, 6),
            ScopeBy::Deletion => " AND ((scope_kind = 'station' AND scope_id IN (SELECT value FROM json_each(?3)))
                  OR (scope_kind = 'branch' AND scope_id IN (SELECT value FROM json_each(?4)))
                  OR (scope_kind = 'person' AND scope_id IN (SELECT value FROM json_each(?5)))
                  OR (scope_kind = 'county' AND scope_id IN (SELECT value FROM json_each(?6))))"
                .to_string(),
        }
    }

    fn values(&self) -> [Option<&str>; 4] {
        [
            self.stations.as_deref(),
            self.branches.as_deref(),
            self.people.as_deref(),
            self.counties.as_deref(),
        ]
    }
}

/// Binds ?1, ?2 and whichever of the scope sets (?3 … ?6) the statement
/// names, and runs it.
fn bind_query<'s>(
    stmt: &'s mut rusqlite::CachedStatement<'_>,
    first: i64,
    second: i64,
    scope: [Option<&str>; 4],
) -> rusqlite::Result<rusqlite::Rows<'s>> {
    stmt.raw_bind_parameter(1, first)?;
    stmt.raw_bind_parameter(2, second)?;
    for i in 3..=stmt.parameter_count() {
        stmt.raw_bind_parameter(i, scope.get(i - 3).copied().flatten())?;
    }
    Ok(stmt.raw_query())
}

fn bad_json(table: &'static str, column: &'static str, value: String) -> StoreError {
    StoreError::BadValue { table, column, value }
}

fn note_record_from(r: &rusqlite::Row, at: usize) -> rusqlite::Result<(NoteRecord, String)> {
    Ok((
        NoteRecord {
            uuid: r.get(at)?,
            station_id: r.get(at + 1)?,
            author_id: r.get(at + 2)?,
            visited_on: r.get(at + 3)?,
            kind: r.get(at + 4)?,
            body: r.get(at + 5)?,
            follow_up_on: r.get(at + 6)?,
            field_times: Default::default(),
            version: r.get(at + 8)?,
            created_at: r.get(at + 9)?,
            updated_at: r.get(at + 10)?,
        },
        r.get(at + 7)?,
    ))
}

fn signoff_record_from(r: &rusqlite::Row, at: usize) -> rusqlite::Result<(SignoffRecord, String)> {
    Ok((
        SignoffRecord {
            uuid: r.get(at)?,
            station_id: r.get(at + 1)?,
            month: r.get(at + 2)?,
            author_id: r.get(at + 3)?,
            outcome: r.get(at + 4)?,
            reason: r.get(at + 5)?,
            signed_on: r.get(at + 6)?,
            field_times: Default::default(),
            version: r.get(at + 8)?,
            created_at: r.get(at + 9)?,
            updated_at: r.get(at + 10)?,
        },
        r.get(at + 7)?,
    ))
}

fn with_times<T>(
    (mut record, times): (T, String),
    set: impl FnOnce(&mut T, crate::sync::protocol::FieldTimes),
    table: &'static str,
) -> Result<T, StoreError> {
    let parsed = serde_json::from_str(&times).map_err(|_| bad_json(table, "field_times", times))?;
    set(&mut record, parsed);
    Ok(record)
}

impl Store {
    /// The page of rows in `scope` above revision `after`: at most `limit`
    /// rows, all read from one snapshot.
    pub fn pull_page(&self, scope: &Scope, after: i64, limit: u32, server_id: &str) -> Result<PullPage, StoreError> {
        let limit = limit.max(1);
        let tx = self.conn().unchecked_transaction()?;
        let head: i64 = tx.query_row("SELECT rev FROM sync_revision WHERE id = 1", [], |r| r.get(0))?;
        let today = tx
            .query_row("SELECT value FROM meta WHERE key = 'demo_today'", [], |r| {
                r.get::<_, String>(0)
            })
            .optional()?;
        let sp = ScopeParams::of(scope);
        let [p3, p4, p5, p6] = sp.values();

        // The revisions this page can hold. Every revision belongs to one
        // row of one table, so with no scope filter (a county account) the
        // next `limit` revisions hold at most `limit` rows. Otherwise: the
        // `limit` lowest in scope above `after` over all tables (each
        // table's own lowest suffice).
        if sp.all() {
            let cut = after.saturating_add(i64::from(limit)).min(head).max(after);
            return self.pull_rows(tx, scope, &sp, after, cut, cut < head, head, today, server_id);
        }
        let mut revs: Vec<i64> = Vec::new();
        for t in &PULL_TABLES {
            let sql = format!(
                "SELECT rev FROM {} WHERE rev > ?1{} ORDER BY rev LIMIT ?2",
                t.name,
                sp.filter(t.scope)
            );
            let mut stmt = tx.prepare_cached(&sql)?;
            let mut rows = bind_query(&mut stmt, after, i64::from(limit), [p3, p4, p5, p6])?;
            while let Some(row) = rows.next()? {
                revs.push(row.get(0)?);
            }
        }
        let (cut, more) = if revs.len() >= limit as usize {
            revs.sort_unstable();
            (revs[limit as usize - 1], true)
        } else {
            (head.max(after), false)
        };
        self.pull_rows(tx, scope, &sp, after, cut, more, head, today, server_id)
    }

    /// The rows in scope with revisions in (after, cut], as a page.
    #[allow(clippy::too_many_arguments)]
    fn pull_rows(
        &self,
        tx: rusqlite::Transaction<'_>,
        scope: &Scope,
        sp: &ScopeParams,
        after: i64,
        cut: i64,
        more: bool,
        head: i64,
        today: Option<String>,
        server_id: &str,
    ) -> Result<PullPage, StoreError> {
        let [p3, p4, p5, p6] = sp.values();
        let mut page = PullPage {
            server_id: server_id.to_string(),
            scope_key: scope.key.clone(),
            today,
            after,
            next: cut,
            head,
            more,
            ..PullPage::default()
        };
        for t in &PULL_TABLES {
            let sql = format!(
                "SELECT {} FROM {} WHERE rev > ?1 AND rev <= ?2{} ORDER BY rev",
                t.columns,
                t.name,
                sp.filter(t.scope)
            );
            let mut stmt = tx.prepare_cached(&sql)?;
            let mut rows = bind_query(&mut stmt, after, cut, [p3, p4, p5, p6])?;
            while let Some(r) = rows.next()? {
                match t.name {
                    "counties" => page.counties.push(CountyRow(r.get(0)?, r.get(1)?, r.get(2)?)),
                    "people" => page
                        .people
                        .push(PersonRow(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                    "branches" => page.branches.push(BranchRow(
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    )),
                    "branch_maintainers" => page.branch_maintainers.push(MemberRow(r.get(0)?, r.get(1)?, r.get(2)?)),
                    "stations" => page.stations.push(StationRow(
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                        r.get(9)?,
                        r.get(10)?,
                        r.get(11)?,
                        r.get(12)?,
                        r.get(13)?,
                        r.get(14)?,
                    )),
                    "plans" => page.plans.push(PlanRow(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                    "daily_payments" => page.daily_payments.push(PaymentRow(
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    )),
                    "daily_cards" => {
                        page.daily_cards
                            .push(CardRow(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                    }
                    "daily_referrals" => {
                        page.daily_referrals
                            .push(ReferralRow(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                    }
                    "visit_notes" => {
                        let note = with_times(note_record_from(r, 1)?, |n, t| n.field_times = t, "visit_notes")?;
                        page.visit_notes.push(NoteRow { rev: r.get(0)?, note });
                    }
                    "signoffs" => {
                        let signoff = with_times(signoff_record_from(r, 1)?, |s, t| s.field_times = t, "signoffs")?;
                        page.signoffs.push(SignoffRow {
                            rev: r.get(0)?,
                            signoff,
                        });
                    }
                    _ => {
                        let key: String = r.get(2)?;
                        let parts: Vec<String> =
                            serde_json::from_str(&key).map_err(|_| bad_json("sync_deletions", "key", key))?;
                        page.deleted.push(DeletedRow(r.get(0)?, r.get(1)?, parts));
                    }
                }
            }
        }
        tx.commit()?;
        Ok(page)
    }
}

// ---------------------------------------------------------------------------
// Applying a pulled page (laptop side)

/// Where the laptop's pull stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullPosition {
    pub cursor: i64,
    pub server_id: Option<String>,
    pub scope_key: Option<String>,
}

/// The primary-key columns of a table that tombstones may name.
fn delete_sql(table: &str) -> Option<(&'static str, usize)> {
    Some(match table {
        "counties" => ("DELETE FROM counties WHERE id = ?1", 1),
        "people" => ("DELETE FROM people WHERE id = ?1", 1),
        "branches" => ("DELETE FROM branches WHERE id = ?1", 1),
        "branch_maintainers" => (
            "DELETE FROM branch_maintainers WHERE branch_id = ?1 AND person_id = ?2",
            2,
        ),
        "stations" => ("DELETE FROM stations WHERE id = ?1", 1),
        "plans" => ("DELETE FROM plans WHERE branch_id = ?1 AND month = ?2", 2),
        "daily_payments" => (
            "DELETE FROM daily_payments WHERE day = ?1 AND station_id = ?2 AND category = ?3",
            3,
        ),
        "daily_cards" => ("DELETE FROM daily_cards WHERE day = ?1 AND station_id = ?2", 2),
        "daily_referrals" => (
            "DELETE FROM daily_referrals WHERE day = ?1 AND station_id = ?2 AND kind = ?3",
            3,
        ),
        "visit_notes" => ("DELETE FROM visit_notes WHERE uuid = ?1", 1),
        "signoffs" => ("DELETE FROM signoffs WHERE uuid = ?1", 1),
        _ => return None,
    })
}

fn local_note(conn: &Connection, uuid: &str) -> Result<Option<NoteRecord>, StoreError> {
    let raw = conn
        .prepare_cached(
            "SELECT uuid, station_id, author_id, visited_on, kind, body, follow_up_on, field_times,
                    version, created_at, updated_at FROM visit_notes WHERE uuid = ?1",
        )?
        .query_row([uuid], |r| note_record_from(r, 0))
        .optional()?;
    raw.map(|raw| with_times(raw, |n, t| n.field_times = t, "visit_notes"))
        .transpose()
}

fn local_signoff(conn: &Connection, uuid: &str) -> Result<Option<SignoffRecord>, StoreError> {
    let raw = conn
        .prepare_cached(
            "SELECT uuid, station_id, month, author_id, outcome, reason, signed_on, field_times,
                    version, created_at, updated_at FROM signoffs WHERE uuid = ?1",
        )?
        .query_row([uuid], |r| signoff_record_from(r, 0))
        .optional()?;
    raw.map(|raw| with_times(raw, |s, t| s.field_times = t, "signoffs"))
        .transpose()
}

/// Runs an `INSERT … SELECT … FROM json_each(?1)` over rows as JSON.
fn bulk<T: serde::Serialize>(conn: &Connection, sql: &str, rows: &[T]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_string(rows).expect("rows of strings and numbers serialise");
    conn.prepare_cached(sql)?.execute([json])?;
    Ok(())
}

/// Rows to a multi-row `INSERT … VALUES` statement.
const ROWS_PER_STATEMENT: usize = 256;

/// Runs `head (?, …), (?, …) … tail` over `rows`, `ROWS_PER_STATEMENT` rows
/// to a statement (the last statement takes the rest).
fn insert_rows<T, const N: usize>(
    conn: &Connection,
    head: &str,
    tail: &str,
    rows: &[T],
    values: impl for<'r> Fn(&'r T) -> [&'r dyn ToSql; N],
) -> Result<(), StoreError> {
    let tuple = format!("({})", vec!["?"; N].join(", "));
    let sql = |n: usize| format!("{head}{}{tail}", vec![tuple.as_str(); n].join(", "));
    let full = sql(ROWS_PER_STATEMENT);
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let text = if chunk.len() == ROWS_PER_STATEMENT {
            std::borrow::Cow::Borrowed(full.as_str())
        } else {
            std::borrow::Cow::Owned(sql(chunk.len()))
        };
        let mut stmt = conn.prepare_cached(&text)?;
        let mut index = 1;
        for row in chunk {
            for value in values(row) {
                stmt.raw_bind_parameter(index, value)?;
                index += 1;
            }
        }
        stmt.raw_execute()?;
    }
    Ok(())
}

fn times_json(times: &crate::sync::protocol::FieldTimes) -> String {
    serde_json::to_string(times).expect("a map of strings serialises")
}

/// Inserts a note, or replaces every field of it; `rev` 0 lets the
/// server's trigger number it, a pulled row keeps the server's.
fn put_note(conn: &Connection, n: &NoteRecord, rev: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO visit_notes (uuid, station_id, author_id, visited_on, kind, body, follow_up_on,
             field_times, version, created_at, updated_at, rev)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (uuid) DO UPDATE SET station_id = excluded.station_id, author_id = excluded.author_id,
             visited_on = excluded.visited_on, kind = excluded.kind, body = excluded.body,
             follow_up_on = excluded.follow_up_on, field_times = excluded.field_times,
             version = excluded.version, created_at = excluded.created_at,
             updated_at = excluded.updated_at, rev = CASE WHEN ?12 = 0 THEN visit_notes.rev ELSE ?12 END",
    )?
    .execute(params![
        n.uuid,
        n.station_id,
        n.author_id,
        n.visited_on,
        n.kind,
        n.body,
        n.follow_up_on,
        times_json(&n.field_times),
        n.version,
        n.created_at,
        n.updated_at,
        rev
    ])?;
    Ok(())
}

fn put_signoff(conn: &Connection, s: &SignoffRecord, rev: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO signoffs (uuid, station_id, month, author_id, outcome, reason, signed_on,
             field_times, version, created_at, updated_at, rev)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (uuid) DO UPDATE SET station_id = excluded.station_id, month = excluded.month,
             author_id = excluded.author_id, outcome = excluded.outcome, reason = excluded.reason,
             signed_on = excluded.signed_on, field_times = excluded.field_times,
             version = excluded.version, created_at = excluded.created_at,
             updated_at = excluded.updated_at, rev = CASE WHEN ?12 = 0 THEN signoffs.rev ELSE ?12 END",
    )?
    .execute(params![
        s.uuid,
        s.station_id,
        s.month,
        s.author_id,
        s.outcome,
        s.reason,
        s.signed_on,
        times_json(&s.field_times),
        s.version,
        s.created_at,
        s.updated_at,
        rev
    ])?;
    Ok(())
}

/// The per-station indexes of the daily facts (as in migration 0001).
const FACT_INDEXES: [(&str, &str); 3] = [
    (
        "daily_payments_by_station",
        "CREATE INDEX IF NOT EXISTS daily_payments_by_station ON daily_payments(station_id, day)",
    ),
    (
        "daily_cards_by_station",
        "CREATE INDEX IF NOT EXISTS daily_cards_by_station ON daily_cards(station_id, day)",
    ),
    (
        "daily_referrals_by_station",
        "CREATE INDEX IF NOT EXISTS daily_referrals_by_station ON daily_referrals(station_id, day)",
    ),
];

impl Store {
    /// Drops the per-station indexes of the daily facts for a large pull.
    /// Rows arrive day by day, so every page would add to thousands of
    /// these indexes' leaves, and each page's commit rewrite them all;
    /// building them once at the end is several times faster.
    /// `restore_fact_indexes` puts them back (sync does at its end, and at
    /// its start in case a pull was killed between the two).
    pub fn drop_fact_indexes(&self) -> Result<(), StoreError> {
        let tx = self.conn().unchecked_transaction()?;
        for (name, _) in FACT_INDEXES {
            tx.execute_batch(&format!("DROP INDEX IF EXISTS {name}"))?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Builds the per-station fact indexes that are missing.
    pub fn restore_fact_indexes(&self) -> Result<(), StoreError> {
        let tx = self.conn().unchecked_transaction()?;
        for (_, sql) in FACT_INDEXES {
            tx.execute_batch(sql)?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn pull_position(&self) -> Result<PullPosition, StoreError> {
        Ok(self.conn().query_row(
            "SELECT pull_cursor, server_id, scope_key FROM sync_state WHERE id = 1",
            [],
            |r| {
                Ok(PullPosition {
                    cursor: r.get(0)?,
                    server_id: r.get(1)?,
                    scope_key: r.get(2)?,
                })
            },
        )?)
    }

    /// Starts the pull over from revision 0 (another server, another scope).
    pub fn reset_pull(&self) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE sync_state SET pull_cursor = 0, server_id = NULL, scope_key = NULL WHERE id = 1",
            [],
        )?;
        Ok(())
    }

    /// Stores a pulled page and moves the cursor to its end, in one
    /// transaction: a crash keeps the page whole or not at all. Facts and
    /// the registry are replaced by the server's; notes and sign-offs are
    /// merged with what the laptop holds. Returns the rows written.
    ///
    /// The caller turns foreign keys off on this connection: the server
    /// sends each row at its latest revision, so a station may come a page
    /// before the person it names (who changed later); the server's
    /// database keeps the references whole, and a finished pull does too.
    pub fn apply_pull_page(&mut self, page: &PullPage, server_url: &str) -> Result<u64, StoreError> {
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let conn: &Connection = &tx;
            // One statement per table and page, over the rows as JSON: a
            // statement per row would copy the pages it touches into the
            // statement journal again for every row (the tables have
            // triggers), which made a large pull several times slower.
            bulk(
                conn,
                "INSERT INTO counties (id, name, rev)
                 SELECT value->>1, value->>2, value->>0 FROM json_each(?1) WHERE true
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, rev = excluded.rev",
                &page.counties,
            )?;
            bulk(
                conn,
                "INSERT INTO people (id, name, phone, has_green_card, rev)
                 SELECT value->>1, value->>2, value->>3, value->>4, value->>0 FROM json_each(?1) WHERE true
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone,
                     has_green_card = excluded.has_green_card, rev = excluded.rev",
                &page.people,
            )?;
            bulk(
                conn,
                "INSERT INTO branches (id, name, kind, county_id, manager_id, rev)
                 SELECT value->>1, value->>2, value->>3, value->>4, value->>5, value->>0
                 FROM json_each(?1) WHERE true
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                     county_id = excluded.county_id, manager_id = excluded.manager_id, rev = excluded.rev",
                &page.branches,
            )?;
            bulk(
                conn,
                "INSERT INTO branch_maintainers (branch_id, person_id, rev)
                 SELECT value->>1, value->>2, value->>0 FROM json_each(?1) WHERE true
                 ON CONFLICT (branch_id, person_id) DO UPDATE SET rev = excluded.rev",
                &page.branch_maintainers,
            )?;
            bulk(
                conn,
                "INSERT INTO stations (id, name, kind, branch_id, maintainer_id, village, village_households,
                     stations_in_village, route_order, status, has_terminal, has_green_card, opened_on,
                     closed_on, rev)
                 SELECT value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7,
                     value->>8, value->>9, value->>10, value->>11, value->>12, value->>13, value->>14,
                     value->>0
                 FROM json_each(?1) WHERE true
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                     branch_id = excluded.branch_id, maintainer_id = excluded.maintainer_id,
                     village = excluded.village, village_households = excluded.village_households,
                     stations_in_village = excluded.stations_in_village, route_order = excluded.route_order,
                     status = excluded.status, has_terminal = excluded.has_terminal,
                     has_green_card = excluded.has_green_card, opened_on = excluded.opened_on,
                     closed_on = excluded.closed_on, rev = excluded.rev",
                &page.stations,
            )?;
            bulk(
                conn,
                "INSERT INTO plans (branch_id, month, target, rev)
                 SELECT value->>1, value->>2, value->>3, value->>0 FROM json_each(?1) WHERE true
                 ON CONFLICT (branch_id, month) DO UPDATE SET target = excluded.target, rev = excluded.rev",
                &page.plans,
            )?;
            // The daily facts are most of a large pull: many rows to a
            // statement, bound directly (no JSON to parse twice).
            insert_rows(
                conn,
                "INSERT INTO daily_payments (rev, station_id, day, category, count, amount_fen) VALUES ",
                " ON CONFLICT (day, station_id, category) DO UPDATE SET count = excluded.count,
                     amount_fen = excluded.amount_fen, rev = excluded.rev",
                &page.daily_payments,
                |r: &PaymentRow| [&r.0 as &dyn ToSql, &r.1, &r.2, &r.3, &r.4, &r.5],
            )?;
            insert_rows(
                conn,
                "INSERT INTO daily_cards (rev, station_id, day, raw, valid) VALUES ",
                " ON CONFLICT (day, station_id) DO UPDATE SET raw = excluded.raw, valid = excluded.valid,
                     rev = excluded.rev",
                &page.daily_cards,
                |r: &CardRow| [&r.0 as &dyn ToSql, &r.1, &r.2, &r.3, &r.4],
            )?;
            insert_rows(
                conn,
                "INSERT INTO daily_referrals (rev, station_id, day, kind, count) VALUES ",
                " ON CONFLICT (day, station_id, kind) DO UPDATE SET count = excluded.count, rev = excluded.rev",
                &page.daily_referrals,
                |r: &ReferralRow| [&r.0 as &dyn ToSql, &r.1, &r.2, &r.3, &r.4],
            )?;
            for NoteRow { rev, note } in &page.visit_notes {
                match local_note(conn, &note.uuid)? {
                    None => put_note(conn, note, *rev)?,
                    Some(local) => {
                        let merged = merge_note(&local, note);
                        if merged != local {
                            put_note(conn, &merged, *rev)?;
                        } else {
                            conn.prepare_cached("UPDATE visit_notes SET rev = ?2 WHERE uuid = ?1")?
                                .execute(params![note.uuid, rev])?;
                        }
                    }
                }
            }
            for SignoffRow { rev, signoff } in &page.signoffs {
                match local_signoff(conn, &signoff.uuid)? {
                    None => put_signoff(conn, signoff, *rev)?,
                    Some(local) => {
                        let merged = merge_signoff(&local, signoff);
                        if merged != local {
                            put_signoff(conn, &merged, *rev)?;
                        } else {
                            conn.prepare_cached("UPDATE signoffs SET rev = ?2 WHERE uuid = ?1")?
                                .execute(params![signoff.uuid, rev])?;
                        }
                    }
                }
            }
            for DeletedRow(_, table, key) in &page.deleted {
                // A tombstone of a table this bianmin does not know, or
                // with the wrong key, is skipped rather than stop sync.
                let Some((sql, arity)) = delete_sql(table) else {
                    continue;
                };
                if key.len() != arity {
                    continue;
                }
                conn.prepare_cached(sql)?
                    .execute(rusqlite::params_from_iter(key.iter()))?;
            }
            // A demo server's "today" is the laptop's too; a real server
            // has none (and a demo database is never synced into, so the
            // value can only have come from a server).
            match &page.today {
                Some(today) => conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('demo_today', ?1)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [today],
                )?,
                None => conn.execute("DELETE FROM meta WHERE key = 'demo_today'", [])?,
            };
            conn.execute(
                "UPDATE sync_state SET pull_cursor = ?1, server_id = ?2, scope_key = ?3, server_url = ?4
                 WHERE id = 1",
                params![page.next, page.server_id, page.scope_key, server_url],
            )?;
        }
        tx.commit()?;
        Ok(page.row_count())
    }
}

// ---------------------------------------------------------------------------
// The merge: last writer wins, field by field

/// An instant from RFC 3339 text; text that is not one sorts first.
fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The note fields that merge one by one.
pub const NOTE_FIELDS: [&str; 4] = ["visited_on", "kind", "body", "follow_up_on"];

fn note_field(n: &NoteRecord, field: &str) -> Option<String> {
    match field {
        "visited_on" => Some(n.visited_on.clone()),
        "kind" => Some(n.kind.clone()),
        "body" => Some(n.body.clone()),
        _ => n.follow_up_on.clone(),
    }
}

fn set_note_field(n: &mut NoteRecord, field: &str, value: Option<String>) {
    match field {
        "visited_on" => n.visited_on = value.unwrap_or_default(),
        "kind" => n.kind = value.unwrap_or_default(),
        "body" => n.body = value.unwrap_or_default(),
        _ => n.follow_up_on = value,
    }
}

/// Merges two versions of one note: for each field, the value set last
/// wins (a field without its own time has its record's `updated_at`); on
/// the same instant the greater value wins, so both sides of a sync pick
/// the same. Station and author are those of `stored`. Commutative,
/// associative and idempotent.
pub fn merge_note(stored: &NoteRecord, incoming: &NoteRecord) -> NoteRecord {
    let mut merged = stored.clone();
    for field in NOTE_FIELDS {
        let key = |n: &NoteRecord| {
            let explicit = n.field_times.get(field);
            (
                instant(explicit.unwrap_or(&n.updated_at)),
                note_field(n, field),
                explicit.is_some(),
            )
        };
        if key(incoming) > key(stored) {
            set_note_field(&mut merged, field, note_field(incoming, field));
            match incoming.field_times.get(field) {
                Some(t) => merged.field_times.insert(field.to_string(), t.clone()),
                None => merged.field_times.remove(field),
            };
        }
    }
    merged.version = stored.version.max(incoming.version);
    if (instant(&incoming.created_at), &incoming.created_at) < (instant(&stored.created_at), &stored.created_at) {
        merged.created_at = incoming.created_at.clone();
    }
    if (instant(&incoming.updated_at), &incoming.updated_at) > (instant(&stored.updated_at), &stored.updated_at) {
        merged.updated_at = incoming.updated_at.clone();
    }
    merged
}

/// Merges two versions of one sign-off. A sign-off is one decision
/// (outcome and reason go together), so the later one wins whole; ties
/// are broken by version, then by the fields' text.
pub fn merge_signoff(stored: &SignoffRecord, incoming: &SignoffRecord) -> SignoffRecord {
    let key = |s: &SignoffRecord| {
        (
            instant(&s.updated_at),
            s.version,
            s.updated_at.clone(),
            s.author_id.clone(),
            s.outcome.clone(),
            s.reason.clone(),
            s.signed_on.clone(),
            times_json(&s.field_times),
        )
    };
    let mut merged = if key(incoming) > key(stored) {
        incoming.clone()
    } else {
        stored.clone()
    };
    merged.uuid = stored.uuid.clone();
    merged.station_id = stored.station_id.clone();
    merged.month = stored.month.clone();
    merged.version = stored.version.max(incoming.version);
    merged.created_at =
        if (instant(&incoming.created_at), &incoming.created_at) < (instant(&stored.created_at), &stored.created_at) {
            incoming.created_at.clone()
        } else {
            stored.created_at.clone()
        };
    merged
}

// ---------------------------------------------------------------------------
// Receiving pushed records (server side)

/// RFC 3339 text in the one form the store writes (UTC, milliseconds).
fn canonical_time(text: &str, what: &str) -> Result<String, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| timestamp(t.with_timezone(&Utc)))
        .map_err(|_| format!("{what} is not an RFC 3339 time: {text:?}"))
}

fn check_date(text: &str, what: &str) -> Result<(), String> {
    parse_date(text)
        .map(|_| ())
        .map_err(|_| format!("{what} is not a date (YYYY-MM-DD): {text:?}"))
}

fn check_text(text: &str, what: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err(format!("{what} is empty"));
    }
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(format!("{what} is {chars} characters long; at most {MAX_TEXT_CHARS}"));
    }
    Ok(())
}

fn check_common(
    uuid: &str,
    version: i64,
    created_at: &mut String,
    updated_at: &mut String,
    field_times: &mut crate::sync::protocol::FieldTimes,
    fields: &[&str],
) -> Result<(), String> {
    uuid::Uuid::parse_str(uuid).map_err(|_| format!("uuid {uuid:?} is not a UUID"))?;
    if version < 1 {
        return Err(format!("version {version} is below 1"));
    }
    *created_at = canonical_time(created_at, "created_at")?;
    *updated_at = canonical_time(updated_at, "updated_at")?;
    for (field, time) in field_times.iter_mut() {
        if !fields.contains(&field.as_str()) {
            return Err(format!("field_times names an unknown field {field:?}"));
        }
        *time = canonical_time(time, &format!("field_times.{field}"))?;
    }
    Ok(())
}

fn validate_note(n: &mut NoteRecord) -> Result<(), String> {
    check_common(
        &n.uuid,
        n.version,
        &mut n.created_at,
        &mut n.updated_at,
        &mut n.field_times,
        &NOTE_FIELDS,
    )?;
    if NoteKind::parse(&n.kind).is_none() {
        return Err(format!(
            "kind {:?} is not one of collection, equipment, promotion, reconciliation, other",
            n.kind
        ));
    }
    check_text(&n.body, "the note's text")?;
    check_date(&n.visited_on, "visited_on")?;
    if let Some(d) = &n.follow_up_on {
        check_date(d, "follow_up_on")?;
    }
    Ok(())
}

fn validate_signoff(s: &mut SignoffRecord) -> Result<(), String> {
    check_common(
        &s.uuid,
        s.version,
        &mut s.created_at,
        &mut s.updated_at,
        &mut s.field_times,
        &["author_id", "outcome", "reason", "signed_on"],
    )?;
    s.month
        .parse::<Month>()
        .map_err(|_| format!("month {:?} is not YYYY-MM", s.month))?;
    check_date(&s.signed_on, "signed_on")?;
    match s.outcome.as_str() {
        "signed" => {
            if let Some(r) = &s.reason {
                if r.chars().count() > MAX_TEXT_CHARS {
                    return Err(format!("the reason is longer than {MAX_TEXT_CHARS} characters"));
                }
            }
        }
        "disputed" => check_text(s.reason.as_deref().unwrap_or(""), "a dispute's reason")?,
        other => return Err(format!("outcome {other:?} is not signed or disputed")),
    }
    Ok(())
}

/// Why a record is refused, or the record to store.
fn admit(
    conn: &Connection,
    scope: &Scope,
    station: &str,
    author: &str,
    existing: Option<(&str, &str)>,
) -> Result<(), String> {
    let exists: bool = conn
        .prepare_cached("SELECT 1 FROM stations WHERE id = ?1")
        .and_then(|mut s| s.exists([station]))
        .map_err(|e| e.to_string())?;
    if !exists {
        return Err(format!("station {station:?} is not on the server"));
    }
    if !scope.has_station(station) {
        return Err(format!(
            "station {station} is outside the scope of {} ({})",
            scope.person_id, scope.role
        ));
    }
    match existing {
        Some((stored_station, stored_author)) => {
            if stored_station != station {
                return Err(format!(
                    "this record belongs to station {stored_station}; its station cannot change"
                ));
            }
            if stored_author != author {
                return Err(format!(
                    "this record was written by {stored_author}; its author cannot change"
                ));
            }
        }
        None => {
            if author != scope.person_id {
                return Err(format!(
                    "a new record's author must be the token's person {}, not {author}",
                    scope.person_id
                ));
            }
        }
    }
    Ok(())
}

fn receive_one(
    conn: &Connection,
    scope: &Scope,
    record: &PushRecord,
) -> Result<Result<PushOutcome, String>, StoreError> {
    match record {
        PushRecord::VisitNote(note) => {
            let mut note = note.clone();
            if let Err(reason) = validate_note(&mut note) {
                return Ok(Err(reason));
            }
            let stored = local_note(conn, &note.uuid)?;
            let existing = stored.as_ref().map(|s| (s.station_id.as_str(), s.author_id.as_str()));
            if let Err(reason) = admit(conn, scope, &note.station_id, &note.author_id, existing) {
                return Ok(Err(reason));
            }
            Ok(Ok(match stored {
                None => {
                    put_note(conn, &note, 0)?;
                    PushOutcome::Stored
                }
                Some(stored) => {
                    let merged = merge_note(&stored, &note);
                    if merged == stored {
                        PushOutcome::Unchanged
                    } else {
                        put_note(conn, &merged, 0)?;
                        PushOutcome::Stored
                    }
                }
            }))
        }
        PushRecord::Signoff(signoff) => {
            let mut signoff = signoff.clone();
            if let Err(reason) = validate_signoff(&mut signoff) {
                return Ok(Err(reason));
            }
            let stored = local_signoff(conn, &signoff.uuid)?;
            if let Some(s) = &stored {
                if s.month != signoff.month {
                    return Ok(Err(format!("this sign-off is of {}; its month cannot change", s.month)));
                }
            }
            // A sign-off's author may change (whoever signs last), so only
            // a new one must be the token's person's.
            let existing = stored
                .as_ref()
                .map(|s| (s.station_id.as_str(), signoff.author_id.as_str()));
            if let Err(reason) = admit(conn, scope, &signoff.station_id, &signoff.author_id, existing) {
                return Ok(Err(reason));
            }
            let author_known: bool = conn
                .prepare_cached("SELECT 1 FROM people WHERE id = ?1")?
                .exists([&signoff.author_id])?;
            if !author_known {
                return Ok(Err(format!("person {:?} is not on the server", signoff.author_id)));
            }
            Ok(Ok(match stored {
                None => {
                    put_signoff(conn, &signoff, 0)?;
                    PushOutcome::Stored
                }
                Some(stored) => {
                    let merged = merge_signoff(&stored, &signoff);
                    if merged == stored {
                        PushOutcome::Unchanged
                    } else {
                        put_signoff(conn, &merged, 0)?;
                        PushOutcome::Stored
                    }
                }
            }))
        }
    }
}

impl Store {
    /// Stores pushed records in one transaction: each is new, merged into
    /// the stored one, a repeat that changes nothing, or refused with a
    /// reason (out of scope, invalid) without stopping the others. No
    /// outbox rows are written here: the records are already on the server.
    pub fn receive_records(&mut self, scope: &Scope, records: &[PushRecord]) -> Result<Vec<PushResult>, StoreError> {
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut results = Vec::with_capacity(records.len());
        for record in records {
            tx.execute_batch("SAVEPOINT record")?;
            let outcome = match receive_one(&tx, scope, record) {
                Ok(Ok(outcome)) => {
                    tx.execute_batch("RELEASE record")?;
                    Ok(outcome)
                }
                Ok(Err(reason)) => {
                    tx.execute_batch("ROLLBACK TO record; RELEASE record")?;
                    Err(reason)
                }
                Err(StoreError::Sql(e)) => {
                    tx.execute_batch("ROLLBACK TO record; RELEASE record")?;
                    Err(format!("the server could not store it: {e}"))
                }
                Err(e) => return Err(e),
            };
            results.push(match outcome {
                Ok(outcome) => PushResult {
                    uuid: record.uuid().to_string(),
                    version: record.version(),
                    outcome,
                    reason: None,
                },
                Err(reason) => PushResult {
                    uuid: record.uuid().to_string(),
                    version: record.version(),
                    outcome: PushOutcome::Rejected,
                    reason: Some(reason),
                },
            });
        }
        tx.commit()?;
        Ok(results)
    }

    /// Whether this database is a county server's (`bianmin serve` ran on
    /// it): notes written here are already on the server.
    pub fn is_server(&self) -> Result<bool, StoreError> {
        Ok(self.meta("server_id")?.is_some())
    }
}

// ---------------------------------------------------------------------------
// The outbox, batch by batch (laptop side)

/// Records to push, each with the outbox rows it settles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxBatch {
    pub records: Vec<PushRecord>,
    /// For each record, the outbox rows it answers (every pending version).
    pub outbox_ids: Vec<Vec<i64>>,
    /// Outbox rows whose record is gone from the database.
    pub orphans: Vec<i64>,
}

/// A record the server refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// `visit_note` or `signoff`
    pub kind: String,
    pub uuid: String,
    pub version: i64,
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.kind == "signoff" { "sign-off" } else { "note" };
        write!(f, "{kind} {} (version {}): {}", self.uuid, self.version, self.reason)
    }
}

impl Store {
    /// The next records to push: the latest state of each record with
    /// pending outbox rows, oldest first, up to `max_records` records or
    /// about `max_bytes` of JSON. Read from one snapshot, so an edit made
    /// meanwhile stays pending for the next batch.
    pub fn outbox_batch(&self, max_records: usize, max_bytes: usize) -> Result<OutboxBatch, StoreError> {
        let tx = self.conn().unchecked_transaction()?;
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
                let record = match kind.as_str() {
                    "visit_note" => local_note(&tx, &uuid)?.map(PushRecord::VisitNote),
                    _ => local_signoff(&tx, &uuid)?.map(PushRecord::Signoff),
                };
                let Some(record) = record else {
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
            let mut refuse = tx.prepare_cached(
                "UPDATE outbox SET rejected_at = ?2, rejected_reason = ?3
                 WHERE id = ?1 AND sent_at IS NULL AND rejected_at IS NULL",
            )?;
            for ((record, ids), result) in batch.records.iter().zip(&batch.outbox_ids).zip(results) {
                match result.outcome {
                    PushOutcome::Stored | PushOutcome::Unchanged => {
                        for id in ids {
                            sent.execute(params![id, at])?;
                        }
                    }
                    PushOutcome::Rejected => {
                        let reason = result
                            .reason
                            .clone()
                            .unwrap_or_else(|| "refused without a reason".to_string());
                        for id in ids {
                            refuse.execute(params![id, at, reason])?;
                        }
                        rejected.push(Rejection {
                            kind: record.kind().to_string(),
                            uuid: record.uuid().to_string(),
                            version: record.version(),
                            reason,
                        });
                    }
                }
            }
            for id in &batch.orphans {
                refuse.execute(params![id, at, "the record is no longer in this database"])?;
            }
        }
        tx.commit()?;
        Ok(rejected)
    }

    /// Sets one record aside without asking the server (it cannot be sent).
    pub fn set_aside(&self, ids: &[i64], reason: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        for id in ids {
            self.mark_rejected(*id, reason, now)?;
        }
        Ok(())
    }

    /// Records whose latest version the server refused, newest first.
    pub fn rejected_records(&self) -> Result<Vec<Rejection>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT o.record_kind, o.record_uuid, o.version, coalesce(o.rejected_reason, '')
             FROM outbox o
             WHERE o.rejected_at IS NOT NULL
               AND o.id = (SELECT max(id) FROM outbox WHERE record_uuid = o.record_uuid)
             ORDER BY o.id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Rejection {
                kind: r.get(0)?,
                uuid: r.get(1)?,
                version: r.get(2)?,
                reason: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

// ---------------------------------------------------------------------------
// The sync state (laptop side)

/// What the dashboard shows about sync.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncStatus {
    pub server_url: Option<String>,
    /// The last sync that finished.
    pub last_success_at: Option<DateTime<Utc>>,
    /// The last sync tried, finished or not.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// Why the last sync failed; `None` after a success.
    pub last_error: Option<String>,
    /// Since when the server has been unreachable; `None` while it answers.
    pub offline_since: Option<DateTime<Utc>>,
    /// Records waiting to be pushed.
    pub pending: u64,
    /// Records the server refused (their latest version).
    pub rejected: u64,
    /// The server revision the laptop holds everything up to.
    pub cursor: i64,
}

fn opt_instant(text: Option<String>) -> Option<DateTime<Utc>> {
    text.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc))
}

impl Store {
    pub fn sync_status(&self) -> Result<SyncStatus, StoreError> {
        let (server_url, success, attempt, error, offline, cursor) = self.conn().query_row(
            "SELECT server_url, last_success_at, last_attempt_at, last_error, offline_since, pull_cursor
             FROM sync_state WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            },
        )?;
        let rejected: u64 = self.conn().query_row(
            "SELECT count(*) FROM outbox o WHERE o.rejected_at IS NOT NULL
               AND o.id = (SELECT max(id) FROM outbox WHERE record_uuid = o.record_uuid)",
            [],
            |r| r.get(0),
        )?;
        Ok(SyncStatus {
            server_url,
            last_success_at: opt_instant(success),
            last_attempt_at: opt_instant(attempt),
            last_error: error,
            offline_since: opt_instant(offline),
            pending: self.pending_count()?,
            rejected,
            cursor,
        })
    }

    /// A sync finished.
    pub fn record_sync_success(&self, server_url: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        let at = timestamp(now);
        self.conn().execute(
            "UPDATE sync_state SET server_url = ?1, last_success_at = ?2, last_attempt_at = ?2,
                 last_error = NULL, offline_since = NULL WHERE id = 1",
            params![server_url, at],
        )?;
        Ok(())
    }

    /// A sync failed: `offline` when the server could not be reached (the
    /// time offline began is kept), otherwise the server answered and is
    /// reachable. The last success is kept.
    pub fn record_sync_failure(
        &self,
        server_url: &str,
        error: &str,
        offline: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let at = timestamp(now);
        self.conn().execute(
            "UPDATE sync_state SET server_url = ?1, last_attempt_at = ?2, last_error = ?3,
                 offline_since = CASE WHEN ?4 THEN coalesce(offline_since, ?2) ELSE NULL END
             WHERE id = 1",
            params![server_url, at, error, offline],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(body: &str, at: &str) -> NoteRecord {
        NoteRecord {
            uuid: "6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7a".into(),
            station_id: "S1".into(),
            author_id: "W01".into(),
            visited_on: "2026-11-20".into(),
            kind: "equipment".into(),
            body: body.into(),
            follow_up_on: None,
            field_times: NOTE_FIELDS.iter().map(|f| (f.to_string(), at.to_string())).collect(),
            version: 1,
            created_at: at.into(),
            updated_at: at.into(),
        }
    }

    fn edit(mut n: NoteRecord, field: &str, value: Option<&str>, at: &str) -> NoteRecord {
        set_note_field(&mut n, field, value.map(String::from));
        n.field_times.insert(field.into(), at.into());
        n.version += 1;
        n.updated_at = at.into();
        n
    }

    const T0: &str = "2026-11-20T08:00:00.000Z";
    const T1: &str = "2026-11-20T09:00:00.000Z";
    const T2: &str = "2026-11-20T10:00:00.000Z";

    #[test]
    fn edits_of_different_fields_both_survive_in_either_order() {
        let base = note("打印机坏了", T0);
        let a = edit(base.clone(), "body", Some("已修好"), T1);
        let b = edit(base.clone(), "kind", Some("other"), T2);
        let ab = merge_note(&a, &b);
        let ba = merge_note(&b, &a);
        assert_eq!(ab, ba);
        assert_eq!(ab.body, "已修好");
        assert_eq!(ab.kind, "other");
        assert_eq!(ab.version, 2);
        assert_eq!(ab.updated_at, T2);
        assert_eq!(ab.field_times["body"], T1);
    }

    #[test]
    fn the_later_edit_of_one_field_wins_and_a_tie_is_decided_the_same_everywhere() {
        let base = note("x", T0);
        let a = edit(base.clone(), "body", Some("早"), T1);
        let b = edit(base.clone(), "body", Some("晚"), T2);
        assert_eq!(merge_note(&a, &b).body, "晚");
        assert_eq!(merge_note(&b, &a).body, "晚");
        let c = edit(base.clone(), "body", Some("甲"), T1);
        let d = edit(base, "body", Some("乙"), T1);
        assert_eq!(merge_note(&c, &d), merge_note(&d, &c));
    }

    #[test]
    fn merging_is_idempotent_and_associative() {
        let base = note("x", T0);
        let a = edit(base.clone(), "body", Some("a"), T1);
        let b = edit(base.clone(), "follow_up_on", Some("2026-12-01"), T2);
        let c = edit(base.clone(), "visited_on", Some("2026-11-19"), T1);
        assert_eq!(merge_note(&a, &a), a);
        let left = merge_note(&merge_note(&a, &b), &c);
        let right = merge_note(&a, &merge_note(&b, &c));
        assert_eq!(left, right);
        assert_eq!(merge_note(&left, &b), left);
    }

    #[test]
    fn a_field_without_its_own_time_counts_from_the_record() {
        let mut old = note("旧", T0);
        old.field_times.clear();
        let newer = edit(note("旧", T0), "body", Some("新"), T1);
        assert_eq!(merge_note(&old, &newer).body, "新");
        assert_eq!(merge_note(&newer, &old).body, "新");
        // A time without milliseconds compares as a time, not as text.
        let mut plain = note("无毫秒", "2026-11-20T09:30:00Z");
        plain.field_times.clear();
        assert_eq!(merge_note(&newer, &plain).body, "无毫秒");
    }

    #[test]
    fn a_later_signoff_wins_whole() {
        let signed = SignoffRecord {
            uuid: "6f1c3a52-8a84-4d0e-9a55-3f0d8c1e2b7b".into(),
            station_id: "S1".into(),
            month: "2026-10".into(),
            author_id: "W01".into(),
            outcome: "signed".into(),
            reason: None,
            signed_on: "2026-11-05".into(),
            field_times: Default::default(),
            version: 1,
            created_at: T0.into(),
            updated_at: T0.into(),
        };
        let mut disputed = signed.clone();
        disputed.outcome = "disputed".into();
        disputed.reason = Some("少算3笔".into());
        disputed.updated_at = T1.into();
        disputed.version = 2;
        assert_eq!(merge_signoff(&signed, &disputed), disputed);
        assert_eq!(merge_signoff(&disputed, &signed), disputed);
        assert_eq!(merge_signoff(&disputed, &disputed), disputed);
    }

    #[test]
    fn roles_read_back() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn a_token_is_kept_only_as_its_hash() {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute("INSERT INTO people (id, name) VALUES ('W01', '王')", [])
            .unwrap();
        let token = store.add_account("W01", Role::Maintainer, None, Utc::now()).unwrap();
        assert!(token.starts_with("bm_") && token.len() == 67, "{token}");
        let stored: String = store
            .conn()
            .query_row("SELECT token_hash FROM accounts", [], |r| r.get(0))
            .unwrap();
        assert_ne!(stored, token);
        assert!(!stored.contains(&token[3..]));
        assert_eq!(
            store.authenticate(&token).unwrap(),
            Ok(Account {
                person_id: "W01".into(),
                role: Role::Maintainer
            })
        );
        assert_eq!(store.authenticate("bm_nope").unwrap(), Err(AuthError::Unknown));
        store.revoke_person("W01", Utc::now()).unwrap();
        assert!(matches!(
            store.authenticate(&token).unwrap(),
            Err(AuthError::Revoked(_))
        ));
        assert!(matches!(
            store.add_account("X9", Role::Maintainer, None, Utc::now()),
            Err(AccountError::UnknownPerson(_))
        ));
        store
            .add_account("county", Role::County, Some("县局平台办"), Utc::now())
            .unwrap();
    }

    #[test]
    fn every_write_gets_a_new_revision_and_a_no_op_gets_none() {
        let store = Store::open_in_memory().unwrap();
        let rev = |sql: &str| -> i64 { store.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
        store
            .conn()
            .execute("INSERT INTO people (id, name) VALUES ('W01', '王')", [])
            .unwrap();
        let first = rev("SELECT rev FROM people WHERE id = 'W01'");
        assert!(first > 0);
        store
            .conn()
            .execute("UPDATE people SET name = '王' WHERE id = 'W01'", [])
            .unwrap();
        assert_eq!(rev("SELECT rev FROM people WHERE id = 'W01'"), first);
        store
            .conn()
            .execute("UPDATE people SET name = '王五' WHERE id = 'W01'", [])
            .unwrap();
        let second = rev("SELECT rev FROM people WHERE id = 'W01'");
        assert!(second > first);
        assert_eq!(store.head_revision().unwrap(), second);
        // A pulled row keeps the server's revision.
        store
            .conn()
            .execute("INSERT INTO people (id, name, rev) VALUES ('W02', '李', 9999)", [])
            .unwrap();
        assert_eq!(rev("SELECT rev FROM people WHERE id = 'W02'"), 9999);
        assert_eq!(store.head_revision().unwrap(), second);
        store.conn().execute("DELETE FROM people WHERE id = 'W02'", []).unwrap();
        assert_eq!(
            rev("SELECT rev FROM sync_deletions WHERE table_name = 'people'"),
            second + 1
        );
    }
}
