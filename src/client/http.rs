//! The laptop's HTTP client of the county server: reqwest, blocking, with
//! rustls (no OpenSSL). HTTPS to any server; plain HTTP only to this
//! computer (loopback), for tests and a server run on the same machine.
//!
//! A hostile network or server can do no harm here: no redirect is
//! followed to another origin (and none re-sends a body or the token), an
//! answer is read up to a size cap, a connection waits about 10 s and an
//! answer about a minute, a request that timed out is not sent again at
//! once, and a proxy's 502/503/504 means the server is away (try later).

use std::io::Read;
use std::time::Duration;

use reqwest::blocking::{Client as Http, Response};
use reqwest::redirect::Policy;
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use super::{NetProblem, SyncError};
use crate::wire::{ErrorBody, Health, Me, PullPage, PushRecord, PushRequest, PushResponse, API_PREFIX, ECHO_HEADER};

/// How long to wait for a connection, and for each answer.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub(crate) const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);
/// A request refused before it was sent (a connection the server closed,
/// a restarting server) is tried once more after this.
const RETRY_AFTER: Duration = Duration::from_millis(300);

/// The largest answer taken: a pull page of 100,000 rows is about 8 MB.
const MAX_PULL_BYTES: u64 = 64 << 20;
/// The largest answer of any other endpoint.
const MAX_ANSWER_BYTES: u64 = 4 << 20;

/// Checks a server address: `https://…`, or `http://` to this computer.
pub fn check_server_url(server: &str) -> Result<Url, SyncError> {
    let text = server.trim();
    let url = Url::parse(text).map_err(|_| SyncError::BadServerUrl {
        url: text.to_string(),
        problem: super::UrlProblem::NotAnAddress,
    })?;
    match url.scheme() {
        "https" => {}
        "http" => {
            if !is_loopback(&url) {
                return Err(SyncError::BadServerUrl {
                    url: text.to_string(),
                    problem: super::UrlProblem::PlainHttp,
                });
            }
        }
        _ => {
            return Err(SyncError::BadServerUrl {
                url: text.to_string(),
                problem: super::UrlProblem::Scheme,
            })
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(SyncError::BadServerUrl {
            url: text.to_string(),
            problem: super::UrlProblem::NotAnAddress,
        });
    }
    Ok(url)
}

/// Whether an address names this computer.
fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or("");
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// What went wrong on the way, in terms a person can act on.
fn problem(e: &reqwest::Error) -> NetProblem {
    if e.is_timeout() {
        return NetProblem::TimedOut;
    }
    let mut inner: &(dyn std::error::Error + 'static) = e;
    let mut text = inner.to_string();
    while let Some(next) = inner.source() {
        inner = next;
        text = inner.to_string();
        if let Some(io) = inner.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return NetProblem::Refused,
                std::io::ErrorKind::TimedOut => return NetProblem::TimedOut,
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted => {
                    return NetProblem::Reset
                }
                _ => {}
            }
        }
    }
    let lower = text.to_lowercase();
    if lower.contains("dns") || lower.contains("name or service") || lower.contains("lookup") {
        NetProblem::NoSuchHost
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        NetProblem::Certificate
    } else if e.is_connect() {
        NetProblem::Refused
    } else {
        NetProblem::Other(text.chars().take(200).collect())
    }
}

/// The same scheme, host and port.
fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

/// A client of one server with one token.
pub struct Client {
    http: Http,
    base: String,
    shown: String,
    token: String,
    /// This sync run's random id (`wire::ECHO_HEADER`), sent with every
    /// request: the server leaves out of this run's pull what its push
    /// stored as sent. A new client, a new run: an interrupted run's
    /// records come back at the next, harmlessly.
    run_id: String,
}

impl Client {
    pub fn new(server: &str, token: &str) -> Result<Client, SyncError> {
        Client::with_timeouts(server, token, CONNECT_TIMEOUT, ANSWER_TIMEOUT)
    }

    /// A client that waits `connect` for a connection and `answer` for
    /// each answer (tests use short ones).
    pub fn with_timeouts(server: &str, token: &str, connect: Duration, answer: Duration) -> Result<Client, SyncError> {
        Client::with_options(server, token, connect, answer, None)
    }

