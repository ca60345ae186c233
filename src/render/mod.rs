//! Rendering: every page of the site, in parallel, through the theme's templates.

pub mod citations;
pub mod memo;
pub mod templates;
pub mod views;

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use crate::config::Config;
use crate::content::doc_number::DocNumber;
use crate::content::markdown::{self, Citation, Cite, LinkResolver};
use crate::content::{Archive, Document};
use crate::error::Diagnostic;
use crate::index::{Index, issue_path};
use crate::output::{FileDigest, Put, Sink, Written};
use crate::publish::{self, Facts};
use crate::search;
use crate::validity::{self, ReferenceDate};
use templates::{Templates, template_diagnostic};
use views::*;

/// The citation graph's edges, published for reuse.
pub const DATA_CITATIONS: &str = "data/citations.json";

/// A rendered page and its warnings, or the problems that stopped it.
type PageResult = Result<(Vec<u8>, Vec<Diagnostic>), Vec<Diagnostic>>;

/// What the renderer reads.
pub struct Inputs<'a> {
    /// The site root.
    pub root: &'a std::path::Path,
    /// Settings.
    pub config: &'a Config,
    /// Issues and documents.
    pub archive: &'a Archive,
    /// Every file the archive was read from, as read: identity, digests, and whether its
    /// record came from the load cache.
    pub sources: &'a crate::content::Sources,
    /// Indexes.
    pub index: &'a Index,
    /// Templates.
    pub templates: &'a Templates,
}

/// Choices of this build that pages reflect.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// The date validity statuses are computed for.
    pub reference: ReferenceDate,
    /// Whether the full-text index is built (the search page says so when it is not).
    pub fulltext: bool,
    /// Write the open data (`data.json` beside pages, `data/`).
    pub data: bool,
    /// The day of `SOURCE_DATE_EPOCH`, for dates the content does not give.
    pub source_date: Option<crate::content::date::Date>,
}

/// Everything a page needs, shared by all pages.
pub struct Renderer<'a> {
    root: &'a std::path::Path,
    config: &'a Config,
    archive: &'a Archive,
    sources: &'a crate::content::Sources,
    index: &'a Index,
    templates: &'a Templates,
    settings: Settings,
    site: Shared,
    doc_summaries: Vec<std::sync::OnceLock<Shared>>,
    issue_summaries: Vec<Shared>,
    facts: Facts<'a>,
    /// Who cites whom.
    citations: citations::Graph,
    /// What each document's body depends on, and (once known) the digest of its HTML.
    bodies: Vec<BodyState>,
    /// How many times a body was read from its file.
    reads: std::sync::atomic::AtomicUsize,
    /// Every issue, newest first.
    issue_order: Vec<usize>,
    /// Whether pages are fingerprinted (for the page cache), and the pages of the last build
    /// with the output folder they were published in.
    cache: Option<(Option<&'a crate::cache::PageCache>, &'a crate::tree::Tree)>,
    /// The settings key of this build.
    global: String,
    /// The archive keys of this build.
    keys: crate::cache::ArchiveKeys,
    /// Whether the last build had the same settings and archive keys: then a document page
    /// whose file and body are unchanged is the page that build published, and so are the
    /// feeds, redirects, sitemaps and lookup.
    same_archive: bool,
}

/// A document body rendered to HTML.
#[derive(Debug, Default)]
struct Body {
    html: String,
    problems: Vec<Diagnostic>,
    cited: Vec<Citation>,
}

/// What is known of one document's body before its page is rendered.
#[derive(Debug, Default)]
struct BodyState {
    /// The memo key: the file's identity and what else the body's HTML depends on.
    key: String,
    /// The questions its rendering asks of the site, with their answers.
    lookups: Vec<(memo::Query, memo::Answer)>,
    /// Whether rendering it found no problem (only such bodies get a memo).
    clean: bool,
    /// The 文号 it cites, as a memo keeps them.
    cited: Vec<(String, Option<u16>, u32, bool)>,
    /// The key of its HTML: from a memo that still holds, or from this build's render.
    html: std::sync::OnceLock<String>,
}

/// One page of the site.
#[derive(Clone, Copy, Debug)]
enum Page {
    Home,
    Issues,
    Year(usize),
    Issue(usize),
    Document(usize),
    Issuers(usize),
    Issuer(usize, usize),
    Sections,
    Section(usize, usize),
    Types,
    Type(usize, usize),
    NotFound,
    Register,
    Search,
}

struct SlowPage(std::time::Instant, Page);
impl Drop for SlowPage {
    fn drop(&mut self) {
        if self.0.elapsed().as_millis() > 20 && std::env::var_os("GAZETTE_TRACE").is_some() {
            eprintln!(
                "trace: slow page {:?} {:.3} s",
                self.1,
                self.0.elapsed().as_secs_f64()
            );
        }
    }
}

/// A page the search index takes: its URL, its file, and its HTML unless the page was taken
/// from the cache (then the published file holds it).
struct Kept {
    url: String,
    file: String,
    html: Option<String>,
}

/// The fingerprint the page cache gives Pagefind's UI files, which change only with the
/// executable (and the cache is ignored for another one).
const SEARCH_UI_FINGERPRINT: &str =
    "d79448208f640d12924adf41ec2470699ae922758b4a7a20ece195b75418ffdc";

/// A page ready to render: its site path, template, context and the problems found so far.
struct Prepared<'r> {
    path: String,
    template: &'static str,
    ctx: PageCtx<'r>,
    problems: Vec<Diagnostic>,
    /// A document page's view, put into `ctx` as `doc` once its body is rendered.
    doc: Option<(usize, DocView<'r>)>,
}

/// A view a page's context holds, still in its own type.
trait View {
    /// Puts it into the template context under `key`.
    fn put(&self, ctx: &mut Context, key: &'static str);
    /// Writes its serialised form (for the fingerprint); false if it cannot be serialised.
    fn write_to(&self, out: &mut dyn std::io::Write) -> bool;
}

impl<T: Serialize> View for T {
    fn put(&self, ctx: &mut Context, key: &'static str) {
        ctx.insert(key, self);
    }
    fn write_to(&self, out: &mut dyn std::io::Write) -> bool {
        serde_json::to_writer(out, self).is_ok()
    }
}

/// One entry of a page's context.
enum Slot<'r> {
    /// A template value as it is (e.g. a string marked safe).
    Value(Value),
    /// A view shared by many pages.
    Shared(Shared),
    /// A view of this page.
    View(Box<dyn View + 'r>),
    /// A template value made only when the page is rendered, with a digest of everything
    /// it is made from.
    Lazy(String, Box<dyn Fn() -> Value + 'r>),
}

/// A page's template context before it is built: the views by key, in the order given. The
/// fingerprint is taken from these views, with shared ones by their digests; the template
/// context is built only when the page is rendered.
#[derive(Default)]
struct PageCtx<'r> {
    slots: Vec<(&'static str, Slot<'r>)>,
}

impl<'r> PageCtx<'r> {
    fn set(&mut self, key: &'static str, slot: Slot<'r>) {
        match self.slots.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => *old = slot,
            None => self.slots.push((key, slot)),
        }
    }

    /// Sets `key` to a view of this page.
    fn insert<T: Serialize + 'r>(&mut self, key: &'static str, view: T) {
        self.set(key, Slot::View(Box::new(view)));
    }

    /// Sets `key` to a template value.
    fn insert_value(&mut self, key: &'static str, value: Value) {
        self.set(key, Slot::Value(value));
    }

    /// Sets `key` to a value `make` builds when the page is rendered; `digest` covers all
    /// it is built from.
    fn insert_lazy(&mut self, key: &'static str, digest: String, make: impl Fn() -> Value + 'r) {
        self.set(key, Slot::Lazy(digest, Box::new(make)));
    }

    /// Sets `key` to a shared view.
    fn insert_shared(&mut self, key: &'static str, shared: Shared) {
        self.set(key, Slot::Shared(shared));
    }

    /// The template context.
    fn context(&self) -> Context {
        let mut ctx = Context::new();
        for (key, slot) in &self.slots {
            match slot {
                Slot::Value(v) => ctx.insert_value(*key, v.clone()),
                Slot::Shared(s) => ctx.insert_value(*key, s.value().clone()),
                Slot::View(v) => v.put(&mut ctx, key),
                Slot::Lazy(_, make) => ctx.insert_value(*key, make()),
            }
        }
        ctx
    }

    /// Writes every view for the fingerprint, shared ones by their digests; false if one
    /// cannot be serialised.
    fn write_to(&self, out: &mut dyn std::io::Write) -> bool {
        views::digesting(|| {
            self.slots.iter().all(|(key, slot)| {
                let ok = out.write_all(key.as_bytes()).is_ok()
                    && out.write_all(&[0]).is_ok()
                    && match slot {
                        Slot::Value(v) => serde_json::to_writer(&mut *out, v).is_ok(),
                        Slot::Shared(s) => out.write_all(s.digest().as_bytes()).is_ok(),
                        Slot::Lazy(digest, _) => out.write_all(digest.as_bytes()).is_ok(),
                        Slot::View(v) => v.write_to(out),
                    };
                ok && out.write_all(&[0]).is_ok()
            })
        })
    }
}

/// The file name of the page shown for addresses that do not exist.
pub const NOT_FOUND_PAGE: &str = "404.html";

