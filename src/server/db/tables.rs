//! The tables a pull carries, as data both backends read: which scope set
//! filters each, through which column, and the columns of its rows in the
//! order `wire` carries them. Each backend writes its own SQL around them.

use crate::store::records::{NOTE_COLUMNS, SIGNOFF_COLUMNS};
use crate::store::synced::TableScope;

/// Which scope set filters a table, through which column.
#[derive(Clone, Copy)]
pub enum ScopeBy {
    /// Stations whose figures the token reads.
    Station(&'static str),
    /// Stations whose notes and sign-offs the token reads.
    Record(&'static str),
    Branch(&'static str),
    Person(&'static str),
    County(&'static str),
    /// Tombstones: by their scope_kind / scope_id.
    Deletion,
    /// The county's as a whole: every token.
    Everyone,
}

pub struct PullTable {
    pub name: &'static str,
    pub columns: &'static str,
    pub scope: ScopeBy,
}

pub const PERSON_COLUMNS: &str = "rev, id, name, phone, has_green_card";

/// Every synced table, registry first.
pub const PULL_TABLES: &[PullTable] = &[
    PullTable {
        name: "counties",
        columns: "rev, id, name",
        scope: ScopeBy::County("id"),
    },
    PullTable {
        name: "people",
        columns: PERSON_COLUMNS,
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
                  stations_in_village, route_order, status, has_terminal, has_green_card, opened_on, closed_on, \
                  owner_name, owner_phone, signed_on, installed_on",
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
        columns: "",
        scope: ScopeBy::Record("station_id"),
    },
    PullTable {
        name: "signoffs",
        columns: "",
        scope: ScopeBy::Record("station_id"),
    },
    PullTable {
        name: "sync_deletions",
        columns: "rev, table_name, key",
        scope: ScopeBy::Deletion,
    },
];

/// How a table described as data is filtered.
pub fn synced_scope(scope: TableScope) -> ScopeBy {
    match scope {
        TableScope::Station(col) => ScopeBy::Station(col),
        TableScope::Everyone => ScopeBy::Everyone,
    }
}

/// The columns a pull reads of a table, `rev` first.
pub fn columns(table: &PullTable) -> String {
    match table.name {
        "visit_notes" => format!("rev, {NOTE_COLUMNS}"),
        "signoffs" => format!("rev, {SIGNOFF_COLUMNS}"),
        _ => table.columns.to_string(),
    }
}
