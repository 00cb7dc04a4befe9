//! The county's first pull, kept to be sent again (docs/SYNC.md, "Kept
//! pages").
//!
//! Every first pull of a county token reads the same pages: a county
//! clerk's new laptop asks for 900,000 facts, 23 pages of 40,000, and
//! reading them is most of the server's work (on PostgreSQL, most of the
//! pull's time). So the server keeps the rows of each full page of the
//! county's first pull and sends them again, under a frame read anew, to
//! the next laptop that asks for the same page.
//!
//! A kept page is old, never wrong. It holds the county's rows with
//! revisions `after` to `cut` as they were when read. A pull of several
//! pages already receives its pages at different moments, so a kept page
//! is exactly what a laptop receives that fetched this page back then and
//! the next ones now: whatever changed since took a revision above `cut`
//! (every change takes a new one; a deletion leaves a tombstone) and comes
//! in a later page, replacing the older row on the laptop. What an old
//! page costs is rows sent twice (and a laptop's month totals read back
//! instead of summed, `store::laptop::pulled_totals`), so it is sent again
//! only while the database has taken fewer than `STALE_REVISIONS`
//! revisions since it was read; after an import the page is read afresh,
//! and kept again. A database that goes back to an older copy (its
//! revision counter lower than one seen before) has every page dropped.
//!
//! Only the county token's pages are kept, at the laptops' page size
//! (`wire::DEFAULT_PAGE_ROWS`): a manager's or maintainer's first pull is
//! one page or a few, and their pages carry the people of their notes as
//! they were when read, which no later page would bring up to date. Only
//! first pulls: a page from revision 0 or from where a kept page ended, so
//! what is kept is one chain over the county, at most `cap_bytes` of it.
//! Not kept: the last page of a pull (it ends at the head, and newer rows
//! would belong in it), and a page that left out the rows of the
//! request's own sync run (its echoes); nor is a kept page sent to a sync
//! run whose echoes lie in it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use super::db::tables::page_frame;
use super::db::{Scope, ServerDb, ServerDbError};
use crate::wire::{join_page_json, DEFAULT_PAGE_ROWS};

/// How many revisions the database may take after a page was read before
/// the page is read again instead of sent as kept: a tenth of a default
/// page, so a laptop receives at most that many rows it then replaces.
pub const STALE_REVISIONS: i64 = 4_000;

/// What the kept pages may hold at most, by default: a county of 5,000
/// stations × 90 days is about 50 MB of rows.
pub const DEFAULT_CAP_BYTES: usize = 256 << 20;

#[derive(Debug)]
struct KeptPage {
    cut: i64,
    /// The head when it was read.
    read_at: i64,
    rows: Arc<Vec<u8>>,
}

impl KeptPage {
    /// What it counts against the cap: its rows' allocation and its entry.
    fn weight(&self) -> usize {
        self.rows.capacity() + 128
    }
}

/// Whether a page read at head `read_at` may still be sent at `head`: a
/// head below it is a database gone back to an older copy, whose rows may
/// stand at other revisions; `stale` revisions or more after it, too many
/// of its rows have moved on.
fn sendable_at(read_at: i64, head: i64, stale: i64) -> bool {
    read_at <= head && head - read_at < stale
}

#[derive(Debug, Default)]
struct Kept {
    /// By the revision each starts after.
    pages: BTreeMap<i64, KeptPage>,
    bytes: usize,
    /// The highest revision counter seen (`PageNow::sequence`).
    top: i64,
    /// The head at which `warm_county` last went through the pages
    /// (`None`: never).
    warmed_at: Option<i64>,
}

impl Kept {
    fn remove(&mut self, after: i64) {
        if let Some(page) = self.pages.remove(&after) {
            self.bytes -= page.weight();
        }
    }

    /// Takes in a reading of the revision counter: lower than one seen
    /// before, the database went back to an older copy, and no kept page
    /// can be trusted.
    fn observe(&mut self, sequence: i64) {
        if sequence < self.top {
            *self = Kept::default();
        }
        self.top = sequence;
    }
}

/// The kept pages of a server process.
#[derive(Debug)]
pub struct PageCache {
    kept: Mutex<Kept>,
    cap_bytes: usize,
    stale_revisions: i64,
    /// The page size kept: the laptops'.
    page_rows: u32,
}