/// What rendering produced.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Every file of the site, by site path, with its size and SHA-256.
    pub files: BTreeMap<String, FileDigest>,
    /// Number of HTML pages.
    pub pages: usize,
    /// Files whose bytes were already published.
    pub unchanged: usize,
    /// Problems found while rendering (errors abort the build).
    pub problems: Vec<Diagnostic>,
    /// HTML pages rendered through their templates.
    pub rendered_pages: usize,
    /// HTML pages taken as published, because the page cache showed them unchanged.
    pub cached_pages: usize,
    /// Each page's file and the fingerprint of what it was rendered from (with a cache).
    pub fingerprints: BTreeMap<String, String>,
}

/// The site path of a page folder in the form links use: `…/index.html` when links are
/// relative (so `file://` works), the folder itself when they are absolute.
pub(crate) fn link_form(config: &Config, path: &str) -> String {
    if config.base_url.is_none() && (path.is_empty() || path.ends_with('/')) {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// What goes before a link form on the page at `path`: `../` per folder level, or the base URL.
pub(crate) fn root_for(config: &Config, path: &str) -> String {
    match &config.base_url {
        Some(base) => base.clone(),
        None => "../".repeat(path.matches('/').count()),
    }
}

fn paginate<T: Clone>(items: &[T], size: usize, page: usize) -> &[T] {
    let start = (page * size).min(items.len());
    &items[start..(start + size).min(items.len())]
}

fn page_count(len: usize, size: usize) -> usize {
    len.div_ceil(size).max(1)
}

/// The pages a pagination bar links to (0-based), `None` standing for the pages left out:
/// all of them when there are few; else the first two, the last two and two on either side
/// of `current`, so that a list of thousands of pages does not link each from each.
fn page_window(current: usize, total: usize) -> Vec<Option<usize>> {
    const ALL_UP_TO: usize = 9;
    if total <= ALL_UP_TO {
        return (0..total).map(Some).collect();
    }
    let mut shown: Vec<usize> = [0, 1, total - 2, total - 1]
        .into_iter()
        .chain(current.saturating_sub(2)..=(current + 2).min(total - 1))
        .collect();
    shown.sort_unstable();
    shown.dedup();
    let mut out = Vec::with_capacity(shown.len() + 2);
    for (k, &p) in shown.iter().enumerate() {
        if k > 0 && p > shown[k - 1] + 1 {
            out.push(None);
        }
        out.push(Some(p));
    }
    out
}

/// Takes `files` of the last build, made from `fingerprint`, as published.
fn keep_files(
    files: Vec<(String, crate::cache::Entry)>,
    fingerprint: &str,
    output: &dyn Sink,
    rendered: &mut Rendered,
) {
    for (path, entry) in files {
        output.keep(&path, entry.mtime);
        rendered.unchanged += 1;
        rendered
            .fingerprints
            .insert(path.clone(), fingerprint.to_string());
        rendered.files.insert(path, entry.digest);
    }
}

/// The file of the page at site path `path`: `index.html` of a folder.
fn page_file(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// The front key of an archive (see [`crate::cache::ArchiveKeys::front`]): every document's
/// path and front matter, every issue's record, and the size of every file of an issue
/// folder (issue pages show them).
fn front_key(
    root: &std::path::Path,
    archive: &Archive,
    sources: &crate::content::Sources,
) -> String {
    let mut h = crate::cache::key_hasher();
    h.update(b"gazette archive front 1\0");
    h.update(&(archive.documents.len() as u64).to_le_bytes());
    for d in &archive.documents {
        h.update(&sources.front(&d.source));
    }
    for issue in &archive.issues {
        let record = bincode::serialize(issue).unwrap_or_default();
        h.update(&(record.len() as u64).to_le_bytes());
        h.update(&record);
        let dir = root.join(crate::content::CONTENT_DIR).join(issue.dir());
        for asset in &issue.assets {
            let size = std::fs::metadata(dir.join(asset)).map_or(u64::MAX, |m| m.len());
            h.update(&size.to_le_bytes());
        }
    }
    h.finish()
}

/// The site key of an archive (see [`crate::cache::ArchiveKeys::site`]): its front key and
/// the 文号 each document's body cites.
fn site_key(front: &str, cited: &[Vec<Citation>]) -> String {
    let mut h = crate::cache::key_hasher();
    h.update(b"gazette archive site 1\0");
    h.update(front.as_bytes());
    for list in cited {
        h.update(&(list.len() as u64).to_le_bytes());
        for c in list {
            let number = c.number.to_string();
            h.update(&(number.len() as u64).to_le_bytes());
            h.update(number.as_bytes());
            h.update(&[u8::from(c.internal)]);
        }
    }
    h.finish()
}

fn paged_path(base: &str, page: usize) -> String {
    if page == 0 {
        base.to_string()
    } else {
        format!("{base}page/{}/", page + 1)
    }
}

impl<'a> Renderer<'a> {
    /// Prepares the shared views. `memos` are the body memos of the last build, if any.
    /// Prepares rendering. `global` is the key of this build's settings, templates and
    /// options; `memos` and `last` come from the last build into the same folder: its body
    /// memos, and its archive keys if its file cache is trusted (same `global`).
    pub fn new(
        inputs: Inputs<'a>,
        settings: Settings,
        global: &str,
        memos: Option<memo::Memos>,
        last: Option<&crate::cache::ArchiveKeys>,
    ) -> Self {
        let Inputs {
            root,
            config,
            archive,
            sources,
            index,
            templates,
        } = inputs;
        let link = |p: &str| link_form(config, p);
        let issue_summaries: Vec<Shared> = archive
            .issues
            .iter()
            .enumerate()
            .map(|(i, issue)| {
                Shared::new(IssueSummary {
                    label: issue.label(),
                    year: issue.year,
                    number: issue.number,
                    serial: issue.serial,
                    published: issue.published.map(DateView::from),
                    href: link(&issue_path(issue.year, issue.number)),
                    document_count: index.issue_documents[i].len(),
                })
            })
            .collect();
        let doc_summaries = (0..archive.documents.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        #[derive(Debug, Serialize)]
        struct SiteView {
            title: String,
            language: String,
            base_url: Option<String>,
            generator: &'static str,
            home: String,
            search_href: String,
            register_href: String,
            reference: ReferenceView,
            nav: Vec<Link>,
            sections: Vec<TermSummary>,
            issue_count: usize,
            document_count: usize,
        }
        let sections = config
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| TermSummary {
                name: s.name.clone(),
                slug: s.slug.clone(),
                href: link(&format!("sections/{}/", s.slug)),
                count: index.sections[i].len(),
                lead_count: 0,
            })
            .collect();
        let site = Shared::new(SiteView {
            title: config.title.clone(),
            language: config.language.clone(),
            base_url: config.base_url.clone(),
            generator: concat!("gazette ", env!("CARGO_PKG_VERSION")),
            home: link(""),
            search_href: link(search::SEARCH_DIR),
            register_href: link("normative/"),
            reference: ReferenceView {
                date: settings.reference.date.into(),
                source: settings.reference.source,
            },
            nav: [
                ("历年公报", "issues/"),
                ("发文机关", "issuers/"),
                ("栏目", "sections/"),
                ("文种", "types/"),
                ("规范性文件", "normative/"),
            ]
            .iter()
            .map(|(title, path)| Link {
                title: title.to_string(),
                href: link(path),
            })
            .collect(),
            sections,
            issue_count: archive.issues.len(),
            document_count: archive.documents.len(),
        });
        let mut renderer = Renderer {
            root,
            config,
            archive,
            sources,
            index,
            templates,
            site,
            bodies: Vec::new(),
            reads: std::sync::atomic::AtomicUsize::new(0),
            issue_order: index
                .years
                .iter()
                .flat_map(|(_, v)| v.iter().copied())
                .collect(),
            doc_summaries,
            issue_summaries,
            facts: Facts::new(root, config, archive, index, settings.source_date),
            settings,
            citations: citations::Graph::default(),
            cache: None,
            global: global.to_string(),
            keys: crate::cache::ArchiveKeys {
                front: front_key(root, archive, sources),
                site: String::new(),
            },
            same_archive: false,
        };
        // Which 文号 each body cites is needed before any page (a page lists what cites it);
        // the bodies themselves are rendered again with their pages, so that no archive's
        // worth of HTML is ever held in memory. A memo that still holds saves the reading;
        // memos written for the same settings and front matter hold without asking.
        let answers_known = memos
            .as_ref()
            .is_some_and(|m| m.made_for(&renderer.memos_made_for()));
        // Each document's memo, taken out (not copied).
        let mut memos = memos;
        let memos: Vec<Option<memo::Memo>> = archive
            .documents
            .iter()
            .map(|d| memos.as_mut().and_then(|m| m.take(&d.source)))
            .collect();
        let (cited, bodies): (Vec<Vec<Citation>>, Vec<BodyState>) = renderer
            .scan_bodies(memos, answers_known)
            .into_iter()
            .unzip();
        renderer.bodies = bodies;
        renderer.keys.site = site_key(&renderer.keys.front, &cited);
        renderer.same_archive = last == Some(&renderer.keys);
        renderer.citations = citations::Graph::build(index, cited.iter().map(Vec::as_slice));
        renderer
    }

    /// What this build's memos are made for (see [`memo::made_for`]).
    pub fn memos_made_for(&self) -> String {
        memo::made_for(&self.global, &self.keys.front)
    }

    /// The archive keys of this build.
    pub fn archive_keys(&self) -> &crate::cache::ArchiveKeys {
        &self.keys
    }

    /// The memo key of document `d`'s body: the SHA-256 of its file's bytes as loaded, its
    /// page's place and the settings its HTML depends on. A memo is used only for a file
    /// whose record came from the load cache (found by its identity, or by its bytes after
    /// a fresh checkout): that is when the digest is known to stand for the file's text now.
    fn body_key(&self, d: usize) -> String {
        let doc = &self.archive.documents[d];
        format!(
            "{} {} {} {}",
            crate::cache::hex(&self.sources.digest(&doc.source)),
            doc.body_line,
            self.config.raw_html,
            root_for(self.config, &self.index.doc_paths[d])
        )
    }

    /// How many times a document's body was read from its file in this build (a body
    /// whose memo holds and whose page is unchanged is not read at all).
    pub fn bodies_read(&self) -> usize {
        self.reads.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The body memos of this build: one for each document whose file is known and whose
    /// body rendered without problems.
    pub fn memos(&self) -> Vec<(&str, memo::Memo)> {
        self.bodies
            .iter()
            .enumerate()
            .filter(|(_, b)| b.clean)
            .filter_map(|(d, b)| {
                let memo = memo::Memo {
                    key: b.key.clone(),
                    lookups: b.lookups.clone(),
                    cited: b.cited.clone(),
                    html: b.html.get()?.clone(),
                };
                Some((self.archive.documents[d].source.as_str(), memo))
            })
            .collect()
    }

    /// Fingerprints every page for the page cache in the output folder `dir`, and takes
    /// pages whose fingerprint `cache` holds as published instead of rendering them again.
    pub fn use_cache(
        &mut self,
        cache: Option<&'a crate::cache::PageCache>,
        dir: &'a crate::tree::Tree,
    ) {
        self.cache = Some((cache, dir));
    }

    /// What every document's body cites and asks of the site, in parallel (the HTML is
    /// written with the pages): from its memo when that still holds, else by reading it.
    fn scan_bodies(
        &self,
        memos: Vec<Option<memo::Memo>>,
        answers_known: bool,
    ) -> Vec<(Vec<Citation>, BodyState)> {
        memos
            .into_par_iter()
            .enumerate()
            .map(|(d, memo)| {
                let doc = &self.archive.documents[d];
                let root = root_for(self.config, &self.index.doc_paths[d]);
                let links = PageLinks {
                    r: self,
                    root: &root,
                    issue: doc.issue,
                    doc: Some(d),
                };
                let key = self.body_key(d);
                if let Some(memo) = memo
                    && self.sources.reused(&doc.source)
                    && memo.key == key
                    && (answers_known || memo.holds(&links))
                {
                    let citations = memo.citations();
                    let state = BodyState {
                        key,
                        lookups: memo.lookups,
                        clean: true,
                        cited: memo.cited,
                        html: std::sync::OnceLock::from(memo.html),
                    };
                    return (citations, state);
                }
                let mut state = BodyState {
                    key,
                    ..BodyState::default()
                };
                if doc.body.is_plain() {
                    // Nothing in it can cite or link: no question, no citation, no problem.
                    state.clean = true;
                    return (Vec::new(), state);
                }
                self.reads
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Ok(text) = doc.body.read(&doc.source) else {
                    // The page render reports it.
                    return (Vec::new(), state);
                };
                let src = markdown::Source {
                    path: &doc.source,
                    first_line: doc.body_line,
                    raw_html: self.config.raw_html,
                };
                let recorder = memo::Recorder::new(&links);
                let found = catch_unwind(AssertUnwindSafe(|| {
                    markdown::citations(&text, &src, &recorder)
                }));
                match found {
                    Ok((cited, problems)) => {
                        state.clean = problems.is_empty();
                        state.lookups = recorder.into_lookups();
                        state.cited = memo::cited_of(&cited);
                        (cited, state)
                    }
                    Err(_) => (Vec::new(), state),
                }
            })
            .collect()
    }

    /// Renders one document's Markdown body.
    fn render_body(&self, d: usize) -> Body {
        let doc = &self.archive.documents[d];
        let root = root_for(self.config, &self.index.doc_paths[d]);
        let links = PageLinks {
            r: self,
            root: &root,
            issue: doc.issue,
            doc: Some(d),
        };
        let mut body = Body::default();
        self.reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let text = match doc.body.read(&doc.source) {
            Ok(text) => text,
            Err(d) => {
                body.problems.push(d);
                return body;
            }
        };
        body.html = self.markdown(
            &text,
            &doc.source,
            doc.body_line,
            &links,
            &mut body.problems,
            &mut body.cited,
        );
        body
    }

    fn link(&self, path: &str) -> String {
        link_form(self.config, path)
    }

    /// Document `d`'s summary, made the first time a page shows it (a rebuild that keeps
    /// most pages makes few).
    fn doc_summary(&self, d: usize) -> Shared {
        self.doc_summaries[d]
            .get_or_init(|| {
                let doc = &self.archive.documents[d];
                let index = self.index;
                let issue = &self.archive.issues[doc.issue];
                let status = validity::state_on(doc, self.settings.reference.date).map(|state| {
                    status_view(doc, state, |n| {
                        index
                            .by_doc_number
                            .get(&n.to_string())
                            .map(|&k| self.link(&index.doc_paths[k]))
                    })
                });
                Shared::new(DocSummary {
                    title: doc.title.clone(),
                    href: self.link(&index.doc_paths[d]),
                    doc_number: doc.doc_number.as_ref().map(DocNumber::to_string),
                    registration_number: doc.registration_number.clone(),
                    date: doc.date.map(DateView::from),
                    issuers: doc.issuers.clone(),
                    doc_type: doc.doc_type.clone(),
                    section: self.config.sections[doc.section].name.clone(),
                    issue_label: issue.label(),
                    issue_serial: issue.serial,
                    issue_year: issue.year,
                    issue_href: self.link(&issue_path(issue.year, issue.number)),
                    status,
                    pages: doc.pages.map(|(a, b)| {
                        if a == b {
                            a.to_string()
                        } else {
                            format!("{a}—{b}")
                        }
                    }),
                    draft: doc.draft,
                })
            })
            .clone()
    }

    fn pages(&self) -> Vec<Page> {
        let size = self.config.paginate;
        let mut pages = vec![
            Page::Home,
            Page::Issues,
            Page::Sections,
            Page::Types,
            Page::Register,
            Page::Search,
        ];
        pages.extend((0..self.index.years.len()).map(Page::Year));
        pages.extend((0..self.archive.issues.len()).map(Page::Issue));
        pages.extend((0..self.archive.documents.len()).map(Page::Document));
        pages.extend((0..page_count(self.index.issuers.len(), size)).map(Page::Issuers));
        for (i, e) in self.index.issuers.iter().enumerate() {
            pages.extend((0..page_count(e.documents.len(), size)).map(|p| Page::Issuer(i, p)));
        }
        for (i, docs) in self.index.sections.iter().enumerate() {
            pages.extend((0..page_count(docs.len(), size)).map(|p| Page::Section(i, p)));
        }
        for (i, t) in self.index.types.iter().enumerate() {
            pages.extend((0..page_count(t.documents.len(), size)).map(|p| Page::Type(i, p)));
        }
        if self.templates.files.contains_key(NOT_FOUND_PAGE) {
            pages.push(Page::NotFound);
        }
        pages
    }

    /// The site path of a page: its folder, or for the 404 page its file.
    fn page_path(&self, page: Page) -> String {
        match page {
            Page::Home => String::new(),
            Page::Issues => "issues/".to_string(),
            Page::Year(y) => format!("issues/{}/", self.index.years[y].0),
            Page::Issue(i) => self.facts.issue_path(i),
            Page::Document(d) => self.index.doc_paths[d].clone(),
            Page::Issuers(p) => paged_path("issuers/", p),
            Page::Issuer(i, p) => {
                paged_path(&format!("issuers/{}/", self.index.issuers[i].slug), p)
            }
            Page::Sections => "sections/".to_string(),
            Page::Section(s, p) => {
                paged_path(&format!("sections/{}/", self.config.sections[s].slug), p)
            }
            Page::Types => "types/".to_string(),
            Page::Type(t, p) => paged_path(&format!("types/{}/", self.index.types[t].slug), p),
            Page::Register => "normative/".to_string(),
            Page::Search => search::SEARCH_DIR.to_string(),
            Page::NotFound => NOT_FOUND_PAGE.to_string(),
        }
    }

    /// The sitemap entry of a page: its year of issues and its date, where it has them.
    fn sitemap_url(&self, page: Page) -> Option<publish::sitemap::Url> {
        let facts = &self.facts;
        let (year, lastmod) = match page {
            Page::NotFound => return None,
            Page::Home => (None, Some(facts.site_date)),
            Page::Year(y) => {
                let (year, issues) = &self.index.years[y];
                (
                    Some(*year),
                    issues.iter().map(|&i| facts.issue_dates[i]).max(),
                )
            }
            Page::Issue(i) => (
                Some(self.archive.issues[i].year),
                Some(facts.issue_dates[i]),
            ),
            Page::Document(d) => (
                Some(self.archive.issues[self.archive.documents[d].issue].year),
                Some(facts.doc_dates[d]),
            ),
            _ => (None, None),
        };
        Some(publish::sitemap::Url {
            path: self.page_path(page),
            year,
            lastmod,
        })
    }

    /// Renders every page, writes the publishing files (feeds, sitemaps, redirects, open
    /// data), the search index and the 文号 lookup, copies every static file and issue asset
    /// into `output`, and last the manifest of all of them. Document pages are rendered a year
    /// at a time, so that `search` indexes each year's pages while only they are in memory.
    pub fn render_all(
        &self,
        output: &dyn Sink,
        search: Option<&search::Indexer>,
        progress: Option<&dyn crate::progress::Progress>,
    ) -> Rendered {
        let pages = self.pages();
        if let Some(p) = progress {
            p.start(crate::progress::Phase::Render, pages.len());
        }
        let mut rendered = Rendered {
            pages: pages.len(),
            ..Rendered::default()
        };
        let mut by_year: BTreeMap<u16, Vec<Page>> = BTreeMap::new();
        let mut others = Vec::new();
        for &page in &pages {
            match page {
                Page::Document(d) => {
                    let year = self.archive.issues[self.archive.documents[d].issue].year;
                    by_year.entry(year).or_default().push(page);
                }
                _ => others.push(page),
            }
        }
        let t0 = std::time::Instant::now();
        self.render_pages(&others, output, &mut rendered, false, progress);
        crate::trace("index pages", t0);
        let t0 = std::time::Instant::now();
        // Years are rendered and indexed in parallel (each year's HTML stays in memory only
        // while its index is built), then merged in year order, so the output does not
        // depend on which finished first.
        let years: Vec<(u16, Vec<Page>)> = by_year.into_iter().collect();
        type YearDone = (
            u16,
            Rendered,
            Option<Result<search::Bundle, String>>,
            Option<String>,
        );
        let done: Vec<YearDone> = years
            .into_par_iter()
            .map(|(year, year_pages)| {
                let mut part = Rendered::default();
                let kept =
                    self.render_pages(&year_pages, output, &mut part, search.is_some(), progress);
                let Some(indexer) = search.filter(|_| !kept.is_empty()) else {
                    return (year, part, None, None);
                };
                let fingerprint = self.year_fingerprint(year, &kept, &part);
                if let Some(fp) = &fingerprint
                    && self.reuse_bundle(&search::bundle_path(year), fp, output, &mut part)
                {
                    return (year, part, None, fingerprint);
                }
                let bundle = self
                    .published_html(kept, &part)
                    .and_then(|pages| indexer.index_year(year, pages));
                (year, part, Some(bundle), fingerprint)
            })
            .collect();
        crate::trace("document pages", t0);
        let t0 = std::time::Instant::now();
        let mut ui_written = false;
        let mut first_bundle = None;
        for (year, part, bundle, fingerprint) in done {
            if first_bundle.is_none() && (bundle.is_some() || fingerprint.is_some()) {
                first_bundle = Some(year);
            }
            rendered.files.extend(part.files);
            rendered.fingerprints.extend(part.fingerprints);
            rendered.rendered_pages += part.rendered_pages;
            rendered.cached_pages += part.cached_pages;
            rendered.unchanged += part.unchanged;
            rendered.problems.extend(part.problems);
            match bundle {
                None => {}
                Some(Ok(bundle)) => {
                    if let Some(fp) = &fingerprint {
                        for (path, _) in &bundle.files {
                            rendered.fingerprints.insert(path.clone(), fp.clone());
                        }
                    }
                    let ui = if ui_written { Vec::new() } else { bundle.ui };
                    if !ui_written {
                        for (path, _) in &ui {
                            rendered
                                .fingerprints
                                .insert(path.clone(), SEARCH_UI_FINGERPRINT.to_string());
                        }
                    }
                    ui_written = true;
                    let files: Vec<(String, Vec<u8>)> =
                        bundle.files.into_iter().chain(ui).collect();
                    self.put_files(output, &mut rendered, files);
                }
                Some(Err(e)) => rendered.problems.push(
                    Diagnostic::error(
                        search::bundle_path(year),
                        0,
                        0,
                        "search-index-failed",
                        format!("cannot build the search index of {year}: {e}"),
                    )
                    .with_hint(
                        "build with --no-search to publish the site without full-text search",
                    ),
                ),
            }
        }
        if let (Some(indexer), Some(_), false) = (search, first_bundle, ui_written)
            && !self.reuse_bundle(search::UI_DIR, SEARCH_UI_FINGERPRINT, output, &mut rendered)
        {
            // Every year's bundle was kept but the UI files were not: make them again.
            match indexer.ui_files() {
                Ok(ui) => {
                    for (path, _) in &ui {
                        if self.cache.is_some() {
                            rendered
                                .fingerprints
                                .insert(path.clone(), SEARCH_UI_FINGERPRINT.to_string());
                        }
                    }
                    self.put_files(output, &mut rendered, ui);
                }
                Err(e) => rendered.problems.push(Diagnostic::error(
                    search::UI_DIR,
                    0,
                    0,
                    "search-index-failed",
                    format!("cannot write the search UI: {e}"),
                )),
            }
        }
        let facts = &self.facts;
        // The publishing files show the archive but no body: when the archive keys are those
        // of the last build, its files are kept as they are.
        let mut files = Vec::new();
        if !self.reuse_publishing_files(output, &mut rendered) {
            files = self.publishing_files(&pages);
            if self.cache.is_some() {
                for (path, _) in &files {
                    rendered
                        .fingerprints
                        .insert(path.clone(), self.keys.site.clone());
                }
            }
        }
        crate::trace("lookup, feeds, redirects, sitemaps", t0);
        let t0 = std::time::Instant::now();
        if self.settings.data {
            files.extend(publish::data::files(facts));
            let twins = std::sync::Mutex::new(Vec::new());
            let twin = |path: String, bytes: Vec<u8>| {
                let put = output.put(&path, &bytes);
                twins.lock().expect("twins").push((path, put));
            };
            self.put_streamed(output, &mut rendered, publish::data::JSONL_FILE, &mut |w| {
                publish::data::write_jsonl(facts, w, &twin)
            });
            let mut twins = twins.into_inner().expect("twins");
            twins.sort_by(|a, b| a.0.cmp(&b.0));
            for (path, put) in twins {
                self.record(&mut rendered, path, put);
            }
            self.put_streamed(output, &mut rendered, publish::data::CSV_FILE, &mut |w| {
                publish::data::write_csv(facts, w)
            });
        }
        self.put_files(output, &mut rendered, files);
        crate::trace("publishing files", t0);
        let t0 = std::time::Instant::now();
        self.copy_files(output, &mut rendered);
        let manifest = publish::manifest::render(
            &self.config.title,
            self.config.base_url.as_deref(),
            &rendered.files,
        );
        self.put_files(
            output,
            &mut rendered,
            vec![(publish::manifest::MANIFEST_FILE.to_string(), manifest)],
        );
        crate::trace("copies + manifest", t0);
        rendered
    }

    /// A page as the last build published it, kept (its file and mtime noted as confirmed),
    /// when nothing it is made from can have changed: the settings and archive keys are those
    /// of the last build, and the page reports no problem that would have to be reported
    /// again. For a document's page, its file must be unchanged (its record came from the
    /// load cache) and its body free of warnings; for an issue's page and the home page
    /// (which shows the latest issue), the issue's note must be free of warnings.
    fn unchanged_page(
        &self,
        page: Page,
        output: &dyn Sink,
    ) -> Option<(String, crate::cache::Entry)> {
        if !self.same_archive {
            return None;
        }
        let (Some(cache), dir) = self.cache? else {
            return None;
        };
        let clean = match page {
            Page::Document(d) => {
                self.sources.reused(&self.archive.documents[d].source) && self.bodies[d].clean
            }
            Page::Issue(i) => self.note_is_clean(i),
            Page::Home => self.latest_issue().is_none_or(|i| self.note_is_clean(i)),
            _ => true,
        };
        if !clean {
            return None;
        }
        let file = page_file(&self.page_path(page));
        let entry = cache.kept(dir, &file)?;
        output.keep(&file, entry.mtime);
        Some((file, entry.clone()))
    }

    /// The newest issue, which the home page shows.
    fn latest_issue(&self) -> Option<usize> {
        self.index
            .years
            .first()
            .and_then(|(_, v)| v.first())
            .copied()
    }

    /// Whether issue `i`'s note renders without problems.
    fn note_is_clean(&self, i: usize) -> bool {
        let issue = &self.archive.issues[i];
        if issue.note.trim().is_empty() {
            return true;
        }
        let root = root_for(self.config, &issue_path(issue.year, issue.number));
        let links = PageLinks {
            r: self,
            root: &root,
            issue: i,
            doc: None,
        };
        let mut problems = Vec::new();
        self.markdown(
            &issue.note,
            &issue.source,
            issue.note_line,
            &links,
            &mut problems,
            &mut Vec::new(),
        );
        problems.is_empty()
    }

    /// The files made from the archive without its bodies: the 文号 lookup, the citations
    /// data, feeds, redirects and sitemaps.
    fn publishing_files(&self, pages: &[Page]) -> Vec<(String, Vec<u8>)> {
        let facts = &self.facts;
        // Independent of each other: made side by side.
        let ((lookup, citations), ((feeds, redirects), sitemaps)) = rayon::join(
            || {
                rayon::join(
                    || search::lookup_json(self.archive, self.index, |p| self.link(p)),
                    || {
                        self.settings.data.then(|| {
                            let doc_numbers: Vec<Option<String>> = self
                                .archive
                                .documents
                                .iter()
                                .map(|d| d.doc_number.as_ref().map(DocNumber::to_string))
                                .collect();
                            self.citations.json(self.index, &doc_numbers)
                        })
                    },
                )
            },
            || {
                rayon::join(
                    || {
                        rayon::join(
                            || publish::feeds::files(facts),
                            || publish::redirects::files(facts),
                        )
                    },
                    || {
                        let urls: Vec<publish::sitemap::Url> =
                            pages.iter().filter_map(|&p| self.sitemap_url(p)).collect();
                        publish::sitemap::files(facts, &urls, publish::sitemap::MAX_URLS)
                    },
                )
            },
        );
        let mut files = vec![(search::LOOKUP_FILE.to_string(), lookup.into_bytes())];
        if let Some(citations) = citations {
            files.push((DATA_CITATIONS.to_string(), citations.into_bytes()));
        }
        files.extend(feeds);
        files.extend(redirects);
        files.extend(sitemaps);
        files
    }

    /// Takes the publishing files of the last build as it published them, when its archive
    /// keys are this build's and all are still in place.
    fn reuse_publishing_files(&self, output: &dyn Sink, rendered: &mut Rendered) -> bool {
        let Some((Some(cache), dir)) = self.cache else {
            return false;
        };
        if !self.same_archive {
            return false;
        }
        let Some(files) = cache.publishing_files(dir) else {
            return false;
        };
        keep_files(files, &self.keys.site, output, rendered);
        true
    }

    /// The fingerprint of a year's search bundle: the URL and fingerprint of each page it
    /// indexes; `None` when a page has no fingerprint (no cache).
    fn year_fingerprint(&self, year: u16, kept: &[Kept], part: &Rendered) -> Option<String> {
        self.cache?;
        let mut h = crate::cache::key_hasher();
        h.update(format!("search bundle {year}\0").as_bytes());
        for k in kept {
            h.update(k.url.as_bytes());
            h.update(&[0]);
            h.update(part.fingerprints.get(&k.file)?.as_bytes());
            h.update(&[0]);
        }
        Some(h.finish())
    }

    /// Takes the files under `prefix` as the last build published them, if they were made
    /// from `fingerprint` and are all still in place.
    fn reuse_bundle(
        &self,
        prefix: &str,
        fingerprint: &str,
        output: &dyn Sink,
        rendered: &mut Rendered,
    ) -> bool {
        let Some((Some(cache), dir)) = self.cache else {
            return false;
        };
        let Some(files) = cache.bundle(dir, prefix, fingerprint) else {
            return false;
        };
        keep_files(files, fingerprint, output, rendered);
        true
    }

    /// The HTML of the pages to index: as rendered, or read back from the published file.
    fn published_html(
        &self,
        kept: Vec<Kept>,
        part: &Rendered,
    ) -> Result<Vec<search::Page>, String> {
        kept.into_iter()
            .map(|k| {
                let html = match k.html {
                    Some(html) => html,
                    None => {
                        let dir = self.cache.map(|(_, dir)| dir).ok_or("no output folder")?;
                        let html = dir
                            .read(&k.file)
                            .map_err(|e| e.to_string())
                            .and_then(|b| String::from_utf8(b).map_err(|e| e.to_string()))
                            .map_err(|e| format!("cannot read {}: {e}", k.file))?;
                        if part.files.get(&k.file).map(|d| d.size) != Some(html.len() as u64) {
                            return Err(format!("{} changed while the site was built", k.file));
                        }
                        html
                    }
                };
                Ok(search::Page { url: k.url, html })
            })
            .collect()
    }

    /// Renders `pages` in parallel and writes them; with `keep`, returns those rendered
    /// without error (with their HTML) or taken from the cache, for the search index.
    fn render_pages(
        &self,
        pages: &[Page],
        output: &dyn Sink,
        rendered: &mut Rendered,
        keep: bool,
        progress: Option<&dyn crate::progress::Progress>,
    ) -> Vec<Kept> {
        /// A page's file, what writing it did, its problems, (if kept) its HTML, its
        /// fingerprint and whether it was taken from the cache.
        type PageOutcome = (
            String,
            Option<Put>,
            Vec<Diagnostic>,
            Option<String>,
            Option<String>,
            bool,
        );
        let results: Vec<PageOutcome> = pages
            .par_iter()
            .map(|page| {
                if let Some((file, entry)) = self.unchanged_page(*page, output) {
                    if let Some(p) = progress {
                        p.advance(1);
                    }
                    let put = Put {
                        written: Written::Unchanged,
                        digest: entry.digest.clone(),
                    };
                    return (
                        file,
                        Some(put),
                        Vec::new(),
                        None,
                        entry.fingerprint.clone(),
                        true,
                    );
                }
                let page_started = std::time::Instant::now();
                let _slow = SlowPage(page_started, *page);
                let mut prepared = self.prepare_page(*page);
                if let Some(p) = progress {
                    p.advance(1);
                }
                let file = page_file(&prepared.path);
                // A document's fingerprint takes its body's digest: from its memo, or from
                // rendering it now (then the HTML is kept for the page).
                let mut body_html = None;
                let fingerprint = self.cache.map(|_| {
                    if let Some((d, _)) = &prepared.doc
                        && self.bodies[*d].html.get().is_none()
                    {
                        body_html = Some(self.body_html(*d, &mut prepared.problems));
                    }
                    self.fingerprint(&mut prepared)
                });
                if let (Some(fp), Some((Some(cache), dir))) = (&fingerprint, self.cache)
                    && !prepared
                        .problems
                        .iter()
                        .any(|d| d.severity == crate::error::Severity::Error)
                    && !fp.is_empty()
                    && let Some(entry) = cache.hit(dir, &file, fp)
                {
                    // The search index, if it needs the HTML, reads the published file.
                    output.keep(&file, entry.mtime);
                    let put = Put {
                        written: Written::Unchanged,
                        digest: entry.digest.clone(),
                    };
                    return (file, Some(put), prepared.problems, None, fingerprint, true);
                }
                let mut ctx = prepared.ctx.context();
                if let Some((d, view)) = &mut prepared.doc {
                    view.body = match body_html.take() {
                        Some(html) => html,
                        None => self.body_html(*d, &mut prepared.problems),
                    };
                    ctx.insert("doc", view);
                }
                match self.render_prepared(&prepared, &ctx) {
                    Ok((html, warnings)) => match output.put(&file, &html) {
                        Ok(put) => (
                            file,
                            Some(put),
                            warnings,
                            // Templates write UTF-8; only the search index needs it as text.
                            keep.then(|| String::from_utf8(html).ok()).flatten(),
                            fingerprint,
                            false,
                        ),
                        Err(e) => {
                            let d = Diagnostic::error(
                                file.clone(),
                                0,
                                0,
                                "write-failed",
                                format!("cannot write the page: {e}"),
                            );
                            (file, None, vec![d], None, None, false)
                        }
                    },
                    Err(problems) => (file, None, problems, None, None, false),
                }
            })
            .collect();
        let mut kept = Vec::new();
        for (file, put, mut problems, html, fingerprint, cached) in results {
            rendered.problems.append(&mut problems);
            if cached {
                rendered.cached_pages += 1;
            } else {
                rendered.rendered_pages += 1;
            }
            if let Some(fingerprint) = fingerprint.filter(|f| !f.is_empty()) {
                rendered.fingerprints.insert(file.clone(), fingerprint);
            }
            if keep && (html.is_some() || cached) {
                let path = file.strip_suffix("index.html").unwrap_or(&file);
                kept.push(Kept {
                    url: format!("/{}", self.link(path)),
                    file: file.clone(),
                    html,
                });
            }
            if let Some(put) = put {
                if put.written == Written::Unchanged {
                    rendered.unchanged += 1;
                }
                rendered.files.insert(file, put.digest);
            }
        }
        kept
    }

    /// Writes one large file that `write` streams out.
    fn put_streamed(
        &self,
        output: &dyn Sink,
        rendered: &mut Rendered,
        path: &str,
        write: &mut crate::output::StreamFn<'_>,
    ) {
        let result = output.put_streamed(path, write);
        self.record(rendered, path.to_string(), result);
    }

    /// Notes what writing one generated file did; a path already taken is an error.
    fn record(&self, rendered: &mut Rendered, path: String, result: std::io::Result<Put>) {
        if rendered.files.contains_key(&path) {
            rendered.problems.push(Diagnostic::error(
                path.clone(),
                0,
                0,
                "url-collision",
                format!("two files of the site would be written to /{path}"),
            ));
            return;
        }
        match result {
            Ok(put) => {
                if put.written == Written::Unchanged {
                    rendered.unchanged += 1;
                }
                rendered.files.insert(path, put.digest);
            }
            Err(e) => rendered.problems.push(Diagnostic::error(
                path,
                0,
                0,
                "write-failed",
                format!("cannot write the file: {e}"),
            )),
        }
    }

    /// Writes files the build makes itself; a path already taken is an error.
    fn put_files(&self, output: &dyn Sink, rendered: &mut Rendered, files: Vec<(String, Vec<u8>)>) {
        let mut seen = BTreeSet::new();
        let mut todo = Vec::with_capacity(files.len());
        for (path, bytes) in files {
            if !crate::output::is_contained(&path)
                || rendered.files.contains_key(&path)
                || !seen.insert(path.clone())
            {
                rendered.problems.push(
                    Diagnostic::error(
                        path.clone(),
                        0,
                        0,
                        "url-collision",
                        format!("two files of the site would be written to /{path}"),
                    )
                    .with_hint("a static file, an issue file or a `redirects` entry of gazette.yaml uses an address that the build writes itself (feeds, sitemaps, open data, short links); rename or remove it"),
                );
                continue;
            }
            todo.push((path, bytes));
        }
        let results: Vec<(String, std::io::Result<Put>)> = todo
            .into_par_iter()
            .map(|(path, bytes)| {
                let put = output.put(&path, &bytes);
                (path, put)
            })
            .collect();
        for (path, result) in results {
            self.record(rendered, path, result);
        }
    }

    fn copy_files(&self, output: &dyn Sink, rendered: &mut Rendered) {
        let mut copies: Vec<(String, std::path::PathBuf)> =
            self.templates.static_files().into_iter().collect();
        let content = std::path::Path::new(crate::content::CONTENT_DIR);
        for issue in &self.archive.issues {
            for asset in &issue.assets {
                let from = self.root.join(content).join(issue.dir()).join(asset);
                copies.push((
                    format!("{}{asset}", issue_path(issue.year, issue.number)),
                    from,
                ));
            }
        }
        let results: Vec<(String, Result<Put, Diagnostic>)> = copies
            .par_iter()
            .map(|(rel, from)| {
                let result = if !crate::output::is_contained(rel)
                    || rendered.files.contains_key(rel)
                {
                    Err(Diagnostic::error(
                        rel.clone(),
                        0,
                        0,
                        "url-collision",
                        format!("the file /{rel} would overwrite a page or file the build writes"),
                    ))
                } else {
                    std::fs::read(from)
                        .and_then(|bytes| output.put(rel, &bytes))
                        .map_err(|e| {
                            Diagnostic::error(
                                rel.clone(),
                                0,
                                0,
                                "write-failed",
                                format!("cannot copy {}: {e}", from.display()),
                            )
                        })
                };
                (rel.clone(), result)
            })
            .collect();
        for (rel, result) in results {
            match result {
                Ok(put) => {
                    if put.written == Written::Unchanged {
                        rendered.unchanged += 1;
                    }
                    rendered.files.insert(rel, put.digest);
                }
                Err(d) => rendered.problems.push(d),
            }
        }
    }

    fn context(&self, path: &str, kind: &str, title: &str, crumbs: Vec<Link>) -> PageCtx<'_> {
        #[derive(Serialize)]
        struct PageView {
            kind: String,
            path: String,
            title: String,
            breadcrumbs: Vec<Link>,
            canonical: Option<String>,
            feeds: Vec<Link>,
        }
        let mut ctx = PageCtx::default();
        ctx.insert_shared("site", self.site.clone());
        // Hosts show 404.html at any missing address, so its links cannot be relative to its
        // own place: without a base URL they start at the host's root.
        let root = if kind == "not-found" && self.config.base_url.is_none() {
            "/".to_string()
        } else {
            root_for(self.config, path)
        };
        ctx.insert("root", root);
        let canonical = if kind == "not-found" {
            None
        } else {
            self.facts.url(path)
        };
        ctx.insert(
            "page",
            PageView {
                kind: kind.to_string(),
                path: path.to_string(),
                title: title.to_string(),
                breadcrumbs: crumbs,
                canonical,
                feeds: self.feeds_for(kind, path, title),
            },
        );
        ctx.insert_value("jsonld", Value::none());
        ctx
    }

    /// The feeds a page announces: its own (issuer, section, 文种), then the site's.
    fn feeds_for(&self, kind: &str, path: &str, title: &str) -> Vec<Link> {
        let site = &self.config.title;
        let mut feeds = Vec::new();
        let what = match kind {
            "issuer" => Some("发文机关"),
            "section" => Some("栏目"),
            "type" => Some("文种"),
            _ => None,
        };
        if let Some(what) = what {
            let base = path.split("page/").next().unwrap_or(path);
            feeds.push(Link {
                title: format!("{site} · {what}：{title}"),
                href: format!("{base}{}", publish::feeds::FEED_FILE),
            });
        }
        feeds.push(Link {
            title: format!("{site} · 最新文件"),
            href: publish::feeds::ARCHIVE_FEED.to_string(),
        });
        feeds.push(Link {
            title: format!("{site} · 各期"),
            href: publish::feeds::ISSUES_FEED.to_string(),
        });
        feeds
    }

    fn crumb(&self, title: impl Into<String>, path: &str) -> Link {
        Link {
            title: title.into(),
            href: self.link(path),
        }
    }

    fn home_crumb(&self) -> Link {
        self.crumb("首页", "")
    }

    fn year_crumbs(&self, year: u16) -> Vec<Link> {
        vec![
            self.home_crumb(),
            self.crumb(format!("{year}年"), &format!("issues/{year}/")),
        ]
    }

    /// Renders document `d`'s body, adding its problems to `problems`; notes the digest of
    /// its HTML for the page's fingerprint and the body's memo.
    fn body_html(&self, d: usize, problems: &mut Vec<Diagnostic>) -> String {
        let body = self.render_body(d);
        problems.extend(body.problems);
        let _ = self.bodies[d].html.set(memo::html_digest(&body.html));
        body.html
    }

    /// Renders a prepared page: its HTML (plus warnings), or the problems.
    fn render_prepared(&self, prepared: &Prepared<'_>, ctx: &Context) -> PageResult {
        let Prepared {
            path,
            template,
            problems,
            ..
        } = prepared;
        if problems
            .iter()
            .any(|d| d.severity == crate::error::Severity::Error)
        {
            return Err(problems.clone());
        }
        let mut html = Vec::with_capacity(32 * 1024);
        match self.templates.tera.render_to(template, ctx, &mut html) {
            Ok(()) => Ok((html, problems.clone())),
            Err(e) => Err(vec![template_diagnostic(
                &e,
                &self.templates.files,
                Some(path),
            )]),
        }
    }

    /// The key (see [`crate::cache::key_of`]) of what a page is rendered from: its template and
    /// its whole context (the templates themselves are covered by the cache's global key), the
    /// site's part and a document's body by their digests.
    fn fingerprint(&self, prepared: &mut Prepared<'_>) -> String {
        let mut h = crate::cache::key_hasher();
        h.update(prepared.template.as_bytes());
        h.update(&[0]);
        if !prepared.ctx.write_to(&mut h) {
            // Unserialisable: no fingerprint, so never taken from the cache.
            return String::new();
        }
        if let Some((d, view)) = &mut prepared.doc {
            let digest = self.bodies[*d].html.get().cloned().unwrap_or_default();
            let body = std::mem::replace(&mut view.body, format!("digest:{digest}"));
            h.update(b"doc\0");
            let ok = views::digesting(|| serde_json::to_writer(&mut h, &*view).is_ok());
            view.body = body;
            if !ok {
                return String::new();
            }
        }
        h.finish()
    }

    /// Builds one page's template context, without rendering it. A document's view is
    /// left beside the context, its body not yet rendered.
    fn prepare_page(&self, page: Page) -> Prepared<'_> {
        let mut problems = Vec::new();
        let mut doc_view = None;
        let size = self.config.paginate;
        let (path, template, ctx) = match page {
            Page::Home => {
                let path = self.page_path(page);
                let mut ctx = self.context(&path, "home", &self.config.title, vec![]);
                let latest = self.latest_issue();
                let root = root_for(self.config, &path);
                ctx.insert(
                    "latest",
                    latest.map(|i| self.issue_view(i, &root, &mut problems)),
                );
                let recent: Vec<Shared> = self
                    .index
                    .years
                    .iter()
                    .flat_map(|(_, v)| v)
                    .take(12)
                    .map(|&i| self.issue_summaries[i].clone())
                    .collect();
                ctx.insert("recent_issues", recent);
                ctx.insert("years", self.years_view());
                (path, "index.html", ctx)
            }
            Page::Issues => {
                let path = self.page_path(page);
                let mut ctx = self.context(&path, "issues", "历年公报", vec![self.home_crumb()]);
                ctx.insert("years", self.years_view());
                (path, "issues.html", ctx)
            }
            Page::Year(y) => {
                let (year, issues) = &self.index.years[y];
                let path = self.page_path(page);
                let crumbs = vec![self.home_crumb(), self.crumb("历年公报", "issues/")];
                let mut ctx = self.context(&path, "year", &format!("{year}年"), crumbs);
                ctx.insert("year", *year);
                ctx.insert(
                    "issues",
                    issues
                        .iter()
                        .map(|&i| self.issue_summaries[i].clone())
                        .collect::<Vec<_>>(),
                );
                ctx.insert("annual", self.annual_index(issues));
                (path, "year.html", ctx)
            }
            Page::Issue(i) => {
                let issue = &self.archive.issues[i];
                let path = self.page_path(page);
                let title = format!("{}（总第{}期）", issue.label(), issue.serial);
                let mut ctx = self.context(&path, "issue", &title, self.year_crumbs(issue.year));
                let root = root_for(self.config, &path);
                ctx.insert("issue", self.issue_view(i, &root, &mut problems));
                ctx.insert_value("jsonld", Value::safe_string(&self.facts.issue_jsonld(i)));
                (path, "issue.html", ctx)
            }
            Page::Document(d) => {
                let doc = &self.archive.documents[d];
                let issue = &self.archive.issues[doc.issue];
                let path = self.page_path(page);
                let mut crumbs = self.year_crumbs(issue.year);
                crumbs.push(self.crumb(
                    format!("第{}期", issue.number),
                    &issue_path(issue.year, issue.number),
                ));
                let mut ctx = self.context(&path, "document", &doc.title, crumbs);
                doc_view = Some((d, self.doc_view(d)));
                ctx.insert_lazy("jsonld", self.facts.document_jsonld_key(d), move || {
                    Value::safe_string(&self.facts.document_jsonld(d))
                });
                (path, "document.html", ctx)
            }
            Page::Issuers(p) => {
                let path = self.page_path(page);
                let mut ctx = self.context(&path, "issuers", "发文机关", vec![self.home_crumb()]);
                let terms: Vec<TermSummary> = self
                    .index
                    .issuers
                    .iter()
                    .map(|e| TermSummary {
                        name: e.name.clone(),
                        slug: e.slug.clone(),
                        href: self.link(&format!("issuers/{}/", e.slug)),
                        count: e.documents.len(),
                        lead_count: e.documents.iter().filter(|(_, lead)| *lead).count(),
                    })
                    .collect();
                ctx.insert("terms", paginate(&terms, size, p).to_vec());
                ctx.insert("pagination", self.pagination("issuers/", terms.len(), p));
                (path, "issuers.html", ctx)
            }
            Page::Issuer(i, p) => {
                let e = &self.index.issuers[i];
                let base = format!("issuers/{}/", e.slug);
                let path = self.page_path(page);
                let crumbs = vec![self.home_crumb(), self.crumb("发文机关", "issuers/")];
                let mut ctx = self.context(&path, "issuer", &e.name, crumbs);
                ctx.insert(
                    "term",
                    self.term(&e.name, &e.slug, &base, e.documents.len()),
                );
                let entries: Vec<Entry> = paginate(&e.documents, size, p)
                    .iter()
                    .map(|&(d, lead)| Entry {
                        doc: self.doc_summary(d),
                        lead,
                    })
                    .collect();
                ctx.insert("entries", entries);
                ctx.insert("pagination", self.pagination(&base, e.documents.len(), p));
                (path, "issuer.html", ctx)
            }
            Page::Sections => {
                let path = self.page_path(page);
                let ctx = self.context(&path, "sections", "栏目", vec![self.home_crumb()]);
                (path, "sections.html", ctx)
            }
            Page::Section(s, p) => {
                let section = &self.config.sections[s];
                let (path, ctx) = self.term_page(
                    page,
                    ("section", "栏目", "sections/"),
                    (&section.name, &section.slug),
                    &self.index.sections[s],
                    p,
                );
                (path, "section.html", ctx)
            }
            Page::Types => {
                let path = self.page_path(page);
                let mut ctx = self.context(&path, "types", "文种", vec![self.home_crumb()]);
                let terms: Vec<TermSummary> = self
                    .index
                    .types
                    .iter()
                    .map(|t| {
                        self.term(
                            &t.name,
                            &t.slug,
                            &format!("types/{}/", t.slug),
                            t.documents.len(),
                        )
                    })
                    .collect();
                ctx.insert("terms", terms);
                (path, "types.html", ctx)
            }
            Page::Type(t, p) => {
                let entry = &self.index.types[t];
                let (path, ctx) = self.term_page(
                    page,
                    ("type", "文种", "types/"),
                    (&entry.name, &entry.slug),
                    &entry.documents,
                    p,
                );
                (path, "type.html", ctx)
            }
            Page::NotFound => {
                let path = self.page_path(page);
                let mut ctx = self.context(&path, "not-found", "页面未找到", vec![]);
                ctx.insert("years", self.years_view());
                (path, NOT_FOUND_PAGE, ctx)
            }
            Page::Register => {
                let path = "normative/".to_string();
                let ctx = self.register_context(&path);
                (path, "normative.html", ctx)
            }
            Page::Search => {
                let path = search::SEARCH_DIR.to_string();
                let mut ctx = self.context(&path, "search", "检索", vec![self.home_crumb()]);
                #[derive(Serialize)]
                struct Bundle {
                    year: u16,
                    path: String,
                }
                #[derive(Serialize)]
                struct SearchView {
                    fulltext: bool,
                    bundles: Vec<Bundle>,
                    ui: &'static str,
                    lookup: &'static str,
                }
                let bundles = self
                    .index
                    .years
                    .iter()
                    .filter(|(_, issues)| {
                        issues
                            .iter()
                            .any(|&i| !self.index.issue_documents[i].is_empty())
                    })
                    .map(|(year, _)| Bundle {
                        year: *year,
                        path: search::bundle_path(*year),
                    })
                    .collect();
                ctx.insert(
                    "search",
                    SearchView {
                        fulltext: self.settings.fulltext,
                        bundles,
                        ui: search::UI_DIR,
                        lookup: search::LOOKUP_FILE,
                    },
                );
                (path, "search.html", ctx)
            }
        };
        Prepared {
            path,
            template,
            ctx,
            problems,
            doc: doc_view,
        }
    }

    /// The year's 年度总目录: its documents by 文号 series and by issuer.
    fn annual_index(&self, issues: &[usize]) -> AnnualIndex {
        let mut docs: Vec<usize> = issues
            .iter()
            .flat_map(|&i| self.index.issue_documents[i].iter().copied())
            .collect();
        docs.sort_unstable();
        let mut series: BTreeMap<&str, Vec<(&DocNumber, usize)>> = BTreeMap::new();
        let mut unnumbered = Vec::new();
        for &d in &docs {
            match &self.archive.documents[d].doc_number {
                Some(n) => series.entry(&n.prefix).or_default().push((n, d)),
                None => unnumbered.push(self.doc_summary(d)),
            }
        }
        let mut series: Vec<AnnualGroup> = series
            .into_iter()
            .map(|(prefix, mut list)| {
                list.sort();
                AnnualGroup {
                    name: prefix.to_string(),
                    href: None,
                    documents: list.into_iter().map(|(_, d)| self.doc_summary(d)).collect(),
                }
            })
            .collect();
        series.sort_by_cached_key(|g| crate::content::slug::sort_key(&g.name));
        // By issuer, in the index's order: only the year's documents are looked at.
        let mut by_issuer: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &d in &docs {
            for name in &self.archive.documents[d].issuers {
                if let Some(&e) = self.index.issuer_by_name.get(name) {
                    by_issuer.entry(e).or_default().push(d);
                }
            }
        }
        let issuers = by_issuer
            .into_iter()
            .map(|(e, mut list)| {
                let e = &self.index.issuers[e];
                list.dedup();
                AnnualGroup {
                    name: e.name.clone(),
                    href: Some(self.link(&format!("issuers/{}/", e.slug))),
                    documents: list.into_iter().map(|d| self.doc_summary(d)).collect(),
                }
            })
            .collect();
        AnnualIndex {
            document_count: docs.len(),
            series,
            issuers,
            unnumbered,
        }
    }

    /// The validity register (/normative/).
    fn register_context(&self, path: &str) -> PageCtx<'_> {
        let mut ctx = self.context(
            path,
            "normative",
            "规范性文件效力状态",
            vec![self.home_crumb()],
        );
        let reference = self.settings.reference;
        let mut docs: Vec<(usize, validity::State)> = self
            .archive
            .documents
            .iter()
            .enumerate()
            .filter(|(_, d)| d.duplicate_of().is_none())
            .filter_map(|(i, d)| validity::state_on(d, reference.date).map(|s| (i, s)))
            .collect();
        // Newest first: by 施行日期, else 成文日期; then by 文号.
        docs.sort_by(|(a, _), (b, _)| {
            let key = |i: usize| {
                let d = &self.archive.documents[i];
                (
                    std::cmp::Reverse(d.valid_from.or(d.date)),
                    d.doc_number.clone(),
                    i,
                )
            };
            key(*a).cmp(&key(*b))
        });
        let states: Vec<StateCount> = validity::State::ALL
            .iter()
            .map(|s| StateCount {
                code: s.code(),
                label: s.label(),
                count: docs.iter().filter(|(_, x)| x == s).count(),
            })
            .collect();
        let issuers: Vec<&str> = self
            .index
            .issuers
            .iter()
            .filter(|e| {
                docs.iter()
                    .any(|(d, _)| self.archive.documents[*d].issuers.contains(&e.name))
            })
            .map(|e| e.name.as_str())
            .collect();
        let entries: Vec<Shared> = docs.iter().map(|(d, _)| self.doc_summary(*d)).collect();
        ctx.insert("entries", entries);
        ctx.insert("states", states);
        ctx.insert("issuers", issuers);
        ctx.insert(
            "reference",
            ReferenceView {
                date: reference.date.into(),
                source: reference.source,
            },
        );
        ctx
    }

    /// The context of page `p` of a section's or 文种's documents: `(kind, label, list path)`
    /// and `(name, slug)` of the term.
    fn term_page(
        &self,
        page: Page,
        (kind, label, list): (&str, &str, &str),
        (name, slug): (&str, &str),
        docs: &[usize],
        p: usize,
    ) -> (String, PageCtx<'_>) {
        let base = format!("{list}{slug}/");
        let path = self.page_path(page);
        let crumbs = vec![self.home_crumb(), self.crumb(label, list)];
        let mut ctx = self.context(&path, kind, name, crumbs);
        ctx.insert("term", self.term(name, slug, &base, docs.len()));
        ctx.insert(
            "entries",
            self.entries(paginate(docs, self.config.paginate, p)),
        );
        ctx.insert("pagination", self.pagination(&base, docs.len(), p));
        (path, ctx)
    }

    fn term(&self, name: &str, slug: &str, base: &str, count: usize) -> TermSummary {
        TermSummary {
            name: name.to_string(),
            slug: slug.to_string(),
            href: self.link(base),
            count,
            lead_count: 0,
        }
    }

    fn entries(&self, docs: &[usize]) -> Vec<Entry> {
        docs.iter()
            .map(|&d| Entry {
                doc: self.doc_summary(d),
                lead: false,
            })
            .collect()
    }

    fn pagination(&self, base: &str, total_entries: usize, current: usize) -> Pagination {
        let total = page_count(total_entries, self.config.paginate);
        let href = |p: usize| self.link(&paged_path(base, p));
        Pagination {
            current: current + 1,
            total,
            total_entries,
            pages: page_window(current, total)
                .into_iter()
                .map(|p| match p {
                    Some(p) => PageLink {
                        number: p + 1,
                        href: href(p),
                        gap: false,
                    },
                    None => PageLink {
                        number: 0,
                        href: String::new(),
                        gap: true,
                    },
                })
                .collect(),
            prev: (current > 0).then(|| href(current - 1)),
            next: (current + 1 < total).then(|| href(current + 1)),
        }
    }

    fn years_view(&self) -> Vec<YearView> {
        self.index
            .years
            .iter()
            .map(|(y, issues)| YearView {
                year: *y,
                href: self.link(&format!("issues/{y}/")),
                issues: issues
                    .iter()
                    .map(|&i| self.issue_summaries[i].clone())
                    .collect(),
            })
            .collect()
    }

    fn markdown(
        &self,
        text: &str,
        source: &str,
        first_line: usize,
        links: &PageLinks<'_>,
        problems: &mut Vec<Diagnostic>,
        cited: &mut Vec<Citation>,
    ) -> String {
        let src = markdown::Source {
            path: source,
            first_line,
            raw_html: self.config.raw_html,
        };
        let mut found = Vec::new();
        match catch_unwind(AssertUnwindSafe(|| {
            markdown::render_cited(text, &src, links, &mut found, cited)
        })) {
            Ok(html) => {
                problems.append(&mut found);
                html
            }
            Err(_) => {
                problems.push(Diagnostic::error(source, first_line, 1, "markdown-failed",
                    "the Markdown renderer failed on this file").with_hint("simplify the document's Markdown (deeply nested lists or quotes), then build again"));
                String::new()
            }
        }
    }

    fn issue_view(&self, i: usize, root: &str, problems: &mut Vec<Diagnostic>) -> IssueView {
        let issue = &self.archive.issues[i];
        let base = issue_path(issue.year, issue.number);
        let links = PageLinks {
            r: self,
            root,
            issue: i,
            doc: None,
        };
        let mut groups: Vec<TocGroup> = Vec::new();
        for &d in &self.index.issue_documents[i] {
            let section = &self.config.sections[self.archive.documents[d].section];
            if groups.last().is_none_or(|g| g.slug != section.slug) {
                groups.push(TocGroup {
                    name: section.name.clone(),
                    slug: section.slug.clone(),
                    href: self.link(&format!("sections/{}/", section.slug)),
                    documents: Vec::new(),
                });
            }
            groups
                .last_mut()
                .expect("pushed")
                .documents
                .push(self.doc_summary(d));
        }
        let issue_dir = self
            .root
            .join(crate::content::CONTENT_DIR)
            .join(issue.dir());
        let assets: Vec<Asset> = issue
            .assets
            .iter()
            .map(|a| Asset {
                name: a.clone(),
                href: format!("{base}{a}"),
                size: std::fs::metadata(issue_dir.join(a))
                    .map(|m| m.len())
                    .unwrap_or(0),
            })
            .collect();
        // Issues in `years` run newest first; prev is the older neighbour.
        let order = &self.issue_order;
        let at = order.iter().position(|&x| x == i);
        IssueView {
            summary: self.issue_summaries[i].clone(),
            note: self.markdown(
                &issue.note,
                &issue.source,
                issue.note_line,
                &links,
                problems,
                &mut Vec::new(),
            ),
            groups,
            pdf: issue
                .pdf
                .as_ref()
                .and_then(|p| assets.iter().find(|a| &a.name == p).cloned()),
            assets,
            prev: at
                .and_then(|k| order.get(k + 1))
                .map(|&x| self.issue_summaries[x].clone()),
            next: at
                .and_then(|k| k.checked_sub(1))
                .map(|k| self.issue_summaries[order[k]].clone()),
        }
    }

    /// A document's view, its body left empty.
    fn doc_view<'d>(&'d self, d: usize) -> DocView<'d> {
        let doc: &'d Document = &self.archive.documents[d];
        let siblings = &self.index.issue_documents[doc.issue];
        let at = siblings
            .iter()
            .position(|&x| x == d)
            .expect("document is in its issue");
        DocView {
            summary: self.doc_summary(d),
            issuer_links: doc
                .issuers
                .iter()
                .enumerate()
                .map(|(k, name)| IssuerRef {
                    name,
                    href: self.link(&format!(
                        "issuers/{}/",
                        self.index.issuers[self.index.issuer_by_name[name]].slug
                    )),
                    lead: k == 0,
                })
                .collect(),
            type_href: doc.doc_type.as_ref().map(|t| {
                self.link(&format!(
                    "types/{}/",
                    self.index.types[self.index.type_by_name[t]].slug
                ))
            }),
            section_href: self.link(&format!(
                "sections/{}/",
                self.config.sections[doc.section].slug
            )),
            addressees: &doc.addressees,
            valid_from: doc.valid_from.map(DateView::from),
            valid_until: doc.valid_until.map(DateView::from),
            attachments: doc
                .attachments
                .iter()
                .map(|a| Link {
                    title: a.title.clone(),
                    href: a
                        .file
                        .as_ref()
                        .map(|f| {
                            format!(
                                "{}{f}",
                                issue_path(
                                    self.archive.issues[doc.issue].year,
                                    self.archive.issues[doc.issue].number
                                )
                            )
                        })
                        .unwrap_or_default(),
                })
                .collect(),
            subjects: &doc.subjects,
            extra: &doc.extra,
            body: String::new(),
            cites: self.citations.cites[d]
                .iter()
                .map(|(number, target)| CitedRef {
                    doc_number: number.to_string(),
                    doc: target.map(|t| self.doc_summary(t)),
                })
                .collect(),
            cited_by: self.citations.cited_by[d]
                .iter()
                .map(|&k| self.doc_summary(k))
                .collect(),
            source: &doc.source,
            prev: at.checked_sub(1).map(|k| self.doc_summary(siblings[k])),
            next: siblings.get(at + 1).map(|&k| self.doc_summary(k)),
        }
    }
}

