//! R16 from the store: the county's funnel at a month's end, and which
//! stations are new in a month.

use std::collections::HashSet;

use crate::month::Month;
use crate::policy::lifecycle::{self, Funnel};
use crate::store::county_read::CountyRead;
use crate::store::{Store, StoreError};

/// The funnel (signed, installed, trading, suspended, closed) at the end
/// of `month`.
pub fn funnel(store: &Store, month: Month) -> Result<Funnel, StoreError> {
    let lives = store.station_lives()?;
    Ok(lifecycle::funnel(lives.iter().map(|(_, life)| life), month))
}

/// The stations in their first calendar month after installation.
pub fn new_stations<D: CountyRead + ?Sized>(store: &D, month: Month) -> Result<HashSet<String>, StoreError> {
    Ok(store
        .station_lives()?
        .into_iter()
        .filter(|(_, life)| lifecycle::is_new(life.installed_on, month))
        .map(|(id, _)| id)
        .collect())
}
