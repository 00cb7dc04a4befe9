//! The endpoints. The token was checked by `auth` (its `Authed` is in the
//! request); each handler does its database work on a blocking thread and
//! answers JSON; every failure is an `ApiError`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::auth::Authed;
use super::db::ServerDbError;
use super::page_cache::PageError;
use super::App;
use crate::wire::{
    ErrorBody, Health, PushRequest, PushResponse, StationNotes, DEFAULT_PAGE_ROWS, MAX_PAGE_ROWS, MAX_PUSH_RECORDS,
    PAGE_SOURCE_HEADER,
};

/// Seconds a client is asked to wait when the database is busy.
const BUSY_RETRY_SECONDS: u64 = 5;

/// A refusal or failure, answered as `{"error": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() && self.status != StatusCode::SERVICE_UNAVAILABLE {
            eprintln!("bianmin serve: {} {}", self.status.as_u16(), self.message);
        }
        let body = serde_json::to_vec(&ErrorBody { error: self.message })
            .unwrap_or_else(|_| b"{\"error\":\"error\"}".to_vec());
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            body,
        )
            .into_response();
        match self.status {
            StatusCode::UNAUTHORIZED => {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"bianmin\""),
                );
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(BUSY_RETRY_SECONDS));
            }
            _ => {}
        }
        response
    }
}

impl From<ServerDbError> for ApiError {
    fn from(e: ServerDbError) -> ApiError {
        match e {
            ServerDbError::Busy => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
            ServerDbError::Store(e) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        }
    }
}

impl From<PageError> for ApiError {
    fn from(e: PageError) -> ApiError {
        match e {
            PageError::Db(e) => e.into(),
            PageError::Json(e) => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("cannot write the answer: {e}"),
            ),
        }
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> ApiError {
        ServerDbError::Store(e).into()
    }
}

fn json_response(bytes: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        bytes,
    )
        .into_response()
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot write the answer: {e}"),
        )
    })
}

/// Runs database work on a blocking thread; a panic there is a 500, never
/// a dead server.
pub(super) async fn blocking_value<T: Send + 'static>(
    app: Arc<App>,
    work: impl FnOnce(&App) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(move || work(&app)).await {
        Ok(result) => result,
        Err(e) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the request failed inside the server: {e}"),
        )),
    }
}

/// `blocking_value` answered as JSON.
async fn blocking(app: Arc<App>, work: impl FnOnce(&App) -> Result<Vec<u8>, ApiError> + Send + 'static) -> Response {
    match blocking_value(app, work).await {
        Ok(bytes) => json_response(bytes),
        Err(e) => e.into_response(),
    }
}

pub async fn health(State(app): State<Arc<App>>) -> Response {
    match to_json(&Health {
        status: "ok".into(),
        server_id: app.db.server_id().to_string(),
        version: env!("CARGO_PKG_VERSION").into(),
        server_time: Some(crate::month::timestamp(Utc::now())),
    }) {
        Ok(bytes) => json_response(bytes),
        Err(e) => e.into_response(),
    }
}

pub async fn me(State(app): State<Arc<App>>, Extension(authed): Extension<Authed>) -> Response {
    blocking(app, move |app| to_json(&app.db.me(&authed.scope, Utc::now())?)).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullQuery {
    after: Option<i64>,
    limit: Option<u32>,
}

pub async fn pull(
    State(app): State<Arc<App>>,
    Extension(authed): Extension<Authed>,
    query: Result<Query<PullQuery>, QueryRejection>,
) -> Response {
    let query = match query {
        Ok(Query(q)) => q,
        Err(e) => {
            let text: String = e.body_text().chars().take(200).collect();
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("{text}; expected ?after=REVISION&limit=ROWS"),
            )
            .into_response();
        }
    };
    let after = query.after.unwrap_or(0);
    if after < 0 {
        return ApiError::new(StatusCode::BAD_REQUEST, "after must be 0 or more").into_response();
    }
    let limit = query.limit.unwrap_or(DEFAULT_PAGE_ROWS).clamp(1, MAX_PAGE_ROWS);
    let served = blocking_value(app, move |app| {
        Ok(app
            .pages
            .page_json(app.db.as_ref(), &authed.scope, after, limit, Utc::now())?)
    })
    .await;
    match served {
        Ok(page) => {
            let mut response = json_response(page.json);
            let source = if page.kept { "kept" } else { "read" };
            response
                .headers_mut()
                .insert(PAGE_SOURCE_HEADER, HeaderValue::from_static(source));
            response
        }
        Err(e) => e.into_response(),
    }
}

/// What a JSON parse error is: 400 for text that is not JSON, 422 for
/// JSON of the wrong shape.
fn json_error(e: &serde_json::Error) -> ApiError {
    let status = match e.classify() {
        serde_json::error::Category::Data => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::BAD_REQUEST,
    };
    let text: String = e.to_string().chars().take(300).collect();
    ApiError::new(status, format!("the request body is not a push request: {text}"))
}

