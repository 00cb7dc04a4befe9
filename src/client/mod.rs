//! Sync with the county server, the laptop's side: learn whose token this
//! is, push the outbox, then pull what changed, page by page. `sync_once`
//! is what `bianmin sync` and the dashboard's background thread call; it
//! opens its own connection to the database, so it may run beside the
//! dashboard's.
//!
//! Exactly once, whatever the network or the power does:
//! - a pushed record is marked sent only after the server answered for it,
//!   and the server merges what it receives (a repeat changes nothing);
//! - a pulled page and the cursor after it are stored in one transaction,
//!   so an interrupted pull resumes after the last page stored.
//!
//! docs/SYNC.md describes the protocol and how a county runs the server.

pub mod backoff;
pub mod http;

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

pub use backoff::Backoff;
pub use http::{check_server_url, Client};

use crate::i18n::{tr, trf, Text};
use crate::store::laptop::apply::check_pulled_days;
use crate::store::laptop::{Checkpointer, PulledTotals, Rejection};
use crate::store::{Store, StoreError};
use crate::wire::{Me, PullPage, PushOutcome, DEFAULT_PAGE_ROWS, MAX_CLOCK_AHEAD_SECONDS, MAX_PUSH_RECORDS};

/// What is wrong with a server address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlProblem {
    NotAnAddress,
    /// `http://` to another computer: only HTTPS leaves this one.
    PlainHttp,
    /// Neither http:// nor https://.
    Scheme,
}

/// Why the server could not be reached, in terms a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetProblem {
    Refused,
    TimedOut,
    NoSuchHost,
    Certificate,
    Reset,
    /// The answer stopped in the middle.
    BrokeOff(String),
    Other(String),
}

impl std::fmt::Display for NetProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NetProblem::Refused => f.write_str(tr(Text::NetRefused)),
            NetProblem::TimedOut => f.write_str(tr(Text::NetTimedOut)),
            NetProblem::NoSuchHost => f.write_str(tr(Text::NetNoSuchHost)),
            NetProblem::Certificate => f.write_str(tr(Text::NetCertificate)),
            NetProblem::Reset => f.write_str(tr(Text::NetReset)),
            NetProblem::BrokeOff(detail) => f.write_str(&trf(Text::NetBrokeOff, &[detail])),
            NetProblem::Other(detail) => f.write_str(&trf(Text::NetOther, &[detail])),
        }
    }
}

/// "2 h 5 min", "3 min", "2 小时 5 分".
fn duration_words(seconds: i64) -> String {
    let minutes = (seconds.max(0) + 59) / 60;
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => trf(Text::DurationMinutes, &[&m]),
        (h, 0) => trf(Text::DurationHours, &[&h]),
        (h, m) => trf(Text::DurationHoursMinutes, &[&h, &m]),
    }
}

/// Why a sync did not finish. Nothing the server had not acknowledged is
/// lost: the outbox keeps it, and the pull resumes from its cursor. Said
/// in the process's language (`i18n::set_current`).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{}", match problem {
        UrlProblem::NotAnAddress => trf(Text::SyncBadUrl, &[url]),
        UrlProblem::PlainHttp => trf(Text::SyncPlainHttp, &[url]),
        UrlProblem::Scheme => trf(Text::SyncScheme, &[url]),
    })]
    BadServerUrl { url: String, problem: UrlProblem },
    #[error("{}", trf(Text::SyncUnreachable, &[server, problem]))]
    Unreachable { server: String, problem: NetProblem },
    /// 502/503/504: the server (or the proxy before it) is busy or away.
    #[error("{}", trf(Text::SyncBusy, &[server, status]))]
    ServerBusy {
        server: String,
        status: u16,
        retry_after: Option<u64>,
    },
    #[error("{}", trf(Text::SyncRedirected, &[server, to]))]
    Redirected { server: String, to: String },
    #[error("{}", trf(Text::SyncUnauthorized, &[message]))]
    Unauthorized { message: String },
    #[error("{}", trf(Text::SyncServerError, &[status, message]))]
    Server { status: u16, message: String },
    #[error("{}", trf(Text::SyncProtocol, &[.0]))]
    Protocol(String),
    #[error("{}", trf(Text::SyncClockAhead, &[&duration_words(*by_seconds)]))]
    ClockAhead { by_seconds: i64 },
    #[error("{}", trf(Text::SyncDemoDatabase, &[path]))]
    DemoDatabase { path: String },
    #[error("{}", trf(Text::SyncServerDatabase, &[path]))]
    ServerDatabase { path: String },
    #[error("{}", tr(Text::SyncNoToken))]
    NoToken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncError {
    /// The server could not be reached, or is busy or away: the dashboard
    /// shows "offline" and tries again with backoff.
    pub fn is_offline(&self) -> bool {
        matches!(self, SyncError::Unreachable { .. } | SyncError::ServerBusy { .. })
    }
}

