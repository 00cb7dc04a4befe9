//! The source systems' transactions — bill payments, card withdrawals,
//! referrals — kept by id in batches and summed into daily facts, over
//! any `ImportTx`.

use std::hash::BuildHasherDefault;

use rustc_hash::FxHasher;

use super::*;

/// Keeps a batch of pending source rows: `insert` says which were new;
/// the others are duplicates of rows kept before, and each new one is
/// handed to `count_new`.
fn keep_batch<T: ImportTx, R>(
    started: &mut Started<T>,
    pending: &mut Vec<R>,
    insert: fn(&mut T, &[R]) -> Result<Vec<bool>, StoreError>,
    mut count_new: impl FnMut(usize, R),
) -> Result<(), StoreError> {
    if pending.is_empty() {
        return Ok(());
    }
    let new = insert(&mut started.tx, pending)?;
    for (i, (row, is_new)) in pending.drain(..).zip(new).enumerate() {
        if is_new {
            started.summary.rows_new += 1;
            count_new(i, row);
        } else {
            started.summary.rows_duplicate += 1;
        }
    }
    Ok(())
}

/// A daily sum's key as numbers: the station's and the category's places
/// in `DailyNames`, and the day. A million rows hash three numbers each
/// instead of two strings, into a map a third the size.
type DailyKey = (u32, NaiveDate, u32);

/// (count, fen) added to each station's day and category by this file:
/// by number where `DailyNames` knows the names, else by name (a payment
/// taken back that an older registry or policy counted).
#[derive(Default)]
struct DailySums {
    numbered: HashMap<DailyKey, (i64, i64), BuildHasherDefault<FxHasher>>,
    named: HashMap<(String, NaiveDate, String), (i64, i64)>,
}

impl DailySums {
    fn of(&mut self, names: &DailyNames<'_>, station: String, day: NaiveDate, category: String) -> &mut (i64, i64) {
        match names.key(&station, day, &category) {
            Some(key) => self.numbered.entry(key).or_default(),
            None => self.named.entry((station, day, category)).or_default(),
        }
    }

    /// The sums by name, in station order: the writes then walk the
    /// table's pages (and the by-station index) in order, not at random.
    fn into_totals(self, names: &DailyNames<'_>) -> Vec<DailyPayment> {
        let mut numbered: Vec<_> = self.numbered.into_iter().collect();
        // Numbers sort as the names do (`DailyNames::new`).
        numbered.sort_unstable_by_key(|(key, _)| *key);
        let mut totals: Vec<DailyPayment> = numbered
            .into_iter()
            .map(|(key, sums)| (names.names(key), sums))
            .collect();
        if !self.named.is_empty() {
            totals.extend(self.named);
            totals.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        }
        totals
    }
}

/// The names behind daily keys' numbers: the registry's stations and the
/// categories of the policy's versions. Read by both threads of an import.
struct DailyNames<'a> {
    stations: Vec<&'a str>,
    station_numbers: HashMap<&'a str, u32, BuildHasherDefault<FxHasher>>,
    categories: Vec<&'a str>,
}

impl<'a> DailyNames<'a> {
    /// Numbered in the names' order, so that keys sort as their names do.
    fn new(stations: &'a HashSet<String>, policy: &'a Policy) -> DailyNames<'a> {
        let mut stations: Vec<&str> = stations.iter().map(String::as_str).collect();
        stations.sort_unstable();
        let station_numbers = stations.iter().enumerate().map(|(i, s)| (*s, i as u32)).collect();
        let mut categories: Vec<&str> = Vec::new();
        for category in policy.versions.iter().flat_map(|v| &v.categories) {
            if !categories.contains(&category.id.as_str()) {
                categories.push(&category.id);
            }
        }
        categories.sort_unstable();
        DailyNames {
            stations,
            station_numbers,
            categories,
        }
    }

    /// The key of a station's day and category; `None` for a station not
    /// in the registry or a category of no version.
    fn key(&self, station: &str, day: NaiveDate, category: &str) -> Option<DailyKey> {
        self.key_of_number(*self.station_numbers.get(station)?, day, category)
    }

    fn key_of_number(&self, station: u32, day: NaiveDate, category: &str) -> Option<DailyKey> {
        let category = self.categories.iter().position(|c| *c == category)?;
        Some((station, day, category as u32))
    }

    fn names(&self, (station, day, category): DailyKey) -> (String, NaiveDate, String) {
        (
            self.stations[station as usize].to_string(),
            day,
            self.categories[category as usize].to_string(),
        )
    }
}

