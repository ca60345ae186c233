//! The URL scheme: every site path of a built site is made here, and nowhere else.
//!
//! A site path is relative to the site's root and uses `/`: a page is a folder ending in `/`
//! (`issuers/wzf/`, the home page is the empty path), a file is its name
//! (`search/wenhao.json`). Pages, publishing outputs, indexes and caches take their paths
//! from these constants and functions, so that renaming an address is one edit here (and in
//! the theme, if it links the address itself).

/// The list of every issue, by year.
pub const ISSUES: &str = "issues/";
/// The list of issuers (发文机关).
pub const ISSUERS: &str = "issuers/";
/// The list of sections (栏目).
pub const SECTIONS: &str = "sections/";
/// The list of 文种.
pub const TYPES: &str = "types/";
/// The register of normative documents (规范性文件) and their validity.
pub const REGISTER: &str = "normative/";
/// Where the search page and its files are published.
pub const SEARCH_DIR: &str = "search/";
/// Where Pagefind's UI files are published, once.
pub const SEARCH_UI_DIR: &str = "search/ui/";
/// The 文号 / 登记号 lookup table.
pub const LOOKUP_FILE: &str = "search/wenhao.json";
/// The page shown for addresses that do not exist (a file, not a folder: hosts serve it).
pub const NOT_FOUND_PAGE: &str = "404.html";
/// The open-data file beside each document and issue page.
pub const DATA_FILE: &str = "data.json";
/// The folder of the archive-wide open data.
pub const DATA_DIR: &str = "data";
/// The citation graph's edges.
pub const DATA_CITATIONS: &str = "data/citations.json";
/// The manifest of every file with its SHA-256.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The feed of the newest documents.
pub const ARCHIVE_FEED: &str = "atom.xml";
/// The feed of the issues.
pub const ISSUES_FEED: &str = "issues/atom.xml";
/// The file name of the feed beside an issuer, section or 文种 page.
pub const FEED_FILE: &str = "atom.xml";
/// The sitemap index (or the one sitemap of a small site).
pub const SITEMAP_INDEX: &str = "sitemap.xml";
/// The folder of the sitemaps of a large site, one per year.
pub const SITEMAP_DIR: &str = "sitemaps";
/// The static-host redirect list.
pub const HOST_REDIRECTS: &str = "_redirects";
/// Where numbered documents live; the short addresses (`d/…`) mirror what follows it.
const DOCUMENTS: &str = "documents/";
/// Where the short address of a numbered document lives.
const SHORT: &str = "d/";
/// The folder of the 总期号 addresses of issues.
const SERIAL: &str = "issues/serial/";

/// Top-level names that the build writes itself (feeds, sitemaps, open data, short links).
pub const RESERVED: &[&str] = &[
    NOT_FOUND_PAGE,
    HOST_REDIRECTS,
    ARCHIVE_FEED,
    "d",
    DATA_DIR,
    MANIFEST_FILE,
    "normative",
    "robots.txt",
    SITEMAP_INDEX,
    SITEMAP_DIR,
];

/// The page folders every site has, besides the home page.
pub const FIXED_PAGES: &[&str] = &[ISSUES, ISSUERS, SECTIONS, TYPES, REGISTER, SEARCH_DIR];

/// The page of one year's issues.
pub fn year(year: u16) -> String {
    format!("{ISSUES}{year}/")
}

/// The page of an issue.
pub fn issue(year: u16, number: u16) -> String {
    format!("{ISSUES}{year}/{number:02}/")
}

/// The page of a numbered document: by its series slug, year and sequence number.
pub fn numbered_document(series: &str, year: u16, seq: impl std::fmt::Display) -> String {
    format!("{DOCUMENTS}{series}/{year}/{seq}/")
}

/// The page of a document without a 文号 (or a declared duplicate): inside its issue's
/// folder, by `slug` (from its file name).
pub fn unnumbered_document(issue_page: &str, slug: &str) -> String {
    format!("{issue_page}{slug}/")
}

/// The series slug of a numbered document's page, `None` for any other page.
pub fn document_series(page: &str) -> Option<&str> {
    page.strip_prefix(DOCUMENTS)
        .and_then(|rest| rest.split('/').next())
}

/// The short address of a numbered document's page (`d/wzf-2019-16/`), `None` for any
/// other page.
pub fn short_address(page: &str) -> Option<String> {
    let rest = page.strip_prefix(DOCUMENTS)?;
    Some(format!(
        "{SHORT}{}/",
        rest.trim_end_matches('/').replace('/', "-")
    ))
}

