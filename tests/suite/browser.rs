//! Browser tests: the bundled archive is built with its search index, served on loopback by
//! a small file server, and driven in headless Chromium through chromedriver (W3C WebDriver
//! over plain HTTP). They skip, saying why, when Chromium or chromedriver is not installed
//! (`apt-get install chromium chromium-driver`); `GAZETTE_CHROMIUM` and
//! `GAZETTE_CHROMEDRIVER` name other binaries. With `GAZETTE_SCREENSHOTS=<folder>` set they
//! also save screenshots of the pages they check.
//!
//! Every wait is bounded; the server and the driver stop when a test ends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::*;

/// How long any one wait may last.
const WAIT: Duration = Duration::from_secs(30);

/// One browser at a time: the machine is small.
pub(crate) static BROWSER: Mutex<()> = Mutex::new(());

pub(crate) fn find_binary(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

// --- A static file server on 127.0.0.1 -------------------------------------------------

pub(crate) struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Server {
    pub(crate) fn start(dir: PathBuf) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = thread::spawn(move || {
            while !flag.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let dir = dir.clone();
                        thread::spawn(move || {
                            let _ = serve(stream, &dir);
                        });
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            port,
            stop,
            thread: Some(thread),
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" {
            break;
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let mut rel = path.trim_start_matches('/').to_string();
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    let file = dir.join(&rel);
    let contained = !rel.split('/').any(|p| p == "..");
    let mut stream = stream;
    match std::fs::read(&file) {
        Ok(body) if contained => {
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript; charset=utf-8",
                Some("css") => "text/css; charset=utf-8",
                Some("json") => "application/json",
                _ => "application/octet-stream",
            };
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            stream.write_all(&body)?;
        }
        _ => {
            stream.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )?;
        }
    }
    stream.flush()
}

// --- A minimal WebDriver client ---------------------------------------------------------

pub(crate) struct Driver {
    child: Child,
    port: u16,
    session: String,
}

fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| e.to_string())?;
    // chromedriver may keep the connection open: read exactly the announced body.
    let mut reader = BufReader::new(stream);
    let mut length = None;
    let mut chunked = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 || line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse::<usize>().ok();
        }
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).map_err(|e| e.to_string())?;
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk).map_err(|e| e.to_string())?;
            body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    } else {
        reader.read_to_end(&mut body).map_err(|e| e.to_string())?;
    }
    let json_text = String::from_utf8_lossy(&body);
    let value: Value = serde_json::from_str(&json_text).map_err(|e| format!("{e}: {json_text}"))?;
    if let Some(err) = value["value"].get("error") {
        return Err(format!("{err}: {}", value["value"]["message"]));
    }
    Ok(value["value"].clone())
}

impl Driver {
    fn start(chromium: &Path, chromedriver: &Path, profile: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let mut driver = Driver {
            child,
            port,
            session: String::new(),
        };
        let deadline = Instant::now() + WAIT;
        while http(port, "GET", "/status", None).map_or(true, |v| v["ready"] != true) {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.to_string_lossy(),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        }}});
        let value = http(port, "POST", "/session", Some(&caps)).expect("a browser session");
        driver.session = value["sessionId"].as_str().unwrap().to_string();
        driver
    }

    fn call(&self, method: &str, what: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}/{what}", self.session);
        http(self.port, method, &path, body.as_ref())
            .unwrap_or_else(|e| panic!("WebDriver {what}: {e}"))
    }

    pub(crate) fn go(&self, url: &str) {
        self.call("POST", "url", Some(json!({ "url": url })));
    }

    pub(crate) fn current_url(&self) -> String {
        self.call("GET", "url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub(crate) fn run(&self, script: &str) -> Value {
        self.call(
            "POST",
            "execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )
    }

    pub(crate) fn run_async(&self, script: &str) -> Value {
        self.call(
            "POST",
            "execute/async",
            Some(json!({ "script": script, "args": [] })),
        )
    }

    /// Runs `script` until it returns something other than null or false.
    pub(crate) fn wait_for(&self, what: &str, script: &str) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let v = self.run(script);
            if !v.is_null() && v != false {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what} on {}",
                self.current_url()
            );
            thread::sleep(Duration::from_millis(150));
        }
    }

    fn wait_url(&self, what: &str, ends_with: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let url = self.current_url();
            if url.ends_with(ends_with) {
                return url;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: expected to land on …{ends_with}, still at {url}"
            );
            thread::sleep(Duration::from_millis(150));
        }
    }

    pub(crate) fn screenshot(&self, name: &str) {
        let Some(dir) = std::env::var_os("GAZETTE_SCREENSHOTS") else {
            return;
        };
        let data = self.call("GET", "screenshot", None);
        let bytes = base64_decode(data.as_str().unwrap_or_default());
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), bytes).unwrap();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(
                self.port,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
            );
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let digits: Vec<u8> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, d)| acc | (u32::from(*d) << (18 - 6 * i)));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

