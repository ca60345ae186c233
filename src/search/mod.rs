//! The full-text search index (Pagefind, one bundle per year).
//!
//! Every document page rendered for a year is read into a record ([`record`]: its words
//! with their locations and weights, with Chinese segmentation, and its fragment), and the
//! year's records are written as a bundle in Pagefind 1.6's format ([`bundle`]), published
//! under `search/<year>/`, which Pagefind's own browser code (its `pagefind.js`, worker and
//! WebAssembly, taken from the `pagefind` crate) reads. A record is a function of the page's
//! HTML and is kept in the build's state folder ([`memo`]), so a rebuild reads again only
//! the pages that changed and writes their year's bundle from records.
//! One bundle per year keeps the build's memory bounded by the largest year, and a reader's
//! browser only ever fetches the chunks of the years it searches, for the words it searches.
//! The search page merges the bundles with Pagefind's `mergeIndex`. Pagefind's UI script and
//! style sheet, which every bundle would repeat, are published once under `search/ui/`.
//! (The 文号 / 登记号 lookup table beside it is a publishing output: [`crate::publish::lookup`].)

mod bundle;
mod cbor;
mod extract;
mod memo;
mod record;
mod words;

use std::sync::{Arc, OnceLock};

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;

use crate::urls;
pub use bundle::GZIP_LEVEL;
use record::Record;

/// Files of a Pagefind bundle that belong to its UI, not to the index: published once, from
/// the first bundle, under [`urls::SEARCH_UI_DIR`] (only the default UI is kept).
const UI_FILES: &[&str] = &["pagefind-ui.js", "pagefind-ui.css"];
/// UI variants the theme does not use: not published.
const UNUSED_FILES: &[&str] = &[
    "pagefind-highlight.js",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
];

/// A page to index: the URL Pagefind records (relative to the site root, with a leading `/`)
/// and its HTML, in memory or as published.
pub struct Page {
    /// `/documents/wzf/2019/16/index.html`.
    pub url: String,
    /// The SHA-256 of its HTML, lowercase hexadecimal: with the URL, the key of its record.
    pub sha256: String,
    /// Its HTML, or the published file that holds it, read only when its record is not kept.
    pub html: Html,
}

/// Where a page's HTML is.
pub enum Html {
    /// Rendered by this build.
    Here(String),
    /// In the published file at this site path.
    Published(String),
}

impl Page {
    /// A page whose HTML is in memory.
    pub fn new(url: String, html: String) -> Page {
        Page {
            url,
            sha256: crate::cache::FileDigest::of(html.as_bytes()).sha256,
            html: Html::Here(html),
        }
    }
}

/// Reads a published page's HTML, by site path.
pub type Load<'a> = &'a (dyn Fn(&str) -> Result<String, String> + Sync);

/// The files of one year's bundle, by site path.
pub struct Bundle {
    /// Index files, under `search/<year>/`.
    pub files: Vec<(String, Vec<u8>)>,
    /// Pagefind's UI files, under `search/ui/`.
    pub ui: Vec<(String, Vec<u8>)>,
}

/// The files every bundle carries unchanged (Pagefind's browser code), and its UI files.
struct Statics {
    code: Vec<(String, Vec<u8>)>,
    ui: Vec<(String, Vec<u8>)>,
    /// Whether the browser code has a WebAssembly build for the language.
    wasm: bool,
}

/// Builds search bundles.
pub struct Indexer {
    language: String,
    statics: OnceLock<Result<Arc<Statics>, String>>,
    memo: Option<memo::Memo>,
}

impl Indexer {
    /// An indexer for pages written in `language` (a BCP 47 tag such as `zh-CN`).
    pub fn new(language: &str) -> Indexer {
        Indexer {
            language: language.to_ascii_lowercase(),
            statics: OnceLock::new(),
            memo: None,
        }
    }

    /// Keeps the pages' records in the state folder `state`, to be reused by the next build.
    pub fn with_memo(mut self, state: crate::tree::Tree) -> Indexer {
        self.memo = Some(memo::Memo::new(state));
        self
    }

    /// Pagefind's UI files alone.
    pub fn ui_files(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        Ok(self.statics()?.ui.clone())
    }

    fn statics(&self) -> Result<Arc<Statics>, String> {
        self.statics
            .get_or_init(|| pagefind_statics(&self.language).map(Arc::new))
            .clone()
    }

