//! The register of normative documents (规范性文件) and their validity on the reference date.

use super::Prepared;
use crate::render::Renderer;
use crate::render::context::PageCtx;
use crate::render::views::*;
use crate::validity;

/// The template of the register.
pub(super) const TEMPLATE: &str = "normative.html";

impl<'a> Renderer<'a> {
    /// The register page's context.
    pub(super) fn register_page<'r>(&'r self, page: &mut Prepared<'r>) {
        page.ctx = self.register_context(&page.path);
        page.template = TEMPLATE;
    }

    /// The validity register (/normative/).
    pub(in crate::render) fn register_context(&self, path: &str) -> PageCtx<'_> {
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
}
