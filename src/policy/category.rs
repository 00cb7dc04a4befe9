//! Payment categories of the bill-payment system (便民缴费).

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentCategory {
    /// 移动话费
    Mobile = 0,
    /// 联通话费
    Unicom = 1,
    /// 电信
    Telecom = 2,
    /// 电费
    Electricity = 3,
    /// Water, gas, cable TV …
    Other = 4,
}

impl PaymentCategory {
    pub const COUNT: usize = 5;
    /// In the order CALC.md's output lists reward lines.
    pub const ALL: [PaymentCategory; PaymentCategory::COUNT] = [
        PaymentCategory::Mobile,
        PaymentCategory::Unicom,
        PaymentCategory::Telecom,
        PaymentCategory::Electricity,
        PaymentCategory::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentCategory::Mobile => "mobile",
            PaymentCategory::Unicom => "unicom",
            PaymentCategory::Telecom => "telecom",
            PaymentCategory::Electricity => "electricity",
            PaymentCategory::Other => "other",
        }
    }

    pub fn parse(name: &str) -> Option<PaymentCategory> {
        PaymentCategory::ALL.into_iter().find(|c| c.as_str() == name)
    }
}
