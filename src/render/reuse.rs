//! The renderer's side of reuse: the mechanism that takes from the last build what the
//! incremental layer ([`crate::incremental`]) says holds — pages, publishing outputs, search
//! bundles, body memos — and hands it the pages' contexts to key. Every key and every
//! decision is made there; here files are only looked up in the file cache and noted as
//! published. Page kinds never look here.

use super::bundles::ToIndex;
use super::links::PageLinks;
use super::pages::{Page, Prepared};
use super::{Rendered, Renderer, memo, views};
use crate::error::{Diagnostic, Severity};
use crate::incremental;
use crate::incremental::Input;
use crate::output::{Put, Sink, Written};
use crate::urls;

/// The fingerprint the file cache gives Pagefind's UI files, which change only with the
/// executable (and the cache is ignored for another one).
pub(super) const SEARCH_UI_FINGERPRINT: &str =
    "d79448208f640d12924adf41ec2470699ae922758b4a7a20ece195b75418ffdc";

/// Takes `files` of the last build, made from `fingerprint`, as published.
pub(super) fn reuse_files(
    files: Vec<(&str, &crate::cache::Entry)>,
    fingerprint: &str,
    output: &dyn Sink,
    rendered: &mut Rendered,
) {
    for (path, entry) in files {
        output.reuse(path, entry.mtime);
        rendered.unchanged += 1;
        rendered
            .fingerprints
            .insert(path.to_string(), fingerprint.to_string());
        rendered
            .files
            .insert(path.to_string(), entry.digest.clone());
    }
}

impl<'a> Renderer<'a> {
    /// What this build's memos are made for (see [`incremental::memos_made_for`]).
    pub fn memos_made_for(&self) -> String {
        incremental::memos_made_for(&self.global, &self.keys)
    }

    /// The archive keys of this build.
    pub fn archive_keys(&self) -> &crate::cache::ArchiveKeys {
        self.keys.archive()
    }

    /// Fingerprints every page for the file cache in the output folder `dir`, and takes
    /// pages whose fingerprint `cache` holds as published instead of rendering them again.
    pub fn use_cache(
        &mut self,
        cache: Option<&'a crate::cache::FileCache>,
        dir: &'a crate::tree::Tree,
    ) {
        self.cache = Some((cache, dir));
    }

    /// A page as the last build published it, taken as it is (its file and mtime noted as
    /// confirmed) without being prepared, when nothing it reads can have changed: every input
    /// its kind declares ([`Page::reads`]) is as in the last build — for its own document's
    /// body, the file is unchanged (its record came from the load cache) — and the page
    /// reports no problem that would have to be reported again (its body's or its issue
    /// note's warnings).
    pub(super) fn unchanged_page(
        &self,
        page: Page,
        output: &dyn Sink,
    ) -> Option<(String, crate::cache::Entry)> {
        let (Some(cache), dir) = self.cache? else {
            return None;
        };
        let reader = incremental::Reader::new(self.root, self.archive, page.kind(), page.reads());
        let own_unchanged = |input| match (input, page) {
            (Input::OwnBody, Page::Document(d)) => {
                self.sources.document_reused(d) && self.bodies[d].clean
            }
            (Input::IssueNote, Page::Issue(i)) => self.note_is_clean(i, &reader),
            (Input::IssueNote, _) => self
                .latest_issue()
                .is_none_or(|i| self.note_is_clean(i, &reader)),
            _ => false,
        };
        if !self
            .keys
            .page_unchanged(page.reads(), self.last.as_ref(), own_unchanged)
        {
            return None;
        }
        let file = urls::page_file(&self.page_path(page));
        let entry = cache.published(dir, &file)?;
        output.reuse(&file, entry.mtime);
        Some((file, entry.clone()))
    }

    /// Takes the files of the publishing output whose key is `key` as the last build
    /// published them, when that build recorded the same key for it and all its files are
    /// still in place.
    pub(super) fn reuse_output(
        &self,
        key: &str,
        output: &dyn Sink,
        rendered: &mut Rendered,
    ) -> bool {
        let Some((Some(cache), dir)) = self.cache else {
            return false;
        };
        let Some(files) = cache.output_files(dir, key) else {
            return false;
        };
        reuse_files(files, key, output, rendered);
        true
    }

