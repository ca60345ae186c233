//! The search bundles gazette writes say what Pagefind's own would: for the same pages, the
//! bundle from `gazette::search::Indexer` and the one from Pagefind's library
//! (`PagefindIndex`, the oracle) decode to the same pages and fragments (URL, content,
//! word count, meta, filters, anchors), the same words with the same pages and locations
//! (weights included) per word, the same filters and meta fields and the same word-index
//! chunk bounds — for the bundled archive and for a generated one.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use gazette::search::{Indexer, Page};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::support::*;

#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../../examples/corpus/generate.rs"]
mod generate;

/// A CBOR item, as the index files use them.
#[derive(Debug, Clone, PartialEq)]
enum Cbor {
    Int(i64),
    Text(String),
    Array(Vec<Cbor>),
}

impl Cbor {
    fn array(&self) -> &[Cbor] {
        match self {
            Cbor::Array(a) => a,
            other => panic!("not an array: {other:?}"),
        }
    }
    fn text(&self) -> &str {
        match self {
            Cbor::Text(t) => t,
            other => panic!("not text: {other:?}"),
        }
    }
    fn int(&self) -> i64 {
        match self {
            Cbor::Int(i) => *i,
            other => panic!("not an integer: {other:?}"),
        }
    }
}

fn decode_cbor(bytes: &[u8], at: &mut usize) -> Cbor {
    let head = bytes[*at];
    *at += 1;
    let (major, info) = (head >> 5, head & 31);
    let value = match info {
        0..=23 => u64::from(info),
        24..=27 => {
            let n = 1usize << (info - 24);
            let mut v = 0u64;
            for b in &bytes[*at..*at + n] {
                v = v << 8 | u64::from(*b);
            }
            *at += n;
            v
        }
        _ => panic!("indefinite lengths are not used"),
    };
    match major {
        0 => Cbor::Int(value as i64),
        1 => Cbor::Int(-1 - value as i64),
        3 => {
            let s = std::str::from_utf8(&bytes[*at..*at + value as usize]).unwrap();
            *at += value as usize;
            Cbor::Text(s.to_string())
        }
        4 => Cbor::Array((0..value).map(|_| decode_cbor(bytes, at)).collect()),
        m => panic!("major type {m} is not used"),
    }
}

/// A gzipped index file, without its `pagefind_dcd` prefix.
fn unzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out.strip_prefix(b"pagefind_dcd")
        .expect("the prefix")
        .to_vec()
}

fn cbor_file(files: &BTreeMap<String, Vec<u8>>, name: &str) -> Cbor {
    let bytes = unzip(&files[name]);
    let mut at = 0;
    let item = decode_cbor(&bytes, &mut at);
    assert_eq!(at, bytes.len(), "{name}: bytes after the item");
    item
}

/// Locations of one form of a word on one page: (page URL, body locations, meta locations).
type Postings = Vec<(String, Vec<i64>, Vec<i64>)>;

/// What a bundle says, by page URL rather than by page number and file names.
#[derive(Debug, PartialEq)]
struct Decoded {
    version: String,
    page_count: i64,
    /// Per page (in page order): the fragment's JSON and word count.
    pages: Vec<(serde_json::Value, i64)>,
    words: BTreeMap<String, (Postings, Vec<(String, Postings)>)>,
    chunks: Vec<(String, String)>,
    filters: BTreeMap<String, Vec<(String, Vec<String>)>>,
    meta_fields: Vec<String>,
}

fn postings(pages: &Cbor, urls: &[String]) -> Postings {
    let mut page = 0i64;
    pages
        .array()
        .iter()
        .map(|p| {
            let p = p.array();
            page += p[0].int();
            let ints = |c: &Cbor| c.array().iter().map(Cbor::int).collect::<Vec<_>>();
            (urls[page as usize].clone(), ints(&p[1]), ints(&p[2]))
        })
        .collect()
}

fn decode(files: &BTreeMap<String, Vec<u8>>) -> Decoded {
    let entry: serde_json::Value = serde_json::from_slice(&files["pagefind-entry.json"]).unwrap();
    let (_, language) = entry["languages"]
        .as_object()
        .unwrap()
        .iter()
        .next()
        .unwrap();
    let hash = language["hash"].as_str().unwrap();
    let meta = cbor_file(files, &format!("pagefind.{hash}.pf_meta"));
    let meta = meta.array();
    let mut pages = Vec::new();
    let mut urls = Vec::new();
    for page in meta[1].array() {
        let page = page.array();
        let name = format!("fragment/{}.pf_fragment", page[0].text());
        let fragment: serde_json::Value = serde_json::from_slice(&unzip(&files[&name])).unwrap();
        urls.push(fragment["url"].as_str().unwrap().to_string());
        pages.push((fragment, page[1].int()));
    }
    let mut words = BTreeMap::new();
    let mut chunks = Vec::new();
    for chunk in meta[2].array() {
        let chunk = chunk.array();
        let (from, to) = (chunk[0].text(), chunk[1].text());
        chunks.push((from.to_string(), to.to_string()));
        let index = cbor_file(files, &format!("index/{}.pf_index", chunk[2].text()));
        for word in index.array()[0].array() {
            let word = word.array();
            let text = word[0].text().to_string();
            // The browser looks a word up in the chunk whose bounds hold it.
            assert!(from <= text.as_str(), "{text} before its chunk's {from}");
            assert!(
                text.as_str() <= to || text.starts_with(to),
                "{text} after its chunk's {to}"
            );
            let variants = word[2]
                .array()
                .iter()
                .map(|v| {
                    let v = v.array();
                    (v[0].text().to_string(), postings(&v[1], &urls))
                })
                .collect();
            let previous = words.insert(text.clone(), (postings(&word[1], &urls), variants));
            assert!(previous.is_none(), "{text} in two chunks");
        }
    }
    let mut filters = BTreeMap::new();
    for filter in meta[3].array() {
        let filter = filter.array();
        let file = cbor_file(files, &format!("filter/{}.pf_filter", filter[1].text()));
        let file = file.array();
        assert_eq!(file[0].text(), filter[0].text());
        let values = file[1]
            .array()
            .iter()
            .map(|v| {
                let v = v.array();
                let pages = v[1].array().iter().map(|p| urls[p.int() as usize].clone());
                (v[0].text().to_string(), pages.collect())
            })
            .collect();
        filters.insert(filter[0].text().to_string(), values);
    }
    assert!(meta[4].array().is_empty(), "no sort orders");
    Decoded {
        version: meta[0].text().to_string(),
        page_count: language["page_count"].as_i64().unwrap(),
        pages,
        words,
        chunks,
        filters,
        meta_fields: meta[5]
            .array()
            .iter()
            .map(|f| f.text().to_string())
            .collect(),
    }
}

