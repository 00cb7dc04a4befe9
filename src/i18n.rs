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
            /// Every text of the table, in its order (the test below checks
            /// each has both languages).
            pub const ALL: &'static [Text] = &[$(Text::$key),*];

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
    DayOfMonthNumbered => "{0}日", "{0}";
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
    // Sync: why the server refused a record ({0}, {1} … are the refusal's values).
    NotesOutsideScope => "站点 {0} 不归 {1} 维护：它的走访记录和签字在其维护人员的电脑上记录", "station {0} is not one of {1}'s stations: its notes and sign-offs are written on its maintainer's laptop";
    RefusedOutOfScope => "站点 {0} 不在 {1} 的范围内", "station {0} is outside the scope of {1}";
    RefusedNotTheAuthor => "新记录的作者必须是本账号的 {1}，而不是 {0}", "a new record's author must be this token's person {1}, not {0}";
    RefusedAuthorChanged => "此记录由 {0} 填写，作者不能更改", "this record was written by {0}; its author cannot change";
    RefusedNotTheEditor => "此修改署名为 {0}，只能署名本账号的 {1}", "this change names {0} as who made it; only {1}, this token's person, can";
    RefusedRecordMoved => "此记录属于其他站点或月份，不能更改", "this record belongs to another station or month; it cannot move";
    RefusedTimeAhead => "{0} 为 {1}，晚于服务器时间 {2}；请检查本机的日期和时间", "{0} is {1}, later than the server's clock ({2}); check this computer's date and time";
    RefusedAlreadySigned => "站点 {0} {1} 的确认单已在服务器上登记，请修改已有记录", "the statement of {0} for {1} is already recorded on the server; change that one";
    RefusedInvalid => "记录格式不正确：{0}：{1}", "the record is malformed: {0}: {1}";
    RefusedServerError => "服务器无法保存：{0}", "the server could not store it: {0}";
    RefusedTooLarge => "记录太大，服务器不接受：{0}", "too large for the server: {0}";
    // Sync: why a sync did not finish.
    SyncBadUrl => "{0} 不是服务器地址；请写成 https://主机名 或 http://127.0.0.1:端口", "{0} is not a server address; write it as https://host or http://127.0.0.1:PORT";
    SyncPlainHttp => "{0}：只有本机（localhost、127.0.0.1）可以用 http://，其他服务器请用 https://（见 docs/SYNC.md）", "{0}: plain http:// is allowed only to this computer (localhost, 127.0.0.1, [::1]); use https:// (docs/SYNC.md: a reverse proxy with TLS)";
    SyncScheme => "{0}：不支持这种地址，请用 https://", "{0}: that kind of address is not supported; use https://";
    SyncUnreachable => "连不上县局服务器 {0}：{1}。现在离线工作，数据没有丢失", "cannot reach the county server {0}: {1} (working offline; nothing was lost)";
    SyncBusy => "县局服务器 {0} 暂时忙或不在线（{1}），稍后自动重试，数据没有丢失", "the county server {0} is busy or away for now ({1}); it is tried again later, nothing was lost";
    SyncRedirected => "服务器 {0} 要求转到 {1}；为安全起见不跟随，如地址确已更改，请用新地址重新连接", "the server {0} redirects to {1}; bianmin does not follow a redirect elsewhere (if the address really moved, connect to the new one)";
    SyncUnauthorized => "县局服务器不接受此令牌（{0}）；请向县局平台办索取新令牌", "the county server refused the token: {0}; ask the county office for a new one (bianmin user add)";
    SyncServerError => "县局服务器回答 {0}：{1}", "the county server answered {0}: {1}";
    SyncProtocol => "县局服务器的回答不符合本程序的预期：{0}", "the county server's answer is not what this bianmin expects: {0}";
    SyncClockAhead => "本机时钟比县局服务器快 {0}；请改正电脑的日期和时间后再同步（数据没有丢失）", "this computer's clock is {0} ahead of the county server's; set the correct date and time, then sync again (nothing was lost)";
    SyncDemoDatabase => "{0} 是演示数据，不与县局数据混合，不能同步", "{0} holds the demo county, which never mixes with the county's data: it is not synced";
    SyncServerDatabase => "{0} 是县局服务器的数据库，不能作为笔记本同步", "{0} is a county server's database; a laptop's database syncs, not this one";
    SyncNoToken => "没有令牌：请用 --token、环境变量 BIANMIN_TOKEN，或在提示时输入", "no token: give it with --token, BIANMIN_TOKEN, or at the prompt";
    NetRefused => "服务器拒绝连接", "the server refused the connection";
    NetTimedOut => "等待服务器超时", "the server did not answer in time";
    NetNoSuchHost => "找不到这个服务器地址", "no server by that name";
    NetCertificate => "服务器的证书不受信任", "the server's certificate is not trusted";
    NetReset => "连接中断", "the connection was cut";
    NetBrokeOff => "回答中途中断（{0}）", "the answer broke off ({0})";
    NetOther => "网络错误（{0}）", "network error ({0})";
    DurationMinutes => "{0} 分钟", "{0} min";
    DurationHours => "{0} 小时", "{0} h";
    ConfigReadableByOthers => "注意：{0} 中有同步令牌，但本机其他用户可以读取该文件；请执行 chmod 600 {0}", "warning: {0} holds the sync token but other users of this computer can read it; run chmod 600 {0}";
    NoDatabase => "{0} 没有数据库；用 bianmin demo --db {0} 建立演示数据，或用 bianmin sync --db {0} --server 地址 连接县局服务器", "there is no database at {0}; make the demo there with bianmin demo --db {0}, or connect it to the county server with bianmin sync --db {0} --server URL";
    NoFolder => "文件夹 {0} 不存在，什么也没有创建", "the folder {0} does not exist; nothing was created";
    ShowingDemo => "（还没有真实数据库，这是演示数据：{0}）", "(no real database yet: this is the demo county in {0})";
    AsOutsideScope => "这台电脑属于 {0}（{1}），不能用 --as {2}；只能是 {0}", "this laptop belongs to {0} ({1}); --as {2} is outside its scope (only {0})";
    AsOutsideScopeManager => "这台电脑属于 {0}（{1}），不能用 --as {2}；只能是 {0} 或本支局的维护人员", "this laptop belongs to {0} ({1}); --as {2} is outside its scope (only {0} or a maintainer of their branches)";
    AuthorIsToken => "这台电脑上的记录以本机账号 {0} 的名义填写，不能用 --as {1}", "records on this laptop are written as its token's person {0}, not --as {1}";
    WhoWrote => "谁写的记录？请用 --as 工号，或在 {0} 中设置 person", "who wrote it? Give --as PERSON, or set person in {0}";
    Never => "从未", "never";
    NoneYet => "尚未设置", "none yet";
    StatusServer => "服务器", "server";
    StatusWho => "本机账号", "who";
    StatusLastSuccess => "上次成功同步", "last success";
    StatusLastAttempt => "上次尝试", "last attempt";
    StatusOfflineSince => "离线自", "offline since";
    StatusLastError => "上次错误", "last error";
    StatusWaiting => "待上传", "waiting to be sent";
    StatusRefused => "被服务器拒绝", "refused by the server";
    TokenPrompt => "{0} 的令牌（输入时不显示）：", "token for {0} (not shown as you type): ";
    NoServer => "没有县局服务器：第一次请用 bianmin sync --server 地址（之后保存在 {0}）", "no county server: connect once with bianmin sync --server URL (it is then kept in {0})";
    ConnectedSaved => "已连接：服务器、令牌和账号已保存到 {0}（仅本人可读）", "connected: the server, the token and who you are are saved in {0} (readable by you alone)";
    SyncSummary => "已与 {0} 同步：上传 {1}，下载 {2}，共 {3}（{4} 秒）", "synced with {0}: sent {1}, received {2} in {3} ({4} s)";
    RecordsOne => "{0} 条记录", "{0} record";
    RecordsMany => "{0} 条记录", "{0} records";
    RowsOne => "{0} 行", "{0} row";
    RowsMany => "{0} 行", "{0} rows";
    PagesOne => "{0} 页", "{0} page";
    PagesMany => "{0} 页", "{0} pages";
    ServerIsDemo => "注意：此服务器上是演示数据", "note: this server holds the demo county";
    SyncRefusedSetAside => "{0}被服务器拒绝，已另存（见 bianmin note list 和 bianmin sync --status）：", "{0} refused by the server and set aside (see bianmin note list and bianmin sync --status):";
    UserTokenMade => "{0}（{1}，{2} 个站点）的令牌只显示这一次，服务器只保存其哈希值。在笔记本上执行 bianmin sync --server 地址，按提示输入令牌", "token for {0} ({1}, {2} stations): shown only now, the server keeps only its hash. On the laptop: bianmin sync --server URL, and type the token when asked";
    UserNoStations => "注意：{0} 作为 {1} 还没有站点；登记站点后令牌才能看到数据", "note: {0} has no station as {1} yet; the token sees nothing until the registry gives them some";
    UserRevokedPerson => "已作废 {0} 的令牌 {1} 个", "revoked {0}'s tokens: {1}";
    UserRevokedToken => "已作废 {0} 的这个令牌", "revoked the token of {0}";
    ServeNewDatabase => "{0} 还不存在，已新建空数据库。请先导入县局数据：bianmin import stations 文件 --db {0}", "{0} did not exist; it is made empty. Load the county first: bianmin import stations FILE --db {0}";
    ServeNoStations => "{0} 中还没有站点，笔记本同步不到数据", "{0} holds no station yet; laptops will receive nothing";
    ServeListening => "bianmin serve：数据库 {0}；Ctrl-C 停止。令牌：bianmin user add --db {0} --person 工号 --role 角色", "bianmin serve: database {0}; Ctrl-C stops. Tokens: bianmin user add --db {0} --person ID --role ROLE";
    NoteWritten => "已为站点 {0} 写入 {1} 的走访记录；{2}", "note written for station {0} on {1}; {2}";
    NoteQueued => "下次同步时上传县局服务器", "it goes to the county server at the next sync";
    NoteOnServer => "这是县局服务器的数据库，笔记本下次同步时收到", "this is the server's database: laptops receive it at their next sync";
    NoteStaysInDemo => "这是演示数据，记录只保存在本机，不会上传", "this is the demo county: the note stays here and is never sent";
    DemoMoved => "演示数据已移到单独的文件 {0}，不再占用真实数据库的位置", "the demo county moved to a file of its own, {0}, out of the real database's place";
    FirstRunDemo => "还没有真实数据库，这是演示数据。连接县局服务器：bianmin sync --server 地址；或导入数据：bianmin import", "No real database yet, so this is the demo county. Connect to the county server with bianmin sync --server URL, or import data with bianmin import.";
    PersonSaved => "{0}：已保存您的身份；可在该文件中修改，或用 --as", "{0}: saved who you are; change it there or with --as";
    DemoNoSync => "演示数据不同步；连接县局服务器：bianmin sync --server 地址", "the demo county is not synced; connect to the county server with bianmin sync --server URL";
    ServePolicy => "县局政策：{0}（笔记本同步时一并收到）", "the county's policy: {0} (laptops receive it when they sync)";
    DemoLocal => "本机", "local";
    DurationHoursMinutes => "{0} 小时 {1} 分钟", "{0} h {1} min";
    // --- Payout chain (issue 10): reconcile, steps, holds, exports, SMS ---
    PayoutMonthNotOver => "{0} 尚未结束（今天是 {1}）：兑现文件只能在月份结束后导出", "{0} is not over yet (today is {1}): payout files are for finished months only";
    PayoutNoFigures => "数据库中没有 {0} 的业务数据；请先导入当月的缴费和取款明细", "the database has no figures for {0}; import the month's payments and card withdrawals first";
    PayoutFiguresShort => "提示：{0} 的数据只到 {1}，当月导入可能不完整", "note: the figures of {0} run only to {1}; the month's imports may be incomplete";
    PayoutRoleCountyOffice => "县局平台办", "county office";
    PayoutRoleMaintainers => "维护人员", "maintainers";
    PayoutRoleManagers => "支局长", "managers";
    PayoutRoleCity => "市公司", "city";
    PayoutRoleLeader => "县局领导", "county leader";
    PayoutRoleFinance => "县局财务", "finance";
    PayoutStepStationsSigned => "便民站确认签字", "stations sign their statements";
    PayoutStepFiled => "县局汇总上报，市场部备案", "county reports up; filed with marketing";
    PayoutStepBranchSheetsSigned => "支局长、维护人员签字", "manager and maintainers sign the branch sheet";
    HoldNoGreenCard => "未办绿卡(惠农通)", "no green card (惠农通)";
    HoldNoInvoice => "未收到发票", "no invoice";
    HoldNotSigned => "确认单未签字", "statement not signed";
    HoldDisputed => "确认单有异议", "disputed";
    PayStatusPay => "兑现", "pay";
    PayStatusHold => "暂缓", "hold";
    ExportCode => "站点编码", "code";
    ExportOwner => "站长", "owner";
    ExportAmount => "金额", "amount";
    ExportStatus => "状态", "status";
    ExportPerson => "工号", "person";
    ExportPersonName => "姓名", "name";
    ExportGreenCard => "绿卡", "green_card";
    ExportId => "编码", "id";
    ExportPhone => "手机号", "phone";
    ExportMessage => "短信内容", "message";
    ExportNotGbk => "第 {0} 行“{1}”列的“{2}”({3}) 不在 GBK 字符集中，无法写成 GBK 文件；请改用默认的 UTF-8（带 BOM）", "line {0}, column {1}: {2} ({3}) is not in GBK, so the file cannot be written as GBK; use the default UTF-8 with a BOM";
    SmsRecipient => "对象", "recipient";
    SmsPart => "条", "part";
    SmsNoPhone => "没有登记手机号", "no mobile number on record";
    SmsMonth => "{0}年{1}月", "{1}/{0}";
    SmsStationHead => "{0}{1}奖励{2}元", "{0} {1}: reward {2} yuan";
    SmsColon => "：", ": ";
    SmsComma => "，", ", ";
    SmsStop => "。", ". ";
    SmsPaid => "兑现至绿卡。", "Paid to the green card.";
    SmsOthers => "其他", "others ";
    SmsHeld => "暂缓兑现：{0}。", "Held back: {0}.";
    SmsPersonHead => "{0}{1}{2}奖励{3}元", "{0} {1} {2}: reward {3} yuan";
    SmsPersonPenalty => "，扣罚{0}元", ", penalty {0} yuan";
    SmsPersonNet => "，实发{0}元。", ", net {0} yuan.";
    ReconcileAmountColumn => "奖励金额", "amount";
    ReconcileBadLines => "{0}：{1} 行有误，未作核对。请修正文件后重试。", "{0}: {1} bad lines; nothing was compared. Fix the file and run again.";
    ReconcileCode => "编码", "code";
    ReconcilePerson => "人员", "person";
    ReconcileOurs => "本系统", "ours";
    ReconcileTheirs => "市公司", "city";
    ReconcileDifference => "差额(市公司-本系统)", "difference (city - ours)";
    ReconcileFileLines => "文件行号", "file lines";
    ReconcileOurLines => "本系统明细", "our lines";
    ReconcileNotOurs => "本月不在本系统中", "not ours this month";
    ReconcileEqualsReward => "等于扣罚前的奖励", "equals the reward before the penalty";
    ReconcileSummary => "{0}：核对站点 {1} 个、人员 {2} 人；站点奖励合计 本系统 {3} 元，市公司 {4} 元", "{0}: {1} stations and {2} people checked; station rewards: ours {3}, the city's {4}";
    ReconcileMatched => "全部一致（精确到分）。", "Everything matches to the fen.";
    ReconcileDiffers => "{0} 处不一致。", "{0} differences.";
    ReconcileSaved => "核对结果已保存为 {0} 的最近一次核对", "kept as the last check of {0}";
    PayoutDone => "已完成", "done";
    PayoutOverdue => "逾期 {0} 天", "overdue {0} d";
    PayoutDueToday => "今天截止", "due today";
    PayoutUpcoming => "还有 {0} 天", "in {0} d";
    PayoutNotReconciled => "尚未核对市公司分配明细", "the city's allocation not checked yet";
    PayoutReconciledMatched => "{0} 核对一致", "matched on {0}";
    PayoutReconciledDiffers => "{1} 核对有 {0} 处不一致", "{0} differences on {1}";
    PayoutSignoffTally => "已签 {0}/{1}，有异议 {2}，未签 {3}", "signed {0}/{1}, disputed {2}, {3} unsigned";
    PayoutRefuseMonthNotOver => "{0} 尚未结束，它的兑现从下月开始", "{0} is not over: its payout starts the month after";
    PayoutRefuseDataSays => "数据显示这一步尚未完成（{0}）。确需记录请加 --force，并用 --note 说明原因", "the data says this step is not done ({0}). To record it anyway, add --force and say why with --note";
    PayoutRefuseForceWithoutNote => "--force 需要用 --note 说明原因", "--force needs a --note saying why";
    PayoutHeading => "{0} 奖励兑现进度（截至 {1}）", "Payout of the {0} rewards (as of {1})";
    PayoutForced => "数据未完成时强制记录", "recorded against the data";
    PayoutStep => "步骤", "step";
    PayoutWhat => "内容", "what";
    PayoutDue => "截止", "due";
    PayoutResponsible => "负责", "responsible";
    PayoutBy => "完成人", "by";
    PayoutOn => "完成日期", "on";
    PayoutOverdueList => "逾期：{0}", "overdue: {0}";
    PayoutUnknownStep => "没有名为“{0}”的步骤；可用：{1}", "no step called {0}; the steps are: {1}";
    PayoutWhoDidIt => "由谁完成？请用 --as 工号（县局用 --as county），或在 {0} 中设置 person", "who did it? Give --as PERSON (the county office: --as county), or set person in {0}";
    PayoutBadDoneDate => "完成日期 {0} 应在 {1} 结束之后、不晚于今天（{2}）", "the day it was done, {0}, must be after {1} and not after today ({2})";
    PayoutRecorded => "已记录：{1} 的 {0}，由 {2} 于 {3} 完成", "recorded: {0} of {1}, done by {2} on {3}";
    PayoutOpenBefore => "注意：之前的步骤尚未完成：{0}", "note: earlier steps are still open: {0}";
    PayoutUndone => "已撤销：{1} 的 {0}", "taken back: {0} of {1}";
    PayoutNothingToUndo => "{1} 的 {0} 没有记录，无需撤销", "{0} of {1} was not recorded; nothing to take back";
    PayoutUnknownStation => "站点 {0} 不在 {1} 中", "station {0} is not in {1}";
    PayoutFutureMonth => "{0} 还没到", "{0} is a month still to come";
    PayoutMissingWithNumber => "--missing 与 --number 不能同时使用", "--missing and --number do not go together";
    PayoutInvoiceReceived => "发票已收到", "invoice received";
    PayoutInvoiceMissing => "发票未收到", "invoice not received";
    PayoutRecordedShort => "已记录", "recorded";
    PayoutInvoiceSaid => "{0}：站点 {1}，{2}，{3}", "{0}: station {1}, {2}: {3}";
    PayoutUnchanged => "无变化", "unchanged";
    ExportPaymentsSummary => "{0}：兑现 {1} 个站点 {2} 元，暂缓 {3} 个站点 {4} 元，合计 {5} 元", "{0}: {1} stations paid {2}, {3} held back {4}; total {5}";
    ExportPayrollSummary => "{0}：{1} 行，实发合计 {2} 元", "{0}: {1} rows, nets add up to {2}";
    ExportSmsSummary => "{0}：{1} 条短信", "{0}: {1} messages";
    ExportSmsSkipped => "{0} 个对象没有手机号，未列入：", "{0} recipients left out, no mobile on record:";
    ExportPaymentsSheet => "站点奖励兑现", "payments";
    ExportPayrollSheet => "薪酬发放", "payroll";
    ExportSmsSheet => "短信通知", "sms";
    // Security helper (issue 8): refused cells, quoted file text, file
    // limits, the card-number key, statement files.
    QuotedLength => "（共 {0} 个字符）", "({0} characters)";
    QuotedMore => "（另有 {0} 个）", "({0} more)";
    ImportHasControl => "{0} 含有控制字符或不可见字符 {1}", "{0} holds a control or invisible character ({1})";
    ImportCodeHasPath => "{0} 含有 {1}：编码中不能有 /、\\ 或 ..", "{0} contains {1}: a code cannot hold /, \\ or ..";
    ImportTooLong => "{0} 超过 {1} 个字符", "{0} is longer than {1} characters";
    ImportAmountTooLarge => "{0} 超过单笔交易上限 {1} 元", "{0} is more than {1} yuan, the most one transaction may be";
    ImportCountTooLarge => "{0} 超过上限 {1}", "{0} is more than {1}, the most this column may hold";
    XlsxPartTooLarge => "工作簿中的 {0} 解压后超过 {1} MiB（文件损坏或为恶意文件；过大的导出请另存为 CSV 或分成几个文件）", "the workbook part {0} unpacks to more than {1} MiB (a damaged or hostile file; save an export this big as CSV, or split it)";
    XlsxTotalTooLarge => "工作簿解压后共超过 {0} MiB（文件损坏或为恶意文件；过大的导出请另存为 CSV 或分成几个文件）", "the workbook unpacks to more than {0} MiB in all (a damaged or hostile file; save an export this big as CSV, or split it)";
    XlsxCellTooLarge => "单元格 {0}（{1}）的内容超过 {2} MiB，文件损坏或为恶意文件", "cell {0} ({1}) holds more than {2} MiB of text: a damaged or hostile file";
    XlsxTextTooLarge => "{0} 中有一段内容超过 {1} MiB，文件损坏或为恶意文件", "{0} holds more than {1} MiB of text in one piece: a damaged or hostile file";
    XlsxTooManyColumns => "第 {0} 列超出 Excel 的最后一列（共 {1} 列）", "column {0} is beyond Excel's last column ({1})";
    XlsxRowTooLarge => "这一行的内容超过 {0} MiB", "the row holds more than {0} MiB of text";
    CardKeyEnvMalformed => "环境变量 {0} 应为 64 位十六进制数字（32 字节的密钥）", "{0} must be 64 hex digits (a 32-byte key)";
    CardKeyUnreadable => "无法读取卡号密钥文件 {0}：{1}", "cannot read the card-number key file {0}: {1}";
    CardKeyMalformed => "卡号密钥文件 {0} 不是 bianmin 的密钥（应为 64 位十六进制数字）", "the card-number key file {0} is not a bianmin key (64 hex digits)";
    CardKeyWrite => "无法写入卡号密钥文件 {0}：{1}", "cannot write the card-number key file {0}: {1}";
    CardKeyMissing => "数据库中已有卡号摘要，但找不到它们的密钥文件 {0}。请把备份的密钥文件放回原处（或设置 {1}）；换用新密钥会把同一张卡当作不同的卡，每卡每日笔数上限（R1）就失效了，所以不能导入。", "the database holds card-number hashes but their key file {0} is missing. Put the key file back from your backup (or set {1}): a new key would count the same card as a different one, and the per-card daily cap (R1) would no longer hold, so nothing is imported.";
    CardKeyMismatch => "{0} 中的卡号密钥不是本数据库卡号摘要所用的密钥；请换回正确的密钥文件，否则每卡每日笔数上限（R1）会失效", "the card-number key in {0} is not the key this database's card hashes were made with; put the right key back, or the per-card daily cap (R1) would no longer hold";
    CardKeyLegacyConflict => "数据库中保存着旧版 bianmin 的卡号密钥，与 {0} 中的密钥不同；请移走 {0}（或取消 {1}），bianmin 会把数据库中的密钥移到密钥文件", "the database holds an older bianmin's card-number key, and it differs from the key in {0}; move {0} away (or unset {1}) and bianmin will move the database's key into the key file";
    CardKeyRandom => "无法生成随机密钥：{0}", "cannot make a random key: {0}";
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
    Benchmarks => "县局对标", "County benchmarks";
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
    // --- Payout chain: branch sheet sign-offs, disputes and resolutions (issue 10, item 3) ---
    RefusedAlreadySignedBranch => "{2} 对支局 {0} {1} 的签字已在服务器上登记，请修改已有记录", "{2}'s sign-off of the {0} sheet for {1} is already recorded on the server; change that one";
    RefusedNotASigner => "{0} 不是支局 {2} 的{1}，不能以此身份签字", "{0} is not the {1} of branch {2}, so cannot sign as one";
    RefusedCountyOnly => "只有县局账号可以处理异议，{0} 不是", "only a county account resolves disputes; {0} is not one";
    RefusedAlreadyResolved => "异议 {0} 已由服务器上的另一条处理记录答复，请修改那一条", "dispute {0} is already answered by another resolution on the server; change that one";
    RefusedUnknownDispute => "服务器上没有这条异议：{0}", "the server holds no such dispute: {0}";
    ChainUnknownBranch => "支局 {0} 不在 {1} 中", "branch {0} is not in {1}";
    ChainNotOnSheet => "{0} 既不是支局 {1} 的支局长，也不是它的维护人员，不在它的签字表上", "{0} is neither the manager nor a maintainer of branch {1}, so is not on its sheet";
    ChainSignedAsOtherRole => "{0} 已以{2}身份签署支局 {1} 的签字表", "{0} already signed the sheet of branch {1} as {2}";
    ChainWhichBranch => "请用 --branch 指明支局：{0} 在以下支局的签字表上：{1}", "name the branch with --branch: {0} is on the sheets of {1}";
    ChainNoBranch => "{0} 不在任何支局的签字表上（既非支局长也非维护人员）", "{0} is on no branch's sheet (neither a manager nor a maintainer)";
    ChainDisputeWithoutReason => "异议需要说明原因（--dispute 原因）", "a dispute needs a reason (--dispute REASON)";
    ChainUnknownPerson => "人员 {0} 不在数据库中", "person {0} is not in the database";
    ChainUnknownDispute => "没有这条异议：{0}（见 bianmin dispute list）", "no dispute {0} (see bianmin dispute list)";
    ChainAmbiguousDispute => "“{0}”对应 {1} 条记录，请写出更多位", "{0} matches {1} records; give more of the uuid";
    ChainNotDisputed => "{0} 没有异议（已签字），无需处理", "{0} is not disputed (it is signed); there is nothing to resolve";
    ChainResolutionWithoutReason => "处理异议需要说明理由（--reason）", "a resolution needs a reason (--reason)";
    ChainAmountRequired => "接受异议需要给出更正后的金额（--amount 元）", "accepting a dispute needs the corrected figure (--amount YUAN)";
    ChainAmountWithRejection => "驳回异议不需要金额", "a rejected dispute takes no amount";
    ChainAmountOutOfRange => "更正金额 {0} 超出范围", "the corrected figure {0} is out of range";
    ChainCountyOnly => "只有县局可以处理异议：在县局服务器的数据库上（--as 县局账号的工号），或在县局人员已连接服务器的电脑上；{0} 不是县局账号", "only the county resolves disputes: on the county server's database (--as a county account's person) or on a county clerk's connected laptop; {0} is not a county account";
    PayoutSheetTally => "支局签字表 {0}/{1} 已签齐；已签 {2}/{3} 人，有异议 {4}", "sheets signed by all {0}/{1}; signers {2}/{3}, disputed {4}";
    ExportCorrected => "按县局处理更正后的金额兑现（系统计算 {0} 元）", "corrected by the county (computed {0})";
    ExportDisputeRejected => "异议已被县局驳回，按系统金额兑现", "dispute rejected by the county: paid as computed";
    ExportNote => "备注", "note";
    ExportPaymentsEquation => "合计 = 本月站点奖励 {0} 元 + 县局更正 {1} 元", "total = the month's station rewards {0} + the county's corrections {1}";
    ExportPayrollEquation => "实发合计 = 报表实发 {0} 元 + 县局更正 {1} 元", "nets = the report's nets {0} + the county's corrections {1}";
    SmsPersonNetCorrected => "，经县局更正实发{0}元。", ", net as corrected by the county {0} yuan.";
    DisputeId => "异议", "dispute";
    DisputeWhat => "对象", "what";
    DisputeBy => "提出人", "raised by";
    DisputeOn => "日期", "on";
    DisputeComputed => "系统金额", "computed";
    DisputeState => "处理结果", "resolution";
    DisputeAnswer => "县局理由", "county's reason";
    DisputeSync => "同步", "sync";
    DisputeOpen => "待处理", "open";
    DisputeReopened => "再次提出异议，待处理", "disputed again: open";
    DisputeAccepted => "接受，更正为 {0} 元", "accepted: {0}";
    DisputeRejected => "驳回", "rejected";
    DisputeSyncPending => "待上传", "waiting to be sent";
    DisputeSyncRefused => "被服务器拒绝：{0}", "refused: {0}";
    DisputeNone => "{0} 没有异议", "no disputes for {0}";
    DisputeSummary => "{0}：异议 {1} 条，待处理 {2} 条", "{0}: {1} disputes, {2} open";
    DisputeResolved => "已处理异议 {0}：{1}；{2}", "dispute {0} resolved: {1}; {2}";
    SignoffRecorded => "已记录 {0} {1}：{2}；{3}", "recorded {0} for {1}: {2}; {3}";
    SignoffStatement => "站点 {0} 的确认单", "the statement of station {0}";
    SignoffSheet => "支局 {0} 的签字表（{1}）", "the sheet of branch {0} ({1})";
    SignoffMonthNotOver => "{0} 尚未结束：确认单和签字表在月份结束后签署", "{0} is not over: statements and sheets are signed after it ends";
    RecordStaysInDemo => "这是演示数据，记录只保存在本机，不会上传", "this is the demo county: the record stays here and is never sent";
    ChainWhoResolves => "由谁处理？请用 --as 县局账号的工号，或在 {0} 中设置 person", "who resolves it? Give --as a county account's person, or set person in {0}";
    // plan (issue 9 items 7, 10): today's visit plan and the shortfall list.
    PlanTitle => "今日走访计划 {0} · {1}（{2}）· {3}", "Visit plan for {0} · {1} ({2}) · {3}";
    PlanFiguresTo => "数据截至 {0} · 本月还剩 {1} 天", "figures to {0} · days left in the month: {1}";
    PlanFirstMorning => "本月还没有数据 · 本月共 {0} 天", "no figures for the month yet · {0} days in the month";
    PlanNoStations => "没有站点", "no stations";
    PlanMaintainerHead => "{0}（{1}）：今日走访 {2} 个站点", "{0} ({1}): stops today: {2}";
    PlanNothingToday => "今日没有需要走访的站点", "nothing needs a visit today";
    PlanMore => "另有 {0} 个站点值得走访（完整列表：--format csv）", "more stations worth a visit: {0} (the full list: --format csv)";
    PlanQuiet => "{0} 个站点今日无事", "stations with nothing to do today: {0}";
    PlanAtRisk => "有风险，走访可挽回：{0}", "at risk, a visit can still make it valid: {0}";
    PlanOnTrack => "有望达标，仍需：{0}", "on track, still to do: {0}";
    PlanOutOfReach => "本月已难达标：{0}", "out of reach this month: {0}";
    PlanNeedPayments => "还需缴费 {0} 笔/天", "payments {0}/day";
    PlanNeedCard => "还需刷卡 {0} 笔/天", "card transactions {0}/day";
    PlanDaysLeft => "（本月还剩 {0} 天）", " ({0} d left)";
    PlanNoDayLeft => "本月已结束", "the month is over";
    PlanListSep => "、", ", ";
    PlanFollowUpToday => "约定今天回访", "follow-up due today";
    PlanFollowUpOverdue => "约定 {0} 回访，已过 {1} 天", "follow-up of {0}, overdue {1} d";
    PlanStatementDue => "{0} 奖励确认单未签字（{1} 前签字）", "the {0} statement is not signed yet (due by {1})";
    PlanStatementOverdue => "{0} 奖励确认单未签字，已逾期 {1} 天", "the {0} statement is not signed, overdue {1} d";
    PlanNeverVisited => "从未走访", "never visited";
    PlanNotVisitedFor => "{0} 天未走访", "not visited for {0} days";
    PlanBranchLine => "{0}：计划 {1} 个有效站点 · 有效(含预测) {2} 个 · 差 {3} 个 · 扣罚 {4}", "{0}: plan {1} valid stations · valid (projected) {2} · {3} short · penalty {4}";
    PlanNoPlan => "{0}：本月没有有效站点计划，不扣罚", "{0}: no valid-station plan this month, no penalty";
    PlanMet => "{0}：计划 {1} 个有效站点 · 有效(含预测) {2} 个 · 已完成", "{0}: plan {1} valid stations · valid (projected) {2} · met";
    PlanAnyOf => "下列 {1} 个站点中任意 {0} 个达标，{2}扣罚即可免除：", "make any {0} of these {1} valid and the {2} penalty goes away:";
    PlanAllOf => "下列 {0} 个站点全部达标可少扣 {1}，仍扣 {2}：", "making all of these {0} valid saves {1}; {2} is still paid:";
    PlanClosingReward => "（支局同时可得有效站点奖励 {0}）", "(and the branch earns the {0} valid-station reward)";
    PlanNoneReachable => "本月没有站点还能达标，{0}扣罚难以避免", "no station can still be made valid this month; the {0} penalty stands";
    PlanCandidate => "{0} · {1} · {2} · 单独达标免罚 {3} · 维护奖励至少 {4}", "{0} · {1} · {2} · on its own saves {3} · adds at least {4} maintenance";
    PlanOutOfReachCount => "另有 {0} 个未达标站点本月已难达标", "stations not valid and out of reach this month: {0} more";
    PlanUnknownPerson => "数据库中没有 {0}；请用 --as 写维护人员或支局长的工号", "{0} is not in the database; give --as a maintainer's or branch manager's id";
    PlanNotInABranch => "{0} 不是维护人员或支局长，走访计划是为他们制定的（--as 工号）", "{0} is neither a maintainer nor a branch manager; the visit plan is theirs (--as PERSON)";
    PlanWho => "为谁制定走访计划？请用 --as 工号，或在 {0} 中设置 person", "whose plan? Give --as PERSON, or set person in {0}";
    PlanNoFigures => "数据库中还没有业务数据，无法制定走访计划", "the database holds no figures yet: there is nothing to plan from";
    PlanOutsideFigures => "{0} 不在数据范围内：本数据库的数据从 {1} 到 {2}，而 {0} 的走访计划需要当月到前一天为止的数据", "{0} is outside the figures: this database's run from {1} to {2}, and a plan for {0} needs the month's figures up to the day before";
    PlanTooLarge => "{0}：数字太大，无法计算", "{0}: a figure too large to compute with";
    // --- words helper (issue 9, the command line): clap's help and
    // errors, CLI messages, library errors, reports and statements. ---
    CliAbout => "便民 — 便民服务站维护人员的工作台", "便民 — the convenience-station maintainer's dashboard";
    CliLongAbout => "便民（bianmin）：按县局政策精确计算邮政便民服务站的业务量、奖励和扣罚。\n\n不带命令运行时，显示本机数据库中本月的情况；还没有数据库时，先载入演示数据。", "便民 (bianmin): figures, rewards and penalties of China Post's convenience service stations (便民服务站), computed exactly under the county's policy.\n\nWith no command, bianmin shows this month's figures from the local database; with no database yet, it first loads the demo county.";
    CliCalc => "计算一个月的业务数据（JSON，见 docs/CALC.md），以 JSON 输出结果", "Evaluate one month of facts (JSON, see docs/CALC.md) and print the result as JSON";
    CliPolicy => "当前使用的政策，逐个版本列出（--policy，其次配置文件中的 policy，其次内置政策）", "The policy in effect, version by version (--policy, else `policy` in the config file, else built-in)";
    CliImport => "导入业务系统的导出文件（UTF-8 或 GBK 的 CSV，或 XLSX）到数据库", "Import a source system's export (CSV in UTF-8 or GBK, or XLSX) into the database";
    CliDemo => "在新数据库中建立演示县的数据", "Fill a new database with the demo county";
    CliReport => "数据库中一个月的站点、支局和人员情况；或每站一份奖励确认单", "The month's stations, branches and people from the database; or one statement per station";
    CliServe => "运行县局同步服务器（docs/SYNC.md）", "Run the county sync server over the database (docs/SYNC.md)";
    CliSync => "与县局服务器同步：上传走访记录和签字情况，下载业务数据", "Sync with the county server: send notes and sign-offs, receive figures";
    CliUser => "同步服务器的账号：每位维护人员、支局长或县局人员一个令牌", "The sync server's accounts: a token per maintainer, manager or county clerk";
    CliUserAdd => "为一个人生成令牌并显示（只显示一次，服务器只保存其哈希值）", "Make a token for a person and print it (once: only its hash is kept)";
    CliUserRevoke => "作废一个人的全部令牌，或某一个令牌", "End a person's tokens, or one token";
    CliUserList => "列出账号（不显示令牌）", "The accounts (never the tokens)";
    CliNote => "走访记录：写一条，或列出记录及其同步情况", "Visit notes: write one, or list them with their sync state";
    CliNoteAdd => "写一条走访记录（下次同步时上传）", "Write a visit note (queued for the next sync)";
    CliNoteList => "列出走访记录及其同步情况", "The notes with their sync state";
    CliReconcile => "用本系统的数据核对市公司的奖励分配明细；有不一致时退出码为 1", "Check the city's reward allocation (奖励分配明细) against our figures; exit 1 on any difference";
    CliExport => "为财务、薪酬和短信平台导出已结束月份的文件（docs/PAYOUT.md）", "Files for finance, payroll and the SMS platform, for a finished month (docs/PAYOUT.md)";
    CliPayout => "一个月奖励兑现的各个步骤（奖励兑现流程）：进度，以及记录完成", "The month's payout steps (the payout calendar): where they stand, and recording them done";
    CliPayoutStatus => "各步骤的进度、负责人，以及逾期的步骤", "Where each step of a month's payout stands, whose it is, and what is overdue";
    CliPayoutDone => "记录某一步骤已完成（完成人：--as 工号，或配置文件中的 person）", "Record a step as done (who: --as PERSON, else `person` in the config file)";
    CliPayoutUndo => "撤销误记的步骤", "Take back a step recorded by mistake";
    CliPayoutInvoice => "登记某站点某月的发票已收到或未收到", "Record one station's invoice (发票) for a month as received, or not";
    CliWatchlist => "退出预警：代收、分销计划均未完成的站点", "The exit watchlist: stations that missed both their collection and distribution plans";
    CliArgDb => "数据库文件（默认：系统数据目录中的 bianmin.db）", "The database file (default: bianmin.db in the platform data folder)";
    CliArgLang => "界面语言（默认：配置文件中的 lang，其次系统语言）", "Interface language (default: lang in the config file, else the locale)";
    CliArgPolicy => "按此政策文件计算（默认：配置文件中的 policy，其次内置的德州政策）", "Evaluate under this policy file (default: `policy` in the config file, else the built-in Dezhou policy)";
    CliArgAs => "您的工号，或 county（默认：配置文件中的设置；工作台会询问）", "Who you are (工号), or \"county\" (default: from the config file; the dashboard asks otherwise)";
    CliArgNoMouse => "工作台不接管鼠标（便于在终端中选择文字）", "Do not capture the mouse in the dashboard (lets the terminal select text)";
    CliArgHelp => "显示帮助", "Print help";
    CliArgVersion => "显示版本", "Print version";
    CliArgCalcFile => "输入的 JSON 文件，- 表示标准输入", "The input JSON file, or - for standard input";
    CliArgPolicyToml => "改为输出政策的完整 TOML（便于复制修改）", "Print the policy's whole TOML instead (to copy and adapt)";
    CliArgImportKind => "文件的种类", "What the file holds";
    CliArgImportFile => "要导入的文件（各列见 docs/IMPORTS.md）", "The file to import (columns: docs/IMPORTS.md)";
    CliArgDemoSeed => "演示县的随机种子（种子相同，数据相同）", "Seed of the demo county (the same seed gives the same county)";
    CliArgDemoToday => "演示数据当作“今天”的日期（默认今天）；数据截至前一天", "The day the demo treats as today (default: today); facts run to the day before";
    CliArgDemoForce => "替换已有的数据库文件", "Replace an existing database file";
    CliArgReportMonth => "月份（默认：最新数据所在的月份；确认单默认为上一个已结束的月份）", "The month (default: the month of the latest figures; for statements, the last finished month)";
    CliArgReportAsOf => "数据截至这一天（默认：有数据的最后一天）；早于月末时为预测", "Figures through this day (default: the last day with figures); earlier than the month's end projects";
    CliArgReportBranch => "只看这个支局", "Only this branch";
    CliArgFormat => "输出格式", "Output format";
    // The lead, merging: the sign-off, dispute and plan commands' words.
    CliSignoff => "签字确认或提出异议：便民站的奖励确认单、支局的奖励分配表（同步到县局）", "Sign a month's station statement or branch sheet, or dispute it; synced to the county";
    CliSignoffStation => "便民站的月度奖励确认单，由站点签字（或提出异议）", "A station's statement of a month, as signed (or disputed) at the station";
    CliSignoffBranch => "支局的奖励分配表（奖励总额、二八分配、考核扣款），由支局长或维护人员签字", "A branch sheet (pool, 2:8 split, penalty), signed by its manager or one of its maintainers";
    CliDispute => "县局处理异议：异议清单与处理（仅县局）", "The county's queue of disputes, and resolving them (county only)";
    CliDisputeList => "本月的异议：待处理的在前、提出早的在前，附系统金额与处理结果", "The month's disputes: open ones first, oldest first, with the computed figure and any resolution";
    CliDisputeResolve => "处理一条异议：接受并给出更正金额，或驳回；都要写明理由", "Resolve a dispute: accept it with the corrected figure, or reject it; with a reason";
    CliPlan => "今天的走访计划（--as 人员）：值得去的站点按线路排列并说明原因；支局长看到每位维护人员的清单，以及补足计划缺口的站点（见 docs/PLAN.md）", "Today's visit plan (--as PERSON): the stations worth a visit, in route order, each with why; for a branch manager every maintainer's list and the stations that close the plan's shortfall (docs/PLAN.md)";
    CliArgSignoffStation => "站点编码", "The station (站点编码)";
    CliArgSignoffMonth => "奖励月份（默认：上个月）", "The reward month (default: last month)";
    CliArgSignoffDispute => "不签字，而是对确认单提出异议，并写明原因", "Dispute the statement instead of signing it, with the reason";
    CliArgSignoffBranch => "支局（默认：你所在签字表的支局）", "The branch (default: the one whose sheet you are on)";
    CliArgSignoffSheetDispute => "不签字，而是对分配表提出异议，并写明原因", "Dispute the sheet instead of signing it, with the reason";
    CliArgSignoffRole => "以何身份签字（默认：人员名册中你的身份）", "The place you sign in (default: the one the registry gives you)";
    CliArgDisputeUuid => "有异议的签字记录：完整编号，或其唯一的开头或结尾（dispute list 显示结尾）", "The disputed sign-off: its uuid, or its unique beginning or end (`dispute list` shows the end)";
    CliArgDisputeAccept => "异议成立：按更正金额兑现（--amount）", "The dispute is right: pay the corrected figure (--amount)";
    CliArgDisputeReject => "异议不成立：按系统金额兑现", "The dispute is not upheld: pay the computed figure";
    CliArgDisputeAmount => "更正后的金额（元）：站点的奖励；支局分配表则为提出异议者的实发金额", "The corrected figure in yuan: the station's reward, or for a branch sheet the disputing signer's net";
    CliArgDisputeReason => "理由（必填）", "Why (required)";
    CliArgPlanDate => "计划哪一天（默认：今天，中国时间；演示数据中为演示的当天）。计入前一天为止的数字", "The day to plan for (default: today in China time; in the demo, the demo's day). Figures up to the day before count";
    CliArgPlanFormat => "简短的打印清单，或全部站点的 CSV（列见 docs/PLAN.md）", "A short printable list, or every station as CSV (columns: docs/PLAN.md)";
    CliArgReportTable => "与 --format csv 同用：哪一张表", "With --format csv: which table";
    CliArgReportOutput => "写入此文件而不是标准输出（xlsx 必须指定）", "Write to this file instead of standard output (required for xlsx)";
    CliArgReportStatements => "为每个站点写一份奖励确认单，写入 --output 指定的文件夹（--as 只写此人的站点）", "Write one statement per station into --output (a folder) instead of the report (--as: that person's stations only)";
    CliArgReportStatementFormat => "确认单的文件格式", "Statement file format";
    CliArgServeListen => "监听的地址和端口；端口 0 表示任选一个空闲端口", "Address and port to listen on; port 0 picks a free one";
    CliArgServeMaxBody => "接受的最大请求体，字节", "The largest request body taken, in bytes";
    CliArgServeMaxConnections => "同时打开的连接数上限；超出的回答 503（稍后再试）", "Connections open at once; one more is answered 503 (try later)";
    CliArgServeHeaderTimeout => "客户端发送请求头的时限（秒），也是空闲连接保持的最长时间", "Seconds a client has to send a request's headers (and the longest an idle connection stays open)";
    CliArgServeKeptPagesMb => "留在内存中、供下一台笔记本首次同步再次发送的同步页（兆字节）；0 为不保留", "Megabytes of pull pages kept in memory to be sent again to the next laptop's first pull; 0 keeps none";
    CliArgSyncServer => "县局服务器（默认：配置文件 [sync] 中的 server）", "The county server (default: `server` under [sync] in the config file)";
    CliArgSyncToken => "本机的令牌（默认：BIANMIN_TOKEN，其次配置文件，其次输入时不显示的提示）", "This laptop's token (default: BIANMIN_TOKEN, else the config file's, else asked for without showing it)";
    CliArgSyncStatus => "只显示同步情况（上次成功、离线时间、待上传记录）", "Only show where sync stands (last success, offline since, records waiting)";
    CliArgUserPerson => "此人的工号，与站点登记表中一致", "The person (工号), as in the station registry";
    CliArgUserRole => "角色", "The role";
    CliArgUserName => "不在登记表中的县局人员：其姓名", "For a county account of someone not in the registry: their name";
    CliArgRevokePerson => "此人的全部令牌", "Every token of this person";
    CliArgRevokeToken => "这一个令牌", "This one token";
    CliArgNoteStation => "走访的站点（站点编码）", "The station visited (站点编码)";
    CliArgNoteKind => "走访的事由", "What the visit was about";
    CliArgNoteText => "记录内容", "The note";
    CliArgNoteFollowUp => "下次跟进的日期", "A day to come back";
    CliArgNoteDate => "走访日期（默认今天）。作者为 --as 工号，其次配置文件中的 person", "The day of the visit (default: today). The author is --as PERSON, else `person` in the config file";
    CliArgNoteListStation => "只列这个站点的", "Only this station's";
    CliArgReconcileFile => "市公司的分配明细：CSV（UTF-8、带 BOM 或 GBK）或 XLSX，列为站点编码和金额，可另有工号和金额（docs/IMPORTS.md）", "The city's allocation: CSV (UTF-8, BOM or GBK) or XLSX, columns station code and amount, optionally person id (工号) and amount (docs/IMPORTS.md)";
    CliArgRewardMonth => "奖励月份", "The reward month";
    CliArgReconcileFormat => "差异以表格或 CSV 输出", "The differences as a table, or as CSV";
    CliArgExportWhat => "导出哪一种文件", "Which file";
    CliArgExportMonth => "奖励月份（只限已结束的月份）", "The reward month (finished months only)";
    CliArgExportEncoding => "CSV 编码：带 BOM 的 UTF-8（Excel 的“CSV UTF-8”）、UTF-8 或 GBK", "CSV encoding: UTF-8 with a BOM (Excel's \"CSV UTF-8\"), plain UTF-8, or GBK";
    CliArgPayoutStatusMonth => "奖励月份（默认上月，其兑现在本月进行）", "The reward month (default: last month, whose payout runs this month)";
    CliArgPayoutDate => "把这一天当作今天", "Take this day as today";
    CliArgPayoutStep => "步骤：pulled、county_check、stations_signed、branch_sheets_signed、filed、city_audit、leader_signature、paid 或 sms_sent", "The step: pulled, county_check, stations_signed, branch_sheets_signed, filed, city_audit, leader_signature, paid or sms_sent";
    CliArgPayoutNote => "需要说明的情况", "What to know about it";
    CliArgPayoutForce => "数据显示尚未完成时仍然记录（需要 --note）", "Record a step bianmin's data says is not done (needs --note)";
    CliArgPayoutDoneDate => "完成日期（默认今天）", "The day it was done (default: today)";
    CliArgInvoiceStation => "站点（站点编码）", "The station (站点编码)";
    CliArgInvoiceMissing => "发票未收到（或不再算收到）", "The invoice is not (or no longer) received";
    CliArgInvoiceNumber => "发票号码", "The invoice number (发票号码)";
    CliArgWatchlistMonth => "已结束的月份（默认：上一个已结束的月份）", "A finished month (default: the last finished month)";
    CliValueStations => "站点登记表（站点、支局、人员）", "the station registry (stations, branches, people)";
    CliValuePlans => "支局的有效站点计划", "the branches' valid-station plans";
    CliValuePayments => "便民缴费交易明细", "bill-payment transactions";
    CliValueCards => "助农取款交易明细", "card-withdrawal transactions";
    CliValueReferrals => "转介绍明细", "referrals";
    CliValuePeople => "人员的手机号和绿卡（人员信息）", "people's phone and 绿卡 (人员信息)";
    CliValueInvoices => "各站点各月收到的发票（发票登记）", "invoices received per station and month (发票登记)";
    CliValueStationPlans => "各站点每月的代收和分销计划（退出预警用）", "each station's monthly collection and distribution plan (for the exit watchlist)";
    CliValueDistribution => "各站点每月的分销金额（退出预警用）", "each station's monthly distribution sales (for the exit watchlist)";
    CliValueExportPayments => "各站点兑现到绿卡的奖励，或暂缓及原因", "every station's reward to pay to its 绿卡, or held back with the reason";
    CliValueExportPayroll => "每位支局长和维护人员的奖励、扣罚和实发", "every manager's and maintainer's reward, penalty and net";
    CliValueExportSms => "每个对象（每一条）的短信通知", "one SMS notice per recipient (and part)";
    CliPossibleValues => "［可选值：{0}］", " [possible values: {0}]";
    CliDefault => "［默认：{0}］", " [default: {0}]";
    CliEnv => "［环境变量：{0}］", " [env: {0}]";
    CliHeadingArguments => "参数", "Arguments";
    CliHeadingOptions => "选项", "Options";
    CliHeadingCommands => "命令", "Commands";
    CliHelpTemplate => "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}", "{before-help}{about-with-newline}\n{usage-heading} {usage}\n\n{all-args}{after-help}";
    CliHelpCommand => "显示本帮助，或某个命令的帮助", "Print this message or the help of the given subcommand(s)";
    CliHelpCommandArg => "要查看帮助的命令", "Print help for the subcommand(s)";
    CliErrorLayout => "错误：{0}\n\n用法：{1}\n\n查看说明请加 --help", "error: {0}\n\nUsage: {1}\n\nFor more information, try '--help'.";
    CliErrorNoValue => "{0} 需要一个值", "a value is required for '{0}' but none was supplied";
    CliErrorBadValue => "“{0}”不是 {1} 可用的值", "invalid value '{0}' for '{1}'";
    CliErrorUnknownArgument => "没有 {0} 这个参数", "unexpected argument '{0}' found";
    CliErrorUnknownCommand => "没有 {0} 这个命令", "unrecognized subcommand '{0}'";
    CliErrorMissing => "缺少必需的参数：{0}", "the following required arguments were not provided: {0}";
    CliErrorMissingCommand => "请指定一个命令：{0}", "a subcommand is required: {0}";
    CliErrorConflict => "{0} 不能与 {1} 同时使用", "the argument '{0}' cannot be used with '{1}'";
    CliErrorTwice => "{0} 只能用一次", "the argument '{0}' cannot be used multiple times";
    CliErrorValueCount => "{0} 的值的个数不对", "wrong number of values for '{0}'";
    CliErrorNotUtf8 => "命令行中有不是 UTF-8 的文字", "the command line holds text that is not UTF-8";
    CliErrorBecause => "（{0}）", " ({0})";
    CliErrorSuggest => "\n\n提示：是不是 {0}？", "\n\ntip: a similar one exists: '{0}'";
    IoNotFound => "找不到该文件或文件夹（{0}）", "{0}";
    IoPermissionDenied => "没有权限（{0}）", "{0}";
    IoAlreadyExists => "已经存在（{0}）", "{0}";
    IoIsADirectory => "这是文件夹，不是文件（{0}）", "{0}";
    IoNotADirectory => "路径中有一部分不是文件夹（{0}）", "{0}";
    IoStorageFull => "磁盘已满（{0}）", "{0}";
    IoReadOnly => "只读的磁盘或文件系统（{0}）", "{0}";
    IngestOpen => "{0}：无法打开文件：{1}", "{0}: cannot open the file: {1}";
    IngestRead => "{0}：无法读取文件：{1}", "{0}: cannot read the file: {1}";
    IngestEmpty => "{0}：文件是空的", "{0}: the file is empty";
    IngestNoHeader => "{0}：没有表头行（文件中只有空行）", "{0}: no header row (the file has only blank lines)";
    IngestDuplicateColumn => "{0}：{1} 列和 {2} 列都是 {3}；请只保留一列", "{0}: the columns {1} and {2} are both {3}; keep one";
    IngestNotCsvOrXlsx => "{0}：不是 CSV 或 XLSX 文件：{1}", "{0}: not a CSV or XLSX file: {1}";
    IngestWorkbook => "{0}：无法读取工作簿：{1}", "{0}: cannot read the workbook: {1}";
    IngestMissingColumn => "{0}：缺少列 {1}；表头行中有：{2}", "{0}: missing column {1}; the header row has: {2}";
    IngestMissingColumns => "{0}：缺少列 {1}；表头行中有：{2}", "{0}: missing columns {1}; the header row has: {2}";
    RowAt => "第 {0} 行：{1}", "line {0}: {1}";
    RowAtColumn => "第 {0} 行，{1} 列：{2}", "line {0}, column {1}: {2}";
    IngestXlsxSheet => "XLSX（工作表 {0}）", "XLSX (worksheet {0})";
    IngestCannotReadFurther => "无法继续读取：{0}", "cannot read further: {0}";
    IngestFieldCountOne => "有 {0} 个字段，但表头有 {1} 个", "has {0} field but the header has {1}";
    IngestFieldCount => "有 {0} 个字段，但表头有 {1} 个", "has {0} fields but the header has {1}";
    ImportEmpty => "是空的", "is empty";
    ImportScientific => "{0} 看起来是被 Excel 缩短的数字（只保留 15 位）；请在源系统中把该列设为文本格式后重新导出", "{0} looks like a number Excel shortened (it keeps only 15 digits); format the column as text in the source and export again";
    ImportNotDate => "{0} 不是日期（例如 2026-10-05）", "{0} is not a date (e.g. 2026-10-05)";
    ImportNotDateTime => "{0} 不是日期和时间（例如 2026-10-05 14:03:22）", "{0} is not a date and time (e.g. 2026-10-05 14:03:22)";
    ImportNotMonth => "{0} 不是月份（例如 2026-10）", "{0} is not a month (e.g. 2026-10)";
    ImportNotAmount => "{0} 不是金额", "{0} is not an amount";
    ImportTooManyDecimals => "{0} 的小数超过两位", "{0} has more than two decimals";
    ImportAmountHuge => "{0} 太大，不是金额", "{0} is too large to be an amount";
    ImportNotWholeNumber => "{0} 不是整数", "{0} is not a whole number";
    ImportNotKind => "{0} 不是站点类型（农村/rural 或 城市/urban）", "{0} is not a station kind (农村/rural or 城市/urban)";
    ImportNotTxnStatus => "{0} 不是交易状态（成功/success，或 冲正/撤销/退款/reversed）", "{0} is not a transaction status (成功/success or 冲正/撤销/退款/reversed)";
    ImportNotStationStatus => "{0} 不是站点状态（正常/open、暂停/suspended 或 撤销/closed）", "{0} is not a station status (正常/open, 暂停/suspended or 撤销/closed)";
    ImportNotYesNo => "{0} 不是“是”或“否”（是/否、yes/no、1/0）", "{0} is not yes or no (是/否, yes/no, 1/0)";
    ImportNotReferralKind => "{0} 不是转介绍类别（惠农通、金融客户、车险客户、车险成交）", "{0} is not a referral kind (惠农通, 金融客户, 车险客户, 车险成交)";
    ImportNotCardNumber => "{0} 不是卡号（12 到 19 位数字）", "{0} is not a card number (12 to 19 digits)";
    ImportNotMobile => "{0} 不是手机号（以 1 开头的 11 位数字）；短信通知需要手机号", "{0} is not a mobile number (11 digits starting with 1); the SMS notice needs a mobile";
    ImportBadBytes => "{0} 中有不是 {1} 编码的字节（文件开头判断出的编码）", "{0} holds bytes that are not valid {1} (the encoding found at the start of the file)";
    ImportTooLarge => "{0} 太大", "{0} is too large";
    ImportNoStationsInVillage => "是 0；这个村至少有本站", "is 0; the village has at least this station";
    ImportClosedBeforeOpened => "{0} 早于开业日期 {1}", "{0} is before the opening date {1}";
    ImportInstalledBeforeSigned => "{0} 早于签约日期 {1}", "{0} is before the signing date {1}";
    ImportNegativeNotReversed => "{0} 是负数，但交易没有标为冲正", "{0} is negative but the transaction is not marked reversed (冲正)";
    ImportStationAndPerson => "这一行既有站点 {0} 又有人员 {1}；一行只能付给其中之一", "the line names station {0} and person {1}; a line pays one of them";
    ImportNoPayee => "是空的；每行应付给一个站点或一个人", "is empty; a line pays a station or a person";
    ImportNegative => "{0} 是负数", "{0} is negative";
    ImportIsDirectory => "这是文件夹，不是文件", "it is a directory";
    ImportXls => "这是 Excel 97-2003（.xls）或加密的工作簿；请另存为 .xlsx 或 CSV", "it is an Excel 97-2003 (.xls) or encrypted workbook; save it as .xlsx or CSV";
    ImportUtf16 => "这是 UTF-16 文本（Excel 的“Unicode 文本”）；请另存为 CSV", "it is UTF-16 text (Excel's \"Unicode text\"); save it as CSV";
    ImportBinary => "其中是二进制数据，不是文字", "it holds binary data, not text";
    ImportSheetReaderStopped => "工作表读取意外中止", "the worksheet reader stopped unexpectedly";
    ImportNamedXlsx => "文件名是 .xlsx，但不是工作簿（{0}）", "it is named .xlsx but is not a workbook ({0})";
    ImportNoWorksheet => "工作簿中没有工作表", "the workbook has no worksheet";
    ImportWorksheetError => "工作表 {0}：{1}", "worksheet {0}: {1}";
    ImportReadOne => "{0}：读取 {1} 行（{2}），新增 {3}", "{0}: {1} row read ({2}), {3} new";
    ImportReadMany => "{0}：读取 {1} 行（{2}），新增 {3}", "{0}: {1} rows read ({2}), {3} new";
    ImportUpdated => "，更新 {0}", ", {0} updated";
    ImportDuplicate => "，{0} 行以前已导入", ", {0} already imported";
    ImportReversed => "，{0} 行已冲正或撤销（不计入）", ", {0} reversed or cancelled (not counted)";
    ImportBadRowsOne => "{0}：有 {1} 行有误，什么也没有导入。请修正文件后重新导入。", "{0}: {1} bad row; nothing was imported. Fix the file and import it again.";
    ImportBadRowsMany => "{0}：有 {1} 行有误，什么也没有导入。请修正文件后重新导入。", "{0}: {1} bad rows; nothing was imported. Fix the file and import it again.";
    ImportAndMore => "……另有 {0} 行", "… and {0} more";
    ImportUnknownStation => "站点 {0} 不在站点登记表中；请先导入站点", "station {0} is not in the registry; import the stations first";
    ImportStationTwice => "站点 {0} 在第 {1} 行也出现了", "station {0} is also on line {1}";
    ImportBranchManagerDiffers => "支局 {0} 在第 {2} 行的支局长是 {1}，这里是 {3}", "branch {0} has manager {1} on line {2}, here {3}";
    ImportBranchKindDiffers => "支局 {0} 在第 {2} 行是 {1}", "branch {0} is {1} on line {2}";
    ImportOneBranchEach => "{0} 维护支局 {1} 的站点（第 {2} 行）；一个人只属于一个支局", "{0} maintains stations of branch {1} (line {2}); a person belongs to one branch";
    ImportMaintainerCannotManageLine => "{0} 维护支局 {1} 的站点（第 {2} 行），不能担任 {3} 的支局长", "{0} maintains stations of branch {1} (line {2}) and cannot manage {3}";
    ImportMaintainerCannotManage => "{0} 维护支局 {1} 的站点，不能担任 {2} 的支局长", "{0} maintains stations of branch {1} and cannot manage {2}";
    ImportUnknownBranch => "支局 {0} 不在站点登记表中；请先导入站点", "branch {0} is not in the registry; import the stations first";
    ImportNotWholeFen => "{0} 不是整分", "{0} is not a whole number of fen";
    ImportNoReferralKind => "政策 {0} 在 {2}（{3} 起的版本）没有 {1} 这种转介绍奖励", "the policy {0} pays no referral of kind {1} in {2} (version from {3})";
    ImportCategoryNotThen => "{0} 属于缴费类别 {1}，但政策 {2} 在 {3}（{4} 起的版本）没有这个类别；当时的类别：{5}", "{0} is the payment category {1}, which the policy {2} does not have in {3} (version from {4}); its categories then: {5}";
    ImportNotCategory => "{0} 不是政策 {1} 在 {2}（{3} 起的版本）的缴费类别：{4}", "{0} is not a payment category of the policy {1} in {2} (version from {3}): {4}";
    ImportStationMonthTwice => "站点 {0} 月份 {1} 在第 {2} 行也出现了", "station {0}, month {1} is also on line {2}";
    ImportPersonTwice => "人员 {0} 在第 {1} 行也出现了", "person {0} is also on line {1}";
    ImportUnknownPerson => "人员 {0} 不在登记表中；请先导入站点（站点登记表中有支局长和维护人员）", "person {0} is not in the registry; import the stations (which name the managers and maintainers) first";
    ImportMonthToCome => "{0} 是还没到的月份", "{0} is a month still to come";
    ImportNumberWithoutInvoice => "这一行写明发票未收到，却有发票号码", "an invoice number on a line that says the invoice was not received";
    ImportProgress => "{bar:40} {binary_bytes}/{binary_total_bytes} 已用 {elapsed}，约剩 {eta}", "{bar:40} {binary_bytes}/{binary_total_bytes} {elapsed} eta {eta}";
    PolicyErrRead => "无法读取政策文件 {0}：{1}", "cannot read policy file {0}: {1}";
    PolicyErrNoVersionIn => "政策 {0} 在 {1} 没有生效的版本；第一个版本从 {2} 开始", "no version of the policy {0} is in force in {1}; the first starts {2}";
    PolicyErrNegative => "{0} 是负数", "{0} is negative";
    PolicyErrAtLeastOne => "至少应为 1", "must be at least 1";
    PolicyErrCategoryId => "{0} 不是类别编号（小写英文字母、数字和 _，以字母开头）", "{0} is not a category id (lower-case ASCII letters, digits and _, starting with a letter)";
    PolicyErrReservedId => "{0} 是奖励中另有的一项；请换一个编号", "{0} is a line of the reward of its own; choose another id";
    PolicyErrNotThisRule => "不适用于这种计算方式", "does not apply to this rule";
    PolicyErrMissing => "缺少", "missing";
    PolicyErrNoCategory => "至少需要一个缴费类别", "needs at least one payment category";
    PolicyErrTwice => "{0} 列出了两次", "{0} is listed twice";
    PolicyErrNamesOther => "{0} 已经是类别 {1} 的名称", "{0} already names the category {1}";
    PolicyErrNamesOtherId => "写了 {0}，这是另一个类别的编号", "names {0}, the id of another category";
    PolicyErrSplit => "支局长 {0} + 维护人员 {1} = {2}，合计应为 1", "manager {0} + maintainers {1} = {2}, must add up to 1";
    PolicyErrOneToTwelve => "应为 1 到 12", "must be 1 to 12";
    PolicyErrNoVersion => "至少需要一个版本", "needs at least one version";
    PolicyErrVersionOrder => "{0} 不晚于上一个版本的 {1}；版本应按时间从早到晚排列", "{0} is not after the previous version's {1}; list versions oldest first";
    PolicyErrNoTier => "至少需要一档", "needs at least one tier";
    PolicyErrFirstTier => "第一档应从 0 开始（含 0）", "the first tier must start at 0, inclusive";
    PolicyErrUnboundedTier => "只有最后一档可以没有上限", "only the last tier may be unbounded";
    PolicyErrLastTierMax => "最后一档不能有上限", "the last tier must have no max";
    PolicyErrMaxNotAboveMin => "{0} 不大于下限 {1}", "{0} is not above min {1}";
    PolicyErrGap => "有空缺：上一档止于 {0}，这一档从 {1} 开始", "gap: the previous tier ends at {0}, this one starts at {1}";
    PolicyErrOverlap => "有重叠：上一档止于 {0}，这一档从 {1} 开始", "overlap: the previous tier ends at {0}, this one starts at {1}";
    PolicyErrInBoth => "有重叠：{0} 既在第 {1} 档又在第 {2} 档", "overlap: {0} is in both tier {1} and tier {2}";
    PolicyErrInNeither => "有空缺：{0} 既不在第 {1} 档也不在第 {2} 档", "gap: {0} is in neither tier {1} nor tier {2}";
    StoreCreateDir => "无法建立文件夹 {0}：{1}", "cannot create the folder {0}: {1}";
    StoreOpen => "{0}：无法作为数据库打开：{1}", "{0}: {1}";
    StoreCreateFile => "无法建立 {0}：{1}", "cannot create {0}: {1}";
    StoreTooNew => "{0} 由更新版本的 bianmin 写入（数据库结构版本 {1}，本程序最高支持 {2}）。请升级 bianmin 后再打开；文件没有改动。", "{0} was written by a newer bianmin (schema version {1}; this bianmin knows up to {2}). Upgrade bianmin to open it; the file was not changed.";
    StoreMigrate => "{0}：升级数据库结构失败，文件没有改动：{1}", "{0}: upgrading the schema failed, the file was not changed: {1}";
    StoreSql => "数据库：{0}", "database: {0}";
    StoreBadValue => "数据库的 {0}.{1} 中有不正确的值：{2}", "database holds a bad value in {0}.{1}: {2}";
    NotesUnknownStation => "数据库中没有站点 {0}", "station {0} is not in the database";
    NotesUnknownPerson => "数据库中没有人员 {0}", "person {0} is not in the database";
    NotesEmptyBody => "走访记录需要填写内容", "a note needs some text";
    NotesDisputeWithoutReason => "有异议时需要写明原因", "a dispute needs a reason";
    NotesUnknownNote => "数据库中没有走访记录 {0}", "note {0} is not in the database";
    ConfigRead => "无法读取 {0}：{1}", "cannot read {0}: {1}";
    ConfigParse => "{0}：配置文件的格式不对：{1}", "{0}: {1}";
    ConfigWrite => "无法写入 {0}：{1}", "cannot write {0}: {1}";
    ReportFacts => "数据库中的业务数据无法计算：{0}", "the stored facts cannot be evaluated: {0}";
    ReportEarlierMonth => "本季度较早的 {0} 的业务数据（用于季度考核扣留）无法计算：{1}", "the stored facts of {0} (earlier in the quarter, for withholding) cannot be evaluated: {1}";
    ReportUnknownBranch => "数据库中没有支局 {0}", "branch {0} is not in the database";
    WatchlistNotFinished => "{0} 尚未结束；退出预警只看已结束的月份（最近的是 {1}）", "{0} is not over yet; the watchlist looks at finished months (the last is {1})";
    BadMonthArg => "{0} 不是月份（格式 YYYY-MM）", "{0} is not a month (YYYY-MM)";
    BadDateArg => "{0} 不是日期（格式 YYYY-MM-DD）", "{0} is not a date (YYYY-MM-DD)";
    NotADecimal => "{0} 不是数字", "{0} is not a decimal";
    FactsOutsideMonth => "{0} 不在 {1} 月内", "{0} is outside the month {1}";
    FactsDuplicateBranch => "支局编号 {0} 重复", "duplicate branch id {0}";
    FactsNoMaintainers => "支局 {0} 没有维护人员", "branch {0} has no maintainers";
    FactsOneBranchEach => "{0} 已属于支局 {1}；每人只属于一个支局", "{0} already belongs to branch {1}; each person belongs to one branch";
    FactsDuplicateMaintainer => "维护人员 {0} 重复", "duplicate maintainer {0}";
    FactsDuplicateStation => "站点编号 {0} 重复", "duplicate station id {0}";
    FactsUnlistedBranch => "支局 {0} 不在 branches 中", "branch {0} is not listed in branches";
    FactsNotMaintainerOf => "{0} 不是支局 {1} 的维护人员", "{0} is not a maintainer of branch {1}";
    FactsBelowOne => "{0} 小于 1", "{0} is below 1";
    FactsNoCategory => "{0} 没有缴费类别 {1}（政策 {2}，{3} 起的版本：{4}）", "{0} has no payment category {1} (policy {2}, version from {3}: {4})";
    FactsValidAboveRaw => "有效刷卡 {0} 笔，超过了记录的 {1} 笔", "{0} valid card transactions exceed the {1} recorded";
    FactsUnknownReferral => "没有这种转介绍；政策 {0}（{1} 起的版本）中有：{2}", "unknown referral kind; the policy {0} (version from {1}) knows {2}";
    FactsNoWithholding => "{0} 生效的政策版本（{1} 起）没有季度考核扣留", "the policy version in force in {0} (from {1}) withholds nothing";
    FactsNotEarlierMonth => "{0} 不是 {1} 所在季度中更早的月份", "{0} is not an earlier month of the quarter of {1}";
    FactsOverflow => "数字太大，无法计算（合计或乘积溢出）", "is too large to compute with (a sum or product of the figures overflows)";
    FactsSumOverflows => "当月合计溢出", "the month's sum overflows";
    FactsStationSumOverflows => "{0} {1}：当月合计溢出", "{0} {1}: the month's sum overflows";
    ServeCannotListen => "无法在 {0} 上监听：{1}", "cannot listen on {0}: {1}";
    ServeCannotStart => "无法启动服务器：{0}", "cannot start the server: {0}";
    UserUnknownPerson => "数据库中没有人员 {0}；请先导入站点登记表（不在登记表中的县局人员可用 --name 建立账号）", "person {0} is not in the database; import the station registry first (a county account may be made with --name for someone not in it)";
    UserNothingToRevoke => "{0} 没有在用的令牌", "no token of {0} is in use";
    UserUnknownToken => "此数据库中没有这个令牌", "that token is not known to this database";
    UserRandom => "无法生成随机令牌：{0}", "cannot make a random token: {0}";
    ReconcileOtherMonth => "这一行是 {0} 的，不是 {1} 的", "the line is for {0}, not {1}";
    ReconcileSumTooLarge => "{0} 的合计太大", "the sum for {0} is too large";
    CannotWriteStdout => "无法写到标准输出：{0}", "cannot write to standard output: {0}";
    CannotWrite => "无法写入 {0}：{1}", "cannot write {0}: {1}";
    CannotCreate => "无法建立 {0}：{1}", "cannot create {0}: {1}";
    CannotRead => "无法读取 {0}：{1}", "cannot read {0}: {1}";
    CannotRemove => "无法删除 {0}：{1}", "cannot remove {0}: {1}";
    CannotReplace => "无法替换 {0}：{1}", "cannot replace {0}: {1}";
    RuleCardCap => "每卡每天有效刷卡次数限制（方案二（二））", "per-card daily limit on valid transactions (plan 2.2)";
    RulePayments => "便民缴费营销政策（方案二（一））", "bill-payment reward (plan 2.1)";
    RuleCard => "助农取款营销政策（方案二（二））", "card-withdrawal reward (plan 2.2)";
    RuleReferrals => "转介绍营销政策（方案二（三））", "referral reward (plan 2.3)";
    RuleStationReward => "缴费 + 取款 + 转介绍", "payments + card + referrals";
    RuleValidity => "有效站点认定（方案二（四）1）", "valid station (plan 2.4.1)";
    RuleMaintenance => "维护奖励（方案二（四）1）", "maintenance reward (plan 2.4.1)";
    RuleProjection => "按已有天数推算至月末", "projected from the days so far";
    RulePayout => "奖励兑现流程，方案三（一）3", "payout steps, plan 3.1.3";
    RuleWithholding => "季度考核（加盟费考评）", "quarterly withholding (franchise-fee review)";
    BasisPerPayment => "{0} 笔 × {1} 元/笔", "{0} payments × {1} yuan each";
    BasisShareOfAmount => "代收金额 {0} 元 × {1}%", "amount collected {0} yuan × {1}%";
    BasisCard => "有效 {0} 笔 × {1} 元/笔（共刷卡 {2} 笔）", "{0} valid transactions × {1} yuan each ({2} in all)";
    BasisPerReferral => "{0} 个 × {1} 元/个", "{0} × {1} yuan each";
    StatementTitleProjected => "{0}（预测，非最终金额）", "{0} (projected, not final)";
    StatementProjectedNote => "以上为预测：按截至 {0} 的数据推算至月末（{2}；本月还剩 {1} 天），不是最终金额。", "These figures are projected: the figures to {0} carried to the month's end ({2}; days left in the month: {1}); they are not final.";
    StatementCommsCovered => "本月通讯费（5元包）由邮政承担（{0} 元），不计入现金奖励。", "The post office pays this month's communication package ({0} yuan); it is not part of the cash reward.";
    StatementValidityLine => "{0}：{1}——缴费 {2} 笔（至少 {3} 笔），有效刷卡 {4} 笔（至少 {5} 笔）。", "{0}: {1} — {2} payments (at least {3} needed), {4} valid card transactions (at least {5} needed).";
    StatementMaintenanceLine => "{0}：{1} 元（基础 {2} 元 + 提成 {3} 元），归支局长及维护人员，不计入站点奖励。", "{0}: {1} yuan (base {2} + commission {3}); it goes to the branch's manager and maintainers, not to the station.";
    StatementWithholdingNote => "{0}：{1}，{2}。{3}", "{0}: {1}: {2}. {3}";
    StatementSignBy => "请于 {0} 前签字确认（{1}）。", "Please sign by {0} ({1}).";
    StatementItem => "项目", "item";
    StatementHow => "计算", "computed as";
    AmountYuan => "金额（元）", "amount (yuan)";
    StatementAmountLine => "本月应付站点：{0} 元", "To be paid to the station for the month: {0} yuan";
    StatementSignoffStatus => "签字情况", "Sign-off";
    SignoffSignedOn => "已签字（{0}，{1} 记录）", "signed on {0} (recorded by {1})";
    SignoffDisputedOn => "有异议（{0}，{1} 记录）。原因：{2}", "disputed on {0} (recorded by {1}). Reason: {2}";
    SignoffResolvedAccepted => "县局已处理（{0}）：接受，更正为 {1} 元。理由：{2}", "resolved by the county on {0}: accepted, corrected to {1} yuan. Reason: {2}";
    SignoffResolvedRejected => "县局已处理（{0}）：驳回，按系统金额兑现。理由：{1}", "resolved by the county on {0}: rejected, paid as computed. Reason: {1}";
    SignoffOverdue => "逾期未签字：应于 {0} 前签字，已逾期 {1} 天", "OVERDUE: not signed; it was due by {0} ({1} days ago)";
    SignoffNotYet => "尚未签字，请于 {0} 前签字", "not signed yet; sign by {0}";
    HeaderYuan => "{0}（元）", "{0} (yuan)";
    HeaderProjected => "{0}（预测）", "{0} (projected)";
    HeaderYuanProjected => "{0}（元，预测）", "{0} (yuan, projected)";
    HeaderPerDay => "{0}（笔）", "{0}";
    ReportHeadingProjected => "{0} 月报：预测至月末（数据截至 {1}，本月还剩 {2} 天）", "{0}: projected to the month's end (figures to {1}, days left in the month: {2})";
    ReportHeadingWhole => "{0} 月报：全月实际数据（截至 {1}）", "{0}: the whole month's actual figures (to {1})";
    ReportContestPool => "站点竞赛奖金池（季度考核）：{0} 元", "Station contest pool (quarterly withholding): {0} yuan";
    ReportAsOfOutside => "--as-of {0} 不在 {1} 月内", "--as-of {0} is outside the month {1}";
    StatementsNeedOutput => "--statements 为每个站点写一个文件：请用 --output 指定文件夹", "--statements writes one file per station: name the folder with --output DIR";
    XlsxNeedsOutput => "--format xlsx 写出工作簿：请用 --output 文件名.xlsx 指定文件", "--format xlsx writes a workbook: name the file with --output FILE.xlsx";
    ReportWritten => "{0}：{1} 的报表", "{0}: report for {1}";
    NoDataForMonth => "{0} 没有数据：数据库中没有这个月的业务数据（{1}）", "no data for {0}: the database holds no figures of that month ({1})";
    NoDataHeld => "有数据的月份：{0} 至 {1}", "it holds {0} to {1}";
    NoDataAtAll => "数据库中还没有任何业务数据，请先导入或同步", "it holds no figures at all yet: import or sync first";
    PersonNotInDatabase => "数据库中没有人员 {0}", "{0} is not a person in the database";
    PersonNoStations => "{0} 在 {1} 没有站点，没有确认单可写", "{0} has no stations in {1}: no statement to write";
    StatementsCollide => "两个站点的确认单都会写成 {0}", "two stations' statements would both be {0}";
    StatementsWritten => "{0}：已写入 {2} 的奖励确认单 {1} 份", "{0}: {1} statements for {2}";
    StatementsOverdue => "其中 {0} 份逾期未签字（应于次月12日前签字）", "{0} of them overdue: not signed by the 12th";
    StatementsDisputed => "其中 {0} 份有异议，原因写在确认单上", "{0} of them disputed; the reasons are on the statements";
    LabelValue => "{0}：{1}", "{0}: {1}";
    BasisPerPaymentOne => "{0} 笔 × {1} 元/笔", "{0} payment × {1} yuan each";
    NoteRefusedBecause => "被拒：{0}", "refused: {0}";
    NoteLocal => "演示（不上传）", "demo (never sent)";
    NoteAuthor => "作者", "author";
    NoteVisited => "走访日期", "visited";
    NoteVersion => "版本", "version";
    NoteText => "内容", "text";
    NotesCountOne => "共 {0} 条记录，{1} 条待上传", "{0} note, {1} waiting to be sent";
    NotesCountMany => "共 {0} 条记录，{1} 条待上传", "{0} notes, {1} waiting to be sent";
    UserRevokeWhom => "请用 --person 工号 或 --token 令牌 指定", "give --person ID or --token TOKEN";
    UserTokenHash => "令牌摘要", "token hash";
    UserCreated => "建立时间", "created";
    UserRevoked => "作废时间", "revoked";
    DemoExists => "{0} 已经存在；演示数据只写入新的数据库。请用 --db 指定另一个文件，或加 --force 替换它", "{0} already exists; the demo fills a new database. Use --db to name another file, or --force to replace it";
    DemoMade => "{0}：演示县（演示数据），{1} 个支局、{2} 人、{3} 个站点，每日数据 {4} 至 {5}，走访记录 {6} 条", "{0}: demo county (演示数据) with {1} branches, {2} people, {3} stations, daily figures {4} to {5}, {6} visit notes";
    CalcStdin => "无法以 UTF-8 读取标准输入：{0}", "cannot read standard input as UTF-8: {0}";
    DemoCannotMove => "无法移动旧的演示数据库 {0}：{1}", "cannot move the old demo database {0}: {1}";
    CannotMove => "无法把 {0} 移到 {1}：{2}", "cannot move {0} to {1}: {2}";
    DashboardFailed => "工作台出错：{0}", "the dashboard: {0}";
    ServeFailed => "bianmin serve --db {0}：{1}", "bianmin serve --db {0}: {1}";
    // dashboard (issues 9 and 11): words for people on every screen, the
    // to-do calendar, notes in full, drafts, month limits, sign-offs.
    DashAllSigned => "{0} 奖励确认单已全部签字", "every statement of {0} is signed";
    DashAllValid => "全部站点已有效", "every station is valid";
    DashAmountLoading => "正在计算金额…", "working out the amount…";
    DashAmountToSign => "金额", "amount";
    DashAuthor => "填写人", "author";
    DashBarDistance => "距达标：还差 {0} 元或 {1} 笔", "to the bar: {0} yuan or {1} payments more";
    DashBasisEach => "{0} 笔 × {1} 元/笔", "{0} × {1} yuan each";
    DashBasisShare => "{0} 元 × {1}%", "{0} yuan × {1}%";
    DashBenchmarksPerDay => "点均日交易 {0} · {1} 笔", "per station and day: {0} in {1} payments";
    DashCalendarTab => "日历待办", "Calendar";
    DashColStations => "站点数", "stations";
    DashColValid => "有效", "valid";
    DashCommsFee => "通讯费 {0} 由邮政承担（不计入现金奖励）", "comms fee {0} paid by the post office (not cash)";
    DashContestPool => "站点竞赛奖金池 {0}", "station contest pool {0}";
    DashDiscard => "放弃", "discard";
    DashDiscardQuestion => "放弃已写的内容？ y 放弃 · n 继续编辑", "Discard what you wrote? y discard · n keep writing";
    DashDisputeQuestion => "{0} 奖励确认单有异议：请写明原因（Enter 记录）", "The statement of {0} is disputed: say why (Enter records it)";
    DashReasonSaid => "：{0}", ": {0}";
    DashDisputeAccepted => "接受，更正为 {0}", "accepted, corrected to {0}";
    DashDisputeRejected => "驳回", "rejected";
    DashCountyAnswered => " · 县局已处理：{0}（{1}）", " · the county answered: {0} ({1})";
    DashDisputeSaved => "异议已记录", "dispute recorded";
    DashSheetSignTitle => "支局奖励表签字", "Branch sheet sign-off";
    DashSheetDisputeTitle => "支局奖励表有异议", "Branch sheet disputed";
    DashSheetSignQuestion => "{0} 支局奖励表（奖励池、2:8分配、扣罚）：本人已核对无误并签字？", "The branch sheet of {0} (pool, 2:8 split, penalty): checked and signed by you?";
    DashSheetDisputeQuestion => "{0} 支局奖励表有异议：请写明原因（Enter 记录）", "The branch sheet of {0} is disputed: say why (Enter records it)";
    DashSheetColumn => "{0}签字", "{0} sign-off";
    DashSheetNotOnIt => "您不在 {0} 的奖励表上：由支局长和本支局维护人员签字", "you are not on the sheet of {0}: its manager and maintainers sign it";
    DashYourNet => "本人净额", "your net";
    DashDisputesOpen => "待处理异议 {0} 件", "{0} open disputes";
    DashDisputeLine => "{0}：{1}", "{0}: {1}";
    DashDraftFrom => "上次有一条未保存的走访记录（{0}，{1}）：", "A visit note was left unsaved ({0}, {1}):";
    DashDraftNotKept => "草稿未能保存：{0}", "the draft could not be kept: {0}";
    DashDraftTitle => "未保存的走访记录", "Unsaved visit note";
    DashDueBy => "{0}前", "by {0}";
    DashDueOverdue => "逾期{0}天", "{0} d late";
    DashDueToday => "今天", "today";
    DashFreshActual => "数据截至 {0} · 整月实际", "figures to {0} · the whole month, actual";
    DashFreshProjected => "数据截至 {0} · 本月还剩 {1} 天 · 奖励为预测至月末", "figures to {0} · days left: {1} · rewards projected to month end";
    DashKeySign => "签字确认", "sign";
    DashKeyDispute => "有异议", "dispute";
    DashBranchTab => "支局", "Branch";
    DashKeyScreens => "站点/支局/走访/日历/今日计划", "stations/branch/visits/calendar/today";
    DashPlanMore => "另有 {0} 个站点值得走访", "more stations worth a visit: {0}";
    DashPlanTab => "今日计划", "Today";
    DashPlanTitle => "今日走访计划 {0}", "Today's visits {0}";
    DashPlanCounty => "县局视图没有走访计划；请以维护人员或支局长身份打开（--as 工号）", "the county view has no visit plan; open as a maintainer or a manager (--as ID)";
    DashPlanMaking => "正在制定今日计划…", "making today's plan…";
    DashClosingTitle => "补足计划差额", "Closing the shortfall";
    DashCandidateSaves => "单独达标免罚 {0} · 维护奖励至少 {1}", "on its own saves {0} · maintenance at least {1}";
    DashKeepWriting => "继续编辑", "keep writing";
    DashLoading => "载入中", "loading";
    DashMaintenanceLine => "维护奖励（归支局）{0} = 基础 {1} + 业务提成 {2}", "maintenance (to the branch) {0} = base {1} + commission {2}";
    DashMissedBothLastMonth => "上月代收、分销计划均未完成（连续未完成将列入退出预警）", "missed both plans last month (months in a row put it on the exit watchlist)";
    DashMonthActual => "整月：缴费 {0} 笔 · 有效刷卡 {1} 笔", "the month: {0} payments · {1} valid card";
    DashMonthProjected => "预测至月末：缴费 {0} 笔 · 有效刷卡 {1} 笔", "projected to month end: {0} payments · {1} valid card";
    DashMoreLines => "(+{0}行)", "(+{0} lines)";
    DashMoreLinesShort => "+{0}行", "+{0}";
    DashNeedsHeader => "每天还需", "needed a day";
    DashNeedsNothing => "已够有效站点标准（本月还剩 {0} 天）", "enough for a valid station (days left: {0})";
    DashNeedsPayments => "缴费{0}", "{0} pay";
    DashNeedsCard => "刷卡{0}", "{0} card";
    DashSplitYuan => "2:8分配（元）", "2:8 split (yuan)";
    DashNewStation => "新站：装机后首月", "new: the first month after installation";
    DashNoData => "{0} 没有数据", "no figures for {0}";
    DashNoEarlierMonth => "没有更早的数据（最早 {0}）", "no earlier figures (the first month is {0})";
    DashNoLaterMonth => "没有更晚的数据（最晚 {0}）", "no later figures (the last month is {0})";
    DashNoMatch => "无匹配", "no match";
    DashNoStations => "没有站点", "no stations";
    DashNothingDue => "近期没有待办事项", "nothing due soon";
    DashOffline => "连不上县局服务器，正离线工作（数据没有丢失）", "cannot reach the county server; working offline (nothing was lost)";
    DashOverdue => "未签字，已逾期（{0} 截止）", "not signed, overdue (due {0})";
    DashPayoutOf => "{0} 奖励兑现进度", "payout of {0}";
    DashPlanMet => "已完成计划", "plan met";
    DashPoolLine => "维护奖励 {0} + 有效站点奖励 {1} = 奖励合计 {2}", "maintenance {0} + valid-station reward {1} = pool {2}";
    DashAmountsInYuan => "金额单位：元", "amounts in yuan";
    DashQuarterPending => "季末（按目前情况）：返还 {0}，转入站点竞赛 {1}", "at the quarter's end, as it stands: {0} paid back, {1} to the station contest";
    DashQuarterSettled => "本季结算：返还 {0}，转入站点竞赛 {1}", "quarter settled: {0} paid back, {1} to the station contest";
    DashReasonNeeded => "请写明异议的原因", "say why the statement is disputed";
    DashRewardActual => "奖励(元)", "reward (yuan)";
    DashRewardProjected => "预计奖励(元)", "projected (yuan)";
    DashScroll => "滚动", "scroll";
    DashShortBy => "还差 {0} 个有效站点，扣罚 {1}", "{0} valid stations short, penalty {1}";
    DashSignBy => "未签字（{0} 前签字）", "not signed (sign by {0})";
    DashSignQuestion => "{0} 奖励确认单：站点已核对无误并签字？", "The statement of {0}: checked and signed by the station?";
    DashSoFarLine => "目前（截至 {0}）：缴费 {1} 笔 · 有效刷卡 {2} 笔", "so far (to {0}): {1} payments · {2} valid card";
    DashStatementOf => "{0} 奖励确认单：", "statement of {0}: ";
    DashStationRewardProjected => "站点奖励（预计）", "station reward (projected)";
    DashStationSearchHint => "输入名称、编码或拼音首字母查找", "type a name, code or pinyin initials";
    DashSyncDone => "同步完成：上传 {0}，下载 {1}", "synced: {0} sent, {1} received";
    DashSyncRefused => "，被拒 {0}", ", {0} refused";
    DashTodoAtRisk => "有风险 {0}：{1}", "at risk {0}: {1}";
    DashTodoDisputed => "{0} 确认单有异议：{1}", "statement of {0} disputed: {1}";
    DashTodoFollowUp => "跟进 {0}：{1}", "follow up {0}: {1}";
    DashTodoSign => "{0} 确认单待签字：{1}", "statement of {0} to sign: {1}";
    DashTodoTitle => "待办", "To do";
    DashUnknownAs => "{1} 中没有工号为 {0} 的人员；请检查 --as（维护人员或支局长的工号，县局用 county）", "{1} has no person {0}; check --as (a maintainer's or manager's id, or county)";
    DashUnknownPerson => "配置文件中的 {0} 不在数据库中，请选择您的身份", "{0} from the config file is not in the database; choose who you are";
    DashUnsignedDue => "{0} 奖励确认单：还有 {1} 个站点未签字（{2} 前）", "statements of {0}: {1} still to sign (by {2})";
    DashUnsignedOverdue => "{0} 奖励确认单：{1} 个站点未签字，已逾期（{2} 截止）", "statements of {0}: {1} unsigned, overdue (due {2})";
    DashValidOfPlan => "有效站点 {0} 个（共 {1} 个站点）· 计划 {2} 个", "valid stations {0} (of {1}) · plan {2}";
    DashWithheld => "季度考核：本月扣留 {0} · 应付 {1}", "quarterly withholding: {0} kept back · payable {1}";
    DashWithholdingBar => "达标线 {0} 元或 {1} 笔；本月 {2} 元、{3} 笔", "the bar: {0} yuan or {1} payments; this month {2} yuan in {3}";
    // PostgreSQL county database (postgres helper).
    PgUrlBad => "{0} 不是 PostgreSQL 地址（postgres://用户@主机:端口/数据库名）：{1}", "{0} is not a PostgreSQL address (postgres://user@host:port/name): {1}";
    PgUrlNoDatabase => "{0} 没有写数据库名：在末尾加上 /数据库名", "{0} names no database: add /NAME at its end";
    PgConnect => "无法连接 {0}：{1}", "cannot connect to {0}: {1}";
    PgDemoNotEmpty => "{0} 里已有站点或走访记录；演示数据只写入空数据库{1}", "{0} already holds stations or notes; the demo fills an empty database{1}";
    PgDemoNoForce => "（PostgreSQL 数据库不会被 --force 清空：请自行删除并重建）", " (--force does not empty a PostgreSQL database: drop and create it yourself)";
    NotOnPostgres => "{0} 是 PostgreSQL 数据库；这个命令只用于 SQLite 数据库文件。PostgreSQL 上可用: serve、import、user、report、note list、demo", "{0} is a PostgreSQL database; this command works on SQLite database files only. On PostgreSQL: serve, import, user, report, note list, demo";
    // perf-pull3 (issue 14): a pulled row the laptop refuses, a category that is no policy id.
    StorePulledBadValue => "服务器发来的 {0}.{1} 不正确：{2}（{3}）。这一页没有写入，请联系县局检查服务器数据。", "the server sent a bad {0}.{1}: {2} ({3}); nothing of that page was stored: ask the county to check the server's data";
    StoreBadDay => "{0} 不是日期（年-月-日，例如 2026-11-05）", "{0} is not a date (YYYY-MM-DD, as 2026-11-05)";
    StoreBadCategory => "{0} 不是缴费类别编号（小写字母、数字和 _，以字母开头）", "{0} is not a payment category id (lower-case letters, digits and _, starting with a letter)";
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

