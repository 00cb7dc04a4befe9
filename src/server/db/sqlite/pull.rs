//! Pull pages: the rows in a token's scope above a revision, in revision
//! order, read from one snapshot. Rows travel as JSON arrays (see `wire`).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use rusqlite::{CachedStatement, Connection, OptionalExtension, Rows};

use crate::server::db::tables::{
    all_tables, columns, echoed, page_end, page_frame, people_wanted, person_row, read_row, synced_scope, ScopeBy,
    PERSON_COLUMNS, PULL_TABLES, RECORD_TABLES,
};
use crate::server::db::{PageNow, ReadPage, Scope};
use crate::store::synced::{TableScope, SYNCED_TABLES};
use crate::store::StoreError;
use crate::wire::PullPage;

/// The scope sets as JSON arrays, bound as ?3 … ?7 (stations, branches,
/// people, counties, record stations); `None` for a county account, which
/// needs no filter. ?8 is the request's echo key.
struct ScopeParams {
    values: [Option<String>; 6],
}

impl ScopeParams {
    fn of(scope: &Scope) -> ScopeParams {
        let json = |set: &Option<BTreeSet<String>>| {
            set.as_ref()
                .map(|s| serde_json::to_string(s).expect("strings serialise"))
        };
        ScopeParams {
            values: [
                json(&scope.stations),
                json(&scope.branches),
                json(&scope.people),
                json(&scope.counties),
                json(&scope.record_stations),
                scope.echo.clone(),
            ],
        }
    }

    /// Leaves out the rows of a pushed records' table that the request's
    /// sync run stored as sent (`tables::echoed`).
    fn echo_filter(&self, table: &str) -> &'static str {
        if self.values[5].is_some() && echoed(table) {
            " AND rev NOT IN (SELECT rev FROM sync_echoes WHERE echo = ?8 AND rev > ?1 AND rev <= ?2)"
        } else {
            ""
        }
    }

    fn all(&self) -> bool {
        self.values[0].is_none()
    }

    fn filter(&self, by: ScopeBy) -> String {
        if self.all() {
            return String::new();
        }
        let everyone: Vec<String> = SYNCED_TABLES
            .iter()
            .filter(|t| t.scope == TableScope::Everyone)
            .map(|t| format!("'{}'", t.name))
            .collect();
        let within = |col: &str, n: u8| format!(" AND {col} IN (SELECT value FROM json_each(?{n}))");
        match by {
            ScopeBy::Station(col) => within(col, 3),
            ScopeBy::Branch(col) => within(col, 4),
            ScopeBy::Person(col) => within(col, 5),
            ScopeBy::County(col) => within(col, 6),
            ScopeBy::Record(col) => within(col, 7),
            ScopeBy::Everyone => String::new(),
            ScopeBy::Resolution => " AND ((kind = 'station' AND station_id IN (SELECT value FROM json_each(?7)))
                   OR (kind = 'branch' AND branch_id IN (SELECT value FROM json_each(?4))))"
                .to_string(),
            ScopeBy::Deletion => format!(
                " AND ((scope_kind = 'station' AND table_name IN {RECORD_TABLES}
                           AND scope_id IN (SELECT value FROM json_each(?7)))
                   OR (scope_kind = 'station' AND table_name NOT IN {RECORD_TABLES}
                           AND scope_id IN (SELECT value FROM json_each(?3)))
                   OR (scope_kind = 'branch' AND scope_id IN (SELECT value FROM json_each(?4)))
                   OR (scope_kind = 'person' AND scope_id IN (SELECT value FROM json_each(?5)))
                   OR (scope_kind = 'county' AND scope_id IN (SELECT value FROM json_each(?6)))
                   OR table_name IN ({}))",
                everyone.join(", ")
            ),
        }
    }
}

/// Binds ?1, ?2 and whichever of the scope sets (?3 … ?7) the statement
/// names, and runs it.
fn bind_query<'s>(
    stmt: &'s mut CachedStatement<'_>,
    first: i64,
    second: i64,
    scope: &ScopeParams,
) -> rusqlite::Result<Rows<'s>> {
    stmt.raw_bind_parameter(1, first)?;
    stmt.raw_bind_parameter(2, second)?;
    for i in 3..=stmt.parameter_count() {
        stmt.raw_bind_parameter(i, scope.values.get(i - 3).and_then(|v| v.as_deref()))?;
    }
    Ok(stmt.raw_query())
}