/// Keeps the pending payments (`keys` holds each one's daily key, when it
/// has one): new ones count into their day.
fn keep_payments<T: ImportTx>(
    started: &mut Started<T>,
    pending: &mut Vec<NewPayment>,
    keys: &mut Vec<Option<DailyKey>>,
    daily: &mut DailySums,
    names: &DailyNames<'_>,
) -> Result<(), StoreError> {
    keep_batch(started, pending, T::insert_payments, |i, p| {
        let entry = match keys[i] {
            Some(key) => daily.numbered.entry(key).or_default(),
            None => daily.of(names, p.station, p.day, p.category),
        };
        entry.0 += 1;
        entry.1 += p.fen;
    })?;
    keys.clear();
    Ok(())
}

/// Keeps the pending card transactions; new ones mark their day touched.
fn keep_cards<T: ImportTx>(
    started: &mut Started<T>,
    pending: &mut Vec<NewCard>,
    touched: &mut HashSet<(String, NaiveDate)>,
) -> Result<(), StoreError> {
    keep_batch(started, pending, T::insert_cards, |_, c| {
        touched.insert((c.station, c.day));
    })
}

/// Keeps the pending referrals; new ones count into their day and kind.
fn keep_referrals<T: ImportTx>(
    started: &mut Started<T>,
    pending: &mut Vec<NewReferral>,
    daily: &mut HashMap<(String, NaiveDate, String), u64>,
) -> Result<(), StoreError> {
    keep_batch(started, pending, T::insert_referrals, |_, r| {
        *daily.entry((r.station, r.day, r.kind)).or_default() += 1;
    })
}

/// A payment row as the reader thread hands it over: checked against the
/// registry and the policy, its fen and category worked out.
enum CheckedPayment {
    Bad(RowError),
    /// A reversal (冲正) of the transaction with this id.
    Reversal(String),
    Payment(NewPayment, Option<DailyKey>),
}

/// Checks a payment row: a known station, whole fen, a category of its
/// month's version (R13). A reversal names the category too; a wrong one
/// is still a wrong row.
fn check_payment(
    row: Result<PaymentRow, RowError>,
    names: &DailyNames<'_>,
    policy: &Policy,
    day_texts: &mut DayText,
) -> CheckedPayment {
    let row = match row {
        Ok(row) => row,
        Err(e) => return CheckedPayment::Bad(e),
    };
    let Some(&station) = names.station_numbers.get(row.station_code.as_str()) else {
        return CheckedPayment::Bad(unknown_station(&row.station_code, row.line));
    };
    let Some(fen) = fen_from_yuan(row.amount) else {
        return CheckedPayment::Bad(row_error(
            row.line,
            "金额",
            trf(Text::ImportNotWholeFen, &[&row.amount]),
        ));
    };
    let category = match category_of_row(policy, &row) {
        Ok(category) => category,
        Err(e) => return CheckedPayment::Bad(e),
    };
    if row.reversed {
        return CheckedPayment::Reversal(row.txn_id);
    }
    let day = row.time.date();
    let key = names.key_of_number(station, day, category);
    CheckedPayment::Payment(
        NewPayment {
            day_text: day_texts.of(day).to_string(),
            txn_id: row.txn_id,
            station: row.station_code,
            day,
            category: category.to_string(),
            fen,
        },
        key,
    )
}

