//! The tables a pull carries, as data both backends read: which scope set
//! filters each, through which column, and the columns of its rows in the
//! order `wire` carries them. Each backend writes its own SQL around them.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::server::db::Scope;
use crate::store::records::{
    branch_signoff_from, note_from, resolution_from, signoff_from, RecordRow, BRANCH_SIGNOFF_COLUMNS, NOTE_COLUMNS,
    RESOLUTION_COLUMNS, SIGNOFF_COLUMNS,
};
use crate::store::synced::{TableScope, SYNCED_TABLES};
use crate::store::StoreError;
use crate::wire::{
    BranchRow, BranchSignoffRow, CardRow, CountyRow, DeletedRow, MemberRow, NoteRow, PaymentRow, PersonRow, PlanRow,
    PullPage, ReferralRow, ResolutionRow, SignoffRow, StationRow,
};

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
    /// Resolutions: a station's by the record stations, a branch's by the
    /// branches.
    Resolution,
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

/// The tables whose rows are a station's records (notes, sign-offs, a
/// station's resolutions): their tombstones go where their rows go.
/// (Branch sheet sign-offs and a branch's resolutions leave tombstones of
/// scope 'branch'.)
pub const RECORD_TABLES: &str = "('visit_notes', 'signoffs', 'resolutions')";

/// The tables of records laptops push: a pull with an echo key
/// (`Scope::echo`) leaves out their rows noted in `sync_echoes` under it.
/// (Tombstones are never pushed: a deletion always comes back.)
pub fn echoed(table: &str) -> bool {
    matches!(table, "visit_notes" | "signoffs" | "branch_signoffs" | "resolutions")
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
        name: "branch_signoffs",
        columns: "",
        scope: ScopeBy::Branch("branch_id"),
    },
    PullTable {
        name: "resolutions",
        columns: "",
        scope: ScopeBy::Resolution,
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
        "branch_signoffs" => format!("rev, {BRANCH_SIGNOFF_COLUMNS}"),
        "resolutions" => format!("rev, {RESOLUTION_COLUMNS}"),
        _ => table.columns.to_string(),
    }
}

/// Every table a pull reads, with the scope set that filters it.
pub fn all_tables() -> impl Iterator<Item = (&'static str, ScopeBy)> {
    PULL_TABLES
        .iter()
        .map(|t| (t.name, t.scope))
        .chain(SYNCED_TABLES.iter().map(|t| (t.name, synced_scope(t.scope))))
}

/// The last revision a page holds, and whether more follow. Every
/// revision belongs to one row of one table, so with no scope filter (a
/// county account, `in_scope` is `None`) the next `limit` revisions hold
/// at most `limit` rows. Otherwise `in_scope` holds the `limit` lowest
/// revisions in scope above `after` of each table, and the page ends at
/// the `limit`-th lowest of them all.
pub fn page_end(after: i64, head: i64, limit: u32, in_scope: Option<Vec<i64>>) -> (i64, bool) {
    let limit = limit.max(1);
    match in_scope {
        None => {
            let cut = after.saturating_add(i64::from(limit)).min(head).max(after);
            (cut, cut < head)
        }
        Some(mut revs) if revs.len() >= limit as usize => {
            revs.sort_unstable();
            (revs[limit as usize - 1], true)
        }
        Some(_) => (head.max(after), false),
    }
}

/// A page without its rows yet.
pub fn page_frame(
    scope: &Scope,
    server_id: &str,
    today: Option<String>,
    now: DateTime<Utc>,
    after: i64,
    (cut, head, more): (i64, i64, bool),
) -> PullPage {
    PullPage {
        server_id: server_id.to_string(),
        scope_key: scope.key.clone(),
        demo: today.is_some(),
        today,
        server_time: Some(crate::month::timestamp(now)),
        scope: (after == 0).then(|| scope.lists()),
        after,
        next: cut,
        head,
        more,
        ..PullPage::default()
    }
}

/// The authors and editors of the page's notes, sign-offs and
/// resolutions that the page does not carry yet: they come with the notes, whatever their
/// revision (a county clerk or a manager of another branch may write on a
/// station, and the laptop needs their names).
pub fn people_wanted(page: &PullPage) -> Vec<String> {
    let have: BTreeSet<&str> = page.people.iter().map(|p| p.1.as_str()).collect();
    let mut want: BTreeSet<String> = BTreeSet::new();
    for n in &page.visit_notes {
        want.insert(n.note.author_id.clone());
    }
    for s in &page.signoffs {
        want.insert(s.signoff.author_id.clone());
        want.extend(s.signoff.editor_id.clone());
    }
    for s in &page.branch_signoffs {
        want.insert(s.signoff.author_id.clone());
        want.extend(s.signoff.editor_id.clone());
    }
    for r in &page.resolutions {
        want.insert(r.resolution.author_id.clone());
        want.extend(r.resolution.editor_id.clone());
    }
    want.retain(|id| !have.contains(id.as_str()));
    want.into_iter().collect()
}

