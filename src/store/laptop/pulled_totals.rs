//! The month totals and the stations' first trades of a large pull into a
//! replica that held no daily facts, summed from the pulled rows as they
//! pass (on the thread that frees each written page) instead of read back
//! from the tables after the last page: reading back a county's 720,000
//! payments was a quarter of its first pull.
//!
//! The sums are used only when they are exactly what the rebuild would
//! read back (`PulledTotals::still_exact`): the daily tables were empty
//! when the pull began, every pulled row made a row of its own (none was
//! sent twice, none deleted: the tables hold as many rows as were
//! pulled), and no other connection wrote to the file meanwhile. Anything
//! else, and the totals are rebuilt from the tables as before.

use rusqlite::{Connection, ToSql};
use rustc_hash::FxHashMap;

use crate::store::month_totals::{write_totals, Total};
use crate::store::multi_row::insert_rows;
use crate::store::StoreError;
use crate::wire::PullPage;

/// Strings seen in the pulled rows, each kept once and named by a number.
#[derive(Default)]
struct Names {
    numbers: FxHashMap<String, u32>,
    names: Vec<String>,
    /// Bytes of text held (each name is held twice).
    bytes: usize,
}

impl Names {
    fn number(&mut self, name: &str) -> u32 {
        if let Some(&n) = self.numbers.get(name) {
            return n;
        }
        let n = self.names.len() as u32;
        self.numbers.insert(name.to_string(), n);
        self.names.push(name.to_string());
        self.bytes += 2 * name.len();
        n
    }

    fn name(&self, n: u32) -> &str {
        &self.names[n as usize]
    }
}

/// The month a day belongs to as the totals' rebuild takes it:
/// `substr(day, 1, 7)`, seven characters (a day is `YYYY-MM-DD`; a
/// malformed one is grouped as SQL would group it). SQLite's `substr`
/// stops at a NUL character, so the day ends there too.
fn month_of(day: &str) -> &str {
    let day = day.split('\0').next().unwrap_or(day);
    match day.char_indices().nth(7) {
        Some((end, _)) => &day[..end],
        None => day,
    }
}

/// Bytes of names (stations, days, months, categories and kinds) the sums
/// hold at most: a county's are a few hundred kilobytes; a hostile server
/// sending a new long day on every row would otherwise have them grow
/// with everything pulled.
const MAX_NAME_BYTES: usize = 32 << 20;

/// The station and day of the row before, with their numbers: a page's
/// rows come day by day and a station's categories together, so most rows
/// repeat them and need no lookup.
#[derive(Default)]
struct Recent {
    station: Option<(String, u32)>,
    /// The day, its number and its month's.
    day: Option<(String, u32, u32)>,
}

impl Recent {
    /// The numbers of a row's station, day and month.
    fn place(&mut self, stations: &mut Names, days: &mut Names, station: &str, day: &str) -> (u32, u32, u32) {
        let station = match &self.station {
            Some((name, n)) if name == station => *n,
            _ => {
                let n = stations.number(station);
                self.station = Some((station.to_string(), n));
                n
            }
        };
        let (day, month) = match &self.day {
            Some((name, d, m)) if name == day => (*d, *m),
            _ => {
                let (d, m) = (days.number(day), days.number(month_of(day)));
                self.day = Some((day.to_string(), d, m));
                (d, m)
            }
        };
        (station, day, month)
    }
}

/// A total's days and figures; no days: no total.
#[derive(Clone, Copy, Default)]
struct Sums {
    days: i64,
    figures: [i64; 2],
}

/// The totals of one month and category (or kind, or of the cards), by
/// station number: a page's rows come station by station, so the sums
/// they add to lie side by side.
#[derive(Default)]
struct ByStation(Vec<Sums>);

impl ByStation {
    /// Adds a day's figures to the station's total; `false` past i64, or
    /// when the sums would hold more than `room` more totals.
    fn add(&mut self, station: u32, figures: [i64; 2], room: &mut usize) -> bool {
        let at = station as usize;
        if at >= self.0.len() {
            let more = at + 1 - self.0.len();
            if more > *room {
                return false;
            }
            *room -= more;
            self.0.resize(at + 1, Sums::default());
        }
        let sums = &mut self.0[at];
        sums.days += 1;
        for (total, figure) in sums.figures.iter_mut().zip(figures) {
            match total.checked_add(figure) {
                Some(sum) => *total = sum,
                None => return false,
            }
        }
        true
    }