// --- The site under test ----------------------------------------------------------------

pub(crate) struct Browser {
    pub(crate) site: TempDir,
    pub(crate) server: Server,
    pub(crate) driver: Driver,
}

/// Builds the bundled archive with its search index and opens a browser on it; `None` (with
/// a message) when no browser is installed.
pub(crate) fn browser() -> Option<Browser> {
    let chromium = find_binary(
        "GAZETTE_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    );
    let chromedriver = find_binary("GAZETTE_CHROMEDRIVER", &["chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        eprintln!(
            "skipping browser test: chromium and chromedriver are not both installed \
             (apt-get install chromium chromium-driver)"
        );
        return None;
    };
    let site = TempDir::new("browser");
    let out = site.path().join("public");
    gazette::build(&gazette::BuildOptions {
        root: repo(),
        output: Some(out.clone()),
        // The repository is not written to: the build state goes beside the output.
        cache_dir: Some(site.path().join("cache")),
        base_url: None,
        force: false,
        no_search: false,
        source_date_epoch: None,
        ..Default::default()
    })
    .expect("the bundled archive builds");
    let server = Server::start(out);
    let driver = Driver::start(&chromium, &chromedriver, &site.path().join("profile"));
    Some(Browser {
        site,
        server,
        driver,
    })
}

pub(crate) fn query_url(b: &Browser, q: &str) -> String {
    let encoded: String = q
        .bytes()
        .map(|c| match c {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (c as char).to_string(),
            _ => format!("%{c:02X}"),
        })
        .collect();
    b.server.url(&format!("search/index.html?q={encoded}"))
}

/// Result links of the Pagefind UI, once the search is done.
pub(crate) const RESULTS: &str = r#"
    const msg = document.querySelector('.pagefind-ui__message');
    const results = document.querySelectorAll('.pagefind-ui__result');
    const links = [...document.querySelectorAll('.pagefind-ui__result-link')];
    // Results arrive one by one: wait until every result shown has its link.
    if (!msg || /正在|Searching/.test(msg.textContent) || links.length === 0
        || links.length < results.length) return null;
    return links.map(a => a.getAttribute('href'));
"#;

#[test]
fn chinese_full_text_queries_find_their_documents_with_highlighted_excerpts() {
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some(b) = browser() else { return };
    for (q, want) in [
        ("最低生活保障", "documents/wzf/2019/16/index.html"),
        ("烟花爆竹", "issues/2019/12/document-list/index.html"),
        ("两进两回", "documents/wzb/2019/72/index.html"),
        ("小微企业", "documents/wzb/2019/76/index.html"),
    ] {
        b.driver.go(&query_url(&b, q));
        let links = b.driver.wait_for(&format!("results for {q}"), RESULTS);
        let links: Vec<&str> = links
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(
            links.iter().any(|l| l.ends_with(want)),
            "{q}: expected {want} among {links:?}"
        );
        let marked = b.driver.run(
            "return [...document.querySelectorAll('.pagefind-ui__result-excerpt mark')].map(m => m.textContent).join('|');",
        );
        let marked = marked.as_str().unwrap_or_default();
        assert!(
            q.chars().any(|c| marked.contains(c)),
            "{q}: the excerpts highlight {marked:?}"
        );
        if q == "最低生活保障" {
            b.driver.screenshot("search-results");
        }
    }
}

#[test]
fn wenhao_and_registration_numbers_go_straight_to_the_document() {
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some(b) = browser() else { return };
    for q in [
        "温政发〔2019〕16号",
        "温政发(2019)16号",
        "温政发[2019]16号",
        "温政发2019年16号",
        "ZJCC00-2019-0007",
    ] {
        b.driver.go(&query_url(&b, q));
        b.driver.wait_url(q, "documents/wzf/2019/16/index.html");
    }
    b.driver.go(&query_url(&b, "温浙集(开)管2019年71号"));
    b.driver.wait_url(
        "温浙集(开)管2019年71号",
        "documents/wzjkg/2019/71/index.html",
    );
    // Partial input lists the candidates.
    b.driver.go(&query_url(&b, "温政办 2019"));
    let listed = b.driver.wait_for(
        "candidates for 温政办 2019",
        "const l = [...document.querySelectorAll('#wenhao-results li .doc-number')].map(e => e.textContent); return l.length ? l : null;",
    );
    let listed: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        listed,
        [
            "温政办〔2019〕72号",
            "温政办〔2019〕75号",
            "温政办〔2019〕76号"
        ]
    );
    // The lookup script reads 文号 as the Rust parser does.
    for (typed, normal) in [
        ("温政发 2019 16", "温政发〔2019〕16号"),
        ("温政发２０１９年第１６号", "温政发〔2019〕16号"),
        ("温州市人民政府令第3号", "温州市人民政府令第3号"),
    ] {
        let got = b.driver.run(&format!(
            "return window.gazetteSearch.normalise('{typed}');"
        ));
        assert_eq!(got, normal, "{typed}");
        let rust = gazette::content::doc_number::DocNumber::parse_loose(typed)
            .unwrap()
            .to_string();
        assert_eq!(rust, normal, "{typed}");
    }
}

