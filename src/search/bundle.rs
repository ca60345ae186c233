//! One year's bundle in Pagefind 1.6's format, from its pages' records.
//!
//! - `pagefind.<hash>.pf_meta`: the page list (fragment hash, word count), the word-index
//!   chunks (first and last word, shortened to the prefixes that tell neighbours apart, and
//!   hash), the filters (name and hash), no sort orders, and the meta field names.
//! - `index/<hash>.pf_index`: words in byte order, cut into a chunk once a chunk holds about
//!   20,000 locations; each word with its pages (numbers delta-encoded) and their body and
//!   meta locations, and its forms with diacritics.
//! - `filter/<hash>.pf_filter`: per filter, each value (sorted) with its pages.
//! - `fragment/<hash>.pf_fragment`: a page's JSON.
//! - `pagefind-entry.json`: the version, the language with the meta file's hash and the
//!   page count, and the characters kept in words.
//!
//! Every index file is CBOR (or JSON), prefixed with `pagefind_dcd` and gzipped; files are
//! named by the language and the first hex digits of their SHA-1 (unpadded hex bytes, as
//! the browser code never checks them: a name only has to change with the content).
//! Everything is in a fixed order, so a bundle is a function of its records.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use sha1::Digest as _;

use super::cbor::Writer;
use super::record::{Locations, Record, WordRecord, pack_meta};
use super::words::WORD_SYMBOLS;

/// The format's version, which the browser code checks.
pub const VERSION: &str = "1.6.0";
/// A word-index chunk closes once it holds this many locations.
const CHUNK_SIZE: usize = 20_000;
/// The gzip level of every index file (libdeflate's scale): level 6 makes files smaller
/// than zlib's level 6 and at most 2.5% larger than zlib's highest, in under a third
/// of its time.
pub const GZIP_LEVEL: i32 = 6;

/// The hex SHA-1 of `bytes`, each byte without a leading zero.
pub fn sha1_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(40);
    for b in sha1::Sha1::digest(bytes) {
        let _ = write!(out, "{b:x}");
    }
    out
}

/// Short names, unique within one kind of file.
struct Names {
    prefix_len: usize,
    taken: HashMap<String, String>,
}

impl Names {
    fn new(language: &str) -> Names {
        Names {
            prefix_len: language.len() + 8,
            taken: HashMap::new(),
        }
    }

    /// The name of `full` (`<language>_<hex>`): its first characters, more when they are
    /// taken by another file; the same name for the same full hash.
    fn name(&mut self, full: &str) -> String {
        let mut len = self.prefix_len.min(full.len());
        loop {
            let short = &full[..len];
            match self.taken.get(short) {
                Some(other) if other != full && len < full.len() => len += 1,
                _ => {
                    self.taken.insert(short.to_string(), full.to_string());
                    return short.to_string();
                }
            }
        }
    }
}

/// A word of the year: its pages' locations, by page number.
#[derive(Default)]
struct YearWord<'a> {
    plain: Vec<(usize, &'a Locations)>,
    variants: Vec<(&'a str, Vec<(usize, &'a Locations)>)>,
}

impl<'a> YearWord<'a> {
    fn add(&mut self, page: usize, word: &'a WordRecord) {
        if let Some(plain) = &word.plain {
            self.plain.push((page, plain));
        }
        for (form, locs) in &word.variants {
            match self.variants.iter_mut().find(|(f, _)| f == form) {
                Some((_, pages)) => pages.push((page, locs)),
                None => self.variants.push((form, vec![(page, locs)])),
            }
        }
    }

    fn size(&self) -> usize {
        let size = |l: &Locations| {
            // The fields a word stands in are few: counted without a set.
            let fields = (0..l.meta.len())
                .filter(|&i| !l.meta[..i].iter().any(|m| m.0 == l.meta[i].0))
                .count();
            l.locs.len() + l.meta.len() + fields + 1
        };
        self.plain.iter().map(|(_, l)| size(l)).sum::<usize>()
            + self
                .variants
                .iter()
                .flat_map(|(_, p)| p.iter().map(|(_, l)| size(l)))
                .sum::<usize>()
            + self.variants.len()
    }
}

/// Writes the pages of a word's form: page number deltas with body and meta locations.
fn write_pages(w: &mut Writer, pages: &[(usize, &Locations)], fields: &[Vec<u16>]) {
    w.array(pages.len());
    let mut last = 0;
    for &(page, locs) in pages {
        w.array(3);
        w.uint((page - last) as u64);
        last = page;
        w.ints(&locs.locs);
        if locs.meta.is_empty() {
            w.array(0);
        } else {
            w.ints(&pack_meta(&locs.meta, &fields[page]));
        }
    }
}

