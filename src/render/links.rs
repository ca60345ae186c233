//! How links written in a page's Markdown are resolved: site paths, files of the issue,
//! cited 文号.

use super::Renderer;
use crate::content::doc_number::DocNumber;
use crate::content::markdown::{Cite, LinkResolver};
use crate::urls;

/// Resolves links written in one page's Markdown.
pub(super) struct PageLinks<'a> {
    pub(super) r: &'a Renderer<'a>,
    pub(super) root: &'a str,
    pub(super) issue: usize,
    /// The document being rendered, if the page is a document's.
    pub(super) doc: Option<usize>,
}

impl<'a> PageLinks<'a> {
    /// The links of document `d`'s page, whose way back to the site root is `root`.
    pub(super) fn document(r: &'a Renderer<'a>, root: &'a str, d: usize) -> Self {
        let issue = r.archive.documents[d].issue;
        PageLinks {
            r,
            root,
            issue,
            doc: Some(d),
        }
    }

    /// The links of issue `i`'s page (its note and table of contents).
    pub(super) fn issue(r: &'a Renderer<'a>, root: &'a str, i: usize) -> Self {
        PageLinks {
            r,
            root,
            issue: i,
            doc: None,
        }
    }
}

impl LinkResolver for PageLinks<'_> {
    fn site_path(&self, path: &str) -> Option<String> {
        let path = urls::page_of_file(path);
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
        let site = urls::issue_file(&urls::issue(issue.year, issue.number), path);
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
