//! Daily facts in, month facts out: the store sums days into what the
//! engine evaluates. No money is computed here, only summed.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rusqlite::params;
use rust_decimal::Decimal;

use super::county_read::{CountyRead, FactRow};
use super::dates::{date_at, days_2_to_3, opt_date_at};
use super::{Store, StoreError};
use crate::month::{parse_date, Month};
use crate::policy::{BranchFacts, CardCounts, MonthFacts, StationFacts};
use crate::store::registry::Station;

/// A payment category's shape, checked by every writer of daily payments
/// before the row is written: the table does not check it (migration
/// 0012). The refusal quotes at most 64 characters of it (a hostile
/// server or file could send megabytes).
pub(crate) fn check_category(category: &str) -> Result<(), StoreError> {
    if crate::policy::category::valid_id(category) {
        return Ok(());
    }
    Err(StoreError::BadCategory {
        category: category.chars().take(64).collect(),
    })
}

/// Which branches to evaluate. Branch figures (R7, R8) depend on every
/// station of the branch, so scope is never narrower than a branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BranchScope {
    All,
    Only(Vec<String>),
}

impl BranchScope {
    fn includes(&self, branch: &str) -> bool {
        match self {
            BranchScope::All => true,
            BranchScope::Only(ids) => ids.iter().any(|b| b == branch),
        }
    }
}

/// Yuan from whole fen.
pub fn yuan_from_fen(fen: i64) -> Decimal {
    Decimal::new(fen, 2)
}

/// Whole fen from yuan with at most two decimals.
pub fn fen_from_yuan(amount: Decimal) -> Option<i64> {
    let scaled = amount * Decimal::ONE_HUNDRED;
    if scaled.fract().is_zero() {
        let mut whole = scaled.trunc();
        whole.rescale(0);
        i64::try_from(whole.mantissa()).ok()
    } else {
        None
    }
}

/// Adds a day's card counts to a month's (raw, valid), checked.
fn add_cards(sum: &mut (u64, u64), raw: u64, valid: u64) -> Result<(), StoreError> {
    let overflow = || StoreError::BadValue {
        table: "daily_cards",
        column: "raw",
        value: crate::i18n::tr(crate::i18n::Text::FactsSumOverflows).to_string(),
    };
    sum.0 = sum.0.checked_add(raw).ok_or_else(overflow)?;
    sum.1 = sum.1.checked_add(valid).ok_or_else(overflow)?;
    Ok(())
}

/// One station's payments counted day by day from `?2` through `?3`.
pub(crate) const STATION_DAY_PAYMENTS: &str = concat!(
    days_2_to_3!(),
    "SELECT f.day, sum(f.count) FROM days CROSS JOIN daily_payments AS f
     WHERE f.day = days.day AND f.station_id = ?1 GROUP BY f.day"
);

/// One station's valid card transactions day by day from `?2` through `?3`.
pub(crate) const STATION_DAY_CARDS: &str = concat!(
    days_2_to_3!(),
    "SELECT f.day, f.valid FROM days CROSS JOIN daily_cards AS f
     WHERE f.day = days.day AND f.station_id = ?1"
);

