//! `gazette` turns a government gazette archive (政府公报) — Markdown documents with YAML front
//! matter, one folder per issue — into a fast, permanent static website.
//!
//! The build runs in named phases, data flowing one way: load the settings, read and
//! validate every file in parallel ([`content`]), build the indexes once ([`index`]), render
//! every page in parallel through the theme ([`render`]) together with the files for
//! machines and mirrors — feeds, sitemaps, redirects, open data, the manifest
//! ([`publish`]) — and publish the result atomically ([`output`]), keeping what the next
//! build can reuse in the build state, out of the published folder ([`state`]). Paths inside
//! the output and cache folders are reached without following links ([`tree`]). The library
//! never prints; the binary reports.

#![warn(missing_docs)]

pub mod cache;
pub mod config;
pub mod content;
pub mod digest;
pub mod error;
pub mod identity;
pub mod import;
pub mod incremental;
pub mod index;
pub mod lint;
pub mod memory;
pub mod output;
pub mod progress;
pub mod publish;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod sealed;
pub mod search;
pub mod serve;
pub mod slug;
pub mod state;
pub mod tree;
pub mod urls;
pub mod validity;
mod yaml;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use config::Config;
use content::Archive;
use error::{Diagnostic, Error, Result, Severity, sort_diagnostics};
use index::Index;
use progress::{Phase, Progress};

/// What `gazette build` is asked to do.
#[derive(Clone, Default)]
pub struct BuildOptions {
    /// The site root (holds `gazette.yaml`, `content/`, `themes/`).
    pub root: PathBuf,
    /// The output folder; default `<root>/public`.
    pub output: Option<PathBuf>,
    /// Where the build state is kept (one folder per output folder inside it); default
    /// `<root>/.gazette-cache`.
    pub cache_dir: Option<PathBuf>,
    /// Overrides `base_url` from `gazette.yaml`.
    pub base_url: Option<String>,
    /// Replace an output folder that was not made by gazette.
    pub force: bool,
    /// Told how the build advances, if anyone listens.
    pub progress: Option<Arc<dyn Progress>>,
    /// Leave out the open data (`data.json` beside pages and `data/`): HTML only.
    pub no_data: bool,
    /// Skip the full-text search index (the 文号 lookup is still written).
    pub no_search: bool,
    /// `SOURCE_DATE_EPOCH`: the date validity statuses are computed for (seconds since
    /// 1970-01-01 UTC). Without it, the newest date of the archive is used — never the clock.
    pub source_date_epoch: Option<i64>,
    /// Ignore the caches of the last build (load cache, body memos, file cache): read,
    /// check and render everything (fresh caches are still written).
    pub no_cache: bool,
    /// Publish documents marked `draft: true` too (`gazette serve` does, for review).
    pub drafts: bool,
}

/// What a successful build did.
#[derive(Clone, Debug)]
pub struct Summary {
    /// Documents in the archive.
    pub documents: usize,
    /// Issues in the archive.
    pub issues: usize,
    /// HTML pages in the site.
    pub pages: usize,
    /// HTML pages rendered through their templates in this build.
    pub rendered_pages: usize,
    /// HTML pages left as published because the file cache showed them unchanged.
    pub cached_pages: usize,
    /// Markdown files read and parsed (the others' records came from the load cache).
    pub files_parsed: usize,
    /// Document bodies read and rendered (the others were known from their memos).
    pub bodies_read: usize,
    /// Files in the site.
    pub files: usize,
    /// Files written (new or changed).
    pub written: usize,
    /// Files left untouched because their bytes did not change.
    pub unchanged: usize,
    /// Files removed because they no longer belong.
    pub removed: usize,
    /// Warnings found on the way.
    pub warnings: Vec<Diagnostic>,
    /// Things the publisher should know about the output (e.g. what was left out and why).
    pub notes: Vec<String>,
    /// The output folder.
    pub output: PathBuf,
}

/// A loaded and validated site, ready to render.
#[derive(Debug)]
pub struct Site {
    /// The site root.
    pub root: PathBuf,
    /// Settings.
    pub config: Config,
    /// Issues and documents.
    pub archive: Archive,
    /// Every file the archive was read from, as read: identity, digests, and whether its
    /// record came from the load cache.
    pub sources: content::Sources,
    /// Indexes.
    pub index: Index,
}