#[test]
fn filters_narrow_search_results_and_the_register() {
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some(b) = browser() else { return };
    // Pagefind's filters, through its own API on the search page.
    b.driver.go(&query_url(&b, "意见"));
    b.driver.wait_for("results for 意见", RESULTS);
    let counts = b.driver.run_async(
        r#"const done = arguments[arguments.length - 1];
        (async () => {
          const pf = await import(new URL('../search/2019/pagefind.js', location.href).href);
          await pf.options({ baseUrl: '/' });
          const count = async f => (await pf.search('意见', { filters: f })).results.length;
          const filters = await pf.filters();
          return {
            all: await count({}),
            issuer: await count({ '发文机关': '温州市人民政府办公室' }),
            section: await count({ '栏目': '政务简讯' }),
            type: await count({ '文种': '意见' }),
            year: await count({ '年份': '2019' }),
            other_year: await count({ '年份': '2018' }),
            names: Object.keys(filters).sort(),
          };
        })().then(done, e => done(String(e)));"#,
    );
    assert_eq!(
        counts["names"],
        json!(["发文机关", "年份", "文种", "栏目"]),
        "{counts}"
    );
    let n = |k: &str| counts[k].as_u64().unwrap_or_else(|| panic!("{counts}"));
    assert!(n("all") >= 3, "{counts}");
    assert!(n("issuer") >= 2 && n("issuer") < n("all"), "{counts}");
    assert!(n("type") >= 2 && n("type") < n("all"), "{counts}");
    assert!(n("section") < n("all"), "{counts}");
    assert_eq!(n("year"), n("all"), "{counts}");
    assert_eq!(n("other_year"), 0, "{counts}");

    // The register, on a given date: by state, then by issuer.
    b.driver
        .go(&b.server.url("normative/index.html?date=2019-12-27"));
    b.driver.wait_for(
        "the register's filters",
        "return !document.querySelector('[data-register-filters]').hidden;",
    );
    let shown = |state: &str, issuer: &str| -> Vec<String> {
        let v = b.driver.run(&format!(
            "const f = document.querySelector('[data-register-filters]');
             f.elements.state.value = '{state}'; f.elements.issuer.value = '{issuer}';
             f.elements.state.dispatchEvent(new Event('change'));
             return [...document.querySelectorAll('table.register tbody tr')]
               .filter(r => !r.hidden).map(r => r.querySelector('a').getAttribute('href'));"
        ));
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    let all = shown("", "");
    assert_eq!(all.len(), 7, "{all:?}");
    let not_yet = shown("not-yet", "");
    assert_eq!(
        not_yet,
        [
            "../documents/tg/2019/5/index.html",
            "../documents/wzb/2019/76/index.html"
        ]
    );
    let office = shown("", "温州市人民政府办公室");
    assert_eq!(office.len(), 3, "{office:?}");
    assert!(shown("repealed", "").is_empty());
    shown("", "");
    b.driver.screenshot("register");
    b.driver
        .go(&b.server.url("documents/wzb/2019/72/index.html"));
    b.driver.screenshot("document");
    b.driver
        .run("document.querySelector('.citations').scrollIntoView();");
    b.driver.screenshot("document-citations");
}
