//! The token check, before anything else of a request is read: a request
//! without a valid token is answered 401 while its body (whatever size it
//! claims) is still unread, so an unknown client costs the server nothing
//! but the headers.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::db::{echo_key, AuthError, Scope};
use super::handlers::{blocking_value, ApiError};
use super::App;
use crate::wire::ECHO_HEADER;

/// Who a request is from: put in the request's extensions for handlers.
#[derive(Debug, Clone)]
pub struct Authed {
    pub scope: Scope,
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

pub async fn require_token(State(app): State<Arc<App>>, mut request: Request, next: Next) -> Response {
    let token = match bearer(request.headers()) {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    let run_id = request
        .headers()
        .get(ECHO_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string());
    let authed = blocking_value(app, move |app| {
        let account = match app.db.authenticate(&token)? {
            Ok(account) => account,
            Err(AuthError::Unknown) => return Err(ApiError::unauthorized("unknown token")),
            Err(AuthError::Revoked(at)) => return Err(ApiError::unauthorized(format!("token revoked at {at}"))),
        };
        let mut scope = app.db.scope_of(&account)?;
        scope.echo = run_id.as_deref().and_then(|id| echo_key(&token, id));
        Ok(Authed { scope })
    })
    .await;
    match authed {
        Ok(authed) => {
            request.extensions_mut().insert(authed);
            next.run(request).await
        }
        Err(e) => e.into_response(),
    }
}
