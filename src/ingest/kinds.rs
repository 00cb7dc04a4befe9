//! Turning one record into one typed row, per import kind: each column's
//! cell through its parser, defaults for empty optional cells, and the
//! few checks that span cells of a row.

use super::columns::{
    allocation, card, distribution, invoice, payment, person, plan, referral, station, station_plan, HeaderMap,
};
use super::encoding::TextEncoding;
use super::parse;
use super::quote::{excerpt, quote};
use super::rows::{
    AllocationRow, CardRow, DistributionRow, InvoiceRow, Payee, PaymentRow, PersonRow, PlanRow, ReferralRow,
    StationPlanRow, StationRow, StationStatus,
};
use super::table::Record;
use super::RowError;
use crate::i18n::{tr, trf, Text};

/// The cells of one record, looked up by column.
pub(crate) struct Cells<'a> {
    pub record: &'a Record,
    pub map: &'a HeaderMap,
    /// The CSV encoding (for refusing cells with undecodable bytes);
    /// `None` for XLSX.
    pub encoding: Option<TextEncoding>,
}

impl Cells<'_> {
    fn error(&self, col: usize, reason: String) -> RowError {
        // The header as written, cut like any quoted text (a file can make
        // its header 50 MB long).
        let column = self.map.index[col]
            .and_then(|i| self.map.headers.get(i))
            .map(|h| excerpt(h))
            .unwrap_or_default();
        RowError {
            line: self.record.line,
            column,
            reason,
        }
    }

    /// The cell's text, `None` when the column is absent or the cell blank.
    fn text(&self, col: usize) -> Result<Option<&str>, RowError> {
        let Some(field) = self.map.index[col] else {
            return Ok(None);
        };
        let text = self.record.fields.get(field).unwrap_or("").trim();
        if text.is_empty() {
            return Ok(None);
        }
        if let (Some(encoding), true) = (self.encoding, text.contains('\u{fffd}')) {
            return Err(self.error(col, trf(Text::ImportBadBytes, &[&quote(text), &encoding.charset()])));
        }
        Ok(Some(text))
    }

    /// An optional cell: `None` when blank, else parsed.
    fn get<T>(&self, col: usize, parse: impl FnOnce(&str) -> Result<T, String>) -> Result<Option<T>, RowError> {
        match self.text(col)? {
            None => Ok(None),
            Some(text) => parse(text).map(Some).map_err(|r| self.error(col, r)),
        }
    }

    /// A required cell: refused when blank.
    fn req<T>(&self, col: usize, parse: impl FnOnce(&str) -> Result<T, String>) -> Result<T, RowError> {
        self.get(col, parse)?.ok_or_else(|| self.error(col, parse::empty()))
    }
}

fn count_u32(text: &str) -> Result<u32, String> {
    let n = parse::count(text)?;
    u32::try_from(n).map_err(|_| trf(Text::ImportTooLarge, &[&quote(text)]))
}

