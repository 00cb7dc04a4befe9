//! The columns of each import kind and the mapping of a file's header row
//! onto them. Headers are matched after trimming, case-insensitively for
//! English, with `Station Code`, `station-code` and `station_code` alike;
//! each column accepts a few synonyms. docs/IMPORTS.md mirrors these
//! tables: change both together.

use csv::StringRecord;

use super::parse::normalise;

/// One column an import kind reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    /// The English name, also the row's field: `station_code`.
    pub english: &'static str,
    /// The Chinese name: `站点编码`.
    pub chinese: &'static str,
    /// Every header accepted, normalised (lower case, words joined by `_`).
    pub headers: &'static [&'static str],
    /// A required column must be in the header; an optional one may be
    /// left out, and its empty cells take the default.
    pub required: bool,
}

impl ColumnSpec {
    /// `站点编码 (station_code)`, as errors name a column.
    pub fn label(&self) -> String {
        format!("{} ({})", self.chinese, self.english)
    }

    /// Whether a header, already normalised, names this column.
    fn matches(&self, key: &str) -> bool {
        self.headers.contains(&key)
    }
}

/// The kinds of import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportKind {
    Stations,
    Plans,
    Payments,
    Cards,
    Referrals,
    /// People's phone and 绿卡 (payout, issue 10).
    People,
    /// Invoices received per station and month (payout).
    Invoices,
    /// The city's reward allocation, read by `bianmin reconcile`.
    Allocations,
    /// Each station's monthly collection and distribution plan (R15).
    StationPlans,
    /// Each station's monthly distribution sales (R15).
    Distribution,
}

impl ImportKind {
    pub const ALL: [ImportKind; 10] = [
        ImportKind::Stations,
        ImportKind::Plans,
        ImportKind::Payments,
        ImportKind::Cards,
        ImportKind::Referrals,
        ImportKind::People,
        ImportKind::Invoices,
        ImportKind::Allocations,
        ImportKind::StationPlans,
        ImportKind::Distribution,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Stations => "stations",
            ImportKind::Plans => "plans",
            ImportKind::Payments => "payments",
            ImportKind::Cards => "cards",
            ImportKind::Referrals => "referrals",
            ImportKind::People => "people",
            ImportKind::Invoices => "invoices",
            ImportKind::Allocations => "allocations",
            ImportKind::StationPlans => "station-plans",
            ImportKind::Distribution => "distribution",
        }
    }

    /// The columns this kind reads, in the order docs/IMPORTS.md lists them.
    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            ImportKind::Stations => STATIONS,
            ImportKind::Plans => PLANS,
            ImportKind::Payments => PAYMENTS,
            ImportKind::Cards => CARDS,
            ImportKind::Referrals => REFERRALS,
            ImportKind::People => PEOPLE,
            ImportKind::Invoices => INVOICES,
            ImportKind::Allocations => ALLOCATIONS,
            ImportKind::StationPlans => STATION_PLANS,
            ImportKind::Distribution => DISTRIBUTION,
        }
    }
}

const fn req(english: &'static str, chinese: &'static str, headers: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec {
        english,
        chinese,
        headers,
        required: true,
    }
}

const fn opt(english: &'static str, chinese: &'static str, headers: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec {
        english,
        chinese,
        headers,
        required: false,
    }
}

const STATION_CODE: &[&str] = &[
    "站点编码",
    "站点代码",
    "站点编号",
    "站点号",
    "station_code",
    "station",
    "station_id",
];
const BRANCH_CODE: &[&str] = &["支局编码", "支局代码", "支局编号", "branch_code", "branch", "branch_id"];
const TXN_ID: &[&str] = &[
    "交易流水号",
    "流水号",
    "交易号",
    "交易编号",
    "txn_id",
    "transaction_id",
    "txn",
    "serial_no",
];
const TIME: &[&str] = &[
    "交易时间",
    "时间",
    "交易日期时间",
    "time",
    "txn_time",
    "transaction_time",
    "datetime",
];
const STATUS: &[&str] = &["状态", "交易状态", "status"];