impl Store {
    /// One day read from the fact tables (`sql` selects at most one).
    pub(crate) fn fact_day<P: rusqlite::Params>(&self, sql: &str, params: P) -> Result<Option<NaiveDate>, StoreError> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let mut rows = stmt.query(params)?;
        match rows.next()? {
            Some(r) => opt_date_at(r, 0, "daily_payments", "day"),
            None => Ok(None),
        }
    }

    /// The last day any daily fact exists for: the date the figures run to.
    pub fn latest_fact_day(&self) -> Result<Option<NaiveDate>, StoreError> {
        self.fact_day(
            "SELECT max(d) FROM (SELECT max(day) AS d FROM daily_payments
                                 UNION ALL SELECT max(day) FROM daily_cards)",
            [],
        )
    }

    /// The first day any daily fact exists for: where the figures start.
    pub fn first_fact_day(&self) -> Result<Option<NaiveDate>, StoreError> {
        self.fact_day(
            "SELECT min(d) FROM (SELECT min(day) AS d FROM daily_payments
                                 UNION ALL SELECT min(day) FROM daily_cards)",
            [],
        )
    }

    /// The last day on or before `day` with any daily figure: what the
    /// figures known on the morning after `day` run to (the visit plan's
    /// "as of" for a given date).
    pub fn last_fact_day_through(&self, day: NaiveDate) -> Result<Option<NaiveDate>, StoreError> {
        self.fact_day(
            "SELECT max(d) FROM (SELECT max(day) AS d FROM daily_payments WHERE day <= ?1
                                 UNION ALL SELECT max(day) FROM daily_cards WHERE day <= ?1)",
            [day],
        )
    }

    /// Adds to one station's day of one payment category (a category id
    /// of the policy version in force that day).
    pub fn add_daily_payment(
        &self,
        station: &str,
        day: NaiveDate,
        category: &str,
        count: u64,
        amount_fen: i64,
    ) -> Result<(), StoreError> {
        check_category(category)?;
        self.conn()
            .prepare_cached(
                "INSERT INTO daily_payments (station_id, day, category, count, amount_fen)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (day, station_id, category) DO UPDATE SET
                     count = count + excluded.count, amount_fen = amount_fen + excluded.amount_fen",
            )?
            .execute(params![station, day, category, count, amount_fen])?;
        Ok(())
    }

    /// Sets one station's card counts for a day.
    pub fn set_daily_cards(&self, station: &str, day: NaiveDate, counts: CardCounts) -> Result<(), StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT INTO daily_cards (station_id, day, raw, valid) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (day, station_id) DO UPDATE SET raw = excluded.raw, valid = excluded.valid",
            )?
            .execute(params![station, day, counts.raw, counts.valid])?;
        Ok(())
    }

    /// Adds referrals of one kind to a station's day.
    pub fn add_daily_referrals(&self, station: &str, day: NaiveDate, kind: &str, count: u64) -> Result<(), StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT INTO daily_referrals (station_id, day, kind, count) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (day, station_id, kind) DO UPDATE SET count = count + excluded.count",
            )?
            .execute(params![station, day, kind, count])?;
        Ok(())
    }

    /// The month's facts through `as_of` (default: `default_as_of`) for
    /// the branches in scope, ready for the engine.
    pub fn month_facts(
        &self,
        month: Month,
        as_of: Option<NaiveDate>,
        scope: &BranchScope,
    ) -> Result<MonthFacts, StoreError> {
        month_facts(self, month, as_of, scope)
    }

    /// A month that is over runs to its last day; the current month to
    /// the last day with facts in it (its first day if none yet); a
    /// month to come to its last day.
    pub fn default_as_of(&self, month: Month) -> Result<NaiveDate, StoreError> {
        default_as_of(self, month)
    }

    /// Today for this database: the demo county lives on the day it was
    /// made for; a real one on today's date in Asia/Shanghai.
    pub fn today(&self) -> Result<NaiveDate, StoreError> {
        today(self)
    }

    /// The month to show by default: that of yesterday, the last day whose
    /// figures can be complete.
    pub fn default_month(&self) -> Result<Month, StoreError> {
        default_month(self)
    }

    /// One station's payments and card transactions day by day in a month:
    /// (day, payments count over all categories, card valid).
    pub fn station_days(&self, station: &str, month: Month) -> Result<BTreeMap<NaiveDate, (u64, u64)>, StoreError> {
        let (first, last) = (month.first_day(), month.last_day());
        let mut days: BTreeMap<NaiveDate, (u64, u64)> = BTreeMap::new();
        let mut stmt = self.conn().prepare_cached(STATION_DAY_PAYMENTS)?;
        let mut rows = stmt.query(params![station, first, last])?;
        while let Some(row) = rows.next()? {
            let day = date_at(row, 0, "daily_payments", "day")?;
            days.entry(day).or_default().0 = row.get(1)?;
        }
        let mut stmt = self.conn().prepare_cached(STATION_DAY_CARDS)?;
        let mut rows = stmt.query(params![station, first, last])?;
        while let Some(row) = rows.next()? {
            let day = date_at(row, 0, "daily_cards", "day")?;
            days.entry(day).or_default().1 = row.get(1)?;
        }
        Ok(days)
    }
}

/// The month's facts through `as_of` (default: `default_as_of`) for the
/// branches in scope, ready for the engine, from either county database.
pub fn month_facts<D: CountyRead + ?Sized>(
    db: &D,
    month: Month,
    as_of: Option<NaiveDate>,
    scope: &BranchScope,
) -> Result<MonthFacts, StoreError> {
    month_facts_of(db, &db.stations()?, month, as_of, scope)
}