/// Bill payments, by transaction id, summed into daily facts; each
/// business type mapped to a category of its month's version (R13).
pub fn import_payments<T: ImportTx>(
    tx: T,
    mut rows: Rows<PaymentRow>,
    policy: &Policy,
) -> Result<ImportSummary, ImportError> {
    let mut started = Started::new(tx, &rows);
    let mut problems = Problems::default();
    let stations = started.tx.station_ids()?;
    let names = DailyNames::new(&stations, policy);
    let mut reversed = started.tx.reversed_ids("payment")?;
    let mut daily = DailySums::default();
    let mut pending: Vec<NewPayment> = Vec::with_capacity(KEEP_BATCH);
    let mut pending_keys: Vec<Option<DailyKey>> = Vec::with_capacity(KEEP_BATCH);
    let import_id = started.tx.import_id();
    // Decoding, parsing and checking run on a thread of their own, ahead
    // of the writes here.
    let mut day_texts = DayText::default();
    let checked = rows
        .by_ref()
        .map(|row| check_payment(row, &names, policy, &mut day_texts));
    read_ahead(checked, |rows| -> Result<(), StoreError> {
        for row in rows {
            started.summary.rows_read += 1;
            let row = match row {
                CheckedPayment::Bad(e) => {
                    problems.add(e);
                    continue;
                }
                // Keep reading to report every bad row, write nothing more.
                _ if problems.total > 0 => continue,
                row => row,
            };
            let (payment, key) = match row {
                CheckedPayment::Payment(payment, key) => (payment, key),
                CheckedPayment::Reversal(txn_id) => {
                    // What the reversal takes back may be among the rows not kept yet.
                    keep_payments(&mut started, &mut pending, &mut pending_keys, &mut daily, &names)?;
                    started.summary.rows_reversed += 1;
                    started.tx.mark_reversed(&txn_id, "payment")?;
                    // A reversal of a transaction already counted takes it back.
                    if let Some(taken) = started.tx.take_back_payment(&txn_id)? {
                        if taken.import_id == import_id {
                            // Counted as new earlier in this very file.
                            started.summary.rows_new -= 1;
                        }
                        let day = crate::month::parse_date(&taken.day).map_err(|_| StoreError::BadValue {
                            table: "payment_txns",
                            column: "day",
                            value: taken.day.clone(),
                        })?;
                        let entry = daily.of(&names, taken.station, day, taken.category);
                        entry.0 -= 1;
                        entry.1 -= taken.fen;
                    }
                    reversed.insert(txn_id);
                    continue;
                }
                CheckedPayment::Bad(_) => continue,
            };
            if reversed.contains(&payment.txn_id) {
                started.summary.rows_reversed += 1;
                continue;
            }
            pending.push(payment);
            pending_keys.push(key);
            if pending.len() >= KEEP_BATCH {
                keep_payments(&mut started, &mut pending, &mut pending_keys, &mut daily, &names)?;
            }
        }
        Ok(())
    })?;
    if problems.total == 0 {
        keep_payments(&mut started, &mut pending, &mut pending_keys, &mut daily, &names)?;
        started.tx.add_daily_payments(&daily.into_totals(&names))?;
    }
    started.finish(problems)
}