/// Column positions of [`STATIONS`].
pub(crate) mod station {
    pub const CODE: usize = 0;
    pub const NAME: usize = 1;
    pub const KIND: usize = 2;
    pub const BRANCH_CODE: usize = 3;
    pub const BRANCH_NAME: usize = 4;
    pub const BRANCH_KIND: usize = 5;
    pub const MANAGER_ID: usize = 6;
    pub const MANAGER_NAME: usize = 7;
    pub const MAINTAINER_ID: usize = 8;
    pub const MAINTAINER_NAME: usize = 9;
    pub const VILLAGE: usize = 10;
    pub const VILLAGE_HOUSEHOLDS: usize = 11;
    pub const STATIONS_IN_VILLAGE: usize = 12;
    pub const ROUTE_ORDER: usize = 13;
    pub const STATUS: usize = 14;
    pub const OPENED_ON: usize = 15;
    pub const CLOSED_ON: usize = 16;
    pub const HAS_TERMINAL: usize = 17;
    pub const HAS_GREEN_CARD: usize = 18;
    pub const OWNER_NAME: usize = 19;
    pub const OWNER_PHONE: usize = 20;
    pub const SIGNED_ON: usize = 21;
    pub const INSTALLED_ON: usize = 22;
}

pub const STATIONS: &[ColumnSpec] = &[
    req("station_code", "站点编码", STATION_CODE),
    req(
        "station_name",
        "站点名称",
        &["站点名称", "站名", "station_name", "name"],
    ),
    req(
        "station_kind",
        "站点类型",
        &["站点类型", "站点类别", "station_kind", "station_type", "kind"],
    ),
    req("branch_code", "支局编码", BRANCH_CODE),
    req("branch_name", "支局名称", &["支局名称", "支局", "branch_name"]),
    req(
        "branch_kind",
        "支局类型",
        &["支局类型", "支局类别", "branch_kind", "branch_type"],
    ),
    req(
        "manager_id",
        "支局长工号",
        &["支局长工号", "支局长编号", "支局长", "manager_id", "manager"],
    ),
    opt("manager_name", "支局长姓名", &["支局长姓名", "manager_name"]),
    req(
        "maintainer_id",
        "维护人员工号",
        &[
            "维护人员工号",
            "维护人员编号",
            "维护人工号",
            "维护人员",
            "维护人",
            "maintainer_id",
            "maintainer",
        ],
    ),
    opt(
        "maintainer_name",
        "维护人员姓名",
        &["维护人员姓名", "维护人姓名", "maintainer_name"],
    ),
    opt("village", "所在村", &["所在村", "村", "村名", "行政村", "village"]),
    opt(
        "village_households",
        "村户数",
        &["村户数", "户数", "村实际户数", "village_households", "households"],
    ),
    opt(
        "stations_in_village",
        "同村站点数",
        &["同村站点数", "本村站点数", "stations_in_village"],
    ),
    opt(
        "route_order",
        "线路顺序",
        &["线路顺序", "路线顺序", "顺序", "route_order", "route"],
    ),
    opt("status", "状态", &["状态", "站点状态", "status"]),
    opt(
        "opened_on",
        "开办日期",
        &["开办日期", "开业日期", "开通日期", "opened_on", "opened", "open_date"],
    ),
    opt(
        "closed_on",
        "撤销日期",
        &["撤销日期", "关闭日期", "closed_on", "closed", "close_date"],
    ),
    opt(
        "has_terminal",
        "有商易通终端",
        &[
            "有商易通终端",
            "商易通终端",
            "有商易通",
            "商易通",
            "has_terminal",
            "terminal",
        ],
    ),
    opt(
        "has_green_card",
        "有绿卡",
        &["有绿卡", "绿卡", "has_green_card", "green_card"],
    ),
    opt("owner_name", "站长姓名", OWNER_NAME_HEADERS),
    opt("owner_phone", "站长手机", OWNER_PHONE_HEADERS),
    // R16: the station's life (the first transaction is known from the facts).
    opt(
        "signed_on",
        "签约日期",
        &["签约日期", "签约时间", "signed_on", "signed", "sign_date"],
    ),
    opt(
        "installed_on",
        "装机日期",
        &[
            "装机日期",
            "安装日期",
            "装机时间",
            "installed_on",
            "installed",
            "install_date",
        ],
    ),
];

