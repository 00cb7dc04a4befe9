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

/// `--as` asked for more than this laptop's token allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AsRefused {
    /// Looking as someone outside the token's scope.
    #[error("{}", crate::i18n::trf(
        if role == "manager" { crate::i18n::Text::AsOutsideScopeManager } else { crate::i18n::Text::AsOutsideScope },
        &[me, &role_words(role), asked],
    ))]
    OutsideScope { me: String, role: String, asked: String },
    /// Writing as someone other than the token's person.
    #[error("{}", crate::i18n::trf(crate::i18n::Text::AuthorIsToken, &[me, asked]))]
    NotTheToken { me: String, asked: String },
}

fn role_words(role: &str) -> &'static str {
    crate::i18n::tr(match role {
        "manager" => crate::i18n::Text::RoleManager,
        "county" => crate::i18n::Text::RoleCounty,
        _ => crate::i18n::Text::RoleMaintainer,
    })
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
        // The county's policy comes with who we are: figures on this laptop
        // are evaluated as the server evaluates them (or, when it has none,
        // under the built-in policy, as it does).
        match &me.policy {
            Some(policy) => self.store_policy(&policy.text, &policy.origin)?,
            None => self.forget_policy()?,
        }
        Ok(())
    }

    /// Who looks at the figures. On a connected laptop, its token's person
    /// (a county clerk: the county), and `asked` (`--as`) may not reach
    /// past the token: a maintainer is only themselves, a manager
    /// themselves or a maintainer of their branches, a clerk anyone.
    /// Elsewhere (the demo, a county's own database) `asked`, else
    /// `configured` (the config file's person); `None`: ask.
    pub fn viewer(
        &self,
        asked: Option<&str>,
        configured: Option<&str>,
    ) -> Result<Result<Option<String>, AsRefused>, StoreError> {
        let Some(me) = self.identity()? else {
            return Ok(Ok(asked.or(configured).map(String::from)));
        };
        let Some(asked) = asked.filter(|p| *p != me.person_id) else {
            let own = if me.role == "county" {
                "county".to_string()
            } else {
                me.person_id
            };
            return Ok(Ok(Some(own)));
        };
        let allowed = match me.role.as_str() {
            "county" => true,
            "manager" => {
                let mut found = false;
                for branch in &me.branches {
                    found |= self.branch_maintainers(branch)?.iter().any(|m| m == asked);
                }
                found
            }
            _ => false,
        };
        Ok(if allowed {
            Ok(Some(asked.to_string()))
        } else {
            Err(AsRefused::OutsideScope {
                me: me.person_id,
                role: me.role,
                asked: asked.to_string(),
            })
        })
    }

    /// Who writes a note or a sign-off: on a connected laptop always its
    /// token's person (the server takes new records only from them);
    /// elsewhere `asked`, else `configured`.
    pub fn author(
        &self,
        asked: Option<&str>,
        configured: Option<&str>,
    ) -> Result<Result<Option<String>, AsRefused>, StoreError> {
        Ok(match self.identity()? {
            Some(me) => match asked {
                Some(asked) if asked != me.person_id => Err(AsRefused::NotTheToken {
                    me: me.person_id,
                    asked: asked.to_string(),
                }),
                _ => Ok(Some(me.person_id)),
            },
            None => Ok(asked.or(configured).map(String::from)),
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn me(role: &str) -> Me {
        Me {
            person_id: "W03".into(),
            name: Some("王五".into()),
            role: role.into(),
            stations: 18,
            own_stations: 6,
            branches: vec!["B01".into()],
            scope_key: "k".into(),
            server_id: "s".into(),
            demo: false,
            server_time: None,
            policy: None,
        }
    }

    fn laptop() -> Store {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO people (id, name) VALUES ('M01', 'm'), ('W01', 'a'), ('W03', 'c'), ('W09', 'x');
                 INSERT INTO branches (id, name, kind, manager_id) VALUES ('B01', '恩城', 'rural', 'M01');
                 INSERT INTO branch_maintainers (branch_id, person_id) VALUES ('B01', 'W01'), ('B01', 'W03');",
            )
            .unwrap();
        store
    }

    #[test]
    fn a_laptop_not_yet_connected_takes_as_then_the_config() {
        let store = laptop();
        assert_eq!(store.viewer(Some("W01"), Some("W03")).unwrap(), Ok(Some("W01".into())));
        assert_eq!(store.viewer(None, Some("W03")).unwrap(), Ok(Some("W03".into())));
        assert_eq!(store.viewer(None, None).unwrap(), Ok(None));
        assert_eq!(store.author(None, Some("W03")).unwrap(), Ok(Some("W03".into())));
    }

    #[test]
    fn a_connected_maintainer_is_only_themselves() {
        let store = laptop();
        store.set_identity(&me("maintainer"), "https://x").unwrap();
        assert_eq!(
            store.viewer(None, Some("W01")).unwrap(),
            Ok(Some("W03".into())),
            "not the config's"
        );
        assert_eq!(store.viewer(Some("W03"), None).unwrap(), Ok(Some("W03".into())));
        for asked in ["county", "W01", "M01"] {
            let refused = store.viewer(Some(asked), None).unwrap().unwrap_err();
            assert!(refused.to_string().contains(asked), "{refused}");
        }
        assert_eq!(store.author(None, Some("W01")).unwrap(), Ok(Some("W03".into())));
        assert!(store.author(Some("W01"), None).unwrap().is_err());
    }

    #[test]
    fn a_connected_manager_may_look_as_their_maintainers_and_a_clerk_as_anyone() {
        let store = laptop();
        let mut manager = me("manager");
        manager.person_id = "M01".into();
        store.set_identity(&manager, "https://x").unwrap();
        assert_eq!(store.viewer(Some("W01"), None).unwrap(), Ok(Some("W01".into())));
        assert!(store.viewer(Some("W09"), None).unwrap().is_err(), "not of their branch");
        assert!(store.viewer(Some("county"), None).unwrap().is_err());
        let mut clerk = me("county");
        clerk.person_id = "PT01".into();
        store.set_identity(&clerk, "https://x").unwrap();
        assert_eq!(store.viewer(None, None).unwrap(), Ok(Some("county".into())));
        assert_eq!(store.viewer(Some("W09"), None).unwrap(), Ok(Some("W09".into())));
        assert_eq!(store.author(None, None).unwrap(), Ok(Some("PT01".into())));
    }
}
