//! The page of an issue: its note, contents by section, files, and its neighbours.

use tera::Value;

use super::Prepared;
use crate::error::Diagnostic;
use crate::incremental::Reader;
use crate::render::links::PageLinks;
use crate::render::views::*;
use crate::render::{Renderer, root_for};
use crate::urls;

/// The template of an issue page.
pub(super) const TEMPLATE: &str = "issue.html";

impl<'a> Renderer<'a> {
    /// The context of issue `i`'s page.
    pub(super) fn issue_page<'r>(&'r self, page: &mut Prepared<'r>, i: usize) {
        let issue = &self.archive.issues[i];
        let title = format!("{}（总第{}期）", issue.label(), issue.serial);
        let mut ctx = self.context(&page.path, "issue", &title, self.year_crumbs(issue.year));
        let root = root_for(self.config, &page.path);
        let view = self.issue_view(i, &root, &page.reader, &mut page.problems);
        ctx.insert("issue", view);
        ctx.insert_value("jsonld", Value::safe_string(&self.facts.issue_jsonld(i)));
        page.template = TEMPLATE;
        page.ctx = ctx;
    }

    /// Issue `i`'s view for a page at `root`; its note and its files' sizes are read through
    /// `reader`, the note's problems added to `problems`.
    pub(in crate::render) fn issue_view(
        &self,
        i: usize,
        root: &str,
        reader: &Reader<'_>,
        problems: &mut Vec<Diagnostic>,
    ) -> IssueView {
        let issue = &self.archive.issues[i];
        let base = urls::issue(issue.year, issue.number);
        let links = PageLinks::issue(self, root, i);
        let mut groups: Vec<TocGroup> = Vec::new();
        for &d in &self.index.issue_documents[i] {
            let section = &self.config.sections[self.archive.documents[d].section];
            if groups.last().is_none_or(|g| g.slug != section.slug) {
                groups.push(TocGroup {
                    name: section.name.clone(),
                    slug: section.slug.clone(),
                    href: self.link(&urls::section(&section.slug)),
                    documents: Vec::new(),
                });
            }
            groups
                .last_mut()
                .expect("pushed")
                .documents
                .push(self.doc_summary(d));
        }
        let assets: Vec<Asset> = issue
            .assets
            .iter()
            .map(|a| Asset {
                name: a.clone(),
                href: urls::issue_file(&base, a),
                size: reader.asset_size(i, a),
            })
            .collect();
        // Issues in `years` run newest first; prev is the older neighbour.
        let order = &self.issue_order;
        let at = order.iter().position(|&x| x == i);
        IssueView {
            summary: self.issue_summaries[i].clone(),
            note: self.markdown(
                reader.issue_note(i),
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
}