// The station's owner (站长/负责人), who is paid and gets the SMS.
const OWNER_NAME_HEADERS: &[&str] = &[
    "站长姓名",
    "站长",
    "负责人",
    "负责人姓名",
    "店主姓名",
    "owner_name",
    "owner",
];
const OWNER_PHONE_HEADERS: &[&str] = &[
    "站长手机",
    "站长电话",
    "负责人手机",
    "负责人电话",
    "联系电话",
    "owner_phone",
    "phone",
];
const PERSON_ID: &[&str] = &[
    "工号",
    "人员工号",
    "员工工号",
    "员工编号",
    "人员编号",
    "person_id",
    "person",
    "staff_id",
];
// The files made by hand or by the county (invoices, the city's
// allocation, station plans, distribution sales) also take a bare `code`,
// as the checks' `code,amount` files have it; the source systems' exports
// keep the narrower list, where `code` could mean something else.
const PAYOUT_STATION_CODE: &[&str] = &[
    "站点编码",
    "站点代码",
    "站点编号",
    "站点号",
    "station_code",
    "station",
    "station_id",
    "code",
];
const GREEN_CARD: &[&str] = &["有绿卡", "绿卡", "has_green_card", "green_card"];
const MONTH: &[&str] = &["月份", "月", "奖励月份", "month"];

/// Column positions of [`PEOPLE`].
pub(crate) mod person {
    pub const PERSON_ID: usize = 0;
    pub const NAME: usize = 1;
    pub const PHONE: usize = 2;
    pub const HAS_GREEN_CARD: usize = 3;
}

/// People's phone and 绿卡: managers and maintainers come from the station
/// registry; this file adds what payroll and the SMS notice need.
pub const PEOPLE: &[ColumnSpec] = &[
    req("person_id", "工号", PERSON_ID),
    opt("name", "姓名", &["姓名", "name"]),
    opt(
        "phone",
        "手机号",
        &["手机号", "手机号码", "手机", "电话", "联系电话", "phone", "mobile"],
    ),
    opt("has_green_card", "有绿卡", GREEN_CARD),
];

/// Column positions of [`INVOICES`].
pub(crate) mod invoice {
    pub const STATION_CODE: usize = 0;
    pub const MONTH: usize = 1;
    pub const RECEIVED: usize = 2;
    pub const INVOICE_NO: usize = 3;
}

/// Whether each station's invoice (发票) for a month's agency fee was
/// received.
pub const INVOICES: &[ColumnSpec] = &[
    req("station_code", "站点编码", PAYOUT_STATION_CODE),
    req("month", "月份", MONTH),
    req(
        "received",
        "是否收到发票",
        &[
            "是否收到发票",
            "收到发票",
            "发票已收",
            "已收发票",
            "发票",
            "received",
            "invoice_received",
        ],
    ),
    opt(
        "invoice_no",
        "发票号码",
        &["发票号码", "发票号", "invoice_no", "invoice_number"],
    ),
];

/// Column positions of [`ALLOCATIONS`].
pub(crate) mod allocation {
    pub const STATION_CODE: usize = 0;
    pub const PERSON_ID: usize = 1;
    pub const MONTH: usize = 2;
    pub const AMOUNT: usize = 3;
}

/// The city's reward allocation (奖励分配明细): an amount per station, per
/// person, or both in one file (a row names one of them). At least one of
/// the two code columns must be present (checked by `read_allocations`).
pub const ALLOCATIONS: &[ColumnSpec] = &[
    opt("station_code", "站点编码", PAYOUT_STATION_CODE),
    opt("person_id", "工号", PERSON_ID),
    opt("month", "月份", MONTH),
    req(
        "amount",
        "奖励金额",
        &[
            "奖励金额",
            "分配金额",
            "奖励金额(元)",
            "金额",
            "金额(元)",
            "奖励",
            "amount",
            "reward",
        ],
    ),
];

/// Column positions of [`PLANS`].
pub(crate) mod plan {
    pub const BRANCH_CODE: usize = 0;
    pub const MONTH: usize = 1;
    pub const TARGET: usize = 2;
}

pub const PLANS: &[ColumnSpec] = &[
    req("branch_code", "支局编码", BRANCH_CODE),
    req("month", "月份", &["月份", "计划月份", "month"]),
    req(
        "target",
        "计划有效站点数",
        &[
            "计划有效站点数",
            "有效站点计划",
            "计划数",
            "计划",
            "目标",
            "target",
            "plan",
        ],
    ),
];

/// Column positions of [`PAYMENTS`].
pub(crate) mod payment {
    pub const TXN_ID: usize = 0;
    pub const STATION_CODE: usize = 1;
    pub const TIME: usize = 2;
    pub const CATEGORY: usize = 3;
    pub const AMOUNT: usize = 4;
    pub const STATUS: usize = 5;
}

pub const PAYMENTS: &[ColumnSpec] = &[
    req("txn_id", "交易流水号", TXN_ID),
    req("station_code", "站点编码", STATION_CODE),
    req("time", "交易时间", TIME),
    req(
        "category",
        "业务类型",
        &["业务类型", "缴费类型", "业务类别", "缴费项目", "类别", "category"],
    ),
    req(
        "amount",
        "金额",
        &["金额", "交易金额", "缴费金额", "金额(元)", "交易金额(元)", "amount"],
    ),
    opt("status", "状态", STATUS),
];

