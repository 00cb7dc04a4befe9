//! The scope of an account, from the registry as it is now (docs/SYNC.md
//! has the table): a maintainer's and a manager's laptop receive every
//! station of their branches, so the branch figures they compute are the
//! county's; notes and sign-offs stay with the maintainer's own stations
//! (a manager's: the branch's).

use std::collections::BTreeSet;

use rusqlite::Connection;

use crate::server::db::{Account, Role, Scope};
use crate::store::StoreError;

fn ids(conn: &Connection, sql: &str, param: &str) -> Result<BTreeSet<String>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([param], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn scope_of(conn: &Connection, account: &Account) -> Result<Scope, StoreError> {
    let person = account.person_id.as_str();
    let (branches, record_stations) = match account.role {
        Role::County => return Ok(Scope::all(person)),
        Role::Maintainer => (
            ids(
                conn,
                "SELECT branch_id FROM branch_maintainers WHERE person_id = ?1
                 UNION SELECT branch_id FROM stations WHERE maintainer_id = ?1",
                person,
            )?,
            ids(conn, "SELECT id FROM stations WHERE maintainer_id = ?1", person)?,
        ),
        Role::Manager => (
            ids(conn, "SELECT id FROM branches WHERE manager_id = ?1", person)?,
            ids(
                conn,
                "SELECT s.id FROM stations s JOIN branches b ON b.id = s.branch_id WHERE b.manager_id = ?1",
                person,
            )?,
        ),
    };
    let branch_json = serde_json::to_string(&branches).expect("strings serialise");
    let in_branches = |sql: &str| ids(conn, sql, &branch_json);
    let stations = in_branches("SELECT id FROM stations WHERE branch_id IN (SELECT value FROM json_each(?1))")?;
    let mut people = in_branches(
        "SELECT manager_id FROM branches WHERE id IN (SELECT value FROM json_each(?1))
         UNION SELECT person_id FROM branch_maintainers WHERE branch_id IN (SELECT value FROM json_each(?1))
         UNION SELECT maintainer_id FROM stations WHERE branch_id IN (SELECT value FROM json_each(?1))",
    )?;
    people.insert(person.to_string());
    let counties = in_branches(
        "SELECT county_id FROM branches WHERE county_id IS NOT NULL AND id IN (SELECT value FROM json_each(?1))",
    )?;
    Ok(Scope::of(
        account,
        stations,
        record_stations,
        branches,
        people,
        counties,
    ))
}
