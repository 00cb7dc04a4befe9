//! The translation table: every user-facing word in Chinese and English.
//! Code speaks in `Text` keys; only this file holds the words.
//!
//! The binary sets the process's language once (`set_current`, from
//! `--lang`, the config file or the locale); library errors and command
//! messages read it through `tr` and `fill`, so an error's `Display` is in
//! the user's language without every caller passing one. Screens keep
//! their own `Lang` (a test draws both languages in one process).

use std::sync::atomic::{AtomicU8, Ordering};

/// The interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// From the locale variables: Chinese where they say `zh`, English
    /// otherwise.
    pub fn from_env() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(value) = std::env::var(var) {
                if !value.is_empty() {
                    return if value.to_ascii_lowercase().starts_with("zh") {
                        Lang::Zh
                    } else {
                        Lang::En
                    };
                }
            }
        }
        Lang::En
    }

    pub fn parse(text: &str) -> Option<Lang> {
        match text {
            "zh" | "zh-CN" | "cn" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// The process's language: 0 Chinese, 1 English (the default, so tests
/// and scripts that set nothing read English).
static CURRENT: AtomicU8 = AtomicU8::new(1);

/// Sets the language of messages and errors for the whole process.
pub fn set_current(lang: Lang) {
    CURRENT.store(matches!(lang, Lang::En) as u8, Ordering::Relaxed);
}

/// The language of messages and errors.
pub fn current() -> Lang {
    if CURRENT.load(Ordering::Relaxed) == 0 {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// A text in the process's language.
pub fn tr(text: Text) -> &'static str {
    text.get(current())
}

/// A template with `{0}`, `{1}` … filled in: the words of a message stay
/// in the table, in the order each language wants them.
pub fn fill(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16 * args.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let index = after
            .find('}')
            .and_then(|close| after[..close].parse::<usize>().ok().map(|i| (i, close)));
        match index.and_then(|(i, close)| args.get(i).map(|a| (a, close))) {
            Some((arg, close)) => {
                out.push_str(&arg.to_string());
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `fill` of a text in the process's language.
pub fn trf(text: Text, args: &[&dyn std::fmt::Display]) -> String {
    fill(tr(text), args)
}

macro_rules! texts {
    ($($key:ident => $zh:expr, $en:expr;)*) => {
        /// A user-facing word or phrase.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Text { $($key),* }

        impl Text {
            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Text::$key, Lang::Zh) => $zh, (Text::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

texts! {
    Demo => "演示数据", "demo data";
    Month => "月份", "month";
    AsOf => "数据截至", "figures to";
    Projected => "预测至月末", "projected";
    Actual => "实际", "actual";
    Stations => "站点", "stations";
    Branches => "支局", "branches";
    People => "人员", "people";
    Station => "站点", "station";
    StationCode => "站点编码", "code";
    Name => "名称", "name";
    Branch => "支局", "branch";
    Maintainer => "维护人员", "maintainer";
    Manager => "支局长", "manager";
    Role => "角色", "role";
    Status => "状态", "status";
    Payments => "缴费笔数", "payments";
    CardRaw => "刷卡笔数", "card (all)";
    CardValid => "有效刷卡", "card (valid)";
    CashReward => "站点奖励", "station reward";
    CommsFee => "通讯费由邮政承担", "comms fee covered";
    Maintenance => "维护奖励", "maintenance";
    NeededPayments => "每日还需缴费", "payments/day needed";
    NeededCard => "每日还需刷卡", "cards/day needed";
    ValidStations => "有效站点", "valid stations";
    Plan => "计划", "plan";
    Shortfall => "差额", "shortfall";
    ValidStationReward => "有效站点奖励", "valid-station reward";
    Pool => "奖励合计", "reward pool";
    Penalty => "扣罚", "penalty";
    Reward => "奖励", "reward";
    Net => "净额", "net";
    StatusValid => "有效", "valid";
    StatusInvalid => "无效", "invalid";
    StatusOnTrack => "有望达标", "on track";
    StatusAtRisk => "有风险", "at risk";
    Warnings => "提示", "warnings";
    Card => "助农取款", "card withdrawals";
    Referrals => "转介绍", "referrals";
    Total => "合计", "total";
    Count => "笔数", "count";
    Amount => "金额", "amount";
    Rate => "标准", "rate";
    Rule => "依据", "rule";
    None => "无", "none";
    Yes => "是", "yes";
    No => "否", "no";
    StatementTitle => "便民服务站奖励确认单", "Convenience station reward statement";
    StatementMonth => "奖励月份", "Reward month";
    StatementIntro => "以下为本站当月营销奖励明细，请核对无误后签字确认。", "This is the station's reward for the month, line by line. Please check it and sign.";
    StatementValidity => "有效站点认定", "Valid station";
    StatementMaintenanceNote => "维护奖励归支局长及维护人员，不计入站点奖励。", "The maintenance reward goes to the branch's manager and maintainers, not to the station.";
    StatementCommsNote => "本月通讯费(5元包)由邮政承担，不计入现金奖励。", "The post office pays this month's communication package; it is not part of the cash reward.";
    StatementNoGreenCard => "本站尚未办理绿卡（加办惠农通），奖励暂无法兑现。", "This station has no green card with 惠农通 yet: the reward cannot be paid.";
    StatementProvisional => "村户数未登记，电费按最低标准计算，为暂定金额。", "The village size is not on record: electricity is paid at the lowest rate, a provisional figure.";
    StatementSignStation => "站点负责人签字", "Station keeper's signature";
    StatementSignMaintainer => "维护人员签字", "Maintainer's signature";
    StatementDate => "日期", "Date";
    StatementDeadline => "请于次月12日前签字确认（R11）。", "Please sign by the 12th of the following month (R11).";
    PerTransaction => "元/笔", "yuan each";
    OfAmount => "代收金额", "amount";
    WarningNoHouseholds => "村户数未登记，电费按最低标准计算(暂定)", "village size unknown: electricity paid at the lowest rate (provisional)";
    Yuan => "元", "yuan";
    Huinongtong => "发展惠农通", "new 惠农通 accounts";
    FinanceLeads => "金融客户信息", "finance leads";
    CarInsuranceLeads => "车险客户信息", "car-insurance leads";
    CarInsuranceConverted => "车险转介成功", "car-insurance conversions";
    Base => "基础奖励", "base";
    KeyMove => "上下移动", "move";
    KeyPage => "翻页", "page";
    KeyEnds => "首行/末行", "first/last";
    KeyOpen => "打开", "open";
    KeyPane => "切换窗格", "next pane";
    KeyMonth => "上月/下月", "month";
    KeyFilter => "筛选", "filter";
    KeySort => "排序", "sort";
    KeyNewNote => "写走访记录", "new note";
    KeyEditNote => "修改记录", "edit note";
    KeySignOff => "站点已签字", "signed";
    KeyDispute => "站点有异议", "disputed";
    KeyScreens => "站点/支局/走访/日历", "stations/branch/visits/calendar";
    KeySync => "立即同步", "sync now";
    KeyHelp => "帮助", "help";
    KeyBack => "返回", "back";
    KeyQuit => "返回/退出", "back/quit";
    SortRisk => "风险", "risk";
    SortName => "名称", "name";
    SortReward => "奖励", "reward";
    SortLastVisit => "走访", "last visit";
    UnknownPerson => "数据库中没有此人", "not in the database";
    RoleMaintainer => "维护人员", "maintainer";
    RoleManager => "支局长", "manager";
    RoleCounty => "县局", "county";
    NoteSaved => "走访记录已保存", "note saved";
    SignoffSaved => "签字情况已记录", "sign-off recorded";
    CountyCannotSign => "县局账号不能代写走访记录或签字", "a county view cannot write notes or sign-offs";
    SyncNotConfigured => "未配置县局服务器(配置文件 [sync])", "no county server configured ([sync] in the config file)";
    SyncLocalOnly => "仅本机数据", "local only";
    OfflineSince => "离线自", "offline since";
    LastSync => "上次同步", "last sync";
    NeverSynced => "尚未同步", "never synced";
    Queued => "待同步", "queued";
    DaysAgo => "天前", "d ago";
    Done => "完成", "done";
    Clear => "清除", "clear";
    TooSmall => "终端窗口太小，请放大到至少", "The terminal is too small; please make it at least";
    PaymentsShort => "缴费", "payments";
    CardShort => "刷卡", "card";
    NeededShort => "日需", "need/day";
    RewardShort => "预计奖励", "reward";
    VisitShort => "走访", "visit";
    DaysShort => "天", "d";
    MyStations => "我的站点", "My stations";
    ValidOrProjected => "有效", "valid";
    SortedBy => "排序", "sorted by";
    NotFound => "找不到", "not found";
    PaymentsPerDay => "每日缴费笔数", "payments per day";
    CardsPerDay => "每日有效刷卡", "valid card transactions per day";
    SoFar => "目前", "so far";
    Figures => "奖励明细", "Reward lines";
    NoTerminal => "无商易通终端：本站不可能成为有效站点", "no 商易通 terminal: this station can never be valid";
    NoGreenCard => "未办绿卡：奖励无法兑现", "no green card: the reward cannot be paid";
    Signed => "已签字", "signed";
    Disputed => "有异议", "disputed";
    NotSigned => "未签字", "not signed";
    Statement => "奖励确认单", "statement";
    NoVisits => "暂无走访记录", "no visits yet";
    Visits => "走访记录", "Visits";
    Split => "2:8分配", "2:8 split";
    AtRiskByMaintainer => "尚未有效的站点(按维护人员)", "stations not yet valid, by maintainer";
    Choose => "选择", "choose";
    Syncing => "正在同步…", "syncing…";
    SyncDone => "同步完成", "synced";
    Pushed => "上传", "sent";
    Pulled => "下载", "received";
    BranchesByRisk => "各支局(按风险排序)", "Branches by risk";
    ValidShort => "有效", "valid";
    AtRiskShort => "风险", "at risk";
    Date => "日期", "date";
    Kind => "类型", "kind";
    Note => "记录", "note";
    FollowUp => "跟进日期", "follow-up";
    FollowUpShort => "跟进", "f-up";
    SyncShort => "同步", "sync";
    Synced => "已同步", "synced";
    Pending => "待同步", "pending";
    Rejected => "被拒", "refused";
    KindCollection => "催缴推动", "collection";
    KindEquipment => "设备故障", "equipment";
    KindPromotion => "宣传推广", "promotion";
    KindReconciliation => "对账", "reconciliation";
    KindOther => "其他", "other";
    Calendar => "奖励兑现日历", "Payout calendar";
    WeekdayHeader => "一 二 三 四 五 六 日", "Mo Tu We Th Fr Sa Su";
    RewardsFor => "兑现月份", "rewards for";
    DayOfMonth => "日", "";
    MilestonePulled => "市公司调取明细、分配奖励", "city pulls the figures and allocates";
    MilestoneCountyCheck => "县局核实站点奖励", "county checks station rewards";
    MilestoneSignoffs => "站点确认签字；支局长、维护人员签字", "stations sign; manager and maintainers sign";
    MilestoneFiled => "市场部备案", "filed with marketing";
    MilestoneCityAudit => "市公司审核", "city audit";
    MilestoneCountyLeader => "县局领导签字，报财务", "county leader signs, to finance";
    MilestonePaid => "兑现奖励(绿卡/薪酬系统)", "paid (green card / payroll)";
    MilestoneSms => "短信告知奖励", "SMS notice";
    SignoffsMissing => "尚未签字的站点", "stations still to sign for";
    Help => "帮助", "Help";
    AnyKeyCloses => "按任意键关闭", "any key closes";
    NewNote => "新走访记录", "New visit note";
    EditNote => "修改走访记录", "Edit visit note";
    NextField => "下一项", "next field";
    Save => "保存", "save";
    Cancel => "取消", "cancel";
    Confirm => "确认", "confirm";
    SignOffTitle => "站点签字确认", "Station sign-off";
    SignOffQuestion => "奖励确认单：站点已核对无误并签字？", "statement: checked and signed by the station?";
    DisputeTitle => "站点有异议", "Station disputes";
    DisputeQuestion => "奖励确认单有异议，请写明原因：", "statement disputed; the reason:";
    Reason => "原因", "reason";
    WhoAreYou => "请选择您的身份", "Who are you?";
    BadDate => "日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD";
    EmptyNote => "请填写记录内容", "write something in the note";
    NoStation => "没有可选的站点", "no station to write about";
    Commission => "业务提成", "commission";
    // county-rules (issue 12): dated policies, categories, withholding,
    // the exit watchlist, the funnel and benchmarks.
    PolicyFrom => "来源: {0}", "from: {0}";
    PolicyVersions => "共 {0} 个版本; 完整 TOML: bianmin policy --toml", "{0} version(s); the whole TOML: bianmin policy --toml";
    PolicyVersionUntil => "{0} 至 {1}", "{0} to {1}";
    PolicyVersionOnwards => "{0} 起", "{0} onwards";
    PolicyCategories => "缴费类别", "payment categories";
    PolicyCommission => "计业务提成", "earns commission";
    PolicyShareOfAmount => "代收金额的 {0}%", "{0}% of the amount";
    PolicyPerPayment => "每笔 {0} 元", "{0} yuan a payment";
    PolicyTiered => "分档: 农村 {0}, 城市 {1} 元/笔", "tiered: rural {0}, urban {1} yuan a payment";
    PolicyValidity => "有效站点: 缴费 ≥ {0} 笔且有效刷卡 ≥ {1} 笔", "valid station: ≥ {0} payments and ≥ {1} card transactions";
    PolicyMaintenance => "维护奖励: 基础 {0} 元 + 每笔提成 {1} 元", "maintenance: base {0} yuan + {1} yuan commission a transaction";
    PolicyWithholding => "季度考核: 每月扣留 {0} 元, 当月交易金额 ≥ {1} 元或 ≥ {2} 笔者季末返还", "quarterly withholding: {0} yuan a month, paid back at the quarter's end for months with ≥ {1} yuan or ≥ {2} payments";
    PolicyNoWithholding => "季度考核: 无", "quarterly withholding: none";
    PolicyExitWatchlist => "退出预警: 连续 {0} 个月代收、分销计划均未完成", "exit watchlist: {0} consecutive months missing both plans";
    WatchlistTitle => "退出预警 {0}: 连续 {1} 个月代收、分销计划均未完成的站点 {2} 个(由县局决定是否收回经营权)", "Exit watchlist {0}: {2} station(s) that missed both plans {1} months running (the county decides)";
    WatchlistEmpty => "无", "none";
    NewStation => "新站", "new";
    PaymentAmount => "代收金额", "payments (yuan)";
    CollectionTarget => "代收计划", "collection plan";
    DistributionSales => "分销金额", "distribution";
    DistributionTarget => "分销计划", "distribution plan";
    Benchmarks => "县局对标(R16)", "County benchmarks (R16)";
    BenchmarksLine => "点均日交易金额 {0} 元 · 点均日交易笔数 {1} 笔 · 前十强占 {2}% · 后十位占 {3}%({4} 个站点, {5} 天)", "per station and day: {0} yuan in {1} payments · top ten {2}% of the amount · bottom ten {3}% ({4} stations, {5} days)";
    TopTen => "前十强", "top ten";
    BottomTen => "后十位", "bottom ten";
    Withheld => "扣留", "withheld";
    Payable => "应付金额", "payable";
    ContestPool => "站点竞赛奖金池(R14)", "station contest pool (R14)";
    WithheldBasis => "本月扣留季度考核奖金 {0} 元", "{0} yuan kept back for the quarter";
    Released => "季末返还", "released at quarter end";
    ReleasedBasis => "本季达标月份扣留款 {0} 元返还; 未达标月份 {1} 元转入站点竞赛", "{0} yuan of the months that met the bar; {1} yuan of the others go to the station contest";
    WithholdingBar => "本月代收金额 {0} 元、{1} 笔(达标线: {2} 元或 {3} 笔)", "this month {0} yuan in {1} payments (the bar: {2} yuan or {3} payments)";
    BarMet => "已达标", "met";
    BarMissed => "未达标", "not met";
    QuarterSettled => "本季结算: 返还 {0} 元, 转入站点竞赛 {1} 元", "the quarter settled: {0} yuan released, {1} yuan to the station contest";
    QuarterPending => "季末将返还 {0} 元, 转入站点竞赛 {1} 元(按目前情况)", "at the quarter's end, as things stand: {0} yuan released, {1} yuan to the station contest";
    WithheldThisMonth => "季度考核 R14: 本月扣留 {0} · 应付 {1}", "R14 withheld {0} · payable {1}";
    TuiBar => "达标线 {0} 元或 {1} 笔; 本月 {2} 元、{3} 笔", "bar {0} yuan or {1} payments; month {2} yuan, {3}";
    TuiQuarterPending => "季末(目前): 返还 {0}, 转入竞赛 {1}", "quarter end, as it stands: release {0}, forfeit {1}";
    TuiQuarterSettled => "本季结算: 返还 {0}, 转入竞赛 {1}", "quarter settled: released {0}, forfeited {1}";
    BarDistance => "距达标: 差 {0} 元或 {1} 笔", "to the bar: {0} yuan or {1} payments more";
    MissedBothLastMonth => "上月代收、分销计划均未完成(R15)", "missed both plans last month (R15)";
    NewStationNote => "新站: 装机后首月(R16)", "new: first month after installation (R16)";
    FunnelLine => "签约 {0} → 装机 {1} → 交易 {2} · 暂停 {3} · 撤销 {4}", "signed {0} → installed {1} → trading {2} · suspended {3} · closed {4}";
    BenchmarksPerDay => "点均日交易 {0} 元 / {1} 笔", "per station-day {0} yuan / {1} payments";
    BenchmarksShares => "前十强占 {0}% · 后十位占 {1}%", "top ten {0}% · bottom ten {1}%";
    FunnelAndBenchmarks => "站点进度与对标", "Funnel and benchmarks";
    Watchlist => "退出预警", "Exit watchlist";
    WatchlistShort => "退出预警 {0}: {1} 个", "Exit watchlist {0}: {1}";
    MonthsMissed => "连续 {0} 个月未完成", "{0} months missed";
}

/// The name of a referral kind, or the kind itself if the table lacks it.
pub fn referral_name(kind: &str, lang: Lang) -> String {
    let text = match kind {
        "huinongtong" => Text::Huinongtong,
        "finance_leads" => Text::FinanceLeads,
        "car_insurance_leads" => Text::CarInsuranceLeads,
        "car_insurance_converted" => Text::CarInsuranceConverted,
        other => return other.to_string(),
    };
    text.get(lang).to_string()
}

/// The name of a payment category, as its policy version gives it (R13:
/// categories are data, so their names are too).
pub fn category_name(category: &crate::policy::CategoryLabel, lang: Lang) -> &str {
    match lang {
        Lang::Zh => &category.name,
        Lang::En => &category.name_en,
    }
}

/// A category's name in a month's result, or its id if the result lacks it.
pub fn category_name_in<'a>(result: &'a crate::policy::MonthResult, id: &'a str, lang: Lang) -> &'a str {
    result.category(id).map_or(id, |c| category_name(c, lang))
}

/// A warning of the engine in words.
pub fn warning_text(warning: &crate::policy::Warning, lang: Lang) -> String {
    match warning {
        crate::policy::Warning::RuralWithoutHouseholds { station, rate } => {
            format!(
                "{station}: {} {}",
                Text::WarningNoHouseholds.get(lang),
                crate::money::format_yuan(*rate)
            )
        }
    }
}

/// The words for a station status.
pub fn status_name(status: crate::policy::Status, lang: Lang) -> &'static str {
    use crate::policy::Status::*;
    match status {
        Valid => Text::StatusValid,
        Invalid => Text::StatusInvalid,
        OnTrack => Text::StatusOnTrack,
        AtRisk => Text::StatusAtRisk,
    }
    .get(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_has_both_languages() {
        for text in [Text::Demo, Text::StatusAtRisk, Text::StatementTitle] {
            assert!(!text.get(Lang::Zh).is_empty());
            assert!(!text.get(Lang::En).is_empty());
            assert_ne!(text.get(Lang::Zh), text.get(Lang::En));
        }
        assert_eq!(Lang::parse("zh"), Some(Lang::Zh));
        assert_eq!(Lang::parse("fr"), None);
    }

    #[test]
    fn templates_fill_in_any_order_and_leave_strange_braces_alone() {
        assert_eq!(fill("{1}的{0}", &[&"奖励", &"站点"]), "站点的奖励");
        assert_eq!(fill("{0} of {1}", &[&3, &"30"]), "3 of 30");
        assert_eq!(fill("{x} {9} {", &[&1]), "{x} {9} {");
    }
}