/// Column positions of [`CARDS`].
pub(crate) mod card {
    pub const TXN_ID: usize = 0;
    pub const STATION_CODE: usize = 1;
    pub const TIME: usize = 2;
    pub const CARD_NUMBER: usize = 3;
    pub const AMOUNT: usize = 4;
    pub const STATUS: usize = 5;
}

pub const CARDS: &[ColumnSpec] = &[
    req("txn_id", "交易流水号", TXN_ID),
    req("station_code", "站点编码", STATION_CODE),
    req("time", "交易时间", TIME),
    req(
        "card_number",
        "卡号",
        &[
            "卡号",
            "银行卡号",
            "交易卡号",
            "取款卡号",
            "card_number",
            "card_no",
            "card",
        ],
    ),
    opt(
        "amount",
        "金额",
        &["金额", "交易金额", "取款金额", "金额(元)", "交易金额(元)", "amount"],
    ),
    opt("status", "状态", STATUS),
];

/// Column positions of [`REFERRALS`].
pub(crate) mod referral {
    pub const REFERRAL_ID: usize = 0;
    pub const STATION_CODE: usize = 1;
    pub const DATE: usize = 2;
    pub const KIND: usize = 3;
}

pub const REFERRALS: &[ColumnSpec] = &[
    req(
        "referral_id",
        "转介编号",
        &["转介编号", "转介流水号", "编号", "流水号", "referral_id", "id"],
    ),
    req("station_code", "站点编码", STATION_CODE),
    req("date", "日期", &["日期", "转介日期", "业务日期", "date"]),
    req("kind", "转介类型", &["转介类型", "类型", "业务类型", "kind", "type"]),
];

/// Column positions of [`STATION_PLANS`].
pub(crate) mod station_plan {
    pub const STATION_CODE: usize = 0;
    pub const MONTH: usize = 1;
    pub const COLLECTION_TARGET: usize = 2;
    pub const DISTRIBUTION_TARGET: usize = 3;
}

/// R15: each station's monthly plan, in yuan.
pub const STATION_PLANS: &[ColumnSpec] = &[
    req("station_code", "站点编码", PAYOUT_STATION_CODE),
    req("month", "月份", MONTH),
    req(
        "collection_target",
        "代收计划",
        &[
            "代收计划",
            "代收代缴计划",
            "硬件计划",
            "collection_target",
            "collection_plan",
        ],
    ),
    req(
        "distribution_target",
        "分销计划",
        &[
            "分销计划",
            "分销产品计划",
            "软件计划",
            "distribution_target",
            "distribution_plan",
        ],
    ),
];

/// Column positions of [`DISTRIBUTION`].
pub(crate) mod distribution {
    pub const STATION_CODE: usize = 0;
    pub const MONTH: usize = 1;
    pub const AMOUNT: usize = 2;
}

/// R15: each station's monthly distribution sales, in yuan.
pub const DISTRIBUTION: &[ColumnSpec] = &[
    req("station_code", "站点编码", PAYOUT_STATION_CODE),
    req("month", "月份", MONTH),
    req(
        "amount",
        "分销金额",
        &["分销金额", "分销销售额", "销售金额", "金额", "amount", "sales"],
    ),
];

/// Which field of a record each column of a kind is in.
#[derive(Debug, Clone)]
pub(crate) struct HeaderMap {
    /// The header row as written (trimmed), for error messages.
    pub headers: Vec<String>,
    /// For each column of the kind, its field index, if present.
    pub index: Vec<Option<usize>>,
}

/// The result of matching one row against a kind's columns.
#[derive(Debug)]
pub(crate) enum Mapping {
    Complete(HeaderMap),
    /// Required columns are missing; `found` counts the columns matched,
    /// to pick the likeliest header row for the error.
    Missing {
        missing: Vec<&'static ColumnSpec>,
        found: usize,
        headers: Vec<String>,
    },
    /// Two headers name the same column.
    Duplicate {
        column: &'static ColumnSpec,
        first: String,
        second: String,
    },
}

/// Headers longer than this (in bytes) match no column: the longest name
/// accepted is a few words.
const MAX_HEADER_BYTES: usize = 256;