/// Points of a sync at which `SyncOptions::checkpoint` is called: for
/// progress, and for tests that stop the process at a known point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checkpoint {
    /// The server answered push batch n (1-based); not yet marked here.
    PushAcked(u64),
    /// Push batch n is marked sent here.
    PushCommitted(u64),
    /// Pull page n arrived; not yet stored.
    PullReceived(u64),
    /// Pull page n and its cursor are stored.
    PullCommitted(u64),
}

impl Checkpoint {
    /// Reads `push-acked:2`, `pull-committed:1`, … (the test hook
    /// `BIANMIN_TEST_PAUSE` of `bianmin sync`).
    pub fn parse(text: &str) -> Option<Checkpoint> {
        let (name, n) = text.trim().split_once(':')?;
        let n: u64 = n.parse().ok()?;
        Some(match name {
            "push-acked" => Checkpoint::PushAcked(n),
            "push-committed" => Checkpoint::PushCommitted(n),
            "pull-received" => Checkpoint::PullReceived(n),
            "pull-committed" => Checkpoint::PullCommitted(n),
            _ => return None,
        })
    }
}

/// How a sync runs; `Default` is what `sync_once` uses.
pub struct SyncOptions {
    /// Rows a pull page holds at most.
    pub page_rows: u32,
    /// Records a push batch holds at most.
    pub batch_records: usize,
    /// About how many bytes of JSON a push batch holds at most.
    pub batch_bytes: usize,
    /// Called at each checkpoint, on the calling thread.
    pub checkpoint: Option<Box<dyn Fn(Checkpoint) + Send + Sync>>,
    /// Ask for compressed answers: `None` unless the server is on this
    /// computer (`http::Client::with_options`).
    pub compress: Option<bool>,
}

impl Default for SyncOptions {
    fn default() -> SyncOptions {
        SyncOptions {
            page_rows: DEFAULT_PAGE_ROWS,
            batch_records: 500,
            batch_bytes: 1 << 20,
            checkpoint: None,
            compress: None,
        }
    }
}

impl SyncOptions {
    fn reached(&self, at: Checkpoint) {
        if let Some(f) = &self.checkpoint {
            f(at);
        }
    }
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub server: String,
    /// Records the server acknowledged (stored, or already had).
    pub pushed: u64,
    /// Of those, repeats the server already had.
    pub repeats: u64,
    pub push_batches: u64,
    /// Records the server refused, with its reasons; set aside here.
    pub rejected: Vec<Rejection>,
    /// Rows pulled (registry, plans, facts, notes, sign-offs, deletions).
    pub pulled_rows: u64,
    pub pull_pages: u64,
    /// The server revision this laptop now holds everything up to.
    pub cursor: i64,
    /// The pull started over from the beginning (another server, or the
    /// token's scope changed).
    pub pull_restarted: bool,
    /// A large pull: more than one page, written without the triggers,
    /// the month totals set aside, the facts' indexes other than their keys
    /// dropped for good.
    pub bulk: bool,
    /// A large pull into a replica without daily facts: the month totals
    /// were summed from the pulled rows, not read back from the tables.
    pub totals_from_pull: bool,
    pub push_time: Duration,
    pub pull_time: Duration,
    pub elapsed: Duration,
    /// Whose token this is, as the server said (kept in the database).
    pub identity: Option<Me>,
}

/// Whether the server answers (`GET /api/v1/health`, no token): for the
/// dashboard to sync as soon as the server is back. Touches no database.
pub fn health(server: &str) -> Result<crate::wire::Health, SyncError> {
    Client::new(server, "")?.health()
}

/// One sync of the database at `db_path` with `server`: push, then pull.
/// The outcome is also written to the database's sync state (last
/// success, last attempt, last error, offline since).
pub fn sync_once(db_path: &Path, server: &str, token: &str) -> Result<SyncReport, SyncError> {
    sync_with(db_path, server, token, &SyncOptions::default())
}