impl Site {
    /// What the renderer reads, with `templates`.
    pub fn inputs<'a>(&'a self, templates: &'a render::templates::Templates) -> render::Inputs<'a> {
        render::Inputs {
            root: &self.root,
            config: &self.config,
            archive: &self.archive,
            sources: &self.sources,
            index: &self.index,
            templates,
        }
    }
}

/// Reads and validates the site at `root`. Every problem found is reported at once.
pub fn load(root: &Path, base_url: Option<&str>) -> Result<Site> {
    load_with(root, base_url, None, true, || ()).map(|(site, ())| site)
}

/// The load cache's file name, inside an output folder's state folder.
pub const LOAD_CACHE_FILE: &str = "content";

/// The key of what every record of the load cache depends on: the settings.
fn load_cache_key(root: &Path, base_url: Option<&str>) -> String {
    let mut key = cache::GlobalKey::default();
    key.add(
        config::CONFIG_FILE,
        &std::fs::read(root.join(config::CONFIG_FILE)).unwrap_or_default(),
    );
    key.add("base_url", base_url.unwrap_or("").as_bytes());
    key.finish()
}

/// [`load`], taking unchanged files' records from the load cache in the state folder
/// `cached` (if given and usable); returns what the next build can take from it, and what
/// `alongside` returns: it runs while the indexes are built (which is done on one core).
/// Without `drafts`, documents marked `draft: true` are taken out of the archive here,
/// after every file was validated and before anything is indexed: every page, feed, search
/// bundle, data file and manifest entry is made from this one list, so a draft cannot leak
/// into any of them.
fn load_with<R: Send>(
    root: &Path,
    base_url: Option<&str>,
    cached: Option<&tree::Tree>,
    drafts: bool,
    alongside: impl FnOnce() -> R + Send,
) -> Result<(Site, R)> {
    if !root.is_dir() {
        return Err(Error::Fatal(format!(
            "the site root {} is not a folder",
            root.display()
        )));
    }
    let t0 = std::time::Instant::now();
    let config = Config::load(root, base_url).map_err(invalid)?;
    // The load cache is read while the content folder is walked.
    let (archive, sources) = content::load_reading_cache(root, &config, || {
        cached.and_then(|state| {
            content::LoadCache::read_in(
                state,
                Path::new(LOAD_CACHE_FILE),
                &load_cache_key(root, base_url),
            )
        })
    })
    .map_err(invalid)?;
    let mut archive = archive;
    if !drafts {
        archive.documents.retain(|d| !d.draft);
    }
    trace("config, content", t0);
    let t0 = std::time::Instant::now();
    let (index, other) = rayon::join(|| index::build(&config, &archive), alongside);
    let index = index.map_err(invalid)?;
    trace("index", t0);
    Ok((
        Site {
            root: root.to_path_buf(),
            config,
            archive,
            sources,
            index,
        },
        other,
    ))
}

/// The key of everything every page depends on besides its own context: the settings
/// file, every template and static file, and the build's options.
fn cache_key(
    site: &Site,
    templates: &render::templates::Templates,
    options: &BuildOptions,
    reference: validity::ReferenceDate,
) -> String {
    let mut key = cache::GlobalKey::default();
    let read = |path: &Path| std::fs::read(path).unwrap_or_else(|_| b"\0unreadable".to_vec());
    key.add(
        config::CONFIG_FILE,
        &read(&site.root.join(config::CONFIG_FILE)),
    );
    for (name, rel) in &templates.files {
        key.add(
            &format!("template {name} {rel}"),
            &read(&site.root.join(rel)),
        );
    }
    for (rel, path) in templates.static_files() {
        key.add(&format!("static {rel}"), &read(&path));
    }
    key.add(
        "base_url",
        options.base_url.as_deref().unwrap_or("").as_bytes(),
    );
    key.add(
        "options",
        format!(
            "{} {} {} {:?} {:?} {:?}",
            options.no_data,
            options.no_search,
            options.drafts,
            options.source_date_epoch,
            reference.date,
            reference.source
        )
        .as_bytes(),
    );
    key.finish()
}

/// Checks a copy of a site against its `manifest.json`; see [`publish::manifest`].
pub fn verify(dir: &Path) -> Result<publish::manifest::Report> {
    publish::manifest::verify(dir)
}

