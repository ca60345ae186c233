//! Rendering: every page of the site, in parallel, through the theme's templates.

pub mod templates;
pub mod views;

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use crate::config::Config;
use crate::content::doc_number::DocNumber;
use crate::content::markdown::{self, LinkResolver};
use crate::content::{Archive, Document};
use crate::error::Diagnostic;
use crate::index::{Index, issue_path};
use crate::output::{FileDigest, Put, Sink, Written};
use crate::publish::{self, Facts};
use templates::{Templates, template_diagnostic};
use views::*;

/// A rendered page and its warnings, or the problems that stopped it.
type PageResult = Result<(String, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Everything a page needs, shared by all pages.
pub struct Renderer<'a> {
    root: &'a std::path::Path,
    config: &'a Config,
    archive: &'a Archive,
    index: &'a Index,
    templates: &'a Templates,
    site: Value,
    doc_summaries: Vec<Value>,
    issue_summaries: Vec<Value>,
    facts: Facts<'a>,
    options: Options,
}

/// What to publish besides the pages.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Write the open data (`data.json` beside pages, `data/`).
    pub data: bool,
    /// The day of `SOURCE_DATE_EPOCH`, for dates the content does not give.
    pub source_date: Option<crate::content::date::Date>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            data: true,
            source_date: None,
        }
    }
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

fn paged_path(base: &str, page: usize) -> String {
    if page == 0 {
        base.to_string()
    } else {
        format!("{base}page/{}/", page + 1)
    }
}

