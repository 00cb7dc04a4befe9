//! The county sync server (`bianmin serve`): axum over tokio, the same
//! store and migrations as the laptops. Every request but `/health`
//! carries `Authorization: Bearer TOKEN`; the token alone decides what the
//! request may read and write (`Store::scope_of`), never a branch or
//! station the client names.
//!
//! SQLite is synchronous: each request's database work runs on tokio's
//! blocking threads, with a connection from a small pool of readers (WAL
//! lets them read while one writes) or the single writer connection.
//!
//! Every refusal is a 4xx with a JSON body `{"error": "..."}`: missing,
//! unknown or revoked token (401), a station outside the token's scope
//! (403), malformed JSON (400) or JSON of the wrong shape (422), a body
//! over the size limit (413), an unknown endpoint (404) or method (405).

mod handlers;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use crate::store::{Store, StoreError};
use crate::sync::protocol::API_PREFIX;

pub use handlers::ApiError;

/// The request body limit by default: pushes are sent in batches of about
/// 1 MiB, and one note's text is at most 20,000 characters.
pub const DEFAULT_MAX_BODY_BYTES: usize = 4 << 20;

/// Idle reader connections kept open.
const MAX_IDLE_READERS: usize = 16;

#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub max_body_bytes: usize,
}

impl Default for ServerOptions {
    fn default() -> ServerOptions {
        ServerOptions {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: String, source: std::io::Error },
    #[error("cannot start the server: {0}")]
    Runtime(std::io::Error),
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What every request shares.
pub struct App {
    db_path: PathBuf,
    readers: Mutex<Vec<Store>>,
    writer: Mutex<Store>,
    server_id: String,
}

impl App {
    /// Opens the database (bringing its schema up to date) and gives it a
    /// server identity if it has none.
    pub fn open(db_path: &Path) -> Result<App, StoreError> {
        let writer = Store::open(db_path)?;
        let server_id = writer.server_id()?;
        Ok(App {
            db_path: db_path.to_path_buf(),
            readers: Mutex::new(Vec::new()),
            writer: Mutex::new(writer),
            server_id,
        })
    }

    pub fn server_id(&self) -> &str {
        &self.server_id
    }

    /// A reader connection, back to the pool when dropped.
    fn reader(&self) -> Result<Reader<'_>, StoreError> {
        let pooled = self.readers.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let store = match pooled {
            Some(store) => store,
            None => Store::open(&self.db_path)?,
        };
        Ok(Reader {
            app: self,
            store: Some(store),
        })
    }

    /// The writer connection: one write at a time, as SQLite wants.
    fn writer(&self) -> std::sync::MutexGuard<'_, Store> {
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct Reader<'a> {
    app: &'a App,
    store: Option<Store>,
}

impl std::ops::Deref for Reader<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        self.store.as_ref().expect("present until dropped")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(store) = self.store.take() {
            // A connection left inside a transaction (a panic) is dropped.
            if store.conn().is_autocommit() {
                let mut pool = self.app.readers.lock().unwrap_or_else(|e| e.into_inner());
                if pool.len() < MAX_IDLE_READERS {
                    pool.push(store);
                }
            }
        }
    }
}

/// The routes, over an open database.
pub fn router(app: Arc<App>, options: &ServerOptions) -> Router {
    let api = Router::new()
        .route("/health", get(handlers::health))
        .route("/me", get(handlers::me))
        .route("/pull", get(handlers::pull))
        .route("/push", post(handlers::push))
        .route("/stations/{id}", get(handlers::station))
        .route("/stations/{id}/notes", get(handlers::station_notes));
    Router::new()
        .nest(API_PREFIX, api)
        .fallback(handlers::not_found)
        .method_not_allowed_fallback(handlers::method_not_allowed)
        .layer(DefaultBodyLimit::max(options.max_body_bytes))
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

/// Serves the database at `db_path` on `listen` until Ctrl-C or SIGTERM;
/// `on_bound` is told the address actually bound (port 0 picks one).
pub fn serve(
    db_path: &Path,
    listen: &str,
    options: &ServerOptions,
    on_bound: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    let app = Arc::new(App::open(db_path)?);
    let rt = runtime()?;
    rt.block_on(async {
        let listener = bind(listen).await?;
        let addr = listener.local_addr().map_err(ServerError::Runtime)?;
        on_bound(addr);
        axum::serve(listener, router(app, options))
            .with_graceful_shutdown(stop_signal())
            .await
            .map_err(ServerError::Serve)
    })
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

/// Starts a server on its own thread and returns once it listens.
pub fn spawn(db_path: &Path, listen: &str, options: &ServerOptions) -> Result<ServerHandle, ServerError> {
    let app = Arc::new(App::open(db_path)?);
    let rt = runtime()?;
    let listener = rt.block_on(bind(listen))?;
    let addr = listener.local_addr().map_err(ServerError::Runtime)?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let routes = router(app, options);
    let thread = std::thread::Builder::new()
        .name("bianmin-server".into())
        .spawn(move || {
            rt.block_on(async move {
                let _ = axum::serve(listener, routes)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        })
        .map_err(ServerError::Runtime)?;
    Ok(ServerHandle {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    })
}
