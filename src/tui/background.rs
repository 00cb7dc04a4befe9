//! Sync in the background: on a key, every few minutes, and (with
//! exponential backoff and jitter) until an unreachable server answers
//! again. `BackgroundSync` is the schedule (plain state in the app);
//! `SyncTarget::run` is the sync itself, which the worker runs on its own
//! thread with its own database connection; the screen never waits.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::client::{sync_once, Backoff, SyncReport};

/// How a background sync ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncOutcome {
    Done(Box<SyncReport>),
    /// The server could not be reached: retry with backoff.
    Offline(String),
    /// Anything else (a refused token, a demo database): retry at the
    /// normal interval, and show the message.
    Failed(String),
}

/// Where and as whom a sync goes: what the thread that runs it needs.
/// The dashboard's state never holds the token.
#[derive(Debug, Clone)]
pub struct SyncTarget {
    pub db_path: PathBuf,
    pub server: String,
    pub token: String,
}

impl SyncTarget {
    /// One sync, start to end (blocking: run it on its own thread). It
    /// opens its own connection to the database.
    pub fn run(&self) -> SyncOutcome {
        match sync_once(&self.db_path, &self.server, &self.token) {
            Ok(report) => SyncOutcome::Done(Box::new(report)),
            Err(e) if e.is_offline() => SyncOutcome::Offline(e.to_string()),
            Err(e) => SyncOutcome::Failed(e.to_string()),
        }
    }
}

/// When to sync next, and whether one is in flight: plain state that
/// `App::update` keeps; the worker runs the sync (`Effect::Sync`).
pub struct BackgroundSync {
    interval: Duration,
    backoff: Backoff,
    /// Failed attempts in a row while offline.
    attempt: u32,
    next_at: Instant,
    running: bool,
}

impl BackgroundSync {
    /// Syncs soon after start, then every `interval`.
    pub fn new(interval: Duration, now: Instant) -> BackgroundSync {
        BackgroundSync {
            interval,
            backoff: Backoff::default(),
            attempt: 0,
            next_at: now,
            running: false,
        }
    }

    pub fn running(&self) -> bool {
        self.running
    }

    /// The user asked for a sync now.
    pub fn request(&mut self, now: Instant) {
        self.next_at = now;
    }

    /// When the next sync starts (when none is running).
    pub fn next_at(&self) -> Instant {
        self.next_at
    }

    /// Whether a sync should start now; if so it counts as running until
    /// `finish`.
    pub fn start_if_due(&mut self, now: Instant) -> bool {
        if self.running || now < self.next_at {
            return false;
        }
        self.running = true;
        true
    }

    /// A sync ended: schedule the next.
    pub fn finish(&mut self, outcome: &SyncOutcome, now: Instant) {
        self.running = false;
        self.schedule_after(outcome, now);
    }

    /// The next sync after an outcome: the interval after a success or a
    /// refusal, the backoff while the server is away.
    pub fn schedule_after(&mut self, outcome: &SyncOutcome, now: Instant) {
        match outcome {
            SyncOutcome::Offline(_) => {
                self.next_at = now + self.backoff.next_delay(self.attempt).min(self.interval);
                self.attempt = self.attempt.saturating_add(1);
            }
            SyncOutcome::Done(_) | SyncOutcome::Failed(_) => {
                self.attempt = 0;
                self.next_at = now + self.interval;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheduler(now: Instant) -> BackgroundSync {
        BackgroundSync::new(Duration::from_secs(300), now)
    }

    #[test]
    fn success_waits_the_interval_and_offline_backs_off_up_to_it() {
        let now = Instant::now();
        let mut s = scheduler(now);
        s.schedule_after(&SyncOutcome::Done(Box::default()), now);
        assert_eq!(s.next_at(), now + Duration::from_secs(300));
        let mut delays = Vec::new();
        for _ in 0..8 {
            s.schedule_after(&SyncOutcome::Offline("down".into()), now);
            delays.push(s.next_at() - now);
        }
        // Equal jitter: at least half of 15 s, then growing, never past the interval.
        assert!(delays[0] >= Duration::from_millis(7500) && delays[0] <= Duration::from_secs(15));
        assert!(delays[3] >= Duration::from_secs(60));
        assert!(delays.iter().all(|d| *d <= Duration::from_secs(300)));
        s.schedule_after(&SyncOutcome::Done(Box::default()), now);
        assert_eq!(s.attempt, 0, "a success resets the backoff");
    }

    #[test]
    fn a_request_makes_the_next_sync_due_now() {
        let now = Instant::now();
        let mut s = scheduler(now);
        s.schedule_after(&SyncOutcome::Done(Box::default()), now);
        s.request(now + Duration::from_secs(1));
        assert_eq!(s.next_at(), now + Duration::from_secs(1));
    }

    #[test]
    fn a_sync_starts_when_due_and_not_twice() {
        let now = Instant::now();
        let mut s = scheduler(now);
        assert!(s.start_if_due(now), "due at start");
        assert!(s.running());
        assert!(!s.start_if_due(now), "one at a time");
        s.finish(&SyncOutcome::Done(Box::default()), now);
        assert!(!s.running());
        assert!(!s.start_if_due(now + Duration::from_secs(299)));
        assert!(s.start_if_due(now + Duration::from_secs(300)));
    }

    #[test]
    fn an_unreachable_server_is_reported_offline() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("laptop.db");
        crate::store::Store::open(&db).unwrap();
        // Port 9 (discard) on loopback: nothing listens there.
        let target = SyncTarget {
            db_path: db,
            server: "http://127.0.0.1:9".into(),
            token: "t".into(),
        };
        let outcome = target.run();
        assert!(matches!(outcome, SyncOutcome::Offline(_)), "{outcome:?}");
    }
}