/// Prints how long a step took when `GAZETTE_TRACE` is set (for profiling).
pub(crate) fn trace(step: &str, since: std::time::Instant) {
    if std::env::var_os("GAZETTE_TRACE").is_some() {
        // Resident and peak memory so far, where the system says (Linux).
        let memory = std::fs::read_to_string("/proc/self/status")
            .map(|status| {
                status
                    .lines()
                    .filter(|l| l.starts_with("VmRSS:") || l.starts_with("VmHWM:"))
                    .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        eprintln!(
            "trace: {step} {:.3} s ({memory})",
            since.elapsed().as_secs_f64()
        );
    }
}

fn invalid(mut problems: Vec<Diagnostic>) -> Error {
    sort_diagnostics(&mut problems);
    Error::Invalid(problems)
}

/// Checks the site at `root` without writing anything: everything `build` validates (front
/// matter, indexes, templates, links in every page) plus the warnings of [`lint`]. Returns
/// every problem found, sorted; `Err` only when the check itself could not run.
pub fn check(root: &Path) -> Result<Vec<Diagnostic>> {
    let site = match load(root, None) {
        Ok(site) => site,
        Err(Error::Invalid(problems)) => return Ok(problems),
        Err(e) => return Err(e),
    };
    let templates = match render::templates::load(&site.root, &site.config.theme) {
        Ok(t) => t,
        Err(Error::Invalid(problems)) => return Ok(problems),
        Err(e) => return Err(e),
    };
    let renderer = render::Renderer::new(
        site.inputs(&templates),
        render::Settings {
            reference: validity::ReferenceDate::new(None, &site.archive),
            fulltext: false,
            // The open data repeats what the pages say; checking it would find nothing new.
            data: false,
            source_date: None,
        },
        "",
        None,
        None,
    );
    let mut problems = renderer.render_all(&output::Discard, None, None).problems;
    problems.extend(lint::warnings(&site.config, &site.archive, &site.index));
    sort_diagnostics(&mut problems);
    Ok(problems)
}

/// Builds the site: validates everything, renders every page, and only when all of it
/// succeeded replaces the output folder's contents. On failure the previous output is intact.
///
/// The phases run in this order, data flowing one way: load (settings, content, indexes,
/// and the caches of the last build), plan (what this build may reuse), render (pages and
/// publishing outputs, into the staging folder), apply (the difference, to the output
/// folder), save (the caches for the next build).
pub fn build(options: &BuildOptions) -> Result<Summary> {
    if !options.no_search {
        memory::without_huge_pages();
    }
    let progress = options.progress.as_deref();
    let started = std::time::Instant::now();
    if let Some(p) = progress {
        p.start(Phase::Load, 0);
    }
    let output_dir = options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join("public"));
    let places = output::places(&options.root, &output_dir, options.cache_dir.as_deref())?;
    let mut state = state::State::locate(&places.root, places.cache_dir.as_deref(), &places.output);
    let (loaded, last) = load_phase(options, &state)?;
    if let Some(p) = progress {
        p.finish(Phase::Load, started.elapsed());
    }
    let mut output = output::Output::prepare(&places.output, options.force, &mut state)?;
    // From here on every way out of the build removes the staging folder.
    let state = match state.make() {
        Ok(state) => state,
        Err(e) => {
            output.discard();
            return Err(e);
        }
    };
    let published = output.tree();
    let (mut plan, memos) = plan(&loaded, last, options);
    if !options.no_cache {
        plan.indexer = plan
            .indexer
            .map(|i| i.with_memo(tree::Tree::new(state.root())));
    }
    let renderer = plan.renderer(&loaded, memos, &published, &mut output);
    // A build that fails (or is killed) leaves no cache behind; a successful one writes a
    // new one.
    remove_caches(state);
    let (output, rendered, warnings) = render_phase(&loaded, &renderer, &plan, output, progress)?;
    let started = std::time::Instant::now();
    if let Some(p) = progress {
        p.start(Phase::Publish, 0);
    }
    let (applied, confirmed, dir) = apply(output, &rendered)?;
    save(
        state, &published, &loaded, &plan, &renderer, &rendered, &confirmed, options,
    );
    if let Some(p) = progress {
        p.finish(Phase::Publish, started.elapsed());
    }
    Ok(summary(
        &loaded.site,
        &renderer,
        (rendered, applied, dir),
        warnings,
        options,
    ))
}

/// What the load phase gives: the site, its templates and the day of `SOURCE_DATE_EPOCH`.
struct Loaded {
    site: Site,
    templates: render::templates::Templates,
    source_date: Option<content::date::Date>,
}

/// The caches of the last build that rendering may use: the file cache and the body memos.
struct LastBuild {
    files: Option<cache::FileCache>,
    memos: Option<render::memo::Memos>,
}

/// Load: the settings, every file (taking unchanged files' records from the load cache),
/// the indexes, the templates, and — while the indexes are built — the file cache and body
/// memos of the last build.
fn load_phase(options: &BuildOptions, state: &state::State) -> Result<(Loaded, LastBuild)> {
    cache::exe_identity_in(state.dir());
    let cached = state.dir().filter(|_| !options.no_cache);
    let (site, (files, memos)) = load_with(
        &options.root,
        options.base_url.as_deref(),
        cached,
        options.drafts,
        || match cached {
            None => (None, None),
            Some(dir) => rayon::join(
                || cache::FileCache::read(dir),
                || render::memo::Memos::read(dir),
            ),
        },
    )?;
    let t0 = std::time::Instant::now();
    let templates = render::templates::load(&site.root, &site.config.theme)?;
    trace("templates", t0);
    let source_date = match options.source_date_epoch {
        Some(seconds) => Some(publish::epoch_date(seconds).ok_or_else(|| {
            Error::Fatal(format!(
                "SOURCE_DATE_EPOCH={seconds} is not a date between the years 1000 and 9999"
            ))
        })?),
        None => None,
    };
    let loaded = Loaded {
        site,
        templates,
        source_date,
    };
    Ok((loaded, LastBuild { files, memos }))
}

/// What this build may reuse, and the choices its pages reflect.
struct Plan {
    reference: validity::ReferenceDate,
    /// The key of the settings, templates, static files and options.
    global: String,
    /// The file cache of the last build, trusted only if it was made for `global`.
    files: Option<Arc<cache::FileCache>>,
    /// The full-text indexer, unless the build leaves search out.
    indexer: Option<search::Indexer>,
    /// Whether the open data is written.
    data: bool,
}

/// Plan: the key of everything every page depends on, and whether the last build's file
/// cache was made for it. The body memos are handed on to the renderer.
fn plan(
    loaded: &Loaded,
    last: LastBuild,
    options: &BuildOptions,
) -> (Plan, Option<render::memo::Memos>) {
    let site = &loaded.site;
    let reference = validity::ReferenceDate::new(options.source_date_epoch, &site.archive);
    let t0 = std::time::Instant::now();
    let global = cache_key(site, &loaded.templates, options, reference);
    let files = last.files.map(|mut files| {
        files.trust(&global);
        Arc::new(files)
    });
    trace("cache key", t0);
    let plan = Plan {
        reference,
        global,
        files,
        indexer: (!options.no_search).then(|| search::Indexer::new(&site.config.language)),
        data: !options.no_data,
    };
    (plan, last.memos)
}

impl Plan {
    /// The renderer of this build: it reuses what the plan allows, pages published in
    /// `published`, and `output` learns which published files are known unchanged.
    fn renderer<'a>(
        &'a self,
        loaded: &'a Loaded,
        memos: Option<render::memo::Memos>,
        published: &'a tree::Tree,
        output: &mut output::Output,
    ) -> render::Renderer<'a> {
        let t0 = std::time::Instant::now();
        let site = &loaded.site;
        let mut renderer = render::Renderer::new(
            site.inputs(&loaded.templates),
            render::Settings {
                reference: self.reference,
                fulltext: self.indexer.is_some(),
                data: self.data,
                source_date: loaded.source_date,
            },
            &self.global,
            memos,
            self.files.as_deref().and_then(cache::FileCache::archive),
        );
        trace("renderer", t0);
        if let Some(files) = &self.files {
            output.use_file_cache(Arc::clone(files));
        }
        renderer.use_cache(self.files.as_deref(), published);
        renderer
    }
}

