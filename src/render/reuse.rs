//! What the renderer reuses from the last build, and when: the archive keys, the page
//! fingerprints, pages and publishing files taken as published, search bundles kept.

use super::bundles::ToIndex;
use super::pages::{Page, Prepared};
use super::{Rendered, Renderer, memo, views};
use crate::content::Archive;
use crate::content::markdown::Citation;
use crate::error::{Diagnostic, Severity};
use crate::output::{Put, Sink, Written};
use crate::urls;

/// The fingerprint the page cache gives Pagefind's UI files, which change only with the
/// executable (and the cache is ignored for another one).
pub(super) const SEARCH_UI_FINGERPRINT: &str =
    "d79448208f640d12924adf41ec2470699ae922758b4a7a20ece195b75418ffdc";

/// Takes `files` of the last build, made from `fingerprint`, as published.
pub(super) fn keep_files(
    files: Vec<(String, crate::cache::Entry)>,
    fingerprint: &str,
    output: &dyn Sink,
    rendered: &mut Rendered,
) {
    for (path, entry) in files {
        output.keep(&path, entry.mtime);
        rendered.unchanged += 1;
        rendered
            .fingerprints
            .insert(path.clone(), fingerprint.to_string());
        rendered.files.insert(path, entry.digest);
    }
}

/// The front key of an archive (see [`crate::cache::ArchiveKeys::front`]): every document's
/// path and front matter, every issue's record, and the size of every file of an issue
/// folder (issue pages show them).
pub(super) fn front_key(root: &std::path::Path, archive: &Archive) -> String {
    let mut h = crate::cache::key_hasher();
    h.update(b"gazette archive front 1\0");
    h.update(&(archive.documents.len() as u64).to_le_bytes());
    for d in &archive.documents {
        h.update(&d.front);
    }
    for issue in &archive.issues {
        let record = bincode::serialize(issue).unwrap_or_default();
        h.update(&(record.len() as u64).to_le_bytes());
        h.update(&record);
        let dir = root.join(crate::content::CONTENT_DIR).join(issue.dir());
        for asset in &issue.assets {
            let size = std::fs::metadata(dir.join(asset)).map_or(u64::MAX, |m| m.len());
            h.update(&size.to_le_bytes());
        }
    }
    h.finish()
}

/// The site key of an archive (see [`crate::cache::ArchiveKeys::site`]): its front key and
/// the 文号 each document's body cites.
pub(super) fn site_key(front: &str, cited: &[Vec<Citation>]) -> String {
    let mut h = crate::cache::key_hasher();
    h.update(b"gazette archive site 1\0");
    h.update(front.as_bytes());
    for list in cited {
        h.update(&(list.len() as u64).to_le_bytes());
        for c in list {
            let number = c.number.to_string();
            h.update(&(number.len() as u64).to_le_bytes());
            h.update(number.as_bytes());
            h.update(&[u8::from(c.internal)]);
        }
    }
    h.finish()
}

impl<'a> Renderer<'a> {
    /// What this build's memos are made for (see [`memo::made_for`]).
    pub fn memos_made_for(&self) -> String {
        memo::made_for(&self.global, &self.keys.front)
    }

    /// The archive keys of this build.
    pub fn archive_keys(&self) -> &crate::cache::ArchiveKeys {
        &self.keys
    }

    /// Fingerprints every page for the page cache in the output folder `dir`, and takes
    /// pages whose fingerprint `cache` holds as published instead of rendering them again.
    pub fn use_cache(
        &mut self,
        cache: Option<&'a crate::cache::PageCache>,
        dir: &'a crate::tree::Tree,
    ) {
        self.cache = Some((cache, dir));
    }

    /// A page as the last build published it, kept (its file and mtime noted as confirmed),
    /// when nothing it is made from can have changed: the settings and archive keys are those
    /// of the last build, and the page reports no problem that would have to be reported
    /// again. For a document's page, its file must be unchanged (its record came from the
    /// load cache) and its body free of warnings; for an issue's page and the home page
    /// (which shows the latest issue), the issue's note must be free of warnings.
    pub(super) fn unchanged_page(
        &self,
        page: Page,
        output: &dyn Sink,
    ) -> Option<(String, crate::cache::Entry)> {
        if !self.same_archive {
            return None;
        }
        let (Some(cache), dir) = self.cache? else {
            return None;
        };
        let clean = match page {
            Page::Document(d) => self.archive.documents[d].reused && self.bodies[d].clean,
            Page::Issue(i) => self.note_is_clean(i),
            Page::Home => self.latest_issue().is_none_or(|i| self.note_is_clean(i)),
            _ => true,
        };
        if !clean {
            return None;
        }
        let file = urls::page_file(&self.page_path(page));
        let entry = cache.kept(dir, &file)?;
        output.keep(&file, entry.mtime);
        Some((file, entry.clone()))
    }

    /// Takes the publishing files of the last build as it published them, when its archive
    /// keys are this build's and all are still in place.
    pub(super) fn reuse_publishing_files(
        &self,
        output: &dyn Sink,
        rendered: &mut Rendered,
    ) -> bool {
        let Some((Some(cache), dir)) = self.cache else {
            return false;
        };
        if !self.same_archive {
            return false;
        }
        let Some(files) = cache.publishing_files(dir) else {
            return false;
        };
        keep_files(files, &self.keys.site, output, rendered);
        true
    }

    /// The fingerprint of a year's search bundle: the URL and fingerprint of each page it
    /// indexes; `None` when a page has no fingerprint (no cache).
    pub(super) fn year_fingerprint(
        &self,
        year: u16,
        to_index: &[ToIndex],
        part: &Rendered,
    ) -> Option<String> {
        self.cache?;
        let mut h = crate::cache::key_hasher();
        h.update(format!("search bundle {year}\0").as_bytes());
        for k in to_index {
            h.update(k.url.as_bytes());
            h.update(&[0]);
            h.update(part.fingerprints.get(&k.file)?.as_bytes());
            h.update(&[0]);
        }
        Some(h.finish())
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
        keep_files(files, fingerprint, output, rendered);
        true
    }

    /// The key (see [`crate::cache::key_of`]) of what a page is rendered from: its template and
    /// its whole context (the templates themselves are covered by the cache's global key), the
    /// site's part and a document's body by their digests.
    pub(super) fn fingerprint(&self, prepared: &mut Prepared<'_>) -> String {
        let mut h = crate::cache::key_hasher();
        h.update(prepared.template.as_bytes());
        h.update(&[0]);
        if !prepared.ctx.write_to(&mut h) {
            // Unserialisable: no fingerprint, so never taken from the cache.
            return String::new();
        }
        if let Some((d, view)) = &mut prepared.doc {
            let digest = self.bodies[*d].html.get().cloned().unwrap_or_default();
            let body = std::mem::replace(&mut view.body, format!("digest:{digest}"));
            h.update(b"doc\0");
            let ok = views::digesting(|| serde_json::to_writer(&mut h, &*view).is_ok());
            view.body = body;
            if !ok {
                return String::new();
            }
        }
        h.finish()
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
            body_html = Some(self.body_html(*d, &mut prepared.problems));
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
        output.keep(file, entry.mtime);
        Some(Put {
            written: Written::Unchanged,
            digest: entry.digest.clone(),
        })
    }
}
