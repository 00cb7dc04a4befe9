//! The county's database on PostgreSQL outside of serving laptops: what
//! the county commands read and write there. Imports run the logic of
//! `store::import` over `import::PgImport`; reports read through
//! `store::county_read::CountyRead`, as on the SQLite store, so both
//! accept the same files and give the same figures.

use std::cell::RefCell;

use postgres::types::ToSql;
use postgres::{Client, Row};

use super::connect::DbUrl;
use super::import::PgImport;
use super::records::{note_from, resolution_from, signoff_from};
use crate::ingest::{
    CardRow, DistributionRow, InvoiceRow, PaymentRow, PersonRow, PlanRow, ReferralRow, Rows, StationPlanRow, StationRow,
};
use crate::month::{parse_date, Month};
use crate::policy::lifecycle::StationLife;
use crate::policy::Policy;
use crate::records::{Resolution, Signoff, SyncState, VisitNote};
use crate::store::chain::disputes::resolution;
use crate::store::county_facts::{station_life, LifeColumns};
use crate::store::county_read::{CountyRead, FactRow};
use crate::store::import::{self, ImportError, ImportSummary};
use crate::store::notes::signoff;
use crate::store::notes::visit_note;
use crate::store::records::{NOTE_COLUMNS, RESOLUTION_COLUMNS, SIGNOFF_COLUMNS};
use crate::store::registry::{parse_kind, Branch, Person, Station};
use crate::store::stored_policy::{POLICY_ORIGIN_KEY, POLICY_TEXT_KEY};
use crate::store::StoreError;

/// An open county database on PostgreSQL: one connection, schema applied.
pub struct PgCounty {
    pub(crate) client: RefCell<Client>,
    url: DbUrl,
}

fn bad_date(table: &'static str, column: &'static str, value: String) -> StoreError {
    StoreError::BadValue { table, column, value }
}

fn opt_date(
    text: Option<String>,
    table: &'static str,
    column: &'static str,
) -> Result<Option<chrono::NaiveDate>, StoreError> {
    text.map(|t| parse_date(&t).map_err(|_| bad_date(table, column, t)))
        .transpose()
}

fn station_of(r: &Row) -> Result<Station, StoreError> {
    let count =
        |i: usize| -> Result<Option<u64>, StoreError> { Ok(r.try_get::<_, Option<i64>>(i)?.map(|n| n.max(0) as u64)) };
    Ok(Station {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        kind: parse_kind(&r.try_get::<_, String>(2)?)?,
        branch_id: r.try_get(3)?,
        maintainer_id: r.try_get(4)?,
        village: r.try_get(5)?,
        village_households: count(6)?,
        stations_in_village: count(7)?.unwrap_or(1),
        route_order: r
            .try_get::<_, Option<i64>>(8)?
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        status: r.try_get(9)?,
        has_terminal: r.try_get::<_, i64>(10)? != 0,
        has_green_card: r.try_get::<_, i64>(11)? != 0,
        opened_on: opt_date(r.try_get(12)?, "stations", "opened_on")?,
        closed_on: opt_date(r.try_get(13)?, "stations", "closed_on")?,
    })
}

impl PgCounty {
    pub fn open(url: &DbUrl) -> Result<PgCounty, StoreError> {
        Ok(PgCounty {
            client: RefCell::new(super::open_client(url)?),
            url: url.clone(),
        })
    }

    /// The address, without its password.
    pub fn shown(&self) -> &str {
        self.url.shown()
    }

    fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError> {
        Ok(self.client.borrow_mut().query(sql, params)?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.client.borrow_mut().execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&key, &value],
        )?;
        Ok(())
    }

    /// The stored policy text and its origin, if any.
    pub fn stored_policy(&self) -> Result<Option<(String, String)>, StoreError> {
        let Some(text) = CountyRead::meta(self, POLICY_TEXT_KEY)? else {
            return Ok(None);
        };
        let origin = CountyRead::meta(self, POLICY_ORIGIN_KEY)?
            .unwrap_or_else(|| format!("{} (meta {POLICY_TEXT_KEY})", self.shown()));
        Ok(Some((text, origin)))
    }

    /// Keeps a policy's text (and its origin) for `stored_policy`, in one
    /// transaction.
    pub fn store_policy(&self, text: &str, origin: &str) -> Result<(), StoreError> {
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction()?;
        for (key, value) in [(POLICY_TEXT_KEY, text), (POLICY_ORIGIN_KEY, origin)] {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&key, &value],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn station_count(&self) -> Result<u64, StoreError> {
        Ok(self.query("SELECT count(*) FROM stations", &[])?[0].get::<_, i64>(0) as u64)
    }

    /// Whether the database holds nothing of a county yet but the schema
    /// (the demo fills only such a database).
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        let rows = self.query(
            "SELECT (SELECT count(*) FROM stations) + (SELECT count(*) FROM people)
                  + (SELECT count(*) FROM daily_payments) + (SELECT count(*) FROM visit_notes)",
            &[],
        )?;
        Ok(rows[0].get::<_, i64>(0) == 0)
    }

    /// One station, if the registry has it.
    pub fn station(&self, id: &str) -> Result<Option<Station>, StoreError> {
        self.query(&format!("{STATION_SELECT} WHERE id = $1"), &[&id])?
            .first()
            .map(station_of)
            .transpose()
    }

    /// Notes, newest visit first; of one station, or all. Every note here
    /// is on the server already (a demo never served keeps its own).
    pub fn notes(&self, station: Option<&str>) -> Result<Vec<VisitNote>, StoreError> {
        let local =
            CountyRead::meta(self, "demo")?.as_deref() == Some("1") && CountyRead::meta(self, "server_id")?.is_none();
        let state = if local { SyncState::Local } else { SyncState::Synced };
        let sql = format!(
            "SELECT {NOTE_COLUMNS} FROM visit_notes WHERE $1::text IS NULL OR station_id = $1
             ORDER BY visited_on DESC, created_at DESC"
        );
        self.query(&sql, &[&station])?
            .iter()
            .map(|r| visit_note(note_from(r, 0)?, state.clone()))
            .collect()
    }
}

