//! The pages of the site: the list of page kinds, where each is published (through
//! [`crate::urls`]), and how one page is prepared and rendered. Each kind's context is made
//! in its own module; adding a kind means its module, a variant here (in [`Page`], the list
//! of pages, their paths and [`TEMPLATES`]) and its template in the theme.

mod document;
mod home;
mod issue;
mod issues;
mod not_found;
mod register;
mod search;
mod terms;
mod year;

use rayon::prelude::*;
use tera::Context;

use super::context::PageCtx;
use super::parts::page_count;
use super::templates::template_diagnostic;
use super::views::DocView;
use super::{Rendered, Renderer, ToIndex};
use crate::error::Diagnostic;
use crate::incremental::{Input, Reader};
use crate::output::{Put, Sink, Written};
use crate::publish;
use crate::urls;

/// A rendered page and its warnings, or the problems that stopped it.
type PageResult = Result<(Vec<u8>, Vec<Diagnostic>), Vec<Diagnostic>>;

/// One page of the site.
#[derive(Clone, Copy, Debug)]
pub(in crate::render) enum Page {
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

/// A page ready to render: its site path, template, context and the problems found so far,
/// and the reader it reads through what its kind declares ([`Page::reads`]).
pub(in crate::render) struct Prepared<'r> {
    pub(in crate::render) path: String,
    pub(in crate::render) template: &'static str,
    pub(in crate::render) ctx: PageCtx<'r>,
    pub(in crate::render) problems: Vec<Diagnostic>,
    /// A document page's view, put into `ctx` as `doc` once its body is rendered.
    pub(in crate::render) doc: Option<(usize, DocView<'r>)>,
    /// The page's reads of bodies, issue notes, issue files and citations.
    pub(in crate::render) reader: Reader<'r>,
}

/// The templates every theme must provide: one per page kind (the 404 page is optional).
pub(in crate::render) const TEMPLATES: &[&str] = &[
    home::TEMPLATE,
    issues::TEMPLATE,
    year::TEMPLATE,
    issue::TEMPLATE,
    document::TEMPLATE,
    terms::ISSUERS_TEMPLATE,
    terms::ISSUER_TEMPLATE,
    terms::SECTIONS_TEMPLATE,
    terms::SECTION_TEMPLATE,
    terms::TYPES_TEMPLATE,
    terms::TYPE_TEMPLATE,
    register::TEMPLATE,
    search::TEMPLATE,
];

impl Page {
    /// What a page of this kind reads of the site besides the settings and templates (see
    /// [`crate::incremental`]): every page shows the front matter; a document's page also
    /// its own body and the citations (what it cites, what cites it); an issue's page and
    /// the home page (the latest issue) an issue's note and files.
    pub(in crate::render) fn reads(self) -> &'static [Input] {
        match self {
            Page::Document(_) => &[Input::FrontMatter, Input::Citations, Input::OwnBody],
            Page::Issue(_) | Page::Home => {
                &[Input::FrontMatter, Input::IssueAssets, Input::IssueNote]
            }
            _ => &[Input::FrontMatter],
        }
    }

    /// The name of this kind of page, for the message of a read it did not declare.
    pub(in crate::render) fn kind(self) -> &'static str {
        match self {
            Page::Home => "the home page",
            Page::Issues => "the issues page",
            Page::Year(_) => "a year page",
            Page::Issue(_) => "an issue page",
            Page::Document(_) => "a document page",
            Page::Issuers(_) => "the issuers page",
            Page::Issuer(..) => "an issuer page",
            Page::Sections => "the sections page",
            Page::Section(..) => "a section page",
            Page::Types => "the types page",
            Page::Type(..) => "a type page",
            Page::NotFound => "the 404 page",
            Page::Register => "the register page",
            Page::Search => "the search page",
        }
    }
}

impl<'a> Renderer<'a> {
    pub(in crate::render) fn pages(&self) -> Vec<Page> {
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
        if self.templates.files.contains_key(urls::NOT_FOUND_PAGE) {
            pages.push(Page::NotFound);
        }
        pages
    }

