//! The term pages: the lists of issuers (发文机关), sections (栏目) and 文种, and each term's
//! paged list of documents.

use super::Prepared;
use crate::render::Renderer;
use crate::render::context::PageCtx;
use crate::render::parts::paginate;
use crate::render::views::*;
use crate::urls;

/// The template of the list of issuers.
pub(super) const ISSUERS_TEMPLATE: &str = "issuers.html";
/// The template of an issuer's page.
pub(super) const ISSUER_TEMPLATE: &str = "issuer.html";
/// The template of the list of sections.
pub(super) const SECTIONS_TEMPLATE: &str = "sections.html";
/// The template of a section's page.
pub(super) const SECTION_TEMPLATE: &str = "section.html";
/// The template of the list of 文种.
pub(super) const TYPES_TEMPLATE: &str = "types.html";
/// The template of a 文种's page.
pub(super) const TYPE_TEMPLATE: &str = "type.html";

impl<'a> Renderer<'a> {
    /// Page `p` of the list of issuers.
    pub(super) fn issuers_page<'r>(&'r self, page: &mut Prepared<'r>, p: usize) {
        let mut ctx = self.context(&page.path, "issuers", "发文机关", vec![self.home_crumb()]);
        let terms: Vec<TermSummary> = self
            .index
            .issuers
            .iter()
            .map(|e| TermSummary {
                name: e.name.clone(),
                slug: e.slug.clone(),
                href: self.link(&urls::issuer(&e.slug)),
                count: e.documents.len(),
                lead_count: e.documents.iter().filter(|(_, lead)| *lead).count(),
            })
            .collect();
        ctx.insert("terms", paginate(&terms, self.config.paginate, p).to_vec());
        ctx.insert("pagination", self.pagination(urls::ISSUERS, terms.len(), p));
        page.template = ISSUERS_TEMPLATE;
        page.ctx = ctx;
    }

    /// Page `p` of issuer `i`'s documents.
    pub(super) fn issuer_page<'r>(&'r self, page: &mut Prepared<'r>, i: usize, p: usize) {
        let e = &self.index.issuers[i];
        let base = urls::issuer(&e.slug);
        let crumbs = vec![self.home_crumb(), self.crumb("发文机关", urls::ISSUERS)];
        let mut ctx = self.context(&page.path, "issuer", &e.name, crumbs);
        ctx.insert(
            "term",
            self.term(&e.name, &e.slug, &base, e.documents.len()),
        );
        let entries: Vec<Entry> = paginate(&e.documents, self.config.paginate, p)
            .iter()
            .map(|&(d, lead)| Entry {
                doc: self.doc_summary(d),
                lead,
            })
            .collect();
        ctx.insert("entries", entries);
        ctx.insert("pagination", self.pagination(&base, e.documents.len(), p));
        page.template = ISSUER_TEMPLATE;
        page.ctx = ctx;
    }

    /// The list of sections (the site's part lists them all).
    pub(super) fn sections_page<'r>(&'r self, page: &mut Prepared<'r>) {
        page.ctx = self.context(&page.path, "sections", "栏目", vec![self.home_crumb()]);
        page.template = SECTIONS_TEMPLATE;
    }

    /// Page `p` of section `s`'s documents.
    pub(super) fn section_page<'r>(&'r self, page: &mut Prepared<'r>, s: usize, p: usize) {
        let section = &self.config.sections[s];
        page.ctx = self.term_page(
            &page.path,
            ("section", "栏目", urls::SECTIONS),
            (&section.name, &urls::section(&section.slug), &section.slug),
            &self.index.sections[s],
            p,
        );
        page.template = SECTION_TEMPLATE;
    }

    /// The list of 文种.
    pub(super) fn types_page<'r>(&'r self, page: &mut Prepared<'r>) {
        let mut ctx = self.context(&page.path, "types", "文种", vec![self.home_crumb()]);
        let terms: Vec<TermSummary> = self
            .index
            .types
            .iter()
            .map(|t| {
                self.term(
                    &t.name,
                    &t.slug,
                    &urls::doc_type(&t.slug),
                    t.documents.len(),
                )
            })
            .collect();
        ctx.insert("terms", terms);
        page.template = TYPES_TEMPLATE;
        page.ctx = ctx;
    }

    /// Page `p` of 文种 `t`'s documents.
    pub(super) fn type_page<'r>(&'r self, page: &mut Prepared<'r>, t: usize, p: usize) {
        let entry = &self.index.types[t];
        page.ctx = self.term_page(
            &page.path,
            ("type", "文种", urls::TYPES),
            (&entry.name, &urls::doc_type(&entry.slug), &entry.slug),
            &entry.documents,
            p,
        );
        page.template = TYPE_TEMPLATE;
    }

    /// The context of page `p` of a section's or 文种's documents at `path`: `(kind, label,
    /// list page)` and `(name, page, slug)` of the term.
    fn term_page(
        &self,
        path: &str,
        (kind, label, list): (&str, &str, &str),
        (name, base, slug): (&str, &str, &str),
        docs: &[usize],
        p: usize,
    ) -> PageCtx<'_> {
        let crumbs = vec![self.home_crumb(), self.crumb(label, list)];
        let mut ctx = self.context(path, kind, name, crumbs);
        ctx.insert("term", self.term(name, slug, base, docs.len()));
        ctx.insert(
            "entries",
            self.entries(paginate(docs, self.config.paginate, p)),
        );
        ctx.insert("pagination", self.pagination(base, docs.len(), p));
        ctx
    }
}
