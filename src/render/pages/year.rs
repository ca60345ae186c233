//! The page of one year: its issues and its 年度总目录 (annual index).

use std::collections::BTreeMap;

use super::Prepared;
use crate::content::doc_number::DocNumber;
use crate::render::Renderer;
use crate::render::views::*;
use crate::urls;

/// The template of a year page.
pub(super) const TEMPLATE: &str = "year.html";

impl<'a> Renderer<'a> {
    /// The context of the page of year `y` (an index into the index's years).
    pub(super) fn year_page<'r>(&'r self, page: &mut Prepared<'r>, y: usize) {
        let (year, issues) = &self.index.years[y];
        let crumbs = vec![self.home_crumb(), self.crumb("历年公报", urls::ISSUES)];
        let mut ctx = self.context(&page.path, "year", &format!("{year}年"), crumbs);
        ctx.insert("year", *year);
        ctx.insert(
            "issues",
            issues
                .iter()
                .map(|&i| self.issue_summaries[i].clone())
                .collect::<Vec<_>>(),
        );
        ctx.insert("annual", self.annual_index(issues));
        page.template = TEMPLATE;
        page.ctx = ctx;
    }

    /// The year's 年度总目录: its documents by 文号 series and by issuer.
    pub(in crate::render) fn annual_index(&self, issues: &[usize]) -> AnnualIndex {
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
                    href: Some(self.link(&urls::issuer(&e.slug))),
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
}
