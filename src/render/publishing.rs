//! Driving the publishing outputs ([`crate::publish`]) from the renderer: what they are made
//! from, made side by side, and written beside the pages.

use rayon::prelude::*;

use super::pages::Page;
use super::{Rendered, Renderer};
use crate::content::doc_number::DocNumber;
use crate::incremental::{Input, Reader};
use crate::output::Sink;
use crate::publish;
use crate::urls;

/// Files made by the build: site path and bytes.
type Files = Vec<(String, Vec<u8>)>;

/// One publishing output the renderer drives: its name (in its key), what it reads
/// (declared in its module), and how its files are made.
struct PublishingOutput<'r> {
    name: &'static str,
    reads: &'static [Input],
    make: Box<dyn Fn(&Reader<'_>) -> Files + Sync + 'r>,
}

impl<'a> Renderer<'a> {
    /// Writes the publishing outputs: the lookup, citations data, feeds, redirects and
    /// sitemaps — each taken as published when the incremental layer finds its key unchanged,
    /// else made, side by side — and the open data.
    pub(super) fn publish(&self, pages: &[Page], output: &dyn Sink, rendered: &mut Rendered) {
        let t0 = std::time::Instant::now();
        let outputs = self.publishing_outputs(pages);
        let mut todo = Vec::new();
        for o in &outputs {
            let key = self.keys.of(o.name, o.reads, self.archive, self.sources);
            if !self.reuse_output(&key, output, rendered) {
                todo.push((o, key));
            }
        }
        let made: Vec<(Files, String)> = todo
            .into_par_iter()
            .map(|(o, key)| {
                let reader = Reader::new(self.root, self.archive, o.name, o.reads);
                ((o.make)(&reader), key)
            })
            .collect();
        let mut files = Vec::new();
        for (made, key) in made {
            if self.cache.is_some() {
                for (path, _) in &made {
                    rendered.fingerprints.insert(path.clone(), key.clone());
                }
            }
            files.extend(made);
        }
        crate::trace("lookup, feeds, redirects, sitemaps", t0);
        let t0 = std::time::Instant::now();
        if self.settings.data {
            let reader = Reader::new(self.root, self.archive, "open data", publish::data::READS);
            files.extend(publish::data::files(&self.facts, &reader));
            self.write_bulk_data(output, rendered);
        }
        self.put_files(output, rendered, files);
        crate::trace("publishing files", t0);
    }

    /// The keys of this build's publishing outputs, for the file cache.
    pub fn output_keys(&self) -> Vec<String> {
        self.publishing_outputs(&[])
            .iter()
            .map(|o| self.keys.of(o.name, o.reads, self.archive, self.sources))
            .collect()
    }

    /// The publishing outputs made from the archive without its open data, in the order
    /// their files are written; `pages` is every page (the sitemaps list them).
    fn publishing_outputs<'r>(&'r self, pages: &'r [Page]) -> Vec<PublishingOutput<'r>> {
        let facts = &self.facts;
        vec![
            PublishingOutput {
                name: "lookup",
                reads: publish::lookup::READS,
                make: Box::new(|reader| {
                    let json = publish::lookup::lookup_json(
                        reader.front_matter(),
                        reader.read(Input::FrontMatter, self.index),
                        |p| self.link(p),
                    );
                    vec![(urls::LOOKUP_FILE.to_string(), json.into_bytes())]
                }),
            },
            PublishingOutput {
                name: "citations",
                reads: super::citations::READS,
                make: Box::new(|reader| self.citations_data(reader)),
            },
            PublishingOutput {
                name: "feeds",
                reads: publish::feeds::reads(facts),
                make: Box::new(move |reader| publish::feeds::files(facts, reader)),
            },
            PublishingOutput {
                name: "redirects",
                reads: publish::redirects::READS,
                make: Box::new(move |_| publish::redirects::files(facts)),
            },
            PublishingOutput {
                name: "sitemaps",
                reads: publish::sitemap::READS,
                make: Box::new(move |_| {
                    let urls: Vec<publish::sitemap::Url> =
                        pages.iter().filter_map(|&p| self.sitemap_url(p)).collect();
                    publish::sitemap::files(facts, &urls, publish::sitemap::MAX_URLS)
                }),
            },
        ]
    }

    /// The citation graph's edges, with the open data.
    fn citations_data(&self, reader: &Reader<'_>) -> Files {
        if !self.settings.data {
            return Vec::new();
        }
        let doc_numbers: Vec<Option<String>> = reader
            .front_matter()
            .documents
            .iter()
            .map(|d| d.doc_number.as_ref().map(DocNumber::to_string))
            .collect();
        let index = reader.read(Input::FrontMatter, self.index);
        let json = reader
            .read(Input::Citations, &self.citations)
            .json(index, &doc_numbers);
        vec![(urls::DATA_CITATIONS.to_string(), json.into_bytes())]
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
        let reader = Reader::new(self.root, self.archive, "open data", publish::data::READS);
        self.put_streamed(output, rendered, urls::DATA_JSONL, &mut |w| {
            publish::data::write_jsonl(facts, &reader, w, &twin)
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
}
