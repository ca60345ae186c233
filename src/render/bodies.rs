//! Document bodies: what each cites and asks of the site (scanned before any page, from its
//! memo where that holds), and their HTML (rendered with their pages, so that no archive's
//! worth of HTML is ever held in memory).

use std::panic::{AssertUnwindSafe, catch_unwind};

use rayon::prelude::*;

use super::links::PageLinks;
use super::{Renderer, memo, root_for};
use crate::content::markdown::{self, Citation};
use crate::error::Diagnostic;
use crate::incremental::Reader;
use crate::urls;

/// A document body rendered to HTML.
#[derive(Debug, Default)]
pub(super) struct Body {
    pub(super) html: String,
    pub(super) problems: Vec<Diagnostic>,
    pub(super) cited: Vec<Citation>,
}

/// What is known of one document's body before its page is rendered.
#[derive(Debug, Default)]
pub(super) struct BodyState {
    /// The memo key: the file's identity and what else the body's HTML depends on.
    pub(super) key: String,
    /// The questions its rendering asks of the site, with their answers.
    pub(super) lookups: Vec<(memo::Query, memo::Answer)>,
    /// Whether rendering it found no problem (only such bodies get a memo).
    pub(super) clean: bool,
    /// The 文号 it cites, as a memo keeps them.
    pub(super) cited: Vec<(String, Option<u16>, u32, bool)>,
    /// The key of its HTML: from a memo that still holds, or from this build's render.
    pub(super) html: std::sync::OnceLock<String>,
}

impl<'a> Renderer<'a> {
    /// The memo key of document `d`'s body: the SHA-256 of its file's bytes as loaded, its
    /// page's place and the settings its HTML depends on. A memo is used only for a file
    /// whose record came from the load cache (found by its identity, or by its bytes after
    /// a fresh checkout): that is when the digest is known to stand for the file's text now.
    pub(super) fn body_key(&self, d: usize) -> String {
        let doc = &self.archive.documents[d];
        crate::incremental::body_key(
            &self.sources.document(d).digest,
            doc.body_line,
            self.config.raw_html,
            &root_for(self.config, &self.index.doc_paths[d]),
        )
    }

    /// The body memos of this build: one for each document whose file is known and whose
    /// body rendered without problems.
    pub fn memos(&self) -> Vec<(&str, memo::MemoRef<'_>)> {
        self.bodies
            .iter()
            .enumerate()
            .filter(|(_, b)| b.clean)
            .filter_map(|(d, b)| {
                let memo = memo::MemoRef {
                    key: &b.key,
                    lookups: &b.lookups,
                    cited: &b.cited,
                    html: b.html.get()?,
                };
                Some((self.archive.documents[d].source.as_str(), memo))
            })
            .collect()
    }

    /// What every document's body cites and asks of the site, in parallel (the HTML is
    /// written with the pages): from its memo when that still holds, else by reading it.
    pub(super) fn scan_bodies(
        &self,
        memos: Vec<Option<memo::Memo>>,
        answers_known: bool,
    ) -> Vec<(Vec<Citation>, BodyState)> {
        memos
            .into_par_iter()
            .enumerate()
            .map(|(d, memo)| {
                let doc = &self.archive.documents[d];
                let root = root_for(self.config, &self.index.doc_paths[d]);
                let links = PageLinks::document(self, &root, d);
                let key = self.body_key(d);
                if let Some(memo) = memo
                    && self.memo_holds(d, &memo, &key, answers_known, &links)
                {
                    let citations = memo.citations();
                    let state = BodyState {
                        key,
                        lookups: memo.lookups,
                        clean: true,
                        cited: memo.cited,
                        html: std::sync::OnceLock::from(memo.html),
                    };
                    return (citations, state);
                }
                let mut state = BodyState {
                    key,
                    ..BodyState::default()
                };
                if doc.body.is_plain() {
                    // Nothing in it can cite or link: no question, no citation, no problem.
                    state.clean = true;
                    return (Vec::new(), state);
                }
                self.reads
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Ok(text) = doc.body.read(&doc.source) else {
                    // The page render reports it.
                    return (Vec::new(), state);
                };
                let src = markdown::Source {
                    path: &doc.source,
                    first_line: doc.body_line,
                    raw_html: self.config.raw_html,
                };
                let recorder = memo::Recorder::new(&links);
                let found = catch_unwind(AssertUnwindSafe(|| {
                    markdown::citations(&text, &src, &recorder)
                }));
                match found {
                    Ok((cited, problems)) => {
                        state.clean = problems.is_empty();
                        state.lookups = recorder.into_lookups();
                        state.cited = memo::cited_of(&cited);
                        (cited, state)
                    }
                    Err(_) => (Vec::new(), state),
                }
            })
            .collect()
    }

    /// Renders one document's Markdown body, read through its page's `reader`.
    pub(super) fn render_body(&self, d: usize, reader: &Reader<'_>) -> Body {
        let doc = &self.archive.documents[d];
        let root = root_for(self.config, &self.index.doc_paths[d]);
        let links = PageLinks::document(self, &root, d);
        let mut body = Body::default();
        self.reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let text = match reader.own_body(d) {
            Ok(text) => text,
            Err(d) => {
                body.problems.push(d);
                return body;
            }
        };
        body.html = self.markdown(
            &text,
            &doc.source,
            doc.body_line,
            &links,
            &mut body.problems,
            &mut body.cited,
        );
        body
    }

    /// Renders document `d`'s body (read through its page's `reader`), adding its problems
    /// to `problems`; notes the digest of its HTML for the page's fingerprint and the body's
    /// memo.
    pub(super) fn body_html(
        &self,
        d: usize,
        reader: &Reader<'_>,
        problems: &mut Vec<Diagnostic>,
    ) -> String {
        let body = self.render_body(d, reader);
        problems.extend(body.problems);
        let _ = self.bodies[d].html.set(memo::html_digest(&body.html));
        body.html
    }

    pub(super) fn markdown(
        &self,
        text: &str,
        source: &str,
        first_line: usize,
        links: &PageLinks<'_>,
        problems: &mut Vec<Diagnostic>,
        cited: &mut Vec<Citation>,
    ) -> String {
        let src = markdown::Source {
            path: source,
            first_line,
            raw_html: self.config.raw_html,
        };
        let mut found = Vec::new();
        match catch_unwind(AssertUnwindSafe(|| {
            markdown::render_cited(text, &src, links, &mut found, cited)
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

    /// Whether issue `i`'s note, read through the `reader` of a page that shows it, renders
    /// without problems.
    pub(super) fn note_is_clean(&self, i: usize, reader: &Reader<'_>) -> bool {
        let issue = &self.archive.issues[i];
        let note = reader.issue_note(i);
        if note.trim().is_empty() {
            return true;
        }
        let root = root_for(self.config, &urls::issue(issue.year, issue.number));
        let links = PageLinks::issue(self, &root, i);
        let mut problems = Vec::new();
        self.markdown(
            note,
            &issue.source,
            issue.note_line,
            &links,
            &mut problems,
            &mut Vec::new(),
        );
        problems.is_empty()
    }
}
