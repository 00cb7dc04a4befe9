//! The county sync server (`bianmin serve`): axum over tokio, its storage
//! behind `db::ServerDb` (SQLite: `db::SqliteServerDb`; PostgreSQL:
//! `db::PgServerDb`). Every request but
//! `/health` carries `Authorization: Bearer TOKEN`, checked before its
//! body is read (`auth`); the token alone decides what the request may
//! read and write (`ServerDb::scope_of`), never a branch or station the
//! client names.
//!
//! Every answer but a success is JSON `{"error": "..."}`: missing, unknown
//! or revoked token (401), a station outside the token's scope (403,
//! whether or not it exists), malformed JSON (400) or JSON of the wrong
//! shape (422), a body over the size limit (413), an unknown endpoint
//! (404) or method (405), headers too large (431) or an address too long
//! (414), a body sent too slowly (408), a busy database or too many
//! connections (503 with Retry-After). `listener` holds the connection
//! limits and the bounded shutdown.

mod auth;
pub mod db;
mod handlers;
pub mod listener;
pub mod page_cache;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::{get, post};
use axum::Router;

use crate::store::StoreError;
use crate::wire::API_PREFIX;
use db::{Location, ServerDb};

pub use handlers::ApiError;
pub use listener::Limits;

/// The request body limit by default: pushes are sent in batches of about
/// 1 MiB, and one note's text is at most 20,000 characters.
pub const DEFAULT_MAX_BODY_BYTES: usize = 4 << 20;

/// Pushes whose bodies are read at once; more wait their turn before
/// their bodies are read, so memory stays bounded whatever the clients do.
const CONCURRENT_PUSHES: usize = 8;

#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub max_body_bytes: usize,
    pub limits: Limits,
    /// How long a push waits for an import to let go of the database
    /// before it is answered 503 (try later).
    pub write_wait: Duration,
    /// What the pull pages kept to be sent again may hold (`page_cache`);
    /// 0 keeps none.
    pub kept_page_bytes: usize,
    /// Reads the county's first pull into the kept pages when the server
    /// starts, and again after an import, so even the first laptop to
    /// pull is sent kept pages.
    pub warm_county_pages: bool,
}

impl ServerOptions {
    /// Whether the county's first pull is read into the kept pages ahead.
    fn warms(&self) -> bool {
        self.warm_county_pages && self.kept_page_bytes > 0
    }
}

impl Default for ServerOptions {
    fn default() -> ServerOptions {
        ServerOptions {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            limits: Limits::default(),
            write_wait: db::sqlite::WRITE_WAIT,
            kept_page_bytes: page_cache::DEFAULT_CAP_BYTES,
            warm_county_pages: true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{}", crate::i18n::trf(crate::i18n::Text::ServeCannotListen, &[addr, &crate::errors::io_text(source)]))]
    Bind { addr: String, source: std::io::Error },
    #[error("{}", crate::i18n::trf(crate::i18n::Text::ServeCannotStart, &[&crate::errors::io_text(.0)]))]
    Runtime(std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What every request shares.
pub struct App {
    pub db: Arc<dyn ServerDb>,
    max_body_bytes: usize,
    body_timeout: Duration,
    pushes: tokio::sync::Semaphore,
    pub pages: page_cache::PageCache,
}

impl App {
    pub fn new(db: Arc<dyn ServerDb>, options: &ServerOptions) -> App {
        App {
            db,
            max_body_bytes: options.max_body_bytes,
            body_timeout: options.limits.body_timeout,
            pushes: tokio::sync::Semaphore::new(CONCURRENT_PUSHES),
            pages: page_cache::PageCache::new(options.kept_page_bytes),
        }
    }
}

/// How often the server looks whether the county has changed (an import
/// since) and reads its pages again where the kept ones are old.
const WARM_EVERY: Duration = Duration::from_secs(15);

/// Keeps the county's first pull in the kept pages: at once, then every
/// `WARM_EVERY`. Runs on the server's runtime, its reads on a blocking
/// thread; ends with the runtime.
fn warm_county_pages(app: Arc<App>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(WARM_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let app = app.clone();
            let _ = tokio::task::spawn_blocking(move || app.pages.warm_county(app.db.as_ref())).await;
        }
    });
}

/// The routes, over an open database.
pub fn router(app: Arc<App>) -> Router {
    let authed = Router::new()
        .route("/me", get(handlers::me))
        .route("/pull", get(handlers::pull))
        .route("/push", post(handlers::push))
        .route("/stations/{id}", get(handlers::station))
        .route("/stations/{id}/notes", get(handlers::station_notes))
        .route_layer(axum::middleware::from_fn_with_state(app.clone(), auth::require_token));
    let api = Router::new().route("/health", get(handlers::health)).merge(authed);
    // Compressed only for a client that asks (Accept-Encoding: gzip), at
    // the fastest level: a pull page's JSON shrinks about tenfold even so,
    // and the server's CPU is shared by every laptop syncing at once.
    let compression = tower_http::compression::CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest);
    Router::new()
        .nest(API_PREFIX, api)
        .fallback(handlers::not_found)
        .method_not_allowed_fallback(handlers::method_not_allowed)
        .layer(compression)
        .with_state(app)
}

fn runtime() -> Result<tokio::runtime::Runtime, ServerError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("bianmin-serve")
        .build()
        .map_err(ServerError::Runtime)
}