impl<'a> Renderer<'a> {
    /// Prepares the shared views.
    pub fn new(
        root: &'a std::path::Path,
        config: &'a Config,
        archive: &'a Archive,
        index: &'a Index,
        templates: &'a Templates,
        options: Options,
    ) -> Self {
        let link = |p: &str| link_form(config, p);
        let issue_summaries: Vec<Value> = archive
            .issues
            .iter()
            .enumerate()
            .map(|(i, issue)| {
                Value::from_serializable(&IssueSummary {
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
        let doc_summaries: Vec<Value> = archive
            .documents
            .par_iter()
            .enumerate()
            .map(|(i, d)| {
                let issue = &archive.issues[d.issue];
                Value::from_serializable(&DocSummary {
                    title: &d.title,
                    href: link(&index.doc_paths[i]),
                    doc_number: d.doc_number.as_ref().map(DocNumber::to_string),
                    registration_number: d.registration_number.as_deref(),
                    date: d.date.map(DateView::from),
                    issuers: &d.issuers,
                    doc_type: d.doc_type.as_deref(),
                    section: &config.sections[d.section].name,
                    issue_label: issue.label(),
                    issue_serial: issue.serial,
                    issue_href: link(&issue_path(issue.year, issue.number)),
                    pages: d.pages.map(|(a, b)| {
                        if a == b {
                            a.to_string()
                        } else {
                            format!("{a}—{b}")
                        }
                    }),
                })
            })
            .collect();
        #[derive(Serialize)]
        struct SiteView<'s> {
            title: &'s str,
            language: &'s str,
            base_url: Option<&'s str>,
            generator: &'static str,
            home: String,
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
        let site = Value::from_serializable(&SiteView {
            title: &config.title,
            language: &config.language,
            base_url: config.base_url.as_deref(),
            generator: concat!("gazette ", env!("CARGO_PKG_VERSION")),
            home: link(""),
            nav: [
                ("历年公报", "issues/"),
                ("发文机关", "issuers/"),
                ("栏目", "sections/"),
                ("文种", "types/"),
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
        Renderer {
            root,
            config,
            archive,
            index,
            templates,
            site,
            doc_summaries,
            issue_summaries,
            facts: Facts::new(root, config, archive, index, options.source_date),
            options,
        }
    }

    fn link(&self, path: &str) -> String {
        link_form(self.config, path)
    }

    fn pages(&self) -> Vec<Page> {
        let size = self.config.paginate;
        let mut pages = vec![Page::Home, Page::Issues, Page::Sections, Page::Types];
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
    /// data), copies every static file and issue asset into `output`, and last the manifest
    /// of all of them.
    pub fn render_all(
        &self,
        output: &dyn Sink,
        progress: Option<&dyn crate::progress::Progress>,
    ) -> Rendered {
        let pages = self.pages();
        if let Some(p) = progress {
            p.start(crate::progress::Phase::Render, pages.len());
        }
        let results: Vec<(String, Option<Put>, Vec<Diagnostic>)> = pages
            .par_iter()
            .map(|page| {
                let (path, result) = self.render_page(*page);
                if let Some(p) = progress {
                    p.advance(1);
                }
                let file = if path.is_empty() || path.ends_with('/') {
                    format!("{path}index.html")
                } else {
                    path
                };
                match result {
                    Ok((html, warnings)) => match output.put(&file, html.as_bytes()) {
                        Ok(put) => (file, Some(put), warnings),
                        Err(e) => {
                            let d = Diagnostic::error(
                                file.clone(),
                                0,
                                0,
                                "write-failed",
                                format!("cannot write the page: {e}"),
                            );
                            (file, None, vec![d])
                        }
                    },
                    Err(problems) => (file, None, problems),
                }
            })
            .collect();
        let mut rendered = Rendered {
            pages: pages.len(),
            ..Rendered::default()
        };
        for (file, put, mut problems) in results {
            rendered.problems.append(&mut problems);
            if let Some(put) = put {
                if put.written == Written::Unchanged {
                    rendered.unchanged += 1;
                }
                rendered.files.insert(file, put.digest);
            }
        }
        let facts = &self.facts;
        let mut files = publish::feeds::files(facts);
        files.extend(publish::redirects::files(facts));
        let urls: Vec<publish::sitemap::Url> =
            pages.iter().filter_map(|&p| self.sitemap_url(p)).collect();
        files.extend(publish::sitemap::files(
            facts,
            &urls,
            publish::sitemap::MAX_URLS,
        ));
        if self.options.data {
            files.extend(publish::data::files(facts));
        }
        self.put_files(output, &mut rendered, files);
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
        rendered
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
    }

    fn copy_files(&self, output: &dyn Sink, rendered: &mut Rendered) {
        let mut copies: Vec<(String, std::path::PathBuf)> = Vec::new();
        // Static files: theme first, the site's own replace them by path.
        let mut by_path = std::collections::BTreeMap::new();
        for dir in &self.templates.static_dirs {
            for entry in walkdir::WalkDir::new(dir)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                if entry.file_type().is_file() {
                    let rel = entry
                        .path()
                        .strip_prefix(dir)
                        .expect("inside")
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect::<Vec<_>>()
                        .join("/");
                    by_path.insert(rel, entry.into_path());
                }
            }
        }
        copies.extend(by_path);
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

    fn context(&self, path: &str, kind: &str, title: &str, crumbs: Vec<Link>) -> Context {
        #[derive(Serialize)]
        struct PageView<'p> {
            kind: &'p str,
            path: &'p str,
            title: &'p str,
            breadcrumbs: Vec<Link>,
            canonical: Option<String>,
            feeds: Vec<Link>,
        }
        let mut ctx = Context::new();
        ctx.insert_value("site", self.site.clone());
        // Hosts show 404.html at any missing address, so its links cannot be relative to its
        // own place: without a base URL they start at the host's root.
        let root = if kind == "not-found" && self.config.base_url.is_none() {
            "/".to_string()
        } else {
            root_for(self.config, path)
        };
        ctx.insert("root", &root);
        let canonical = if kind == "not-found" {
            None
        } else {
            self.facts.url(path)
        };
        ctx.insert(
            "page",
            &PageView {
                kind,
                path,
                title,
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

    /// Renders one page: its site path and its HTML (plus warnings), or the problems.
    fn render_page(&self, page: Page) -> (String, PageResult) {
        let mut problems = Vec::new();
        let size = self.config.paginate;
        let (path, template, ctx) = match page {
            Page::Home => {
                let path = self.page_path(page);
                let mut ctx = self.context(&path, "home", &self.config.title, vec![]);
                let latest = self
                    .index
                    .years
                    .first()
                    .and_then(|(_, v)| v.first())
                    .copied();
                let root = root_for(self.config, &path);
                ctx.insert(
                    "latest",
                    &latest.map(|i| self.issue_view(i, &root, &mut problems)),
                );
                let recent: Vec<Value> = self
                    .index
                    .years
                    .iter()
                    .flat_map(|(_, v)| v)
                    .take(12)
                    .map(|&i| self.issue_summaries[i].clone())
                    .collect();
                ctx.insert_value("recent_issues", Value::from(recent));
                ctx.insert_value("years", self.years_value());
                (path, "index.html", ctx)
            }
            Page::Issues => {
                let path = self.page_path(page);
                let mut ctx = self.context(&path, "issues", "历年公报", vec![self.home_crumb()]);
                ctx.insert_value("years", self.years_value());
                (path, "issues.html", ctx)
            }
            Page::Year(y) => {
                let (year, issues) = &self.index.years[y];
                let path = self.page_path(page);
                let crumbs = vec![self.home_crumb(), self.crumb("历年公报", "issues/")];
                let mut ctx = self.context(&path, "year", &format!("{year}年"), crumbs);
                ctx.insert("year", year);
                ctx.insert_value(
                    "issues",
                    Value::from(
                        issues
                            .iter()
                            .map(|&i| self.issue_summaries[i].clone())
                            .collect::<Vec<_>>(),
                    ),
                );
                (path, "year.html", ctx)
            }
            Page::Issue(i) => {
                let issue = &self.archive.issues[i];
                let path = self.page_path(page);
                let title = format!("{}（总第{}期）", issue.label(), issue.serial);
                let mut ctx = self.context(&path, "issue", &title, self.year_crumbs(issue.year));
                let root = root_for(self.config, &path);
                ctx.insert("issue", &self.issue_view(i, &root, &mut problems));
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
                let root = root_for(self.config, &path);
                ctx.insert("doc", &self.doc_view(d, &root, &mut problems));
                ctx.insert_value("jsonld", Value::safe_string(&self.facts.document_jsonld(d)));
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
                ctx.insert("terms", paginate(&terms, size, p));
                ctx.insert("pagination", &self.pagination("issuers/", terms.len(), p));
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
                    &self.term(&e.name, &e.slug, &base, e.documents.len()),
                );
                let entries: Vec<Entry> = paginate(&e.documents, size, p)
                    .iter()
                    .map(|&(d, lead)| Entry {
                        doc: self.doc_summaries[d].clone(),
                        lead,
                    })
                    .collect();
                ctx.insert("entries", &entries);
                ctx.insert("pagination", &self.pagination(&base, e.documents.len(), p));
                (path, "issuer.html", ctx)
            }
            Page::Sections => {
                let path = self.page_path(page);
                let ctx = self.context(&path, "sections", "栏目", vec![self.home_crumb()]);
                (path, "sections.html", ctx)
            }
            Page::Section(s, p) => {
                let section = &self.config.sections[s];
                let docs = &self.index.sections[s];
                let base = format!("sections/{}/", section.slug);
                let path = self.page_path(page);
                let crumbs = vec![self.home_crumb(), self.crumb("栏目", "sections/")];
                let mut ctx = self.context(&path, "section", &section.name, crumbs);
                ctx.insert(
                    "term",
                    &self.term(&section.name, &section.slug, &base, docs.len()),
                );
                ctx.insert("entries", &self.entries(paginate(docs, size, p)));
                ctx.insert("pagination", &self.pagination(&base, docs.len(), p));
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
                ctx.insert("terms", &terms);
                (path, "types.html", ctx)
            }
            Page::Type(t, p) => {
                let entry = &self.index.types[t];
                let base = format!("types/{}/", entry.slug);
                let path = self.page_path(page);
                let crumbs = vec![self.home_crumb(), self.crumb("文种", "types/")];
                let mut ctx = self.context(&path, "type", &entry.name, crumbs);
                ctx.insert(
                    "term",
                    &self.term(&entry.name, &entry.slug, &base, entry.documents.len()),
                );
                ctx.insert(
                    "entries",
                    &self.entries(paginate(&entry.documents, size, p)),
                );
                ctx.insert(
                    "pagination",
                    &self.pagination(&base, entry.documents.len(), p),
                );
                (path, "type.html", ctx)
            }
            Page::NotFound => {
                let path = self.page_path(page);
                let mut ctx = self.context(&path, "not-found", "页面未找到", vec![]);
                ctx.insert_value("years", self.years_value());
                (path, NOT_FOUND_PAGE, ctx)
            }
        };
        if problems
            .iter()
            .any(|d| d.severity == crate::error::Severity::Error)
        {
            return (path, Err(problems));
        }
        let result = match self.templates.tera.render(template, &ctx) {
            Ok(html) => Ok((html, problems)),
            Err(e) => Err(vec![template_diagnostic(
                &e,
                &self.templates.files,
                Some(&path),
            )]),
        };
        (path, result)
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
                doc: self.doc_summaries[d].clone(),
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
            pages: (0..total)
                .map(|p| PageLink {
                    number: p + 1,
                    href: href(p),
                })
                .collect(),
            prev: (current > 0).then(|| href(current - 1)),
            next: (current + 1 < total).then(|| href(current + 1)),
        }
    }

    fn years_value(&self) -> Value {
        #[derive(Serialize)]
        struct YearView {
            year: u16,
            href: String,
            issues: Vec<Value>,
        }
        let years: Vec<YearView> = self
            .index
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
            .collect();
        Value::from_serializable(&years)
    }

    fn markdown(
        &self,
        text: &str,
        source: &str,
        first_line: usize,
        links: &PageLinks<'_>,
        problems: &mut Vec<Diagnostic>,
    ) -> String {
        let src = markdown::Source {
            path: source,
            first_line,
            raw_html: self.config.raw_html,
        };
        let mut found = Vec::new();
        match catch_unwind(AssertUnwindSafe(|| {
            markdown::render(text, &src, links, &mut found)
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
                .push(self.doc_summaries[d].clone());
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
        let order: Vec<usize> = self
            .index
            .years
            .iter()
            .flat_map(|(_, v)| v.iter().copied())
            .collect();
        let at = order.iter().position(|&x| x == i);
        IssueView {
            summary: self.issue_summaries[i].clone(),
            note: self.markdown(
                &issue.note,
                &issue.source,
                issue.note_line,
                &links,
                problems,
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

    fn doc_view<'d>(&'d self, d: usize, root: &str, problems: &mut Vec<Diagnostic>) -> DocView<'d> {
        let doc: &'d Document = &self.archive.documents[d];
        let links = PageLinks {
            r: self,
            root,
            issue: doc.issue,
        };
        let siblings = &self.index.issue_documents[doc.issue];
        let at = siblings
            .iter()
            .position(|&x| x == d)
            .expect("document is in its issue");
        DocView {
            summary: self.doc_summaries[d].clone(),
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
            body: self.markdown(&doc.body, &doc.source, doc.body_line, &links, problems),
            source: &doc.source,
            prev: at
                .checked_sub(1)
                .map(|k| self.doc_summaries[siblings[k]].clone()),
            next: siblings.get(at + 1).map(|&k| self.doc_summaries[k].clone()),
        }
    }
}

/// Resolves links written in one page's Markdown.
struct PageLinks<'a> {
    r: &'a Renderer<'a>,
    root: &'a str,
    issue: usize,
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
