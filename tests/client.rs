//! The laptop's client against hostile servers (small fake servers on
//! 127.0.0.1 that answer what a broken proxy or an attacker would): a
//! redirect to another origin, an endless answer, a server that never
//! answers, and a proxy's 502/503/504. Nothing is followed, nothing is
//! buffered whole, nothing is sent twice, and "away" means try later.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bianmin::client::{Client, NetProblem, SyncError};

/// A server answering every request with `answer(request_head)`; counts
/// the requests it read.
struct Fake {
    url: String,
    requests: Arc<AtomicUsize>,
}

fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

fn fake(answer: impl Fn(&str, &mut TcpStream) + Send + Sync + 'static) -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = requests.clone();
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let counted = counted.clone();
            let answer = answer.clone();
            std::thread::spawn(move || {
                let head = read_head(&mut stream);
                if head.is_empty() {
                    return;
                }
                counted.fetch_add(1, Ordering::SeqCst);
                answer(&head, &mut stream);
            });
        }
    });
    Fake { url, requests }
}

fn reply(stream: &mut TcpStream, status: &str, headers: &str, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n{headers}\r\n{body}",
        body.len()
    );
}

#[test]
fn a_redirect_to_another_origin_is_not_followed_and_carries_nothing() {
    let elsewhere = fake(|_, stream| reply(stream, "200 OK", "", "{}"));
    let target = format!("{}/steal", elsewhere.url);
    let server = fake(move |_, stream| reply(stream, "307 Temporary Redirect", &format!("location: {target}\r\n"), ""));
    let client = Client::new(&server.url, "bm_secret").unwrap();
    let err = client.push(&[]).unwrap_err();
    assert!(matches!(err, SyncError::Redirected { .. }), "{err:?}");
    assert!(err.to_string().contains("/steal"), "{err}");
    let err = client.me().unwrap_err();
    assert!(matches!(err, SyncError::Redirected { .. }), "{err:?}");
    assert_eq!(
        elsewhere.requests.load(Ordering::SeqCst),
        0,
        "neither the token nor the body left"
    );
}

#[test]
fn an_endless_answer_is_cut_off_with_a_clear_error() {
    let server = fake(|_, stream| {
        let _ = write!(stream, "HTTP/1.1 200 OK\r\ncontent-length: 2000000000\r\n\r\n");
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..2000 {
            if stream.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let client = Client::new(&server.url, "t").unwrap();
    let err = client.me().unwrap_err();
    assert!(matches!(err, SyncError::Protocol(_)), "{err:?}");
    assert!(err.to_string().contains("larger than"), "{err}");
}

#[test]
fn a_server_that_never_answers_times_out_once_and_is_not_asked_again() {
    let server = fake(|_, _stream| {
        // Holds the connection open, says nothing.
        std::thread::sleep(Duration::from_secs(30));
    });
    let client = Client::with_timeouts(&server.url, "t", Duration::from_secs(5), Duration::from_secs(1)).unwrap();
    let err = client.me().unwrap_err();
    assert!(
        matches!(
            err,
            SyncError::Unreachable {
                problem: NetProblem::TimedOut,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_offline());
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        1,
        "a timed-out request is not sent again"
    );
}

#[test]
fn a_proxys_502_503_and_504_mean_the_server_is_away() {
    for status in ["502 Bad Gateway", "503 Service Unavailable", "504 Gateway Timeout"] {
        let server = fake(move |_, stream| reply(stream, status, "retry-after: 7\r\n", "<html>proxy</html>"));
        let err = Client::new(&server.url, "t").unwrap().me().unwrap_err();
        match &err {
            SyncError::ServerBusy { retry_after, .. } => assert_eq!(*retry_after, Some(7)),
            other => panic!("{status}: {other:?}"),
        }
        assert!(err.is_offline(), "{status}");
    }
}

#[test]
fn a_refused_connection_is_offline_in_plain_words() {
    // Bound then dropped: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let err = Client::new(&format!("http://127.0.0.1:{port}"), "t")
        .unwrap()
        .me()
        .unwrap_err();
    assert!(
        matches!(
            err,
            SyncError::Unreachable {
                problem: NetProblem::Refused,
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        !text.contains("os error") && text.contains("nothing was lost"),
        "{text}"
    );
}

#[test]
fn a_small_compressed_answer_that_inflates_past_the_cap_is_cut_off() {
    use flate2::{write::GzEncoder, Compression};
    // 80 MB of spaces (JSON whitespace, past the 64 MB cap of a pull
    // page) in a gzip body of under 100 KB.
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..80 {
        gz.write_all(&chunk).unwrap();
    }
    let body = Arc::new(gz.finish().unwrap());
    assert!(body.len() < 100_000, "{}", body.len());
    let asked = Arc::new(std::sync::Mutex::new(String::new()));
    let heads = asked.clone();
    let server = fake(move |head, stream| {
        *heads.lock().unwrap() = head.to_string();
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\n\
             content-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        let _ = stream.write_all(&body);
    });
    let client = Client::with_options(
        &server.url,
        "t",
        Duration::from_secs(5),
        Duration::from_secs(60),
        Some(true),
    )
    .unwrap();
    let err = client.pull(0, 10).unwrap_err();
    assert!(matches!(err, SyncError::Protocol(_)), "{err:?}");
    assert!(err.to_string().contains("larger than 64 MB"), "{err}");
    assert!(
        asked.lock().unwrap().to_lowercase().contains("accept-encoding: gzip"),
        "the client asked for it"
    );
    // On this computer the client does not ask by itself.
    let plain = Client::new(&server.url, "t").unwrap();
    let _ = plain.me();
    assert!(!asked.lock().unwrap().to_lowercase().contains("accept-encoding: gzip"));
}
