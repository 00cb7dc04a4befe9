//! The laptop's HTTP client of the county server: reqwest, blocking, with
//! rustls (no OpenSSL). HTTPS to any server; plain HTTP only to this
//! computer (loopback), for tests and a server run on the same machine.

use std::time::Duration;

use reqwest::blocking::{Client as Http, Response};
use reqwest::StatusCode;
use reqwest::Url;
use serde::de::DeserializeOwned;

use super::protocol::{ErrorBody, Health, Me, PullPage, PushRecord, PushRequest, PushResponse, API_PREFIX};
use super::SyncError;

/// How long to wait for a connection, and for a whole answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// A request that failed before any answer is tried once more after this.
const RETRY_AFTER: Duration = Duration::from_millis(300);

/// Checks a server address: `https://…`, or `http://` to this computer.
pub fn check_server_url(server: &str) -> Result<Url, SyncError> {
    let text = server.trim();
    let url = Url::parse(text).map_err(|e| {
        SyncError::BadServerUrl(format!(
            "{text:?} is not a server address ({e}); write it as https://host or http://127.0.0.1:PORT"
        ))
    })?;
    match url.scheme() {
        "https" => {}
        "http" => {
            let host = url.host_str().unwrap_or("");
            let bare = host.trim_start_matches('[').trim_end_matches(']');
            let loopback = host.eq_ignore_ascii_case("localhost")
                || bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
            if !loopback {
                return Err(SyncError::BadServerUrl(format!(
                    "{text}: plain http:// is allowed only to this computer (localhost, 127.0.0.1, [::1]); \
                     use https:// for {} (docs/SYNC.md: a reverse proxy with TLS)",
                    url.host_str().unwrap_or("the server")
                )));
            }
        }
        other => {
            return Err(SyncError::BadServerUrl(format!(
                "{text}: the scheme {other}:// is not supported; use https://"
            )))
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(SyncError::BadServerUrl(format!("{text}: no host")));
    }
    Ok(url)
}

/// The innermost cause of an error: the part a person can act on
/// ("Connection refused (os error 111)").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut inner = e;
    while let Some(next) = inner.source() {
        inner = next;
    }
    inner.to_string()
}

/// A client of one server with one token.
pub struct Client {
    http: Http,
    base: String,
    shown: String,
    token: String,
}

impl Client {
    pub fn new(server: &str, token: &str) -> Result<Client, SyncError> {
        let url = check_server_url(server)?;
        let token = token.trim();
        let http = Http::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("bianmin/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::Protocol(format!("cannot start the HTTP client: {e}")))?;
        let base = url.as_str().trim_end_matches('/').to_string();
        Ok(Client {
            http,
            shown: base.clone(),
            base,
            token: token.to_string(),
        })
    }

    /// The server's address as given.
    pub fn server(&self) -> &str {
        &self.shown
    }

    fn url(&self, path: &str) -> String {
        format!("{}{API_PREFIX}{path}", self.base)
    }

    /// Sends a request, once more if it failed before any answer (a
    /// connection the server closed, a restarting server).
    fn send(&self, what: &str, build: impl Fn() -> reqwest::blocking::RequestBuilder) -> Result<Response, SyncError> {
        let mut tried = false;
        loop {
            match build().bearer_auth(&self.token).send() {
                Ok(response) => return Ok(response),
                Err(_) if !tried => {
                    tried = true;
                    std::thread::sleep(RETRY_AFTER);
                }
                Err(e) => {
                    return Err(SyncError::Unreachable {
                        server: self.shown.clone(),
                        message: format!("{what}: {}", root_cause(&e)),
                    })
                }
            }
        }
    }

    fn answer<T: DeserializeOwned>(&self, what: &str, response: Response) -> Result<T, SyncError> {
        let status = response.status();
        let bytes = response.bytes().map_err(|e| SyncError::Unreachable {
            server: self.shown.clone(),
            message: format!("{what}: the answer broke off: {}", root_cause(&e)),
        })?;
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|e| SyncError::Protocol(format!("{what}: {e} (is {} a bianmin server?)", self.shown)));
        }
        let message = match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(body) => body.error,
            Err(_) => {
                let text = String::from_utf8_lossy(&bytes);
                let text = text.trim();
                if text.is_empty() {
                    status.canonical_reason().unwrap_or("no reason given").to_string()
                } else {
                    text.chars().take(200).collect::<String>().replace('\n', " ")
                }
            }
        };
        Err(match status {
            StatusCode::UNAUTHORIZED => SyncError::Unauthorized { message },
            _ => SyncError::Server {
                status: status.as_u16(),
                message: format!("{what}: {message}"),
            },
        })
    }

    /// `GET /health` (no token needed).
    pub fn health(&self) -> Result<Health, SyncError> {
        let response = self.send("health", || self.http.get(self.url("/health")))?;
        self.answer("health", response)
    }

    /// `GET /me`
    pub fn me(&self) -> Result<Me, SyncError> {
        let response = self.send("me", || self.http.get(self.url("/me")))?;
        self.answer("me", response)
    }

    /// `GET /pull?after=…&limit=…`
    pub fn pull(&self, after: i64, limit: u32) -> Result<PullPage, SyncError> {
        let url = format!("{}?after={after}&limit={limit}", self.url("/pull"));
        let response = self.send("pull", || self.http.get(&url))?;
        self.answer("pull", response)
    }

    /// `POST /push`
    pub fn push(&self, records: &[PushRecord]) -> Result<PushResponse, SyncError> {
        let body = serde_json::to_vec(&PushRequest {
            records: records.to_vec(),
        })
        .map_err(|e| SyncError::Protocol(format!("cannot write the push request: {e}")))?;
        let response = self.send("push", || {
            self.http
                .post(self.url("/push"))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
        })?;
        self.answer("push", response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_only_to_this_computer() {
        for ok in [
            "https://bianmin.county.example",
            "https://10.1.2.3:8443/bianmin/",
            "http://127.0.0.1:8080",
            "http://localhost:9",
            "http://[::1]:8080",
            "http://127.9.9.9",
        ] {
            assert!(check_server_url(ok).is_ok(), "{ok}");
        }
        let err = check_server_url("http://bianmin.county.example")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("only to this computer") && err.contains("https://"),
            "{err}"
        );
        for bad in ["http://192.168.1.5:8080", "ftp://127.0.0.1", "bianmin.county", ""] {
            assert!(check_server_url(bad).is_err(), "{bad}");
        }
    }
}
