//! The full-text search bundles: each year's document pages are rendered and handed to
//! the indexer ([`crate::search`]) while only they are in memory; Pagefind's UI files are
//! written once.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::pages::Page;
use super::reuse::SEARCH_UI_FINGERPRINT;
use super::{Rendered, Renderer};
use crate::error::Diagnostic;
use crate::output::Sink;
use crate::search;
use crate::urls;

/// A page the search index takes: its URL, its file, and its HTML unless the page was taken
/// as published (then the published file holds it).
pub(super) struct ToIndex {
    pub(super) url: String,
    pub(super) file: String,
    pub(super) html: Option<String>,
}

/// One year's document pages, rendered, and its bundle: made now, or `None` when there is
/// nothing to index or the published one was taken; and the bundle's fingerprint.
pub(super) struct YearDone {
    year: u16,
    part: Rendered,
    bundle: Option<Result<search::Bundle, String>>,
    fingerprint: Option<String>,
}

impl<'a> Renderer<'a> {
    /// Renders each year's document pages and indexes them. Years run in parallel (each
    /// year's HTML stays in memory only while its index is built); the caller merges them in
    /// year order, so the output does not depend on which finished first.
    pub(super) fn render_years(
        &self,
        by_year: BTreeMap<u16, Vec<Page>>,
        output: &dyn Sink,
        search: Option<&search::Indexer>,
        progress: Option<&dyn crate::progress::Progress>,
    ) -> Vec<YearDone> {
        let years: Vec<(u16, Vec<Page>)> = by_year.into_iter().collect();
        years
            .into_par_iter()
            .map(|(year, year_pages)| {
                let mut part = Rendered::default();
                let to_index =
                    self.render_pages(&year_pages, output, &mut part, search.is_some(), progress);
                let Some(indexer) = search.filter(|_| !to_index.is_empty()) else {
                    return YearDone {
                        year,
                        part,
                        bundle: None,
                        fingerprint: None,
                    };
                };
                let fingerprint = self.year_fingerprint(year, &to_index, &part);
                if let Some(fp) = &fingerprint
                    && self.reuse_bundle(&urls::search_bundle(year), fp, output, &mut part)
                {
                    return YearDone {
                        year,
                        part,
                        bundle: None,
                        fingerprint,
                    };
                }
                let load = |file: &str| self.read_published(file, &part);
                let bundle = search_pages(to_index, &part)
                    .and_then(|pages| indexer.index_year(year, pages, &load));
                YearDone {
                    year,
                    part,
                    bundle: Some(bundle),
                    fingerprint,
                }
            })
            .collect()
    }

    /// Merges the years into `rendered`, in year order, writing the bundles made now and
    /// Pagefind's UI files once.
    pub(super) fn merge_years(
        &self,
        done: Vec<YearDone>,
        search: Option<&search::Indexer>,
        output: &dyn Sink,
        rendered: &mut Rendered,
    ) {
        let mut ui_written = false;
        let mut any_bundle = false;
        for YearDone {
            year,
            part,
            bundle,
            fingerprint,
        } in done
        {
            any_bundle |= bundle.is_some() || fingerprint.is_some();
            rendered.files.extend(part.files);
            rendered.fingerprints.extend(part.fingerprints);
            rendered.rendered_pages += part.rendered_pages;
            rendered.cached_pages += part.cached_pages;
            rendered.unchanged += part.unchanged;
            rendered.problems.extend(part.problems);
            match bundle {
                None => {}
                Some(Ok(bundle)) => {
                    if let Some(fp) = &fingerprint {
                        for (path, _) in &bundle.files {
                            rendered.fingerprints.insert(path.clone(), fp.clone());
                        }
                    }
                    let ui = if ui_written { Vec::new() } else { bundle.ui };
                    if !ui_written {
                        for (path, _) in &ui {
                            rendered
                                .fingerprints
                                .insert(path.clone(), SEARCH_UI_FINGERPRINT.to_string());
                        }
                    }
                    ui_written = true;
                    let files: Vec<(String, Vec<u8>)> =
                        bundle.files.into_iter().chain(ui).collect();
                    self.put_files(output, rendered, files);
                }
                Some(Err(e)) => rendered.problems.push(
                    Diagnostic::error(
                        urls::search_bundle(year),
                        0,
                        0,
                        "search-index-failed",
                        format!("cannot build the search index of {year}: {e}"),
                    )
                    .with_hint(
                        "build with --no-search to publish the site without full-text search",
                    ),
                ),
            }
        }
        if let (Some(indexer), true, false) = (search, any_bundle, ui_written)
            && !self.reuse_bundle(urls::SEARCH_UI_DIR, SEARCH_UI_FINGERPRINT, output, rendered)
        {
            // Every year's bundle was taken as published but the UI files were not: make
            // them again.
            self.write_search_ui(indexer, output, rendered);
        }
    }

    /// Writes Pagefind's UI files.
    fn write_search_ui(
        &self,
        indexer: &search::Indexer,
        output: &dyn Sink,
        rendered: &mut Rendered,
    ) {
        match indexer.ui_files() {
            Ok(ui) => {
                for (path, _) in &ui {
                    if self.cache.is_some() {
                        rendered
                            .fingerprints
                            .insert(path.clone(), SEARCH_UI_FINGERPRINT.to_string());
                    }
                }
                self.put_files(output, rendered, ui);
            }
            Err(e) => rendered.problems.push(Diagnostic::error(
                urls::SEARCH_UI_DIR,
                0,
                0,
                "search-index-failed",
                format!("cannot write the search UI: {e}"),
            )),
        }
    }

    /// The HTML of the page published as `file`, read back (its search record is not kept).
    fn read_published(&self, file: &str, part: &Rendered) -> Result<String, String> {
        let dir = self.cache.map(|(_, dir)| dir).ok_or("no output folder")?;
        let html = dir
            .read(file)
            .map_err(|e| e.to_string())
            .and_then(|b| String::from_utf8(b).map_err(|e| e.to_string()))
            .map_err(|e| format!("cannot read {file}: {e}"))?;
        if part.files.get(file).map(|d| d.size) != Some(html.len() as u64) {
            return Err(format!("{file} changed while the site was built"));
        }
        Ok(html)
    }
}

/// The pages to index, each with the SHA-256 its file was published with: the HTML as
/// rendered, or for a page taken as published, its file.
fn search_pages(to_index: Vec<ToIndex>, part: &Rendered) -> Result<Vec<search::Page>, String> {
    to_index
        .into_iter()
        .map(|k| {
            let sha256 = match part.files.get(&k.file) {
                Some(digest) => digest.sha256.clone(),
                None => return Err(format!("{} was not published", k.file)),
            };
            let html = match k.html {
                Some(html) => search::Html::Here(html),
                None => search::Html::Published(k.file),
            };
            Ok(search::Page {
                url: k.url,
                sha256,
                html,
            })
        })
        .collect()
}