    /// A client that asks for compressed answers (`Some(true)`), never
    /// does (`Some(false)`), or (`None`) does unless the server is on this
    /// computer, where compressing costs more than the bytes it saves.
    /// Either way an answer's size cap counts the bytes after inflating.
    pub fn with_options(
        server: &str,
        token: &str,
        connect: Duration,
        answer: Duration,
        compress: Option<bool>,
    ) -> Result<Client, SyncError> {
        let url = check_server_url(server)?;
        let compress = compress.unwrap_or_else(|| !is_loopback(&url));
        let token = token.trim();
        // A redirect is followed only within the server's own origin (a
        // path moved behind the county's proxy); to anywhere else it stops
        // here, so neither the token nor a push's body ever leaves for a
        // place the address check above did not allow.
        let redirects = Policy::custom(|attempt| {
            let first = attempt.previous().first().cloned();
            match first {
                Some(first) if attempt.previous().len() <= 3 && same_origin(&first, attempt.url()) => attempt.follow(),
                _ => attempt.stop(),
            }
        });
        let http = Http::builder()
            .connect_timeout(connect)
            .timeout(answer)
            .redirect(redirects)
            .gzip(compress)
            .user_agent(concat!("bianmin/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::Protocol(format!("cannot start the HTTP client: {e}")))?;
        let base = url.as_str().trim_end_matches('/').to_string();
        Ok(Client {
            http,
            shown: base.clone(),
            base,
            token: token.to_string(),
            run_id: uuid::Uuid::new_v4().to_string(),
        })
    }

    /// The server's address as given.
    pub fn server(&self) -> &str {
        &self.shown
    }

    fn url(&self, path: &str) -> String {
        format!("{}{API_PREFIX}{path}", self.base)
    }

    fn unreachable(&self, problem: NetProblem) -> SyncError {
        SyncError::Unreachable {
            server: self.shown.clone(),
            problem,
        }
    }

    /// Sends a request; once more if it failed without an answer (a kept
    /// connection the server had closed, a restarting server: every
    /// request is safe to repeat, the server merges pushes), but never
    /// after a timeout: a server that accepts and never answers must not
    /// hold sync twice as long.
    fn send(&self, build: impl Fn() -> reqwest::blocking::RequestBuilder) -> Result<Response, SyncError> {
        let mut tried = false;
        loop {
            match build()
                .bearer_auth(&self.token)
                .header(ECHO_HEADER, &self.run_id)
                .send()
            {
                Ok(response) => return Ok(response),
                Err(e) if !tried && !e.is_timeout() => {
                    tried = true;
                    std::thread::sleep(RETRY_AFTER);
                }
                Err(e) => return Err(self.unreachable(problem(&e))),
            }
        }
    }

    /// Reads an answer of at most `limit` bytes and turns it into `T`, or
    /// into the error it says.
    fn answer<T: DeserializeOwned>(&self, what: &str, response: Response, limit: u64) -> Result<T, SyncError> {
        let status = response.status();
        if status.is_redirection() {
            let to = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .chars()
                .take(200)
                .collect();
            return Err(SyncError::Redirected {
                server: self.shown.clone(),
                to,
            });
        }
        if matches!(
            status,
            StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
        ) {
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            return Err(SyncError::ServerBusy {
                server: self.shown.clone(),
                status: status.as_u16(),
                retry_after,
            });
        }
        // A compressed answer is inflated as it is read: the cap counts the
        // inflated bytes, so a small body that inflates without end is cut
        // off like an endless one.
        let mut bytes = Vec::new();
        response
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| self.unreachable(NetProblem::BrokeOff(e.to_string().chars().take(200).collect())))?;
        if bytes.len() as u64 > limit {
            return Err(SyncError::Protocol(format!(
                "{what}: the answer is larger than {} MB; is {} a bianmin server?",
                limit >> 20,
                self.shown
            )));
        }
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|e| SyncError::Protocol(format!("{what}: {e} (is {} a bianmin server?)", self.shown)));
        }
        let message = match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(body) => body.error.chars().take(500).collect(),
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
        let response = self.send(|| self.http.get(self.url("/health")))?;
        self.answer("health", response, MAX_ANSWER_BYTES)
    }

    /// `GET /me`
    pub fn me(&self) -> Result<Me, SyncError> {
        let response = self.send(|| self.http.get(self.url("/me")))?;
        self.answer("me", response, MAX_ANSWER_BYTES)
    }

    /// `GET /pull?after=…&limit=…`
    pub fn pull(&self, after: i64, limit: u32) -> Result<PullPage, SyncError> {
        let url = format!("{}?after={after}&limit={limit}", self.url("/pull"));
        let response = self.send(|| self.http.get(&url))?;
        self.answer("pull", response, MAX_PULL_BYTES)
    }

    /// `POST /push`
    pub fn push(&self, records: &[PushRecord]) -> Result<PushResponse, SyncError> {
        let body = serde_json::to_vec(&PushRequest {
            records: records.to_vec(),
        })
        .map_err(|e| SyncError::Protocol(format!("cannot write the push request: {e}")))?;
        let response = self.send(|| {
            self.http
                .post(self.url("/push"))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
        })?;
        self.answer("push", response, MAX_ANSWER_BYTES)
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
        assert!(matches!(
            check_server_url("http://bianmin.county.example"),
            Err(SyncError::BadServerUrl {
                problem: super::super::UrlProblem::PlainHttp,
                ..
            })
        ));
        for bad in ["http://192.168.1.5:8080", "ftp://127.0.0.1", "bianmin.county", ""] {
            assert!(check_server_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn origins_are_scheme_host_and_port() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(same_origin(&u("https://a.example/x"), &u("https://a.example:443/y")));
        assert!(!same_origin(&u("https://a.example/x"), &u("http://a.example/x")));
        assert!(!same_origin(&u("https://a.example/x"), &u("https://b.example/x")));
        assert!(!same_origin(&u("http://127.0.0.1:1/x"), &u("http://127.0.0.1:2/x")));
    }
}