/// Card withdrawals: card numbers hashed, never stored; the daily valid
/// count is recomputed under the policy's cap (R1).
pub fn import_cards<T: ImportTx>(
    tx: T,
    mut rows: Rows<CardRow>,
    policy: &Policy,
) -> Result<ImportSummary, ImportError> {
    let mut started = Started::new(tx, &rows);
    let mut problems = Problems::default();
    let stations = started.tx.station_ids()?;
    let mut reversed = started.tx.reversed_ids("card")?;
    // The key lives outside the database (store::card_key).
    let key = started.tx.card_key()?;
    let mut touched: HashSet<(String, NaiveDate)> = HashSet::new();
    let mut pending: Vec<NewCard> = Vec::with_capacity(KEEP_BATCH);
    let mut day_texts = DayText::default();
    // Decoding and parsing run on a thread of their own, ahead of the writes.
    read_ahead(rows.by_ref(), |rows| -> Result<(), StoreError> {
        for row in rows {
            started.summary.rows_read += 1;
            let Some(row) = known_station(row, &stations, |r| (&r.station_code, r.line), &mut problems) else {
                continue;
            };
            let day = row.time.date();
            // The day's cap is its month's version's (R1, R12).
            if let Err(e) = version_of_row(policy, day, row.line, "交易时间") {
                problems.add(e);
                continue;
            }
            if problems.total > 0 {
                continue;
            }
            if row.reversed {
                keep_cards(&mut started, &mut pending, &mut touched)?;
                started.summary.rows_reversed += 1;
                started.tx.mark_reversed(&row.txn_id, "card")?;
                reversed.insert(row.txn_id.clone());
                if let Some((station, day)) = started.tx.take_back_card(&row.txn_id)? {
                    if let Ok(day) = crate::month::parse_date(&day) {
                        touched.insert((station, day));
                    }
                }
                continue;
            }
            if reversed.contains(&row.txn_id) {
                started.summary.rows_reversed += 1;
                continue;
            }
            pending.push(NewCard {
                hash: card_hash(&key, &row.card_number),
                day_text: day_texts.of(day).to_string(),
                txn_id: row.txn_id,
                station: row.station_code,
                day,
            });
            if pending.len() >= KEEP_BATCH {
                keep_cards(&mut started, &mut pending, &mut touched)?;
            }
        }
        Ok(())
    })?;
    if problems.total == 0 {
        keep_cards(&mut started, &mut pending, &mut touched)?;
        let mut touched: Vec<_> = touched.into_iter().collect();
        touched.sort_unstable();
        let mut days = Vec::with_capacity(touched.len());
        for (station, day) in touched {
            // Every row's month was checked to have a version; a day taken
            // back by a reversal may be older.
            let cap = policy
                .version_for(Month::of(day))
                .map_or(u32::MAX, |v| v.card_cap.per_card_per_day);
            // R1 is applied by the policy, not here.
            let per_card = started.tx.swipes_per_card(&station, &day_text(day))?;
            let counts = crate::policy::card_cap::card_counts_per_card(per_card, cap);
            days.push((station, day, counts));
        }
        started.tx.set_daily_cards(&days)?;
    }
    started.finish(problems)
}

/// Referrals, by referral id, counted per station, day and kind.
pub fn import_referrals<T: ImportTx>(
    tx: T,
    mut rows: Rows<ReferralRow>,
    policy: &Policy,
) -> Result<ImportSummary, ImportError> {
    let mut started = Started::new(tx, &rows);
    let mut problems = Problems::default();
    let stations = started.tx.station_ids()?;
    let mut daily: HashMap<(String, NaiveDate, String), u64> = HashMap::new();
    let mut pending: Vec<NewReferral> = Vec::with_capacity(KEEP_BATCH);
    // Decoding and parsing run on a thread of their own, ahead of the writes.
    read_ahead(rows.by_ref(), |rows| -> Result<(), StoreError> {
        for row in rows {
            started.summary.rows_read += 1;
            let Some(row) = known_station(row, &stations, |r| (&r.station_code, r.line), &mut problems) else {
                continue;
            };
            let version = match version_of_row(policy, row.date, row.line, "日期") {
                Ok(version) => version,
                Err(e) => {
                    problems.add(e);
                    continue;
                }
            };
            if !version.referral_rates.contains_key(&row.kind) {
                problems.add(row_error(
                    row.line,
                    "类型",
                    trf(
                        Text::ImportNoReferralKind,
                        &[&policy.id, &row.kind, &Month::of(row.date), &version.effective_from],
                    ),
                ));
                continue;
            }
            if problems.total > 0 {
                continue;
            }
            pending.push(NewReferral {
                day_text: day_text(row.date),
                id: row.referral_id,
                station: row.station_code,
                day: row.date,
                kind: row.kind,
            });
            if pending.len() >= KEEP_BATCH {
                keep_referrals(&mut started, &mut pending, &mut daily)?;
            }
        }
        Ok(())
    })?;
    if problems.total == 0 {
        keep_referrals(&mut started, &mut pending, &mut daily)?;
        let mut totals: Vec<_> = daily.into_iter().collect();
        totals.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        started.tx.add_daily_referrals(&totals)?;
    }
    started.finish(problems)
}