/// `sync_once` with options.
pub fn sync_with(db_path: &Path, server: &str, token: &str, options: &SyncOptions) -> Result<SyncReport, SyncError> {
    let mut store = Store::open(db_path)?;
    let refused = if store.is_demo()? {
        Some(SyncError::DemoDatabase {
            path: db_path.display().to_string(),
        })
    } else if store.is_server()? {
        Some(SyncError::ServerDatabase {
            path: db_path.display().to_string(),
        })
    } else if token.trim().is_empty() {
        Some(SyncError::NoToken)
    } else {
        None
    };
    if let Some(err) = refused {
        let _ = store.record_sync_failure(server, &err.to_string(), false, Utc::now());
        return Err(err);
    }
    let started = Instant::now();
    // Month totals a killed pull may have left aside (see `pull`).
    store.resume_month_totals()?;
    let result = Client::with_options(
        server,
        token,
        http::CONNECT_TIMEOUT,
        http::ANSWER_TIMEOUT,
        options.compress,
    )
    .and_then(|client| run(&mut store, &client, options));
    match result {
        Ok(mut report) => {
            report.elapsed = started.elapsed();
            store.record_sync_success(&report.server, Utc::now())?;
            Ok(report)
        }
        Err(err) => {
            // The error is what matters; a failure to note it is not.
            let _ = store.record_sync_failure(server.trim(), &err.to_string(), err.is_offline(), Utc::now());
            Err(err)
        }
    }
}

/// How far this computer's clock runs ahead of the server's, in seconds
/// (negative: behind), from the server's time in an answer.
pub fn clock_ahead(server_time: Option<&str>, now: DateTime<Utc>) -> Option<i64> {
    let server = DateTime::parse_from_rfc3339(server_time?).ok()?.with_timezone(&Utc);
    Some((now - server).num_seconds())
}

fn run(store: &mut Store, client: &Client, options: &SyncOptions) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport {
        server: client.server().to_string(),
        ..SyncReport::default()
    };
    // Who the token belongs to, and the server's clock: a laptop whose
    // clock runs ahead would stamp records the server must refuse, so it
    // says so before sending anything (records already stamped ahead are
    // brought back to the time they are sent, once the clock is right).
    let me = client.me()?;
    if let Some(ahead) = clock_ahead(me.server_time.as_deref(), Utc::now()) {
        if ahead > MAX_CLOCK_AHEAD_SECONDS {
            return Err(SyncError::ClockAhead { by_seconds: ahead });
        }
    }
    store.set_identity(&me, client.server())?;
    report.identity = Some(me);
    let t = Instant::now();
    push(store, client, options, &mut report)?;
    report.push_time = t.elapsed();
    let t = Instant::now();
    pull(store, client, options, &mut report)?;
    report.pull_time = t.elapsed();
    Ok(report)
}

fn push(store: &mut Store, client: &Client, options: &SyncOptions, report: &mut SyncReport) -> Result<(), SyncError> {
    let mut max_records = options.batch_records.clamp(1, MAX_PUSH_RECORDS);
    loop {
        let batch = store.outbox_batch(max_records, options.batch_bytes.max(1), Utc::now())?;
        if batch.records.is_empty() {
            if !batch.orphans.is_empty() {
                store.settle_outbox(&batch, &[], Utc::now())?;
            }
            return Ok(());
        }
        let answer = match client.push(&batch.records) {
            Ok(answer) => answer,
            Err(SyncError::Server { status: 413, .. }) if batch.records.len() > 1 => {
                max_records = batch.records.len() / 2;
                continue;
            }
            Err(SyncError::Server { status: 413, message }) => {
                // One record larger than the server takes: set it aside.
                let rejection = store.set_aside(&batch.outbox_ids[0], &batch.records[0], &message, Utc::now())?;
                report.rejected.push(rejection);
                continue;
            }
            Err(e) => return Err(e),
        };
        let results = answer.results;
        let matches = results.len() == batch.records.len()
            && results.iter().zip(&batch.records).all(|(r, rec)| r.uuid == rec.uuid());
        if !matches {
            return Err(SyncError::Protocol(format!(
                "push: {} results for {} records, or in another order",
                results.len(),
                batch.records.len()
            )));
        }
        report.push_batches += 1;
        options.reached(Checkpoint::PushAcked(report.push_batches));
        let rejected = store.settle_outbox(&batch, &results, Utc::now())?;
        report.pushed += results.iter().filter(|r| r.outcome != PushOutcome::Rejected).count() as u64;
        report.repeats += results.iter().filter(|r| r.outcome == PushOutcome::Unchanged).count() as u64;
        report.rejected.extend(rejected);
        options.reached(Checkpoint::PushCommitted(report.push_batches));
    }
}