/// A pull page's JSON, and where it came from.
#[derive(Debug)]
pub struct ServedPage {
    pub json: Vec<u8>,
    /// Sent from a kept page.
    pub kept: bool,
    /// Read just now, and kept.
    pub kept_now: bool,
    /// More pages follow, from `next`.
    pub more: bool,
    pub next: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error(transparent)]
    Db(#[from] ServerDbError),
    #[error("cannot write the page: {0}")]
    Json(#[from] serde_json::Error),
}

impl PageCache {
    pub fn new(cap_bytes: usize) -> PageCache {
        PageCache {
            kept: Mutex::new(Kept::default()),
            cap_bytes,
            stale_revisions: STALE_REVISIONS,
            page_rows: DEFAULT_PAGE_ROWS,
        }
    }

    fn kept(&self) -> MutexGuard<'_, Kept> {
        // A panic while holding the lock left at worst a page half
        // counted: the pages themselves are whole.
        self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The bytes the kept pages hold.
    pub fn bytes(&self) -> usize {
        self.kept().bytes
    }

    /// Whether pages of this request may be kept, or sent from the kept.
    fn keeps(&self, scope: &Scope, limit: u32) -> bool {
        scope.stations.is_none() && limit == self.page_rows && self.cap_bytes > 0
    }

    /// The page of `scope` after revision `after`, at most `limit` rows,
    /// as JSON: a kept page sent again when one fits, else read.
    pub fn page_json(
        &self,
        db: &dyn ServerDb,
        scope: &Scope,
        after: i64,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<ServedPage, PageError> {
        let keeps = self.keeps(scope, limit);
        let found = if keeps {
            self.kept()
                .pages
                .get(&after)
                .map(|p| (p.cut, p.read_at, p.rows.clone()))
        } else {
            None
        };
        if let Some((cut, read_at, rows)) = found {
            let state = db.page_now(scope, after, cut)?;
            let fits = {
                let mut kept = self.kept();
                kept.observe(state.sequence);
                // Still there (not dropped by a reading of a restore).
                kept.pages.get(&after).is_some_and(|p| p.read_at == read_at)
                    && !state.echoed
                    && cut < state.head
                    && sendable_at(read_at, state.head, self.stale_revisions)
            };
            if fits {
                let frame = page_frame(scope, db.server_id(), state.today, now, after, (cut, state.head, true));
                return Ok(ServedPage {
                    json: join_page_json(&frame.frame_json()?, &rows),
                    kept: true,
                    kept_now: false,
                    more: true,
                    next: cut,
                });
            }
        }
        let read = db.pull_page(scope, after, limit, now)?;
        let page = read.page;
        let rows = page.rows_json()?;
        let json = join_page_json(&page.frame_json()?, &rows);
        let kept_now = keeps && page.more && !read.echoes_left_out && self.keep(after, page.next, page.head, rows);
        Ok(ServedPage {
            json,
            kept: false,
            kept_now,
            more: page.more,
            next: page.next,
        })
    }

    /// Keeps a full page read just now at `head`, if it belongs to a first
    /// pull and there is room; pages that can no longer be sent at this
    /// head make room first, pages that still can are never dropped for
    /// it (a pull under way needs them as much). Whether it was kept.
    fn keep(&self, after: i64, cut: i64, head: i64, mut rows: Vec<u8>) -> bool {
        rows.shrink_to_fit();
        let page = KeptPage {
            cut,
            read_at: head,
            rows: Arc::new(rows),
        };
        let weight = page.weight();
        let stale = self.stale_revisions;
        let mut kept = self.kept();
        if after != 0 && !kept.pages.values().any(|p| p.cut == after) {
            return false;
        }
        let gone: Vec<i64> = kept
            .pages
            .iter()
            .filter(|(&a, p)| a == after || !sendable_at(p.read_at, head, stale))
            .map(|(&a, _)| a)
            .collect();
        for a in gone {
            kept.remove(a);
        }
        if kept.bytes + weight > self.cap_bytes {
            return false;
        }
        kept.bytes += weight;
        kept.pages.insert(after, page);
        true
    }

    /// Reads the county's first pull, page by page at the laptops' page
    /// size, into the kept pages; pages kept and still fitting are only
    /// looked at, and nothing is when the head has not moved since the
    /// last time. Stops at a page it cannot keep (the cap reached), so a
    /// county larger than the cap is not read whole at every call. Errors
    /// are left to the next time (a busy database, one gone for a moment):
    /// a laptop's pull then reads the pages itself.
    pub fn warm_county(&self, db: &dyn ServerDb) {
        let county = Scope::all("");
        let Ok(state) = db.page_now(&county, 0, 0) else {
            return;
        };
        {
            let mut kept = self.kept();
            kept.observe(state.sequence);
            if kept.warmed_at == Some(state.head) {
                return;
            }
        }
        let mut after = 0;
        // A county of 5,000 stations × 90 days is 23 pages; the bound only
        // keeps a database that never stops growing from holding this here.
        for _ in 0..100_000 {
            match self.page_json(db, &county, after, self.page_rows, Utc::now()) {
                Ok(page) if page.more && (page.kept || page.kept_now) && page.next > after => after = page.next,
                // The last page, or no room for this one: done until the
                // head moves.
                Ok(_) => {
                    self.kept().warmed_at = Some(state.head);
                    return;
                }
                Err(_) => return,
            }
        }
    }
}

impl Default for PageCache {
    fn default() -> PageCache {
        PageCache::new(DEFAULT_CAP_BYTES)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::server::db::{Account, AccountError, AccountInfo, AuthError, PageNow, ReadPage, Role};
    use crate::wire::{Me, NoteRecord, PaymentRow, PullPage, PushRecord, PushResult, StationInfo};

    /// A county of payment rows, one per revision, paged as the county
    /// token's pulls are (`tables::page_end` without a scope).
    #[derive(Default)]
    struct County {
        rows: Mutex<Vec<PaymentRow>>,
        echoes: Mutex<BTreeSet<(String, i64)>>,
        reads: AtomicUsize,
    }

    impl County {
        fn with_rows(n: i64) -> County {
            let county = County::default();
            for rev in 1..=n {
                county.rows().push(PaymentRow(
                    rev,
                    format!("S{rev}"),
                    "2026-11-05".into(),
                    "mobile".into(),
                    1,
                    100,
                ));
            }
            county
        }

        fn rows(&self) -> MutexGuard<'_, Vec<PaymentRow>> {
            self.rows.lock().unwrap()
        }

        fn head(&self) -> i64 {
            self.rows().iter().map(|r| r.0).max().unwrap_or(0)
        }

        /// A row's count changes: it takes the next revision.
        fn change(&self, station: &str) {
            let head = self.head();
            let mut rows = self.rows();
            let row = rows.iter_mut().find(|r| r.1 == station).unwrap();
            row.0 = head + 1;
            row.4 += 1;
        }

        fn echoed(&self, scope: &Scope, after: i64, cut: i64) -> bool {
            scope.echo.as_ref().is_some_and(|echo| {
                self.echoes
                    .lock()
                    .unwrap()
                    .iter()
                    .any(|(e, rev)| e == echo && *rev > after && *rev <= cut)
            })
        }

        fn reads(&self) -> usize {
            self.reads.load(Ordering::SeqCst)
        }
    }

    impl ServerDb for County {
        fn server_id(&self) -> &str {
            "srv"
        }

        fn pull_page(
            &self,
            scope: &Scope,
            after: i64,
            limit: u32,
            now: DateTime<Utc>,
        ) -> Result<ReadPage, ServerDbError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            let head = self.head();
            let cut = (after + i64::from(limit)).min(head).max(after);
            let mut page = page_frame(scope, "srv", None, now, after, (cut, head, cut < head));
            let echoes = self.echoes.lock().unwrap().clone();
            let mine = |rev: i64| scope.echo.as_ref().is_some_and(|e| echoes.contains(&(e.clone(), rev)));
            let mut rows: Vec<PaymentRow> = self
                .rows()
                .iter()
                .filter(|r| r.0 > after && r.0 <= cut && !mine(r.0))
                .cloned()
                .collect();
            rows.sort_by_key(|r| r.0);
            page.daily_payments = rows;
            Ok(ReadPage {
                page,
                echoes_left_out: self.echoed(scope, after, cut),
            })
        }

        fn page_now(&self, scope: &Scope, after: i64, cut: i64) -> Result<PageNow, ServerDbError> {
            Ok(PageNow {
                head: self.head(),
                sequence: self.head(),
                today: None,
                echoed: self.echoed(scope, after, cut),
            })
        }

        fn authenticate(&self, _: &str) -> Result<Result<Account, AuthError>, ServerDbError> {
            unreachable!("the kept pages only pull")
        }
        fn scope_of(&self, _: &Account) -> Result<Scope, ServerDbError> {
            unreachable!("the kept pages only pull")
        }
        fn me(&self, _: &Scope, _: DateTime<Utc>) -> Result<Me, ServerDbError> {
            unreachable!("the kept pages only pull")
        }
        fn receive_records(
            &self,
            _: &Scope,
            _: &[PushRecord],
            _: DateTime<Utc>,
        ) -> Result<Vec<PushResult>, ServerDbError> {
            unreachable!("the kept pages only pull")
        }
        fn station(&self, _: &Scope, _: &str) -> Result<Option<StationInfo>, ServerDbError> {
            unreachable!("the kept pages only pull")
        }
        fn station_notes(&self, _: &Scope, _: &str) -> Result<Option<Vec<NoteRecord>>, ServerDbError> {
            unreachable!("the kept pages only pull")
        }
        fn add_account(&self, _: &str, _: Role, _: Option<&str>, _: DateTime<Utc>) -> Result<String, AccountError> {
            unreachable!("the kept pages only pull")
        }
        fn revoke_person(&self, _: &str, _: DateTime<Utc>) -> Result<usize, AccountError> {
            unreachable!("the kept pages only pull")
        }
        fn revoke_token(&self, _: &str, _: DateTime<Utc>) -> Result<String, AccountError> {
            unreachable!("the kept pages only pull")
        }
        fn accounts(&self) -> Result<Vec<AccountInfo>, ServerDbError> {
            unreachable!("the kept pages only pull")
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-11-30T05:00:00Z".parse().unwrap()
    }

    /// Kept pages of 10 rows, as the tests' pulls ask for.
    fn small_pages(cap_bytes: usize) -> PageCache {
        PageCache {
            page_rows: 10,
            ..PageCache::new(cap_bytes)
        }
    }

    /// A first pull of pages of `limit`, as a laptop makes it: the pages,
    /// and which were kept ones.
    fn first_pull(cache: &PageCache, db: &County, scope: &Scope, limit: u32) -> Vec<(PullPage, bool)> {
        let mut pages = Vec::new();
        let mut after = 0;
        loop {
            let served = cache.page_json(db, scope, after, limit, now()).unwrap();
            let page: PullPage = serde_json::from_slice(&served.json).unwrap();
            assert_eq!((page.more, page.next), (served.more, served.next));
            after = page.next;
            pages.push((page, served.kept));
            if !served.more {
                return pages;
            }
        }
    }

    /// What a laptop holds after applying the pages in order.
    fn applied(pages: &[(PullPage, bool)]) -> BTreeMap<String, PaymentRow> {
        let mut rows = BTreeMap::new();
        for (page, _) in pages {
            for row in &page.daily_payments {
                rows.insert(row.1.clone(), row.clone());
            }
        }
        rows
    }

    fn kept_flags(pages: &[(PullPage, bool)]) -> Vec<bool> {
        pages.iter().map(|(_, kept)| *kept).collect()
    }

    #[test]
    fn the_full_pages_of_the_countys_first_pull_are_sent_again_and_the_last_is_read_each_time() {
        let db = County::with_rows(25);
        let cache = small_pages(DEFAULT_CAP_BYTES);
        let county = Scope::all("PT01");
        let first = first_pull(&cache, &db, &county, 10);
        assert_eq!(kept_flags(&first), [false, false, false]);
        let second = first_pull(&cache, &db, &county, 10);
        assert_eq!(kept_flags(&second), [true, true, false]);
        assert_eq!(db.reads(), 4);
        // Byte for byte what was read, the frame included.
        let pages = |pulled: &[(PullPage, bool)]| pulled.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        assert_eq!(pages(&second), pages(&first));
        // Another page size, or a token with a scope: read every time.
        for _ in 0..2 {
            assert_eq!(kept_flags(&first_pull(&cache, &db, &county, 12)), [false, false, false]);
        }
        let account = Account {
            person_id: "M01".into(),
            role: Role::Manager,
        };
        let all: BTreeSet<String> = (1..=25).map(|n| format!("S{n}")).collect();
        let none = BTreeSet::new;
        let manager = Scope::of(&account, all.clone(), all, none(), none(), none());
        for _ in 0..2 {
            assert_eq!(
                kept_flags(&first_pull(&cache, &db, &manager, 10)),
                [false, false, false]
            );
        }
    }

    #[test]
    fn a_row_changed_since_comes_in_a_later_page_until_the_kept_page_is_too_old() {
        let db = County::with_rows(25);
        let cache = small_pages(DEFAULT_CAP_BYTES);
        let county = Scope::all("PT01");
        first_pull(&cache, &db, &county, 10);
        db.change("S3");
        let pulled = first_pull(&cache, &db, &county, 10);
        assert_eq!(kept_flags(&pulled), [true, true, false]);
        // The kept first page still has S3 as it was; the last brings it
        // as it is now, and the laptop ends with what the county holds.
        assert_eq!(pulled[0].0.daily_payments[2].4, 1);
        assert_eq!(pulled[0].0.head, 26, "the head is read anew");
        let held = applied(&pulled);
        assert_eq!(held.len(), 25);
        assert_eq!(
            held["S3"],
            PaymentRow(26, "S3".into(), "2026-11-05".into(), "mobile".into(), 2, 100)
        );
        // Enough changes since: the page is read again, and kept anew.
        for _ in 0..STALE_REVISIONS {
            db.change("S20");
        }
        let fresh = cache.page_json(&db, &county, 0, 10, now()).unwrap();
        assert!(!fresh.kept && fresh.kept_now);
        let again = cache.page_json(&db, &county, 0, 10, now()).unwrap();
        assert!(again.kept);
        assert_eq!(again.json, fresh.json);
        let page: PullPage = serde_json::from_slice(&again.json).unwrap();
        assert_eq!(
            page.daily_payments.len(),
            9,
            "S3 has moved on: {:?}",
            page.daily_payments
        );
    }

    #[test]
    fn a_database_gone_back_to_an_older_copy_has_every_page_read_again() {
        let db = County::with_rows(25);
        let cache = small_pages(DEFAULT_CAP_BYTES);
        let county = Scope::all("PT01");
        first_pull(&cache, &db, &county, 10);
        // Restored from an older copy: revisions 16 to 25 are gone.
        db.rows().retain(|r| r.0 <= 15);
        assert_eq!(kept_flags(&first_pull(&cache, &db, &county, 10)), [false, false]);
        // Page 0–10 kept at head 15; restored again, seen by the warming,
        // then written past 15: no page of the lost history comes back.
        assert_eq!(kept_flags(&first_pull(&cache, &db, &county, 10)), [true, false]);
        db.rows().retain(|r| r.0 <= 8);
        cache.warm_county(&db);
        assert_eq!(cache.bytes(), 0);
        for station in ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8"] {
            for _ in 0..3 {
                db.change(station);
            }
        }
        assert_eq!(db.head(), 32);
        let pulled = first_pull(&cache, &db, &county, 10);
        assert!(pulled.iter().all(|(_, kept)| !kept));
        assert_eq!(applied(&pulled).values().map(|r| r.4).sum::<i64>(), 8 * 4);
    }

    #[test]
    fn only_first_pulls_are_kept() {
        let db = County::with_rows(40);
        let cache = small_pages(DEFAULT_CAP_BYTES);
        let county = Scope::all("PT01");
        for _ in 0..2 {
            let served = cache.page_json(&db, &county, 5, 10, now()).unwrap();
            assert!(!served.kept && !served.kept_now && served.more);
        }
        // Page 10–20 follows no kept page: read both times.
        for _ in 0..2 {
            assert!(!cache.page_json(&db, &county, 10, 10, now()).unwrap().kept);
        }
        assert_eq!(cache.bytes(), 0);
        assert!(cache.page_json(&db, &county, 0, 10, now()).unwrap().kept_now);
        assert!(cache.page_json(&db, &county, 10, 10, now()).unwrap().kept_now);
        assert!(cache.page_json(&db, &county, 10, 10, now()).unwrap().kept);
    }

    #[test]
    fn a_sync_runs_own_rows_keep_its_pages_its_own() {
        let db = County::with_rows(25);
        let cache = small_pages(DEFAULT_CAP_BYTES);
        let mut run = Scope::all("PT01");
        run.echo = Some("run-a".into());
        db.echoes.lock().unwrap().insert(("run-a".into(), 4));
        // Read with its row 4 left out: not kept for anyone.
        let pulled = first_pull(&cache, &db, &run, 10);
        assert_eq!(kept_flags(&pulled), [false, false, false]);
        assert_eq!(pulled[0].0.daily_payments.len(), 9);
        let county = Scope::all("PT01");
        let pulled = first_pull(&cache, &db, &county, 10);
        assert_eq!(kept_flags(&pulled), [false, false, false]);
        assert_eq!(pulled[0].0.daily_payments.len(), 10);
        // Kept by a pull without echoes: sent to another run, not to the
        // run whose row is in it.
        let mut other = Scope::all("PT01");
        other.echo = Some("run-b".into());
        assert_eq!(kept_flags(&first_pull(&cache, &db, &other, 10)), [true, true, false]);
        let again = first_pull(&cache, &db, &run, 10);
        assert_eq!(kept_flags(&again), [false, true, false]);
        assert_eq!(again[0].0.daily_payments.len(), 9);
    }

    #[test]
    fn the_pages_kept_stay_under_the_cap_and_only_old_ones_make_room() {
        let db = County::with_rows(45);
        let county = Scope::all("PT01");
        let one_page = {
            let cache = small_pages(DEFAULT_CAP_BYTES);
            first_pull(&cache, &db, &county, 10);
            cache.bytes() / 4
        };
        let cap = one_page * 2 + one_page / 2;
        let cache = PageCache {
            stale_revisions: 3,
            ..small_pages(cap)
        };
        // Room for two pages: the first two of the pull are kept, not the
        // third (the first two still fit), nor what follows it.
        first_pull(&cache, &db, &county, 10);
        assert!(cache.bytes() <= cap);
        assert_eq!(
            kept_flags(&first_pull(&cache, &db, &county, 10)),
            [true, true, false, false, false]
        );
        // Old pages make room for new ones.
        for station in ["S1", "S2", "S3"] {
            db.change(station);
        }
        assert_eq!(
            kept_flags(&first_pull(&cache, &db, &county, 10)),
            [false, false, false, false, false]
        );
        assert_eq!(
            kept_flags(&first_pull(&cache, &db, &county, 10)),
            [true, true, false, false, false]
        );
        assert!(cache.bytes() <= cap);
        let none = small_pages(0);
        first_pull(&none, &db, &county, 10);
        assert_eq!(kept_flags(&first_pull(&none, &db, &county, 10)), [false; 5]);
        assert_eq!(none.bytes(), 0);
    }

    #[test]
    fn warming_reads_the_county_first_pull_at_the_laptops_page_size_then_only_looks() {
        let db = County::with_rows(90_000);
        let cache = PageCache::default();
        cache.warm_county(&db);
        assert_eq!(db.reads(), 3);
        let pulled = first_pull(&cache, &db, &Scope::all("PT01"), DEFAULT_PAGE_ROWS);
        assert_eq!(kept_flags(&pulled), [true, true, false]);
        assert_eq!(db.reads(), 4, "the pull read its last page");
        // Nothing new: nothing read.
        cache.warm_county(&db);
        assert_eq!(db.reads(), 4);
        // A row changed: the kept pages still fit, the last is read.
        db.change("S7");
        cache.warm_county(&db);
        assert_eq!(db.reads(), 5);
        cache.warm_county(&db);
        assert_eq!(db.reads(), 5);
    }

    #[test]
    fn warming_a_county_larger_than_the_cap_stops_at_the_first_page_it_cannot_keep() {
        let db = County::with_rows(90_000);
        let one_page = {
            let cache = PageCache::default();
            cache.warm_county(&db);
            cache.bytes() / 2
        };
        let cache = PageCache::new(one_page + one_page / 2);
        let reads = db.reads();
        cache.warm_county(&db);
        assert_eq!(
            db.reads() - reads,
            2,
            "the first page kept, the second not, the third not read"
        );
        cache.warm_county(&db);
        assert_eq!(db.reads() - reads, 2);
        db.change("S1");
        cache.warm_county(&db);
        assert_eq!(
            db.reads() - reads,
            3,
            "the kept page looked at, the next read, then stop"
        );
        assert!(cache.bytes() <= one_page + one_page / 2);
    }
}
