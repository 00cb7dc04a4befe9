//! The typed rows each import kind yields, one per line of the source
//! file, before anything touches the store.

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use crate::month::Month;
use crate::policy::Kind;

/// Where a row came from: 1-based line (CSV) or row (XLSX) of the file.
pub type Line = u64;

/// Whether a station is open for business.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StationStatus {
    Open,
    Suspended,
    Closed,
}

impl StationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StationStatus::Open => "open",
            StationStatus::Suspended => "suspended",
            StationStatus::Closed => "closed",
        }
    }
}

/// One station of the registry, with its branch and people (the registry
/// export names them on every line).
#[derive(Debug, Clone, PartialEq)]
pub struct StationRow {
    pub line: Line,
    /// 站点编码
    pub code: String,
    /// 站点名称
    pub name: String,
    /// 站点类型: rural 农村 / urban 城市
    pub kind: Kind,
    /// 支局编码
    pub branch_code: String,
    /// 支局名称
    pub branch_name: String,
    /// 支局类型
    pub branch_kind: Kind,
    /// 支局长 (person id, 工号)
    pub manager_id: String,
    /// 支局长姓名
    pub manager_name: Option<String>,
    /// 维护人员 (person id, 工号)
    pub maintainer_id: String,
    /// 维护人员姓名
    pub maintainer_name: Option<String>,
    /// 所在村
    pub village: Option<String>,
    /// 村户数
    pub village_households: Option<u64>,
    /// 同村站点数 (default 1)
    pub stations_in_village: u64,
    /// 线路顺序
    pub route_order: Option<u32>,
    /// 状态 (default open)
    pub status: StationStatus,
    /// 开办日期
    pub opened_on: Option<NaiveDate>,
    /// 撤销日期
    pub closed_on: Option<NaiveDate>,
    /// 有商易通终端 (default yes)
    pub has_terminal: bool,
    /// 有绿卡 (default yes)
    pub has_green_card: bool,
    /// 站长姓名: the owner, the payee of the station's reward
    pub owner_name: Option<String>,
    /// 站长手机: the owner's mobile, for the SMS notice
    pub owner_phone: Option<String>,
    /// 签约日期 (R16)
    pub signed_on: Option<NaiveDate>,
    /// 装机日期 (R16)
    pub installed_on: Option<NaiveDate>,
}

/// One branch's "five-plus-one" plan for one month.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    pub line: Line,
    pub branch_code: String,
    pub month: Month,
    pub target: u64,
}

/// One bill payment of the 便民缴费 system.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentRow {
    pub line: Line,
    /// 交易流水号: unique; a repeat is the same transaction.
    pub txn_id: String,
    pub station_code: String,
    pub time: NaiveDateTime,
    /// 业务类型 as the export writes it; the import maps it to a payment
    /// category of the policy version in force that month (R13).
    pub business_type: String,
    pub amount: Decimal,
    /// 冲正/撤销: reversed or cancelled transactions never count.
    pub reversed: bool,
}

/// One card withdrawal (助农取款) of the 商易通 terminal.
#[derive(Debug, Clone, PartialEq)]
pub struct CardRow {
    pub line: Line,
    pub txn_id: String,
    pub station_code: String,
    pub time: NaiveDateTime,
    /// The card number as exported; hashed before it is stored, never kept.
    pub card_number: String,
    pub amount: Option<Decimal>,
    pub reversed: bool,
}

/// One referral (转介绍) credited to a station.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralRow {
    pub line: Line,
    pub referral_id: String,
    pub station_code: String,
    pub date: NaiveDate,
    /// A referral kind of the policy: huinongtong, finance_leads,
    /// car_insurance_leads, car_insurance_converted.
    pub kind: String,
}

/// One person's phone and 绿卡 (payout). Empty optional cells leave what
/// is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    pub line: Line,
    /// 工号
    pub person_id: String,
    /// 姓名
    pub name: Option<String>,
    /// 手机号
    pub phone: Option<String>,
    /// 有绿卡 (with 惠农通)
    pub has_green_card: Option<bool>,
}

/// Whether a station's invoice (发票) for a reward month was received.
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceRow {
    pub line: Line,
    pub station_code: String,
    pub month: Month,
    pub received: bool,
    /// 发票号码
    pub invoice_no: Option<String>,
}

/// Whom a line of the city's allocation pays.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Payee {
    Station(String),
    Person(String),
}

/// One line of the city's reward allocation (奖励分配明细).
#[derive(Debug, Clone, PartialEq)]
pub struct AllocationRow {
    pub line: Line,
    pub payee: Payee,
    /// The month the line says it is for, when the file has a month column.
    pub month: Option<Month>,
    pub amount: Decimal,
}

/// One station's plan for one month (R15): the collection ("hardware")
/// and distribution ("software") targets, in yuan.
#[derive(Debug, Clone, PartialEq)]
pub struct StationPlanRow {
    pub line: Line,
    pub station_code: String,
    pub month: Month,
    pub collection_target: Decimal,
    pub distribution_target: Decimal,
}

/// One station's distribution sales (分销) in one month (R15), in yuan.
#[derive(Debug, Clone, PartialEq)]
pub struct DistributionRow {
    pub line: Line,
    pub station_code: String,
    pub month: Month,
    pub amount: Decimal,
}
