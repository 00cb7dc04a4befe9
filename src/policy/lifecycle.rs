//! R16: a station's life — signed (签约), terminal installed (装机), first
//! transaction (开通交易), suspended, closed (撤销) — the county's funnel,
//! and which stations are new.

use chrono::NaiveDate;

use crate::month::Month;

/// What the registry and the facts know of one station's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StationLife {
    pub signed_on: Option<NaiveDate>,
    /// The terminal's installation (the registry's 装机日期, else its
    /// opening date).
    pub installed_on: Option<NaiveDate>,
    /// The first day with a payment or card transaction.
    pub first_trade: Option<NaiveDate>,
    pub suspended: bool,
    pub closed: bool,
    pub closed_on: Option<NaiveDate>,
}

/// New in `month`: in its first calendar month after installation — the
/// month of installation, and the next one when installation was not on
/// the 1st (the first whole month). Seed document 5: the bottom ten
/// include newly installed stations, which need time.
pub fn is_new(installed_on: Option<NaiveDate>, month: Month) -> bool {
    let Some(installed) = installed_on else {
        return false;
    };
    let installed_month = Month::of(installed);
    let first_whole = if installed == installed_month.first_day() {
        installed_month
    } else {
        installed_month.next()
    };
    installed_month <= month && month <= first_whole
}

/// The county's stations at the end of a month, stage by stage. Signed ⊇
/// installed ⊇ trading; suspended and closed are counted apart (a closed
/// station stays in the stages it reached).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Funnel {
    pub signed: u64,
    pub installed: u64,
    pub trading: u64,
    pub suspended: u64,
    pub closed: u64,
}

fn by(day: Option<NaiveDate>, end: NaiveDate) -> bool {
    day.is_some_and(|d| d <= end)
}

/// The funnel at the end of `month`. A station known only to the registry
/// (no date at all) counts as signed; one that traded counts as installed.
pub fn funnel<'a>(stations: impl IntoIterator<Item = &'a StationLife>, month: Month) -> Funnel {
    let end = month.last_day();
    let mut f = Funnel::default();
    for s in stations {
        let dates = [s.signed_on, s.installed_on, s.first_trade];
        let signed = if s.signed_on.is_some() {
            by(s.signed_on, end)
        } else {
            dates.iter().all(Option::is_none) || dates.iter().any(|d| by(*d, end))
        };
        if !signed {
            continue;
        }
        f.signed += 1;
        let trading = by(s.first_trade, end);
        if trading || by(s.installed_on, end) {
            f.installed += 1;
        }
        if trading {
            f.trading += 1;
        }
        let closed = by(s.closed_on, end) || (s.closed && s.closed_on.is_none());
        if closed {
            f.closed += 1;
        } else if s.suspended {
            f.suspended += 1;
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        crate::month::parse_date(text).unwrap()
    }

    fn month(text: &str) -> Month {
        text.parse().unwrap()
    }

    #[test]
    fn new_means_the_first_calendar_month_after_installation() {
        let mid = Some(day("2013-02-15"));
        assert!(!is_new(mid, month("2013-01")));
        assert!(is_new(mid, month("2013-02")));
        assert!(is_new(mid, month("2013-03")));
        assert!(!is_new(mid, month("2013-04")));
        let first = Some(day("2013-02-01"));
        assert!(is_new(first, month("2013-02")));
        assert!(!is_new(first, month("2013-03")));
        assert!(!is_new(None, month("2013-02")));
    }

    #[test]
    fn the_funnel_narrows_stage_by_stage() {
        let life = |signed: &str, installed: &str, trade: &str| StationLife {
            signed_on: (!signed.is_empty()).then(|| day(signed)),
            installed_on: (!installed.is_empty()).then(|| day(installed)),
            first_trade: (!trade.is_empty()).then(|| day(trade)),
            ..Default::default()
        };
        let stations = [
            life("2012-06-11", "2012-07-01", "2012-07-04"),
            life("2012-06-20", "2012-07-10", ""),
            life("2012-08-01", "", ""),
            life("2012-09-01", "", ""), // signed after August
            life("", "", ""),           // registry only
            StationLife {
                closed: true,
                ..life("2012-06-01", "2012-06-05", "2012-06-06")
            },
            StationLife {
                suspended: true,
                ..life("2012-06-01", "2012-06-05", "")
            },
        ];
        let f = funnel(&stations, month("2012-08"));
        assert_eq!(
            f,
            Funnel {
                signed: 6,
                installed: 4,
                trading: 2,
                suspended: 1,
                closed: 1
            }
        );
    }
}