pub(crate) fn station_row(c: &Cells) -> Result<StationRow, RowError> {
    use station::*;
    // In column order, so that the first bad cell from the left is named.
    let code = c.req(CODE, parse::code)?;
    let name = c.req(NAME, parse::text)?;
    let kind = c.req(KIND, parse::kind)?;
    let branch_code = c.req(BRANCH_CODE, parse::code)?;
    let branch_name = c.req(BRANCH_NAME, parse::text)?;
    let branch_kind = c.req(BRANCH_KIND, parse::kind)?;
    let manager_id = c.req(MANAGER_ID, parse::code)?;
    let manager_name = c.get(MANAGER_NAME, parse::text)?;
    let maintainer_id = c.req(MAINTAINER_ID, parse::code)?;
    let maintainer_name = c.get(MAINTAINER_NAME, parse::text)?;
    let village = c.get(VILLAGE, parse::text)?;
    let village_households = c.get(VILLAGE_HOUSEHOLDS, parse::count)?;
    let stations_in_village = c.get(STATIONS_IN_VILLAGE, parse::count)?.unwrap_or(1);
    if stations_in_village == 0 {
        return Err(c.error(STATIONS_IN_VILLAGE, tr(Text::ImportNoStationsInVillage).to_string()));
    }
    let route_order = c.get(ROUTE_ORDER, count_u32)?;
    let status = c.get(STATUS, parse::station_status)?;
    let opened_on = c.get(OPENED_ON, parse::date)?;
    let closed_on = c.get(CLOSED_ON, parse::date)?;
    if let (Some(opened), Some(closed)) = (opened_on, closed_on) {
        if closed < opened {
            return Err(c.error(CLOSED_ON, trf(Text::ImportClosedBeforeOpened, &[&closed, &opened])));
        }
    }
    let has_terminal = c.get(HAS_TERMINAL, parse::boolean)?.unwrap_or(true);
    let has_green_card = c.get(HAS_GREEN_CARD, parse::boolean)?.unwrap_or(true);
    let signed_on = c.get(SIGNED_ON, parse::date)?;
    let installed_on = c.get(INSTALLED_ON, parse::date)?;
    if let (Some(signed), Some(installed)) = (signed_on, installed_on) {
        if installed < signed {
            return Err(c.error(
                INSTALLED_ON,
                trf(Text::ImportInstalledBeforeSigned, &[&installed, &signed]),
            ));
        }
    }
    Ok(StationRow {
        line: c.record.line,
        code,
        name,
        kind,
        branch_code,
        branch_name,
        branch_kind,
        manager_id,
        manager_name,
        maintainer_id,
        maintainer_name,
        village,
        village_households,
        stations_in_village,
        route_order,
        status: status.unwrap_or(StationStatus::Open),
        opened_on,
        closed_on,
        has_terminal,
        has_green_card,
        signed_on,
        installed_on,
        owner_name: c.get(OWNER_NAME, parse::text)?,
        owner_phone: c.get(OWNER_PHONE, parse::phone)?,
    })
}

pub(crate) fn plan_row(c: &Cells) -> Result<PlanRow, RowError> {
    use plan::*;
    Ok(PlanRow {
        line: c.record.line,
        branch_code: c.req(BRANCH_CODE, parse::code)?,
        month: c.req(MONTH, parse::month)?,
        target: c.req(TARGET, parse::count)?,
    })
}

/// A negative amount is accepted only on a reversed transaction (some
/// systems write the reversal as the negative of the original); on a
/// successful one it would silently lower the month's sum.
fn check_sign(c: &Cells, col: usize, amount: rust_decimal::Decimal, reversed: bool) -> Result<(), RowError> {
    if amount.is_sign_negative() && !amount.is_zero() && !reversed {
        return Err(c.error(col, trf(Text::ImportNegativeNotReversed, &[&amount])));
    }
    Ok(())
}

pub(crate) fn payment_row(c: &Cells) -> Result<PaymentRow, RowError> {
    use payment::*;
    let txn_id = c.req(TXN_ID, parse::identifier)?;
    let station_code = c.req(STATION_CODE, parse::code)?;
    let time = c.req(TIME, parse::date_time)?;
    let business_type = c.req(CATEGORY, parse::text)?;
    let amount = c.req(AMOUNT, parse::amount)?;
    let reversed = c.get(STATUS, parse::reversed)?.unwrap_or(false);
    check_sign(c, AMOUNT, amount, reversed)?;
    Ok(PaymentRow {
        line: c.record.line,
        txn_id,
        station_code,
        time,
        business_type,
        amount,
        reversed,
    })
}