fn write_chunk(words: &[(&str, YearWord<'_>)], fields: &[Vec<u16>]) -> Vec<u8> {
    let mut w = Writer {
        bytes: Vec::with_capacity(CHUNK_SIZE * 2),
    };
    w.array(1);
    w.array(words.len());
    for (word, year) in words {
        w.array(3);
        w.text(word);
        write_pages(&mut w, &year.plain, fields);
        w.array(year.variants.len());
        for (form, pages) in &year.variants {
            w.array(2);
            w.text(form);
            write_pages(&mut w, pages, fields);
        }
    }
    w.bytes
}

/// The first word, the last word and the file of each chunk, neighbours' bounds shortened.
fn chunk_bounds(chunks: &[Vec<(&str, YearWord<'_>)>]) -> Vec<(String, String)> {
    let mut bounds: Vec<(String, String)> = chunks
        .iter()
        .map(|c| {
            let first = c.first().map(|w| w.0.to_string()).unwrap_or_default();
            let last = c.last().map(|w| w.0.to_string()).unwrap_or_default();
            (first, last)
        })
        .collect();
    for i in 1..bounds.len() {
        let (to, from) = (&bounds[i - 1].1, &bounds[i].0);
        let common = from
            .chars()
            .zip(to.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let to_prefix: String = to.chars().take(common + 1).collect();
        let from_prefix: String = from.chars().take(common + 1).collect();
        if to_prefix >= bounds[i - 1].0 {
            bounds[i - 1].1 = to_prefix;
        }
        bounds[i].0 = from_prefix;
    }
    bounds
}

/// The index files of one year (names within the bundle, gzipped), from the records of its
/// pages in page order. `wasm`: whether the browser code has a build for the language.
pub fn write(records: &[&Record], language: &str, wasm: bool) -> Vec<(String, Vec<u8>)> {
    let any_body = records.iter().any(|r| r.has_body);
    let pages: Vec<&Record> = records
        .iter()
        .copied()
        .filter(|r| r.has_body || !any_body)
        .collect();
    if pages.is_empty() {
        return vec![entry(None, language, wasm)];
    }
    let meta_fields: Vec<&str> = pages
        .iter()
        .flat_map(|r| r.meta_fields.iter().map(String::as_str))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let fields: Vec<Vec<u16>> = pages
        .iter()
        .map(|r| {
            let at = |f: &String| meta_fields.binary_search(&f.as_str()).unwrap_or(0) as u16;
            r.meta_fields.iter().map(at).collect()
        })
        .collect();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut meta = Writer::default();
    meta.array(6);
    meta.text(VERSION);
    meta.array(pages.len());
    let mut names = Names::new(language);
    // Fragments come gzipped in their records.
    let mut fragments: Vec<(String, Vec<u8>)> = Vec::with_capacity(pages.len());
    for page in &pages {
        let full = format!("{language}_{}", page.fragment_sha1);
        let name = names.name(&full);
        meta.array(3);
        meta.text(&name);
        meta.uint(u64::from(page.word_count));
        meta.text("");
        fragments.push((
            format!("fragment/{name}.pf_fragment"),
            page.fragment.clone(),
        ));
    }
    fragments.dedup_by(|a, b| a.0 == b.0);
    let (chunks, chunk_meta) = word_chunks(&pages, &fields, language);
    meta.array(chunk_meta.len());
    for (from, to, name) in &chunk_meta {
        meta.array(3);
        meta.text(from);
        meta.text(to);
        meta.text(name);
    }
    files.extend(chunks);
    let (filters, filter_meta) = filter_files(&pages, language);
    meta.array(filter_meta.len());
    for (filter, name) in &filter_meta {
        meta.array(2);
        meta.text(filter);
        meta.text(name);
    }
    files.extend(filters);
    meta.array(0);
    meta.array(meta_fields.len());
    for f in &meta_fields {
        meta.text(f);
    }
    let hash = sha1_hex(&meta.bytes);
    let meta_hash = format!(
        "{language}_{}",
        &hash[..(language.len() + 8).min(hash.len())]
    );
    files.push((format!("pagefind.{meta_hash}.pf_meta"), meta.bytes));
    let mut out: Vec<(String, Vec<u8>)> = files
        .into_par_iter()
        .map(|(name, bytes)| (name, gzip(&bytes)))
        .collect();
    out.extend(fragments);
    out.push(entry(Some((&meta_hash, pages.len())), language, wasm));
    out
}

type Files = Vec<(String, Vec<u8>)>;

/// The word-index chunks (name, bytes) and their entries in the meta file.
fn word_chunks(
    pages: &[&Record],
    fields: &[Vec<u16>],
    language: &str,
) -> (Files, Vec<(String, String, String)>) {
    // Each word's place in `words`, found by hash; the words are sorted once, at the end.
    let mut at: FxHashMap<&str, usize> = FxHashMap::default();
    let mut words: Vec<(&str, YearWord<'_>)> = Vec::new();
    for (page, record) in pages.iter().enumerate() {
        for word in &record.words {
            let i = *at.entry(&word.word).or_insert_with(|| {
                words.push((&word.word, YearWord::default()));
                words.len() - 1
            });
            words[i].1.add(page, word);
        }
    }
    drop(at);
    // Words are unique: an unstable sort has one outcome.
    words.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut chunks: Vec<Vec<(&str, YearWord<'_>)>> = Vec::new();
    let mut chunk = Vec::new();
    let mut size = 0;
    for (word, year) in words {
        size += year.size();
        chunk.push((word, year));
        if size >= CHUNK_SIZE {
            chunks.push(std::mem::take(&mut chunk));
            size = 0;
        }
    }
    if !chunk.is_empty() {
        chunks.push(chunk);
    }
    let bounds = chunk_bounds(&chunks);
    let encoded: Vec<Vec<u8>> = chunks.par_iter().map(|c| write_chunk(c, fields)).collect();
    let mut names = Names::new(language);
    let mut files = Vec::with_capacity(encoded.len());
    let mut meta = Vec::with_capacity(encoded.len());
    for (bytes, (from, to)) in encoded.into_iter().zip(bounds) {
        let name = names.name(&format!("{language}_{}", sha1_hex(&bytes)));
        files.push((format!("index/{name}.pf_index"), bytes));
        meta.push((from, to, name));
    }
    (files, meta)
}

/// The filter files (name, bytes) and their entries in the meta file.
fn filter_files(pages: &[&Record], language: &str) -> (Files, Vec<(String, String)>) {
    let mut filters: BTreeMap<&str, BTreeMap<&str, Vec<usize>>> = BTreeMap::new();
    for (page, record) in pages.iter().enumerate() {
        for (filter, value) in &record.filters {
            filters
                .entry(filter)
                .or_default()
                .entry(value)
                .or_default()
                .push(page);
        }
    }
    let mut names = Names::new(language);
    let mut files = Vec::new();
    let mut meta = Vec::new();
    for (filter, values) in filters {
        let mut w = Writer::default();
        w.array(2);
        w.text(filter);
        w.array(values.len());
        for (value, pages) in values {
            w.array(2);
            w.text(value);
            w.array(pages.len());
            for p in pages {
                w.uint(p as u64);
            }
        }
        let name = names.name(&format!("{language}_{}", sha1_hex(&w.bytes)));
        files.push((format!("filter/{name}.pf_filter"), w.bytes));
        meta.push((filter.to_string(), name));
    }
    (files, meta)
}

/// `pagefind-entry.json`: the language's meta file and page count, if the year has pages.
fn entry(index: Option<(&str, usize)>, language: &str, wasm: bool) -> (String, Vec<u8>) {
    #[derive(serde::Serialize)]
    struct Language<'a> {
        hash: &'a str,
        wasm: Option<&'a str>,
        page_count: usize,
    }
    #[derive(serde::Serialize)]
    struct Entry<'a> {
        version: &'a str,
        languages: BTreeMap<&'a str, Language<'a>>,
        include_characters: &'a [char],
    }
    let languages = index
        .map(|(hash, page_count)| {
            let wasm = wasm.then_some(language);
            BTreeMap::from([(
                language,
                Language {
                    hash,
                    wasm,
                    page_count,
                },
            )])
        })
        .unwrap_or_default();
    let entry = Entry {
        version: VERSION,
        languages,
        include_characters: &WORD_SYMBOLS,
    };
    let json = serde_json::to_vec(&entry).unwrap_or_default();
    ("pagefind-entry.json".to_string(), json)
}

/// `pagefind_dcd` and the file, gzipped (libdeflate: the same input and level give the same
/// bytes).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<libdeflater::Compressor> =
            std::cell::RefCell::new(libdeflater::Compressor::new(
                libdeflater::CompressionLvl::new(GZIP_LEVEL).unwrap_or_default(),
            ));
    }
    let mut input = Vec::with_capacity(PREFIX.len() + bytes.len());
    input.extend_from_slice(PREFIX);
    input.extend_from_slice(bytes);
    COMPRESSOR.with_borrow_mut(|c| {
        let mut out = vec![0; c.gzip_compress_bound(input.len())];
        let written = c.gzip_compress(&input, &mut out).unwrap_or(0);
        out.truncate(written);
        out
    })
}

/// What every index file starts with, before it is compressed.
const PREFIX: &[u8] = b"pagefind_dcd";