    /// The stations with a total, and it.
    fn totals(&self) -> impl Iterator<Item = (u32, &Sums)> {
        (0u32..).zip(&self.0).filter(|(_, sums)| sums.days > 0)
    }
}

/// The sums of the pulled daily rows, by what the totals are keyed by.
pub struct PulledTotals {
    stations: Names,
    /// Days, months, categories and kinds.
    words: Names,
    /// (month, category) → each station's days, [count, fen].
    payments: FxHashMap<(u32, u32), ByStation>,
    /// month → each station's days, [raw, valid].
    cards: FxHashMap<u32, ByStation>,
    /// (month, kind) → each station's days, [count, 0].
    referrals: FxHashMap<(u32, u32), ByStation>,
    /// Each station's earliest payment day and earliest card day.
    firsts: Vec<(Option<u32>, Option<u32>)>,
    /// Rows pulled into daily_payments, daily_cards, daily_referrals.
    rows: [i64; 3],
    /// Totals the vectors above hold, with or without days.
    slots: usize,
    /// A sum went past i64 (SQL's `sum` would fail), or the rows would
    /// have the sums take far more room than rows (many categories and
    /// many stations, each month, from a hostile server): summing stopped
    /// and the totals are read back.
    given_up: bool,
    /// The file's `PRAGMA data_version` when the pull began: another
    /// connection's commit changes it.
    data_version: i64,
}

/// The daily tables, in `PulledTotals::rows`' order.
const DAILY_TABLES: [&str; 3] = ["daily_payments", "daily_cards", "daily_referrals"];

impl PulledTotals {
    /// The tables `write` fills.
    pub const TABLES: [&'static str; 4] = [
        "month_payments",
        "month_cards",
        "month_referrals",
        "station_first_trades",
    ];

    /// Sums for the large pull that begins now on `conn`, inside the
    /// transaction that sets the totals aside: the look at the tables and
    /// `data_version` come from one state of the file, so whatever another
    /// connection commits after it shows in `data_version` at the end.
    /// `None` when the replica already holds daily facts (a pull after a
    /// long time away: its rows update days the sums would not know).
    pub(crate) fn begin(conn: &Connection) -> Result<Option<PulledTotals>, StoreError> {
        for table in DAILY_TABLES {
            if conn
                .prepare(&format!("SELECT EXISTS (SELECT 1 FROM {table})"))?
                .query_row([], |r| r.get::<_, bool>(0))?
            {
                return Ok(None);
            }
        }
        Ok(Some(PulledTotals {
            stations: Names::default(),
            words: Names::default(),
            payments: FxHashMap::default(),
            cards: FxHashMap::default(),
            referrals: FxHashMap::default(),
            firsts: Vec::new(),
            rows: [0; 3],
            slots: 0,
            given_up: false,
            data_version: data_version(conn)?,
        }))
    }

    /// Adds a written page's daily rows.
    pub fn add_page(&mut self, page: &PullPage) {
        if self.given_up {
            return;
        }
        let page_rows = [
            page.daily_payments.len(),
            page.daily_cards.len(),
            page.daily_referrals.len(),
        ];
        for (rows, page_rows) in self.rows.iter_mut().zip(page_rows) {
            *rows += page_rows as i64;
        }
        // A county's sums hold a total per month, station and category: a
        // tenth of its rows. Four times the rows is more than any honest
        // pull needs.
        let rows: i64 = self.rows.iter().sum();
        let budget = usize::try_from(rows).unwrap_or(usize::MAX).saturating_mul(4) + (1 << 16);
        let mut room = budget.saturating_sub(self.slots);
        let mut at = Recent::default();
        let mut ok = true;
        for row in &page.daily_payments {
            let (station, day, month) = at.place(&mut self.stations, &mut self.words, &row.1, &row.2);
            let key = (month, self.words.number(&row.3));
            ok &= self
                .payments
                .entry(key)
                .or_default()
                .add(station, [row.4, row.5], &mut room);
            self.first(station, day, |f| &mut f.0);
        }
        for row in &page.daily_cards {
            let (station, day, month) = at.place(&mut self.stations, &mut self.words, &row.1, &row.2);
            ok &= self
                .cards
                .entry(month)
                .or_default()
                .add(station, [row.3, row.4], &mut room);
            self.first(station, day, |f| &mut f.1);
        }
        for row in &page.daily_referrals {
            let (station, _, month) = at.place(&mut self.stations, &mut self.words, &row.1, &row.2);
            let key = (month, self.words.number(&row.3));
            ok &= self
                .referrals
                .entry(key)
                .or_default()
                .add(station, [row.4, 0], &mut room);
        }
        self.slots = budget - room;
        if !ok || self.stations.bytes + self.words.bytes > MAX_NAME_BYTES {
            self.give_up();
        }
    }