/// The page of rows in `scope` above revision `after`: at most `limit`
/// rows, all read from one snapshot.
pub fn pull_page(
    conn: &Connection,
    scope: &Scope,
    after: i64,
    limit: u32,
    server_id: &str,
    now: DateTime<Utc>,
) -> Result<ReadPage, StoreError> {
    let limit = limit.max(1);
    let tx = conn.unchecked_transaction()?;
    let head = head_of(&tx)?;
    let today = demo_today(&tx)?;
    let sp = ScopeParams::of(scope);
    // A pull from the start reads every revision anyway: through the
    // revision index that is a seek into the table for every row of the
    // county, and a probe of the scope set for each. `+rev` leaves the
    // index aside, so SQLite reaches a scoped token's rows through the
    // scope's own column (a station's facts by their per-station index)
    // and sorts the few it finds. Later pulls read a short range of
    // revisions, which the revision index finds best.
    let rev = if after == 0 && !sp.all() { "+rev" } else { "rev" };

    // The revisions this page can hold (`tables::page_end`): with a scope
    // filter, the `limit` lowest in scope above `after` of each table.
    let in_scope = if sp.all() {
        None
    } else {
        let mut revs: Vec<i64> = Vec::new();
        for (name, scope) in all_tables() {
            let sql = format!(
                "SELECT rev FROM {name} WHERE {rev} > ?1{} ORDER BY rev LIMIT ?2",
                sp.filter(scope)
            );
            let mut stmt = tx.prepare_cached(&sql)?;
            let mut rows = bind_query(&mut stmt, after, i64::from(limit), &sp)?;
            while let Some(row) = rows.next()? {
                revs.push(row.get(0)?);
            }
        }
        Some(revs)
    };
    let (cut, more) = page_end(after, head, limit, in_scope);
    let mut page = page_frame(scope, server_id, today, now, after, (cut, head, more));
    for t in PULL_TABLES {
        let sql = format!(
            "SELECT {} FROM {} WHERE {rev} > ?1 AND {rev} <= ?2{}{} ORDER BY rev",
            columns(t),
            t.name,
            sp.filter(t.scope),
            sp.echo_filter(t.name)
        );
        let mut stmt = tx.prepare_cached(&sql)?;
        let mut rows = bind_query(&mut stmt, after, cut, &sp)?;
        while let Some(r) = rows.next()? {
            read_row(&mut page, t.name, r)?;
        }
    }
    for t in SYNCED_TABLES {
        let sql = format!(
            "{} WHERE {rev} > ?1 AND {rev} <= ?2{} ORDER BY rev",
            t.select(),
            sp.filter(synced_scope(t.scope))
        );
        let mut stmt = tx.prepare_cached(&sql)?;
        let mut rows = bind_query(&mut stmt, after, cut, &sp)?;
        while let Some(r) = rows.next()? {
            page.extra.entry(t.name.to_string()).or_default().push(t.row_json(r)?);
        }
    }
    if scope.people.is_some() {
        add_record_people(&tx, &mut page)?;
    }
    let echoes_left_out = echoes_within(&tx, scope, after, cut)?;
    tx.commit()?;
    Ok(ReadPage { page, echoes_left_out })
}

/// What a kept page of the revisions `after` to `cut` needs now
/// (`ServerDb::page_now`), read from one snapshot.
pub fn page_now(conn: &Connection, scope: &Scope, after: i64, cut: i64) -> Result<PageNow, StoreError> {
    let tx = conn.unchecked_transaction()?;
    let head = head_of(&tx)?;
    let now = PageNow {
        head,
        sequence: head,
        today: demo_today(&tx)?,
        echoed: echoes_within(&tx, scope, after, cut)?,
    };
    tx.commit()?;
    Ok(now)
}

fn head_of(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT rev FROM sync_revision WHERE id = 1", [], |r| r.get(0))
}

fn demo_today(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = 'demo_today'", [], |r| r.get(0))
        .optional()
}

/// Whether the request's sync run stored rows with revisions in `after`
/// to `cut` (`ScopeParams::echo_filter` leaves them out of its pull).
fn echoes_within(conn: &Connection, scope: &Scope, after: i64, cut: i64) -> rusqlite::Result<bool> {
    match &scope.echo {
        None => Ok(false),
        Some(echo) => conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sync_echoes WHERE rev > ?1 AND rev <= ?2 AND echo = ?3)",
            rusqlite::params![after, cut, echo],
            |r| r.get(0),
        ),
    }
}

/// The authors and editors of the page's notes, sign-offs and resolutions
/// come with
/// them, whatever their revision: a county clerk or a manager of another
/// branch may write on a station, and the laptop needs their names. (A
/// county token receives every person anyway.)
fn add_record_people(conn: &Connection, page: &mut PullPage) -> Result<(), StoreError> {
    let want = people_wanted(page);
    if want.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_string(&want).expect("strings serialise");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PERSON_COLUMNS} FROM people WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id"
    ))?;
    let mut rows = stmt.query([json])?;
    while let Some(r) = rows.next()? {
        page.people.push(person_row(r)?);
    }
    Ok(())
}
