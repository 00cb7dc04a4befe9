//! What the laptop knows of its server and of itself: the sync state the
//! dashboard and `bianmin sync --status` show, and the identity the server
//! gave the token (person, role, branches), which decides whose laptop
//! this is: the dashboard opens on it, `--as` cannot reach past it, and a
//! note without `--as` is written as its person.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use crate::month::timestamp;
use crate::store::{Store, StoreError};
use crate::wire::Me;

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
    /// The server this laptop syncs with holds the demo county.
    pub server_demo: bool,
}

/// Whose laptop this is, as the server said of its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub person_id: String,
    pub name: Option<String>,
    /// maintainer, manager or county
    pub role: String,
    pub branches: Vec<String>,
    pub server_url: String,
}

fn opt_instant(text: Option<String>) -> Option<DateTime<Utc>> {
    text.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc))
}

impl Store {
    pub fn sync_status(&self) -> Result<SyncStatus, StoreError> {
        let (server_url, success, attempt, error, offline, cursor, demo) = self.conn().query_row(
            "SELECT server_url, last_success_at, last_attempt_at, last_error, offline_since, pull_cursor,
                    server_demo
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
                    r.get::<_, bool>(6)?,
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
            server_demo: demo,
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

    /// Keeps who the server says this laptop's token belongs to.
    pub fn set_identity(&self, me: &Me, server_url: &str) -> Result<(), StoreError> {
        let branches = serde_json::to_string(&me.branches).expect("strings serialise");
        self.conn().execute(
            "UPDATE sync_state SET person_id = ?1, person_name = ?2, role = ?3, branches = ?4, server_url = ?5,
                 server_demo = ?6
             WHERE id = 1",
            params![me.person_id, me.name, me.role, branches, server_url, me.demo],
        )?;
        Ok(())
    }

    /// Whose laptop this is, once it has synced.
    pub fn identity(&self) -> Result<Option<Identity>, StoreError> {
        type Row = (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let row: Option<Row> = self
            .conn()
            .query_row(
                "SELECT person_id, person_name, role, branches, server_url FROM sync_state WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let Some((Some(person_id), name, Some(role), branches, server_url)) = row else {
            return Ok(None);
        };
        let branches = match branches {
            Some(text) => serde_json::from_str(&text).map_err(|_| StoreError::BadValue {
                table: "sync_state",
                column: "branches",
                value: text,
            })?,
            None => Vec::new(),
        };
        Ok(Some(Identity {
            person_id,
            name,
            role,
            branches,
            server_url: server_url.unwrap_or_default(),
        }))
    }
}
