//! Rendering: every page of the site, in parallel, through the theme's templates.

mod bodies;
mod bundles;
pub mod citations;
mod context;
mod links;
pub mod memo;
mod pages;
mod parts;
mod publishing;
mod reuse;
pub mod templates;
pub mod views;
mod write;

use std::collections::BTreeMap;

use crate::cache::FileDigest;
use crate::config::Config;
use crate::content::Archive;
use crate::content::markdown::Citation;
use crate::error::Diagnostic;
use crate::index::Index;
use crate::output::Sink;
use crate::publish::{self, Facts};
use crate::search;
use crate::urls;
use crate::validity::ReferenceDate;
use bodies::BodyState;
use bundles::ToIndex;
use pages::Page;
use templates::Templates;
use views::*;

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
    doc_summaries: Vec<std::sync::Arc<std::sync::OnceLock<String>>>,
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
    /// Whether pages are fingerprinted (for the file cache), and the pages of the last build
    /// with the output folder they were published in.
    cache: Option<(Option<&'a crate::cache::FileCache>, &'a crate::tree::Tree)>,
    /// The settings key of this build.
    global: String,
    /// The keys of this build's inputs.
    keys: crate::incremental::Keys,
    /// The archive keys of the last build, if its file cache is trusted (same settings).
    last: Option<crate::cache::ArchiveKeys>,
}

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
    /// HTML pages taken as published, because the file cache showed them unchanged.
    pub cached_pages: usize,
    /// Each page's file and the fingerprint of what it was rendered from (with a cache).
    pub fingerprints: BTreeMap<String, String>,
}

/// A site path in the form links use (see [`urls::link_form`]).
fn link_form(config: &Config, path: &str) -> String {
    urls::link_form(config.base_url.as_deref(), path)
}

/// What goes before a link form on the page at `path` (see [`urls::root_for`]).
fn root_for(config: &Config, path: &str) -> String {
    urls::root_for(config.base_url.as_deref(), path)
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
        let issue_summaries = parts::issue_summaries(config, archive, index);
        let doc_summaries = (0..archive.documents.len())
            .map(|_| std::sync::Arc::default())
            .collect();
        let site = parts::site_view(config, archive, index, &settings);
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
            keys: crate::incremental::Keys::new(root, archive, sources),
            last: last.cloned(),
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
        renderer.keys.add_citations(&cited);
        renderer.citations = citations::Graph::build(index, cited.iter().map(Vec::as_slice));
        renderer
    }

    /// How many times a document's body was read from its file in this build (a body
    /// whose memo holds and whose page is unchanged is not read at all).
    pub fn bodies_read(&self) -> usize {
        self.reads.load(std::sync::atomic::Ordering::Relaxed)
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
        let years = self.render_years(by_year, output, search, progress);
        crate::trace("document pages", t0);
        self.merge_years(years, search, output, &mut rendered);
        self.publish(&pages, output, &mut rendered);
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
            vec![(urls::MANIFEST_FILE.to_string(), manifest)],
        );
        crate::trace("copies + manifest", t0);
        rendered
    }
}