/// The HTML pages of a built site (`all`), or those with a search body, in path order, as
/// the search index takes them.
fn pages_of(out: &Path, all: bool) -> Vec<(String, String)> {
    read_tree(out)
        .into_iter()
        .filter(|(path, html)| {
            path.ends_with(".html")
                && (all || String::from_utf8_lossy(html).contains("data-pagefind-body"))
        })
        .map(|(path, html)| (format!("/{path}"), String::from_utf8(html).unwrap()))
        .collect()
}

fn gazette_bundle(pages: &[(String, String)]) -> BTreeMap<String, Vec<u8>> {
    let pages = pages
        .iter()
        .map(|(url, html)| Page::new(url.clone(), html.clone()))
        .collect();
    let unread = |file: &str| Err(format!("{file} is not published"));
    let bundle = Indexer::new("zh-CN")
        .index_year(2000, pages, &unread)
        .unwrap();
    bundle
        .files
        .into_iter()
        .map(|(path, bytes)| {
            let name = path.strip_prefix("search/2000/").unwrap().to_string();
            (name, bytes)
        })
        .collect()
}

fn pagefind_bundle(pages: &[(String, String)]) -> BTreeMap<String, Vec<u8>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let options = PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language("zh-cn".to_string())
            .build();
        let mut index = PagefindIndex::new(Some(options)).unwrap();
        for (url, html) in pages {
            index
                .add_html_file(None, Some(url.clone()), html.clone())
                .await
                .unwrap();
        }
        let files = index.get_files().await.unwrap();
        files
            .into_iter()
            .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
            .collect()
    })
}

/// Builds both bundles of `pages` and compares them, word by word first (for a readable
/// failure), then as a whole.
fn assert_same_bundles(pages: &[(String, String)]) {
    let ours = decode(&gazette_bundle(pages));
    let theirs = decode(&pagefind_bundle(pages));
    let bodies = pages
        .iter()
        .filter(|(_, html)| html.contains("data-pagefind-body"));
    assert_eq!(ours.page_count, bodies.count() as i64);
    for ((a, wa), (b, wb)) in ours.pages.iter().zip(&theirs.pages) {
        assert_eq!(a, b, "fragment of {}", b["url"]);
        assert_eq!(wa, wb, "word count of {}", b["url"]);
    }
    let missing: Vec<&String> = theirs
        .words
        .keys()
        .filter(|w| !ours.words.contains_key(*w))
        .collect();
    let extra: Vec<&String> = ours
        .words
        .keys()
        .filter(|w| !theirs.words.contains_key(*w))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "words missing {missing:?}, extra {extra:?}"
    );
    for (word, theirs) in &theirs.words {
        assert_eq!(&ours.words[word], theirs, "the postings of {word}");
    }
    assert!(
        theirs.chunks.len() > 1 || pages.len() < 100,
        "several word-index chunks"
    );
    assert_eq!(ours, theirs);
}

#[test]
fn the_bundled_archive_indexes_as_pagefind_does() {
    let tmp = TempDir::new("search-bundle");
    let out = tmp.path().join("out");
    build(&repo(), &out).unwrap();
    // Every page: those without a search body are left out of both.
    let pages = pages_of(&out, true);
    assert!(pages.len() > 50, "only {} pages", pages.len());
    assert_same_bundles(&pages);
}

#[test]
fn a_generated_archive_indexes_as_pagefind_does() {
    let tmp = TempDir::new("search-bundle-corpus");
    let site = tmp.path().join("site");
    let pool = generate::sentence_pool(&repo().join("content/2019/12")).unwrap();
    generate::generate(&site, 300, 2019, &pool, &repo().join("themes/default")).unwrap();
    let out = tmp.path().join("out");
    build(&site, &out).unwrap();
    let pages = pages_of(&out, false);
    assert!(pages.len() >= 300, "only {} pages", pages.len());
    assert_same_bundles(&pages);
}