/// The registry's station columns as `station_of` reads them.
const STATION_SELECT: &str = "SELECT id, name, kind, branch_id, maintainer_id, village, village_households, \
     stations_in_village, route_order, status, has_terminal, has_green_card, opened_on, closed_on FROM stations";

/// Imports: the same logic as into the SQLite store, one transaction per file.
impl PgCounty {
    fn importing<T>(
        &self,
        rows: Rows<T>,
        run: impl FnOnce(PgImport<'_>, Rows<T>) -> Result<ImportSummary, ImportError>,
    ) -> Result<ImportSummary, ImportError> {
        let mut client = self.client.borrow_mut();
        let tx = PgImport::start(&mut client, &self.url, &rows)?;
        run(tx, rows)
    }

    pub fn import_stations(&self, rows: Rows<StationRow>) -> Result<ImportSummary, ImportError> {
        self.importing(rows, |tx, rows| import::import_stations(tx, rows))
    }

    pub fn import_plans(&self, rows: Rows<PlanRow>) -> Result<ImportSummary, ImportError> {
        self.importing(rows, |tx, rows| import::import_plans(tx, rows))
    }

    pub fn import_payments(&self, rows: Rows<PaymentRow>, policy: &Policy) -> Result<ImportSummary, ImportError> {
        self.importing(rows, |tx, rows| import::import_payments(tx, rows, policy))
    }

    pub fn import_cards(&self, rows: Rows<CardRow>, policy: &Policy) -> Result<ImportSummary, ImportError> {
        self.importing(rows, |tx, rows| import::import_cards(tx, rows, policy))
    }

    pub fn import_referrals(&self, rows: Rows<ReferralRow>, policy: &Policy) -> Result<ImportSummary, ImportError> {
        self.importing(rows, |tx, rows| import::import_referrals(tx, rows, policy))
    }

    pub fn import_people(&self, rows: Rows<PersonRow>) -> Result<ImportSummary, ImportError> {
        self.importing(rows, |tx, rows| import::import_people(tx, rows))
    }

    pub fn import_invoices(&self, rows: Rows<InvoiceRow>) -> Result<ImportSummary, ImportError> {
        self.importing(rows, |tx, rows| import::import_invoices(tx, rows))
    }

    pub fn import_station_plans(&self, rows: Rows<StationPlanRow>) -> Result<ImportSummary, ImportError> {
        self.importing(rows, |tx, rows| {
            crate::store::plan_import::import_station_plans(tx, rows)
        })
    }

    pub fn import_distribution(&self, rows: Rows<DistributionRow>) -> Result<ImportSummary, ImportError> {
        self.importing(rows, |tx, rows| {
            crate::store::plan_import::import_distribution(tx, rows)
        })
    }
}

crate::imports_by_methods!(PgCounty);

impl CountyRead for PgCounty {
    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .query("SELECT value FROM meta WHERE key = $1", &[&key])?
            .first()
            .map(|r| r.get(0)))
    }

    fn people(&self) -> Result<Vec<Person>, StoreError> {
        self.query("SELECT id, name, phone, has_green_card FROM people ORDER BY id", &[])?
            .iter()
            .map(|r| {
                Ok(Person {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    phone: r.try_get(2)?,
                    has_green_card: r.try_get::<_, i64>(3)? != 0,
                })
            })
            .collect()
    }

    fn branches(&self) -> Result<Vec<Branch>, StoreError> {
        self.query(
            "SELECT id, name, kind, county_id, manager_id FROM branches ORDER BY id",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(Branch {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                kind: parse_kind(&r.try_get::<_, String>(2)?)?,
                county_id: r.try_get(3)?,
                manager_id: r.try_get(4)?,
            })
        })
        .collect()
    }

    fn branch_maintainers(&self, branch_id: &str) -> Result<Vec<String>, StoreError> {
        Ok(self
            .query(
                "SELECT person_id FROM branch_maintainers WHERE branch_id = $1 ORDER BY person_id",
                &[&branch_id],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn plan(&self, branch_id: &str, month: Month) -> Result<Option<u64>, StoreError> {
        Ok(self
            .query(
                "SELECT target FROM plans WHERE branch_id = $1 AND month = $2",
                &[&branch_id, &month.to_string()],
            )?
            .first()
            .map(|r| r.get::<_, i64>(0).max(0) as u64))
    }

    fn stations(&self) -> Result<Vec<Station>, StoreError> {
        self.query(&format!("{STATION_SELECT} ORDER BY id"), &[])?
            .iter()
            .map(station_of)
            .collect()
    }

    fn latest_fact_day(&self, first: &str, last: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .query(
                "SELECT max(d) FROM (SELECT max(day) AS d FROM daily_payments WHERE day BETWEEN $1 AND $2
                                     UNION ALL SELECT max(day) FROM daily_cards WHERE day BETWEEN $1 AND $2) AS m",
                &[&first, &last],
            )?
            .first()
            .and_then(|r| r.get(0)))
    }

    fn fact_rows(
        &self,
        first: &str,
        last: &str,
        stations: Option<&[String]>,
        visit: &mut dyn FnMut(FactRow<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        // One statement per table; a branch's stations by the per-station
        // indexes (`station_id = ANY`).
        let filter = if stations.is_some() {
            " AND station_id = ANY($3)"
        } else {
            ""
        };
        let list: Vec<&str> = stations.iter().flat_map(|s| s.iter().map(String::as_str)).collect();
        let params: Vec<&(dyn ToSql + Sync)> = if stations.is_some() {
            vec![&first, &last, &list]
        } else {
            vec![&first, &last]
        };
        let sql = format!(
            "SELECT station_id, category, count, amount_fen FROM daily_payments WHERE day BETWEEN $1 AND $2{filter}"
        );
        for r in self.query(&sql, &params)? {
            visit(FactRow::Payment {
                station: r.try_get(0)?,
                category: r.try_get(1)?,
                count: r.try_get(2)?,
                fen: r.try_get(3)?,
            })?;
        }
        let sql = format!("SELECT station_id, raw, valid FROM daily_cards WHERE day BETWEEN $1 AND $2{filter}");
        for r in self.query(&sql, &params)? {
            visit(FactRow::Card {
                station: r.try_get(0)?,
                raw: r.try_get::<_, i64>(1)?.max(0) as u64,
                valid: r.try_get::<_, i64>(2)?.max(0) as u64,
            })?;
        }
        let sql = format!("SELECT station_id, kind, count FROM daily_referrals WHERE day BETWEEN $1 AND $2{filter}");
        for r in self.query(&sql, &params)? {
            visit(FactRow::Referral {
                station: r.try_get(0)?,
                kind: r.try_get(1)?,
                count: r.try_get::<_, i64>(2)?.max(0) as u64,
            })?;
        }
        Ok(())
    }

    fn station_lives(&self) -> Result<Vec<(String, StationLife)>, StoreError> {
        let rows = self.query(
            "SELECT id, signed_on, coalesce(installed_on, opened_on), status, closed_on,
                    (SELECT min(day) FROM daily_payments WHERE station_id = stations.id),
                    (SELECT min(day) FROM daily_cards WHERE station_id = stations.id)
             FROM stations ORDER BY id",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get(0)?,
                    station_life(LifeColumns {
                        signed_on: r.try_get(1)?,
                        installed_on: r.try_get(2)?,
                        status: r.try_get(3)?,
                        closed_on: r.try_get(4)?,
                        first_payment: r.try_get(5)?,
                        first_card: r.try_get(6)?,
                    })?,
                ))
            })
            .collect()
    }

    fn first_fact_day(&self) -> Result<Option<chrono::NaiveDate>, StoreError> {
        let first: Option<String> = self
            .query(
                "SELECT min(d) FROM (SELECT min(day) AS d FROM daily_payments
                                     UNION ALL SELECT min(day) FROM daily_cards) AS m",
                &[],
            )?
            .first()
            .and_then(|r| r.get(0));
        opt_date(first, "daily_payments", "day")
    }

    fn signoffs(&self, month: Month) -> Result<Vec<Signoff>, StoreError> {
        let sql = format!("SELECT {SIGNOFF_COLUMNS} FROM signoffs WHERE month = $1 ORDER BY station_id");
        self.query(&sql, &[&month.to_string()])?
            .iter()
            .map(|r| signoff(signoff_from(r, 0)?, SyncState::Synced))
            .collect()
    }

    fn resolutions(&self, month: Month) -> Result<std::collections::HashMap<String, Resolution>, StoreError> {
        let sql = format!("SELECT {RESOLUTION_COLUMNS} FROM resolutions WHERE month = $1 ORDER BY created_at, uuid");
        self.query(&sql, &[&month.to_string()])?
            .iter()
            .map(|r| {
                let r = resolution(resolution_from(r, 0)?, SyncState::Synced)?;
                Ok((r.signoff_uuid.clone(), r))
            })
            .collect()
    }
}
