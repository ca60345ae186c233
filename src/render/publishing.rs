//! Driving the publishing outputs ([`crate::publish`]) from the renderer: what they are made
//! from, made side by side, and written beside the pages.

use rayon::prelude::*;

use super::pages::Page;
use super::write::{Emit, Streamed};
use super::{Rendered, Renderer};
use crate::content::doc_number::DocNumber;
use crate::incremental::{Input, Reader};
use crate::output::Sink;
use crate::publish;
use crate::urls;

/// One publishing output the renderer drives: its name (in its key), what it reads
/// (declared in its module), and how its files are made, each handed on as it is made.
struct PublishingOutput<'r> {
    name: &'static str,
    reads: &'static [Input],
    make: Box<Make<'r>>,
}

/// How a publishing output makes its files: from what it reads, each handed on as made.
type Make<'r> = dyn Fn(&Reader<'_>, &Emit<'_>) + Sync + 'r;

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
        // Each file is written as it is made; what writing it did is recorded below.
        let streamed = Streamed::new(output, &rendered.files);
        todo.par_iter().enumerate().for_each(|(k, (o, _))| {
            let reader = Reader::new(self.root, self.archive, o.name, o.reads);
            (o.make)(&reader, &|path, bytes| streamed.put(k, path, &bytes));
        });
        crate::trace("lookup, feeds, redirects, sitemaps", t0);
        let t0 = std::time::Instant::now();
        if self.settings.data {
            let reader = Reader::new(self.root, self.archive, "open data", publish::data::READS);
            let data = todo.len();
            publish::data::files(&self.facts, &reader, &|path, bytes| {
                streamed.put(data, path, &bytes)
            });
        }
        let (files, collisions) = streamed.finish();
        for path in collisions {
            rendered.problems.push(Self::collision(path));
        }
        for (path, k, put) in files {
            if self.cache.is_some()
                && let Some((_, key)) = todo.get(k)
            {
                rendered.fingerprints.insert(path.clone(), key.clone());
            }
            self.record(rendered, path, put);
        }
        if self.settings.data {
            self.write_bulk_data(output, rendered);
        }
        crate::trace("publishing files", t0);
    }

    /// The keys of this build's publishing outputs, for the file cache.
    pub fn output_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .publishing_outputs(&[])
            .iter()
            .map(|o| self.keys.of(o.name, o.reads, self.archive, self.sources))
            .collect();
        if self.settings.data {
            keys.extend(self.data_years().into_iter().map(|(_, _, key)| key));
        }
        keys
    }

    /// The publishing outputs made from the archive without its open data, in the order
    /// their files are written; `pages` is every page (the sitemaps list them).
    fn publishing_outputs<'r>(&'r self, pages: &'r [Page]) -> Vec<PublishingOutput<'r>> {
        let facts = &self.facts;
        vec![
            PublishingOutput {
                name: "lookup",
                reads: publish::lookup::READS,
                make: Box::new(|reader, emit| {
                    let json = publish::lookup::lookup_json(
                        reader.front_matter(),
                        reader.read(Input::FrontMatter, self.index),
                        |p| self.link(p),
                    );
                    emit(urls::LOOKUP_FILE.to_string(), json.into_bytes());
                }),
            },
            PublishingOutput {
                name: "citations",
                reads: super::citations::READS,
                make: Box::new(|reader, emit| self.citations_data(reader, emit)),
            },
            PublishingOutput {
                name: "feeds",
                reads: publish::feeds::reads(facts),
                make: Box::new(move |reader, emit| publish::feeds::files(facts, reader, emit)),
            },
            PublishingOutput {
                name: "redirects",
                reads: publish::redirects::READS,
                make: Box::new(move |_, emit| publish::redirects::files(facts, emit)),
            },
            PublishingOutput {
                name: "sitemaps",
                reads: publish::sitemap::READS,
                make: Box::new(move |_, emit| {
                    let urls: Vec<publish::sitemap::Url> =
                        pages.iter().filter_map(|&p| self.sitemap_url(p)).collect();
                    publish::sitemap::write(facts, &urls, publish::sitemap::MAX_URLS, emit)
                }),
            },
        ]
    }

    /// The citation graph's edges, with the open data.
    fn citations_data(&self, reader: &Reader<'_>, emit: &Emit<'_>) {
        if !self.settings.data {
            return;
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
        emit(urls::DATA_CITATIONS.to_string(), json.into_bytes());
    }

    /// Each year of issues with its documents and the key of its open data (its bulk files
    /// and its documents' twins).
    fn data_years(&self) -> Vec<(u16, Vec<usize>, String)> {
        publish::data::years(&self.facts)
            .into_iter()
            .map(|(year, docs)| {
                let reads = publish::data::year_reads(year);
                let name = format!("open data {year}");
                let key = self.keys.of(&name, &reads, self.archive, self.sources);
                (year, docs, key)
            })
            .collect()
    }

    /// Writes the bulk open data a year at a time — each year's JSON Lines (with every
    /// document's data twin) and CSV, streamed, never whole in memory, or taken as published
    /// when its key is unchanged — and last `index.json`, which lists them.
    fn write_bulk_data(&self, output: &dyn Sink, rendered: &mut Rendered) {
        let mut listed = Vec::new();
        for (year, docs, key) in self.data_years() {
            if !self.reuse_output(&key, output, rendered) {
                self.write_year_data(year, &docs, &key, output, rendered);
            }
            let (jsonl, csv) = (
                publish::data::jsonl_path(year),
                publish::data::csv_path(year),
            );
            if let (Some(jsonl), Some(csv)) = (rendered.files.get(&jsonl), rendered.files.get(&csv))
            {
                listed.push(publish::data::YearFiles {
                    year,
                    documents: docs.len(),
                    jsonl: jsonl.clone(),
                    csv: csv.clone(),
                });
            }
        }
        let index = publish::data::index_json(&self.facts, &listed);
        self.put_files(output, rendered, vec![(publish::data::index_path(), index)]);
    }

    /// Streams out one year's bulk open data and its documents' twins, made from `key`.
    fn write_year_data(
        &self,
        year: u16,
        docs: &[usize],
        key: &str,
        output: &dyn Sink,
        rendered: &mut Rendered,
    ) {
        let facts = &self.facts;
        let twins = std::sync::Mutex::new(Vec::new());
        let twin = |path: String, bytes: Vec<u8>| {
            let put = output.put(&path, &bytes);
            twins.lock().expect("twins").push((path, put));
        };
        let reads = publish::data::year_reads(year);
        let reader = Reader::new(self.root, self.archive, "open data", &reads);
        let (jsonl, csv) = (
            publish::data::jsonl_path(year),
            publish::data::csv_path(year),
        );
        self.put_streamed(output, rendered, &jsonl, &mut |w| {
            publish::data::write_jsonl(facts, &reader, docs, w, &twin)
        });
        let mut made = twins.into_inner().expect("twins");
        made.sort_by(|a, b| a.0.cmp(&b.0));
        self.put_streamed(output, rendered, &csv, &mut |w| {
            publish::data::write_csv(facts, docs, w)
        });
        let mut paths = vec![jsonl, csv];
        for (path, put) in made {
            paths.push(path.clone());
            self.record(rendered, path, put);
        }
        if self.cache.is_some() {
            for path in paths {
                if rendered.files.contains_key(&path) {
                    rendered.fingerprints.insert(path, key.to_string());
                }
            }
        }
    }
}
