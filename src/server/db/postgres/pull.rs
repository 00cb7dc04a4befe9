//! Pull pages on PostgreSQL: the rows in a token's scope above a revision
//! and up to the frontier (`frontier`), in revision order, read in one
//! REPEATABLE READ snapshot taken after the frontier was read.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use postgres::types::{ToSql, Type};
use postgres::{Client, IsolationLevel, Row, Transaction};
use serde_json::Value;

use super::frontier::pull_head;
use crate::server::db::tables::{
    all_tables, columns, echoed, page_end, page_frame, people_wanted, person_row, read_row, synced_scope, ScopeBy,
    PERSON_COLUMNS, PULL_TABLES, RECORD_TABLES,
};
use crate::server::db::{PageNow, ReadPage, Scope};
use crate::store::synced::{TableScope, SYNCED_TABLES};
use crate::store::StoreError;
use crate::wire::PullPage;

/// The scope sets as text arrays, bound as $3 … $7 (stations, branches,
/// people, counties, record stations); `None` for a county account. $8 is
/// the request's echo key.
struct ScopeParams {
    values: Option<[Vec<String>; 5]>,
    echo: Option<String>,
}

impl ScopeParams {
    fn of(scope: &Scope) -> ScopeParams {
        let list = |set: &Option<BTreeSet<String>>| set.iter().flatten().cloned().collect::<Vec<_>>();
        ScopeParams {
            values: scope.stations.as_ref().map(|_| {
                [
                    list(&scope.stations),
                    list(&scope.branches),
                    list(&scope.people),
                    list(&scope.counties),
                    list(&scope.record_stations),
                ]
            }),
            echo: scope.echo.clone(),
        }
    }

    /// Leaves out the rows of a pushed records' table that the request's
    /// sync run stored as sent (`tables::echoed`).
    fn echo_filter(&self, table: &str) -> &'static str {
        if self.echo.is_some() && echoed(table) {
            " AND rev NOT IN (SELECT rev FROM sync_echoes WHERE echo = $8 AND rev > $1 AND rev <= $2)"
        } else {
            ""
        }
    }

    fn filter(&self, by: ScopeBy) -> String {
        if self.values.is_none() {
            return String::new();
        }
        let everyone: Vec<String> = SYNCED_TABLES
            .iter()
            .filter(|t| t.scope == TableScope::Everyone)
            .map(|t| format!("'{}'", t.name))
            .collect();
        match by {
            ScopeBy::Station(col) => format!(" AND {col} = ANY($3)"),
            ScopeBy::Branch(col) => format!(" AND {col} = ANY($4)"),
            ScopeBy::Person(col) => format!(" AND {col} = ANY($5)"),
            ScopeBy::County(col) => format!(" AND {col} = ANY($6)"),
            ScopeBy::Record(col) => format!(" AND {col} = ANY($7)"),
            ScopeBy::Everyone => String::new(),
            ScopeBy::Resolution => " AND ((kind = 'station' AND station_id = ANY($7))
                   OR (kind = 'branch' AND branch_id = ANY($4)))"
                .to_string(),
            ScopeBy::Deletion => format!(
                " AND ((scope_kind = 'station' AND table_name IN {RECORD_TABLES} AND scope_id = ANY($7))
                   OR (scope_kind = 'station' AND table_name NOT IN {RECORD_TABLES}
                       AND scope_id = ANY($3))
                   OR (scope_kind = 'branch' AND scope_id = ANY($4))
                   OR (scope_kind = 'person' AND scope_id = ANY($5))
                   OR (scope_kind = 'county' AND scope_id = ANY($6))
                   OR table_name IN ({}))",
                everyone.join(", ")
            ),
        }
    }

    /// Runs a statement with the two revisions, and the sets when there is
    /// a filter. Typed explicitly: a statement need not name every set.
    fn query(&self, tx: &mut Transaction<'_>, sql: &str, first: i64, second: i64) -> Result<Vec<Row>, postgres::Error> {
        let none: [Vec<String>; 5] = Default::default();
        match (&self.values, &self.echo) {
            (None, None) => tx.query(sql, &[&first, &second]),
            (values, echo) => {
                let sets = values.as_ref().unwrap_or(&none);
                let mut types = vec![Type::INT8, Type::INT8];
                types.extend([Type::TEXT_ARRAY; 5]);
                types.push(Type::TEXT);
                let stmt = tx.prepare_typed(sql, &types)?;
                let params: [&(dyn ToSql + Sync); 8] =
                    [&first, &second, &sets[0], &sets[1], &sets[2], &sets[3], &sets[4], echo];
                tx.query(&stmt, &params)
            }
        }
    }
}

