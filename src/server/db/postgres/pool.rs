//! A bounded pool of connections: at most `max` open at once, idle ones
//! kept for the next request. A request that finds none free waits up to
//! `wait`, then is told the database is busy (503, try later) instead of
//! queueing without end: several `bianmin serve` processes share the
//! database server's connection limit.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use postgres::{Client, NoTls};

use super::connect::DbUrl;
use crate::server::db::ServerDbError;
use crate::store::StoreError;

pub struct Pool {
    url: DbUrl,
    max: usize,
    wait: Duration,
    state: Mutex<State>,
    freed: Condvar,
}

struct State {
    idle: Vec<Client>,
    open: usize,
}

/// A connection taken from the pool, given back when dropped (unless it
/// broke).
pub struct Conn<'a> {
    pool: &'a Pool,
    client: Option<Client>,
}

impl std::ops::Deref for Conn<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client.as_ref().expect("present until dropped")
    }
}

impl std::ops::DerefMut for Conn<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.client.as_mut().expect("present until dropped")
    }
}

impl Drop for Conn<'_> {
    fn drop(&mut self) {
        let mut state = self.pool.state.lock().unwrap_or_else(|e| e.into_inner());
        match self.client.take() {
            Some(client) if !client.is_closed() => state.idle.push(client),
            _ => state.open -= 1,
        }
        self.pool.freed.notify_one();
    }
}

/// Opens one connection.
pub fn connect(url: &DbUrl) -> Result<Client, StoreError> {
    url.config.connect(NoTls).map_err(|cause| StoreError::PgConnect {
        at: url.shown().to_string(),
        cause,
    })
}

impl Pool {
    pub fn new(url: DbUrl, max: usize, wait: Duration) -> Pool {
        Pool {
            url,
            max: max.max(1),
            wait,
            state: Mutex::new(State {
                idle: Vec::new(),
                open: 0,
            }),
            freed: Condvar::new(),
        }
    }

    pub fn url(&self) -> &DbUrl {
        &self.url
    }

    /// A connection: an idle one, a new one while fewer than `max` are
    /// open, else the first given back within `wait`.
    pub fn get(&self) -> Result<Conn<'_>, ServerDbError> {
        let deadline = Instant::now() + self.wait;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(client) = state.idle.pop() {
                return Ok(Conn {
                    pool: self,
                    client: Some(client),
                });
            }
            if state.open < self.max {
                state.open += 1;
                drop(state);
                return match connect(&self.url) {
                    Ok(client) => Ok(Conn {
                        pool: self,
                        client: Some(client),
                    }),
                    Err(e) => {
                        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
                        state.open -= 1;
                        self.freed.notify_one();
                        // PostgreSQL full (too many connections) or
                        // starting up: try later, as when busy.
                        Err(match e {
                            StoreError::PgConnect { cause, .. } if super::is_busy(&cause) => ServerDbError::Busy,
                            e => e.into(),
                        })
                    }
                };
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(ServerDbError::Busy);
            }
            state = self
                .freed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

impl Drop for Pool {
    /// A `postgres::Client` closes itself by blocking on its own small
    /// runtime, which must not happen on a thread that drives the server's
    /// runtime (the pool goes with the server's state when it stops): the
    /// idle connections are closed on a thread of their own.
    fn drop(&mut self) {
        let idle = std::mem::take(&mut self.state.get_mut().unwrap_or_else(|e| e.into_inner()).idle);
        if idle.is_empty() {
            return;
        }
        if let Ok(closer) = std::thread::Builder::new()
            .name("bianmin-pg-close".into())
            .spawn(move || drop(idle))
        {
            let _ = closer.join();
        }
    }
}
