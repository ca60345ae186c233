//! The page of a document — numbered (`documents/<series>/<year>/<seq>/`) or an unnumbered
//! item inside its issue's folder; both are this kind, only their address differs
//! ([`crate::urls`]).

use tera::Value;

use super::Prepared;
use crate::content::Document;
use crate::incremental::{Input, Reader};
use crate::render::Renderer;
use crate::render::views::*;
use crate::urls;

/// The template of a document page.
pub(super) const TEMPLATE: &str = "document.html";

impl<'a> Renderer<'a> {
    /// The context of document `d`'s page; its view is left beside it, its body not yet
    /// rendered.
    pub(super) fn document_page<'r>(&'r self, page: &mut Prepared<'r>, d: usize) {
        let doc = &self.archive.documents[d];
        let issue = &self.archive.issues[doc.issue];
        let mut crumbs = self.year_crumbs(issue.year);
        crumbs.push(self.crumb(
            format!("第{}期", issue.number),
            &urls::issue(issue.year, issue.number),
        ));
        let mut ctx = self.context(&page.path, "document", &doc.title, crumbs);
        page.doc = Some((d, self.doc_view(d, &page.reader)));
        ctx.insert_lazy("jsonld", self.facts.document_ld(d), move |ld| {
            Value::safe_string(&self.facts.document_jsonld(ld))
        });
        page.template = TEMPLATE;
        page.ctx = ctx;
    }

    /// A document's view, its body left empty; what it cites and what cites it are read
    /// through `reader`.
    pub(in crate::render) fn doc_view<'d>(&'d self, d: usize, reader: &Reader<'_>) -> DocView<'d> {
        let doc: &'d Document = &self.archive.documents[d];
        let citations = reader.read(Input::Citations, &self.citations);
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
                    href: self.link(&urls::issuer(
                        &self.index.issuers[self.index.issuer_by_name[name]].slug,
                    )),
                    lead: k == 0,
                })
                .collect(),
            type_href: doc.doc_type.as_ref().map(|t| {
                self.link(&urls::doc_type(
                    &self.index.types[self.index.type_by_name[t]].slug,
                ))
            }),
            section_href: self.link(&urls::section(&self.config.sections[doc.section].slug)),
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
                            let issue = &self.archive.issues[doc.issue];
                            urls::issue_file(&urls::issue(issue.year, issue.number), f)
                        })
                        .unwrap_or_default(),
                })
                .collect(),
            subjects: &doc.subjects,
            extra: &doc.extra,
            body: String::new(),
            cites: citations.cites[d]
                .iter()
                .map(|(number, target)| CitedRef {
                    doc_number: number.to_string(),
                    doc: target.map(|t| self.doc_summary(t)),
                })
                .collect(),
            cited_by: citations.cited_by[d]
                .iter()
                .map(|&k| self.doc_summary(k))
                .collect(),
            source: &doc.source,
            prev: at.checked_sub(1).map(|k| self.doc_summary(siblings[k])),
            next: siblings.get(at + 1).map(|&k| self.doc_summary(k)),
        }
    }
}
