//! The HTTP/1.1 side of `gazette serve`: just enough of the protocol for a browser on the same
//! machine, with every wait bounded.
//!
//! It exists because the server must not let one client hold it: a connection that sends its
//! request slowly or not at all (slow-loris) is closed once [`REQUEST_TIMEOUT`] has passed
//! since it opened or since its last response, whatever it sends meanwhile; at most
//! [`MAX_CONNECTIONS`] connections are served at once, each on its own thread, so a slow one
//! never delays the others; a response not taken within [`RESPONSE_TIMEOUT`] is cut off. Methods other than GET and HEAD get 405 with `Allow: GET, HEAD`;
//! a request that does not parse gets 400; HEAD gets the headers of GET without the body.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long a client has to send a whole request head, from the opening of the connection
/// or from the previous response.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a client has to take a whole response; one that reads slowly is cut off.
pub const RESPONSE_TIMEOUT: Duration = Duration::from_secs(30);

/// The most connections served at once; more are answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 64;

/// The largest request head accepted (request line and headers).
const MAX_HEAD: usize = 16 * 1024;

/// A request, as far as a static server needs it.
#[derive(Debug)]
pub struct Request {
    /// The request target, e.g. `/issues/index.html?x=1`.
    pub target: String,
}

/// A response to send.
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Headers besides `Content-Length` and `Connection`, which are added when sending.
    pub headers: Vec<(&'static str, String)>,
    /// The body (not sent for HEAD).
    pub body: Vec<u8>,
}

impl Response {
    /// A response with `status`, a `Content-Type` and `body`.
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body,
        }
    }

    /// The response with one more header.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }

    fn plain(status: u16) -> Response {
        let text = format!("{status} {}\n", reason(status));
        Response::new(status, "text/plain; charset=utf-8", text.into_bytes())
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// Accepts connections on `listener` for ever, answering each request with `handler`.
pub fn run(listener: &TcpListener, handler: &(dyn Fn(&Request) -> Response + Sync)) {
    let open = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else {
                // Out of file handles, most likely: let some connections end first.
                std::thread::sleep(Duration::from_millis(50));
                continue;
            };
            if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                open.fetch_sub(1, Ordering::SeqCst);
                let _ = stream.set_write_timeout(Some(REQUEST_TIMEOUT));
                let _ = send(&mut stream, &Response::plain(503), false, false);
                continue;
            }
            let open = &open;
            scope.spawn(move || {
                connection(stream, handler);
                open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
}

/// What reading a request head gave.
enum Head {
    /// The head, without its final blank line.
    Complete(Vec<u8>),
    /// The client closed the connection before sending anything.
    Closed,
    /// The time ran out; whether part of a request had come.
    TimedOut(bool),
    /// The head is longer than [`MAX_HEAD`].
    TooLarge,
}

/// Serves the requests of one connection until it closes, times out or errs.
fn connection(mut stream: TcpStream, handler: &(dyn Fn(&Request) -> Response + Sync)) {
    if stream.set_write_timeout(Some(REQUEST_TIMEOUT)).is_err() {
        return;
    }
    let mut pending = Vec::new();
    loop {
        let head = match read_head(&mut stream, &mut pending) {
            Head::Complete(head) => head,
            Head::Closed | Head::TimedOut(false) => return,
            Head::TimedOut(true) => {
                let _ = send(&mut stream, &Response::plain(408), false, false);
                return;
            }
            Head::TooLarge => {
                let _ = send(&mut stream, &Response::plain(431), false, false);
                return;
            }
        };
        let parsed = match parse_head(&head) {
            Ok(parsed) => parsed,
            Err(status) => {
                let _ = send(&mut stream, &Response::plain(status), false, false);
                return;
            }
        };
        let head_only = parsed.method == "HEAD";
        if parsed.method != "GET" && !head_only {
            // A body may follow that we do not read: answer and close.
            let response = Response::plain(405).with_header("Allow", "GET, HEAD");
            let _ = send(&mut stream, &response, false, false);
            return;
        }
        let response = handler(&Request {
            target: parsed.target,
        });
        // A GET with a body is unusual; rather than read it, close after answering.
        let keep = parsed.keep_alive && !parsed.has_body;
        if send(&mut stream, &response, head_only, keep).is_err() || !keep {
            return;
        }
    }
}

/// Reads until the blank line ending a request head, within [`REQUEST_TIMEOUT`]. Bytes after
/// it stay in `pending` for the next request.
fn read_head(stream: &mut TcpStream, pending: &mut Vec<u8>) -> Head {
    let deadline = Instant::now() + REQUEST_TIMEOUT;
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = head_end(pending) {
            let head = pending[..end.0].to_vec();
            pending.drain(..end.1);
            return Head::Complete(head);
        }
        if pending.len() > MAX_HEAD {
            return Head::TooLarge;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Head::TimedOut(!pending.is_empty());
        }
        match stream.read(&mut chunk) {
            Ok(0) => {
                return if pending.is_empty() {
                    Head::Closed
                } else {
                    // Half a request and then the end: nothing to answer to, but say why.
                    Head::TimedOut(true)
                };
            }
            Ok(n) => pending.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Head::TimedOut(!pending.is_empty());
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return Head::Closed,
        }
    }
}

/// Where the head in `bytes` ends: (end of its last line, start of what follows).
fn head_end(bytes: &[u8]) -> Option<(usize, usize)> {
    let crlf = bytes.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = bytes.windows(2).position(|w| w == b"\n\n");
    match (crlf, lf) {
        (Some(c), Some(l)) if l + 1 < c => Some((l, l + 2)),
        (Some(c), _) => Some((c, c + 4)),
        (None, Some(l)) => Some((l, l + 2)),
        (None, None) => None,
    }
}

/// A request head, parsed.
#[derive(Debug, PartialEq, Eq)]
struct Parsed {
    method: String,
    target: String,
    keep_alive: bool,
    has_body: bool,
}

/// Parses a request head; the status to answer with if it is malformed.
fn parse_head(head: &[u8]) -> Result<Parsed, u16> {
    let text = std::str::from_utf8(head).map_err(|_| 400u16)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let request_line = lines.next().ok_or(400u16)?;
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(400);
    };
    let is_token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    if !is_token(method) || !(target.starts_with('/') || target == "*") {
        return Err(400);
    }
    if target.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(400);
    }
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        v if v.starts_with("HTTP/") && v.len() == 8 => return Err(505),
        _ => return Err(400),
    };
    let mut keep_alive = http11;
    let mut has_body = false;
    for line in lines {
        let (name, value) = line.split_once(':').ok_or(400u16)?;
        if !is_token(name) {
            return Err(400);
        }
        let value = value.trim();
        if name.eq_ignore_ascii_case("connection") {
            let value = value.to_ascii_lowercase();
            if value.split(',').any(|v| v.trim() == "close") {
                keep_alive = false;
            } else if value.split(',').any(|v| v.trim() == "keep-alive") {
                keep_alive = true;
            }
        } else if name.eq_ignore_ascii_case("content-length") {
            let length: u64 = value.parse().map_err(|_| 400u16)?;
            has_body |= length > 0;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            has_body = true;
        }
    }
    Ok(Parsed {
        method: method.to_string(),
        target: target.to_string(),
        keep_alive,
        has_body,
    })
}

