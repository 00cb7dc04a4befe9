//! The county's rules beyond the month's money (RULES.md R15, R16), read
//! from the store and decided by the engine's pure rules: the exit
//! watchlist and the station funnel. Computes no money.

pub mod lifecycle;
pub mod watchlist;

pub use lifecycle::{funnel, new_stations};
pub use watchlist::{build_watchlist, last_finished_month, missed_both, WatchEntry, Watchlist, WatchlistError};
