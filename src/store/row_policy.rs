//! Which policy version an imported row falls under (R12: its month's),
//! and which payment category its business type names there (R13). A row
//! the month's version cannot place is a bad row naming the line.

use chrono::NaiveDate;

use super::import::row_error;
use crate::i18n::{trf, Text};
use crate::ingest::{PaymentRow, RowError};
use crate::month::Month;
use crate::policy::{Policy, PolicyVersion};

/// The policy version in force in the month of a row's day (R12); a row
/// before the policy's first version is a bad row.
pub(super) fn version_of_row<'p>(
    policy: &'p Policy,
    day: NaiveDate,
    line: u64,
    column: &str,
) -> Result<&'p PolicyVersion, RowError> {
    policy
        .version_for(Month::of(day))
        .map_err(|e| row_error(line, column, e.to_string()))
}

/// R13: the category a payment's business type (业务类型) belongs to in
/// the version in force in its month, or the bad row, naming the month.
pub(super) fn category_of_row<'p>(policy: &'p Policy, row: &PaymentRow) -> Result<&'p str, RowError> {
    const COLUMN: &str = "业务类型";
    let day = row.time.date();
    let version = version_of_row(policy, day, row.line, COLUMN)?;
    if let Some(category) = version.category_for_business_type(&row.business_type) {
        return Ok(&category.id);
    }
    let month = Month::of(day);
    let known: Vec<&str> = version.categories.iter().map(|c| c.name.as_str()).collect();
    // Name the category when another version knows the business type
    // (mobile after its collection stopped).
    let elsewhere = policy
        .versions
        .iter()
        .find_map(|v| v.category_for_business_type(&row.business_type));
    let reason = match elsewhere {
        Some(category) => trf(
            Text::ImportCategoryNotThen,
            &[
                &format!("{:?}", row.business_type),
                &category.id,
                &policy.id,
                &month,
                &version.effective_from,
                &known.join(", "),
            ],
        ),
        None => trf(
            Text::ImportNotCategory,
            &[
                &format!("{:?}", row.business_type),
                &policy.id,
                &month,
                &version.effective_from,
                &known.join(", "),
            ],
        ),
    };
    Err(row_error(row.line, COLUMN, reason))
}
