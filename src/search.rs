//! Search data: the full-text index (Pagefind, one bundle per year) and the 文号 / 登记号
//! lookup table.
//!
//! Full text: every document page rendered for a year is fed to Pagefind's Rust API (with
//! Chinese segmentation), and the bundle it makes is published under `search/<year>/`.
//! One bundle per year keeps the build's memory bounded by the largest year, and a reader's
//! browser only ever fetches the chunks of the years it searches, for the words it searches.
//! The search page merges the bundles with Pagefind's `mergeIndex`. Pagefind's UI script and
//! style sheet, which every bundle would repeat, are published once under `search/ui/`.
//!
//! Lookup: `search/wenhao.json` lists every 文号 and 登记号 with its page, so that typing a
//! 文号 into the search box leads straight to the document without loading the index.

use std::collections::BTreeMap;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use serde::Serialize;

use crate::content::Archive;
use crate::index::Index;

/// Where search files are published.
pub const SEARCH_DIR: &str = "search/";
/// Where Pagefind's UI files are published, once.
pub const UI_DIR: &str = "search/ui/";
/// The lookup table.
pub const LOOKUP_FILE: &str = "search/wenhao.json";

/// Files of a Pagefind bundle that belong to its UI, not to the index: published once, from
/// the first bundle, under [`UI_DIR`] (only the default UI is kept).
const UI_FILES: &[&str] = &["pagefind-ui.js", "pagefind-ui.css"];
/// UI variants the theme does not use: not published.
const UNUSED_FILES: &[&str] = &[
    "pagefind-highlight.js",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
];

/// Site path of a year's bundle.
pub fn bundle_path(year: u16) -> String {
    format!("{SEARCH_DIR}{year}/")
}

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
        let base = bundle_path(year);
        let mut bundle = Bundle {
            files: Vec::new(),
            ui: Vec::new(),
        };
        for file in files {
            let name = crate::output::site_path(&file.filename);
            if UI_FILES.contains(&name.as_str()) {
                bundle.ui.push((format!("{UI_DIR}{name}"), file.contents));
            } else if !UNUSED_FILES.contains(&name.as_str()) {
                bundle.files.push((format!("{base}{name}"), file.contents));
            }
        }
        bundle.files.sort();
        bundle.ui.sort();
        Ok(bundle)
    }
}

/// One row of the lookup table.
#[derive(Serialize)]
struct LookupEntry<'a> {
    /// 文号, normalised.
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<String>,
    /// 登记号.
    #[serde(skip_serializing_if = "Option::is_none")]
    r: Option<&'a str>,
    /// 标题.
    t: &'a str,
    /// Its page, in link form, relative to the site root.
    u: String,
}

/// `search/wenhao.json`: every document with a 文号 or 登记号, in 文号 order. `link` turns
/// a site path into its link form.
pub fn lookup_json(archive: &Archive, index: &Index, link: impl Fn(&str) -> String) -> String {
    let mut rows: BTreeMap<(String, String), LookupEntry<'_>> = BTreeMap::new();
    for (i, d) in archive.documents.iter().enumerate() {
        if d.doc_number.is_none() && d.registration_number.is_none() {
            continue;
        }
        // A declared duplicate (reprint) leads to the original.
        if d.duplicate_of().is_some() {
            continue;
        }
        let n = d.doc_number.as_ref().map(ToString::to_string);
        rows.insert(
            (
                n.clone().unwrap_or_default(),
                d.registration_number.clone().unwrap_or_default(),
            ),
            LookupEntry {
                n,
                r: d.registration_number.as_deref(),
                t: &d.title,
                u: link(&index.doc_paths[i]),
            },
        );
    }
    let rows: Vec<&LookupEntry<'_>> = rows.values().collect();
    // One entry per line: small diffs between builds.
    let mut text = String::from("[\n");
    for (k, row) in rows.iter().enumerate() {
        text.push_str(&serde_json::to_string(row).expect("serialisable"));
        text.push_str(if k + 1 < rows.len() { ",\n" } else { "\n" });
    }
    text.push_str("]\n");
    text
}
