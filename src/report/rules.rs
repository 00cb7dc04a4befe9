//! The policy's rules as people name them: the rule's name and the clause
//! of the source document it comes from (德州 plan, docs/RULES.md), for
//! statements and text reports. The R-numbers are the docs' and JSON's
//! shorthand; a station keeper reads "便民缴费营销政策（方案二（一））".

use crate::i18n::{Lang, Text};

/// A rule of docs/RULES.md that a statement or report line rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// R1: at most two valid card transactions per card and day.
    CardCap,
    /// R2: the bill-payment reward.
    Payments,
    /// R3: the card-withdrawal reward.
    Card,
    /// R4: referral rewards.
    Referrals,
    /// R2 + R3 + R4: the station's cash reward.
    StationReward,
    /// R5: a valid station.
    Validity,
    /// R6: the maintenance reward.
    Maintenance,
    /// R10: the mid-month projection.
    Projection,
    /// R11: the payout calendar (sign by the 12th).
    Payout,
    /// R14: quarterly withholding.
    Withholding,
}

impl Rule {
    /// The rule's name with its clause, in `lang`.
    pub fn words(self, lang: Lang) -> &'static str {
        match self {
            Rule::CardCap => Text::RuleCardCap,
            Rule::Payments => Text::RulePayments,
            Rule::Card => Text::RuleCard,
            Rule::Referrals => Text::RuleReferrals,
            Rule::StationReward => Text::RuleStationReward,
            Rule::Validity => Text::RuleValidity,
            Rule::Maintenance => Text::RuleMaintenance,
            Rule::Projection => Text::RuleProjection,
            Rule::Payout => Text::RulePayout,
            Rule::Withholding => Text::RuleWithholding,
        }
        .get(lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_rule_is_called_by_its_number() {
        let all = [
            Rule::CardCap,
            Rule::Payments,
            Rule::Card,
            Rule::Referrals,
            Rule::StationReward,
            Rule::Validity,
            Rule::Maintenance,
            Rule::Projection,
            Rule::Payout,
            Rule::Withholding,
        ];
        for rule in all {
            for lang in [Lang::Zh, Lang::En] {
                let words = rule.words(lang);
                let coded = words
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| w.len() >= 2 && w.starts_with('R') && w[1..].chars().all(|c| c.is_ascii_digit()));
                assert!(!coded, "{words}");
            }
        }
    }
}