/// Removes the caches of the last build from the state folder.
fn remove_caches(state: &tree::Tree) {
    cache::FileCache::remove(state);
    render::memo::Memos::remove(state);
    let _ = state.remove_file(LOAD_CACHE_FILE);
}

/// Render: every page and publishing output into the staging folder. Any error discards
/// the staging folder; otherwise the warnings, with those of [`lint`].
fn render_phase(
    loaded: &Loaded,
    renderer: &render::Renderer<'_>,
    plan: &Plan,
    output: output::Output,
    progress: Option<&dyn Progress>,
) -> Result<(output::Output, render::Rendered, Vec<Diagnostic>)> {
    let started = std::time::Instant::now();
    let mut rendered = renderer.render_all(&output, plan.indexer.as_ref(), progress);
    if let Some(p) = progress {
        p.finish(Phase::Render, started.elapsed());
    }
    sort_diagnostics(&mut rendered.problems);
    if rendered
        .problems
        .iter()
        .any(|d| d.severity == Severity::Error)
    {
        output.discard();
        return Err(Error::Invalid(rendered.problems));
    }
    let t0 = std::time::Instant::now();
    let site = &loaded.site;
    let mut warnings = std::mem::take(&mut rendered.problems);
    warnings.extend(lint::warnings(&site.config, &site.archive, &site.index));
    sort_diagnostics(&mut warnings);
    trace("lint", t0);
    Ok((output, rendered, warnings))
}