/// The address of an issue by its 总期号.
pub fn serial_address(serial: impl std::fmt::Display) -> String {
    format!("{SERIAL}{serial}/")
}

/// Whether `path` lies among the 总期号 addresses.
pub fn is_serial_address(path: &str) -> bool {
    path.starts_with(SERIAL)
}

/// The address of a normative document by its 登记号.
pub fn registration_address(registration: &str) -> String {
    format!("{REGISTER}{}/", registration.to_ascii_lowercase())
}

/// The page of an issuer.
pub fn issuer(slug: &str) -> String {
    format!("{ISSUERS}{slug}/")
}

/// The page of a section.
pub fn section(slug: &str) -> String {
    format!("{SECTIONS}{slug}/")
}

/// The page of a 文种.
pub fn doc_type(slug: &str) -> String {
    format!("{TYPES}{slug}/")
}

/// The feed beside the page `page` (an issuer's, a section's or a 文种's).
pub fn feed_of(page: &str) -> String {
    format!("{page}{FEED_FILE}")
}

/// The data twin beside the page `page` (a document's or an issue's).
pub fn data_of(page: &str) -> String {
    format!("{page}{DATA_FILE}")
}

/// A file published with an issue (a PDF, an attachment).
pub fn issue_file(issue_page: &str, name: &str) -> String {
    format!("{issue_page}{name}")
}

/// The folder of a year's search bundle.
pub fn search_bundle(year: u16) -> String {
    format!("{SEARCH_DIR}{year}/")
}

/// A file of Pagefind's UI.
pub fn search_ui_file(name: &str) -> String {
    format!("{SEARCH_UI_DIR}{name}")
}

/// A file of the archive-wide open data.
pub fn open_data(name: &str) -> String {
    format!("{DATA_DIR}/{name}")
}

/// A file of the sitemap folder.
pub fn sitemap_of(name: impl std::fmt::Display) -> String {
    format!("{SITEMAP_DIR}/{name}")
}

/// Page `page` (0-based) of a paged list at `base`: the first is `base` itself, the others
/// `base/page/<n>/`.
pub fn paged(base: &str, page: usize) -> String {
    if page == 0 {
        base.to_string()
    } else {
        format!("{base}page/{}/", page + 1)
    }
}

/// The first page of the paged list that `path` (any page of it) belongs to.
pub fn first_page(path: &str) -> &str {
    path.split("page/").next().unwrap_or(path)
}

/// The file of the page at `path`: `index.html` of a folder, else the path itself.
pub fn page_file(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// The page a file is: the folder of an `index.html`, else the file itself.
pub fn page_of_file(file: &str) -> &str {
    file.strip_suffix("index.html").unwrap_or(file)
}

/// A site path in the form links use: `…/index.html` when links are relative (no
/// `base_url`, so that `file://` works), the folder itself when they are absolute.
pub fn link_form(base_url: Option<&str>, path: &str) -> String {
    if base_url.is_none() {
        page_file(path)
    } else {
        path.to_string()
    }
}

/// What goes before a link form on the page at `path`: `../` per folder level, or the base
/// URL.
pub fn root_for(base_url: Option<&str>, path: &str) -> String {
    match base_url {
        Some(base) => base.to_string(),
        None => "../".repeat(path.matches('/').count()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_the_scheme() {
        assert_eq!(issue(2019, 3), "issues/2019/03/");
        assert_eq!(paged("issuers/", 0), "issuers/");
        assert_eq!(paged("issuers/wzf/", 2), "issuers/wzf/page/3/");
        assert_eq!(first_page("issuers/wzf/page/3/"), "issuers/wzf/");
        assert_eq!(page_file(""), "index.html");
        assert_eq!(page_file(NOT_FOUND_PAGE), NOT_FOUND_PAGE);
        assert_eq!(page_of_file("issues/index.html"), "issues/");
        let doc = numbered_document("wzf", 2019, 16);
        assert_eq!(short_address(&doc).as_deref(), Some("d/wzf-2019-16/"));
        assert_eq!(document_series(&doc), Some("wzf"));
        assert_eq!(short_address("issues/2019/03/a/"), None);
        assert_eq!(link_form(None, "issues/"), "issues/index.html");
        assert_eq!(link_form(Some("https://x/"), "issues/"), "issues/");
        assert_eq!(root_for(None, "issues/2019/"), "../../");
    }
}
