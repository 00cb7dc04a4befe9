//! Sync in the background: on a key, every few minutes, and (with
//! exponential backoff and jitter) until an unreachable server answers
//! again. The sync runs on its own thread with its own database
//! connection and reports through a channel; the screen never waits.

use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, TryRecvError};
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

/// When to sync next, and the sync in flight.
pub struct BackgroundSync {
    db_path: PathBuf,
    server: String,
    token: String,
    interval: Duration,
    backoff: Backoff,
    /// Failed attempts in a row while offline.
    attempt: u32,
    next_at: Instant,
    running: Option<Receiver<SyncOutcome>>,
}

impl BackgroundSync {
    /// Syncs soon after start, then every `interval`.
    pub fn new(db_path: PathBuf, server: String, token: String, interval: Duration, now: Instant) -> BackgroundSync {
        BackgroundSync {
            db_path,
            server,
            token,
            interval,
            backoff: Backoff::default(),
            attempt: 0,
            next_at: now,
            running: None,
        }
    }

    pub fn running(&self) -> bool {
        self.running.is_some()
    }

    /// The user asked for a sync now.
    pub fn request(&mut self, now: Instant) {
        self.next_at = now;
    }

    /// When the next sync starts (when none is running).
    pub fn next_at(&self) -> Instant {
        self.next_at
    }

    /// Starts a sync that is due, and collects one that finished.
    pub fn poll(&mut self, now: Instant) -> Option<SyncOutcome> {
        if let Some(rx) = &self.running {
            let outcome = match rx.try_recv() {
                Ok(outcome) => outcome,
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => SyncOutcome::Failed("the sync thread stopped".into()),
            };
            self.running = None;
            self.schedule_after(&outcome, now);
            return Some(outcome);
        }
        if now >= self.next_at {
            self.start();
        }
        None
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

    fn start(&mut self) {
        let (tx, rx) = channel();
        let (db, server, token) = (self.db_path.clone(), self.server.clone(), self.token.clone());
        std::thread::spawn(move || {
            let outcome = match sync_once(&db, &server, &token) {
                Ok(report) => SyncOutcome::Done(Box::new(report)),
                Err(e) if e.is_offline() => SyncOutcome::Offline(e.to_string()),
                Err(e) => SyncOutcome::Failed(e.to_string()),
            };
            // The dashboard may have quit meanwhile: nothing to tell then.
            let _ = tx.send(outcome);
        });
        self.running = Some(rx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheduler(now: Instant) -> BackgroundSync {
        BackgroundSync::new(
            PathBuf::from("unused.db"),
            "http://127.0.0.1:9".into(),
            "token".into(),
            Duration::from_secs(300),
            now,
        )
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
    fn an_unreachable_server_is_reported_offline_without_blocking() {
        let now = Instant::now();
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("laptop.db");
        crate::store::Store::open(&db).unwrap();
        // Port 9 (discard) on loopback: nothing listens there.
        let mut s = BackgroundSync::new(
            db,
            "http://127.0.0.1:9".into(),
            "t".into(),
            Duration::from_secs(300),
            now,
        );
        assert_eq!(s.poll(now), None);
        assert!(s.running());
        let deadline = Instant::now() + Duration::from_secs(20);
        let outcome = loop {
            if let Some(outcome) = s.poll(Instant::now()) {
                break outcome;
            }
            assert!(Instant::now() < deadline, "the sync never finished");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(matches!(outcome, SyncOutcome::Offline(_)), "{outcome:?}");
        assert!(!s.running());
    }
}