/// How much of a body over the limit is read and thrown away so the
/// client gets its 413 (a connection closed with unread data is reset, and
/// the client would see a broken connection instead of the answer). Past
/// this, the connection is just closed.
const DRAIN_BYTES: usize = 16 << 20;

/// How long draining may take.
const DRAIN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Reads and discards up to `DRAIN_BYTES` of a body, within `timeout`.
async fn drain(body: axum::body::Body, timeout: std::time::Duration) {
    use http_body_util::BodyExt;
    let mut body = body;
    let _ = tokio::time::timeout(timeout, async {
        let mut read = 0usize;
        while let Some(Ok(frame)) = body.frame().await {
            read += frame.data_ref().map_or(0, |d| d.len());
            if read > DRAIN_BYTES {
                break;
            }
        }
    })
    .await;
}

/// Reads a request's body: at most the server's limit, within the body
/// timeout.
async fn read_body(app: &App, request: Request) -> Result<Bytes, ApiError> {
    use http_body_util::BodyExt;
    let limit = app.max_body_bytes;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is larger than this server takes; send fewer records at once",
        )
    };
    let claimed = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let body = request.into_body();
    if let Some(n) = claimed.filter(|n| *n > limit as u64) {
        // A client that means well (one record over the limit) is drained
        // for a clean 413; a claim past the drain is not, and is just closed.
        if n <= DRAIN_BYTES as u64 {
            drain(body, DRAIN_TIMEOUT).await;
        }
        return Err(too_large());
    }
    // Read up to the limit; past it, keep reading (and throwing away) so the
    // 413 reaches the client, as above.
    let mut body = body;
    let read = async {
        let mut bytes = Vec::new();
        let mut drained: Option<usize> = None;
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else { return Err(false) };
            let Some(data) = frame.data_ref() else { continue };
            match &mut drained {
                Some(n) => {
                    *n += data.len();
                    if *n > DRAIN_BYTES {
                        break;
                    }
                }
                None if bytes.len() + data.len() > limit => {
                    drained = Some(bytes.len() + data.len());
                    bytes = Vec::new();
                }
                None => bytes.extend_from_slice(data),
            }
        }
        match drained {
            Some(_) => Err(true),
            None => Ok(bytes),
        }
    };
    match tokio::time::timeout(app.body_timeout, read).await {
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "the request body came too slowly",
        )),
        Ok(Err(true)) => Err(too_large()),
        Ok(Err(false)) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "cannot read the request body: it broke off",
        )),
        Ok(Ok(bytes)) => Ok(Bytes::from(bytes)),
    }
}

pub async fn push(State(app): State<Arc<App>>, Extension(authed): Extension<Authed>, request: Request) -> Response {
    // A few pushes read their bodies at once; the others wait here,
    // unread, so memory stays bounded.
    let Ok(_turn) = app.pushes.acquire().await else {
        return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping").into_response();
    };
    let body = match read_body(&app, request).await {
        Ok(body) => body,
        Err(e) => return e.into_response(),
    };
    blocking(app.clone(), move |app| {
        let request: PushRequest = serde_json::from_slice(&body).map_err(|e| json_error(&e))?;
        if request.records.len() > MAX_PUSH_RECORDS {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "{} records in one push; at most {MAX_PUSH_RECORDS}",
                    request.records.len()
                ),
            ));
        }
        let results = app.db.receive_records(&authed.scope, &request.records, Utc::now())?;
        to_json(&PushResponse { results })
    })
    .await
}

/// 403 for a station the token may not read, whether or not it exists
/// (404 only for a county token, which may read everything).
fn station_refused(authed: &Authed, id: &str) -> ApiError {
    let shown: String = id.chars().take(64).collect();
    if authed.scope.stations.is_none() {
        ApiError::new(StatusCode::NOT_FOUND, format!("station {shown} is not on the server"))
    } else {
        ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "station {shown} is outside the scope of {} ({})",
                authed.scope.person_id, authed.scope.role
            ),
        )
    }
}

pub async fn station(
    State(app): State<Arc<App>>,
    Extension(authed): Extension<Authed>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return not_found().await.into_response();
    };
    blocking(app, move |app| match app.db.station(&authed.scope, &id)? {
        Some(station) => to_json(&station),
        None => Err(station_refused(&authed, &id)),
    })
    .await
}

pub async fn station_notes(
    State(app): State<Arc<App>>,
    Extension(authed): Extension<Authed>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return not_found().await.into_response();
    };
    blocking(app, move |app| match app.db.station_notes(&authed.scope, &id)? {
        Some(notes) => to_json(&StationNotes { station_id: id, notes }),
        None => Err(station_refused(&authed, &id)),
    })
    .await
}

pub async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no such endpoint; the API is under /api/v1 (docs/SYNC.md)",
    )
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "this endpoint does not take that method (docs/SYNC.md)",
    )
}
