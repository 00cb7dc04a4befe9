//! The endpoints. Each checks the token, then does its database work on a
//! blocking thread and answers JSON; every failure is an `ApiError`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::App;
use crate::store::sync::{Account, AuthError, Scope};
use crate::store::StoreError;
use crate::sync::protocol::{
    ErrorBody, Health, Me, NoteRecord, PushRequest, PushResponse, DEFAULT_PAGE_ROWS, MAX_PAGE_ROWS, MAX_PUSH_RECORDS,
};

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

    fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
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
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"bianmin\""),
            );
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
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
async fn blocking(app: Arc<App>, work: impl FnOnce(&App) -> Result<Vec<u8>, ApiError> + Send + 'static) -> Response {
    match tokio::task::spawn_blocking(move || work(&app)).await {
        Ok(Ok(bytes)) => json_response(bytes),
        Ok(Err(e)) => e.into_response(),
        Err(e) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the request failed inside the server: {e}"),
        )
        .into_response(),
    }
}

/// The bearer token of a request.
fn bearer(headers: &HeaderMap) -> Result<String, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::unauthorized(
            "missing token: send the header Authorization: Bearer TOKEN",
        ));
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("the Authorization header is not text"))?;
    let (scheme, token) = text.trim().split_once(' ').unwrap_or((text, ""));
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(ApiError::unauthorized("the Authorization header must be: Bearer TOKEN"));
    }
    Ok(token.to_string())
}

fn account(app: &App, token: &str) -> Result<(Account, Scope), ApiError> {
    let store = app.reader()?;
    let account = match store.authenticate(token)? {
        Ok(account) => account,
        Err(AuthError::Unknown) => return Err(ApiError::unauthorized("unknown token")),
        Err(AuthError::Revoked(at)) => return Err(ApiError::unauthorized(format!("token revoked at {at}"))),
    };
    let scope = store.scope_of(&account)?;
    Ok((account, scope))
}

pub async fn health(State(app): State<Arc<App>>) -> Response {
    match to_json(&Health {
        status: "ok".into(),
        server_id: app.server_id().to_string(),
        version: env!("CARGO_PKG_VERSION").into(),
    }) {
        Ok(bytes) => json_response(bytes),
        Err(e) => e.into_response(),
    }
}

pub async fn me(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let token = match bearer(&headers) {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    blocking(app, move |app| {
        let (account, scope) = account(app, &token)?;
        let store = app.reader()?;
        let name: Option<String> = store
            .conn()
            .query_row("SELECT name FROM people WHERE id = ?1", [&account.person_id], |r| {
                r.get(0)
            })
            .ok();
        let branches = match &scope.branches {
            Some(b) => b.iter().cloned().collect(),
            None => store.branches()?.into_iter().map(|b| b.id).collect(),
        };
        to_json(&Me {
            person_id: account.person_id,
            name,
            role: account.role.as_str().into(),
            stations: scope.station_count(&store)?,
            branches,
            scope_key: scope.key,
            server_id: app.server_id().to_string(),
        })
    })
    .await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullQuery {
    after: Option<i64>,
    limit: Option<u32>,
}

pub async fn pull(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    query: Result<Query<PullQuery>, QueryRejection>,
) -> Response {
    let token = match bearer(&headers) {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    let query = match query {
        Ok(Query(q)) => q,
        Err(e) => {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("{}; expected ?after=REVISION&limit=ROWS", e.body_text()),
            )
            .into_response()
        }
    };
    let after = query.after.unwrap_or(0);
    if after < 0 {
        return ApiError::new(StatusCode::BAD_REQUEST, "after must be 0 or more").into_response();
    }
    let limit = query.limit.unwrap_or(DEFAULT_PAGE_ROWS).clamp(1, MAX_PAGE_ROWS);
    blocking(app, move |app| {
        let (_, scope) = account(app, &token)?;
        let store = app.reader()?;
        let page = store.pull_page(&scope, after, limit, app.server_id())?;
        to_json(&page)
    })
    .await
}

/// What a JSON parse error is: 400 for text that is not JSON, 422 for
/// JSON of the wrong shape.
fn json_error(e: &serde_json::Error) -> ApiError {
    let status = match e.classify() {
        serde_json::error::Category::Data => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::BAD_REQUEST,
    };
    ApiError::new(status, format!("the request body is not a push request: {e}"))
}

pub async fn push(State(app): State<Arc<App>>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    let token = match bearer(&headers) {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    let body = match body {
        Ok(body) => body,
        Err(e) => {
            let status = e.status();
            let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "the request body is larger than this server takes; send fewer records at once".to_string()
            } else {
                format!("cannot read the request body: {}", e.body_text())
            };
            return ApiError::new(status, message).into_response();
        }
    };
    blocking(app, move |app| {
        let (_, scope) = account(app, &token)?;
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
        let results = app.writer().receive_records(&scope, &request.records)?;
        to_json(&PushResponse { results })
    })
    .await
}

#[derive(Debug, Serialize)]
struct StationInfo {
    id: String,
    name: String,
    kind: String,
    branch_id: String,
    maintainer_id: String,
    village: Option<String>,
    status: String,
    has_terminal: bool,
    opened_on: Option<String>,
    closed_on: Option<String>,
}

#[derive(Debug, Serialize)]
struct StationNotes {
    station_id: String,
    notes: Vec<NoteRecord>,
}

/// The station of a path, if the token may see it.
fn station_in_scope(app: &App, scope: &Scope, id: &str) -> Result<crate::store::registry::Station, ApiError> {
    let store = app.reader()?;
    let Some(station) = store.station(id)? else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("station {id} is not on the server"),
        ));
    };
    if !scope.has_station(id) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "station {id} is outside the scope of {} ({})",
                scope.person_id, scope.role
            ),
        ));
    }
    Ok(station)
}

pub async fn station(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let token = match bearer(&headers) {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    let Ok(Path(id)) = id else {
        return not_found().await.into_response();
    };
    blocking(app, move |app| {
        let (_, scope) = account(app, &token)?;
        let s = station_in_scope(app, &scope, &id)?;
        to_json(&StationInfo {
            id: s.id,
            name: s.name,
            kind: s.kind.as_str().into(),
            branch_id: s.branch_id,
            maintainer_id: s.maintainer_id,
            village: s.village,
            status: s.status,
            has_terminal: s.has_terminal,
            opened_on: s.opened_on.map(|d| d.to_string()),
            closed_on: s.closed_on.map(|d| d.to_string()),
        })
    })
    .await
}

pub async fn station_notes(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let token = match bearer(&headers) {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    let Ok(Path(id)) = id else {
        return not_found().await.into_response();
    };
    blocking(app, move |app| {
        let (_, scope) = account(app, &token)?;
        station_in_scope(app, &scope, &id)?;
        let store = app.reader()?;
        let notes = store
            .notes(Some(&id))?
            .into_iter()
            .map(|n| NoteRecord {
                uuid: n.uuid,
                station_id: n.station_id,
                author_id: n.author_id,
                visited_on: n.visited_on.to_string(),
                kind: n.kind.as_str().into(),
                body: n.body,
                follow_up_on: n.follow_up_on.map(|d| d.to_string()),
                field_times: n.field_times,
                version: n.version,
                created_at: n.created_at,
                updated_at: n.updated_at,
            })
            .collect();
        to_json(&StationNotes { station_id: id, notes })
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