/// Writes `response`; its body only if not `head_only`.
fn send(
    stream: &mut TcpStream,
    response: &Response,
    head_only: bool,
    keep: bool,
) -> std::io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: {}\r\n",
        response.status,
        reason(response.status),
        response.body.len(),
        if keep { "keep-alive" } else { "close" }
    )
    .into_bytes();
    for (name, value) in &response.headers {
        // Header values are made here, never from the request; still, no line breaks.
        let value = value.replace(['\r', '\n'], " ");
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    if !head_only {
        out.extend_from_slice(&response.body);
    }
    // Written in pieces against one deadline, so a client that reads a byte at a time (slow
    // read) cannot keep the connection for longer than that.
    let deadline = Instant::now() + RESPONSE_TIMEOUT;
    for piece in out.chunks(64 * 1024) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ErrorKind::TimedOut.into());
        }
        stream.set_write_timeout(Some(left.min(REQUEST_TIMEOUT)))?;
        stream.write_all(piece)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_parse_or_get_their_status() {
        let ok = parse_head(b"GET /a?b HTTP/1.1\r\nHost: x").unwrap();
        assert_eq!((ok.method.as_str(), ok.target.as_str()), ("GET", "/a?b"));
        assert!(ok.keep_alive && !ok.has_body);
        let close = parse_head(b"GET / HTTP/1.1\r\nConnection: close").unwrap();
        assert!(!close.keep_alive);
        assert!(!parse_head(b"GET / HTTP/1.0").unwrap().keep_alive);
        assert!(
            parse_head(b"POST / HTTP/1.1\r\nContent-Length: 3")
                .unwrap()
                .has_body
        );
        for bad in [
            &b"GARBAGE"[..],
            b"GET /",
            b"GET / HTTP/1.1 extra",
            b"GET  / HTTP/1.1",
            b"GET nothing HTTP/1.1",
            b"GET / HTTP/1.1\r\nno colon here",
            b"GET / HTTP/1.1\r\nBad Name: x",
            b"GET / HTTP/1.1\r\nContent-Length: -1",
            b"GET / FTP/1.0",
            b"G\xffT / HTTP/1.1",
        ] {
            assert_eq!(
                parse_head(bad),
                Err(400),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(parse_head(b"GET / HTTP/2.0"), Err(505));
    }

    #[test]
    fn heads_end_at_the_first_blank_line() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n\r\nGET"), Some((14, 18)));
        assert_eq!(head_end(b"GET / HTTP/1.1\n\n"), Some((14, 16)));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
    }
}
