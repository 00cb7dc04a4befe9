//! Why a station's reward is held back instead of paid (R11: finance pays
//! to the 绿卡 with 惠农通 after checking the agency fee and the invoice, and
//! only what the station signed for). Pure.

use serde::Serialize;

use crate::i18n::Text;
use crate::store::notes::{Outcome, Signoff};

/// Where a station's statement of a month stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementStanding {
    Signed,
    /// Disputed and not (yet) resolved.
    Disputed,
    Unsigned,
}

/// The one place a sign-off becomes a standing. When the county resolves
/// disputes (issue 10, item 3), a resolved dispute is decided here: the
/// resolution says whether the station is paid, and at which figure.
pub fn statement_standing(signoff: Option<&Signoff>) -> StatementStanding {
    match signoff.map(|s| s.outcome) {
        Some(Outcome::Signed) => StatementStanding::Signed,
        Some(Outcome::Disputed) => StatementStanding::Disputed,
        None => StatementStanding::Unsigned,
    }
}

/// One reason to hold a station's reward back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldReason {
    /// No 绿卡 with 惠农通 to pay into.
    NoGreenCard,
    /// The month's invoice (发票) was not received.
    NoInvoice,
    /// The statement was not signed.
    NotSigned,
    /// The statement is disputed and unresolved.
    Disputed,
}

impl HoldReason {
    pub fn text(self) -> Text {
        match self {
            HoldReason::NoGreenCard => Text::HoldNoGreenCard,
            HoldReason::NoInvoice => Text::HoldNoInvoice,
            HoldReason::NotSigned => Text::HoldNotSigned,
            HoldReason::Disputed => Text::HoldDisputed,
        }
    }
}

/// What decides whether one station is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayCheck {
    pub has_green_card: bool,
    pub invoice_received: bool,
    pub statement: StatementStanding,
}

/// Every reason to hold the station back, in a fixed order; empty when
/// it is paid.
pub fn hold_reasons(check: PayCheck) -> Vec<HoldReason> {
    let mut reasons = Vec::new();
    if !check.has_green_card {
        reasons.push(HoldReason::NoGreenCard);
    }
    if !check.invoice_received {
        reasons.push(HoldReason::NoInvoice);
    }
    match check.statement {
        StatementStanding::Signed => {}
        StatementStanding::Unsigned => reasons.push(HoldReason::NotSigned),
        StatementStanding::Disputed => reasons.push(HoldReason::Disputed),
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(has_green_card: bool, invoice_received: bool, statement: StatementStanding) -> PayCheck {
        PayCheck {
            has_green_card,
            invoice_received,
            statement,
        }
    }

    #[test]
    fn a_station_with_everything_is_paid() {
        assert!(hold_reasons(check(true, true, StatementStanding::Signed)).is_empty());
    }

    #[test]
    fn every_missing_thing_is_a_reason_in_a_fixed_order() {
        use HoldReason::*;
        assert_eq!(
            hold_reasons(check(false, true, StatementStanding::Signed)),
            [NoGreenCard]
        );
        assert_eq!(hold_reasons(check(true, false, StatementStanding::Signed)), [NoInvoice]);
        assert_eq!(
            hold_reasons(check(true, true, StatementStanding::Unsigned)),
            [NotSigned]
        );
        assert_eq!(hold_reasons(check(true, true, StatementStanding::Disputed)), [Disputed]);
        assert_eq!(
            hold_reasons(check(false, false, StatementStanding::Disputed)),
            [NoGreenCard, NoInvoice, Disputed]
        );
    }

    #[test]
    fn a_sign_off_becomes_a_standing() {
        assert_eq!(statement_standing(None), StatementStanding::Unsigned);
    }
}