/// The validity of `doc`, in state `state` on the reference date; `link` finds the page of a
/// replacing 文号.
fn status_view(
    doc: &Document,
    state: validity::State,
    link: impl Fn(&DocNumber) -> Option<String>,
) -> StatusView {
    let declared = doc.status.as_ref();
    StatusView {
        code: state.code(),
        label: state.label(),
        declared: declared.map(|s| s.state.code()),
        declared_date: declared.and_then(|s| s.date).map(DateView::from),
        reason: declared.and_then(|s| s.reason.clone()),
        replaced_by: declared
            .and_then(|s| s.replaced_by.as_ref())
            .map(|n| NumberRef {
                doc_number: n.to_string(),
                href: link(n),
            }),
        valid_from: doc.valid_from.map(DateView::from),
        valid_until: doc.valid_until.map(DateView::from),
    }
}

/// Resolves links written in one page's Markdown.
struct PageLinks<'a> {
    r: &'a Renderer<'a>,
    root: &'a str,
    issue: usize,
    /// The document being rendered, if the page is a document's.
    doc: Option<usize>,
}

impl LinkResolver for PageLinks<'_> {
    fn site_path(&self, path: &str) -> Option<String> {
        let path = path.strip_suffix("index.html").unwrap_or(path);
        let found = if self.r.index.paths.contains(path) {
            Some(path.to_string())
        } else if !path.ends_with('/') && self.r.index.paths.contains(&format!("{path}/")) {
            Some(format!("{path}/"))
        } else {
            None
        };
        found.map(|p| format!("{}{}", self.root, self.r.link(&p)))
    }

    fn issue_relative(&self, path: &str) -> Option<String> {
        let issue = &self.r.archive.issues[self.issue];
        if let Some(stem) = path.strip_suffix(".md") {
            let d = self.r.index.issue_documents[self.issue]
                .iter()
                .find(|&&d| self.r.archive.documents[d].stem == stem)?;
            return Some(format!(
                "{}{}",
                self.root,
                self.r.link(&self.r.index.doc_paths[*d])
            ));
        }
        let site = format!("{}{path}", issue_path(issue.year, issue.number));
        self.r
            .index
            .paths
            .contains(&site)
            .then(|| format!("{}{site}", self.root))
    }

    fn cited(&self, number: &DocNumber) -> Cite {
        let own = self
            .doc
            .and_then(|d| self.r.archive.documents[d].doc_number.as_ref());
        if own == Some(number) {
            return Cite::Own;
        }
        match self.r.index.by_doc_number.get(&number.to_string()) {
            Some(&d) => Cite::Link(format!(
                "{}{}",
                self.root,
                self.r.link(&self.r.index.doc_paths[d])
            )),
            None => Cite::External,
        }
    }

    fn doc_number(&self, number: &str) -> Option<String> {
        let normal = DocNumber::parse(number).ok()?.to_string();
        let d = self.r.index.by_doc_number.get(&normal)?;
        Some(format!(
            "{}{}",
            self.root,
            self.r.link(&self.r.index.doc_paths[*d])
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::page_window;

    #[test]
    fn pagination_links_few_pages_all_and_many_pages_by_window() {
        let shown = |c, t| -> Vec<String> {
            page_window(c, t)
                .into_iter()
                .map(|p| p.map_or("…".to_string(), |p| (p + 1).to_string()))
                .collect()
        };
        assert_eq!(shown(0, 1), ["1"]);
        assert_eq!(shown(4, 9).len(), 9);
        assert_eq!(shown(0, 400), ["1", "2", "3", "…", "399", "400"]);
        assert_eq!(
            shown(199, 400),
            [
                "1", "2", "…", "198", "199", "200", "201", "202", "…", "399", "400"
            ]
        );
        assert_eq!(shown(399, 400), ["1", "2", "…", "398", "399", "400"]);
        assert_eq!(
            shown(4, 10),
            ["1", "2", "3", "4", "5", "6", "7", "…", "9", "10"]
        );
        // Never more than 11 entries, whatever the size.
        for t in [10, 50, 1000, 100_000] {
            for c in [0, 1, 2, 3, t / 2, t - 3, t - 1] {
                let w = page_window(c, t);
                assert!(w.len() <= 11, "{c} {t}");
                assert!(w.contains(&Some(c)), "current page shown");
            }
        }
    }
}
