//! Driving the publishing outputs ([`crate::publish`]) from the renderer: what they are made
//! from, made side by side, and written beside the pages.

use super::pages::Page;
use super::{Rendered, Renderer};
use crate::content::doc_number::DocNumber;
use crate::output::Sink;
use crate::publish;
use crate::urls;

impl<'a> Renderer<'a> {
    /// Writes the publishing outputs: the lookup, citations data, feeds, redirects and
    /// sitemaps (taken as published when the incremental layer finds them unchanged), and the
    /// open data.
    pub(super) fn publish(&self, pages: &[Page], output: &dyn Sink, rendered: &mut Rendered) {
        let t0 = std::time::Instant::now();
        let mut files = Vec::new();
        if !self.reuse_publishing_files(output, rendered) {
            files = self.publishing_files(pages);
            if self.cache.is_some() {
                for (path, _) in &files {
                    rendered
                        .fingerprints
                        .insert(path.clone(), self.keys.site.clone());
                }
            }
        }
        crate::trace("lookup, feeds, redirects, sitemaps", t0);
        let t0 = std::time::Instant::now();
        if self.settings.data {
            files.extend(publish::data::files(&self.facts));
            self.write_bulk_data(output, rendered);
        }
        self.put_files(output, rendered, files);
        crate::trace("publishing files", t0);
    }

    /// Streams out the archive-wide open data (JSON Lines with every document's data twin,
    /// and CSV), never whole in memory.
    fn write_bulk_data(&self, output: &dyn Sink, rendered: &mut Rendered) {
        let facts = &self.facts;
        let twins = std::sync::Mutex::new(Vec::new());
        let twin = |path: String, bytes: Vec<u8>| {
            let put = output.put(&path, &bytes);
            twins.lock().expect("twins").push((path, put));
        };
        self.put_streamed(output, rendered, urls::DATA_JSONL, &mut |w| {
            publish::data::write_jsonl(facts, w, &twin)
        });
        let mut twins = twins.into_inner().expect("twins");
        twins.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, put) in twins {
            self.record(rendered, path, put);
        }
        self.put_streamed(output, rendered, urls::DATA_CSV, &mut |w| {
            publish::data::write_csv(facts, w)
        });
    }

    /// The files made from the archive without its bodies: the 文号 lookup, the citations
    /// data, feeds, redirects and sitemaps.
    fn publishing_files(&self, pages: &[Page]) -> Vec<(String, Vec<u8>)> {
        let facts = &self.facts;
        // Independent of each other: made side by side.
        let ((lookup, citations), ((feeds, redirects), sitemaps)) = rayon::join(
            || {
                rayon::join(
                    || publish::lookup::lookup_json(self.archive, self.index, |p| self.link(p)),
                    || {
                        self.settings.data.then(|| {
                            let doc_numbers: Vec<Option<String>> = self
                                .archive
                                .documents
                                .iter()
                                .map(|d| d.doc_number.as_ref().map(DocNumber::to_string))
                                .collect();
                            self.citations.json(self.index, &doc_numbers)
                        })
                    },
                )
            },
            || {
                rayon::join(
                    || {
                        rayon::join(
                            || publish::feeds::files(facts),
                            || publish::redirects::files(facts),
                        )
                    },
                    || {
                        let urls: Vec<publish::sitemap::Url> =
                            pages.iter().filter_map(|&p| self.sitemap_url(p)).collect();
                        publish::sitemap::files(facts, &urls, publish::sitemap::MAX_URLS)
                    },
                )
            },
        );
        let mut files = vec![(urls::LOOKUP_FILE.to_string(), lookup.into_bytes())];
        if let Some(citations) = citations {
            files.push((urls::DATA_CITATIONS.to_string(), citations.into_bytes()));
        }
        files.extend(feeds);
        files.extend(redirects);
        files.extend(sitemaps);
        files
    }
}