/// A tombstone row, its key the JSON array of the primary key's values.
pub fn deleted_row(rev: i64, table: String, key: String) -> Result<DeletedRow, StoreError> {
    let parts: Vec<String> = serde_json::from_str(&key).map_err(|_| StoreError::BadValue {
        table: "sync_deletions",
        column: "key",
        value: key,
    })?;
    Ok(DeletedRow(rev, table, parts))
}

/// A 0/1 column as a flag (PostgreSQL keeps them as integers, as SQLite
/// does).
fn flag(r: &impl RecordRow, i: usize) -> Result<bool, StoreError> {
    Ok(r.column::<i64>(i)? != 0)
}

/// A person row of a pull page, from `PERSON_COLUMNS`.
pub fn person_row(r: &impl RecordRow) -> Result<PersonRow, StoreError> {
    Ok(PersonRow(
        r.column(0)?,
        r.column(1)?,
        r.column(2)?,
        r.column(3)?,
        flag(r, 4)?,
    ))
}

/// A row of a pulled table, in that table's columns (`PullTable::select`),
/// into its place on the page; the same for both backends.
pub fn read_row(page: &mut PullPage, table: &str, r: &impl RecordRow) -> Result<(), StoreError> {
    match table {
        "counties" => page.counties.push(CountyRow(r.column(0)?, r.column(1)?, r.column(2)?)),
        "people" => page.people.push(person_row(r)?),
        "branches" => page.branches.push(BranchRow(
            r.column(0)?,
            r.column(1)?,
            r.column(2)?,
            r.column(3)?,
            r.column(4)?,
            r.column(5)?,
        )),
        "branch_maintainers" => page
            .branch_maintainers
            .push(MemberRow(r.column(0)?, r.column(1)?, r.column(2)?)),
        "stations" => page.stations.push(StationRow(
            r.column(0)?,
            r.column(1)?,
            r.column(2)?,
            r.column(3)?,
            r.column(4)?,
            r.column(5)?,
            r.column(6)?,
            r.column(7)?,
            r.column(8)?,
            r.column(9)?,
            r.column(10)?,
            flag(r, 11)?,
            flag(r, 12)?,
            r.column(13)?,
            r.column(14)?,
            r.column(15)?,
            r.column(16)?,
            r.column(17)?,
            r.column(18)?,
        )),
        "plans" => page
            .plans
            .push(PlanRow(r.column(0)?, r.column(1)?, r.column(2)?, r.column(3)?)),
        "daily_payments" => page.daily_payments.push(PaymentRow(
            r.column(0)?,
            r.column(1)?,
            r.column(2)?,
            r.column(3)?,
            r.column(4)?,
            r.column(5)?,
        )),
        "daily_cards" => page.daily_cards.push(CardRow(
            r.column(0)?,
            r.column(1)?,
            r.column(2)?,
            r.column(3)?,
            r.column(4)?,
        )),
        "daily_referrals" => page.daily_referrals.push(ReferralRow(
            r.column(0)?,
            r.column(1)?,
            r.column(2)?,
            r.column(3)?,
            r.column(4)?,
        )),
        "visit_notes" => page.visit_notes.push(NoteRow {
            rev: r.column(0)?,
            note: note_from(r, 1)?,
        }),
        "branch_signoffs" => page.branch_signoffs.push(BranchSignoffRow {
            rev: r.column(0)?,
            signoff: branch_signoff_from(r, 1)?,
        }),
        "resolutions" => page.resolutions.push(ResolutionRow {
            rev: r.column(0)?,
            resolution: resolution_from(r, 1)?,
        }),
        "signoffs" => page.signoffs.push(SignoffRow {
            rev: r.column(0)?,
            signoff: signoff_from(r, 1)?,
        }),
        _ => {
            page.deleted
                .push(deleted_row(r.column(0)?, r.column(1)?, r.column(2)?)?);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_ends_at_the_limit_or_the_head() {
        assert_eq!(page_end(0, 100, 40, None), (40, true));
        assert_eq!(page_end(80, 100, 40, None), (100, false));
        assert_eq!(page_end(120, 100, 40, None), (120, false));
        assert_eq!(page_end(0, 100, 2, Some(vec![9, 3, 7])), (7, true));
        assert_eq!(page_end(0, 100, 5, Some(vec![9, 3, 7])), (100, false));
    }
}