pub(crate) fn card_row(c: &Cells) -> Result<CardRow, RowError> {
    use card::*;
    let txn_id = c.req(TXN_ID, parse::identifier)?;
    let station_code = c.req(STATION_CODE, parse::code)?;
    let time = c.req(TIME, parse::date_time)?;
    let card_number = c.req(CARD_NUMBER, parse::card_number)?;
    let amount = c.get(AMOUNT, parse::amount)?;
    let reversed = c.get(STATUS, parse::reversed)?.unwrap_or(false);
    if let Some(amount) = amount {
        check_sign(c, AMOUNT, amount, reversed)?;
    }
    Ok(CardRow {
        line: c.record.line,
        txn_id,
        station_code,
        time,
        card_number,
        amount,
        reversed,
    })
}

pub(crate) fn referral_row(c: &Cells) -> Result<ReferralRow, RowError> {
    use referral::*;
    Ok(ReferralRow {
        line: c.record.line,
        referral_id: c.req(REFERRAL_ID, parse::identifier)?,
        station_code: c.req(STATION_CODE, parse::code)?,
        date: c.req(DATE, parse::date)?,
        kind: c.req(KIND, parse::referral_kind)?.to_string(),
    })
}

pub(crate) fn person_row(c: &Cells) -> Result<PersonRow, RowError> {
    use person::*;
    Ok(PersonRow {
        line: c.record.line,
        person_id: c.req(PERSON_ID, parse::identifier)?,
        name: c.get(NAME, parse::text)?,
        phone: c.get(PHONE, parse::phone)?,
        has_green_card: c.get(HAS_GREEN_CARD, parse::boolean)?,
    })
}

pub(crate) fn invoice_row(c: &Cells) -> Result<InvoiceRow, RowError> {
    use invoice::*;
    Ok(InvoiceRow {
        line: c.record.line,
        station_code: c.req(STATION_CODE, parse::identifier)?,
        month: c.req(MONTH, parse::month)?,
        received: c.req(RECEIVED, parse::boolean)?,
        invoice_no: c.get(INVOICE_NO, parse::identifier)?,
    })
}

pub(crate) fn allocation_row(c: &Cells) -> Result<AllocationRow, RowError> {
    use allocation::*;
    let station = c.get(STATION_CODE, parse::identifier)?;
    let person = c.get(PERSON_ID, parse::identifier)?;
    let payee = match (station, person) {
        (Some(code), None) => Payee::Station(code),
        (None, Some(id)) => Payee::Person(id),
        (Some(code), Some(id)) => return Err(c.error(PERSON_ID, trf(Text::ImportStationAndPerson, &[&code, &id]))),
        (None, None) => {
            let column = if c.map.index[STATION_CODE].is_some() {
                STATION_CODE
            } else {
                PERSON_ID
            };
            return Err(c.error(column, tr(Text::ImportNoPayee).to_string()));
        }
    };
    // Negative amounts are allowed: a person's net may be below zero (R9).
    Ok(AllocationRow {
        line: c.record.line,
        payee,
        month: c.get(MONTH, parse::month)?,
        amount: c.req(AMOUNT, parse::amount)?,
    })
}

/// A non-negative amount in yuan: a plan or a sales figure.
fn non_negative_amount(c: &Cells, col: usize) -> Result<rust_decimal::Decimal, RowError> {
    let amount = c.req(col, parse::amount)?;
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(c.error(col, trf(Text::ImportNegative, &[&amount])));
    }
    Ok(amount)
}

pub(crate) fn station_plan_row(c: &Cells) -> Result<StationPlanRow, RowError> {
    use station_plan::*;
    Ok(StationPlanRow {
        line: c.record.line,
        station_code: c.req(STATION_CODE, parse::identifier)?,
        month: c.req(MONTH, parse::month)?,
        collection_target: non_negative_amount(c, COLLECTION_TARGET)?,
        distribution_target: non_negative_amount(c, DISTRIBUTION_TARGET)?,
    })
}

pub(crate) fn distribution_row(c: &Cells) -> Result<DistributionRow, RowError> {
    use distribution::*;
    Ok(DistributionRow {
        line: c.record.line,
        station_code: c.req(STATION_CODE, parse::identifier)?,
        month: c.req(MONTH, parse::month)?,
        amount: non_negative_amount(c, AMOUNT)?,
    })
}