    /// Stops summing for good and frees what was summed: the totals will
    /// be read back.
    fn give_up(&mut self) {
        self.given_up = true;
        self.stations = Names::default();
        self.words = Names::default();
        self.payments = FxHashMap::default();
        self.cards = FxHashMap::default();
        self.referrals = FxHashMap::default();
        self.firsts = Vec::new();
    }

    /// Keeps `day` as the station's first (of the kind `which` picks) when
    /// it is earlier, as SQL's `min(day)` compares text.
    fn first(&mut self, station: u32, day: u32, which: impl Fn(&mut (Option<u32>, Option<u32>)) -> &mut Option<u32>) {
        let at = station as usize;
        if at >= self.firsts.len() {
            self.firsts.resize(at + 1, (None, None));
        }
        let kept = which(&mut self.firsts[at]);
        match *kept {
            Some(k) if k == day || self.words.name(k) <= self.words.name(day) => {}
            _ => *kept = Some(day),
        }
    }

    /// Whether these sums are what the tables would be read back as now:
    /// nothing overflowed, no other connection committed since the pull
    /// began, and each daily table holds exactly the rows pulled into it
    /// (it was empty; a row sent twice or deleted would leave fewer).
    pub(crate) fn still_exact(&self, conn: &Connection) -> Result<bool, StoreError> {
        if self.given_up || data_version(conn)? != self.data_version {
            return Ok(false);
        }
        for (table, pulled) in DAILY_TABLES.iter().zip(self.rows) {
            let held: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
            if held != pulled {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Writes the sums into the emptied total tables (`write_totals`, as
    /// the read-back does) and the stations' first trades (of stations the
    /// registry holds, as the migration's rebuild joins them).
    pub(crate) fn write(&self, conn: &Connection) -> Result<(), StoreError> {
        let station = |n: u32| self.stations.name(n);
        let word = |n: u32| self.words.name(n);
        // The totals of a map by month and category (or kind).
        let by_month_and_word = |map: &'_ FxHashMap<(u32, u32), ByStation>| -> Vec<Total<'_>> {
            map.iter()
                .flat_map(|((month, what), by_station)| {
                    by_station
                        .totals()
                        .map(move |(s, sums)| ([word(*month), station(s), word(*what)], sums.days, sums.figures))
                })
                .collect()
        };
        write_totals(conn, "month_payments", &mut by_month_and_word(&self.payments))?;
        let mut cards: Vec<Total<'_>> = self
            .cards
            .iter()
            .flat_map(|(month, by_station)| {
                by_station
                    .totals()
                    .map(move |(s, sums)| ([word(*month), station(s), ""], sums.days, sums.figures))
            })
            .collect();
        write_totals(conn, "month_cards", &mut cards)?;
        write_totals(conn, "month_referrals", &mut by_month_and_word(&self.referrals))?;
        let mut firsts: Vec<_> = (0u32..)
            .zip(&self.firsts)
            .map(|(s, (payment, card))| (station(s), payment.map(word), card.map(word)))
            .filter(|(_, payment, card)| payment.is_some() || card.is_some())
            .collect();
        firsts.sort_unstable();
        // Of stations the registry holds, as the migration's rebuild
        // joins them (a pulled fact may name a station the pull dropped).
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS pulled_first_trades (station_id, first_payment, first_card)",
        )?;
        insert_rows(
            conn,
            "INSERT INTO temp.pulled_first_trades (station_id, first_payment, first_card) VALUES ",
            "",
            &firsts,
            |r| [&r.0 as &dyn ToSql, &r.1, &r.2],
        )?;
        conn.execute_batch(
            "INSERT INTO station_first_trades (station_id, first_payment, first_card)
                 SELECT station_id, first_payment, first_card FROM temp.pulled_first_trades
                  WHERE station_id IN (SELECT id FROM stations) ORDER BY station_id;
             DROP TABLE temp.pulled_first_trades;",
        )?;
        Ok(())
    }
}

fn data_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_the_first_seven_characters_of_a_day() {
        assert_eq!(month_of("2026-10-31"), "2026-10");
        assert_eq!(month_of("2026-1"), "2026-1");
        assert_eq!(month_of("二〇二六年十月一日"), "二〇二六年十月");
        assert_eq!(month_of("2026\0-10-01"), "2026");
    }
}
