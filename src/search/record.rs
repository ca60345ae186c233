//! A page's record: everything its year's bundle needs from it — its fragment (the JSON a
//! result shows), its filters, its meta field names and each word with its packed
//! locations. A record is a pure function of the page's URL and HTML, so it can be kept and
//! reused while the HTML does not change ([`super::memo`]).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::extract::extract;
use super::words::{segments, split_body, split_meta};

/// A word at a position of the body, with its weight (24 a unit).
#[derive(Debug, Clone)]
pub struct Hit {
    pub position: u32,
    pub weight: u8,
    pub original: Option<String>,
}

/// A word at a position of a meta field (the page's own field number).
#[derive(Debug, Clone)]
pub struct MetaHit {
    pub field: u16,
    pub position: u32,
    pub original: Option<String>,
}

/// A heading (or other element with an `id`) a result can link to.
#[derive(Debug, Clone, Serialize)]
pub struct Anchor {
    pub element: String,
    pub id: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub location: u32,
}

/// The locations of one form of a word on a page: the body's, packed (weights inline), and
/// the meta fields' as (page field, position), packed when the year's fields are known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Locations {
    pub locs: Vec<i32>,
    pub meta: Vec<(u16, u32)>,
}

/// One word of a page: its locations, and those of its forms with diacritics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordRecord {
    pub word: String,
    /// `None` when the word occurs on the page only with diacritics.
    pub plain: Option<Locations>,
    pub variants: Vec<(String, Locations)>,
}

/// What a page gives its year's bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The fragment file: its JSON, prefixed and gzipped as the bundle serves it.
    pub fragment: Vec<u8>,
    /// The SHA-1 of the fragment's JSON (its file's name), as [`super::bundle::sha1_hex`].
    pub fragment_sha1: String,
    pub word_count: u32,
    /// Filter name and value, in the page's order (names sorted).
    pub filters: Vec<(String, String)>,
    /// The page's meta field names, sorted: field numbers in [`Locations::meta`] index it.
    pub meta_fields: Vec<String>,
    pub has_body: bool,
    /// Sorted by word.
    pub words: Vec<WordRecord>,
}

#[derive(Serialize)]
struct Fragment<'a> {
    url: &'a str,
    content: &'a str,
    word_count: usize,
    filters: &'a BTreeMap<String, Vec<String>>,
    meta: &'a BTreeMap<String, String>,
    anchors: &'a [Anchor],
}

/// The record of the page at `url`; `None` when the page has no words (it is not indexed).
pub fn record_of(url: &str, html: &str, language: &str) -> Result<Option<Record>, String> {
    let page = extract(html)?;
    let split = split_body(&page, segments(language));
    if split.hits.is_empty() {
        return Ok(None);
    }
    let fragment = serde_json::to_string(&Fragment {
        url,
        content: &split.content,
        word_count: split.word_count,
        filters: &page.filters,
        meta: &page.meta,
        anchors: &split.anchors,
    })
    .map_err(|e| format!("cannot encode the page's fragment: {e}"))?;
    let meta_hits = split_meta(&page.meta);
    let mut words = Vec::with_capacity(split.hits.len() + meta_hits.len());
    let mut hits: Vec<(String, Vec<Hit>)> = split.hits.into_iter().collect();
    hits.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut body = hits.into_iter().peekable();
    let mut meta = meta_hits.into_iter().peekable();
    // Merge the body's and the meta fields' words, both sorted.
    loop {
        let order = match (body.peek(), meta.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((b, _)), Some((m, _))) => b.cmp(m),
        };
        let next = match order {
            Ordering::Less => body.next().map(|(w, h)| (w, h, Vec::new())),
            Ordering::Greater => meta.next().map(|(w, m)| (w, Vec::new(), m)),
            Ordering::Equal => body
                .next()
                .zip(meta.next())
                .map(|((w, h), (_, m))| (w, h, m)),
        };
        let Some((word, hits, meta)) = next else {
            break;
        };
        words.push(word_record(word, hits, meta));
    }
    Ok(Some(Record {
        fragment_sha1: super::bundle::sha1_hex(fragment.as_bytes()),
        fragment: super::bundle::gzip(fragment.as_bytes()),
        word_count: split.word_count as u32,
        filters: page
            .filters
            .iter()
            .flat_map(|(f, vs)| vs.iter().map(move |v| (f.clone(), v.clone())))
            .collect(),
        meta_fields: page.meta.keys().cloned().collect(),
        has_body: page.has_body,
        words,
    }))
}

/// Groups a word's hits by form: plain, and each original form with diacritics (sorted).
fn word_record(word: String, hits: Vec<Hit>, meta: Vec<MetaHit>) -> WordRecord {
    let mut plain_hits = Vec::new();
    let mut variant_hits: BTreeMap<String, Vec<Hit>> = BTreeMap::new();
    for hit in hits {
        match hit.original.clone() {
            None => plain_hits.push(hit),
            Some(form) => variant_hits.entry(form).or_default().push(hit),
        }
    }
    let mut plain_meta = Vec::new();
    let mut variant_meta: BTreeMap<String, Vec<(u16, u32)>> = BTreeMap::new();
    for hit in meta {
        match hit.original {
            None => plain_meta.push((hit.field, hit.position)),
            Some(form) => variant_meta
                .entry(form)
                .or_default()
                .push((hit.field, hit.position)),
        }
    }
    let plain = (!plain_hits.is_empty() || !plain_meta.is_empty()).then(|| Locations {
        locs: pack(plain_hits),
        meta: plain_meta,
    });
    // Forms from the body first (sorted), then forms found only in the meta fields (sorted).
    let mut variants: Vec<(String, Locations)> = Vec::new();
    for (form, hits) in variant_hits {
        let meta = variant_meta.remove(&form).unwrap_or_default();
        variants.push((
            form,
            Locations {
                locs: pack(hits),
                meta,
            },
        ));
    }
    for (form, meta) in variant_meta {
        variants.push((
            form,
            Locations {
                locs: Vec::new(),
                meta,
            },
        ));
    }
    WordRecord {
        word,
        plain,
        variants,
    }
}

/// Body locations as the index stores them: grouped by weight (plain weight first), each
/// group delta-encoded, a change of weight written as `-(weight + 1)` and an absolute
/// position.
fn pack(mut hits: Vec<Hit>) -> Vec<i32> {
    const DEFAULT: u8 = 25;
    hits.sort_by_key(|h| (if h.weight == DEFAULT { 0 } else { h.weight }, h.position));
    let mut out = Vec::with_capacity(hits.len());
    let mut weight = DEFAULT;
    let mut last = 0u32;
    for hit in hits {
        if hit.weight != weight {
            out.push(-i32::from(hit.weight) - 1);
            out.push(hit.position as i32);
            weight = hit.weight;
        } else {
            out.push((hit.position - last) as i32);
        }
        last = hit.position;
    }
    out
}

/// Meta locations as the index stores them, with the year's field numbers `field_of`:
/// sorted, `-(field + 1)` before each field's positions, positions delta-encoded per field.
pub fn pack_meta(meta: &[(u16, u32)], field_of: &[u16]) -> Vec<i32> {
    let mut hits: Vec<(u16, u32)> = meta
        .iter()
        .map(|&(f, p)| (field_of[f as usize], p))
        .collect();
    hits.sort_unstable();
    let mut out = Vec::with_capacity(hits.len() + 4);
    let mut field = None;
    let mut last = 0;
    for (f, p) in hits {
        if field != Some(f) {
            out.push(-i32::from(f) - 1);
            field = Some(f);
            last = 0;
        }
        out.push((p - last) as i32);
        last = p;
    }
    out
}