/// Why a run of pages stopped.
enum PullEnd {
    Done,
    /// The cursor belongs to another server or scope: start over.
    Restart,
}

fn pull(store: &mut Store, client: &Client, options: &SyncOptions, report: &mut SyncReport) -> Result<(), SyncError> {
    store.keep_pull_statements();
    store.set_pull_foreign_keys(false)?;
    // The month totals of a large pull into an empty replica, summed from
    // its rows as they pass (`PulledTotals`).
    let mut pulled = None;
    // A large pull's pages copied into the file beside it (`Checkpointer`).
    let mut checkpointer = None;
    let result = (|| {
        for _ in 0..3 {
            match pull_pages(store, client, options, report, &mut pulled, &mut checkpointer)? {
                PullEnd::Done => return Ok(()),
                PullEnd::Restart => {
                    store.reset_pull()?;
                    report.pull_restarted = true;
                    pulled = None;
                }
            }
        }
        Err(SyncError::Protocol(
            "the server's identity or the token's scope kept changing during the pull; try again".into(),
        ))
    })();
    let _ = store.set_pull_foreign_keys(true);
    let restored = store
        .set_pull_triggers(true)
        .and_then(|()| store.resume_month_totals_with(pulled.as_ref().filter(|_| result.is_ok())))
        .map(|summed| report.totals_from_pull = summed);
    if let Some(c) = checkpointer {
        c.finish();
    }
    if report.bulk {
        let _ = store.end_bulk_pull_wal();
    }
    result?;
    Ok(restored?)
}

/// What the thread behind the writer is handed: written pages to sum (for
/// a large pull into an empty replica) and free.
enum Written {
    /// A large pull into an empty replica begins: sum its pages.
    StartSumming(Box<PulledTotals>),
    Page(Box<PullPage>),
}

/// The work behind the writer: the written pages to sum and free, and the
/// thread copying them into the database file.
struct AfterWrite<'a> {
    written: &'a mpsc::Sender<Written>,
    checkpointer: &'a mut Option<Checkpointer>,
}

/// Pulls pages from the cursor on: one thread fetches the next page while
/// this one stores the last, and another sums and frees the pages stored.
fn pull_pages(
    store: &mut Store,
    client: &Client,
    options: &SyncOptions,
    report: &mut SyncReport,
    pulled: &mut Option<PulledTotals>,
    checkpointer: &mut Option<Checkpointer>,
) -> Result<PullEnd, SyncError> {
    let position = store.pull_position()?;
    let limit = options.page_rows.max(1);
    let start = position.cursor;
    std::thread::scope(|scope| {
        let (send, receive) = mpsc::sync_channel::<Result<PullPage, SyncError>>(1);
        scope.spawn(move || {
            let mut after = start;
            loop {
                let page = client.pull(after, limit).and_then(calendar_days);
                let last = match &page {
                    Ok(p) => !p.more || p.head < p.after || p.next <= after,
                    Err(_) => true,
                };
                if let Ok(p) = &page {
                    after = p.next;
                }
                if send.send(page).is_err() || last {
                    return;
                }
            }
        });
        // A page's rows are summed and freed on a thread of their own:
        // hundreds of thousands of strings, off the thread that writes the
        // next page.
        let (done, written) = mpsc::channel::<Written>();
        let mut sums = pulled.take();
        let summer = scope.spawn(move || {
            for item in written {
                match item {
                    Written::StartSumming(totals) => sums = Some(*totals),
                    Written::Page(page) => {
                        if let Some(sums) = sums.as_mut() {
                            sums.add_page(&page);
                        }
                    }
                }
            }
            sums
        });
        // The server and scope the stored cursor belongs to.
        let known = (position.server_id, position.scope_key);
        let after_write = AfterWrite {
            written: &done,
            checkpointer,
        };
        let end = write_pages(store, client, options, report, known, receive, after_write);
        drop(done);
        // A panic while summing leaves the totals to be read back.
        *pulled = summer.join().unwrap_or(None);
        end
    })
}

