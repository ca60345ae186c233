//! The full-text search index (Pagefind, one bundle per year).
//!
//! Every document page rendered for a year is fed to Pagefind's Rust API (with
//! Chinese segmentation), and the bundle it makes is published under `search/<year>/`.
//! One bundle per year keeps the build's memory bounded by the largest year, and a reader's
//! browser only ever fetches the chunks of the years it searches, for the words it searches.
//! The search page merges the bundles with Pagefind's `mergeIndex`. Pagefind's UI script and
//! style sheet, which every bundle would repeat, are published once under `search/ui/`.
//! (The 文号 / 登记号 lookup table beside it is a publishing output: [`crate::publish::lookup`].)

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::urls;

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
/// and its HTML.
pub struct Page {
    /// `/documents/wzf/2019/16/index.html`.
    pub url: String,
    /// The rendered page.
    pub html: String,
}

/// The files of one year's bundle, by site path.
pub struct Bundle {
    /// Index files, under `search/<year>/`.
    pub files: Vec<(String, Vec<u8>)>,
    /// Pagefind's UI files, under `search/ui/`.
    pub ui: Vec<(String, Vec<u8>)>,
}

/// Builds Pagefind bundles.
pub struct Indexer {
    language: String,
}

impl Indexer {
    /// An indexer for pages written in `language` (a BCP 47 tag such as `zh-CN`).
    pub fn new(language: &str) -> Indexer {
        Indexer {
            language: language.to_ascii_lowercase(),
        }
    }

    /// Pagefind's UI files alone (from the bundle of one empty page).
    pub fn ui_files(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        let page = Page {
            url: "/".to_string(),
            html: "<!DOCTYPE html><html><head></head><body><main></main></body></html>".to_string(),
        };
        Ok(self.index_year(0, vec![page])?.ui)
    }

    /// Indexes the pages of one year; the bundle's files come back sorted by path.
    pub fn index_year(&self, year: u16, pages: Vec<Page>) -> Result<Bundle, String> {
        // Pagefind is asynchronous; a runtime on this thread is all it needs.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| format!("cannot start the indexer: {e}"))?;
        let count = pages.len();
        let files = runtime.block_on(async {
            let options = PagefindServiceConfig::builder()
                .keep_index_url(true)
                .force_language(self.language.clone())
                .build();
            let mut index = PagefindIndex::new(Some(options)).map_err(|e| format!("{e:#}"))?;
            let started = std::time::Instant::now();
            for page in pages {
                index
                    .add_html_file(None, Some(page.url.clone()), page.html)
                    .await
                    .map_err(|e| format!("cannot index {}: {e:#}", page.url))?;
            }
            crate::trace(&format!("search {year}: {count} pages read"), started);
            let started = std::time::Instant::now();
            let files = index.get_files().await.map_err(|e| format!("{e:#}"));
            crate::trace(&format!("search {year}: bundle built"), started);
            files
        })?;
        let base = urls::search_bundle(year);
        let mut bundle = Bundle {
            files: Vec::new(),
            ui: Vec::new(),
        };
        for file in files {
            let name = crate::output::site_path(&file.filename);
            if UI_FILES.contains(&name.as_str()) {
                bundle.ui.push((urls::search_ui_file(&name), file.contents));
            } else if !UNUSED_FILES.contains(&name.as_str()) {
                bundle.files.push((format!("{base}{name}"), file.contents));
            }
        }
        bundle.files.sort();
        bundle.ui.sort();
        Ok(bundle)
    }
}