    /// Indexes the pages of one year, reading with `load` the published pages whose records
    /// are not kept; the bundle's files come back sorted by path.
    pub fn index_year(
        &self,
        year: u16,
        pages: Vec<Page>,
        load: Load<'_>,
    ) -> Result<Bundle, String> {
        let statics = self.statics()?;
        let started = std::time::Instant::now();
        let count = pages.len();
        let records = self.records(year, pages, load)?;
        crate::trace(&format!("search {year}: {count} pages read"), started);
        let started = std::time::Instant::now();
        let kept: Vec<&Record> = records.iter().filter_map(|r| r.as_deref()).collect();
        let index = bundle::write(&kept, &self.language, statics.wasm);
        crate::trace(&format!("search {year}: bundle built"), started);
        let base = urls::search_bundle(year);
        let mut files: Vec<(String, Vec<u8>)> = index
            .into_iter()
            .chain(statics.code.iter().cloned())
            .map(|(name, bytes)| (format!("{base}{name}"), bytes))
            .collect();
        files.sort();
        files.dedup_by(|a, b| a.0 == b.0);
        Ok(Bundle {
            files,
            ui: statics.ui.clone(),
        })
    }

    /// The records of a year's pages, in page order (`None`: a page without words); a page
    /// whose URL comes again replaces the earlier one in its place. Each page's HTML is
    /// dropped once its record is made; a kept record is found by key without the HTML.
    fn records(
        &self,
        year: u16,
        pages: Vec<Page>,
        load: Load<'_>,
    ) -> Result<Vec<Option<Arc<Record>>>, String> {
        let known = self.memo.as_ref().map(|m| m.read(year)).unwrap_or_default();
        let made: Vec<(String, [u8; 32], Result<Kept, String>)> = pages
            .into_par_iter()
            .map(|page| {
                let key = memo::key(&page.url, &page.sha256, &self.language);
                let record = match known.get(&key) {
                    Some(r) => Ok(r.clone()),
                    None => match page.html {
                        Html::Here(html) => Ok(html),
                        Html::Published(file) => load(&file),
                    }
                    .and_then(|html| {
                        record::record_of(&page.url, &html, &self.language)
                            .map(|r| r.map(Arc::new))
                            .map_err(|e| format!("cannot index {}: {e}", page.url))
                    }),
                };
                (page.url, key, record)
            })
            .collect();
        let mut out: Vec<Option<Arc<Record>>> = Vec::with_capacity(made.len());
        let mut at_url: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut kept = Vec::with_capacity(made.len());
        for (url, key, record) in made {
            let record = record?;
            kept.push((key, record.clone()));
            match at_url.get(&url) {
                Some(&at) => out[at] = record,
                None => {
                    at_url.insert(url, out.len());
                    out.push(record);
                }
            }
        }
        if let Some(memo) = &self.memo {
            memo.write(year, &kept, &known);
        }
        Ok(out)
    }
}

/// A page's record, or `None` for a page without words.
type Kept = Option<Arc<Record>>;

/// Pagefind's browser code and UI files, from the bundle it makes of one small page in
/// `language`.
fn pagefind_statics(language: &str) -> Result<Statics, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("cannot start the indexer: {e}"))?;
    let files = runtime.block_on(async {
        let options = PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language(language.to_string())
            .build();
        let mut index = PagefindIndex::new(Some(options)).map_err(|e| format!("{e:#}"))?;
        let html = "<!DOCTYPE html><html><head></head><body><main><p>x</p></main></body></html>";
        index
            .add_html_file(None, Some("/".to_string()), html.to_string())
            .await
            .map_err(|e| format!("{e:#}"))?;
        index.get_files().await.map_err(|e| format!("{e:#}"))
    })?;
    let mut statics = Statics {
        code: Vec::new(),
        ui: Vec::new(),
        wasm: false,
    };
    for file in files {
        let name = crate::output::site_path(&file.filename);
        if UI_FILES.contains(&name.as_str()) {
            statics
                .ui
                .push((urls::search_ui_file(&name), file.contents));
        } else if name == format!("wasm.{language}.pagefind") {
            statics.wasm = true;
            statics.code.push((name, file.contents));
        } else if !UNUSED_FILES.contains(&name.as_str())
            && !name.contains(".pf_")
            && name != "pagefind-entry.json"
        {
            statics.code.push((name, file.contents));
        }
    }
    statics.code.sort();
    statics.ui.sort();
    Ok(statics)
}
