//! Accepting connections, with the limits that keep an open port safe:
//! a cap on open connections (past it, a 503 with a JSON body), a time
//! limit on request headers that also closes idle keep-alive
//! connections, and a bounded shutdown: on Ctrl-C or SIGTERM the server
//! stops accepting, lets requests in flight finish for a few seconds,
//! then stops whatever is left.
//!
//! hyper answers a request it cannot parse (400, 414, 431) by itself,
//! with an empty body; `JsonErrors` wraps each connection and writes
//! those answers with a JSON body like every other error of the API.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use crate::wire::ErrorBody;

/// How much a server takes before it says no.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Connections open at once; one more is answered 503 and closed.
    pub max_connections: usize,
    /// Time to send a request's headers, and the longest a keep-alive
    /// connection may sit idle.
    pub header_timeout: Duration,
    /// Time to send a request's body.
    pub body_timeout: Duration,
    /// After a stop signal, how long requests in flight may take.
    pub shutdown_grace: Duration,
    /// The largest request head hyper reads (request line and headers).
    pub max_head_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: 512,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            shutdown_grace: Duration::from_secs(7),
            max_head_bytes: 128 << 10,
        }
    }
}

/// Serves `router` on `listener` until `stop` resolves, then shuts down
/// within `limits.shutdown_grace`.
pub async fn serve(listener: TcpListener, router: Router, limits: Limits, stop: impl Future<Output = ()>) {
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(_) => {
                        // Out of file descriptors, or a connection reset
                        // before it was accepted: pause rather than spin.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let Ok(slot) = slots.clone().try_acquire_owned() else {
                    tokio::spawn(refuse_busy(stream));
                    continue;
                };
                let mut builder = http1::Builder::new();
                builder
                    .timer(TokioTimer::new())
                    .header_read_timeout(limits.header_timeout)
                    .max_buf_size(limits.max_head_bytes.max(8192));
                let connection = builder.serve_connection(
                    TokioIo::new(JsonErrors::new(stream)),
                    TowerToHyperService::new(router.clone()),
                );
                let watched = graceful.watch(connection);
                tokio::spawn(async move {
                    let _ = watched.await;
                    drop(slot);
                });
            }
            _ = &mut stop => break,
        }
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(limits.shutdown_grace) => {}
    }
}

/// A whole HTTP answer with a JSON error body, closing the connection.
pub fn json_error_response(status: u16, reason: &str, message: &str, extra_headers: &str) -> Vec<u8> {
    let body = serde_json::to_vec(&ErrorBody {
        error: message.to_string(),
    })
    .unwrap_or_else(|_| b"{\"error\":\"error\"}".to_vec());
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n{extra_headers}\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out
}

/// One connection too many: say so and close.
async fn refuse_busy(mut stream: TcpStream) {
    let answer = json_error_response(
        503,
        "Service Unavailable",
        "the server has too many connections open; try again shortly",
        "retry-after: 5\r\n",
    );
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        let _ = stream.write_all(&answer).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

/// The answer to write instead of hyper's own empty error answer, if the
/// bytes hyper is writing are one (the status line of a 400, 414 or 431
/// with no body: the API's own errors always have one).
fn replacement(head: &[u8]) -> Option<Vec<u8>> {
    if !head.starts_with(b"HTTP/1.") || !head.ends_with(b"\r\n\r\n") || head.len() > 1024 {
        return None;
    }
    let text = std::str::from_utf8(head).ok()?.to_ascii_lowercase();
    if !text.contains("\r\ncontent-length: 0\r\n") {
        return None;
    }
    let status: u16 = text.get(9..12)?.parse().ok()?;
    let (reason, message) = match status {
        400 => (
            "Bad Request",
            "the request is not one this server can read (a bad request line or header)",
        ),
        414 => ("URI Too Long", "the request's address is too long"),
        431 => ("Request Header Fields Too Large", "the request's headers are too large"),
        _ => return None,
    };
    Some(json_error_response(status, reason, message, ""))
}

/// A connection whose automatic error answers get a JSON body.
pub struct JsonErrors<S> {
    inner: S,
    /// A replacement answer being written, and how much of it is out.
    pending: Option<(Vec<u8>, usize)>,
}

impl<S> JsonErrors<S> {
    pub fn new(inner: S) -> JsonErrors<S> {
        JsonErrors { inner, pending: None }
    }
}

impl<S: AsyncWrite + Unpin> JsonErrors<S> {
    /// Writes out a pending replacement; Ready when none is left.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.pending {
            if *written >= bytes.len() {
                self.pending = None;
                break;
            }
            match Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for JsonErrors<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for JsonErrors<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        std::task::ready!(self.drain(cx))?;
        if let Some(answer) = replacement(buf) {
            self.pending = Some((answer, 0));
            // hyper is told its bytes went out; ours follow in `drain`.
            let _ = self.drain(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        // hyper then writes a response head in one contiguous buffer,
        // which `replacement` can recognise.
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypers_empty_error_answers_are_replaced_and_nothing_else_is() {
        let hyper_431 = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let out = String::from_utf8(replacement(hyper_431).unwrap()).unwrap();
        assert!(out.starts_with("HTTP/1.1 431 "), "{out}");
        let body = out.split("\r\n\r\n").nth(1).unwrap();
        let parsed: ErrorBody = serde_json::from_str(body).unwrap();
        assert!(parsed.error.contains("headers"));
        assert!(replacement(b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n").is_some());
        // The API's own answers have bodies; a success is never touched.
        assert!(replacement(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 42\r\n\r\n").is_none());
        assert!(replacement(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(replacement(b"{\"error\":1}").is_none());
    }
}
