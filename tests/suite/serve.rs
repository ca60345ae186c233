//! `gazette serve`: pages are served on loopback, edits show up, broken content shows its
//! errors and recovers, path escapes get 404, and an open page in Chromium reloads by itself.
//! Every wait is bounded; the server and the browser are killed when the test ends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::support::*;

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("Serving on http://127.0.0.1:") {
                let port: u16 = rest.split('/').next().unwrap().parse().unwrap();
                let _ = tx.send(port);
            }
        }
    });
    let port = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the server starts");
    Server { child, port }
}

/// GET `path`: (status, body). Reads by Content-Length, since not every server closes.
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = Vec::new();
    match length {
        Some(n) => {
            body.resize(n, 0);
            reader.read_exact(&mut body).unwrap();
        }
        None => {
            reader.read_to_end(&mut body).unwrap();
        }
    }
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn wait_for(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if condition() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for {what}");
}

const PAGE: &str = "/documents/wzf/2020/1/index.html";

/// `serve` builds with drafts, marked 草稿; `build` leaves them out.
#[test]
fn serve_shows_drafts_with_a_mark() {
    let site = site_from(&repo().join("tests/fixtures/minimal"));
    let doc = site.path().join("content/2020/01/wzf-2020-1.md");
    let original = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(&doc, original.replacen("---\n", "---\ndraft: true\n", 1)).unwrap();
    let server = start(site.path());
    let (status, body) = get(server.port, PAGE);
    assert_eq!(status, 200, "the draft is served");
    assert!(body.contains("draft-mark") && body.contains("草稿"));
    let (_, issue) = get(server.port, "/issues/2020/01/index.html");
    assert!(issue.contains("草稿"), "the table of contents marks it too");
    drop(server);
    let out = site.path().join("built");
    build(site.path(), &out).unwrap();
    assert!(
        !out.join(PAGE.trim_start_matches('/')).exists(),
        "build leaves drafts out"
    );
}

#[test]
fn serves_rebuilds_shows_errors_and_recovers() {
    let site = site_from(&repo().join("tests/fixtures/minimal"));
    let doc = site.path().join("content/2020/01/wzf-2020-1.md");
    let original = std::fs::read_to_string(&doc).unwrap();
    let server = start(site.path());
    let port = server.port;

    let (status, body) = get(port, PAGE);
    assert_eq!(status, 200);
    assert!(body.contains("请认真组织实施"));
    assert!(
        body.contains("/__gazette/live.js"),
        "pages get the reload script"
    );

    std::fs::write(
        &doc,
        original.replace("请认真组织实施", "请各地认真组织实施"),
    )
    .unwrap();
    wait_for("the edit", || {
        get(port, PAGE).1.contains("请各地认真组织实施")
    });

    std::fs::write(
        &doc,
        original.replace("section: 文件发布", "sectoin: 文件发布"),
    )
    .unwrap();
    wait_for("the error page", || {
        let (status, body) = get(port, PAGE);
        status == 500
            && body.contains("content/2020/01/wzf-2020-1.md:3:1")
            && body.contains("unknown field `sectoin`")
    });
    let (_, status_json) = get(port, "/__gazette/status");
    assert!(status_json.contains("\"ok\":false"), "{status_json}");

    std::fs::write(&doc, &original).unwrap();
    wait_for("recovery", || {
        let (status, body) = get(port, PAGE);
        status == 200 && body.contains("请认真组织实施")
    });

    // Nothing outside the output folder can be reached.
    std::fs::write(site.path().join("secret.txt"), "secret").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        site.path().join("secret.txt"),
        site.path().join("public/leak.txt"),
    )
    .unwrap();
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/documents/../../secret.txt",
        "/..%5csecret.txt",
        "/leak.txt",
        "/.gazette",
        "/nonexistent/",
    ] {
        let (status, body) = get(port, path);
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("secret"), "{path}");
    }
}

/// A minimal Chrome DevTools Protocol client over a WebSocket.
struct Browser {
    child: Child,
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
    next_id: u64,
    _profile: TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn open(url: &str) -> Option<Browser> {
        let chromium = ["chromium", "chromium-browser", "google-chrome"]
            .into_iter()
            .find(|c| {
                Command::new(c)
                    .arg("--version")
                    .output()
                    .is_ok_and(|o| o.status.success())
            })?;
        let profile = TempDir::new("chromium");
        let mut child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .ok()?;
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(i) = line.find("ws://") {
                    let _ = tx.send(line[i..].trim().to_string());
                }
            }
        });
        let browser_ws = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("chromium starts");
        let port: u16 = browser_ws["ws://127.0.0.1:".len()..]
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        // Find the page target.
        let mut page_ws = None;
        wait_for("the page target", || {
            let (_, body) = get(port, "/json/list");
            let targets: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap_or_default();
            page_ws = targets
                .iter()
                .find(|t| t["type"] == "page")
                .and_then(|t| t["webSocketDebuggerUrl"].as_str().map(str::to_string));
            page_ws.is_some()
        });
        let (socket, _) = tungstenite::connect(page_ws.unwrap()).expect("devtools connection");
        Some(Browser {
            child,
            socket,
            next_id: 1,
            _profile: profile,
        })
    }

    fn evaluate(&mut self, expression: &str) -> String {
        let id = self.next_id;
        self.next_id += 1;
        let message = serde_json::json!({"id": id, "method": "Runtime.evaluate", "params": {"expression": expression, "returnByValue": true}});
        self.socket
            .send(tungstenite::Message::text(message.to_string()))
            .unwrap();
        loop {
            let reply = self.socket.read().unwrap();
            let Ok(text) = reply.to_text() else { continue };
            let value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            if value["id"] == id {
                return value["result"]["result"]["value"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
            }
        }
    }
}