/// `page`, if each of its daily facts is on a calendar day
/// (`store::laptop::apply::check_pulled_days`): checked as it arrives, off
/// the thread that writes.
fn calendar_days(page: PullPage) -> Result<PullPage, SyncError> {
    check_pulled_days(&page)?;
    Ok(page)
}

/// Stores the pages `receive` brings, handing each written page to the
/// work behind the writer (`AfterWrite`).
fn write_pages(
    store: &mut Store,
    client: &Client,
    options: &SyncOptions,
    report: &mut SyncReport,
    mut known: (Option<String>, Option<String>),
    receive: mpsc::Receiver<Result<PullPage, SyncError>>,
    after_write: AfterWrite<'_>,
) -> Result<PullEnd, SyncError> {
    // Dropping `receive` on return stops the fetching thread.
    for page in receive {
        let page = page?;
        report.pull_pages += 1;
        options.reached(Checkpoint::PullReceived(report.pull_pages));
        let other_server = known.0.as_deref().is_some_and(|id| id != page.server_id);
        let other_scope = known.1.as_deref().is_some_and(|key| key != page.scope_key);
        if page.after > 0 && (page.head < page.after || other_server || other_scope) {
            return Ok(PullEnd::Restart);
        }
        if page.more && page.next <= page.after {
            return Err(SyncError::Protocol(format!(
                "pull: the page after {} does not move the cursor",
                page.after
            )));
        }
        if page.more && !report.bulk {
            // More than one page to come: a large pull (the first, or
            // after a long time away). Set first, so that whatever fails
            // below, the end of the pull puts everything back.
            report.bulk = true;
            store.drop_fact_indexes()?;
            if let Some(totals) = store.suspend_month_totals()? {
                let _ = after_write.written.send(Written::StartSumming(Box::new(totals)));
            }
            store.begin_bulk_pull_wal()?;
            // Only time is lost without it: the last checkpoint copies
            // everything then.
            *after_write.checkpointer = store.start_checkpointer().unwrap_or(None);
            store.set_pull_triggers(false)?;
        }
        report.pulled_rows += store.apply_pull_page(&page, client.server())?;
        if let Some(c) = after_write.checkpointer.as_ref() {
            c.wake();
        }
        report.cursor = page.next;
        known = (Some(page.server_id.clone()), Some(page.scope_key.clone()));
        let more = page.more;
        let _ = after_write.written.send(Written::Page(Box::new(page)));
        options.reached(Checkpoint::PullCommitted(report.pull_pages));
        if !more {
            return Ok(PullEnd::Done);
        }
    }
    Err(SyncError::Protocol(
        "pull: the pages stopped before the last one".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_read_back() {
        assert_eq!(Checkpoint::parse("push-acked:2"), Some(Checkpoint::PushAcked(2)));
        assert_eq!(
            Checkpoint::parse(" pull-committed:10 "),
            Some(Checkpoint::PullCommitted(10))
        );
        assert_eq!(Checkpoint::parse("pull-committed"), None);
        assert_eq!(Checkpoint::parse("nap:1"), None);
    }

    #[test]
    fn an_unreachable_or_busy_server_is_offline_and_names_itself() {
        let err = SyncError::Unreachable {
            server: "http://127.0.0.1:9".into(),
            problem: NetProblem::Refused,
        };
        assert!(err.is_offline());
        let text = err.to_string();
        assert!(
            text.contains("127.0.0.1:9") && text.contains("refused") && !text.contains('\n'),
            "{text}"
        );
        assert!(!text.contains("os error"), "{text}");
        let busy = SyncError::ServerBusy {
            server: "https://x".into(),
            status: 503,
            retry_after: Some(5),
        };
        assert!(busy.is_offline());
        assert!(!SyncError::Unauthorized { message: "x".into() }.is_offline());
        assert!(!SyncError::ClockAhead { by_seconds: 7500 }.is_offline());
    }

    #[test]
    fn the_clock_is_compared_with_the_servers() {
        let now = DateTime::parse_from_rfc3339("2026-11-29T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(clock_ahead(Some("2026-11-29T09:00:00.000Z"), now), Some(3600));
        assert_eq!(clock_ahead(Some("2026-11-29T10:00:30Z"), now), Some(-30));
        assert_eq!(clock_ahead(Some("yesterday"), now), None);
        assert_eq!(clock_ahead(None, now), None);
        assert_eq!(duration_words(7500).replace(' ', ""), "2h5min");
    }
}
