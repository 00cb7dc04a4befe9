//! Dropping what left the token's scope. A pull from the start names the
//! scope in full (`remember`); at the end of every pull the laptop deletes
//! the rows outside it (`drop_out_of_scope`): a station moved to another
//! maintainer loses its notes here, one moved to another branch goes
//! whole, with its facts. Branch sheet sign-offs follow their branch, the
//! county's resolutions what they resolve (a station's records, a
//! branch). Notes and sign-offs still waiting to be sent
//! stay until the server has answered for them (and the station they name
//! stays with them): nothing is dropped before it was sent or refused.

use rusqlite::Connection;

use crate::store::synced::{TableScope, SYNCED_TABLES};
use crate::store::StoreError;
use crate::wire::ScopeLists;

/// Keeps the scope named by the first page of a pull from the start.
pub fn remember(conn: &Connection, lists: &ScopeLists) -> Result<(), StoreError> {
    let json = serde_json::to_string(lists).expect("lists of strings serialise");
    conn.execute("UPDATE sync_state SET scope_lists = ?1 WHERE id = 1", [json])?;
    Ok(())
}

/// Records waiting in the outbox (not sent, not refused).
const PENDING: &str = "(SELECT record_uuid FROM outbox WHERE sent_at IS NULL AND rejected_at IS NULL)";

/// Deletes every row outside the remembered scope.
pub fn drop_out_of_scope(conn: &Connection) -> Result<(), StoreError> {
    let text: Option<String> = conn.query_row("SELECT scope_lists FROM sync_state WHERE id = 1", [], |r| r.get(0))?;
    let Some(text) = text else { return Ok(()) };
    let Ok(lists) = serde_json::from_str::<ScopeLists>(&text) else {
        // Written by this code; unreadable means a newer bianmin wrote it:
        // keep everything rather than guess.
        return Ok(());
    };
    let json = |list: &Option<Vec<String>>| list.as_ref().map(|l| serde_json::to_string(l).expect("strings"));
    let run = |sql: &str, set: &str| -> Result<(), StoreError> {
        conn.execute(sql, [set])?;
        Ok(())
    };
    let outside = |col: &str| format!("{col} NOT IN (SELECT value FROM json_each(?1))");

    // A station's resolutions go where its sign-offs go (kind 'branch'
    // rows have no station and are kept here: their branch decides).
    let station_resolutions = format!(
        "DELETE FROM resolutions WHERE kind = 'station' AND {} AND uuid NOT IN {PENDING}",
        outside("station_id")
    );
    if let Some(records) = json(&lists.record_stations) {
        for table in ["visit_notes", "signoffs"] {
            run(
                &format!(
                    "DELETE FROM {table} WHERE {} AND uuid NOT IN {PENDING}",
                    outside("station_id")
                ),
                &records,
            )?;
        }
        run(&station_resolutions, &records)?;
    }
    if let Some(stations) = json(&lists.stations) {
        for table in ["daily_payments", "daily_cards", "daily_referrals"] {
            run(
                &format!("DELETE FROM {table} WHERE {}", outside("station_id")),
                &stations,
            )?;
        }
        for t in SYNCED_TABLES {
            if let TableScope::Station(column) = t.scope {
                run(&format!("DELETE FROM {} WHERE {}", t.name, outside(column)), &stations)?;
            }
        }
        for table in ["visit_notes", "signoffs"] {
            run(
                &format!(
                    "DELETE FROM {table} WHERE {} AND uuid NOT IN {PENDING}",
                    outside("station_id")
                ),
                &stations,
            )?;
        }
        run(&station_resolutions, &stations)?;
        run(
            &format!(
                "DELETE FROM stations WHERE {} AND id NOT IN
                     (SELECT station_id FROM visit_notes UNION SELECT station_id FROM signoffs
                      UNION SELECT station_id FROM resolutions WHERE station_id IS NOT NULL)",
                outside("id")
            ),
            &stations,
        )?;
    }
    if let Some(branches) = json(&lists.branches) {
        for table in ["plans", "branch_maintainers"] {
            run(
                &format!("DELETE FROM {table} WHERE {}", outside("branch_id")),
                &branches,
            )?;
        }
        run(
            &format!(
                "DELETE FROM branch_signoffs WHERE {} AND uuid NOT IN {PENDING}",
                outside("branch_id")
            ),
            &branches,
        )?;
        run(
            &format!(
                "DELETE FROM resolutions WHERE kind = 'branch' AND {} AND uuid NOT IN {PENDING}",
                outside("branch_id")
            ),
            &branches,
        )?;
        run(
            &format!(
                "DELETE FROM branches WHERE {} AND id NOT IN
                     (SELECT branch_id FROM stations UNION SELECT branch_id FROM branch_signoffs
                      UNION SELECT branch_id FROM resolutions WHERE branch_id IS NOT NULL)",
                outside("id")
            ),
            &branches,
        )?;
    }
    if let Some(counties) = json(&lists.counties) {
        run(
            &format!(
                "DELETE FROM counties WHERE {} AND id NOT IN
                     (SELECT county_id FROM branches WHERE county_id IS NOT NULL)",
                outside("id")
            ),
            &counties,
        )?;
    }
    if let Some(people) = json(&lists.people) {
        run(
            &format!(
                "DELETE FROM people WHERE {} AND id NOT IN (
                     SELECT author_id FROM visit_notes
                     UNION SELECT author_id FROM signoffs
                     UNION SELECT editor_id FROM signoffs WHERE editor_id IS NOT NULL
                     UNION SELECT author_id FROM branch_signoffs
                     UNION SELECT editor_id FROM branch_signoffs WHERE editor_id IS NOT NULL
                     UNION SELECT author_id FROM resolutions
                     UNION SELECT editor_id FROM resolutions WHERE editor_id IS NOT NULL
                     UNION SELECT maintainer_id FROM stations
                     UNION SELECT manager_id FROM branches
                     UNION SELECT person_id FROM branch_maintainers)",
                outside("id")
            ),
            &people,
        )?;
    }
    Ok(())
}