#[test]
fn an_open_page_reloads_after_an_edit_in_chromium() {
    let site = site_from(&repo().join("tests/fixtures/minimal"));
    let doc = site.path().join("content/2020/01/wzf-2020-1.md");
    let original = std::fs::read_to_string(&doc).unwrap();
    let server = start(site.path());
    let url = format!("http://127.0.0.1:{}{PAGE}", server.port);
    let Some(mut browser) = Browser::open(&url) else {
        eprintln!("SKIPPED: no Chromium on this machine (the CI script installs it)");
        return;
    };
    wait_for("the page to load", || {
        browser
            .evaluate("document.readyState + '|' + document.title")
            .starts_with("complete|温州市人民政府关于公布第一批试点名单的通知")
    });
    browser.evaluate("window.__notReloaded = 'yes'; 'ok'");
    std::fs::write(&doc, original.replace("第一批试点名单", "第二批试点名单")).unwrap();
    wait_for("the page to reload with the new title", || {
        let state = browser.evaluate("String(window.__notReloaded) + '|' + document.title");
        state.starts_with("undefined|温州市人民政府关于公布第二批试点名单的通知")
    });
}

/// The version the status endpoint reports: bumped by every build.
fn version(port: u16) -> u64 {
    let (_, body) = get(port, "/__gazette/status");
    let status: serde_json::Value = serde_json::from_str(&body).unwrap();
    status["version"].as_u64().unwrap()
}

#[test]
fn serve_rests_while_nothing_changes_and_rebuilds_once_after_an_edit() {
    let site = site_from(&repo().join("tests/fixtures/minimal"));
    let server = start(site.path());
    let port = server.port;
    assert_eq!(version(port), 1, "the first build");
    // Pages are served meanwhile: the server's own reads must not count as changes.
    for _ in 0..12 {
        assert_eq!(get(port, PAGE).0, 200);
        std::thread::sleep(Duration::from_millis(250));
    }
    assert_eq!(version(port), 1, "rebuilt with nothing changed");

    let doc = site.path().join("content/2020/01/wzf-2020-1.md");
    let text = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(&doc, text.replace("请认真组织实施", "请各地认真组织实施")).unwrap();
    wait_for("the rebuild", || version(port) >= 2);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(version(port), 2, "one edit, one rebuild");
}

/// Sends `request` as it is and reads the answer until the server closes the connection.
fn raw(port: u16, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn methods_other_than_get_and_head_get_405() {
    let site = site_from(&repo().join("tests/fixtures/minimal"));
    let server = start(site.path());
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "BREW"] {
        let answer = raw(
            server.port,
            format!("{method} / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").as_bytes(),
        );
        assert!(answer.starts_with("HTTP/1.1 405 "), "{method}: {answer}");
        assert!(
            answer.contains("\r\nAllow: GET, HEAD\r\n"),
            "{method}: {answer}"
        );
    }
}

#[test]
fn malformed_requests_get_400() {
    let site = site_from(&repo().join("tests/fixtures/minimal"));
    let server = start(site.path());
    for request in [
        &b"GARBAGE\r\n\r\n"[..],
        b"GET /\r\n\r\n",
        b"GET / HTTP/1.1 x\r\n\r\n",
        b"GET index.html HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nno colon\r\n\r\n",
        b"GET /\xff HTTP/1.1\r\n\r\n",
    ] {
        let answer = raw(server.port, request);
        assert!(
            answer.starts_with("HTTP/1.1 400 "),
            "{}: {answer}",
            String::from_utf8_lossy(request)
        );
    }
}

#[test]
fn head_gets_the_headers_and_no_body() {
    let site = site_from(&repo().join("tests/fixtures/minimal"));
    let server = start(site.path());
    let (_, body) = get(server.port, PAGE);
    let answer = raw(
        server.port,
        format!("HEAD {PAGE} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    let (head, rest) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    assert!(
        head.contains(&format!("Content-Length: {}\r\n", body.len())),
        "{head}"
    );
    assert!(head.contains("Content-Type: text/html"), "{head}");
    assert_eq!(rest, "", "HEAD has no body");
}

#[test]
fn a_slow_client_is_cut_off_while_others_are_served() {
    let site = site_from(&repo().join("tests/fixtures/minimal"));
    let server = start(site.path());
    let port = server.port;
    let timeout = gazette::serve::REQUEST_TIMEOUT;
    // Slow-loris: a request head sent a byte at a time, never finished.
    let mut slow = TcpStream::connect(("127.0.0.1", port)).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nX-Slow: ").unwrap();
    let opened = Instant::now();
    let mut trickle = slow.try_clone().unwrap();
    std::thread::spawn(move || {
        while trickle.write_all(b"a").is_ok() {
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    // And one that opens a connection and says nothing.
    let mut idle = TcpStream::connect(("127.0.0.1", port)).unwrap();
    // Others are served meanwhile.
    for _ in 0..5 {
        assert_eq!(get(port, PAGE).0, 200);
    }
    slow.set_read_timeout(Some(timeout + Duration::from_secs(10)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = slow.read_to_end(&mut answer);
    let waited = opened.elapsed();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    assert!(waited < timeout + Duration::from_secs(3), "{waited:?}");
    idle.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut nothing = Vec::new();
    assert_eq!(
        idle.read_to_end(&mut nothing).unwrap(),
        0,
        "closed without a word"
    );
}
