//! Why a station's reward is held back instead of paid (R11: finance pays
//! to the 绿卡 with 惠农通 after checking the agency fee and the invoice, and
//! only what the station signed for). Pure.

use serde::Serialize;

use crate::i18n::Text;
use crate::records::Resolution;
use crate::records::{Outcome, Signoff};

/// Where a station's statement of a month stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "standing")]
pub enum StatementStanding {
    Signed,
    /// Disputed and not (yet) resolved.
    Disputed,
    /// Disputed, and the county answered the dispute as it stands: paid,
    /// at the corrected figure when it accepted one (fen), else at the
    /// computed figure (rejected).
    Resolved {
        corrected_fen: Option<i64>,
    },
    Unsigned,
}

/// The one place a sign-off becomes a standing: a dispute is resolved
/// when the county's resolution answers its latest decision (a station
/// that disputes again after a resolution is disputed again).
pub fn statement_standing(signoff: Option<&Signoff>, resolution: Option<&Resolution>) -> StatementStanding {
    match signoff {
        Some(s) if s.outcome == Outcome::Signed => StatementStanding::Signed,
        Some(s) => match resolution.filter(|r| r.signoff_uuid == s.uuid && r.answers_decision(&s.updated_at)) {
            Some(r) => StatementStanding::Resolved {
                corrected_fen: r.corrected_fen,
            },
            None => StatementStanding::Disputed,
        },
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
        StatementStanding::Signed | StatementStanding::Resolved { .. } => {}
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
    fn a_resolved_dispute_is_paid_and_an_unresolved_one_held() {
        let accepted = StatementStanding::Resolved {
            corrected_fen: Some(4080),
        };
        let rejected = StatementStanding::Resolved { corrected_fen: None };
        assert!(hold_reasons(check(true, true, accepted)).is_empty());
        assert!(hold_reasons(check(true, true, rejected)).is_empty());
        assert_eq!(hold_reasons(check(true, false, rejected)), [HoldReason::NoInvoice]);
    }

    #[test]
    fn a_sign_off_becomes_a_standing_and_a_resolution_answers_one_decision() {
        use crate::records::SyncState;
        use crate::records::{DisputeKind, ResolutionOutcome};
        assert_eq!(statement_standing(None, None), StatementStanding::Unsigned);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 6).unwrap();
        let disputed = Signoff {
            uuid: "s".into(),
            station_id: "S1".into(),
            month: "2026-10".into(),
            author_id: "W01".into(),
            editor_id: "W01".into(),
            outcome: Outcome::Disputed,
            reason: Some("少算3笔".into()),
            signed_on: day,
            version: 1,
            updated_at: "2026-11-06T08:00:00.000Z".into(),
            sync: SyncState::Synced,
        };
        let resolution = Resolution {
            uuid: "r".into(),
            kind: DisputeKind::Station,
            signoff_uuid: "s".into(),
            month: "2026-10".into(),
            answers: "2026-11-06T08:00:00.000Z".into(),
            outcome: ResolutionOutcome::Accepted,
            corrected_fen: Some(4080),
            reason: "核实".into(),
            resolved_on: day,
            author_id: "PT01".into(),
            editor_id: "PT01".into(),
            version: 1,
            updated_at: "2026-11-09T08:00:00.000Z".into(),
            sync: SyncState::Synced,
        };
        assert_eq!(statement_standing(Some(&disputed), None), StatementStanding::Disputed);
        assert_eq!(
            statement_standing(Some(&disputed), Some(&resolution)),
            StatementStanding::Resolved {
                corrected_fen: Some(4080)
            }
        );
        let mut again = disputed.clone();
        again.updated_at = "2026-11-10T08:00:00.000Z".into();
        assert_eq!(
            statement_standing(Some(&again), Some(&resolution)),
            StatementStanding::Disputed,
            "disputed again after the resolution"
        );
        let mut signed = again;
        signed.outcome = Outcome::Signed;
        assert_eq!(
            statement_standing(Some(&signed), Some(&resolution)),
            StatementStanding::Signed
        );
    }
}