/// `month_facts` with the registry's stations already read (a report
/// needs them again for names; 5,000 of them are worth reading once).
pub fn month_facts_of<D: CountyRead + ?Sized>(
    db: &D,
    registry: &[Station],
    month: Month,
    as_of: Option<NaiveDate>,
    scope: &BranchScope,
) -> Result<MonthFacts, StoreError> {
    let as_of = match as_of {
        Some(day) => day,
        None => default_as_of(db, month)?,
    };
    // The county databases keep days as `YYYY-MM-DD` text (PostgreSQL's
    // schema mirrors SQLite's), so the generic reads take text.
    let first = month.first_day().to_string();
    let last = as_of.to_string();

    let mut branches = Vec::new();
    for branch in db.branches()?.into_iter().filter(|b| scope.includes(&b.id)) {
        let maintainers = db.branch_maintainers(&branch.id)?;
        if maintainers.is_empty() {
            continue;
        }
        branches.push(BranchFacts {
            plan: db.plan(&branch.id, month)?,
            id: branch.id,
            kind: branch.kind,
            manager: branch.manager_id,
            maintainers,
        });
    }

    let mut stations: Vec<StationFacts> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for s in registry {
        if !s.active_in(month) || !branches.iter().any(|b| b.id == s.branch_id) {
            continue;
        }
        let mut facts = StationFacts::new(&s.id, &s.branch_id, s.kind, &s.maintainer_id);
        facts.village_households = s.village_households;
        facts.stations_in_village = s.stations_in_village;
        index.insert(s.id.clone(), stations.len());
        stations.push(facts);
    }

    // Summed here rather than by SQL's GROUP BY, which would sort the
    // month's rows: a county month is half a million of them. A branch
    // reads its own stations a seek per station and day instead.
    // The categories are the month's policy version's; the engine
    // refuses any other (R13). Sums are checked: a hostile or damaged
    // database must not wrap a count.
    let mut add_payment = |station: &str, category: &str, count: i64, fen: i64| -> Result<(), StoreError> {
        let Some(&i) = index.get(station) else { return Ok(()) };
        let too_large = |column: &'static str, value: String| StoreError::BadValue {
            table: "daily_payments",
            column,
            value,
        };
        let count = u64::try_from(count).map_err(|_| too_large("count", count.to_string()))?;
        let payments = &mut stations[i].payments;
        let facts = match payments.get_mut(category) {
            Some(facts) => facts,
            None => payments.entry(category.to_string()).or_default(),
        };
        facts.count = facts.count.checked_add(count).ok_or_else(|| {
            too_large(
                "count",
                crate::i18n::trf(crate::i18n::Text::FactsStationSumOverflows, &[&station, &category]),
            )
        })?;
        facts.amount = facts.amount.checked_add(yuan_from_fen(fen)).ok_or_else(|| {
            too_large(
                "amount_fen",
                crate::i18n::trf(crate::i18n::Text::FactsStationSumOverflows, &[&station, &category]),
            )
        })?;
        Ok(())
    };
    let mut card_sums: HashMap<usize, (u64, u64)> = HashMap::new();
    let mut referral_sums: Vec<(usize, String, u64)> = Vec::new();
    let only: Option<Vec<String>> = match scope {
        BranchScope::All => None,
        BranchScope::Only(_) => Some(index.keys().cloned().collect()),
    };
    db.fact_rows(&first, &last, only.as_deref(), &mut |row| match row {
        FactRow::Payment {
            station,
            category,
            count,
            fen,
        } => add_payment(station, category, count, fen),
        FactRow::Card { station, raw, valid } => {
            if let Some(&i) = index.get(station) {
                add_cards(card_sums.entry(i).or_default(), raw, valid)?;
            }
            Ok(())
        }
        FactRow::Referral { station, kind, count } => {
            if let Some(&i) = index.get(station) {
                referral_sums.push((i, kind.to_string(), count));
            }
            Ok(())
        }
    })?;
    for (i, (raw, valid)) in card_sums {
        stations[i].card = CardCounts { raw, valid };
    }
    for (i, kind, count) in referral_sums {
        let sum = stations[i].referrals.entry(kind).or_default();
        *sum = sum.checked_add(count).ok_or_else(|| StoreError::BadValue {
            table: "daily_referrals",
            column: "count",
            value: crate::i18n::tr(crate::i18n::Text::FactsSumOverflows).to_string(),
        })?;
    }

    Ok(MonthFacts {
        month,
        as_of,
        branches,
        stations,
    })
}

/// A month that is over runs to its last day; the current month to the
/// last day with facts in it (its first day if none yet); a month to come
/// to its last day.
pub fn default_as_of<D: CountyRead + ?Sized>(db: &D, month: Month) -> Result<NaiveDate, StoreError> {
    let today = today(db)?;
    if !month.contains(today) {
        return Ok(month.last_day());
    }
    let latest = db.latest_fact_day(&month.first_day().to_string(), &month.last_day().to_string())?;
    Ok(latest
        .and_then(|d| parse_date(&d).ok())
        .unwrap_or_else(|| month.first_day()))
}

/// Today for a database: the demo county lives on the day it was made
/// for; a real one on today's date in Asia/Shanghai.
pub fn today<D: CountyRead + ?Sized>(db: &D) -> Result<NaiveDate, StoreError> {
    if let Some(text) = db.meta("demo_today")? {
        if let Ok(day) = parse_date(&text) {
            return Ok(day);
        }
    }
    Ok(crate::month::today_shanghai())
}

/// The month to show by default: that of yesterday, the last day whose
/// figures can be complete.
pub fn default_month<D: CountyRead + ?Sized>(db: &D) -> Result<Month, StoreError> {
    let today = today(db)?;
    Ok(Month::of(today.pred_opt().unwrap_or(today)))
}
