//! The command line: clap definitions only; `main` dispatches.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "bianmin",
    version,
    about = "便民 — the convenience-station maintainer's dashboard",
    long_about = "便民 (bianmin): figures, rewards and penalties of China Post's convenience \
                  service stations (便民服务站), computed exactly under the county's policy.\n\n\
                  With no command, bianmin shows this month's figures from the local database; \
                  with no database yet, it first loads the demo county."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct Global {
    /// The database file (default: bianmin.db in the platform data folder).
    #[arg(long, global = true, value_name = "PATH", env = "BIANMIN_DB")]
    pub db: Option<PathBuf>,
    /// Interface language (default: from the locale).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    /// Evaluate under this policy file (default: `policy` in the config file, else the built-in Dezhou policy).
    #[arg(long, global = true, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Who you are (工号), or "county" (default: from the config file; the dashboard asks otherwise).
    #[arg(long = "as", global = true, value_name = "PERSON")]
    pub person: Option<String>,
    /// Do not capture the mouse in the dashboard (lets the terminal select text).
    #[arg(long, global = true)]
    pub no_mouse: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    Zh,
    En,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate one month of facts (JSON, see docs/CALC.md) and print the result as JSON.
    Calc {
        /// The input JSON file, or - for standard input.
        file: String,
    },
    /// The policy in effect, version by version (--policy, else `policy` in the config file, else built-in).
    Policy {
        /// Print the policy's whole TOML instead (to copy and adapt).
        #[arg(long)]
        toml: bool,
    },
    /// Import a source system's export (CSV in UTF-8 or GBK, or XLSX) into the database.
    Import {
        #[arg(value_enum)]
        kind: ImportKindArg,
        /// The file to import (columns: docs/IMPORTS.md).
        file: PathBuf,
    },
    /// Fill a new database with the demo county.
    Demo {
        /// Seed of the demo county (the same seed gives the same county).
        #[arg(long, default_value_t = bianmin::demo::DEFAULT_SEED)]
        seed: u64,
        /// The day the demo treats as today (default: today); facts run to the day before.
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<String>,
        /// Replace an existing database file.
        #[arg(long)]
        force: bool,
    },
    /// The month's stations, branches and people, from the database.
    Report(ReportArgs),
    /// Run the county sync server over the database (docs/SYNC.md).
    Serve {
        /// Address and port to listen on; port 0 picks a free one.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        listen: String,
        /// The largest request body taken, in bytes.
        #[arg(long, value_name = "BYTES", default_value_t = bianmin::server::DEFAULT_MAX_BODY_BYTES)]
        max_body_bytes: usize,
        /// Connections open at once; one more is answered 503 (try later).
        #[arg(long, value_name = "N", default_value_t = 512)]
        max_connections: usize,
        /// Seconds a client has to send a request's headers (and the
        /// longest an idle connection stays open).
        #[arg(long, value_name = "SECONDS", default_value_t = 10)]
        header_timeout: u64,
        /// Milliseconds a push waits for an import to let go of the database
        /// before it is answered 503 (try later).
        #[arg(long, hide = true, value_name = "MS", default_value_t = 10_000)]
        write_wait_ms: u64,
        /// Megabytes of pull pages kept in memory to be sent again to the
        /// next laptop's first pull; 0 keeps none.
        #[arg(long, value_name = "MB", default_value_t = 256)]
        kept_pages_mb: usize,
    },
    /// Sync with the county server: send notes and sign-offs, receive figures.
    Sync(SyncArgs),
    /// The sync server's accounts: a token per maintainer, manager or county clerk.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Visit notes: write one, or list them with their sync state.
    Note {
        #[command(subcommand)]
        action: NoteAction,
    },
    /// Check the city's reward allocation (奖励分配明细) against our figures; exit 1 on any difference.
    Reconcile(ReconcileArgs),
    /// Files for finance, payroll and the SMS platform, for a finished month (docs/PAYOUT.md).
    Export(ExportArgs),
    /// The month's payout steps (R11): where they stand, and recording them done.
    Payout {
        #[command(subcommand)]
        action: PayoutAction,
    },
    /// Sign a month's station statement or branch sheet, or dispute it (R11); synced to the county.
    Signoff {
        #[command(subcommand)]
        action: SignoffAction,
    },
    /// The county's queue of disputes, and resolving them (county only).
    Dispute {
        #[command(subcommand)]
        action: DisputeAction,
    },
    /// The exit watchlist (RULES.md R15): stations that missed both their collection and distribution plans.
    Watchlist(WatchlistArgs),
    /// Today's visit plan (--as PERSON): the stations worth a visit, in route order, each with why; for a branch manager every maintainer's list and the stations that close the plan's shortfall (docs/PLAN.md).
    Plan(PlanArgs),
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The day to plan for (default: today in China time; in the demo, the demo's day). Figures up to the day before count.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// A short printable list, or every station as CSV (columns: docs/PLAN.md).
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Text,
    Csv,
}

#[derive(Debug, Args)]
pub struct WatchlistArgs {
    /// A finished month (default: the last finished month).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    #[arg(long, value_enum, default_value_t = WatchlistFormat::Table)]
    pub format: WatchlistFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WatchlistFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportKindArg {
    Stations,
    Plans,
    Payments,
    Cards,
    Referrals,
    /// People's phone and 绿卡 (人员信息).
    People,
    /// Invoices received per station and month (发票登记).
    Invoices,
    /// Each station's monthly collection and distribution plan (R15).
    StationPlans,
    /// Each station's monthly distribution sales (R15).
    Distribution,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The month (default: the month of the latest figures).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// Figures through this day (default: the last day with figures); earlier than the month's end projects.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// Only this branch.
    #[arg(long, value_name = "ID")]
    pub branch: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// With --format csv: which table.
    #[arg(long, value_enum, default_value_t = SectionArg::Stations)]
    pub table: SectionArg,
    /// Write to this file instead of standard output (required for xlsx).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write one statement per station (R11) into --output (a folder) instead of the report.
    #[arg(long)]
    pub statements: bool,
    /// Statement file format.
    #[arg(long, value_enum, default_value_t = StatementFormat::Html)]
    pub statement_format: StatementFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    Csv,
    Json,
    Xlsx,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SectionArg {
    Stations,
    Branches,
    People,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatementFormat {
    Text,
    Html,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The county server (default: `server` under [sync] in the config file).
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// This laptop's token (default: BIANMIN_TOKEN, else the config file's, else asked for without showing it).
    #[arg(long, value_name = "TOKEN", env = "BIANMIN_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Only show where sync stands (last success, offline since, records waiting).
    #[arg(long)]
    pub status: bool,
    /// Rows per pulled page.
    #[arg(long, hide = true, default_value_t = bianmin::wire::DEFAULT_PAGE_ROWS)]
    pub page_rows: u32,
    /// Records per pushed batch.
    #[arg(long, hide = true, default_value_t = 500)]
    pub batch_records: usize,
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Make a token for a person and print it (once: only its hash is kept).
    Add {
        /// The person (工号), as in the station registry.
        #[arg(long = "person", id = "account_person", value_name = "ID")]
        person: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// For a county account of someone not in the registry: their name.
        #[arg(long)]
        name: Option<String>,
    },
    /// End a person's tokens, or one token.
    #[command(group(clap::ArgGroup::new("whose").required(true).args(["account_person", "token"])))]
    Revoke {
        /// Every token of this person.
        #[arg(long = "person", id = "account_person", value_name = "ID")]
        person: Option<String>,
        /// This one token.
        #[arg(long, value_name = "TOKEN")]
        token: Option<String>,
    },
    /// The accounts (never the tokens).
    List,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Maintainer,
    Manager,
    County,
}

#[derive(Debug, Subcommand)]
pub enum NoteAction {
    /// Write a visit note (queued for the next sync).
    Add(NoteAddArgs),
    /// The notes with their sync state.
    List {
        /// Only this station's.
        #[arg(long, value_name = "ID")]
        station: Option<String>,
        #[arg(long, value_enum, default_value_t = NoteFormat::Table)]
        format: NoteFormat,
    },
}

#[derive(Debug, Args)]
pub struct NoteAddArgs {
    /// The station visited (站点编码).
    #[arg(long, value_name = "ID")]
    pub station: String,
    /// What the visit was about.
    #[arg(long, value_enum)]
    pub kind: NoteKindArg,
    /// The note.
    #[arg(long)]
    pub text: String,
    /// A day to come back.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub follow_up: Option<String>,
    /// The day of the visit (default: today). The author is --as PERSON,
    /// else `person` in the config file.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum NoteKindArg {
    Collection,
    Equipment,
    Promotion,
    Reconciliation,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NoteFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// The city's allocation: CSV (UTF-8, BOM or GBK) or XLSX, columns station code and amount,
    /// optionally person id (工号) and amount (docs/IMPORTS.md).
    pub file: PathBuf,
    /// The reward month the file allocates.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    /// The differences as a table, or as CSV.
    #[arg(long, value_enum, default_value_t = ReconcileFormat::Table)]
    pub format: ReconcileFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReconcileFormat {
    Table,
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(value_enum)]
    pub what: ExportWhat,
    /// The reward month (finished months only).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// CSV encoding: UTF-8 with a BOM (Excel's "CSV UTF-8"), plain UTF-8, or GBK.
    #[arg(long, value_enum, default_value_t = ExportEncoding::Utf8Bom)]
    pub encoding: ExportEncoding,
    /// Write to this file instead of standard output (required for xlsx).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportWhat {
    /// Every station's reward to pay to its 绿卡, or held back with the reason.
    Payments,
    /// Every manager's and maintainer's reward, penalty and net.
    Payroll,
    /// One SMS notice per recipient (and part).
    Sms,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportEncoding {
    #[value(name = "utf8-bom")]
    Utf8Bom,
    Utf8,
    Gbk,
}

#[derive(Debug, Subcommand)]
pub enum PayoutAction {
    /// Where each step of a month's payout stands, whose it is, and what is overdue.
    Status {
        /// The reward month (default: last month, whose payout runs this month).
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<String>,
        /// Take this day as today.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        #[arg(long, value_enum, default_value_t = PayoutFormat::Table)]
        format: PayoutFormat,
    },
    /// Record a step as done (who: --as PERSON, else `person` in the config file).
    Done {
        /// pulled, county_check, stations_signed, branch_sheets_signed, filed, city_audit,
        /// leader_signature, paid or sms_sent.
        step: String,
        /// The reward month.
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        /// What to know about it.
        #[arg(long)]
        note: Option<String>,
        /// Record a step bianmin's data says is not done (needs --note).
        #[arg(long)]
        force: bool,
        /// The day it was done (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
    },
    /// Take back a step recorded by mistake.
    Undo {
        step: String,
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
    },
    /// Record one station's invoice (发票) for a month as received, or not.
    Invoice {
        /// The station (站点编码).
        station: String,
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        /// The invoice is not (or no longer) received.
        #[arg(long)]
        missing: bool,
        /// The invoice number (发票号码).
        #[arg(long, value_name = "NO")]
        number: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PayoutFormat {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum SignoffAction {
    /// A station's statement of a month, as signed (or disputed) at the station.
    Station {
        /// The station (站点编码).
        station: String,
        /// The reward month (default: last month).
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<String>,
        /// Dispute the statement instead of signing it, with the reason.
        #[arg(long, value_name = "REASON")]
        dispute: Option<String>,
    },
    /// A branch sheet (pool, 2:8 split, penalty), signed by its manager or one of its maintainers.
    Branch {
        /// The branch (default: the one whose sheet you are on).
        #[arg(long, value_name = "ID")]
        branch: Option<String>,
        /// The reward month (default: last month).
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<String>,
        /// Dispute the sheet instead of signing it, with the reason.
        #[arg(long, value_name = "REASON")]
        dispute: Option<String>,
        /// The place you sign in (default: the one the registry gives you).
        #[arg(long, value_enum)]
        role: Option<SheetRoleArg>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SheetRoleArg {
    Manager,
    Maintainer,
}

#[derive(Debug, Subcommand)]
pub enum DisputeAction {
    /// The month's disputes: open ones first, oldest first, with the computed figure and any resolution.
    List {
        /// The reward month (default: last month).
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<String>,
        #[arg(long, value_enum, default_value_t = DisputeFormat::Table)]
        format: DisputeFormat,
    },
    /// Resolve a dispute: accept it with the corrected figure, or reject it; with a reason.
    #[command(group(clap::ArgGroup::new("answer").required(true).args(["accept", "reject"])))]
    Resolve {
        /// The disputed sign-off: its uuid, or its unique beginning or end (`dispute list` shows the end).
        uuid: String,
        /// The dispute is right: pay the corrected figure (--amount).
        #[arg(long, requires = "amount")]
        accept: bool,
        /// The dispute is not upheld: pay the computed figure.
        #[arg(long, conflicts_with = "amount")]
        reject: bool,
        /// The corrected figure in yuan: the station's reward, or for a branch sheet the disputing signer's net.
        #[arg(long, value_name = "YUAN", allow_hyphen_values = true)]
        amount: Option<String>,
        /// Why (required).
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DisputeFormat {
    Table,
    Json,
}