/// The modification times of published files confirmed while building, by site path.
type Confirmed = rustc_hash::FxHashMap<String, u128>;

/// Apply: the difference between the staging folder and the output folder. Returns what
/// was done, the modification times confirmed on the way (the file cache records them) and
/// the output folder.
fn apply(
    output: output::Output,
    rendered: &render::Rendered,
) -> Result<(output::Applied, Confirmed, PathBuf)> {
    let t0 = std::time::Instant::now();
    let confirmed = output.take_confirmed();
    let dir = output.dir().to_path_buf();
    let applied = output.apply(&rendered.files)?;
    trace("apply", t0);
    Ok((applied, confirmed, dir))
}

/// Save: the file cache, the body memos and the load cache, side by side. Without a cache
/// the next build is a full one: nothing is lost but time, so failures are not reported.
#[allow(clippy::too_many_arguments)]
fn save(
    state: &tree::Tree,
    published: &tree::Tree,
    loaded: &Loaded,
    plan: &Plan,
    renderer: &render::Renderer<'_>,
    rendered: &render::Rendered,
    confirmed: &Confirmed,
    options: &BuildOptions,
) {
    let t0 = std::time::Instant::now();
    let _ = rayon::join(
        || {
            cache::FileCache::write(
                state,
                published,
                &plan.global,
                Some(renderer.archive_keys()),
                &renderer.output_keys(),
                &rendered.fingerprints,
                &rendered.files,
                &|p: &str| confirmed.get(p).copied(),
            )
        },
        || {
            rayon::join(
                || {
                    let memos = renderer.memos();
                    render::memo::Memos::write(state, &renderer.memos_made_for(), memos.into_iter())
                },
                || {
                    content::LoadCache::write_archive(
                        state,
                        Path::new(LOAD_CACHE_FILE),
                        &load_cache_key(&options.root, options.base_url.as_deref()),
                        &loaded.site.archive,
                        &loaded.site.sources,
                    )
                },
            )
        },
    );
    trace("caches written", t0);
}

/// What the build did, and what the publisher should know about the output.
fn summary(
    site: &Site,
    renderer: &render::Renderer<'_>,
    (rendered, applied, dir): (render::Rendered, output::Applied, PathBuf),
    warnings: Vec<Diagnostic>,
    options: &BuildOptions,
) -> Summary {
    let mut notes = Vec::new();
    if site.config.base_url.is_none() {
        notes.push(
            "no base_url: sitemap.xml and robots.txt were not written (sitemaps need absolute URLs); \
             feeds use urn:uuid ids and relative links. Set base_url in gazette.yaml or pass --base-url for a public site."
                .to_string(),
        );
    }
    if options.no_data {
        notes.push(
            "--no-data: the open data (data.json beside pages, data/) was not written".to_string(),
        );
    }
    Summary {
        documents: site.archive.documents.len(),
        issues: site.archive.issues.len(),
        pages: rendered.pages,
        rendered_pages: rendered.rendered_pages,
        cached_pages: rendered.cached_pages,
        files_parsed: site.sources.parsed(),
        bodies_read: renderer.bodies_read(),
        files: rendered.files.len(),
        written: applied.written,
        unchanged: rendered.unchanged,
        removed: applied.removed,
        warnings,
        notes,
        output: dir,
    }
}
