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
    // Sync: why the server refused a record ({0}, {1} … are the refusal's values).
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
    // PostgreSQL county database (postgres helper).
    PgUrlBad => "{0} 不是 PostgreSQL 地址（postgres://用户@主机:端口/数据库名）：{1}", "{0} is not a PostgreSQL address (postgres://user@host:port/name): {1}";
    PgUrlNoDatabase => "{0} 没有写数据库名：在末尾加上 /数据库名", "{0} names no database: add /NAME at its end";
    PgConnect => "无法连接 {0}：{1}", "cannot connect to {0}: {1}";
    PgDemoNotEmpty => "{0} 里已有站点或走访记录；演示数据只写入空数据库{1}", "{0} already holds stations or notes; the demo fills an empty database{1}";
    PgDemoNoForce => "（PostgreSQL 数据库不会被 --force 清空：请自行删除并重建）", " (--force does not empty a PostgreSQL database: drop and create it yourself)";
    NotOnPostgres => "{0} 是 PostgreSQL 数据库；这个命令只用于 SQLite 数据库文件。PostgreSQL 上可用: serve、import、user、report、note list、demo", "{0} is a PostgreSQL database; this command works on SQLite database files only. On PostgreSQL: serve, import, user, report, note list, demo";
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
        Invalid => Text::RefusedInvalid,
        ServerError => Text::RefusedServerError,
        TooLarge => Text::RefusedTooLarge,
    };
    let args: Vec<&dyn std::fmt::Display> = refusal.args.iter().map(|a| a as &dyn std::fmt::Display).collect();
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