async fn bind(listen: &str) -> Result<tokio::net::TcpListener, ServerError> {
    tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| ServerError::Bind {
            addr: listen.to_string(),
            source,
        })
}

/// Ctrl-C, or SIGTERM where there is one.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term => {}
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

/// Serves the database at `db` on `listen` until Ctrl-C or SIGTERM;
/// `on_bound` is told the address actually bound (port 0 picks one).
/// Returns within the shutdown grace period (and a second for database
/// work in flight) of the signal, whatever the clients are doing.
pub fn serve(
    db: &Location,
    listen: &str,
    options: &ServerOptions,
    on_bound: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    let db: Arc<dyn ServerDb> = db.open_server_db(options.write_wait)?;
    let app = Arc::new(App::new(db, options));
    let rt = runtime()?;
    let limits = options.limits.clone();
    let warm = options.warms();
    let result = rt.block_on(async {
        let listener = bind(listen).await?;
        let addr = listener.local_addr().map_err(ServerError::Runtime)?;
        if warm {
            warm_county_pages(app.clone());
        }
        on_bound(addr);
        listener::serve(listener, router(app), limits, stop_signal()).await;
        Ok(())
    });
    // Database work on blocking threads cannot be interrupted; it is
    // abandoned (the database rolls back what was not committed).
    rt.shutdown_timeout(Duration::from_secs(1));
    result
}

/// A server on a thread of its own, for benchmarks and tests in one
/// process; stopped when dropped.
pub struct ServerHandle {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ServerHandle {
    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts a server over a SQLite file on its own thread and returns once
/// it listens.
pub fn spawn(db_path: &Path, listen: &str, options: &ServerOptions) -> Result<ServerHandle, ServerError> {
    spawn_on(&Location::Sqlite(db_path.to_path_buf()), listen, options)
}

/// Starts a server over either database on its own thread and returns
/// once it listens.
pub fn spawn_on(db: &Location, listen: &str, options: &ServerOptions) -> Result<ServerHandle, ServerError> {
    let db: Arc<dyn ServerDb> = db.open_server_db(options.write_wait)?;
    let app = Arc::new(App::new(db, options));
    let rt = runtime()?;
    let listener = rt.block_on(bind(listen))?;
    let addr = listener.local_addr().map_err(ServerError::Runtime)?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    if options.warms() {
        let _guard = rt.enter();
        warm_county_pages(app.clone());
    }
    let routes = router(app);
    let limits = options.limits.clone();
    let thread = std::thread::Builder::new()
        .name("bianmin-server".into())
        .spawn(move || {
            rt.block_on(listener::serve(listener, routes, limits, async {
                let _ = stopped.await;
            }));
            rt.shutdown_timeout(Duration::from_secs(1));
        })
        .map_err(ServerError::Runtime)?;
    Ok(ServerHandle {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    })
}