/// Matches a header row to a kind's columns; unknown headers are ignored.
pub(crate) fn map_headers(specs: &'static [ColumnSpec], row: &StringRecord) -> Mapping {
    let headers: Vec<String> = row.iter().map(|h| h.trim().to_string()).collect();
    let mut index: Vec<Option<usize>> = vec![None; specs.len()];
    for (field, header) in headers.iter().enumerate() {
        // No column name is longer than this; a 50 MB "header" (a file
        // that is not what it says) is not worth normalising.
        if header.len() > MAX_HEADER_BYTES {
            continue;
        }
        let key = normalise(header);
        let Some(col) = specs.iter().position(|s| s.matches(&key)) else {
            continue;
        };
        if let Some(first) = index[col] {
            return Mapping::Duplicate {
                column: &specs[col],
                first: headers[first].clone(),
                second: header.clone(),
            };
        }
        index[col] = Some(field);
    }
    let missing: Vec<&'static ColumnSpec> = specs
        .iter()
        .zip(&index)
        .filter(|(spec, at)| spec.required && at.is_none())
        .map(|(spec, _)| spec)
        .collect();
    if missing.is_empty() {
        Mapping::Complete(HeaderMap { headers, index })
    } else {
        Mapping::Missing {
            missing,
            found: index.iter().flatten().count(),
            headers,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(fields: &[&str]) -> StringRecord {
        StringRecord::from(fields.to_vec())
    }

    #[test]
    fn every_listed_header_is_normalised_and_unambiguous() {
        for kind in ImportKind::ALL {
            let specs = kind.columns();
            for (i, spec) in specs.iter().enumerate() {
                assert!(spec.headers.contains(&spec.english), "{}", spec.english);
                assert!(spec.headers.contains(&spec.chinese), "{}", spec.chinese);
                for h in spec.headers {
                    assert_eq!(normalise(h), *h, "{kind:?}: {h}");
                    for other in &specs[i + 1..] {
                        assert!(!other.headers.contains(h), "{kind:?}: {h} is ambiguous");
                    }
                }
            }
        }
    }

    #[test]
    fn position_constants_match_the_tables() {
        let at = |specs: &[ColumnSpec], i: usize| specs[i].english;
        assert_eq!(at(STATIONS, station::CODE), "station_code");
        assert_eq!(at(STATIONS, station::NAME), "station_name");
        assert_eq!(at(STATIONS, station::KIND), "station_kind");
        assert_eq!(at(STATIONS, station::BRANCH_CODE), "branch_code");
        assert_eq!(at(STATIONS, station::BRANCH_NAME), "branch_name");
        assert_eq!(at(STATIONS, station::BRANCH_KIND), "branch_kind");
        assert_eq!(at(STATIONS, station::MANAGER_ID), "manager_id");
        assert_eq!(at(STATIONS, station::MANAGER_NAME), "manager_name");
        assert_eq!(at(STATIONS, station::MAINTAINER_ID), "maintainer_id");
        assert_eq!(at(STATIONS, station::MAINTAINER_NAME), "maintainer_name");
        assert_eq!(at(STATIONS, station::VILLAGE), "village");
        assert_eq!(at(STATIONS, station::VILLAGE_HOUSEHOLDS), "village_households");
        assert_eq!(at(STATIONS, station::STATIONS_IN_VILLAGE), "stations_in_village");
        assert_eq!(at(STATIONS, station::ROUTE_ORDER), "route_order");
        assert_eq!(at(STATIONS, station::STATUS), "status");
        assert_eq!(at(STATIONS, station::OPENED_ON), "opened_on");
        assert_eq!(at(STATIONS, station::CLOSED_ON), "closed_on");
        assert_eq!(at(STATIONS, station::HAS_TERMINAL), "has_terminal");
        assert_eq!(at(STATIONS, station::HAS_GREEN_CARD), "has_green_card");
        assert_eq!(at(STATIONS, station::OWNER_NAME), "owner_name");
        assert_eq!(at(STATIONS, station::OWNER_PHONE), "owner_phone");
        assert_eq!(STATIONS.len(), 23);
        assert_eq!(at(PEOPLE, person::PERSON_ID), "person_id");
        assert_eq!(at(PEOPLE, person::NAME), "name");
        assert_eq!(at(PEOPLE, person::PHONE), "phone");
        assert_eq!(at(PEOPLE, person::HAS_GREEN_CARD), "has_green_card");
        assert_eq!(at(INVOICES, invoice::STATION_CODE), "station_code");
        assert_eq!(at(INVOICES, invoice::MONTH), "month");
        assert_eq!(at(INVOICES, invoice::RECEIVED), "received");
        assert_eq!(at(INVOICES, invoice::INVOICE_NO), "invoice_no");
        assert_eq!(at(ALLOCATIONS, allocation::STATION_CODE), "station_code");
        assert_eq!(at(ALLOCATIONS, allocation::PERSON_ID), "person_id");
        assert_eq!(at(ALLOCATIONS, allocation::MONTH), "month");
        assert_eq!(at(ALLOCATIONS, allocation::AMOUNT), "amount");
        assert_eq!(at(STATIONS, station::SIGNED_ON), "signed_on");
        assert_eq!(at(STATIONS, station::INSTALLED_ON), "installed_on");
        assert_eq!(at(STATION_PLANS, station_plan::STATION_CODE), "station_code");
        assert_eq!(at(STATION_PLANS, station_plan::MONTH), "month");
        assert_eq!(at(STATION_PLANS, station_plan::COLLECTION_TARGET), "collection_target");
        assert_eq!(
            at(STATION_PLANS, station_plan::DISTRIBUTION_TARGET),
            "distribution_target"
        );
        assert_eq!(at(DISTRIBUTION, distribution::STATION_CODE), "station_code");
        assert_eq!(at(DISTRIBUTION, distribution::MONTH), "month");
        assert_eq!(at(DISTRIBUTION, distribution::AMOUNT), "amount");
        assert_eq!(at(PLANS, plan::BRANCH_CODE), "branch_code");
        assert_eq!(at(PLANS, plan::MONTH), "month");
        assert_eq!(at(PLANS, plan::TARGET), "target");
        assert_eq!(at(PAYMENTS, payment::TXN_ID), "txn_id");
        assert_eq!(at(PAYMENTS, payment::STATION_CODE), "station_code");
        assert_eq!(at(PAYMENTS, payment::TIME), "time");
        assert_eq!(at(PAYMENTS, payment::CATEGORY), "category");
        assert_eq!(at(PAYMENTS, payment::AMOUNT), "amount");
        assert_eq!(at(PAYMENTS, payment::STATUS), "status");
        assert_eq!(at(CARDS, card::TXN_ID), "txn_id");
        assert_eq!(at(CARDS, card::STATION_CODE), "station_code");
        assert_eq!(at(CARDS, card::TIME), "time");
        assert_eq!(at(CARDS, card::CARD_NUMBER), "card_number");
        assert_eq!(at(CARDS, card::AMOUNT), "amount");
        assert_eq!(at(CARDS, card::STATUS), "status");
        assert_eq!(at(REFERRALS, referral::REFERRAL_ID), "referral_id");
        assert_eq!(at(REFERRALS, referral::STATION_CODE), "station_code");
        assert_eq!(at(REFERRALS, referral::DATE), "date");
        assert_eq!(at(REFERRALS, referral::KIND), "kind");
    }

    #[test]
    fn chinese_english_and_synonyms_map_alike() {
        let zh = row(&["交易流水号", "站点编码", "交易时间", "业务类型", "金额", "状态"]);
        let en = row(&[" TXN_ID ", "Station Code", "time", "Category", "AMOUNT", "status"]);
        let syn = row(&["流水号", "站点代码", "时间", "缴费类型", "交易金额（元）", "备注"]);
        for r in [zh, en] {
            let Mapping::Complete(map) = map_headers(PAYMENTS, &r) else {
                panic!("{r:?}");
            };
            assert_eq!(map.index, vec![Some(0), Some(1), Some(2), Some(3), Some(4), Some(5)]);
        }
        let Mapping::Complete(map) = map_headers(PAYMENTS, &syn) else {
            panic!()
        };
        assert_eq!(map.index[payment::AMOUNT], Some(4));
        assert_eq!(map.index[payment::STATUS], None);
        assert_eq!(map.headers[4], "交易金额（元）");
    }

    #[test]
    fn missing_and_duplicate_columns() {
        let r = row(&["交易流水号", "站点编码", "交易时间", "业务类型"]);
        let Mapping::Missing { missing, found, .. } = map_headers(PAYMENTS, &r) else {
            panic!()
        };
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].label(), "金额 (amount)");
        assert_eq!(found, 4);
        let r = row(&["交易流水号", "站点编码", "交易时间", "业务类型", "金额", "amount"]);
        let Mapping::Duplicate { first, second, .. } = map_headers(PAYMENTS, &r) else {
            panic!()
        };
        assert_eq!((first.as_str(), second.as_str()), ("金额", "amount"));
    }
}