/// The page of rows in `scope` above revision `after`: at most `limit`
/// rows, all read from one snapshot.
pub fn pull_page(
    client: &mut Client,
    scope: &Scope,
    after: i64,
    limit: u32,
    server_id: &str,
    now: DateTime<Utc>,
) -> Result<ReadPage, StoreError> {
    let limit = limit.max(1);
    let (head, _) = pull_head(client, after)?;
    let mut tx = snapshot(client)?;
    let today = demo_today(&mut tx)?;
    let sp = ScopeParams::of(scope);
    // The revisions this page can hold (`tables::page_end`), up to the head.
    let in_scope = match sp.values {
        None => None,
        Some(_) => {
            let mut revs: Vec<i64> = Vec::new();
            for (name, by) in all_tables() {
                let sql = format!(
                    "SELECT rev FROM {name} WHERE rev > $1 AND rev <= {head}{} ORDER BY rev LIMIT $2",
                    sp.filter(by)
                );
                for row in sp.query(&mut tx, &sql, after, i64::from(limit))? {
                    revs.push(row.get(0));
                }
            }
            Some(revs)
        }
    };
    let (cut, more) = page_end(after, head, limit, in_scope);
    let mut page = page_frame(scope, server_id, today, now, after, (cut, head, more));
    for t in PULL_TABLES {
        let sql = format!(
            "SELECT {} FROM {} WHERE rev > $1 AND rev <= $2{}{} ORDER BY rev",
            columns(t),
            t.name,
            sp.filter(t.scope),
            sp.echo_filter(t.name)
        );
        for r in sp.query(&mut tx, &sql, after, cut)? {
            read_row(&mut page, t.name, &r)?;
        }
    }
    for t in SYNCED_TABLES {
        let sql = format!(
            "{} WHERE rev > $1 AND rev <= $2{} ORDER BY rev",
            t.select(),
            sp.filter(synced_scope(t.scope))
        );
        for r in sp.query(&mut tx, &sql, after, cut)? {
            let row = (0..r.len()).map(|i| json_of(&r, i)).collect::<Result<Vec<_>, _>>()?;
            page.extra.entry(t.name.to_string()).or_default().push(row);
        }
    }
    if scope.people.is_some() {
        add_record_people(&mut tx, &mut page)?;
    }
    let echoes_left_out = echoes_within(&mut tx, scope, after, cut)?;
    tx.commit()?;
    Ok(ReadPage { page, echoes_left_out })
}

/// What a kept page of the revisions `after` to `cut` needs now
/// (`ServerDb::page_now`): the head as `pull_page` finds it, the rest
/// from one snapshot taken after it.
pub fn page_now(client: &mut Client, scope: &Scope, after: i64, cut: i64) -> Result<PageNow, StoreError> {
    let (head, sequence) = pull_head(client, after)?;
    let mut tx = snapshot(client)?;
    let now = PageNow {
        head,
        sequence,
        today: demo_today(&mut tx)?,
        echoed: echoes_within(&mut tx, scope, after, cut)?,
    };
    tx.commit()?;
    Ok(now)
}

/// A read-only REPEATABLE READ transaction: one snapshot for a page.
fn snapshot(client: &mut Client) -> Result<Transaction<'_>, postgres::Error> {
    client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
}

fn demo_today(tx: &mut Transaction<'_>) -> Result<Option<String>, postgres::Error> {
    Ok(tx
        .query_opt("SELECT value FROM meta WHERE key = 'demo_today'", &[])?
        .map(|r| r.get(0)))
}

/// Whether the request's sync run stored rows with revisions in `after`
/// to `cut` (`ScopeParams::echo_filter` leaves them out of its pull).
fn echoes_within(tx: &mut Transaction<'_>, scope: &Scope, after: i64, cut: i64) -> Result<bool, postgres::Error> {
    match &scope.echo {
        None => Ok(false),
        Some(echo) => Ok(tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM sync_echoes WHERE rev > $1 AND rev <= $2 AND echo = $3)",
                &[&after, &cut, echo],
            )?
            .get(0)),
    }
}

/// A column as JSON: the schema has text and bigint columns only (as the
/// SQLite one has TEXT and INTEGER), so the values are the same.
fn json_of(r: &Row, i: usize) -> Result<Value, StoreError> {
    Ok(match *r.columns()[i].type_() {
        Type::INT8 => r.try_get::<_, Option<i64>>(i)?.map_or(Value::Null, Value::from),
        _ => r.try_get::<_, Option<String>>(i)?.map_or(Value::Null, Value::String),
    })
}

/// The authors and editors of the page's notes and sign-offs come with
/// them, whatever their revision (as from the SQLite backend).
fn add_record_people(tx: &mut Transaction<'_>, page: &mut PullPage) -> Result<(), StoreError> {
    let want = people_wanted(page);
    if want.is_empty() {
        return Ok(());
    }
    let rows = tx.query(
        &format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = ANY($1) ORDER BY id"),
        &[&want],
    )?;
    for r in rows {
        page.people.push(person_row(&r)?);
    }
    Ok(())
}