    /// The site path of a page: its folder, or for the 404 page its file.
    pub(in crate::render) fn page_path(&self, page: Page) -> String {
        match page {
            Page::Home => String::new(),
            Page::Issues => urls::ISSUES.to_string(),
            Page::Year(y) => urls::year(self.index.years[y].0),
            Page::Issue(i) => self.facts.issue_path(i),
            Page::Document(d) => self.index.doc_paths[d].clone(),
            Page::Issuers(p) => urls::paged(urls::ISSUERS, p),
            Page::Issuer(i, p) => urls::paged(&urls::issuer(&self.index.issuers[i].slug), p),
            Page::Sections => urls::SECTIONS.to_string(),
            Page::Section(s, p) => urls::paged(&urls::section(&self.config.sections[s].slug), p),
            Page::Types => urls::TYPES.to_string(),
            Page::Type(t, p) => urls::paged(&urls::doc_type(&self.index.types[t].slug), p),
            Page::Register => urls::REGISTER.to_string(),
            Page::Search => urls::SEARCH_DIR.to_string(),
            Page::NotFound => urls::NOT_FOUND_PAGE.to_string(),
        }
    }

    /// The sitemap entry of a page: its year of issues and its date, where it has them.
    pub(in crate::render) fn sitemap_url(&self, page: Page) -> Option<publish::sitemap::Url> {
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

    /// Renders a prepared page: its HTML (plus warnings), or the problems.
    pub(in crate::render) fn render_prepared(
        &self,
        prepared: &Prepared<'_>,
        ctx: &Context,
    ) -> PageResult {
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

    /// Builds one page's template context, without rendering it: each kind's module makes
    /// its own. A document's view is left beside the context, its body not yet rendered.
    pub(in crate::render) fn prepare_page(&self, page: Page) -> Prepared<'_> {
        let mut prepared = Prepared {
            path: self.page_path(page),
            template: "",
            ctx: PageCtx::default(),
            problems: Vec::new(),
            doc: None,
            reader: Reader::new(self.root, self.archive, page.kind(), page.reads()),
        };
        let p = &mut prepared;
        match page {
            Page::Home => self.home_page(p),
            Page::Issues => self.issues_page(p),
            Page::Year(y) => self.year_page(p, y),
            Page::Issue(i) => self.issue_page(p, i),
            Page::Document(d) => self.document_page(p, d),
            Page::Issuers(n) => self.issuers_page(p, n),
            Page::Issuer(i, n) => self.issuer_page(p, i, n),
            Page::Sections => self.sections_page(p),
            Page::Section(s, n) => self.section_page(p, s, n),
            Page::Types => self.types_page(p),
            Page::Type(t, n) => self.type_page(p, t, n),
            Page::Register => self.register_page(p),
            Page::Search => self.search_page(p),
            Page::NotFound => self.not_found_page(p),
        }
        prepared
    }
}

/// What became of one page: its file, what writing it did, its problems, its HTML (if the
/// search index takes it), its fingerprint and whether it was taken as published.
struct Outcome {
    file: String,
    put: Option<Put>,
    problems: Vec<Diagnostic>,
    html: Option<String>,
    fingerprint: Option<String>,
    reused: bool,
}

impl<'a> Renderer<'a> {
    /// Renders `pages` in parallel and writes them; with `for_search`, returns those rendered
    /// without error (with their HTML) or taken as published, for the search index.
    pub(in crate::render) fn render_pages(
        &self,
        pages: &[Page],
        output: &dyn Sink,
        rendered: &mut Rendered,
        for_search: bool,
        progress: Option<&dyn crate::progress::Progress>,
    ) -> Vec<ToIndex> {
        let results: Vec<Outcome> = pages
            .par_iter()
            .map(|&page| {
                let outcome = self.render_page(page, output, for_search);
                if let Some(p) = progress {
                    p.advance(1);
                }
                outcome
            })
            .collect();
        let mut to_index = Vec::new();
        for outcome in results {
            let Outcome {
                file,
                put,
                mut problems,
                html,
                fingerprint,
                reused,
            } = outcome;
            rendered.problems.append(&mut problems);
            if reused {
                rendered.cached_pages += 1;
            } else {
                rendered.rendered_pages += 1;
            }
            if let Some(fingerprint) = fingerprint.filter(|f| !f.is_empty()) {
                rendered.fingerprints.insert(file.clone(), fingerprint);
            }
            if for_search && (html.is_some() || reused) {
                let path = urls::page_of_file(&file);
                to_index.push(ToIndex {
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
        to_index
    }

    /// Renders and writes one page, unless the incremental layer finds it published as it
    /// would be now.
    fn render_page(&self, page: Page, output: &dyn Sink, for_search: bool) -> Outcome {
        if let Some((file, entry)) = self.unchanged_page(page, output) {
            return Outcome {
                file,
                put: Some(Put {
                    written: Written::Unchanged,
                    digest: entry.digest.clone(),
                }),
                problems: Vec::new(),
                html: None,
                fingerprint: entry.fingerprint.clone(),
                reused: true,
            };
        }
        let _slow = SlowPage(std::time::Instant::now(), page);
        let mut prepared = self.prepare_page(page);
        let file = urls::page_file(&prepared.path);
        let (fingerprint, mut body_html) = self.fingerprint_page(&mut prepared);
        if let Some(put) =
            self.published_page(&file, fingerprint.as_deref(), &prepared.problems, output)
        {
            // The search index, if it needs the HTML, reads the published file.
            return Outcome {
                file,
                put: Some(put),
                problems: prepared.problems,
                html: None,
                fingerprint,
                reused: true,
            };
        }
        let mut ctx = prepared.ctx.context();
        if let Some((d, view)) = &mut prepared.doc {
            view.body = match body_html.take() {
                Some(html) => html,
                None => self.body_html(*d, &prepared.reader, &mut prepared.problems),
            };
            ctx.insert("doc", view);
        }
        let failed = |problems| Outcome {
            file: file.clone(),
            put: None,
            problems,
            html: None,
            fingerprint: None,
            reused: false,
        };
        let (html, warnings) = match self.render_prepared(&prepared, &ctx) {
            Ok(done) => done,
            Err(problems) => return failed(problems),
        };
        match output.put(&file, &html) {
            Ok(put) => Outcome {
                put: Some(put),
                problems: warnings,
                // Templates write UTF-8; only the search index needs it as text.
                html: for_search.then(|| String::from_utf8(html).ok()).flatten(),
                fingerprint,
                reused: false,
                file,
            },
            Err(e) => failed(vec![Diagnostic::error(
                file.clone(),
                0,
                0,
                "write-failed",
                format!("cannot write the page: {e}"),
            )]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Page;
    use crate::incremental::{Input, Reader};

    /// Where a page's kind stands in [`every_kind`]; a new kind does not compile until it
    /// has a place here.
    fn place(page: Page) -> usize {
        match page {
            Page::Home => 0,
            Page::Issues => 1,
            Page::Year(_) => 2,
            Page::Issue(_) => 3,
            Page::Document(_) => 4,
            Page::Issuers(_) => 5,
            Page::Issuer(..) => 6,
            Page::Sections => 7,
            Page::Section(..) => 8,
            Page::Types => 9,
            Page::Type(..) => 10,
            Page::NotFound => 11,
            Page::Register => 12,
            Page::Search => 13,
        }
    }

    /// A page of every kind, in the order of [`place`].
    fn every_kind() -> Vec<Page> {
        let kinds = vec![
            Page::Home,
            Page::Issues,
            Page::Year(0),
            Page::Issue(0),
            Page::Document(0),
            Page::Issuers(0),
            Page::Issuer(0, 0),
            Page::Sections,
            Page::Section(0, 0),
            Page::Types,
            Page::Type(0, 0),
            Page::NotFound,
            Page::Register,
            Page::Search,
        ];
        let places: Vec<usize> = kinds.iter().map(|&p| place(p)).collect();
        assert_eq!(
            places,
            (0..kinds.len()).collect::<Vec<_>>(),
            "one of each kind"
        );
        kinds
    }

    #[test]
    fn every_page_kind_declares_the_front_matter_and_has_its_own_name() {
        let kinds = every_kind();
        for &page in &kinds {
            assert!(
                page.reads().contains(&Input::FrontMatter),
                "{page:?} does not declare the front matter"
            );
        }
        let mut names: Vec<&str> = kinds.iter().map(|p| p.kind()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), kinds.len(), "two kinds share a name");
    }

    /// The message of the panic `f` raises, if it raises one.
    fn panic_message(f: impl FnOnce()) -> Option<String> {
        let e = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).err()?;
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
    }

    #[test]
    #[cfg(debug_assertions)]
    fn a_page_that_reads_what_its_kind_does_not_declare_fails_in_tests() {
        let archive = crate::content::Archive::default();
        let root = std::path::Path::new("/nonexistent-gazette-site");
        for page in every_kind() {
            let reader = Reader::new(root, &archive, page.kind(), page.reads());
            for &input in Input::ALL {
                let failed = panic_message(|| reader.read(input, ()));
                if page.reads().contains(&input) {
                    assert_eq!(failed, None, "{page:?} fails a declared read of {input:?}");
                } else {
                    let message =
                        failed.unwrap_or_else(|| panic!("{page:?} reads {input:?} undeclared"));
                    let want = format!("{} reads {input:?} but does not declare it", page.kind());
                    assert!(message.contains(&want), "{message}");
                }
            }
        }
    }
}