/// Why the server refused a record, in words.
pub fn refusal_text(refusal: &crate::wire::Refusal, lang: Lang) -> String {
    use crate::wire::RefusalCode::*;
    let text = match refusal.code {
        OutOfScope => Text::RefusedOutOfScope,
        NotTheAuthor => Text::RefusedNotTheAuthor,
        AuthorChanged => Text::RefusedAuthorChanged,
        NotTheEditor => Text::RefusedNotTheEditor,
        RecordMoved => Text::RefusedRecordMoved,
        TimeAhead => Text::RefusedTimeAhead,
        AlreadySigned => Text::RefusedAlreadySigned,
        AlreadySignedBranch => Text::RefusedAlreadySignedBranch,
        NotASigner => Text::RefusedNotASigner,
        CountyOnly => Text::RefusedCountyOnly,
        AlreadyResolved => Text::RefusedAlreadyResolved,
        UnknownDispute => Text::RefusedUnknownDispute,
        Invalid => Text::RefusedInvalid,
        ServerError => Text::RefusedServerError,
        TooLarge => Text::RefusedTooLarge,
    };
    // A signer's role travels as its code; it is said in words here.
    let role_word = |arg: &String| match arg.as_str() {
        "manager" => Text::Manager.get(lang).to_string(),
        "maintainer" => Text::Maintainer.get(lang).to_string(),
        other => other.to_string(),
    };
    let words: Vec<String> = refusal
        .args
        .iter()
        .enumerate()
        .map(|(i, a)| {
            if refusal.code == NotASigner && i == 1 {
                role_word(a)
            } else {
                a.clone()
            }
        })
        .collect();
    let args: Vec<&dyn std::fmt::Display> = words.iter().map(|a| a as &dyn std::fmt::Display).collect();
    fill(text.get(lang), &args)
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

    /// The `{0}`, `{1}` … a template holds.
    fn placeholders(template: &str) -> std::collections::BTreeSet<usize> {
        let mut found = std::collections::BTreeSet::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            rest = &rest[open + 1..];
            if let Some(close) = rest.find('}') {
                if let Ok(i) = rest[..close].parse::<usize>() {
                    found.insert(i);
                }
            }
        }
        found
    }

    #[test]
    fn every_text_has_both_languages() {
        assert!(Text::ALL.len() > 400, "the table lists every text");
        let mut missing = Vec::new();
        for text in Text::ALL {
            for lang in [Lang::Zh, Lang::En] {
                if text.get(lang).trim().is_empty() {
                    missing.push(format!("{text:?} has no {lang:?}"));
                }
            }
            // A template fills the same values in both languages.
            let (zh, en) = (placeholders(text.get(Lang::Zh)), placeholders(text.get(Lang::En)));
            if zh != en {
                missing.push(format!("{text:?}: Chinese fills {zh:?}, English {en:?}"));
            }
        }
        assert!(missing.is_empty(), "{}", missing.join("\n"));
        assert_eq!(Lang::parse("zh"), Some(Lang::Zh));
        assert_eq!(Lang::parse("fr"), None);
    }

    #[test]
    fn the_chinese_of_a_text_is_chinese() {
        // A text whose Chinese has no Chinese character was left in English
        // (codes and units such as "R14" or "%" excepted by length).
        let chinese = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c) || "：，。（）、".contains(c);
        let untranslated: Vec<String> = Text::ALL
            .iter()
            .filter(|t| {
                let zh = t.get(Lang::Zh);
                zh.chars().filter(|c| c.is_ascii_alphabetic()).count() > 3 && !zh.chars().any(chinese)
            })
            .map(|t| format!("{t:?}"))
            .collect();
        assert!(untranslated.is_empty(), "{}", untranslated.join(", "));
    }

    #[test]
    fn templates_fill_in_any_order_and_leave_strange_braces_alone() {
        assert_eq!(fill("{1}的{0}", &[&"奖励", &"站点"]), "站点的奖励");
        assert_eq!(fill("{0} of {1}", &[&3, &"30"]), "3 of 30");
        assert_eq!(fill("{x} {9} {", &[&1]), "{x} {9} {");
    }
}
