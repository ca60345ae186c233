//! `gazette serve`: build, serve the site on 127.0.0.1, rebuild when sources change, and reload
//! open pages. While the content is invalid every page shows the errors instead of a stale
//! page, and recovers by itself once the content is fixed.
//!
//! Only the loopback interface is bound. Request paths are decoded and resolved inside the
//! output folder; `..`, encoded variants and symbolic links pointing outside get 404.

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};

use crate::error::{Error, Result};
use crate::{BuildOptions, Summary};

mod http;

pub use http::{MAX_CONNECTIONS, REQUEST_TIMEOUT};
use http::{Request, Response};

/// What `gazette serve` is asked to do.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The site root.
    pub root: PathBuf,
    /// Where the site is built (default `<root>/public`).
    pub output: Option<PathBuf>,
    /// Where the build state is kept (default `<root>/.gazette-cache`).
    pub cache_dir: Option<PathBuf>,
    /// The port; 0 picks a free one.
    pub port: u16,
}

/// What the server reports to its caller.
pub enum Event<'a> {
    /// Listening at this URL.
    Listening(&'a str),
    /// A build finished.
    Built(&'a Summary),
    /// A build failed with this report.
    Failed(&'a Error),
}

#[derive(Default)]
struct State {
    /// Bumped on every build, so open pages know to reload.
    version: u64,
    /// The error report of the last build, if it failed.
    errors: Option<String>,
}

const LIVE_JS: &str = include_str!("serve/live.js");
const STATUS_PATH: &str = "/__gazette/status";
const LIVE_PATH: &str = "/__gazette/live.js";

/// The folders of the site root whose changes call for a rebuild (with `gazette.yaml`).
const SOURCE_DIRS: [&str; 4] = ["content", "themes", "templates", "static"];

/// How long the sources must stay quiet after a change before the rebuild starts.
const QUIET: Duration = Duration::from_millis(200);

/// Builds and serves the site until the process ends.
pub fn serve(options: &ServeOptions, report: &(dyn Fn(Event<'_>) + Sync)) -> Result<()> {
    let root = options.root.clone();
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| root.join("public"));
    let build_options = BuildOptions {
        root: root.clone(),
        output: Some(output.clone()),
        cache_dir: options.cache_dir.clone(),
        // Drafts are shown, marked 草稿, so that an editor can review an import.
        drafts: true,
        ..BuildOptions::default()
    };
    let state = Arc::new(Mutex::new(State::default()));
    let rebuild = {
        let state = Arc::clone(&state);
        move || {
            let result = crate::build(&build_options);
            let mut s = state.lock().expect("state lock");
            s.version += 1;
            match &result {
                Ok(summary) => {
                    s.errors = None;
                    report(Event::Built(summary));
                }
                Err(e @ Error::Invalid(problems)) => {
                    s.errors = Some(crate::report::text(problems, &root));
                    report(Event::Failed(e));
                }
                Err(e) => {
                    s.errors = Some(e.to_string());
                    report(Event::Failed(e));
                }
            }
        }
    };
    rebuild();
    if !output.is_dir() {
        fs::create_dir_all(&output).map_err(|e| Error::io("create", &output, e))?;
    }
    let served = output
        .canonicalize()
        .map_err(|e| Error::io("open", &output, e))?;

    let listener = TcpListener::bind(("127.0.0.1", options.port))
        .map_err(|e| Error::Fatal(format!("cannot listen on 127.0.0.1:{}: {e}", options.port)))?;
    let port = listener.local_addr().map_or(options.port, |a| a.port());
    let url = format!("http://127.0.0.1:{port}/");
    report(Event::Listening(&url));

    let site_root = options
        .root
        .canonicalize()
        .unwrap_or_else(|_| options.root.clone());
    let (_watcher, changes) = watch(&site_root)?;
    std::thread::scope(|scope| {
        let state = &state;
        let served = &served;
        scope.spawn(move || http::run(&listener, &|request| handle(request, served, state)));
        rebuild_on_change(&changes, &site_root, served, &rebuild);
    });
    Ok(())
}

/// Watches the sources: the folders of [`SOURCE_DIRS`] that exist, recursively, and the root
/// itself, not recursively, for `gazette.yaml` (which may be created or replaced).
fn watch(
    site_root: &Path,
) -> Result<(
    notify::RecommendedWatcher,
    mpsc::Receiver<notify::Result<notify::Event>>,
)> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)
        .map_err(|e| Error::Fatal(format!("cannot watch the sources: {e}")))?;
    let mut add = |path: &Path, mode| {
        watcher
            .watch(path, mode)
            .map_err(|e| Error::Fatal(format!("cannot watch {}: {e}", path.display())))
    };
    for dir in SOURCE_DIRS {
        let path = site_root.join(dir);
        if path.is_dir() {
            add(&path, RecursiveMode::Recursive)?;
        }
    }
    add(site_root, RecursiveMode::NonRecursive)?;
    Ok((watcher, rx))
}

/// Whether `event` changes a source: a file or folder created, removed, renamed or written
/// under a folder of [`SOURCE_DIRS`], or `gazette.yaml`. Reading a file (which the build
/// itself does), changing only its metadata, and anything in the output or cache folders or
/// elsewhere in the root are not changes.
fn is_source_change(event: &notify::Event, site_root: &Path, served: &Path) -> bool {
    let changes = match event.kind {
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any => true,
        EventKind::Modify(kind) => !matches!(kind, notify::event::ModifyKind::Metadata(_)),
        EventKind::Access(_) | EventKind::Other => false,
    };
    changes
        && event.paths.iter().any(|path| {
            // The output folder may have been put inside a source folder.
            if path.starts_with(served) {
                return false;
            }
            let Ok(rel) = path.strip_prefix(site_root) else {
                return false;
            };
            let mut parts = rel.components();
            match (parts.next(), parts.next()) {
                (Some(first), None) => first.as_os_str() == crate::config::CONFIG_FILE,
                (Some(first), Some(_)) => SOURCE_DIRS.iter().any(|d| first.as_os_str() == *d),
                (None, _) => false,
            }
        })
}

/// Rebuilds once after each spell of source changes, when the sources have been quiet for
/// [`QUIET`]; returns when the watcher goes away.
fn rebuild_on_change(
    changes: &mpsc::Receiver<notify::Result<notify::Event>>,
    site_root: &Path,
    served: &Path,
    rebuild: &dyn Fn(),
) {
    let changed = |event: &notify::Result<notify::Event>| {
        event
            .as_ref()
            .is_ok_and(|e| is_source_change(e, site_root, served))
    };
    loop {
        // Wait for a change.
        loop {
            match changes.recv() {
                Ok(event) if changed(&event) => break,
                Ok(_) => {}
                Err(_) => return,
            }
        }
        // Wait for quiet.
        loop {
            match changes.recv_timeout(QUIET) {
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        rebuild();
    }
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" | "md" | "csv" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Decodes `%XX` escapes; `None` if the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Resolves a request path to a file inside `served`, or `None` (404).
pub fn resolve(served: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decode(path)?;
    let mut file = served.to_path_buf();
    for part in decoded.split('/').filter(|p| !p.is_empty()) {
        if part == ".."
            || part == "."
            || part.contains(['\\', '\0'])
            || part.starts_with(".gazette")
        {
            return None;
        }
        file.push(part);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    // Symbolic links must not lead outside the output folder.
    let real = file.canonicalize().ok()?;
    (real.starts_with(served) && real.is_file()).then_some(real)
}

fn handle(request: &Request, served: &Path, state: &Mutex<State>) -> Response {
    let url = request.target.as_str();
    let (version, errors) = {
        let s = state.lock().expect("state lock");
        (s.version, s.errors.clone())
    };
    let response = if url.split('?').next() == Some(STATUS_PATH) {
        let body = format!("{{\"version\":{version},\"ok\":{}}}", errors.is_none());
        Response::new(200, "application/json", body.into_bytes())
    } else if url == LIVE_PATH {
        Response::new(
            200,
            "text/javascript; charset=utf-8",
            LIVE_JS.as_bytes().to_vec(),
        )
    } else {
        let file = resolve(served, url);
        let is_page = file
            .as_ref()
            .is_none_or(|f| f.extension().is_some_and(|e| e == "html"));
        match (errors, file) {
            (Some(report), _) if is_page => html(error_page(&report, version), 500),
            (_, Some(file)) => match fs::read(&file) {
                Ok(bytes) if content_type(&file).starts_with("text/html") => {
                    let page = String::from_utf8_lossy(&bytes).into_owned();
                    html(inject(&page, version), 200)
                }
                Ok(bytes) => Response::new(200, content_type(&file), bytes),
                Err(_) => html(inject(NOT_FOUND, version), 404),
            },
            (_, None) => html(inject(NOT_FOUND, version), 404),
        }
    };
    response.with_header("Cache-Control", "no-store")
}

const NOT_FOUND: &str = "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>404</title><body><h1>404 页面不存在</h1></body></html>";

fn html(body: String, status: u16) -> Response {
    Response::new(status, "text/html; charset=utf-8", body.into_bytes())
}

fn inject(page: &str, version: u64) -> String {
    let script = format!("<script src=\"{LIVE_PATH}\" data-version=\"{version}\"></script>");
    match page.rfind("</body>") {
        Some(i) => format!("{}{script}{}", &page[..i], &page[i..]),
        None => format!("{page}{script}"),
    }
}

fn error_page(report: &str, version: u64) -> String {
    let mut escaped = Vec::new();
    tera::escape_html(report, &mut escaped).expect("writing to memory");
    let escaped = String::from_utf8_lossy(&escaped);
    inject(
        &format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>构建失败 · gazette</title>\
             <style>body{{font:16px/1.6 system-ui,sans-serif;margin:2rem;color:#222}}h1{{color:#b3261e}}\
             pre{{background:#fff5f5;border:1px solid #f0c0c0;padding:1rem;overflow:auto;font:14px/1.5 ui-monospace,monospace}}</style>\
             </head><body><h1>构建失败：内容有误</h1><p>修正以下问题并保存，页面会自动刷新。</p><pre id=\"gazette-errors\">{escaped}</pre></body></html>"
        ),
        version,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changes_of_sources_count() {
        use notify::event::{AccessKind, CreateKind, DataChange, MetadataKind, ModifyKind};
        let root = Path::new("/site");
        let served = Path::new("/site/public");
        let event = |kind, path: &str| notify::Event::new(kind).add_path(root.join(path));
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let read = EventKind::Access(AccessKind::Open(notify::event::AccessMode::Any));
        let change = |kind, path| is_source_change(&event(kind, path), root, served);
        assert!(change(write, "content/2019/12/a.md"));
        assert!(change(
            EventKind::Create(CreateKind::File),
            "themes/x/page.html"
        ));
        assert!(change(write, "gazette.yaml"));
        assert!(!change(read, "content/2019/12/a.md"));
        assert!(!change(read, "gazette.yaml"));
        assert!(!change(
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
            "content/a.md"
        ));
        assert!(!change(write, "public/index.html"));
        assert!(!change(write, ".gazette-cache/load"));
        assert!(!change(write, "README.md"));
        assert!(!change(write, "contents/a.md"));
        let inside = Path::new("/site/static/out");
        assert!(!is_source_change(
            &event(write, "static/out/a.html"),
            root,
            inside
        ));
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("/a%20b").as_deref(), Some("/a b"));
        assert_eq!(percent_decode("/%E6%B8%A9").as_deref(), Some("/温"));
        assert_eq!(percent_decode("/%2e%2e/").as_deref(), Some("/../"));
        assert_eq!(percent_decode("/%zz"), None);
        assert_eq!(percent_decode("/%"), Some("/%".to_string()));
    }
}