    /// Whether document `d`'s body memo stands for its body now: its file is unchanged (its
    /// record came from the load cache, so its digest stands for its text), the memo was
    /// made for the body's `key`, and every question the body asked of the site gets the
    /// same answer — known without asking when the memos were made for the same settings
    /// and front matter (`answers_known`).
    pub(super) fn memo_holds(
        &self,
        d: usize,
        memo: &memo::Memo,
        key: &str,
        answers_known: bool,
        links: &PageLinks<'_>,
    ) -> bool {
        incremental::memo_holds(
            self.sources.document_reused(d),
            &memo.key,
            key,
            answers_known,
            || memo.holds(links),
        )
    }

    /// The key of a year's search bundle ([`incremental::bundle_key`]): the URL and
    /// fingerprint of each page it indexes; `None` when a page has no fingerprint (no cache).
    pub(super) fn year_fingerprint(
        &self,
        year: u16,
        to_index: &[ToIndex],
        part: &Rendered,
    ) -> Option<String> {
        self.cache?;
        incremental::bundle_key(
            year,
            to_index.iter().map(|k| {
                (
                    k.url.as_str(),
                    part.fingerprints.get(&k.file).map(String::as_str),
                )
            }),
        )
    }

    /// Takes the files under `prefix` as the last build published them, if they were made
    /// from `fingerprint` and are all still in place.
    pub(super) fn reuse_bundle(
        &self,
        prefix: &str,
        fingerprint: &str,
        output: &dyn Sink,
        rendered: &mut Rendered,
    ) -> bool {
        let Some((Some(cache), dir)) = self.cache else {
            return false;
        };
        let Some(files) = cache.bundle(dir, prefix, fingerprint) else {
            return false;
        };
        reuse_files(files, fingerprint, output, rendered);
        true
    }

    /// The key ([`incremental::page_key`]) of what a page is rendered from: its template and
    /// its whole context, shared views and a document's body by their digests. Empty when it
    /// cannot be keyed: then it is never taken from the cache.
    pub(super) fn fingerprint(&self, prepared: &mut Prepared<'_>) -> String {
        let Prepared {
            template, ctx, doc, ..
        } = prepared;
        incremental::page_key(template, |h| {
            if !ctx.write_to(&mut *h) {
                return false;
            }
            let Some((d, view)) = doc else {
                return true;
            };
            let digest = self.bodies[*d].html.get().cloned().unwrap_or_default();
            let body = std::mem::replace(&mut view.body, format!("digest:{digest}"));
            let ok = h.write_all(b"doc\0").is_ok()
                && views::digesting(|| serde_json::to_writer(&mut *h, &*view).is_ok());
            view.body = body;
            ok
        })
        .unwrap_or_default()
    }

    /// The fingerprint of a prepared page (with a cache), and its document's body HTML if
    /// that had to be rendered for it: a document's fingerprint takes its body's digest, from
    /// its memo or from rendering it now (then the HTML is kept for the page).
    pub(super) fn fingerprint_page(
        &self,
        prepared: &mut Prepared<'_>,
    ) -> (Option<String>, Option<String>) {
        if self.cache.is_none() {
            return (None, None);
        }
        let mut body_html = None;
        if let Some((d, _)) = &prepared.doc
            && self.bodies[*d].html.get().is_none()
        {
            body_html = Some(self.body_html(*d, &prepared.reader, &mut prepared.problems));
        }
        (Some(self.fingerprint(prepared)), body_html)
    }

    /// The page `file` as the last build published it (its modification time confirmed),
    /// when it was made from `fingerprint` and the page reports no error.
    pub(super) fn published_page(
        &self,
        file: &str,
        fingerprint: Option<&str>,
        problems: &[Diagnostic],
        output: &dyn Sink,
    ) -> Option<Put> {
        let (Some(fp), Some((Some(cache), dir))) = (fingerprint, self.cache) else {
            return None;
        };
        if fp.is_empty() || problems.iter().any(|d| d.severity == Severity::Error) {
            return None;
        }
        let entry = cache.hit(dir, file, fp)?;
        output.reuse(file, entry.mtime);
        Some(Put {
            written: Written::Unchanged,
            digest: entry.digest.clone(),
        })
    }
}
